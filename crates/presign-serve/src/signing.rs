//! The storage credentials the service signs with, kept current: temporary
//! credentials (an assumed role, SSO, a container or instance role, a
//! `credential_process`) are refreshed by a background thread before they
//! expire, so that a request never waits for STS; a request finds either
//! credentials that work now or a clear 503.
//!
//! The refresher never hammers a source that is down: after a failed
//! attempt it waits a second, then twice as long after each further
//! failure, up to [`MAX_PAUSE`]; while the old credentials still work it
//! tries at least twice more before they expire. It ends as soon as the
//! service drops its [`Signing`].

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, PoisonError, RwLock, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presign::{PresignRequest, Signer, rfc3339};
use presign_config::{CredentialSource, ResolvedCredentials, TransportConfig};
use presign_credentials::{CredentialsProvider, Fetcher};

use crate::error::ApiError;

/// The shortest pause of the refresher between two attempts.
const MIN_PAUSE: Duration = Duration::from_millis(500);
/// The pause after the first failed attempt, doubled after each further one.
const RETRY_PAUSE: Duration = Duration::from_secs(1);
/// The longest: a failed refresh is retried at least this often, so the
/// service recovers within this long once its source is back.
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// A signer over the credentials of one instant, and when they expire.
#[derive(Debug)]
pub(crate) struct CurrentSigner {
    /// The core's signer over the credentials.
    pub(crate) signer: Signer,
    /// When the credentials stop working (`None`: long-term keys).
    pub(crate) expires_at: Option<SystemTime>,
}

impl CurrentSigner {
    /// One URL for `request` as of `now`, with the core's [`Signer`]: the
    /// URL and when it stops working, its expiry shortened to what the
    /// credentials (or the S3 Express session) have left.
    pub(crate) fn sign(
        &self,
        request: &PresignRequest,
        now: SystemTime,
    ) -> Result<(String, SystemTime), ApiError> {
        let expiry = self.clamp_expiry(now, request.expiry())?;
        let url = if expiry == request.expiry() {
            self.signer.sign(request, now)
        } else {
            self.signer.sign(&request.clone().expires_in(expiry), now)
        }
        .map_err(|e| ApiError::from_presign(&e))?;
        // X-Amz-Date has whole seconds: the URL expires counted from there.
        Ok((url, whole_second(now) + expiry))
    }

    /// `expiry` from `now`, shortened to what the credentials have left: a
    /// URL stops working when the session that signed it ends, so the
    /// service never promises longer (`expires_at` in answers is the truth).
    /// Counted, as the URL's expiry is, from `now` in whole seconds.
    ///
    /// # Errors
    /// 503 when less than a second is left: no URL can be that short.
    pub(crate) fn clamp_expiry(
        &self,
        now: SystemTime,
        expiry: Duration,
    ) -> Result<Duration, ApiError> {
        let Some(expires_at) = self.expires_at else {
            return Ok(expiry);
        };
        let left = expires_at
            .duration_since(whole_second(now))
            .unwrap_or(Duration::ZERO);
        match Duration::from_secs(left.as_secs()) {
            Duration::ZERO => Err(Signing::expired()),
            left => Ok(expiry.min(left)),
        }
    }
}

/// `now` without its fraction of a second, as `X-Amz-Date` has it.
fn whole_second(now: SystemTime) -> SystemTime {
    now.duration_since(UNIX_EPOCH).map_or(now, |since| {
        UNIX_EPOCH + Duration::from_secs(since.as_secs())
    })
}

/// The signer in use, replaced whole when the credentials rotate.
#[derive(Debug)]
pub(crate) struct Signing {
    current: RwLock<Arc<CurrentSigner>>,
    /// Where the credentials come from, for the log (never an answer).
    source: String,
    /// Dropped with the service, which wakes the refresher to end.
    _stop: Sender<()>,
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
        let (stop, stopped) = channel();
        let signing = Arc::new(Self {
            current: RwLock::new(Arc::new(signer_for(&keys)?)),
            source: keys.source.clone(),
            _stop: stop,
        });
        if let Some(expires_at) = keys.expires_at {
            let weak = Arc::downgrade(&signing);
            std::thread::Builder::new()
                .name("presign-credentials".to_owned())
                .spawn(move || refresh_loop(&weak, &provider, expires_at, &stopped))
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
            Some(expires_at) if expires_at <= now => Err(Self::expired()),
            _ => Ok(current),
        }
    }

    /// The 503 for credentials that expired (or have less than the shortest
    /// URL's second left) and could not be refreshed. The answer goes to
    /// anonymous browsers too, so it does not name the source (a role ARN
    /// with its account, a token file's path, an internal endpoint): the
    /// refresher's log lines do, with why each refresh failed.
    pub(crate) fn expired() -> ApiError {
        ApiError::unavailable(
            "storage.credentials",
            "the storage credentials expired and could not be refreshed yet; nothing was \
             issued (the service's log says why)",
        )
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
/// installs what it got; a failure is logged and retried with a growing
/// pause ([`next_pause`]), the old credentials kept until they expire. Ends
/// when the service drops its [`Signing`] (the channel `stop` closes).
fn refresh_loop(
    signing: &Weak<Signing>,
    provider: &CredentialsProvider,
    mut expires_at: SystemTime,
    stop: &Receiver<()>,
) {
    let mut failures: u32 = 0;
    loop {
        let pause = next_pause(
            provider.refresh_due(),
            expires_at,
            failures,
            SystemTime::now(),
        );
        if stop.recv_timeout(pause) != Err(RecvTimeoutError::Timeout) {
            return;
        }
        if !refresh_is_due(provider.refresh_due(), failures, SystemTime::now()) {
            continue;
        }
        let Some(signing) = signing.upgrade() else {
            return;
        };
        match provider.refresh_now(SystemTime::now()) {
            Ok(keys) => {
                signing.replace(&keys);
                failures = 0;
                if let Some(at) = keys.expires_at {
                    expires_at = at;
                }
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                tracing::warn!(
                    source = %signing.source,
                    %error,
                    failures,
                    expires_at = %rfc3339(expires_at),
                    "cannot refresh the storage credentials; the ones held are used until they expire"
                );
            }
        }
    }
}

/// Whether the refresher, awake, fetches: after a failure, or once the
/// credentials' advisory window has opened; not when it woke only because
/// a pause is at most [`MAX_PAUSE`] long (credentials that live hours would
/// otherwise be fetched every half minute).
fn refresh_is_due(due: Option<SystemTime>, failures: u32, now: SystemTime) -> bool {
    failures > 0 || due.is_none_or(|due| due <= now)
}

/// How long the refresher waits at `now`: until the advisory window opens
/// (`due`) while refreshes succeed; after `failures` failed attempts in a
/// row, [`RETRY_PAUSE`] doubled per further failure up to [`MAX_PAUSE`],
/// but while the held credentials (expiring at `expires_at`) still work, at
/// most half the time they have left, so a source that comes back in time
/// replaces them before they expire.
fn next_pause(
    due: Option<SystemTime>,
    expires_at: SystemTime,
    failures: u32,
    now: SystemTime,
) -> Duration {
    if failures == 0 {
        return due
            .map_or(MAX_PAUSE, |due| {
                due.duration_since(now).unwrap_or(Duration::ZERO)
            })
            .clamp(MIN_PAUSE, MAX_PAUSE);
    }
    let backoff = RETRY_PAUSE
        .saturating_mul(1 << (failures - 1).min(16))
        .min(MAX_PAUSE);
    match expires_at.duration_since(now) {
        Ok(left) if !left.is_zero() => backoff.min((left / 2).max(RETRY_PAUSE)),
        _ => backoff,
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_000_000 + seconds)
    }

    #[test]
    fn a_refresher_that_succeeds_waits_for_the_advisory_window() {
        assert_eq!(
            next_pause(Some(at(40)), at(60), 0, at(10)),
            Duration::from_secs(30)
        );
        // Never sooner than MIN_PAUSE, never later than MAX_PAUSE.
        assert_eq!(next_pause(Some(at(10)), at(60), 0, at(10)), MIN_PAUSE);
        assert_eq!(next_pause(Some(at(4000)), at(5000), 0, at(10)), MAX_PAUSE);
    }

    #[test]
    fn a_refresher_woken_before_the_window_opens_does_not_fetch() {
        assert!(!refresh_is_due(Some(at(3600)), 0, at(30)));
        assert!(refresh_is_due(Some(at(3600)), 0, at(3600)));
        assert!(
            refresh_is_due(Some(at(3600)), 1, at(30)),
            "a failure is retried"
        );
        assert!(refresh_is_due(None, 0, at(30)), "nothing held yet");
    }

    #[test]
    fn failures_back_off_to_the_longest_pause_once_the_credentials_expired() {
        let pauses: Vec<u64> = (1..=8)
            .map(|failures| next_pause(None, at(0), failures, at(100)).as_secs())
            .collect();
        assert_eq!(pauses, [1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(next_pause(None, at(0), u32::MAX, at(100)), MAX_PAUSE);
    }

    #[test]
    fn failures_retry_before_credentials_that_still_work_expire() {
        // 8 failures would wait 30 s; the credentials have 20 s left.
        assert_eq!(
            next_pause(None, at(120), 8, at(100)),
            Duration::from_secs(10)
        );
        // With a second left, still a second: no hammering at the end.
        assert_eq!(next_pause(None, at(101), 8, at(100)), RETRY_PAUSE);
        assert_eq!(next_pause(None, at(200), 1, at(100)), RETRY_PAUSE);
    }

    /// A `credential_process` handing out keys that live an hour.
    #[cfg(target_os = "linux")]
    fn hour_long_process(dir: &std::path::Path) -> CredentialSource {
        let script = dir.join("creds.sh");
        std::fs::write(
            &script,
            "expires=$(date -u -d \"@$(( $(date +%s) + 3600 ))\" +%Y-%m-%dT%H:%M:%SZ)\n\
             printf '{\"Version\": 1, \"AccessKeyId\": \"ASIAREFRESHER\", \
             \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", \
             \"Expiration\": \"%s\"}' \"$expires\"\n",
        )
        .unwrap();
        CredentialSource::Process(presign_config::ProcessPlan {
            profile: "refresher".to_owned(),
            command: format!("sh {}", script.display()),
            timeout: Duration::from_secs(5),
        })
    }

    #[cfg(target_os = "linux")]
    fn refresher_threads() -> usize {
        std::fs::read_dir("/proc/self/task")
            .unwrap()
            .filter(|task| {
                std::fs::read_to_string(task.as_ref().unwrap().path().join("comm"))
                    // Linux keeps 15 bytes of a thread's name.
                    .is_ok_and(|name| name.trim() == "presign-credent")
            })
            .count()
    }

    /// Without the stop channel the thread would sleep on (30 minutes here,
    /// until the advisory window) before it noticed.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_refresher_ends_as_soon_as_the_service_drops_its_signing() {
        let dir = tempfile::tempdir().unwrap();
        let signing =
            Signing::start(hour_long_process(dir.path()), TransportConfig::default()).unwrap();
        assert!(signing.at(SystemTime::now()).is_ok());
        // The thread names itself once it runs.
        let started = std::time::Instant::now();
        while refresher_threads() == 0 {
            assert!(started.elapsed() < Duration::from_secs(2), "no refresher");
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(signing);
        let dropped = std::time::Instant::now();
        while refresher_threads() > 0 {
            assert!(
                dropped.elapsed() < Duration::from_secs(2),
                "the refresher outlived its service"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
