//! `presign serve` as a process on a real port: every route with its
//! secrets checked in answers, logs and the audit log; slow clients cut off;
//! a graceful stop that lets a request in flight finish; a bad config.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::serve::{Serve, sha256_hex, status_of};

const ACCESS_KEY: &str = "AKIDSERVEPROCESS";
const SECRET_KEY: &str = "process/SECRET+key/0123456789abcdefXYZ";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzSESSIONTOKENprocess0123456789";
const TOKEN: &str = "bearer-token-user1-4b6f2a";

fn config(extra: &str) -> String {
    format!(
        r#"{extra}
[storage]
endpoint_url = "http://127.0.0.1:9"
bucket = "uploads"
region = ""

[companion]
cors_origins = ["*"]

[[clients]]
name = "user1"
token_sha256 = "{}"
methods = ["GET", "PUT", "POST"]
"#,
        sha256_hex(TOKEN)
    )
}

impl Serve {
    fn start(extra: &str) -> Self {
        Self::with_config(
            &config(extra),
            &[("AWS_SESSION_TOKEN", SESSION_TOKEN)],
            (ACCESS_KEY, SECRET_KEY),
        )
    }

    /// `presign serve` with the config `text`, the credentials and more
    /// environment variables.
    fn with_config(text: &str, vars: &[(&str, &str)], (key, secret): (&str, &str)) -> Self {
        let mut all = vec![
            ("AWS_ACCESS_KEY_ID", key),
            ("AWS_SECRET_ACCESS_KEY", secret),
        ];
        all.extend_from_slice(vars);
        Self::launch(text, &all)
    }
}

/// The signatures of the URLs and POST policies in `answers`.
fn signatures_in(answers: &[String]) -> Vec<String> {
    answers
        .iter()
        .flat_map(|answer| {
            answer
                .match_indices("X-Amz-Signature=")
                .map(|(at, _)| answer[at + 16..at + 80].to_owned())
                .chain(
                    answer
                        .match_indices("\"x-amz-signature\":\"")
                        .map(|(at, _)| answer[at + 19..at + 83].to_owned()),
                )
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every other route, and the error paths of the signing ones.
fn exercise_other_routes(serve: &Serve, auth: &str) -> Vec<String> {
    let json = ("content-type", "application/json");
    let with_token = [json, ("authorization", auth)];
    // Upload ids as the service answers them: bound to their key.
    let ids = presign_serve::UploadIds::new(SECRET_KEY.as_bytes());
    let (up, u) = (
        ids.bind("uploads", "k", "up-1"),
        ids.bind("uploads", "user1/m", "u"),
    );
    vec![
        serve.request(
            "POST",
            "/v1/presign",
            &[json, ("authorization", "Bearer wrong-token-value")],
            r#"{"method":"GET","key":"user1/a"}"#,
        ),
        serve.request(
            "POST",
            "/v1/presign",
            &with_token,
            r#"{"method":"GET","key":"user1/../x"}"#,
        ),
        serve.request(
            "POST",
            "/v1/presign",
            &with_token,
            r#"{"method":"GET","key":"user1/a","expires_in":999999}"#,
        ),
        serve.request("POST", "/v1/presign", &with_token, "{broken"),
        serve.request("POST", "/v1/post", &with_token, r#"{"key":"user2/a.txt"}"#),
        serve.request("GET", "/s3/params?type=text%2Fplain", &[], ""),
        serve.request("GET", "/healthz", &[], ""),
        serve.request("GET", "/metrics", &[], ""),
        serve.request("GET", "/openapi.json", &[], ""),
        serve.request("GET", "/", &[], ""),
        serve.request("GET", "/app.js", &[], ""),
        serve.request("GET", "/nowhere", &[("authorization", auth)], ""),
        serve.request("GET", "/v1/me", &with_token, ""),
        // The routes that call storage (down here: 502 with the reason).
        serve.request(
            "POST",
            "/s3/multipart",
            &[json],
            r#"{"filename":"a.bin","type":"text/plain"}"#,
        ),
        serve.request("GET", &format!("/s3/multipart/{up}?key=k"), &[], ""),
        serve.request("DELETE", &format!("/s3/multipart/{up}?key=k"), &[], ""),
        serve.request(
            "POST",
            &format!("/s3/multipart/{up}/complete?key=k"),
            &[json],
            r#"{"parts":[{"PartNumber":1,"ETag":"e"}]}"#,
        ),
        serve.request("GET", "/s3/multipart/up-1/0?key=k", &[], ""),
        serve.request(
            "POST",
            "/v1/multipart",
            &with_token,
            r#"{"key":"user1/m","size":10}"#,
        ),
        serve.request(
            "POST",
            "/v1/multipart/complete",
            &with_token,
            &format!(
                r#"{{"key":"user1/m","upload_id":"{u}","parts":[{{"part_number":1,"etag":"e"}}]}}"#
            ),
        ),
        serve.request(
            "POST",
            "/v1/multipart/abort",
            &with_token,
            &format!(r#"{{"key":"user1/m","upload_id":"{u}"}}"#),
        ),
    ]
}

#[test]
fn secrets_and_tokens_never_appear_in_answers_logs_or_the_audit_log() {
    let mut serve = Serve::start("");
    let auth = format!("Bearer {TOKEN}");
    let json = ("content-type", "application/json");
    let with_token = [json, ("authorization", auth.as_str())];
    let up_k =
        presign_serve::UploadIds::new(SECRET_KEY.as_bytes()).bind("uploads", "k.bin", "up-1");
    let mut answers = vec![
        serve.request(
            "POST",
            "/v1/presign",
            &with_token,
            r#"{"method":"GET","key":"user1/a.txt"}"#,
        ),
        serve.request(
            "POST",
            "/v1/presign",
            &with_token,
            r#"{"method":"PUT","key":"user1/b.txt","headers":{"content-type":"text/plain"}}"#,
        ),
        serve.request(
            "POST",
            "/v1/presign/batch",
            &with_token,
            r#"{"method":"GET","keys":["user1/c","user1/d"]}"#,
        ),
        serve.request("POST", "/v1/post", &with_token, r#"{"key":"user1/e.txt"}"#),
        serve.request(
            "GET",
            "/s3/params?filename=a.txt&type=text%2Fplain",
            &[("origin", "http://localhost")],
            "",
        ),
        serve.request("GET", &format!("/s3/multipart/{up_k}/3?key=k.bin"), &[], ""),
        serve.request(
            "GET",
            &format!("/s3/multipart/{up_k}/batch?key=k.bin&partNumbers=1,2"),
            &[],
            "",
        ),
    ];
    for answer in &answers {
        assert_eq!(status_of(answer), 200, "{answer}");
    }
    let signatures = signatures_in(&answers);
    assert_eq!(signatures.len(), 9, "{answers:?}");
    // The error paths and the other routes.
    answers.extend(exercise_other_routes(&serve, &auth));
    let status = serve.terminate();
    assert!(status.success(), "{status:?}");
    let audit = serve.stdout.lock().unwrap().clone();
    let logs = serve.stderr.lock().unwrap().clone();
    // Nine URLs, eight lines: the batch of two parts is one line.
    assert_eq!(audit.lines().count(), 8, "{audit}");
    assert!(logs.lines().count() >= answers.len(), "{logs}");
    for line in audit.lines().chain(logs.lines()) {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
    }
    for secret in [SECRET_KEY, SESSION_TOKEN, TOKEN, "wrong-token-value"] {
        for (name, text) in [("audit log", &audit), ("logs", &logs)] {
            assert!(
                !text.contains(secret),
                "{name} holds a secret or token:\n{text}"
            );
        }
        for answer in &answers {
            if secret != SESSION_TOKEN {
                assert!(
                    !answer.contains(secret),
                    "an answer holds a secret or token:\n{answer}"
                );
            }
        }
    }
    for signature in &signatures {
        assert!(
            !audit.contains(signature.as_str()) && !logs.contains(signature.as_str()),
            "a signature was logged"
        );
    }
    let statuses: Vec<u16> = answers.iter().map(|answer| status_of(answer)).collect();
    assert_eq!(
        statuses.iter().filter(|status| **status == 502).count(),
        7,
        "{statuses:?}"
    );
    for answer in answers.iter().filter(|answer| status_of(answer) >= 400) {
        assert!(
            !answer.contains(SESSION_TOKEN) && !answer.contains("X-Amz-Signature"),
            "{answer}"
        );
    }
}

#[test]
fn slow_headers_and_slow_bodies_are_cut_off() {
    let serve = Serve::start("header_timeout = 1\nbody_timeout = 1");
    // Headers never finished: the connection is closed after header_timeout.
    let started = Instant::now();
    let mut stream = TcpStream::connect(serve.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n")
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    assert!(answer.is_empty() || status_of(&answer) == 408, "{answer}");

    // A body that stops half-way: 408 after body_timeout.
    let started = Instant::now();
    let mut stream = TcpStream::connect(serve.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let auth = format!("Bearer {TOKEN}");
    write!(stream, "POST /v1/presign HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: {auth}\r\ncontent-length: 100\r\n\r\n{{\"method\":").unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let waited = started.elapsed();
    assert_eq!(status_of(&answer), 408, "{answer}");
    assert!(
        answer.contains("\"rule\":\"body_timeout\"") || answer.contains("body_timeout"),
        "{answer}"
    );
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    // Nothing was issued.
    assert!(serve.stdout.lock().unwrap().is_empty());
}

#[test]
fn sigterm_lets_a_request_in_flight_finish_then_exits_0() {
    a_signal_lets_a_request_in_flight_finish_then_exits_0("TERM");
}

/// Issue 23, item 11: SIGHUP killed the service at once (exit 129, nothing
/// logged, requests in flight cut); it now stops it as SIGTERM does.
#[test]
fn sighup_stops_the_service_as_sigterm_does() {
    a_signal_lets_a_request_in_flight_finish_then_exits_0("HUP");
}

fn a_signal_lets_a_request_in_flight_finish_then_exits_0(signal: &str) {
    let mut serve = Serve::start("");
    let body = r#"{"method":"GET","key":"user1/in-flight.txt"}"#;
    let mut stream = TcpStream::connect(serve.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // A first request on the same connection, answered: the service has
    // accepted the connection (a connection still in the listen queue is
    // not in flight, and a loaded machine may take long to accept it).
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
    assert_eq!(read_keep_alive_answer(&mut reader), 200);
    write!(stream, "POST /v1/presign HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\nauthorization: Bearer {TOKEN}\r\ncontent-length: {}\r\n\r\n{}", body.len(), &body[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    Command::new("kill")
        .args([&format!("-{signal}"), &serve.child.id().to_string()])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Still running: a request is in flight. New connections are refused.
    assert!(
        serve.child.try_wait().unwrap().is_none(),
        "stopped with a request in flight"
    );
    assert!(
        TcpStream::connect(serve.addr).is_err(),
        "the listener should be closed"
    );
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    let _ = reader.read_to_string(&mut answer);
    assert_eq!(status_of(&answer), 200, "{answer}");
    assert!(
        answer.contains("user1/in-flight.txt?X-Amz-Algorithm"),
        "{answer}"
    );
    let status = serve.terminate();
    assert!(status.success(), "{status:?}");
    assert!(
        serve
            .stderr
            .lock()
            .unwrap()
            .contains(&format!("\"signal\":\"SIG{signal}\"")),
        "{}",
        serve.stderr.lock().unwrap()
    );
}

/// Reads one answer of a kept-alive connection (its length from
/// `content-length`) and gives its status.
fn read_keep_alive_answer(reader: &mut impl std::io::BufRead) -> u16 {
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    status_of(&head)
}

#[test]
fn a_bad_config_fails_at_start_with_the_file_the_key_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            config("listen = \"nowhere\""),
            "listen",
            "is not an address",
        ),
        (
            config("").replace("token_sha256 = \"", "token_sha256 = \"zz"),
            "clients[0].token_sha256",
            "64 hex digits",
        ),
        (
            config("").replace(
                "methods = [\"GET\", \"PUT\", \"POST\"]",
                "methods = [\"FETCH\"]",
            ),
            "clients[0].methods[0]",
            "\"FETCH\" is not one of",
        ),
        (
            config("").replace(
                "cors_origins = [\"*\"]",
                "cors_origins = [\"app.example.com\"]",
            ),
            "companion.cors_origins[0]",
            "is not an origin",
        ),
        (
            config("").replace("bucket = \"uploads\"", "bucket = \"Not_A_Bucket\""),
            "storage.bucket",
            "bucket name",
        ),
        (
            config("workers = 0"),
            "workers",
            "0 is outside 1..=1024 threads",
        ),
        (
            config("unknown_key = 1"),
            "unknown_key",
            "unknown field `unknown_key`",
        ),
        (
            config("").replace("[companion]", "[companion]\nexpires_in = 604801"),
            "companion.expires_in",
            "outside 1..=604800",
        ),
        // Issue 23, item 13: an audit log that cannot be opened names the
        // configuration file too.
        (
            config("audit_log = \"/nonexistent-presign-dir/audit.jsonl\""),
            "audit_log",
            "cannot open /nonexistent-presign-dir/audit.jsonl",
        ),
    ];
    for (text, key, reason) in cases {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, &text).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_presign"))
            .args(["serve", "--config"])
            .arg(&path)
            .env_clear()
            .env("HOME", dir.path())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{key}: {stderr}");
        let expected = format!("presign: error: {}: {key}: ", path.display());
        assert!(
            stderr.starts_with(&expected),
            "{stderr}\nexpected to start with {expected}"
        );
        assert!(stderr.contains(reason), "{stderr}\nexpected: {reason}");
        assert!(!stderr.contains(SECRET_KEY));
    }
}

#[test]
fn a_bounded_load_is_answered_in_full_then_the_service_stops() {
    const CONNECTIONS: usize = 16;
    const PER_CONNECTION: usize = 125;
    let mut serve = Serve::start("audit_log = \"off\"");
    let addr = serve.addr;
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|worker| {
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let mut ok = 0;
                for i in 0..PER_CONNECTION {
                    let path = if i % 2 == 0 {
                        format!(
                            "http://{addr}/s3/params?filename=f{worker}-{i}.txt&type=text%2Fplain"
                        )
                    } else {
                        // An upload id as the service answers it: bound to its key.
                        let id = presign_serve::UploadIds::new(SECRET_KEY.as_bytes()).bind(
                            "uploads",
                            &format!("k{i}"),
                            &format!("upload-{worker}"),
                        );
                        format!(
                            "http://{addr}/s3/multipart/{id}/{}?key=k{i}",
                            i % 10_000 + 1
                        )
                    };
                    let response = agent.get(&path).call().unwrap();
                    if response.status().as_u16() == 200 {
                        ok += 1;
                    }
                }
                ok
            })
        })
        .collect();
    let answered: usize = workers
        .into_iter()
        .map(|worker| worker.join().unwrap())
        .sum();
    assert_eq!(answered, CONNECTIONS * PER_CONNECTION);
    let status = serve.terminate();
    assert!(status.success());
    let logs = serve.stderr.lock().unwrap().clone();
    let requests = logs
        .lines()
        .filter(|line| line.contains("\"message\":\"request\""))
        .count();
    assert_eq!(
        requests,
        CONNECTIONS * PER_CONNECTION,
        "one log line per request"
    );
}

/// The SeaweedFS of `PRESIGN_INTEROP_SERVERS` (NAME=value lines), or `None`
/// outside CI when the servers are not running.
fn seaweedfs() -> Option<std::collections::HashMap<String, String>> {
    let Ok(dir) = std::env::var("PRESIGN_INTEROP_SERVERS") else {
        assert!(
            std::env::var("CI").is_err(),
            "PRESIGN_INTEROP_SERVERS is not set: scripts/test.sh starts the servers"
        );
        return None;
    };
    let text = std::fs::read_to_string(format!("{dir}/seaweedfs.env")).unwrap();
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

#[test]
fn two_processes_serve_one_multipart_upload() {
    let Some(server) = seaweedfs() else { return };
    let text = format!(
        "[storage]\nendpoint_url = \"{}\"\nregion = \"{}\"\nbucket = \"{}\"\naddressing_style = \"path\"\n[companion]\ncors_origins = [\"*\"]\n",
        server["ENDPOINT"], server["REGION"], server["BUCKET"]
    );
    let credentials = (server["ACCESS_KEY"].as_str(), server["SECRET_KEY"].as_str());
    let first = Serve::with_config(&text, &[], credentials);
    let second = Serve::with_config(&text, &[], credentials);
    let json = ("content-type", "application/json");
    let body_of = |answer: &str| -> serde_json::Value {
        serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap()
    };
    // Create on the first process...
    let created = first.request(
        "POST",
        "/s3/multipart",
        &[json],
        r#"{"filename":"two.bin","type":"application/x-two"}"#,
    );
    assert_eq!(status_of(&created), 200, "{created}");
    let created = body_of(&created);
    let key = created["key"].as_str().unwrap();
    let upload_id = created["uploadId"].as_str().unwrap();
    let query: String = key
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    // ...sign and send the parts, then complete, on the second.
    let data: Vec<u8> = (0..5 * 1024 * 1024 + 99)
        .map(|i| u8::try_from(i % 253).unwrap())
        .collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut parts = Vec::new();
    for (number, range) in [(1, 0..5 * 1024 * 1024), (2, 5 * 1024 * 1024..data.len())] {
        let signed = second.request(
            "GET",
            &format!("/s3/multipart/{upload_id}/{number}?key={query}"),
            &[],
            "",
        );
        assert_eq!(status_of(&signed), 200, "{signed}");
        let url = body_of(&signed)["url"].as_str().unwrap().to_owned();
        let response = agent.put(&url).send(&data[range]).unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        parts.push(serde_json::json!({"PartNumber": number, "ETag": etag}));
    }
    let body = serde_json::json!({"parts": parts}).to_string();
    let done = second.request(
        "POST",
        &format!("/s3/multipart/{upload_id}/complete?key={query}"),
        &[json],
        &body,
    );
    assert_eq!(status_of(&done), 200, "{done}");
    // Read back with presign's own GET URL.
    let output = Command::new(env!("CARGO_BIN_EXE_presign"))
        .args([
            "--endpoint-url",
            &server["ENDPOINT"],
            "--region",
            &server["REGION"],
            "--addressing-style",
            "path",
        ])
        .arg(format!("s3://{}/{key}", server["BUCKET"]))
        .env_clear()
        .env("HOME", first.dir.path())
        .env("AWS_ACCESS_KEY_ID", credentials.0)
        .env("AWS_SECRET_ACCESS_KEY", credentials.1)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let url = String::from_utf8(output.stdout).unwrap();
    let mut response = agent.get(url.trim()).call().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-two");
    let bytes = response
        .body_mut()
        .with_config()
        .limit(16 << 20)
        .read_to_vec()
        .unwrap();
    assert!(bytes == data, "the object differs from what was uploaded");
}

#[test]
fn an_address_in_use_is_exit_2_naming_it() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serve.toml");
    std::fs::write(&path, config("")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_presign"))
        .args(["serve", "--config"])
        .arg(&path)
        .args(["--listen", &addr])
        .env_clear()
        .env("HOME", dir.path())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("presign: error: cannot listen on {addr}")),
        "{stderr}"
    );
}

/// The names of the process's threads (Linux: `/proc/PID/task/*/comm`).
#[cfg(target_os = "linux")]
fn thread_names(pid: u32) -> Vec<String> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim_end().to_owned())
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn workers_sets_how_many_threads_serve_requests() {
    let workers_of = |extra: &str| {
        let serve = Serve::start(extra);
        // Every worker has started by the time the service listens; answer
        // one request to be sure.
        assert_eq!(status_of(&serve.request("GET", "/healthz", &[], "")), 200);
        thread_names(serve.child.id())
            .iter()
            .filter(|name| name.as_str() == "tokio-rt-worker")
            .count()
    };
    assert_eq!(workers_of("workers = 3"), 3);
    assert_eq!(workers_of("workers = 1"), 1);
    let cpus = std::thread::available_parallelism().unwrap().get();
    assert_eq!(workers_of(""), cpus, "the default is one per CPU");
}

/// Finding 25: a 502 carried the storage service's error message to whoever
/// asked, anonymous browsers on the Companion routes included, and S3's
/// `AccessDenied` message names the caller and the policy that denied it
/// (`User: arn:aws:sts::ACCOUNT:assumed-role/...`). Now the answer has the
/// operation, status, S3 error code and the storage's request id; the
/// message is in the service's log only.
#[test]
fn finding_25_a_storage_refusal_shows_browsers_its_code_not_its_message() {
    use common::stub::{Reply, Stub, headers};
    const PRINCIPAL: &str = "arn:aws:sts::123456789012:assumed-role/uploader/presign-serve";
    let stub = Stub::start(|_, _| Reply::Full {
        status: "403 Forbidden",
        headers: headers(&[("content-type", "application/xml")]),
        body: format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>\
             <Message>User: {PRINCIPAL} is not authorized to perform: s3:PutObject on resource: \
             \"arn:aws:s3:::uploads/x\" because no identity-based policy allows the \
             s3:PutObject action</Message><RequestId>STORAGE-REQ-7</RequestId></Error>"
        )
        .into_bytes(),
    });
    let endpoint = stub.url(presign::Method::Get, "k");
    let endpoint = &endpoint[..endpoint.find("/bucket").unwrap()];
    let text = config("").replace("http://127.0.0.1:9", endpoint);
    let mut serve = Serve::with_config(&text, &[], (ACCESS_KEY, SECRET_KEY));
    let answer = serve.request(
        "POST",
        "/s3/multipart",
        &[
            ("content-type", "application/json"),
            ("origin", "https://app.example.com"),
        ],
        r#"{"filename":"a.png","type":"image/png"}"#,
    );
    assert_eq!(status_of(&answer), 502, "{answer}");
    assert!(
        !answer.contains("123456789012") && !answer.contains("not authorized"),
        "{answer}"
    );
    assert!(
        answer.contains("CreateMultipartUpload: the storage service answered 403: AccessDenied")
            && answer.contains("STORAGE-REQ-7"),
        "{answer}"
    );
    assert!(!stub.requests().is_empty(), "the storage was not called");
    serve.terminate();
    let logs = serve.stderr.lock().unwrap().clone();
    assert!(
        logs.contains("the storage service refused a call") && logs.contains(PRINCIPAL),
        "{logs}"
    );
}
