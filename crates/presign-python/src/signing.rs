//! The signer a `Client` signs with: fixed for keys at hand; for temporary
//! credentials (an assumed role, SSO, a container or instance role, a
//! `credential_process`) rebuilt whenever the provider refreshes them, so a
//! long-lived client keeps signing URLs that work. A fetch runs without the
//! GIL: a refresh in progress does not stop the other Python threads.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use presign::Signer;
use presign_config::{
    CredentialSource, Environment, ResolvedCredentials, TransportConfig, TransportOverrides,
    resolve_transport,
};
use presign_credentials::{CredentialsProvider, Fetcher};
use pyo3::{PyResult, Python};

use crate::errors::{IntoPyResult, credentials_error, presign_error};

/// Keys fetched, and the signer over them.
pub(crate) struct Latest {
    keys: Arc<ResolvedCredentials>,
    signer: Arc<Signer>,
}

pub(crate) enum Signing {
    /// Keys at hand: one signer for the client's life.
    Fixed { signer: Arc<Signer>, source: String },
    /// Fetched keys, refreshed before they expire.
    Refreshing {
        provider: Box<CredentialsProvider>,
        latest: Mutex<Latest>,
    },
}

impl Signing {
    /// Gets the first keys from `source`.
    pub(crate) fn new(source: CredentialSource, transport: TransportConfig) -> PyResult<Self> {
        if let CredentialSource::Static(keys) = &source {
            return Ok(Self::Fixed {
                signer: Arc::new(Signer::new(keys.to_credentials()).or_raise()?),
                source: keys.source.clone(),
            });
        }
        let provider = Box::new(CredentialsProvider::new(source, Fetcher::new(transport)));
        let keys = fetch(&provider)?;
        let signer = Arc::new(Signer::new(keys.to_credentials()).or_raise()?);
        Ok(Self::Refreshing {
            provider,
            latest: Mutex::new(Latest { keys, signer }),
        })
    }

    /// The signer over the keys valid now, refreshed first when they are
    /// about to expire.
    pub(crate) fn signer(&self) -> PyResult<Arc<Signer>> {
        match self {
            Self::Fixed { signer, .. } => Ok(Arc::clone(signer)),
            Self::Refreshing { provider, latest } => {
                // Before the refresh window opens the keys in hand are the
                // provider's: sign with them, without giving up the GIL.
                if provider
                    .refresh_due()
                    .is_none_or(|due| SystemTime::now() < due)
                {
                    return Ok(Arc::clone(
                        &latest.lock().unwrap_or_else(PoisonError::into_inner).signer,
                    ));
                }
                let mut keys = fetch(provider)?;
                // A failed refresh keeps keys that worked when it began; if
                // they expired while it waited for the source, they must not
                // sign: ask again, which now fetches or says why not.
                if keys
                    .expires_at
                    .is_some_and(|expires_at| expires_at <= SystemTime::now())
                {
                    keys = fetch(provider)?;
                }
                let mut latest = latest.lock().unwrap_or_else(PoisonError::into_inner);
                if !Arc::ptr_eq(&latest.keys, &keys) {
                    latest.signer = Arc::new(Signer::new(keys.to_credentials()).or_raise()?);
                    latest.keys = keys;
                }
                Ok(Arc::clone(&latest.signer))
            }
        }
    }

    /// The access key id of the keys in hand, for `repr` (never fetches).
    pub(crate) fn access_key_id(&self) -> String {
        match self {
            Self::Fixed { signer, .. } => signer.credentials().access_key_id().to_owned(),
            Self::Refreshing { latest, .. } => latest
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .keys
                .access_key_id
                .clone(),
        }
    }

    /// Where the keys come from, for `repr`.
    pub(crate) fn source(&self) -> String {
        match self {
            Self::Fixed { source, .. } => source.clone(),
            Self::Refreshing { latest, .. } => latest
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .keys
                .source
                .clone(),
        }
    }
}

/// The provider's credentials now, fetched with the GIL released: a fetch
/// may wait seconds for STS or a process, and the program's other threads
/// (a web server answering in the same process, say) must go on meanwhile.
fn fetch(provider: &CredentialsProvider) -> PyResult<Arc<ResolvedCredentials>> {
    Python::attach(|py| py.detach(|| provider.credentials(SystemTime::now())))
        .map_err(|error| credentials_error(&error))
}

/// The connection settings (proxy, CA bundle) credentials are fetched with,
/// for `profile` (else `AWS_PROFILE`, else `default`).
pub(crate) fn transport(profile: Option<&str>, env: &Environment) -> PyResult<TransportConfig> {
    resolve_transport(
        &TransportOverrides {
            profile: profile.map(str::to_owned),
            ..TransportOverrides::default()
        },
        env,
    )
    .map_err(|error| presign_error(error.to_string()))
}
