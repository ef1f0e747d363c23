//! Shared by the service's tests: a configuration with two clients whose
//! prefixes nest by name (`user1`, `user10`), the service in-process, and
//! requests with their answers.
#![allow(dead_code, unreachable_pub)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use presign_config::Environment;
use presign_serve::{AppState, Settings, router};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

pub const ACCESS_KEY: &str = "AKIDSERVETEST";
pub const SECRET_KEY: &str = "serve/secret+KEY/never-shown-0123456789";
pub const TOKEN_USER1: &str = "tok-user1-6a1f0c5e9b";
pub const TOKEN_USER10: &str = "tok-user10-02d9e77c41";

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

pub fn env() -> Environment {
    Environment::from_vars(
        [
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ],
        None,
    )
}

/// The test configuration; `endpoint` is the storage endpoint and `extra`
/// goes at the top level.
pub fn config_text(endpoint: &str, audit: &Path, extra: &str) -> String {
    format!(
        r#"
audit_log = "{audit}"
{extra}

[storage]
endpoint_url = "{endpoint}"
region = "us-east-1"
bucket = "uploads"
addressing_style = "path"

[companion]
cors_origins = ["https://app.example.com"]
max_size = 10485760
content_types = ["image/*", "text/plain"]

[[clients]]
name = "user1"
token_sha256 = "{user1}"
buckets = ["uploads", "archive"]
methods = ["GET", "PUT", "POST", "DELETE"]
max_expires_in = 900
content_types = ["image/*", "text/plain"]
max_size = 1048576

[[clients]]
name = "user10"
token_sha256 = "{user10}"
methods = ["GET"]
"#,
        audit = audit.display(),
        user1 = sha256_hex(TOKEN_USER1),
        user10 = sha256_hex(TOKEN_USER10),
    )
}

pub struct Service {
    pub dir: tempfile::TempDir,
    pub state: AppState,
}

impl Service {
    pub fn new() -> Self {
        Self::with("http://127.0.0.1:9", "")
    }

    pub fn with(endpoint: &str, extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let audit = dir.path().join("audit.jsonl");
        let file = dir.path().join("serve.toml");
        let text = config_text(endpoint, &audit, extra);
        let settings = Settings::parse(&file, &text, &env()).unwrap();
        let state = AppState::new(settings).unwrap();
        Self { dir, state }
    }

    pub fn audit_path(&self) -> PathBuf {
        self.dir.path().join("audit.jsonl")
    }

    pub fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(self.audit_path())
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    pub async fn send(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, String::from_utf8(body.to_vec()).unwrap())
    }

    /// POST `body` as JSON to `path` with `token` (if any).
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let mut request = Request::post(path).header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let (status, _, text) = self
            .send(request.body(Body::from(body.to_string())).unwrap())
            .await;
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }
}
