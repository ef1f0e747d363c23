//! The outside world as resolution sees it: environment variables and the
//! home directory, captured once, so tests never touch the real process
//! environment or home directory.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use zeroize::Zeroizing;

pub(crate) const ENV_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
pub(crate) const ENV_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
pub(crate) const ENV_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
pub(crate) const ENV_SECURITY_TOKEN: &str = "AWS_SECURITY_TOKEN";
pub(crate) const ENV_CREDENTIAL_EXPIRATION: &str = "AWS_CREDENTIAL_EXPIRATION";
pub(crate) const ENV_PROFILE: &str = "AWS_PROFILE";
pub(crate) const ENV_REGION: &str = "AWS_REGION";
pub(crate) const ENV_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
pub(crate) const ENV_ENDPOINT_URL_S3: &str = "AWS_ENDPOINT_URL_S3";
pub(crate) const ENV_ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
pub(crate) const ENV_SHARED_CREDENTIALS_FILE: &str = "AWS_SHARED_CREDENTIALS_FILE";
pub(crate) const ENV_CONFIG_FILE: &str = "AWS_CONFIG_FILE";
pub(crate) const ENV_CA_BUNDLE: &str = "AWS_CA_BUNDLE";

/// What resolution reads from the outside world: environment variables and
/// the home directory (for `~/.aws/credentials` and `~/.aws/config`).
pub struct Environment {
    vars: HashMap<String, Zeroizing<String>>,
    pub(crate) home: Option<PathBuf>,
}

impl Environment {
    /// The real process environment. Variables whose name or value is not
    /// UTF-8 are skipped. The home directory is `$HOME`, else the platform's
    /// notion of it.
    pub fn from_process() -> Self {
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
    pub fn from_vars<I, K, V>(vars: I, home: Option<PathBuf>) -> Self
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
    pub(crate) fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|value| value.as_str())
            .filter(|value| !value.is_empty())
    }

    /// A path from a variable, with a leading `~` expanded to the home
    /// directory (as the AWS CLI does).
    pub(crate) fn path_var(&self, name: &str) -> Option<PathBuf> {
        self.var(name).map(|value| self.expand_home(value))
    }

    /// `value` as a path, with a leading `~` expanded to the home directory.
    pub(crate) fn expand_home(&self, value: &str) -> PathBuf {
        match (value.strip_prefix('~'), &self.home) {
            (Some(""), Some(home)) => home.clone(),
            (Some(rest), Some(home)) if rest.starts_with(['/', std::path::MAIN_SEPARATOR]) => {
                home.join(&rest[1..])
            }
            _ => PathBuf::from(value),
        }
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
