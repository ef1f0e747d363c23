//! Configurations that resolve, and sign, but probably not as the user meant.

use std::fmt;

/// Something about a resolved configuration worth a warning; signing goes
/// on. Shells show it (the CLI on stderr); [`crate::ResolvedConfig::warnings`]
/// lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigWarning {
    /// No endpoint is configured and the region is not named like an AWS
    /// region ([`presign::Endpoint::is_aws_region`]), so the AWS endpoint
    /// made from it is a host AWS does not serve.
    NotAnAwsRegion {
        /// The region.
        region: String,
        /// Where the region came from.
        origin: String,
        /// The AWS endpoint made from it (`https://s3.auto.amazonaws.com`).
        endpoint: String,
    },
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnAwsRegion {
                region,
                origin,
                endpoint,
            } => write!(
                f,
                "region {region:?} (from {origin}) is no AWS region and no endpoint is set, so \
                 the URL goes to {endpoint}, a host AWS does not serve; regions such as auto \
                 (Cloudflare R2) and eu-de (IBM COS) belong to other stores: pass their endpoint \
                 with --endpoint-url (or AWS_ENDPOINT_URL)"
            ),
        }
    }
}
