//! `presign doctor` against the interop servers (`PRESIGN_INTEROP_SERVERS`,
//! as `scripts/test.sh` sets it), a server that is down, a TLS front with a
//! private CA, a proxy, and a stub that replays a real AWS region error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::net::{TestCa, TestProxy, socket_of, stub_server, tls_front};
use common::servers::{Server, servers};
use common::stub::{Reply, Stub};
use common::{Run, Sandbox, run};
use serde_json::Value;

/// `presign doctor ARGS --output json` with `key`/`secret`; the exit code and
/// the parsed report.
fn doctor(sandbox: &Sandbox, key: &str, secret: &str, args: &[&str]) -> (Option<i32>, Value, Run) {
    let done = run(sandbox
        .command()
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .args(["doctor", "--output", "json"])
        .args(args));
    let report: Value = serde_json::from_str(&done.stdout).unwrap_or_else(|error| {
        panic!(
            "not JSON ({error}): {}\nstderr: {}",
            done.stdout, done.stderr
        )
    });
    (done.code, report, done)
}

/// The check named `name` of a report.
fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {report:#}"))
}

fn status<'a>(report: &'a Value, name: &str) -> &'a str {
    check(report, name)["status"].as_str().unwrap()
}

fn summary<'a>(report: &'a Value, name: &str) -> &'a str {
    check(report, name)["summary"].as_str().unwrap()
}

/// The value of detail `name` of check `check_name`.
fn detail<'a>(report: &'a Value, check_name: &str, name: &str) -> &'a str {
    check(report, check_name)["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .and_then(|d| d["value"].as_str())
        .unwrap_or_else(|| panic!("no detail {name} in {check_name}: {report:#}"))
}

/// Uploads `body` as `key` to `server` with presign itself.
fn put_object(sandbox: &Sandbox, server: &Server, key: &str, body: &str) {
    let url = run(sandbox
        .command()
        .env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &server.secret_key)
        .args([
            "--endpoint-url",
            &server.endpoint,
            "--region",
            "us-east-1",
            "-X",
            "PUT",
        ])
        .args(["--content-type", "text/plain"])
        .arg(format!("s3://{}/{key}", server.bucket)))
    .ok();
    let file = sandbox.write("object.txt", body);
    let sent = run(sandbox.command().args([
        "upload",
        "--quiet",
        url.trim_end(),
        file.to_str().unwrap(),
        "--content-type",
        "text/plain",
    ]));
    assert_eq!(sent.code, Some(0), "{}: {}", server.name, sent.stderr);
}

#[test]
fn every_check_passes_on_every_server() {
    let Some(servers) = servers() else { return };
    for server in &servers {
        let sandbox = Sandbox::new();
        put_object(&sandbox, server, "doctor/present.txt", "twelve bytes");
        let target = format!("s3://{}/doctor/present.txt", server.bucket);
        let (code, report, done) = doctor(
            &sandbox,
            &server.access_key,
            &server.secret_key,
            &["--endpoint-url", &server.endpoint, &target],
        );
        assert_eq!(
            code,
            Some(0),
            "{}: {report:#}\n{}",
            server.name,
            done.stderr
        );
        assert_eq!(report["status"], "pass", "{}", server.name);
        for name in [
            "configuration",
            "endpoint",
            "clock",
            "credentials and region",
            "object",
        ] {
            assert_eq!(
                status(&report, name),
                "pass",
                "{}: {name}: {report:#}",
                server.name
            );
        }
        assert_eq!(
            detail(&report, "configuration", "endpoint"),
            format!("{} (--endpoint-url)", server.endpoint)
        );
        assert_eq!(
            detail(&report, "configuration", "region"),
            "us-east-1 (default)"
        );
        assert_eq!(detail(&report, "configuration", "proxy"), "none");
        assert!(
            summary(&report, "object").starts_with("\"doctor/present.txt\" exists: 12 bytes"),
            "{}: {report:#}",
            server.name
        );
        assert!(detail(&report, "endpoint", "dns").starts_with("127.0.0.1 in "));
    }
}

#[test]
fn text_output_prints_each_check_and_the_fix() {
    let Some(servers) = servers() else { return };
    let server = &servers[0];
    let sandbox = Sandbox::new();
    let done = run(sandbox
        .command()
        .env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", "not-the-secret")
        .args(["doctor", "--endpoint-url", &server.endpoint])
        .arg(format!("s3://{}/k", server.bucket)));
    assert_eq!(done.code, Some(1), "{}", done.stderr);
    let lines: Vec<&str> = done.stdout.lines().collect();
    assert!(
        lines[0].starts_with("[ok  ] configuration"),
        "{}",
        done.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("[FAIL] credentials and region")),
        "{}",
        done.stdout
    );
    assert!(
        lines.iter().any(|l| l
            .trim_start()
            .starts_with("fix: correct the secret key paired with")),
        "{}",
        done.stdout
    );
    assert!(
        lines.iter().any(|l| l.starts_with("[skip] object")),
        "{}",
        done.stdout
    );
    assert_eq!(lines.last(), Some(&"1 check failed."));
    assert!(
        !done.stdout.contains("not-the-secret"),
        "the secret is never printed"
    );
}

/// Runs doctor on every server with the key id, secret and target that
/// `setup` gives, and checks that the credentials check fails with a summary
/// holding what `expected` says; returns nothing, asserts.
fn credentials_check_fails(
    setup: impl Fn(&Server) -> (String, String, String),
    expected: impl Fn(&Server) -> String,
) {
    let Some(servers) = servers() else { return };
    for server in &servers {
        let sandbox = Sandbox::new();
        let (key, secret, target) = setup(server);
        let (code, report, _) = doctor(
            &sandbox,
            &key,
            &secret,
            &["--endpoint-url", &server.endpoint, &target],
        );
        assert_eq!(code, Some(1), "{}: {report:#}", server.name);
        assert_eq!(
            status(&report, "credentials and region"),
            "fail",
            "{}",
            server.name
        );
        assert!(
            summary(&report, "credentials and region").contains(&expected(server)),
            "{}: {report:#}",
            server.name
        );
        assert!(check(&report, "credentials and region")["fix"].is_string());
    }
}

#[test]
fn a_wrong_secret_is_named_on_every_server() {
    credentials_check_fails(
        |server| {
            (
                server.access_key.clone(),
                "wrong/Secret+0123456789abcdefghijklmnopqrs".to_owned(),
                format!("s3://{}", server.bucket),
            )
        },
        |server| {
            format!(
                "the secret access key is not the one paired with {}",
                server.access_key
            )
        },
    );
}

#[test]
fn an_unknown_key_id_is_named_on_every_server() {
    credentials_check_fails(
        |server| {
            (
                "AKIDUNKNOWN000000000".to_owned(),
                server.secret_key.clone(),
                format!("s3://{}", server.bucket),
            )
        },
        |_| "the server does not know the access key id AKIDUNKNOWN000000000".to_owned(),
    );
}

#[test]
fn a_missing_bucket_is_named_on_every_server() {
    credentials_check_fails(
        |server| {
            (
                server.access_key.clone(),
                server.secret_key.clone(),
                "s3://presign-no-such-bucket".to_owned(),
            )
        },
        |_| "there is no bucket presign-no-such-bucket".to_owned(),
    );
}

#[test]
fn a_missing_object_fails_the_object_check() {
    let Some(servers) = servers() else { return };
    let server = &servers[0];
    let sandbox = Sandbox::new();
    let target = format!("s3://{}/doctor/absent.txt", server.bucket);
    let (code, report, _) = doctor(
        &sandbox,
        &server.access_key,
        &server.secret_key,
        &["--endpoint-url", &server.endpoint, &target],
    );
    assert_eq!(code, Some(1));
    assert_eq!(status(&report, "credentials and region"), "pass");
    assert!(
        summary(&report, "object").starts_with("there is no object \"doctor/absent.txt\""),
        "{report:#}"
    );
}

#[test]
fn a_server_that_is_down_fails_the_endpoint_and_skips_the_rest() {
    let sandbox = Sandbox::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (code, report, _) = doctor(
        &sandbox,
        "AKIDEXAMPLE",
        "secret",
        &["--endpoint-url", &endpoint, "s3://bucket/key"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(status(&report, "configuration"), "pass");
    assert_eq!(status(&report, "endpoint"), "fail");
    assert!(
        summary(&report, "endpoint").contains("connection refused"),
        "{report:#}"
    );
    assert!(
        check(&report, "endpoint")["fix"]
            .as_str()
            .unwrap()
            .contains("start the server")
    );
    for name in ["clock", "credentials and region", "object"] {
        assert_eq!(status(&report, name), "skip", "{name}");
    }
}

#[test]
fn a_connection_made_then_lost_is_not_called_a_failure_to_connect() {
    // The endpoint takes the connection (doctor's TCP step passes), then
    // closes it without answering, or says nothing at all.
    let sandbox = Sandbox::new();
    let closes = Stub::start(|_, _| Reply::HangUp { read_first: 0 });
    let silent = Stub::start(|_, _| Reply::Silent);
    for (stub, says) in [
        (&closes, "closed the connection without a complete answer"),
        (
            &silent,
            "took the request but sent no complete answer in time",
        ),
    ] {
        let endpoint = format!("http://127.0.0.1:{}", stub.port);
        let (code, report, _) = doctor(
            &sandbox,
            "AKIDEXAMPLE",
            "secret",
            &["--endpoint-url", &endpoint, "s3://bucket"],
        );
        assert_eq!(code, Some(1), "{report:#}");
        assert_eq!(status(&report, "endpoint"), "fail", "{report:#}");
        assert!(
            detail(&report, "endpoint", "tcp").starts_with("connected to 127.0.0.1:"),
            "{report:#}"
        );
        let summary = summary(&report, "endpoint");
        assert!(
            summary.starts_with(&format!("127.0.0.1:{} {says}", stub.port)),
            "{report:#}"
        );
        assert!(!summary.contains("cannot connect"), "{report:#}");
        let fix = check(&report, "endpoint")["fix"].as_str().unwrap();
        assert!(
            fix.contains("host and port are right") || fix.contains("try again later"),
            "{report:#}"
        );
    }
}

#[test]
fn a_skewed_clock_fails_with_the_measured_offset() {
    let Some(servers) = servers() else { return };
    let server = &servers[0];
    let sandbox = Sandbox::new();
    let target = format!("s3://{}", server.bucket);
    let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    let at = ahead.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (code, report, _) = doctor(
        &sandbox,
        &server.access_key,
        &server.secret_key,
        &["--endpoint-url", &server.endpoint, "--at", &at, &target],
    );
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(status(&report, "clock"), "fail");
    assert!(
        summary(&report, "clock").starts_with("the server's clock is 59m")
            || summary(&report, "clock").starts_with("the server's clock is 1h"),
        "{report:#}"
    );
    assert!(
        summary(&report, "clock").ends_with("behind this machine's clock (--at)"),
        "{report:#}"
    );
    let offset: u64 = detail(&report, "clock", "offset")
        .trim_end_matches(" s")
        .parse()
        .unwrap();
    assert!((3590..=3610).contains(&offset), "{offset}");

    // Two minutes off: a warning, and doctor still passes.
    let behind = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(150);
    let at = behind.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (code, report, _) = doctor(
        &sandbox,
        &server.access_key,
        &server.secret_key,
        &["--endpoint-url", &server.endpoint, "--at", &at, &target],
    );
    assert_eq!(status(&report, "clock"), "warn", "{report:#}");
    assert!(
        summary(&report, "clock").contains("ahead of this machine's clock"),
        "{report:#}"
    );
    assert_eq!(code, Some(0), "{report:#}");
}

/// The error AWS S3 answers to a presigned URL signed for the wrong region:
/// the body as quoted in aws/aws-cli issue #4338 ("aws s3 presign url adds
/// us-east-2 by default", also in HHS/Head-Start-TTADP issue #370), with
/// the regions of this test; AWS sends it with HTTP 400 and the
/// `x-amz-bucket-region` header.
const AWS_REGION_ERROR: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AuthorizationQueryParametersError</Code><Message>Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region><RequestId>04E139156AC60A48</RequestId><HostId>+07Gy7GBXRallt6SmBZeBq1xSkgLcXYk/fSoMPzMqbdEMtXQlXLLRSQRAXd1U/u4PuJ1tOFEdI8=</HostId></Error>";

#[test]
fn a_region_error_turns_into_the_region_to_use() {
    let sandbox = Sandbox::new();
    let port = stub_server(
        "400 Bad Request",
        &[("x-amz-bucket-region", "eu-west-1")],
        AWS_REGION_ERROR,
    );
    let endpoint = format!("http://127.0.0.1:{port}");
    let (code, report, _) = doctor(
        &sandbox,
        "AKIDEXAMPLE",
        "secret",
        &["--endpoint-url", &endpoint, "s3://my-bucket"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(status(&report, "endpoint"), "pass", "{report:#}");
    assert_eq!(
        summary(&report, "credentials and region"),
        "bucket my-bucket is in region eu-west-1, not \"us-east-1\" (from default): HTTP 400 \
         AuthorizationQueryParametersError: Error parsing the X-Amz-Credential parameter; the \
         region 'us-east-1' is wrong; expecting 'eu-west-1'"
    );
    assert_eq!(
        check(&report, "credentials and region")["fix"],
        "pass --region eu-west-1 (or set AWS_REGION=eu-west-1, or region = eu-west-1 in the profile)"
    );
    // The same body without the header: the region comes from <Region>.
    let port = stub_server("400 Bad Request", &[], AWS_REGION_ERROR);
    let endpoint = format!("http://127.0.0.1:{port}");
    let (_, report, _) = doctor(
        &sandbox,
        "AKIDEXAMPLE",
        "secret",
        &["--endpoint-url", &endpoint, "s3://my-bucket"],
    );
    assert!(
        summary(&report, "credentials and region")
            .starts_with("bucket my-bucket is in region eu-west-1")
    );
}

#[test]
fn the_tls_check_names_an_untrusted_issuer_and_passes_with_the_bundle() {
    let Some(servers) = servers() else { return };
    let server = servers.iter().find(|s| s.name == "s3s-fs").unwrap();
    let sandbox = Sandbox::new();
    let ca = TestCa::new("presign doctor CA");
    let bundle = ca.write_bundle(&sandbox.path("ca.pem"));
    let port = tls_front(
        socket_of(&server.endpoint),
        ca.server_cert(&["localhost"], 4000),
    );
    let endpoint = format!("https://localhost:{port}");
    let target = format!("s3://{}", server.bucket);
    let (code, report, _) = doctor(
        &sandbox,
        &server.access_key,
        &server.secret_key,
        &["--endpoint-url", &endpoint, &target],
    );
    assert_eq!(code, Some(1));
    assert!(
        summary(&report, "endpoint")
            .starts_with("the server's certificate is not trusted (issued by CN=presign doctor CA"),
        "{report:#}"
    );
    assert!(
        check(&report, "endpoint")["fix"]
            .as_str()
            .unwrap()
            .starts_with("pass --ca-bundle FILE")
    );
    let (code, report, _) = doctor(
        &sandbox,
        &server.access_key,
        &server.secret_key,
        &[
            "--endpoint-url",
            &endpoint,
            "--ca-bundle",
            bundle.to_str().unwrap(),
            &target,
        ],
    );
    assert_eq!(code, Some(0), "{report:#}");
    assert!(
        detail(&report, "endpoint", "certificate").contains("issued by CN=presign doctor CA"),
        "{report:#}"
    );
    assert!(
        detail(&report, "endpoint", "tls").starts_with("TLSv1_3"),
        "{report:#}"
    );
    assert!(
        detail(&report, "configuration", "trusted certificates")
            .contains("(1 certificate, from --ca-bundle)"),
        "{report:#}"
    );
}

#[test]
fn doctor_says_which_proxy_it_used() {
    let Some(servers) = servers() else { return };
    let server = &servers[0];
    let sandbox = Sandbox::new();
    let proxy = TestProxy::start();
    let target = format!("s3://{}", server.bucket);
    let done = run(sandbox
        .command()
        .env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &server.secret_key)
        .env("HTTP_PROXY", proxy.url())
        .args([
            "doctor",
            "--output",
            "json",
            "--endpoint-url",
            &server.endpoint,
            &target,
        ]));
    let report: Value = serde_json::from_str(&done.stdout).unwrap();
    assert_eq!(done.code, Some(0), "{report:#}");
    let used = format!("{} (from HTTP_PROXY)", proxy.url());
    assert_eq!(detail(&report, "configuration", "proxy"), used);
    assert!(
        detail(&report, "endpoint", "proxy").starts_with(&format!("{used}: CONNECT 127.0.0.1:")),
        "{report:#}"
    );
    // The probe's own CONNECT, then the agent's (its GET and the bucket
    // request may share one pooled connection).
    assert!(
        proxy.tunnels().len() >= 2,
        "the probe and the requests: {:?}",
        proxy.tunnels()
    );
}

#[test]
fn bad_usage_exits_2() {
    let sandbox = Sandbox::new();
    run(sandbox
        .aws_command()
        .args(["doctor", "bucket-without-scheme"]))
    .refused();
    run(sandbox
        .aws_command()
        .args(["doctor", "--at", "yesterday", "s3://bucket"]))
    .refused();
    run(sandbox.aws_command().args(["doctor", "--output", "yaml"])).refused();
}

#[test]
fn configuration_problems_fail_the_first_check_and_skip_the_rest() {
    let sandbox = Sandbox::new();
    let (code, report, _) = {
        let done = run(sandbox
            .command()
            .args(["doctor", "--output", "json", "s3://bucket"]));
        (
            done.code,
            serde_json::from_str::<Value>(&done.stdout).unwrap(),
            done,
        )
    };
    assert_eq!(code, Some(1));
    assert_eq!(status(&report, "configuration"), "fail");
    assert!(
        summary(&report, "configuration").contains("no credentials found"),
        "{report:#}"
    );
    assert_eq!(status(&report, "endpoint"), "skip");
}

/// Issue 23, item 14: an endpoint that is a web server, not S3 (Python's
/// http.server: a directory listing at /, an HTML 404 page for the bucket;
/// and a server that answers every path with a 200 web page): the
/// credentials check says that the endpoint does not answer as S3 does and
/// what it answered, instead of "read the server's message above" with no
/// message.
#[test]
fn an_endpoint_that_is_not_s3_is_named_with_what_it_answered() {
    let sandbox = Sandbox::new();
    let site = sandbox.path("site");
    std::fs::create_dir(&site).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut web = std::process::Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
        ])
        .current_dir(&site)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 runs http.server");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "http.server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let page_everywhere = stub_server(
        "200 OK",
        &[],
        "<!DOCTYPE html><html><body><h1>Welcome to the intranet</h1></body></html>",
    );
    for (port, http_status) in [(port, "404"), (page_everywhere, "200")] {
        let endpoint = format!("http://127.0.0.1:{port}");
        let (code, report, _) = doctor(
            &sandbox,
            "AKIDEXAMPLE",
            "secret",
            &["--endpoint-url", &endpoint, "s3://my-bucket"],
        );
        assert_eq!(code, Some(1), "{report:#}");
        assert_eq!(status(&report, "endpoint"), "pass", "{report:#}");
        let said = summary(&report, "credentials and region");
        assert!(
            said.contains(&format!("{endpoint} does not answer as S3 does"))
                && said.contains(&format!("got HTTP {http_status} with"))
                && said.contains("<!DOCTYPE"),
            "{said}"
        );
        let fix = check(&report, "credentials and region")["fix"]
            .as_str()
            .unwrap();
        assert!(
            fix.contains("--endpoint-url") && !fix.contains("message above"),
            "{fix}"
        );
    }
    let _ = web.kill();
    let _ = web.wait();
}
