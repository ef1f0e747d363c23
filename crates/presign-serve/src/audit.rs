//! The audit log: one JSON line per URL or POST policy issued, saying who
//! (client, or the browser's origin on the Companion routes), what (method,
//! bucket, key), until when, and the request id. Never a signature, a
//! token or a secret: the URL itself is not logged.

use std::fs::File;
use std::io::Write;
use std::time::SystemTime;

use serde::Serialize;

use crate::settings::AuditLog;

/// Where audit lines go.
pub(crate) struct Audit {
    sink: Option<Sink>,
}

/// An audit destination. Neither needs a lock of ours: a file opened for
/// appending takes each `write` system call whole at its end (so requests on different
/// threads never interleave their lines and none waits for another's turn),
/// and standard output has its own lock.
enum Sink {
    Stdout,
    File(File),
}

impl std::fmt::Debug for Audit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Audit")
            .field("enabled", &self.sink.is_some())
            .finish()
    }
}

/// Who asked for a URL.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Requester {
    /// A native API client, by name.
    Client(String),
    /// A browser on the Companion routes: its `Origin` header, else its
    /// address.
    Origin(String),
}

/// One issued URL or policy.
#[derive(Debug, Serialize)]
pub(crate) struct AuditRecord<'a> {
    /// When it was issued (RFC 3339, UTC).
    pub(crate) time: String,
    /// The request's id (also its `x-request-id` answer header).
    pub(crate) request_id: &'a str,
    /// Who asked.
    #[serde(flatten)]
    pub(crate) requester: &'a Requester,
    /// The route, e.g. `/v1/presign`.
    pub(crate) route: &'a str,
    /// `GET`, `PUT`, `POST` (a POST policy) or the multipart operation's.
    pub(crate) method: &'a str,
    /// The bucket.
    pub(crate) bucket: &'a str,
    /// The key; with `key_match` `"prefix"`, the prefix every key the POST
    /// policy allows starts with.
    pub(crate) key: &'a str,
    /// `"prefix"` when `key` is a prefix (a POST policy of a client with
    /// `prefix_uploads`), absent for an exact key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) key_match: Option<&'static str>,
    /// When the URL stops working (RFC 3339, UTC).
    pub(crate) expires_at: String,
    /// The multipart upload, for part URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) upload_id: Option<&'a str>,
    /// The part number, for part URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) part_number: Option<u32>,
    /// The part numbers, for one line covering many part URLs: ascending
    /// ranges, e.g. `1-4,7` (at most 10,000 numbers, so the line stays
    /// bounded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) part_numbers: Option<String>,
    /// How many URLs the line stands for (for the metrics; not written).
    #[serde(skip)]
    pub(crate) urls: u64,
}

/// What the audit lines of one request share: when, which request, who,
/// which route and bucket.
#[derive(Debug)]
pub(crate) struct Issuer<'a> {
    time: String,
    request_id: &'a str,
    requester: &'a Requester,
    route: &'a str,
    bucket: &'a str,
}

impl<'a> Issuer<'a> {
    /// The shared part, as of `now`.
    pub(crate) fn new(
        now: SystemTime,
        request_id: &'a str,
        requester: &'a Requester,
        route: &'a str,
        bucket: &'a str,
    ) -> Self {
        Self {
            time: rfc3339(now),
            request_id,
            requester,
            route,
            bucket,
        }
    }

    /// The line for one URL: `method` on `key`, until `expires_at`.
    pub(crate) fn record(
        &self,
        method: &'a str,
        key: &'a str,
        expires_at: &str,
    ) -> AuditRecord<'a> {
        AuditRecord {
            time: self.time.clone(),
            request_id: self.request_id,
            requester: self.requester,
            route: self.route,
            method,
            bucket: self.bucket,
            key,
            key_match: None,
            expires_at: expires_at.to_owned(),
            upload_id: None,
            part_number: None,
            part_numbers: None,
            urls: 1,
        }
    }
}

impl<'a> AuditRecord<'a> {
    /// The same line for a POST policy that allows every key starting with
    /// `key`.
    pub(crate) fn prefix(self) -> Self {
        Self {
            key_match: Some("prefix"),
            ..self
        }
    }

    /// The same line for a part URL of a multipart upload.
    pub(crate) fn part(self, upload_id: &'a str, number: u32) -> Self {
        Self {
            upload_id: Some(upload_id),
            part_number: Some(number),
            ..self
        }
    }

    /// One line for the part URLs of `numbers` (ascending, distinct) of a
    /// multipart upload.
    pub(crate) fn parts(self, upload_id: &'a str, numbers: &[u32]) -> Self {
        Self {
            upload_id: Some(upload_id),
            part_numbers: Some(ranges(numbers)),
            urls: numbers.len() as u64,
            ..self
        }
    }
}

/// Ascending distinct numbers as ranges: `1-4,7,9-10`.
fn ranges(numbers: &[u32]) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let mut index = 0;
    while let Some(&first) = numbers.get(index) {
        let mut last = first;
        while numbers.get(index + 1) == Some(&(last + 1)) {
            last += 1;
            index += 1;
        }
        index += 1;
        let sep = if text.is_empty() { "" } else { "," };
        let _ = if first == last {
            write!(text, "{sep}{first}")
        } else {
            write!(text, "{sep}{first}-{last}")
        };
    }
    text
}

/// RFC 3339 with whole seconds, UTC.
#[must_use]
pub(crate) fn rfc3339(time: SystemTime) -> String {
    jiff::Timestamp::try_from(time)
        .map(|t| t.round(jiff::Unit::Second).unwrap_or(t).to_string())
        .unwrap_or_default()
}

impl Audit {
    /// Opens the configured destination (a file is appended to).
    ///
    /// # Errors
    /// When the file cannot be opened.
    pub(crate) fn open(log: &AuditLog) -> std::io::Result<Self> {
        let sink = match log {
            AuditLog::Off => None,
            AuditLog::Stdout => Some(Sink::Stdout),
            AuditLog::File(path) => Some(Sink::File(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?,
            )),
        };
        Ok(Self { sink })
    }

    /// Writes the records, one line each, in one write, before the answer
    /// that hands them out is sent.
    pub(crate) fn write(&self, records: &[AuditRecord<'_>]) {
        let Some(sink) = &self.sink else { return };
        let mut text = Vec::with_capacity(records.len() * 256);
        for record in records {
            if serde_json::to_writer(&mut text, record).is_ok() {
                text.push(b'\n');
            }
        }
        let written = match sink {
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(&text).and_then(|()| out.flush())
            }
            Sink::File(file) => (&*file).write_all(&text),
        };
        if let Err(error) = written {
            tracing::error!(%error, "cannot write the audit log");
        }
    }
}

#[cfg(test)]
mod part_ranges {
    #[test]
    fn runs_become_ranges() {
        assert_eq!(super::ranges(&[1, 2, 3, 4, 7, 9, 10]), "1-4,7,9-10");
        assert_eq!(super::ranges(&[5]), "5");
        assert_eq!(super::ranges(&[]), "");
    }
}
