//! S3 Express One Zone sessions: `CreateSession` called on a directory
//! bucket's zonal endpoint with the IAM credentials, and the session kept
//! per bucket until it nears its expiry, as botocore's
//! `S3ExpressIdentityCache` does (the call and the timing are in
//! [`presign_config::sources`]'s `express` module).
//!
//! Shared by every thread that signs (`presign serve`): the table of
//! buckets is locked only to find or add a bucket's slot; each bucket has
//! its own refresh lock, so a slow `CreateSession` for one bucket never
//! holds callers for another. The table is bounded (bucket names may come
//! from the public): past its capacity the least recently used bucket is
//! dropped, and a bucket whose first call failed is not kept at all.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock, TryLockError};
use std::time::{Duration, SystemTime};

use presign::{AnswerError, CreateSessionResult, Credentials, S3Error};
use presign_config::Freshness;
use presign_config::sources::{
    EXPRESS_SESSION_CAPACITY, MAX_BUCKET_NAME_LEN, create_session_call, create_session_hint,
    express_session_freshness, shorten,
};

use crate::bounded_http::{Exchange, exchange};
use crate::error::CredentialsError;
use crate::fetch::Fetcher;
use crate::provider::rfc3339;

/// How long each phase of a `CreateSession` call may take (connect, answer,
/// body): botocore's `connect_timeout` and `read_timeout`, 60 s.
pub const CREATE_SESSION_TIMEOUT: Duration = Duration::from_secs(60);

/// S3 Express sessions, per bucket, fetched and refreshed as botocore does.
///
/// # Example
/// ```no_run
/// use std::time::SystemTime;
/// use presign::Credentials;
/// use presign_config::{Environment, TransportOverrides, resolve_transport};
/// use presign_credentials::{ExpressSessions, Fetcher};
///
/// let env = Environment::from_vars(Vec::<(String, String)>::new(), None);
/// let sessions = ExpressSessions::new(Fetcher::new(resolve_transport(&TransportOverrides::default(), &env)?));
/// let iam = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let session = sessions.credentials_for(
///     "mybucket--usw2-az1--x-s3",
///     "https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
///     "us-west-2",
///     &iam,
///     SystemTime::now(),
/// )?;
/// assert!(session.session_token().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ExpressSessions {
    fetcher: Fetcher,
    timeout: Duration,
    capacity: usize,
    table: Mutex<Table>,
}

/// Which session: a bucket, where it was reached, and whose IAM keys made
/// it (a session belongs to the identity that created it).
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    bucket: String,
    bucket_url: String,
    access_key_id: String,
}

#[derive(Default)]
struct Table {
    slots: HashMap<Key, Slot>,
    /// Counts uses, to find the least recently used slot.
    tick: u64,
}

struct Slot {
    bucket: Arc<Bucket>,
    last_used: u64,
}

/// One bucket's session and its refresh lock.
#[derive(Default)]
struct Bucket {
    session: RwLock<Option<Session>>,
    refreshing: Mutex<()>,
}

#[derive(Clone)]
struct Session {
    credentials: Credentials,
    expires_at: SystemTime,
}

/// One `credentials_for` call's inputs.
struct Call<'a> {
    bucket: &'a str,
    bucket_url: &'a str,
    region: &'a str,
    base: &'a Credentials,
}

impl fmt::Debug for ExpressSessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExpressSessions")
            .field("fetcher", &self.fetcher)
            .field("timeout", &self.timeout)
            .field("capacity", &self.capacity)
            .field("cached_buckets", &self.cached_buckets())
            .finish_non_exhaustive()
    }
}

impl ExpressSessions {
    /// No sessions yet; calls go through `fetcher`'s HTTPS settings (CA
    /// bundle, proxies), each phase within [`CREATE_SESSION_TIMEOUT`], and
    /// up to [`EXPRESS_SESSION_CAPACITY`] buckets are kept.
    #[must_use]
    pub fn new(fetcher: Fetcher) -> Self {
        Self {
            fetcher,
            timeout: CREATE_SESSION_TIMEOUT,
            capacity: EXPRESS_SESSION_CAPACITY,
            table: Mutex::new(Table::default()),
        }
    }

    /// The same, with each phase of a call (connect, answer, body) within
    /// `timeout`.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The same, keeping at most `capacity` buckets' sessions (at least
    /// one).
    #[must_use]
    pub fn with_capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// How many buckets' sessions are kept now.
    #[must_use]
    pub fn cached_buckets(&self) -> usize {
        self.table().slots.len()
    }

    /// The session credentials (access key, secret, session token) for
    /// `bucket`, reached at `bucket_url`, made with the IAM credentials
    /// `base` in `region`: the kept session while it has more than 45 s
    /// left; else a new one from `CreateSession`. Between 45 s and 10 s
    /// before expiry one caller refreshes while the others use the kept
    /// session, which also stays in use when that refresh fails; inside
    /// 10 s every caller waits for the refresh and gets its error.
    ///
    /// `bucket_url` is the bucket's URL as the endpoint rules give it (see
    /// [`presign_config::sources::create_session_call`]). `now` is the
    /// clock's reading: it signs the call and times the session.
    ///
    /// # Errors
    /// [`CredentialsError::ExpressBucket`] for a name over 63 characters;
    /// [`CredentialsError::ExpressUnreachable`] when the call cannot be made
    /// or is not answered in time; [`CredentialsError::ExpressRefused`]
    /// with S3's code (`AccessDenied`, `NoSuchBucket`, …);
    /// [`CredentialsError::ExpressAnswer`] for an answer that is not a
    /// session, or a session that has already expired. Each names the
    /// bucket and the endpoint, never a secret.
    pub fn credentials_for(
        &self,
        bucket: &str,
        bucket_url: &str,
        region: &str,
        base: &Credentials,
        now: SystemTime,
    ) -> Result<Credentials, CredentialsError> {
        self.session_for(bucket, bucket_url, region, base, now)
            .map(|(credentials, _)| credentials)
    }

    /// [`Self::credentials_for`], with when the session expires: a URL
    /// signed with the session stops working then, so a caller that
    /// promises an expiry clamps it to this.
    ///
    /// # Errors
    /// As [`Self::credentials_for`].
    pub fn session_for(
        &self,
        bucket: &str,
        bucket_url: &str,
        region: &str,
        base: &Credentials,
        now: SystemTime,
    ) -> Result<(Credentials, SystemTime), CredentialsError> {
        let length = bucket.chars().count();
        if length > MAX_BUCKET_NAME_LEN {
            return Err(CredentialsError::ExpressBucket {
                bucket: bucket.chars().take(MAX_BUCKET_NAME_LEN).collect::<String>() + "…",
                length,
            });
        }
        let call = Call {
            bucket,
            bucket_url,
            region,
            base,
        };
        let key = Key {
            bucket: bucket.to_owned(),
            bucket_url: bucket_url.to_owned(),
            access_key_id: base.access_key_id().to_owned(),
        };
        let slot = self.slot(&key);
        let result = self.session_of(&slot, &call, now);
        if result.is_err() && slot.held().is_none() {
            self.forget(&key, &slot);
        }
        result.map(|session| (session.credentials, session.expires_at))
    }

    /// The kept session for `bucket` at `bucket_url` made with `base`'s
    /// key, and its expiry, when it is fresh at `now` (more than 45 s
    /// left): what [`Self::session_for`] would answer without a call.
    /// Never calls `CreateSession` and never waits for one, so an async
    /// caller can try it before moving to a blocking thread.
    #[must_use]
    pub fn fresh_session(
        &self,
        bucket: &str,
        bucket_url: &str,
        base: &Credentials,
        now: SystemTime,
    ) -> Option<(Credentials, SystemTime)> {
        let key = Key {
            bucket: bucket.to_owned(),
            bucket_url: bucket_url.to_owned(),
            access_key_id: base.access_key_id().to_owned(),
        };
        let slot = Arc::clone(&self.table().slots.get(&key)?.bucket);
        let session = slot.held()?;
        (express_session_freshness(session.expires_at, now) == Freshness::Fresh)
            .then_some((session.credentials, session.expires_at))
    }

    fn session_of(
        &self,
        slot: &Bucket,
        call: &Call<'_>,
        now: SystemTime,
    ) -> Result<Session, CredentialsError> {
        let held = slot.held();
        let state = held.as_ref().map_or(Freshness::Expired, |session| {
            express_session_freshness(session.expires_at, now)
        });
        match (state, held) {
            (Freshness::Fresh, Some(session)) => Ok(session),
            (Freshness::Advisory, Some(session)) => {
                let guard = match slot.refreshing.try_lock() {
                    Ok(guard) => guard,
                    Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                    // Another caller is refreshing; this session still works.
                    Err(TryLockError::WouldBlock) => return Ok(session),
                };
                let refreshed = self.refresh(slot, call, now);
                drop(guard);
                // A failed advisory refresh keeps the session (botocore too).
                Ok(refreshed.unwrap_or(session))
            }
            _ => {
                let guard = slot
                    .refreshing
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                // Another caller may have refreshed while this one waited.
                if let Some(latest) = slot.held()
                    && matches!(
                        express_session_freshness(latest.expires_at, now),
                        Freshness::Fresh | Freshness::Advisory
                    )
                {
                    return Ok(latest);
                }
                let refreshed = self.refresh(slot, call, now);
                drop(guard);
                refreshed
            }
        }
    }

    /// Calls `CreateSession` and keeps its session.
    fn refresh(
        &self,
        slot: &Bucket,
        call: &Call<'_>,
        now: SystemTime,
    ) -> Result<Session, CredentialsError> {
        let session = self.create_session(call, now)?;
        if session.expiration <= now {
            return Err(CredentialsError::ExpressAnswer {
                bucket: call.bucket.to_owned(),
                endpoint: call.bucket_url.to_owned(),
                problem: format!(
                    "the session it gave expired at {}, before now ({}); is this computer's clock right?",
                    rfc3339(session.expiration),
                    rfc3339(now)
                ),
            });
        }
        let kept = Session {
            credentials: session.credentials,
            expires_at: session.expiration,
        };
        *slot.session.write().unwrap_or_else(PoisonError::into_inner) = Some(kept.clone());
        Ok(kept)
    }

    /// One `CreateSession` call and its answer.
    fn create_session(
        &self,
        call: &Call<'_>,
        now: SystemTime,
    ) -> Result<CreateSessionResult, CredentialsError> {
        let unreachable = |message: String| CredentialsError::ExpressUnreachable {
            bucket: call.bucket.to_owned(),
            endpoint: call.bucket_url.to_owned(),
            message,
        };
        let signed =
            create_session_call(call.bucket_url, call.region, call.base, now).map_err(|error| {
                CredentialsError::ExpressUnreachable {
                    bucket: call.bucket.to_owned(),
                    // The URL is not shown: it may be what the error is about.
                    endpoint: "the bucket's URL".to_owned(),
                    message: error.to_string(),
                }
            })?;
        let http = self.fetcher.http()?;
        let (status, body) = exchange(http, "GET", signed.url(), &signed.headers(), self.timeout)
            .map_err(|error| match error {
            Exchange::NoAnswer { cause, .. } => unreachable(cause),
            Exchange::TooLarge => unreachable("its answer is larger than 1 MiB".to_owned()),
        })?;
        read_answer(call, status, &body)
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The bucket's slot, made if new (dropping the least recently used
    /// one when full), marked as used now.
    fn slot(&self, key: &Key) -> Arc<Bucket> {
        let mut table = self.table();
        table.tick += 1;
        let tick = table.tick;
        if let Some(slot) = table.slots.get_mut(key) {
            slot.last_used = tick;
            return Arc::clone(&slot.bucket);
        }
        while table.slots.len() >= self.capacity {
            let oldest = table
                .slots
                .iter()
                .min_by_key(|(_, slot)| slot.last_used)
                .map(|(key, _)| key.clone());
            match oldest {
                Some(oldest) => table.slots.remove(&oldest),
                None => break,
            };
        }
        let bucket = Arc::new(Bucket::default());
        table.slots.insert(
            key.clone(),
            Slot {
                bucket: Arc::clone(&bucket),
                last_used: tick,
            },
        );
        bucket
    }

    /// Drops `key`'s slot if it is still `bucket` (a bucket whose first
    /// call failed is not kept).
    fn forget(&self, key: &Key, bucket: &Arc<Bucket>) {
        let mut table = self.table();
        if table
            .slots
            .get(key)
            .is_some_and(|slot| Arc::ptr_eq(&slot.bucket, bucket))
        {
            table.slots.remove(key);
        }
    }
}

impl Bucket {
    fn held(&self) -> Option<Session> {
        self.session
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The session in a `CreateSession` answer, or why there is none.
fn read_answer(
    call: &Call<'_>,
    status: u16,
    body: &[u8],
) -> Result<CreateSessionResult, CredentialsError> {
    let bad = |problem: String| CredentialsError::ExpressAnswer {
        bucket: call.bucket.to_owned(),
        endpoint: call.bucket_url.to_owned(),
        problem: format!("its answer (HTTP {status}) {problem}"),
    };
    let refused = |error: &S3Error| CredentialsError::ExpressRefused {
        bucket: call.bucket.to_owned(),
        endpoint: call.bucket_url.to_owned(),
        status,
        code: shorten(error.code.as_deref().unwrap_or("(no code)").trim(), 100),
        message: shorten(error.message.as_deref().unwrap_or("").trim(), 200),
        hint: error.code.as_deref().and_then(create_session_hint),
    };
    let text = std::str::from_utf8(body).map_err(|_| bad("is not UTF-8 text".to_owned()))?;
    if !(200..300).contains(&status) {
        return Err(match S3Error::parse(text) {
            Ok(error) => refused(&error),
            Err(_) => bad("is not an S3 <Error> document".to_owned()),
        });
    }
    CreateSessionResult::parse(text).map_err(|error| match error {
        AnswerError::Service(error) => refused(&error),
        other => bad(format!("is not a session: {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> Call<'static> {
        static BASE: std::sync::OnceLock<Credentials> = std::sync::OnceLock::new();
        Call {
            bucket: "b--usw2-az1--x-s3",
            bucket_url: "http://127.0.0.1:1/b--usw2-az1--x-s3",
            region: "us-west-2",
            base: BASE.get_or_init(|| Credentials::new("AKID", "secret")),
        }
    }

    #[test]
    fn an_error_answer_names_the_bucket_endpoint_code_and_a_hint() {
        let error = read_answer(
            &call(),
            403,
            b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with(
                "S3 Express refused a session for bucket b--usw2-az1--x-s3 at \
                 http://127.0.0.1:1/b--usw2-az1--x-s3 (HTTP 403): AccessDenied: Access Denied; \
                 the credentials need s3express:CreateSession"
            ),
            "{message}"
        );
    }

    #[test]
    fn an_error_document_with_status_200_is_a_refusal_too() {
        let error =
            read_answer(&call(), 200, b"<Error><Code>InternalError</Code></Error>").unwrap_err();
        assert!(
            matches!(&error, CredentialsError::ExpressRefused { code, hint: None, .. } if code == "InternalError"),
            "{error}"
        );
    }

    #[test]
    fn a_non_s3_answer_says_so_without_its_body() {
        let error = read_answer(&call(), 502, b"<html>SECRET-ish proxy page</html>").unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("(HTTP 502) is not an S3 <Error> document"),
            "{message}"
        );
        assert!(!message.contains("proxy page"), "{message}");
        let error = read_answer(&call(), 200, b"<CreateSessionResult/>").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("<CreateSessionResult> has no <Credentials>"),
            "{error}"
        );
    }
}
