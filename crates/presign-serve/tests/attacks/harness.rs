//! What every attack needs: the interop servers of `PRESIGN_INTEROP_SERVERS`
//! (started by `scripts/test.sh`, or by hand with
//! `scripts/servers/start.sh NAME DIR`), a configuration for them, the real
//! service on a free loopback port, and requests sent as an attacker sends
//! them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use presign_serve::{Settings, launch};
use serde_json::Value;

/// The bearer token of the configuration's client `app`.
pub(crate) const TOKEN: &str = "attack-suite-token-5c1e9a";

/// One interop server: `ENDPOINT`, `ACCESS_KEY`, `SECRET_KEY`, `REGION`,
/// `BUCKET` (its `NAME.env` without the `PRESIGN_TEST_` prefix).
pub(crate) type Storage = HashMap<String, String>;

/// The interop server `name` (`seaweedfs`, `s3s-fs`, ...), or `None` outside
/// CI when `PRESIGN_INTEROP_SERVERS` is not set (under CI that is a failure).
pub(crate) fn storage(name: &str) -> Option<Storage> {
    let Ok(dir) = std::env::var("PRESIGN_INTEROP_SERVERS") else {
        assert!(
            std::env::var("CI").is_err(),
            "PRESIGN_INTEROP_SERVERS is not set: scripts/test.sh starts the servers"
        );
        eprintln!("skipped: PRESIGN_INTEROP_SERVERS is not set (see scripts/servers/start.sh)");
        return None;
    };
    let text = std::fs::read_to_string(format!("{dir}/{name}.env"))
        .unwrap_or_else(|error| panic!("{dir}/{name}.env: {error}"));
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

/// Lower-case hex SHA-256 of `text` (the service tests' own).
pub(crate) use crate::common::sha256_hex;

/// What goes into a configuration besides the storage section.
#[derive(Debug, Clone, Default)]
pub(crate) struct Config {
    /// Top-level keys (`max_connections = 8`, ...).
    pub(crate) top: String,
    /// Keys of `[storage]` besides endpoint, region, bucket and addressing.
    pub(crate) storage: String,
    /// Keys of `[companion]` besides `cors_origins`; `None`: no Companion
    /// routes.
    pub(crate) companion: Option<String>,
    /// Keys of the client `app` besides name and token (methods default to
    /// GET, PUT, POST, DELETE).
    pub(crate) client: String,
}

impl Config {
    /// Companion routes with `keys`, and the client `app` with defaults.
    pub(crate) fn companion(keys: &str) -> Self {
        Self {
            companion: Some(keys.to_owned()),
            ..Self::default()
        }
    }

    /// The client `app` with `keys`, no Companion routes.
    pub(crate) fn client(keys: &str) -> Self {
        Self {
            client: keys.to_owned(),
            ..Self::default()
        }
    }

    /// The TOML text for `storage`, with the audit log in `audit`.
    pub(crate) fn text(&self, storage: &Storage, audit: &std::path::Path) -> String {
        let companion = self.companion.as_ref().map_or_else(String::new, |keys| {
            format!("[companion]\ncors_origins = [\"https://app.example.com\"]\n{keys}\n")
        });
        let methods = if self.client.contains("methods") {
            ""
        } else {
            "methods = [\"GET\", \"PUT\", \"POST\", \"DELETE\"]\n"
        };
        format!(
            "audit_log = {audit:?}\n{top}\n\
             [storage]\nendpoint_url = {endpoint:?}\nregion = {region:?}\nbucket = {bucket:?}\n\
             addressing_style = \"path\"\ntimeout = 5\n{storage_keys}\n\
             {companion}\
             [[clients]]\nname = \"app\"\ntoken_sha256 = \"{token}\"\n{methods}{client}\n",
            audit = audit.display().to_string(),
            top = self.top,
            endpoint = storage["ENDPOINT"],
            region = storage["REGION"],
            bucket = storage["BUCKET"],
            storage_keys = self.storage,
            token = sha256_hex(TOKEN),
            client = self.client,
        )
    }
}

/// The storage credentials of `storage` as the service's environment.
pub(crate) fn environment(storage: &Storage) -> presign_config::Environment {
    presign_config::Environment::from_vars(
        [
            ("AWS_ACCESS_KEY_ID", storage["ACCESS_KEY"].as_str()),
            ("AWS_SECRET_ACCESS_KEY", storage["SECRET_KEY"].as_str()),
        ],
        None,
    )
}

/// The real service on a free loopback port, stopped when dropped.
pub(crate) struct Service {
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    /// Holds the configuration and the audit log.
    pub(crate) dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Service {
    /// Starts the service for `config` in front of `storage`.
    pub(crate) async fn start(storage: &Storage, config: &Config) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let audit = dir.path().join("audit.jsonl");
        let file = dir.path().join("serve.toml");
        let text = config.text(storage, &audit);
        std::fs::write(&file, &text).unwrap();
        let settings = Settings::parse(&file, &text, &environment(storage))
            .unwrap_or_else(|error| panic!("{error}\n{text}"));
        Self::launch(settings, dir).await
    }

    /// Starts the service with checked `settings`; `dir` is kept with it.
    pub(crate) async fn launch(settings: Settings, dir: tempfile::TempDir) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            launch(settings, listener, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self {
            addr,
            dir,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Asks it to stop and waits until `launch` returns.
    pub(crate) async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }

    /// The audit log's path.
    pub(crate) fn audit_path(&self) -> PathBuf {
        self.dir.path().join("audit.jsonl")
    }

    /// The audit log's lines, parsed.
    pub(crate) fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(self.audit_path())
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// `http://ADDR` + `path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An agent that answers every status (nothing is an error).
pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// An answer: status, headers and body (parsed as JSON when it is).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: ureq::http::HeaderMap,
    pub(crate) body: Value,
}

/// `method` `url` with `headers` and `body`, blocking (call it from
/// `spawn_blocking` or a plain thread).
pub(crate) fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answer {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = agent().run(request.body(body).unwrap()).unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .unwrap_or_default();
    Answer {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// A native API call as the client `app`: `method` `path` with a JSON body.
pub(crate) fn api(service: &Service, method: &str, path: &str, body: Option<&Value>) -> Answer {
    let auth = format!("Bearer {TOKEN}");
    let mut headers = vec![("authorization", auth.as_str())];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    send(
        method,
        &service.url(path),
        &headers,
        body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
    )
}

/// A Companion call as an anonymous browser from the configured origin.
pub(crate) fn browser(service: &Service, method: &str, path: &str, body: Option<&Value>) -> Answer {
    let mut headers = vec![("origin", "https://app.example.com")];
    if body.is_some() {
        headers.push(("content-type", "application/json"));
    }
    send(
        method,
        &service.url(path),
        &headers,
        body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
    )
}

/// Percent-encodes everything but unreserved characters (for a query).
pub(crate) fn urlencode(text: &str) -> String {
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

/// Posts a `multipart/form-data` form of `fields` and then `file` (named
/// `file`) to `url`, as a browser does with a POST policy.
pub(crate) fn post_form(url: &str, fields: &[(String, String)], file: &[u8]) -> Answer {
    let boundary = "----presign-attack-boundary-7d1c";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"f\"\r\ncontent-type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    send("POST", url, &[("content-type", &content_type)], body)
}

/// The fields of a POST policy answer (`fields`), in order.
pub(crate) fn fields(answer: &Value) -> Vec<(String, String)> {
    answer["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}
