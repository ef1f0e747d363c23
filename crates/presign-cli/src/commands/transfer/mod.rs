//! Using a presigned URL: `download` (GET), `upload` (PUT) and `send` (any
//! method), with the checks people otherwise do by hand: every signed header
//! is sent, an expired URL is flagged before sending, and a server's error is
//! explained (for `SignatureDoesNotMatch`, against the canonical request
//! presign computes for the same URL).

mod diagnose;
pub(crate) mod download;
pub(crate) mod multipart;
mod post_upload;
mod progress;
pub(crate) mod retry;
pub(crate) mod send;
pub(crate) mod upload;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use std::io::Read;

use anyhow::anyhow;
use presign::AnyPresignedUrl;

use crate::cli::TransferArgs;
use retry::RetryPolicy;

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
    pub(crate) parsed: AnyPresignedUrl,
    pub(crate) headers: Vec<(String, String)>,
    /// The one HTTP agent (trust, proxies), from `--ca-bundle`,
    /// `--no-verify-ssl` and the environment.
    pub(crate) http: presign_http::Http,
}

/// Parses the URL, checks that every header it signs is given, and warns on
/// stderr when it has expired (the server will say so, but less clearly).
pub(crate) fn prepare(url: &str, args: &TransferArgs, now: SystemTime) -> anyhow::Result<Prepared> {
    prepare_sending(url, args, now, &[])
}

/// [`prepare`] for a command that sends the headers `own` itself (`upload`:
/// the file's `content-length`): a signed header among them needs no flag,
/// and a value given for one with `--header` must be the command's (it is
/// then sent once, not twice).
pub(crate) fn prepare_sending(
    url: &str,
    args: &TransferArgs,
    now: SystemTime,
    own: &[(&str, String)],
) -> anyhow::Result<Prepared> {
    let mut warnings = Vec::new();
    let (parsed, headers) = check(url, args, now, own, &mut warnings)?;
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
    own: &[(&str, String)],
    warn: &mut Vec<String>,
) -> anyhow::Result<(AnyPresignedUrl, Vec<(String, String)>)> {
    let parsed = AnyPresignedUrl::parse(url)
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
    for (name, value) in own {
        if let Some((_, given)) = headers
            .iter()
            .find(|(given, _)| given.eq_ignore_ascii_case(name))
            && given.trim() != value
        {
            return Err(own_header_conflict(name, given.trim(), value));
        }
        headers.retain(|(given, _)| !given.eq_ignore_ascii_case(name));
    }
    for name in parsed
        .signed_headers()
        .iter()
        .filter(|name| *name != "host" && !own.iter().any(|(own, _)| own == *name))
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
        let when = presign::rfc3339(UNIX_EPOCH + Duration::from_secs(expires_at));
        warn.push(format!(
            "warning: this URL expired at {when} ({} ago); the server will refuse it",
            human_duration(Duration::from_secs(now_unix - expires_at))
        ));
    }
    Ok((parsed, headers))
}

/// A `--header` value for a header the command sends itself that differs
/// from what it sends.
fn own_header_conflict(name: &str, given: &str, sent: &str) -> anyhow::Error {
    if name == "content-length" {
        anyhow!(
            "the file is {sent} bytes but --header gives content-length {given}: a URL that \
             signs content-length takes only a body of the signed length; upload a file of \
             {given} bytes, or ask for a URL signed for {sent} bytes"
        )
    } else {
        anyhow!("--header gives {name}: {given}, but this command sends {name}: {sent}")
    }
}

/// Why a request did not succeed.
#[derive(Debug)]
pub(crate) enum Failed {
    /// The server answered with a status other than 2xx; `body` is the start
    /// of its answer (an S3 `<Error>`, usually).
    Status {
        status: ureq::http::StatusCode,
        body: String,
    },
    /// No answer: the connection failed, broke or timed out (with the
    /// explanation of [`presign_http::Http::explain`]).
    Connection {
        error: ureq::Error,
        explained: String,
    },
}

impl Failed {
    /// A 5xx answer or a broken connection: worth trying again.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Self::Status { status, .. } => retry::status_is_retryable(status.as_u16()),
            Self::Connection { error, .. } => retry::error_is_retryable(error),
        }
    }

    /// One line: `HTTP 403 Forbidden (AccessDenied: Request has expired)`,
    /// or why the connection failed.
    pub(crate) fn summary(&self) -> String {
        match self {
            Self::Status { status, body } => match presign::S3Error::parse(body) {
                Ok(error) => format!("{} ({error})", status_line(*status)),
                Err(_) => status_line(*status),
            },
            Self::Connection { explained, .. } => explained.clone(),
        }
    }

    /// A broken transfer of an answer's body from `url`.
    pub(crate) fn reading(http: &presign_http::Http, url: &str, error: std::io::Error) -> Self {
        let error = ureq::Error::Io(error);
        Self::Connection {
            explained: http.explain(url, &error),
            error,
        }
    }
}

/// Sends one request; a 2xx answer comes back to read, anything else as
/// [`Failed`] (with the start of the answer's body read).
pub(crate) fn send(
    http: &presign_http::Http,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: impl ureq::AsSendBody,
) -> Result<ureq::http::Response<ureq::Body>, Failed> {
    let failed = |error: ureq::Error| Failed::Connection {
        explained: http.explain(url, &error),
        error,
    };
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(body)
        .map_err(|error| failed(ureq::Error::Http(error)))?;
    let mut response = http.agent(url).run(request).map_err(failed)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let mut bytes = Vec::new();
    let _ = response
        .body_mut()
        .as_reader()
        .take(MAX_ERROR_BODY)
        .read_to_end(&mut bytes);
    Err(Failed::Status {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// The `Expect: 100-continue` header for a body of `len` bytes, when it
/// helps: above 1 MiB (as curl does), the server can refuse the request
/// (an expired URL, a signature mismatch) before the body is sent, and the
/// refusal is read instead of a broken pipe.
pub(crate) fn expect_continue(len: u64) -> Option<(&'static str, &'static str)> {
    (len > 1 << 20).then_some(("expect", "100-continue"))
}

/// Sends `method` with the prepared headers (plus `extra`) and a body from
/// `body` (called once per try) to the presigned URL, retrying dropped
/// connections and 5xx answers as `retry` allows, and prints the status line
/// (unless `quiet` and 2xx). A 2xx answer is returned to read; anything else
/// is explained on stderr and comes back as `Err(Outcome::Rejected)`.
pub(crate) fn exchange<B: ureq::AsSendBody>(
    prepared: &Prepared,
    method: &str,
    extra: &[(&str, String)],
    mut body: impl FnMut() -> anyhow::Result<B>,
    retry: RetryPolicy,
    quiet: bool,
) -> anyhow::Result<Result<ureq::http::Response<ureq::Body>, Outcome>> {
    let headers: Vec<(&str, &str)> = prepared
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .chain(extra.iter().map(|(name, value)| (*name, value.as_str())))
        .collect();
    let mut tries = 0;
    let failed = loop {
        tries += 1;
        match send(&prepared.http, method, &prepared.url, &headers, body()?) {
            Ok(response) => {
                if !quiet {
                    eprintln!("presign: {}", status_line(response.status()));
                }
                return Ok(Ok(response));
            }
            Err(failed) if retry.allows(tries, failed.is_retryable()) => {
                let (delay, note) = retry.next_try(tries, &failed.summary());
                eprintln!("presign: {note}");
                std::thread::sleep(delay);
            }
            Err(failed) => break failed,
        }
    };
    explain_failure(&failed, prepared, method);
    Ok(Err(Outcome::Rejected))
}

/// The largest error body read: S3 errors are small XML documents.
const MAX_ERROR_BODY: u64 = 64 * 1024;

/// Explains a failed request on stderr: the status line and the S3 error
/// (with the signature diagnosis), or why the connection failed.
pub(crate) fn explain_failure(failed: &Failed, prepared: &Prepared, method: &str) {
    match failed {
        Failed::Status { status, body } => {
            eprintln!("presign: {}", status_line(*status));
            match presign::S3Error::parse(body).ok() {
                Some(error) => eprint!(
                    "{}",
                    diagnose::report(&error, &prepared.parsed, method, &prepared.headers)
                ),
                None if !body.trim().is_empty() => {
                    eprintln!("  {}", body.trim().chars().take(500).collect::<String>());
                }
                None => {}
            }
        }
        Failed::Connection { explained, .. } => eprintln!("presign: error: {explained}"),
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
