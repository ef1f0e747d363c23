//! `presign serve` on credentials that expire in seconds (issue 22,
//! "Refresh"): a container-credentials stub rotates the keys every few
//! seconds while clients hammer `/v1/presign`; every request answers, every
//! URL verifies with the secret the stub issued for its key and ends no
//! later than that key; a stub that goes down leaves the last keys in use
//! until they expire, then a 503 naming the source, and the service
//! recovers on its own when the stub comes back. The first fetch failing
//! stops the launch.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::container::{AUTHORIZATION, CredentialsStub, Issued, check_signed_by};
use common::serve::{Serve, body_of, sha256_hex, status_of};

const TOKEN: &str = "bearer-token-rotation-5c1e";
/// How long the keys the stub hands out live.
const LIFETIME: Duration = Duration::from_secs(6);

fn config() -> String {
    format!(
        r#"
[storage]
endpoint_url = "http://127.0.0.1:9"
bucket = "uploads"
region = "us-east-1"

[[clients]]
name = "user1"
token_sha256 = "{}"
methods = ["GET", "PUT"]
max_expires_in = 3600
"#,
        sha256_hex(TOKEN)
    )
}

fn launch(stub: &CredentialsStub) -> Serve {
    Serve::launch(
        &config(),
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &stub.url()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTHORIZATION),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
    )
}

/// One `/v1/presign` for a GET of `key` for an hour, and when it was sent.
fn presign_url(serve: &Serve, key: &str) -> (SystemTime, String) {
    let auth = format!("Bearer {TOKEN}");
    let sent = SystemTime::now();
    let answer = serve.request(
        "POST",
        "/v1/presign",
        &[
            ("content-type", "application/json"),
            ("authorization", &auth),
        ],
        &format!(r#"{{"method":"GET","key":"{key}","expires_in":3600}}"#),
    );
    (sent, answer)
}

/// Checks a 200 answer against what the stub issued; the key id it used.
fn check_issued_url(answer: &str, issued: &HashMap<String, Issued>) -> String {
    assert_eq!(status_of(answer), 200, "{answer}");
    let json: serde_json::Value = serde_json::from_str(body_of(answer)).unwrap();
    let url = json["url"].as_str().unwrap();
    let (parsed, id, keys) = check_signed_by(issued, url);
    // expires_at is the truth: what X-Amz-Expires says, and no later than
    // the keys (an hour was asked for; the keys live seconds).
    let expires_at: jiff::Timestamp = json["expires_at"].as_str().unwrap().parse().unwrap();
    let expires_at = SystemTime::from(expires_at);
    assert_eq!(
        expires_at,
        UNIX_EPOCH + Duration::from_secs(parsed.expires_at_unix()),
        "{answer}"
    );
    assert!(expires_at <= keys.expires_at, "{answer} outlives its keys");
    assert!(parsed.expires_in() < 3600, "{url} was not clamped");
    id
}

/// No secret or token the stub issued is in the service's logs or audit log.
fn assert_no_secret_logged(serve: &Serve, issued: &HashMap<String, Issued>) {
    let logs = serve.stderr.lock().unwrap().clone() + &serve.stdout.lock().unwrap();
    for keys in issued.values() {
        assert!(
            !logs.contains(&keys.secret) && !logs.contains(&keys.token),
            "{logs}"
        );
    }
    assert!(!logs.contains(AUTHORIZATION), "{logs}");
}

#[test]
fn urls_issued_across_rotations_all_verify_and_no_request_fails() {
    let stub = CredentialsStub::start(LIFETIME);
    let mut serve = launch(&stub);
    let deadline = Instant::now() + Duration::from_secs(20);
    let answers: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                let serve = &serve;
                scope.spawn(move || {
                    let mut answers = Vec::new();
                    while Instant::now() < deadline {
                        let key = format!("user1/w{worker}/{}", answers.len());
                        answers.push(presign_url(serve, &key).1);
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    answers
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    let issued = stub.issued.lock().unwrap().clone();
    let mut used: Vec<String> = answers
        .iter()
        .map(|answer| check_issued_url(answer, &issued))
        .collect();
    used.sort();
    used.dedup();
    // Keys live 6 s and are refreshed half-way: 20 s see several rotations.
    assert!(
        used.len() >= 4,
        "{} answers, signed with only {used:?}",
        answers.len()
    );
    assert!(answers.len() > 200, "only {} answers", answers.len());
    let status = serve.terminate();
    assert!(status.success(), "{status:?}");
    assert_no_secret_logged(&serve, &issued);
}

#[test]
fn an_outage_keeps_the_last_keys_until_they_expire_then_503_until_the_stub_is_back() {
    let mut stub = CredentialsStub::start(LIFETIME);
    let mut serve = launch(&stub);
    // One refresh first, then the endpoint goes away.
    let started = Instant::now();
    while stub.counter.load(Ordering::SeqCst) < 2 {
        assert!(started.elapsed() < Duration::from_secs(15), "no refresh");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200)); // installed
    stub.down();
    let (last_id, last) = stub.latest();
    let mut kept = 0;
    let refused = loop {
        let (sent, answer) = presign_url(&serve, "user1/outage");
        let took = sent.elapsed().unwrap();
        // The refresher's failing attempts (seconds each) never hold a request.
        assert!(
            took < Duration::from_millis(1500),
            "a request took {took:?}"
        );
        if sent + Duration::from_millis(1500) < last.expires_at {
            let issued = stub.issued.lock().unwrap().clone();
            kept += usize::from(check_issued_url(&answer, &issued) == last_id);
        } else if sent >= last.expires_at {
            assert_eq!(status_of(&answer), 503, "{answer}");
            break answer;
        }
        assert!(sent < last.expires_at + Duration::from_secs(5), "{answer}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        kept > 5,
        "only {kept} URLs with the last keys after the outage began"
    );
    let error: serde_json::Value = serde_json::from_str(body_of(&refused)).unwrap();
    assert_eq!(error["rule"], "storage.credentials", "{refused}");
    let message = error["error"].as_str().unwrap();
    assert!(message.contains("expired"), "{message}");
    // The answer goes to anonymous browsers too: it names no source (finding
    // 24); the operator's log does.
    assert!(
        !refused.contains("AWS_CONTAINER_CREDENTIALS") && !refused.contains(&stub.url()),
        "{refused}"
    );
    assert!(!refused.contains("X-Amz-Signature"), "{refused}");
    // Back: the service signs again, with new keys, without a restart.
    stub.up();
    let back = Instant::now();
    let answer = loop {
        let (_, answer) = presign_url(&serve, "user1/recovered");
        if status_of(&answer) == 200 {
            break answer;
        }
        assert_eq!(status_of(&answer), 503, "{answer}");
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "no recovery: {answer}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let issued = stub.issued.lock().unwrap().clone();
    assert_ne!(check_issued_url(&answer, &issued), last_id);
    let logs = serve.stderr.lock().unwrap().clone();
    assert!(
        logs.contains("cannot refresh the storage credentials")
            && logs.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        "{logs}"
    );
    let status = serve.terminate();
    assert!(status.success(), "{status:?}");
    assert_no_secret_logged(&serve, &issued);
}

#[test]
fn a_first_fetch_that_fails_stops_the_launch_naming_the_source() {
    let url = format!("{}/creds", presign_test_support::closed_port_url());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serve.toml");
    std::fs::write(&path, config()).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_presign"))
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&path)
        .env_clear()
        .env("HOME", dir.path())
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("storage credentials"), "{stderr}");
    assert!(
        stderr.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI") && stderr.contains(&url),
        "{stderr}"
    );
    assert!(!stderr.contains("listening"), "{stderr}");
}
