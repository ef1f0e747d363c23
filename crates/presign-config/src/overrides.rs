//! What every part of resolution shares: the settings given explicitly and
//! the defaults. A leaf: it uses no other module of this crate but the
//! credentials type.

use std::path::PathBuf;

use crate::credentials::ResolvedCredentials;

pub(crate) const DEFAULT_PROFILE: &str = "default";
pub(crate) const DEFAULT_REGION: &str = "us-east-1";

/// Settings given explicitly (command-line flags, a service's config file, a
/// Python `Client`'s arguments): each wins over the environment and the
/// shared files.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--profile NAME`.
    pub profile: Option<String>,
    /// `--region REGION`; `Some("")` means "no region" (IBM COS).
    pub region: Option<String>,
    /// `--endpoint-url URL`.
    pub endpoint_url: Option<String>,
    /// `--dualstack`: IPv6-capable AWS hosts.
    pub dualstack: Option<bool>,
    /// `--fips`: FIPS 140 AWS hosts.
    pub fips: Option<bool>,
    /// `--accelerate`: S3 Transfer Acceleration.
    pub accelerate: Option<bool>,
    /// An access point ARN's own region wins over the configured one
    /// (botocore's `s3={"use_arn_region": ...}`, a Python `Client`'s
    /// `config`).
    pub use_arn_region: Option<bool>,
    /// us-east-1 on its regional host (`true`, botocore's `regional`) or
    /// the global one (`false`, `legacy`): botocore's
    /// `s3={"us_east_1_regional_endpoint": ...}`.
    pub us_east_1_regional: Option<bool>,
    /// Directory buckets signed with the IAM keys instead of a
    /// `CreateSession` session (botocore's `s3_disable_express_session_auth`).
    pub disable_express_session_auth: Option<bool>,
    /// `--ibm-credentials FILE`: an IBM COS service-credentials JSON file.
    pub ibm_credentials: Option<PathBuf>,
    /// Keys given as they are (a Python `Client`'s `aws_access_key_id`,
    /// `aws_secret_access_key` and `aws_session_token`, see
    /// [`ResolvedCredentials::given`]): they win over every other source.
    pub credentials: Option<ResolvedCredentials>,
}
