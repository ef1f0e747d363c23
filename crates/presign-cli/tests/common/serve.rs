//! `presign serve` as a child process on a free port, for the tests that
//! need the real binary: its answers, its logs (stderr) and its audit log
//! (stdout) captured as they come.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The hex SHA-256 of `text`, as a client's `token_sha256`.
pub(crate) fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// A running `presign serve`; killed on drop.
pub(crate) struct Serve {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
    pub(crate) stdout: Arc<Mutex<String>>,
    pub(crate) stderr: Arc<Mutex<String>>,
    pub(crate) dir: tempfile::TempDir,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Collects the lines of `stream` into `into` as they come.
pub(crate) fn pump(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut text = into.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
}

/// Waits until the service `child` logs that it listens (20 s at most,
/// failing if it exits first): its address, and its stderr, collected.
pub(crate) fn listening(child: &mut Child) -> (SocketAddr, Arc<Mutex<String>>) {
    let stderr = Arc::new(Mutex::new(String::new()));
    pump(child.stderr.take().unwrap(), Arc::clone(&stderr));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = stderr.lock().unwrap().clone();
        if let Some(line) = text
            .lines()
            .find(|line| line.contains("presign serve listening"))
        {
            let log: serde_json::Value = serde_json::from_str(line).unwrap();
            return (log["address"].as_str().unwrap().parse().unwrap(), stderr);
        }
        assert!(
            Instant::now() < deadline,
            "the service did not start: {text}"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the service exited: {text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Serve {
    /// `presign serve` with the config `text` and only the environment
    /// variables `vars` (plus `PATH`, a private `HOME` and debug logs);
    /// returns once it listens.
    pub(crate) fn launch(text: &str, vars: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("serve.toml");
        std::fs::write(&path, text).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_presign"))
            .args(["serve", "--config"])
            .arg(&path)
            .args(["--listen", "127.0.0.1:0"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .envs(vars.iter().copied())
            .env("PRESIGN_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = Arc::new(Mutex::new(String::new()));
        pump(child.stdout.take().unwrap(), Arc::clone(&stdout));
        let (addr, stderr) = listening(&mut child);
        Self {
            child,
            addr,
            stdout,
            stderr,
            dir,
        }
    }

    /// Sends `raw` (a whole HTTP/1.1 request) and reads the answer to the end.
    pub(crate) fn exchange(&self, raw: &str) -> String {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> String {
        let mut raw = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-length: {}\r\n",
            self.addr,
            body.len()
        );
        for (name, value) in headers {
            let _ = write!(raw, "{name}: {value}\r\n");
        }
        raw.push_str("\r\n");
        raw.push_str(body);
        self.exchange(&raw)
    }

    pub(crate) fn terminate(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the pumps read what is left.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the service did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The status code of a whole HTTP answer (0 when there is none).
pub(crate) fn status_of(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// The body of a whole HTTP answer (`connection: close`, not chunked).
pub(crate) fn body_of(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}
