//! The storage's endpoint settings in the service (issue 19): an access
//! point ARN as a bucket gives access point URLs on the native and the
//! Companion routes; a bad ARN in the configuration is refused at load
//! naming its key; dualstack and FIPS make their hosts; an S3 Express
//! directory bucket is signed with a `CreateSession` session from a
//! loopback stub, its URLs clamped to the session's expiry. The hosts
//! expected are botocore 1.43.11's for the same settings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use presign_config::Environment;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{AppState, Settings, router};

const ACCESS_KEY: &str = "AKIDSERVEENDPOINTS";
const SECRET_KEY: &str = "serve/endpoints+SECRET/never-shown";
const TOKEN: &str = "tok-endpoints-5c2b";
const AP: &str = "arn:aws:s3:us-west-2:123456789012:accesspoint/myap";
const EXPRESS: &str = "mybucket--usw2-az1--x-s3";

fn env() -> Environment {
    Environment::from_vars(
        [
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ],
        None,
    )
}

fn token_sha256() -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    sha2::Sha256::digest(TOKEN.as_bytes())
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// A configuration: `storage` is the `[storage]` table's body, `buckets`
/// the client's bucket list (TOML).
fn config(storage: &str, buckets: &str) -> String {
    format!(
        r#"audit_log = "off"
[storage]
{storage}
[companion]
cors_origins = ["*"]
[[clients]]
name = "app"
token_sha256 = "{token}"
buckets = {buckets}
methods = ["GET", "PUT", "POST"]
"#,
        token = token_sha256(),
    )
}

fn parse(text: &str) -> Result<Settings, crate::SettingsError> {
    Settings::parse("serve.toml".as_ref(), text, &env())
}

fn state(text: &str) -> AppState {
    AppState::new(parse(text).unwrap()).unwrap()
}

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, Value) {
    let response = router(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn post(state: &AppState, path: &str, body: &Value) -> (StatusCode, Value) {
    let request = Request::post(path)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(Body::from(body.to_string()))
        .unwrap();
    send(state, request).await
}

async fn get(state: &AppState, path: &str) -> (StatusCode, Value) {
    send(state, Request::get(path).body(Body::empty()).unwrap()).await
}

async fn presign_url(state: &AppState, body: &Value) -> String {
    let (status, answer) = post(state, "/v1/presign", body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_access_point_arn_as_a_bucket_gives_access_point_urls() {
    let state = state(&config(
        &format!("region = \"us-west-2\"\nbucket = \"{AP}\""),
        &format!("[\"{AP}\", \"plain\"]"),
    ));
    let url = presign_url(&state, &json!({"method": "GET", "key": "app/a.txt"})).await;
    assert!(
        url.starts_with(
            "https://myap-123456789012.s3-accesspoint.us-west-2.amazonaws.com/app/a.txt?\
             X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDSERVEENDPOINTS%2F"
        ),
        "{url}"
    );
    assert!(url.contains("%2Fus-west-2%2Fs3%2Faws4_request&"), "{url}");
    let plain = presign_url(
        &state,
        &json!({"method": "GET", "key": "app/a.txt", "bucket": "plain"}),
    )
    .await;
    assert!(
        plain.starts_with("https://plain.s3.us-west-2.amazonaws.com/app/a.txt?"),
        "{plain}"
    );
    // A Companion part URL for an upload the service started.
    let companion = state.settings.companion.as_ref().unwrap();
    let key = "uploads/x.bin";
    let upload_id = state.upload_ids.bind(&companion.bucket, key, "STORAGE-ID");
    let (status, answer) = get(
        &state,
        &format!("/s3/multipart/{upload_id}/3?key=uploads%2Fx.bin"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let part = answer["url"].as_str().unwrap();
    assert!(
        part.starts_with(
            "https://myap-123456789012.s3-accesspoint.us-west-2.amazonaws.com/uploads/x.bin?"
        ) && part.contains("partNumber=3&uploadId=STORAGE-ID"),
        "{part}"
    );
    // No POST policy through an access point (botocore refuses it too).
    let (status, answer) = get(&state, "/s3/params?filename=a.txt&type=text/plain").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(
        answer.to_string().contains("not through access points"),
        "{answer}"
    );
}

#[test]
fn a_bad_arn_in_the_configuration_is_refused_naming_its_key() {
    let bad = "arn:aws:s3:us-west-2::accesspoint/myap";
    let error = parse(&config(
        &format!("region = \"us-west-2\"\nbucket = \"{bad}\""),
        "[]",
    ))
    .err()
    .unwrap();
    assert_eq!(error.key, "storage.bucket", "{error}");
    assert!(error.reason.contains("account"), "{error}");
    let error = parse(&config(
        "region = \"us-west-2\"\nbucket = \"uploads\"",
        &format!("[\"uploads\", \"{bad}\"]"),
    ))
    .err()
    .unwrap();
    assert_eq!(error.key, "clients[0].buckets[1]", "{error}");
    assert!(error.reason.contains(bad), "{error}");
    assert!(!error.to_string().contains(SECRET_KEY));
}

#[test]
fn a_profile_asking_for_sigv2_is_refused_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config");
    std::fs::write(&file, "[default]\ns3 =\n  signature_version = s3\n").unwrap();
    let file = file.display().to_string();
    let env = Environment::from_vars(
        [
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
            ("AWS_CONFIG_FILE", file.as_str()),
        ],
        None,
    );
    let text = config("region = \"us-west-2\"\nbucket = \"uploads\"", "[]");
    let error = Settings::parse("serve.toml".as_ref(), &text, &env)
        .err()
        .unwrap();
    assert_eq!(error.key, "storage.profile", "{error}");
    assert!(
        error.reason.contains("s3.signature_version = s3"),
        "{error}"
    );
    assert!(error.reason.contains("SigV4 only"), "{error}");
}

#[tokio::test]
async fn dualstack_and_fips_make_their_hosts() {
    for (settings, host) in [
        (
            "dualstack = true",
            "https://uploads.s3.dualstack.us-west-2.amazonaws.com/app/k?",
        ),
        (
            "dualstack = true\nfips = true",
            "https://uploads.s3-fips.dualstack.us-west-2.amazonaws.com/app/k?",
        ),
    ] {
        let state = state(&config(
            &format!("region = \"us-west-2\"\nbucket = \"uploads\"\n{settings}"),
            "[]",
        ));
        let url = presign_url(&state, &json!({"method": "GET", "key": "app/k"})).await;
        assert!(url.starts_with(host), "{settings}: {url}");
    }
    let error = parse(&config(
        "region = \"us-west-2\"\nbucket = \"a.dotted.bucket\"\naccelerate = true",
        "[]",
    ))
    .err()
    .unwrap();
    assert_eq!(error.key, "storage.bucket", "{error}");
    assert!(error.reason.contains("accelerate"), "{error}");
}

/// A loopback S3 Express endpoint: `GET /BUCKET?session` answers a session
/// (`ASIASESSION<n>`, token `session-token-<n>`) that expires two minutes
/// from now; `POST /BUCKET/KEY?uploads` starts an upload. It records each
/// request's line.
struct ExpressStub {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    /// The `Expiration` of each session it answered, in Unix seconds.
    session_ends: Arc<Mutex<Vec<u64>>>,
}

impl ExpressStub {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let session_ends = Arc::new(Mutex::new(Vec::new()));
        let ends = Arc::clone(&session_ends);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut length = 0;
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).unwrap();
                    if header.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let target = line.split(' ').nth(1).unwrap_or_default().to_owned();
                let n = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(line.trim().to_owned());
                    seen.len()
                };
                let answer = if target.ends_with("?session") {
                    let end = SystemTime::now() + Duration::from_secs(120);
                    let expires = jiff::Timestamp::try_from(end)
                        .unwrap()
                        .strftime("%Y-%m-%dT%H:%M:%SZ")
                        .to_string();
                    let end = end.duration_since(SystemTime::UNIX_EPOCH).unwrap();
                    ends.lock().unwrap().push(end.as_secs());
                    format!(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateSessionResult \
                         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Credentials>\
                         <SessionToken>session-token-{n}</SessionToken>\
                         <SecretAccessKey>session-secret-{n}</SecretAccessKey>\
                         <AccessKeyId>ASIASESSION{n}</AccessKeyId>\
                         <Expiration>{expires}</Expiration></Credentials></CreateSessionResult>"
                    )
                } else {
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult>\
                     <Bucket>b</Bucket><Key>k</Key><UploadId>EXPRESS-UPLOAD</UploadId>\
                     </InitiateMultipartUploadResult>"
                        .to_owned()
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        Self {
            url,
            requests,
            session_ends,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// The value of query parameter `name` in `url`.
fn query_value<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_express_bucket_is_signed_with_its_session_until_the_session_ends() {
    let stub = ExpressStub::start();
    let state = state(&config(
        &format!(
            "endpoint_url = \"{}\"\nregion = \"us-west-2\"\nbucket = \"{EXPRESS}\"",
            stub.url
        ),
        "[]",
    ));
    let (status, answer) = post(
        &state,
        "/v1/presign",
        &json!({"method": "GET", "key": "app/a.txt", "expires_in": 900}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let url = answer["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/{EXPRESS}/app/a.txt?", stub.url)),
        "{url}"
    );
    let credential = query_value(url, "X-Amz-Credential").unwrap();
    assert!(
        credential.starts_with("ASIASESSION1%2F")
            && credential.ends_with("%2Fus-west-2%2Fs3express%2Faws4_request"),
        "{url}"
    );
    assert_eq!(
        query_value(url, "X-Amz-S3session-Token"),
        Some("session-token-1")
    );
    assert_eq!(query_value(url, "X-Amz-Security-Token"), None);
    // 900 s asked, the session has two minutes: the URL ends when the
    // session does, counted from X-Amz-Date (whole seconds, so X-Amz-Expires
    // is 121 when the session began in the second after the signing time).
    let session_end = stub.session_ends.lock().unwrap()[0];
    let signed = presign::PresignedUrl::parse(url).unwrap();
    assert_eq!(signed.expires_at_unix(), session_end, "{url}");
    assert!((100..=121).contains(&signed.expires_in()), "{url}");
    let expires_at: SystemTime = answer["expires_at"]
        .as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .unwrap()
        .into();
    assert_eq!(
        expires_at,
        SystemTime::UNIX_EPOCH + Duration::from_secs(session_end),
        "{answer}"
    );
    assert_eq!(
        stub.requests(),
        [format!("GET /{EXPRESS}?session HTTP/1.1")]
    );

    // The session is kept: a batch and a multipart upload (created with the
    // session too) call CreateSession no more.
    let (status, answer) = post(
        &state,
        "/v1/presign/batch",
        &json!({"method": "GET", "keys": ["app/b.txt", "app/c.txt"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(
        answer
            .to_string()
            .contains("X-Amz-S3session-Token=session-token-1"),
        "{answer}"
    );
    let (status, answer) = post(
        &state,
        "/s3/multipart",
        &json!({"filename": "v.bin", "type": "application/octet-stream"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let requests = stub.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests[1].starts_with(&format!("POST /{EXPRESS}/"))
            && requests[1].contains("?uploads=&X-Amz-Algorithm")
            && requests[1].contains("X-Amz-S3session-Token=session-token-1"),
        "{requests:?}"
    );
    let key = answer["key"].as_str().unwrap();
    let upload_id = answer["uploadId"].as_str().unwrap();
    let (status, part) = get(
        &state,
        &format!(
            "/s3/multipart/{upload_id}/1?key={}",
            key.replace('/', "%2F")
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{part}");
    let part = part["url"].as_str().unwrap();
    assert_eq!(
        query_value(part, "X-Amz-S3session-Token"),
        Some("session-token-1"),
        "{part}"
    );
    assert_eq!(stub.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_session_that_fails_is_a_502_naming_the_bucket() {
    // Nothing listens on port 9 of the loopback.
    let state = state(&config(
        &format!(
            "endpoint_url = \"http://127.0.0.1:9\"\nregion = \"us-west-2\"\nbucket = \"{EXPRESS}\""
        ),
        "[]",
    ));
    let (status, answer) = post(
        &state,
        "/v1/presign",
        &json!({"method": "GET", "key": "app/a.txt"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{answer}");
    let text = answer.to_string();
    assert!(
        text.contains("CreateSession") && text.contains(EXPRESS),
        "{text}"
    );
    assert!(!text.contains(SECRET_KEY));
}
