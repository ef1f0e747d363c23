//! Keys at hand: the type every source ends in, and the static sources (the
//! environment, a profile's keys in one shared file).

use std::fmt;
use std::time::SystemTime;

use zeroize::Zeroizing;

use crate::environment::{
    ENV_ACCESS_KEY_ID, ENV_CREDENTIAL_EXPIRATION, ENV_SECRET_ACCESS_KEY, ENV_SECURITY_TOKEN,
    ENV_SESSION_TOKEN, Environment,
};
use crate::error::ConfigError;
use crate::shared_files::{Section, SharedFile, SharedFiles};

const KEY_ACCESS_KEY_ID: &str = "aws_access_key_id";
const KEY_SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
const KEY_SESSION_TOKEN: &str = "aws_session_token";
const KEYS_EXPIRATION: [&str; 2] = ["aws_credential_expiration", "expiration"];

/// Static credentials. `Debug` shows the access key id and source only.
#[derive(Clone)]
pub struct ResolvedCredentials {
    /// The access key id (not a secret: it is part of every URL).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Zeroizing<String>,
    /// The session token of temporary credentials.
    pub session_token: Option<Zeroizing<String>>,
    /// When temporary credentials stop working (`AWS_CREDENTIAL_EXPIRATION`,
    /// a profile's `aws_credential_expiration`, or the `Expiration` of the
    /// source's answer); `None` for long-term keys.
    pub expires_at: Option<SystemTime>,
    /// Human description, e.g. `profile 'dev' in /home/u/.aws/credentials`.
    pub source: String,
}

impl ResolvedCredentials {
    /// Keys given as they are, under the names the caller knows them by
    /// (`names`: access key id, secret access key, session token), for
    /// [`Overrides::credentials`](crate::Overrides::credentials): `None` when
    /// none is given.
    ///
    /// # Errors
    /// [`ConfigError::PartialKeys`] when the access key id or the secret
    /// comes without the other, or a session token without both.
    ///
    /// # Example
    /// ```
    /// use presign_config::ResolvedCredentials;
    ///
    /// let names = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"];
    /// let given = ResolvedCredentials::given(Some("AKIDEXAMPLE"), Some("secret"), None, names, "the Client's arguments")?;
    /// assert_eq!(given.map(|keys| keys.access_key_id).as_deref(), Some("AKIDEXAMPLE"));
    /// assert!(ResolvedCredentials::given(Some("AKIDEXAMPLE"), None, None, names, "").is_err());
    /// assert!(ResolvedCredentials::given(None, None, None, names, "")?.is_none());
    /// # Ok::<(), presign_config::ConfigError>(())
    /// ```
    pub fn given(
        access_key_id: Option<&str>,
        secret_access_key: Option<&str>,
        session_token: Option<&str>,
        names: [&'static str; 3],
        source: &str,
    ) -> Result<Option<Self>, ConfigError> {
        let [id_name, secret_name, token_name] = names;
        let partial = |present, missing| ConfigError::PartialKeys { present, missing };
        match (access_key_id, secret_access_key) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(Some(Self {
                access_key_id: access_key_id.to_owned(),
                secret_access_key: Zeroizing::new(secret_access_key.to_owned()),
                session_token: session_token.map(|token| Zeroizing::new(token.to_owned())),
                expires_at: None,
                source: source.to_owned(),
            })),
            (Some(_), None) => Err(partial(id_name, secret_name)),
            (None, Some(_)) => Err(partial(secret_name, id_name)),
            (None, None) if session_token.is_some() => Err(partial(token_name, id_name)),
            (None, None) => Ok(None),
        }
    }

    /// The signing core's credentials (a copy of the secrets, wiped on drop).
    #[must_use]
    pub fn to_credentials(&self) -> presign::Credentials {
        let credentials =
            presign::Credentials::new(&self.access_key_id, self.secret_access_key.as_str());
        match &self.session_token {
            Some(token) => credentials.with_session_token(token.as_str()),
            None => credentials,
        }
    }
}

impl fmt::Debug for ResolvedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &Redacted)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| Redacted),
            )
            .field("expires_at", &self.expires_at)
            .field("source", &self.source)
            .finish()
    }
}

/// Shows as `<redacted>` in `Debug` output.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (with
/// `AWS_SESSION_TOKEN`, else the legacy `AWS_SECURITY_TOKEN`, and
/// `AWS_CREDENTIAL_EXPIRATION`); one without the other is an error.
pub(crate) fn env_credentials(
    env: &Environment,
) -> Result<Option<ResolvedCredentials>, ConfigError> {
    let (access_key_id, secret_access_key) =
        match (env.var(ENV_ACCESS_KEY_ID), env.var(ENV_SECRET_ACCESS_KEY)) {
            (Some(access_key_id), Some(secret_access_key)) => (access_key_id, secret_access_key),
            (Some(_), None) => {
                return Err(ConfigError::PartialEnvironment {
                    present: ENV_ACCESS_KEY_ID,
                    missing: ENV_SECRET_ACCESS_KEY,
                });
            }
            (None, Some(_)) => {
                return Err(ConfigError::PartialEnvironment {
                    present: ENV_SECRET_ACCESS_KEY,
                    missing: ENV_ACCESS_KEY_ID,
                });
            }
            (None, None) => return Ok(None),
        };
    let token = [ENV_SESSION_TOKEN, ENV_SECURITY_TOKEN]
        .into_iter()
        .find_map(|name| Some((name, env.var(name)?)));
    let mut source = format!("environment variables {ENV_ACCESS_KEY_ID}, {ENV_SECRET_ACCESS_KEY}");
    if let Some((name, _)) = token {
        source.push_str(", ");
        source.push_str(name);
    }
    let expires_at = env
        .var(ENV_CREDENTIAL_EXPIRATION)
        .map(|text| {
            parse_expiration(text).ok_or_else(|| ConfigError::InvalidSetting {
                origin: ENV_CREDENTIAL_EXPIRATION.to_owned(),
                problem: format!(
                    "{text:?} is not an RFC 3339 instant such as 2026-12-06T16:04:00Z"
                ),
            })
        })
        .transpose()?;
    Ok(Some(ResolvedCredentials {
        access_key_id: access_key_id.to_owned(),
        secret_access_key: Zeroizing::new(secret_access_key.to_owned()),
        session_token: token.map(|(_, value)| Zeroizing::new(value.to_owned())),
        expires_at,
        source,
    }))
}

/// An instant as every source of credentials writes it: RFC 3339 with `Z`
/// or an offset, fractions allowed (STS, `credential_process`, the container
/// and instance endpoints, the SSO token cache, `AWS_CREDENTIAL_EXPIRATION`),
/// or with the `UTC` suffix botocore's `strftime('%Y-%m-%dT%H:%M:%S%Z')`
/// gives (the AWS CLI's credentials cache, older SSO token files).
///
/// # Example
/// ```
/// use presign_config::parse_expiration;
///
/// let instant = parse_expiration("2026-12-06T16:04:00Z");
/// assert!(instant.is_some());
/// assert_eq!(parse_expiration("2026-12-06T16:04:00UTC"), instant);
/// assert_eq!(parse_expiration("2026-12-06T17:04:00+01:00"), instant);
/// assert!(parse_expiration("2026-12-06T16:04:00.123+00:00").is_some());
/// assert!(parse_expiration("tomorrow").is_none());
/// ```
#[must_use]
pub fn parse_expiration(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let timestamp: jiff::Timestamp = match text.strip_suffix("UTC") {
        Some(utc) => format!("{utc}Z").parse().ok()?,
        None => text.parse().ok()?,
    };
    Some(SystemTime::from(timestamp))
}

pub(crate) fn profile_not_found(
    files: &SharedFiles,
    profile: &str,
    origin: &'static str,
) -> ConfigError {
    ConfigError::ProfileNotFound {
        profile: profile.to_owned(),
        origin,
        files: files.describe(),
    }
}

/// Static keys from the profile's section of one shared file (the
/// credentials file and the config file are separate links of the chain):
/// the access key id, secret, token and expiration taken as a unit, so a
/// stale token in one file is never paired with keys from the other.
pub(crate) fn file_credentials(
    profile: &str,
    file: &SharedFile,
    section: &Section,
) -> Result<Option<ResolvedCredentials>, ConfigError> {
    let partial = |present, missing| ConfigError::ProfilePartialKeys {
        profile: profile.to_owned(),
        file: file.label(),
        present,
        missing,
    };
    match (
        section.value(KEY_ACCESS_KEY_ID),
        section.value(KEY_SECRET_ACCESS_KEY),
    ) {
        (Some(access_key_id), Some(secret_access_key)) => {
            let expires_at = KEYS_EXPIRATION
                .iter()
                .find_map(|key| Some((key, section.value(key)?)))
                .map(|(key, text)| {
                    parse_expiration(text).ok_or_else(|| ConfigError::InvalidSetting {
                        origin: format!("`{key}` of profile '{profile}' in {}", file.label()),
                        problem: "is not an RFC 3339 instant such as 2026-12-06T16:04:00Z"
                            .to_owned(),
                    })
                })
                .transpose()?;
            Ok(Some(ResolvedCredentials {
                access_key_id: access_key_id.to_owned(),
                secret_access_key: Zeroizing::new(secret_access_key.to_owned()),
                session_token: section
                    .value(KEY_SESSION_TOKEN)
                    .map(|token| Zeroizing::new(token.to_owned())),
                expires_at,
                source: format!("profile '{profile}' in {}", file.label()),
            }))
        }
        (Some(_), None) => Err(partial(KEY_ACCESS_KEY_ID, KEY_SECRET_ACCESS_KEY)),
        (None, Some(_)) => Err(partial(KEY_SECRET_ACCESS_KEY, KEY_ACCESS_KEY_ID)),
        (None, None) => Ok(None),
    }
}
