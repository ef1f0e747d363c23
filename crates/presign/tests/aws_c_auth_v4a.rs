//! The query-signing cases of aws-c-auth's SigV4A test suite
//! (`data/aws-c-auth-v4a/`, provenance in its README), discovered by listing
//! the directory: the derived public key, the canonical request, the string
//! to sign and the suite's signatures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use presign::canonical::{CanonicalHeaders, CanonicalRequest};
use presign::{
    Addressing, AmzDate, Credentials, Method, PresignRequest, PresignedUrl, SigV4aKey,
    StringToSign, encode, presign,
};
use pretty_assertions::assert_eq;
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Deserialize)]
struct Context {
    credentials: ContextCredentials,
    expiration_in_seconds: u64,
    region: String,
    service: String,
    timestamp: String,
}

#[derive(Deserialize)]
struct ContextCredentials {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "UPPERCASE")]
struct PublicKey {
    x: String,
    y: String,
}

/// `request.txt`: the request line and the headers (no body in these cases).
struct RawRequest {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl RawRequest {
    fn parse(text: &str) -> Self {
        let mut lines = text.lines();
        let mut request_line = lines.next().unwrap().split(' ');
        let method = request_line.next().unwrap().to_owned();
        let target = request_line.next().unwrap();
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (name.to_owned(), value.to_owned())
            })
            .collect();
        let headers = lines
            .take_while(|line| !line.is_empty())
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                (name.to_owned(), value.to_owned())
            })
            .collect();
        Self {
            method,
            path: path.to_owned(),
            query,
            headers,
        }
    }

    /// The headers but `Host`.
    fn extra_headers(&self) -> impl Iterator<Item = &(String, String)> {
        self.headers
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("host"))
    }
}

struct Case {
    name: String,
    dir: PathBuf,
}

impl Case {
    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.join(file))
            .unwrap_or_else(|error| panic!("{}/{file}: {error}", self.name))
    }

    fn context(&self) -> Context {
        serde_json::from_str(&self.read("context.json")).unwrap()
    }

    fn credentials(&self) -> Credentials {
        let context = self.context().credentials;
        let credentials = Credentials::new(context.access_key_id, context.secret_access_key);
        match context.token {
            Some(token) => credentials.with_session_token(token),
            None => credentials,
        }
    }

    fn key(&self) -> SigV4aKey {
        let context = self.context().credentials;
        SigV4aKey::derive(&context.access_key_id, &context.secret_access_key).unwrap()
    }

    /// The URL of `query-signed-request.txt`, on the `Host` of the request.
    fn signed_url(&self) -> String {
        let signed = self.read("query-signed-request.txt");
        let target = signed.lines().next().unwrap().split(' ').nth(1).unwrap();
        let request = RawRequest::parse(&self.read("request.txt"));
        let host = &request
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("host"))
            .unwrap()
            .1;
        format!("https://{host}{target}")
    }
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/aws-c-auth-v4a");
    let mut cases: Vec<Case> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .map(|dir| Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir,
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(cases.len() >= 10, "{} cases", cases.len());
    cases
}

#[test]
fn the_derived_public_key_is_the_suites() {
    for case in cases() {
        let expected: PublicKey = serde_json::from_str(&case.read("public-key.json")).unwrap();
        let (x, y) = case.key().public_key_hex();
        assert_eq!((x, y), (expected.x, expected.y), "{}", case.name);
    }
}

/// The canonical request presign computes for the suite's signed URL, with
/// the suite's payload hash (the empty body's).
fn canonical_request(case: &Case, url: &PresignedUrl) -> CanonicalRequest {
    let request = RawRequest::parse(&case.read("request.txt"));
    let mut headers = vec![("host", url.host())];
    headers.extend(
        request
            .extra_headers()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    let query: Vec<(String, String)> = url
        .query()
        .iter()
        .map(|(name, value)| (encode::query(name), encode::query(value)))
        .collect();
    let mut empty_body = String::new();
    for byte in Sha256::digest(b"") {
        write!(empty_body, "{byte:02x}").unwrap();
    }
    CanonicalRequest::new(
        &request.method,
        &encode::path(url.path()),
        &query,
        &CanonicalHeaders::new(headers),
        &empty_body,
    )
}

#[test]
fn canonical_request_and_string_to_sign_equal_the_suites() {
    for case in cases() {
        let url = PresignedUrl::parse(&case.signed_url())
            .unwrap_or_else(|error| panic!("{}: {error}", case.name));
        assert_eq!(url.algorithm(), "AWS4-ECDSA-P256-SHA256", "{}", case.name);
        assert_eq!(url.region_set(), Some(case.context().region.as_str()));
        let canonical = canonical_request(&case, &url);
        assert_eq!(
            canonical.as_str(),
            case.read("query-canonical-request.txt"),
            "{}",
            case.name
        );
        let string_to_sign = StringToSign::sigv4a(url.signed_at(), url.scope(), &canonical);
        assert_eq!(
            string_to_sign.as_str(),
            case.read("query-string-to-sign.txt"),
            "{}",
            case.name
        );
    }
}

#[test]
fn the_suites_signatures_verify_with_the_derived_key_and_so_do_presigns() {
    for case in cases() {
        let key = case.key();
        let string_to_sign = case.read("query-string-to-sign.txt");
        let signature = case.read("query-signature.txt");
        assert!(
            key.verify(string_to_sign.as_bytes(), signature.trim()),
            "{}: query-signature.txt",
            case.name
        );
        let url = PresignedUrl::parse(&case.signed_url()).unwrap();
        assert!(
            key.verify(string_to_sign.as_bytes(), url.signature()),
            "{}: the signature of query-signed-request.txt",
            case.name
        );
        let ours = key.sign(string_to_sign.as_bytes());
        assert!(
            key.verify(string_to_sign.as_bytes(), &ours),
            "{}",
            case.name
        );
        assert!(
            !key.verify(format!("{string_to_sign}\n").as_bytes(), signature.trim()),
            "{}: a changed string to sign is refused",
            case.name
        );
    }
}

/// presign() signing the suite's request: every line of its canonical
/// request but the payload hash is the suite's.
#[test]
fn presign_writes_the_suites_canonical_request_but_the_payload_hash() {
    for case in cases() {
        let context = case.context();
        let raw = RawRequest::parse(&case.read("request.txt"));
        let host = raw
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("host"))
            .unwrap()
            .1
            .clone();
        // `example.amazonaws.com` as bucket `example` on `amazonaws.com`,
        // virtual-hosted: the only way a presigned S3 request has path `/`.
        let (bucket, domain) = host.split_once('.').unwrap();
        let key = raw.path.strip_prefix('/').unwrap();
        let mut request = PresignRequest::new(
            raw.method.parse::<Method>().unwrap(),
            format!("https://{domain}"),
            bucket,
            key,
        )
        .bucket_operation(key.is_empty())
        .addressing(Addressing::VirtualHost)
        .service(&context.service)
        .sigv4a(&context.region)
        .expires_in(Duration::from_secs(context.expiration_in_seconds));
        for (name, value) in &raw.query {
            request = request.query(name, value);
        }
        for (name, value) in raw.extra_headers() {
            request = request.header(name, value);
        }
        let now = AmzDate::parse_rfc3339(&context.timestamp)
            .unwrap()
            .to_system_time();
        let presigned = presign(&request, &case.credentials(), now)
            .unwrap_or_else(|error| panic!("{}: {error}", case.name));
        let expected = case.read("query-canonical-request.txt");
        let (expected_head, _) = expected.rsplit_once('\n').unwrap();
        let (head, payload) = presigned
            .canonical_request()
            .as_str()
            .rsplit_once('\n')
            .unwrap();
        assert_eq!(head, expected_head, "{}", case.name);
        assert_eq!(payload, "UNSIGNED-PAYLOAD");
        assert!(case.key().verify(
            presigned.string_to_sign().as_str().as_bytes(),
            presigned.signature()
        ));
    }
}
