//! Every AWS S3 host form, built from settings and a bucket exactly as
//! botocore 1.43.11's S3 endpoint rules (`endpoint-rule-set-1.json`) build
//! it: regional, global, dual-stack, FIPS, accelerate, custom endpoints,
//! access points, S3 Object Lambda, Outposts, S3 Express zonal hosts and
//! Multi-Region Access Points. Also the AWS partition table.
//!
//! Hand-written rather than a rules interpreter: the rule set is a 900 KB
//! decision tree whose many branches differ in one or two words, and the
//! few dozen decisions it makes for a presigned URL read better, and run
//! faster, as code. The conformance test `tests/endpoint_rules.rs` runs
//! botocore's own `endpoint-tests-1.json` against it. Pure: no I/O, no
//! environment, no clock.

mod access_point;
mod arn;
mod error;
mod names;
mod partition;
mod recognise;
mod resolve;

pub use arn::{Arn, ArnError, parse_arn};
pub use error::EndpointError;
pub use partition::{PARTITIONS, Partition};
pub use recognise::{KnownHost, StorageProvider, recognise_host};

use names::uri_encode;

use crate::request::Addressing;

/// Everything botocore's S3 endpoint rules take that a presigned URL can
/// express.
///
/// `Default` gives every flag off and an empty region; botocore's defaults
/// (the global endpoint for us-east-1, the ARN's region) come from
/// [`EndpointSettings::new`].
// The settings are botocore's, flag for flag: an enum per flag would only
// rename them.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointSettings {
    /// The region (`AWS_REGION`). Empty is botocore's `Region: ""`: AWS
    /// hosts that need it as a label refuse it, custom endpoints sign with
    /// it (IBM COS).
    pub region: String,
    /// A custom endpoint (`endpoint_url`, botocore's `Endpoint` parameter).
    pub endpoint_url: Option<String>,
    /// FIPS endpoints (`use_fips_endpoint`).
    pub use_fips: bool,
    /// Dual-stack (IPv6) endpoints (`use_dualstack_endpoint`).
    pub use_dualstack: bool,
    /// S3 Transfer Acceleration (`s3.use_accelerate_endpoint`).
    pub accelerate: bool,
    /// Path style even where virtual-hosted style works
    /// (`s3.addressing_style = path`).
    pub force_path_style: bool,
    /// `s3.amazonaws.com` rather than `s3.us-east-1.amazonaws.com` for
    /// us-east-1 (`s3_us_east_1_regional_endpoint = legacy`, botocore's
    /// default).
    pub use_global_endpoint: bool,
    /// An access point ARN's own region rather than `region`
    /// (`s3_use_arn_region`, botocore's default: true).
    pub use_arn_region: bool,
    /// Refuse Multi-Region Access Point ARNs
    /// (`s3_disable_multiregion_access_points`).
    pub disable_multi_region_access_points: bool,
    /// Sign S3 Express requests with the IAM credentials rather than a
    /// `CreateSession` session (`s3_disable_express_session_auth`).
    pub disable_express_session_auth: bool,
    /// Without a bucket, S3 Object Lambda's service endpoint (botocore's
    /// `UseObjectLambdaEndpoint`, set for `WriteGetObjectResponse`).
    pub use_object_lambda_endpoint: bool,
}

impl EndpointSettings {
    /// The settings botocore uses by default for `region`: the global
    /// endpoint for us-east-1 and the ARN's region, every other flag off.
    ///
    /// # Example
    /// ```
    /// use presign::EndpointSettings;
    ///
    /// let settings = EndpointSettings::new("us-east-1");
    /// assert!(settings.use_global_endpoint && settings.use_arn_region);
    /// assert!(!settings.use_fips && !settings.accelerate);
    /// ```
    #[must_use]
    pub fn new(region: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            use_global_endpoint: true,
            use_arn_region: true,
            ..Self::default()
        }
    }
}

/// How a resolved endpoint's requests are signed (the rule set's first
/// `authSchemes` entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// SigV4 with the credentials as they are (`sigv4`).
    SigV4 {
        /// The service in the credential scope (`s3`, `s3express`, ...).
        signing_name: String,
        /// The region in the credential scope.
        signing_region: String,
    },
    /// SigV4 with S3 Express session credentials from `CreateSession`
    /// (`sigv4-s3express`).
    SigV4S3Express {
        /// `s3express`.
        signing_name: String,
        /// The region in the credential scope.
        signing_region: String,
    },
    /// SigV4A, ECDSA P-256 over a region set (`sigv4a`).
    SigV4a {
        /// The service (`s3`, `s3-outposts`).
        signing_name: String,
        /// The regions the signature is good for (`*`: all).
        region_set: Vec<String>,
    },
}

impl AuthScheme {
    fn sigv4(signing_name: &str, signing_region: &str) -> Self {
        Self::SigV4 {
            signing_name: signing_name.to_owned(),
            signing_region: signing_region.to_owned(),
        }
    }

    fn sigv4a(signing_name: &str) -> Self {
        Self::SigV4a {
            signing_name: signing_name.to_owned(),
            region_set: vec!["*".to_owned()],
        }
    }

    /// The rule set's name for it: `sigv4`, `sigv4-s3express` or `sigv4a`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::SigV4 { .. } => "sigv4",
            Self::SigV4S3Express { .. } => "sigv4-s3express",
            Self::SigV4a { .. } => "sigv4a",
        }
    }

    /// The service name in the credential scope.
    #[must_use]
    pub fn signing_name(&self) -> &str {
        match self {
            Self::SigV4 { signing_name, .. }
            | Self::SigV4S3Express { signing_name, .. }
            | Self::SigV4a { signing_name, .. } => signing_name,
        }
    }

    /// The signing region (`None` for SigV4A, which signs for a set).
    #[must_use]
    pub fn signing_region(&self) -> Option<&str> {
        match self {
            Self::SigV4 { signing_region, .. } | Self::SigV4S3Express { signing_region, .. } => {
                Some(signing_region)
            }
            Self::SigV4a { .. } => None,
        }
    }
}

/// Which S3 host form an endpoint is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostForm {
    /// `s3.REGION.SUFFIX` (with `-fips`, `.dualstack` as set).
    Regional,
    /// `s3.SUFFIX`: us-east-1's legacy global endpoint (`aws-global`).
    Global,
    /// `s3-accelerate[.dualstack].SUFFIX`.
    Accelerate,
    /// `NAME-ACCOUNT.s3-accesspoint[-fips][.dualstack].REGION.SUFFIX`.
    AccessPoint,
    /// `NAME-ACCOUNT.s3-object-lambda[-fips].REGION.SUFFIX`.
    ObjectLambda,
    /// `NAME-ACCOUNT.OUTPOST.s3-outposts.REGION.SUFFIX`, or an Outposts
    /// bucket alias.
    Outposts,
    /// `BUCKET.s3express[-fips]-ZONE[.dualstack].REGION.SUFFIX`.
    Express,
    /// `NAME.mrap.accesspoint.s3-global.SUFFIX`, signed with SigV4A.
    MultiRegionAccessPoint,
    /// A bucket on a custom endpoint (`endpoint_url`).
    Custom,
    /// `[BUCKET.]s3-website[-.]REGION.SUFFIX`: static website hosting,
    /// recognised for its region only (it serves no presigned URLs).
    Website,
    /// `ACCOUNT.s3-control.REGION.SUFFIX` and `s3express-control.REGION.SUFFIX`:
    /// control-plane hosts, recognised for their region only.
    Control,
}

impl HostForm {
    /// What the form is, in words, for people (`inspect`, messages).
    ///
    /// # Example
    /// ```
    /// use presign::HostForm;
    ///
    /// assert_eq!(HostForm::ObjectLambda.description(), "S3 Object Lambda access point");
    /// ```
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Self::Regional => "S3 regional endpoint",
            Self::Global => "S3 global endpoint",
            Self::Accelerate => "S3 Transfer Acceleration endpoint",
            Self::AccessPoint => "S3 access point",
            Self::ObjectLambda => "S3 Object Lambda access point",
            Self::Outposts => "S3 on Outposts access point",
            Self::Express => "S3 Express One Zone zonal endpoint",
            Self::MultiRegionAccessPoint => "S3 Multi-Region Access Point",
            Self::Custom => "custom endpoint",
            Self::Website => "S3 static website endpoint",
            Self::Control => "S3 control endpoint",
        }
    }

    /// Whether the form's hosts take SigV2 presigned URLs (signature version
    /// `s3`): bucket hosts (regional, global, accelerated) and custom
    /// endpoints do; access points, Object Lambda, Outposts, S3 Express
    /// and Multi-Region Access Points take SigV4 (SigV4A) only.
    /// [`crate::presign_v2()`] refuses, on its own, what a request shows of
    /// them (a signing name other than `s3`, a region set, a session
    /// token); an account access point is signed as `s3`, so only its form
    /// tells.
    ///
    /// # Example
    /// ```
    /// use presign::HostForm;
    ///
    /// assert!(HostForm::Regional.takes_sigv2());
    /// assert!(!HostForm::AccessPoint.takes_sigv2());
    /// ```
    #[must_use]
    pub fn takes_sigv2(self) -> bool {
        matches!(
            self,
            Self::Regional | Self::Global | Self::Accelerate | Self::Custom
        )
    }
}

/// The endpoint botocore's S3 rules resolve, split the way
/// [`crate::PresignRequest`] takes it.
///
/// # Example
/// ```
/// use presign::{resolve_s3_endpoint, Addressing, EndpointSettings, HostForm};
///
/// let settings = EndpointSettings::new("us-west-2");
/// let resolved = resolve_s3_endpoint(&settings, "arn:aws:s3:us-west-2:123456789012:accesspoint/myendpoint")?;
/// assert_eq!(resolved.endpoint, "https://s3-accesspoint.us-west-2.amazonaws.com");
/// assert_eq!(resolved.bucket, "myendpoint-123456789012");
/// assert_eq!(resolved.addressing, Addressing::VirtualHost);
/// assert_eq!(resolved.form, HostForm::AccessPoint);
/// assert_eq!(resolved.url(), "https://myendpoint-123456789012.s3-accesspoint.us-west-2.amazonaws.com");
/// # Ok::<(), presign::EndpointError>(())
/// ```
// Flags of the host, as the rule set's answer has them.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedEndpoint {
    /// `scheme://authority[/base path]`, without the bucket label.
    pub endpoint: String,
    /// What [`crate::PresignRequest::new`] takes as the bucket: the leading
    /// host label(s) in virtual-hosted forms (`myap-123456789012` for an
    /// access point, `mfzwi23gnjvgw.mrap` for an MRAP), the bucket in path
    /// style; empty for the service endpoint.
    pub bucket: String,
    /// [`Addressing::VirtualHost`] or [`Addressing::Path`], never `Auto`.
    pub addressing: Addressing,
    /// How to sign.
    pub auth: AuthScheme,
    /// The scheme the rule set lists second, for signers without the first
    /// (SigV4 for Outposts, whose first choice is SigV4A).
    pub alternative_auth: Option<AuthScheme>,
    /// Which form the host is.
    pub form: HostForm,
    /// An S3 Express endpoint (botocore's `backend: "S3Express"`).
    pub express: bool,
    /// The host is a FIPS one.
    pub fips: bool,
    /// The host is a dual-stack one.
    pub dualstack: bool,
}

impl ResolvedEndpoint {
    /// The URL botocore's resolver returns: `https://BUCKET.HOST[/path]` or
    /// `https://HOST[/path]/BUCKET` (the bucket percent-encoded).
    #[must_use]
    pub fn url(&self) -> String {
        if self.bucket.is_empty() {
            return self.endpoint.clone();
        }
        match self.addressing {
            Addressing::VirtualHost => match self.endpoint.split_once("://") {
                Some((scheme, rest)) => format!("{scheme}://{}.{rest}", self.bucket),
                None => format!("{}.{}", self.bucket, self.endpoint),
            },
            Addressing::Path | Addressing::Auto => {
                format!("{}/{}", self.endpoint, uri_encode(&self.bucket))
            }
        }
    }
}

/// Resolves the S3 endpoint for `bucket` as botocore's S3 endpoint rules
/// do. An empty `bucket` gives the service endpoint (S3 Object Lambda's with
/// [`EndpointSettings::use_object_lambda_endpoint`]).
///
/// `bucket` may be an access point, Object Lambda, Outposts or
/// Multi-Region Access Point ARN; an S3 Express directory bucket
/// (`NAME--ZONE--x-s3`) resolves to its zonal host.
///
/// # Errors
/// [`EndpointError`] for every combination the rules refuse: accelerate
/// with FIPS or a dotted bucket, FIPS in aws-cn, a custom endpoint with
/// FIPS/dual-stack/accelerate, a malformed or cross-partition ARN, an
/// invalid region, and the rest.
///
/// # Example
/// ```
/// use presign::{resolve_s3_endpoint, EndpointSettings};
///
/// let mut settings = EndpointSettings::new("us-west-2");
/// settings.use_dualstack = true;
/// settings.use_fips = true;
/// let resolved = resolve_s3_endpoint(&settings, "bucket-name")?;
/// assert_eq!(resolved.url(), "https://bucket-name.s3-fips.dualstack.us-west-2.amazonaws.com");
///
/// settings.use_fips = false;
/// settings.accelerate = true;
/// assert!(resolve_s3_endpoint(&settings, "dotted.bucket").is_err());
/// # Ok::<(), presign::EndpointError>(())
/// ```
pub fn resolve_s3_endpoint(
    settings: &EndpointSettings,
    bucket: &str,
) -> Result<ResolvedEndpoint, EndpointError> {
    resolve::resolve(settings, bucket)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{EndpointError, EndpointSettings, resolve_s3_endpoint};

    fn settings(region: &str, change: impl FnOnce(&mut EndpointSettings)) -> EndpointSettings {
        let mut settings = EndpointSettings::new(region);
        change(&mut settings);
        settings
    }

    fn refusal(settings: &EndpointSettings, bucket: &str) -> String {
        resolve_s3_endpoint(settings, bucket)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn refusals_name_the_setting_and_what_is_allowed() {
        let fips_in_china = settings("cn-north-1", |s| s.use_fips = true);
        assert_eq!(
            refusal(&fips_in_china, "bucket"),
            "FIPS (use_fips) is not available in the aws-cn partition"
        );
        let cross = settings("cn-north-1", |_| {});
        assert_eq!(
            refusal(&cross, "arn:aws:s3:us-west-2:123456789012:accesspoint/myap"),
            "the ARN is in partition aws but the region cn-north-1 is in aws-cn; \
             cross-partition access points are refused"
        );
        let accelerate = settings("us-west-2", |s| s.accelerate = true);
        assert!(refusal(&accelerate, "my.bucket").contains("S3 Accelerate"));
        let message = refusal(
            &settings("us-west-2", |_| {}),
            "arn:aws:s3:us-west-2::accesspoint/myap",
        );
        assert!(message.contains("has no account id"), "{message}");
        let message = refusal(
            &settings("us-west-2", |_| {}),
            "arn:aws:s3:us-west-2:123456789012:bucket_name:mybucket",
        );
        assert!(
            message.contains("resource type `bucket_name` is not supported"),
            "{message}"
        );
        let message = refusal(&settings("us-west-2", |_| {}), "arn:aws:s3:us-west-2");
        assert!(message.contains("needs 6"), "{message}");
    }

    #[test]
    fn an_endpoint_password_never_shows_in_a_refusal() {
        let custom = settings("us-west-2", |s| {
            s.endpoint_url = Some("ftp://user:hunter2@example.com".to_owned());
        });
        let error = resolve_s3_endpoint(&custom, "bucket").unwrap_err();
        assert!(matches!(error, EndpointError::InvalidEndpointUrl { .. }));
        assert!(!error.to_string().contains("hunter2"), "{error}");
        // A URL botocore accepts (and would return with the password in it)
        // is refused too, for every form.
        let custom = settings("us-west-2", |s| {
            s.endpoint_url = Some("https://user:hunter2@example.com".to_owned());
        });
        for bucket in ["bucket", "mybucket--usw2-az1--x-s3", ""] {
            let error = resolve_s3_endpoint(&custom, bucket).unwrap_err();
            assert!(matches!(error, EndpointError::InvalidEndpointUrl { .. }));
            assert!(!error.to_string().contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn an_express_bucket_on_an_ip_endpoint_with_a_base_path_is_refused() {
        // botocore gives http://10.0.0.1/BUCKET/base, which endpoint, bucket
        // and key cannot say; without a path the URL is botocore's.
        let mut express = settings("us-west-2", |s| {
            s.endpoint_url = Some("http://10.0.0.1/base".to_owned());
        });
        let message = refusal(&express, "mybucket--usw2-az1--x-s3");
        assert!(message.contains("base path"), "{message}");
        express.endpoint_url = Some("https://10.0.0.1".to_owned());
        assert_eq!(
            resolve_s3_endpoint(&express, "mybucket--usw2-az1--x-s3")
                .unwrap()
                .url(),
            "https://10.0.0.1/mybucket--usw2-az1--x-s3"
        );
    }

    #[test]
    fn the_empty_bucket_is_the_service_endpoint() {
        let resolved = resolve_s3_endpoint(&settings("eu-west-1", |_| {}), "").unwrap();
        assert_eq!(resolved.url(), "https://s3.eu-west-1.amazonaws.com");
        let lambda = settings("us-west-2", |s| s.use_object_lambda_endpoint = true);
        let resolved = resolve_s3_endpoint(&lambda, "").unwrap();
        assert_eq!(
            resolved.url(),
            "https://s3-object-lambda.us-west-2.amazonaws.com"
        );
        assert_eq!(resolved.auth.signing_name(), "s3-object-lambda");
    }

    #[test]
    fn the_default_derive_is_not_botocore_s_defaults_but_new_is() {
        let us_east_1 = EndpointSettings::new("us-east-1");
        let regional = EndpointSettings {
            region: "us-east-1".to_owned(),
            ..EndpointSettings::default()
        };
        // Hosts from endpoint-tests-1.json: legacy global vs regional.
        assert_eq!(
            resolve_s3_endpoint(&us_east_1, "bucket-name")
                .unwrap()
                .url(),
            "https://bucket-name.s3.amazonaws.com"
        );
        assert_eq!(
            resolve_s3_endpoint(&regional, "aaa").unwrap().url(),
            "https://aaa.s3.us-east-1.amazonaws.com"
        );
    }
}
