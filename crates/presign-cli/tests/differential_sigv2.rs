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

use std::path::Path;
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use presign::{
    Addressing, Credentials, Method, PresignRequest, SigV2Url, VerifyError, VerifyPolicy,
    presign_v2, verify_v2,
};

/// Seeds, the generator, the helper runner and the text pieces every
/// differential test shares.
#[path = "common/botocore_diff.rs"]
mod botocore_diff;

use botocore_diff::{Rng, python_or_skip, rfc3339, run_helper, seed, text};

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
    let Some(python) = python_or_skip("differential_sigv2") else {
        return;
    };
    let seed = seed();
    eprintln!("differential_sigv2: seed {seed} (replay with PRESIGN_DIFF_SEED={seed})");
    let mut rng = Rng::new(seed);
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
    check_botocore_urls_verify(&inputs, &theirs);
    check_cli_sample(&inputs[..CLI_SAMPLE]);
}

/// botocore's SigV2 URLs are read back by `presign::verify_v2` (the verifier
/// `presign verify` and Python's `verify` use), sent with their method and
/// headers: each verifies, and with another method it is refused naming the
/// method it was signed for. Where the bucket cannot be read from the URL
/// (an endpoint with a base path, or a virtual host presign does not know
/// as one), the URL is left out; the count of those is bounded.
fn check_botocore_urls_verify(inputs: &[Input], theirs: &[String]) {
    let policy = VerifyPolicy::default().max_expires(u64::MAX / 2);
    let mut unreadable = 0;
    let mut failures = Vec::new();
    for (input, url) in inputs.iter().zip(theirs) {
        let Ok(parsed) = SigV2Url::parse(url) else {
            failures.push(format!("{url}: does not parse"));
            continue;
        };
        let location = parsed.location();
        if (location.bucket(), location.key()) != (input.bucket.as_str(), input.key.as_str()) {
            unreadable += 1;
            continue;
        }
        let credentials = input.credentials();
        let lookup = |id: &str| (id == credentials.access_key_id()).then(|| credentials.clone());
        let headers: Vec<(&str, &str)> = input
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let method: Method = input.method.parse().expect("a generated method");
        let now = UNIX_EPOCH + Duration::from_secs(input.unix_time);
        if let Err(error) = verify_v2(url, method, &headers, lookup, now, &policy) {
            failures.push(format!("{url}: {error}"));
        }
        let other = if method == Method::Get {
            Method::Delete
        } else {
            Method::Get
        };
        match verify_v2(url, other, &headers, lookup, now, &policy) {
            Err(VerifyError::MethodMismatch { signed_for, .. })
                if signed_for == method.as_str() => {}
            other => failures.push(format!("{url} sent with another method: {other:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of botocore's SigV2 URLs did not verify:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!(
        "differential_sigv2: {} of botocore's URLs verified ({unreadable} left out: bucket \
         not readable from the URL)",
        inputs.len() - unreadable
    );
    assert!(unreadable < inputs.len() / 2, "{unreadable} unreadable");
}

/// The `presign` binary with `--signature-version s3` writes the library's
/// URL (credentials in the environment, no configuration files).
fn check_cli_sample(inputs: &[Input]) {
    let home = tempfile::tempdir().expect("a temporary home");
    // `--header 'Name: value'` trims the value, so values with blanks
    // around them go through the library only; and a command-line argument
    // cannot hold NUL, which the shared text pieces include.
    let sample = inputs.iter().filter(|input| {
        input
            .headers
            .iter()
            .all(|(_, value)| value.trim() == value.as_str() && !value.contains('\0'))
            && !input.key.contains('\0')
            && input.query.iter().all(|(_, value)| !value.contains('\0'))
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

/// The SigV2 helper's URLs for `inputs` (an `ERROR: ...` string where it
/// made none).
fn botocore(python: &Path, inputs: &[Input]) -> Vec<String> {
    let payload = format!(
        "[{}]",
        inputs.iter().map(Input::json).collect::<Vec<_>>().join(",")
    )
    .into_bytes();
    let urls: Vec<String> = run_helper(python, "botocore_presign_v2.py", payload);
    assert_eq!(urls.len(), inputs.len());
    urls
}
