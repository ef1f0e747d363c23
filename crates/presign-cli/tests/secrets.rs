//! Secrets stay secret: the secret access key and the derived signing key
//! appear in no output mode and on no stderr unless `--show-secrets` is given,
//! and neither they nor the session token appear in any error message, even
//! for malformed credential files that hold them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{
    AWS_ACCESS_KEY_ID, AWS_ARGS, AWS_AT, AWS_SECRET_ACCESS_KEY, AWS_SIGNING_KEY, Run, Sandbox, run,
    uri_encode,
};

/// A secret and a token no output could hold by chance. Both are valid, so
/// the failing runs below fail for another reason.
const SECRET: &str = "DistinctiveSecret+Key/Zq81xVw3=Plum";
const TOKEN: &str = "DistinctiveSessionToken9Kq2Wm7Tz4Fig";
/// A secret without '=', so a line `aws_secret_access_key PLAIN_SECRET` has no
/// '=' at all (with [`SECRET`] it would split inside the secret).
const PLAIN_SECRET: &str = "DistinctivePlainSecretKq27Vx9LmBr5";

const OUTPUT_MODES: [&str; 4] = ["url", "json", "curl", "explain"];

/// Panics if `text` holds `secret`, raw, percent-encoded, or either half of
/// it (each half is long enough to be distinctive on its own).
fn assert_no_leak(text: &str, secret: &str, what: &str, context: &str) {
    let half = secret.len() / 2;
    let needles = [
        secret.to_owned(),
        uri_encode(secret),
        secret[..half].to_owned(),
        secret[half..].to_owned(),
    ];
    for needle in &needles {
        assert!(
            !text.contains(needle.as_str()),
            "{context}: the {what} (or part of it, {needle:?}) leaked into:\n{text}"
        );
    }
}

/// Panics if `text` holds the AWS example's signing key, in any case.
fn assert_no_signing_key(text: &str, context: &str) {
    assert!(
        !text.to_ascii_lowercase().contains(AWS_SIGNING_KEY),
        "{context}: the signing key leaked into:\n{text}"
    );
}

/// The AWS example (whose signing key is published) in one output mode,
/// optionally with a session token and a signed header.
fn aws_example(mode: &str, token: bool, extra: &[&str]) -> Run {
    let sandbox = Sandbox::new();
    let mut command = sandbox.aws_command();
    if token {
        command.env("AWS_SESSION_TOKEN", TOKEN);
    }
    run(command.args(["--output", mode]).args(extra).args(AWS_ARGS))
}

#[test]
fn secret_and_signing_key_appear_in_no_output_mode_or_stderr_by_default() {
    let variants: [(bool, &[&str]); 3] = [
        (false, &[]),
        (true, &[]),
        (true, &["-X", "PUT", "--content-type", "text/plain"]),
    ];
    for mode in OUTPUT_MODES {
        for (token, extra) in variants {
            let context = format!("--output {mode}, token {token}, {extra:?}");
            let result = aws_example(mode, token, extra);
            let stderr = result.stderr.clone();
            let stdout = result.ok();
            for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
                let context = format!("{context}, {stream}");
                assert_no_leak(text, AWS_SECRET_ACCESS_KEY, "secret access key", &context);
                assert_no_signing_key(text, &context);
            }
        }
    }
}

#[test]
fn a_distinctive_secret_appears_in_no_output_mode_by_default() {
    for mode in OUTPUT_MODES {
        let sandbox = Sandbox::new();
        let result = run(sandbox
            .command()
            .env("AWS_ACCESS_KEY_ID", "AKIDDISTINCTIVE")
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_SESSION_TOKEN", TOKEN)
            .args(["--at", AWS_AT, "--output", mode, "s3://bucket/key"]));
        let stderr = result.stderr.clone();
        let stdout = result.ok();
        assert_no_leak(&stdout, SECRET, "secret access key", mode);
        assert_no_leak(&stderr, SECRET, "secret access key", mode);
        assert_no_leak(&stderr, TOKEN, "session token", mode);
    }
}

#[test]
fn explain_with_show_secrets_shows_the_signing_key_and_the_secret() {
    let result = aws_example("explain", false, &["--show-secrets"]);
    let stdout = result.ok();
    assert!(stdout.contains(AWS_SIGNING_KEY), "{stdout}");
    assert!(stdout.contains(AWS_SECRET_ACCESS_KEY), "{stdout}");
}

#[test]
fn json_with_show_secrets_shows_the_signing_key() {
    let result = aws_example("json", false, &["--show-secrets"]);
    let json: serde_json::Value = serde_json::from_str(&result.ok()).unwrap();
    assert_eq!(json["signing_key"], AWS_SIGNING_KEY);
}

#[test]
fn show_secrets_keeps_secrets_off_stderr() {
    for mode in ["json", "explain"] {
        let result = aws_example(mode, true, &["--show-secrets"]);
        assert_no_leak(
            &result.stderr,
            AWS_SECRET_ACCESS_KEY,
            "secret access key",
            mode,
        );
        assert_no_signing_key(&result.stderr, mode);
        assert_no_leak(&result.stderr, TOKEN, "session token", mode);
    }
}

/// Invocations that fail after the credentials are resolved, each for a
/// reason unrelated to them.
const FAILING_INVOCATIONS: [(&str, &[&str]); 12] = [
    ("expiry zero", &["--expires-in", "0", "s3://bucket/key"]),
    (
        "expiry too long",
        &["--expires-in", "8d", "s3://bucket/key"],
    ),
    (
        "expiry not a number",
        &["--expires-in=1.5", "s3://bucket/key"],
    ),
    ("bucket with upper case", &["s3://Bad_Bucket/key"]),
    ("bucket too short", &["s3://ab/key"]),
    ("not an s3 URI", &["https://bucket/key"]),
    (
        "endpoint with ftp scheme",
        &["--endpoint-url", "ftp://s3.example.com", "s3://bucket/key"],
    ),
    (
        "endpoint with user info",
        &[
            "--endpoint-url",
            "https://user:pw@s3.example.com",
            "s3://bucket/key",
        ],
    ),
    (
        "header name with a space",
        &["--header", "x amz: 1", "s3://bucket/key"],
    ),
    (
        "header without a colon",
        &["--header", "no-colon", "s3://bucket/key"],
    ),
    (
        "--at not a timestamp",
        &["--at", "yesterday", "s3://bucket/key"],
    ),
    (
        "query colliding with the token parameter",
        &["--query", "X-Amz-Security-Token=x", "s3://bucket/key"],
    ),
];

#[test]
fn failing_invocations_print_neither_the_session_token_nor_the_secret() {
    for (what, args) in FAILING_INVOCATIONS {
        for mode in ["url", "explain"] {
            let sandbox = Sandbox::new();
            let mut command = sandbox.command();
            command
                .env("AWS_ACCESS_KEY_ID", "AKIDDISTINCTIVE")
                .env("AWS_SECRET_ACCESS_KEY", SECRET)
                .env("AWS_SESSION_TOKEN", TOKEN)
                .args(["--output", mode]);
            if !args.contains(&"--at") {
                command.args(["--at", AWS_AT]);
            }
            let stderr = run(command.args(args)).refused();
            let context = format!("{what} (--output {mode})");
            assert_no_leak(&stderr, TOKEN, "session token", &context);
            assert_no_leak(&stderr, SECRET, "secret access key", &context);
        }
    }
}

#[test]
fn failing_invocations_with_show_secrets_print_no_secret() {
    for (what, args) in FAILING_INVOCATIONS {
        let sandbox = Sandbox::new();
        let mut command = sandbox.aws_command();
        command
            .env("AWS_SESSION_TOKEN", TOKEN)
            .args(["--output", "explain", "--show-secrets"]);
        if !args.contains(&"--at") {
            command.args(["--at", AWS_AT]);
        }
        let stderr = run(command.args(args)).refused();
        assert_no_leak(&stderr, TOKEN, "session token", what);
        assert_no_leak(&stderr, AWS_SECRET_ACCESS_KEY, "secret access key", what);
        assert_no_signing_key(&stderr, what);
    }
}

#[test]
fn an_invalid_session_token_is_refused_without_being_echoed() {
    for token in [
        format!("{TOKEN}\nInjected"),
        format!("{TOKEN} with spaces"),
        format!("{TOKEN}\u{e9}"),
    ] {
        let sandbox = Sandbox::new();
        let stderr = run(sandbox
            .aws_command()
            .env("AWS_SESSION_TOKEN", &token)
            .args(AWS_ARGS))
        .refused();
        assert_no_leak(&stderr, TOKEN, "session token", &format!("{token:?}"));
    }
}

#[test]
fn an_invalid_secret_is_refused_without_being_echoed() {
    for secret in [format!("{SECRET}\u{e9}"), format!("{SECRET}\nx")] {
        let sandbox = Sandbox::new();
        let stderr = run(sandbox
            .command()
            .env("AWS_ACCESS_KEY_ID", "AKIDDISTINCTIVE")
            .env("AWS_SECRET_ACCESS_KEY", &secret)
            .args(AWS_ARGS))
        .refused();
        assert_no_leak(&stderr, SECRET, "secret access key", &format!("{secret:?}"));
    }
}

/// Credentials files that cannot be used, each holding a secret (the third
/// value) and sometimes the token.
fn malformed_credentials_files() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "a garbage line next to the secret",
            format!(
                "[default]\naws_access_key_id = AKIDDISTINCTIVE\ngarbage\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
            ),
            SECRET,
        ),
        (
            "the secret's line without '='",
            format!(
                "[default]\naws_access_key_id = AKIDDISTINCTIVE\naws_secret_access_key {PLAIN_SECRET}\n"
            ),
            PLAIN_SECRET,
        ),
        (
            "the secret's line without ' = ' (the secret's own '=' splits it)",
            format!(
                "[default]\naws_access_key_id = AKIDDISTINCTIVE\naws_secret_access_key {SECRET}\n"
            ),
            SECRET,
        ),
        (
            "the token's line without '='",
            format!(
                "[default]\naws_access_key_id = AKIDDISTINCTIVE\naws_secret_access_key = {SECRET}\naws_session_token {TOKEN}\n"
            ),
            SECRET,
        ),
        (
            "the secret indented under a key with a value",
            format!(
                "[default]\naws_access_key_id = AKIDDISTINCTIVE\n  aws_secret_access_key = {SECRET}\n"
            ),
            SECRET,
        ),
        (
            "the secret before any section",
            format!(
                "aws_secret_access_key = {SECRET}\n[default]\naws_access_key_id = AKIDDISTINCTIVE\n"
            ),
            SECRET,
        ),
        (
            "an unclosed header above the secret",
            format!(
                "[default\naws_access_key_id = AKIDDISTINCTIVE\naws_secret_access_key = {SECRET}\n"
            ),
            SECRET,
        ),
        (
            "a secret without an access key id",
            format!("[default]\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"),
            SECRET,
        ),
        (
            "a secret whose key is empty",
            format!("[default]\naws_access_key_id = AKIDDISTINCTIVE\n= {SECRET}\n"),
            SECRET,
        ),
    ]
}

#[test]
fn malformed_credentials_file_errors_print_no_secret() {
    for (what, text, secret) in malformed_credentials_files() {
        let sandbox = Sandbox::new();
        sandbox.write_credentials(&text);
        let stderr = run(sandbox.command().args(AWS_ARGS)).refused();
        assert_no_leak(&stderr, secret, "secret access key", what);
        assert_no_leak(&stderr, TOKEN, "session token", what);
    }
}

#[test]
fn malformed_config_file_errors_print_no_secret() {
    for (what, text, secret) in malformed_credentials_files() {
        // The config file names profiles `[profile NAME]` or `[default]`;
        // the same bodies work with `[default]`.
        let sandbox = Sandbox::new();
        sandbox.write_config(&text);
        let stderr = run(sandbox.command().args(AWS_ARGS)).refused();
        assert_no_leak(&stderr, secret, "secret access key", what);
        assert_no_leak(&stderr, TOKEN, "session token", what);
    }
}

#[test]
fn malformed_credentials_file_errors_with_a_named_profile_print_no_secret() {
    let sandbox = Sandbox::new();
    sandbox.write_credentials(&format!(
        "[default]\naws_access_key_id = {AWS_ACCESS_KEY_ID}\naws_secret_access_key = {AWS_SECRET_ACCESS_KEY}\n[dev]\naws_secret_access_key = {SECRET}\n"
    ));
    let stderr = run(sandbox.command().args(["--profile", "dev"]).args(AWS_ARGS)).refused();
    assert_no_leak(&stderr, SECRET, "secret access key", "--profile dev");
    assert_no_leak(
        &stderr,
        AWS_SECRET_ACCESS_KEY,
        "default profile's secret",
        "--profile dev",
    );
}

#[test]
fn malformed_ibm_credentials_file_errors_print_no_secret() {
    let files = [
        (
            "a syntax error after the secret",
            format!(
                r#"{{"cos_hmac_keys": {{"access_key_id": "IBMKEYID", "secret_access_key": "{SECRET}",}}}}"#
            ),
        ),
        (
            "an unquoted secret",
            format!(
                r#"{{"cos_hmac_keys": {{"access_key_id": "IBMKEYID", "secret_access_key": {SECRET}}}}}"#
            ),
        ),
        (
            "no access key id",
            format!(r#"{{"cos_hmac_keys": {{"secret_access_key": "{SECRET}"}}}}"#),
        ),
        (
            "the keys outside cos_hmac_keys",
            format!(r#"{{"access_key_id": "IBMKEYID", "secret_access_key": "{SECRET}"}}"#),
        ),
        ("an array holding the secret", format!(r#"["{SECRET}"]"#)),
        (
            "an invalid secret",
            format!(
                r#"{{"cos_hmac_keys": {{"access_key_id": "IBMKEYID", "secret_access_key": "{SECRET}\u00e9"}}}}"#
            ),
        ),
    ];
    for (what, text) in files {
        let sandbox = Sandbox::new();
        let file = sandbox.write("cos.json", &text);
        let stderr = run(sandbox
            .command()
            .arg("--ibm-credentials")
            .arg(&file)
            .args(AWS_ARGS))
        .refused();
        assert_no_leak(&stderr, SECRET, "secret access key", what);
    }
}
