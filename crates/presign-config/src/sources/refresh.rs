//! When temporary credentials are refreshed: botocore's windows (an
//! advisory refresh 15 minutes before they expire, a mandatory one 10
//! minutes before), narrowed for credentials that live less than half an
//! hour, so that a short-lived session is not refreshed on every use.

use std::time::{Duration, SystemTime};

/// How long before expiry a refresh is tried, failure tolerated.
pub const ADVISORY_REFRESH: Duration = Duration::from_secs(15 * 60);
/// How long before expiry a refresh must succeed before the credentials are
/// used again.
pub const MANDATORY_REFRESH: Duration = Duration::from_secs(10 * 60);

/// How usable credentials are at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Long-term, or far from expiry.
    Fresh,
    /// Inside the advisory window: refresh if nobody else is; keep them if
    /// the refresh fails.
    Advisory,
    /// Inside the mandatory window: refresh before use; keep them only
    /// while they have not expired and a refresh cannot be had.
    Mandatory,
    /// Past their expiry.
    Expired,
}

/// The windows for credentials obtained at `obtained_at` that expire at
/// `expires_at`: botocore's 15 and 10 minutes, or a half and a third of
/// the lifetime when that is shorter.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign_config::{Freshness, freshness};
///
/// let obtained = UNIX_EPOCH + Duration::from_secs(1_000_000);
/// let expires = obtained + Duration::from_secs(3600);
/// assert_eq!(freshness(obtained, Some(expires), obtained), Freshness::Fresh);
/// assert_eq!(freshness(obtained, Some(expires), expires - Duration::from_secs(14 * 60)), Freshness::Advisory);
/// assert_eq!(freshness(obtained, Some(expires), expires - Duration::from_secs(9 * 60)), Freshness::Mandatory);
/// assert_eq!(freshness(obtained, Some(expires), expires), Freshness::Expired);
/// assert_eq!(freshness(obtained, None, expires), Freshness::Fresh);
/// ```
#[must_use]
pub fn freshness(
    obtained_at: SystemTime,
    expires_at: Option<SystemTime>,
    now: SystemTime,
) -> Freshness {
    let Some(expires_at) = expires_at else {
        return Freshness::Fresh;
    };
    let Ok(left) = expires_at.duration_since(now) else {
        return Freshness::Expired;
    };
    if left.is_zero() {
        return Freshness::Expired;
    }
    let (advisory, mandatory) = windows(obtained_at, expires_at);
    if left <= mandatory {
        Freshness::Mandatory
    } else if left <= advisory {
        Freshness::Advisory
    } else {
        Freshness::Fresh
    }
}

/// When the advisory window of credentials obtained at `obtained_at` that
/// expire at `expires_at` opens: the instant a background refresh is due.
#[must_use]
pub fn refresh_due(obtained_at: SystemTime, expires_at: SystemTime) -> SystemTime {
    let (advisory, _) = windows(obtained_at, expires_at);
    expires_at.checked_sub(advisory).unwrap_or(obtained_at)
}

fn windows(obtained_at: SystemTime, expires_at: SystemTime) -> (Duration, Duration) {
    let lifetime = expires_at
        .duration_since(obtained_at)
        .unwrap_or(Duration::ZERO);
    (
        ADVISORY_REFRESH.min(lifetime / 2),
        MANDATORY_REFRESH.min(lifetime / 3),
    )
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn short_lived_credentials_get_proportional_windows() {
        let obtained = UNIX_EPOCH + Duration::from_secs(1_000);
        let expires = obtained + Duration::from_secs(60);
        let at = |seconds| obtained + Duration::from_secs(seconds);
        assert_eq!(freshness(obtained, Some(expires), at(29)), Freshness::Fresh);
        assert_eq!(
            freshness(obtained, Some(expires), at(31)),
            Freshness::Advisory
        );
        assert_eq!(
            freshness(obtained, Some(expires), at(41)),
            Freshness::Mandatory
        );
        assert_eq!(
            freshness(obtained, Some(expires), at(60)),
            Freshness::Expired
        );
        assert_eq!(refresh_due(obtained, expires), at(30));
    }

    #[test]
    fn hour_long_credentials_follow_botocore() {
        let obtained = UNIX_EPOCH + Duration::from_secs(1_000);
        let expires = obtained + Duration::from_secs(3600);
        assert_eq!(refresh_due(obtained, expires), expires - ADVISORY_REFRESH);
        let just_inside = expires - MANDATORY_REFRESH + Duration::from_secs(1);
        assert_eq!(
            freshness(obtained, Some(expires), just_inside),
            Freshness::Mandatory
        );
    }
}
