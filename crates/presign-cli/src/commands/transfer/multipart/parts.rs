//! Uploading parts in parallel: `--parallel` workers take the next part,
//! read its byte range from the file (each worker with its own file handle,
//! so memory stays at a few buffers whatever the file size) and PUT it to its
//! URL, retrying a part after a dropped connection or a 5xx answer. The
//! first part that fails for good stops the others from starting new parts.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use indicatif::ProgressBar;
use presign::multipart::{CompletedPart, Part, PartNumber};
use presign_http::Http;

use super::super::retry::RetryPolicy;
use super::super::{Failed, expect_continue, send};
use super::UploadUrls;

/// What to upload and how.
pub(super) struct PartsJob<'a> {
    pub(super) file: &'a Path,
    pub(super) parts: &'a [Part],
    pub(super) urls: &'a dyn UploadUrls,
    /// Extra headers every part is sent with (the ones its URL signs).
    pub(super) headers: &'a [(String, String)],
    pub(super) parallel: usize,
    pub(super) retry: RetryPolicy,
    pub(super) bar: &'a ProgressBar,
    pub(super) http: &'a Http,
}

/// Why one part did not upload.
#[derive(Debug)]
pub(crate) enum PartFailure {
    /// The PUT failed (after the retries allowed).
    Request(Failed),
    /// The server accepted the part without an `ETag` header, which
    /// CompleteMultipartUpload needs.
    MissingEtag,
    /// The file could not be read, or the part's URL not made.
    Local(String),
}

impl PartFailure {
    /// A failure a later `--resume` may get past (the connection, the
    /// server's trouble), as opposed to a refusal that would repeat.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Self::Request(failed) => failed.is_retryable(),
            Self::MissingEtag | Self::Local(_) => false,
        }
    }

    /// One line for stderr.
    pub(crate) fn summary(&self) -> String {
        match self {
            Self::Request(failed) => failed.summary(),
            Self::MissingEtag => "the server answered without an ETag header, which \
                                  CompleteMultipartUpload needs"
                .to_owned(),
            Self::Local(message) => message.clone(),
        }
    }
}

/// How the parts went.
#[derive(Debug, Default)]
pub(super) struct PartsOutcome {
    /// The parts uploaded, with their ETags (in no particular order).
    pub(super) uploaded: Vec<CompletedPart>,
    /// The parts that failed for good (at most one per worker).
    pub(super) failed: Vec<(PartNumber, PartFailure)>,
}

/// Uploads every part of `job`, `job.parallel` at a time.
pub(super) fn upload(job: &PartsJob<'_>) -> PartsOutcome {
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let outcome = Mutex::new(PartsOutcome::default());
    let workers = job.parallel.clamp(1, job.parts.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let Some(part) = job.parts.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        break;
                    };
                    let result = upload_part(job, part);
                    let mut outcome = outcome.lock().unwrap_or_else(PoisonError::into_inner);
                    match result {
                        Ok(etag) => outcome
                            .uploaded
                            .push(CompletedPart::new(part.number(), etag)),
                        Err(failure) => {
                            outcome.failed.push((part.number(), failure));
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    outcome.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// One part, with retries; its ETag.
fn upload_part(job: &PartsJob<'_>, part: &Part) -> Result<String, PartFailure> {
    let url = job
        .urls
        .part(part.number())
        .map_err(|error| PartFailure::Local(format!("{error:#}")))?;
    let length = part.len().to_string();
    let mut headers: Vec<(&str, &str)> = job
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    headers.push(("content-length", &length));
    headers.extend(expect_continue(part.len()));
    let mut tries = 0;
    loop {
        tries += 1;
        let sent = Arc::new(AtomicU64::new(0));
        let body = part_reader(job, part, &sent).map_err(PartFailure::Local)?;
        let result = send(
            job.http,
            "PUT",
            &url,
            &headers,
            ureq::SendBody::from_owned_reader(body),
        );
        match result {
            Ok(response) => {
                let etag = response
                    .headers()
                    .get("etag")
                    .and_then(|value| value.to_str().ok())
                    .filter(|etag| !etag.is_empty());
                return etag.map(str::to_owned).ok_or(PartFailure::MissingEtag);
            }
            Err(failed) => {
                // The bytes of a failed try do not count as uploaded.
                job.bar.dec(sent.load(Ordering::Relaxed));
                if !job.retry.allows(tries, failed.is_retryable()) {
                    return Err(PartFailure::Request(failed));
                }
                let (delay, note) = job.retry.next_try(
                    tries,
                    &format!("part {}: {}", part.number(), failed.summary()),
                );
                job.bar.suspend(|| eprintln!("presign: {note}"));
                std::thread::sleep(delay);
            }
        }
    }
}

/// The part's bytes, read from its own handle on the file, counted into the
/// progress bar and `sent`.
fn part_reader(
    job: &PartsJob<'_>,
    part: &Part,
    sent: &Arc<AtomicU64>,
) -> Result<impl Read + Send + 'static, String> {
    let cannot = |error: std::io::Error| format!("cannot read {}: {error}", job.file.display());
    let mut file = std::fs::File::open(job.file).map_err(cannot)?;
    file.seek(SeekFrom::Start(part.offset())).map_err(cannot)?;
    Ok(Counted {
        inner: file.take(part.len()),
        bar: job.bar.clone(),
        sent: Arc::clone(sent),
    })
}

/// A reader that counts what passes through into a progress bar.
struct Counted<R> {
    inner: R,
    bar: ProgressBar,
    sent: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.bar.inc(read as u64);
        self.sent.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}
