//! S3 Express One Zone session auth without the network: the signed
//! `CreateSession` call, how long a session is used, and how many are kept.
//!
//! A directory bucket (`NAME--AZID--x-s3`) is presigned by botocore with
//! the keys of a session: it calls `CreateSession` (`GET /?session` on the
//! bucket's zonal endpoint, signed with the IAM credentials for service
//! `s3express`), keeps the session per bucket (`S3ExpressIdentityCache`, an
//! LRU of 100 buckets), and signs with the session's keys, its token in
//! `X-Amz-S3session-Token`. The session is refreshed with botocore's
//! windows for it (`IdentityCache`: advisory 45 s, mandatory 10 s before
//! `Expiration`), not the 15 and 10 minutes of other temporary credentials:
//! a session lives five minutes.
//!
//! The call is exactly botocore's (`S3SigV4Auth` with signing name
//! `s3express`): `host`, `x-amz-content-sha256` (the SHA-256 of the empty
//! body, which botocore signs over http and over https alike, as the call
//! carries no checksum header) and `x-amz-date` signed, plus
//! `x-amz-security-token` when the IAM credentials are temporary. botocore's
//! own `User-Agent`, `Accept-Encoding` and `amz-sdk-*` headers are not
//! signed, and are not sent here.

use std::fmt;
use std::time::{Duration, SystemTime};

use presign::{Credentials, Endpoint, HeaderRequest, PresignError, sign_headers};

use super::refresh::Freshness;

/// The SHA-256 of an empty body: `CreateSession`'s payload hash.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// How long before a session expires a refresh is tried, failure
/// tolerated (botocore's `IdentityCache`: `advisory_timeout=45`).
pub const EXPRESS_ADVISORY_REFRESH: Duration = Duration::from_secs(45);

/// How long before a session expires a refresh must succeed before it is
/// used again (botocore's `IdentityCache`: `mandatory_timeout=10`).
pub const EXPRESS_MANDATORY_REFRESH: Duration = Duration::from_secs(10);

/// How many buckets' sessions are kept, the least recently used dropped
/// first (botocore: `functools.lru_cache(maxsize=100)`).
pub const EXPRESS_SESSION_CAPACITY: usize = 100;

/// The longest bucket name S3 allows (63 characters): a longer one is no
/// bucket, and is refused before anything is sent or kept.
pub const MAX_BUCKET_NAME_LEN: usize = 63;

/// How usable a session expiring at `expires_at` is at `now`, with
/// botocore's fixed windows for sessions (45 s advisory, 10 s mandatory).
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign_config::Freshness;
/// use presign_config::sources::express_session_freshness;
///
/// let expires = UNIX_EPOCH + Duration::from_secs(1_000_300);
/// let at = |left: u64| expires - Duration::from_secs(left);
/// assert_eq!(express_session_freshness(expires, at(46)), Freshness::Fresh);
/// assert_eq!(express_session_freshness(expires, at(45)), Freshness::Advisory);
/// assert_eq!(express_session_freshness(expires, at(10)), Freshness::Mandatory);
/// assert_eq!(express_session_freshness(expires, expires), Freshness::Expired);
/// ```
#[must_use]
pub fn express_session_freshness(expires_at: SystemTime, now: SystemTime) -> Freshness {
    // botocore refreshes when the seconds remaining are *less than* the
    // window; a whole-second clock lands on the boundary, which counts as
    // inside here (a refresh a moment early, never a moment late).
    match expires_at.duration_since(now) {
        Ok(left) if left.is_zero() => Freshness::Expired,
        Ok(left) if left <= EXPRESS_MANDATORY_REFRESH => Freshness::Mandatory,
        Ok(left) if left <= EXPRESS_ADVISORY_REFRESH => Freshness::Advisory,
        Ok(_) => Freshness::Fresh,
        Err(_) => Freshness::Expired,
    }
}

/// What a person can do about S3's refusal `code` of a `CreateSession`
/// call, if anything specific.
///
/// # Example
/// ```
/// use presign_config::sources::create_session_hint;
///
/// assert!(create_session_hint("AccessDenied").unwrap().contains("s3express:CreateSession"));
/// assert_eq!(create_session_hint("InternalError"), None);
/// ```
#[must_use]
pub fn create_session_hint(code: &str) -> Option<&'static str> {
    match code {
        "AccessDenied" => Some(
            "the credentials need s3express:CreateSession on this bucket; or sign with them \
             directly (AWS_S3_DISABLE_EXPRESS_SESSION_AUTH=true)",
        ),
        "NoSuchBucket" => {
            Some("check the bucket's name, its zone (the part between the two --) and the region")
        }
        "SignatureDoesNotMatch" | "InvalidAccessKeyId" => {
            Some("check the credentials' secret access key and the region")
        }
        "RequestTimeTooSkewed" => Some("check this computer's clock"),
        _ => None,
    }
}

/// A `CreateSession` call, signed: where it goes and the headers to send
/// besides `Host` (which the HTTP client writes from the URL, and which is
/// signed as [`Endpoint::host_header`] gives it).
#[derive(Clone, PartialEq, Eq)]
pub struct CreateSessionCall {
    url: String,
    headers: Vec<(&'static str, String)>,
}

impl CreateSessionCall {
    /// `GET` this URL: the bucket's URL with `?session`.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers to send, in botocore's order: `X-Amz-Date`,
    /// `X-Amz-Security-Token` (temporary IAM credentials only: a secret,
    /// never to be printed), `X-Amz-Content-SHA256` and `Authorization`.
    #[must_use]
    pub fn headers(&self) -> Vec<(&'static str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect()
    }
}

impl fmt::Debug for CreateSessionCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, String)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = match *name {
                    "X-Amz-Security-Token" => "<redacted>".to_owned(),
                    "Authorization" => value.split_once("Signature=").map_or_else(
                        || "<redacted>".to_owned(),
                        |(head, _)| format!("{head}Signature=<redacted>"),
                    ),
                    _ => value.clone(),
                };
                (*name, shown)
            })
            .collect();
        f.debug_struct("CreateSessionCall")
            .field("url", &self.url)
            .field("headers", &headers)
            .finish()
    }
}

/// Signs the `CreateSession` call for the bucket at `bucket_url` with the
/// IAM credentials `base`, at `now`, for `region` and service `s3express`.
///
/// `bucket_url` is the bucket's URL as the endpoint rules give it: the zonal
/// host, `https://NAME--AZID--x-s3.s3express-AZID.REGION.amazonaws.com`
/// (the call goes to `/?session`), or a custom endpoint with the bucket in
/// the path, `http://127.0.0.1:9000/NAME--AZID--x-s3` (the call goes to
/// `/NAME--AZID--x-s3?session`, as botocore sends it).
///
/// # Errors
/// [`PresignError::InvalidEndpoint`] when `bucket_url` is not an
/// `http(s)://host[:port][/path]` URL; [`PresignError::TimeOutOfRange`]
/// when `now` cannot be written as an `X-Amz-Date`.
///
/// # Example
/// ```
/// use presign::{AmzDate, Credentials};
/// use presign_config::sources::create_session_call;
///
/// let base = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let now = AmzDate::parse_rfc3339("2026-12-06T16:04:05Z")?.to_system_time();
/// let call = create_session_call(
///     "https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
///     "us-west-2",
///     &base,
///     now,
/// )?;
/// assert_eq!(call.url(), "https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/?session");
/// let authorization = call.headers().last().unwrap().1;
/// assert!(authorization.starts_with(
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-west-2/s3express/aws4_request, \
///      SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="
/// ));
/// # Ok::<(), presign::PresignError>(())
/// ```
pub fn create_session_call(
    bucket_url: &str,
    region: &str,
    base: &Credentials,
    now: SystemTime,
) -> Result<CreateSessionCall, PresignError> {
    let endpoint = Endpoint::parse(bucket_url)?;
    let path = match endpoint.base_path() {
        "" => "/",
        path => path,
    };
    let request = HeaderRequest::new("GET", path)
        .query("session", "")
        .header("host", &endpoint.host_header())
        .header("x-amz-content-sha256", EMPTY_SHA256);
    let signed = sign_headers(&request, base, region, "s3express", now)?;
    let mut headers = Vec::with_capacity(4);
    for (name, value) in signed.headers() {
        if name == "Authorization" {
            headers.push(("X-Amz-Content-SHA256", EMPTY_SHA256.to_owned()));
        }
        headers.push((name, value.to_owned()));
    }
    let url = format!(
        "{}://{}{path}?session",
        endpoint.scheme(),
        endpoint.authority()
    );
    Ok(CreateSessionCall { url, headers })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        presign::AmzDate::parse_rfc3339("2026-12-06T16:04:05Z")
            .unwrap()
            .to_system_time()
    }

    #[test]
    fn a_path_style_bucket_url_keeps_its_path_and_port() {
        let base = Credentials::new("AKID", "secret");
        let call = create_session_call(
            "http://127.0.0.1:9000/b--usw2-az1--x-s3",
            "us-west-2",
            &base,
            now(),
        )
        .unwrap();
        assert_eq!(
            call.url(),
            "http://127.0.0.1:9000/b--usw2-az1--x-s3?session"
        );
    }

    #[test]
    fn a_temporary_base_token_is_sent_signed_and_never_shown() {
        let base = Credentials::new("ASIABASE", "secret").with_session_token("BASE-TOKEN");
        let call = create_session_call(
            "https://b--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
            "us-west-2",
            &base,
            now(),
        )
        .unwrap();
        let headers = call.headers();
        assert!(headers.contains(&("X-Amz-Security-Token", "BASE-TOKEN")));
        assert!(
            headers.last().unwrap().1.contains(
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"
            )
        );
        let shown = format!("{call:?}");
        assert!(
            !shown.contains("BASE-TOKEN") && !shown.contains("secret"),
            "{shown}"
        );
    }

    #[test]
    fn a_bucket_url_with_a_query_is_refused() {
        let base = Credentials::new("AKID", "secret");
        let error =
            create_session_call("https://h.example/?x=1", "us-west-2", &base, now()).unwrap_err();
        assert!(
            matches!(error, PresignError::InvalidEndpoint { .. }),
            "{error}"
        );
    }
}
