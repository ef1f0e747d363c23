//! Interop: URLs made by `presign` against real, independently written
//! S3-compatible servers, with the requests sent by `presign download`,
//! `upload` and `send`; multipart uploads and resumed transfers in
//! `interop/multipart.rs` and `interop/transfers.rs`.
//!
//! `scripts/test.sh` installs and starts the servers (see
//! `scripts/servers/`) and points `PRESIGN_INTEROP_SERVERS` at the folder of
//! their `NAME.env` files. Without it the tests fail under CI and say how to
//! run them otherwise. Server quirks that botocore's URLs hit too are listed
//! in `QUIRKS` (and in `docs/servers.md`); nothing else is skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "interop/multipart.rs"]
mod multipart;
#[path = "interop/transfers.rs"]
mod transfers;

use std::process::Output;
use std::time::Duration;

use common::Sandbox;
use common::servers::{Server, servers};

/// (server, scenario, why it is skipped on that server). Every entry was
/// checked with a botocore URL for the same input, which the server
/// mishandles the same way.
const QUIRKS: &[(&str, &str, &str)] = &[(
    "nanio",
    "key \"slashes//double//slash.txt\"",
    "nanio refuses keys with empty segments (400 InvalidObjectName) whoever signed the URL; \
     a botocore 1.43.11 URL for the same key gets the same answer",
)];

impl Server {
    fn quirk(&self, scenario: &str) -> Option<&'static str> {
        QUIRKS
            .iter()
            .find(|(server, name, _)| *server == self.name && *name == scenario)
            .map(|(_, _, why)| *why)
    }
}

/// A presign invocation for `server`, with its credentials (or `secret`).
fn presign(sandbox: &Sandbox, server: &Server, secret: &str) -> std::process::Command {
    let mut command = sandbox.std_command();
    command
        .env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", secret);
    command
}

fn run(command: &mut std::process::Command) -> Output {
    command.output().expect("run presign")
}

/// A URL for `key` made by `presign` with `extra` flags.
fn sign(sandbox: &Sandbox, server: &Server, key: &str, extra: &[&str]) -> String {
    sign_with_secret(sandbox, server, key, extra, &server.secret_key)
}

fn sign_with_secret(
    sandbox: &Sandbox,
    server: &Server,
    key: &str,
    extra: &[&str],
    secret: &str,
) -> String {
    let has_region = extra.contains(&"--region");
    let mut command = presign(sandbox, server, secret);
    command.args([
        "--endpoint-url",
        &server.endpoint,
        "--addressing-style",
        "path",
    ]);
    if !has_region {
        command.args(["--region", "us-east-1"]);
    }
    command
        .args(extra)
        .arg(format!("s3://{}/{key}", server.bucket));
    let output = run(&mut command);
    assert!(
        output.status.success(),
        "{}: signing {key:?} failed: {}",
        server.name,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .trim_end()
        .to_owned()
}

/// Runs `presign SUBCOMMAND ...` and returns (exit code, stderr).
fn use_url(sandbox: &Sandbox, server: &Server, args: &[&str]) -> (i32, String) {
    let output = run(presign(sandbox, server, &server.secret_key).args(args));
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// PUTs `body` as `key` (with `extra` signing flags and `send` flags), then
/// GETs it back; returns what came back, or the failing step's stderr.
fn round_trip(
    sandbox: &Sandbox,
    server: &Server,
    key: &str,
    body: &[u8],
    extra: &[&str],
) -> Result<Vec<u8>, String> {
    let file = sandbox.path("upload.bin");
    std::fs::write(&file, body).unwrap();
    let put = sign(sandbox, server, key, &[&["-X", "PUT"], extra].concat());
    let (code, stderr) = use_url(
        sandbox,
        server,
        &["upload", "--quiet", &put, file.to_str().unwrap()],
    );
    if code != 0 {
        return Err(format!("upload exit {code}: {stderr}"));
    }
    let get = sign(sandbox, server, key, extra);
    let target = sandbox.path("download.bin");
    let _ = std::fs::remove_file(&target);
    let (code, stderr) = use_url(
        sandbox,
        server,
        &["download", "--quiet", &get, "-o", target.to_str().unwrap()],
    );
    if code != 0 {
        return Err(format!("download exit {code}: {stderr}"));
    }
    Ok(std::fs::read(&target).unwrap())
}

/// Runs `check` on every server and fails once, listing every failure.
fn on_every_server(scenario: &str, check: impl Fn(&Sandbox, &Server) -> Result<(), String>) {
    let Some(servers) = servers() else { return };
    let mut failures = Vec::new();
    for server in &servers {
        if let Some(why) = server.quirk(scenario) {
            eprintln!("{}: {scenario} skipped: {why}", server.name);
            continue;
        }
        let sandbox = Sandbox::new();
        if let Err(message) = check(&sandbox, server) {
            failures.push(format!("{}: {message}", server.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{scenario} failed on:\n{}",
        failures.join("\n")
    );
}

#[test]
fn get_put_head_delete_round_trip_byte_for_byte() {
    on_every_server("round trip", |sandbox, server| {
        let body: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let back = round_trip(sandbox, server, "round/trip.bin", &body, &[])?;
        if back != body {
            return Err(format!(
                "read back {} bytes, not the {} written",
                back.len(),
                body.len()
            ));
        }
        let head = sign(sandbox, server, "round/trip.bin", &["-X", "HEAD"]);
        let output = run(presign(sandbox, server, &server.secret_key)
            .args(["send", "--quiet", "-X", "HEAD", &head]));
        let headers = String::from_utf8_lossy(&output.stdout).to_ascii_lowercase();
        if !output.status.success() || !headers.contains("content-length: 300000") {
            return Err(format!(
                "HEAD: exit {:?}, headers {headers:?}",
                output.status.code()
            ));
        }
        let delete = sign(sandbox, server, "round/trip.bin", &["-X", "DELETE"]);
        let (code, stderr) = use_url(
            sandbox,
            server,
            &["send", "--quiet", "-X", "DELETE", &delete],
        );
        if code != 0 {
            return Err(format!("DELETE exit {code}: {stderr}"));
        }
        let get = sign(sandbox, server, "round/trip.bin", &[]);
        let (code, _) = use_url(sandbox, server, &["download", "--quiet", &get, "-o", "-"]);
        if code != 1 {
            return Err(format!(
                "GET after DELETE: exit {code}, expected 1 (the object is gone)"
            ));
        }
        Ok(())
    });
}

#[test]
fn tampered_wrong_secret_and_expired_urls_are_refused_with_exit_1() {
    on_every_server("rejections", |sandbox, server| {
        round_trip(sandbox, server, "reject/me.txt", b"secret data", &[])?;
        let good = sign(sandbox, server, "reject/me.txt", &[]);
        let tampered = flip_last_signature_digit(&good);
        let wrong_secret = sign_with_secret(
            sandbox,
            server,
            "reject/me.txt",
            &[],
            "not-the-secret-key-0123456789",
        );
        let expiring = sign(sandbox, server, "reject/me.txt", &["--expires-in", "1"]);
        std::thread::sleep(Duration::from_secs(3));
        for (what, url) in [
            ("tampered signature", &tampered),
            ("wrong secret", &wrong_secret),
            ("expired", &expiring),
        ] {
            let (code, stderr) = use_url(sandbox, server, &["download", "--quiet", url, "-o", "-"]);
            if code != 1 {
                return Err(format!("{what}: exit {code}, expected 1; stderr: {stderr}"));
            }
            if !stderr.contains("HTTP 403") {
                return Err(format!("{what}: expected HTTP 403, got: {stderr}"));
            }
        }
        Ok(())
    });
}

#[test]
fn a_put_that_signs_content_type_needs_exactly_that_header() {
    on_every_server("signed content-type", |sandbox, server| {
        let file = sandbox.path("note.txt");
        std::fs::write(&file, "hello").unwrap();
        let file = file.to_str().unwrap();
        let url = sign(
            sandbox,
            server,
            "typed/note.txt",
            &["-X", "PUT", "--content-type", "text/plain"],
        );
        let (code, stderr) = use_url(
            sandbox,
            server,
            &[
                "upload",
                "--quiet",
                &url,
                file,
                "--content-type",
                "text/plain",
            ],
        );
        if code != 0 {
            return Err(format!(
                "with the signed content-type: exit {code}: {stderr}"
            ));
        }
        let (code, stderr) = use_url(
            sandbox,
            server,
            &[
                "upload",
                "--quiet",
                &url,
                file,
                "--content-type",
                "text/html",
            ],
        );
        if code != 1 {
            return Err(format!(
                "with another content-type the server must refuse: exit {code}: {stderr}"
            ));
        }
        let (code, stderr) = use_url(sandbox, server, &["upload", "--quiet", &url, file]);
        if code != 2 || !stderr.contains("content-type") {
            return Err(format!(
                "without it presign must stop before sending: exit {code}: {stderr}"
            ));
        }
        Ok(())
    });
}

#[test]
fn regions_us_east_1_eu_de_and_empty_are_accepted() {
    for region in ["us-east-1", "eu-de", ""] {
        let scenario = format!("region {region:?}");
        on_every_server(&scenario, |sandbox, server| {
            let body = format!("signed in region {region:?}");
            let back = round_trip(
                sandbox,
                server,
                "regions/object.txt",
                body.as_bytes(),
                &["--region", region],
            )?;
            if back == body.as_bytes() {
                Ok(())
            } else {
                Err("read back other bytes".to_owned())
            }
        });
    }
}

#[test]
fn non_ascii_metadata_is_stored_rfc_2047_encoded_and_decodes_to_the_original() {
    // Issue 13.4: --meta owner=ålice was refused; S3 wants non-ASCII metadata
    // RFC 2047-encoded, and these servers store and return the value as sent.
    let metadata = [
        ("owner", "\u{e5}lice"),
        ("note", "Zo\u{eb} \u{1f600}"),
        ("team", "ops"),
    ];
    let meta_flags: Vec<String> = metadata
        .iter()
        .flat_map(|(key, value)| ["--meta".to_owned(), format!("{key}={value}")])
        .collect();
    let meta_flags: Vec<&str> = meta_flags.iter().map(String::as_str).collect();
    on_every_server("non-ASCII metadata", |sandbox, server| {
        let file = sandbox.path("meta.txt");
        std::fs::write(&file, "with metadata").unwrap();
        let put = sign(
            sandbox,
            server,
            "meta/object.txt",
            &[&["-X", "PUT"], &meta_flags[..]].concat(),
        );
        let upload: Vec<&str> = [
            &["upload", "--quiet", &put, file.to_str().unwrap()],
            &meta_flags[..],
        ]
        .concat();
        let (code, stderr) = use_url(sandbox, server, &upload);
        if code != 0 {
            return Err(format!("upload exit {code}: {stderr}"));
        }
        let head = sign(sandbox, server, "meta/object.txt", &["-X", "HEAD"]);
        let output = run(presign(sandbox, server, &server.secret_key)
            .args(["send", "--quiet", "-X", "HEAD", &head]));
        if !output.status.success() {
            return Err(format!("HEAD exit {:?}", output.status.code()));
        }
        let headers = String::from_utf8(output.stdout).unwrap();
        for (key, original) in metadata {
            let name = format!("x-amz-meta-{key}:");
            let Some(stored) = headers.lines().find_map(|line| {
                let (found, value) = line.split_at_checked(name.len())?;
                found.eq_ignore_ascii_case(&name).then(|| value.trim())
            }) else {
                return Err(format!("no {name} in the HEAD answer:\n{headers}"));
            };
            let read_back =
                presign::decode_metadata_value(stored).unwrap_or_else(|| stored.to_owned());
            if read_back != original {
                return Err(format!(
                    "{key}: stored {stored:?}, reads back {read_back:?}, not {original:?}"
                ));
            }
            if original.is_ascii() && stored != original {
                return Err(format!(
                    "{key}: the ASCII value {original:?} came back as {stored:?}"
                ));
            }
        }
        Ok(())
    });
}

/// The keys of the issue: spaces, unicode, every reserved character, `//`.
const TRICKY_KEYS: &[&str] = &[
    "with space/and  two spaces.txt",
    "unicode/é-NFC-ü-中文-😀.txt",
    "unicode/e\u{301}-NFD.txt",
    "reserved/+plus%percent~tilde!bang.txt",
    "reserved/?question#hash&amp=equals;semi:colon@at$dollar.txt",
    "reserved/(paren)[bracket]{brace}*star'quote.txt",
    "slashes//double//slash.txt",
];

#[test]
fn keys_with_spaces_unicode_reserved_characters_and_double_slashes_read_back_exactly() {
    for key in TRICKY_KEYS {
        let scenario = format!("key {key:?}");
        on_every_server(&scenario, |sandbox, server| {
            let body = format!("the object named {key:?}");
            let back = round_trip(sandbox, server, key, body.as_bytes(), &[])?;
            if back == body.as_bytes() {
                Ok(())
            } else {
                Err("read back other bytes".to_owned())
            }
        });
    }
}

/// The URL with the last hex digit of its signature changed.
fn flip_last_signature_digit(url: &str) -> String {
    let mut bytes = url.as_bytes().to_vec();
    let last = bytes.last_mut().unwrap();
    *last = if *last == b'0' { b'1' } else { b'0' };
    String::from_utf8(bytes).unwrap()
}

#[test]
fn verify_rejects_exactly_what_the_servers_reject() {
    on_every_server("verify agrees", |sandbox, server| {
        round_trip(sandbox, server, "verify/me.txt", b"verify me", &[])?;
        let good = sign(sandbox, server, "verify/me.txt", &[]);
        let tampered = flip_last_signature_digit(&good);
        let wrong_secret = sign_with_secret(
            sandbox,
            server,
            "verify/me.txt",
            &[],
            "not-the-secret-key-0123456789",
        );
        let expiring = sign(sandbox, server, "verify/me.txt", &["--expires-in", "1"]);
        std::thread::sleep(Duration::from_secs(3));
        let mut disagreements = Vec::new();
        for (what, url) in [
            ("good", &good),
            ("tampered signature", &tampered),
            ("wrong secret", &wrong_secret),
            ("expired", &expiring),
        ] {
            let (served, served_stderr) =
                use_url(sandbox, server, &["download", "--quiet", url, "-o", "-"]);
            // `presign()` puts the server's credentials in the environment.
            let (verified, verify_stderr) = use_url(sandbox, server, &["verify", url]);
            if ![0, 1].contains(&served) || ![0, 1].contains(&verified) {
                return Err(format!(
                    "{what}: download exit {served} ({served_stderr}), verify exit {verified} \
                     ({verify_stderr}); expected 0 or 1 from each"
                ));
            }
            if what == "good" && served != 0 {
                return Err(format!(
                    "the good URL must be served: exit {served}: {served_stderr}"
                ));
            }
            if served != verified {
                disagreements.push(format!(
                    "{what}: the server {} it (exit {served}), presign verify {} it \
                     (exit {verified}: {})",
                    if served == 0 { "accepted" } else { "refused" },
                    if verified == 0 {
                        "accepted"
                    } else {
                        "rejected"
                    },
                    verify_stderr.trim()
                ));
            }
        }
        if disagreements.is_empty() {
            Ok(())
        } else {
            Err(disagreements.join("; "))
        }
    });
}
