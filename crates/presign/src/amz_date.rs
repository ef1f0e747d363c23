//! `X-Amz-Date`: the signing instant as `YYYYMMDDTHHMMSSZ`, in UTC, to the second.
//!
//! One type both formats and parses it, so the signer and the verifier cannot
//! disagree. The calendar arithmetic is the proleptic-Gregorian day count from
//! Howard Hinnant's `civil_from_days`/`days_from_civil`: twenty lines, exact
//! for every year SigV4 can express (1970..=9999), and cheap enough to run once
//! per URL without a date library in the signing core.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::PresignError;

/// Seconds from 1970-01-01T00:00:00Z to 10000-01-01T00:00:00Z: the first instant
/// that no longer fits in four year digits.
const END_OF_YEAR_9999: u64 = 253_402_300_800;

/// A signing instant in UTC, whole seconds, years 1970 to 9999.
///
/// # Example
/// ```
/// use presign::AmzDate;
///
/// let date: AmzDate = "20130524T000000Z".parse()?;
/// assert_eq!(date.date_stamp(), "20130524");
/// assert_eq!(date.to_rfc3339(), "2013-05-24T00:00:00Z");
/// assert_eq!(AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")?, date);
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AmzDate {
    unix_seconds: u64,
    /// `YYYYMMDDTHHMMSSZ`, ASCII.
    text: [u8; 16],
}

impl AmzDate {
    /// The instant `time`, with any fraction of a second dropped (as botocore does).
    ///
    /// # Errors
    /// [`PresignError::TimeOutOfRange`] before 1970 or from the year 10000 on.
    pub fn from_system_time(time: SystemTime) -> Result<Self, PresignError> {
        let seconds = time
            .duration_since(UNIX_EPOCH)
            .map_err(|_| PresignError::TimeOutOfRange)?
            .as_secs();
        Self::from_unix_seconds(seconds)
    }

    /// The instant `unix_seconds` after 1970-01-01T00:00:00Z.
    ///
    /// # Errors
    /// [`PresignError::TimeOutOfRange`] from the year 10000 on.
    pub fn from_unix_seconds(unix_seconds: u64) -> Result<Self, PresignError> {
        Self::check_in_range(unix_seconds)?;
        let days = unix_seconds / 86_400;
        let second_of_day = unix_seconds % 86_400;
        let (year, month, day) = civil_from_days(days);
        let mut text = *b"00000000T000000Z";
        write_digits(&mut text[0..4], year);
        write_digits(&mut text[4..6], month);
        write_digits(&mut text[6..8], day);
        write_digits(&mut text[9..11], second_of_day / 3600);
        write_digits(&mut text[11..13], second_of_day / 60 % 60);
        write_digits(&mut text[13..15], second_of_day % 60);
        Ok(Self { unix_seconds, text })
    }

    /// Whether `unix_seconds` can be written as an `X-Amz-Date` (what
    /// [`AmzDate::from_unix_seconds`] checks, without formatting it).
    pub(crate) fn check_in_range(unix_seconds: u64) -> Result<(), PresignError> {
        if unix_seconds < END_OF_YEAR_9999 {
            Ok(())
        } else {
            Err(PresignError::TimeOutOfRange)
        }
    }

    /// Parses an RFC 3339 instant in UTC written exactly as
    /// `YYYY-MM-DDTHH:MM:SSZ` (the form `--at` takes). Offsets other than `Z`
    /// and fractions are refused rather than guessed at.
    ///
    /// # Errors
    /// [`PresignError::InvalidTimestamp`] naming the expected form.
    pub fn parse_rfc3339(text: &str) -> Result<Self, PresignError> {
        let invalid = || PresignError::InvalidTimestamp {
            value: text.to_owned(),
            expected: "an RFC 3339 UTC instant such as 2013-05-24T00:00:00Z",
        };
        let bytes = text.as_bytes();
        if bytes.len() != 20
            || bytes[4] != b'-'
            || bytes[7] != b'-'
            || !matches!(bytes[10], b'T' | b't')
            || bytes[13] != b':'
            || bytes[16] != b':'
            || !matches!(bytes[19], b'Z' | b'z')
        {
            return Err(invalid());
        }
        Self::from_fields(
            [
                &bytes[0..4],
                &bytes[5..7],
                &bytes[8..10],
                &bytes[11..13],
                &bytes[14..16],
                &bytes[17..19],
            ],
            invalid,
        )
    }

    fn parse_amz(text: &str) -> Result<Self, PresignError> {
        let invalid = || PresignError::InvalidTimestamp {
            value: text.to_owned(),
            expected: "an X-Amz-Date such as 20130524T000000Z",
        };
        let bytes = text.as_bytes();
        if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
            return Err(invalid());
        }
        Self::from_fields(
            [
                &bytes[0..4],
                &bytes[4..6],
                &bytes[6..8],
                &bytes[9..11],
                &bytes[11..13],
                &bytes[13..15],
            ],
            invalid,
        )
    }

    /// Builds the instant from year, month, day, hour, minute, second digit
    /// fields, checking each range (no leap seconds: S3 has none).
    fn from_fields(
        fields: [&[u8]; 6],
        invalid: impl Fn() -> PresignError,
    ) -> Result<Self, PresignError> {
        let mut values = [0u64; 6];
        for (value, field) in values.iter_mut().zip(fields) {
            *value = parse_digits(field).ok_or_else(&invalid)?;
        }
        let [year, month, day, hour, minute, second] = values;
        let valid = (1970..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour < 24
            && minute < 60
            && second < 60;
        if !valid {
            return Err(invalid());
        }
        let days = days_from_civil(year, month, day);
        Self::from_unix_seconds(days * 86_400 + hour * 3600 + minute * 60 + second)
    }

    /// `YYYYMMDDTHHMMSSZ`, the value of `X-Amz-Date`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, 'T' and 'Z' are ever written into `text`.
        std::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// `YYYYMMDD`, the date of the credential scope.
    #[must_use]
    pub fn date_stamp(&self) -> &str {
        &self.as_str()[..8]
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub fn unix_seconds(&self) -> u64 {
        self.unix_seconds
    }

    /// The same instant as a [`SystemTime`].
    #[must_use]
    pub fn to_system_time(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.unix_seconds)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, UTC).
    #[must_use]
    pub fn to_rfc3339(&self) -> String {
        let t = self.as_str();
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &t[0..4],
            &t[4..6],
            &t[6..8],
            &t[9..11],
            &t[11..13],
            &t[13..15]
        )
    }
}

impl std::str::FromStr for AmzDate {
    type Err = PresignError;

    /// Parses `YYYYMMDDTHHMMSSZ`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse_amz(text)
    }
}

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AmzDate({})", self.as_str())
    }
}

fn write_digits(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        // `value % 10` is below 10, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (value % 10) as u8;
        *slot = b'0' + digit;
        value /= 10;
    }
}

fn parse_digits(field: &[u8]) -> Option<u64> {
    field.iter().try_fold(0u64, |acc, &byte| {
        byte.is_ascii_digit()
            .then(|| acc * 10 + u64::from(byte - b'0'))
    })
}

fn is_leap_year(year: u64) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Year, month, day of the `days`-th day after 1970-01-01 (Hinnant's
/// `civil_from_days`, restricted to dates from 1970 on).
pub(crate) fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468; // days since 0000-03-01
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // March = 0
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to the given date, for years from 1970 on.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let year_of_era = year % 400;
    let month_index = (month + 9) % 12; // March = 0
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_aws_documentation_instant() {
        let date = AmzDate::from_unix_seconds(1_369_353_600).unwrap();
        assert_eq!(date.as_str(), "20130524T000000Z");
        assert_eq!(date.date_stamp(), "20130524");
    }

    #[test]
    fn formats_leap_days_and_the_end_of_the_range() {
        let leap = AmzDate::parse_rfc3339("2020-02-29T23:59:59Z").unwrap();
        assert_eq!(leap.as_str(), "20200229T235959Z");
        assert_eq!(leap.unix_seconds(), 1_583_020_799);
        let last = AmzDate::from_unix_seconds(END_OF_YEAR_9999 - 1).unwrap();
        assert_eq!(last.as_str(), "99991231T235959Z");
        assert!(AmzDate::from_unix_seconds(END_OF_YEAR_9999).is_err());
    }

    #[test]
    fn every_day_round_trips_between_days_and_dates() {
        // Every day from 1970 to 2200, and a sample beyond.
        for days in (0..84_000).chain((84_000..2_932_896).step_by(997)) {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=days_in_month(y, m)).contains(&d), "day {days}");
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn parses_and_formats_x_amz_date_symmetrically() {
        let date: AmzDate = "20380119T031408Z".parse().unwrap();
        assert_eq!(date.to_string(), "20380119T031408Z");
        assert_eq!(date.to_rfc3339(), "2038-01-19T03:14:08Z");
        assert_eq!(date.unix_seconds(), 2_147_483_648);
    }

    #[test]
    fn rejects_malformed_or_out_of_range_values() {
        for bad in [
            "",
            "yesterday",
            "2013-05-24T02:00:00+02:00",
            "2013-05-24T00:00:00.5Z",
            "2013-05-24 00:00:00Z",
            "2013-02-29T00:00:00Z",
            "2013-13-01T00:00:00Z",
            "2013-05-24T24:00:00Z",
            "2013-05-24T00:60:00Z",
            "2013-05-24T00:00:60Z",
            "1969-12-31T23:59:59Z",
            "+013-05-24T00:00:00Z",
        ] {
            assert!(AmzDate::parse_rfc3339(bad).is_err(), "{bad:?} accepted");
        }
        for bad in [
            "2013052T000000Z",
            "20130524000000Z",
            "20130524T000000",
            "2013O524T000000Z",
        ] {
            assert!(bad.parse::<AmzDate>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn drops_sub_second_precision() {
        let time = UNIX_EPOCH + Duration::from_millis(1_369_353_600_999);
        assert_eq!(
            AmzDate::from_system_time(time).unwrap().as_str(),
            "20130524T000000Z"
        );
    }
}
