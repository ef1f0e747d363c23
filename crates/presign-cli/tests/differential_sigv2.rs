//! Differential test for SigV2: `presign::presign_v2` against botocore's
//! `signature_version='s3'` presigning, on random inputs.
//!
//! [`CASES`] random inputs from a seed (printed; `PRESIGN_DIFF_SEED=N`
//! replays a run) are signed by the library and by botocore
//! (`scripts/botocore_presign_v2.py`, one process, the SigV2 clock frozen at
//! each input's instant); the URLs must be byte-identical. Methods GET, PUT,
//! HEAD and DELETE through their botocore operations (GetObject, HeadObject,
//! PutObject, UploadPart, DeleteObject, AbortMultipartUpload, ListParts);
//! keys with unicode, spaces and reserved characters; response overrides and
//! other sub-resources (signed) and plain query parameters (sent, not
//! signed); Content-Type, Content-MD5 and x-amz-* headers; session tokens;
//! path and virtual-hosted addressing; custom endpoints with ports and base
//! paths, IP hosts and AWS hosts. A sample of the inputs also goes through
//! the `presign` binary with `--signature-version s3`, whose URL must be the
//! library's.
//!
//! botocore comes from `PRESIGN_PYTHON`, as in `differential.rs`: without it
//! the test fails under CI and is skipped, loudly, elsewhere.
//!
//! Left out, with the reason (the SigV4 differential's [`EXCLUSIONS`] list
//! applies too; these inputs avoid all of its classes):
//! - headers other than Content-Type, Content-MD5 and x-amz-*: botocore
//!   leaves them out of a SigV2 URL silently; `presign_v2` refuses them (a
//!   unit test in `sigv2.rs` checks the refusal);
//! - POST: refused by `presign_v2` (`uploads` would need a bare `?uploads`);
//! - `addressing auto` on an `amazonaws.com` endpoint given as endpoint_url:
//!   botocore is path style there, presign virtual-hosted (as for SigV4).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presign::{Addressing, Credentials, Method, PresignRequest, presign_v2};

const CASES: usize = 1000;
const CLI_SAMPLE: usize = 25;

#[derive(Clone, Debug)]
struct Input {
    method: &'static str,
    endpoint: String,
    style: &'static str,
    bucket: String,
    key: String,
    region: String,
    access_key: String,
    secret_key: String,
    session_token: Option<String>,
    unix_time: u64,
    expires: u64,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl Input {
    /// The input as the helper reads it, as JSON text: the headers in the
    /// order given (botocore writes them into the URL in that order, and a
    /// `serde_json::Map` would sort them).
    fn json(&self) -> String {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(name, value)| {
                format!(
                    "{}:{}",
                    serde_json::Value::from(name.as_str()),
                    serde_json::Value::from(value.as_str())
                )
            })
            .collect();
        let mut text = serde_json::json!({
            "method": self.method,
            "endpoint": self.endpoint,
            "addressing_style": self.style,
            "bucket": self.bucket,
            "key": self.key,
            "region": self.region,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "session_token": self.session_token,
            "timestamp": rfc3339(self.unix_time),
            "expires": self.expires,
            "query": self.query,
        })
        .to_string();
        text.pop(); // the closing brace
        text.push_str(",\"signed_headers\":{");
        text.push_str(&headers.join(","));
        text.push_str("}}");
        text
    }

    fn request(&self) -> PresignRequest {
        let addressing = match self.style {
            "path" => Addressing::Path,
            "virtual" => Addressing::VirtualHost,
            _ => Addressing::Auto,
        };
        let method: Method = self.method.parse().expect("a generated method");
        let mut request = PresignRequest::new(method, &self.endpoint, &self.bucket, &self.key)
            .region(&self.region)
            .expires_in(Duration::from_secs(self.expires))
            .addressing(addressing);
        for (name, value) in &self.query {
            request = request.query(name, value);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request
    }

    fn credentials(&self) -> Credentials {
        let credentials = Credentials::new(&self.access_key, &self.secret_key);
        match &self.session_token {
            Some(token) => credentials.with_session_token(token),
            None => credentials,
        }
    }
}

#[test]
fn presign_v2_matches_botocore_signature_version_s3() {
    let Some(python) = python_or_skip() else {
        return;
    };
    let seed = seed();
    eprintln!("differential_sigv2: seed {seed} (replay with PRESIGN_DIFF_SEED={seed})");
    let mut rng = Rng(seed);
    let inputs: Vec<Input> = (0..CASES).map(|_| input(&mut rng)).collect();
    let theirs = botocore(&python, &inputs);
    let mut failures = Vec::new();
    for (input, theirs) in inputs.iter().zip(&theirs) {
        let ours = presign_v2(
            &input.request(),
            &input.credentials(),
            UNIX_EPOCH + Duration::from_secs(input.unix_time),
        )
        .map_or_else(
            |error| format!("ERROR: {error}"),
            |presigned| presigned.url().to_owned(),
        );
        if ours != *theirs {
            failures.push(format!(
                "input: {}\n  presign:  {ours}\n  botocore: {theirs}",
                input.json()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "seed {seed}: {} of {CASES} SigV2 URLs differ from botocore's:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let with_token = inputs.iter().filter(|i| i.session_token.is_some()).count();
    let virtual_hosted = theirs
        .iter()
        .zip(&inputs)
        .filter(|(url, input)| !url.contains(&format!("/{}/", input.bucket)))
        .count();
    eprintln!(
        "differential_sigv2: {CASES} identical URLs ({with_token} with a session token, \
         {virtual_hosted} virtual-hosted)"
    );
    assert!(with_token > CASES / 5 && virtual_hosted > CASES / 10);
    check_cli_sample(&inputs[..CLI_SAMPLE]);
}

/// The `presign` binary with `--signature-version s3` writes the library's
/// URL (credentials in the environment, no configuration files).
fn check_cli_sample(inputs: &[Input]) {
    let home = tempfile::tempdir().expect("a temporary home");
    // `--header 'Name: value'` trims the value, so values with blanks
    // around them go through the library only.
    let sample = inputs.iter().filter(|input| {
        input
            .headers
            .iter()
            .all(|(_, value)| value.trim() == value.as_str())
    });
    for input in sample {
        let mut command = Command::new(env!("CARGO_BIN_EXE_presign"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                command.env_remove(name);
            }
        }
        command
            .env("HOME", home.path())
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_ACCESS_KEY_ID", &input.access_key)
            .env("AWS_SECRET_ACCESS_KEY", &input.secret_key)
            .args(["--signature-version", "s3", "-X", input.method])
            .args(["--endpoint-url", &input.endpoint, "--region", &input.region])
            .args(["--addressing-style", input.style])
            .args(["--expires-in", &input.expires.to_string()])
            .args(["--at", &rfc3339(input.unix_time)]);
        if let Some(token) = &input.session_token {
            command.env("AWS_SESSION_TOKEN", token);
        }
        for (name, value) in &input.query {
            command.args(["--query", &format!("{name}={value}")]);
        }
        for (name, value) in &input.headers {
            command.args(["--header", &format!("{name}: {value}")]);
        }
        command
            .arg("--")
            .arg(format!("s3://{}/{}", input.bucket, input.key));
        let output = command.output().expect("run presign");
        let library = presign_v2(
            &input.request(),
            &input.credentials(),
            UNIX_EPOCH + Duration::from_secs(input.unix_time),
        )
        .expect("the library signs every generated input");
        assert!(
            output.status.success(),
            "presign failed for {}: {}",
            input.json(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout).trim_end(),
            library.url(),
            "CLI and library differ for {}",
            input.json()
        );
    }
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/// (endpoint, addressing styles that both sides treat alike, https).
const ENDPOINTS: &[(&str, &[&str])] = &[
    ("http://127.0.0.1:9000", &["path", "auto"]),
    ("http://localhost:8333", &["path", "auto"]),
    ("https://s3.example.com", &["path", "virtual", "auto"]),
    ("https://s3.example.com:8443", &["path", "virtual"]),
    (
        "http://minio.local:9000/base/p",
        &["path", "virtual", "auto"],
    ),
    (
        "https://s3.eu-de.cloud-object-storage.appdomain.cloud",
        &["path", "virtual", "auto"],
    ),
    ("https://nyc3.digitaloceanspaces.com", &["path", "virtual"]),
    ("https://s3.us-west-2.amazonaws.com", &["path", "virtual"]),
    ("https://s3.amazonaws.com", &["path", "virtual"]),
];

const PIECES: &[&str] = &[
    "photos",
    "2024",
    "a",
    "x_y-z",
    "UPPER",
    "file.tar.gz",
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
    "%",
    "%2F",
    "%20",
    "~",
    "/",
    "//",
    "..",
    ".",
    "é",
    "ü",
    "日本",
    "😀",
    "\u{301}",
    "\t",
    "\u{7f}",
    "e\u{301}",
];

fn text(rng: &mut Rng, max_pieces: usize) -> String {
    (0..=rng.below(max_pieces))
        .map(|_| rng.pick(PIECES))
        .collect()
}

fn ascii_text(rng: &mut Rng, max: usize) -> String {
    const PRINTABLE: &[u8] =
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    let length = 1 + rng.below(max);
    (0..length)
        .map(|_| char::from(rng.pick(PRINTABLE)))
        .collect()
}

fn input(rng: &mut Rng) -> Input {
    let (endpoint, styles) = rng.pick(ENDPOINTS);
    let style = rng.pick(styles);
    let https = endpoint.starts_with("https");
    // Dotted buckets only where neither side can put them in an https host.
    let bucket = if !https || style == "path" {
        rng.pick(&["bucket", "my.dotted.bucket", "data-2024", "a1b"])
    } else {
        rng.pick(&["bucket", "data-2024", "a1b", "example-bucket"])
    };
    let region = if style == "path" && !endpoint.contains("amazonaws") && rng.chance(20) {
        String::new()
    } else {
        rng.pick(&["us-east-1", "us-west-2", "eu-de", "nyc3"])
            .to_owned()
    };
    let (method, query, headers) = operation(rng);
    let mut key = text(rng, 8);
    while key.len() > presign::MAX_KEY_BYTES {
        key.pop();
    }
    // Credentials: `!` to `~` (presign refuses blanks in them), no `/` in
    // the access key id.
    let access_key: String = ascii_text(rng, 24).replace(['/', ' '], "_");
    Input {
        method,
        endpoint: endpoint.to_owned(),
        style,
        bucket: bucket.to_owned(),
        key,
        region,
        access_key,
        secret_key: ascii_text(rng, 40).replace(' ', "_"),
        session_token: rng
            .chance(35)
            .then(|| ascii_text(rng, 60).replace(' ', "=")),
        unix_time: rng.range(946_684_800, 4_102_444_800),
        expires: rng.pick(&[1, 60, 3600, 86_400, 604_800]),
        query,
        headers,
    }
}

/// A header value botocore sends unchanged (printable ASCII, sometimes with
/// blanks around it, which both sides strip in the string to sign only).
fn header_value(rng: &mut Rng) -> String {
    let value = ascii_text(rng, 20);
    if rng.chance(10) {
        format!(" {value}\t")
    } else {
        value
    }
}

type Pairs = Vec<(String, String)>;

fn operation(rng: &mut Rng) -> (&'static str, Pairs, Pairs) {
    let mut query: Pairs = Vec::new();
    let mut headers: Pairs = Vec::new();
    let maybe = |rng: &mut Rng, list: &mut Pairs, name: &str, value: String| {
        if rng.chance(40) {
            list.push((name.to_owned(), value));
        }
    };
    let method = match rng.below(7) {
        0..=2 => {
            let method = if rng.chance(70) { "GET" } else { "HEAD" };
            for name in [
                "response-content-type",
                "response-content-disposition",
                "response-cache-control",
                "response-content-language",
                "response-content-encoding",
                "versionId",
            ] {
                let value = text(rng, 4);
                maybe(rng, &mut query, name, value);
            }
            let part = rng.range(1, 10_000).to_string();
            maybe(rng, &mut query, "partNumber", part);
            method
        }
        3 => {
            query.push(("uploadId".to_owned(), text(rng, 3)));
            let parts = rng.range(1, 1000).to_string();
            maybe(rng, &mut query, "max-parts", parts);
            "GET"
        }
        4 => {
            let value = format!("{}/{}", rng.pick(&["image", "text"]), ascii_text(rng, 8));
            maybe(rng, &mut headers, "Content-Type", value);
            let value = ascii_text(rng, 24);
            maybe(rng, &mut headers, "Content-MD5", value);
            for name in ["x-amz-acl", "x-amz-storage-class", "x-amz-tagging"] {
                let value = header_value(rng);
                maybe(rng, &mut headers, name, value);
            }
            // Metadata last and together: botocore writes Metadata as one
            // parameter.
            for name in ["x-amz-meta-a", "X-Amz-Meta-Zeta", "x-amz-meta-m"] {
                let value = header_value(rng);
                maybe(rng, &mut headers, name, value);
            }
            "PUT"
        }
        5 => {
            query.push(("uploadId".to_owned(), text(rng, 3)));
            query.push(("partNumber".to_owned(), rng.range(1, 10_000).to_string()));
            let value = ascii_text(rng, 24);
            maybe(rng, &mut headers, "Content-MD5", value);
            "PUT"
        }
        _ => {
            if rng.chance(50) {
                query.push(("uploadId".to_owned(), text(rng, 3)));
            } else {
                let value = text(rng, 3);
                maybe(rng, &mut query, "versionId", value);
                let value = header_value(rng);
                maybe(rng, &mut headers, "x-amz-mfa", value);
            }
            "DELETE"
        }
    };
    (method, query, headers)
}

// ---------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------

fn python_or_skip() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("PRESIGN_PYTHON").filter(|value| !value.is_empty()) {
        return Some(PathBuf::from(python));
    }
    assert!(
        std::env::var_os("CI").is_none_or(|value| value.is_empty()),
        "PRESIGN_PYTHON is not set, so SigV2 cannot be compared with botocore: run \
         `bash scripts/setup-python.sh` and set PRESIGN_PYTHON to the python it prints"
    );
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: SigV2 differential test against botocore (PRESIGN_PYTHON is not set).\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    None
}

fn seed() -> u64 {
    if let Ok(text) = std::env::var("PRESIGN_DIFF_SEED") {
        return text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("PRESIGN_DIFF_SEED must be a u64, got {text:?}"));
    }
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (elapsed.as_secs() ^ u64::from(elapsed.subsec_nanos()) ^ u64::from(std::process::id()))
        % 1_000_000_000_000
}

fn botocore(python: &Path, inputs: &[Input]) -> Vec<String> {
    let payload = format!(
        "[{}]",
        inputs.iter().map(Input::json).collect::<Vec<_>>().join(",")
    )
    .into_bytes();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/botocore_presign_v2.py");
    let mut command = Command::new(python);
    command
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    let mut child = command.spawn().expect("run the botocore helper");
    let mut stdin = child.stdin.take().expect("the helper's stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&payload));
    let output = child.wait_with_output().expect("wait for the helper");
    writer
        .join()
        .expect("writer thread")
        .expect("write the inputs");
    assert!(
        output.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    let urls: Vec<String> = serde_json::from_slice(&output.stdout).expect("a JSON array");
    assert_eq!(urls.len(), inputs.len());
    urls
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds (days-from-civil, inverted).
fn rfc3339(unix: u64) -> String {
    let days = i64::try_from(unix / 86_400).expect("days fit");
    let seconds = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[test]
fn rfc3339_formats_known_instants() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(1_175_136_020), "2007-03-29T02:40:20Z");
    assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
}

/// SplitMix64: deterministic per seed on every platform.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n as u64).expect("below n")
    }

    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.range(0, 99) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}
