//! Credentials kept and refreshed before they expire, shared by every thread
//! that signs: a refresh in progress never blocks a signer that still holds
//! valid credentials.

use std::sync::{Arc, Mutex, PoisonError, RwLock, TryLockError};
use std::time::SystemTime;

use presign_config::{CredentialSource, Freshness, ResolvedCredentials, freshness, refresh_due};

use crate::error::CredentialsError;
use crate::fetch::Fetcher;

/// Credentials as last fetched, and when.
#[derive(Debug, Clone)]
struct Held {
    credentials: Arc<ResolvedCredentials>,
    obtained_at: SystemTime,
}

/// Keeps the credentials of one [`CredentialSource`] and refreshes them in
/// botocore's way ([`presign_config::freshness`]): inside the advisory
/// window one caller refreshes while the others sign with the credentials
/// they have, and a failed refresh keeps them; inside the mandatory window
/// a caller refreshes before signing, unless another caller is already
/// refreshing and the credentials have not expired; expired credentials are
/// never handed out.
#[derive(Debug)]
pub struct CredentialsProvider {
    source: CredentialSource,
    fetcher: Fetcher,
    held: RwLock<Option<Held>>,
    refreshing: Mutex<()>,
}

impl CredentialsProvider {
    /// A provider that fetches from `source` on first use.
    #[must_use]
    pub fn new(source: CredentialSource, fetcher: Fetcher) -> Self {
        Self {
            source,
            fetcher,
            held: RwLock::new(None),
            refreshing: Mutex::new(()),
        }
    }

    /// A provider holding `credentials`, fetched from `source` at
    /// `obtained_at` by the caller, refreshed from there on.
    #[must_use]
    pub fn with_credentials(
        source: CredentialSource,
        fetcher: Fetcher,
        credentials: ResolvedCredentials,
        obtained_at: SystemTime,
    ) -> Self {
        let provider = Self::new(source, fetcher);
        *provider
            .held
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(Held {
            credentials: Arc::new(credentials),
            obtained_at,
        });
        provider
    }

    /// The source, for messages (`--output explain`, `presign doctor`).
    #[must_use]
    pub fn source(&self) -> &CredentialSource {
        &self.source
    }

    /// Credentials valid at `now`, fetched or refreshed if needed.
    ///
    /// # Errors
    /// The fetch's error when there are no credentials yet or they expired
    /// ([`CredentialsError::ExpiredNotRefreshed`]) and a fetch fails.
    pub fn credentials(
        &self,
        now: SystemTime,
    ) -> Result<Arc<ResolvedCredentials>, CredentialsError> {
        let held = self.held();
        let state = held.as_ref().map_or(Freshness::Expired, |held| {
            freshness(held.obtained_at, held.credentials.expires_at, now)
        });
        match (state, held) {
            (Freshness::Fresh, Some(held)) => Ok(held.credentials),
            (Freshness::Advisory | Freshness::Mandatory, Some(held)) => {
                let guard = match self.refreshing.try_lock() {
                    Ok(guard) => guard,
                    Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                    // Somebody else is refreshing; these are still valid.
                    Err(TryLockError::WouldBlock) => return Ok(held.credentials),
                };
                let result = self.refresh(now);
                drop(guard);
                match result {
                    Ok(credentials) => Ok(credentials),
                    // A failed refresh keeps credentials that still work.
                    Err(_) => Ok(held.credentials),
                }
            }
            (_, held) => {
                let guard = self
                    .refreshing
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                // Another caller may have refreshed while this one waited.
                if let Some(latest) = self.held()
                    && freshness(latest.obtained_at, latest.credentials.expires_at, now)
                        != Freshness::Expired
                {
                    return Ok(latest.credentials);
                }
                let result = self.refresh(now);
                drop(guard);
                result.map_err(|cause| match held {
                    Some(held) => CredentialsError::ExpiredNotRefreshed {
                        origin: held.credentials.source.clone(),
                        expired_at: held.credentials.expires_at.map(rfc3339).unwrap_or_default(),
                        cause: Box::new(cause),
                    },
                    None => cause,
                })
            }
        }
    }

    /// The credentials held now, if they have not expired at `now`; never
    /// fetches (for async request handlers, with a background refresher
    /// calling [`Self::credentials`]).
    #[must_use]
    pub fn current(&self, now: SystemTime) -> Option<Arc<ResolvedCredentials>> {
        let held = self.held()?;
        (freshness(held.obtained_at, held.credentials.expires_at, now) != Freshness::Expired)
            .then_some(held.credentials)
    }

    /// When the held credentials should next be refreshed: the opening of
    /// their advisory window; `None` for long-term credentials or none yet.
    #[must_use]
    pub fn refresh_due(&self) -> Option<SystemTime> {
        let held = self.held()?;
        let expires_at = held.credentials.expires_at?;
        Some(refresh_due(held.obtained_at, expires_at))
    }

    /// Fetches new credentials now, whatever their window, for a
    /// background refresher that must know why a refresh failed (which
    /// [`Self::credentials`] hides while the held ones still work). On
    /// failure the held credentials stay as they were.
    ///
    /// # Errors
    /// The fetch's error.
    pub fn refresh_now(
        &self,
        now: SystemTime,
    ) -> Result<Arc<ResolvedCredentials>, CredentialsError> {
        let guard = self
            .refreshing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let result = self.refresh(now);
        drop(guard);
        result
    }

    fn held(&self) -> Option<Held> {
        self.held
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn refresh(&self, now: SystemTime) -> Result<Arc<ResolvedCredentials>, CredentialsError> {
        let credentials = Arc::new(self.fetcher.fetch(&self.source, now)?);
        *self.held.write().unwrap_or_else(PoisonError::into_inner) = Some(Held {
            credentials: Arc::clone(&credentials),
            obtained_at: now,
        });
        Ok(credentials)
    }
}

/// `2026-12-06T16:04:00Z` (the core's formatter), for the providers' messages.
pub(crate) use presign::rfc3339;
