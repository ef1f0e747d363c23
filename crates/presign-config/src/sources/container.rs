//! The container credentials endpoint (ECS task roles, EKS Pod Identity):
//! botocore's rules on which URLs may be fetched, on the `Authorization`
//! token, and its answer.
//!
//! A full URI over plain `http://` may only reach this machine or the
//! container agent's link-local addresses, so that a variable set by
//! mistake cannot send the authorization token across the network in the
//! clear. As in botocore, only the literal name `localhost` and loopback IP
//! literals count as this machine: other names are not resolved (a name
//! that resolves to 127.0.0.1 today may not tomorrow).

use std::net::{IpAddr, Ipv6Addr};

use crate::credentials::ResolvedCredentials;

use super::json_answer::{self, JsonAnswerError};

/// The hosts botocore allows over plain `http://`, beside loopback
/// addresses.
pub const CONTAINER_ALLOWED_HOSTS: [&str; 4] = [
    "169.254.170.2",
    "169.254.170.23",
    "fd00:ec2::23",
    "localhost",
];

/// Why a container credentials URL is not fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum ContainerUrlError {
    /// Plain HTTP to a host other than loopback or the agent's addresses.
    #[error(
        "the host '{host}' of {url:?} is not allowed over plain http; use https, a loopback \
         address or one of the hosts {}",
        CONTAINER_ALLOWED_HOSTS.join(", ")
    )]
    HostNotAllowed { url: String, host: String },

    /// Not an `http://` or `https://` URL.
    #[error("{url:?} is not an http:// or https:// URL")]
    NotHttp { url: String },
}

/// Whether `url` may be fetched: any host over `https://`; over `http://` a
/// loopback IP, `localhost` or one of [`CONTAINER_ALLOWED_HOSTS`]. The
/// caller names the variable the URL came from.
///
/// # Example
/// ```
/// use presign_config::sources::check_container_url;
///
/// assert!(check_container_url("http://127.0.0.1:8080/creds").is_ok());
/// assert!(check_container_url("http://[fd00:ec2::23]/v1/credentials").is_ok());
/// assert!(check_container_url("https://creds.example.com/x").is_ok());
/// assert!(check_container_url("http://creds.example.com/x").is_err());
/// ```
pub fn check_container_url(url: &str) -> Result<(), ContainerUrlError> {
    // Messages show the URL without a password it may carry.
    let shown = crate::ProxyUrl::new(url).redacted();
    let not_http = || ContainerUrlError::NotHttp {
        url: json_answer::cut(&shown),
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(not_http)?;
    if scheme.eq_ignore_ascii_case("https") {
        return Ok(());
    }
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(not_http());
    }
    let host = host_of(rest).to_ascii_lowercase();
    if is_loopback(&host) || CONTAINER_ALLOWED_HOSTS.contains(&host.as_str()) {
        return Ok(());
    }
    Err(ContainerUrlError::HostNotAllowed {
        url: json_answer::cut(&shown),
        host: json_answer::cut(&host),
    })
}

/// The host of what follows `scheme://`, as Python's `urlparse(...).hostname`
/// gives it (user info and port removed, IPv6 brackets removed).
fn host_of(after_scheme: &str) -> &str {
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if let Some(bracketed) = host_port.strip_prefix('[') {
        return bracketed.split(']').next().unwrap_or_default();
    }
    host_port.split(':').next().unwrap_or_default()
}

/// A loopback IP literal: 127.0.0.0/8, `::1`, or an IPv4-mapped loopback
/// address.
fn is_loopback(host: &str) -> bool {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip == Ipv6Addr::LOCALHOST || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// Whether `token` may be sent as the `Authorization` header: botocore
/// refuses a token with CR or LF ("Auth token value is not a legal header
/// value"), and so a token file that ends in a newline.
#[must_use]
pub fn container_token_is_legal(token: &str) -> bool {
    !token.contains(['\r', '\n'])
}

/// The credentials in the container endpoint's answer: `AccessKeyId`,
/// `SecretAccessKey`, `Token` and `Expiration`, all required (as in
/// botocore).
///
/// # Example
/// ```
/// use presign_config::sources::parse_container_answer;
///
/// let body = br#"{"AccessKeyId": "ASIA1", "SecretAccessKey": "s", "Token": "t",
///                 "Expiration": "2026-12-06T16:04:00Z", "RoleArn": "arn:aws:iam::1:role/task"}"#;
/// let credentials = parse_container_answer(body, "container".to_owned())?;
/// assert_eq!(credentials.access_key_id, "ASIA1");
/// assert!(parse_container_answer(br#"{"AccessKeyId": "ASIA1"}"#, String::new()).is_err());
/// # Ok::<(), presign_config::sources::JsonAnswerError>(())
/// ```
pub fn parse_container_answer(
    body: &[u8],
    source: String,
) -> Result<ResolvedCredentials, JsonAnswerError> {
    let map = json_answer::parse_object(body)?;
    json_answer::credentials(&map, &json_answer::METADATA_KEYS, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_allowed_to_loopback_and_the_agent_addresses() {
        for url in [
            "http://127.0.0.1:51679/creds",
            "http://127.1.2.3/creds",
            "http://[::1]:80/creds",
            "http://[::ffff:127.0.0.1]/creds",
            "http://localhost:8080/creds",
            "HTTP://LOCALHOST/creds",
            "http://169.254.170.2/v2/credentials/abc",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://user:pw@127.0.0.1/creds",
            "http://127.0.0.1?x=1",
        ] {
            assert_eq!(check_container_url(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn plain_http_to_other_hosts_is_refused_naming_the_host() {
        for (url, host) in [
            ("http://creds.example.com/x", "creds.example.com"),
            ("http://localhost.example.com/x", "localhost.example.com"),
            ("http://10.0.0.1/x", "10.0.0.1"),
            ("http://169.254.169.254/x", "169.254.169.254"),
            ("http://127.0.0.1.nip.io/x", "127.0.0.1.nip.io"),
            ("http://127.0.0.1@evil.example/x", "evil.example"),
        ] {
            let error = check_container_url(url).unwrap_err();
            assert_eq!(
                error,
                ContainerUrlError::HostNotAllowed {
                    url: url.to_owned(),
                    host: host.to_owned()
                }
            );
            assert!(error.to_string().contains(&format!("'{host}'")), "{error}");
        }
    }

    #[test]
    fn https_may_reach_any_host_and_other_schemes_none() {
        assert_eq!(check_container_url("https://creds.example.com/x"), Ok(()));
        assert!(matches!(
            check_container_url("ftp://127.0.0.1/x"),
            Err(ContainerUrlError::NotHttp { .. })
        ));
        assert!(matches!(
            check_container_url("127.0.0.1/x"),
            Err(ContainerUrlError::NotHttp { .. })
        ));
    }

    #[test]
    fn tokens_with_line_breaks_are_illegal() {
        assert!(container_token_is_legal("Bearer abc"));
        assert!(!container_token_is_legal("abc\n"));
        assert!(!container_token_is_legal("a\rb"));
    }

    #[test]
    fn every_key_is_required() {
        let full = serde_json::json!({
            "AccessKeyId": "a", "SecretAccessKey": "b", "Token": "c",
            "Expiration": "2026-12-06T16:04:00Z"
        });
        for key in ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"] {
            let mut answer = full.clone();
            answer.as_object_mut().unwrap().remove(key);
            let error =
                parse_container_answer(answer.to_string().as_bytes(), String::new()).unwrap_err();
            assert_eq!(error, JsonAnswerError::MissingKey { key }, "{key}");
        }
        let credentials =
            parse_container_answer(full.to_string().as_bytes(), "src".to_owned()).unwrap();
        assert_eq!(
            credentials.session_token.as_deref().map(String::as_str),
            Some("c")
        );
    }
}
