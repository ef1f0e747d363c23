//! `presign batch`: keys in, URLs out, in input order, on every core, with
//! bounded memory.
//!
//! The reader cuts the input into chunks of whole lines; worker threads sign
//! chunks with one shared [`presign::BatchSigner`] (so every URL has the same
//! signing instant, unless temporary credentials are refreshed during a long
//! batch: [`renew`]); the writer puts finished chunks back in input order. At
//! most a fixed number of chunks are in flight, so memory stays flat whatever
//! the input size.

mod line;
mod renew;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Condvar, Mutex};
use std::time::SystemTime;

use anyhow::{Context, anyhow};
use presign_config::{Environment, ResolvedCredentials};
use presign_credentials::CredentialsProvider;
use zeroize::Zeroizing;

use crate::cli::{BatchArgs, RequestExtras};
use crate::resolve::{self, RequestFlags};
use crate::s3_uri;
use line::{LineContext, LineErrors, Scratch};
use renew::{Contexts, ExpressRenewal, Renewal};

/// Input read per chunk (whole lines; a longer line grows its chunk).
const CHUNK_BYTES: usize = 64 * 1024;
/// The longest input line accepted: a key is at most 1024 bytes, and a JSON
/// line with overrides stays far below this.
const MAX_LINE_BYTES: usize = 1024 * 1024;

/// How a batch ended when it did not fail outright.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Every line was signed.
    AllSigned,
    /// `--keep-going` skipped this many bad lines.
    SkippedLines(u64),
}

/// Where a batch reads and writes.
pub(crate) struct Streams<'a> {
    pub(crate) input: Box<dyn Read + 'a>,
    pub(crate) output: Box<dyn Write + Send + 'a>,
    pub(crate) errors: Box<dyn Write + Send + 'a>,
}

/// Runs a batch. `extras` are the query parameters and headers of `args`'
/// request flags, in command-line order; `now` is the clock's reading, used
/// unless `--at` is given.
pub(crate) fn run(
    args: &BatchArgs,
    extras: &RequestExtras,
    env: &Environment,
    now: SystemTime,
    streams: Streams<'_>,
) -> anyhow::Result<Outcome> {
    let (bucket, prefix) = match (&args.target, &args.bucket) {
        (Some(target), _) => {
            s3_uri::parse_bucket_prefix(target).map_err(|message| anyhow!(message))?
        }
        (None, Some(bucket)) => (bucket.as_str(), ""),
        (None, None) => {
            return Err(anyhow!(
                "name the bucket: s3://BUCKET[/PREFIX] or --bucket BUCKET"
            ));
        }
    };
    let flags = RequestFlags {
        args: &args.request,
        extras,
        signature_version: args.version.signature_version,
    };
    let resolved = resolve::resolve(flags, bucket, "", env, now)?;
    let first = LineContext::new(
        &resolved,
        prefix,
        (args.input_format, args.output_format),
        resolved.credentials.clone(),
        resolved.signed_at,
    )
    .map_err(resolve::with_cli_hint)?;
    let mut errors = streams.errors;
    for warning in resolve::warnings(&resolved, first.signer.expires_at()) {
        writeln!(errors, "presign: {warning}")?;
    }
    let renewal = renewal(&resolved, args, env, now)?;
    let contexts = Contexts::new(first, renewal, now);
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    let pipeline = Pipeline::new(jobs, args.keep_going);
    pipeline.run(&contexts, streams.input, streams.output, errors)
}

/// How the batch keeps its credentials current: temporary keys refreshed,
/// an S3 Express session renewed (over keys refreshed when temporary), or
/// nothing to renew (long-term keys, or `--at`: the user fixed the signing
/// instant).
fn renewal<'a>(
    resolved: &'a resolve::Resolved,
    args: &BatchArgs,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Option<Renewal<'a>>> {
    let signing = &args.request.signing;
    if signing.at.is_some() {
        return Ok(None);
    }
    let provider = |keys: ResolvedCredentials| -> anyhow::Result<_> {
        Ok(CredentialsProvider::with_credentials(
            resolved.credentials_plan.clone(),
            resolve::fetcher(signing.profile.as_deref(), env)?,
            keys,
            now,
        ))
    };
    Ok(match &resolved.express {
        Some(source) => Some(Renewal::Express(ExpressRenewal {
            source,
            bucket: &resolved.target().bucket,
            base: match source.base.expires_at {
                Some(_) => Some(provider(source.base.clone())?),
                None => None,
            },
        })),
        None => match resolved.credentials_expire_at {
            Some(expires_at) => Some(Renewal::Keys(provider(held_keys(resolved, expires_at))?)),
            None => None,
        },
    })
}

/// The keys `resolved` signs with, as the provider keeps them.
fn held_keys(resolved: &resolve::Resolved, expires_at: SystemTime) -> ResolvedCredentials {
    let credentials = &resolved.credentials;
    ResolvedCredentials {
        access_key_id: credentials.access_key_id().to_owned(),
        secret_access_key: Zeroizing::new(credentials.reveal_secret_access_key().to_owned()),
        session_token: credentials
            .session_token()
            .map(|token| Zeroizing::new(token.to_owned())),
        expires_at: Some(expires_at),
        source: resolved.credentials_source.clone(),
    }
}

/// A chunk of whole input lines.
struct Chunk {
    sequence: u64,
    first_line: u64,
    data: Vec<u8>,
}

/// A signed chunk: its output lines and the errors of its bad lines.
struct Signed {
    sequence: u64,
    output: String,
    /// `(line number, message)`; without `--keep-going` signing stops at the
    /// first, and `output` holds the lines before it.
    errors: Vec<(u64, String)>,
    /// Why the chunk could not be signed at all (its credentials expired
    /// and could not be refreshed): the batch stops there, `--keep-going`
    /// or not.
    fatal: Option<String>,
}

struct Pipeline {
    jobs: usize,
    keep_going: bool,
    /// The sequence number of the next chunk to write, for back-pressure.
    written: Mutex<u64>,
    written_changed: Condvar,
    stop: AtomicBool,
}

impl Pipeline {
    fn new(jobs: usize, keep_going: bool) -> Self {
        Self {
            jobs,
            keep_going,
            written: Mutex::new(0),
            written_changed: Condvar::new(),
            stop: AtomicBool::new(false),
        }
    }

    /// At most this many chunks between the reader and the writer.
    fn max_in_flight(&self) -> u64 {
        4 * self.jobs as u64
    }

    fn run(
        &self,
        contexts: &Contexts<'_>,
        input: Box<dyn Read + '_>,
        output: Box<dyn Write + Send + '_>,
        errors: Box<dyn Write + Send + '_>,
    ) -> anyhow::Result<Outcome> {
        let (chunk_sender, chunk_receiver) = sync_channel::<Chunk>(self.jobs);
        let (signed_sender, signed_receiver) = sync_channel::<Signed>(self.jobs);
        let chunk_receiver = Mutex::new(chunk_receiver);
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| self.write(signed_receiver, output, errors));
            for _ in 0..self.jobs {
                let signed_sender = signed_sender.clone();
                let chunk_receiver = &chunk_receiver;
                scope.spawn(move || self.sign(contexts, chunk_receiver, &signed_sender));
            }
            drop(signed_sender);
            let read = self.read(input, &chunk_sender);
            drop(chunk_sender);
            let written = writer
                .join()
                .map_err(|_| anyhow!("the output thread panicked"))?;
            read?;
            written
        })
    }

    /// Cuts the input into chunks of whole lines and sends them, waiting while
    /// too many are in flight.
    fn read(
        &self,
        mut input: Box<dyn Read + '_>,
        chunks: &SyncSender<Chunk>,
    ) -> anyhow::Result<()> {
        let mut sequence = 0u64;
        let mut first_line = 1u64;
        let mut carry: Vec<u8> = Vec::new();
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let mut data = std::mem::take(&mut carry);
            let start = data.len();
            data.resize(start + CHUNK_BYTES, 0);
            let read =
                read_full(&mut input, &mut data[start..]).context("cannot read the input")?;
            data.truncate(start + read);
            let at_end = read == 0;
            if !at_end {
                match memchr::memrchr(b'\n', &data) {
                    Some(last) => carry = data.split_off(last + 1),
                    None if data.len() > MAX_LINE_BYTES => {
                        return Err(anyhow!(
                            "line {first_line}: longer than {MAX_LINE_BYTES} bytes"
                        ));
                    }
                    None => {
                        // No complete line yet: read more into the same buffer.
                        carry = data;
                        continue;
                    }
                }
            }
            if !data.is_empty() {
                let lines = count_lines(&data);
                self.wait_for_room(sequence);
                if chunks
                    .send(Chunk {
                        sequence,
                        first_line,
                        data,
                    })
                    .is_err()
                {
                    return Ok(()); // the writer stopped; it reports why
                }
                sequence += 1;
                first_line += lines;
            }
            if at_end {
                return Ok(());
            }
        }
    }

    fn wait_for_room(&self, sequence: u64) {
        let mut written = self
            .written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while sequence >= *written + self.max_in_flight() && !self.stop.load(Ordering::Relaxed) {
            written = self
                .written_changed
                .wait(written)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// A worker: signs chunks until there are none.
    fn sign(
        &self,
        contexts: &Contexts<'_>,
        chunks: &Mutex<Receiver<Chunk>>,
        signed: &SyncSender<Signed>,
    ) {
        let mut scratch = Scratch::default();
        loop {
            let next = chunks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .recv();
            let Ok(chunk) = next else { return };
            if self.stop.load(Ordering::Relaxed) {
                // The writer gave up. Keep taking chunks, unsigned, so a
                // reader blocked on a full queue can send its last one, see
                // the stop and end.
                continue;
            }
            let context = match contexts.at(SystemTime::now()) {
                Ok(context) => context,
                Err(message) => {
                    let _ = signed.send(Signed {
                        sequence: chunk.sequence,
                        output: String::new(),
                        errors: LineErrors::new(),
                        fatal: Some(format!("line {}: {message}", chunk.first_line)),
                    });
                    continue;
                }
            };
            let mut output = String::with_capacity(chunk.data.len() * 8);
            let mut errors = LineErrors::new();
            let body = chunk.data.strip_suffix(b"\n").unwrap_or(&chunk.data);
            let lines = (chunk.first_line..).zip(body.split(|&byte| byte == b'\n'));
            context.sign_lines(
                lines,
                self.keep_going,
                &mut output,
                &mut scratch,
                &mut errors,
            );
            // A failed send means the writer stopped (and set `stop` first);
            // the loop then drains the queue as above.
            let _ = signed.send(Signed {
                sequence: chunk.sequence,
                output,
                errors,
                fatal: None,
            });
        }
    }

    /// Writes signed chunks in input order; reports bad lines.
    fn write(
        &self,
        signed: Receiver<Signed>,
        mut output: Box<dyn Write + Send + '_>,
        mut errors: Box<dyn Write + Send + '_>,
    ) -> anyhow::Result<Outcome> {
        let mut pending: BTreeMap<u64, Signed> = BTreeMap::new();
        let mut next = 0u64;
        let mut skipped = 0u64;
        let result = (|| {
            for chunk in &signed {
                pending.insert(chunk.sequence, chunk);
                while let Some(chunk) = pending.remove(&next) {
                    output.write_all(chunk.output.as_bytes())?;
                    if let Some(message) = chunk.fatal {
                        output.flush()?;
                        return Err(anyhow!(message));
                    }
                    for (line, message) in &chunk.errors {
                        if !self.keep_going {
                            output.flush()?;
                            return Err(anyhow!("line {line}: {message}"));
                        }
                        writeln!(errors, "presign: line {line}: {message}")?;
                        skipped += 1;
                    }
                    next += 1;
                    *self
                        .written
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = next;
                    self.written_changed.notify_all();
                }
            }
            output.flush()?;
            Ok(if skipped == 0 {
                Outcome::AllSigned
            } else {
                Outcome::SkippedLines(skipped)
            })
        })();
        if result.is_err() {
            // Stop the reader and let blocked threads finish.
            self.stop.store(true, Ordering::Relaxed);
            self.written_changed.notify_all();
            drop(signed);
        }
        result
    }
}

/// Fills `buffer` from `input` unless the input ends first; the count read.
fn read_full(input: &mut dyn Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match input.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// Lines in a chunk: its line breaks, plus one for a last line without one.
fn count_lines(data: &[u8]) -> u64 {
    let breaks = memchr::memchr_iter(b'\n', data).count() as u64;
    breaks + u64::from(!data.ends_with(b"\n"))
}
