//! [`verify`]: is this presigned URL valid, now, for this request?
//!
//! The checks run in this order, so the error names the first rule broken:
//! the URL parses (every auth parameter exactly once, each well formed); the
//! algorithm; the credential scope (date equal to `X-Amz-Date`'s, service,
//! region allowed, terminator); the scope's service (and for a Multi-Region
//! Access Point, SigV4A) being what an AWS host form recognised by
//! [`crate::recognise_host`] takes; `host` signed and the signed header names
//! lower case and sorted; the expiry within the policy and not passed; not
//! dated beyond the allowed clock skew; the access key known; and last the
//! signature, recomputed and compared in constant time. Nothing in an error
//! is secret: no key, no token, no expected signature.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::amz_date::AmzDate;
use crate::credentials::Credentials;
use crate::error::VerifyError;
use crate::location::ObjectLocation;
use crate::presigned_url::{HostMismatch, PresignedUrl};
use crate::request::{MAX_EXPIRES_SECS, Method};
use crate::rfc3339::rfc3339_unix;
use crate::scope::CredentialScope;
use crate::signing_key::SigningKey;
use crate::sigv4a::SigV4aKey;

/// What a verifier accepts beyond a correct signature.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use presign::VerifyPolicy;
///
/// let policy = VerifyPolicy::default()
///     .max_expires(3600)
///     .clock_skew(Duration::from_secs(60))
///     .allowed_regions(["eu-de", ""]);
/// assert_eq!(policy.max_expires_secs(), 3600);
/// ```
#[derive(Clone, Debug)]
pub struct VerifyPolicy {
    pub(crate) max_expires: u64,
    pub(crate) clock_skew: Duration,
    regions: Option<Vec<String>>,
    services: Vec<String>,
}

/// The signing names of S3's own endpoints, which a verifier accepts unless
/// told otherwise: buckets and access points, Object Lambda, Outposts, and
/// S3 Express directory buckets.
pub const S3_SIGNING_NAMES: [&str; 4] = ["s3", "s3-object-lambda", "s3-outposts", "s3express"];

impl Default for VerifyPolicy {
    /// `X-Amz-Expires` up to 604800 s, 900 s of clock skew for URLs dated in
    /// the future, any region (the empty one included), any of S3's signing
    /// names ([`S3_SIGNING_NAMES`]).
    fn default() -> Self {
        Self {
            max_expires: MAX_EXPIRES_SECS,
            clock_skew: Duration::from_secs(900),
            regions: None,
            services: S3_SIGNING_NAMES.map(str::to_owned).to_vec(),
        }
    }
}

impl VerifyPolicy {
    /// The largest `X-Amz-Expires` accepted, in seconds.
    #[must_use]
    pub fn max_expires(mut self, seconds: u64) -> Self {
        self.max_expires = seconds;
        self
    }

    /// How far in the future `X-Amz-Date` may be (the signer's clock ahead).
    #[must_use]
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Accept only these scope regions (the empty string is a region too).
    /// A SigV4A URL is accepted when every region of its `X-Amz-Region-Set`
    /// is one of these (a wildcard only when listed as written, e.g. `*`).
    #[must_use]
    pub fn allowed_regions<I, S>(mut self, regions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.regions = Some(regions.into_iter().map(Into::into).collect());
        self
    }

    /// The one service the scope must name (by default any of
    /// [`S3_SIGNING_NAMES`]).
    #[must_use]
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.services = vec![service.into()];
        self
    }

    /// The largest `X-Amz-Expires` accepted.
    #[must_use]
    pub fn max_expires_secs(&self) -> u64 {
        self.max_expires
    }
}

/// A URL that passed every check.
#[derive(Clone, Debug)]
pub struct Verified {
    url: PresignedUrl,
    location: ObjectLocation,
}

impl Verified {
    /// The access key id that signed it.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        self.url.access_key_id()
    }

    /// The bucket (from the host or the path; see [`Verified::location`]).
    #[must_use]
    pub fn bucket(&self) -> &str {
        self.location.bucket()
    }

    /// The object key, decoded.
    #[must_use]
    pub fn key(&self) -> &str {
        self.location.key()
    }

    /// Bucket, key, addressing style, and whether the host's layout made
    /// that a guess.
    #[must_use]
    pub fn location(&self) -> &ObjectLocation {
        &self.location
    }

    /// The decoded path: `/bucket/key` in path style, `/key` virtual-hosted.
    #[must_use]
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The scope region (may be empty; empty for SigV4A, whose regions are
    /// [`PresignedUrl::region_set`]).
    #[must_use]
    pub fn region(&self) -> &str {
        self.url.scope().region()
    }

    /// `X-Amz-Date`.
    #[must_use]
    pub fn signed_at(&self) -> AmzDate {
        self.url.signed_at()
    }

    /// When the URL stops working.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.url.expires_at_unix())
    }

    /// The signed header names.
    #[must_use]
    pub fn signed_headers(&self) -> &[String] {
        self.url.signed_headers()
    }

    /// Everything the URL holds.
    #[must_use]
    pub fn url(&self) -> &PresignedUrl {
        &self.url
    }
}

/// Verifies `url` received with `method` and `headers` (the values of the
/// signed headers other than `host`), with `lookup` mapping an access key id
/// to its credentials, as of `now`.
///
/// # Errors
/// A [`VerifyError`] naming the first rule the URL breaks.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use presign::{presign, verify, AmzDate, Credentials, Method, PresignRequest, VerifyError, VerifyPolicy};
///
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let at = AmzDate::parse_rfc3339("2024-11-28T12:00:00Z")?.to_system_time();
/// let request = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "a.txt");
/// let url = presign(&request, &credentials, at).map_err(|e| e.to_string()).unwrap().url().to_owned();
///
/// let lookup = |id: &str| (id == "AKIDEXAMPLE").then(|| credentials.clone());
/// let policy = VerifyPolicy::default();
/// let verified = verify(&url, Method::Get, &[], &lookup, at + Duration::from_secs(60), &policy)?;
/// assert_eq!(verified.path(), "/bucket/a.txt");
///
/// let late = at + Duration::from_secs(3601);
/// assert!(matches!(verify(&url, Method::Get, &[], &lookup, late, &policy), Err(VerifyError::Expired { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(
    url: &str,
    method: Method,
    headers: &[(&str, &str)],
    lookup: impl Fn(&str) -> Option<Credentials>,
    now: SystemTime,
    policy: &VerifyPolicy,
) -> Result<Verified, VerifyError> {
    let parsed = PresignedUrl::parse(url)?;
    check_scope(&parsed, policy)?;
    check_host(&parsed)?;
    check_signed_headers(parsed.signed_headers())?;
    check_time(&parsed, now, policy)?;
    let credentials =
        lookup(parsed.access_key_id()).ok_or_else(|| VerifyError::UnknownAccessKey {
            access_key_id: parsed.access_key_id().to_owned(),
        })?;
    let string_to_sign = parsed.string_to_sign(method.as_str(), headers)?;
    let key = UrlVerifier::new(&parsed, &credentials);
    if !key.verify(string_to_sign.as_str().as_bytes(), parsed.signature()) {
        return Err(mismatch(method, |other| {
            parsed
                .string_to_sign(other.as_str(), headers)
                .is_ok_and(|text| key.verify(text.as_str().as_bytes(), parsed.signature()))
        }));
    }
    Ok(Verified {
        location: parsed.location(),
        url: parsed,
    })
}

/// What checks a URL's signature: SigV4's HMAC key for the scope, or the
/// SigV4A public key derived from the secret.
enum UrlVerifier {
    V4(SigningKey),
    V4a(Option<SigV4aKey>),
}

impl UrlVerifier {
    fn new(url: &PresignedUrl, credentials: &Credentials) -> Self {
        let scope = url.scope();
        if url.region_set().is_some() {
            // No key can be derived only for credentials no signer can use:
            // then no signature matches.
            Self::V4a(
                SigV4aKey::derive(credentials.access_key_id(), credentials.secret_access_key())
                    .ok(),
            )
        } else {
            Self::V4(SigningKey::derive(
                credentials.secret_access_key(),
                scope.date_stamp(),
                scope.region(),
                scope.service(),
            ))
        }
    }

    fn verify(&self, string_to_sign: &[u8], signature: &str) -> bool {
        match self {
            Self::V4(key) => key.verify(string_to_sign, signature),
            Self::V4a(key) => key
                .as_ref()
                .is_some_and(|key| key.verify(string_to_sign, signature)),
        }
    }
}

fn check_scope(url: &PresignedUrl, policy: &VerifyPolicy) -> Result<(), VerifyError> {
    check_scope_of(url.scope(), url.signed_at(), policy)?;
    if let (Some(region_set), Some(regions)) = (url.region_set(), &policy.regions)
        && let Some(refused) = region_set
            .split(',')
            .find(|region| !regions.iter().any(|allowed| allowed == region))
    {
        return Err(VerifyError::RegionNotAllowed {
            region: refused.to_owned(),
        });
    }
    Ok(())
}

/// The service and algorithm an AWS host form takes (S3 refuses any other
/// whatever the secret). A scope region other than the host's is not
/// refused here (`presign inspect` shows it): which regions a verifier
/// accepts is the policy's choice.
fn check_host(url: &PresignedUrl) -> Result<(), VerifyError> {
    match url
        .host_mismatches()
        .into_iter()
        .find(|mismatch| !matches!(mismatch, HostMismatch::Region { .. }))
    {
        Some(mismatch) => Err(VerifyError::WrongForHost { mismatch }),
        None => Ok(()),
    }
}

/// The credential scope's rules: its date is `signed_at`'s, its service the
/// policy's, its region one the policy accepts (shared with POST forms).
pub(crate) fn check_scope_of(
    scope: &CredentialScope,
    signed_at: AmzDate,
    policy: &VerifyPolicy,
) -> Result<(), VerifyError> {
    if scope.date_stamp() != signed_at.date_stamp() {
        return Err(VerifyError::ScopeDateMismatch {
            scope_date: scope.date_stamp().to_owned(),
            amz_date: signed_at.to_string(),
        });
    }
    if !policy
        .services
        .iter()
        .any(|service| service == scope.service())
    {
        return Err(VerifyError::WrongService {
            service: scope.service().to_owned(),
            expected: policy.services.join(" or "),
        });
    }
    // A SigV4A scope has no region: its region set is checked by the caller.
    if let Some(regions) = &policy.regions
        && scope.is_regional()
        && !regions.iter().any(|region| region == scope.region())
    {
        return Err(VerifyError::RegionNotAllowed {
            region: scope.region().to_owned(),
        });
    }
    Ok(())
}

fn check_signed_headers(names: &[String]) -> Result<(), VerifyError> {
    if !names.iter().any(|name| name == "host") {
        return Err(VerifyError::HostNotSigned);
    }
    if names.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(VerifyError::Malformed {
            part: "X-Amz-SignedHeaders".to_owned(),
            reason: "header names must be sorted and appear once",
        });
    }
    Ok(())
}

fn check_time(
    url: &PresignedUrl,
    now: SystemTime,
    policy: &VerifyPolicy,
) -> Result<(), VerifyError> {
    if url.expires_in() > policy.max_expires {
        return Err(VerifyError::ExpiresTooLong {
            seconds: url.expires_in(),
            max: policy.max_expires,
        });
    }
    let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let signed_at = url.signed_at().unix_seconds();
    if signed_at > now.saturating_add(policy.clock_skew.as_secs()) {
        return Err(VerifyError::NotYetValid {
            signed_at: url.signed_at().to_rfc3339(),
        });
    }
    let expires_at = url.expires_at_unix();
    if AmzDate::from_unix_seconds(expires_at).is_err() {
        // presign never signs such a URL, and its expiry would not fit a
        // SystemTime everywhere.
        return Err(VerifyError::Malformed {
            part: "X-Amz-Expires".to_owned(),
            reason: "the URL would expire after 9999-12-31T23:59:59Z",
        });
    }
    check_not_expired(now, expires_at)
}

/// `Expired` when the URL's expiry (Unix seconds) is not after `now`.
pub(crate) fn check_not_expired(now: u64, expires_at: u64) -> Result<(), VerifyError> {
    if now >= expires_at {
        return Err(VerifyError::Expired {
            at: rfc3339_unix(i128::from(expires_at)),
        });
    }
    Ok(())
}

/// The error for a signature that does not match the request sent with
/// `method`: `MethodMismatch` naming the method it does match (the most
/// common slip: a GET URL sent as PUT, or the reverse), else
/// `SignatureMismatch`. `matches` checks the signature for another method;
/// it runs only on a mismatch, once per method at most.
pub(crate) fn mismatch(method: Method, matches: impl Fn(Method) -> bool) -> VerifyError {
    Method::ALL
        .into_iter()
        .find(|other| *other != method && matches(*other))
        .map_or(VerifyError::SignatureMismatch, |signed_for| {
            VerifyError::MethodMismatch {
                sent: method.as_str(),
                signed_for: signed_for.as_str(),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presign::presign;
    use crate::request::PresignRequest;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn signed(request: &PresignRequest) -> (String, SystemTime) {
        let at = AmzDate::parse_rfc3339("2024-11-28T12:00:00Z")
            .unwrap()
            .to_system_time();
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET);
        (
            presign(request, &credentials, at).unwrap().url().to_owned(),
            at,
        )
    }

    fn lookup(id: &str) -> Option<Credentials> {
        (id == "AKIDEXAMPLE").then(|| Credentials::new("AKIDEXAMPLE", SECRET))
    }

    fn get() -> PresignRequest {
        PresignRequest::new(
            Method::Get,
            "http://127.0.0.1:9000",
            "bucket",
            "dir/a b.txt",
        )
    }

    fn check(
        url: &str,
        method: Method,
        headers: &[(&str, &str)],
        now: SystemTime,
    ) -> Result<Verified, VerifyError> {
        verify(url, method, headers, lookup, now, &VerifyPolicy::default())
    }

    #[test]
    fn a_scope_service_the_aws_host_does_not_take_is_refused_before_the_signature() {
        // botocore's URL for an Object Lambda access point (tests/data/signing-names).
        let document: serde_json::Value =
            serde_json::from_str(include_str!("../tests/data/signing-names/cases.json")).unwrap();
        let case = document["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|case| case["service"] == "s3-object-lambda")
            .unwrap();
        let url = case["url"].as_str().unwrap();
        let at = AmzDate::parse_rfc3339(case["time"].as_str().unwrap())
            .unwrap()
            .to_system_time();
        let secret = case["secret_access_key"].as_str().unwrap().to_owned();
        let lookup = |id: &str| (id == "AKIDEXAMPLE").then(|| Credentials::new(id, &secret));
        let policy = VerifyPolicy::default();
        assert!(verify(url, Method::Get, &[], lookup, at, &policy).is_ok());
        let as_s3 = url.replacen("%2Fs3-object-lambda%2F", "%2Fs3%2F", 1);
        let error = verify(&as_s3, Method::Get, &[], lookup, at, &policy).unwrap_err();
        assert!(
            matches!(
                &error,
                VerifyError::WrongForHost {
                    mismatch: HostMismatch::Service {
                        host_service: "s3-object-lambda",
                        ..
                    }
                }
            ),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .contains("takes the signing service s3-object-lambda"),
            "{error}"
        );
        assert!(!error.to_string().contains(&secret), "{error}");
        // A region other than the host's is the policy's to judge.
        let other_region = url.replacen("%2Fus-west-2%2F", "%2Feu-west-1%2F", 1);
        assert_eq!(
            verify(&other_region, Method::Get, &[], lookup, at, &policy).unwrap_err(),
            VerifyError::SignatureMismatch
        );
    }

    #[test]
    fn a_fresh_url_verifies_until_it_expires() {
        let (url, at) = signed(&get());
        let verified = check(&url, Method::Get, &[], at).unwrap();
        assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(verified.path(), "/bucket/dir/a b.txt");
        assert_eq!(
            (verified.bucket(), verified.key()),
            ("bucket", "dir/a b.txt")
        );
        assert_eq!(verified.expires_at(), at + Duration::from_secs(3600));
        assert!(check(&url, Method::Get, &[], at + Duration::from_secs(3599)).is_ok());
        assert_eq!(
            check(&url, Method::Get, &[], at + Duration::from_secs(3600)).unwrap_err(),
            VerifyError::Expired {
                at: "2024-11-28T13:00:00Z".to_owned()
            }
        );
    }

    #[test]
    fn the_method_and_signed_headers_are_part_of_the_signature() {
        let (url, at) = signed(&get());
        assert_eq!(
            check(&url, Method::Put, &[], at).unwrap_err(),
            VerifyError::MethodMismatch {
                sent: "PUT",
                signed_for: "GET"
            },
            "a URL sent with another method names the method it was signed for"
        );
        let (put, at) = signed(
            &PresignRequest::new(Method::Put, "http://127.0.0.1:9000", "bucket", "k")
                .header("Content-Type", "text/plain"),
        );
        assert!(check(&put, Method::Put, &[("content-type", "text/plain")], at).is_ok());
        assert_eq!(
            check(&put, Method::Put, &[("content-type", "text/html")], at).unwrap_err(),
            VerifyError::SignatureMismatch
        );
        assert_eq!(
            check(&put, Method::Put, &[], at).unwrap_err(),
            VerifyError::MissingHeader {
                name: "content-type".to_owned()
            }
        );
    }

    #[test]
    fn future_dates_are_accepted_only_within_the_skew() {
        let (url, at) = signed(&get());
        assert!(check(&url, Method::Get, &[], at - Duration::from_secs(900)).is_ok());
        assert!(matches!(
            check(&url, Method::Get, &[], at - Duration::from_secs(901)),
            Err(VerifyError::NotYetValid { .. })
        ));
    }

    #[test]
    fn the_policy_limits_expiry_region_and_service() {
        let (url, at) = signed(&get().region("eu-de"));
        let strict = VerifyPolicy::default().max_expires(600);
        assert_eq!(
            verify(&url, Method::Get, &[], lookup, at, &strict).unwrap_err(),
            VerifyError::ExpiresTooLong {
                seconds: 3600,
                max: 600
            }
        );
        let regions = VerifyPolicy::default().allowed_regions(["us-east-1", ""]);
        assert_eq!(
            verify(&url, Method::Get, &[], lookup, at, &regions).unwrap_err(),
            VerifyError::RegionNotAllowed {
                region: "eu-de".to_owned()
            }
        );
        let (empty, at) = signed(&get().region(""));
        assert!(verify(&empty, Method::Get, &[], lookup, at, &regions).is_ok());
        let other = VerifyPolicy::default().service("sts");
        assert!(matches!(
            verify(&url, Method::Get, &[], lookup, at, &other),
            Err(VerifyError::WrongService { .. })
        ));
    }

    #[test]
    fn scope_and_header_rules_are_checked_before_the_signature() {
        let (url, at) = signed(&get());
        let other_day = url.replace("X-Amz-Date=20241128T120000Z", "X-Amz-Date=20241129T120000Z");
        assert!(matches!(
            check(
                &other_day,
                Method::Get,
                &[],
                at + Duration::from_secs(86_400)
            ),
            Err(VerifyError::ScopeDateMismatch { .. })
        ));
        let no_host = url.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date");
        assert_eq!(
            check(&no_host, Method::Get, &[("x-amz-date", "x")], at).unwrap_err(),
            VerifyError::HostNotSigned
        );
        let unsorted = url.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%3Ba");
        assert!(matches!(
            check(&unsorted, Method::Get, &[("a", "1")], at),
            Err(VerifyError::Malformed { .. })
        ));
        let stranger = url.replace("AKIDEXAMPLE", "AKIDSTRANGER");
        assert_eq!(
            check(&stranger, Method::Get, &[], at).unwrap_err(),
            VerifyError::UnknownAccessKey {
                access_key_id: "AKIDSTRANGER".to_owned()
            }
        );
    }

    #[test]
    fn errors_name_no_secret_and_no_expected_signature() {
        let (url, at) = signed(&get());
        let tampered = format!("{}0", &url[..url.len() - 1]);
        let error = check(&tampered, Method::Get, &[], at).unwrap_err();
        assert_eq!(error, VerifyError::SignatureMismatch);
        let message = error.to_string();
        let real_signature = &url[url.len() - 64..];
        assert!(
            !message.contains(SECRET) && !message.contains(real_signature),
            "{message}"
        );
    }
}
