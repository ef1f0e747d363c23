//! Amazon Resource Names, split as botocore's endpoint rules split them
//! (`aws.parseArn`): `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, the
//! resource cut at every `:` and `/`.

use std::fmt;

/// A parsed ARN.
///
/// # Example
/// ```
/// use presign::parse_arn;
///
/// let arn = parse_arn("arn:aws:s3:us-west-2:123456789012:accesspoint/myendpoint")?;
/// assert_eq!(arn.partition, "aws");
/// assert_eq!(arn.service, "s3");
/// assert_eq!(arn.region, "us-west-2");
/// assert_eq!(arn.account_id, "123456789012");
/// assert_eq!(arn.resource, ["accesspoint", "myendpoint"]);
/// # Ok::<(), presign::ArnError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arn {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: String,
    /// `s3`, `s3-object-lambda`, `s3-outposts`, ...
    pub service: String,
    /// The region; empty for a Multi-Region Access Point.
    pub region: String,
    /// The account id; may be empty.
    pub account_id: String,
    /// The resource, split at every `:` and `/` (`accesspoint`, `NAME`).
    pub resource: Vec<String>,
}

impl Arn {
    /// The resource part at `index`, if there is one.
    #[must_use]
    pub fn resource_part(&self, index: usize) -> Option<&str> {
        self.resource.get(index).map(String::as_str)
    }
}

/// Why a text is not an ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArnError {
    /// It does not start with `arn:`.
    NotAnArn,
    /// Fewer than six `:`-separated parts.
    TooFewParts {
        /// How many there are.
        found: usize,
    },
    /// The partition, the service or the resource is empty.
    EmptyPart {
        /// Which part.
        part: &'static str,
    },
}

impl fmt::Display for ArnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnArn => f.write_str("an ARN starts with `arn:`"),
            Self::TooFewParts { found } => write!(
                f,
                "the ARN has {found} `:`-separated parts; it needs 6: \
                 arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"
            ),
            Self::EmptyPart { part } => write!(
                f,
                "the ARN's {part} is empty; the form is arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"
            ),
        }
    }
}

impl std::error::Error for ArnError {}

/// Parses `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
///
/// Region and account may be empty (a Multi-Region Access Point has no
/// region); partition, service and resource may not. The resource is split
/// at every `:` and `/`, so `accesspoint/NAME` and `accesspoint:NAME` give
/// the same parts.
///
/// # Errors
/// [`ArnError`] names what is missing.
pub fn parse_arn(text: &str) -> Result<Arn, ArnError> {
    let rest = text.strip_prefix("arn:").ok_or(ArnError::NotAnArn)?;
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [partition, service, region, account_id, resource] = parts[..] else {
        return Err(ArnError::TooFewParts {
            found: parts.len() + 1,
        });
    };
    for (part, value) in [
        ("partition", partition),
        ("service", service),
        ("resource", resource),
    ] {
        if value.is_empty() {
            return Err(ArnError::EmptyPart { part });
        }
    }
    Ok(Arn {
        partition: partition.to_owned(),
        service: service.to_owned(),
        region: region.to_owned(),
        account_id: account_id.to_owned(),
        resource: resource.split([':', '/']).map(str::to_owned).collect(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{ArnError, parse_arn};

    #[test]
    fn the_resource_is_split_at_colons_and_slashes() {
        let arn = parse_arn(
            "arn:aws:s3-outposts:us-west-2:123456789012:outpost:op-01234567890123456:accesspoint/reports",
        )
        .unwrap();
        assert_eq!(
            arn.resource,
            ["outpost", "op-01234567890123456", "accesspoint", "reports"]
        );
        assert_eq!(arn.resource_part(3), Some("reports"));
        assert_eq!(arn.resource_part(4), None);
    }

    #[test]
    fn region_and_account_may_be_empty() {
        let arn = parse_arn("arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap").unwrap();
        assert_eq!(arn.region, "");
        let arn = parse_arn("arn:aws:s3:us-west-2::accesspoint/myap").unwrap();
        assert_eq!(arn.account_id, "");
    }

    #[test]
    fn malformed_arns_say_which_part_is_wrong() {
        assert_eq!(parse_arn("bucket"), Err(ArnError::NotAnArn));
        assert_eq!(
            parse_arn("arn:aws:s3:us-west-2"),
            Err(ArnError::TooFewParts { found: 4 })
        );
        assert_eq!(
            parse_arn("arn::s3:us-west-2:1:accesspoint/x"),
            Err(ArnError::EmptyPart { part: "partition" })
        );
        assert_eq!(
            parse_arn("arn:aws::us-west-2:1:accesspoint/x"),
            Err(ArnError::EmptyPart { part: "service" })
        );
        assert_eq!(
            parse_arn("arn:aws:s3:us-west-2:1:"),
            Err(ArnError::EmptyPart { part: "resource" })
        );
        for error in [
            ArnError::NotAnArn,
            ArnError::TooFewParts { found: 2 },
            ArnError::EmptyPart { part: "service" },
        ] {
            assert!(error.to_string().contains("arn:"), "{error}");
        }
    }
}
