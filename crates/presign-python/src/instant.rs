//! Python `datetime`s in and out: the signing instant (`now=`) and the
//! timestamp parameters (`Expires`, `ResponseExpires`, ...), written the way
//! botocore writes them.
//!
//! Under the stable ABI the C API of `datetime` is not available, so a
//! `datetime` is read through Python: `now` as its distance from the epoch,
//! a timestamp parameter through its attributes after `astimezone(UTC)`. A
//! naive `datetime` is refused as `now` (it would silently be local time or
//! UTC depending on who reads it) but taken as UTC in a timestamp
//! parameter, as botocore does.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

use crate::errors::{presign_error, type_error};

/// A calendar instant in UTC, to the microsecond.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UtcDateTime {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    microsecond: i64,
}

fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DATETIME.import(py, "datetime", "datetime")
}

fn utc(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    UTC.get_or_try_init(py, || {
        Ok::<_, PyErr>(
            py.import("datetime")?
                .getattr("timezone")?
                .getattr("utc")?
                .unbind(),
        )
    })
    .map(|utc| utc.bind(py).clone())
}

/// Whether `value` is a `datetime.datetime`.
pub(crate) fn is_datetime(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    value.is_instance(datetime_type(value.py())?)
}

/// Whether the `datetime` `value` knows its offset from UTC.
fn is_aware(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(!value
        .call_method0(intern!(value.py(), "utcoffset"))?
        .is_none())
}

impl UtcDateTime {
    /// The `datetime` `value` in UTC; a naive one is taken as UTC.
    pub(crate) fn from_datetime(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = if is_aware(value)? {
            value.call_method1("astimezone", (utc(value.py())?,))?
        } else {
            value.clone()
        };
        let get = |name: &str| -> PyResult<i64> { value.getattr(name)?.extract() };
        Ok(Self {
            year: get("year")?,
            month: get("month")?,
            day: get("day")?,
            hour: get("hour")?,
            minute: get("minute")?,
            second: get("second")?,
            microsecond: get("microsecond")?,
        })
    }

    /// A timestamp parameter given as text, read as botocore reads it
    /// (`parse_to_aware_datetime`): a number is seconds since the epoch
    /// (`"1893456000"`, `"1893456000.5"`); else ISO 8601 with an offset
    /// (`2030-01-01T00:00:00Z`, `...+02:00`), without one (UTC: `2030-01-01
    /// 00:00:00`, `2030-01-01`), or RFC 822 (`Tue, 01 Jan 2030 00:00:00
    /// GMT`). `None` for anything else: botocore's dateutil reads more
    /// free-form dates (`Jan 1 2030`), which presign refuses rather than
    /// guess.
    pub(crate) fn from_text(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(seconds) = text.parse::<f64>() {
            return Self::from_epoch_float(seconds);
        }
        let instant = text
            .parse::<jiff::Timestamp>()
            .ok()
            .or_else(|| {
                let civil = text.parse::<jiff::civil::DateTime>().ok().or_else(|| {
                    text.parse::<jiff::civil::Date>()
                        .ok()
                        .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
                })?;
                civil
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .ok()
                    .map(|z| z.timestamp())
            })
            .or_else(|| jiff::fmt::rfc2822::parse(text).ok().map(|z| z.timestamp()))?;
        Some(Self::from_timestamp(instant))
    }

    /// Whole seconds since the epoch (a Python `int`), as
    /// `datetime.fromtimestamp` reads them; `None` out of range.
    pub(crate) fn from_epoch_seconds(seconds: i64) -> Option<Self> {
        jiff::Timestamp::from_second(seconds)
            .ok()
            .map(Self::from_timestamp)
    }

    /// Seconds since the epoch with a fraction (a Python `float`), rounded
    /// to the microsecond half to even as `datetime.fromtimestamp` rounds
    /// them; `None` when not finite or out of range.
    pub(crate) fn from_epoch_float(seconds: f64) -> Option<Self> {
        if !seconds.is_finite() || seconds.abs() > 1e12 {
            return None;
        }
        let whole = seconds.trunc();
        let mut micros = ((seconds - whole) * 1e6).round_ties_even();
        let mut whole = whole;
        if micros >= 1e6 {
            whole += 1.0;
            micros -= 1e6;
        } else if micros < 0.0 {
            whole -= 1.0;
            micros += 1e6;
        }
        #[allow(clippy::cast_possible_truncation)] // both within range: checked above
        let (whole, micros) = (whole as i64, micros as i32);
        jiff::Timestamp::new(whole, micros * 1000)
            .ok()
            .map(Self::from_timestamp)
    }

    /// `instant` in UTC, to the microsecond.
    fn from_timestamp(instant: jiff::Timestamp) -> Self {
        let civil = instant.to_zoned(jiff::tz::TimeZone::UTC).datetime();
        Self {
            year: i64::from(civil.year()),
            month: i64::from(civil.month()),
            day: i64::from(civil.day()),
            hour: i64::from(civil.hour()),
            minute: i64::from(civil.minute()),
            second: i64::from(civil.second()),
            microsecond: i64::from(civil.subsec_nanosecond() / 1000),
        }
    }

    /// The same instant without its fraction of a second.
    pub(crate) fn whole_seconds(self) -> Self {
        Self {
            microsecond: 0,
            ..self
        }
    }

    /// botocore's `rfc822`: `Tue, 01 Jan 2030 00:00:00 GMT` (whole seconds).
    pub(crate) fn rfc822(self) -> String {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let weekday = usize::try_from(weekday_from_monday(self.year, self.month, self.day))
            .unwrap_or_default();
        let month = usize::try_from(self.month - 1).unwrap_or_default();
        format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            DAYS[weekday % 7],
            self.day,
            MONTHS[month % 12],
            self.year,
            self.hour,
            self.minute,
            self.second
        )
    }

    /// botocore's `iso8601`: `2030-01-01T00:00:00Z`, with `.ffffff` before
    /// the `Z` when there are microseconds.
    pub(crate) fn iso8601(self) -> String {
        let mut text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.microsecond > 0 {
            let _ = write!(text, ".{:06}", self.microsecond);
        }
        text.push('Z');
        text
    }
}

/// 0 for Monday .. 6 for Sunday (Zeller's congruence, proleptic Gregorian).
fn weekday_from_monday(year: i64, month: i64, day: i64) -> i64 {
    let (y, m) = if month < 3 {
        (year - 1, month + 12)
    } else {
        (year, month)
    };
    // h: 0 = Saturday .. 6 = Friday.
    let h = (day + 13 * (m + 1) / 5 + y + y / 4 - y / 100 + y / 400).rem_euclid(7);
    (h + 5).rem_euclid(7)
}

/// The signing instant: `now` (an aware `datetime`) or, when it is `None`,
/// the clock. `now` is read as its distance from the epoch (`now - epoch`,
/// whole seconds; the fraction is dropped, as botocore does): one
/// subtraction and two attributes, where reading its calendar fields took
/// eight calls. An instant the core cannot sign at (before 1970, after 9999)
/// gets the core's message.
pub(crate) fn signing_instant(now: Option<&Bound<'_, PyAny>>) -> PyResult<SystemTime> {
    let Some(now) = now.filter(|now| !now.is_none()) else {
        return Ok(SystemTime::now());
    };
    if !is_datetime(now)? {
        return Err(type_error("now", "an aware datetime.datetime", now));
    }
    if !is_aware(now)? {
        return Err(presign_error(
            "now must be an aware datetime (with a tzinfo, e.g. datetime.timezone.utc): a naive \
             one could be local time or UTC",
        ));
    }
    let py = now.py();
    let since = now.sub(epoch(py)?)?;
    let days: i64 = since.getattr(intern!(py, "days"))?.extract()?;
    let seconds: i64 = since.getattr(intern!(py, "seconds"))?.extract()?;
    // A timedelta keeps `seconds` within 0..86400, so this is the floor.
    let since_epoch = days * 86_400 + seconds;
    let magnitude = Duration::from_secs(since_epoch.unsigned_abs());
    Ok(if since_epoch >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    })
}

/// `datetime(1970, 1, 1, tzinfo=timezone.utc)`.
fn epoch(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static EPOCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    EPOCH
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                datetime_type(py)?
                    .call((1970, 1, 1, 0, 0, 0, 0, utc(py)?), None)?
                    .unbind(),
            )
        })
        .map(|epoch| epoch.bind(py))
}
