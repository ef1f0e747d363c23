//! How presign connects: the certificate authorities it trusts beyond the
//! system's (`--ca-bundle`, `AWS_CA_BUNDLE`, the profile's `ca_bundle`),
//! whether it verifies certificates at all, and the HTTP proxies of the
//! environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).
//! `presign-http` builds its agent from a [`TransportConfig`].

use std::fmt;
use std::path::PathBuf;

use crate::environment::{ENV_CA_BUNDLE, ENV_PROFILE, Environment};
use crate::error::ConfigError;
use crate::overrides::DEFAULT_PROFILE;
use crate::shared_files::SharedFiles;

/// Connection settings given explicitly (command-line flags, a service's
/// configuration): each wins over the environment and the shared files.
#[derive(Debug, Default, Clone)]
pub struct TransportOverrides {
    /// `--profile NAME`: whose `ca_bundle` is read.
    pub profile: Option<String>,
    /// `--ca-bundle FILE`.
    pub ca_bundle: Option<PathBuf>,
    /// `--no-verify-ssl`: certificates are not verified at all.
    pub no_verify_ssl: bool,
}

/// A value and where it came from (`--ca-bundle`, `AWS_CA_BUNDLE`,
/// `profile 'dev' in /home/u/.aws/config`, `HTTPS_PROXY`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: String,
}

/// A proxy URL as the environment gives it. It may hold a user name and
/// password: [`ProxyUrl::redacted`] is the form for messages, and `Debug`
/// prints that form.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl(String);

impl ProxyUrl {
    /// A proxy URL (`http://[user:password@]host:port`), as given.
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL as given, with any password (to hand to the HTTP client).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL with the password of its user information replaced by `***`.
    ///
    /// ```
    /// use presign_config::ProxyUrl;
    ///
    /// assert_eq!(ProxyUrl::new("http://me:pw@proxy:3128").redacted(), "http://me:***@proxy:3128");
    /// assert_eq!(ProxyUrl::new("proxy.corp:3128").redacted(), "proxy.corp:3128");
    /// ```
    #[must_use]
    pub fn redacted(&self) -> String {
        let (scheme, rest) = self.0.split_once("://").unwrap_or(("", &self.0));
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        let authority = match authority.rsplit_once('@') {
            Some((user_info, host)) => match user_info.split_once(':') {
                Some((user, _password)) => format!("{user}:***@{host}"),
                None => format!("{user_info}@{host}"),
            },
            None => authority.to_owned(),
        };
        if scheme.is_empty() {
            format!("{authority}{path}")
        } else {
            format!("{scheme}://{authority}{path}")
        }
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({:?})", self.redacted())
    }
}

/// Resolved connection settings.
#[derive(Debug, Clone, Default)]
pub struct TransportConfig {
    /// Extra trusted certificate authorities (a PEM file), besides the
    /// system's trust store.
    pub ca_bundle: Option<Sourced<PathBuf>>,
    /// `false` only with `--no-verify-ssl`.
    pub verify_tls: bool,
    /// The proxy for `https://` URLs.
    pub https_proxy: Option<Sourced<ProxyUrl>>,
    /// The proxy for `http://` URLs.
    pub http_proxy: Option<Sourced<ProxyUrl>>,
    /// Hosts reached without a proxy (`NO_PROXY`), comma-separated entries
    /// as given, trimmed, empty ones dropped.
    pub no_proxy: Option<Sourced<Vec<String>>>,
}

/// Environment variables of each proxy setting, in the order they are read:
/// lower case first (as curl and Python's urllib do), then upper case, then
/// `ALL_PROXY`.
const HTTPS_PROXY_VARS: [&str; 4] = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"];
const HTTP_PROXY_VARS: [&str; 4] = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"];
const NO_PROXY_VARS: [&str; 2] = ["no_proxy", "NO_PROXY"];

/// Resolves the connection settings, the AWS CLI's way.
///
/// CA bundle, first match wins: `--ca-bundle`, `AWS_CA_BUNDLE`, the
/// selected profile's `ca_bundle` (`--profile`, else `AWS_PROFILE`, else
/// `default`); a leading `~` is the home directory. Proxies: `https_proxy` /
/// `HTTPS_PROXY` for `https://` URLs, `http_proxy` / `HTTP_PROXY` for
/// `http://` URLs, `ALL_PROXY` for both when those are unset, and `NO_PROXY`.
///
/// ```
/// use presign_config::{Environment, TransportOverrides, resolve_transport};
///
/// let env = Environment::from_vars([("AWS_CA_BUNDLE", "/etc/corp-ca.pem"), ("NO_PROXY", "localhost, .corp")], None);
/// let config = resolve_transport(&TransportOverrides::default(), &env)?;
/// let bundle = config.ca_bundle.unwrap();
/// assert_eq!((bundle.value.to_str(), bundle.source.as_str()), (Some("/etc/corp-ca.pem"), "AWS_CA_BUNDLE"));
/// assert_eq!(config.no_proxy.unwrap().value, ["localhost", ".corp"]);
/// assert!(config.verify_tls);
/// # Ok::<(), presign_config::ConfigError>(())
/// ```
pub fn resolve_transport(
    overrides: &TransportOverrides,
    env: &Environment,
) -> Result<TransportConfig, ConfigError> {
    let ca_bundle = match (&overrides.ca_bundle, env.path_var(ENV_CA_BUNDLE)) {
        (Some(path), _) => Some(Sourced {
            value: path.clone(),
            source: "--ca-bundle".to_owned(),
        }),
        (None, Some(path)) => Some(Sourced {
            value: path,
            source: ENV_CA_BUNDLE.to_owned(),
        }),
        (None, None) => {
            let files = SharedFiles::load(env)?;
            let profile = overrides
                .profile
                .as_deref()
                .or_else(|| env.var(ENV_PROFILE))
                .unwrap_or(DEFAULT_PROFILE);
            files
                .setting(profile, "ca_bundle")
                .filter(|(value, _)| !value.is_empty())
                .map(|(value, file)| Sourced {
                    value: env.expand_home(value),
                    source: format!("profile '{profile}' in {}", file.label()),
                })
        }
    };
    let proxy = |names: &[&str]| {
        names.iter().find_map(|name| {
            env.var(name).map(|value| Sourced {
                value: ProxyUrl(value.to_owned()),
                source: (*name).to_owned(),
            })
        })
    };
    let no_proxy = NO_PROXY_VARS.iter().find_map(|name| {
        env.var(name).map(|value| Sourced {
            value: value
                .split(',')
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .map(str::to_owned)
                .collect(),
            source: (*name).to_owned(),
        })
    });
    Ok(TransportConfig {
        ca_bundle,
        verify_tls: !overrides.no_verify_ssl,
        https_proxy: proxy(&HTTPS_PROXY_VARS),
        http_proxy: proxy(&HTTP_PROXY_VARS),
        no_proxy,
    })
}
