//! Configuration resolution for `presign`: credentials, region, endpoint URL and
//! addressing style, from flags, environment variables, the AWS shared
//! `credentials` and `config` files, and IBM Cloud Object Storage
//! service-credentials JSON files, with the AWS CLI's precedence.
//!
//! This is the only module that reads environment variables or files, and it
//! reads them through an [`Environment`] value, so tests never touch the real
//! process environment or home directory.
//!
//! Secrets (secret access keys, session tokens) are kept in [`Zeroizing`]
//! strings and never appear in an error message or in `Debug` output. Errors
//! about files name the file, line number, profile and key, never a line's
//! content or a value.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::PathBuf;

use presign::Addressing;
use zeroize::Zeroizing;

const ENV_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
const ENV_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
const ENV_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
const ENV_CREDENTIAL_EXPIRATION: &str = "AWS_CREDENTIAL_EXPIRATION";
const ENV_PROFILE: &str = "AWS_PROFILE";
const ENV_REGION: &str = "AWS_REGION";
const ENV_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
const ENV_ENDPOINT_URL_S3: &str = "AWS_ENDPOINT_URL_S3";
const ENV_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
const ENV_SHARED_CREDENTIALS_FILE: &str = "AWS_SHARED_CREDENTIALS_FILE";
const ENV_CONFIG_FILE: &str = "AWS_CONFIG_FILE";

const KEY_ACCESS_KEY_ID: &str = "aws_access_key_id";
const KEY_SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
const KEY_SESSION_TOKEN: &str = "aws_session_token";
const KEYS_EXPIRATION: [&str; 2] = ["aws_credential_expiration", "expiration"];

/// Profile keys for credential sources that presign does not resolve itself.
const UNSUPPORTED_CREDENTIAL_KEYS: [&str; 6] = [
    "role_arn",
    "source_profile",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

mod ibm;
mod shared_files;
#[cfg(test)]
mod tests;

use ibm::ibm_credentials;
use shared_files::{Section, SharedFile, SharedFiles};

const DEFAULT_PROFILE: &str = "default";
const DEFAULT_REGION: &str = "us-east-1";

// ---------------------------------------------------------------------------
// Public (crate) API
// ---------------------------------------------------------------------------

/// What resolution reads from the outside world: environment variables and
/// the home directory (for `~/.aws/credentials` and `~/.aws/config`).
pub(crate) struct Environment {
    vars: HashMap<String, Zeroizing<String>>,
    home: Option<PathBuf>,
}

impl Environment {
    /// The real process environment. Variables whose name or value is not
    /// UTF-8 are skipped. The home directory is `$HOME`, else the platform's
    /// notion of it.
    pub(crate) fn from_process() -> Self {
        let vars = std::env::vars_os().filter_map(|(name, value)| {
            Some((name.into_string().ok()?, value.into_string().ok()?))
        });
        let home = std::env::var_os("HOME")
            .filter(|home| !home.is_empty())
            .map(PathBuf::from)
            .or_else(std::env::home_dir);
        Self::from_vars(vars, home)
    }

    /// An environment made of the given variables and home directory (tests
    /// use this instead of the real process environment).
    pub(crate) fn from_vars<I, K, V>(vars: I, home: Option<PathBuf>) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars = vars
            .into_iter()
            .map(|(name, value)| (name.into(), Zeroizing::new(value.into())))
            .collect();
        Self { vars, home }
    }

    /// The value of a variable; a variable set to the empty string counts as
    /// unset.
    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|value| value.as_str())
            .filter(|value| !value.is_empty())
    }

    /// A path from a variable, with a leading `~` expanded to the home
    /// directory (as the AWS CLI does).
    fn path_var(&self, name: &str) -> Option<PathBuf> {
        let value = self.var(name)?;
        let expanded = match (value.strip_prefix('~'), &self.home) {
            (Some(""), Some(home)) => home.clone(),
            (Some(rest), Some(home)) if rest.starts_with(['/', std::path::MAIN_SEPARATOR]) => {
                home.join(&rest[1..])
            }
            _ => PathBuf::from(value),
        };
        Some(expanded)
    }
}

impl fmt::Debug for Environment {
    /// Variable names only: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Environment")
            .field("var_names", &names)
            .field("home", &self.home)
            .finish()
    }
}

/// The command-line flags that take part in resolution.
#[derive(Debug, Default, Clone)]
pub(crate) struct ConfigFlags {
    /// `--profile NAME`.
    pub(crate) profile: Option<String>,
    /// `--region REGION`; `Some("")` means "no region" (IBM COS).
    pub(crate) region: Option<String>,
    /// `--endpoint-url URL`.
    pub(crate) endpoint_url: Option<String>,
    /// `--ibm-credentials FILE`: an IBM COS service-credentials JSON file.
    pub(crate) ibm_credentials: Option<PathBuf>,
}

/// A profile's `addressing_style` (`auto`, `path` or `virtual`, any case).
fn parse_addressing_style(text: &str) -> Option<Addressing> {
    text.trim().to_ascii_lowercase().parse().ok()
}

/// Everything the command needs to sign, and where each part came from.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedConfig {
    pub(crate) credentials: ResolvedCredentials,
    /// May be empty: IBM COS treats an empty region as a wildcard.
    pub(crate) region: String,
    /// Where the region came from, e.g. `--region`, `AWS_REGION`,
    /// `profile 'dev' in /home/u/.aws/config`, `default`.
    pub(crate) region_source: String,
    /// `None`: the caller picks the AWS default endpoint.
    pub(crate) endpoint_url: Option<String>,
    /// Where the endpoint URL came from; `None` when `endpoint_url` is `None`.
    pub(crate) endpoint_url_source: Option<String>,
    /// From the selected profile's `s3` sub-section.
    pub(crate) addressing_style: Option<Addressing>,
}

/// Static credentials. `Debug` shows the access key id and source only.
#[derive(Clone)]
pub(crate) struct ResolvedCredentials {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: Zeroizing<String>,
    pub(crate) session_token: Option<Zeroizing<String>>,
    /// Raw text, as found (`AWS_CREDENTIAL_EXPIRATION` or the profile's
    /// `aws_credential_expiration` / `expiration`).
    pub(crate) expiration: Option<String>,
    /// Human description, e.g. `profile 'dev' in /home/u/.aws/credentials`.
    pub(crate) source: String,
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

/// Why configuration could not be resolved. No message contains a secret, a
/// value or a line read from a file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    #[error("cannot read IBM COS credentials file {path}: {source}")]
    IbmRead { path: PathBuf, source: io::Error },

    #[error(
        "IBM COS credentials file {path} is not valid JSON (syntax error at line {line}, column {column})"
    )]
    IbmNotJson {
        path: PathBuf,
        line: usize,
        column: usize,
    },

    #[error("IBM COS credentials file {path} is not a service credential: expected a JSON object")]
    IbmNotObject { path: PathBuf },

    #[error(
        "IBM COS credentials file {path} has no `cos_hmac_keys` object: the service credential was created without HMAC keys; create one with the parameter {{\"HMAC\":true}}"
    )]
    IbmNoHmacKeys { path: PathBuf },

    #[error("IBM COS credentials file {path}: `{field}` is missing, empty or not a string")]
    IbmMissingField { path: PathBuf, field: &'static str },

    #[error("cannot read {path}: {source}")]
    ReadFile { path: PathBuf, source: io::Error },

    #[error("{path}, line {line}: {problem}")]
    Malformed {
        path: PathBuf,
        line: usize,
        problem: &'static str,
    },

    #[error("profile '{profile}' (from {origin}) was not found; looked in {files}")]
    ProfileNotFound {
        profile: String,
        origin: &'static str,
        files: String,
    },

    #[error(
        "profile '{profile}' has no `aws_access_key_id` and `aws_secret_access_key`; looked in {files}"
    )]
    ProfileWithoutKeys { profile: String, files: String },

    #[error("profile '{profile}' in {file} sets `{present}` but not `{missing}`")]
    ProfilePartialKeys {
        profile: String,
        file: String,
        present: &'static str,
        missing: &'static str,
    },

    #[error(
        "profile '{profile}' gets its credentials through `{key}`, which presign does not resolve yet; export temporary credentials first, e.g. eval \"$(aws configure export-credentials --profile {profile} --format env)\""
    )]
    UnsupportedProfile { profile: String, key: &'static str },

    #[error("{present} is set but {missing} is not; set both or neither")]
    PartialEnvironment {
        present: &'static str,
        missing: &'static str,
    },

    #[error(
        "invalid `addressing_style` in the `s3` section of profile '{profile}' in {file}: expected one of auto, path, virtual"
    )]
    InvalidAddressing { profile: String, file: String },

    #[error(
        "no credentials found; looked at: {searched}. Pass --ibm-credentials FILE or --profile NAME, or set {ENV_ACCESS_KEY_ID} and {ENV_SECRET_ACCESS_KEY}"
    )]
    NoCredentials { searched: String },
}

/// Resolves credentials, region, endpoint URL and addressing style.
///
/// Credentials, first match wins: `--ibm-credentials`, `--profile`, the
/// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` environment variables, the
/// profile named by `AWS_PROFILE`, the `default` profile. Region, endpoint and
/// addressing style come from flags, then environment variables, then the
/// selected profile (`--profile`, else `AWS_PROFILE`, else `default`),
/// whichever source the credentials came from.
pub(crate) fn resolve(
    flags: &ConfigFlags,
    env: &Environment,
) -> Result<ResolvedConfig, ConfigError> {
    let files = SharedFiles::load(env)?;
    if let Some(profile) = &flags.profile
        && !files.profile_exists(profile)
    {
        return Err(profile_not_found(&files, profile, "--profile"));
    }
    let credentials = resolve_credentials(flags, env, &files)?;
    let profile = flags
        .profile
        .as_deref()
        .or_else(|| env.var(ENV_PROFILE))
        .unwrap_or(DEFAULT_PROFILE);
    let (region, region_source) = resolve_region(flags, env, &files, profile);
    let (endpoint_url, endpoint_url_source) = resolve_endpoint(flags, env, &files, profile).unzip();
    let addressing_style = resolve_addressing_style(&files, profile)?;
    Ok(ResolvedConfig {
        credentials,
        region,
        region_source,
        endpoint_url,
        endpoint_url_source,
        addressing_style,
    })
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

fn resolve_credentials(
    flags: &ConfigFlags,
    env: &Environment,
    files: &SharedFiles,
) -> Result<ResolvedCredentials, ConfigError> {
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

fn profile_not_found(files: &SharedFiles, profile: &str, origin: &'static str) -> ConfigError {
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

// ---------------------------------------------------------------------------
// Region, endpoint, addressing style
// ---------------------------------------------------------------------------

fn resolve_region(
    flags: &ConfigFlags,
    env: &Environment,
    files: &SharedFiles,
    profile: &str,
) -> (String, String) {
    if let Some(region) = &flags.region {
        return (region.clone(), "--region".to_owned());
    }
    for name in [ENV_REGION, ENV_DEFAULT_REGION] {
        if let Some(region) = env.var(name) {
            return (region.to_owned(), name.to_owned());
        }
    }
    if let Some((region, file)) = files.setting(profile, "region") {
        return (
            region.to_owned(),
            format!("profile '{profile}' in {}", file.label()),
        );
    }
    (DEFAULT_REGION.to_owned(), "default".to_owned())
}

fn resolve_endpoint(
    flags: &ConfigFlags,
    env: &Environment,
    files: &SharedFiles,
    profile: &str,
) -> Option<(String, String)> {
    if let Some(url) = &flags.endpoint_url {
        return Some((url.clone(), "--endpoint-url".to_owned()));
    }
    for name in [ENV_ENDPOINT_URL_S3, ENV_ENDPOINT_URL] {
        if let Some(url) = env.var(name) {
            return Some((url.to_owned(), name.to_owned()));
        }
    }
    if let Some((url, file)) = files.nested_setting(profile, "s3", "endpoint_url") {
        return Some((
            url.to_owned(),
            format!("profile '{profile}' in {} (s3 section)", file.label()),
        ));
    }
    files.setting(profile, "endpoint_url").map(|(url, file)| {
        (
            url.to_owned(),
            format!("profile '{profile}' in {}", file.label()),
        )
    })
}

fn resolve_addressing_style(
    files: &SharedFiles,
    profile: &str,
) -> Result<Option<Addressing>, ConfigError> {
    let Some((style, file)) = files.nested_setting(profile, "s3", "addressing_style") else {
        return Ok(None);
    };
    parse_addressing_style(style)
        .map(Some)
        .ok_or_else(|| ConfigError::InvalidAddressing {
            profile: profile.to_owned(),
            file: file.label(),
        })
}
