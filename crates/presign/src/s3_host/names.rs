//! The name checks and the URL parsing botocore's S3 endpoint rules call:
//! `isValidHostLabel`, `aws.isVirtualHostableS3Bucket`, `uriEncode` and
//! `parseURL`, with botocore's exact rules (its regular expressions, here
//! written out by hand).

/// RFC 1123 host label: 1 to 63 letters, digits and `-`, not starting or
/// ending with `-`; with `allow_dots`, every `.`-separated label must be one.
pub(crate) fn is_valid_host_label(value: &str, allow_dots: bool) -> bool {
    if allow_dots {
        return value
            .split('.')
            .all(|label| is_valid_host_label(label, false));
    }
    (1..=63).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

/// A bucket that may be the first label(s) of a host: at least 3
/// characters, no upper case, not shaped like an IPv4 address, and a valid
/// host label (labels, with `allow_dots`).
pub(crate) fn is_virtual_hostable_bucket(bucket: &str, allow_dots: bool) -> bool {
    bucket.len() >= 3
        && !bucket.bytes().any(|b| b.is_ascii_uppercase())
        && !looks_like_ipv4(bucket)
        && is_valid_host_label(bucket, allow_dots)
}

/// botocore's `IPV4_RE`: four dot-separated runs of 1 to 3 digits.
pub(crate) fn looks_like_ipv4(text: &str) -> bool {
    crate::endpoint::looks_like_ipv4(text)
}

/// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~` (botocore's
/// `percent_encode`, the rules' `uriEncode`).
pub(crate) fn uri_encode(value: &str) -> String {
    encode_except(value, b"-._~")
}

/// Python's `urllib.parse.quote` with its default `safe='/'`.
fn quote_path(value: &str) -> String {
    encode_except(value, b"-._~/")
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn encode_except(value: &str, safe: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || safe.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// A custom endpoint URL, as the rules' `parseURL` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CustomUrl {
    /// `http` or `https`, lower case.
    pub(crate) scheme: String,
    /// The authority exactly as written.
    pub(crate) authority: String,
    /// The path exactly as written (may be empty).
    pub(crate) path: String,
    /// The path without empty, `.` and `..` segments, quoted, ending in `/`.
    pub(crate) normalized_path: String,
    /// Whether the host is an IPv4 or a bracketed IPv6 address.
    pub(crate) is_ip: bool,
}

impl CustomUrl {
    /// `None` where botocore's `parseURL` gives nothing: not http(s), a
    /// query, or a port that is not a number within 0..=65535.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (scheme, rest) = text.split_once(':')?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let rest = rest.split('#').next().unwrap_or(rest);
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        if !query.is_empty() {
            return None;
        }
        let (authority, path) = match rest.strip_prefix("//") {
            Some(after) => after.find('/').map_or((after, ""), |at| after.split_at(at)),
            None => ("", rest),
        };
        let host_port = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = split_port(host_port);
        if let Some(port) = port
            && !port.is_empty()
            && !(port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|number| number <= 65_535))
        {
            return None;
        }
        let is_ip = looks_like_ipv4(host)
            || (host.starts_with('[')
                && host.ends_with(']')
                && host[1..host.len() - 1].contains(':')
                && host[1..host.len() - 1]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b":.%".contains(&b)));
        let mut normalized_path = quote_path(&remove_dot_segments(path));
        if !normalized_path.ends_with('/') {
            normalized_path.push('/');
        }
        Some(Self {
            scheme,
            authority: authority.to_owned(),
            path: path.to_owned(),
            normalized_path,
            is_ip,
        })
    }
}

/// `host` and `port` of `host[:port]` or `[v6][:port]`.
fn split_port(host_port: &str) -> (&str, Option<&str>) {
    if host_port.starts_with('[') {
        return match host_port.find(']') {
            Some(close) => (
                &host_port[..=close],
                host_port[close + 1..].strip_prefix(':'),
            ),
            None => (host_port, None),
        };
    }
    match host_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    }
}

/// botocore's `normalize_url_path`: `/` for an empty path, else the path
/// without empty and `.` segments, `..` removing the one before.
fn remove_dot_segments(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut kept: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            _ => kept.push(segment),
        }
    }
    let first = if path.starts_with('/') { "/" } else { "" };
    let last = if path.ends_with('/') && !kept.is_empty() {
        "/"
    } else {
        ""
    };
    format!("{first}{}{last}", kept.join("/"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{CustomUrl, is_valid_host_label, is_virtual_hostable_bucket, uri_encode};

    #[test]
    fn host_labels_follow_rfc_1123() {
        assert!(is_valid_host_label("us-west-2", false));
        assert!(is_valid_host_label(&"a".repeat(63), false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("-a", false));
        assert!(!is_valid_host_label("a-", false));
        assert!(!is_valid_host_label("a b", false));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(is_valid_host_label("a.b", true));
        assert!(!is_valid_host_label("a..b", true));
    }

    #[test]
    fn virtual_hostable_buckets_are_lower_case_labels_not_ip_addresses() {
        assert!(is_virtual_hostable_bucket("bucket-1", false));
        assert!(!is_virtual_hostable_bucket("ab", false));
        assert!(!is_virtual_hostable_bucket("Bucket", false));
        assert!(!is_virtual_hostable_bucket("192.168.1.1", true));
        assert!(!is_virtual_hostable_bucket("my.bucket", false));
        assert!(is_virtual_hostable_bucket("my.bucket", true));
    }

    #[test]
    fn uri_encode_keeps_only_unreserved_characters() {
        assert_eq!(uri_encode("a b/c~d_e.f-g"), "a%20b%2Fc~d_e.f-g");
        assert_eq!(uri_encode("€"), "%E2%82%AC");
    }

    #[test]
    fn custom_urls_are_parsed_as_botocore_parses_them() {
        let url = CustomUrl::parse("http://beta.example.com:1234/path").unwrap();
        assert_eq!(url.scheme, "http");
        assert_eq!(url.authority, "beta.example.com:1234");
        assert_eq!(url.path, "/path");
        assert_eq!(url.normalized_path, "/path/");
        assert!(!url.is_ip);
        let url = CustomUrl::parse("https://10.0.0.1").unwrap();
        assert_eq!((url.path.as_str(), url.normalized_path.as_str()), ("", "/"));
        assert!(url.is_ip);
        assert!(CustomUrl::parse("http://[::1]:9000").unwrap().is_ip);
        let url = CustomUrl::parse("https://h/a//b/../c/./d").unwrap();
        assert_eq!(url.normalized_path, "/a/c/d/");
        assert_eq!(CustomUrl::parse("abcde://nota#url"), None);
        assert_eq!(CustomUrl::parse("https://h/?x=1"), None);
        assert_eq!(CustomUrl::parse("https://h:port"), None);
        assert_eq!(CustomUrl::parse("https://h:70000"), None);
    }
}
