//! Sizes on the command line: whole bytes, or a whole number with a unit,
//! decimal (`KB`, `MB`, `GB`, `TB`: powers of 1000) or binary (`KiB`, `MiB`,
//! `GiB`, `TiB`: powers of 1024), as `ls`, `aws s3` and S3's documentation
//! write them.

/// Bytes in `1048576`, `1048576B`, `10MB`, `16MiB`, `5GiB` (units are
/// case-insensitive; a space before the unit is allowed).
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
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
pub(crate) fn human(bytes: u64) -> String {
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

#[cfg(test)]
mod tests {
    use super::{human, parse_size};

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
}
