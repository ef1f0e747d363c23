//! `presign send -X METHOD URL`: any method through a presigned URL (HEAD,
//! DELETE, POST, ...); the answer's headers (HEAD) or body go to stdout.

use std::io::{Read, Write};
use std::time::SystemTime;

use anyhow::Context;

use super::{Outcome, Prepared, agent, diagnose, prepare, status_line};
use crate::cli::SendArgs;

/// The largest error body read: S3 errors are small XML documents.
const MAX_ERROR_BODY: u64 = 64 * 1024;

/// Sends; `Rejected` when the server did not answer 2xx.
pub(crate) fn run(args: &SendArgs, now: SystemTime) -> anyhow::Result<Outcome> {
    let mut warnings = Vec::new();
    let prepared = prepare(&args.url, &args.transfer, now, &mut warnings)?;
    for warning in warnings {
        eprintln!("presign: {warning}");
    }
    let method = presign::Method::from(args.method).as_str();
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(&prepared.url);
    for (name, value) in &prepared.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request.body(()).context("cannot build the request")?;
    let mut response = match agent().run(request) {
        Ok(response) => response,
        Err(error) => {
            eprintln!("presign: error: the request failed: {error}");
            return Ok(Outcome::Rejected);
        }
    };
    let status = response.status();
    if !args.transfer.quiet || !status.is_success() {
        eprintln!("presign: {}", status_line(status));
    }
    if !status.is_success() {
        return Ok(finish_rejected(&mut response, &prepared, method));
    }
    let mut stdout = std::io::stdout().lock();
    if method == "HEAD" {
        for (name, value) in response.headers() {
            writeln!(
                stdout,
                "{}: {}",
                name,
                String::from_utf8_lossy(value.as_bytes())
            )?;
        }
    } else {
        std::io::copy(&mut response.body_mut().as_reader(), &mut stdout)?;
    }
    stdout.flush()?;
    Ok(Outcome::Accepted)
}

/// Reads a non-2xx answer and explains it on stderr.
pub(super) fn finish_rejected(
    response: &mut ureq::http::Response<ureq::Body>,
    prepared: &Prepared,
    method: &str,
) -> Outcome {
    let mut body = Vec::new();
    let _ = response
        .body_mut()
        .as_reader()
        .take(MAX_ERROR_BODY)
        .read_to_end(&mut body);
    let text = String::from_utf8_lossy(&body);
    match diagnose::parse_s3_error(&text) {
        Some(error) => eprint!(
            "{}",
            diagnose::report(&error, &prepared.parsed, method, &prepared.headers)
        ),
        None if !text.trim().is_empty() => {
            eprintln!("  {}", text.trim().chars().take(500).collect::<String>());
        }
        None => {}
    }
    Outcome::Rejected
}
