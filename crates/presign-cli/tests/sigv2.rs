//! `presign --signature-version s3` and the profile's `s3.signature_version`:
//! the flag, the setting, which wins, bad values (exit 2), what SigV2 cannot
//! sign (exit 2 naming the flag), and the explain, json, curl and batch
//! outputs.
//!
//! Expected URLs are the AWS SigV2 documentation's query-string example
//! (GET /johnsmith/photos/puppy.jpg, Expires 1175139620, signature
//! NpgCjnDzrM+WFzoENXmpNDUsSn8=) and, for a PUT with headers and a session
//! token, what botocore 1.43.11 gives with `signature_version='s3'`
//! (`scripts/botocore_presign_v2.py`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{AWS_SECRET_ACCESS_KEY, Sandbox, only_line, run};

/// The AWS documentation's example as of its signing instant.
const DOC_ARGS: [&str; 8] = [
    "--endpoint-url",
    "https://s3.amazonaws.com",
    "--addressing-style",
    "virtual",
    "--at",
    "2007-03-29T02:40:20Z",
    "--expires-in",
    "3600",
];
const DOC_URI: &str = "s3://johnsmith/photos/puppy.jpg";
const DOC_URL: &str = "https://johnsmith.s3.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620";

#[test]
fn the_flag_signs_the_aws_documentation_example_with_sigv2() {
    let sandbox = Sandbox::new();
    let stdout = run(sandbox
        .aws_command()
        .args(["--signature-version", "s3"])
        .args(DOC_ARGS)
        .arg(DOC_URI))
    .ok();
    assert_eq!(only_line(&stdout), DOC_URL);
}

#[test]
fn sigv4_stays_the_default_and_s3v4_names_it() {
    let sandbox = Sandbox::new();
    let default = run(sandbox.aws_command().args(DOC_ARGS).arg(DOC_URI)).ok();
    let explicit = run(sandbox
        .aws_command()
        .args(["--signature-version", "s3v4"])
        .args(DOC_ARGS)
        .arg(DOC_URI))
    .ok();
    assert_eq!(default, explicit);
    assert!(default.contains("X-Amz-Signature="), "{default}");
    assert!(!default.contains("AWSAccessKeyId="), "{default}");
}

#[test]
fn the_profile_setting_signs_with_sigv2_and_the_flag_wins_over_it() {
    let sandbox = Sandbox::new();
    sandbox.write_config("[default]\ns3 =\n  signature_version = s3\n");
    let from_profile = run(sandbox.aws_command().args(DOC_ARGS).arg(DOC_URI)).ok();
    assert_eq!(only_line(&from_profile), DOC_URL);

    let flag_wins = run(sandbox
        .aws_command()
        .args(["--signature-version", "s3v4"])
        .args(DOC_ARGS)
        .arg(DOC_URI))
    .ok();
    let sigv4 = run(Sandbox::new().aws_command().args(DOC_ARGS).arg(DOC_URI)).ok();
    assert_eq!(flag_wins, sigv4);

    let json = run(sandbox
        .aws_command()
        .args(DOC_ARGS)
        .args(["--output", "json", DOC_URI]))
    .ok();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["signature_version"], "s3");
    let source = value["signature_version_source"].as_str().unwrap();
    assert!(
        source.starts_with("profile 'default' in ") && source.ends_with("(s3 section)"),
        "{source}"
    );
}

#[test]
fn a_bad_flag_value_is_exit_2_naming_the_flag_and_the_values() {
    let stderr = run(Sandbox::new()
        .aws_command()
        .args(["--signature-version", "v2", DOC_URI]))
    .refused();
    assert!(stderr.contains("--signature-version"), "{stderr}");
    assert!(stderr.contains("[possible values: s3, s3v4]"), "{stderr}");
}

#[test]
fn a_bad_profile_value_is_exit_2_naming_the_setting_and_the_values() {
    let sandbox = Sandbox::new();
    let config = sandbox.write_config("[default]\ns3 =\n  signature_version = sigv2\n");
    let stderr = run(sandbox.aws_command().args(DOC_ARGS).arg(DOC_URI)).refused();
    assert!(
        stderr.contains(&format!(
            "invalid `s3.signature_version` in profile 'default' in {}: expected one of s3 (SigV2), s3v4 (SigV4, the default)",
            config.display()
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains("sigv2"),
        "the bad value is not echoed: {stderr}"
    );
}

#[test]
fn what_sigv2_cannot_sign_is_exit_2_naming_the_flag() {
    let sandbox = Sandbox::new();
    let stderr = run(sandbox
        .aws_command()
        .args(["--signature-version", "s3", "-X", "POST"])
        .args(DOC_ARGS)
        .arg(DOC_URI))
    .refused();
    assert!(
        stderr.contains("method POST cannot be presigned with SigV2") && stderr.contains("-X"),
        "{stderr}"
    );
    let stderr = run(sandbox
        .aws_command()
        .args(["--signature-version", "s3", "-H", "Cache-Control: no-cache"])
        .args(DOC_ARGS)
        .arg(DOC_URI))
    .refused();
    assert!(
        stderr.contains("header \"Cache-Control\" is invalid: SigV2 signs only")
            && stderr.contains("--header"),
        "{stderr}"
    );
    // The same header signs with SigV4.
    run(sandbox
        .aws_command()
        .args(["-H", "Cache-Control: no-cache"])
        .args(DOC_ARGS)
        .arg(DOC_URI))
    .ok();
}

/// The PUT botocore 1.43.11 signs with `signature_version='s3'` for these
/// inputs.
const PUT_URL: &str = "http://127.0.0.1:9000/johnsmith/photos/puppy%201.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=jhQqVgIwK2Htsj3udQrg3USJ9%2BU%3D&content-type=image%2Fjpeg&x-amz-meta-owner=alice&x-amz-security-token=TOKEN%2F%2B%3D&Expires=1175139620";

fn put_command(sandbox: &Sandbox) -> assert_cmd::Command {
    let mut command = sandbox.aws_command();
    command
        .env("AWS_SESSION_TOKEN", "TOKEN/+=")
        .args(["--signature-version", "s3", "-X", "PUT"])
        .args(["--endpoint-url", "http://127.0.0.1:9000"])
        .args(["--at", "2007-03-29T02:40:20Z", "--expires-in", "3600"])
        .args(["--content-type", "image/jpeg", "--meta", "owner=alice"]);
    command
}

#[test]
fn headers_and_a_session_token_sign_as_botocore_signs_them() {
    let sandbox = Sandbox::new();
    let stdout = run(put_command(&sandbox).arg("s3://johnsmith/photos/puppy 1.jpg")).ok();
    assert_eq!(only_line(&stdout), PUT_URL);
}

#[test]
fn explain_shows_the_sigv2_string_to_sign_and_never_the_secret() {
    let sandbox = Sandbox::new();
    let run = run(put_command(&sandbox).args([
        "--output",
        "explain",
        "s3://johnsmith/photos/puppy 1.jpg",
    ]));
    let stderr = run.stderr.clone();
    let stdout = run.ok();
    assert!(
        stdout.contains("SigV2 (signature version s3, from --signature-version)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "\n1. String to sign (method, Content-MD5, Content-Type, Expires, x-amz-* headers, \
             /bucket/key and sub-resources)\nPUT\n\nimage/jpeg\n1175139620\n\
             x-amz-meta-owner:alice\nx-amz-security-token:TOKEN/+=\n/johnsmith/photos/puppy%201.jpg\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "2. Signature: base64 of HMAC-SHA1(secret key, string to sign)\njhQqVgIwK2Htsj3udQrg3USJ9+U=\n"
        ),
        "{stdout}"
    );
    assert!(stdout.ends_with(&format!("\nURL\n{PUT_URL}\n")), "{stdout}");
    assert!(!stdout.contains(AWS_SECRET_ACCESS_KEY) && !stderr.contains(AWS_SECRET_ACCESS_KEY));
}

#[test]
fn json_says_signature_version_s3() {
    let sandbox = Sandbox::new();
    let stdout =
        run(put_command(&sandbox).args(["--output", "json", "s3://johnsmith/photos/puppy 1.jpg"]))
            .ok();
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["signature_version"], "s3");
    assert_eq!(value["url"], PUT_URL);
    assert_eq!(value["expires"], 1_175_139_620);
    assert_eq!(value["signature"], "jhQqVgIwK2Htsj3udQrg3USJ9+U=");
    assert_eq!(value["headers"]["content-type"], "image/jpeg");
    assert_eq!(value["session_token"], true);
    assert!(!stdout.contains(AWS_SECRET_ACCESS_KEY));
}

#[test]
fn curl_sends_the_signed_headers_with_the_sigv2_url() {
    let sandbox = Sandbox::new();
    let stdout =
        run(put_command(&sandbox).args(["--output", "curl", "s3://johnsmith/photos/puppy 1.jpg"]))
            .ok();
    assert_eq!(
        stdout,
        format!(
            "curl -X PUT -H 'content-type: image/jpeg' -H 'x-amz-meta-owner: alice' \
             --upload-file 'puppy 1.jpg' '{PUT_URL}'\n"
        )
    );
}

#[test]
fn batch_signs_every_line_with_sigv2_from_the_flag_or_the_profile() {
    let batch = |sandbox: &Sandbox, args: &[&str], input: &str| {
        let mut command = sandbox.aws_command();
        command
            .arg("batch")
            .args(args)
            .args(DOC_ARGS)
            .arg("s3://johnsmith/photos/")
            .write_stdin(input);
        run(&mut command).ok()
    };
    let sandbox = Sandbox::new();
    let from_flag = batch(&sandbox, &["--signature-version", "s3"], "puppy.jpg\n");
    assert_eq!(from_flag, format!("{DOC_URL}\n"));

    let profile = Sandbox::new();
    profile.write_config("[default]\ns3 =\n  signature_version = s3\n");
    // A JSON line with overrides of its own signs with SigV2 too.
    let jsonl = batch(
        &profile,
        &["--input-format", "jsonl"],
        "{\"key\": \"puppy.jpg\"}\n{\"key\": \"puppy.jpg\", \"expires_in\": 3600}\n",
    );
    assert_eq!(jsonl, format!("{DOC_URL}\n{DOC_URL}\n"));
    // The flag wins over the profile in batch too.
    let sigv4 = batch(&profile, &["--signature-version", "s3v4"], "puppy.jpg\n");
    assert!(sigv4.contains("X-Amz-Signature="), "{sigv4}");

    let stderr = run(sandbox
        .aws_command()
        .args([
            "batch",
            "--signature-version",
            "s3",
            "-H",
            "Range: bytes=0-1",
        ])
        .args(DOC_ARGS)
        .arg("s3://johnsmith/photos/")
        .write_stdin("puppy.jpg\n"))
    .refused();
    assert!(stderr.contains("SigV2 signs only"), "{stderr}");
}

/// `presign inspect` on the SigV2 URL the CLI signs: no signing time and no
/// scope (SigV2 carries neither), the expiry, the headers to send and the
/// token's presence, never its value.
#[test]
fn inspect_reads_a_sigv2_url_the_cli_signed() {
    let sandbox = Sandbox::new();
    let url = only_line(&run(put_command(&sandbox).arg("s3://johnsmith/photos/puppy 1.jpg")).ok())
        .to_owned();
    let text = run(sandbox
        .command()
        .args(["inspect", &url, "--at", "2007-03-29T03:30:20Z"]))
    .ok();
    for line in [
        "bucket          johnsmith\n",
        "key             photos/puppy 1.jpg\n",
        "access key id   AKIAIOSFODNN7EXAMPLE\n",
        "algorithm       HmacSHA1 (SigV2, signature version s3: no region, no scope)\n",
        "signed at       not in the URL (SigV2 carries only its expiry)\n",
        "expires at      2007-03-29T03:40:20Z\n",
        "time left       10m (as of 2007-03-29T03:30:20Z)\n",
        "signed headers  content-type, x-amz-meta-owner\n",
        "session token   present (not shown)\n",
        "query           none besides the signature's\n",
    ] {
        assert!(text.contains(line), "{line:?} in:\n{text}");
    }
    assert!(!text.contains("TOKEN"), "{text}");
    let json = run(sandbox.command().args([
        "inspect",
        &url,
        "--output",
        "json",
        "--at",
        "2007-03-29T03:40:21Z",
    ]))
    .ok();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["signature_version"], "s3");
    assert_eq!(value["algorithm"], "HmacSHA1");
    assert_eq!(value["signed_at"], serde_json::Value::Null);
    assert_eq!(value["expires_in"], serde_json::Value::Null);
    assert_eq!(value["expired"], true);
    assert_eq!(value["time_left_seconds"], -1);
    assert_eq!(value["session_token_parameter"], "x-amz-security-token");
    assert!(!json.contains("TOKEN"), "{json}");
}

/// `presign verify` on SigV2 URLs: the CLI's own PUT (its headers must be
/// sent), the AWS documentation's GET, and each way to get it wrong with
/// its exit code (1: rejected, 2: not a presigned URL).
#[test]
fn verify_checks_a_sigv2_url_as_a_server_would() {
    let sandbox = Sandbox::new();
    let url = only_line(&run(put_command(&sandbox).arg("s3://johnsmith/photos/puppy 1.jpg")).ok())
        .to_owned();
    let verify = |extra: &[&str], url: &str| {
        run(sandbox
            .aws_command()
            .args(["verify", url, "--at", "2007-03-29T03:00:00Z"])
            .args(extra))
    };
    let headers = [
        "--content-type",
        "image/jpeg",
        "-H",
        "x-amz-meta-owner: alice",
    ];
    let put: Vec<&str> = ["-X", "PUT"].into_iter().chain(headers).collect();
    assert_eq!(
        verify(&put, &url).ok(),
        "valid (SigV2): PUT /johnsmith/photos/puppy 1.jpg, signed by AKIAIOSFODNN7EXAMPLE, \
         expires at 2007-03-29T03:40:20Z\n"
    );
    let without_headers = verify(&["-X", "PUT"], &url);
    assert_eq!(without_headers.code, Some(1));
    assert!(
        without_headers
            .stderr
            .contains("the URL signs the header content-type, but no value for it was given"),
        "{}",
        without_headers.stderr
    );
    let as_get: Vec<&str> = headers.into_iter().collect();
    let as_get = verify(&as_get, &url);
    assert_eq!(as_get.code, Some(1));
    assert!(
        as_get
            .stderr
            .contains("the URL was signed for PUT; send it with PUT"),
        "{}",
        as_get.stderr
    );
    let other_key = url.replace("puppy%201", "puppy%202");
    let tampered = verify(&put, &other_key);
    assert_eq!(tampered.code, Some(1));
    assert!(
        tampered.stderr.contains("signature mismatch"),
        "{}",
        tampered.stderr
    );
    let late = run(sandbox
        .aws_command()
        .args(["verify", &url, "--at", "2007-03-29T03:40:20Z"])
        .args(&put));
    assert_eq!(late.code, Some(1));
    assert!(
        late.stderr
            .contains("the URL expired at 2007-03-29T03:40:20Z"),
        "{}",
        late.stderr
    );
    let refused = verify(&put, &url.replace("&Expires=1175139620", "")).refused();
    assert!(
        refused.contains("the URL has no Expires parameter"),
        "{refused}"
    );
    for run in [without_headers, as_get, tampered, late] {
        assert!(!run.stderr.contains(AWS_SECRET_ACCESS_KEY) && !run.stderr.contains("TOKEN"));
    }

    assert_eq!(
        run(sandbox
            .aws_command()
            .args(["verify", DOC_URL, "--at", "2007-03-29T02:40:20Z"]))
        .ok(),
        "valid (SigV2): GET /photos/puppy.jpg, signed by AKIAIOSFODNN7EXAMPLE, expires at \
         2007-03-29T03:40:20Z\n"
    );
}
