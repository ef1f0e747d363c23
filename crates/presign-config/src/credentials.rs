//! Static credentials: from an IBM COS service-credentials file, a profile of
//! the AWS shared files, or the environment, with the AWS CLI's precedence.

use std::fmt;

use zeroize::Zeroizing;

use crate::environment::{
    ENV_ACCESS_KEY_ID, ENV_CREDENTIAL_EXPIRATION, ENV_PROFILE, ENV_SECRET_ACCESS_KEY,
    ENV_SESSION_TOKEN, Environment,
};
use crate::error::ConfigError;
use crate::ibm::ibm_credentials;
use crate::resolve::{DEFAULT_PROFILE, Overrides};
use crate::shared_files::{Section, SharedFile, SharedFiles};

const KEY_ACCESS_KEY_ID: &str = "aws_access_key_id";
const KEY_SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
const KEY_SESSION_TOKEN: &str = "aws_session_token";
const KEYS_EXPIRATION: [&str; 2] = ["aws_credential_expiration", "expiration"];

/// Profile keys for credential sources that presign does not resolve itself.
pub(crate) const UNSUPPORTED_CREDENTIAL_KEYS: [&str; 6] = [
    "role_arn",
    "source_profile",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

/// Static credentials. `Debug` shows the access key id and source only.
#[derive(Clone)]
pub struct ResolvedCredentials {
    /// The access key id (not a secret: it is part of every URL).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: Zeroizing<String>,
    /// The session token of temporary credentials.
    pub session_token: Option<Zeroizing<String>>,
    /// Raw text, as found (`AWS_CREDENTIAL_EXPIRATION` or the profile's
    /// `aws_credential_expiration` / `expiration`).
    pub expiration: Option<String>,
    /// Human description, e.g. `profile 'dev' in /home/u/.aws/credentials`.
    pub source: String,
}

impl ResolvedCredentials {
    /// Keys given as they are, under the names the caller knows them by
    /// (`names`: access key id, secret access key, session token), for
    /// [`Overrides::credentials`]: `None` when none is given.
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
                expiration: None,
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
            .field("expiration", &self.expiration)
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

pub(crate) fn resolve_credentials(
    flags: &Overrides,
    env: &Environment,
    files: &SharedFiles,
) -> Result<ResolvedCredentials, ConfigError> {
    if let Some(credentials) = &flags.credentials {
        return Ok(credentials.clone());
    }
    if let Some(path) = &flags.ibm_credentials {
        return ibm_credentials(path);
    }
    if let Some(profile) = &flags.profile {
        return required_profile_credentials(files, profile, "--profile");
    }
    if let Some(credentials) = env_credentials(env)? {
        return Ok(credentials);
    }
    if let Some(profile) = env.var(ENV_PROFILE) {
        return required_profile_credentials(files, profile, ENV_PROFILE);
    }
    match profile_credentials(files, DEFAULT_PROFILE)? {
        ProfileCredentials::Found(credentials) => Ok(credentials),
        ProfileCredentials::NotFound | ProfileCredentials::NoKeys => {
            Err(ConfigError::NoCredentials {
                searched: [
                    "the --ibm-credentials flag".to_owned(),
                    "the --profile flag".to_owned(),
                    format!(
                        "the environment variables {ENV_ACCESS_KEY_ID} and {ENV_SECRET_ACCESS_KEY}"
                    ),
                    format!("the {ENV_PROFILE} environment variable"),
                    format!("profile '{DEFAULT_PROFILE}' in {}", files.describe()),
                ]
                .join(", "),
            })
        }
    }
}

fn env_credentials(env: &Environment) -> Result<Option<ResolvedCredentials>, ConfigError> {
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
    let session_token = env.var(ENV_SESSION_TOKEN);
    let mut source = format!("environment variables {ENV_ACCESS_KEY_ID}, {ENV_SECRET_ACCESS_KEY}");
    if session_token.is_some() {
        source.push_str(", ");
        source.push_str(ENV_SESSION_TOKEN);
    }
    Ok(Some(ResolvedCredentials {
        access_key_id: access_key_id.to_owned(),
        secret_access_key: Zeroizing::new(secret_access_key.to_owned()),
        session_token: session_token.map(|token| Zeroizing::new(token.to_owned())),
        expiration: env.var(ENV_CREDENTIAL_EXPIRATION).map(str::to_owned),
        source,
    }))
}

/// The outcome of looking for static keys in a profile.
enum ProfileCredentials {
    Found(ResolvedCredentials),
    /// Neither file has the profile.
    NotFound,
    /// The profile exists but has no credential keys at all.
    NoKeys,
}

fn required_profile_credentials(
    files: &SharedFiles,
    profile: &str,
    origin: &'static str,
) -> Result<ResolvedCredentials, ConfigError> {
    match profile_credentials(files, profile)? {
        ProfileCredentials::Found(credentials) => Ok(credentials),
        ProfileCredentials::NotFound => Err(profile_not_found(files, profile, origin)),
        ProfileCredentials::NoKeys => Err(ConfigError::ProfileWithoutKeys {
            profile: profile.to_owned(),
            files: files.describe(),
        }),
    }
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

/// Static keys from a profile. The key set (access key id, secret, token,
/// expiration) is taken as a unit from the credentials file if its section
/// has either key, else from the config file, so a stale token in one file is
/// never paired with keys from the other.
fn profile_credentials(
    files: &SharedFiles,
    profile: &str,
) -> Result<ProfileCredentials, ConfigError> {
    let sections: Vec<(&SharedFile, &Section)> = files.profile_sections(profile).collect();
    if sections.is_empty() {
        return Ok(ProfileCredentials::NotFound);
    }
    for &(file, section) in &sections {
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
                return Ok(ProfileCredentials::Found(ResolvedCredentials {
                    access_key_id: access_key_id.to_owned(),
                    secret_access_key: Zeroizing::new(secret_access_key.to_owned()),
                    session_token: section
                        .value(KEY_SESSION_TOKEN)
                        .map(|token| Zeroizing::new(token.to_owned())),
                    expiration: KEYS_EXPIRATION
                        .iter()
                        .find_map(|key| section.value(key))
                        .map(str::to_owned),
                    source: format!("profile '{profile}' in {}", file.label()),
                }));
            }
            (Some(_), None) => return Err(partial(KEY_ACCESS_KEY_ID, KEY_SECRET_ACCESS_KEY)),
            (None, Some(_)) => return Err(partial(KEY_SECRET_ACCESS_KEY, KEY_ACCESS_KEY_ID)),
            (None, None) => {}
        }
    }
    let unsupported = UNSUPPORTED_CREDENTIAL_KEYS
        .into_iter()
        .find(|key| sections.iter().any(|(_, section)| section.contains(key)));
    match unsupported {
        Some(key) => Err(ConfigError::UnsupportedProfile {
            profile: profile.to_owned(),
            key,
        }),
        None => Ok(ProfileCredentials::NoKeys),
    }
}
