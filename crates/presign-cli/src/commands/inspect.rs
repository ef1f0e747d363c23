//! `presign inspect URL`: what a presigned URL holds, read without
//! credentials. Nothing here is checked against a secret; the session token
//! is reported as present or absent, never shown.

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, anyhow};
use presign::{AmzDate, PresignedUrl};
use serde::Serialize;

use crate::cli::{InspectArgs, InspectOutput};
use crate::commands::transfer::human_duration;

/// The query parameters SigV4 adds; every other one is the caller's.
const AUTH_PARAMETERS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

/// Where the bucket is: in the path, or as the first labels of the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style<'a> {
    /// `host/bucket/key`.
    Path,
    /// `bucket.host/key`.
    VirtualHosted { bucket: &'a str },
}

/// The addressing style of a host, and whether it is known or guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Addressing<'a> {
    pub(crate) style: Style<'a>,
    /// The host is not one whose layout is known (an AWS, IBM COS or R2
    /// service host, an IP address, localhost): the style is a guess.
    pub(crate) guessed: bool,
}

/// Service domains whose S3 host names are `[BUCKET.]s3[-...][.REGION...].DOMAIN`.
const S3_LABEL_DOMAINS: [&str; 5] = [
    "amazonaws.com",
    "amazonaws.com.cn",
    "cloud-object-storage.appdomain.cloud",
    "objectstorage.softlayer.net",
    "objectstorage.service.networklayer.com",
];

/// The addressing style of `host` (as in the `host` header: lower case, a
/// port allowed, IPv6 in brackets).
///
/// Known: IP hosts and `localhost` are path style; on AWS and IBM COS hosts
/// the bucket is whatever comes before the `s3` (or `s3-...`) label
/// (`bucket.s3.eu-west-1.amazonaws.com`; none in `s3.amazonaws.com`); on R2
/// whatever comes before the account label (`bucket.ACCOUNT.r2.cloudflarestorage.com`).
/// Guessed, for every other host: virtual-hosted when labels precede an `s3`
/// label (`bucket.s3.example.com`) or the host is `NAME.localhost`, else path
/// style (`s3.example.com`, `minio.example.net`).
pub(crate) fn addressing_of(host: &str) -> Addressing<'_> {
    let name = without_port(host);
    let known = |style| Addressing {
        style,
        guessed: false,
    };
    let guess = |style| Addressing {
        style,
        guessed: true,
    };
    if name.starts_with('[') || name.parse::<Ipv4Addr>().is_ok() || name == "localhost" {
        return known(Style::Path);
    }
    for domain in S3_LABEL_DOMAINS {
        let Some(service) = name
            .strip_suffix(domain)
            .and_then(|rest| rest.strip_suffix('.'))
        else {
            continue;
        };
        if let Some(bucket) = labels_before_s3_label(service) {
            return known(Style::VirtualHosted { bucket });
        }
        if service.split('.').next().is_some_and(is_s3_label) {
            return known(Style::Path);
        }
    }
    if let Some(rest) = name.strip_suffix(".r2.cloudflarestorage.com") {
        let rest = [".eu", ".fedramp"]
            .iter()
            .find_map(|jurisdiction| rest.strip_suffix(jurisdiction))
            .unwrap_or(rest);
        return known(match rest.rsplit_once('.') {
            Some((bucket, _account)) => Style::VirtualHosted { bucket },
            None => Style::Path,
        });
    }
    if let Some(bucket) = labels_before_s3_label(name) {
        return guess(Style::VirtualHosted { bucket });
    }
    if name.split('.').next().is_some_and(is_s3_label) {
        return guess(Style::Path);
    }
    match name.strip_suffix(".localhost") {
        Some(bucket) if !bucket.is_empty() => guess(Style::VirtualHosted { bucket }),
        _ => guess(Style::Path),
    }
}

/// The host without `:port` (IPv6 keeps its brackets).
fn without_port(host: &str) -> &str {
    if host.starts_with('[') {
        host.find(']').map_or(host, |close| &host[..=close])
    } else {
        host.split(':').next().unwrap_or(host)
    }
}

/// `s3`, or `s3-something` (`s3-accelerate`, `s3-eu-west-1`, `s3-api`).
fn is_s3_label(label: &str) -> bool {
    label == "s3" || label.starts_with("s3-")
}

/// The labels before the last `s3` label of `name`, when there are some.
/// The last one, so that a dotted bucket may hold an `s3` label itself.
fn labels_before_s3_label(name: &str) -> Option<&str> {
    name.match_indices('.')
        .filter(|(at, _)| name[at + 1..].split('.').next().is_some_and(is_s3_label))
        .map(|(at, _)| &name[..at])
        .next_back()
        .filter(|bucket| !bucket.is_empty())
}

/// Bucket and key of the decoded `path` in `style`.
fn bucket_and_key<'a>(style: Style<'a>, path: &'a str) -> (&'a str, &'a str) {
    let path = path.strip_prefix('/').unwrap_or(path);
    match style {
        Style::VirtualHosted { bucket } => (bucket, path),
        Style::Path => path.split_once('/').unwrap_or((path, "")),
    }
}

/// Everything `inspect` shows, as `--output json` writes it.
#[derive(Debug, Serialize)]
struct Inspection {
    endpoint: String,
    host: String,
    /// `path` or `virtual`.
    addressing_style: &'static str,
    addressing_style_guessed: bool,
    bucket: String,
    key: String,
    access_key_id: String,
    region: String,
    service: String,
    signed_at: String,
    expires_in: u64,
    expires_at: String,
    /// The instant the time left is counted from (`--at`, else now).
    now: String,
    expired: bool,
    /// Seconds from `now` to the expiry; negative once expired.
    time_left_seconds: i64,
    signed_headers: Vec<String>,
    session_token: bool,
    /// The query parameters besides the SigV4 ones, decoded, in URL order.
    query: Vec<(String, String)>,
}

/// The text to print for `presign inspect`.
pub(crate) fn run(args: &InspectArgs, now: SystemTime) -> anyhow::Result<String> {
    let now = match &args.at {
        Some(text) => AmzDate::parse_rfc3339(text)
            .context("invalid --at")?
            .to_system_time(),
        None => now,
    };
    let url = PresignedUrl::parse(&args.url)
        .map_err(|error| anyhow!("this is not a presigned URL: {error}"))?;
    let inspection = inspect(&url, now);
    Ok(match args.output {
        InspectOutput::Json => {
            let mut text = serde_json::to_string_pretty(&inspection)?;
            text.push('\n');
            text
        }
        InspectOutput::Text => render_text(&inspection),
    })
}

fn inspect(url: &PresignedUrl, now: SystemTime) -> Inspection {
    let addressing = addressing_of(url.host());
    let (bucket, key) = bucket_and_key(addressing.style, url.path());
    let now_unix = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let expires_at = url.expires_at_unix();
    let time_left_seconds = if expires_at >= now_unix {
        i64::try_from(expires_at - now_unix).unwrap_or(i64::MAX)
    } else {
        i64::try_from(now_unix - expires_at).map_or(i64::MIN, |ago| -ago)
    };
    Inspection {
        endpoint: format!("{}://{}", url.scheme().to_ascii_lowercase(), url.host()),
        host: url.host().to_owned(),
        addressing_style: match addressing.style {
            Style::Path => "path",
            Style::VirtualHosted { .. } => "virtual",
        },
        addressing_style_guessed: addressing.guessed,
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        access_key_id: url.access_key_id().to_owned(),
        region: url.scope().region().to_owned(),
        service: url.scope().service().to_owned(),
        signed_at: url.signed_at().to_rfc3339(),
        expires_in: url.expires_in(),
        expires_at: rfc3339(expires_at),
        now: rfc3339(now_unix),
        expired: now_unix >= expires_at,
        time_left_seconds,
        signed_headers: url.signed_headers().to_vec(),
        session_token: url.has_session_token(),
        query: url
            .query()
            .iter()
            .filter(|(name, _)| !AUTH_PARAMETERS.contains(&name.as_str()))
            .cloned()
            .collect(),
    }
}

fn render_text(inspection: &Inspection) -> String {
    let mut lines: Vec<(&str, String)> = vec![("endpoint", inspection.endpoint.clone())];
    let style = match inspection.addressing_style {
        "virtual" => "virtual-hosted",
        other => other,
    };
    lines.push((
        "addressing",
        if inspection.addressing_style_guessed {
            format!(
                "{style} (a guess: {} is not a known S3 service host, so bucket and key may be \
                 split differently)",
                display(&inspection.host)
            )
        } else {
            style.to_owned()
        },
    ));
    lines.push(("bucket", display(&inspection.bucket)));
    lines.push(("key", display(&inspection.key)));
    lines.push(("access key id", display(&inspection.access_key_id)));
    lines.push(("region", display(&inspection.region)));
    if inspection.service != "s3" {
        lines.push(("service", display(&inspection.service)));
    }
    lines.push(("signed at", inspection.signed_at.clone()));
    lines.push((
        "expires at",
        format!(
            "{} ({} after signing)",
            inspection.expires_at,
            human_duration(Duration::from_secs(inspection.expires_in))
        ),
    ));
    let left = Duration::from_secs(inspection.time_left_seconds.unsigned_abs());
    lines.push((
        "time left",
        if inspection.expired {
            format!(
                "none: expired {} ago (as of {})",
                human_duration(left),
                inspection.now
            )
        } else {
            format!("{} (as of {})", human_duration(left), inspection.now)
        },
    ));
    lines.push(("signed headers", inspection.signed_headers.join(", ")));
    lines.push((
        "session token",
        if inspection.session_token {
            "present (not shown)"
        } else {
            "none"
        }
        .to_owned(),
    ));
    if inspection.query.is_empty() {
        lines.push(("query", "none besides the signature's".to_owned()));
    }
    for (name, value) in &inspection.query {
        lines.push(("query", format!("{}={}", display(name), display(value))));
    }
    let mut text = String::new();
    for (label, value) in lines {
        let _ = writeln!(text, "{label:<15} {value}");
    }
    text
}

/// `text` as is, or quoted and escaped when it is empty, has blanks at
/// either end or holds control characters (which would garble a terminal).
fn display(text: &str) -> String {
    if text.is_empty() || text.trim() != text || text.chars().any(char::is_control) {
        format!("{text:?}")
    } else {
        text.to_owned()
    }
}

/// RFC 3339 of a Unix time, or the number when it is past the year 9999.
fn rfc3339(unix_seconds: u64) -> String {
    AmzDate::from_unix_seconds(unix_seconds).map_or_else(
        |_| format!("{unix_seconds} s after 1970 (past the year 9999)"),
        |date| date.to_rfc3339(),
    )
}

#[cfg(test)]
mod tests {
    use super::{Addressing, Style, addressing_of, bucket_and_key, display};

    fn known(style: Style<'_>) -> Addressing<'_> {
        Addressing {
            style,
            guessed: false,
        }
    }

    fn guessed(style: Style<'_>) -> Addressing<'_> {
        Addressing {
            style,
            guessed: true,
        }
    }

    fn virtual_hosted(bucket: &str) -> Style<'_> {
        Style::VirtualHosted { bucket }
    }

    #[test]
    fn aws_ibm_and_r2_hosts_are_known_virtual_hosted_with_a_bucket_label() {
        for (host, bucket) in [
            ("bucket.s3.amazonaws.com", "bucket"),
            ("bucket.s3.eu-west-1.amazonaws.com", "bucket"),
            ("my.dotted.bucket.s3.amazonaws.com", "my.dotted.bucket"),
            ("my.s3.bucket.s3.amazonaws.com", "my.s3.bucket"),
            ("bucket.s3-eu-west-1.amazonaws.com", "bucket"),
            ("bucket.s3-accelerate.amazonaws.com", "bucket"),
            ("bucket.s3.dualstack.us-east-1.amazonaws.com", "bucket"),
            ("bucket.s3.cn-north-1.amazonaws.com.cn", "bucket"),
            (
                "bucket.s3.us-south.cloud-object-storage.appdomain.cloud",
                "bucket",
            ),
            (
                "b-1.s3.direct.us-south.cloud-object-storage.appdomain.cloud",
                "b-1",
            ),
            (
                "bucket.0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com",
                "bucket",
            ),
            (
                "bucket.0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com",
                "bucket",
            ),
        ] {
            assert_eq!(addressing_of(host), known(virtual_hosted(bucket)), "{host}");
        }
    }

    #[test]
    fn service_hosts_ip_hosts_and_localhost_are_known_path_style() {
        for host in [
            "s3.amazonaws.com",
            "s3.eu-west-1.amazonaws.com",
            "s3-eu-west-1.amazonaws.com",
            "s3.us-south.cloud-object-storage.appdomain.cloud",
            "s3.cn-north-1.amazonaws.com.cn",
            "0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com",
            "0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com",
            "127.0.0.1:9000",
            "10.1.2.3",
            "[::1]:9000",
            "[2001:db8::1]",
            "localhost",
            "localhost:9000",
        ] {
            assert_eq!(addressing_of(host), known(Style::Path), "{host}");
        }
    }

    #[test]
    fn other_hosts_are_guessed_virtual_before_an_s3_label_or_localhost_else_path() {
        for (host, expected) in [
            ("bucket.s3.example.com", guessed(virtual_hosted("bucket"))),
            ("b-1.s3.example.com:8443", guessed(virtual_hosted("b-1"))),
            (
                "bucket.s3.us-west-004.backblazeb2.com",
                guessed(virtual_hosted("bucket")),
            ),
            ("bucket.localhost:9000", guessed(virtual_hosted("bucket"))),
            ("s3.example.com", guessed(Style::Path)),
            ("s3.localhost", guessed(Style::Path)),
            ("minio.example.net:9443", guessed(Style::Path)),
            ("bucket.minio.local:9000", guessed(Style::Path)),
            ("ec2.amazonaws.com", guessed(Style::Path)),
        ] {
            assert_eq!(addressing_of(host), expected, "{host}");
        }
    }

    #[test]
    fn the_path_holds_bucket_and_key_in_path_style_and_the_key_alone_virtual_hosted() {
        assert_eq!(bucket_and_key(Style::Path, "/b/a/c.txt"), ("b", "a/c.txt"));
        assert_eq!(bucket_and_key(Style::Path, "/b//x"), ("b", "/x"));
        assert_eq!(bucket_and_key(Style::Path, "/b"), ("b", ""));
        assert_eq!(bucket_and_key(virtual_hosted("b"), "//x/y"), ("b", "/x/y"));
    }

    #[test]
    fn empty_padded_and_control_character_values_are_quoted() {
        assert_eq!(display("us-east-1"), "us-east-1");
        assert_eq!(display("a b.txt"), "a b.txt");
        assert_eq!(display(""), "\"\"");
        assert_eq!(display(" a"), "\" a\"");
        assert_eq!(display("a\nb\u{1b}[31m"), "\"a\\nb\\u{1b}[31m\"");
    }
}
