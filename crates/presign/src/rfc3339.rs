//! Instants as RFC 3339 text (`2013-05-24T00:00:00Z`), the one formatter
//! every shell uses for the times it shows: expiries, signing times, clocks,
//! credential and token expirations, audit records.
//!
//! Whole seconds, UTC, `Z`: the precision of `X-Amz-Date`, so a time shown
//! beside a URL's signing time never disagrees with it by a fraction. A
//! fraction of a second is dropped (truncated towards the past, as
//! `X-Amz-Date` drops it), never rounded up into the next second.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::amz_date::civil_from_days;

/// Seconds from 0000-01-01T00:00:00Z to 1970-01-01T00:00:00Z.
const YEAR_0_TO_1970: i128 = 62_167_219_200;

/// Seconds from 1970-01-01T00:00:00Z to 10000-01-01T00:00:00Z.
const END_OF_YEAR_9999: i128 = 253_402_300_800;

/// Days in 400 Gregorian years: adding whole eras keeps the day count
/// non-negative for [`civil_from_days`] without changing month or day.
const DAYS_PER_ERA: i128 = 146_097;

/// `time` as RFC 3339 in UTC to the second: `YYYY-MM-DDTHH:MM:SSZ`.
///
/// A fraction of a second is dropped (`12:00:00.9` is `12:00:00`; before
/// 1970 too, so `-0.5 s` is `1969-12-31T23:59:59Z`). Years 0000 to 9999 are
/// written; an instant outside them, which has no four-digit year, is
/// written as the number of seconds from 1970 instead:
/// `253402300800 s after 1970 (past the year 9999)` or
/// `62167219201 s before 1970 (before the year 0000)`.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let time = UNIX_EPOCH + Duration::from_millis(1_369_353_600_999);
/// assert_eq!(presign::rfc3339(time), "2013-05-24T00:00:00Z");
/// let before = UNIX_EPOCH - Duration::from_secs(1);
/// assert_eq!(presign::rfc3339(before), "1969-12-31T23:59:59Z");
/// ```
#[must_use]
pub fn rfc3339(time: SystemTime) -> String {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::from(after.as_secs()),
        // Towards the past: a fraction before a whole second belongs to the
        // second before it.
        Err(before) => {
            let before = before.duration();
            -i128::from(before.as_secs()) - i128::from(before.subsec_nanos() > 0)
        }
    };
    rfc3339_unix(seconds)
}

/// [`rfc3339`] of `seconds` after (or, negative, before) 1970-01-01T00:00:00Z.
pub(crate) fn rfc3339_unix(seconds: i128) -> String {
    if seconds >= END_OF_YEAR_9999 {
        return format!("{seconds} s after 1970 (past the year 9999)");
    }
    if seconds < -YEAR_0_TO_1970 {
        return format!("{} s before 1970 (before the year 0000)", -seconds);
    }
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    // Five eras (2000 years) on, then back: civil_from_days counts from 1970.
    let shifted = u64::try_from(days + 5 * DAYS_PER_ERA).unwrap_or_default();
    let (year, month, day) = civil_from_days(shifted);
    format!(
        "{:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        year.saturating_sub(2000),
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::AmzDate;

    fn at(seconds: i64) -> SystemTime {
        if seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
        }
    }

    #[test]
    fn agrees_with_amz_date_over_its_whole_range() {
        for seconds in (0..END_OF_YEAR_9999).step_by(7_777_777).chain([
            0,
            951_782_400, // 2000-02-29
            END_OF_YEAR_9999 - 1,
        ]) {
            let unix = u64::try_from(seconds).unwrap();
            let date = AmzDate::from_unix_seconds(unix).unwrap();
            assert_eq!(rfc3339_unix(seconds), date.to_rfc3339(), "{seconds}");
        }
    }

    #[test]
    fn writes_instants_before_1970() {
        assert_eq!(rfc3339(at(-1)), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(at(-86_400 * 365)), "1969-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_millis(500)),
            "1969-12-31T23:59:59Z"
        );
        assert_eq!(rfc3339_unix(-YEAR_0_TO_1970), "0000-01-01T00:00:00Z");
        // 1900 is not a leap year; 2000 and 0000 are.
        assert_eq!(rfc3339_unix(-2_203_891_200), "1900-03-01T00:00:00Z");
        assert_eq!(
            rfc3339_unix(-YEAR_0_TO_1970 + 59 * 86_400),
            "0000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn drops_fractions_instead_of_rounding() {
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_millis(1_369_353_600_999)),
            "2013-05-24T00:00:00Z"
        );
    }

    #[test]
    fn says_how_far_an_instant_without_a_four_digit_year_is() {
        assert_eq!(
            rfc3339_unix(END_OF_YEAR_9999),
            "253402300800 s after 1970 (past the year 9999)"
        );
        assert_eq!(
            rfc3339_unix(i128::from(u64::MAX)),
            "18446744073709551615 s after 1970 (past the year 9999)"
        );
        assert_eq!(
            rfc3339_unix(-YEAR_0_TO_1970 - 1),
            "62167219201 s before 1970 (before the year 0000)"
        );
    }
}
