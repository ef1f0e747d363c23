//! The EC2 instance metadata service (IMDS): botocore's protocol, its
//! answers and its rules for falling back from IMDSv2 to IMDSv1.
//!
//! IMDSv2 first asks for a session token (`PUT /latest/api/token`), then
//! reads the role name and its credentials with the token in a header.
//! botocore falls back to IMDSv1 (the same reads without a token) when the
//! token request is refused with 403, 404 or 405, times out, or gets no
//! answer in its attempts; a 400 means the request itself is wrong and no
//! credentials are read. `AWS_EC2_METADATA_V1_DISABLED` forbids the
//! fallback.

use std::time::{Duration, SystemTime};

use crate::credentials::ResolvedCredentials;

use super::json_answer::{self, JsonAnswerError};

/// The token request's path.
pub const IMDS_TOKEN_PATH: &str = "/latest/api/token";
/// The header that asks for a token's lifetime.
pub const IMDS_TOKEN_TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
/// The lifetime botocore asks for: six hours.
pub const IMDS_TOKEN_TTL_SECONDS: &str = "21600";
/// The header the token is sent in.
pub const IMDS_TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// Where the role name is listed, and under which its credentials are.
pub const IMDS_CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// What to do after the token request's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    /// 200: the body is the token.
    Token,
    /// 403, 404, 405: IMDSv2 is not offered; use IMDSv1 if allowed.
    UseV1,
    /// 400: the request was malformed; botocore reads no credentials.
    BadRequest,
    /// Anything else: try again while attempts are left, then use IMDSv1.
    Retry,
}

/// botocore's reading of the token request's HTTP status.
///
/// # Example
/// ```
/// use presign_config::sources::{TokenStatus, imds_token_status};
///
/// assert_eq!(imds_token_status(200), TokenStatus::Token);
/// assert_eq!(imds_token_status(403), TokenStatus::UseV1);
/// assert_eq!(imds_token_status(503), TokenStatus::Retry);
/// ```
#[must_use]
pub fn imds_token_status(status: u16) -> TokenStatus {
    match status {
        200 => TokenStatus::Token,
        403..=405 => TokenStatus::UseV1,
        400 => TokenStatus::BadRequest,
        _ => TokenStatus::Retry,
    }
}

/// `endpoint` (as the plan gives it, without a trailing `/`) joined with
/// `path` (which starts with `/`).
#[must_use]
pub fn imds_url(endpoint: &str, path: &str) -> String {
    format!("{}{path}", endpoint.trim_end_matches('/'))
}

/// Why the role name the service listed cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImdsRoleError {
    /// The list is empty: no role is attached to the instance.
    #[error("the instance metadata service lists no IAM role")]
    NoRole,
    /// The name has characters an IAM role name cannot have.
    #[error("the instance metadata service lists a role name {0:?} that is not an IAM role name")]
    BadName(String),
}

/// The role name in the listing's answer: its first line, trimmed (the
/// service lists the one role of the instance profile). IAM role names are
/// 1 to 64 of `A-Za-z0-9+=,.@_-`; anything else is refused rather than put
/// into the next URL.
///
/// # Example
/// ```
/// use presign_config::sources::imds_role_name;
///
/// assert_eq!(imds_role_name(b"web-server\n")?, "web-server");
/// assert!(imds_role_name(b"../../user-data").is_err());
/// # Ok::<(), presign_config::sources::ImdsRoleError>(())
/// ```
pub fn imds_role_name(body: &[u8]) -> Result<String, ImdsRoleError> {
    let text = String::from_utf8_lossy(body);
    let name = text.lines().next().unwrap_or_default().trim();
    if name.is_empty() {
        return Err(ImdsRoleError::NoRole);
    }
    let legal = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
    if name.len() > 64 || !name.chars().all(legal) {
        return Err(ImdsRoleError::BadName(json_answer::cut(name)));
    }
    Ok(name.to_owned())
}

/// The fixed part of how long before their expiry botocore stops trusting
/// credentials the service hands out ("static stability", below).
const STALE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The credentials in the service's answer: `AccessKeyId`,
/// `SecretAccessKey`, `Token` and `Expiration` are required; a `Code` other
/// than `Success` is the service's error.
///
/// Like botocore (its "static stability"), credentials the service hands
/// out less than 12 to 20 minutes before (or after) their expiry, which
/// happens while the service cannot reach IAM, are taken to expire that
/// long from `now`, so they are used and asked for again later rather than
/// refused. botocore draws the 2 to 10 minutes above 10 at random; here
/// they come from `now`'s sub-second digits, which spreads a fleet's
/// retries alike and keeps this function pure.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign_config::sources::parse_imds_answer;
///
/// let body = br#"{"Code": "Success", "AccessKeyId": "ASIA1", "SecretAccessKey": "s",
///                 "Token": "t", "Expiration": "2026-12-06T16:04:00Z"}"#;
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let credentials = parse_imds_answer(body, "imds".to_owned(), now)?;
/// assert_eq!(credentials.access_key_id, "ASIA1");
/// # Ok::<(), presign_config::sources::JsonAnswerError>(())
/// ```
pub fn parse_imds_answer(
    body: &[u8],
    source: String,
    now: SystemTime,
) -> Result<ResolvedCredentials, JsonAnswerError> {
    let map = json_answer::parse_object(body)?;
    if let Some(code) = map.get("Code").and_then(serde_json::Value::as_str)
        && code != "Success"
    {
        let message = map
            .get("Message")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        return Err(JsonAnswerError::ErrorCode {
            code: json_answer::cut(code),
            message: json_answer::cut(message),
        });
    }
    let mut credentials = json_answer::credentials(&map, &json_answer::METADATA_KEYS, source)?;
    // botocore's window: 10 minutes plus 2 to 10 minutes of jitter.
    let jitter = 120
        + u64::from(
            now.duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .subsec_nanos()
                % 481,
        );
    let offset = STALE_WINDOW + Duration::from_secs(jitter);
    credentials.expires_at =
        credentials
            .expires_at
            .map(|expires_at| match expires_at.checked_sub(offset) {
                Some(stale_from) if now < stale_from => expires_at,
                _ => now + offset,
            });
    Ok(credentials)
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn answer(expiration: &str) -> Vec<u8> {
        serde_json::json!({
            "Code": "Success", "LastUpdated": "2026-12-06T10:00:00Z", "Type": "AWS-HMAC",
            "AccessKeyId": "ASIA1", "SecretAccessKey": "s", "Token": "t",
            "Expiration": expiration
        })
        .to_string()
        .into_bytes()
    }

    fn at(text: &str) -> SystemTime {
        crate::parse_expiration(text).unwrap()
    }

    #[test]
    fn token_statuses_follow_botocore() {
        assert_eq!(imds_token_status(200), TokenStatus::Token);
        for status in [403, 404, 405] {
            assert_eq!(imds_token_status(status), TokenStatus::UseV1, "{status}");
        }
        assert_eq!(imds_token_status(400), TokenStatus::BadRequest);
        for status in [401, 500, 503, 302] {
            assert_eq!(imds_token_status(status), TokenStatus::Retry, "{status}");
        }
    }

    #[test]
    fn urls_join_without_doubled_slashes() {
        assert_eq!(
            imds_url("http://169.254.169.254/", IMDS_TOKEN_PATH),
            "http://169.254.169.254/latest/api/token"
        );
        assert_eq!(
            imds_url("http://[fd00:ec2::254]", IMDS_CREDENTIALS_PATH),
            "http://[fd00:ec2::254]/latest/meta-data/iam/security-credentials/"
        );
    }

    #[test]
    fn role_names_are_checked() {
        assert_eq!(
            imds_role_name(b"  a+b=c,d.e@f_g-h  \r\nother").unwrap(),
            "a+b=c,d.e@f_g-h"
        );
        assert_eq!(imds_role_name(b"\n").unwrap_err(), ImdsRoleError::NoRole);
        assert_eq!(imds_role_name(b"").unwrap_err(), ImdsRoleError::NoRole);
        for bad in ["a/b", "a b", "a?x", &"x".repeat(65)] {
            assert!(
                matches!(
                    imds_role_name(bad.as_bytes()),
                    Err(ImdsRoleError::BadName(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn fresh_credentials_keep_their_expiry() {
        let credentials = parse_imds_answer(
            &answer("2026-12-06T16:00:00Z"),
            String::new(),
            at("2026-12-06T15:40:00Z"),
        )
        .unwrap();
        assert_eq!(credentials.expires_at, Some(at("2026-12-06T16:00:00Z")));
        assert_eq!(
            credentials.session_token.as_deref().map(String::as_str),
            Some("t")
        );
    }

    #[test]
    fn stale_credentials_are_extended_by_12_to_20_minutes() {
        for now in ["2026-12-06T15:48:00Z", "2026-12-06T17:00:00Z"] {
            for nanos in [0, 480, 123_456_789] {
                let now = at(now) + Duration::from_nanos(nanos);
                let credentials =
                    parse_imds_answer(&answer("2026-12-06T16:00:00Z"), String::new(), now).unwrap();
                let left = credentials.expires_at.unwrap().duration_since(now).unwrap();
                assert!(
                    (Duration::from_secs(720)..=Duration::from_secs(1200)).contains(&left),
                    "{left:?}"
                );
            }
        }
    }

    #[test]
    fn an_error_code_is_reported_with_its_message() {
        let body = br#"{"Code": "AssumeRoleUnauthorizedAccess", "Message": "EC2 cannot assume the role", "LastUpdated": "x"}"#;
        assert_eq!(
            parse_imds_answer(body, String::new(), UNIX_EPOCH).unwrap_err(),
            JsonAnswerError::ErrorCode {
                code: "AssumeRoleUnauthorizedAccess".to_owned(),
                message: "EC2 cannot assume the role".to_owned()
            }
        );
    }

    #[test]
    fn a_missing_token_is_named() {
        let body = br#"{"Code": "Success", "AccessKeyId": "a", "SecretAccessKey": "b", "Expiration": "2026-12-06T16:00:00Z"}"#;
        assert_eq!(
            parse_imds_answer(body, String::new(), UNIX_EPOCH).unwrap_err(),
            JsonAnswerError::MissingKey { key: "Token" }
        );
    }
}
