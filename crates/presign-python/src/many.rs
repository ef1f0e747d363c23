//! `Client.presign_many`: one template, many keys, every core, the GIL
//! released while the calling thread waits.
//!
//! The keys are read from Python first (with the GIL). Then one worker per
//! core signs chunks of them, two keys at a time
//! ([`BatchSigner::sign_two_into`]), each chunk into one buffer, while the
//! calling thread turns finished chunks into Python strings in input order
//! (the only part that needs the GIL; it waits for the next chunk without
//! it). Signing and making strings overlap, and the few chunk buffers go
//! round, so the memory in use stays small and warm: fresh memory costs a
//! page fault per 4 KiB, which for a batch of URLs would cost as much as
//! signing it. The buffers are kept for the next call ([`Buffers`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::thread;

use presign::BatchSigner;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::errors::presign_error;
use crate::operations::text;

/// Keys per chunk: large enough that handing chunks over costs little, small
/// enough that its URLs (about 1.3 MB) stay in the caches.
const CHUNK_KEYS: usize = 4096;

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

/// The presigned URLs of `keys` (an iterable of `str`), as a list.
pub(crate) fn sign_many<'py>(
    py: Python<'py>,
    signer: &BatchSigner,
    keys: &Bound<'py, PyAny>,
    buffers: &Buffers,
) -> PyResult<Bound<'py, PyList>> {
    let keys: Vec<String> = keys
        .try_iter()?
        .enumerate()
        .map(|(index, key)| text(format_args!("Keys[{index}]"), &key?))
        .collect::<PyResult<_>>()?;
    let chunks: Vec<Range<usize>> = (0..keys.len())
        .step_by(CHUNK_KEYS)
        .map(|start| start..(start + CHUNK_KEYS).min(keys.len()))
        .collect();
    let workers = thread::available_parallelism()
        .map_or(1, usize::from)
        .min(chunks.len());
    let mut urls = Vec::with_capacity(keys.len());
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (sender, receiver) = mpsc::channel::<(usize, Result<Signed, String>)>();
    // Only this thread receives; the lock lets the receiver cross `detach`.
    let receiver = Mutex::new(receiver);
    let outcome = thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (keys, chunks, next, stop) = (&keys, &chunks, &next, &stop);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(chunk) = chunks.get(index) else {
                        break;
                    };
                    let mut out = buffers.take();
                    let result = sign_chunk(signer, keys, chunk.clone(), &mut out).map(|()| out);
                    if sender.send((index, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        // Chunks arrive in any order; strings are made in input order.
        let mut waiting = BTreeMap::new();
        for expected in 0..chunks.len() {
            let out = loop {
                if let Some(result) = waiting.remove(&expected) {
                    break result;
                }
                let Ok((index, result)) = py.detach(|| {
                    receiver
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .recv()
                }) else {
                    break Err("a signing thread stopped".to_owned());
                };
                waiting.insert(index, result);
            };
            let out = match out {
                Ok(out) => out,
                Err(message) => {
                    stop.store(true, Ordering::Relaxed);
                    return Err(message);
                }
            };
            let mut start = 0;
            for &end in &out.ends {
                urls.push(PyString::new(py, &out.text[start..end]));
                start = end;
            }
            buffers.give_back(out);
        }
        Ok(())
    });
    let receiver = receiver
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    for (_, result) in receiver.try_iter() {
        if let Ok(out) = result {
            buffers.give_back(out);
        }
    }
    outcome.map_err(presign_error)?;
    PyList::new(py, urls)
}

/// The URLs of `keys[chunk]`, two at a time, into `out`; a refused key is
/// reported with its index.
fn sign_chunk(
    signer: &BatchSigner,
    keys: &[String],
    chunk: Range<usize>,
    out: &mut Signed,
) -> Result<(), String> {
    let (mut first, mut second) = (String::with_capacity(512), String::with_capacity(512));
    let refused = |index: usize, error: presign::PresignError| format!("Keys[{index}]: {error}");
    let mut index = chunk.start;
    while index + 1 < chunk.end {
        first.clear();
        second.clear();
        let [a, b] =
            signer.sign_two_into([&keys[index], &keys[index + 1]], [&mut first, &mut second]);
        a.map_err(|error| refused(index, error))?;
        b.map_err(|error| refused(index + 1, error))?;
        for url in [&first, &second] {
            out.text.push_str(url);
            out.ends.push(out.text.len());
        }
        index += 2;
    }
    if index < chunk.end {
        first.clear();
        signer
            .sign_into(&keys[index], &mut first)
            .map_err(|error| refused(index, error))?;
        out.text.push_str(&first);
        out.ends.push(out.text.len());
    }
    Ok(())
}
