//! `presign serve` as a process under resource attacks of issue 20 that
//! only the binary shows: the open-file limit it starts with, an audit log
//! into a pipe nobody reads, and SIGTERM while a storage call hangs.
//! `docs/security.md` is the threat model.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::serve::{listening, sha256_hex};

const TOKEN: &str = "bearer-token-resources-7e2d";

/// A configuration with storage at `endpoint`, Companion routes and the
/// client `app`, plus `top` keys.
fn config(top: &str, endpoint: &str) -> String {
    format!(
        r#"{top}
[storage]
endpoint_url = "{endpoint}"
bucket = "uploads"
region = "us-east-1"
addressing_style = "path"

[companion]
cors_origins = ["*"]

[[clients]]
name = "app"
token_sha256 = "{}"
methods = ["GET", "PUT"]
"#,
        sha256_hex(TOKEN)
    )
}

/// The running binary. Its stdout is held and never read (unless a test
/// takes it); its stderr (JSON logs) is collected.
struct Serve {
    child: Child,
    addr: SocketAddr,
    stdout: Option<ChildStdout>,
    stderr: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// `presign serve` with the config `text`, started by `sh` after
    /// `shell` (e.g. `ulimit -Sn 256`).
    fn start(text: &str, shell: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("serve.toml");
        std::fs::write(&path, text).unwrap();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "{shell}\nexec \"$0\" serve --config \"$1\" --listen 127.0.0.1:0"
            ))
            .arg(env!("CARGO_BIN_EXE_presign"))
            .arg(&path)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("AWS_ACCESS_KEY_ID", "AKIDRESOURCES")
            .env("AWS_SECRET_ACCESS_KEY", "resources/SECRET/key/0123456789")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take();
        let (addr, stderr) = listening(&mut child);
        Self {
            child,
            addr,
            stdout,
            stderr,
            _dir: dir,
        }
    }

    /// The start-up log line.
    fn listening(&self) -> serde_json::Value {
        let text = self.stderr.lock().unwrap().clone();
        let line = text
            .lines()
            .find(|line| line.contains("presign serve listening"))
            .unwrap();
        serde_json::from_str(line).unwrap()
    }

    /// Sends SIGTERM; how long the process took to exit (at most `limit`,
    /// then it is killed and `None`).
    fn terminate(&mut self, limit: Duration) -> Option<Duration> {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.child.try_wait().unwrap().is_some() {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// Sends a whole HTTP/1.1 request on its own connection and reads the
/// answer's status (0: no answer within `wait`).
fn request(addr: SocketAddr, raw: &str, wait: Duration) -> u16 {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return 0;
    };
    stream.set_read_timeout(Some(wait)).unwrap();
    if stream.write_all(raw.as_bytes()).is_err() {
        return 0;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

fn post(addr: SocketAddr, path: &str, headers: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-type: application/json\r\n{headers}content-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The soft and hard "Max open files" of process `pid`.
fn open_file_limits(pid: u32) -> (String, String) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = text
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    (fields[3].to_owned(), fields[4].to_owned())
}

/// Finding 7 (the binary's part): started under a low soft limit on open
/// files (1024 is common), the service raises it to the hard limit before
/// it serves, so connections are capped by max_connections, not by EMFILE.
#[test]
fn finding_07_the_open_file_soft_limit_is_raised_at_start() {
    let mut serve = Serve::start(&config("", "http://127.0.0.1:9"), "ulimit -Sn 256");
    let (soft, hard) = open_file_limits(serve.child.id());
    assert_eq!(soft, hard, "the soft open-file limit is still {soft}");
    // The derived max_connections leaves room under that limit.
    let started = serve.listening();
    let max_connections = started["max_connections"].as_u64().unwrap();
    let open_files = started["open_files"].as_u64().unwrap();
    assert!(max_connections >= 16 && max_connections < open_files);
    assert!(serve.terminate(Duration::from_secs(10)).is_some());
}

/// Finding 8 (the binary's part): `audit_log = "stdout"` into a pipe
/// nobody reads used to block the workers on their first full write, and
/// then SIGTERM went unanswered. Now every request is answered (URLs while
/// the queue has room, then 503: the default audit_overflow = "refuse"),
/// and SIGTERM stops the process within shutdown_timeout.
#[test]
fn finding_08_an_unread_stdout_audit_log_neither_blocks_requests_nor_sigterm() {
    let mut serve = Serve::start(
        &config(
            "audit_log = \"stdout\"\naudit_queue = 8\nshutdown_timeout = 2",
            "http://127.0.0.1:9",
        ),
        "",
    );
    let auth = format!("authorization: Bearer {TOKEN}\r\n");
    let mut statuses = Vec::new();
    // 1 KB lines: the 64 KB pipe is full after some 60 requests.
    for i in 0..200 {
        let body = format!(
            r#"{{"method":"GET","key":"app/{i:05}-{}"}}"#,
            "k".repeat(900)
        );
        let status = request(
            serve.addr,
            &post(serve.addr, "/v1/presign", &auth, &body),
            Duration::from_secs(3),
        );
        statuses.push(status);
        if status == 0 {
            break;
        }
    }
    assert!(
        statuses
            .iter()
            .all(|status| *status == 200 || *status == 503),
        "requests went unanswered once the audit pipe was full: {statuses:?}"
    );
    assert!(statuses.contains(&503), "{statuses:?}");
    let took = serve.terminate(Duration::from_secs(20));
    assert!(
        took.is_some_and(|took| took < Duration::from_secs(4)),
        "SIGTERM with shutdown_timeout = 2 took {took:?}"
    );
    drop(serve.stdout.take());
}

/// Finding 10: SIGTERM while a storage call hangs used to wait for that
/// call (the runtime waited for its blocking pool) long past
/// shutdown_timeout. Now the process exits within shutdown_timeout and a
/// little more.
#[test]
fn finding_10_sigterm_exits_within_shutdown_timeout_while_storage_hangs() {
    // Storage that accepts and never answers.
    let stub = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", stub.local_addr().unwrap());
    let held = Arc::new(Mutex::new(Vec::new()));
    let holder = Arc::clone(&held);
    std::thread::spawn(move || {
        for stream in stub.incoming().map_while(Result::ok) {
            holder.lock().unwrap().push(stream);
        }
    });
    let mut serve = Serve::start(
        &config("shutdown_timeout = 2\n", &endpoint).replace(
            "addressing_style = \"path\"",
            "addressing_style = \"path\"\ntimeout = 40",
        ),
        "",
    );
    let addr = serve.addr;
    let create = post(
        addr,
        "/s3/multipart",
        "origin: https://app.example.com\r\n",
        r#"{"filename":"a.bin","type":"application/octet-stream"}"#,
    );
    std::thread::spawn(move || request(addr, &create, Duration::from_secs(60)));
    let deadline = Instant::now() + Duration::from_secs(10);
    while held.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the storage call never came");
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = serve.terminate(Duration::from_secs(60));
    assert!(
        took.is_some_and(|took| took < Duration::from_secs(4)),
        "SIGTERM with shutdown_timeout = 2 and a hung storage call took {took:?}"
    );
}

/// The resident memory of process `pid`, in KiB.
fn resident_kib(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap()
}

/// Finding 26: hyper kept up to about 400 KB of an unfinished request head
/// per connection until `header_timeout`, so the memory an anonymous client
/// made the service hold was that times `max_connections` (the open-file
/// limit by default: 8 GB at 20,000). Now a head over 64 KiB is answered
/// 431 at once and its buffer freed. The attack: 150 connections each
/// sending 380 KB of a head that never ends.
#[test]
fn finding_26_an_endless_request_head_holds_at_most_64_kib() {
    let mut serve = Serve::start(&config("", "http://127.0.0.1:9"), "");
    let addr = serve.addr;
    let pid = serve.child.id();
    let health = format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    assert_eq!(request(addr, &health, Duration::from_secs(5)), 200);
    let before = resident_kib(pid);
    let pad = format!("x-pad: {}\r\n", "a".repeat(1000));
    let head = format!(
        "GET /healthz HTTP/1.1\r\nhost: {addr}\r\n{}",
        pad.repeat(380)
    );
    let mut streams = Vec::new();
    for _ in 0..150 {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        // Refused part-way once the limit holds: the rest is not taken.
        let _ = stream.write_all(head.as_bytes());
        streams.push(stream);
    }
    std::thread::sleep(Duration::from_millis(500));
    let grown_mib = resident_kib(pid).saturating_sub(before) / 1024;
    // The first connection's answer: 431, not a wait for the rest.
    let mut answer = [0u8; 64];
    streams[0]
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let read = streams[0].read(&mut answer).unwrap_or(0);
    let status = String::from_utf8_lossy(&answer[..read]).to_string();
    drop(streams);
    assert!(
        grown_mib < 24,
        "150 unfinished heads grew the service by {grown_mib} MiB"
    );
    assert!(status.starts_with("HTTP/1.1 431"), "{status:?}");
    assert!(serve.terminate(Duration::from_secs(10)).is_some());
}
