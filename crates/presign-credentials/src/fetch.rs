//! One fetch of a planned source.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use presign_config::{ConfigError, CredentialSource, ResolvedCredentials, TransportConfig};
use presign_http::Http;

use crate::error::CredentialsError;

/// Asks the person at the terminal for an MFA code.
pub trait MfaPrompt: Send + Sync {
    /// The code for `serial` (an MFA device ARN), asked for on behalf of
    /// `profile`; `Err` with a reason when nobody can be asked.
    fn code(&self, profile: &str, serial: &str) -> Result<String, String>;
}

/// Gets credentials from a [`CredentialSource`]: the HTTP agent (built on
/// first use, from the transport settings: proxy, CA bundle) and the MFA
/// prompt.
pub struct Fetcher {
    transport: TransportConfig,
    http: OnceLock<Result<Http, String>>,
    mfa: Option<Arc<dyn MfaPrompt>>,
}

impl fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetcher")
            .field("transport", &self.transport)
            .field("mfa_prompt", &self.mfa.is_some())
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    /// A fetcher that connects with `transport`'s settings and has nobody
    /// to ask for an MFA code.
    #[must_use]
    pub fn new(transport: TransportConfig) -> Self {
        Self {
            transport,
            http: OnceLock::new(),
            mfa: None,
        }
    }

    /// The same, asking `prompt` for MFA codes.
    #[must_use]
    pub fn with_mfa_prompt(mut self, prompt: Arc<dyn MfaPrompt>) -> Self {
        self.mfa = Some(prompt);
        self
    }

    /// The MFA prompt, if any.
    pub(crate) fn mfa_prompt(&self) -> Option<&dyn MfaPrompt> {
        self.mfa.as_deref()
    }

    /// The HTTP agent, built on first use.
    pub(crate) fn http(&self) -> Result<&Http, CredentialsError> {
        match self
            .http
            .get_or_init(|| Http::new(&self.transport).map_err(|error| error.to_string()))
        {
            Ok(http) => Ok(http),
            Err(message) => Err(CredentialsError::Transport {
                message: message.clone(),
            }),
        }
    }

    /// Gets credentials from `source` now. `now` is the clock's reading
    /// (for session names, expiry checks and cache files).
    pub fn fetch(
        &self,
        source: &CredentialSource,
        now: SystemTime,
    ) -> Result<ResolvedCredentials, CredentialsError> {
        match source {
            CredentialSource::Static(credentials) => Ok(credentials.clone()),
            CredentialSource::AssumeRole(plan) => crate::sts::assume_role(self, source, plan, now),
            CredentialSource::WebIdentity(plan) => {
                crate::sts::web_identity(self, source, plan, now)
            }
            CredentialSource::Sso(plan) => crate::sso::fetch(self, plan, now),
            CredentialSource::Process(plan) => crate::process::fetch(plan, source.describe()),
            CredentialSource::Container(plan) => {
                crate::container::fetch(self.http()?, plan, &source.describe())
            }
            CredentialSource::InstanceMetadata(plan) => {
                crate::imds::fetch(self.http()?, plan, &source.describe(), now).map_err(|error| {
                    match &plan.last_resort {
                        // At the end of the chain botocore takes any failure of the
                        // service (none there, a refusal, no role) as "no credentials".
                        Some(searched) => CredentialsError::Config(ConfigError::NoCredentials {
                            searched: format!("{searched}: {error}"),
                        }),
                        None => error,
                    }
                })
            }
        }
    }
}
