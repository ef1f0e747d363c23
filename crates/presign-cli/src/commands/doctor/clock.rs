//! This machine's clock against the server's `Date` header.

use std::time::{Duration, SystemTime};

use presign::rfc3339;

use super::report::{Check, Status};
use crate::commands::transfer::human_duration;

pub(crate) const NAME: &str = "clock";
/// Over this, a warning: URLs start or stop working off by as much.
const WARN_OVER: Duration = Duration::from_secs(60);
/// Over this, a failure: servers refuse a signature dated this far off.
const FAIL_OVER: Duration = Duration::from_secs(15 * 60);

/// The server's `Date` header (RFC 7231: `Tue, 02 Jul 2013 14:14:24 GMT`).
pub(crate) fn parse_http_date(text: &str) -> Option<SystemTime> {
    let zoned = jiff::fmt::rfc2822::parse(text.trim()).ok()?;
    Some(SystemTime::from(zoned.timestamp()))
}

/// Compares `server` (the `Date` header) with `local` (what this machine's
/// clock read when the answer came, or `--at`).
pub(crate) fn check(server: Option<&str>, local: SystemTime, at_given: bool) -> Check {
    let Some(text) = server else {
        return Check::new(
            NAME,
            Status::Warn,
            "the server sent no Date header, so the clock could not be compared",
        );
    };
    let Some(server_time) = parse_http_date(text) else {
        return Check::new(
            NAME,
            Status::Warn,
            format!("the server's Date header {text:?} is not an HTTP date"),
        );
    };
    let (offset, direction) = match server_time.duration_since(local) {
        Ok(ahead) => (ahead, "ahead of"),
        Err(behind) => (behind.duration(), "behind"),
    };
    let here = if at_given {
        "this machine's clock (--at)"
    } else {
        "this machine's clock"
    };
    let summary = if offset < Duration::from_secs(1) {
        format!("{here} agrees with the server's Date header")
    } else {
        format!(
            "the server's clock is {} {direction} {here}",
            human_duration(offset)
        )
    };
    let status = if offset > FAIL_OVER {
        Status::Fail
    } else if offset > WARN_OVER {
        Status::Warn
    } else {
        Status::Pass
    };
    let mut check = Check::new(NAME, status, summary)
        .detail("server", rfc3339(server_time))
        .detail("here", rfc3339(local))
        .detail("offset", format!("{} s", offset.as_secs()));
    if status != Status::Pass {
        check = check.with_fix(
            "set this machine's clock right (enable NTP, e.g. `timedatectl set-ntp true`): \
             servers refuse URLs dated more than 15 minutes off, and URLs expire off by the \
             offset",
        );
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn offsets_warn_over_a_minute_and_fail_over_15() {
        let date = "Fri, 24 May 2013 00:00:00 GMT";
        let server = UNIX_EPOCH + Duration::from_secs(1_369_353_600);
        assert_eq!(parse_http_date(date), Some(server));
        let at = |seconds: i64| {
            let offset = Duration::from_secs(seconds.unsigned_abs());
            if seconds >= 0 {
                server + offset
            } else {
                server - offset
            }
        };
        assert_eq!(check(Some(date), at(0), false).status, Status::Pass);
        assert_eq!(check(Some(date), at(59), false).status, Status::Pass);
        let warned = check(Some(date), at(-125), false);
        assert_eq!(warned.status, Status::Warn);
        assert_eq!(
            warned.summary,
            "the server's clock is 2m 5s ahead of this machine's clock"
        );
        let failed = check(Some(date), at(3600), true);
        assert_eq!(failed.status, Status::Fail);
        assert_eq!(
            failed.summary,
            "the server's clock is 1h behind this machine's clock (--at)"
        );
        assert!(failed.fix.is_some());
        assert_eq!(check(None, at(0), false).status, Status::Warn);
    }
}
