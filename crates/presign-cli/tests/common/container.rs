//! A container credentials endpoint (ECS task roles, EKS Pod Identity) on
//! a loopback port, handing out keys that expire in seconds, for the tests
//! of refresh: `AWS_CONTAINER_CREDENTIALS_FULL_URI` is [`CredentialsStub::url`]
//! and `AWS_CONTAINER_AUTHORIZATION_TOKEN` is [`AUTHORIZATION`].

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presign::{Credentials, Method, PresignedUrl, VerifyPolicy, verify};

/// The agent's token the stub requires.
pub(crate) const AUTHORIZATION: &str = "container-agent-token-9d3f";

/// What the stub issued under one access key id.
#[derive(Clone)]
pub(crate) struct Issued {
    pub(crate) secret: String,
    pub(crate) token: String,
    pub(crate) expires_at: SystemTime,
}

/// The ECS/EKS container credentials endpoint as botocore's
/// `ContainerMetadataFetcher` reads it: `GET /creds` with the agent's
/// `Authorization`, answered with new keys that expire a lifetime later.
/// Taken down, its port refuses connections; brought back, it listens on
/// the same port and remembers every key it issued.
pub(crate) struct CredentialsStub {
    port: u16,
    lifetime: Duration,
    pub(crate) issued: Arc<Mutex<HashMap<String, Issued>>>,
    /// How many keys it issued.
    pub(crate) counter: Arc<AtomicU64>,
    running: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl CredentialsStub {
    pub(crate) fn start(lifetime: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut stub = Self {
            port: listener.local_addr().unwrap().port(),
            lifetime,
            issued: Arc::default(),
            counter: Arc::default(),
            running: None,
        };
        stub.serve(listener);
        stub
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}/creds", self.port)
    }

    pub(crate) fn up(&mut self) {
        self.serve(TcpListener::bind(("127.0.0.1", self.port)).unwrap());
    }

    pub(crate) fn down(&mut self) {
        let (stop, thread) = self.running.take().unwrap();
        stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port)); // wakes accept
        thread.join().unwrap();
    }

    /// The key issued last.
    pub(crate) fn latest(&self) -> (String, Issued) {
        let issued = self.issued.lock().unwrap();
        let (id, keys) = issued
            .iter()
            .max_by_key(|(_, keys)| keys.expires_at)
            .unwrap();
        (id.clone(), keys.clone())
    }

    fn serve(&mut self, listener: TcpListener) {
        let stop = Arc::new(AtomicBool::new(false));
        let (issued, counter, stopped, lifetime) = (
            Arc::clone(&self.issued),
            Arc::clone(&self.counter),
            Arc::clone(&stop),
            self.lifetime,
        );
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return; // drops the listener: the port refuses
                }
                let Ok(mut stream) = stream else { continue };
                let head = read_head(&mut stream);
                let (status, body) = if !head.starts_with("GET /creds HTTP/1.1\r\n") {
                    ("404 Not Found", r#"{"message":"not found"}"#.to_owned())
                } else if !head.contains(&format!("\r\nauthorization: {AUTHORIZATION}\r\n")) {
                    ("401 Unauthorized", r#"{"message":"bad token"}"#.to_owned())
                } else {
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    let expires = SystemTime::now() + lifetime;
                    let seconds = expires.duration_since(UNIX_EPOCH).unwrap().as_secs();
                    let (id, keys) = (
                        format!("ASIASTUBROTATION{n:04}"),
                        Issued {
                            secret: format!("stub/Secret+{n}/{}", seconds * 7919),
                            token: format!("StubSessionToken{n}x{seconds}"),
                            expires_at: UNIX_EPOCH + Duration::from_secs(seconds),
                        },
                    );
                    let body = serde_json::json!({
                        "AccessKeyId": id,
                        "SecretAccessKey": keys.secret,
                        "Token": keys.token,
                        "Expiration": jiff::Timestamp::from_second(seconds.try_into().unwrap()).unwrap().to_string(),
                        "RoleArn": "arn:aws:iam::123456789012:role/rotation",
                    });
                    issued.lock().unwrap().insert(id, keys);
                    ("200 OK", body.to_string())
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.shutdown(Shutdown::Write);
            }
        });
        self.running = Some((stop, thread));
    }
}

/// The request head, lowercased header names and all (ureq sends them so).
fn read_head(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let (line, rest) = text.split_once("\r\n").unwrap_or((&text, ""));
    format!("{line}\r\n{}", rest.to_ascii_lowercase())
}

/// Checks that the GET `url` was signed by keys in `issued` while they
/// worked, with their token and their secret: the URL read, its key id and
/// those keys.
pub(crate) fn check_signed_by(
    issued: &HashMap<String, Issued>,
    url: &str,
) -> (PresignedUrl, String, Issued) {
    let parsed = PresignedUrl::parse(url).unwrap();
    let id = parsed.access_key_id().to_owned();
    let keys = issued
        .get(&id)
        .unwrap_or_else(|| panic!("{id} was never issued"))
        .clone();
    assert_eq!(
        super::query_param(url, "X-Amz-Security-Token"),
        Some(keys.token.as_str())
    );
    let signed_at = parsed.signed_at().to_system_time();
    assert!(
        signed_at < keys.expires_at,
        "{url} signed with expired keys"
    );
    let lookup = |asked: &str| {
        (asked == id).then(|| Credentials::new(&id, &keys.secret).with_session_token(&keys.token))
    };
    verify(
        url,
        Method::Get,
        &[],
        lookup,
        signed_at,
        &VerifyPolicy::default(),
    )
    .unwrap_or_else(|error| panic!("{url} does not verify: {error}"));
    (parsed, id, keys)
}
