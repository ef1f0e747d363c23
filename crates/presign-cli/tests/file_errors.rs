//! Every error about a file the command reads or writes names the file and
//! gives the operating system's cause exactly once (issue 13.8: `cannot read
//! IBM COS credentials file /nonexistent.json: No such file or directory (os
//! error 2): No such file or directory (os error 2)`), exits 2 and prints
//! nothing on stdout. One test per kind of file: the IBM COS credentials
//! file, the shared credentials and config files, batch `--input`, the file
//! `upload` sends (in one PUT or in parts), the folder `download` writes
//! into, and a `--ca-bundle`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::{Sandbox, run};

const NOT_FOUND: &str = "No such file or directory (os error 2)";
const IS_A_DIRECTORY: &str = "Is a directory (os error 21)";
/// presign's own cause for a directory given as a file to read (a directory
/// opens on Unix and fails only at the first read).
const A_DIRECTORY: &str = "it is a directory";

/// Asserts that `stderr` is one `presign: error:` line that starts with
/// `message` and holds `cause` exactly once.
fn assert_one_cause(stderr: &str, message: &str, cause: &str) {
    assert_eq!(stderr.lines().count(), 1, "one line expected:\n{stderr}");
    let line = stderr.trim_end();
    assert!(
        line.starts_with(&format!("presign: error: {message}")),
        "expected {message:?}:\n{stderr}"
    );
    assert_eq!(
        line.matches(cause).count(),
        1,
        "the cause {cause:?} must appear exactly once:\n{stderr}"
    );
}

#[test]
fn an_unreadable_ibm_credentials_file_is_named_with_its_cause_once() {
    let sandbox = Sandbox::new();
    let missing = sandbox.path("nonexistent.json");
    let stderr = run(sandbox
        .command()
        .arg("--ibm-credentials")
        .arg(&missing)
        .arg("s3://bucket/key"))
    .refused();
    let message = format!(
        "cannot read IBM COS credentials file {}: ",
        missing.display()
    );
    assert_one_cause(&stderr, &message, NOT_FOUND);
}

#[test]
fn an_unreadable_shared_credentials_or_config_file_is_named_with_its_cause_once() {
    for variable in ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"] {
        let sandbox = Sandbox::new();
        // A folder where the file should be: it exists but cannot be read.
        let folder = sandbox.path("a-folder");
        std::fs::create_dir(&folder).unwrap();
        let stderr = run(sandbox
            .aws_command()
            .env(variable, &folder)
            .arg("s3://bucket/key"))
        .refused();
        let message = format!("cannot read {}: ", folder.display());
        assert_one_cause(&stderr, &message, IS_A_DIRECTORY);
    }
}

#[test]
fn a_missing_or_unreadable_batch_input_is_named_with_its_cause_once() {
    let sandbox = Sandbox::new();
    let missing = sandbox.path("keys.txt");
    let folder = sandbox.path("keys");
    std::fs::create_dir(&folder).unwrap();
    for (input, cause) in [(&missing, NOT_FOUND), (&folder, A_DIRECTORY)] {
        let stderr = run(sandbox
            .aws_command()
            .args(["batch", "s3://bucket", "--input"])
            .arg(input))
        .refused();
        let message = format!("cannot read --input {}: ", input.display());
        assert_one_cause(&stderr, &message, cause);
    }
}

/// A PUT URL signed now for a server that is never contacted.
fn put_url(sandbox: &Sandbox) -> String {
    let stdout = run(sandbox.aws_command().args([
        "-X",
        "PUT",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "s3://bucket/key",
    ]))
    .ok();
    stdout.trim_end().to_owned()
}

#[test]
fn a_missing_or_unreadable_upload_file_is_named_with_its_cause_once() {
    let sandbox = Sandbox::new();
    let url = put_url(&sandbox);
    let missing = sandbox.path("photo.png");
    let folder = sandbox.path("photos");
    std::fs::create_dir(&folder).unwrap();
    for (file, cause) in [(&missing, NOT_FOUND), (&folder, A_DIRECTORY)] {
        let stderr = run(sandbox.aws_command().args(["upload", &url]).arg(file)).refused();
        let message = format!("cannot read {}: ", file.display());
        assert_one_cause(&stderr, &message, cause);
    }
}

#[test]
fn a_missing_or_unreadable_multipart_upload_file_is_named_before_anything_is_sent() {
    let sandbox = Sandbox::new();
    let missing = sandbox.path("big.iso");
    let folder = sandbox.path("isos");
    std::fs::create_dir(&folder).unwrap();
    for (file, cause) in [(&missing, NOT_FOUND), (&folder, A_DIRECTORY)] {
        // Nothing listens on port 9: a CreateMultipartUpload would be
        // retried and reported; the file's error comes first, alone.
        let stderr = run(sandbox
            .aws_command()
            .args([
                "upload",
                "--multipart",
                "s3://bucket/big.iso",
                "--endpoint-url",
                "http://127.0.0.1:9",
            ])
            .arg(file))
        .refused();
        let message = format!("cannot read {}: ", file.display());
        assert_one_cause(&stderr, &message, cause);
    }
}

/// Serves one request with `200 OK` and a short body; returns the port.
fn serve_one_object() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0_u8; 8192];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
            );
        }
    });
    port
}

#[test]
fn a_download_into_a_missing_folder_is_named_with_its_cause_once() {
    let sandbox = Sandbox::new();
    let port = serve_one_object();
    let url = run(sandbox.aws_command().args([
        "--endpoint-url",
        &format!("http://127.0.0.1:{port}"),
        "s3://bucket/key",
    ]))
    .ok();
    let folder = sandbox.path("no-such-folder");
    let stderr = run(sandbox
        .aws_command()
        .args(["download", "--quiet", url.trim_end(), "-o"])
        .arg(folder.join("key")))
    .refused();
    let message = format!("cannot create a file in {}: ", folder.display());
    assert_one_cause(&stderr, &message, NOT_FOUND);
    assert!(!folder.exists());
}

#[test]
fn an_unreadable_ca_bundle_is_named_with_its_cause_once() {
    let sandbox = Sandbox::new();
    let url = put_url(&sandbox);
    let file = sandbox.write("upload.txt", "data");
    let missing = sandbox.path("private-ca.pem");
    let stderr = run(sandbox
        .aws_command()
        .args(["upload", "--ca-bundle"])
        .arg(&missing)
        .arg(&url)
        .arg(&file))
    .refused();
    let message = format!(
        "cannot read the CA bundle {} (from --ca-bundle): ",
        missing.display()
    );
    assert_one_cause(&stderr, &message, NOT_FOUND);
}
