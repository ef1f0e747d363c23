//! Using a presigned URL: `download` (GET), `upload` (PUT) and `send` (any
//! method), with the checks people otherwise do by hand: every signed header
//! is sent, an expired URL is flagged before sending, and a server's error is
//! explained (for `SignatureDoesNotMatch`, against the canonical request
//! presign computes for the same URL).

mod diagnose;
pub(crate) mod download;
mod progress;
pub(crate) mod send;
pub(crate) mod upload;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::anyhow;
use presign::PresignedUrl;

use crate::cli::TransferArgs;

/// How a request ended when it reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A 2xx answer.
    Accepted,
    /// Any other answer (already reported on stderr).
    Rejected,
}

/// The parsed URL and the headers to send, after the checks that need no
/// network.
pub(crate) struct Prepared {
    pub(crate) url: String,
    pub(crate) parsed: PresignedUrl,
    pub(crate) headers: Vec<(String, String)>,
}

/// Parses the URL, checks that every header it signs is given, and warns
/// when it has expired (the server will say so, but less clearly).
pub(crate) fn prepare(
    url: &str,
    args: &TransferArgs,
    now: SystemTime,
    warn: &mut Vec<String>,
) -> anyhow::Result<Prepared> {
    let parsed = PresignedUrl::parse(url)
        .map_err(|error| anyhow!("this is not a presigned URL: {error}"))?;
    let mut headers = args.headers.clone();
    if let Some(content_type) = &args.content_type {
        headers.push(("content-type".to_owned(), content_type.clone()));
    }
    for name in parsed
        .signed_headers()
        .iter()
        .filter(|name| *name != "host")
    {
        if !headers
            .iter()
            .any(|(given, _)| given.eq_ignore_ascii_case(name))
        {
            let flag = if name == "content-type" {
                "--content-type VALUE".to_owned()
            } else {
                format!("--header '{name}: VALUE'")
            };
            return Err(anyhow!(
                "this URL signs the header {name}; pass {flag} with the value it was signed with"
            ));
        }
    }
    let now_unix = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let expires_at = parsed.expires_at_unix();
    if now_unix >= expires_at {
        let when = presign::AmzDate::from_unix_seconds(expires_at)
            .map(|d| d.to_rfc3339())
            .unwrap_or_default();
        warn.push(format!(
            "warning: this URL expired at {when} ({} ago); the server will refuse it",
            human_duration(Duration::from_secs(now_unix - expires_at))
        ));
    }
    Ok(Prepared {
        url: url.to_owned(),
        parsed,
        headers,
    })
}

/// An HTTP agent that returns 4xx/5xx answers instead of failing on them.
pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// `1h 2m 3s` style.
pub(crate) fn human_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    let (days, hours, minutes, secs) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    let parts: Vec<String> = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
        .into_iter()
        .filter(|(value, _)| *value > 0)
        .map(|(value, unit)| format!("{value}{unit}"))
        .collect();
    if parts.is_empty() {
        "0s".to_owned()
    } else {
        parts.join(" ")
    }
}

/// The status line for stderr.
pub(crate) fn status_line(status: ureq::http::StatusCode) -> String {
    format!(
        "HTTP {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::human_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(human_duration(Duration::from_secs(0)), "0s");
        assert_eq!(human_duration(Duration::from_secs(3)), "3s");
        assert_eq!(human_duration(Duration::from_secs(3723)), "1h 2m 3s");
        assert_eq!(
            human_duration(Duration::from_secs(86_400 * 2 + 60)),
            "2d 1m"
        );
    }
}
