//! `--expires-in`: whole seconds, or a whole number with a unit, parsed by
//! the core's one duration parser (`presign::units`).

pub(crate) use presign::units::parse_duration;

/// `--expires-in`: [`parse_duration`], whose message also states the range
/// (checked by the signing core, which knows whether long expiries are allowed).
pub(crate) fn parse_expires_in(text: &str) -> Result<u64, String> {
    parse_duration(text).map_err(|message| format!("{message}, within 1..=604800 seconds"))
}

#[cfg(test)]
mod tests {
    use super::parse_expires_in;

    #[test]
    fn accepts_seconds_and_units() {
        assert_eq!(parse_expires_in("3600"), Ok(3600));
        assert_eq!(parse_expires_in("90s"), Ok(90));
        assert_eq!(parse_expires_in("10m"), Ok(600));
        assert_eq!(parse_expires_in("12h"), Ok(43_200));
        assert_eq!(parse_expires_in("7d"), Ok(604_800));
        assert_eq!(
            parse_expires_in("0"),
            Ok(0),
            "the range is the core's to check"
        );
    }

    #[test]
    fn refuses_fractions_signs_spaces_and_unknown_units() {
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
            let error = parse_expires_in(bad).unwrap_err();
            assert!(error.contains("1..=604800"), "{bad:?}: {error}");
        }
    }
}
