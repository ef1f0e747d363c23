//! What the differential tests against botocore share
//! (`differential.rs`, `endpoint_differential.rs`): the seeded generator's
//! PRNG and the text pieces keys are made of, the seed and interpreter
//! lookup (`PRESIGN_DIFF_SEED`, `PRESIGN_PYTHON`, `CI`), running a helper of
//! `scripts/`, and the failure report.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// How many failures are printed in full unless `PRESIGN_DIFF_SHOW` says
/// otherwise (all are counted).
const SHOWN_FAILURES: usize = 12;

/// The interpreter to run botocore with, or `None` (after saying so loudly)
/// when the test is skipped.
pub(crate) fn python_or_skip(test: &str) -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("PRESIGN_PYTHON").filter(|value| !value.is_empty()) {
        return Some(PathBuf::from(python));
    }
    let how = format!(
        "run `bash scripts/setup-python.sh` (it creates .tools/venv with the pinned \
               botocore and prints its python on the last line), then \
               `PRESIGN_PYTHON=\"$(bash scripts/setup-python.sh | tail -n 1)\" cargo test -p \
               presign-cli --test {test}`"
    );
    assert!(
        std::env::var_os("CI").is_none_or(|value| value.is_empty()),
        "PRESIGN_PYTHON is not set, so presign cannot be compared with botocore: {how}"
    );
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: {test} test against botocore (PRESIGN_PYTHON is not set).\n\
         To run it: {how}\n\
         (Under CI, with CI set, a missing PRESIGN_PYTHON fails this test.)\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    None
}

/// `PRESIGN_DIFF_SEED` (decimal or 0x-hex), else one from the clock and the
/// process id, so that every run explores other inputs.
pub(crate) fn seed() -> u64 {
    if let Ok(text) = std::env::var("PRESIGN_DIFF_SEED") {
        let text = text.trim();
        let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => text.parse(),
        };
        return parsed.unwrap_or_else(|_| {
            panic!("PRESIGN_DIFF_SEED must be a u64 (decimal or 0x-hex), got {text:?}")
        });
    }
    let clock = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            elapsed.as_secs().wrapping_mul(1_000_000_007) ^ u64::from(elapsed.subsec_nanos())
        });
    let mixed = Rng::new(clock ^ (u64::from(std::process::id()) << 32)).next_u64();
    // Keep seeds short enough to type.
    mixed % 1_000_000_000_000
}

/// JSON text with every character outside printable ASCII as a `\u` escape.
pub(crate) fn input_json_text(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() && c != '\u{7f}' {
            out.push(c);
        } else {
            let mut units = [0_u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(out, "\\u{unit:04x}").unwrap();
            }
        }
    }
    out
}

pub(crate) fn show(result: &Result<String, String>) -> String {
    match result {
        Ok(url) => url.clone(),
        Err(error) => format!("ERROR: {error}"),
    }
}

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `scripts/SCRIPT` with `payload` on stdin and no `AWS_*` variable of
/// this machine, and parses its stdout as JSON.
pub(crate) fn run_helper<T: serde::de::DeserializeOwned>(
    python: &Path,
    script: &str,
    payload: Vec<u8>,
) -> T {
    run_helper_with_env(python, script, payload, &[])
}

/// [`run_helper`] with `env` set for the helper (`PRESIGN_BOTOCORE_CRT=1`
/// to sign through awscrt).
pub(crate) fn run_helper_with_env<T: serde::de::DeserializeOwned>(
    python: &Path,
    script: &str,
    payload: Vec<u8>,
    env: &[(&str, &str)],
) -> T {
    let script = repo_root().join("scripts").join(script);
    let mut command = Command::new(python);
    command
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") || name == "PRESIGN_BOTOCORE_CRT" {
            command.env_remove(name);
        }
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap_or_else(|error| {
        panic!(
            "cannot run PRESIGN_PYTHON={} {}: {error}",
            python.display(),
            script.display()
        )
    });
    let mut stdin = child.stdin.take().expect("the helper's stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&payload));
    let output = child
        .wait_with_output()
        .expect("wait for the botocore helper");
    let written = writer.join().expect("the stdin writer thread");
    assert!(
        output.status.success(),
        "the botocore helper {} failed ({}):\n{}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    written.expect("write the inputs to the botocore helper");
    eprint!(
        "{}: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "the output of {} is not the JSON expected ({error}):\n{}",
            script.display(),
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// A seeded partial shuffle of `candidates`: its first `count` (at most) are
/// the sample.
pub(crate) fn seeded_sample<'a>(
    rng: &mut Rng,
    candidates: &'a mut [usize],
    count: usize,
) -> &'a [usize] {
    let count = count.min(candidates.len());
    for slot in 0..count {
        let pick = slot + rng.below(candidates.len() - slot);
        candidates.swap(slot, pick);
    }
    &candidates[..count]
}

#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) index: usize,
    pub(crate) problem: String,
    pub(crate) input: String,
    pub(crate) ours: String,
    pub(crate) theirs: String,
}

pub(crate) fn report(test: &str, seed: u64, failures: &[Failure]) -> String {
    let mut by_problem: BTreeMap<&str, usize> = BTreeMap::new();
    for failure in failures {
        *by_problem.entry(failure.problem.as_str()).or_default() += 1;
    }
    let mut out = format!(
        "{} {test} failure(s), seed {seed} (replay: PRESIGN_DIFF_SEED={seed} cargo test \
         -p presign-cli --test {test} -- --nocapture)\n",
        failures.len()
    );
    for (problem, count) in &by_problem {
        writeln!(out, "  {count} x {problem}").unwrap();
    }
    // The smallest input of each kind of failure first, then the other
    // smallest ones: small inputs are the easiest to read.
    let mut by_size: Vec<&Failure> = failures.iter().collect();
    by_size.sort_by_key(|failure| (failure.input.len(), failure.index));
    let mut shown: Vec<&Failure> = Vec::new();
    for problem in by_problem.keys() {
        if let Some(first) = by_size.iter().find(|failure| failure.problem == *problem) {
            shown.push(first);
        }
    }
    for failure in &by_size {
        if !shown
            .iter()
            .any(|seen| seen.index == failure.index && seen.problem == failure.problem)
        {
            shown.push(failure);
        }
    }
    let limit = std::env::var("PRESIGN_DIFF_SHOW")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(SHOWN_FAILURES);
    for failure in shown.iter().take(limit) {
        write!(
            out,
            "\n#{} {}\n  input:    {}\n  presign:  {}\n  botocore: {}\n",
            failure.index, failure.problem, failure.input, failure.ours, failure.theirs
        )
        .unwrap();
    }
    if failures.len() > limit {
        writeln!(
            out,
            "\n... and {} more (PRESIGN_DIFF_SHOW=N with the same seed shows more)",
            failures.len() - limit
        )
        .unwrap();
    }
    out
}

/// Which parts of two URLs differ: scheme, authority, path, query (without
/// the signature), signature. Groups failures in the report.
pub(crate) fn differing_parts(ours: &str, theirs: &str) -> String {
    fn parts(url: &str) -> [&str; 5] {
        let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
        let (authority, rest) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (query, signature) = query
            .rsplit_once("&X-Amz-Signature=")
            .unwrap_or((query, ""));
        [scheme, authority, path, query, signature]
    }
    const NAMES: [&str; 5] = ["scheme", "authority", "path", "query", "signature"];
    let (ours, theirs) = (parts(ours), parts(theirs));
    let differing: Vec<&str> = NAMES
        .iter()
        .zip(ours.iter().zip(&theirs))
        .filter(|(_, (a, b))| a != b)
        .map(|(name, _)| *name)
        .collect();
    differing.join("+")
}

#[derive(Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        let n = u64::try_from(n).expect("usize fits u64");
        let wide = u128::from(self.next_u64()) * u128::from(n);
        usize::try_from(wide >> 64).expect("below n")
    }

    /// Uniform in `low..=high`.
    pub(crate) fn range(&mut self, low: u64, high: u64) -> u64 {
        let span = u128::from(high - low) + 1;
        let wide = (u128::from(self.next_u64()) * span) >> 64;
        low + u64::try_from(wide).expect("within the span")
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.range(0, 99) < percent
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

pub(crate) const UNRESERVED: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";

/// Printable ASCII (`!`..=`~`), as presign requires for credentials.
pub(crate) fn printable(rng: &mut Rng, min: usize, max: usize, exclude: &[u8]) -> String {
    let length = min + rng.below(max - min + 1);
    let mut out = String::with_capacity(length);
    while out.len() < length {
        let byte = u8::try_from(rng.range(0x21, 0x7e)).expect("ASCII");
        if !exclude.contains(&byte) {
            out.push(char::from(byte));
        }
    }
    out
}

/// `min..=max` characters of `alphabet`.
pub(crate) fn from_alphabet(rng: &mut Rng, alphabet: &[u8], min: usize, max: usize) -> String {
    let length = min + rng.below(max - min + 1);
    (0..length)
        .map(|_| char::from(rng.pick(alphabet)))
        .collect()
}

pub(crate) const BASE64: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) fn credentials(rng: &mut Rng) -> (String, String, Option<String>) {
    let access_key = match rng.below(4) {
        0 | 1 => format!(
            "AKIA{}",
            from_alphabet(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16)
        ),
        2 => from_alphabet(rng, b"0123456789abcdef", 32, 32), // IBM HMAC style
        // Anything presign accepts: printable ASCII without '/'.
        _ => printable(rng, 1, 40, b"/"),
    };
    let secret_key = match rng.below(3) {
        0 | 1 => from_alphabet(rng, BASE64, 40, 40),
        _ => printable(rng, 1, 64, b""),
    };
    let session_token = match rng.below(10) {
        0..=5 => None,
        6 | 7 => Some(format!(
            "{}{}",
            from_alphabet(rng, BASE64, 100, 799),
            rng.pick(&["", "=", "=="])
        )),
        _ => Some(printable(rng, 1, 120, b"")),
    };
    (access_key, secret_key, session_token)
}

/// Pieces that keys and query values are made of.
pub(crate) const TEXT_PIECES: &[&str] = &[
    // plain
    "photos",
    "2024",
    "report.pdf",
    "a",
    "x_y-z",
    "UPPER",
    "MiXeD",
    "file.tar.gz",
    "data",
    "0",
    "index.html", // spaces and reserved characters
    " ",
    "  ",
    "+",
    "!",
    "#",
    "$",
    "&",
    "'",
    "(",
    ")",
    "*",
    ",",
    ":",
    ";",
    "=",
    "?",
    "@",
    "[",
    "]",
    "{",
    "}",
    "^",
    "`",
    "|",
    "\\",
    "\"",
    "<",
    ">",
    "~",
    "-",
    "_",
    ".", // slashes, dots
    "/",
    "//",
    ".",
    "..",
    "./",
    "../",
    "/./",
    "/../",
    "...", // percent
    "%",
    "%20",
    "%2F",
    "%25",
    "%%",
    "%E2%82%AC",
    "%zz",
    "100%",
    "%2", // NFC and NFD
    "caf\u{e9}",
    "cafe\u{301}",
    "\u{c5}",
    "A\u{30a}",
    "\u{212b}",
    "\u{1e9b}\u{323}",
    "\u{d55c}\u{ae00}",
    "\u{1112}\u{1161}\u{11ab}",
    "\u{301}", // emoji
    "\u{1f600}",
    "\u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467}",
    "\u{1f1eb}\u{1f1f7}",
    "\u{1f44d}\u{1f3fd}",
    "\u{2764}\u{fe0f}", // scripts
    "\u{65e5}\u{672c}\u{8a9e}",
    "\u{30d5}\u{30a1}\u{30a4}\u{30eb}",
    "\u{434}\u{43e}\u{43a}\u{443}\u{43c}\u{435}\u{43d}\u{442}",
    "\u{645}\u{644}\u{641}",
    "\u{5e2}\u{5d1}\u{5e8}\u{5d9}\u{5ea}",
    "\u{395}\u{3bb}\u{3bb}\u{3b7}\u{3bd}\u{3b9}\u{3ba}\u{3ac}",
    "\u{939}\u{93f}\u{928}\u{94d}\u{926}\u{940}", // special code points
    "\u{a0}",
    "\u{2028}",
    "\u{feff}",
    "\u{fffd}",
    "\u{e000}",
    "\u{ff0f}",
    "\u{fffe}",
    "\u{10ffff}",
    "\u{1d11e}",
    "\u{200b}",
    "\u{df}",
    "\u{131}", // controls
    "\t",
    "\n",
    "\r",
    "\u{7f}",
    "\u{0}",
    "\u{1b}",
    "\u{85}",
    "\u{1f}",
];

pub(crate) fn text(rng: &mut Rng, max_pieces: usize) -> String {
    let pieces = 1 + rng.below(max_pieces);
    let mut out = String::new();
    for _ in 0..pieces {
        out.push_str(rng.pick(TEXT_PIECES));
    }
    out
}

/// An object key presign accepts: 1..=1024 UTF-8 bytes, anything else goes.
pub(crate) fn key(rng: &mut Rng) -> String {
    let mut key = match rng.below(10) {
        0..=5 => text(rng, 8),
        6 => {
            // Long: up to S3's 1024 bytes.
            let mut long = String::new();
            while long.len() < 1100 {
                long.push_str(&text(rng, 4));
            }
            long
        }
        7 => {
            // A path of plain segments with dot and empty segments mixed in.
            let segments = 1 + rng.below(6);
            (0..segments)
                .map(|_| (rng.pick(&["a", "b", "..", ".", "", "dir", "x y"])).to_owned())
                .collect::<Vec<_>>()
                .join("/")
        }
        8 => from_alphabet(rng, UNRESERVED, 1, 40),
        _ => {
            // Random code points from all planes (no surrogates).
            let length = 1 + rng.below(12);
            (0..length)
                .map(|_| {
                    loop {
                        let bound = rng.pick(&[0x80_u64, 0x800, 0x1_0000, 0x11_0000]);
                        if let Some(c) =
                            char::from_u32(u32::try_from(rng.range(0, bound - 1)).expect("u32"))
                        {
                            break c;
                        }
                    }
                })
                .collect()
        }
    };
    while key.len() > presign::MAX_KEY_BYTES {
        key.pop();
    }
    if key.is_empty() {
        key.push('k');
    }
    key
}

/// A signing instant, Unix seconds: mostly this century, sometimes the ends of
/// what presign signs (1970 to 9998, so the expiry stays within year 9999).
pub(crate) fn instant(rng: &mut Rng) -> u64 {
    const Y2000: u64 = 946_684_800;
    const Y2040: u64 = 2_208_988_800;
    const Y9999: u64 = 253_370_764_800; // 9999-01-01T00:00:00Z
    match rng.below(20) {
        0 => rng.range(0, Y2000),
        1 => rng.range(Y2040, Y9999 - 1),
        2 => rng.pick(&[
            0,
            951_782_400,   // 2000-02-29T00:00:00Z
            1_369_353_600, // 2013-05-24T00:00:00Z
            2_147_483_647, // 2038-01-19T03:14:07Z
            2_147_483_648,
            1_709_251_199, // 2024-02-29T23:59:59Z
            Y9999 - 1,
        ]),
        _ => rng.range(Y2000, Y2040),
    }
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`, computed here (not by presign).
pub(crate) fn rfc3339(unix: u64) -> String {
    let days = unix / 86_400;
    let seconds = unix % 86_400;
    // Howard Hinnant's civil_from_days, for days >= 0.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}
