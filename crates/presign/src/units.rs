//! Sizes and durations as people write them: `16MiB`, `10GB`, `90`, `15m`,
//! `7d`. One parser for each, shared by the command line, batch JSON lines,
//! the service's configuration and its API, so `"10m"` means the same
//! everywhere and is refused with the same message everywhere.
//!
//! Sizes are whole bytes, or a whole number with a unit, decimal (`KB`, `MB`,
//! `GB`, `TB`: powers of 1000) or binary (`KiB`, `MiB`, `GiB`, `TiB`: powers
//! of 1024), as `ls`, `aws s3` and S3's documentation write them. Durations
//! are whole seconds, or a whole number with `s`, `m`, `h` or `d`. Neither
//! takes fractions or signs: a value that could be read two ways is refused.

/// Bytes in `1048576`, `1048576B`, `10MB`, `16MiB`, `5GiB` (units are
/// case-insensitive; a space before the unit is allowed).
///
/// # Errors
/// A message that quotes `text` and lists the forms allowed.
///
/// # Example
/// ```
/// use presign::units::parse_size;
///
/// assert_eq!(parse_size("16MiB")?, 16 << 20);
/// assert_eq!(parse_size("10 GB")?, 10_000_000_000);
/// assert!(parse_size("1.5GiB").is_err());
/// # Ok::<(), String>(())
/// ```
pub fn parse_size(text: &str) -> Result<u64, String> {
    let invalid = || {
        format!(
            "invalid size {text:?}: expected whole bytes or a whole number with unit B, KB, MB, \
             GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. 5242880, 16MiB, 10GB"
        )
    };
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let multiplier: u64 = match unit.trim_start().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "mb" => 1000_u64.pow(2),
        "gb" => 1000_u64.pow(3),
        "tb" => 1000_u64.pow(4),
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => return Err(invalid()),
    };
    if digits.is_empty() {
        return Err(invalid());
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(invalid)
}

/// `16 MiB`, `1.5 GiB`, `512 B`: a size for people (binary units).
///
/// # Example
/// ```
/// use presign::units::human;
///
/// assert_eq!(human(16 << 20), "16 MiB");
/// assert_eq!(human((3 << 29) + 1), "1.5 GiB");
/// ```
#[must_use]
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut unit = 0;
    let mut whole = bytes;
    while whole >= 1024 && unit + 1 < UNITS.len() {
        whole /= 1024;
        unit += 1;
    }
    let divisor = 1_u64 << (10 * unit);
    if unit == 0 || bytes.is_multiple_of(divisor) {
        format!("{} {}", bytes / divisor, UNITS[unit])
    } else {
        // One decimal, rounded down, without floating point.
        let tenths = bytes % divisor * 10 / divisor;
        format!("{}.{tenths} {}", bytes / divisor, UNITS[unit])
    }
}

/// Seconds in `90`, `90s`, `15m`, `12h` or `7d`.
///
/// # Errors
/// A message that quotes `text` and lists the forms allowed. The range is
/// the caller's to check (an expiry and a timeout allow different ones).
///
/// # Example
/// ```
/// use presign::units::parse_duration;
///
/// assert_eq!(parse_duration("10m")?, 600);
/// assert_eq!(parse_duration("3600")?, 3600);
/// assert!(parse_duration("10 m").is_err());
/// # Ok::<(), String>(())
/// ```
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let invalid = || {
        format!(
            "invalid duration {text:?}: expected whole seconds or a whole number with unit s, m, h \
             or d (90, 15m, 12h, 7d)"
        )
    };
    let (digits, unit) = match text.as_bytes().last() {
        Some(b's') => (&text[..text.len() - 1], 1),
        Some(b'm') => (&text[..text.len() - 1], 60),
        Some(b'h') => (&text[..text.len() - 1], 3600),
        Some(b'd') => (&text[..text.len() - 1], 86_400),
        _ => (text, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::{human, parse_duration, parse_size};

    #[test]
    fn bytes_and_both_kinds_of_units() {
        assert_eq!(parse_size("5242880"), Ok(5_242_880));
        assert_eq!(parse_size("512B"), Ok(512));
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("16mib"), Ok(16 << 20));
        assert_eq!(parse_size("5 GiB"), Ok(5 << 30));
        assert_eq!(parse_size("2TB"), Ok(2_000_000_000_000));
    }

    #[test]
    fn anything_else_is_refused_with_the_forms_allowed() {
        for bad in [
            "",
            "MiB",
            "1.5GiB",
            "-5",
            "16 M",
            "10XB",
            "99999999999999999999",
            "20000000TiB",
        ] {
            let error = parse_size(bad).unwrap_err();
            assert!(error.contains("16MiB"), "{bad:?}: {error}");
        }
    }

    #[test]
    fn human_sizes_use_binary_units() {
        assert_eq!(human(0), "0 B");
        assert_eq!(human(1023), "1023 B");
        assert_eq!(human(16 << 20), "16 MiB");
        assert_eq!(human((3 << 29) + 1), "1.5 GiB");
    }

    #[test]
    fn durations_in_seconds_and_units() {
        assert_eq!(parse_duration("3600"), Ok(3600));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("10m"), Ok(600));
        assert_eq!(parse_duration("12h"), Ok(43_200));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert_eq!(parse_duration("0"), Ok(0), "the range is the caller's");
    }

    #[test]
    fn durations_refuse_fractions_signs_spaces_and_unknown_units() {
        for bad in [
            "",
            "1.5",
            "-1",
            "+5",
            "10 m",
            "10M",
            "1w",
            "m",
            "99999999999999999999",
            "99999999999999999d",
        ] {
            let error = parse_duration(bad).unwrap_err();
            assert!(error.contains("15m"), "{bad:?}: {error}");
        }
    }
}
