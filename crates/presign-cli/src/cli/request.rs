//! What every presigned URL is made of: the method, the signed headers and
//! query parameters with their shorthands ([`RequestArgs`]), and where, as
//! whom and for how long it is signed ([`SigningArgs`], [`EndpointFlags`],
//! [`SignatureVersionArgs`]). Shared by `presign`, `batch`, `doctor`,
//! `post`, `multipart` and `upload --multipart`. Also here: which flags add
//! a query parameter or a header ([`QUERY_FLAGS`], [`HEADER_FLAGS`]), the
//! header `--meta` stands for ([`meta_header`]), and the `Name: value` and
//! `name=value` value parsers.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::duration::parse_expires_in;

/// The flags of [`RequestArgs`] that add a query parameter (clap ids), in
/// the order their parameters are gathered, each with the parameter name it
/// stands for; `None` for `--query`, whose values are name=value pairs.
pub(super) const QUERY_FLAGS: [(&str, Option<&str>); 6] = [
    ("queries", None),
    ("version_id", Some("versionId")),
    (
        "response_content_disposition",
        Some("response-content-disposition"),
    ),
    ("response_content_type", Some("response-content-type")),
    ("response_cache_control", Some("response-cache-control")),
    ("response_expires", Some("response-expires")),
];

/// The flags of [`RequestArgs`] that add a signed header with a fixed name
/// (clap ids), as [`QUERY_FLAGS`]; `--meta` apart, as its header's name
/// comes from its value.
pub(super) const HEADER_FLAGS: [(&str, Option<&str>); 3] = [
    ("headers", None),
    ("content_type", Some("content-type")),
    ("content_md5", Some("content-md5")),
];

/// What every presigned URL is made of, besides bucket and key.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// HTTP method the URL is valid for.
    #[arg(short = 'X', long, value_enum, default_value_t = MethodArg::Get, ignore_case = false)]
    pub(crate) method: MethodArg,

    #[command(flatten)]
    pub(crate) signing: SigningArgs,

    /// An extra signed header, 'Name: value'. The client must send it with
    /// exactly this value. Repeatable.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub(crate) headers: Vec<(String, String)>,

    /// Shorthand for --header 'content-type: TYPE'.
    #[arg(long, value_name = "TYPE")]
    pub(crate) content_type: Option<String>,

    /// Shorthand for --header 'content-md5: BASE64'.
    #[arg(long, value_name = "BASE64")]
    pub(crate) content_md5: Option<String>,

    /// Shorthand for --header 'x-amz-meta-KEY: VALUE'. A value that is not
    /// ASCII is signed RFC 2047-encoded (=?UTF-8?B?...?=), as S3 and Uppy
    /// Companion expect; the client sends that encoded value. Repeatable.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub(crate) meta: Vec<(String, String)>,

    /// An extra query parameter, 'name=value' (split at the first '='; the
    /// value raw, not encoded). Signed; repeatable; order kept.
    #[arg(long = "query", value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub(crate) queries: Vec<(String, String)>,

    /// Shorthand for --query versionId=ID.
    #[arg(long, value_name = "ID")]
    pub(crate) version_id: Option<String>,

    /// Shorthand for --query response-content-disposition=VALUE (e.g.
    /// 'attachment; filename="report.pdf"').
    #[arg(long, value_name = "VALUE")]
    pub(crate) response_content_disposition: Option<String>,

    /// Shorthand for --query response-content-type=VALUE.
    #[arg(long, value_name = "VALUE")]
    pub(crate) response_content_type: Option<String>,

    /// Shorthand for --query response-cache-control=VALUE.
    #[arg(long, value_name = "VALUE")]
    pub(crate) response_cache_control: Option<String>,

    /// Shorthand for --query response-expires=VALUE.
    #[arg(long, value_name = "VALUE")]
    pub(crate) response_expires: Option<String>,
}

/// Which of AWS's S3 host forms to use (each also set by the environment or
/// the profile, as the AWS CLI reads it).
#[derive(Debug, Args, Clone, Copy, Default)]
pub(crate) struct EndpointFlags {
    /// Use AWS's dualstack (IPv4 and IPv6) hosts, e.g.
    /// bucket.s3.dualstack.us-west-2.amazonaws.com. Default: the profile's
    /// s3 use_dualstack_endpoint, AWS_USE_DUALSTACK_ENDPOINT, the profile's
    /// use_dualstack_endpoint. Not with a custom --endpoint-url.
    #[arg(long)]
    pub(crate) dualstack: bool,

    /// Use AWS's FIPS 140 hosts, e.g. bucket.s3-fips.us-west-2.amazonaws.com.
    /// Default: AWS_USE_FIPS_ENDPOINT, the profile's use_fips_endpoint. Not in
    /// China regions, nor with a custom --endpoint-url.
    #[arg(long)]
    pub(crate) fips: bool,

    /// Use S3 Transfer Acceleration: bucket.s3-accelerate.amazonaws.com.
    /// Default: the profile's s3 use_accelerate_endpoint. Not for bucket names
    /// with dots, access points or FIPS.
    #[arg(long)]
    pub(crate) accelerate: bool,
}

/// Where and as whom a URL is signed, and for how long: what every command
/// that signs takes, besides the method, headers and query.
#[derive(Debug, Args)]
pub(crate) struct SigningArgs {
    /// How long the URL stays valid: seconds, or a number with unit s, m, h
    /// or d (90, 15m, 12h, 7d). Range 1 s to 7 days (604800 s).
    #[arg(long, value_name = "DURATION", default_value = "3600", value_parser = parse_expires_in, allow_hyphen_values = true)]
    pub(crate) expires_in: u64,

    /// Allow --expires-in beyond 7 days. AWS rejects such URLs; IBM COS and some
    /// other stores do not enforce the limit.
    #[arg(long)]
    pub(crate) allow_long_expiry: bool,

    /// The service endpoint, without the bucket, e.g. http://127.0.0.1:9000 or
    /// https://s3.eu-de.cloud-object-storage.appdomain.cloud.
    #[arg(long, value_name = "URL")]
    pub(crate) endpoint_url: Option<String>,

    /// The signing region. The empty string is valid (IBM COS treats the region
    /// as a wildcard).
    #[arg(long, value_name = "REGION")]
    pub(crate) region: Option<String>,

    /// A profile of ~/.aws/credentials and ~/.aws/config.
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,

    /// Dualstack, FIPS and acceleration.
    #[command(flatten)]
    pub(crate) endpoint: EndpointFlags,

    /// Credentials from an IBM COS service-credentials JSON file (its
    /// cos_hmac_keys object).
    #[arg(long, value_name = "FILE")]
    pub(crate) ibm_credentials: Option<PathBuf>,

    /// Bucket in the host name (virtual) or in the path. auto: virtual-hosted
    /// for AWS endpoints when the bucket allows it, path style for custom
    /// endpoints, IP hosts and localhost. virtual falls back to path style for
    /// buckets that cannot be a host name (dots over https, upper case) and on
    /// IP hosts. Default: the profile's s3 addressing_style, else auto.
    #[arg(long, value_enum, value_name = "STYLE")]
    pub(crate) addressing_style: Option<AddressingArg>,

    /// Accept legacy bucket names with upper case or '_' (old S3 regions and
    /// some S3-compatible stores still serve them); they use path style.
    #[arg(long)]
    pub(crate) allow_legacy_bucket_names: bool,

    /// Sign as of this instant, RFC 3339 UTC (2013-05-24T00:00:00Z).
    /// Default: now.
    #[arg(long, value_name = "TIMESTAMP")]
    pub(crate) at: Option<String>,
}

/// The signature of presigned URLs: `presign` and `presign batch`.
#[derive(Debug, Args)]
pub(crate) struct SignatureVersionArgs {
    /// s3v4: SigV4 (X-Amz-Signature). s3: SigV2 (AWSAccessKeyId, Signature,
    /// Expires), for stores that still document it; AWS refuses it in newer
    /// regions (docs/sigv2.md). Default: the profile's s3 signature_version,
    /// else s3v4.
    #[arg(long, value_enum, value_name = "VERSION")]
    pub(crate) signature_version: Option<SignatureVersionArg>,
}

/// `--signature-version`, in botocore's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SignatureVersionArg {
    /// SigV2 query-string authentication.
    #[value(name = "s3")]
    S3,
    /// SigV4, the default.
    #[value(name = "s3v4")]
    S3v4,
}

impl From<SignatureVersionArg> for presign_config::SignatureVersion {
    fn from(version: SignatureVersionArg) -> Self {
        match version {
            SignatureVersionArg::S3 => Self::S3,
            SignatureVersionArg::S3v4 => Self::S3v4,
        }
    }
}

/// `-X` values: upper case only, as sent on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub(crate) enum MethodArg {
    Get,
    Put,
    Head,
    Delete,
    Post,
}

impl From<MethodArg> for presign::Method {
    fn from(method: MethodArg) -> Self {
        match method {
            MethodArg::Get => Self::Get,
            MethodArg::Put => Self::Put,
            MethodArg::Head => Self::Head,
            MethodArg::Delete => Self::Delete,
            MethodArg::Post => Self::Post,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AddressingArg {
    Auto,
    Path,
    Virtual,
}

impl From<AddressingArg> for presign::Addressing {
    fn from(style: AddressingArg) -> Self {
        match style {
            AddressingArg::Auto => Self::Auto,
            AddressingArg::Path => Self::Path,
            AddressingArg::Virtual => Self::VirtualHost,
        }
    }
}

/// `Name: value` -> (`Name`, `value` without leading blanks).
pub(super) fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("expected 'Name: value', got {text:?} (no ':')"))?;
    Ok((
        name.trim().to_owned(),
        value.trim_start_matches([' ', '\t']).to_owned(),
    ))
}

/// `name=value`, split at the first `=`.
pub(super) fn parse_pair(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected 'name=value', got {text:?} (no '=')"))?;
    Ok((name.to_owned(), value.to_owned()))
}

/// The header `--meta KEY=VALUE` stands for: `x-amz-meta-KEY`, its value
/// RFC 2047-encoded unless it is ASCII ([`presign::encode_metadata_value`]).
pub(crate) fn meta_header(key: &str, value: &str) -> (String, String) {
    (
        format!("x-amz-meta-{key}"),
        presign::encode_metadata_value(value).into_owned(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::cli::parse;

    #[test]
    fn method_must_be_upper_case() {
        assert!(parse(["presign", "-X", "PUT", "s3://b/k"]).is_ok());
        let error = parse(["presign", "-X", "put", "s3://b/k"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(parse(["presign", "-X", "PATCH", "s3://b/k"]).is_err());
    }

    #[test]
    fn malformed_header_and_query_flags_are_usage_errors() {
        assert_eq!(
            parse(["presign", "--header", "no-colon", "s3://b/k"])
                .unwrap_err()
                .exit_code(),
            2
        );
        assert_eq!(
            parse(["presign", "--query", "no-equals", "s3://b/k"])
                .unwrap_err()
                .exit_code(),
            2
        );
    }

    #[test]
    fn empty_region_is_accepted() {
        let invocation = parse(["presign", "--region", "", "s3://b/k"]).unwrap();
        assert_eq!(
            invocation.request_args().signing.region.as_deref(),
            Some("")
        );
    }
}
