//! `presign batch` over an input that outlives its credentials (issue 22,
//! "Refresh"): keys from a container endpoint live seconds, the output is
//! read slowly so the batch runs across several of their lives, and every
//! URL comes out signed by keys that still work, verifying with the secret
//! the endpoint issued for them. When the endpoint is gone and the keys
//! expire, the batch stops with the reason; no URL is signed by expired keys.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::Sandbox;
use common::container::{AUTHORIZATION, CredentialsStub, check_signed_by};
use presign_test_support::{Reply, Stub};

/// How long the keys the stub hands out live.
const LIFETIME: Duration = Duration::from_secs(10);
/// Input lines: 1000-byte keys, about 65 to a 64 KiB chunk.
const LINES: usize = 4000;

/// `presign batch` on the stub's keys, the whole input written by a thread.
fn start_batch(sandbox: &Sandbox, stub: &CredentialsStub) -> Child {
    let mut child = sandbox
        .std_command()
        .args(["batch", "s3://bucket/in/", "--region", "us-east-1"])
        .args(["--output-format", "jsonl", "--jobs", "1"])
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", stub.url())
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTHORIZATION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        for line in 0..LINES {
            // A closed pipe (the batch stopped) ends the input.
            if writeln!(stdin, "k{line:05}-{}", "x".repeat(990)).is_err() {
                return;
            }
        }
    });
    child
}

/// One output line, checked: the key id that signed it, its signing instant
/// and when the key expires.
fn check_line(line: &str, stub: &CredentialsStub) -> (String, u64, SystemTime) {
    let json: serde_json::Value = serde_json::from_str(line).unwrap();
    let url = json["url"].as_str().unwrap();
    let issued = stub.issued.lock().unwrap().clone();
    let (parsed, id, keys) = check_signed_by(&issued, url);
    (id, parsed.signed_at().unix_seconds(), keys.expires_at)
}

/// In input order, the signing instant of `signed` (key id, `X-Amz-Date`)
/// only moves forward, through at least `at_least` `what` (key ids), never
/// back to an earlier one.
fn moves_forward_through(signed: &[(String, u64)], at_least: usize, what: &str) {
    assert!(signed.windows(2).all(|pair| pair[0].1 <= pair[1].1));
    let mut used: Vec<&str> = signed.iter().map(|(id, _)| id.as_str()).collect();
    used.dedup();
    assert!(used.len() >= at_least, "signed with only {used:?}");
    let mut distinct = used.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        used.len(),
        "went back to old {what}: {used:?}"
    );
}

#[test]
fn a_long_batch_refreshes_its_credentials_and_every_url_comes_out_working() {
    let stub = CredentialsStub::start(LIFETIME);
    let sandbox = Sandbox::new();
    let mut child = start_batch(&sandbox, &stub);
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut signed = Vec::new();
    // About 200 lines a second: the batch runs for 20 s, and a URL waits
    // about 2 s in the pipeline; keys are refreshed with 5 s left.
    for (index, line) in stdout.lines().enumerate() {
        let (id, signed_at, expires_at) = check_line(&line.unwrap(), &stub);
        assert!(
            SystemTime::now() < expires_at,
            "line {index}: {id} expired before its URL came out"
        );
        signed.push((id, signed_at));
        if index % 10 == 9 {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(signed.len(), LINES, "{stderr}");
    moves_forward_through(&signed, 3, "keys");
}

#[test]
fn a_batch_whose_credentials_expire_unrefreshed_stops_with_the_reason() {
    let mut stub = CredentialsStub::start(LIFETIME);
    let sandbox = Sandbox::new();
    let mut child = start_batch(&sandbox, &stub);
    let started = Instant::now();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    stub.down();
    let (only_id, only) = stub.latest();
    assert_eq!(
        check_line(&first, &stub).0,
        only_id,
        "the first line is signed too"
    );
    // Read slowly past the keys' expiry; every line that comes out is theirs.
    let mut lines = 1;
    for line in stdout.lines() {
        let (id, _, _) = check_line(&line.unwrap(), &stub);
        assert_eq!(id, only_id);
        lines += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(lines < LINES, "{lines} lines: the batch did not stop");
    assert!(
        SystemTime::now() >= only.expires_at,
        "stopped before expiry: {stderr}"
    );
    assert!(
        stderr.contains("expired")
            && stderr.contains("could not be refreshed")
            && stderr.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        "{stderr}"
    );
    assert!(!stderr.contains(&only.secret) && !stderr.contains(&only.token));
    assert!(started.elapsed() < Duration::from_secs(60));
}

/// How long the S3 Express sessions the stub hands out live: botocore's
/// advisory window is 45 s, so each session is fresh for 3 s and then
/// renewed by the next chunk.
const SESSION_LIFETIME: Duration = Duration::from_secs(48);
const DIRECTORY_BUCKET: &str = "reports--usw2-az1--x-s3";
/// Input lines of the S3 Express batch, read at about 200 a second.
const EXPRESS_LINES: usize = 2000;

/// What the CreateSession stub issued under one session key id: its
/// secret, token and end.
type Sessions = Arc<Mutex<HashMap<String, (String, String, SystemTime)>>>;

/// A zonal endpoint whose `CreateSession` (`GET /BUCKET?session`) hands
/// out a new session each call, ending [`SESSION_LIFETIME`] later.
fn create_session_stub() -> (Stub, Sessions) {
    let sessions: Sessions = Arc::default();
    let issued = Arc::clone(&sessions);
    let counter = AtomicUsize::new(0);
    let stub = Stub::start(move |request| {
        if request.query() != "session" {
            return Reply::xml(400, "<Error><Code>InvalidRequest</Code></Error>");
        }
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let expires_at = SystemTime::now() + SESSION_LIFETIME;
        let seconds = expires_at.duration_since(UNIX_EPOCH).unwrap().as_secs();
        // Whole seconds, as S3 writes them; kept as the session's end.
        let expires_at = UNIX_EPOCH + Duration::from_secs(seconds);
        let (id, secret, token) = (
            format!("ASIAEXPRESS{n:05}"),
            format!("express/secret+{n}"),
            format!("express-session-token-{n}"),
        );
        issued
            .lock()
            .unwrap()
            .insert(id.clone(), (secret.clone(), token.clone(), expires_at));
        Reply::xml(
            200,
            &format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateSessionResult \
                 xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Credentials>\
                 <SessionToken>{token}</SessionToken><SecretAccessKey>{secret}</SecretAccessKey>\
                 <AccessKeyId>{id}</AccessKeyId><Expiration>{}</Expiration>\
                 </Credentials></CreateSessionResult>",
                presign::rfc3339(expires_at)
            ),
        )
    });
    (stub, sessions)
}

/// Before, a batch on a directory bucket made one session at its start and
/// signed every line with it: past the session's five minutes, a slow input
/// came out as URLs that no longer worked. The session is now renewed as
/// botocore renews it, and every URL is signed by a session that still
/// works when the URL comes out.
#[test]
fn a_long_batch_on_a_directory_bucket_renews_its_s3_express_session() {
    let (stub, sessions) = create_session_stub();
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .std_command()
        .args(["batch", &format!("s3://{DIRECTORY_BUCKET}/in/")])
        .args(["--region", "us-west-2", "--endpoint-url", stub.url()])
        .args(["--output-format", "jsonl", "--jobs", "1"])
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        for line in 0..EXPRESS_LINES {
            if writeln!(stdin, "k{line:05}-{}", "x".repeat(990)).is_err() {
                return;
            }
        }
    });
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut signed: Vec<(String, u64)> = Vec::new();
    // About 200 lines a second: the batch runs for about 10 s, past three
    // sessions' fresh time.
    for (index, line) in stdout.lines().enumerate() {
        let json: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let url = json["url"].as_str().unwrap();
        let parsed = presign::PresignedUrl::parse(url).unwrap();
        let id = parsed.access_key_id().to_owned();
        let (secret, token, expires_at) = sessions
            .lock()
            .unwrap()
            .get(&id)
            .unwrap_or_else(|| panic!("line {index}: {id} was never issued"))
            .clone();
        assert_eq!(
            common::query_param(url, "X-Amz-S3session-Token"),
            Some(token.as_str())
        );
        assert!(
            SystemTime::now() < expires_at,
            "line {index}: session {id} ended before its URL came out"
        );
        let signed_at = parsed.signed_at().to_system_time();
        let lookup = |asked: &str| {
            (asked == id)
                .then(|| presign::Credentials::new(&id, &secret).with_session_token(&token))
        };
        presign::verify(
            url,
            presign::Method::Get,
            &[],
            lookup,
            signed_at,
            &presign::VerifyPolicy::default(),
        )
        .unwrap_or_else(|error| panic!("line {index}: {url} does not verify: {error}"));
        signed.push((id, parsed.signed_at().unix_seconds()));
        if index % 10 == 9 {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(signed.len(), EXPRESS_LINES, "{stderr}");
    moves_forward_through(&signed, 2, "sessions");
    assert!(!stderr.contains("express/secret+") && !stderr.contains("express-session-token-"));
}
