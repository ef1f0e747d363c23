//! Using a presigned URL: `download` (GET), `upload` (PUT) and `send` (any
//! method), with the checks people otherwise do by hand: every signed header
//! is sent, an expired URL is flagged before sending, and a server's error is
//! explained (for `SignatureDoesNotMatch`, against the canonical request
//! presign computes for the same URL).

mod diagnose;
pub(crate) mod download;
mod post_upload;
mod progress;
pub(crate) mod send;
pub(crate) mod upload;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use std::io::Read;

use anyhow::{Context, anyhow};
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
    /// The one HTTP agent (trust, proxies), from `--ca-bundle`,
    /// `--no-verify-ssl` and the environment.
    pub(crate) http: presign_http::Http,
}

/// Parses the URL, checks that every header it signs is given, and warns on
/// stderr when it has expired (the server will say so, but less clearly).
pub(crate) fn prepare(url: &str, args: &TransferArgs, now: SystemTime) -> anyhow::Result<Prepared> {
    let mut warnings = Vec::new();
    let (parsed, headers) = check(url, args, now, &mut warnings)?;
    let http = crate::http::client(
        &args.tls,
        None,
        &presign_config::Environment::from_process(),
    )?;
    for warning in warnings {
        eprintln!("presign: {warning}");
    }
    Ok(Prepared {
        url: url.to_owned(),
        parsed,
        headers,
        http,
    })
}

/// [`prepare`] without the printing: the warnings are pushed to `warn`.
fn check(
    url: &str,
    args: &TransferArgs,
    now: SystemTime,
    warn: &mut Vec<String>,
) -> anyhow::Result<(PresignedUrl, Vec<(String, String)>)> {
    let parsed = PresignedUrl::parse(url)
        .map_err(|error| anyhow!("this is not a presigned URL: {error}"))?;
    let mut headers = args.headers.clone();
    if let Some(content_type) = &args.content_type {
        headers.push(("content-type".to_owned(), content_type.clone()));
    }
    headers.extend(
        args.meta
            .iter()
            .map(|(key, value)| crate::cli::meta_header(key, value)),
    );
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
            } else if let Some(key) = name.strip_prefix("x-amz-meta-") {
                format!("--meta '{key}=VALUE'")
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
    Ok((parsed, headers))
}

/// Sends `method` with `body` and the prepared headers (plus `extra`) to the
/// presigned URL, and prints the status line (unless `quiet` and 2xx). A 2xx
/// answer is returned to read; anything else, or a failed connection, is
/// explained on stderr and comes back as `Err(Outcome::Rejected)`.
pub(crate) fn exchange(
    prepared: &Prepared,
    method: &str,
    extra: &[(&str, String)],
    body: impl ureq::AsSendBody,
    quiet: bool,
) -> anyhow::Result<Result<ureq::http::Response<ureq::Body>, Outcome>> {
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(&prepared.url);
    for (name, value) in &prepared.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    for (name, value) in extra {
        request = request.header(*name, value.as_str());
    }
    let request = request.body(body).context("cannot build the request")?;
    // The agent returns answers with 4xx/5xx, not errors: they are
    // explained below.
    let mut response = match prepared.http.agent(&prepared.url).run(request) {
        Ok(response) => response,
        Err(error) => {
            eprintln!(
                "presign: error: {}",
                prepared.http.explain(&prepared.url, &error)
            );
            return Ok(Err(Outcome::Rejected));
        }
    };
    let status = response.status();
    if !quiet || !status.is_success() {
        eprintln!("presign: {}", status_line(status));
    }
    if status.is_success() {
        Ok(Ok(response))
    } else {
        explain_refusal(&mut response, prepared, method);
        Ok(Err(Outcome::Rejected))
    }
}

/// The largest error body read: S3 errors are small XML documents.
const MAX_ERROR_BODY: u64 = 64 * 1024;

/// Reads a non-2xx answer and explains it on stderr.
fn explain_refusal(
    response: &mut ureq::http::Response<ureq::Body>,
    prepared: &Prepared,
    method: &str,
) {
    let mut body = Vec::new();
    let _ = response
        .body_mut()
        .as_reader()
        .take(MAX_ERROR_BODY)
        .read_to_end(&mut body);
    let text = String::from_utf8_lossy(&body);
    match presign::S3Error::parse(&text).ok() {
        Some(error) => eprint!(
            "{}",
            diagnose::report(&error, &prepared.parsed, method, &prepared.headers)
        ),
        None if !text.trim().is_empty() => {
            eprintln!("  {}", text.trim().chars().take(500).collect::<String>());
        }
        None => {}
    }
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
