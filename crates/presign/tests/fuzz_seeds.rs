//! The fuzz targets' checks on stable, as CI runs them: every file of
//! `fuzz/seeds/` (found by listing the folder) and a few thousand
//! deterministic mutations of them go through the exact checks of the
//! cargo-fuzz targets `parse` and `verify` (`fuzz/src/lib.rs`, included here),
//! none of which may panic. The long fuzzing runs are in docs/fuzzing.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../fuzz/src/lib.rs"]
mod checks;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// How many mutants `mutations_of_the_seeds_pass_both_checks` runs.
const MUTANTS: usize = 5000;

/// The folder of seeds, committed beside the fuzz targets.
fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds")
}

/// Every file of `fuzz/seeds/`, sorted by name, with its bytes.
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
        .expect("fuzz/seeds is readable")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("seed is readable"))
        })
        .collect()
}

/// Runs both checks on `data`; a panic fails the test naming `what` and the
/// input, escaped, so that it can be written to a file and replayed with
/// `cargo fuzz run parse FILE` (or `verify`).
fn check_both(what: &str, data: &[u8]) -> (usize, bool) {
    catch_unwind(AssertUnwindSafe(|| {
        (checks::check_parse(data), checks::check_verify(data))
    }))
    .unwrap_or_else(|_| {
        panic!(
            "{what} panicked (message above); input: b\"{}\"",
            data.escape_ascii()
        )
    })
}

#[test]
fn every_seed_passes_both_checks_and_real_urls_verify() {
    let seeds = seeds();
    assert!(
        seeds.len() >= 24,
        "fuzz/seeds holds {} files; expected the vectors and their mutants",
        seeds.len()
    );
    for (name, data) in &seeds {
        let (parsed, verified) = check_both(name, data);
        // `vector-*` seeds are real presigned URLs from the conformance
        // vectors, with the method and headers they were signed for.
        if name.starts_with("vector-") {
            assert!(parsed >= 1, "{name} does not parse");
            assert!(verified, "{name} does not verify");
        }
    }
    assert!(
        seeds
            .iter()
            .filter(|(name, _)| name.starts_with("vector-"))
            .count()
            >= 12,
        "expected a dozen real presigned URLs among the seeds"
    );
}

/// splitmix64: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is `0`).
    fn below(&mut self, n: usize) -> usize {
        let n = u64::try_from(n).unwrap_or(u64::MAX).max(1);
        usize::try_from(self.next() % n).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Escapes that percent-decode badly or to something surprising.
const PERCENT_GARBAGE: [&str; 14] = [
    "%",
    "%%",
    "%2",
    "%G0",
    "%ZZ",
    "%FF",
    "%C3",
    "%C3%28",
    "%E2%82",
    "%F0%9F%98",
    "%00",
    "%0A",
    "%26",
    "%3D",
];

/// Bytes that mean something to a URL or to the directives.
const SPECIAL: [u8; 16] = [
    b'/', b'?', b'&', b'=', b'#', b':', b'@', b'[', b']', b';', b'%', b'\n', b' ', b'+', 0, 0xFF,
];

/// Directive lines (see fuzz/src/lib.rs) that move the clock and policy.
const DIRECTIVES: [&str; 12] = [
    "\nresign",
    "\nmethod PUT",
    "\nmethod DELETE",
    "\nmethod \u{0}GET",
    "\nheader content-type: text/plain",
    "\nheader Host: evil.example",
    "\nnow +86399",
    "\nnow -901",
    "\nnow 0",
    "\nmax-expires 18446744073709551615",
    "\nregion ",
    "\nservice s3",
];

/// One mutation of `data`, chosen by `rng`; `other` is another seed to splice in.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    let at = rng.below(data.len() + 1);
    match rng.below(9) {
        0 if !data.is_empty() => {
            let byte = rng.below(data.len());
            data[byte] ^= 1 << rng.below(8);
        }
        1 => data.truncate(at),
        2 => {
            // Duplicate one query parameter of the URL line, elsewhere in it.
            let line_end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
            let starts: Vec<usize> = data[..line_end]
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'?' || b == b'&')
                .map(|(i, _)| i)
                .collect();
            if !starts.is_empty() {
                let start = *rng.pick(&starts);
                let end = data[start + 1..line_end]
                    .iter()
                    .position(|&b| b == b'&')
                    .map_or(line_end, |i| start + 1 + i);
                let mut param = data[start..end].to_vec();
                param[0] = b'&';
                let into = *rng.pick(&starts).max(&start);
                data.splice(into..into, param);
            }
        }
        3 => {
            let garbage = rng.pick(&PERCENT_GARBAGE).as_bytes();
            data.splice(at..at, garbage.iter().copied());
        }
        4 if !data.is_empty() => {
            let byte = rng.below(data.len());
            data[byte] = *rng.pick(&SPECIAL);
        }
        5 => {
            let from = rng.below(other.len() + 1);
            data.truncate(at);
            data.extend_from_slice(&other[from..]);
        }
        6 => {
            let end = (at + rng.below(16)).min(data.len());
            data.drain(at..end);
        }
        7 => data.extend_from_slice(rng.pick(&DIRECTIVES).as_bytes()),
        _ => {
            let byte = u8::try_from(rng.below(256)).unwrap_or(0);
            data.insert(at, byte);
        }
    }
}

#[test]
fn mutations_of_the_seeds_pass_both_checks() {
    let seeds = seeds();
    let mut rng = Rng(0x5EED_F022);
    let mut parsed = 0;
    let mut verified = 0;
    for round in 0..MUTANTS {
        let (name, seed) = &seeds[round % seeds.len()];
        let mut data = seed.clone();
        for _ in 0..=rng.below(3) {
            let (_, other) = rng.pick(&seeds);
            mutate(&mut rng, &mut data, other);
        }
        let (urls, ok) = check_both(&format!("mutant {round} of {name}"), &data);
        parsed += urls;
        verified += usize::from(ok);
    }
    // Most mutants break an auth parameter, but enough must still reach past
    // the parser and the signature check, or this smoke test checks little.
    assert!(parsed >= MUTANTS / 20, "only {parsed} mutants parsed");
    assert!(
        verified >= MUTANTS / 100,
        "only {verified} mutants verified"
    );
}
