//! Interop of POST policies: forms signed by `presign post`, sent by
//! `presign upload --post`, against the real servers `scripts/test.sh`
//! starts (see `common::servers`), and `presign verify --post` judging each
//! form the way those servers do.
//!
//! What each server checks was found by experiment (docs/servers.md, "POST
//! policies"): s3s-fs and SeaweedFS check the signature, the expiry and
//! every condition, and refuse fields the policy does not name; s3rver
//! stores whatever is posted without checking; nanio has no POST Object.
//! SeaweedFS puts the file's name in place of `${filename}`; s3s-fs and
//! s3rver store the key as sent, `${filename}` and all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::Sandbox;
use common::servers::{Server, servers};
use serde_json::Value;

/// The servers that check POST policies.
const CHECKING: [&str; 2] = ["s3s-fs", "seaweedfs"];

/// `presign` with `server`'s credentials in the environment.
fn presign(sandbox: &Sandbox, server: &Server) -> Command {
    let mut command = sandbox.std_command();
    command
        .env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &server.secret_key);
    command
}

/// (exit code, stdout, stderr) of `command`.
fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("run presign");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Signs a form for `uri` (under the server's bucket) with `flags` and
/// writes it to `form.json` in the sandbox.
fn sign_form(sandbox: &Sandbox, server: &Server, key: &str, flags: &[&str]) -> PathBuf {
    let (code, stdout, stderr) = run(presign(sandbox, server)
        .args([
            "post",
            "--endpoint-url",
            &server.endpoint,
            "--region",
            "us-east-1",
        ])
        .args(flags)
        .arg(format!("s3://{}/{key}", server.bucket)));
    assert_eq!(code, 0, "{}: presign post failed: {stderr}", server.name);
    let path = sandbox.path("form.json");
    std::fs::write(&path, stdout).unwrap();
    path
}

/// Changes the form file at `path` with `change`.
fn edit_form(path: &Path, change: impl FnOnce(&mut Value)) {
    let mut form: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    change(&mut form);
    std::fs::write(path, serde_json::to_string(&form).unwrap()).unwrap();
}

/// A file of `size` bytes named `name` in the sandbox.
fn file(sandbox: &Sandbox, name: &str, size: usize) -> PathBuf {
    let path = sandbox.path(name);
    let bytes: Vec<u8> = (0..size)
        .map(|i| u8::try_from(i * 31 % 251).unwrap())
        .collect();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// What is done with a form and a file.
#[derive(Clone, Copy)]
enum Use {
    /// `presign upload --post FORM FILE`.
    Upload,
    /// `presign verify --post FORM --file FILE`.
    Verify,
}

/// Runs `presign upload|verify --post FORM [--file] FILE ARGS...`: (exit
/// code, stderr).
fn with_form(
    sandbox: &Sandbox,
    server: &Server,
    form: &Path,
    file: &Path,
    args: &[&str],
    what: Use,
) -> (i32, String) {
    let mut command = presign(sandbox, server);
    match what {
        Use::Upload => command.arg("upload"),
        Use::Verify => command.arg("verify"),
    };
    command.arg("--post").arg(form);
    if matches!(what, Use::Verify) {
        command.arg("--file");
    }
    let (code, _, stderr) = run(command.arg(file).args(args));
    (code, stderr)
}

fn upload(
    sandbox: &Sandbox,
    server: &Server,
    form: &Path,
    file: &Path,
    args: &[&str],
) -> (i32, String) {
    with_form(sandbox, server, form, file, args, Use::Upload)
}

fn verify(
    sandbox: &Sandbox,
    server: &Server,
    form: &Path,
    file: &Path,
    args: &[&str],
) -> (i32, String) {
    with_form(sandbox, server, form, file, args, Use::Verify)
}

/// The object's bytes and Content-Type, read back through presigned URLs.
fn read_back(sandbox: &Sandbox, server: &Server, key: &str) -> Result<(Vec<u8>, String), String> {
    let sign = |method: &str| {
        let (code, stdout, stderr) = run(presign(sandbox, server).args([
            "--endpoint-url",
            &server.endpoint,
            "--region",
            "us-east-1",
            "-X",
            method,
            &format!("s3://{}/{key}", server.bucket),
        ]));
        assert_eq!(code, 0, "signing failed: {stderr}");
        stdout.trim_end().to_owned()
    };
    let target = sandbox.path("read-back.bin");
    let _ = std::fs::remove_file(&target);
    let (code, _, stderr) = run(presign(sandbox, server).args([
        "download",
        "--quiet",
        &sign("GET"),
        "-o",
        target.to_str().unwrap(),
    ]));
    if code != 0 {
        return Err(format!("GET {key:?}: exit {code}: {stderr}"));
    }
    let (code, headers, stderr) =
        run(presign(sandbox, server).args(["send", "--quiet", "-X", "HEAD", &sign("HEAD")]));
    if code != 0 {
        return Err(format!("HEAD {key:?}: exit {code}: {stderr}"));
    }
    let content_type = headers
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    Ok((std::fs::read(&target).unwrap(), content_type))
}

/// Runs `check` on each server named in `names` that runs, failing once with
/// every failure.
fn on_servers(
    names: &[&str],
    scenario: &str,
    check: impl Fn(&Sandbox, &Server) -> Result<(), String>,
) {
    let Some(servers) = servers() else { return };
    let mut failures = Vec::new();
    let mut ran = 0;
    for server in servers
        .iter()
        .filter(|server| names.contains(&server.name.as_str()))
    {
        ran += 1;
        let sandbox = Sandbox::new();
        if let Err(message) = check(&sandbox, server) {
            failures.push(format!("{}: {message}", server.name));
        }
    }
    assert_eq!(
        ran,
        names.len(),
        "{scenario}: not every server of {names:?} runs"
    );
    assert!(
        failures.is_empty(),
        "{scenario} failed on:\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_form_upload_stores_the_bytes_and_the_content_type() {
    on_servers(
        &["s3s-fs", "seaweedfs", "s3rver"],
        "form upload",
        |sandbox, server| {
            // A fixed key and type.
            let form = sign_form(
                sandbox,
                server,
                "post/exact.png",
                &["--content-type", "image/png", "--max-size", "1MiB"],
            );
            let photo = file(sandbox, "photo.png", 300_000);
            let (code, stderr) = upload(sandbox, server, &form, &photo, &[]);
            if code != 0 {
                return Err(format!("exact key: upload exit {code}: {stderr}"));
            }
            let (bytes, content_type) = read_back(sandbox, server, "post/exact.png")?;
            if bytes != std::fs::read(&photo).unwrap() || content_type != "image/png" {
                return Err(format!(
                    "exact key: read back {} bytes of type {content_type:?}",
                    bytes.len()
                ));
            }
            // A key prefix and a type the uploader chooses within image/*.
            let form = sign_form(sandbox, server, "post/in/", &["--content-type", "image/*"]);
            let (code, stderr) = upload(
                sandbox,
                server,
                &form,
                &photo,
                &[
                    "--content-type",
                    "image/gif",
                    "--field",
                    "key=post/in/chosen.gif",
                ],
            );
            if code != 0 {
                return Err(format!("key prefix: upload exit {code}: {stderr}"));
            }
            let (bytes, content_type) = read_back(sandbox, server, "post/in/chosen.gif")?;
            if bytes != std::fs::read(&photo).unwrap() || content_type != "image/gif" {
                return Err(format!(
                    "key prefix: read back {} bytes of type {content_type:?}",
                    bytes.len()
                ));
            }
            Ok(())
        },
    );
}

#[test]
fn filename_is_put_in_the_key_by_seaweedfs_and_stored_as_sent_by_s3s_fs_and_s3rver() {
    on_servers(
        &["s3s-fs", "seaweedfs", "s3rver"],
        "${filename}",
        |sandbox, server| {
            let form = sign_form(sandbox, server, "post/named/", &[]);
            let report = file(sandbox, "report.txt", 1000);
            let (code, stderr) = upload(sandbox, server, &form, &report, &[]);
            if code != 0 {
                return Err(format!("upload exit {code}: {stderr}"));
            }
            let key = if server.name == "seaweedfs" {
                "post/named/report.txt"
            } else {
                "post/named/${filename}"
            };
            let (bytes, _) = read_back(sandbox, server, key)?;
            if bytes != std::fs::read(&report).unwrap() {
                return Err(format!("{key}: read back {} bytes", bytes.len()));
            }
            Ok(())
        },
    );
}

/// One way a form upload breaks its policy.
struct Violation {
    name: &'static str,
    /// The key or prefix, and `presign post` flags.
    key: &'static str,
    flags: Vec<String>,
    /// The size of the file sent.
    size: usize,
    /// Fields the uploader sets.
    fields: Vec<&'static str>,
    /// How the form is changed after signing.
    edit: fn(&mut Value),
    /// S3 error codes a server may answer with.
    codes: &'static [&'static str],
    /// What `presign verify --post` says.
    verify_says: &'static str,
}

fn no_edit(_: &mut Value) {}

fn violations() -> Vec<Violation> {
    let recently = |seconds: i64| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let at = jiff::Timestamp::from_second(i64::try_from(now).unwrap() - seconds).unwrap();
        at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    };
    let size = |flags: &[&str]| flags.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        Violation {
            name: "too large",
            key: "post/v/",
            flags: size(&["--max-size", "1000"]),
            size: 1001,
            fields: vec![],
            edit: no_edit,
            codes: &["EntityTooLarge"],
            verify_says: "content-length-range",
        },
        Violation {
            name: "too small",
            key: "post/v/",
            flags: size(&["--min-size", "10", "--max-size", "1000"]),
            size: 9,
            fields: vec![],
            edit: no_edit,
            codes: &["EntityTooSmall"],
            verify_says: "content-length-range",
        },
        Violation {
            name: "key outside the prefix",
            key: "post/v/",
            flags: vec![],
            size: 100,
            fields: vec!["--field", "key=elsewhere/x.bin"],
            edit: no_edit,
            codes: &["InvalidPolicyDocument", "AccessDenied"],
            verify_says: "[\"starts-with\", \"$key\", \"post/v/\"]",
        },
        Violation {
            name: "wrong content type",
            key: "post/v/",
            flags: size(&["--content-type", "image/*"]),
            size: 100,
            fields: vec!["--content-type", "text/html"],
            edit: no_edit,
            codes: &["InvalidPolicyDocument", "AccessDenied"],
            verify_says: "$Content-Type",
        },
        Violation {
            name: "expired",
            key: "post/v/",
            // Signed 2 minutes ago, valid 1 minute: x-amz-date is within
            // any clock skew allowance, the policy has expired.
            flags: vec![
                "--at".to_owned(),
                recently(120),
                "--expires-in".to_owned(),
                "60".to_owned(),
            ],
            size: 100,
            fields: vec![],
            edit: no_edit,
            codes: &["AccessDenied"],
            verify_says: "expired",
        },
        Violation {
            name: "tampered policy",
            key: "post/v/",
            flags: size(&["--max-size", "1000"]),
            size: 2000,
            fields: vec![],
            edit: |form| {
                // The same document with a larger size limit, base64 again.
                let policy = form["fields"]["policy"].as_str().unwrap().to_owned();
                let text = String::from_utf8(BASE64.decode(policy).unwrap()).unwrap();
                let text = text.replace(
                    "\"content-length-range\", 0, 1000]",
                    "\"content-length-range\", 0, 1000000]",
                );
                form["fields"]["policy"] = Value::String(BASE64.encode(text));
            },
            codes: &["SignatureDoesNotMatch"],
            verify_says: "signature mismatch",
        },
        Violation {
            name: "tampered signature",
            key: "post/v/",
            flags: vec![],
            size: 100,
            fields: vec![],
            edit: |form| {
                let signature = form["fields"]["x-amz-signature"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                let first = if signature.starts_with('0') { "1" } else { "0" };
                form["fields"]["x-amz-signature"] =
                    Value::String(format!("{first}{}", &signature[1..]));
            },
            codes: &["SignatureDoesNotMatch"],
            verify_says: "signature mismatch",
        },
        Violation {
            name: "extra uncovered field",
            key: "post/v/",
            flags: vec![],
            size: 100,
            fields: vec!["--field", "x-amz-meta-extra=1"],
            edit: no_edit,
            codes: &["AccessDenied"],
            verify_says: "not named by any condition",
        },
    ]
}

#[test]
fn every_violation_is_refused_by_the_servers_that_check_and_by_verify() {
    on_servers(&CHECKING, "violations", |sandbox, server| {
        let mut problems = Vec::new();
        for violation in violations() {
            let flags: Vec<&str> = violation.flags.iter().map(String::as_str).collect();
            let form = sign_form(sandbox, server, violation.key, &flags);
            let data = file(sandbox, "data.bin", violation.size);
            // The same form unchanged, with a file and fields it allows, is
            // accepted: the refusal below is the violation's.
            if violation.name != "expired" {
                let within = file(sandbox, "within.bin", 100);
                let allowed: &[&str] = if flags.contains(&"image/*") {
                    &["--content-type", "image/png"]
                } else {
                    &[]
                };
                let (code, stderr) = upload(sandbox, server, &form, &within, allowed);
                let (verdict, reason) = verify(sandbox, server, &form, &within, allowed);
                if code != 0 || verdict != 0 {
                    problems.push(format!("{}: the allowed upload: exit {code} ({stderr}), verify exit {verdict} ({reason})", violation.name));
                    continue;
                }
            }
            edit_form(&form, violation.edit);
            let (code, stderr) = upload(sandbox, server, &form, &data, &violation.fields);
            if code != 1 || !violation.codes.iter().any(|c| stderr.contains(c)) {
                problems.push(format!(
                    "{}: upload exit {code}, expected 1 with {:?}: {stderr}",
                    violation.name, violation.codes
                ));
            }
            let (verdict, reason) = verify(sandbox, server, &form, &data, &violation.fields);
            if verdict != 1 || !reason.contains(violation.verify_says) {
                problems.push(format!(
                    "{}: verify exit {verdict}, expected 1 with {:?}: {reason}",
                    violation.name, violation.verify_says
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n  "))
        }
    });
}

#[test]
fn s3rver_stores_forms_without_checking_them() {
    on_servers(&["s3rver"], "s3rver does not check", |sandbox, server| {
        let form = sign_form(sandbox, server, "post/unchecked.bin", &["--max-size", "10"]);
        edit_form(&form, |form| {
            form["fields"]["x-amz-signature"] = Value::String("0".repeat(64));
        });
        let data = file(sandbox, "data.bin", 100);
        let (code, stderr) = upload(
            sandbox,
            server,
            &form,
            &data,
            &["--field", "x-amz-meta-extra=1"],
        );
        if code != 0 {
            return Err(format!(
                "s3rver refused a form it is documented to accept: exit {code}: {stderr}"
            ));
        }
        let (verdict, _) = verify(
            sandbox,
            server,
            &form,
            &data,
            &["--field", "x-amz-meta-extra=1"],
        );
        if verdict != 1 {
            return Err(format!(
                "presign verify accepted a tampered form: exit {verdict}"
            ));
        }
        Ok(())
    });
}

#[test]
fn nanio_has_no_post_object() {
    on_servers(&["nanio"], "nanio has no POST", |sandbox, server| {
        let form = sign_form(sandbox, server, "post/x.bin", &[]);
        let data = file(sandbox, "data.bin", 100);
        let (code, stderr) = upload(sandbox, server, &form, &data, &[]);
        if code == 1 && stderr.contains("MissingAuthenticationToken") {
            Ok(())
        } else {
            Err(format!(
                "nanio answered a form upload unexpectedly: exit {code}: {stderr}"
            ))
        }
    });
}

#[test]
fn a_form_refused_while_a_64_mib_file_streams_shows_the_servers_s3_error() {
    // s3s-fs answers EntityTooLarge once it has read the fields and the
    // file's start, and closes while the body still streams: the write
    // breaks, and the HTTP agent reads the answer sent before it
    // (presign-http's early_answer). SeaweedFS reads the whole body first.
    // Either way the user sees the S3 error, not a broken pipe.
    on_servers(&CHECKING, "refused mid-stream", |sandbox, server| {
        let form = sign_form(sandbox, server, "post/big/", &["--max-size", "1MB"]);
        let big = file(sandbox, "big.bin", 64 << 20);
        let key = "post/big/refused.bin";
        let (code, stderr) = upload(
            sandbox,
            server,
            &form,
            &big,
            &["--field", &format!("key={key}")],
        );
        if code != 1 || !stderr.contains("Code       EntityTooLarge") {
            return Err(format!(
                "upload exit {code}, expected 1 with the S3 error EntityTooLarge: {stderr}"
            ));
        }
        if stderr.contains("Broken pipe") || stderr.contains("reset") {
            return Err(format!(
                "a transport error was shown beside the S3 error: {stderr}"
            ));
        }
        match read_back(sandbox, server, key) {
            Err(_) => Ok(()),
            Ok((bytes, _)) => Err(format!("the refused upload stored {} bytes", bytes.len())),
        }
    });
}
