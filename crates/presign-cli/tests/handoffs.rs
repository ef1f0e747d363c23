//! Where one part of presign hands work to another, as users chain them:
//! `presign serve` issues URLs and plans, the `presign` command uses them,
//! against a real storage server (SeaweedFS of `PRESIGN_INTEROP_SERVERS`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::servers::{Server, servers};
use serde_json::{Value, json};

const TOKEN: &str = "handoff-token-2c7e91";

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// SeaweedFS, or `None` outside CI without the interop servers.
fn seaweedfs() -> Option<Server> {
    servers()?
        .into_iter()
        .find(|server| server.name == "seaweedfs")
}

/// `presign serve` in front of `server`, with one client `app` whose
/// policy holds `client` (TOML keys); killed when dropped.
struct Serve {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(server: &Server, client: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("serve.toml");
        std::fs::write(
            &config,
            format!(
                "audit_log = \"off\"\n[storage]\nendpoint_url = {:?}\nregion = \"us-east-1\"\n\
                 bucket = {:?}\naddressing_style = \"path\"\n\
                 [[clients]]\nname = \"app\"\ntoken_sha256 = \"{}\"\nkey_prefix = \"\"\n{client}\n",
                server.endpoint,
                server.bucket,
                sha256_hex(TOKEN)
            ),
        )
        .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_presign"))
            .args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(&config)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("AWS_ACCESS_KEY_ID", &server.access_key)
            .env("AWS_SECRET_ACCESS_KEY", &server.secret_key)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (found, address) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("presign serve listening") {
                    let log: Value = serde_json::from_str(&line).unwrap();
                    let _ = found.send(log["address"].as_str().unwrap().parse().unwrap());
                }
            }
        });
        let addr = address
            .recv_timeout(Duration::from_secs(20))
            .expect("presign serve did not start");
        Self {
            child,
            addr,
            _dir: dir,
        }
    }

    /// `POST path` with `body` as the client `app`: the JSON answer.
    fn post(&self, path: &str, body: &Value) -> Value {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut response = agent
            .post(format!("http://{}{path}", self.addr))
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "application/json")
            .send(body.to_string())
            .unwrap();
        let text = response.body_mut().read_to_string().unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}: {text}");
        serde_json::from_str(&text).unwrap()
    }
}

/// `presign ARGS` with no AWS settings of this machine: exit code, stdout,
/// stderr.
fn presign(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_presign"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn unique_key(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("handoffs/{nanos}-{name}")
}

/// Issue 23, item 1: a PUT URL that signs `content-length` (what serve
/// issues to a client with `max_size`) is used by `presign upload` with the
/// file's length; a `--header` length that differs from the file is refused
/// before anything is sent, naming both numbers.
#[test]
fn upload_sends_the_file_length_a_serve_url_signs() {
    let Some(server) = seaweedfs() else { return };
    let serve = Serve::start(
        &server,
        "methods = [\"GET\", \"PUT\"]\nmax_size = 1048576\ncontent_types = [\"text/plain\"]",
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("note.txt");
    let bytes = b"uploaded through a URL presign serve issued\n";
    std::fs::write(&file, bytes).unwrap();
    let key = unique_key("note.txt");
    let length = bytes.len().to_string();
    let issued = serve.post(
        "/v1/presign",
        &json!({"method": "PUT", "key": key,
                "headers": {"content-type": "text/plain", "content-length": length}}),
    );
    let url = issued["url"].as_str().unwrap();
    assert!(
        url.contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"),
        "{url}"
    );
    let file_arg = file.to_str().unwrap();

    // A --header length other than the file's: refused, nothing sent.
    let (code, _, stderr) = presign(&[
        "upload",
        url,
        file_arg,
        "--content-type",
        "text/plain",
        "-H",
        "content-length: 7",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("the file is {length} bytes"))
            && stderr.contains("content-length 7"),
        "{stderr}"
    );
    let get = serve.post("/v1/presign", &json!({"method": "GET", "key": key}));
    let (code, _, stderr) = presign(&["send", "-X", "HEAD", get["url"].as_str().unwrap()]);
    assert_ne!(code, 0, "nothing may have been written: {stderr}");

    // Without the flag, and with the signed value itself: accepted.
    for extra in [&[][..], &["-H", &format!("content-length: {length}")][..]] {
        let mut args = vec!["upload", url, file_arg, "--content-type", "text/plain"];
        args.extend_from_slice(extra);
        let (code, _, stderr) = presign(&args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stderr.contains("retry"), "{stderr}");
    }
    let out = dir.path().join("back.txt");
    let (code, _, stderr) = presign(&[
        "download",
        get["url"].as_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
}

/// Issue 23, item 2: the service's `POST /v1/multipart` answer is a plan
/// `presign upload --plan` reads as it is (one format, the core's). The
/// service completes uploads itself, so the command uploads the parts (each
/// URL signs its length) and prints the body of `/v1/multipart/complete`.
#[test]
fn upload_takes_the_services_multipart_answer_as_its_plan() {
    let Some(server) = seaweedfs() else { return };
    let serve = Serve::start(
        &server,
        "methods = [\"GET\", \"PUT\"]\nmax_size = 104857600",
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.bin");
    let bytes: Vec<u8> = (0..(6 << 20) + 12_345)
        .map(|i: usize| u8::try_from(i * 31 % 251).unwrap())
        .collect();
    std::fs::write(&file, &bytes).unwrap();
    let key = unique_key("big.bin");
    let answer = serve.post(
        "/v1/multipart",
        &json!({"key": key, "size": bytes.len(), "part_size": 5 << 20}),
    );
    assert_eq!(answer["format"], "presign-multipart-plan/1", "{answer}");
    let plan = dir.path().join("plan.json");
    std::fs::write(&plan, answer.to_string()).unwrap();
    let (code, stdout, stderr) = presign(&[
        "upload",
        "--plan",
        plan.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("/v1/multipart/complete"), "{stderr}");
    let completion: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        completion["parts"].as_array().unwrap().len(),
        2,
        "{completion}"
    );
    let done = serve.post("/v1/multipart/complete", &completion);
    assert_eq!(done["key"], key.as_str(), "{done}");
    let get = serve.post("/v1/presign", &json!({"method": "GET", "key": key}));
    let out = dir.path().join("back.bin");
    let (code, _, stderr) = presign(&[
        "download",
        get["url"].as_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        std::fs::read(&out).unwrap() == bytes,
        "the object differs from the file"
    );
}
