//! The routes that call the storage service, against a real one
//! (SeaweedFS, started by `scripts/test.sh` or by hand with
//! `scripts/servers/start.sh seaweedfs DIR`; `PRESIGN_INTEROP_SERVERS=DIR`):
//! multipart uploads through the Companion routes and the native API, read
//! back with the service's own GET URLs; two copies of the service serving
//! one upload; the size limit at complete; and storage down.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;

use presign_serve::{Settings, launch};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const TOKEN: &str = "storage-test-token-7f3a";

/// The SeaweedFS of `PRESIGN_INTEROP_SERVERS`, or `None` (a failure under CI).
fn seaweedfs() -> Option<HashMap<String, String>> {
    let Ok(dir) = std::env::var("PRESIGN_INTEROP_SERVERS") else {
        assert!(
            std::env::var("CI").is_err(),
            "PRESIGN_INTEROP_SERVERS is not set: scripts/test.sh starts the servers"
        );
        eprintln!("skipped: PRESIGN_INTEROP_SERVERS is not set (see scripts/servers/start.sh)");
        return None;
    };
    let text = std::fs::read_to_string(format!("{dir}/seaweedfs.env")).expect("seaweedfs.env");
    Some(
        text.lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| {
                (
                    k.trim_start_matches("PRESIGN_TEST_").to_owned(),
                    v.to_owned(),
                )
            })
            .collect(),
    )
}

fn token_sha256() -> String {
    Sha256::digest(TOKEN.as_bytes())
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

fn settings(server: &HashMap<String, String>, endpoint: &str, extra: &str) -> Settings {
    let text = format!(
        r#"audit_log = "off"
[storage]
endpoint_url = "{endpoint}"
region = "{region}"
bucket = "{bucket}"
addressing_style = "path"
timeout = 5
[companion]
cors_origins = ["*"]
key_template = "app/uppy/${{uuid}}-${{filename}}"
{extra}
[[clients]]
name = "app"
token_sha256 = "{token}"
methods = ["GET", "PUT", "POST"]
max_size = 20000000
"#,
        region = server["REGION"],
        bucket = server["BUCKET"],
        token = token_sha256(),
    );
    let env = presign_config::Environment::from_vars(
        [
            ("AWS_ACCESS_KEY_ID", server["ACCESS_KEY"].as_str()),
            ("AWS_SECRET_ACCESS_KEY", server["SECRET_KEY"].as_str()),
        ],
        None,
    );
    Settings::parse("serve.toml".as_ref(), &text, &env).unwrap()
}

/// A copy of the service on a free port, stopped when the guard drops.
struct Copy {
    addr: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start(settings: Settings) -> Copy {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        launch(settings, listener, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Copy { addr, _stop: stop }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// `method` on the service at `addr`: the status and the JSON answer.
fn call(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let uri = format!("http://{addr}{path}");
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(&uri)
        .header("authorization", format!("Bearer {TOKEN}"));
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request
        .body(body.map(Value::to_string).unwrap_or_default())
        .unwrap();
    let mut response = agent().run(request).unwrap();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// PUTs `bytes` to a part URL: the ETag.
fn put_part(url: &str, bytes: &[u8]) -> String {
    let response = agent().put(url).send(bytes).unwrap();
    assert_eq!(response.status().as_u16(), 200, "part PUT");
    response.headers()["etag"].to_str().unwrap().to_owned()
}

/// Reads an object back through the service's own GET URL: status, bytes,
/// content type and the `x-amz-meta-*` headers.
fn read_back(addr: SocketAddr, key: &str) -> (Vec<u8>, String, HashMap<String, String>) {
    let (status, answer) = call(
        addr,
        "POST",
        "/v1/presign",
        Some(&json!({"method": "GET", "key": key})),
    );
    assert_eq!(status, 200, "{answer}");
    let mut response = agent().get(answer["url"].as_str().unwrap()).call().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let meta = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("x-amz-meta-"))
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
        .collect();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap();
    (bytes, content_type, meta)
}

fn data(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|i| u8::try_from((i * 7 + usize::from(seed)) % 251).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_copies_serve_one_companion_multipart_upload() {
    let Some(server) = seaweedfs() else { return };
    let first = start(settings(&server, &server["ENDPOINT"], "")).await;
    let second = start(settings(&server, &server["ENDPOINT"], "")).await;
    let (a, b) = (first.addr, second.addr);
    tokio::task::spawn_blocking(move || {
        let body = data(5 * 1024 * 1024 + 1234, 3);
        // Create on the first copy...
        let (status, created) = call(a, "POST", "/s3/multipart", Some(&json!({"filename": "big.bin", "type": "application/x-test", "metadata": {"owner": "ålice", "relativePath": null}})));
        assert_eq!(status, 200, "{created}");
        let key = created["key"].as_str().unwrap().to_owned();
        let upload_id = created["uploadId"].as_str().unwrap().to_owned();
        assert!(key.starts_with("app/uppy/") && key.ends_with("-big.bin"), "{key}");
        let query = format!("key={}", urlencode(&key));
        // ...sign the parts and complete on the second.
        let (status, batch) = call(b, "GET", &format!("/s3/multipart/{upload_id}/batch?{query}&partNumbers=1,2"), None);
        assert_eq!(status, 200, "{batch}");
        let urls = &batch["presignedUrls"];
        assert!(urls["1"].as_str().unwrap().contains("partNumber=1&uploadId="));
        assert!(urls["1"].as_str().unwrap().contains("X-Amz-SignedHeaders=host&"), "a part URL signs only the host");
        let etag1 = put_part(urls["1"].as_str().unwrap(), &body[..5 * 1024 * 1024]);
        let (status, single) = call(a, "GET", &format!("/s3/multipart/{upload_id}/2?{query}"), None);
        assert_eq!(status, 200, "{single}");
        assert_eq!(single["expires"], 800);
        let etag2 = put_part(single["url"].as_str().unwrap(), &body[5 * 1024 * 1024..]);
        let (status, listed) = call(b, "GET", &format!("/s3/multipart/{upload_id}?{query}"), None);
        assert_eq!(status, 200, "{listed}");
        let listed = listed.as_array().unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0]["PartNumber"], 1);
        assert_eq!(listed[1]["Size"], 1234);
        let parts = json!({"parts": [{"PartNumber": 1, "ETag": etag1}, {"PartNumber": 2, "ETag": etag2}]});
        let (status, done) = call(b, "POST", &format!("/s3/multipart/{upload_id}/complete?{query}"), Some(&parts));
        assert_eq!(status, 200, "{done}");
        assert_eq!(done["key"], key.as_str());
        assert!(done["location"].as_str().is_some_and(|l| !l.is_empty()));
        let (bytes, content_type, meta) = read_back(a, &key);
        assert!(bytes == body, "the object differs from what was uploaded");
        assert_eq!(content_type, "application/x-test");
        assert_eq!(meta.get("x-amz-meta-owner").map(String::as_str), Some("=?UTF-8?B?w6VsaWNl?="));
    })
    .await
    .unwrap();
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn native_multipart_plans_signed_part_lengths_and_completes() {
    let Some(server) = seaweedfs() else { return };
    let copy = start(settings(&server, &server["ENDPOINT"], "")).await;
    let addr = copy.addr;
    tokio::task::spawn_blocking(move || {
        let body = data(12 * 1024 * 1024, 9);
        let request = json!({"key": "app/native/big.bin", "size": body.len(), "part_size": 5 * 1024 * 1024, "content_type": "application/octet-stream", "metadata": {"batch": "7"}});
        let (status, plan) = call(addr, "POST", "/v1/multipart", Some(&request));
        assert_eq!(status, 200, "{plan}");
        let parts = plan["parts"].as_array().unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2]["length"], 2 * 1024 * 1024);
        let url = parts[0]["url"].as_str().unwrap();
        assert!(url.contains("X-Amz-SignedHeaders=content-length%3Bhost&"), "{url}");
        // A part body of another length than planned is refused by storage.
        let short = agent().put(url).send(&body[..100]).unwrap();
        assert_eq!(short.status().as_u16(), 403, "a part of the wrong length must be refused");
        let mut done = Vec::new();
        for part in parts {
            let offset = usize::try_from(part["offset"].as_u64().unwrap()).unwrap();
            let size = usize::try_from(part["length"].as_u64().unwrap()).unwrap();
            let etag = put_part(part["url"].as_str().unwrap(), &body[offset..offset + size]);
            done.push(json!({"part_number": part["part_number"], "etag": etag}));
        }
        let upload = json!({"key": "app/native/big.bin", "upload_id": plan["upload_id"], "parts": done});
        let (status, answer) = call(addr, "POST", "/v1/multipart/complete", Some(&upload));
        assert_eq!(status, 200, "{answer}");
        let (bytes, content_type, meta) = read_back(addr, "app/native/big.bin");
        assert!(bytes == body, "the object differs");
        // Created as binary/octet-stream: SeaweedFS would guess a type from
        // the key for application/octet-stream (docs/security.md, finding 22).
        assert_eq!(content_type, "binary/octet-stream");
        assert_eq!(meta.get("x-amz-meta-batch").map(String::as_str), Some("7"));

        // Over the client's max_size: refused before anything is created.
        let (status, refused) = call(addr, "POST", "/v1/multipart", Some(&json!({"key": "app/x", "size": 20_000_001})));
        assert_eq!((status, refused["rule"].as_str()), (403, Some("max_size")));
        // Abort.
        let (status, plan) = call(addr, "POST", "/v1/multipart", Some(&json!({"key": "app/aborted.bin", "size": 10})));
        assert_eq!(status, 200, "{plan}");
        let (status, _) = call(addr, "POST", "/v1/multipart/abort", Some(&json!({"key": "app/aborted.bin", "upload_id": plan["upload_id"]})));
        assert_eq!(status, 200);
        let (status, listed) = call(addr, "POST", "/v1/multipart/complete", Some(&json!({"key": "app/aborted.bin", "upload_id": plan["upload_id"], "parts": [{"part_number": 1, "etag": "x"}]})));
        assert_eq!(status, 502, "{listed}");
        // With max_size the service lists the parts first: the storage's 404 either way.
        assert!(listed["error"].as_str().unwrap().contains("the storage service answered 404: NoSuchUpload"), "{listed}");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_over_max_size_is_aborted_at_complete() {
    let Some(server) = seaweedfs() else { return };
    let copy = start(settings(&server, &server["ENDPOINT"], "max_size = 6000000")).await;
    let addr = copy.addr;
    tokio::task::spawn_blocking(move || {
        let (status, created) = call(
            addr,
            "POST",
            "/s3/multipart",
            Some(&json!({"filename": "big.bin", "type": "application/x-test"})),
        );
        assert_eq!(status, 200, "{created}");
        let key = created["key"].as_str().unwrap();
        let upload_id = created["uploadId"].as_str().unwrap();
        let query = format!("key={}", urlencode(key));
        let mut parts = Vec::new();
        for (number, size) in [(1, 5 * 1024 * 1024), (2, 1024 * 1024)] {
            let (_, part) = call(
                addr,
                "GET",
                &format!("/s3/multipart/{upload_id}/{number}?{query}"),
                None,
            );
            let etag = put_part(part["url"].as_str().unwrap(), &data(size, 1));
            parts.push(json!({"PartNumber": number, "ETag": etag}));
        }
        let (status, answer) = call(
            addr,
            "POST",
            &format!("/s3/multipart/{upload_id}/complete?{query}"),
            Some(&json!({"parts": parts})),
        );
        assert_eq!(
            (status, answer["rule"].as_str()),
            (403, Some("max_size")),
            "{answer}"
        );
        let (status, listed) = call(
            addr,
            "GET",
            &format!("/s3/multipart/{upload_id}?{query}"),
            None,
        );
        assert_eq!(status, 502, "the upload is gone: {listed}");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn storage_down_signing_still_works_and_storage_routes_answer_502() {
    let server = HashMap::from([
        ("REGION", "us-east-1"),
        ("BUCKET", "bucket"),
        ("ACCESS_KEY", "AKIDDOWN"),
        ("SECRET_KEY", "down-secret"),
    ])
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    // Nothing listens on port 9 (discard) on loopback.
    let copy = start(settings(&server, "http://127.0.0.1:9", "")).await;
    let addr = copy.addr;
    // Upload ids as the service answers them: bound to their key.
    let ids = presign_serve::UploadIds::new(b"down-secret");
    let (some_id, u) = (
        ids.bind("bucket", "k", "some-id"),
        ids.bind("bucket", "app/a", "u"),
    );
    tokio::task::spawn_blocking(move || {
        let (status, _) = call(
            addr,
            "POST",
            "/v1/presign",
            Some(&json!({"method": "GET", "key": "app/a"})),
        );
        assert_eq!(status, 200);
        let (status, _) = call(
            addr,
            "GET",
            "/s3/params?filename=a.txt&type=text%2Fplain",
            None,
        );
        assert_eq!(status, 200);
        let (status, _) = call(
            addr,
            "GET",
            &format!("/s3/multipart/{some_id}/3?key=k"),
            None,
        );
        assert_eq!(status, 200, "part URLs need no storage call");
        let storage_calls = [
            (
                "POST",
                "/s3/multipart".to_owned(),
                Some(json!({"filename": "a.bin", "type": "application/x-test"})),
            ),
            ("GET", format!("/s3/multipart/{some_id}?key=k"), None),
            ("DELETE", format!("/s3/multipart/{some_id}?key=k"), None),
            (
                "POST",
                format!("/s3/multipart/{some_id}/complete?key=k"),
                Some(json!({"parts": [{"PartNumber": 1, "ETag": "e"}]})),
            ),
            (
                "POST",
                "/v1/multipart".to_owned(),
                Some(json!({"key": "app/a", "size": 10})),
            ),
            (
                "POST",
                "/v1/multipart/abort".to_owned(),
                Some(json!({"key": "app/a", "upload_id": u})),
            ),
        ];
        for (method, path, body) in storage_calls {
            let (status, answer) = call(addr, method, &path, body.as_ref());
            assert_eq!(status, 502, "{method} {path}: {answer}");
            let error = answer["error"].as_str().unwrap();
            assert!(
                error.contains("the storage service could not be reached"),
                "{error}"
            );
            assert!(
                !error.contains("X-Amz-Signature") && !error.contains("down-secret"),
                "{error}"
            );
        }
    })
    .await
    .unwrap();
}
