//! `Client.presign_many`: one template, many keys, every core, the GIL
//! released while signing.
//!
//! The keys are read from Python first (with the GIL), then split into one
//! contiguous run per core; each thread signs its run two keys at a time
//! ([`BatchSigner::sign_two_into`]) into one buffer, and the URLs become
//! Python strings in input order once the threads are done.

use std::ops::Range;
use std::thread;

use presign::BatchSigner;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::errors::presign_error;
use crate::operations::text;

/// Below this many keys one thread signs them all: starting threads would
/// cost more than it saves.
const KEYS_PER_THREAD: usize = 2048;

/// The URLs of one run of keys, one after another, and where each ends.
struct Signed {
    text: String,
    ends: Vec<usize>,
}

/// The presigned URLs of `keys` (an iterable of `str`), as a list.
pub(crate) fn sign_many<'py>(
    py: Python<'py>,
    signer: &BatchSigner,
    keys: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let keys: Vec<String> = keys
        .try_iter()?
        .enumerate()
        .map(|(index, key)| text(&format!("Keys[{index}]"), &key?))
        .collect::<PyResult<_>>()?;
    let runs = py.detach(|| sign_in_parallel(signer, &keys));
    let mut urls = Vec::with_capacity(keys.len());
    for run in &runs {
        let run = run
            .as_ref()
            .map_err(|message| presign_error(message.clone()))?;
        let mut start = 0;
        for &end in &run.ends {
            urls.push(PyString::new(py, &run.text[start..end]));
            start = end;
        }
    }
    PyList::new(py, urls)
}

/// Each run of `keys` signed on its own thread; a refused key is reported
/// with its index.
fn sign_in_parallel(signer: &BatchSigner, keys: &[String]) -> Vec<Result<Signed, String>> {
    let threads = thread::available_parallelism()
        .map_or(1, usize::from)
        .min(keys.len().div_ceil(KEYS_PER_THREAD))
        .max(1);
    let per_thread = keys.len().div_ceil(threads);
    let runs: Vec<Range<usize>> = (0..threads)
        .map(|index| index * per_thread..((index + 1) * per_thread).min(keys.len()))
        .collect();
    if runs.len() == 1 {
        return vec![sign_run(signer, keys, 0..keys.len())];
    }
    thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| scope.spawn(move || sign_run(signer, keys, run)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err("a signing thread failed".to_owned()))
            })
            .collect()
    })
}

/// The URLs of `keys[run]`, two at a time.
fn sign_run(signer: &BatchSigner, keys: &[String], run: Range<usize>) -> Result<Signed, String> {
    let mut out = Signed {
        text: String::with_capacity(run.len() * 320),
        ends: Vec::with_capacity(run.len()),
    };
    let (mut first, mut second) = (String::with_capacity(512), String::with_capacity(512));
    let refused = |index: usize, error: presign::PresignError| format!("Keys[{index}]: {error}");
    let mut index = run.start;
    while index + 1 < run.end {
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
    if index < run.end {
        first.clear();
        signer
            .sign_into(&keys[index], &mut first)
            .map_err(|error| refused(index, error))?;
        out.text.push_str(&first);
        out.ends.push(out.text.len());
    }
    Ok(out)
}
