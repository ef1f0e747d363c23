//! Trying a request again: which failures are worth it (a dropped or reset
//! connection, a timeout, a 5xx answer; never a 4xx, which would be refused
//! again) and how long to wait (exponential back-off with jitter, so that
//! parallel parts do not retry in lockstep).

use std::io;
use std::time::Duration;

/// The first wait; each retry doubles it.
const FIRST_DELAY: Duration = Duration::from_millis(500);
/// The longest wait between two tries.
const MAX_DELAY: Duration = Duration::from_secs(8);

/// How often to try again after a retryable failure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// Retries after the first try (`--retries`).
    pub(crate) retries: u32,
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 for the first): 0.5 s, 1 s,
    /// 2 s, ... up to 8 s, each between 75% and 100% of that (jitter).
    fn delay(retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let full = FIRST_DELAY.saturating_mul(1 << exponent).min(MAX_DELAY);
        full.mul_f64(1.0 - 0.25 * jitter())
    }

    /// Whether a failure after try number `tries` (1 for the first) may be
    /// tried again.
    pub(crate) fn allows(self, tries: u32, retryable: bool) -> bool {
        retryable && tries <= self.retries
    }

    /// The wait after the failed try number `tries` (1 for the first), and
    /// the note that announces it: `{failure}; retrying in 0.5 s (1 of 3
    /// retries)`. Every transfer says it the same way.
    pub(crate) fn next_try(self, tries: u32, failure: &str) -> (Duration, String) {
        let delay = Self::delay(tries);
        let note = format!(
            "{failure}; retrying in {:.1} s ({tries} of {} retries)",
            delay.as_secs_f64(),
            self.retries
        );
        (delay, note)
    }
}

/// A number in 0..1 that differs between calls and processes (no need for a
/// good random generator: it only spreads retries apart).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, RandomState};
    let bits = RandomState::new().hash_one(std::time::SystemTime::now());
    // 53 bits fill an f64's mantissa exactly.
    #[allow(clippy::cast_precision_loss)]
    let fraction = (bits >> 11) as f64 / (1_u64 << 53) as f64;
    fraction
}

/// Whether an HTTP status is worth retrying: 5xx (the server's trouble, often
/// passing: S3's 503 SlowDown, a 500 InternalError), never 4xx.
pub(crate) fn status_is_retryable(status: u16) -> bool {
    (500..=599).contains(&status)
}

/// Whether a failed exchange (no answer, or a broken one) is worth
/// retrying: connection refused, reset or dropped, and timeouts. A bad URL,
/// an unknown host or a TLS failure would fail the same way again.
pub(crate) fn error_is_retryable(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::Io(io) => io_is_retryable(io),
        ureq::Error::Timeout(_)
        | ureq::Error::ConnectionFailed
        | ureq::Error::BodyStalled
        | ureq::Error::Protocol(_) => true,
        _ => false,
    }
}

/// [`error_is_retryable`] for the `io::Error` a body reader returns (which
/// may wrap a `ureq::Error`).
pub(crate) fn io_is_retryable(error: &io::Error) -> bool {
    if let Some(inner) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ureq::Error>())
    {
        return error_is_retryable(inner);
    }
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::NotConnected
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::TimedOut
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::Interrupted
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_eight_seconds_with_some_jitter() {
        for (retry, full) in [
            (1, 500),
            (2, 1000),
            (3, 2000),
            (4, 4000),
            (5, 8000),
            (40, 8000),
        ] {
            let delay = RetryPolicy::delay(retry).as_millis();
            assert!(delay <= full && delay >= full * 3 / 4, "{retry}: {delay}");
        }
    }

    #[test]
    fn the_next_try_is_announced_with_its_wait_and_the_retries_left() {
        let (delay, note) = RetryPolicy { retries: 3 }.next_try(2, "HTTP 503 Service Unavailable");
        let shown = format!("{:.1}", delay.as_secs_f64());
        assert!(delay >= Duration::from_millis(750) && delay <= Duration::from_secs(1));
        assert_eq!(
            note,
            format!("HTTP 503 Service Unavailable; retrying in {shown} s (2 of 3 retries)")
        );
    }

    #[test]
    fn only_5xx_and_broken_connections_are_retried() {
        assert!(status_is_retryable(500) && status_is_retryable(503));
        assert!(
            !status_is_retryable(403) && !status_is_retryable(404) && !status_is_retryable(200)
        );
        assert!(io_is_retryable(&io::Error::from(
            io::ErrorKind::ConnectionReset
        )));
        assert!(!io_is_retryable(&io::Error::from(
            io::ErrorKind::PermissionDenied
        )));
        assert!(error_is_retryable(&ureq::Error::ConnectionFailed));
        assert!(!error_is_retryable(&ureq::Error::HostNotFound));
        let policy = RetryPolicy { retries: 2 };
        assert!(policy.allows(1, true) && policy.allows(2, true));
        assert!(!policy.allows(3, true) && !policy.allows(1, false));
    }
}
