//! The `presign` command's behaviour: exit codes, output formats, the
//! s3:// operand, configuration precedence, and what goes to stdout versus
//! stderr. Every run is isolated from the real machine (see `common`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../presign/tests/support/corpus.rs"]
mod corpus;

mod common;

use common::{
    AWS_ACCESS_KEY_ID, AWS_ARGS, AWS_AT, AWS_SECRET_ACCESS_KEY, AWS_SIGNATURE, AWS_SIGNING_KEY,
    AWS_URL, Sandbox, only_line, query_names, query_param, run,
};
use pretty_assertions::assert_eq;

/// A valid IBM COS endpoint, for runs that need a custom endpoint.
const IBM_ENDPOINT: &str = "https://s3.us-south.cloud-object-storage.appdomain.cloud";

/// The corpus case of the AWS documentation example (found by its published
/// URL), for its canonical request and string to sign.
fn aws_doc_case() -> corpus::Case {
    corpus::presign_corpora()
        .into_iter()
        .flat_map(|(_, corpus)| corpus.cases)
        .find(|case| case.expected.url == AWS_URL)
        .expect("the corpus holds the AWS documentation example")
}

/// The region in the credential scope of `url` (between the date and `s3`).
fn scope_region(url: &str) -> String {
    let credential = query_param(url, "X-Amz-Credential").expect("X-Amz-Credential");
    let parts: Vec<&str> = credential.split("%2F").collect();
    assert_eq!(parts.len(), 5, "credential {credential}");
    parts[2].to_owned()
}

/// The access key id in the credential scope of `url`.
fn scope_access_key(url: &str) -> String {
    let credential = query_param(url, "X-Amz-Credential").expect("X-Amz-Credential");
    credential.split("%2F").next().unwrap().to_owned()
}

/// The value of the `  name   value` field line of `--output explain`.
fn explain_field<'a>(explain: &'a str, name: &str) -> &'a str {
    explain
        .lines()
        .find_map(|line| {
            let rest = line.strip_prefix("  ")?.strip_prefix(name)?;
            rest.starts_with(' ').then(|| rest.trim())
        })
        .unwrap_or_else(|| panic!("no {name:?} field in:\n{explain}"))
}

// ---------------------------------------------------------------------------
// The documented example, exit codes, stdout versus stderr
// ---------------------------------------------------------------------------

#[test]
fn readme_first_command_reproduces_the_aws_documentation_url() {
    let sandbox = Sandbox::new();
    let stdout = run(sandbox.aws_command().args(AWS_ARGS)).ok();
    assert_eq!(stdout, format!("{AWS_URL}\n"));
}

#[test]
fn unknown_flag_is_a_usage_error_with_exit_code_2() {
    let sandbox = Sandbox::new();
    let stderr = run(sandbox
        .aws_command()
        .args(["--no-such-flag", "s3://bucket/key"]))
    .refused();
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
}

#[test]
fn expires_in_zero_is_refused_with_exit_code_2_naming_field_and_range() {
    let sandbox = Sandbox::new();
    let stderr =
        run(sandbox
            .aws_command()
            .args(["--at", AWS_AT, "--expires-in", "0", "s3://bucket/key"]))
        .refused();
    assert!(stderr.contains("expires-in"), "names the field: {stderr}");
    assert!(stderr.contains("1..=604800"), "names the range: {stderr}");
}

#[test]
fn stdout_holds_only_the_url_on_one_line() {
    let sandbox = Sandbox::new();
    let result = run(sandbox.aws_command().args(AWS_ARGS));
    assert_eq!(result.stderr, "", "no warning without a session token");
    let stdout = result.ok();
    let url = only_line(&stdout);
    assert!(url.starts_with("https://"), "{url}");
    assert!(!url.contains(char::is_whitespace), "{url:?}");
}

#[test]
fn session_credentials_warn_on_stderr_while_stdout_stays_the_url() {
    let sandbox = Sandbox::new();
    let result = run(sandbox
        .aws_command()
        .env("AWS_SESSION_TOKEN", "SessionTokenForWarningTest")
        .args(AWS_ARGS));
    assert!(
        result.stderr.contains("warning") && result.stderr.contains("session token"),
        "stderr should warn about the session token: {}",
        result.stderr
    );
    let stdout = result.ok();
    let url = only_line(&stdout);
    assert!(url.starts_with("https://examplebucket.s3.amazonaws.com/test.txt?"));
    assert_eq!(
        query_param(url, "X-Amz-Security-Token"),
        Some("SessionTokenForWarningTest")
    );
}

#[test]
fn session_warning_names_the_expiration_from_aws_credential_expiration() {
    let sandbox = Sandbox::new();
    let result = run(sandbox
        .aws_command()
        .env("AWS_SESSION_TOKEN", "SessionTokenForWarningTest")
        .env("AWS_CREDENTIAL_EXPIRATION", "2013-05-24T06:00:00Z")
        .args(AWS_ARGS));
    assert!(
        result.stderr.contains("session token") && result.stderr.contains("2013-05-24T06:00:00Z"),
        "stderr should name the token's expiry: {}",
        result.stderr
    );
    only_line(&result.ok());
}

#[test]
fn session_warning_says_when_the_token_expires_before_the_url() {
    // The URL lives until 2013-05-25T00:00:00Z; the token dies at 06:00.
    let sandbox = Sandbox::new();
    let result = run(sandbox
        .aws_command()
        .env("AWS_SESSION_TOKEN", "SessionTokenForWarningTest")
        .env("AWS_CREDENTIAL_EXPIRATION", "2013-05-24T06:00:00Z")
        .args(AWS_ARGS));
    assert!(
        result.stderr.contains("before") && result.stderr.contains("2013-05-25T00:00:00Z"),
        "stderr should say the token expires before the URL's expiry: {}",
        result.stderr
    );
}

/// `aws configure export-credentials --format env` (which presign's own
/// error messages recommend) writes AWS_CREDENTIAL_EXPIRATION with Python's
/// `isoformat()`: `+00:00`, not `Z`.
#[test]
fn session_warning_says_when_the_token_expires_before_the_url_with_an_offset_expiration() {
    let sandbox = Sandbox::new();
    let result = run(sandbox
        .aws_command()
        .env("AWS_SESSION_TOKEN", "SessionTokenForWarningTest")
        .env("AWS_CREDENTIAL_EXPIRATION", "2013-05-24T06:00:00+00:00")
        .args(AWS_ARGS));
    assert!(
        result.stderr.contains("before") && result.stderr.contains("2013-05-25T00:00:00Z"),
        "stderr should say the token expires before the URL's expiry: {}",
        result.stderr
    );
}

#[test]
fn broken_pipe_on_stdout_exits_0_quietly() {
    // The read end is closed before the child starts, so its write fails
    // with EPIPE every time (no race with a reader).
    let sandbox = Sandbox::new();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = sandbox
        .std_command()
        .env("AWS_ACCESS_KEY_ID", AWS_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", AWS_SECRET_ACCESS_KEY)
        .args(["--output", "explain"])
        .args(AWS_ARGS)
        .stdin(std::process::Stdio::null())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

// ---------------------------------------------------------------------------
// Expiry
// ---------------------------------------------------------------------------

#[test]
fn expires_in_with_a_minute_unit_is_600_seconds() {
    let sandbox = Sandbox::new();
    let stdout =
        run(sandbox
            .aws_command()
            .args(["--at", AWS_AT, "--expires-in", "10m", "s3://bucket/key"]))
        .ok();
    assert_eq!(
        query_param(only_line(&stdout), "X-Amz-Expires"),
        Some("600")
    );
}

#[test]
fn default_expiry_is_3600_seconds() {
    let sandbox = Sandbox::new();
    let stdout = run(sandbox
        .aws_command()
        .args(["--at", AWS_AT, "s3://bucket/key"]))
    .ok();
    assert_eq!(
        query_param(only_line(&stdout), "X-Amz-Expires"),
        Some("3600")
    );
}

// ---------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------

#[test]
fn curl_output_for_a_put_sends_the_signed_header_and_uploads_the_file() {
    let sandbox = Sandbox::new();
    let args = [
        "-X",
        "PUT",
        "--at",
        AWS_AT,
        "--content-type",
        "image/png",
        "s3://bucket/in/a.png",
    ];
    let url_stdout = run(sandbox.aws_command().args(args).args(["--output", "url"])).ok();
    let url = only_line(&url_stdout);
    let curl = run(sandbox.aws_command().args(args).args(["--output", "curl"])).ok();
    assert_eq!(
        curl,
        format!("curl -X PUT -H 'content-type: image/png' --upload-file a.png '{url}'\n")
    );
}

#[test]
fn json_output_holds_url_method_expiry_headers_and_signing_steps() {
    let expected = aws_doc_case().expected;
    let sandbox = Sandbox::new();
    let stdout = run(sandbox
        .aws_command()
        .args(["--output", "json"])
        .args(AWS_ARGS))
    .ok();
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["url"], AWS_URL);
    assert_eq!(json["method"], "GET");
    // --at 2013-05-24T00:00:00Z + 86400 s, in RFC 3339 UTC.
    assert_eq!(json["expires_at"], "2013-05-25T00:00:00Z");
    assert!(is_rfc3339_utc(json["expires_at"].as_str().unwrap()));
    assert_eq!(json["headers"], serde_json::json!({}));
    assert_eq!(
        json["canonical_request"],
        expected.canonical_request.as_str()
    );
    assert_eq!(json["string_to_sign"], expected.string_to_sign.as_str());
    assert_eq!(json["signature"], AWS_SIGNATURE);
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn is_rfc3339_utc(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 20
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            10 => *b == b'T',
            13 | 16 => *b == b':',
            19 => *b == b'Z',
            _ => b.is_ascii_digit(),
        })
}

/// Signed at the last second of year 9999, the URL expires in year 10000,
/// which RFC 3339 cannot write. Refusing is fine; printing a non-timestamp as
/// `expires_at` (exit 0) is not.
#[test]
fn an_expiry_after_the_year_9999_is_refused_not_printed_as_garbage() {
    let sandbox = Sandbox::new();
    let result = run(sandbox.aws_command().args([
        "--at",
        "9999-12-31T23:59:59Z",
        "--output",
        "json",
        "s3://bucket/key",
    ]));
    let stderr = result.refused();
    assert!(stderr.contains("9999-12-31T23:59:59Z"), "{stderr}");
    // One hour earlier the same request still fits and gives an RFC 3339 expiry.
    let stdout = run(sandbox.aws_command().args([
        "--at",
        "9999-12-31T22:59:59Z",
        "--output",
        "json",
        "s3://bucket/key",
    ]))
    .ok();
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["expires_at"], "9999-12-31T23:59:59Z");
}

#[test]
fn json_output_lists_the_headers_to_send() {
    let sandbox = Sandbox::new();
    let stdout = run(sandbox.aws_command().args([
        "-X",
        "PUT",
        "--at",
        AWS_AT,
        "--content-type",
        "image/png",
        "--meta",
        "author=jane",
        "--output",
        "json",
        "s3://bucket/in/a.png",
    ]))
    .ok();
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["method"], "PUT");
    assert_eq!(
        json["headers"],
        serde_json::json!({"content-type": "image/png", "x-amz-meta-author": "jane"})
    );
}

#[test]
fn explain_output_shows_every_signing_step_and_redacts_the_secrets() {
    let expected = aws_doc_case().expected;
    let sandbox = Sandbox::new();
    let explain = run(sandbox
        .aws_command()
        .args(["--output", "explain"])
        .args(AWS_ARGS))
    .ok();
    assert_eq!(explain_field(&explain, "method"), "GET");
    assert_eq!(
        explain_field(&explain, "host"),
        "examplebucket.s3.amazonaws.com"
    );
    assert!(explain_field(&explain, "region").starts_with("us-east-1"));
    assert_eq!(explain_field(&explain, "bucket"), "examplebucket");
    assert_eq!(explain_field(&explain, "key"), "\"test.txt\"");
    assert_eq!(explain_field(&explain, "timestamp"), "20130524T000000Z");
    assert_eq!(explain_field(&explain, "datestamp"), "20130524");
    assert!(
        explain.contains(&expected.canonical_request),
        "canonical request missing:\n{explain}"
    );
    assert!(
        explain.contains("\n20130524/us-east-1/s3/aws4_request\n"),
        "credential scope missing:\n{explain}"
    );
    assert!(
        explain.contains(&expected.string_to_sign),
        "string to sign missing:\n{explain}"
    );
    assert!(explain.contains(&format!("\n{AWS_SIGNATURE}\n")));
    assert!(explain.contains(&format!("\n{AWS_URL}\n")));
    assert!(explain_field(&explain, "secret key").starts_with("<redacted>"));
    assert!(explain_field(&explain, "signing key").starts_with("<redacted>"));
}

#[test]
fn explain_with_show_secrets_shows_the_signing_key_in_hex() {
    let sandbox = Sandbox::new();
    let explain = run(sandbox
        .aws_command()
        .args(["--output", "explain", "--show-secrets"])
        .args(AWS_ARGS))
    .ok();
    assert_eq!(explain_field(&explain, "signing key"), AWS_SIGNING_KEY);
    assert_eq!(explain_field(&explain, "secret key"), AWS_SECRET_ACCESS_KEY);
}

#[test]
fn explain_output_of_the_aws_example_matches_the_snapshot() {
    let sandbox = Sandbox::new();
    let explain = run(sandbox
        .aws_command()
        .args(["--output", "explain"])
        .args(AWS_ARGS))
    .ok();
    insta::assert_snapshot!("explain_aws_example", explain);
}

#[test]
fn help_matches_the_snapshot() {
    let sandbox = Sandbox::new();
    let help = run(sandbox.command().arg("--help")).ok();
    insta::assert_snapshot!("help", help);
}

// ---------------------------------------------------------------------------
// The s3:// operand
// ---------------------------------------------------------------------------

#[test]
fn double_slash_after_the_bucket_signs_a_key_starting_with_a_slash() {
    let sandbox = Sandbox::new();
    let explain = run(sandbox.aws_command().args([
        "--at",
        AWS_AT,
        "--addressing-style",
        "path",
        "--output",
        "explain",
        "s3://bucket//x",
    ]))
    .ok();
    assert_eq!(explain_field(&explain, "key"), "\"/x\"");
    let stdout = run(sandbox.aws_command().args([
        "--at",
        AWS_AT,
        "--addressing-style",
        "path",
        "s3://bucket//x",
    ]))
    .ok();
    let url = only_line(&stdout);
    assert!(
        url.starts_with("https://s3.amazonaws.com/bucket//x?"),
        "{url}"
    );
}

#[test]
fn question_mark_and_hash_in_the_operand_are_part_of_the_key() {
    let sandbox = Sandbox::new();
    let explain = run(sandbox.aws_command().args([
        "--at",
        AWS_AT,
        "--output",
        "explain",
        "s3://bucket/a?b#c",
    ]))
    .ok();
    assert_eq!(explain_field(&explain, "key"), "\"a?b#c\"");
    let stdout = run(sandbox
        .aws_command()
        .args(["--at", AWS_AT, "s3://bucket/a?b#c"]))
    .ok();
    let url = only_line(&stdout);
    assert!(
        url.starts_with("https://bucket.s3.amazonaws.com/a%3Fb%23c?X-Amz-Algorithm="),
        "{url}"
    );
}

// ---------------------------------------------------------------------------
// Region
// ---------------------------------------------------------------------------

#[test]
fn empty_region_with_an_endpoint_signs_an_empty_scope_region() {
    let sandbox = Sandbox::new();
    let stdout = run(sandbox.aws_command().args([
        "--at",
        AWS_AT,
        "--region",
        "",
        "--endpoint-url",
        IBM_ENDPOINT,
        "s3://bucket/key",
    ]))
    .ok();
    let url = only_line(&stdout);
    assert!(url.contains("%2F20130524%2F%2Fs3%2F"), "{url}");
}

#[test]
fn empty_region_without_an_endpoint_is_refused_with_exit_code_2() {
    let sandbox = Sandbox::new();
    let stderr =
        run(sandbox
            .aws_command()
            .args(["--at", AWS_AT, "--region", "", "s3://bucket/key"]))
        .refused();
    assert!(stderr.contains("--endpoint-url"), "{stderr}");
}

#[test]
fn a_bad_region_is_reported_as_a_region_with_where_it_came_from() {
    // Issue 13.3: the region was reported as an invalid endpoint URL
    // ("https://s3.us east.amazonaws.com"), though the user gave a region.
    let sandbox = Sandbox::new();
    sandbox.write_config("[profile odd]\nregion = US East\n");
    let config = sandbox.config_file().display().to_string();
    let cases = [
        (
            None,
            vec!["--region", "us east"],
            "us east",
            "--region".to_owned(),
        ),
        (
            None,
            vec!["--region", "us east", "--endpoint-url", IBM_ENDPOINT],
            "us east",
            "--region".to_owned(),
        ),
        (
            Some(("AWS_REGION", "eu_de")),
            vec![],
            "eu_de",
            "AWS_REGION".to_owned(),
        ),
        (
            Some(("AWS_DEFAULT_REGION", "eu/de")),
            vec![],
            "eu/de",
            "AWS_DEFAULT_REGION".to_owned(),
        ),
        (
            Some(("AWS_PROFILE", "odd")),
            vec![],
            "US East",
            format!("profile 'odd' in {config}"),
        ),
    ];
    for (env, flags, region, origin) in cases {
        let stderr = run(sandbox
            .aws_command()
            .envs(env)
            .args(flags)
            .arg("s3://bucket/key"))
        .refused();
        assert_eq!(
            stderr,
            format!(
                "presign: error: region {region:?} is invalid: allowed are lower-case letters, \
                 digits and '-', or the empty string (IBM COS); it comes from {origin}\n"
            )
        );
    }
}

#[test]
fn a_region_that_is_no_aws_region_warns_when_no_endpoint_is_set() {
    // Issue 13.7: `--region auto` silently gave https://bucket.s3.auto.amazonaws.com.
    let sandbox = Sandbox::new();
    for (region, origin) in [("auto", "--region"), ("eu-de", "--region")] {
        let output = run(sandbox.aws_command().args([
            "--at",
            AWS_AT,
            "--region",
            region,
            "s3://bucket/key",
        ]));
        assert_eq!(output.code, Some(0), "{}", output.stderr);
        let url = only_line(&output.stdout);
        assert!(
            url.starts_with(&format!("https://bucket.s3.{region}.amazonaws.com/key?")),
            "{url}"
        );
        assert_eq!(output.stderr.lines().count(), 1, "{}", output.stderr);
        assert!(
            output.stderr.starts_with(&format!(
                "presign: warning: region {region:?} (from {origin}) is no AWS region and no endpoint is set"
            )),
            "{}",
            output.stderr
        );
        assert!(
            output.stderr.contains("--endpoint-url"),
            "{}",
            output.stderr
        );
    }
    // From the environment, and once per batch.
    let output = run(sandbox
        .aws_command()
        .env("AWS_REGION", "auto")
        .args(["batch", "s3://bucket"])
        .write_stdin("a\nb\n"));
    assert_eq!(output.code, Some(0), "{}", output.stderr);
    assert_eq!(output.stdout.lines().count(), 2);
    assert_eq!(
        output.stderr.matches("warning").count(),
        1,
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("\"auto\" (from AWS_REGION)"),
        "{}",
        output.stderr
    );
    // No warning with an endpoint, or for an AWS region.
    for flags in [
        &[
            "--region",
            "auto",
            "--endpoint-url",
            "https://account.r2.cloudflarestorage.com",
        ][..],
        &["--region", "eu-de", "--endpoint-url", IBM_ENDPOINT],
        &["--region", "eu-west-1"],
        &[],
    ] {
        let output = run(sandbox.aws_command().args(flags).arg("s3://bucket/key"));
        assert_eq!(output.code, Some(0), "{flags:?}: {}", output.stderr);
        assert_eq!(output.stderr, "", "{flags:?}");
    }
}

#[test]
fn meta_values_beyond_ascii_are_signed_rfc_2047_encoded_and_explained() {
    // Issue 13.4: `--meta owner=ålice` was refused with no way to send it.
    let sandbox = Sandbox::new();
    let args = [
        "-X",
        "PUT",
        "--at",
        AWS_AT,
        "--endpoint-url",
        IBM_ENDPOINT,
        "--meta",
        "owner=\u{e5}lice",
        "--meta",
        "team=ops",
        "s3://bucket/key",
    ];
    let explain = run(sandbox.aws_command().args(args).arg("--output=explain")).ok();
    assert!(
        explain.contains(
            "    x-amz-meta-owner: =?UTF-8?B?w6VsaWNl?=  (RFC 2047 for \"\u{e5}lice\")\n"
        ),
        "{explain}"
    );
    assert!(explain.contains("    x-amz-meta-team: ops\n"), "{explain}");
    assert!(
        explain.contains("\nx-amz-meta-owner:=?UTF-8?B?w6VsaWNl?=\n"),
        "{explain}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&run(sandbox.aws_command().args(args).arg("--output=json")).ok())
            .unwrap();
    let headers = json["headers"].to_string();
    assert!(headers.contains("=?UTF-8?B?w6VsaWNl?="), "{headers}");
    assert!(!headers.contains('\u{e5}'), "{headers}");

    // --header signs exactly what it is given: non-ASCII is refused, with the way out.
    let stderr = run(sandbox.aws_command().args([
        "-X",
        "PUT",
        "-H",
        "x-amz-meta-owner: \u{e5}lice",
        "s3://bucket/key",
    ]))
    .refused();
    assert!(stderr.contains("--meta NAME=VALUE"), "{stderr}");
    assert!(stderr.contains("RFC 2047"), "{stderr}");
}

/// A sandbox whose default profile sets region eu-west-3.
fn sandbox_with_profile_region() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write_config("[default]\nregion = eu-west-3\n");
    sandbox
}

#[test]
fn region_flag_beats_aws_region_and_the_profile() {
    let sandbox = sandbox_with_profile_region();
    let stdout = run(sandbox.aws_command().env("AWS_REGION", "ap-south-1").args([
        "--at",
        AWS_AT,
        "--region",
        "ca-central-1",
        "s3://bucket/key",
    ]))
    .ok();
    assert_eq!(scope_region(only_line(&stdout)), "ca-central-1");
}

#[test]
fn aws_region_beats_the_profile_region() {
    let sandbox = sandbox_with_profile_region();
    let stdout = run(sandbox.aws_command().env("AWS_REGION", "ap-south-1").args([
        "--at",
        AWS_AT,
        "s3://bucket/key",
    ]))
    .ok();
    assert_eq!(scope_region(only_line(&stdout)), "ap-south-1");
}

#[test]
fn profile_region_is_used_without_flag_or_environment() {
    let sandbox = sandbox_with_profile_region();
    let stdout = run(sandbox
        .aws_command()
        .args(["--at", AWS_AT, "s3://bucket/key"]))
    .ok();
    assert_eq!(scope_region(only_line(&stdout)), "eu-west-3");
}

#[test]
fn region_comes_from_a_provider_endpoint_host_and_explain_says_so() {
    let sandbox = Sandbox::new();
    let endpoint = "https://s3.eu-de.cloud-object-storage.appdomain.cloud";
    let explain = run(sandbox
        .aws_command()
        .args(["--endpoint-url", endpoint, "--output", "explain"])
        .arg("s3://bucket/key"))
    .ok();
    assert_eq!(
        explain_field(&explain, "region"),
        "eu-de (from the endpoint host)"
    );
    let url = run(sandbox
        .aws_command()
        .args(["--endpoint-url", endpoint, "s3://bucket/key"]))
    .ok();
    assert_eq!(scope_region(&url), "eu-de");
    // A configured region always wins.
    let url = run(sandbox
        .aws_command()
        .args(["--endpoint-url", endpoint, "--region", "us-south"])
        .arg("s3://bucket/key"))
    .ok();
    assert_eq!(scope_region(&url), "us-south");
    let url = run(sandbox
        .aws_command()
        .env("AWS_REGION", "")
        .env("AWS_DEFAULT_REGION", "ap-south-1")
        .args(["--endpoint-url", "https://0a1b.r2.cloudflarestorage.com"])
        .arg("s3://bucket/key"))
    .ok();
    assert_eq!(scope_region(&url), "ap-south-1");
    let url = run(sandbox
        .aws_command()
        .args(["--endpoint-url", "https://0a1b.r2.cloudflarestorage.com"])
        .arg("s3://bucket/key"))
    .ok();
    assert_eq!(scope_region(&url), "auto");
}

// ---------------------------------------------------------------------------
// Endpoint
// ---------------------------------------------------------------------------

/// A sandbox whose default profile sets an endpoint URL.
fn sandbox_with_profile_endpoint() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.write_config("[default]\nendpoint_url = http://profile.example:9001\n");
    sandbox
}

/// The URL signed for s3://bucket/key with the given environment and flags.
fn endpoint_url_with(sandbox: &Sandbox, env: &[(&str, &str)], flags: &[&str]) -> String {
    let mut command = sandbox.aws_command();
    for (name, value) in env {
        command.env(name, value);
    }
    let stdout = run(command
        .args(["--at", AWS_AT])
        .args(flags)
        .arg("s3://bucket/key"))
    .ok();
    only_line(&stdout).to_owned()
}

#[test]
fn endpoint_url_flag_beats_environment_and_profile() {
    let sandbox = sandbox_with_profile_endpoint();
    let url = endpoint_url_with(
        &sandbox,
        &[
            ("AWS_ENDPOINT_URL_S3", "http://s3-env.example:9002"),
            ("AWS_ENDPOINT_URL", "http://env.example:9003"),
        ],
        &["--endpoint-url", "http://flag.example:9004"],
    );
    assert!(
        url.starts_with("http://flag.example:9004/bucket/key?"),
        "{url}"
    );
}

#[test]
fn aws_endpoint_url_s3_beats_aws_endpoint_url_and_profile() {
    let sandbox = sandbox_with_profile_endpoint();
    let url = endpoint_url_with(
        &sandbox,
        &[
            ("AWS_ENDPOINT_URL_S3", "http://s3-env.example:9002"),
            ("AWS_ENDPOINT_URL", "http://env.example:9003"),
        ],
        &[],
    );
    assert!(
        url.starts_with("http://s3-env.example:9002/bucket/key?"),
        "{url}"
    );
}

#[test]
fn aws_endpoint_url_beats_the_profile_endpoint() {
    let sandbox = sandbox_with_profile_endpoint();
    let url = endpoint_url_with(
        &sandbox,
        &[("AWS_ENDPOINT_URL", "http://env.example:9003")],
        &[],
    );
    assert!(
        url.starts_with("http://env.example:9003/bucket/key?"),
        "{url}"
    );
}

#[test]
fn profile_endpoint_url_is_used_without_flag_or_environment() {
    let sandbox = sandbox_with_profile_endpoint();
    let url = endpoint_url_with(&sandbox, &[], &[]);
    assert!(
        url.starts_with("http://profile.example:9001/bucket/key?"),
        "{url}"
    );
}

// ---------------------------------------------------------------------------
// Credentials and profiles
// ---------------------------------------------------------------------------

#[test]
fn profile_flag_credentials_beat_environment_credentials() {
    let sandbox = Sandbox::new();
    sandbox.write_credentials(&format!(
        "[docs]\naws_access_key_id = {AWS_ACCESS_KEY_ID}\naws_secret_access_key = {AWS_SECRET_ACCESS_KEY}\n"
    ));
    let stdout = run(sandbox
        .command()
        .env("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT")
        .env("AWS_SECRET_ACCESS_KEY", "secretFromTheEnvironment")
        .args(["--profile", "docs"])
        .args(AWS_ARGS))
    .ok();
    // Both the key id and the secret must be the profile's to give this URL.
    assert_eq!(stdout, format!("{AWS_URL}\n"));
}

#[test]
fn environment_credentials_beat_the_default_profile() {
    let sandbox = Sandbox::new();
    sandbox.write_credentials(
        "[default]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = secretFromTheProfile\n",
    );
    let stdout = run(sandbox.aws_command().args(AWS_ARGS)).ok();
    assert_eq!(stdout, format!("{AWS_URL}\n"));
}

#[test]
fn profile_s3_addressing_style_path_makes_an_aws_url_path_style() {
    let sandbox = Sandbox::new();
    let virtual_url = endpoint_url_with(&sandbox, &[], &[]);
    assert!(
        virtual_url.starts_with("https://bucket.s3.amazonaws.com/key?"),
        "without the profile setting the URL is virtual-hosted: {virtual_url}"
    );
    sandbox.write_config("[default]\ns3 =\n  addressing_style = path\n");
    let url = endpoint_url_with(&sandbox, &[], &[]);
    assert!(
        url.starts_with("https://s3.amazonaws.com/bucket/key?"),
        "{url}"
    );
}

#[test]
fn addressing_style_flag_beats_the_profile_setting() {
    let sandbox = Sandbox::new();
    sandbox.write_config("[default]\ns3 =\n  addressing_style = path\n");
    let url = endpoint_url_with(&sandbox, &[], &["--addressing-style", "virtual"]);
    assert!(
        url.starts_with("https://bucket.s3.amazonaws.com/key?"),
        "{url}"
    );
}

#[test]
fn ibm_credentials_file_supplies_the_keys() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "cos.json",
        &serde_json::json!({
            "apikey": "not-used",
            "cos_hmac_keys": {
                "access_key_id": AWS_ACCESS_KEY_ID,
                "secret_access_key": AWS_SECRET_ACCESS_KEY,
            },
        })
        .to_string(),
    );
    let stdout = run(sandbox
        .command()
        .env("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT")
        .env("AWS_SECRET_ACCESS_KEY", "secretFromTheEnvironment")
        .arg("--ibm-credentials")
        .arg(&file)
        .args(AWS_ARGS))
    .ok();
    // Both the key id and the secret must be the file's to give this URL.
    assert_eq!(stdout, format!("{AWS_URL}\n"));
}

#[test]
fn ibm_credentials_access_key_id_appears_in_the_scope() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "cos.json",
        r#"{"cos_hmac_keys": {"access_key_id": "IBMHMACKEYID0001", "secret_access_key": "ibmSecretValue"}}"#,
    );
    let stdout = run(sandbox
        .command()
        .arg("--ibm-credentials")
        .arg(&file)
        .args([
            "--at",
            AWS_AT,
            "--endpoint-url",
            IBM_ENDPOINT,
            "--region",
            "us-south",
        ])
        .arg("s3://bucket/key"))
    .ok();
    assert_eq!(scope_access_key(only_line(&stdout)), "IBMHMACKEYID0001");
}

// ---------------------------------------------------------------------------
// Query parameters
// ---------------------------------------------------------------------------

#[test]
fn query_parameters_keep_command_line_order_across_flags() {
    let sandbox = Sandbox::new();
    let stdout = run(sandbox.aws_command().args([
        "--at",
        AWS_AT,
        "--response-content-type",
        "text/plain",
        "--query",
        "partNumber=2",
        "--version-id",
        "v1",
        "--query",
        "a=b=c",
        "--response-content-disposition",
        "attachment; filename=\"r.pdf\"",
        "s3://bucket/key",
    ]))
    .ok();
    let url = only_line(&stdout);
    let names = query_names(url);
    assert_eq!(
        names[..6],
        [
            "response-content-type",
            "partNumber",
            "versionId",
            "a",
            "response-content-disposition",
            "X-Amz-Algorithm",
        ],
        "{url}"
    );
    assert_eq!(
        query_param(url, "a"),
        Some("b%3Dc"),
        "split at the first '='"
    );
}

/// The options under `heading:` in `help` (up to the next heading or the
/// blank line that ends the list).
fn options_under<'a>(help: &'a str, heading: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .take_while(|line| !line.is_empty() && line.starts_with(' '))
        .filter(|line| line.trim_start().starts_with('-'))
        .collect()
}

/// Issue 23, item 12: each command's help lists what it accepts, grouped
/// truly. `multipart create` refuses the method and query options, so its
/// help does not list them, and the refusal shows its own usage; `verify`
/// lists -X and -H as options of a URL request, not of a form upload.
#[test]
fn help_lists_what_each_command_accepts_under_the_right_heading() {
    let sandbox = Sandbox::new();
    let help = run(sandbox.command().args(["multipart", "create", "--help"])).ok();
    for refused in ["--method", "--query", "--version-id", "--response-"] {
        assert!(!help.contains(refused), "{refused} in:\n{help}");
    }
    assert!(
        help.contains("--content-type") && help.contains("--meta"),
        "{help}"
    );
    let refusal = run(sandbox.command().args([
        "multipart",
        "create",
        "s3://b/k",
        "--size",
        "1",
        "-X",
        "PUT",
    ]));
    assert_eq!(refusal.code, Some(2));
    assert!(
        refusal.stderr.contains("Usage: presign multipart create"),
        "{}",
        refusal.stderr
    );

    let help = run(sandbox.command().args(["verify", "--help"])).ok();
    let form = options_under(&help, "A form upload (POST policy):");
    assert!(form.iter().any(|line| line.contains("--post")), "{help}");
    for url_only in ["--method", "--header", "--at", "--region", "--profile"] {
        assert!(
            !form.iter().any(|line| line.contains(url_only)),
            "{url_only} listed under the form upload:\n{help}"
        );
    }
    let request = options_under(&help, "A request with the URL:");
    assert!(
        request.iter().any(|line| line.contains("--method"))
            && request.iter().any(|line| line.contains("--header")),
        "{help}"
    );
    let with_post = run(sandbox
        .command()
        .args(["verify", "--post", "-", "-X", "PUT"]));
    assert_eq!(with_post.code, Some(2), "{}", with_post.stderr);
}
