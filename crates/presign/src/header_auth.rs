//! SigV4 in the `Authorization` header, the form botocore uses for API calls
//! (STS `AssumeRole` among them), beside the presigned-URL form the rest of
//! this crate makes.
//!
//! botocore's `SigV4Auth` signs every header the request carries except a
//! short list of hop-by-hop ones (`user-agent`, `connection`, `expect`, …),
//! after adding `X-Amz-Date` and, with a session token,
//! `X-Amz-Security-Token`; `host` is added when missing. The payload hash is
//! the SHA-256 of the body (botocore signs payloads of all but S3 calls) and,
//! outside S3, is not sent as a header. This module takes the headers to sign
//! from the caller, adds those two, and returns what to send.

use std::fmt;
use std::time::SystemTime;
use zeroize::Zeroizing;

use sha2::{Digest, Sha256};

use crate::amz_date::AmzDate;
use crate::canonical::{CanonicalHeaders, CanonicalRequest};
use crate::credentials::Credentials;
use crate::error::PresignError;
use crate::hex;
use crate::scope::CredentialScope;
use crate::signing_key::SigningKey;
use crate::string_to_sign::{ALGORITHM, StringToSign};

/// Headers botocore never signs (its `SIGNED_HEADERS_BLACKLIST`): they may be
/// changed by proxies or by the HTTP client after signing.
const UNSIGNED_HEADERS: [&str; 11] = [
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// A request to sign in its headers: method, path, the headers it sends
/// (`host` among them) and its body.
///
/// # Example
/// ```
/// use presign::HeaderRequest;
///
/// let request = HeaderRequest::new("POST", "/")
///     .header("host", "sts.amazonaws.com")
///     .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
///     .body(b"Action=GetCallerIdentity&Version=2011-06-15");
/// assert_eq!(request.payload_hash().len(), 64);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRequest {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    payload_hash: String,
}

impl HeaderRequest {
    /// A request with `method` for `encoded_path` (already percent-encoded,
    /// `/` for the root; the query is added with [`Self::query`]), with no
    /// headers and an empty body.
    #[must_use]
    pub fn new(method: &str, encoded_path: &str) -> Self {
        Self {
            method: method.to_owned(),
            path: if encoded_path.is_empty() {
                "/".to_owned()
            } else {
                encoded_path.to_owned()
            },
            query: Vec::new(),
            headers: Vec::new(),
            payload_hash: hex::encode(&Sha256::digest(b"")),
        }
    }

    /// Adds a query parameter, name and value already percent-encoded as
    /// sent (a bare `?session` is the name `session` with an empty value).
    /// The canonical query sorts them, as botocore does.
    #[must_use]
    pub fn query(mut self, encoded_name: &str, encoded_value: &str) -> Self {
        self.query
            .push((encoded_name.to_owned(), encoded_value.to_owned()));
        self
    }

    /// Adds a header that is sent (and signed, unless botocore never signs
    /// it, e.g. `user-agent`). The `host` header must be among them: the
    /// host as sent, lower-case, without the scheme's default port.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body, whose SHA-256 is signed.
    #[must_use]
    pub fn body(mut self, body: &[u8]) -> Self {
        self.payload_hash = hex::encode(&Sha256::digest(body));
        self
    }

    /// The lower-case hex SHA-256 of the body.
    #[must_use]
    pub fn payload_hash(&self) -> &str {
        &self.payload_hash
    }
}

/// The result of [`sign_headers`]: the headers to add to the request, and
/// the intermediate steps for explanations.
#[derive(Clone, PartialEq, Eq)]
pub struct HeaderSignature {
    authorization: String,
    amz_date: AmzDate,
    security_token: Option<Zeroizing<String>>,
    canonical_request: CanonicalRequest,
    string_to_sign: StringToSign,
}

impl HeaderSignature {
    /// `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=…, Signature=…`.
    #[must_use]
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The `X-Amz-Date` header's value.
    #[must_use]
    pub fn amz_date(&self) -> &str {
        self.amz_date.as_str()
    }

    /// The headers to send besides the request's own: `X-Amz-Date`,
    /// `X-Amz-Security-Token` with a session token, and `Authorization`.
    /// The token is a secret: send it, never print it.
    #[must_use]
    pub fn headers(&self) -> Vec<(&'static str, &str)> {
        let mut headers = vec![("X-Amz-Date", self.amz_date.as_str())];
        if let Some(token) = &self.security_token {
            headers.push(("X-Amz-Security-Token", token.as_str()));
        }
        headers.push(("Authorization", self.authorization.as_str()));
        headers
    }

    /// The canonical request that was signed. With a session token it
    /// holds the token (as the `x-amz-security-token` line): a secret.
    #[must_use]
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.canonical_request
    }

    /// The string to sign.
    #[must_use]
    pub fn string_to_sign(&self) -> &StringToSign {
        &self.string_to_sign
    }
}

impl fmt::Debug for HeaderSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderSignature")
            .field("amz_date", &self.amz_date)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// Signs `request` with `credentials` at `now` for `region` and `service`,
/// in the `Authorization` header, exactly as botocore's `SigV4Auth` does for
/// a non-S3 service: the request's headers (less the ones botocore never
/// signs), `x-amz-date` and `x-amz-security-token` are signed, and the
/// payload hash is the body's SHA-256.
///
/// # Errors
/// [`PresignError::TimeOutOfRange`] when `now` is before 1970 or after the
/// year 9999.
///
/// # Example
/// ```
/// use presign::{AmzDate, Credentials, HeaderRequest, sign_headers};
///
/// let request = HeaderRequest::new("POST", "/")
///     .header("host", "sts.amazonaws.com")
///     .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
///     .body(b"Action=GetCallerIdentity&Version=2011-06-15");
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let now = AmzDate::parse_rfc3339("2015-08-30T12:36:00Z")?.to_system_time();
/// let signed = sign_headers(&request, &credentials, "us-east-1", "sts", now)?;
/// assert!(signed.authorization().starts_with(
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
///      SignedHeaders=content-type;host;x-amz-date, Signature="
/// ));
/// assert_eq!(signed.headers()[0], ("X-Amz-Date", "20150830T123600Z"));
/// # Ok::<(), presign::PresignError>(())
/// ```
pub fn sign_headers(
    request: &HeaderRequest,
    credentials: &Credentials,
    region: &str,
    service: &str,
    now: SystemTime,
) -> Result<HeaderSignature, PresignError> {
    let amz_date = AmzDate::from_system_time(now)?;
    let token = credentials.session_token();
    let mut signed: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(name, _)| {
            !UNSIGNED_HEADERS
                .iter()
                .any(|unsigned| name.eq_ignore_ascii_case(unsigned))
                && !name.eq_ignore_ascii_case("x-amz-date")
                && !name.eq_ignore_ascii_case("x-amz-security-token")
                && !name.eq_ignore_ascii_case("authorization")
        })
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    signed.push(("x-amz-date", amz_date.as_str()));
    if let Some(token) = token {
        signed.push(("x-amz-security-token", token));
    }
    let headers = CanonicalHeaders::new(signed);
    let canonical_request = CanonicalRequest::new(
        &request.method,
        &request.path,
        &request.query,
        &headers,
        &request.payload_hash,
    );
    let scope = CredentialScope::new(amz_date.date_stamp(), region, service);
    let string_to_sign = StringToSign::new(amz_date, &scope, &canonical_request);
    let key = SigningKey::derive(
        credentials.reveal_secret_access_key(),
        amz_date.date_stamp(),
        region,
        service,
    );
    let signature = key.sign(string_to_sign.as_str().as_bytes());
    let authorization = format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={}, Signature={signature}",
        credentials.access_key_id(),
        headers.signed_headers()
    );
    Ok(HeaderSignature {
        authorization,
        amz_date,
        security_token: token.map(|token| Zeroizing::new(token.to_owned())),
        canonical_request,
        string_to_sign,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AWS SigV4 test suite's `post-x-www-form-urlencoded` case: its
    /// published canonical request, string to sign and `Authorization`
    /// header (service `service`, region `us-east-1`).
    #[test]
    fn reproduces_the_sigv4_suite_form_post() {
        let request = HeaderRequest::new("POST", "/")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Host", "example.amazonaws.com")
            .body(b"Param1=value1");
        let credentials =
            Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let now = AmzDate::parse_rfc3339("2015-08-30T12:36:00Z")
            .unwrap()
            .to_system_time();
        let signed = sign_headers(&request, &credentials, "us-east-1", "service", now).unwrap();
        assert_eq!(
            signed.canonical_request().as_str(),
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n\
             x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n\
             9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
        );
        assert_eq!(
            signed.string_to_sign().as_str(),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
             42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281"
        );
        assert_eq!(
            signed.authorization(),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        );
        assert_eq!(
            signed.headers(),
            vec![
                ("X-Amz-Date", "20150830T123600Z"),
                ("Authorization", signed.authorization())
            ]
        );
    }

    /// aws-c-auth's signing suite, `v4/get-vanilla-query-order-encoded`,
    /// `header-signed-request.txt`: the query is sorted into the canonical
    /// request and signed.
    #[test]
    fn reproduces_the_sigv4_suite_query_in_header_signing() {
        let request = HeaderRequest::new("GET", "/")
            .query("Param-3", "Value3")
            .query("Param", "Value2")
            .query("%E1%88%B4", "Value1")
            .header("Host", "example.amazonaws.com");
        let credentials =
            Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let now = AmzDate::parse_rfc3339("2015-08-30T12:36:00Z")
            .unwrap()
            .to_system_time();
        let signed = sign_headers(&request, &credentials, "us-east-1", "service", now).unwrap();
        assert!(
            signed
                .canonical_request()
                .as_str()
                .starts_with("GET\n/\n%E1%88%B4=Value1&Param=Value2&Param-3=Value3\n")
        );
        assert_eq!(
            signed.authorization(),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"
        );
    }

    #[test]
    fn a_session_token_is_signed_sent_and_redacted() {
        let request = HeaderRequest::new("POST", "/").header("host", "sts.amazonaws.com");
        let credentials = Credentials::new("AKID", "secret").with_session_token("TOKEN-XYZ");
        let signed = sign_headers(
            &request,
            &credentials,
            "us-east-1",
            "sts",
            SystemTime::UNIX_EPOCH,
        )
        .unwrap();
        assert!(
            signed
                .canonical_request()
                .as_str()
                .contains("\nx-amz-security-token:TOKEN-XYZ\n")
        );
        assert!(
            signed
                .authorization()
                .contains("SignedHeaders=host;x-amz-date;x-amz-security-token,")
        );
        assert!(
            signed
                .headers()
                .contains(&("X-Amz-Security-Token", "TOKEN-XYZ"))
        );
        assert!(!format!("{signed:?}").contains("TOKEN-XYZ"));
    }

    #[test]
    fn hop_by_hop_headers_and_user_agent_are_not_signed() {
        let request = HeaderRequest::new("POST", "")
            .header("host", "h")
            .header("User-Agent", "presign")
            .header("Connection", "close");
        let signed = sign_headers(
            &request,
            &Credentials::new("AKID", "secret"),
            "us-east-1",
            "sts",
            SystemTime::UNIX_EPOCH,
        )
        .unwrap();
        assert!(
            signed
                .authorization()
                .contains("SignedHeaders=host;x-amz-date,")
        );
        assert!(signed.canonical_request().as_str().starts_with("POST\n/\n"));
    }
}
