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
use std::path::{Path, PathBuf};

use presign::Addressing;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

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

/// Reads `cos_hmac_keys` from an IBM COS service-credentials JSON file.
fn ibm_credentials(path: &Path) -> Result<ResolvedCredentials, ConfigError> {
    let text =
        Zeroizing::new(
            std::fs::read_to_string(path).map_err(|source| ConfigError::IbmRead {
                path: path.to_owned(),
                source,
            })?,
        );
    let json = serde_json::from_str::<Value>(&text).map_err(|error| ConfigError::IbmNotJson {
        path: path.to_owned(),
        line: error.line(),
        column: error.column(),
    })?;
    let mut json = ScrubOnDrop(json);
    let Some(root) = json.0.as_object_mut() else {
        return Err(ConfigError::IbmNotObject {
            path: path.to_owned(),
        });
    };
    let Some(keys) = root.get_mut("cos_hmac_keys").and_then(Value::as_object_mut) else {
        return Err(ConfigError::IbmNoHmacKeys {
            path: path.to_owned(),
        });
    };
    let mut take = |key: &str, field: &'static str| {
        take_json_string(keys, key).ok_or_else(|| ConfigError::IbmMissingField {
            path: path.to_owned(),
            field,
        })
    };
    let access_key_id = take("access_key_id", "cos_hmac_keys.access_key_id")?;
    let secret_access_key = take("secret_access_key", "cos_hmac_keys.secret_access_key")?;
    Ok(ResolvedCredentials {
        access_key_id: access_key_id.to_string(),
        secret_access_key,
        session_token: None,
        expiration: None,
        source: format!("IBM COS credentials file {}", path.display()),
    })
}

/// Moves a non-empty string out of a JSON object.
fn take_json_string(
    object: &mut serde_json::Map<String, Value>,
    key: &str,
) -> Option<Zeroizing<String>> {
    match object.get_mut(key)? {
        Value::String(text) if !text.trim().is_empty() => {
            Some(Zeroizing::new(std::mem::take(text)))
        }
        _ => None,
    }
}

/// A parsed JSON document whose strings (API keys, HMAC secrets) are zeroed
/// when it is dropped.
struct ScrubOnDrop(Value);

impl Drop for ScrubOnDrop {
    fn drop(&mut self) {
        fn scrub(value: &mut Value) {
            match value {
                Value::String(text) => text.zeroize(),
                Value::Array(items) => items.iter_mut().for_each(scrub),
                Value::Object(object) => object.values_mut().for_each(scrub),
                Value::Null | Value::Bool(_) | Value::Number(_) => {}
            }
        }
        scrub(&mut self.0);
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

// ---------------------------------------------------------------------------
// Shared files
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    /// `~/.aws/credentials`: sections are `[NAME]`, no inline comments.
    Credentials,
    /// `~/.aws/config`: sections are `[profile NAME]` and `[default]`;
    /// inline comments allowed.
    Config,
}

/// One loaded shared file: its profiles by name.
struct SharedFile {
    kind: FileKind,
    /// `None` when the path is unknown (no override and no home directory).
    path: Option<PathBuf>,
    exists: bool,
    profiles: HashMap<String, Section>,
}

impl SharedFile {
    fn load(kind: FileKind, path: Option<PathBuf>) -> Result<Self, ConfigError> {
        let mut file = Self {
            kind,
            path,
            exists: false,
            profiles: HashMap::new(),
        };
        let Some(path) = &file.path else {
            return Ok(file);
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => Zeroizing::new(text),
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(file),
            Err(source) => {
                return Err(ConfigError::ReadFile {
                    path: path.clone(),
                    source,
                });
            }
        };
        file.exists = true;
        let sections =
            parse_ini(&text, kind == FileKind::Config).map_err(|error| ConfigError::Malformed {
                path: path.clone(),
                line: error.line,
                problem: error.problem,
            })?;
        for (header, section) in sections {
            let name = match kind {
                FileKind::Credentials => Some(header.as_str()),
                FileKind::Config => config_profile_name(&header),
            };
            if let Some(name) = name {
                file.profiles
                    .entry(name.to_owned())
                    .or_default()
                    .entries
                    .extend(section.entries);
            }
        }
        Ok(file)
    }

    /// The file's path for messages.
    fn label(&self) -> String {
        match (&self.path, self.kind) {
            (Some(path), _) => path.display().to_string(),
            (None, FileKind::Credentials) => "~/.aws/credentials (no home directory)".to_owned(),
            (None, FileKind::Config) => "~/.aws/config (no home directory)".to_owned(),
        }
    }

    /// The file's path for "looked in" lists, noting a missing file.
    fn describe(&self) -> String {
        if self.exists || self.path.is_none() {
            self.label()
        } else {
            format!("{} (does not exist)", self.label())
        }
    }
}

/// The profile a config-file section header names: `[default]`,
/// `[profile default]`, `[profile NAME]`; `None` for other sections
/// (`[sso-session ...]`, `[services ...]`, ...).
fn config_profile_name(header: &str) -> Option<&str> {
    if header == DEFAULT_PROFILE {
        return Some(DEFAULT_PROFILE);
    }
    let rest = header.strip_prefix("profile")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let name = rest.trim();
    (!name.is_empty()).then_some(name)
}

/// The credentials file and the config file; for the same key the
/// credentials file wins.
struct SharedFiles {
    credentials: SharedFile,
    config: SharedFile,
}

impl SharedFiles {
    fn load(env: &Environment) -> Result<Self, ConfigError> {
        let default_path = |name: &str| env.home.as_ref().map(|home| home.join(".aws").join(name));
        let credentials_path = env
            .path_var(ENV_SHARED_CREDENTIALS_FILE)
            .or_else(|| default_path("credentials"));
        let config_path = env
            .path_var(ENV_CONFIG_FILE)
            .or_else(|| default_path("config"));
        Ok(Self {
            credentials: SharedFile::load(FileKind::Credentials, credentials_path)?,
            config: SharedFile::load(FileKind::Config, config_path)?,
        })
    }

    /// The profile's sections, credentials file first.
    fn profile_sections<'a>(
        &'a self,
        profile: &str,
    ) -> impl Iterator<Item = (&'a SharedFile, &'a Section)> {
        [&self.credentials, &self.config]
            .into_iter()
            .filter_map(move |file| Some((file, file.profiles.get(profile)?)))
    }

    fn profile_exists(&self, profile: &str) -> bool {
        self.profile_sections(profile).next().is_some()
    }

    /// A top-level key of the profile, and the file it came from.
    fn setting(&self, profile: &str, key: &str) -> Option<(&str, &SharedFile)> {
        self.profile_sections(profile)
            .find_map(|(file, section)| Some((section.value(key)?, file)))
    }

    /// A key of one of the profile's nested sub-sections (e.g. `s3`).
    fn nested_setting(
        &self,
        profile: &str,
        sub_section: &str,
        key: &str,
    ) -> Option<(&str, &SharedFile)> {
        self.profile_sections(profile)
            .find_map(|(file, section)| Some((section.nested_value(sub_section, key)?, file)))
    }

    fn describe(&self) -> String {
        format!(
            "{} and {}",
            self.credentials.describe(),
            self.config.describe()
        )
    }
}

// ---------------------------------------------------------------------------
// INI-like parser
// ---------------------------------------------------------------------------

/// One `[section]` of a shared file. Keys are lower-case.
#[derive(Default)]
struct Section {
    entries: HashMap<String, Entry>,
}

enum Entry {
    Value(Zeroizing<String>),
    /// `key =` followed by more-indented `key = value` lines.
    Nested(HashMap<String, Zeroizing<String>>),
}

impl Section {
    /// A non-empty top-level value.
    fn value(&self, key: &str) -> Option<&str> {
        match self.entries.get(key)? {
            Entry::Value(value) if !value.is_empty() => Some(value.as_str()),
            Entry::Value(_) | Entry::Nested(_) => None,
        }
    }

    /// A non-empty value inside a nested sub-section.
    fn nested_value(&self, sub_section: &str, key: &str) -> Option<&str> {
        match self.entries.get(sub_section)? {
            Entry::Nested(entries) => entries
                .get(key)
                .map(|value| value.as_str())
                .filter(|value| !value.is_empty()),
            Entry::Value(_) => None,
        }
    }

    /// Whether the key is set to something (a non-empty value or a
    /// sub-section).
    fn contains(&self, key: &str) -> bool {
        match self.entries.get(key) {
            Some(Entry::Value(value)) => !value.is_empty(),
            Some(Entry::Nested(_)) => true,
            None => false,
        }
    }
}

/// A syntax error: the line number and what is wrong, never the content.
#[derive(Debug, PartialEq, Eq)]
struct ParseError {
    line: usize,
    problem: &'static str,
}

const PROBLEM_NOT_KEY_VALUE: &str = "expected `key = value`, a `[section]` header or a comment";
const PROBLEM_EMPTY_KEY: &str = "expected `key = value` but the key is empty";
const PROBLEM_UNCLOSED_HEADER: &str = "section header is missing its closing `]`";
const PROBLEM_EMPTY_HEADER: &str = "section header has an empty name";
const PROBLEM_OUTSIDE_SECTION: &str = "setting appears before any `[section]` header";
const PROBLEM_CONTINUATION: &str = "indented line after a key with a value; only a key with an empty value (`key =`) can be followed by an indented sub-section";
const PROBLEM_SUB_SECTION_LINE: &str = "expected `key = value` inside the indented sub-section";

/// A key whose value may still be followed by an indented sub-section.
struct OpenKey {
    key: String,
    indent: usize,
    value: Zeroizing<String>,
    nested: HashMap<String, Zeroizing<String>>,
}

impl OpenKey {
    fn close(self, sections: &mut [(String, Section)]) {
        let entry = if self.value.is_empty() && !self.nested.is_empty() {
            Entry::Nested(self.nested)
        } else {
            Entry::Value(self.value)
        };
        if let Some((_, section)) = sections.last_mut() {
            section.entries.insert(self.key, entry);
        }
    }
}

/// Parses an AWS shared config/credentials file into its sections, in
/// order (a header may repeat). `#` and `;` start comment lines; with
/// `inline_comments` they also start a comment when preceded by whitespace.
/// Keys are lower-cased; keys and values are trimmed. A key with an empty
/// value followed by more-indented `key = value` lines is a nested
/// sub-section.
fn parse_ini(text: &str, inline_comments: bool) -> Result<Vec<(String, Section)>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<(String, Section)> = Vec::new();
    let mut open: Option<OpenKey> = None;
    for (index, raw) in text.lines().enumerate() {
        let error = |problem| ParseError {
            line: index + 1,
            problem,
        };
        let body = raw.trim_start();
        if body.is_empty() || body.starts_with(['#', ';']) {
            continue;
        }
        let indent = raw.len() - body.len();
        let body = if inline_comments {
            strip_inline_comment(body)
        } else {
            body
        }
        .trim_end();

        if let Some(key) = open.as_mut()
            && indent > key.indent
        {
            if !key.value.is_empty() {
                return Err(error(PROBLEM_CONTINUATION));
            }
            let (name, value) =
                split_key_value(body).map_err(|_| error(PROBLEM_SUB_SECTION_LINE))?;
            key.nested.insert(name, Zeroizing::new(value.to_owned()));
            continue;
        }
        if let Some(key) = open.take() {
            key.close(&mut sections);
        }

        if let Some(rest) = body.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| error(PROBLEM_UNCLOSED_HEADER))?
                .trim();
            if name.is_empty() {
                return Err(error(PROBLEM_EMPTY_HEADER));
            }
            sections.push((name.to_owned(), Section::default()));
            continue;
        }
        let (key, value) = split_key_value(body).map_err(error)?;
        if sections.is_empty() {
            return Err(error(PROBLEM_OUTSIDE_SECTION));
        }
        open = Some(OpenKey {
            key,
            indent,
            value: Zeroizing::new(value.to_owned()),
            nested: HashMap::new(),
        });
    }
    if let Some(key) = open.take() {
        key.close(&mut sections);
    }
    Ok(sections)
}

/// Splits `key = value` at the first `=`; the key is trimmed and
/// lower-cased, the value trimmed.
fn split_key_value(body: &str) -> Result<(String, &str), &'static str> {
    let (key, value) = body.split_once('=').ok_or(PROBLEM_NOT_KEY_VALUE)?;
    let key = key.trim();
    if key.is_empty() {
        return Err(PROBLEM_EMPTY_KEY);
    }
    Ok((key.to_lowercase(), value.trim()))
}

/// Cuts a line at the first `#` or `;` that follows whitespace.
fn strip_inline_comment(body: &str) -> &str {
    let mut previous_is_space = false;
    for (index, character) in body.char_indices() {
        if previous_is_space && (character == '#' || character == ';') {
            return &body[..index];
        }
        previous_is_space = character.is_whitespace();
    }
    body
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use tempfile::TempDir;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
    const TOKEN: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";

    /// A temporary home directory with optional `~/.aws/credentials` and
    /// `~/.aws/config`, plus environment variables.
    struct Fixture {
        home: TempDir,
        vars: Vec<(String, String)>,
    }

    impl Fixture {
        fn new() -> Self {
            Self {
                home: TempDir::new().unwrap(),
                vars: Vec::new(),
            }
        }

        fn aws_dir(&self) -> PathBuf {
            let dir = self.home.path().join(".aws");
            std::fs::create_dir_all(&dir).unwrap();
            dir
        }

        fn credentials_path(&self) -> PathBuf {
            self.home.path().join(".aws").join("credentials")
        }

        fn config_path(&self) -> PathBuf {
            self.home.path().join(".aws").join("config")
        }

        fn credentials(self, text: &str) -> Self {
            std::fs::write(self.aws_dir().join("credentials"), text).unwrap();
            self
        }

        fn config(self, text: &str) -> Self {
            std::fs::write(self.aws_dir().join("config"), text).unwrap();
            self
        }

        /// Writes a file in the home directory and returns its path.
        fn file(&self, name: &str, text: &str) -> PathBuf {
            let path = self.home.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        }

        fn var(mut self, name: &str, value: &str) -> Self {
            self.vars.push((name.to_owned(), value.to_owned()));
            self
        }

        fn env(&self) -> Environment {
            Environment::from_vars(self.vars.clone(), Some(self.home.path().to_owned()))
        }

        fn resolve(&self, flags: &ConfigFlags) -> Result<ResolvedConfig, ConfigError> {
            resolve(flags, &self.env())
        }

        fn ok(&self, flags: &ConfigFlags) -> ResolvedConfig {
            self.resolve(flags).unwrap()
        }

        fn err(&self, flags: &ConfigFlags) -> ConfigError {
            match self.resolve(flags) {
                Ok(config) => panic!("expected an error, got {config:?}"),
                Err(error) => error,
            }
        }
    }

    fn no_flags() -> ConfigFlags {
        ConfigFlags::default()
    }

    fn profile_flag(name: &str) -> ConfigFlags {
        ConfigFlags {
            profile: Some(name.to_owned()),
            ..ConfigFlags::default()
        }
    }

    fn ibm_flag(path: PathBuf) -> ConfigFlags {
        ConfigFlags {
            ibm_credentials: Some(path),
            ..ConfigFlags::default()
        }
    }

    fn ibm_json(access_key_id: &str, secret_access_key: &str) -> String {
        format!(
            r#"{{"apikey":"IBM-API-KEY-VALUE","cos_hmac_keys":{{"access_key_id":"{access_key_id}","secret_access_key":"{secret_access_key}"}},"endpoints":"https://control.cloud-object-storage.cloud.ibm.com/v2/endpoints","iam_apikey_description":"desc","resource_instance_id":"crn:v1:bluemix:public:cloud-object-storage:global:a/1::"}}"#
        )
    }

    fn env_keys(fixture: Fixture) -> Fixture {
        fixture
            .var("AWS_ACCESS_KEY_ID", "ENVKEY")
            .var("AWS_SECRET_ACCESS_KEY", "env-secret")
    }

    const DEFAULT_AND_DEV_CREDENTIALS: &str = "\
[default]
aws_access_key_id = DEFAULTKEY
aws_secret_access_key = default-secret

[dev]
aws_access_key_id = DEVKEY
aws_secret_access_key = dev-secret
";

    // -- INI parser --------------------------------------------------------

    fn parse(text: &str, inline_comments: bool) -> Vec<(String, Section)> {
        parse_ini(text, inline_comments).unwrap()
    }

    fn parse_error(text: &str, inline_comments: bool) -> ParseError {
        match parse_ini(text, inline_comments) {
            Ok(_) => panic!("expected a parse error"),
            Err(error) => error,
        }
    }

    #[test]
    fn parser_reads_sections_keys_and_trims_whitespace() {
        let sections = parse(
            "[a]\n  key1   =   value one  \nKEY2=v2\n[ b ]\nk = x=y=z\n",
            false,
        );
        let names: Vec<&str> = sections.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(sections[0].1.value("key1"), Some("value one"));
        assert_eq!(
            sections[0].1.value("key2"),
            Some("v2"),
            "keys are lower-cased"
        );
        assert_eq!(
            sections[1].1.value("k"),
            Some("x=y=z"),
            "split at the first `=`"
        );
    }

    #[test]
    fn parser_skips_comment_and_blank_lines() {
        let sections = parse(
            "# top\n; also\n\n[a]\n  # indented comment\nk = v\n\n; end\n",
            false,
        );
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].1.entries.len(), 1);
        assert_eq!(sections[0].1.value("k"), Some("v"));
    }

    #[test]
    fn parser_strips_inline_comments_only_when_enabled_and_after_whitespace() {
        let text = "[a] # header comment\nk = v # comment\nurl = http://h/x#frag;y ; comment\n";
        let with = parse(text, true);
        assert_eq!(with[0].0, "a");
        assert_eq!(with[0].1.value("k"), Some("v"));
        assert_eq!(with[0].1.value("url"), Some("http://h/x#frag;y"));

        let without = parse("[a]\nk = v # not a comment\n", false);
        assert_eq!(without[0].1.value("k"), Some("v # not a comment"));
    }

    #[test]
    fn parser_reads_nested_sub_section() {
        let text = "[profile dev]\nregion = eu-de\ns3 =\n  addressing_style = path\n\n  Endpoint_URL = https://e.example\nafter = 1\n";
        let sections = parse(text, true);
        let section = &sections[0].1;
        assert_eq!(section.value("region"), Some("eu-de"));
        assert_eq!(section.nested_value("s3", "addressing_style"), Some("path"));
        assert_eq!(
            section.nested_value("s3", "endpoint_url"),
            Some("https://e.example")
        );
        assert_eq!(
            section.value("s3"),
            None,
            "a sub-section is not a plain value"
        );
        assert_eq!(
            section.value("after"),
            Some("1"),
            "a less-indented line closes the sub-section"
        );
        assert_eq!(section.nested_value("s3", "after"), None);
    }

    #[test]
    fn parser_treats_empty_key_without_indented_lines_as_empty_value() {
        let sections = parse("[a]\ns3 =\nk = v\n", false);
        assert!(matches!(sections[0].1.entries.get("s3"), Some(Entry::Value(v)) if v.is_empty()));
        assert!(!sections[0].1.contains("s3"));
        assert_eq!(sections[0].1.value("k"), Some("v"));
    }

    #[test]
    fn parser_handles_crlf_and_byte_order_mark() {
        let sections = parse("\u{feff}[a]\r\nk = v\r\ns3 =\r\n  x = y\r\n", false);
        assert_eq!(sections[0].0, "a");
        assert_eq!(sections[0].1.value("k"), Some("v"));
        assert_eq!(sections[0].1.nested_value("s3", "x"), Some("y"));
    }

    #[test]
    fn parser_reports_line_numbers_of_malformed_lines() {
        let cases: [(&str, ParseError); 7] = [
            (
                "[a]\nk = v\n\njust text\n",
                ParseError {
                    line: 4,
                    problem: PROBLEM_NOT_KEY_VALUE,
                },
            ),
            (
                "[a]\n= v\n",
                ParseError {
                    line: 2,
                    problem: PROBLEM_EMPTY_KEY,
                },
            ),
            (
                "# c\n[a\n",
                ParseError {
                    line: 2,
                    problem: PROBLEM_UNCLOSED_HEADER,
                },
            ),
            (
                "[  ]\n",
                ParseError {
                    line: 1,
                    problem: PROBLEM_EMPTY_HEADER,
                },
            ),
            (
                "\nk = v\n[a]\n",
                ParseError {
                    line: 2,
                    problem: PROBLEM_OUTSIDE_SECTION,
                },
            ),
            (
                "[a]\nk = v\n  more\n",
                ParseError {
                    line: 3,
                    problem: PROBLEM_CONTINUATION,
                },
            ),
            (
                "[a]\ns3 =\n  x = 1\n  nonsense\n",
                ParseError {
                    line: 4,
                    problem: PROBLEM_SUB_SECTION_LINE,
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_error(text, true), expected, "input: {text:?}");
        }
    }

    #[test]
    fn config_profile_names_map_from_headers() {
        assert_eq!(config_profile_name("default"), Some("default"));
        assert_eq!(config_profile_name("profile default"), Some("default"));
        assert_eq!(config_profile_name("profile   dev"), Some("dev"));
        assert_eq!(config_profile_name("profiledev"), None);
        assert_eq!(config_profile_name("profile"), None);
        assert_eq!(config_profile_name("sso-session corp"), None);
        assert_eq!(config_profile_name("dev"), None);
    }

    // -- Credentials precedence ---------------------------------------------

    #[test]
    fn ibm_credentials_flag_beats_profile_flag_env_and_default() {
        let fixture = env_keys(Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS));
        let path = fixture.file("cos.json", &ibm_json("IBMKEY", "ibm-secret"));
        let flags = ConfigFlags {
            profile: Some("dev".to_owned()),
            ibm_credentials: Some(path.clone()),
            ..ConfigFlags::default()
        };
        let credentials = fixture.ok(&flags).credentials;
        assert_eq!(credentials.access_key_id, "IBMKEY");
        assert_eq!(credentials.secret_access_key.as_str(), "ibm-secret");
        assert_eq!(credentials.session_token, None);
        assert_eq!(credentials.expiration, None);
        assert_eq!(
            credentials.source,
            format!("IBM COS credentials file {}", path.display())
        );
    }

    #[test]
    fn explicit_profile_beats_env_credentials() {
        let fixture = env_keys(Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS));
        let credentials = fixture.ok(&profile_flag("dev")).credentials;
        assert_eq!(credentials.access_key_id, "DEVKEY");
        assert_eq!(credentials.secret_access_key.as_str(), "dev-secret");
        assert_eq!(
            credentials.source,
            format!("profile 'dev' in {}", fixture.credentials_path().display())
        );
    }

    #[test]
    fn env_credentials_beat_aws_profile_and_default() {
        let fixture = env_keys(Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS))
            .var("AWS_PROFILE", "dev")
            .var("AWS_SESSION_TOKEN", "env-token")
            .var("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z");
        let credentials = fixture.ok(&no_flags()).credentials;
        assert_eq!(credentials.access_key_id, "ENVKEY");
        assert_eq!(credentials.secret_access_key.as_str(), "env-secret");
        assert_eq!(
            credentials.session_token.as_deref().map(String::as_str),
            Some("env-token")
        );
        assert_eq!(
            credentials.expiration.as_deref(),
            Some("2030-01-01T00:00:00Z")
        );
        assert_eq!(
            credentials.source,
            "environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN"
        );
    }

    #[test]
    fn aws_profile_beats_default_profile() {
        let fixture = Fixture::new()
            .credentials(DEFAULT_AND_DEV_CREDENTIALS)
            .var("AWS_PROFILE", "dev");
        assert_eq!(fixture.ok(&no_flags()).credentials.access_key_id, "DEVKEY");
    }

    #[test]
    fn default_profile_is_used_last() {
        let fixture = Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS);
        let credentials = fixture.ok(&no_flags()).credentials;
        assert_eq!(credentials.access_key_id, "DEFAULTKEY");
        assert_eq!(credentials.secret_access_key.as_str(), "default-secret");
        assert_eq!(credentials.session_token, None);
    }

    #[test]
    fn empty_env_vars_count_as_unset() {
        let fixture = Fixture::new()
            .credentials(DEFAULT_AND_DEV_CREDENTIALS)
            .var("AWS_ACCESS_KEY_ID", "")
            .var("AWS_SECRET_ACCESS_KEY", "")
            .var("AWS_PROFILE", "")
            .var("AWS_REGION", "")
            .var("AWS_DEFAULT_REGION", "eu-west-1")
            .var("AWS_ENDPOINT_URL_S3", "")
            .var("AWS_ENDPOINT_URL", "https://generic.example");
        let config = fixture.ok(&no_flags());
        assert_eq!(config.credentials.access_key_id, "DEFAULTKEY");
        assert_eq!(config.region, "eu-west-1");
        assert_eq!(config.region_source, "AWS_DEFAULT_REGION");
        assert_eq!(
            config.endpoint_url.as_deref(),
            Some("https://generic.example")
        );
        assert_eq!(
            config.endpoint_url_source.as_deref(),
            Some("AWS_ENDPOINT_URL")
        );
    }

    #[test]
    fn empty_env_var_in_pair_reports_it_missing() {
        let fixture = Fixture::new()
            .var("AWS_ACCESS_KEY_ID", "ENVKEY")
            .var("AWS_SECRET_ACCESS_KEY", "");
        let error = fixture.err(&no_flags());
        assert!(matches!(
            error,
            ConfigError::PartialEnvironment {
                present: "AWS_ACCESS_KEY_ID",
                missing: "AWS_SECRET_ACCESS_KEY"
            }
        ));
    }

    #[test]
    fn half_set_env_pair_names_the_missing_variable() {
        let only_id = Fixture::new().var("AWS_ACCESS_KEY_ID", "ENVKEY");
        assert_eq!(
            only_id.err(&no_flags()).to_string(),
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or neither"
        );
        let only_secret = Fixture::new().var("AWS_SECRET_ACCESS_KEY", SECRET);
        assert_eq!(
            only_secret.err(&no_flags()).to_string(),
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both or neither"
        );
    }

    #[test]
    fn credentials_file_beats_config_file() {
        let fixture = Fixture::new()
            .credentials("[dev]\naws_access_key_id = CREDKEY\naws_secret_access_key = cred-secret\n")
            .config(
                "[profile dev]\naws_access_key_id = CONFKEY\naws_secret_access_key = conf-secret\naws_session_token = stale-token\n",
            );
        let credentials = fixture.ok(&profile_flag("dev")).credentials;
        assert_eq!(credentials.access_key_id, "CREDKEY");
        assert_eq!(credentials.secret_access_key.as_str(), "cred-secret");
        assert_eq!(
            credentials.session_token, None,
            "the token comes from the same file as the keys"
        );
        assert_eq!(
            credentials.source,
            format!("profile 'dev' in {}", fixture.credentials_path().display())
        );
    }

    #[test]
    fn keys_in_config_file_are_used_with_token_and_expiration() {
        let fixture = Fixture::new().config(
            "[profile dev]\naws_access_key_id = CONFKEY\naws_secret_access_key = conf-secret\naws_session_token = conf-token\naws_credential_expiration = 2031-02-03T04:05:06Z\n",
        );
        let credentials = fixture.ok(&profile_flag("dev")).credentials;
        assert_eq!(credentials.access_key_id, "CONFKEY");
        assert_eq!(credentials.secret_access_key.as_str(), "conf-secret");
        assert_eq!(
            credentials.session_token.as_deref().map(String::as_str),
            Some("conf-token")
        );
        assert_eq!(
            credentials.expiration.as_deref(),
            Some("2031-02-03T04:05:06Z")
        );
        assert_eq!(
            credentials.source,
            format!("profile 'dev' in {}", fixture.config_path().display())
        );
    }

    #[test]
    fn profile_expiration_key_is_read() {
        let fixture = Fixture::new()
            .credentials("[default]\naws_access_key_id = K\naws_secret_access_key = s\nexpiration = 2032-01-01T00:00:00Z\n");
        assert_eq!(
            fixture.ok(&no_flags()).credentials.expiration.as_deref(),
            Some("2032-01-01T00:00:00Z")
        );
    }

    #[test]
    fn config_file_accepts_default_and_profile_default_headers() {
        let plain =
            Fixture::new().config("[default]\naws_access_key_id = A\naws_secret_access_key = a\n");
        assert_eq!(plain.ok(&no_flags()).credentials.access_key_id, "A");
        let prefixed = Fixture::new()
            .config("[profile default]\naws_access_key_id = B\naws_secret_access_key = b\n");
        assert_eq!(prefixed.ok(&no_flags()).credentials.access_key_id, "B");
    }

    #[test]
    fn config_file_ignores_sections_without_profile_prefix() {
        let fixture =
            Fixture::new().config("[dev]\naws_access_key_id = A\naws_secret_access_key = a\n");
        assert!(matches!(
            fixture.err(&profile_flag("dev")),
            ConfigError::ProfileNotFound { .. }
        ));
    }

    #[test]
    fn env_vars_override_shared_file_paths() {
        let fixture = Fixture::new()
            .credentials("[default]\naws_access_key_id = HOMEKEY\naws_secret_access_key = h\n");
        let credentials = fixture.file(
            "creds-elsewhere",
            "[default]\naws_access_key_id = OTHERKEY\naws_secret_access_key = o\n",
        );
        let config = fixture.file("config-elsewhere", "[default]\nregion = ap-south-1\n");
        let fixture = fixture
            .var("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap())
            .var("AWS_CONFIG_FILE", config.to_str().unwrap());
        let resolved = fixture.ok(&no_flags());
        assert_eq!(resolved.credentials.access_key_id, "OTHERKEY");
        assert_eq!(resolved.region, "ap-south-1");
        assert_eq!(
            resolved.region_source,
            format!("profile 'default' in {}", config.display())
        );
    }

    #[test]
    fn tilde_in_shared_file_path_expands_to_home() {
        let fixture = Fixture::new();
        fixture.file(
            "mycreds",
            "[default]\naws_access_key_id = TILDEKEY\naws_secret_access_key = t\n",
        );
        let fixture = fixture.var("AWS_SHARED_CREDENTIALS_FILE", "~/mycreds");
        assert_eq!(
            fixture.ok(&no_flags()).credentials.access_key_id,
            "TILDEKEY"
        );
    }

    #[test]
    fn missing_explicit_profile_names_profile_and_files() {
        let fixture = Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS);
        let message = fixture.err(&profile_flag("prod")).to_string();
        assert_eq!(
            message,
            format!(
                "profile 'prod' (from --profile) was not found; looked in {} and {} (does not exist)",
                fixture.credentials_path().display(),
                fixture.config_path().display()
            )
        );
    }

    #[test]
    fn missing_explicit_profile_is_an_error_even_with_ibm_credentials() {
        let fixture = Fixture::new();
        let flags = ConfigFlags {
            profile: Some("typo".to_owned()),
            ibm_credentials: Some(fixture.file("cos.json", &ibm_json("IBMKEY", "s"))),
            ..ConfigFlags::default()
        };
        assert!(matches!(
            fixture.err(&flags),
            ConfigError::ProfileNotFound { profile, origin: "--profile", .. } if profile == "typo"
        ));
    }

    #[test]
    fn missing_aws_profile_is_an_error() {
        let fixture = Fixture::new()
            .credentials(DEFAULT_AND_DEV_CREDENTIALS)
            .var("AWS_PROFILE", "prod");
        assert!(matches!(
            fixture.err(&no_flags()),
            ConfigError::ProfileNotFound { profile, origin: "AWS_PROFILE", .. } if profile == "prod"
        ));
    }

    #[test]
    fn missing_aws_profile_is_ignored_when_env_credentials_are_set() {
        let fixture = env_keys(Fixture::new()).var("AWS_PROFILE", "prod");
        let config = fixture.ok(&no_flags());
        assert_eq!(config.credentials.access_key_id, "ENVKEY");
        assert_eq!(config.region, "us-east-1");
    }

    #[test]
    fn profile_without_keys_is_an_error_when_named() {
        let fixture = Fixture::new().config("[profile dev]\nregion = eu-de\n");
        assert_eq!(
            fixture.err(&profile_flag("dev")).to_string(),
            format!(
                "profile 'dev' has no `aws_access_key_id` and `aws_secret_access_key`; looked in {} (does not exist) and {}",
                fixture.credentials_path().display(),
                fixture.config_path().display()
            )
        );
    }

    #[test]
    fn profile_with_only_one_key_names_the_missing_key_and_file() {
        let fixture = Fixture::new().credentials("[dev]\naws_access_key_id = DEVKEY\n");
        assert_eq!(
            fixture.err(&profile_flag("dev")).to_string(),
            format!(
                "profile 'dev' in {} sets `aws_access_key_id` but not `aws_secret_access_key`",
                fixture.credentials_path().display()
            )
        );
    }

    #[test]
    fn default_profile_without_keys_falls_through_to_no_credentials() {
        let fixture = Fixture::new().config("[default]\nregion = eu-de\n");
        assert!(matches!(
            fixture.err(&no_flags()),
            ConfigError::NoCredentials { .. }
        ));
    }

    #[test]
    fn no_credentials_error_lists_every_place_looked() {
        let fixture = Fixture::new();
        let message = fixture.err(&no_flags()).to_string();
        assert_eq!(
            message,
            format!(
                "no credentials found; looked at: the --ibm-credentials flag, the --profile flag, \
                 the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, \
                 the AWS_PROFILE environment variable, profile 'default' in {} (does not exist) \
                 and {} (does not exist). Pass --ibm-credentials FILE or --profile NAME, \
                 or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                fixture.credentials_path().display(),
                fixture.config_path().display()
            )
        );
    }

    #[test]
    fn no_home_directory_means_no_shared_files() {
        let env = Environment::from_vars([("AWS_REGION", "eu-west-3")], None);
        let error = resolve(&no_flags(), &env).unwrap_err();
        assert!(
            error.to_string().contains(
                "~/.aws/credentials (no home directory) and ~/.aws/config (no home directory)"
            ),
            "{error}"
        );
    }

    #[test]
    fn unsupported_profile_kinds_suggest_export_credentials() {
        for key in UNSUPPORTED_CREDENTIAL_KEYS {
            let fixture = Fixture::new().config(&format!(
                "[profile corp]\n{key} = something\nregion = eu-de\n"
            ));
            assert_eq!(
                fixture.err(&profile_flag("corp")).to_string(),
                format!(
                    "profile 'corp' gets its credentials through `{key}`, which presign does not resolve yet; \
                     export temporary credentials first, e.g. \
                     eval \"$(aws configure export-credentials --profile corp --format env)\""
                ),
            );
        }
    }

    #[test]
    fn unsupported_default_profile_is_reported_not_skipped() {
        let fixture = Fixture::new().config("[default]\ncredential_process = /bin/creds\n");
        assert!(matches!(
            fixture.err(&no_flags()),
            ConfigError::UnsupportedProfile { profile, key: "credential_process" } if profile == "default"
        ));
    }

    #[test]
    fn static_keys_win_over_unsupported_keys() {
        let fixture = Fixture::new()
            .credentials("[corp]\naws_access_key_id = STATIC\naws_secret_access_key = s\n")
            .config("[profile corp]\ncredential_process = /bin/creds\n");
        assert_eq!(
            fixture.ok(&profile_flag("corp")).credentials.access_key_id,
            "STATIC"
        );
    }

    #[test]
    fn malformed_shared_file_names_file_and_line() {
        let fixture =
            Fixture::new().credentials(&format!("[default]\naws_access_key_id = A\n{SECRET}\n"));
        let error = fixture.err(&no_flags());
        assert_eq!(
            error.to_string(),
            format!(
                "{}, line 3: expected `key = value`, a `[section]` header or a comment",
                fixture.credentials_path().display()
            )
        );
    }

    #[test]
    fn unreadable_shared_file_is_an_error() {
        let fixture = Fixture::new();
        std::fs::create_dir_all(fixture.config_path()).unwrap();
        let error = fixture.err(&no_flags());
        assert!(
            matches!(&error, ConfigError::ReadFile { path, .. } if *path == fixture.config_path()),
            "{error:?}"
        );
    }

    // -- IBM COS credentials file -------------------------------------------

    #[test]
    fn ibm_credentials_file_unreadable_names_file() {
        let fixture = Fixture::new();
        let path = fixture.home.path().join("missing.json");
        let error = fixture.err(&ibm_flag(path.clone()));
        assert!(matches!(&error, ConfigError::IbmRead { path: p, .. } if *p == path));
        assert!(
            error.to_string().starts_with(&format!(
                "cannot read IBM COS credentials file {}: ",
                path.display()
            )),
            "{error}"
        );
    }

    #[test]
    fn ibm_credentials_file_not_json_names_file_without_content() {
        let fixture = Fixture::new();
        let path = fixture.file("cos.json", &format!("{{\"secret_access_key\": {SECRET}}}"));
        let error = fixture.err(&ibm_flag(path.clone()));
        assert_eq!(
            error.to_string(),
            format!(
                "IBM COS credentials file {} is not valid JSON (syntax error at line 1, column 23)",
                path.display()
            )
        );
    }

    #[test]
    fn ibm_credentials_file_not_object_is_an_error() {
        let fixture = Fixture::new();
        let path = fixture.file("cos.json", "[1, 2]");
        assert!(matches!(
            fixture.err(&ibm_flag(path.clone())),
            ConfigError::IbmNotObject { path: p } if p == path
        ));
    }

    #[test]
    fn ibm_credentials_without_hmac_keys_explains_how_to_create_them() {
        let fixture = Fixture::new();
        let path = fixture.file(
            "cos.json",
            r#"{"apikey":"k","endpoints":"https://control.cloud-object-storage.cloud.ibm.com/v2/endpoints","resource_instance_id":"crn:x"}"#,
        );
        assert_eq!(
            fixture.err(&ibm_flag(path.clone())).to_string(),
            format!(
                "IBM COS credentials file {} has no `cos_hmac_keys` object: the service credential was created \
                 without HMAC keys; create one with the parameter {{\"HMAC\":true}}",
                path.display()
            )
        );
    }

    #[test]
    fn ibm_credentials_missing_or_empty_field_names_it() {
        let fixture = Fixture::new();
        let cases = [
            (
                r#"{"cos_hmac_keys":{"secret_access_key":"s"}}"#,
                "cos_hmac_keys.access_key_id",
            ),
            (
                r#"{"cos_hmac_keys":{"access_key_id":"","secret_access_key":"s"}}"#,
                "cos_hmac_keys.access_key_id",
            ),
            (
                r#"{"cos_hmac_keys":{"access_key_id":"K"}}"#,
                "cos_hmac_keys.secret_access_key",
            ),
            (
                r#"{"cos_hmac_keys":{"access_key_id":"K","secret_access_key":""}}"#,
                "cos_hmac_keys.secret_access_key",
            ),
            (
                r#"{"cos_hmac_keys":{"access_key_id":"K","secret_access_key":7}}"#,
                "cos_hmac_keys.secret_access_key",
            ),
        ];
        for (json, field) in cases {
            let path = fixture.file("cos.json", json);
            assert_eq!(
                fixture.err(&ibm_flag(path.clone())).to_string(),
                format!(
                    "IBM COS credentials file {}: `{field}` is missing, empty or not a string",
                    path.display()
                ),
                "input: {json}"
            );
        }
    }

    #[test]
    fn ibm_credentials_use_the_selected_profile_for_region_and_endpoint() {
        let fixture = Fixture::new()
            .config(
                "[profile cos]\nregion = eu-de\ns3 =\n  endpoint_url = https://s3.eu-de.cloud-object-storage.appdomain.cloud\n  addressing_style = path\n",
            )
            .var("AWS_PROFILE", "cos");
        let path = fixture.file("cos.json", &ibm_json("IBMKEY", "ibm-secret"));
        let config = fixture.ok(&ibm_flag(path));
        assert_eq!(config.credentials.access_key_id, "IBMKEY");
        assert_eq!(config.region, "eu-de");
        assert_eq!(
            config.endpoint_url.as_deref(),
            Some("https://s3.eu-de.cloud-object-storage.appdomain.cloud")
        );
        assert_eq!(config.addressing_style, Some(Addressing::Path));
    }

    // -- Region ---------------------------------------------------------------

    fn region_fixture() -> Fixture {
        env_keys(
            Fixture::new()
                .config("[default]\nregion = eu-central-1\n[profile dev]\nregion = eu-de\n"),
        )
    }

    #[test]
    fn region_flag_beats_env() {
        let fixture = region_fixture()
            .var("AWS_REGION", "us-west-2")
            .var("AWS_DEFAULT_REGION", "us-west-1");
        let flags = ConfigFlags {
            region: Some("ap-northeast-1".to_owned()),
            ..ConfigFlags::default()
        };
        let config = fixture.ok(&flags);
        assert_eq!(config.region, "ap-northeast-1");
        assert_eq!(config.region_source, "--region");
    }

    #[test]
    fn empty_region_flag_means_no_region() {
        let fixture = region_fixture().var("AWS_REGION", "us-west-2");
        let flags = ConfigFlags {
            region: Some(String::new()),
            ..ConfigFlags::default()
        };
        let config = fixture.ok(&flags);
        assert_eq!(config.region, "");
        assert_eq!(config.region_source, "--region");
    }

    #[test]
    fn aws_region_beats_aws_default_region() {
        let fixture = region_fixture()
            .var("AWS_REGION", "us-west-2")
            .var("AWS_DEFAULT_REGION", "us-west-1");
        let config = fixture.ok(&no_flags());
        assert_eq!(config.region, "us-west-2");
        assert_eq!(config.region_source, "AWS_REGION");
    }

    #[test]
    fn aws_default_region_beats_profile() {
        let fixture = region_fixture().var("AWS_DEFAULT_REGION", "us-west-1");
        let config = fixture.ok(&no_flags());
        assert_eq!(config.region, "us-west-1");
        assert_eq!(config.region_source, "AWS_DEFAULT_REGION");
    }

    #[test]
    fn region_comes_from_default_profile_without_env() {
        let fixture = region_fixture();
        let config = fixture.ok(&no_flags());
        assert_eq!(config.region, "eu-central-1");
        assert_eq!(
            config.region_source,
            format!("profile 'default' in {}", fixture.config_path().display())
        );
    }

    #[test]
    fn region_comes_from_aws_profile_even_with_env_credentials() {
        let fixture = region_fixture().var("AWS_PROFILE", "dev");
        let config = fixture.ok(&no_flags());
        assert_eq!(config.credentials.access_key_id, "ENVKEY");
        assert_eq!(config.region, "eu-de");
    }

    #[test]
    fn region_comes_from_explicit_profile_over_aws_profile() {
        let fixture = Fixture::new()
            .credentials("[ops]\naws_access_key_id = OPS\naws_secret_access_key = o\n")
            .config("[profile ops]\nregion = ca-central-1\n[profile dev]\nregion = eu-de\n")
            .var("AWS_PROFILE", "dev");
        let config = fixture.ok(&profile_flag("ops"));
        assert_eq!(config.credentials.access_key_id, "OPS");
        assert_eq!(config.region, "ca-central-1");
    }

    #[test]
    fn region_defaults_to_us_east_1() {
        let fixture = env_keys(Fixture::new());
        let config = fixture.ok(&no_flags());
        assert_eq!(config.region, "us-east-1");
        assert_eq!(config.region_source, "default");
    }

    // -- Endpoint -------------------------------------------------------------

    fn endpoint_fixture() -> Fixture {
        env_keys(Fixture::new().config(
            "[default]\nendpoint_url = https://top.example\ns3 =\n  endpoint_url = https://s3-section.example\n",
        ))
    }

    #[test]
    fn endpoint_flag_beats_env() {
        let fixture = endpoint_fixture()
            .var("AWS_ENDPOINT_URL_S3", "https://env-s3.example")
            .var("AWS_ENDPOINT_URL", "https://env.example");
        let flags = ConfigFlags {
            endpoint_url: Some("https://flag.example".to_owned()),
            ..ConfigFlags::default()
        };
        let config = fixture.ok(&flags);
        assert_eq!(config.endpoint_url.as_deref(), Some("https://flag.example"));
        assert_eq!(
            config.endpoint_url_source.as_deref(),
            Some("--endpoint-url")
        );
    }

    #[test]
    fn endpoint_env_s3_beats_generic_env() {
        let fixture = endpoint_fixture()
            .var("AWS_ENDPOINT_URL_S3", "https://env-s3.example")
            .var("AWS_ENDPOINT_URL", "https://env.example");
        let config = fixture.ok(&no_flags());
        assert_eq!(
            config.endpoint_url.as_deref(),
            Some("https://env-s3.example")
        );
        assert_eq!(
            config.endpoint_url_source.as_deref(),
            Some("AWS_ENDPOINT_URL_S3")
        );
    }

    #[test]
    fn endpoint_generic_env_beats_profile() {
        let fixture = endpoint_fixture().var("AWS_ENDPOINT_URL", "https://env.example");
        assert_eq!(
            fixture.ok(&no_flags()).endpoint_url.as_deref(),
            Some("https://env.example")
        );
    }

    #[test]
    fn endpoint_s3_section_beats_top_level_profile_key() {
        let fixture = endpoint_fixture();
        let config = fixture.ok(&no_flags());
        assert_eq!(
            config.endpoint_url.as_deref(),
            Some("https://s3-section.example")
        );
        assert_eq!(
            config.endpoint_url_source,
            Some(format!(
                "profile 'default' in {} (s3 section)",
                fixture.config_path().display()
            ))
        );
    }

    #[test]
    fn endpoint_top_level_profile_key_is_used() {
        let fixture = env_keys(
            Fixture::new().config("[default]\nendpoint_url = https://top.example # comment\n"),
        );
        assert_eq!(
            fixture.ok(&no_flags()).endpoint_url.as_deref(),
            Some("https://top.example")
        );
    }

    #[test]
    fn endpoint_absent_is_none() {
        let config = env_keys(Fixture::new()).ok(&no_flags());
        assert_eq!(config.endpoint_url, None);
        assert_eq!(config.endpoint_url_source, None);
    }

    // -- Addressing style ----------------------------------------------------

    #[test]
    fn addressing_style_comes_from_nested_s3_section() {
        for (text, expected) in [
            ("auto", Addressing::Auto),
            ("path", Addressing::Path),
            ("Virtual", Addressing::VirtualHost),
        ] {
            let fixture = env_keys(Fixture::new().config(&format!(
                "[profile dev]\ns3 =\n  addressing_style = {text}\n"
            )))
            .var("AWS_PROFILE", "dev");
            assert_eq!(fixture.ok(&no_flags()).addressing_style, Some(expected));
        }
    }

    #[test]
    fn addressing_style_absent_is_none() {
        let fixture = env_keys(Fixture::new().config("[default]\naddressing_style = path\n"));
        assert_eq!(
            fixture.ok(&no_flags()).addressing_style,
            None,
            "only the s3 sub-section counts"
        );
    }

    #[test]
    fn invalid_addressing_style_names_file_profile_and_allowed_values() {
        let fixture =
            env_keys(Fixture::new().config("[profile dev]\ns3 =\n  addressing_style = sideways\n"))
                .var("AWS_PROFILE", "dev");
        let message = fixture.err(&no_flags()).to_string();
        assert_eq!(
            message,
            format!(
                "invalid `addressing_style` in the `s3` section of profile 'dev' in {}: expected one of auto, path, virtual",
                fixture.config_path().display()
            )
        );
        assert!(!message.contains("sideways"));
    }

    // -- Secrets never leak ---------------------------------------------------

    #[test]
    fn debug_output_redacts_secrets() {
        let fixture = Fixture::new()
            .var("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .var("AWS_SECRET_ACCESS_KEY", SECRET)
            .var("AWS_SESSION_TOKEN", TOKEN);
        let config = fixture.ok(&no_flags());
        let debug = format!("{config:?}");
        assert!(debug.contains("AKIDEXAMPLE"), "{debug}");
        assert!(debug.contains("secret_access_key: <redacted>"), "{debug}");
        assert!(debug.contains("session_token: Some(<redacted>)"), "{debug}");
        assert!(debug.contains("source: \"environment variables"), "{debug}");
        let environment = format!("{:?}", fixture.env());
        for debug in [debug, environment] {
            assert!(!debug.contains(SECRET), "{debug}");
            assert!(!debug.contains(TOKEN), "{debug}");
        }
    }

    #[test]
    fn no_error_message_or_debug_output_contains_secrets() {
        let keys = format!("aws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n");
        let fixtures_and_flags: Vec<(Fixture, ConfigFlags)> = vec![
            // Malformed line holding the secret itself.
            (
                Fixture::new().credentials(&format!("[default]\n{SECRET}\n")),
                no_flags(),
            ),
            (
                Fixture::new().config(&format!("[default]\n{keys}  {TOKEN}\n")),
                no_flags(),
            ),
            // Partial keys.
            (
                Fixture::new().credentials(&format!("[dev]\n{keys}")),
                profile_flag("dev"),
            ),
            // Unsupported kind with token present.
            (
                Fixture::new().config(&format!(
                    "[profile dev]\naws_session_token = {TOKEN}\nrole_arn = arn\n"
                )),
                profile_flag("dev"),
            ),
            // Half-set environment.
            (
                Fixture::new()
                    .var("AWS_SECRET_ACCESS_KEY", SECRET)
                    .var("AWS_SESSION_TOKEN", TOKEN),
                no_flags(),
            ),
            // Invalid addressing style next to the keys.
            (
                Fixture::new().config(&format!(
                    "[default]\naws_access_key_id = K\n{keys}s3 =\n  addressing_style = {SECRET}\n"
                )),
                no_flags(),
            ),
        ];
        let mut checked = 0;
        for (fixture, flags) in &fixtures_and_flags {
            let error = fixture.err(flags);
            for text in [error.to_string(), format!("{error:?}")] {
                assert!(!text.contains(SECRET), "{text}");
                assert!(!text.contains(TOKEN), "{text}");
            }
            checked += 1;
        }
        // IBM COS files holding the secret.
        let fixture = Fixture::new();
        for json in [
            format!("{{\"cos_hmac_keys\":{{\"secret_access_key\":\"{SECRET}\"}}}}"),
            format!(
                "{{\"cos_hmac_keys\":{{\"access_key_id\":\"{SECRET}\",\"secret_access_key\":{TOKEN}}}}}"
            ),
            format!("{{\"apikey\":\"{SECRET}\"}}"),
            format!("[\"{SECRET}\"]"),
        ] {
            let error = fixture.err(&ibm_flag(fixture.file("cos.json", &json)));
            for text in [error.to_string(), format!("{error:?}")] {
                assert!(!text.contains(SECRET), "{text}");
                assert!(!text.contains(TOKEN), "{text}");
            }
            checked += 1;
        }
        assert_eq!(checked, fixtures_and_flags.len() + 4);
    }
}
