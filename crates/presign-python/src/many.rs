//! `Client.presign_many`: one template, many keys, every core, the GIL
//! released while the calling thread waits.
//!
//! The calling thread reads the keys from Python a chunk at a time (with the
//! GIL; each key stays Python's UTF-8 copy, not copied again) and hands each
//! chunk to a worker (one per core but one: the calling thread keeps a core
//! busy too, and on two cores a second worker made all three threads share
//! them, 8% slower), which signs it two keys at a time
//! ([`BatchSigner::sign_two_into`]) into one buffer. Meanwhile the calling
//! thread reads the next chunks and turns signed ones into Python strings in
//! input order; it waits for the next chunk without the GIL. So reading keys,
//! signing and making strings overlap, and only a few chunks are on the way
//! at once: the chunk buffers go round, and the memory in use stays small
//! and warm (fresh memory costs a page fault per 4 KiB, which for a batch of
//! URLs would cost as much as signing it). The buffers are kept for the next
//! call ([`Buffers`]).
//!
//! A key that is not a `str` and a key S3 refuses both stop the batch; of
//! all such keys, the first in `Keys` is reported, with its index.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, PoisonError, mpsc};
use std::thread;

use presign::BatchSigner;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyIterator, PyList, PyString};

use crate::errors::presign_error;
use crate::operations::text_in_python;

/// Keys per chunk: large enough that handing chunks over costs little, small
/// enough that its URLs (about 1.3 MB) stay in the caches.
const CHUNK_KEYS: usize = 4096;

/// Chunks on the way (read, not yet made into strings) per worker: a worker
/// finds the next chunk waiting while the calling thread makes strings.
const CHUNKS_AHEAD_PER_WORKER: usize = 2;

/// The URLs of one chunk of keys, one after another, and where each ends.
#[derive(Debug, Default)]
pub(crate) struct Signed {
    text: String,
    ends: Vec<usize>,
}

/// Chunk buffers, kept between chunks and between calls.
#[derive(Debug, Default)]
pub(crate) struct Buffers(Mutex<Vec<Signed>>);

impl Buffers {
    fn take(&self) -> Signed {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default()
    }

    fn give_back(&self, mut buffer: Signed) {
        buffer.text.clear();
        buffer.ends.clear();
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(buffer);
    }
}

/// Keys as read from Python, in order: `keys[i]` is `Keys[first + i]`.
struct Chunk {
    /// Its place among the chunks.
    number: usize,
    first: usize,
    keys: Vec<PyBackedStr>,
}

/// A key S3 refuses: its index in `Keys` and why.
struct Refused {
    index: usize,
    message: String,
}

/// A chunk back from a worker: its keys (released by the calling thread,
/// which holds the GIL) and its URLs, or its first refused key.
struct Finished {
    chunk: Chunk,
    outcome: Result<Signed, Refused>,
}

/// The first bad key seen so far, by its index in `Keys`.
#[derive(Default)]
struct FirstFailure(Option<(usize, PyErr)>);

impl FirstFailure {
    fn offer(&mut self, index: usize, error: PyErr) {
        if self.0.as_ref().is_none_or(|(first, _)| index < *first) {
            self.0 = Some((index, error));
        }
    }

    fn is_set(&self) -> bool {
        self.0.is_some()
    }
}

/// The presigned URLs of `keys` (an iterable of `str`), as a list.
pub(crate) fn sign_many<'py>(
    py: Python<'py>,
    signer: &BatchSigner,
    keys: &Bound<'py, PyAny>,
    buffers: &Buffers,
) -> PyResult<Bound<'py, PyList>> {
    let mut keys = keys.try_iter()?;
    let workers = thread::available_parallelism()
        .map_or(1, usize::from)
        .saturating_sub(1)
        .max(1);
    let (to_workers, queue) = mpsc::channel::<Chunk>();
    let queue = Mutex::new(queue);
    let (to_caller, from_workers) = mpsc::channel::<Finished>();
    // Only this thread receives; the lock lets the receiver cross `detach`.
    let from_workers = Mutex::new(from_workers);
    let mut urls = Vec::new();
    let mut failure = FirstFailure::default();
    thread::scope(|scope| {
        for _ in 0..workers {
            let to_caller = to_caller.clone();
            let queue = &queue;
            scope.spawn(move || {
                loop {
                    let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok(chunk) = next else {
                        break;
                    };
                    let outcome = sign_chunk(signer, &chunk, buffers);
                    if to_caller.send(Finished { chunk, outcome }).is_err() {
                        break;
                    }
                }
            });
        }
        drop(to_caller);
        let mut to_workers = Some(to_workers);
        let (mut sent, mut received, mut emitted) = (0, 0, 0);
        let mut next_key = 0;
        let mut waiting = BTreeMap::new();
        loop {
            // Read and hand over chunks while few are on the way and no key
            // has failed (a failure stops the reading, not the chunks sent).
            while let Some(sender) = to_workers.as_ref() {
                if failure.is_set() || sent - emitted >= workers * CHUNKS_AHEAD_PER_WORKER {
                    break;
                }
                let (chunk, error) = read_chunk(&mut keys, sent, next_key);
                next_key += chunk.keys.len();
                let last = chunk.keys.len() < CHUNK_KEYS || error.is_some();
                if !chunk.keys.is_empty() {
                    // The workers outlive this loop, so the queue is open.
                    let _ = sender.send(chunk);
                    sent += 1;
                }
                if let Some((index, error)) = error {
                    failure.offer(index, error);
                }
                if last {
                    // Closing the queue lets the workers stop once it is empty.
                    to_workers = None;
                }
            }
            if received == sent {
                break;
            }
            let next = py.detach(|| {
                from_workers
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .recv()
            });
            let Ok(Finished { chunk, outcome }) = next else {
                failure.offer(0, presign_error("presign_many: a signing thread stopped"));
                break;
            };
            received += 1;
            match outcome {
                Ok(chunk_urls) => {
                    waiting.insert(chunk.number, chunk_urls);
                }
                Err(refused) => failure.offer(
                    refused.index,
                    presign_error(format!("Keys[{}]: {}", refused.index, refused.message)),
                ),
            }
            drop(chunk);
            while let Some(chunk_urls) = waiting.remove(&emitted) {
                if !failure.is_set() {
                    let mut start = 0;
                    for &end in &chunk_urls.ends {
                        urls.push(PyString::new(py, &chunk_urls.text[start..end]));
                        start = end;
                    }
                }
                buffers.give_back(chunk_urls);
                emitted += 1;
            }
        }
        // Nothing more is read: the workers stop once the queue is empty.
        drop(to_workers);
        for chunk_urls in waiting.into_values() {
            buffers.give_back(chunk_urls);
        }
    });
    match failure.0 {
        Some((_, error)) => Err(error),
        None => PyList::new(py, urls),
    }
}

/// Up to [`CHUNK_KEYS`] keys from `keys`, the first being `Keys[first]`;
/// with the index and error of a key that is not a `str` (or of the
/// iterator itself), the keys before it.
fn read_chunk(
    keys: &mut Bound<'_, PyIterator>,
    number: usize,
    first: usize,
) -> (Chunk, Option<(usize, PyErr)>) {
    let mut chunk = Chunk {
        number,
        first,
        keys: Vec::with_capacity(CHUNK_KEYS),
    };
    while chunk.keys.len() < CHUNK_KEYS {
        let index = first + chunk.keys.len();
        let read = match keys.next() {
            None => break,
            Some(key) => key.and_then(|key| text_in_python(format_args!("Keys[{index}]"), &key)),
        };
        match read {
            Ok(key) => chunk.keys.push(key),
            Err(error) => return (chunk, Some((index, error))),
        }
    }
    (chunk, None)
}

/// The URLs of `chunk`'s keys, into a buffer from `buffers`; or its first
/// refused key (the buffer given back).
fn sign_chunk(signer: &BatchSigner, chunk: &Chunk, buffers: &Buffers) -> Result<Signed, Refused> {
    let mut out = buffers.take();
    let outcome = catch_unwind(AssertUnwindSafe(|| sign_keys(signer, chunk, &mut out)))
        .unwrap_or_else(|_| {
            Err(Refused {
                index: chunk.first,
                message: "signing failed (a panic in presign; please report it)".to_owned(),
            })
        });
    match outcome {
        Ok(()) => Ok(out),
        Err(refused) => {
            buffers.give_back(out);
            Err(refused)
        }
    }
}

/// Appends the URLs of `chunk`'s keys to `out`, two at a time.
fn sign_keys(signer: &BatchSigner, chunk: &Chunk, out: &mut Signed) -> Result<(), Refused> {
    let (mut first, mut second) = (String::with_capacity(512), String::with_capacity(512));
    let refused = |offset: usize, error: presign::PresignError| Refused {
        index: chunk.first + offset,
        message: error.to_string(),
    };
    let keys = &chunk.keys;
    let mut offset = 0;
    while offset + 1 < keys.len() {
        first.clear();
        second.clear();
        let [a, b] = signer.sign_two_into(
            [&keys[offset], &keys[offset + 1]],
            [&mut first, &mut second],
        );
        a.map_err(|error| refused(offset, error))?;
        b.map_err(|error| refused(offset + 1, error))?;
        for url in [&first, &second] {
            out.text.push_str(url);
            out.ends.push(out.text.len());
        }
        offset += 2;
    }
    if offset < keys.len() {
        first.clear();
        signer
            .sign_into(&keys[offset], &mut first)
            .map_err(|error| refused(offset, error))?;
        out.text.push_str(&first);
        out.ends.push(out.text.len());
    }
    Ok(())
}
