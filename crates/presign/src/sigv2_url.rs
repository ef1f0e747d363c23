//! Reading a SigV2 presigned URL back (`AWSAccessKeyId`, `Signature`,
//! `Expires`) and checking it: the counterpart of [`crate::presign_v2`], for
//! `inspect`, `verify` and the transfers, so that a URL presign signs with
//! `--signature-version s3` can be read by presign too.
//!
//! A SigV2 URL carries less than a SigV4 one: no signing time (only the
//! instant it stops working), no region, no list of signed headers. The
//! headers it was signed with are the query parameters named like them
//! (`content-type`, `content-md5`, `x-amz-*`): botocore and
//! [`crate::presign_v2`] write every signed header there, and a server reads
//! the headers the client sends. The string to sign is rebuilt with the rule
//! that signs ([`crate::sigv2`]'s), from the bucket and key the host and path
//! give ([`ObjectLocation`]): on a custom endpoint with a base path
//! (`https://host/base/bucket/key`), the bucket read is the base path's first
//! segment, and such a URL does not verify.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::amz_date::AmzDate;
use crate::credentials::Credentials;
use crate::endpoint::{Authority, AuthorityError};
use crate::error::VerifyError;
use crate::location::{ObjectLocation, locate};
use crate::presigned_url::PresignedUrl;
use crate::presigned_url::decode;
use crate::request::Method;
use crate::s3_host::{KnownHost, recognise_host};
use crate::sigv2::{StringToSignParts, signature_matches, string_to_sign};
use crate::verify::{Verified, VerifyPolicy, check_not_expired, mismatch};

/// The auth parameters of a SigV2 URL, each required exactly once.
const REQUIRED: [&str; 3] = ["AWSAccessKeyId", "Signature", "Expires"];

/// The session token parameter, at most once.
const SESSION_TOKEN: &str = "x-amz-security-token";

/// Which signature a presigned URL carries, read from its query parameter
/// names alone (nothing is parsed or checked): what `inspect`, `verify` and
/// the transfers dispatch on.
///
/// # Example
/// ```
/// use presign::SignatureVersion;
///
/// let v2 = "https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620";
/// assert_eq!(SignatureVersion::of_url(v2), SignatureVersion::V2);
/// assert_eq!(SignatureVersion::of_url("https://h/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"), SignatureVersion::V4);
/// assert_eq!(SignatureVersion::of_url("https://h/b/k"), SignatureVersion::V4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureVersion {
    /// SigV4 or SigV4A (`X-Amz-Algorithm`), and anything that is neither:
    /// its parser names what is missing.
    V4,
    /// SigV2: an `AWSAccessKeyId` parameter and no `X-Amz-Algorithm`.
    V2,
}

impl SignatureVersion {
    /// The signature `url` carries.
    #[must_use]
    pub fn of_url(url: &str) -> Self {
        let query = url
            .split('#')
            .next()
            .and_then(|url| url.split_once('?'))
            .map_or("", |(_, query)| query);
        let has = |wanted: &str| {
            query
                .split('&')
                .any(|pair| pair.split('=').next() == Some(wanted))
        };
        if has("AWSAccessKeyId") && !has("X-Amz-Algorithm") {
            Self::V2
        } else {
            Self::V4
        }
    }

    /// botocore's name of it: `s3` (SigV2) or `s3v4`.
    #[must_use]
    pub fn botocore_name(self) -> &'static str {
        match self {
            Self::V2 => "s3",
            Self::V4 => "s3v4",
        }
    }
}

/// A presigned URL of either signature version, taken apart: what a client
/// of the URL (`presign download`, `upload`, `send`) reads before sending
/// it. Nothing is checked against a secret.
///
/// # Example
/// ```
/// use presign::AnyPresignedUrl;
///
/// let url = AnyPresignedUrl::parse("https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620")?;
/// assert!(matches!(url, AnyPresignedUrl::V2(_)));
/// assert_eq!((url.path(), url.expires_at_unix()), ("/photos/puppy.jpg", 1_175_139_620));
/// assert!(url.signed_headers().is_empty());
/// # Ok::<(), presign::VerifyError>(())
/// ```
#[derive(Clone, Debug)]
pub enum AnyPresignedUrl {
    /// SigV4 or SigV4A.
    V4(PresignedUrl),
    /// SigV2.
    V2(SigV2Url),
}

impl AnyPresignedUrl {
    /// Parses `url` as the version [`SignatureVersion::of_url`] reads.
    ///
    /// # Errors
    /// The error of [`PresignedUrl::parse`] or [`SigV2Url::parse`].
    pub fn parse(url: &str) -> Result<Self, VerifyError> {
        Ok(match SignatureVersion::of_url(url) {
            SignatureVersion::V4 => Self::V4(PresignedUrl::parse(url)?),
            SignatureVersion::V2 => Self::V2(SigV2Url::parse(url)?),
        })
    }

    /// The decoded path.
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Self::V4(url) => url.path(),
            Self::V2(url) => url.path(),
        }
    }

    /// The headers a client must send with the values they were signed
    /// with, lower case (SigV4's `X-Amz-SignedHeaders`, `host` included;
    /// SigV2's from its query).
    #[must_use]
    pub fn signed_headers(&self) -> Vec<String> {
        match self {
            Self::V4(url) => url.signed_headers().to_vec(),
            Self::V2(url) => url.signed_headers(),
        }
    }

    /// When the URL stops working, in Unix seconds.
    #[must_use]
    pub fn expires_at_unix(&self) -> u64 {
        match self {
            Self::V4(url) => url.expires_at_unix(),
            Self::V2(url) => url.expires(),
        }
    }
}

/// A SigV2 presigned URL taken apart. Nothing here is checked against a
/// secret.
///
/// # Example
/// ```
/// use presign::SigV2Url;
///
/// let url = SigV2Url::parse("http://127.0.0.1:9000/photos/in/a.png?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=z%2Bxt33O%2FCx6gz%2F0wGzkoGNvyf3c%3D&content-type=image%2Fpng&x-amz-meta-owner=alice&Expires=1714565400")?;
/// assert_eq!(url.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
/// assert_eq!(url.expires(), 1_714_565_400);
/// assert_eq!(url.signed_headers(), ["content-type", "x-amz-meta-owner"]);
/// assert_eq!((url.location().bucket(), url.location().key()), ("photos", "in/a.png"));
/// # Ok::<(), presign::VerifyError>(())
/// ```
#[derive(Clone, Debug)]
pub struct SigV2Url {
    scheme: String,
    host_header: String,
    /// The host without port, lower case.
    host_name: String,
    /// The path, decoded.
    path: String,
    /// Every query parameter but `Signature`, decoded, in URL order.
    query: Vec<(String, String)>,
    access_key_id: String,
    expires: u64,
    signature: String,
}

impl SigV2Url {
    /// Parses `url`. Requires http(s), a host, and `AWSAccessKeyId`,
    /// `Signature` and `Expires` exactly once each, well formed.
    ///
    /// # Errors
    /// [`VerifyError::Malformed`] naming the part or parameter that is wrong,
    /// [`VerifyError::MissingParameter`] or [`VerifyError::DuplicateParameter`].
    pub fn parse(url: &str) -> Result<Self, VerifyError> {
        let malformed = |part: &str, reason: &'static str| VerifyError::Malformed {
            part: part.to_owned(),
            reason,
        };
        let parts = Authority::of_url(url).map_err(|error| match error {
            AuthorityError::NoScheme => malformed("url", "it has no scheme"),
            _ => malformed("host", "it is empty or malformed"),
        })?;
        if parts.is_https().is_none() {
            return Err(malformed("url", "only http and https URLs are presigned"));
        }
        let rest = parts.rest().split('#').next().unwrap_or_default();
        let (raw_path, raw_query) = rest
            .split_once('?')
            .ok_or_else(|| malformed("url", "it has no query"))?;
        let raw_path = if raw_path.is_empty() { "/" } else { raw_path };
        let path = decode(raw_path)
            .ok_or_else(|| malformed("path", "it is not valid percent-encoded UTF-8"))?;

        let mut query = Vec::new();
        let mut auth: [Option<String>; 4] = Default::default();
        for pair in raw_query.split('&').filter(|pair| !pair.is_empty()) {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(raw_name).ok_or_else(|| {
                malformed(raw_name, "the name is not valid percent-encoded UTF-8")
            })?;
            let value = decode(raw_value)
                .ok_or_else(|| malformed(&name, "the value is not valid percent-encoded UTF-8"))?;
            if let Some(index) = REQUIRED
                .iter()
                .chain([&SESSION_TOKEN])
                .position(|auth| *auth == name)
            {
                if auth[index].is_some() {
                    return Err(VerifyError::DuplicateParameter { param: name });
                }
                auth[index] = Some(value.clone());
            }
            if name != "Signature" {
                query.push((name, value));
            }
        }
        let [access_key_id, signature, expires, _token] = auth;
        let take = |value: Option<String>, param: &str| {
            value.ok_or_else(|| VerifyError::MissingParameter {
                param: param.to_owned(),
            })
        };
        let access_key_id = take(access_key_id, "AWSAccessKeyId")?;
        let signature = take(signature, "Signature")?;
        let expires = take(expires, "Expires")?;
        if access_key_id.is_empty() {
            return Err(malformed("AWSAccessKeyId", "it is empty"));
        }
        let expires = (!expires.is_empty() && expires.bytes().all(|b| b.is_ascii_digit()))
            .then(|| expires.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| malformed("Expires", "expected a Unix time in whole seconds"))?;
        // base64 of a 20-byte HMAC-SHA1: 28 characters, one `=` of padding.
        if STANDARD
            .decode(&signature)
            .map_or(true, |bytes| bytes.len() != 20)
        {
            return Err(malformed(
                "Signature",
                "expected the base64 of a 20-byte HMAC-SHA1",
            ));
        }
        Ok(Self {
            scheme: parts.scheme().to_owned(),
            host_header: parts.host_header(),
            host_name: parts.host().to_ascii_lowercase(),
            path,
            query,
            access_key_id,
            expires,
            signature,
        })
    }

    /// `http` or `https`, as written.
    #[must_use]
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The `host` header a client sends for this URL.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host_header
    }

    /// The decoded path.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Bucket and key, read from the host and the path, as for SigV4 URLs.
    #[must_use]
    pub fn location(&self) -> ObjectLocation {
        locate(&self.host_header, &self.path)
    }

    /// What the host is, when [`recognise_host`] knows its form.
    #[must_use]
    pub fn known_host(&self) -> Option<KnownHost> {
        recognise_host(&self.host_name)
    }

    /// `AWSAccessKeyId`.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// `Expires`: the Unix time at which the URL stops working.
    #[must_use]
    pub fn expires(&self) -> u64 {
        self.expires
    }

    /// Whether `x-amz-security-token` is present.
    #[must_use]
    pub fn has_session_token(&self) -> bool {
        self.session_token().is_some()
    }

    /// `Signature`, decoded (base64).
    #[must_use]
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// Every query parameter but `Signature`, decoded, in URL order.
    #[must_use]
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The headers the URL was signed with, as its query names them
    /// (`content-type`, `content-md5`, `x-amz-*` but the session token), in
    /// URL order, lower case: a client must send each with the value it was
    /// signed with.
    #[must_use]
    pub fn signed_headers(&self) -> Vec<String> {
        self.query
            .iter()
            .map(|(name, _)| name.to_ascii_lowercase())
            .filter(|name| is_signed_header(name))
            .collect()
    }

    /// The query parameters that are neither auth parameters nor signed
    /// headers (`versionId`, `response-*`, ...), decoded, in URL order.
    pub fn extra_query(&self) -> impl Iterator<Item = &(String, String)> {
        self.query.iter().filter(|(name, _)| {
            !REQUIRED.contains(&name.as_str())
                && name != SESSION_TOKEN
                && !is_signed_header(&name.to_ascii_lowercase())
        })
    }

    /// The string a server signs for this URL sent with `method` and
    /// `headers` (name, value: the request's headers; `Content-MD5`,
    /// `Content-Type` and `x-amz-*` count, as a server counts them).
    ///
    /// # Errors
    /// [`VerifyError::MissingHeader`] when a header the URL was signed with
    /// ([`SigV2Url::signed_headers`]) has no value.
    pub fn string_to_sign(
        &self,
        method: &str,
        headers: &[(&str, &str)],
    ) -> Result<String, VerifyError> {
        if let Some(name) = self.signed_headers().into_iter().find(|name| {
            !headers
                .iter()
                .any(|(given, _)| given.eq_ignore_ascii_case(name))
        }) {
            return Err(VerifyError::MissingHeader { name });
        }
        let location = self.location();
        Ok(string_to_sign(&StringToSignParts {
            method,
            headers,
            session_token: self.session_token(),
            expires: self.expires,
            bucket: location.bucket(),
            key: location.key(),
            query: &self.query,
        }))
    }

    fn session_token(&self) -> Option<&str> {
        self.query
            .iter()
            .find(|(name, _)| name == SESSION_TOKEN)
            .map(|(_, value)| value.as_str())
    }
}

/// A header a SigV2 signature covers, as a query parameter name (lower case).
fn is_signed_header(name: &str) -> bool {
    name == "content-type"
        || name == "content-md5"
        || (name.starts_with("x-amz-") && name != SESSION_TOKEN)
}

/// A SigV2 URL that [`verify_v2`] accepted.
#[derive(Clone, Debug)]
pub struct VerifiedV2 {
    location: ObjectLocation,
    url: SigV2Url,
}

impl VerifiedV2 {
    /// `AWSAccessKeyId`.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        self.url.access_key_id()
    }

    /// Bucket and key.
    #[must_use]
    pub fn location(&self) -> &ObjectLocation {
        &self.location
    }

    /// The decoded path.
    #[must_use]
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// When the URL stops working.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.url.expires())
    }

    /// The URL, taken apart.
    #[must_use]
    pub fn url(&self) -> &SigV2Url {
        &self.url
    }
}

/// Verifies the SigV2 `url` received with `method` and `headers`, with
/// `lookup` mapping an access key id to its credentials, as of `now`: the
/// counterpart of [`crate::verify()`].
///
/// The checks, in order: the URL parses; it has not expired; it does not
/// expire further ahead than the policy's longest expiry plus its clock
/// skew (SigV2 carries no signing time, so that is the only bound there
/// is); the access key is known; the signature, recomputed and compared in
/// constant time. The policy's regions and services do not apply: SigV2
/// signs neither.
///
/// # Errors
/// A [`VerifyError`] naming the first rule the URL breaks.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{presign_v2, verify_v2, Credentials, Method, PresignRequest, VerifyError, VerifyPolicy};
///
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let request = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "a.txt");
/// let url = presign_v2(&request, &credentials, at).map_err(|e| e.to_string()).unwrap().url().to_owned();
///
/// let lookup = |id: &str| (id == "AKIDEXAMPLE").then(|| credentials.clone());
/// let policy = VerifyPolicy::default();
/// let verified = verify_v2(&url, Method::Get, &[], &lookup, at + Duration::from_secs(60), &policy)?;
/// assert_eq!(verified.path(), "/bucket/a.txt");
/// assert!(matches!(
///     verify_v2(&url, Method::Put, &[], &lookup, at, &policy),
///     Err(VerifyError::MethodMismatch { sent: "PUT", signed_for: "GET" })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_v2(
    url: &str,
    method: Method,
    headers: &[(&str, &str)],
    lookup: impl Fn(&str) -> Option<Credentials>,
    now: SystemTime,
    policy: &VerifyPolicy,
) -> Result<VerifiedV2, VerifyError> {
    let parsed = SigV2Url::parse(url)?;
    let now_unix = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    check_not_expired(now_unix, parsed.expires)?;
    let furthest = now_unix
        .saturating_add(policy.max_expires)
        .saturating_add(policy.clock_skew.as_secs());
    if parsed.expires > furthest {
        return Err(VerifyError::ExpiresTooFar {
            seconds: parsed.expires - now_unix,
            max: policy.max_expires,
        });
    }
    let credentials =
        lookup(parsed.access_key_id()).ok_or_else(|| VerifyError::UnknownAccessKey {
            access_key_id: parsed.access_key_id().to_owned(),
        })?;
    let secret = credentials.secret_access_key();
    let matches = |method: Method| -> Result<bool, VerifyError> {
        let text = parsed.string_to_sign(method.as_str(), headers)?;
        Ok(signature_matches(secret, &text, &parsed.signature))
    };
    if !matches(method)? {
        return Err(mismatch(method, |other| matches(other).unwrap_or(false)));
    }
    Ok(VerifiedV2 {
        location: parsed.location(),
        url: parsed,
    })
}

/// A presigned URL of either signature version that verified: what
/// [`verify_any`] returns, with what `presign verify` and Python's
/// `presign.verify` report.
#[derive(Clone, Debug)]
pub enum Verification {
    /// SigV4 or SigV4A, by [`crate::verify()`].
    V4(Verified),
    /// SigV2, by [`verify_v2`].
    V2(VerifiedV2),
}

impl Verification {
    /// Which signature the URL carries.
    #[must_use]
    pub fn signature_version(&self) -> SignatureVersion {
        match self {
            Self::V4(_) => SignatureVersion::V4,
            Self::V2(_) => SignatureVersion::V2,
        }
    }

    /// The access key id that signed the URL.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        match self {
            Self::V4(verified) => verified.access_key_id(),
            Self::V2(verified) => verified.access_key_id(),
        }
    }

    /// Bucket and key.
    #[must_use]
    pub fn location(&self) -> &ObjectLocation {
        match self {
            Self::V4(verified) => verified.location(),
            Self::V2(verified) => verified.location(),
        }
    }

    /// The decoded path.
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Self::V4(verified) => verified.path(),
            Self::V2(verified) => verified.path(),
        }
    }

    /// The scope region; empty for SigV4A and SigV2.
    #[must_use]
    pub fn region(&self) -> &str {
        match self {
            Self::V4(verified) => verified.region(),
            Self::V2(_) => "",
        }
    }

    /// `X-Amz-Date`; `None` for SigV2, which carries no signing time.
    #[must_use]
    pub fn signed_at(&self) -> Option<AmzDate> {
        match self {
            Self::V4(verified) => Some(verified.signed_at()),
            Self::V2(_) => None,
        }
    }

    /// When the URL stops working.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        match self {
            Self::V4(verified) => verified.expires_at(),
            Self::V2(verified) => verified.expires_at(),
        }
    }

    /// The signed headers (SigV2: those its query names).
    #[must_use]
    pub fn signed_headers(&self) -> Vec<String> {
        match self {
            Self::V4(verified) => verified.signed_headers().to_vec(),
            Self::V2(verified) => verified.url().signed_headers(),
        }
    }
}

/// Verifies `url` with [`crate::verify()`] or [`verify_v2`], as
/// [`SignatureVersion::of_url`] reads it: the one dispatch `presign verify`
/// and Python's `presign.verify` share.
///
/// # Errors
/// The [`VerifyError`] of the verifier used.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{verify_any, Credentials, Method, SignatureVersion, VerifyPolicy};
///
/// let url = "https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620";
/// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let lookup = |id: &str| (id == credentials.access_key_id()).then(|| credentials.clone());
/// let now = UNIX_EPOCH + Duration::from_secs(1_175_136_020);
/// let verified = verify_any(url, Method::Get, &[], lookup, now, &VerifyPolicy::default())?;
/// assert_eq!(verified.signature_version(), SignatureVersion::V2);
/// assert_eq!(verified.location().key(), "photos/puppy.jpg");
/// assert_eq!(verified.signed_at(), None);
/// # Ok::<(), presign::VerifyError>(())
/// ```
pub fn verify_any(
    url: &str,
    method: Method,
    headers: &[(&str, &str)],
    lookup: impl Fn(&str) -> Option<Credentials>,
    now: SystemTime,
    policy: &VerifyPolicy,
) -> Result<Verification, VerifyError> {
    match SignatureVersion::of_url(url) {
        SignatureVersion::V4 => {
            crate::verify::verify(url, method, headers, lookup, now, policy).map(Verification::V4)
        }
        SignatureVersion::V2 => {
            verify_v2(url, method, headers, lookup, now, policy).map(Verification::V2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::PresignRequest;
    use crate::sigv2::presign_v2;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    /// The AWS SigV2 documentation's query-string example.
    const AWS_URL: &str = "https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620";

    fn at(unix: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix)
    }

    fn lookup(id: &str) -> Option<Credentials> {
        (id == "AKIAIOSFODNN7EXAMPLE").then(|| Credentials::new(id, SECRET))
    }

    #[test]
    fn the_aws_documentation_example_verifies_until_it_expires() {
        let policy = VerifyPolicy::default();
        let verified = verify_v2(
            AWS_URL,
            Method::Get,
            &[],
            lookup,
            at(1_175_139_619),
            &policy,
        )
        .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(verified.path(), "/photos/puppy.jpg");
        assert_eq!(verified.location().bucket(), "johnsmith");
        assert_eq!(
            SigV2Url::parse(AWS_URL)
                .unwrap()
                .string_to_sign("GET", &[])
                .unwrap(),
            "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg"
        );
        assert_eq!(
            verify_v2(
                AWS_URL,
                Method::Get,
                &[],
                lookup,
                at(1_175_139_620),
                &policy
            )
            .unwrap_err(),
            VerifyError::Expired {
                at: "2007-03-29T03:40:20Z".to_owned()
            }
        );
    }

    #[test]
    fn every_url_presign_v2_signs_verifies_and_a_changed_one_does_not() {
        let now = at(1_700_000_000);
        let credentials =
            Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET).with_session_token("t/o+k");
        let lookup = |id: &str| (id == "AKIAIOSFODNN7EXAMPLE").then(|| credentials.clone());
        let policy = VerifyPolicy::default();
        for (request, headers) in [
            (
                PresignRequest::new(
                    Method::Put,
                    "http://127.0.0.1:9000",
                    "photos",
                    "in/a b+é.png",
                )
                .header("Content-Type", "image/png")
                .header("x-amz-meta-owner", "alice"),
                vec![("Content-Type", "image/png"), ("x-amz-meta-owner", "alice")],
            ),
            (
                PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "johnsmith", "k")
                    .query("versionId", "v/1")
                    .query(
                        "response-content-disposition",
                        "attachment; filename=\"a b\"",
                    ),
                vec![],
            ),
        ] {
            let url = presign_v2(&request, &credentials, now).unwrap();
            let verified = verify_v2(url.url(), request.method, &headers, lookup, now, &policy)
                .unwrap_or_else(|error| panic!("{}: {error}", url.url()));
            assert_eq!(verified.location().key(), request.key);
            assert_eq!(
                SigV2Url::parse(url.url())
                    .unwrap()
                    .string_to_sign(request.method.as_str(), &headers)
                    .unwrap(),
                url.string_to_sign()
            );
            let other_key = url
                .url()
                .replacen("/k?", "/l?", 1)
                .replacen("/in/a", "/in/x", 1);
            assert_eq!(
                verify_v2(&other_key, request.method, &headers, lookup, now, &policy).unwrap_err(),
                VerifyError::SignatureMismatch
            );
        }
    }

    #[test]
    fn a_signed_header_must_be_sent_with_its_value() {
        let now = at(1_700_000_000);
        let request = PresignRequest::new(Method::Put, "http://h:9000", "bkt", "k")
            .header("Content-Type", "image/png");
        let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET);
        let url = presign_v2(&request, &credentials, now).unwrap();
        let policy = VerifyPolicy::default();
        assert_eq!(
            verify_v2(url.url(), Method::Put, &[], lookup, now, &policy).unwrap_err(),
            VerifyError::MissingHeader {
                name: "content-type".to_owned()
            }
        );
        assert_eq!(
            verify_v2(
                url.url(),
                Method::Put,
                &[("content-type", "text/html")],
                lookup,
                now,
                &policy
            )
            .unwrap_err(),
            VerifyError::SignatureMismatch
        );
        // A Content-Type the URL was not signed with is signed by the server
        // all the same (curl --data sends one): refused.
        let plain = presign_v2(
            &PresignRequest::new(Method::Put, "http://h:9000", "bkt", "k"),
            &credentials,
            now,
        )
        .unwrap();
        assert_eq!(
            verify_v2(
                plain.url(),
                Method::Put,
                &[("Content-Type", "text/plain")],
                lookup,
                now,
                &policy
            )
            .unwrap_err(),
            VerifyError::SignatureMismatch
        );
    }

    #[test]
    fn an_expiry_beyond_the_policy_an_unknown_key_and_bad_parameters_are_named() {
        let policy = VerifyPolicy::default().max_expires(3600);
        let now = at(1_175_139_620 - 3600 - 901);
        assert_eq!(
            verify_v2(AWS_URL, Method::Get, &[], lookup, now, &policy).unwrap_err(),
            VerifyError::ExpiresTooFar {
                seconds: 4501,
                max: 3600
            }
        );
        let unknown = AWS_URL.replace("AKIAIOSFODNN7EXAMPLE", "AKIDOTHER");
        assert_eq!(
            verify_v2(
                &unknown,
                Method::Get,
                &[],
                lookup,
                at(1_175_139_000),
                &VerifyPolicy::default()
            )
            .unwrap_err(),
            VerifyError::UnknownAccessKey {
                access_key_id: "AKIDOTHER".to_owned()
            }
        );
        for (url, error) in [
            (
                AWS_URL.replace("&Expires=1175139620", ""),
                VerifyError::MissingParameter {
                    param: "Expires".to_owned(),
                },
            ),
            (
                format!("{AWS_URL}&Signature=abc"),
                VerifyError::DuplicateParameter {
                    param: "Signature".to_owned(),
                },
            ),
            (
                AWS_URL.replace("Expires=1175139620", "Expires=-1"),
                VerifyError::Malformed {
                    part: "Expires".to_owned(),
                    reason: "expected a Unix time in whole seconds",
                },
            ),
            (
                AWS_URL.replace("NpgCjnDzrM", "Npg"),
                VerifyError::Malformed {
                    part: "Signature".to_owned(),
                    reason: "expected the base64 of a 20-byte HMAC-SHA1",
                },
            ),
        ] {
            assert_eq!(SigV2Url::parse(&url).unwrap_err(), error, "{url}");
            assert!(error.is_malformed());
        }
    }

    #[test]
    fn parsing_never_panics_on_garbage() {
        for garbage in [
            "",
            "https://",
            "ftp://h/k?AWSAccessKeyId=a",
            "https://h/k?AWSAccessKeyId=%FF",
            "https://h?AWSAccessKeyId=a&Signature=&Expires=99999999999999999999",
        ] {
            assert!(SigV2Url::parse(garbage).is_err(), "{garbage}");
        }
    }
}
