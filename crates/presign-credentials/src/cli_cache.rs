//! The AWS CLI's cache of temporary credentials, `~/.aws/cli/cache/<key>.json`:
//! the files (the keys, the entries' shape and the expiry window are
//! presign-config's [`presign_config::sources::read_cli_cache`] and
//! [`presign_config::sources::cli_cache_json`]), shared by assume role, web
//! identity and SSO, so that `presign` and `aws` share one session (and one
//! MFA prompt).
//!
//! An entry that is not what the CLI writes is an error that names the file
//! and asks for it to be deleted; presign does not overwrite a file it does
//! not understand (botocore fails on one too). Entries are written through
//! [`crate::files::write_private`]: whole or not at all, mode 0600.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use presign_config::sources::{
    CacheWriter, CachedEntry, TemporaryCredentials, cli_cache_json, read_cli_cache,
};

use crate::error::CredentialsError;
use crate::files;

/// The file of entry `key` in the cache folder `dir`.
pub(crate) fn entry_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.json"))
}

/// The entry `key` of the cache in `dir` when it has credentials with at
/// least 15 minutes left at `now`; `None` when there is no entry or it
/// expires sooner.
///
/// # Errors
/// [`CredentialsError::ReadFile`] when the file cannot be read;
/// [`CredentialsError::CliCacheFile`] when it is not an entry the CLI
/// writes.
pub(crate) fn load(
    dir: &Path,
    key: &str,
    now: SystemTime,
) -> Result<Option<TemporaryCredentials>, CredentialsError> {
    let path = entry_path(dir, key);
    let Some(text) = files::read_text_file_if_any(&path)? else {
        return Ok(None);
    };
    match read_cli_cache(&text, now) {
        Ok(CachedEntry::Fresh(credentials)) => Ok(Some(credentials)),
        Ok(CachedEntry::Expiring) => Ok(None),
        Err(problem) => Err(CredentialsError::CliCacheFile {
            path,
            problem: problem.to_string(),
        }),
    }
}

/// Writes `credentials` as the entry `key` of the cache in `dir`, in the
/// shape `writer`'s fetcher in botocore writes. The one rule for every
/// fetcher that caches (STS, SSO): a cache that cannot be written (a
/// read-only home in a container) costs only a call next time, so it never
/// fails the fetch that has the credentials in hand; the write is whole or
/// nothing either way.
pub(crate) fn store(
    dir: &Path,
    key: &str,
    credentials: &TemporaryCredentials,
    writer: CacheWriter<'_>,
) {
    let json = cli_cache_json(credentials, writer);
    let _ = files::write_private(&entry_path(dir, key), json.as_bytes());
}
