//! TLS trust and proxies for every request presign sends: a certificate
//! authority and server certificates made here (rcgen), a TLS front on
//! 127.0.0.1 before the s3s-fs interop server, and an HTTP proxy written
//! here. Needs the interop servers (`PRESIGN_INTEROP_SERVERS`, as
//! `scripts/test.sh` sets it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::net::{TestCa, TestProxy, socket_of, tls_front};
use common::servers::{Server, servers};
use common::{Run, Sandbox, run};

/// The s3s-fs interop server, or `None` outside the interop environment.
fn s3s_fs() -> Option<Server> {
    servers()?
        .into_iter()
        .find(|server| server.name == "s3s-fs")
}

/// `presign ARGS` with `server`'s keys.
fn presign(sandbox: &Sandbox, server: &Server, args: &[&str]) -> assert_cmd::Command {
    let mut command = sandbox.command();
    command
        .env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &server.secret_key)
        .args(args);
    command
}

/// A presigned URL for `key` on `endpoint` (path style, us-east-1).
fn sign(sandbox: &Sandbox, server: &Server, endpoint: &str, method: &str, key: &str) -> String {
    let url = run(&mut presign(
        sandbox,
        server,
        &[
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
            "--addressing-style",
            "path",
            "-X",
            method,
            &format!("s3://{}/{key}", server.bucket),
        ],
    ))
    .ok();
    url.trim_end().to_owned()
}

/// Uploads `body` to `key` through `endpoint` with `extra` flags.
fn upload(sandbox: &Sandbox, server: &Server, endpoint: &str, key: &str, extra: &[&str]) -> Run {
    let file = sandbox.write("body.txt", "hello through TLS\n");
    let url = sign(sandbox, server, endpoint, "PUT", key);
    run(presign(
        sandbox,
        server,
        &[&["upload", "--quiet", &url, file.to_str().unwrap()], extra].concat(),
    )
    .env_remove("AWS_CA_BUNDLE"))
}

#[test]
fn a_private_ca_is_refused_without_the_bundle_and_accepted_with_it() {
    let Some(server) = s3s_fs() else { return };
    let sandbox = Sandbox::new();
    let ca = TestCa::new("presign test CA");
    let bundle = ca.write_bundle(&sandbox.path("ca.pem"));
    let port = tls_front(
        socket_of(&server.endpoint),
        ca.server_cert(&["localhost", "127.0.0.1"], 4000),
    );
    let endpoint = format!("https://localhost:{port}");

    // Without the bundle: refused, and the message says why and what to do.
    let refused = upload(&sandbox, &server, &endpoint, "tls/a.txt", &[]);
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(
        refused.stderr.contains(
            "the server's certificate is not trusted (issued by CN=presign test CA, not in the system store"
        ),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("pass --ca-bundle FILE"),
        "{}",
        refused.stderr
    );

    // With --ca-bundle: accepted.
    let accepted = upload(
        &sandbox,
        &server,
        &endpoint,
        "tls/a.txt",
        &["--ca-bundle", bundle.to_str().unwrap()],
    );
    assert_eq!(accepted.code, Some(0), "{}", accepted.stderr);

    // With AWS_CA_BUNDLE: the object comes back.
    let get = sign(&sandbox, &server, &endpoint, "GET", "tls/a.txt");
    let out = sandbox.path("back.txt");
    let downloaded = run(presign(
        &sandbox,
        &server,
        &["download", "--quiet", &get, "-o", out.to_str().unwrap()],
    )
    .env("AWS_CA_BUNDLE", &bundle));
    assert_eq!(downloaded.code, Some(0), "{}", downloaded.stderr);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "hello through TLS\n"
    );

    // With the profile's ca_bundle.
    sandbox.write_config(&format!("[default]\nca_bundle = {}\n", bundle.display()));
    let sent = run(&mut presign(
        &sandbox,
        &server,
        &["send", "-X", "GET", "--quiet", &get],
    ));
    assert_eq!(sent.code, Some(0), "{}", sent.stderr);
    assert_eq!(sent.stdout, "hello through TLS\n");
}

#[test]
fn no_verify_ssl_works_and_warns_every_time() {
    let Some(server) = s3s_fs() else { return };
    let sandbox = Sandbox::new();
    let ca = TestCa::new("presign untrusted CA");
    let port = tls_front(
        socket_of(&server.endpoint),
        ca.server_cert(&["localhost"], 4000),
    );
    let endpoint = format!("https://localhost:{port}");
    for _ in 0..2 {
        let sent = upload(
            &sandbox,
            &server,
            &endpoint,
            "tls/insecure.txt",
            &["--no-verify-ssl"],
        );
        assert_eq!(sent.code, Some(0), "{}", sent.stderr);
        assert!(
            sent.stderr
                .contains("warning: --no-verify-ssl: server certificates are not verified"),
            "{}",
            sent.stderr
        );
    }
}

/// Uploads through a TLS front presenting a certificate for `names`, valid
/// until `valid_until_year`, issued by a CA given as --ca-bundle; the
/// refusal must say `expected`.
fn refused_with(names: &[&str], valid_until_year: i32, expected: &str) {
    let Some(server) = s3s_fs() else { return };
    let sandbox = Sandbox::new();
    let ca = TestCa::new("presign test CA");
    let bundle = ca.write_bundle(&sandbox.path("ca.pem"));
    let port = tls_front(
        socket_of(&server.endpoint),
        ca.server_cert(names, valid_until_year),
    );
    let endpoint = format!("https://localhost:{port}");
    let refused = upload(
        &sandbox,
        &server,
        &endpoint,
        "tls/refused.txt",
        &["--ca-bundle", bundle.to_str().unwrap()],
    );
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(refused.stderr.contains(expected), "{}", refused.stderr);
}

#[test]
fn a_certificate_for_another_host_is_explained() {
    refused_with(
        &["other.example.com"],
        4000,
        "the certificate is for other.example.com, not localhost",
    );
}

#[test]
fn an_expired_certificate_is_explained() {
    refused_with(
        &["localhost"],
        2021,
        "the server's certificate for localhost expired on 2021-01-01T00:00:00Z",
    );
}

#[test]
fn an_unreadable_ca_bundle_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let not_pem = sandbox.write("not.pem", "just text\n");
    let url = "http://127.0.0.1:9/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=0000000000000000000000000000000000000000000000000000000000000000";
    let stderr =
        run(sandbox
            .command()
            .args(["send", url, "--ca-bundle", not_pem.to_str().unwrap()]))
        .refused();
    assert!(stderr.contains("holds no PEM certificate"), "{stderr}");
    let stderr = run(sandbox
        .command()
        .args(["send", url])
        .env("AWS_CA_BUNDLE", sandbox.path("missing.pem")))
    .refused();
    assert!(
        stderr.contains("cannot read the CA bundle") && stderr.contains("AWS_CA_BUNDLE"),
        "{stderr}"
    );
}

#[test]
fn requests_go_through_the_proxy_of_their_scheme_unless_no_proxy_names_the_host() {
    let Some(server) = s3s_fs() else { return };
    let sandbox = Sandbox::new();
    let proxy = TestProxy::start();
    let upstream = socket_of(&server.endpoint).to_string();

    // http:// through HTTP_PROXY.
    let file = sandbox.write("proxied.txt", "via the proxy\n");
    let put = sign(&sandbox, &server, &server.endpoint, "PUT", "proxy/a.txt");
    let sent = run(presign(
        &sandbox,
        &server,
        &["upload", "--quiet", &put, file.to_str().unwrap()],
    )
    .env("HTTP_PROXY", proxy.url()));
    assert_eq!(sent.code, Some(0), "{}", sent.stderr);
    assert_eq!(proxy.tunnels(), [upstream]);

    // NO_PROXY: straight to the server.
    let get = sign(&sandbox, &server, &server.endpoint, "GET", "proxy/a.txt");
    let sent = run(presign(&sandbox, &server, &["send", "--quiet", &get])
        .env("HTTP_PROXY", proxy.url())
        .env("NO_PROXY", "localhost,127.0.0.1"));
    assert_eq!(
        (sent.code, sent.stdout.as_str()),
        (Some(0), "via the proxy\n"),
        "{}",
        sent.stderr
    );
    assert_eq!(proxy.tunnels().len(), 1);

    // HTTPS_PROXY is not used for http:// URLs.
    let sent =
        run(presign(&sandbox, &server, &["send", "--quiet", &get]).env("HTTPS_PROXY", proxy.url()));
    assert_eq!(sent.code, Some(0), "{}", sent.stderr);
    assert_eq!(proxy.tunnels().len(), 1);

    // https:// through HTTPS_PROXY, to a TLS front.
    let ca = TestCa::new("presign test CA");
    let bundle = ca.write_bundle(&sandbox.path("ca.pem"));
    let port = tls_front(
        socket_of(&server.endpoint),
        ca.server_cert(&["localhost"], 4000),
    );
    let get = sign(
        &sandbox,
        &server,
        &format!("https://localhost:{port}"),
        "GET",
        "proxy/a.txt",
    );
    let sent = run(presign(
        &sandbox,
        &server,
        &[
            "send",
            "--quiet",
            &get,
            "--ca-bundle",
            bundle.to_str().unwrap(),
        ],
    )
    .env("HTTPS_PROXY", proxy.url()));
    assert_eq!(
        (sent.code, sent.stdout.as_str()),
        (Some(0), "via the proxy\n"),
        "{}",
        sent.stderr
    );
    assert_eq!(
        proxy.tunnels().last().unwrap(),
        &format!("localhost:{port}")
    );
}

#[test]
fn a_proxy_that_is_down_is_named() {
    let Some(server) = s3s_fs() else { return };
    let sandbox = Sandbox::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let get = sign(&sandbox, &server, &server.endpoint, "GET", "proxy/none.txt");
    let sent = run(presign(&sandbox, &server, &["send", &get]).env("HTTP_PROXY", &dead));
    assert_eq!(sent.code, Some(1), "{}", sent.stderr);
    assert!(
        sent.stderr.contains(&format!("proxy {dead}")) && sent.stderr.contains("HTTP_PROXY"),
        "{}",
        sent.stderr
    );
}
