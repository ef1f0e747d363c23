//! Helpers of the credential_process, container and IMDS tests: a loopback
//! HTTP/1.1 stub, the chain resolved from a clean environment, and
//! botocore run on the same environment as the oracle.
// Test helpers: panicking is how they fail a test; each test file uses a
// part of them; cargo also builds this file as a test target of its own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::must_use_candidate,
    clippy::missing_panics_doc,
    clippy::new_without_default,
    dead_code,
    unreachable_pub
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime};

use presign_config::{
    CredentialSource, Environment, Overrides, ResolvedCredentials, TransportOverrides, resolve,
    resolve_transport,
};
use presign_credentials::{CredentialsError, Fetcher};

/// A request the stub received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Names lowercased, values as sent.
    pub headers: Vec<(String, String)>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// What the stub does with a request.
#[derive(Debug)]
pub enum Reply {
    /// An answer with this status and body.
    Answer(u16, Vec<u8>),
    /// Nothing: the connection stays open, silent, for a while.
    Silent,
}

impl Reply {
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::Answer(status, value.to_string().into_bytes())
    }
    pub fn text(status: u16, text: &str) -> Self {
        Self::Answer(status, text.as_bytes().to_vec())
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

/// An HTTP/1.1 server on 127.0.0.1 answering each request (one per
/// connection) with what the handler says.
#[derive(Debug)]
pub struct Stub {
    pub base: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Stub {
    pub fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = Arc::clone(&requests);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = Arc::clone(&handler);
                let recorded = Arc::clone(&recorded);
                thread::spawn(move || serve(stream, &*handler, &recorded));
            }
        });
        Self { base, requests }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, handler: &Handler, recorded: &Mutex<Vec<Recorded>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.trim_end_matches(['\r', '\n']).split_once(':') {
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let request = Recorded {
        method,
        path,
        headers,
    };
    if let Some(length) = request.header("content-length") {
        let mut body = vec![0; length.parse().unwrap_or(0)];
        let _ = reader.read_exact(&mut body);
    }
    recorded.lock().unwrap().push(request.clone());
    let mut stream = stream;
    match handler(&request) {
        Reply::Silent => thread::sleep(Duration::from_secs(20)),
        Reply::Answer(status, body) => {
            let head = format!(
                "HTTP/1.1 {status} Stub\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
        }
    }
}

/// A temporary home with an empty `.aws`, and the variables both presign
/// and botocore are given: the shared files inside it, IMDS off unless a
/// test turns it on.
#[derive(Debug)]
pub struct Home {
    pub dir: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
}

impl Home {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        let path = |name: &str| dir.path().join(".aws").join(name).display().to_string();
        let vars = vec![
            ("AWS_CONFIG_FILE".to_owned(), path("config")),
            (
                "AWS_SHARED_CREDENTIALS_FILE".to_owned(),
                path("credentials"),
            ),
            ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
        ];
        Self { dir, vars }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Sets (or replaces) a variable.
    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        self.vars.retain(|(key, _)| key != name);
        self.vars.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn remove(&mut self, name: &str) -> &mut Self {
        self.vars.retain(|(key, _)| key != name);
        self
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.path().join(".aws").join("config"), text).unwrap();
    }

    pub fn env(&self) -> Environment {
        Environment::from_vars(
            self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            Some(self.path().to_path_buf()),
        )
    }

    /// The source the chain picks.
    pub fn plan(&self) -> CredentialSource {
        resolve(&Overrides::default(), &self.env())
            .unwrap()
            .credentials
    }

    /// The chain's credentials, fetched once.
    pub fn fetch(&self) -> Result<ResolvedCredentials, CredentialsError> {
        let source = resolve(&Overrides::default(), &self.env())?.credentials;
        fetcher(&self.env()).fetch(&source, SystemTime::now())
    }
}

pub fn fetcher(env: &Environment) -> Fetcher {
    Fetcher::new(resolve_transport(&TransportOverrides::default(), env).unwrap())
}

/// The interpreter with botocore, or `None` (after saying so loudly) when
/// the oracle is skipped; under CI (`CI` set) a missing `PRESIGN_PYTHON`
/// fails the test. As in presign-cli's differential test.
pub fn python_or_skip() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("PRESIGN_PYTHON").filter(|value| !value.is_empty()) {
        return Some(PathBuf::from(python));
    }
    let how = "run `bash scripts/setup-python.sh` (it creates .tools/venv with the pinned \
               botocore and prints its python on the last line), then \
               `PRESIGN_PYTHON=\"$(bash scripts/setup-python.sh | tail -n 1)\" cargo test -p \
               presign-credentials`";
    assert!(
        std::env::var_os("CI").is_none_or(|value| value.is_empty()),
        "PRESIGN_PYTHON is not set, so presign cannot be compared with botocore: {how}"
    );
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: botocore oracle (PRESIGN_PYTHON is not set).\n\
         To run it: {how}\n\
         (Under CI, with CI set, a missing PRESIGN_PYTHON fails this test.)\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    None
}

const BOTOCORE_CHAIN: &str = r#"
import json
import botocore.session
try:
    credentials = botocore.session.Session().get_credentials()
    if credentials is None:
        print(json.dumps({"error": "NoCredentials", "message": ""}))
    else:
        frozen = credentials.get_frozen_credentials()
        print(json.dumps({"access_key": frozen.access_key, "secret_key": frozen.secret_key,
                          "token": frozen.token, "method": credentials.method}))
except Exception as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
"#;

/// What botocore's credential chain gives in `home`'s environment: either
/// `{"access_key", "secret_key", "token", "method"}` or `{"error",
/// "message"}`.
pub fn botocore_chain(python: &Path, home: &Home) -> serde_json::Value {
    let output = Command::new(python)
        .args(["-c", BOTOCORE_CHAIN])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .envs(home.vars.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "botocore: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// presign's credentials equal botocore's, key, secret and token.
pub fn assert_same_as_botocore(ours: &ResolvedCredentials, botocore: &serde_json::Value) {
    assert_eq!(botocore.get("error"), None, "botocore refused: {botocore}");
    assert_eq!(ours.access_key_id, botocore["access_key"].as_str().unwrap());
    assert_eq!(
        ours.secret_access_key.as_str(),
        botocore["secret_key"].as_str().unwrap()
    );
    assert_eq!(
        ours.session_token.as_deref().map(String::as_str),
        botocore["token"].as_str()
    );
}

/// A secret-looking answer: the credentials a stub hands out.
pub fn answer(access_key: &str, token_key: &str) -> serde_json::Value {
    serde_json::json!({
        "AccessKeyId": access_key,
        "SecretAccessKey": format!("secret-of-{access_key}"),
        token_key: format!("token-of-{access_key}"),
        "Expiration": "2099-12-06T16:04:00Z",
    })
}
