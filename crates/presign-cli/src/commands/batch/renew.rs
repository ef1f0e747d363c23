//! The credentials of a long batch kept current. A batch signs as of one
//! instant with the credentials fetched at its start; when they are
//! temporary and the input takes long enough that they come near their end
//! (botocore's advisory window, narrowed for short lives), they are
//! refreshed and the following chunks are signed as of that moment with the
//! new ones, so that no URL comes out signed by a session that is over or
//! about to be. A failed refresh keeps the credentials while they work;
//! once they have expired the batch stops with the reason. With `--at` (an
//! instant chosen by the user) or long-term keys, the batch never changes
//! its signer.
//!
//! Workers look here once per chunk (a clock reading and an uncontended
//! read lock), never per line.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::SystemTime;

use presign_config::ResolvedCredentials;
use presign_credentials::CredentialsProvider;

use super::line::LineContext;

/// The context in use and the keys it signs with.
struct Current<'a> {
    keys: Option<Arc<ResolvedCredentials>>,
    context: Arc<LineContext<'a>>,
}

/// The signing context of a batch, renewed when its credentials are.
pub(crate) struct Contexts<'a> {
    current: RwLock<Current<'a>>,
    /// `None`: the credentials never change during the batch.
    provider: Option<CredentialsProvider>,
}

impl<'a> Contexts<'a> {
    /// Starts with `first`, signing with the keys `provider` holds (when
    /// the batch refreshes its credentials).
    pub(crate) fn new(
        first: LineContext<'a>,
        provider: Option<CredentialsProvider>,
        now: SystemTime,
    ) -> Self {
        let keys = provider.as_ref().and_then(|provider| provider.current(now));
        Self {
            current: RwLock::new(Current {
                keys,
                context: Arc::new(first),
            }),
            provider,
        }
    }

    /// The context to sign a chunk with at `now`: the current one, or one
    /// over refreshed credentials as of `now`.
    ///
    /// # Errors
    /// Why there are no credentials that work at `now` (expired, and the
    /// refresh failed), or why the new ones cannot sign.
    pub(crate) fn at(&self, now: SystemTime) -> Result<Arc<LineContext<'a>>, String> {
        let (held, context) = {
            let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
            (current.keys.clone(), Arc::clone(&current.context))
        };
        let Some(provider) = &self.provider else {
            return Ok(context);
        };
        let keys = provider
            .credentials(now)
            .map_err(|error| error.to_string())?;
        if held.is_some_and(|held| Arc::ptr_eq(&held, &keys)) {
            return Ok(context);
        }
        let renewed = context
            .renewed(keys.to_credentials(), now)
            .map_err(|error| error.to_string())?;
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        // Another worker may have renewed it first: keep one context per keys.
        if !current
            .keys
            .as_ref()
            .is_some_and(|held| Arc::ptr_eq(held, &keys))
        {
            *current = Current {
                keys: Some(keys),
                context: Arc::new(renewed),
            };
        }
        Ok(Arc::clone(&current.context))
    }
}
