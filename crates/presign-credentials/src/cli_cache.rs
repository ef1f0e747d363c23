//! The AWS CLI's cache of temporary credentials, `~/.aws/cli/cache/<key>.json`,
//! read and written as the CLI does, so that `presign` and `aws` share one
//! assumed-role session (and one MFA prompt). Files are written whole or not
//! at all: a temporary file in the same folder, mode 0600, renamed over the
//! entry; the folder is created 0700.

use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use presign_config::{CachedEntry, StsCredentials, cli_cache_json, read_cli_cache};

/// The most a cache file is read of; the CLI's entries are a few KiB.
const MAX_ENTRY_BYTES: u64 = 1 << 20;

/// The entry `key` of the cache in `dir` at `now`, if any. A file that
/// cannot be read, is too large or is not an entry the CLI writes counts as
/// no entry: the credentials are fetched again and the file replaced.
pub(crate) fn load(dir: &Path, key: &str, now: SystemTime) -> Option<StsCredentials> {
    let file = fs::File::open(entry_path(dir, key)).ok()?;
    let mut text = String::new();
    file.take(MAX_ENTRY_BYTES + 1)
        .read_to_string(&mut text)
        .ok()?;
    if text.len() as u64 > MAX_ENTRY_BYTES {
        return None;
    }
    match read_cli_cache(&text, now) {
        CachedEntry::Fresh(credentials) => Some(credentials),
        CachedEntry::Expiring | CachedEntry::Unusable(_) => None,
    }
}

/// Writes `credentials` as the entry `key` of the cache in `dir`.
pub(crate) fn store(dir: &Path, key: &str, credentials: &StsCredentials) -> std::io::Result<()> {
    create_private_dir(dir)?;
    let json = cli_cache_json(credentials);
    let target = entry_path(dir, key);
    let temporary = dir.join(format!(
        ".{key}.{}.{}.tmp",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos())
    ));
    let written = write_new_private(&temporary, json.as_bytes())
        .and_then(|()| fs::rename(&temporary, &target));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

pub(crate) fn entry_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.json"))
}

fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates `dir` and its missing parents, each new one 0700.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}
