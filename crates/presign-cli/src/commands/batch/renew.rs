//! The credentials of a long batch kept current. A batch signs as of one
//! instant with the credentials fetched at its start; when they are
//! temporary and the input takes long enough that they come near their end
//! (botocore's advisory window, narrowed for short lives), they are
//! refreshed and the following chunks are signed as of that moment with the
//! new ones, so that no URL comes out signed by a session that is over or
//! about to be. An S3 Express session (about five minutes) is renewed the
//! same way, by `CreateSession` in botocore's windows (45 s, 10 s), over
//! keys that are themselves refreshed when temporary. A failed refresh keeps
//! the credentials while they work; once they have expired the batch stops
//! with the reason. With `--at` (an instant chosen by the user) or
//! long-term keys, the batch never changes its signer.
//!
//! Workers look here once per chunk (a clock reading and an uncontended
//! read lock, plus the session cache's lookup for S3 Express), never per
//! line.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use presign::Credentials;
use presign_config::ResolvedCredentials;
use presign_credentials::CredentialsProvider;

use super::line::LineContext;
use crate::resolve::ExpressSource;

/// Where newer credentials come from during a batch.
pub(crate) enum Renewal<'a> {
    /// Temporary keys, refreshed before they expire.
    Keys(CredentialsProvider),
    /// An S3 Express session, asked for again before it ends.
    Express(ExpressRenewal<'a>),
}

/// An S3 Express directory bucket's sessions over the batch.
pub(crate) struct ExpressRenewal<'a> {
    /// The session cache and the keys the first session was made with.
    pub(crate) source: &'a ExpressSource,
    pub(crate) bucket: &'a str,
    /// The keys under the session, refreshed when they are temporary;
    /// `None`: `source.base` for the whole batch.
    pub(crate) base: Option<CredentialsProvider>,
}

impl ExpressRenewal<'_> {
    fn base(&self, now: SystemTime) -> Result<Credentials, String> {
        match &self.base {
            Some(provider) => provider
                .credentials(now)
                .map(|keys| keys.to_credentials())
                .map_err(|error| error.to_string()),
            None => Ok(self.source.base.to_credentials()),
        }
    }
}

/// Which credentials a context signs with: the provider's keys (the same
/// allocation while they are not refreshed), or one S3 Express session
/// (its key id and end; each `CreateSession` gives a new key id).
enum Held {
    Keys(Arc<ResolvedCredentials>),
    Session {
        access_key_id: String,
        expires_at: SystemTime,
    },
}

/// The credentials to sign with at an instant.
enum Fresh {
    Keys(Arc<ResolvedCredentials>),
    Session(Credentials, SystemTime),
}

impl Fresh {
    /// Whether these are the credentials `held` names.
    fn is(&self, held: &Held) -> bool {
        match (self, held) {
            (Self::Keys(fresh), Held::Keys(held)) => Arc::ptr_eq(fresh, held),
            (
                Self::Session(fresh, ends),
                Held::Session {
                    access_key_id,
                    expires_at,
                },
            ) => fresh.access_key_id() == access_key_id && ends == expires_at,
            _ => false,
        }
    }

    fn credentials(&self) -> Credentials {
        match self {
            Self::Keys(keys) => keys.to_credentials(),
            Self::Session(credentials, _) => credentials.clone(),
        }
    }

    fn into_held(self) -> Held {
        match self {
            Self::Keys(keys) => Held::Keys(keys),
            Self::Session(credentials, expires_at) => Held::Session {
                access_key_id: credentials.access_key_id().to_owned(),
                expires_at,
            },
        }
    }
}

impl Renewal<'_> {
    /// The credentials to sign with at `now`, refreshed first if due.
    fn fresh(&self, now: SystemTime) -> Result<Fresh, String> {
        match self {
            Self::Keys(provider) => provider
                .credentials(now)
                .map(Fresh::Keys)
                .map_err(|error| error.to_string()),
            Self::Express(express) => {
                let base = express.base(now)?;
                let (credentials, expires_at) = express
                    .source
                    .sessions
                    .session_for(
                        express.bucket,
                        &express.source.endpoint,
                        &express.source.region,
                        &base,
                        now,
                    )
                    .map_err(|error| error.to_string())?;
                Ok(Fresh::Session(credentials, expires_at))
            }
        }
    }

    /// Which credentials the batch starts with, without refreshing.
    fn current(&self, now: SystemTime) -> Option<Held> {
        match self {
            Self::Keys(provider) => provider.current(now).map(Held::Keys),
            Self::Express(express) => {
                let base = express.base(now).ok()?;
                let (credentials, expires_at) = express.source.sessions.fresh_session(
                    express.bucket,
                    &express.source.endpoint,
                    &base,
                    now,
                )?;
                Some(Fresh::Session(credentials, expires_at).into_held())
            }
        }
    }
}

/// The context in use and the credentials it signs with.
struct Current<'a> {
    held: Option<Held>,
    context: Arc<LineContext<'a>>,
}

/// The signing context of a batch, renewed when its credentials are.
pub(crate) struct Contexts<'a> {
    current: RwLock<Current<'a>>,
    /// `None`: the credentials never change during the batch.
    renewal: Option<Renewal<'a>>,
}

impl<'a> Contexts<'a> {
    /// Starts with `first`, signing with what `renewal` holds now (when
    /// the batch renews its credentials).
    pub(crate) fn new(
        first: LineContext<'a>,
        renewal: Option<Renewal<'a>>,
        now: SystemTime,
    ) -> Self {
        let held = renewal.as_ref().and_then(|renewal| renewal.current(now));
        Self {
            current: RwLock::new(Current {
                held,
                context: Arc::new(first),
            }),
            renewal,
        }
    }

    /// The context to sign a chunk with at `now`: the current one, or one
    /// over renewed credentials as of `now`.
    ///
    /// # Errors
    /// Why there are no credentials that work at `now` (expired, and the
    /// refresh failed), or why the new ones cannot sign.
    pub(crate) fn at(&self, now: SystemTime) -> Result<Arc<LineContext<'a>>, String> {
        let Some(renewal) = &self.renewal else {
            let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
            return Ok(Arc::clone(&current.context));
        };
        let fresh = renewal.fresh(now)?;
        let context = {
            let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
            if current.held.as_ref().is_some_and(|held| fresh.is(held)) {
                return Ok(Arc::clone(&current.context));
            }
            Arc::clone(&current.context)
        };
        let renewed = context
            .renewed(fresh.credentials(), now)
            .map_err(|error| error.to_string())?;
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        // Another worker may have renewed it first: keep one context per
        // credentials.
        if !current.held.as_ref().is_some_and(|held| fresh.is(held)) {
            *current = Current {
                held: Some(fresh.into_held()),
                context: Arc::new(renewed),
            };
        }
        Ok(Arc::clone(&current.context))
    }
}
