//! What a presigned URL holds, read without credentials, as of an instant:
//! the one summary `presign inspect` and Python's `presign.inspect()` both
//! render, so the two cannot count the time left differently.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::VerifyError;
use crate::presigned_url::{HostMismatch, PresignedUrl};
use crate::request::Addressing;
use crate::rfc3339::rfc3339_unix;
use crate::s3_host::KnownHost;
use crate::sigv2_url::{AnyPresignedUrl, SigV2Url, SignatureVersion};

/// The `algorithm` of a SigV2 URL's summary: AWS's name for SigV2's
/// HMAC-SHA1 (its `SignatureMethod`); the URL itself names none.
pub const SIGV2_ALGORITHM: &str = "HmacSHA1";

/// The session token parameters, S3 Express's first (the name a URL carries
/// tells which kind of session signed it).
const SESSION_TOKEN_PARAMETERS: [&str; 2] = ["X-Amz-S3session-Token", "X-Amz-Security-Token"];

/// A presigned URL summarised as of `now`: where it goes, who signed it for
/// which scope, when it expires and how long it has left. Nothing is checked
/// against a secret; the session token is reported as present or absent,
/// never shown.
///
/// Times are RFC 3339 text ([`crate::rfc3339()`]). The instant counted from
/// is taken to the second, and an instant before 1970 counts as 1970.
///
/// # Example
/// ```
/// use presign::{AmzDate, PresignedUrl, UrlSummary};
///
/// let url = PresignedUrl::parse("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")?;
/// let now = AmzDate::parse_rfc3339("2013-05-25T01:00:00Z")?.to_system_time();
/// let summary = UrlSummary::new(&url, now);
/// assert_eq!((summary.bucket.as_str(), summary.key.as_str()), ("examplebucket", "test.txt"));
/// assert_eq!(summary.expires_at, "2013-05-25T00:00:00Z");
/// assert!(summary.expired);
/// assert_eq!(summary.time_left_seconds, -3600);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UrlSummary {
    /// `scheme://host[:port]`, the scheme in lower case.
    pub endpoint: String,
    /// The host header (with a port other than the scheme's default).
    pub host: String,
    /// How the URL names the bucket.
    pub addressing: Addressing,
    /// Whether the host's layout is unknown, so bucket and key are a guess.
    pub addressing_guessed: bool,
    /// The bucket.
    pub bucket: String,
    /// The object key, decoded.
    pub key: String,
    /// The access key id of `X-Amz-Credential` (SigV2: `AWSAccessKeyId`).
    pub access_key_id: String,
    /// SigV4 (SigV4A included) or SigV2.
    pub signature_version: SignatureVersion,
    /// `AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256` for SigV4A, or
    /// [`SIGV2_ALGORITHM`].
    pub algorithm: &'static str,
    /// The scope region (empty for SigV4A, which signs for a region set, and
    /// for SigV2, which has no scope).
    pub region: String,
    /// SigV4A's `X-Amz-Region-Set`; `None` for SigV4.
    pub region_set: Option<String>,
    /// The scope's signing service (empty for SigV2).
    pub service: String,
    /// What the host is, when [`crate::recognise_host`] knows its form.
    pub known_host: Option<KnownHost>,
    /// Where the signature does not fit the AWS host
    /// ([`PresignedUrl::host_mismatches`]).
    pub host_mismatches: Vec<HostMismatch>,
    /// `X-Amz-Date`, RFC 3339; `None` for SigV2, which carries no signing
    /// time.
    pub signed_at: Option<String>,
    /// `X-Amz-Expires`, in seconds; `None` for SigV2.
    pub expires_in: Option<u64>,
    /// When the URL expires, RFC 3339 (or the seconds from 1970 past the
    /// year 9999, which `X-Amz-Expires` and SigV2's `Expires` can reach).
    pub expires_at: String,
    /// The instant the time left is counted from, RFC 3339.
    pub now: String,
    /// Whether the URL has expired at `now` (it has at its expiry instant).
    pub expired: bool,
    /// Seconds from `now` to the expiry; negative once expired, saturated
    /// at the ends of `i64`.
    pub time_left_seconds: i64,
    /// The names of `X-Amz-SignedHeaders`, as listed (SigV2: the headers its
    /// query names, [`SigV2Url::signed_headers`]).
    pub signed_headers: Vec<String>,
    /// Whether a session token signs the URL (it is never shown).
    pub session_token: bool,
    /// `X-Amz-Security-Token`, or `X-Amz-S3session-Token` for an S3 Express
    /// session, or SigV2's `x-amz-security-token`; `None` without a token.
    pub session_token_parameter: Option<&'static str>,
    /// The query parameters besides the auth ones (and for SigV2 the signed
    /// headers), decoded, in URL order.
    pub query: Vec<(String, String)>,
}

/// The instant counted from, the expiry and whether it has passed, and the
/// seconds left: one rule for both signature versions.
struct TimeLeft {
    now: String,
    expires_at: String,
    expired: bool,
    seconds: i64,
}

impl TimeLeft {
    fn new(expires_at: u64, now: SystemTime) -> Self {
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let time_left = i128::from(expires_at) - i128::from(now);
        Self {
            now: rfc3339_unix(i128::from(now)),
            expires_at: rfc3339_unix(i128::from(expires_at)),
            expired: now >= expires_at,
            seconds: i64::try_from(time_left).unwrap_or(if time_left < 0 {
                i64::MIN
            } else {
                i64::MAX
            }),
        }
    }
}

impl UrlSummary {
    /// Reads `url`, SigV4 or SigV2 ([`SignatureVersion::of_url`]), and
    /// summarises it as of `now`.
    ///
    /// # Errors
    /// The parse error of [`PresignedUrl::parse`] or [`SigV2Url::parse`].
    ///
    /// # Example
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use presign::{SignatureVersion, UrlSummary};
    ///
    /// let url = "https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620";
    /// let summary = UrlSummary::read(url, UNIX_EPOCH + Duration::from_secs(1_175_136_020))?;
    /// assert_eq!(summary.signature_version, SignatureVersion::V2);
    /// assert_eq!((summary.bucket.as_str(), summary.key.as_str()), ("johnsmith", "photos/puppy.jpg"));
    /// assert_eq!((summary.signed_at, summary.expires_at.as_str()), (None, "2007-03-29T03:40:20Z"));
    /// assert_eq!(summary.time_left_seconds, 3600);
    /// # Ok::<(), presign::VerifyError>(())
    /// ```
    pub fn read(url: &str, now: SystemTime) -> Result<Self, VerifyError> {
        Ok(match AnyPresignedUrl::parse(url)? {
            AnyPresignedUrl::V4(url) => Self::new(&url, now),
            AnyPresignedUrl::V2(url) => Self::of_sigv2(&url, now),
        })
    }

    /// Summarises the SigV2 `url` as of `now`.
    #[must_use]
    pub fn of_sigv2(url: &SigV2Url, now: SystemTime) -> Self {
        let location = url.location();
        let time = TimeLeft::new(url.expires(), now);
        Self {
            endpoint: format!("{}://{}", url.scheme().to_ascii_lowercase(), url.host()),
            host: url.host().to_owned(),
            addressing: location.addressing(),
            addressing_guessed: location.is_guess(),
            bucket: location.bucket().to_owned(),
            key: location.key().to_owned(),
            access_key_id: url.access_key_id().to_owned(),
            signature_version: SignatureVersion::V2,
            algorithm: SIGV2_ALGORITHM,
            region: String::new(),
            region_set: None,
            service: String::new(),
            known_host: url.known_host(),
            host_mismatches: Vec::new(),
            signed_at: None,
            expires_in: None,
            expires_at: time.expires_at,
            now: time.now,
            expired: time.expired,
            time_left_seconds: time.seconds,
            signed_headers: url.signed_headers(),
            session_token: url.has_session_token(),
            session_token_parameter: url.has_session_token().then_some("x-amz-security-token"),
            query: url.extra_query().cloned().collect(),
        }
    }

    /// Summarises `url` as of `now`.
    #[must_use]
    pub fn new(url: &PresignedUrl, now: SystemTime) -> Self {
        let location = url.location();
        let time = TimeLeft::new(url.expires_at_unix(), now);
        Self {
            endpoint: format!("{}://{}", url.scheme().to_ascii_lowercase(), url.host()),
            host: url.host().to_owned(),
            addressing: location.addressing(),
            addressing_guessed: location.is_guess(),
            bucket: location.bucket().to_owned(),
            key: location.key().to_owned(),
            access_key_id: url.access_key_id().to_owned(),
            signature_version: SignatureVersion::V4,
            algorithm: url.algorithm(),
            region: url.scope().region().to_owned(),
            region_set: url.region_set().map(str::to_owned),
            service: url.scope().service().to_owned(),
            known_host: url.known_host(),
            host_mismatches: url.host_mismatches(),
            signed_at: Some(url.signed_at().to_rfc3339()),
            expires_in: Some(url.expires_in()),
            expires_at: time.expires_at,
            now: time.now,
            expired: time.expired,
            time_left_seconds: time.seconds,
            signed_headers: url.signed_headers().to_vec(),
            session_token: url.has_session_token(),
            session_token_parameter: SESSION_TOKEN_PARAMETERS
                .into_iter()
                .find(|wanted| url.query().iter().any(|(name, _)| name == wanted)),
            query: url.extra_query().cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const AWS_EXAMPLE: &str = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

    fn summary(url: &str, now: u64) -> UrlSummary {
        let url = PresignedUrl::parse(url).unwrap_or_else(|error| panic!("{error}"));
        UrlSummary::new(&url, UNIX_EPOCH + Duration::from_secs(now))
    }

    #[test]
    fn counts_the_time_left_down_to_and_past_the_expiry() {
        let expiry = 1_369_353_600 + 86_400;
        let before = summary(AWS_EXAMPLE, expiry - 60);
        assert_eq!((before.time_left_seconds, before.expired), (60, false));
        assert_eq!(before.now, "2013-05-24T23:59:00Z");
        let at = summary(AWS_EXAMPLE, expiry);
        assert_eq!((at.time_left_seconds, at.expired), (0, true));
        let after = summary(AWS_EXAMPLE, expiry + 3600);
        assert_eq!((after.time_left_seconds, after.expired), (-3600, true));
    }

    #[test]
    fn an_expiry_past_the_year_9999_is_told_in_seconds() {
        let url = AWS_EXAMPLE.replace("X-Amz-Expires=86400", "X-Amz-Expires=18446744073709551615");
        let far = summary(&url, 0);
        assert_eq!(
            far.expires_at,
            "18446744073709551615 s after 1970 (past the year 9999)"
        );
        assert_eq!(far.time_left_seconds, i64::MAX);
        assert_eq!(far.now, "1970-01-01T00:00:00Z");
    }

    #[test]
    fn names_the_session_token_parameter_without_its_value() {
        let url = format!("{AWS_EXAMPLE}&X-Amz-Security-Token=SECRETTOKEN");
        let with_token = summary(&url, 0);
        assert!(with_token.session_token);
        assert_eq!(
            with_token.session_token_parameter,
            Some("X-Amz-Security-Token")
        );
        assert!(!format!("{with_token:?}").contains("SECRETTOKEN"));
        assert_eq!(summary(AWS_EXAMPLE, 0).session_token_parameter, None);
    }

    #[test]
    fn a_sigv2_url_is_summarised_without_a_signing_time_or_scope() {
        let url = "http://127.0.0.1:9000/photos/in/a.png?versionId=v1&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=z%2Bxt33O%2FCx6gz%2F0wGzkoGNvyf3c%3D&content-type=image%2Fpng&x-amz-meta-owner=alice&x-amz-security-token=SECRETTOKEN&Expires=1714565400";
        let summary = UrlSummary::read(url, UNIX_EPOCH + Duration::from_secs(1_714_565_400 - 90))
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(summary.signature_version, SignatureVersion::V2);
        assert_eq!(summary.algorithm, SIGV2_ALGORITHM);
        assert_eq!(
            (summary.signed_at.as_deref(), summary.expires_in),
            (None, None)
        );
        assert_eq!(
            (summary.region.as_str(), summary.service.as_str()),
            ("", "")
        );
        assert_eq!(summary.expires_at, "2024-05-01T12:10:00Z");
        assert_eq!((summary.time_left_seconds, summary.expired), (90, false));
        assert_eq!(summary.signed_headers, ["content-type", "x-amz-meta-owner"]);
        assert_eq!(summary.query, [("versionId".to_owned(), "v1".to_owned())]);
        assert_eq!(
            summary.session_token_parameter,
            Some("x-amz-security-token")
        );
        assert!(!format!("{summary:?}").contains("SECRETTOKEN"));
        // The same reader takes SigV4 URLs.
        let v4 = UrlSummary::read(AWS_EXAMPLE, UNIX_EPOCH).unwrap();
        assert_eq!(v4.signature_version, SignatureVersion::V4);
        assert_eq!(v4.signed_at.as_deref(), Some("2013-05-24T00:00:00Z"));
    }
}
