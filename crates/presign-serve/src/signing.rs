//! The storage credentials the service signs with, kept current: temporary
//! credentials (an assumed role, SSO, a container or instance role, a
//! `credential_process`) are refreshed by a background thread before they
//! expire, so that a request never waits for STS; a request finds either
//! credentials that work now or a clear 503.

use std::sync::{Arc, PoisonError, RwLock, Weak};
use std::time::{Duration, SystemTime};

use presign::Signer;
use presign_config::{CredentialSource, ResolvedCredentials, TransportConfig};
use presign_credentials::{CredentialsProvider, Fetcher};

use crate::error::ApiError;

/// The shortest pause of the refresher between two attempts.
const MIN_PAUSE: Duration = Duration::from_millis(200);
/// The pause after an attempt that did not refresh.
const RETRY_PAUSE: Duration = Duration::from_secs(1);
/// The longest: a failed refresh is retried at least this often.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// A signer over the credentials of one instant, and when they expire.
#[derive(Debug)]
pub(crate) struct CurrentSigner {
    /// The core's signer over the credentials.
    pub(crate) signer: Signer,
    /// When the credentials stop working (`None`: long-term keys).
    pub(crate) expires_at: Option<SystemTime>,
}

/// The signer in use, replaced whole when the credentials rotate.
#[derive(Debug)]
pub(crate) struct Signing {
    current: RwLock<Arc<CurrentSigner>>,
    /// Where the credentials come from, for messages.
    source: String,
}

impl Signing {
    /// Fetches the first credentials from `source` and, when they expire,
    /// starts the thread that refreshes them.
    ///
    /// # Errors
    /// Why the first credentials could not be had, or the keys cannot sign.
    pub(crate) fn start(
        source: CredentialSource,
        transport: TransportConfig,
    ) -> Result<Arc<Self>, String> {
        let provider = CredentialsProvider::new(source, Fetcher::new(transport));
        let keys = provider
            .credentials(SystemTime::now())
            .map_err(|error| error.to_string())?;
        let signing = Arc::new(Self {
            current: RwLock::new(Arc::new(signer_for(&keys)?)),
            source: keys.source.clone(),
        });
        if keys.expires_at.is_some() {
            let weak = Arc::downgrade(&signing);
            std::thread::Builder::new()
                .name("presign-credentials".to_owned())
                .spawn(move || refresh_loop(&weak, &provider))
                .map_err(|error| format!("cannot start the credentials refresher: {error}"))?;
        }
        Ok(signing)
    }

    /// The signer to use at `now`.
    ///
    /// # Errors
    /// 503 when the credentials expired and no refresh has replaced them.
    pub(crate) fn at(&self, now: SystemTime) -> Result<Arc<CurrentSigner>, ApiError> {
        let current = Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner));
        match current.expires_at {
            Some(expires_at) if expires_at <= now => Err(ApiError::unavailable(
                "storage.credentials",
                format!(
                    "the storage credentials ({}) expired and could not be refreshed yet; \
                     nothing was issued",
                    self.source
                ),
            )),
            _ => Ok(current),
        }
    }

    fn replace(&self, keys: &ResolvedCredentials) {
        match signer_for(keys) {
            Ok(signer) => {
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(signer);
                tracing::info!(
                    source = %keys.source,
                    expires_at = ?keys.expires_at.map(rfc3339),
                    "storage credentials refreshed"
                );
            }
            Err(error) => tracing::warn!(%error, "refreshed storage credentials cannot sign"),
        }
    }
}

fn signer_for(keys: &ResolvedCredentials) -> Result<CurrentSigner, String> {
    Ok(CurrentSigner {
        signer: Signer::new(keys.to_credentials()).map_err(|error| error.to_string())?,
        expires_at: keys.expires_at,
    })
}

/// Sleeps until the credentials' advisory window opens, refreshes, and
/// installs what it got; a failure is logged and retried, the old
/// credentials kept until they expire. Ends with the service.
fn refresh_loop(signing: &Weak<Signing>, provider: &CredentialsProvider) {
    let mut installed = provider.current(SystemTime::now());
    loop {
        let now = SystemTime::now();
        let due = provider.refresh_due().unwrap_or(now + MAX_PAUSE);
        // Due already: the last attempt did not refresh; try again in a second.
        let pause = due
            .duration_since(now)
            .unwrap_or(RETRY_PAUSE)
            .clamp(MIN_PAUSE, MAX_PAUSE);
        std::thread::sleep(pause);
        let Some(signing) = signing.upgrade() else {
            return;
        };
        match provider.credentials(SystemTime::now()) {
            Ok(keys) => {
                if installed
                    .as_ref()
                    .is_none_or(|old| !Arc::ptr_eq(old, &keys))
                {
                    signing.replace(&keys);
                    installed = Some(keys);
                }
            }
            Err(error) => tracing::warn!(%error, "cannot refresh the storage credentials"),
        }
    }
}

fn rfc3339(instant: SystemTime) -> String {
    jiff::Timestamp::try_from(instant).map_or_else(|_| String::new(), |t| t.to_string())
}
