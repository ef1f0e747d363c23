//! Why botocore's S3 endpoint rules refuse a combination of settings and
//! bucket: each message names the setting or ARN part and what is allowed.

use std::fmt;

use super::arn::ArnError;

/// Why no S3 endpoint can be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointError {
    /// The region is not a DNS label (letters, digits, `-`).
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// Two settings that cannot be used together.
    Conflict {
        /// The first setting.
        setting: &'static str,
        /// The one it conflicts with.
        with: &'static str,
    },
    /// A setting the region's partition does not offer.
    NotInPartition {
        /// The setting.
        setting: &'static str,
        /// The partition.
        partition: &'static str,
    },
    /// The custom endpoint is not an http(s) URL botocore accepts.
    InvalidEndpointUrl {
        /// The endpoint, without any user information.
        endpoint: String,
    },
    /// The bucket name cannot be used in this form.
    InvalidBucket {
        /// The bucket.
        bucket: String,
        /// What is wrong and what is allowed.
        reason: &'static str,
    },
    /// The bucket starts with `arn:` but is not an ARN.
    MalformedArn {
        /// The text.
        arn: String,
        /// Which part is wrong.
        source: ArnError,
    },
    /// The ARN is well formed but names nothing S3 can address.
    InvalidArn {
        /// The ARN.
        arn: String,
        /// What is wrong and what is allowed.
        reason: String,
    },
    /// `use_arn_region` is off and the ARN's region is not the client's.
    ArnRegionMismatch {
        /// The ARN's region.
        arn_region: String,
        /// The configured region.
        region: String,
    },
    /// The ARN is in another partition than the configured region.
    CrossPartition {
        /// The ARN's partition.
        arn_partition: String,
        /// The configured region.
        region: String,
        /// The configured region's partition.
        region_partition: &'static str,
    },
    /// An endpoint form that does not offer a setting.
    Unsupported {
        /// The form (`S3 Object Lambda`, `S3 Outposts`, ...).
        form: &'static str,
        /// The setting it does not offer.
        setting: &'static str,
    },
    /// A Multi-Region Access Point ARN while
    /// `disable_multi_region_access_points` is set.
    MultiRegionAccessPointsDisabled,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRegion { region } => write!(
                f,
                "the region {region:?} is not a valid DNS name: use letters, digits and '-' \
                 (e.g. us-west-2)"
            ),
            Self::Conflict { setting, with } => {
                write!(f, "{setting} cannot be combined with {with}")
            }
            Self::NotInPartition { setting, partition } => {
                write!(f, "{setting} is not available in the {partition} partition")
            }
            Self::InvalidEndpointUrl { endpoint } => write!(
                f,
                "the custom endpoint {endpoint:?} is not a valid URL: use http:// or https://, \
                 a host, an optional port and path, no user:password@ and no query"
            ),
            Self::InvalidBucket { bucket, reason } => {
                write!(f, "the bucket {bucket:?} cannot be used: {reason}")
            }
            Self::MalformedArn { arn, source } => {
                write!(
                    f,
                    "the bucket {arn:?} starts with arn: but is not an ARN: {source}"
                )
            }
            Self::InvalidArn { arn, reason } => write!(f, "the ARN {arn:?}: {reason}"),
            Self::ArnRegionMismatch { arn_region, region } => write!(
                f,
                "the ARN's region {arn_region} is not the configured region {region} and \
                 s3_use_arn_region is false: use a {region} ARN or allow the ARN's region"
            ),
            Self::CrossPartition {
                arn_partition,
                region,
                region_partition,
            } => write!(
                f,
                "the ARN is in partition {arn_partition} but the region {region} is in \
                 {region_partition}; cross-partition access points are refused"
            ),
            Self::Unsupported { form, setting } => {
                write!(f, "{form} does not support {setting}")
            }
            Self::MultiRegionAccessPointsDisabled => f.write_str(
                "Multi-Region Access Point ARNs are disabled \
                 (s3_disable_multiregion_access_points is true)",
            ),
        }
    }
}

impl std::error::Error for EndpointError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::MalformedArn { source, .. } => Some(source),
            _ => None,
        }
    }
}
