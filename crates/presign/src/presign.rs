//! [`presign`]: a validated [`PresignRequest`] plus credentials and an instant
//! in, a [`Presigned`] URL with every intermediate value out.
//!
//! The data flows one way: endpoint and bucket give the host and the path;
//! the headers give `X-Amz-SignedHeaders`; with the other auth parameters that
//! makes the query; query, path and headers make the canonical request; its
//! hash, the instant and the scope make the string to sign; the signing key
//! signs it. The URL is written as a string from the same encoded pieces, so
//! what is sent is exactly what was signed.

use std::time::{Duration, SystemTime};

use crate::amz_date::AmzDate;
use crate::canonical::CanonicalRequest;
use crate::credentials::Credentials;
use crate::encode;
use crate::endpoint::Endpoint;
use crate::error::PresignError;
use crate::prepared::{Prepared, SIGNATURE_NAME, UrlKey};
use crate::request::{Addressing, Method, PresignRequest};
use crate::scope::CredentialScope;
use crate::string_to_sign::StringToSign;

/// The payload hash of a presigned S3 URL: the body is not known when signing.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// A presigned URL and every value that went into it.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{presign, Credentials, Method, PresignRequest};
///
/// let request = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "a b.txt");
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let presigned = presign(&request, &credentials, UNIX_EPOCH + Duration::from_secs(1_700_000_000))?;
/// assert!(presigned.url().starts_with("http://127.0.0.1:9000/bucket/a%20b.txt?X-Amz-Algorithm="));
/// assert_eq!(presigned.host(), "127.0.0.1:9000");
/// assert_eq!(presigned.signed_at().as_str(), "20231114T221320Z");
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Presigned {
    url: String,
    method: Method,
    endpoint: Endpoint,
    addressing: Addressing,
    bucket: String,
    key: String,
    host: String,
    signed_at: AmzDate,
    expires_in: u64,
    scope: CredentialScope,
    headers: Vec<(String, String)>,
    signed_headers: String,
    canonical_request: CanonicalRequest,
    string_to_sign: StringToSign,
    signature: String,
    has_session_token: bool,
    sigv4a: bool,
}

impl Presigned {
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

    /// The endpoint the URL was built on.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The addressing style actually used (`Path` or `VirtualHost`).
    #[must_use]
    pub fn addressing(&self) -> Addressing {
        self.addressing
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

    /// The signed `host` header value.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The signing instant (`X-Amz-Date`).
    #[must_use]
    pub fn signed_at(&self) -> AmzDate {
        self.signed_at
    }

    /// `X-Amz-Expires`, in seconds.
    #[must_use]
    pub fn expires_in(&self) -> u64 {
        self.expires_in
    }

    /// The instant the URL stops working.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        self.signed_at.to_system_time() + Duration::from_secs(self.expires_in)
    }

    /// The credential scope, `YYYYMMDD/region/s3/aws4_request` (SigV4A:
    /// `YYYYMMDD/s3/aws4_request`).
    #[must_use]
    pub fn credential_scope(&self) -> &CredentialScope {
        &self.scope
    }

    /// The headers a client must send, besides `host`: lower-case names, the
    /// values as given, in the order given.
    #[must_use]
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// `X-Amz-SignedHeaders`: `host` and the extra header names, sorted.
    #[must_use]
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The canonical request that was hashed.
    #[must_use]
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.canonical_request
    }

    /// The string that was signed.
    #[must_use]
    pub fn string_to_sign(&self) -> &StringToSign {
        &self.string_to_sign
    }

    /// `X-Amz-Algorithm`: `AWS4-HMAC-SHA256`, or `AWS4-ECDSA-P256-SHA256`
    /// for SigV4A.
    #[must_use]
    pub fn algorithm(&self) -> &'static str {
        if self.sigv4a {
            crate::sigv4a::SIGV4A_ALGORITHM
        } else {
            crate::string_to_sign::ALGORITHM
        }
    }

    /// `X-Amz-Signature` in lower-case hex: 64 digits (an HMAC) for SigV4,
    /// a DER-encoded ECDSA signature (about 140 digits) for SigV4A.
    #[must_use]
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// Whether a session token is part of the URL (then the URL also stops
    /// working when the token expires).
    #[must_use]
    pub fn has_session_token(&self) -> bool {
        self.has_session_token
    }
}

/// Signs `request` with `credentials` as of `now`.
///
/// This is pure computation: no clock, environment, file or network is read,
/// so the same inputs always give the same URL, byte for byte, and the same
/// URL botocore gives.
///
/// # Errors
/// A [`PresignError`] naming the field that is invalid and what is allowed:
/// endpoint, bucket, key, region, credentials, expiry, time, query parameter
/// or header.
///
/// # Example
/// The example of the Amazon S3 API Reference, reproduced byte for byte:
/// ```
/// use std::time::Duration;
/// use presign::{presign, AmzDate, Credentials, Method, PresignRequest};
///
/// let request = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "examplebucket", "test.txt")
///     .expires_in(Duration::from_secs(86400));
/// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let now = AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")?.to_system_time();
/// let presigned = presign(&request, &credentials, now)?;
/// assert_eq!(presigned.signature(), "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
/// assert!(presigned.url().starts_with("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
/// # Ok::<(), presign::PresignError>(())
/// ```
pub fn presign(
    request: &PresignRequest,
    credentials: &Credentials,
    now: SystemTime,
) -> Result<Presigned, PresignError> {
    let prepared = Prepared::new(request, credentials, now)?;
    request.check_key()?;
    let mut path = prepared.path_prefix.clone();
    encode::path_into(&mut path, &request.key);
    let canonical_request = CanonicalRequest::new(
        prepared.method.as_str(),
        &path,
        &prepared.encoded_query,
        &prepared.canonical_headers,
        UNSIGNED_PAYLOAD,
    );
    let string_to_sign = match prepared.key {
        UrlKey::V4(_) => StringToSign::new(prepared.signed_at, &prepared.scope, &canonical_request),
        UrlKey::V4a(_) => {
            StringToSign::sigv4a(prepared.signed_at, &prepared.scope, &canonical_request)
        }
    };
    let signature = prepared.key.sign(string_to_sign.as_str().as_bytes());
    let url = format!(
        "{}{path}?{}{SIGNATURE_NAME}{signature}",
        prepared.origin, prepared.url_query
    );
    Ok(Presigned {
        url,
        method: prepared.method,
        endpoint: prepared.endpoint,
        addressing: prepared.addressing,
        bucket: prepared.bucket,
        key: request.key.clone(),
        host: prepared.host,
        signed_at: prepared.signed_at,
        expires_in: prepared.expires_in,
        scope: prepared.scope,
        headers: prepared.headers,
        signed_headers: prepared.canonical_headers.signed_headers().to_owned(),
        canonical_request,
        string_to_sign,
        signature,
        has_session_token: prepared.has_session_token,
        sigv4a: matches!(prepared.key, UrlKey::V4a(_)),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn aws_example() -> (PresignRequest, Credentials, SystemTime) {
        let request = PresignRequest::new(
            Method::Get,
            "https://s3.amazonaws.com",
            "examplebucket",
            "test.txt",
        )
        .expires_in(Duration::from_secs(86_400));
        let credentials = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        let now = AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")
            .unwrap()
            .to_system_time();
        (request, credentials, now)
    }

    #[test]
    fn reproduces_the_aws_documentation_example_stage_by_stage() {
        let (request, credentials, now) = aws_example();
        let presigned = presign(&request, &credentials, now).unwrap();
        assert_eq!(
            presigned.canonical_request().as_str(),
            "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
        );
        assert_eq!(
            presigned.string_to_sign().as_str(),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"
        );
        assert_eq!(
            presigned.signature(),
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
        assert_eq!(
            presigned.url(),
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
        assert_eq!(presigned.expires_at(), now + Duration::from_secs(86_400));
    }

    #[test]
    fn session_token_is_signed_and_sent() {
        let (request, credentials, now) = aws_example();
        let presigned = presign(&request, &credentials.with_session_token("tok/en+"), now).unwrap();
        assert!(
            presigned
                .url()
                .contains("&X-Amz-Security-Token=tok%2Fen%2B&X-Amz-Signature=")
        );
        assert!(
            presigned
                .canonical_request()
                .as_str()
                .contains("X-Amz-Security-Token=tok%2Fen%2B&X-Amz-SignedHeaders=host")
        );
        assert!(presigned.has_session_token());
    }

    #[test]
    fn an_expiry_after_year_9999_is_refused() {
        let (request, credentials, _) = aws_example();
        let late = AmzDate::parse_rfc3339("9999-12-31T00:00:00Z")
            .unwrap()
            .to_system_time();
        assert_eq!(
            presign(&request, &credentials, late).unwrap_err(),
            PresignError::TimeOutOfRange
        );
        let just_in_time = late - Duration::from_secs(1);
        assert!(
            presign(
                &request.expires_in(Duration::from_secs(86_399)),
                &credentials,
                just_in_time
            )
            .is_ok()
        );
    }

    #[test]
    fn empty_region_signs_with_an_empty_scope_segment() {
        let (request, credentials, now) = aws_example();
        let presigned = presign(&request.region(""), &credentials, now).unwrap();
        assert_eq!(
            presigned.credential_scope().as_str(),
            "20130524//s3/aws4_request"
        );
        assert!(
            presigned.url().contains(
                "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F%2Fs3%2Faws4_request"
            )
        );
    }

    #[test]
    fn legacy_bucket_names_sign_with_path_style_when_allowed() {
        let (_, credentials, now) = aws_example();
        let request =
            PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "My_Bucket", "k");
        assert!(matches!(
            presign(&request, &credentials, now),
            Err(PresignError::InvalidBucket { .. })
        ));
        let presigned = presign(&request.legacy_bucket_names(true), &credentials, now).unwrap();
        assert!(
            presigned
                .url()
                .starts_with("https://s3.amazonaws.com/My_Bucket/k?")
        );
        assert_eq!(presigned.addressing(), Addressing::Path);
    }
}
