//! The string to sign: algorithm, instant, scope and the canonical request's
//! hash, one per line.

use std::fmt;

use crate::amz_date::AmzDate;
use crate::canonical::CanonicalRequest;
use crate::scope::CredentialScope;
use crate::sigv4a::SIGV4A_ALGORITHM;
use crate::sink::Sink;

/// The only algorithm presign signs and verifies.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Appends what precedes the canonical request's hash in a string to sign:
/// `algorithm\nX-Amz-Date\nscope\n`, the scope given as its parts (or as
/// one part, the whole scope).
pub(crate) fn write_head(out: &mut impl Sink, algorithm: &str, date: &str, scope: &[&str]) {
    out.put(algorithm);
    out.put("\n");
    out.put(date);
    out.put("\n");
    for (index, part) in scope.iter().enumerate() {
        if index > 0 {
            out.put("/");
        }
        out.put(part);
    }
    out.put("\n");
}

/// `AWS4-HMAC-SHA256\n{X-Amz-Date}\n{scope}\n{hex sha256 of canonical request}`.
///
/// # Example
/// ```
/// use presign::{AmzDate, CredentialScope, StringToSign};
/// use presign::canonical::{CanonicalHeaders, CanonicalRequest};
///
/// let date: AmzDate = "20130524T000000Z".parse()?;
/// let scope = CredentialScope::new(date.date_stamp(), "us-east-1", "s3");
/// let headers = CanonicalHeaders::new([("host", "h")]);
/// let request = CanonicalRequest::new("GET", "/", &[], &headers, "UNSIGNED-PAYLOAD");
/// let text = StringToSign::new(date, &scope, &request).to_string();
/// assert!(text.starts_with("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"));
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringToSign {
    text: String,
}

impl StringToSign {
    /// The string to sign for `canonical_request`, signed at `date` within `scope`.
    #[must_use]
    pub fn new(
        date: AmzDate,
        scope: &CredentialScope,
        canonical_request: &CanonicalRequest,
    ) -> Self {
        Self::with_algorithm(ALGORITHM, date, scope, canonical_request)
    }

    /// The SigV4A string to sign: algorithm `AWS4-ECDSA-P256-SHA256`, and a
    /// scope without region ([`CredentialScope::without_region`]).
    ///
    /// # Example
    /// ```
    /// use presign::{AmzDate, CredentialScope, StringToSign};
    /// use presign::canonical::{CanonicalHeaders, CanonicalRequest};
    ///
    /// let date: AmzDate = "20150830T123600Z".parse()?;
    /// let scope = CredentialScope::without_region(date.date_stamp(), "service");
    /// let headers = CanonicalHeaders::new([("host", "h")]);
    /// let request = CanonicalRequest::new("GET", "/", &[], &headers, "UNSIGNED-PAYLOAD");
    /// let text = StringToSign::sigv4a(date, &scope, &request).to_string();
    /// assert!(text.starts_with("AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n"));
    /// # Ok::<(), presign::PresignError>(())
    /// ```
    #[must_use]
    pub fn sigv4a(
        date: AmzDate,
        scope: &CredentialScope,
        canonical_request: &CanonicalRequest,
    ) -> Self {
        Self::with_algorithm(SIGV4A_ALGORITHM, date, scope, canonical_request)
    }

    fn with_algorithm(
        algorithm: &str,
        date: AmzDate,
        scope: &CredentialScope,
        canonical_request: &CanonicalRequest,
    ) -> Self {
        let hash = canonical_request.sha256_hex();
        let mut text = String::with_capacity(algorithm.len() + 16 + scope.as_str().len() + 64 + 3);
        write_head(&mut text, algorithm, date.as_str(), &[scope.as_str()]);
        text.push_str(&hash);
        Self { text }
    }

    /// The exact bytes, as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
