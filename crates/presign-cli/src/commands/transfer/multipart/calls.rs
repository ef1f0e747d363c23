//! The four small multipart requests, sent with retries: CreateMultipartUpload,
//! ListParts (every page), CompleteMultipartUpload and AbortMultipartUpload.
//! Each answers with an S3 XML document, read by the core.

use std::io::Read;

use presign::multipart::{
    CompleteMultipartUploadResult, CompletedPart, InitiateMultipartUploadResult, ListPartsResult,
    ListedPart, MultipartError, complete_multipart_upload_body,
};
use presign::{AnswerError, Presigned};
use presign_http::Http;

use super::super::retry::RetryPolicy;
use super::super::{Failed, send};

/// The largest answer read: a ListParts page of 1000 parts is about 250 KB.
const MAX_ANSWER: u64 = 8 << 20;

/// Why a multipart request did not succeed.
#[derive(Debug)]
pub(crate) enum CallError {
    /// The request failed (after the retries allowed).
    Failed(Failed),
    /// The server accepted it, but its answer cannot be read (or is an S3
    /// `<Error>` despite a 2xx status).
    Answer(AnswerError),
    /// The request could not be made (no parts to complete).
    Invalid(MultipartError),
}

impl CallError {
    /// One line for stderr.
    pub(crate) fn summary(&self) -> String {
        match self {
            Self::Failed(failed) => failed.summary(),
            Self::Answer(error) => format!("its answer cannot be used: {error}"),
            Self::Invalid(error) => error.to_string(),
        }
    }

    /// The HTTP status of a refusal.
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            Self::Failed(Failed::Status { status, .. }) => Some(status.as_u16()),
            _ => None,
        }
    }
}

/// Sends `method` to `url` with `body`, retrying as `retry` allows (each
/// retry announced through `on_retry`), and returns the answer's text.
pub(crate) fn call(
    http: &Http,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    retry: RetryPolicy,
    on_retry: &dyn Fn(String),
) -> Result<String, Failed> {
    let length = body.len().to_string();
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    if method == "POST" || method == "PUT" {
        all.push(("content-length", &length));
    }
    let mut tries = 0;
    loop {
        tries += 1;
        match send(http, method, url, &all, body) {
            Ok(mut response) => {
                let mut text = String::new();
                return match response
                    .body_mut()
                    .as_reader()
                    .take(MAX_ANSWER)
                    .read_to_string(&mut text)
                {
                    Ok(_) => Ok(text),
                    Err(error) => Err(Failed::reading(http, url, error)),
                };
            }
            Err(failed) if retry.allows(tries, failed.is_retryable()) => {
                let (delay, note) = retry.next_try(tries, &failed.summary());
                on_retry(note);
                std::thread::sleep(delay);
            }
            Err(failed) => return Err(failed),
        }
    }
}

/// CreateMultipartUpload through its presigned URL `create`, with the
/// headers it signs: the new upload. Retries are announced and a failure is
/// reported on stderr (`CreateMultipartUpload of {object} failed: ...`);
/// then the answer is `None`.
pub(crate) fn create(
    http: &Http,
    create: &Presigned,
    object: &str,
    retry: RetryPolicy,
) -> Option<InitiateMultipartUploadResult> {
    let headers: Vec<(&str, &str)> = create
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let on_retry = |note| eprintln!("presign: CreateMultipartUpload: {note}");
    let created = call(http, "POST", create.url(), &headers, b"", retry, &on_retry)
        .map_err(CallError::Failed)
        .and_then(|text| InitiateMultipartUploadResult::parse(&text).map_err(CallError::Answer));
    match created {
        Ok(created) => Some(created),
        Err(error) => {
            eprintln!(
                "presign: error: CreateMultipartUpload of {object} failed: {}",
                error.summary()
            );
            None
        }
    }
}

/// Every part the server lists, through the ListParts URLs (one per 1000
/// parts, asked in turn until a page is not truncated), the same part
/// listed twice counted once.
pub(crate) fn list(
    http: &Http,
    urls: &[String],
    retry: RetryPolicy,
    on_retry: &dyn Fn(String),
) -> Result<Vec<ListedPart>, CallError> {
    let mut parts: Vec<ListedPart> = Vec::new();
    for url in urls {
        let text = call(http, "GET", url, &[], b"", retry, on_retry).map_err(CallError::Failed)?;
        let page = ListPartsResult::parse(&text).map_err(CallError::Answer)?;
        parts.extend(page.parts);
        // A page that is not truncated lists every part from its marker on:
        // the later pages have nothing more.
        if !page.is_truncated {
            break;
        }
    }
    parts.sort_by_key(|part| part.number);
    parts.dedup_by_key(|part| part.number);
    Ok(parts)
}

/// CompleteMultipartUpload with `parts`: the object's ETag, when the server
/// gives it. A 200 answer holding an S3 `<Error>` is a failure.
pub(crate) fn complete(
    http: &Http,
    url: &str,
    parts: &[CompletedPart],
    retry: RetryPolicy,
    on_retry: &dyn Fn(String),
) -> Result<CompleteMultipartUploadResult, CallError> {
    let body = complete_multipart_upload_body(parts).map_err(CallError::Invalid)?;
    let text = call(
        http,
        "POST",
        url,
        &[("content-type", "application/xml")],
        body.as_bytes(),
        retry,
        on_retry,
    )
    .map_err(CallError::Failed)?;
    CompleteMultipartUploadResult::parse(&text).map_err(CallError::Answer)
}

/// AbortMultipartUpload.
pub(crate) fn abort(
    http: &Http,
    url: &str,
    retry: RetryPolicy,
    on_retry: &dyn Fn(String),
) -> Result<(), CallError> {
    call(http, "DELETE", url, &[], b"", retry, on_retry)
        .map(|_| ())
        .map_err(CallError::Failed)
}
