//! What to presign: [`PresignRequest`], its [`Method`] and [`Addressing`] style,
//! and the checks every request passes before anything is signed.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::endpoint::{EndpointRef, looks_like_ipv4};
use crate::error::{HeaderProblem, PresignError};

/// `X-Amz-Expires` default: one hour, as `aws s3 presign`.
pub const DEFAULT_EXPIRES_SECS: u64 = 3600;
/// The SigV4 maximum for `X-Amz-Expires`: 7 days.
pub const MAX_EXPIRES_SECS: u64 = 604_800;
/// The largest expiry accepted with [`PresignRequest::allow_long_expiry`]:
/// what a 32-bit unsigned `X-Amz-Expires` holds (about 136 years).
pub const MAX_LONG_EXPIRES_SECS: u64 = u32::MAX as u64;
/// S3's limit on object keys, in UTF-8 bytes.
pub const MAX_KEY_BYTES: usize = 1024;

/// The HTTP method the URL is valid for.
///
/// # Example
/// ```
/// use presign::Method;
///
/// assert_eq!("PUT".parse::<Method>()?, Method::Put);
/// assert!("put".parse::<Method>().is_err());
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// Download an object.
    Get,
    /// Upload an object (or a multipart part).
    Put,
    /// Read an object's metadata.
    Head,
    /// Delete an object.
    Delete,
    /// Multipart create/complete and other POST operations.
    Post,
}

impl Method {
    /// Every method, in the order the URL's method is looked for when a
    /// signature does not match the method sent.
    pub const ALL: [Self; 5] = [Self::Get, Self::Put, Self::Head, Self::Delete, Self::Post];

    /// The method in upper case, as sent.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Head => "HEAD",
            Self::Delete => "DELETE",
            Self::Post => "POST",
        }
    }
}

impl FromStr for Method {
    type Err = PresignError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "GET" => Ok(Self::Get),
            "PUT" => Ok(Self::Put),
            "HEAD" => Ok(Self::Head),
            "DELETE" => Ok(Self::Delete),
            "POST" => Ok(Self::Post),
            _ => Err(PresignError::InvalidMethod {
                method: text.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the bucket goes: in the host name or in the path.
///
/// # Example
/// ```
/// use presign::Addressing;
///
/// assert_eq!("virtual".parse::<Addressing>()?, Addressing::VirtualHost);
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Addressing {
    /// Virtual-hosted style on AWS endpoints when the bucket allows it; path
    /// style on custom endpoints, IP hosts and localhost.
    #[default]
    Auto,
    /// `https://endpoint/bucket/key`.
    Path,
    /// `https://bucket.endpoint/key`, falling back to path style when the
    /// bucket is not a DNS-safe name for the scheme or the host is an IP.
    VirtualHost,
}

impl Addressing {
    /// `auto`, `path` or `virtual`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Path => "path",
            Self::VirtualHost => "virtual",
        }
    }
}

impl FromStr for Addressing {
    type Err = PresignError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "auto" => Ok(Self::Auto),
            "path" => Ok(Self::Path),
            "virtual" => Ok(Self::VirtualHost),
            _ => Err(PresignError::InvalidAddressing {
                style: text.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Addressing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One object operation to presign. Required parts are constructor arguments;
/// the rest have defaults (region `us-east-1`, 3600 s, [`Addressing::Auto`])
/// and chainable setters. Nothing is checked until [`crate::presign()`].
///
/// # Example
/// ```
/// use std::time::Duration;
/// use presign::{Addressing, Method, PresignRequest};
///
/// let request = PresignRequest::new(Method::Put, "https://s3.eu-de.cloud-object-storage.appdomain.cloud", "photos", "in/a.png")
///     .region("eu-de")
///     .expires_in(Duration::from_secs(600))
///     .addressing(Addressing::Path)
///     .header("Content-Type", "image/png");
/// assert_eq!(request.key(), "in/a.png");
/// ```
#[derive(Clone, Debug)]
pub struct PresignRequest {
    pub(crate) method: Method,
    pub(crate) endpoint: String,
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) region: String,
    pub(crate) expires_in: Duration,
    pub(crate) addressing: Addressing,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) allow_long_expiry: bool,
    pub(crate) legacy_bucket_names: bool,
    pub(crate) bucket_operation: bool,
    /// The signing name of the credential scope.
    pub(crate) service: String,
    /// SigV4A's `X-Amz-Region-Set`, when signing with SigV4A.
    pub(crate) region_set: Option<String>,
    /// The query parameter of the session token: `X-Amz-Security-Token`,
    /// or `X-Amz-S3session-Token` for an S3 Express session.
    pub(crate) token_name: &'static str,
}

impl PresignRequest {
    /// A request for `method` on `bucket`/`key` at `endpoint`
    /// (`scheme://host[:port][/base/path]`, without the bucket). The key is
    /// used verbatim: no decoding, no normalisation.
    pub fn new(
        method: Method,
        endpoint: impl Into<String>,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> Self {
        Self {
            method,
            endpoint: endpoint.into(),
            bucket: bucket.into(),
            key: key.into(),
            region: "us-east-1".to_owned(),
            expires_in: Duration::from_secs(DEFAULT_EXPIRES_SECS),
            addressing: Addressing::Auto,
            query: Vec::new(),
            headers: Vec::new(),
            allow_long_expiry: false,
            legacy_bucket_names: false,
            bucket_operation: false,
            service: crate::SERVICE.to_owned(),
            region_set: None,
            token_name: crate::prepared::SECURITY_TOKEN,
        }
    }

    /// The signing name in the credential scope: `s3` (the default),
    /// `s3-object-lambda` (Object Lambda access points), `s3-outposts`
    /// (Outposts) or `s3express` (S3 Express directory buckets). Any
    /// 1..=63 lower-case letters, digits and `-` are accepted.
    ///
    /// ```
    /// use std::time::UNIX_EPOCH;
    /// use presign::{presign, Credentials, Method, PresignRequest};
    ///
    /// let request = PresignRequest::new(Method::Get, "https://s3-object-lambda.us-west-2.amazonaws.com", "bucket", "k")
    ///     .region("us-west-2")
    ///     .service("s3-object-lambda");
    /// let url = presign(&request, &Credentials::new("AKID", "secret"), UNIX_EPOCH)?;
    /// assert!(url.url().contains("X-Amz-Credential=AKID%2F19700101%2Fus-west-2%2Fs3-object-lambda%2Faws4_request"));
    /// # Ok::<(), presign::PresignError>(())
    /// ```
    #[must_use]
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = service.into();
        self
    }

    /// Signs with SigV4A (`AWS4-ECDSA-P256-SHA256`, as Multi-Region Access
    /// Points require) for the regions of `region_set`: regions joined with
    /// `,`, or `*` for all. The scope then has no region (the request's
    /// region is not used) and the set goes in `X-Amz-Region-Set`.
    ///
    /// ```
    /// use std::time::UNIX_EPOCH;
    /// use presign::{presign, Addressing, Credentials, Method, PresignRequest};
    ///
    /// // mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com
    /// let request = PresignRequest::new(Method::Get, "https://mrap.accesspoint.s3-global.amazonaws.com", "mfzwi23gnjvgw", "k")
    ///     .addressing(Addressing::VirtualHost)
    ///     .sigv4a("*");
    /// let presigned = presign(&request, &Credentials::new("AKID", "secret"), UNIX_EPOCH)?;
    /// assert!(presigned.url().starts_with(
    ///     "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/k?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256\
    ///      &X-Amz-Credential=AKID%2F19700101%2Fs3%2Faws4_request&X-Amz-Date=19700101T000000Z\
    ///      &X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Region-Set=%2A&X-Amz-Signature=30"
    /// ));
    /// # Ok::<(), presign::PresignError>(())
    /// ```
    #[must_use]
    pub fn sigv4a(mut self, region_set: impl Into<String>) -> Self {
        self.region_set = Some(region_set.into());
        self
    }

    /// S3 Express session auth: the credentials' session token (from
    /// `CreateSession`) goes in `X-Amz-S3session-Token`, not
    /// `X-Amz-Security-Token`, at the same place in the URL and signed, as
    /// botocore's `S3ExpressQueryAuth` writes it. Use with
    /// `.service("s3express")`.
    #[must_use]
    pub fn express_session(mut self, on: bool) -> Self {
        self.token_name = if on {
            crate::prepared::S3_SESSION_TOKEN
        } else {
            crate::prepared::SECURITY_TOKEN
        };
        self
    }

    /// The signing name of the credential scope.
    #[must_use]
    pub fn signing_service(&self) -> &str {
        &self.service
    }

    /// SigV4A's region set, when the request is signed with SigV4A.
    #[must_use]
    pub fn sigv4a_region_set(&self) -> Option<&str> {
        self.region_set.as_deref()
    }

    /// Whether the session token goes in `X-Amz-S3session-Token`.
    #[must_use]
    pub fn is_express_session(&self) -> bool {
        self.token_name == crate::prepared::S3_SESSION_TOKEN
    }

    /// The signing region; any `[a-z0-9-]*` string, the empty one included.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// How long the URL stays valid: whole seconds, 1 s to 7 days.
    #[must_use]
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_in = expires_in;
        self
    }

    /// Allows expiries beyond 7 days (up to [`MAX_LONG_EXPIRES_SECS`]). AWS
    /// rejects such URLs; IBM COS and some other stores accept them.
    #[must_use]
    pub fn allow_long_expiry(mut self, allow: bool) -> Self {
        self.allow_long_expiry = allow;
        self
    }

    /// Accepts legacy bucket names with upper case or `_` (up to 255
    /// characters), which old S3 regions and several S3-compatible stores
    /// still serve. They always use path style.
    #[must_use]
    pub fn legacy_bucket_names(mut self, allow: bool) -> Self {
        self.legacy_bucket_names = allow;
        self
    }

    /// Signs an operation on the bucket itself (a listing, `HEAD` bucket)
    /// instead of on an object: the key must then be empty, and the path is
    /// the bucket's (`/bucket` in path style, as botocore writes it; `/` on a
    /// virtual host).
    ///
    /// ```
    /// use std::time::UNIX_EPOCH;
    /// use presign::{presign, Credentials, Method, PresignRequest};
    ///
    /// let list = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "")
    ///     .bucket_operation(true)
    ///     .query("list-type", "2");
    /// let url = presign(&list, &Credentials::new("AKID", "secret"), UNIX_EPOCH)?;
    /// assert!(url.url().starts_with("http://127.0.0.1:9000/bucket?list-type=2&X-Amz-Algorithm="));
    /// // Without the opt-in, an empty key is refused.
    /// assert!(presign(&PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", ""), &Credentials::new("AKID", "secret"), UNIX_EPOCH).is_err());
    /// # Ok::<(), presign::PresignError>(())
    /// ```
    #[must_use]
    pub fn bucket_operation(mut self, bucket_operation: bool) -> Self {
        self.bucket_operation = bucket_operation;
        self
    }

    /// Bucket in the host name or in the path.
    #[must_use]
    pub fn addressing(mut self, addressing: Addressing) -> Self {
        self.addressing = addressing;
        self
    }

    /// Appends an extra query parameter, signed. `value` is raw (it is
    /// encoded here); the order of calls is the order in the URL.
    #[must_use]
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Appends a header the client must send with exactly this value; it is
    /// signed (and listed in `X-Amz-SignedHeaders`).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The same request for another object key (used to reuse one template).
    #[must_use]
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    /// The same request with another method (a `DELETE` of the object a
    /// `GET` names, on the same host, with the same signing form).
    #[must_use]
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// The method.
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// The endpoint as given.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The bucket.
    #[must_use]
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The object key, raw.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The expiry as set (checked when signing).
    #[must_use]
    pub fn expiry(&self) -> Duration {
        self.expires_in
    }

    /// The extra query parameters, raw, in URL order.
    #[must_use]
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The extra signed headers, as given.
    #[must_use]
    pub fn header_pairs(&self) -> &[(String, String)] {
        &self.headers
    }

    /// Checks the key: 1..=1024 bytes for an object, empty for a bucket
    /// operation.
    pub(crate) fn check_key(&self) -> Result<(), PresignError> {
        if !self.bucket_operation {
            validate_key(&self.key)
        } else if self.key.is_empty() {
            Ok(())
        } else {
            Err(PresignError::InvalidKey {
                reason: "a bucket operation takes no key".to_owned(),
            })
        }
    }

    /// Whether `other` asks for the same thing for maybe another key: every
    /// field equal but the key. (Destructured, so that a new field cannot be
    /// forgotten here.)
    pub(crate) fn same_but_key(&self, other: &Self) -> bool {
        let Self {
            method,
            endpoint,
            bucket,
            key: _,
            region,
            expires_in,
            addressing,
            query,
            headers,
            allow_long_expiry,
            legacy_bucket_names,
            bucket_operation,
            service,
            region_set,
            token_name,
        } = self;
        *method == other.method
            && *bucket_operation == other.bucket_operation
            && *expires_in == other.expires_in
            && *addressing == other.addressing
            && *allow_long_expiry == other.allow_long_expiry
            && *legacy_bucket_names == other.legacy_bucket_names
            && *bucket == other.bucket
            && *endpoint == other.endpoint
            && *region == other.region
            && *query == other.query
            && *headers == other.headers
            && *token_name == other.token_name
            && *service == other.service
            && *region_set == other.region_set
    }

    /// The expiry in whole seconds, checked against the allowed range.
    pub(crate) fn expires_secs(&self) -> Result<u64, PresignError> {
        if self.expires_in.subsec_nanos() != 0 {
            return Err(PresignError::ExpiresNotWholeSeconds);
        }
        let seconds = self.expires_in.as_secs();
        let max = if self.allow_long_expiry {
            MAX_LONG_EXPIRES_SECS
        } else {
            MAX_EXPIRES_SECS
        };
        if (1..=max).contains(&seconds) {
            Ok(seconds)
        } else {
            Err(PresignError::ExpiresOutOfRange { seconds, max })
        }
    }

    /// Checks bucket, query parameters and headers (the key is checked per
    /// key, with [`validate_key`], so a batch can share the rest).
    pub(crate) fn validate_parts_but_key(&self) -> Result<(), PresignError> {
        validate_bucket(&self.bucket, self.legacy_bucket_names)?;
        validate_query(&self.query)?;
        validate_headers(&self.headers)?;
        self.validate_signing()
    }

    /// Checks the service, the SigV4A region set and that the options fit
    /// together.
    pub(crate) fn validate_signing(&self) -> Result<(), PresignError> {
        validate_service(&self.service)?;
        if let Some(region_set) = &self.region_set {
            crate::sigv4a::validate_region_set(region_set)?;
            if self.is_express_session() {
                return Err(PresignError::ConflictingSigningOptions {
                    reason: "S3 Express session auth signs with SigV4, not SigV4A; \
                             drop one of express_session and sigv4a",
                });
            }
        }
        Ok(())
    }

    /// The addressing style actually used at `endpoint`.
    pub(crate) fn effective_addressing(&self, endpoint: EndpointRef<'_>) -> Addressing {
        let can_be_virtual =
            !endpoint.is_ip_host() && virtual_hostable(&self.bucket, endpoint.is_https());
        let virtual_host = match self.addressing {
            Addressing::Path => false,
            Addressing::VirtualHost => can_be_virtual,
            Addressing::Auto => can_be_virtual && endpoint.is_aws(),
        };
        if virtual_host {
            Addressing::VirtualHost
        } else {
            Addressing::Path
        }
    }
}

/// One DNS label of a bucket name: `[a-z0-9]` at both ends, `[a-z0-9-]` inside.
fn dns_label_ok(bytes: &[u8]) -> bool {
    let end_ok =
        |byte: Option<&u8>| byte.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    end_ok(bytes.first())
        && end_ok(bytes.last())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// Whether every dot-separated label of `name` is a DNS label.
fn dns_labels_ok(name: &str) -> bool {
    name.as_bytes()
        .split(|&byte| byte == b'.')
        .all(dns_label_ok)
}

/// Whether the bucket can go into a host name: a lower-case DNS name of
/// 3..=63 characters, not an IPv4 address, and without dots over https (a
/// dotted name breaks the `*.s3` wildcard TLS certificate).
fn virtual_hostable(bucket: &str, https: bool) -> bool {
    (3..=63).contains(&bucket.len())
        && !looks_like_ipv4(bucket)
        && !(https && bucket.bytes().any(|byte| byte == b'.'))
        && dns_labels_ok(bucket)
}

fn validate_bucket(bucket: &str, legacy: bool) -> Result<(), PresignError> {
    let fail = |reason| PresignError::InvalidBucket {
        bucket: bucket.to_owned(),
        reason,
    };
    if legacy {
        if !(3..=255).contains(&bucket.len()) {
            return Err(fail("legacy bucket names are 3..=255 characters long"));
        }
        if !bucket
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        {
            return Err(fail(
                "legacy bucket names may only hold letters, digits, '.', '_' and '-'",
            ));
        }
        return Ok(());
    }
    if !(3..=63).contains(&bucket.len()) {
        return Err(fail("bucket names are 3..=63 characters long"));
    }
    if !bucket
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Err(fail(
            "only lower-case letters, digits, '.' and '-' are allowed",
        ));
    }
    if !dns_labels_ok(bucket) {
        return Err(fail(
            "each dot-separated part must start and end with a letter or digit (no '..', '.-' or '-.')",
        ));
    }
    if looks_like_ipv4(bucket) {
        return Err(fail("bucket names must not look like an IP address"));
    }
    Ok(())
}

/// Checks an object key: 1..=1024 UTF-8 bytes.
pub(crate) fn validate_key(key: &str) -> Result<(), PresignError> {
    if key.is_empty() {
        return Err(PresignError::InvalidKey {
            reason: "it is empty; an object operation needs a key of 1..=1024 UTF-8 bytes"
                .to_owned(),
        });
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(PresignError::InvalidKey {
            reason: format!("it is {} UTF-8 bytes long; S3 allows 1..=1024", key.len()),
        });
    }
    Ok(())
}

/// Checks a signing name: 1..=63 lower-case letters, digits and `-`.
pub(crate) fn validate_service(service: &str) -> Result<(), PresignError> {
    if (1..=63).contains(&service.len())
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(())
    } else {
        Err(PresignError::InvalidService {
            service: service.to_owned(),
        })
    }
}

/// The SigV4 and SigV4A query parameters presign writes itself.
pub(crate) const AUTH_PARAMETERS: [&str; 9] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
    "X-Amz-S3session-Token",
    "X-Amz-Region-Set",
];

fn validate_query(query: &[(String, String)]) -> Result<(), PresignError> {
    for (index, (name, _)) in query.iter().enumerate() {
        let fail = |reason| PresignError::InvalidQueryParameter {
            name: name.clone(),
            reason,
        };
        if name.is_empty() {
            return Err(fail("the name is empty"));
        }
        if AUTH_PARAMETERS
            .iter()
            .any(|auth| auth.eq_ignore_ascii_case(name))
        {
            return Err(fail(
                "it collides with a SigV4 authentication parameter, which presign sets itself",
            ));
        }
        if query[..index].iter().any(|(earlier, _)| earlier == name) {
            return Err(fail("it is given twice; a parameter may appear once"));
        }
    }
    Ok(())
}

/// An HTTP token character (RFC 9110 `tchar`).
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

fn validate_headers(headers: &[(String, String)]) -> Result<(), PresignError> {
    for (index, (name, value)) in headers.iter().enumerate() {
        let fail = |reason| PresignError::InvalidHeader {
            name: name.clone(),
            reason,
        };
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(fail(HeaderProblem::NotAToken));
        }
        if name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("authorization") {
            return Err(fail(HeaderProblem::Reserved));
        }
        if headers[..index]
            .iter()
            .any(|(earlier, _)| earlier.eq_ignore_ascii_case(name))
        {
            return Err(fail(HeaderProblem::GivenTwice));
        }
        if !value
            .bytes()
            .all(|b| b == b'\t' || (0x20..=0x7e).contains(&b))
        {
            return Err(fail(HeaderProblem::ValueNotPrintableAscii));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_rules_follow_current_s3_naming() {
        for good in ["abc", "my.dotted.bucket", "123", "a-b-c", &"a".repeat(63)] {
            assert!(validate_bucket(good, false).is_ok(), "{good:?}");
        }
        for bad in [
            "ab",
            "MyBucket",
            "my_bucket",
            "-bucket",
            "bucket-",
            "a..b",
            "a.-b",
            "192.168.5.4",
            "a/b",
            "",
            "my bucket",
            &"b".repeat(64),
        ] {
            assert!(validate_bucket(bad, false).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn legacy_names_allow_upper_case_and_underscore_only_when_asked() {
        assert!(validate_bucket("MyBucket", true).is_ok());
        assert!(validate_bucket("my_bucket", true).is_ok());
        assert!(validate_bucket("a/b", true).is_err());
        assert!(validate_bucket("my bucket", true).is_err());
    }

    #[test]
    fn virtual_hosting_needs_a_dns_safe_bucket() {
        assert!(virtual_hostable("examplebucket", true));
        assert!(!virtual_hostable("my.dotted.bucket", true));
        assert!(virtual_hostable("my.dotted.bucket", false));
        assert!(!virtual_hostable("MyBucket", false));
        assert!(!virtual_hostable("192.168.5.4", false));
    }

    #[test]
    fn auto_addressing_is_virtual_only_on_aws() {
        let request = PresignRequest::new(Method::Get, "", "examplebucket", "k");
        let aws = EndpointRef::parse("https://s3.amazonaws.com");
        let minio = EndpointRef::parse("http://minio.local:9000");
        let (Ok(aws), Ok(minio)) = (aws, minio) else {
            unreachable!("valid endpoints")
        };
        assert_eq!(request.effective_addressing(aws), Addressing::VirtualHost);
        assert_eq!(request.effective_addressing(minio), Addressing::Path);
        let virtual_request = request.addressing(Addressing::VirtualHost);
        assert_eq!(
            virtual_request.effective_addressing(minio),
            Addressing::VirtualHost
        );
    }

    #[test]
    fn expiry_range_is_one_second_to_seven_days_unless_widened() {
        let request = |secs| {
            PresignRequest::new(Method::Get, "", "b", "k").expires_in(Duration::from_secs(secs))
        };
        assert_eq!(request(1).expires_secs(), Ok(1));
        assert_eq!(request(604_800).expires_secs(), Ok(604_800));
        assert!(request(0).expires_secs().is_err());
        assert!(request(604_801).expires_secs().is_err());
        assert_eq!(
            request(604_801).allow_long_expiry(true).expires_secs(),
            Ok(604_801)
        );
        let fractional =
            PresignRequest::new(Method::Get, "", "b", "k").expires_in(Duration::from_millis(1500));
        assert_eq!(
            fractional.expires_secs(),
            Err(PresignError::ExpiresNotWholeSeconds)
        );
    }

    #[test]
    fn auth_parameters_and_duplicates_are_refused_in_the_query() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert!(validate_query(&pairs(&[("versionId", "a"), ("uploads", "")])).is_ok());
        assert!(validate_query(&pairs(&[("X-Amz-Signature", "x")])).is_err());
        assert!(validate_query(&pairs(&[("x-amz-credential", "x")])).is_err());
        assert!(validate_query(&pairs(&[("versionId", "a"), ("versionId", "b")])).is_err());
        assert!(validate_query(&pairs(&[("", "x")])).is_err());
    }

    #[test]
    fn header_names_values_and_duplicates_are_checked() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert!(validate_headers(&pairs(&[("Content-Type", "a b\tc")])).is_ok());
        for bad in [
            pairs(&[("x amz", "1")]),
            pairs(&[("Host", "evil.example")]),
            pairs(&[("Content-Type", "a"), ("content-type", "b")]),
            pairs(&[("x-amz-meta-a", "x\r\nInjected: 1")]),
            pairs(&[("x-amz-meta-a", "caf\u{e9}")]),
        ] {
            assert!(validate_headers(&bad).is_err(), "{bad:?}");
        }
    }
}
