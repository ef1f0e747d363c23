//! The AWS CLI's cache of temporary credentials, `~/.aws/cli/cache/<key>.json`,
//! without the files: the keys, reading an entry and writing one, as botocore
//! does, so that `presign`, boto3 and `aws` share one assumed-role session
//! (and one MFA prompt) and one set of SSO role credentials.
//!
//! The facts are botocore's (`credentials.py` `CachedCredentialFetcher`,
//! `AssumeRoleCredentialFetcher`, `SSOCredentialFetcher`; `utils.py`
//! `JSONFileCache`):
//! - a key is the SHA-1 (hex) of the call's arguments as
//!   `json.dumps(args, sort_keys=True)` writes them, with `(",", ":")` as
//!   separators for SSO;
//! - an entry is used only while it has at least
//!   [`CLI_CACHE_EXPIRY_WINDOW`] left;
//! - an entry is written with `json.dumps`: the call's answer with
//!   `Expiration` as `%Y-%m-%dT%H:%M:%S%Z` (`...UTC`) and the account id
//!   added for STS; `{"ProviderType": "sso", "Credentials": ...}` with
//!   `...Z` for SSO.
//!
//! An entry that is not what botocore writes is an error naming what is
//! wrong (botocore itself fails on it with a bare `KeyError`), so that the
//! caller can name the file and ask for it to be deleted, rather than
//! silently overwrite a file it does not understand.

use std::fmt::{self, Write as _};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use super::json_answer::{FileFormatError, file_object, file_string};
use crate::credentials::{ResolvedCredentials, parse_expiration};

/// How long a cached entry must still be valid to be used (botocore's
/// `CachedCredentialFetcher.DEFAULT_EXPIRY_WINDOW_SECONDS`).
pub const CLI_CACHE_EXPIRY_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Temporary credentials as STS or the SSO portal hand them out, and as the
/// CLI's cache holds them.
#[derive(Clone)]
pub struct TemporaryCredentials {
    /// `AccessKeyId`.
    pub access_key_id: String,
    /// `SecretAccessKey`.
    pub secret_access_key: Zeroizing<String>,
    /// `SessionToken`.
    pub session_token: Zeroizing<String>,
    /// `Expiration`.
    pub expiration: SystemTime,
    /// `AssumedRoleUser/Arn` of an STS answer, e.g.
    /// `arn:aws:sts::123456789012:assumed-role/r/session`.
    pub assumed_role_arn: Option<String>,
    /// `AssumedRoleUser/AssumedRoleId` of an STS answer.
    pub assumed_role_id: Option<String>,
}

impl TemporaryCredentials {
    /// The credentials every shell signs with, described as `source`.
    #[must_use]
    pub fn into_resolved(self, source: String) -> ResolvedCredentials {
        ResolvedCredentials {
            access_key_id: self.access_key_id,
            secret_access_key: self.secret_access_key,
            session_token: Some(self.session_token),
            expires_at: Some(self.expiration),
            source,
        }
    }
}

impl fmt::Debug for TemporaryCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TemporaryCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &self.expiration)
            .field("assumed_role_arn", &self.assumed_role_arn)
            .finish_non_exhaustive()
    }
}

/// A value of a cache key's arguments.
pub(crate) enum KeyArg<'a> {
    Text(&'a str),
    Number(u32),
}

/// The separators `json.dumps` is called with.
pub(crate) enum Separators {
    /// Python's default, `", "` and `": "` (the assume-role fetchers).
    Default,
    /// `(",", ":")` (the SSO fetcher).
    Compact,
}

/// A cache key: the SHA-1 (hex) of `json.dumps(args, sort_keys=True)` with
/// `separators`. botocore's `_make_file_safe` replaces `:` and `/`, which a
/// hex digest never holds.
pub(crate) fn cache_key(mut args: Vec<(&str, KeyArg<'_>)>, separators: &Separators) -> String {
    let (item, pair) = match separators {
        Separators::Default => (", ", ": "),
        Separators::Compact => (",", ":"),
    };
    args.sort_by(|a, b| a.0.cmp(b.0));
    let mut json = String::from("{");
    for (index, (name, value)) in args.iter().enumerate() {
        if index > 0 {
            json.push_str(item);
        }
        presign::write_python_json_string(&mut json, name);
        json.push_str(pair);
        match value {
            KeyArg::Text(text) => presign::write_python_json_string(&mut json, text),
            KeyArg::Number(number) => {
                let _ = write!(json, "{number}");
            }
        }
    }
    json.push('}');
    sha1_hex(&json)
}

/// The SHA-1 of `text`'s UTF-8 bytes, in lower-case hex.
pub(crate) fn sha1_hex(text: &str) -> String {
    Sha1::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(40), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// `text` as a JSON string the way Python's `json.dumps` writes it.
pub(crate) fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    presign::write_python_json_string(&mut out, text);
    out
}

/// Which of botocore's fetchers an entry is written as: the shape of the
/// file depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheWriter<'a> {
    /// `AssumeRole` or `AssumeRoleWithWebIdentity`: the answer, with the
    /// account id taken from the assumed role's ARN, `Expiration` as
    /// `...UTC`.
    Sts,
    /// `GetRoleCredentials`: `ProviderType` `sso`, the profile's account id,
    /// `Expiration` as `...Z`.
    Sso {
        /// `sso_account_id`.
        account_id: &'a str,
    },
}

/// The JSON the AWS CLI writes for `credentials` (`json.dumps` with its
/// default separators, members in botocore's order).
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign_config::sources::{CacheWriter, TemporaryCredentials, cli_cache_json};
///
/// let credentials = TemporaryCredentials {
///     access_key_id: "ASIA".into(),
///     secret_access_key: "s".to_owned().into(),
///     session_token: "t".to_owned().into(),
///     expiration: UNIX_EPOCH + Duration::from_secs(1_800_000_000),
///     assumed_role_arn: Some("arn:aws:sts::123456789012:assumed-role/r/s".into()),
///     assumed_role_id: None,
/// };
/// let json = cli_cache_json(&credentials, CacheWriter::Sts);
/// assert_eq!(
///     json.as_str(),
///     r#"{"Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2027-01-15T08:00:00UTC", "AccountId": "123456789012"}, "AssumedRoleUser": {"Arn": "arn:aws:sts::123456789012:assumed-role/r/s"}}"#
/// );
/// ```
#[must_use]
pub fn cli_cache_json(
    credentials: &TemporaryCredentials,
    writer: CacheWriter<'_>,
) -> Zeroizing<String> {
    let (provider, time_format, account) = match writer {
        CacheWriter::Sts => (
            None,
            "%Y-%m-%dT%H:%M:%SUTC",
            credentials
                .assumed_role_arn
                .as_deref()
                .and_then(account_from_arn),
        ),
        CacheWriter::Sso { account_id } => (Some("sso"), "%Y-%m-%dT%H:%M:%SZ", Some(account_id)),
    };
    let expiration = strftime_utc(credentials.expiration, time_format);
    let mut json = Zeroizing::new(String::from("{"));
    if let Some(provider) = provider {
        let _ = write!(json, "\"ProviderType\": {}, ", json_string(provider));
    }
    let _ = write!(
        json,
        "\"Credentials\": {{\"AccessKeyId\": {}, \"SecretAccessKey\": {}, \"SessionToken\": {}, \"Expiration\": {}",
        json_string(&credentials.access_key_id),
        json_string(&credentials.secret_access_key),
        json_string(&credentials.session_token),
        json_string(&expiration),
    );
    if let Some(account) = account {
        let _ = write!(json, ", \"AccountId\": {}", json_string(account));
    }
    json.push('}');
    let user: Vec<String> = [
        ("AssumedRoleId", &credentials.assumed_role_id),
        ("Arn", &credentials.assumed_role_arn),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some(format!("\"{name}\": {}", json_string(value.as_deref()?))))
    .collect();
    if !user.is_empty() {
        let _ = write!(json, ", \"AssumedRoleUser\": {{{}}}", user.join(", "));
    }
    json.push('}');
    json
}

/// The account of `arn:PARTITION:SERVICE:REGION:ACCOUNT:...`.
fn account_from_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    (parts.next() == Some("arn")).then_some(())?;
    let account = parts.nth(3)?;
    parts.next()?;
    (!account.is_empty()).then_some(account)
}

/// `instant` in whole seconds, written in UTC with `format` (jiff's
/// `strftime`), e.g. `%Y-%m-%dT%H:%M:%SZ`.
pub(crate) fn strftime_utc(instant: SystemTime, format: &str) -> String {
    jiff::Timestamp::try_from(truncate_to_seconds(instant))
        .map(|timestamp| timestamp.strftime(format).to_string())
        .unwrap_or_default()
}

/// `instant` without its fraction of a second.
pub(crate) fn truncate_to_seconds(instant: SystemTime) -> SystemTime {
    instant.duration_since(UNIX_EPOCH).map_or(instant, |since| {
        UNIX_EPOCH + Duration::from_secs(since.as_secs())
    })
}

/// What a usable entry of the CLI's cache holds at a given time.
#[derive(Debug, Clone)]
pub enum CachedEntry {
    /// Credentials with at least [`CLI_CACHE_EXPIRY_WINDOW`] left.
    Fresh(TemporaryCredentials),
    /// Credentials that expire within the window (or already did): fetch
    /// new ones and replace the entry.
    Expiring,
}

/// Reads an entry of the CLI's cache at `now`: `Credentials` with
/// `AccessKeyId`, `SecretAccessKey`, `SessionToken` and `Expiration` (in
/// botocore's `...UTC` form or RFC 3339), and `AssumedRoleUser` when there.
///
/// # Errors
/// [`FileFormatError`] naming the key when the text is not an entry botocore
/// writes.
///
/// # Example
/// ```
/// use presign_config::parse_expiration;
/// use presign_config::sources::{CachedEntry, read_cli_cache};
///
/// let text = r#"{"Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-12-06T16:04:00UTC"}}"#;
/// let before = parse_expiration("2026-12-06T15:00:00Z").unwrap();
/// assert!(matches!(read_cli_cache(text, before)?, CachedEntry::Fresh(_)));
/// let late = parse_expiration("2026-12-06T15:50:00Z").unwrap();
/// assert!(matches!(read_cli_cache(text, late)?, CachedEntry::Expiring));
/// assert!(read_cli_cache("{", before).is_err());
/// # Ok::<(), presign_config::sources::FileFormatError>(())
/// ```
pub fn read_cli_cache(text: &str, now: SystemTime) -> Result<CachedEntry, FileFormatError> {
    let object = file_object(text)?;
    let Some(Value::Object(cached)) = object.get("Credentials") else {
        return Err(FileFormatError::new("has no `Credentials` object"));
    };
    let field = |key: &str| file_string(cached, key, "Credentials.");
    let expiration = parse_expiration(&field("Expiration")?)
        .ok_or_else(|| FileFormatError::new("has a `Credentials.Expiration` that is not a time"))?;
    let user = match object.get("AssumedRoleUser") {
        Some(Value::Object(user)) => user.clone(),
        _ => Map::new(),
    };
    let user_text = |key: &str| user.get(key).and_then(Value::as_str).map(str::to_owned);
    let credentials = TemporaryCredentials {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: Zeroizing::new(field("SecretAccessKey")?),
        session_token: Zeroizing::new(field("SessionToken")?),
        expiration,
        assumed_role_arn: user_text("Arn"),
        assumed_role_id: user_text("AssumedRoleId"),
    };
    let fresh = expiration
        .duration_since(now)
        .is_ok_and(|left| left >= CLI_CACHE_EXPIRY_WINDOW);
    Ok(if fresh {
        CachedEntry::Fresh(credentials)
    } else {
        CachedEntry::Expiring
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> TemporaryCredentials {
        TemporaryCredentials {
            access_key_id: "ASIA".into(),
            secret_access_key: Zeroizing::new("s".into()),
            session_token: Zeroizing::new("t".into()),
            expiration: parse_expiration("2026-12-06T16:04:00Z").unwrap(),
            assumed_role_arn: Some("arn:aws:sts::123456789012:assumed-role/r/s".into()),
            assumed_role_id: Some("ARO:s".into()),
        }
    }

    /// The JSON text that is hashed, against what Python's
    /// `json.dumps(..., sort_keys=True)` prints for the same dictionary.
    #[test]
    fn cache_keys_hash_pythons_json() {
        let args = || {
            vec![
                ("RoleArn", KeyArg::Text("arn:aws:iam::1:role/r")),
                ("SerialNumber", KeyArg::Text("é\"\\\n\u{7f}😀")),
                ("DurationSeconds", KeyArg::Number(3600)),
            ]
        };
        assert_eq!(
            cache_key(args(), &Separators::Default),
            sha1_hex(
                r#"{"DurationSeconds": 3600, "RoleArn": "arn:aws:iam::1:role/r", "SerialNumber": "\u00e9\"\\\n\u007f\ud83d\ude00"}"#
            )
        );
        assert_eq!(
            cache_key(args(), &Separators::Compact),
            sha1_hex(
                r#"{"DurationSeconds":3600,"RoleArn":"arn:aws:iam::1:role/r","SerialNumber":"\u00e9\"\\\n\u007f\ud83d\ude00"}"#
            )
        );
        // sha1("abc"), the FIPS 180 example.
        assert_eq!(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn sts_entries_round_trip_and_honour_the_window() {
        let credentials = credentials();
        let json = cli_cache_json(&credentials, CacheWriter::Sts);
        assert_eq!(
            json.as_str(),
            r#"{"Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-12-06T16:04:00UTC", "AccountId": "123456789012"}, "AssumedRoleUser": {"AssumedRoleId": "ARO:s", "Arn": "arn:aws:sts::123456789012:assumed-role/r/s"}}"#
        );
        let window_start = credentials.expiration - CLI_CACHE_EXPIRY_WINDOW;
        let CachedEntry::Fresh(read) = read_cli_cache(&json, window_start).unwrap() else {
            panic!("expected a fresh entry")
        };
        assert_eq!(read.access_key_id, "ASIA");
        assert_eq!(read.session_token.as_str(), "t");
        assert_eq!(read.expiration, credentials.expiration);
        assert_eq!(read.assumed_role_id.as_deref(), Some("ARO:s"));
        assert!(matches!(
            read_cli_cache(&json, window_start + Duration::from_secs(1)),
            Ok(CachedEntry::Expiring)
        ));
    }

    #[test]
    fn sso_entries_are_what_botocore_writes() {
        let mut credentials = credentials();
        credentials.assumed_role_arn = None;
        credentials.assumed_role_id = None;
        credentials.expiration += Duration::from_millis(999);
        let json = cli_cache_json(
            &credentials,
            CacheWriter::Sso {
                account_id: "123456789012",
            },
        );
        assert_eq!(
            json.as_str(),
            r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-12-06T16:04:00Z", "AccountId": "123456789012"}}"#
        );
        let now = parse_expiration("2026-12-06T15:00:00Z").unwrap();
        assert!(matches!(
            read_cli_cache(&json, now),
            Ok(CachedEntry::Fresh(_))
        ));
    }

    #[test]
    fn malformed_entries_name_the_key_and_never_a_value() {
        let error = read_cli_cache(r#"{"Credentials": {"AccessKeyId": "A"}}"#, UNIX_EPOCH)
            .unwrap_err()
            .to_string();
        assert_eq!(error, "has no `Credentials.Expiration` (a string)");
        let error = read_cli_cache(
            "{\"Credentials\": {\"SecretAccessKey\": \"SECRETX\",",
            UNIX_EPOCH,
        )
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("is not valid JSON"), "{error}");
        assert!(!error.contains("SECRETX"));
        assert!(read_cli_cache("[]", UNIX_EPOCH).is_err());
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let shown = format!("{:?}", credentials());
        assert!(shown.contains("ASIA") && !shown.contains("\"s\"") && !shown.contains("\"t\""));
    }

    #[test]
    fn account_comes_from_the_arn() {
        assert_eq!(
            account_from_arn("arn:aws:sts::123456789012:assumed-role/r/s"),
            Some("123456789012")
        );
        assert_eq!(account_from_arn("not-an-arn"), None);
        assert_eq!(account_from_arn("arn:aws:sts:::x"), None);
    }
}
