//! The audit log: one JSON line per URL or POST policy issued, saying who
//! (client, or on the Companion routes the browser's address and the origin
//! it claims), what (method,
//! bucket, key), until when, and the request id. Never a signature, a
//! token or a secret: the URL itself is not logged.

use std::cell::RefCell;
use std::fs::File;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Instant, SystemTime};

use prometheus_client::metrics::counter::Counter;
use serde::Serialize;
use tokio::sync::mpsc::{self, OwnedPermit, Sender, error::TrySendError};

use crate::settings::{AuditLog, AuditOverflow};

/// Where audit lines go. A regular file is appended to by the request
/// itself, one write each (the kernel appends a write whole, and a regular
/// file has no reader to wait for). Anything else (standard output, a pipe,
/// a FIFO, a socket) goes through a bounded queue to one writer thread, so a
/// reader that stalls holds that thread and never a request (issue 20,
/// finding 8). The queue holds `audit_queue` requests' lines and, as one
/// request may write 10,000 lines, at most [`QUEUED_BYTES_PER_SLOT`] bytes a
/// slot in all (finding 20). When the queue is full, `audit_overflow`
/// decides: `refuse` answers 503 before anything is issued (the request's
/// slot in the queue is reserved before its handler runs; a request that
/// has one writes its lines even past the bytes), `drop` issues and counts
/// the lost lines.
///
/// Why not the queue for a file too: it costs every request two wake-ups
/// across threads, which on `scripts/bench-serve.sh` took a fifth of the
/// requests per second; a file's write costs one system call.
pub(crate) struct Audit {
    /// A regular file, written by each request.
    file: Option<File>,
    queue: Option<Sender<Message>>,
    /// Bytes of lines queued and not yet written (the writer thread takes
    /// them off once written).
    queued: Arc<AtomicUsize>,
    /// The most bytes of lines the queue holds before it counts as full.
    max_queued: usize,
    overflow: AuditOverflow,
    /// Lines dropped (`drop`), or lost for want of a reserved slot.
    dropped: Counter,
    /// Requests refused for a full queue (`refuse`).
    refused: Counter,
    started: Instant,
    /// Seconds since `started` of the last warning about lost lines.
    last_warning: AtomicU64,
}

/// What the writer thread is sent.
enum Message {
    /// Whole lines, written in one write; then the request that sent them
    /// is told.
    Lines(Vec<u8>, Option<tokio::sync::oneshot::Sender<()>>),
    /// Everything before this is written (or the writer gave up): answer.
    Close(tokio::sync::oneshot::Sender<()>),
}

/// An audit destination, written by the writer thread alone.
enum Sink {
    Stdout,
    File(File),
}

impl Sink {
    fn write(&mut self, text: &[u8]) -> std::io::Result<()> {
        match self {
            Self::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(text).and_then(|()| out.flush())
            }
            Self::File(file) => file.write_all(text),
        }
    }
}

/// How long a request's answer waits for its audit lines to be written
/// (they are queued in any case): the lines are on disk before the answer
/// leaves, unless the log stalls.
const WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The current request's audit state.
struct Pending {
    /// The queue slot reserved for its lines (`audit_overflow = "refuse"`).
    permit: Option<OwnedPermit<Message>>,
    /// Told when its lines are written.
    written: Option<tokio::sync::oneshot::Receiver<()>>,
}

tokio::task_local! {
    static PENDING: RefCell<Pending>;
}

impl std::fmt::Debug for Audit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Audit")
            .field("enabled", &self.queue.is_some())
            .field("overflow", &self.overflow)
            .finish_non_exhaustive()
    }
}

/// Who asked for a URL.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(crate) enum Requester {
    /// A native API client, by name: `"client"`.
    Client {
        /// The client's name.
        client: String,
    },
    /// A browser on the Companion routes: `"address"`, the peer's address
    /// (unknown in in-process tests), and `"origin"` when the request has
    /// an `Origin` header: what it claims, as [`crate::input::origin`]
    /// keeps it, else [`INVALID_ORIGIN`] (finding 18).
    Browser {
        /// The `Origin` header, when there is one.
        #[serde(skip_serializing_if = "Option::is_none")]
        origin: Option<String>,
        /// The peer's IP address.
        #[serde(skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
}

/// What an audit line says for an `Origin` header that is no origin (or a
/// longer one than [`crate::input::MAX_ORIGIN_BYTES`]).
pub(crate) const INVALID_ORIGIN: &str = "(invalid)";

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

/// RFC 3339 with whole seconds, UTC (the core's formatter), for the
/// handlers' records.
pub(crate) use presign::rfc3339;

impl Audit {
    /// Opens the configured destination (a file is appended to) and starts
    /// its writer thread, with room for `queue` requests' lines. Lost lines
    /// are counted in `dropped`, refused requests in `refused`.
    ///
    /// # Errors
    /// When the file cannot be opened or the thread cannot be started.
    pub(crate) fn open(
        log: &AuditLog,
        overflow: AuditOverflow,
        queue: usize,
        dropped: Counter,
        refused: Counter,
    ) -> std::io::Result<Self> {
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
        // A regular file: written in place (see [`Audit`]).
        if let Some(Sink::File(file)) = &sink
            && file.metadata()?.is_file()
        {
            return Ok(Self {
                file: Some(file.try_clone()?),
                queue: None,
                queued: Arc::default(),
                max_queued: 0,
                overflow,
                dropped,
                refused,
                started: Instant::now(),
                last_warning: AtomicU64::new(0),
            });
        }
        let queued = Arc::new(AtomicUsize::new(0));
        let max_queued = queue.max(1).saturating_mul(QUEUED_BYTES_PER_SLOT);
        let queue = match sink {
            None => None,
            Some(mut sink) => {
                let (sender, mut receiver) = mpsc::channel::<Message>(queue.max(1));
                let written = Arc::clone(&queued);
                std::thread::Builder::new()
                    .name("presign-audit".to_owned())
                    .spawn(move || writer(&mut sink, &mut receiver, &written))?;
                Some(sender)
            }
        };
        Ok(Self {
            file: None,
            queue,
            queued,
            max_queued,
            overflow,
            dropped,
            refused,
            started: Instant::now(),
            last_warning: AtomicU64::new(0),
        })
    }

    /// Before a request that may issue URLs: with `audit_overflow =
    /// "refuse"`, a slot in the queue for its lines, `Err` when the queue is
    /// full, in slots or in bytes (answer 503, issue nothing). `Ok(None)`:
    /// no audit log.
    pub(crate) fn reserve(&self) -> Result<Option<Reserved>, ()> {
        let Some(queue) = &self.queue else {
            return Ok(None);
        };
        if self.overflow == AuditOverflow::Drop {
            return Ok(Some(Reserved(None)));
        }
        let has_room = self.queued.load(Ordering::Acquire) < self.max_queued;
        match queue.clone().try_reserve_owned() {
            Ok(permit) if has_room => Ok(Some(Reserved(Some(permit)))),
            _ => {
                self.refused.inc();
                Err(())
            }
        }
    }

    /// Runs `request` with `slot` as the queue slot its audit lines use,
    /// then waits (up to [`WRITE_WAIT`]) until they are written.
    pub(crate) async fn with_slot<F: std::future::Future>(
        slot: Option<Reserved>,
        request: F,
    ) -> F::Output {
        let Some(Reserved(permit)) = slot else {
            return request.await;
        };
        let pending = RefCell::new(Pending {
            permit,
            written: None,
        });
        PENDING
            .scope(pending, async move {
                let output = request.await;
                let written = PENDING
                    .try_with(|pending| pending.borrow_mut().written.take())
                    .ok()
                    .flatten();
                if let Some(written) = written {
                    let _ = tokio::time::timeout(WRITE_WAIT, written).await;
                }
                output
            })
            .await
    }

    /// Writes the records, one line each, in one write, before the answer
    /// that hands them out is sent: to a regular file at once; else into the
    /// request's reserved slot of the queue, else into the queue if it has
    /// room, else they are dropped and counted.
    pub(crate) fn write(&self, records: &[AuditRecord<'_>]) {
        if self.file.is_none() && self.queue.is_none() {
            return;
        }
        let mut text = Vec::with_capacity(records.len() * 256);
        for record in records {
            if serde_json::to_writer(&mut text, record).is_ok() {
                text.push(b'\n');
            }
        }
        if let Some(file) = &self.file {
            if let Err(error) = (&*file).write_all(&text) {
                tracing::error!(%error, "cannot write the audit log");
            }
            return;
        }
        let Some(queue) = &self.queue else { return };
        // Inside a request: its reserved slot, if any, and a note when the
        // lines are written.
        let permit = PENDING
            .try_with(|pending| pending.borrow_mut().permit.take())
            .ok();
        let (done, written) = match permit {
            Some(_) => {
                let (done, written) = tokio::sync::oneshot::channel();
                (Some(done), Some(written))
            }
            None => (None, None),
        };
        let bytes = text.len();
        let message = Message::Lines(text, done);
        // Counted before it is sent: the writer takes it off once written.
        self.queued.fetch_add(bytes, Ordering::AcqRel);
        let sent = match permit.flatten() {
            Some(permit) => {
                permit.send(message);
                true
            }
            None if self.queued.load(Ordering::Acquire) > self.max_queued => false,
            None => match queue.try_send(message) {
                Ok(()) => true,
                Err(TrySendError::Full(_) | TrySendError::Closed(_)) => false,
            },
        };
        if !sent {
            self.queued.fetch_sub(bytes, Ordering::AcqRel);
        }
        if sent {
            if let Some(written) = written {
                let _ = PENDING.try_with(|pending| pending.borrow_mut().written = Some(written));
            }
            return;
        }
        self.dropped.inc_by(records.len() as u64);
        // One warning a second at most, with the running total.
        let now = self.started.elapsed().as_secs() + 1;
        let last = self.last_warning.load(Ordering::Relaxed);
        if now > last
            && self
                .last_warning
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                dropped_total = self.dropped.get(),
                "the audit log is not keeping up: audit lines dropped (audit_overflow = \"drop\")"
            );
        }
    }

    /// Waits until the lines queued so far are written, or until
    /// `deadline`: a stalled reader never holds the shutdown.
    pub(crate) async fn close(&self, deadline: tokio::time::Instant) {
        let Some(queue) = &self.queue else { return };
        let (done, written) = tokio::sync::oneshot::channel();
        let flushed = async {
            if queue.send(Message::Close(done)).await.is_ok() {
                let _ = written.await;
            }
        };
        if tokio::time::timeout_at(deadline, flushed).await.is_err() {
            tracing::warn!(
                "shutdown_timeout passed before the audit log was written; lines still queued are lost"
            );
        }
    }
}

/// The writer thread: takes what is queued, up to [`BATCH_BYTES`] at a
/// time, writes it in one write, takes its bytes off `queued`, then tells
/// the requests that wait for their lines (and a shutdown that waits for
/// the queue).
fn writer(sink: &mut Sink, receiver: &mut mpsc::Receiver<Message>, queued: &AtomicUsize) {
    let mut batch = Vec::with_capacity(BATCH_BYTES);
    let mut told = Vec::new();
    while let Some(mut message) = receiver.blocking_recv() {
        loop {
            match message {
                Message::Lines(text, done) => {
                    batch.extend_from_slice(&text);
                    told.extend(done);
                }
                Message::Close(done) => told.push(done),
            }
            if batch.len() >= BATCH_BYTES {
                break;
            }
            match receiver.try_recv() {
                Ok(next) => message = next,
                Err(_) => break,
            }
        }
        if !batch.is_empty()
            && let Err(error) = sink.write(&batch)
        {
            tracing::error!(%error, "cannot write the audit log");
        }
        queued.fetch_sub(batch.len(), Ordering::AcqRel);
        batch.clear();
        for done in told.drain(..) {
            let _ = done.send(());
        }
    }
}

/// The most the writer thread gathers for one write.
const BATCH_BYTES: usize = 256 << 10;

/// Bytes of queued lines a slot of `audit_queue` stands for (64 MiB for the
/// default 1024 slots): a request's lines are a few hundred bytes, a
/// batch's up to some 3.5 MB (finding 20).
pub(crate) const QUEUED_BYTES_PER_SLOT: usize = 64 << 10;

/// A request's reserved slot in the audit queue.
pub(crate) struct Reserved(Option<OwnedPermit<Message>>);

#[cfg(test)]
mod part_ranges {
    #[test]
    fn runs_become_ranges() {
        assert_eq!(super::ranges(&[1, 2, 3, 4, 7, 9, 10]), "1-4,7,9-10");
        assert_eq!(super::ranges(&[5]), "5");
        assert_eq!(super::ranges(&[]), "");
    }
}
