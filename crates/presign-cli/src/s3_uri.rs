//! `s3://BUCKET/KEY`: split at the first `/` after the bucket, nothing decoded.

/// Bucket and key of an `s3://` URI. The key is everything after `BUCKET/`,
/// verbatim (`s3://b//x` is the key `/x`; `?` and `#` are part of the key).
pub(crate) fn parse(uri: &str) -> Result<(&str, &str), String> {
    let rest = uri
        .strip_prefix("s3://")
        .ok_or_else(|| format!("the object must be given as s3://BUCKET/KEY, got {uri:?}"))?;
    rest.split_once('/')
        .ok_or_else(|| format!("{uri:?} names no object key: expected s3://BUCKET/KEY"))
}

/// Bucket and key prefix of `s3://BUCKET` or `s3://BUCKET/PREFIX` (the
/// prefix verbatim, possibly empty).
pub(crate) fn parse_bucket_prefix(uri: &str) -> Result<(&str, &str), String> {
    let rest = uri
        .strip_prefix("s3://")
        .ok_or_else(|| format!("the bucket must be given as s3://BUCKET[/PREFIX], got {uri:?}"))?;
    Ok(rest.split_once('/').unwrap_or((rest, "")))
}

#[cfg(test)]
mod tests {
    use super::{parse, parse_bucket_prefix};

    #[test]
    fn batch_targets_take_an_optional_prefix() {
        assert_eq!(parse_bucket_prefix("s3://bucket"), Ok(("bucket", "")));
        assert_eq!(parse_bucket_prefix("s3://bucket/"), Ok(("bucket", "")));
        assert_eq!(
            parse_bucket_prefix("s3://bucket/photos/"),
            Ok(("bucket", "photos/"))
        );
        assert!(parse_bucket_prefix("bucket").is_err());
    }

    #[test]
    fn key_is_everything_after_the_bucket_verbatim() {
        assert_eq!(
            parse("s3://bucket/report.pdf"),
            Ok(("bucket", "report.pdf"))
        );
        assert_eq!(parse("s3://b//x"), Ok(("b", "/x")));
        assert_eq!(parse("s3://b/a?b#c"), Ok(("b", "a?b#c")));
        assert_eq!(parse("s3://b/a%20b/"), Ok(("b", "a%20b/")));
        assert_eq!(parse("s3://b/"), Ok(("b", "")));
    }

    #[test]
    fn refuses_other_schemes_and_missing_keys() {
        assert!(parse("https://b/k").is_err());
        assert!(parse("bucket/key").is_err());
        assert!(parse("s3://bucket").is_err());
    }
}
