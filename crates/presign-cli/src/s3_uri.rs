//! `s3://BUCKET/KEY`: split at the first `/` after the bucket, nothing decoded.
//! The bucket may be an access point ARN, as the AWS CLI accepts it:
//! `s3://arn:aws:s3:us-west-2:123456789012:accesspoint/myap/KEY` (and the
//! Object Lambda, Outposts and Multi-Region forms), whose own `/`s belong to
//! the bucket.

/// Bucket and key of an `s3://` URI. The key is everything after `BUCKET/`,
/// verbatim (`s3://b//x` is the key `/x`; `?` and `#` are part of the key).
pub(crate) fn parse(uri: &str) -> Result<(&str, &str), String> {
    let rest = uri
        .strip_prefix("s3://")
        .ok_or_else(|| format!("the object must be given as s3://BUCKET/KEY, got {uri:?}"))?;
    split_bucket(rest)
        .ok_or_else(|| format!("{uri:?} names no object key: expected s3://BUCKET/KEY"))
}

/// Bucket and key prefix of `s3://BUCKET` or `s3://BUCKET/PREFIX` (the
/// prefix verbatim, possibly empty).
pub(crate) fn parse_bucket_prefix(uri: &str) -> Result<(&str, &str), String> {
    let rest = uri
        .strip_prefix("s3://")
        .ok_or_else(|| format!("the bucket must be given as s3://BUCKET[/PREFIX], got {uri:?}"))?;
    Ok(split_bucket(rest).unwrap_or((rest, "")))
}

/// `BUCKET/KEY` split after the bucket: at the first `/`, or for an ARN at
/// the `/` that ends its resource (`accesspoint/NAME`,
/// `outpost/ID/accesspoint/NAME`). Any other ARN resource ends at its first
/// `/`, so that the ARN parser names the resource type it refuses.
fn split_bucket(text: &str) -> Option<(&str, &str)> {
    let Some(resource_at) = arn_resource_start(text) else {
        return text.split_once('/');
    };
    let resource = &text[resource_at..];
    let segments = if resource.starts_with("accesspoint") {
        2
    } else if resource.starts_with("outpost") {
        4
    } else {
        1
    };
    // The resource's segments are separated by `/` or `:`; the key follows
    // the `/` after the last one.
    let mut seen = 0;
    for (at, byte) in resource.bytes().enumerate() {
        if byte == b'/' || byte == b':' {
            seen += 1;
            if seen == segments {
                if byte != b'/' {
                    return None;
                }
                let split = resource_at + at;
                return Some((&text[..split], &text[split + 1..]));
            }
        }
    }
    None
}

/// Where the resource of `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`
/// starts, if `text` is an ARN.
fn arn_resource_start(text: &str) -> Option<usize> {
    if !text.starts_with("arn:") {
        return None;
    }
    text.match_indices(':').nth(4).map(|(at, _)| at + 1)
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
    fn access_point_arns_keep_their_slashes_in_the_bucket() {
        let ap = "arn:aws:s3:us-west-2:123456789012:accesspoint/myap";
        assert_eq!(parse(&format!("s3://{ap}/a/b.txt")), Ok((ap, "a/b.txt")));
        let colon = "arn:aws:s3:us-west-2:123456789012:accesspoint:myap";
        assert_eq!(parse(&format!("s3://{colon}/k")), Ok((colon, "k")));
        let outpost = "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports";
        assert_eq!(
            parse(&format!("s3://{outpost}/2024/q1.csv")),
            Ok((outpost, "2024/q1.csv"))
        );
        let lambda = "arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/mybanner";
        assert_eq!(parse(&format!("s3://{lambda}/k")), Ok((lambda, "k")));
        let mrap = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap";
        assert_eq!(parse(&format!("s3://{mrap}/k")), Ok((mrap, "k")));
        assert_eq!(parse_bucket_prefix(&format!("s3://{ap}")), Ok((ap, "")));
        assert_eq!(
            parse_bucket_prefix(&format!("s3://{ap}/logs/")),
            Ok((ap, "logs/"))
        );
        // Another resource type ends at its first `/`, for the ARN parser to name.
        assert_eq!(
            parse("s3://arn:aws:s3:us-west-2:123456789012:bucket_name/mybucket/k"),
            Ok((
                "arn:aws:s3:us-west-2:123456789012:bucket_name",
                "mybucket/k"
            ))
        );
        assert!(parse(&format!("s3://{ap}")).is_err(), "no key");
    }

    #[test]
    fn refuses_other_schemes_and_missing_keys() {
        assert!(parse("https://b/k").is_err());
        assert!(parse("bucket/key").is_err());
        assert!(parse("s3://bucket").is_err());
    }
}
