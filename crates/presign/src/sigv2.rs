//! SigV2 query-string authentication (`AWSAccessKeyId`, `Signature`,
//! `Expires`): an opt-in for stores that document it, never the default.
//!
//! Why a second signature at all: IBM COS, DigitalOcean Spaces and other
//! S3-compatible stores still document SigV2 presigned URLs, and botocore
//! writes them with `Config(signature_version='s3')`. AWS deprecated SigV2
//! (HMAC-SHA1, no region, no scope) and regions opened since 2014 refuse it,
//! so [`crate::presign()`] stays SigV4 and this is a separate entry point.
//!
//! The rules are botocore's `HmacV1QueryAuth` (botocore 1.43.11), which the
//! differential test checks byte for byte:
//! - the string to sign is the method, the `Content-MD5` and `Content-Type`
//!   header values, `Expires` (the Unix time the URL stops working), the
//!   `x-amz-*` headers as `name:value` lines sorted by name (the session
//!   token among them as `x-amz-security-token`), and the canonical resource;
//! - the canonical resource is `/bucket/key` (the key encoded as in the URL)
//!   whatever the addressing style and base path, then `?` and the query
//!   parameters S3 treats as sub-resources (`versionId`, `uploadId`,
//!   `partNumber`, `response-*`, ...) sorted by name, their values decoded;
//!   other query parameters are sent but not signed, as botocore does;
//! - the signature is HMAC-SHA1 of it with the secret, in base64;
//! - the URL's query is the request's own parameters, then `AWSAccessKeyId`,
//!   `Signature`, the signed headers (lower-case names, in the order given),
//!   `x-amz-security-token`, and `Expires` last.
//!
//! Headers other than `Content-Type`, `Content-MD5` and `x-amz-*` are not
//! part of a SigV2 signature; botocore leaves them out of the URL silently,
//! this module refuses them, so that a header the caller asked for is never
//! left unenforced. POST (multipart create and complete) is refused too.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit as _, Mac as _};

use crate::credentials::Credentials;
use crate::encode;
use crate::error::{HeaderProblem, PresignError};
use crate::prepared::{Checked, signing_instant};
use crate::request::{Method, PresignRequest};

type HmacSha1 = hmac::Hmac<sha1::Sha1>;

/// The query parameters that are part of the SigV2 canonical resource: the
/// list botocore 1.43.11 keeps (`HmacV1Auth.QSAOfInterest`), which is S3's
/// list of sub-resources and response overrides.
const SUB_RESOURCES: [&str; 36] = [
    "accelerate",
    "acl",
    "cors",
    "defaultObjectAcl",
    "location",
    "logging",
    "partNumber",
    "policy",
    "requestPayment",
    "torrent",
    "versioning",
    "versionId",
    "versions",
    "website",
    "uploads",
    "uploadId",
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "delete",
    "lifecycle",
    "tagging",
    "restore",
    "storageClass",
    "notification",
    "replication",
    "analytics",
    "metrics",
    "inventory",
    "select",
    "select-type",
    "object-lock",
    // Listed twice in botocore; once is enough here.
    "requestPayment",
];

/// The query parameters SigV2 presigning writes itself.
pub(crate) const SIGV2_AUTH_PARAMETERS: [&str; 4] = [
    "AWSAccessKeyId",
    "Signature",
    "Expires",
    "x-amz-security-token",
];

/// A SigV2 presigned URL and the string that was signed for it.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{presign_v2, Credentials, Method, PresignRequest};
///
/// // The query-string example of the AWS SigV2 documentation
/// // (RESTAuthentication, "Query string request authentication").
/// let request = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "johnsmith", "photos/puppy.jpg")
///     .expires_in(Duration::from_secs(3600));
/// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let presigned = presign_v2(&request, &credentials, UNIX_EPOCH + Duration::from_secs(1_175_136_020))?;
/// assert_eq!(presigned.string_to_sign(), "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg");
/// assert_eq!(
///     presigned.url(),
///     "https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620"
/// );
/// assert_eq!(presigned.expires(), 1_175_139_620);
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PresignedUrlV2 {
    url: String,
    method: Method,
    string_to_sign: String,
    signature: String,
    expires: u64,
}

impl PresignedUrlV2 {
    /// The presigned URL.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The method the URL is valid for.
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }

    /// The exact string that was signed (lines joined with `\n`).
    #[must_use]
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature: base64 of the HMAC-SHA1, before URL encoding.
    #[must_use]
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// `Expires`: the Unix time, in seconds, at which the URL stops working.
    #[must_use]
    pub fn expires(&self) -> u64 {
        self.expires
    }

    /// The instant the URL stops working.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.expires)
    }
}

/// Presigns `request` with SigV2 query-string authentication, as botocore's
/// `signature_version='s3'` does. The request's endpoint, bucket, key,
/// addressing, query, headers and expiry are used as by [`crate::presign()`];
/// the region is checked but not signed (SigV2 has no scope).
///
/// # Errors
/// Every error of [`crate::presign()`], and also:
/// [`PresignError::UnsupportedBySigV2`] for POST;
/// [`PresignError::InvalidHeader`] for a header SigV2 does not sign (anything
/// but `Content-Type`, `Content-MD5` and `x-amz-*`) or for
/// `x-amz-security-token` (it comes from the credentials);
/// [`PresignError::InvalidQueryParameter`] for a query parameter named like a
/// SigV2 auth parameter.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{presign_v2, Credentials, Method, PresignRequest};
///
/// let request = PresignRequest::new(Method::Put, "http://127.0.0.1:9000", "bucket", "in/a b.png")
///     .header("Content-Type", "image/png")
///     .expires_in(Duration::from_secs(600));
/// let credentials = Credentials::new("AKIDEXAMPLE", "secret").with_session_token("token");
/// let presigned = presign_v2(&request, &credentials, UNIX_EPOCH + Duration::from_secs(1_700_000_000))?;
/// assert_eq!(
///     presigned.string_to_sign(),
///     "PUT\n\nimage/png\n1700000600\nx-amz-security-token:token\n/bucket/in/a%20b.png"
/// );
/// assert!(presigned.url().starts_with("http://127.0.0.1:9000/bucket/in/a%20b.png?AWSAccessKeyId=AKIDEXAMPLE&Signature="));
/// assert!(presigned.url().ends_with("&content-type=image%2Fpng&x-amz-security-token=token&Expires=1700000600"));
/// # Ok::<(), presign::PresignError>(())
/// ```
pub fn presign_v2(
    request: &PresignRequest,
    credentials: &Credentials,
    now: SystemTime,
) -> Result<PresignedUrlV2, PresignError> {
    let checked = Checked::new(request, Some(credentials))?;
    request.check_key()?;
    check_sigv2(request)?;
    let signed_at = signing_instant(now, checked.expires_in)?;
    let expires = signed_at.unix_seconds() + checked.expires_in;

    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let string_to_sign = string_to_sign(&StringToSignParts {
        method: request.method.as_str(),
        headers: &headers,
        session_token: credentials.session_token(),
        expires,
        bucket: &request.bucket,
        key: &request.key,
        query: &request.query,
    });
    let signature = sign(credentials.secret_access_key(), &string_to_sign);

    let mut url = String::with_capacity(256);
    checked.write_origin(&mut url);
    checked.write_path_prefix(&mut url);
    encode::path_into(&mut url, &request.key);
    url.push('?');
    checked.write_request_query(&mut url, |_| {});
    let pair = |url: &mut String, name: &str, value: &str| {
        if !url.ends_with('?') {
            url.push('&');
        }
        url.push_str(name);
        url.push('=');
        encode::query_into(url, value);
    };
    pair(&mut url, "AWSAccessKeyId", credentials.access_key_id());
    pair(&mut url, "Signature", &signature);
    for (name, value) in &request.headers {
        pair(&mut url, &name.to_ascii_lowercase(), value);
    }
    if let Some(token) = credentials.session_token() {
        pair(&mut url, "x-amz-security-token", token);
    }
    pair(&mut url, "Expires", &expires.to_string());

    Ok(PresignedUrlV2 {
        url,
        method: request.method,
        string_to_sign,
        signature,
        expires,
    })
}

/// Refuses what a SigV2 presigned URL cannot carry.
fn check_sigv2(request: &PresignRequest) -> Result<(), PresignError> {
    // Object Lambda, Outposts and S3 Express take SigV4 only, and a
    // Multi-Region Access Point SigV4A.
    if request.sigv4a_region_set().is_some() {
        return Err(PresignError::UnsupportedBySigV2 {
            part: "a Multi-Region Access Point".to_owned(),
            reason: "it takes SigV4A signatures only; sign with SigV4 (signature version s3v4)",
        });
    }
    if request.signing_service() != crate::SERVICE || request.is_express_session() {
        return Err(PresignError::UnsupportedBySigV2 {
            part: format!("signing name {}", request.signing_service()),
            reason: "S3 Object Lambda, S3 on Outposts and S3 Express take SigV4 only; sign with \
                     signature version s3v4",
        });
    }
    if request.method == Method::Post {
        return Err(PresignError::UnsupportedBySigV2 {
            part: "method POST".to_owned(),
            reason: "SigV2 presigning covers GET, PUT, HEAD and DELETE; sign POST with SigV4",
        });
    }
    for (name, _) in &request.headers {
        let lower = name.to_ascii_lowercase();
        if lower == "x-amz-security-token" {
            return Err(PresignError::InvalidHeader {
                name: name.clone(),
                reason: HeaderProblem::SessionTokenAsHeader,
            });
        }
        if !(lower == "content-type" || lower == "content-md5" || lower.starts_with("x-amz-")) {
            return Err(PresignError::InvalidHeader {
                name: name.clone(),
                reason: HeaderProblem::NotSignedBySigV2,
            });
        }
    }
    for (name, _) in &request.query {
        if SIGV2_AUTH_PARAMETERS
            .iter()
            .any(|auth| auth.eq_ignore_ascii_case(name))
        {
            return Err(PresignError::InvalidQueryParameter {
                name: name.clone(),
                reason: "it collides with a SigV2 authentication parameter, which presign sets itself",
            });
        }
    }
    Ok(())
}

/// What a SigV2 string to sign is made of: the same rule for a request
/// being signed ([`presign_v2`]) and for a URL being checked
/// ([`crate::verify_v2`]).
pub(crate) struct StringToSignParts<'a> {
    /// The method, upper case.
    pub(crate) method: &'a str,
    /// The request's headers (name, value); only `Content-MD5`,
    /// `Content-Type` and `x-amz-*` are signed.
    pub(crate) headers: &'a [(&'a str, &'a str)],
    /// Signed as the header `x-amz-security-token`.
    pub(crate) session_token: Option<&'a str>,
    /// `Expires`, Unix seconds.
    pub(crate) expires: u64,
    /// The bucket and the key, decoded.
    pub(crate) bucket: &'a str,
    pub(crate) key: &'a str,
    /// The query parameters, decoded; only the sub-resources are signed.
    pub(crate) query: &'a [(String, String)],
}

/// The value of the first header named `name` (lower case), stripped of
/// surrounding blanks as botocore strips it; empty when absent.
fn header_value<'h>(headers: &[(&str, &'h str)], name: &str) -> &'h str {
    headers
        .iter()
        .find(|(given, _)| given.eq_ignore_ascii_case(name))
        .map_or("", |(_, value)| value.trim_matches([' ', '\t']))
}

/// The string to sign, as botocore's `HmacV1Auth.canonical_string` writes it.
pub(crate) fn string_to_sign(parts: &StringToSignParts<'_>) -> String {
    let mut out = String::with_capacity(128);
    out.push_str(parts.method);
    out.push('\n');
    out.push_str(header_value(parts.headers, "content-md5"));
    out.push('\n');
    out.push_str(header_value(parts.headers, "content-type"));
    out.push('\n');
    out.push_str(&parts.expires.to_string());
    out.push('\n');

    let mut amz_headers: Vec<(String, &str)> = parts
        .headers
        .iter()
        .filter_map(|(name, value)| {
            let lower = name.to_ascii_lowercase();
            (lower.starts_with("x-amz-") && lower != "x-amz-security-token")
                .then(|| (lower, value.trim_matches([' ', '\t'])))
        })
        .chain(
            parts
                .session_token
                .map(|token| ("x-amz-security-token".to_owned(), token)),
        )
        .collect();
    amz_headers.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, value) in amz_headers {
        out.push_str(&name);
        out.push(':');
        out.push_str(value);
        out.push('\n');
    }

    write_canonical_resource(&mut out, parts);
    out
}

/// `/bucket/key` (`/bucket/` for a bucket operation), then the
/// sub-resources: botocore signs the path as its request template renders
/// it, without the endpoint's base path and with the bucket even on a
/// virtual host.
fn write_canonical_resource(out: &mut String, parts: &StringToSignParts<'_>) {
    out.push('/');
    encode::path_into(out, parts.bucket);
    out.push('/');
    encode::path_into(out, parts.key);
    let mut sub_resources: Vec<&(String, String)> = parts
        .query
        .iter()
        .filter(|(name, _)| SUB_RESOURCES.contains(&name.as_str()))
        .collect();
    // A stable sort by name, as botocore's; names are unique anyway.
    sub_resources.sort_by(|a, b| a.0.cmp(&b.0));
    for (index, (name, value)) in sub_resources.into_iter().enumerate() {
        out.push(if index == 0 { '?' } else { '&' });
        // botocore splits the URL's encoded query and decodes the values
        // only; these names need no encoding.
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
}

/// Whether `signature` (base64) is HMAC-SHA1(`secret`, `text`), compared in
/// constant time.
pub(crate) fn signature_matches(secret: &str, text: &str, signature: &str) -> bool {
    let Ok(expected) = STANDARD.decode(signature) else {
        return false;
    };
    let mut mac = HmacSha1::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(text.as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// base64 of HMAC-SHA1(`secret`, `text`).
fn sign(secret: &str, text: &str) -> String {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = HmacSha1::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(text.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(unix: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix)
    }

    #[test]
    fn hosts_that_take_sigv4_only_are_refused() {
        let base = PresignRequest::new(
            Method::Get,
            "https://s3.us-west-2.amazonaws.com",
            "bucket",
            "k",
        );
        for (request, part) in [
            (base.clone().sigv4a("*"), "Multi-Region Access Point"),
            (
                base.clone().service("s3-object-lambda"),
                "signing name s3-object-lambda",
            ),
            (
                base.clone().service("s3express").express_session(true),
                "signing name s3express",
            ),
        ] {
            let error =
                presign_v2(&request, &aws_doc_credentials(), at(1_700_000_000)).unwrap_err();
            assert!(error.to_string().contains(part), "{error}");
        }
        assert!(presign_v2(&base, &aws_doc_credentials(), at(1_700_000_000)).is_ok());
    }

    fn aws_doc_credentials() -> Credentials {
        Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
    }

    /// The AWS SigV2 documentation's query-string example: GET
    /// /johnsmith/photos/puppy.jpg, Expires 1175139620, signature
    /// NpgCjnDzrM+WFzoENXmpNDUsSn8=.
    #[test]
    fn reproduces_the_aws_documentation_example_in_both_addressing_styles() {
        for (addressing, url_start) in [
            (
                crate::Addressing::Path,
                "https://s3.amazonaws.com/johnsmith/photos/puppy.jpg?",
            ),
            (
                crate::Addressing::VirtualHost,
                "https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?",
            ),
        ] {
            let request = PresignRequest::new(
                Method::Get,
                "https://s3.amazonaws.com",
                "johnsmith",
                "photos/puppy.jpg",
            )
            .addressing(addressing);
            let Ok(presigned) = presign_v2(&request, &aws_doc_credentials(), at(1_175_136_020))
            else {
                unreachable!("a valid request")
            };
            assert_eq!(
                presigned.string_to_sign(),
                "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg"
            );
            assert_eq!(presigned.signature(), "NpgCjnDzrM+WFzoENXmpNDUsSn8=");
            assert_eq!(
                presigned.url(),
                format!(
                    "{url_start}AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620"
                )
            );
            assert_eq!(presigned.expires_at(), at(1_175_139_620));
        }
    }

    /// botocore 1.43.11 (`signature_version='s3'`, endpoint
    /// `https://s3.example.com:443`, path style, keys `AKID`/`secret`, at
    /// Unix 1700000000.5): sub-resources sorted by name with their values
    /// decoded; other parameters (`list-type`, `encoding-type`) sent but not
    /// signed; a bucket operation's resource ends in `/`.
    #[test]
    fn sub_resources_and_bucket_operations_sign_as_botocore_signs_them() {
        let credentials = Credentials::new("AKID", "secret");
        let now = UNIX_EPOCH + Duration::from_millis(1_700_000_000_500);
        let upload_part =
            PresignRequest::new(Method::Put, "https://s3.example.com:443", "mybucket", "k")
                .addressing(crate::Addressing::Path)
                .expires_in(Duration::from_secs(600))
                .query("uploadId", "u/1 2")
                .query("partNumber", "3");
        let Ok(presigned) = presign_v2(&upload_part, &credentials, now) else {
            unreachable!("a valid request")
        };
        assert_eq!(
            presigned.string_to_sign(),
            "PUT\n\n\n1700000600\n/mybucket/k?partNumber=3&uploadId=u/1 2"
        );
        assert_eq!(
            presigned.url(),
            "https://s3.example.com:443/mybucket/k?uploadId=u%2F1%202&partNumber=3&AWSAccessKeyId=AKID&Signature=QPknGb926VujODnWV9nrD1ERHGw%3D&Expires=1700000600"
        );

        let list = PresignRequest::new(Method::Get, "https://s3.example.com:443", "mybucket", "")
            .addressing(crate::Addressing::Path)
            .bucket_operation(true)
            .expires_in(Duration::from_secs(600))
            .query("list-type", "2")
            .query("encoding-type", "url");
        let Ok(presigned) = presign_v2(&list, &credentials, now) else {
            unreachable!("a valid request")
        };
        assert_eq!(
            presigned.string_to_sign(),
            "GET\n\n\n1700000600\n/mybucket/"
        );
        assert_eq!(
            presigned.url(),
            "https://s3.example.com:443/mybucket?list-type=2&encoding-type=url&AWSAccessKeyId=AKID&Signature=jBcHxvEibRMyDkW5AigQnMqgskI%3D&Expires=1700000600"
        );
    }

    #[test]
    fn the_expiry_range_is_sigv4_s_unless_widened() {
        let request = |secs| {
            PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "k")
                .expires_in(Duration::from_secs(secs))
        };
        let credentials = aws_doc_credentials();
        assert!(presign_v2(&request(604_800), &credentials, at(0)).is_ok());
        assert_eq!(
            presign_v2(&request(604_801), &credentials, at(0)).err(),
            Some(PresignError::ExpiresOutOfRange {
                seconds: 604_801,
                max: crate::MAX_EXPIRES_SECS
            })
        );
        assert!(presign_v2(&request(0), &credentials, at(0)).is_err());
        assert!(
            presign_v2(
                &request(604_801).allow_long_expiry(true),
                &credentials,
                at(0)
            )
            .is_ok()
        );
    }

    #[test]
    fn what_sigv2_cannot_sign_is_refused_by_name() {
        let base = || PresignRequest::new(Method::Put, "http://127.0.0.1:9000", "bucket", "k");
        let credentials = aws_doc_credentials();
        let refused = |request: PresignRequest| presign_v2(&request, &credentials, at(0)).err();
        assert!(matches!(
            refused(PresignRequest::new(
                Method::Post,
                "http://127.0.0.1:9000",
                "bucket",
                "k"
            )),
            Some(PresignError::UnsupportedBySigV2 { .. })
        ));
        for header in ["Cache-Control", "x-amz-security-token", "Date"] {
            assert!(
                matches!(
                    refused(base().header(header, "v")),
                    Some(PresignError::InvalidHeader { ref name, .. }) if name == header
                ),
                "{header}"
            );
        }
        for name in [
            "Signature",
            "expires",
            "AWSAccessKeyId",
            "X-Amz-Security-Token",
        ] {
            assert!(
                matches!(
                    refused(base().query(name, "v")),
                    Some(PresignError::InvalidQueryParameter { name: ref refused, .. }) if refused == name
                ),
                "{name}"
            );
        }
        assert!(
            presign_v2(
                &base()
                    .header("Content-MD5", "x")
                    .header("x-amz-meta-a", "b"),
                &credentials,
                at(0)
            )
            .is_ok()
        );
    }

    #[test]
    fn the_secret_never_shows_in_the_result() {
        let request = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "k");
        let credentials = Credentials::new("AKID", "very-secret-value");
        let Ok(presigned) = presign_v2(&request, &credentials, at(1_700_000_000)) else {
            unreachable!("a valid request")
        };
        let shown = format!("{presigned:?}");
        assert!(!shown.contains("very-secret-value"));
        assert!(!presigned.url().contains("very-secret-value"));
    }
}
