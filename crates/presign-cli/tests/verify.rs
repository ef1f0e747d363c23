//! `presign verify URL`: exit 0 for a valid URL (a summary on stdout), 1 for
//! a rejected one (the reason on stderr), 2 for input that is not a
//! presigned URL. URLs, times and credentials come from the shared corpus
//! and the AWS documentation example, never from presign itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../presign/tests/support/corpus.rs"]
mod corpus;

mod common;

use common::{AWS_ACCESS_KEY_ID, AWS_AT, AWS_SECRET_ACCESS_KEY, AWS_SIGNATURE, AWS_URL, Sandbox};
use pretty_assertions::assert_eq;

/// When the AWS example expires (signed 2013-05-24T00:00:00Z, 86400 s).
const AWS_EXPIRES_AT: &str = "2013-05-25T00:00:00Z";

/// `presign verify` with the AWS example keys in the environment.
fn verify_aws(args: &[&str]) -> common::Run {
    let sandbox = Sandbox::new();
    common::run(sandbox.aws_command().arg("verify").args(args))
}

/// `presign verify` with the given credentials in the environment.
fn verify_as(access_key: &str, secret: &str, args: &[&str]) -> common::Run {
    let sandbox = Sandbox::new();
    common::run(
        sandbox
            .command()
            .env("AWS_ACCESS_KEY_ID", access_key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .arg("verify")
            .args(args),
    )
}

/// The reason of a run that must have been rejected: exit 1, nothing on
/// stdout, the reason on stderr.
fn rejected(run: common::Run) -> String {
    assert_eq!(
        run.code,
        Some(1),
        "expected exit 1 (rejected); stderr:\n{}\nstdout:\n{}",
        run.stderr,
        run.stdout
    );
    assert_eq!(run.stdout, "", "a rejected URL prints nothing on stdout");
    assert!(!run.stderr.trim().is_empty(), "the reason goes to stderr");
    run.stderr
}

/// Every positive case of every presign corpus.
fn corpus_cases() -> Vec<corpus::Case> {
    corpus::presign_corpora()
        .into_iter()
        .flat_map(|(_, corpus)| corpus.cases)
        .collect()
}

/// `timestamp` (RFC 3339) plus `seconds`, as RFC 3339 UTC.
fn plus_seconds(timestamp: &str, seconds: i64) -> String {
    let at: jiff::Timestamp = timestamp.parse().unwrap();
    at.checked_add(jiff::SignedDuration::from_secs(seconds))
        .unwrap()
        .to_string()
}

/// The arguments that send `case`'s request: its method and signed headers.
fn request_args(case: &corpus::Case) -> Vec<String> {
    let mut args = vec!["-X".to_owned(), case.inputs.method.clone()];
    for (name, value) in case.inputs.headers() {
        args.push("--header".to_owned());
        args.push(format!("{name}: {value}"));
    }
    args
}

/// `presign verify` for `case`'s URL and request, with its credentials.
fn verify_case(case: &corpus::Case, extra: &[&str]) -> common::Run {
    let mut args = vec![case.expected.url.clone()];
    args.extend(request_args(case));
    args.extend(extra.iter().map(|arg| (*arg).to_owned()));
    verify_with_credentials_of(case, &args)
}

/// `presign verify ARGS` with `case`'s credentials (and session token) in
/// the environment.
fn verify_with_credentials_of<S: AsRef<std::ffi::OsStr>>(
    case: &corpus::Case,
    args: &[S],
) -> common::Run {
    let sandbox = Sandbox::new();
    let mut command = sandbox.command();
    command
        .env("AWS_ACCESS_KEY_ID", &case.inputs.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &case.inputs.secret_key);
    if let Some(token) = &case.inputs.session_token {
        command.env("AWS_SESSION_TOKEN", token);
    }
    command.arg("verify").args(args);
    common::run(&mut command)
}

/// A GET case of `expires` seconds, without signed headers or extra query.
fn plain_get_case(expires: u64) -> corpus::Case {
    corpus_cases()
        .into_iter()
        .find(|case| {
            case.inputs.method == "GET"
                && case.inputs.expires.as_u64() == Some(expires)
                && case.inputs.signed_headers.is_empty()
                && case.inputs.query.is_empty()
        })
        .unwrap_or_else(|| panic!("the corpus holds a plain GET case of {expires} s"))
}

#[test]
fn every_corpus_case_is_valid_until_its_last_second_with_a_summary_and_expired_one_second_after() {
    let cases = corpus_cases();
    let mut failures = corpus::Failures::default();
    for case in &cases {
        let inputs = &case.inputs;
        let expires = inputs.expires.as_i64().unwrap();
        let expires_at = plus_seconds(&inputs.timestamp, expires);

        let valid = verify_case(case, &["--at", &inputs.timestamp]);
        if valid.code == Some(0) {
            let expected = format!("valid: {} ", inputs.method);
            if !valid.stdout.starts_with(&expected)
                || !valid
                    .stdout
                    .contains(&format!(", signed by {}, ", inputs.access_key))
                || !valid
                    .stdout
                    .ends_with(&format!(", expires at {expires_at}\n"))
                || valid.stdout.lines().count() != 1
            {
                failures.fail(&case.id, format!("summary: {:?}", valid.stdout));
            }
        } else {
            failures.fail(
                &case.id,
                format!("at its own time: exit {:?}: {}", valid.code, valid.stderr),
            );
        }

        let late = plus_seconds(&inputs.timestamp, expires + 1);
        let after = verify_case(case, &["--at", &late]);
        if after.code != Some(1) || !after.stdout.is_empty() || !after.stderr.contains("expired") {
            failures.fail(
                &case.id,
                format!(
                    "one second after expiry: exit {:?}, stdout {:?}, stderr {:?}",
                    after.code, after.stdout, after.stderr
                ),
            );
        }
        // The last second of validity is still valid.
        let last = plus_seconds(&inputs.timestamp, expires - 1);
        let still = verify_case(case, &["--at", &last]);
        if still.code != Some(0) {
            failures.fail(
                &case.id,
                format!(
                    "one second before expiry: exit {:?}: {}",
                    still.code, still.stderr
                ),
            );
        }
    }
    failures.finish(cases.len(), "corpus cases");
}

#[test]
fn a_valid_url_prints_one_summary_line_on_stdout_and_nothing_on_stderr() {
    let run = verify_aws(&[AWS_URL, "--at", AWS_AT]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "valid: GET /test.txt, signed by {AWS_ACCESS_KEY_ID}, expires at {AWS_EXPIRES_AT}\n"
        )
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn a_tampered_signature_digit_is_rejected_with_exit_1_signature_mismatch() {
    let last = AWS_URL.chars().last().unwrap();
    let tampered = format!(
        "{}{}",
        &AWS_URL[..AWS_URL.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    let stderr = rejected(verify_aws(&[&tampered, "--at", AWS_AT]));
    assert!(stderr.contains("signature mismatch"), "{stderr}");
}

#[test]
fn a_wrong_secret_is_rejected_with_exit_1() {
    let run = verify_as(
        AWS_ACCESS_KEY_ID,
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ",
        &[AWS_URL, "--at", AWS_AT],
    );
    let stderr = rejected(run);
    assert!(stderr.contains("signature mismatch"), "{stderr}");
}

#[test]
fn an_unknown_access_key_is_rejected_with_exit_1() {
    let run = verify_as(
        "AKIDSOMEONEELSE00000",
        AWS_SECRET_ACCESS_KEY,
        &[AWS_URL, "--at", AWS_AT],
    );
    let stderr = rejected(run);
    assert!(
        stderr.contains("unknown access key id") && stderr.contains(AWS_ACCESS_KEY_ID),
        "{stderr}"
    );
}

#[test]
fn the_wrong_method_is_rejected_with_exit_1_naming_the_method_the_url_was_signed_for() {
    for method in ["PUT", "HEAD", "DELETE", "POST"] {
        let stderr = rejected(verify_aws(&[AWS_URL, "--at", AWS_AT, "-X", method]));
        assert!(
            stderr.contains(&format!(
                "signature mismatch for {method}: the URL was signed for GET"
            )),
            "{method}: {stderr}"
        );
    }
    // A signature no method matches says only that.
    let tampered = AWS_URL.replace("X-Amz-Signature=a", "X-Amz-Signature=b");
    let stderr = rejected(verify_aws(&[&tampered, "--at", AWS_AT, "-X", "PUT"]));
    assert!(
        stderr.contains("signature mismatch") && !stderr.contains("the URL was signed for"),
        "{stderr}"
    );
}

#[test]
fn a_missing_signed_header_is_rejected_with_exit_1_naming_it_and_accepted_once_given() {
    let case = corpus_cases()
        .into_iter()
        .find(|case| case.inputs.signed_headers.contains_key("content-type"))
        .expect("the corpus holds a case signing content-type");
    let mut args = vec![
        case.expected.url.clone(),
        "--at".to_owned(),
        case.inputs.timestamp.clone(),
        "-X".to_owned(),
        case.inputs.method.clone(),
    ];
    for (name, value) in case.inputs.headers() {
        if name != "content-type" {
            args.push(format!("--header={name}: {value}"));
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = verify_as(&case.inputs.access_key, &case.inputs.secret_key, &args);
    let stderr = rejected(run);
    assert!(stderr.contains("content-type"), "{}: {stderr}", case.id);

    let content_type = case.inputs.signed_headers["content-type"].as_str().unwrap();
    let with_it = [&args[..], &["--content-type", content_type]].concat();
    let run = verify_as(&case.inputs.access_key, &case.inputs.secret_key, &with_it);
    assert_eq!(run.code, Some(0), "with --content-type: {}", run.stderr);
}

#[test]
fn region_flags_reject_other_regions_with_exit_1_and_accept_listed_ones() {
    let stderr = rejected(verify_aws(&[
        AWS_URL,
        "--at",
        AWS_AT,
        "--region",
        "eu-west-1",
        "--region",
        "",
    ]));
    assert!(stderr.contains("us-east-1"), "{stderr}");
    let run = verify_aws(&[
        AWS_URL,
        "--at",
        AWS_AT,
        "--region",
        "eu-west-1",
        "--region",
        "us-east-1",
    ]);
    assert_eq!(run.code, Some(0), "us-east-1 is allowed: {}", run.stderr);
}

#[test]
fn an_empty_region_url_is_accepted_by_region_empty_string_and_rejected_by_another() {
    let case = corpus_cases()
        .into_iter()
        .find(|case| case.inputs.region.is_empty())
        .expect("the corpus holds an empty-region case");
    let run = verify_case(&case, &["--at", &case.inputs.timestamp, "--region", ""]);
    assert_eq!(run.code, Some(0), "{}: {}", case.id, run.stderr);
    let stderr = rejected(verify_case(
        &case,
        &["--at", &case.inputs.timestamp, "--region", "us-east-1"],
    ));
    assert!(stderr.contains("\"\""), "{stderr}");
}

#[test]
fn max_expires_60_rejects_a_3600_second_url_with_exit_1_and_1h_accepts_it() {
    let case = plain_get_case(3600);
    let stderr = rejected(verify_case(
        &case,
        &["--at", &case.inputs.timestamp, "--max-expires", "60"],
    ));
    assert!(
        stderr.contains("3600") && stderr.contains("60 s"),
        "{stderr}"
    );
    let run = verify_case(
        &case,
        &["--at", &case.inputs.timestamp, "--max-expires", "1h"],
    );
    assert_eq!(run.code, Some(0), "3600 s is at most 1h: {}", run.stderr);
}

#[test]
fn a_url_dated_in_the_future_is_rejected_with_exit_1_only_beyond_the_clock_skew_15_minutes_by_default()
 {
    let stderr = rejected(verify_aws(&[
        AWS_URL,
        "--at",
        "2013-05-23T23:58:59Z",
        "--clock-skew",
        "60",
    ]));
    assert!(stderr.contains("future"), "{stderr}");
    let run = verify_aws(&[
        AWS_URL,
        "--at",
        "2013-05-23T23:59:00Z",
        "--clock-skew",
        "1m",
    ]);
    assert_eq!(run.code, Some(0), "60 s ahead is within 1m: {}", run.stderr);
    // The default skew is 15 minutes.
    rejected(verify_aws(&[AWS_URL, "--at", "2013-05-23T23:44:59Z"]));
    let run = verify_aws(&[AWS_URL, "--at", "2013-05-23T23:45:00Z"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn input_that_is_not_a_presigned_url_exits_2() {
    for input in [
        "not a url",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        &AWS_URL.replace("X-Amz-Date=20130524T000000Z&", ""),
        &format!("{AWS_URL}&X-Amz-Expires=60"),
        &AWS_URL.replace("X-Amz-Expires=86400", "X-Amz-Expires=soon"),
    ] {
        let stderr = verify_aws(&[input, "--at", AWS_AT]).refused();
        assert!(
            stderr.contains("not a valid presigned URL"),
            "{input}: {stderr}"
        );
    }
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        &["--max-expires", "1.5"][..],
        &["--clock-skew", "-1"],
        &["--at", "yesterday"],
        &["-X", "get"],
        &["--header", "no-colon"],
    ] {
        let run = verify_aws(&[&[AWS_URL][..], args].concat());
        run.refused();
    }
}

#[test]
fn without_credentials_verify_exits_2() {
    let sandbox = Sandbox::new();
    let stderr = common::run(sandbox.command().args(["verify", AWS_URL, "--at", AWS_AT])).refused();
    assert!(stderr.to_lowercase().contains("credentials"), "{stderr}");
}

#[test]
fn credentials_come_from_the_profile_flag_and_the_ibm_credentials_file() {
    let sandbox = Sandbox::new();
    sandbox.write_credentials(&format!(
        "[docs]\naws_access_key_id = {AWS_ACCESS_KEY_ID}\naws_secret_access_key = {AWS_SECRET_ACCESS_KEY}\n"
    ));
    let ibm = sandbox.write(
        "cos.json",
        &serde_json::json!({
            "cos_hmac_keys": {
                "access_key_id": AWS_ACCESS_KEY_ID,
                "secret_access_key": AWS_SECRET_ACCESS_KEY,
            },
        })
        .to_string(),
    );
    for flags in [
        vec!["--profile", "docs"],
        vec!["--ibm-credentials", ibm.to_str().unwrap()],
    ] {
        let run = common::run(
            sandbox
                .command()
                .env("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT")
                .env("AWS_SECRET_ACCESS_KEY", "secretFromTheEnvironment")
                .args(["verify", AWS_URL, "--at", AWS_AT])
                .args(&flags),
        );
        assert_eq!(run.code, Some(0), "{flags:?}: {}", run.stderr);
    }
}

#[test]
fn the_secret_the_session_token_and_the_expected_signature_never_appear_in_the_output() {
    let case = corpus_cases()
        .into_iter()
        .find(|case| case.inputs.session_token.is_some() && case.inputs.method == "GET")
        .expect("the corpus holds a GET case with a session token");
    let token = case.inputs.session_token.clone().unwrap();
    let secret = case.inputs.secret_key.clone();
    let signature = case.expected.signature.clone();
    let url = &case.expected.url;
    let tampered = url.replace(&signature, &"0".repeat(64));
    let at = case.inputs.timestamp.clone();
    let late = plus_seconds(&at, case.inputs.expires.as_i64().unwrap() + 1);
    let mut runs = Vec::new();
    for args in [
        vec![url.as_str(), "--at", &at],
        vec![url.as_str(), "--at", &late],
        vec![tampered.as_str(), "--at", &at],
        vec![url.as_str(), "--at", &at, "-X", "PUT"],
        vec![url.as_str(), "--at", &at, "--max-expires", "1"],
        vec!["https://example.com/not-presigned?a=b"],
    ] {
        runs.push(verify_with_credentials_of(&case, &args));
    }
    runs.push(verify_as(
        "AKIDSOMEONEELSE00000",
        &secret,
        &[url, "--at", &at],
    ));
    let codes: Vec<Option<i32>> = runs.iter().map(|run| run.code).collect();
    assert_eq!(
        codes,
        [
            Some(0),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(2),
            Some(1)
        ]
    );
    for run in &runs {
        for (what, value) in [
            ("secret", secret.as_str()),
            ("session token", token.as_str()),
            ("expected signature", signature.as_str()),
            ("encoded session token", &common::uri_encode(&token)),
        ] {
            assert!(
                !run.stdout.contains(value) && !run.stderr.contains(value),
                "the {what} is printed: {run:?}"
            );
        }
    }
    // And the AWS example's, for a mismatch on the documented URL.
    let run = verify_as(
        AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY,
        &[
            &AWS_URL.replace(AWS_SIGNATURE, &"f".repeat(64)),
            "--at",
            AWS_AT,
        ],
    );
    assert!(!run.stderr.contains(AWS_SIGNATURE) && !run.stderr.contains(AWS_SECRET_ACCESS_KEY));
}

#[test]
fn help_lists_the_exit_codes() {
    let run = common::run(Sandbox::new().command().args(["verify", "--help"]));
    let help = run.ok();
    assert!(
        help.contains("0 valid") && help.contains("1 rejected") && help.contains("2 bad input"),
        "{help}"
    );
}

// ------------------------- AWS host forms: URLs the `presign` binary makes

use common::host_forms::{DIRECTORY_BUCKET, MRAP, OBJECT_LAMBDA_AP, create_session_stub, rescoped};

/// A minute after `FORMS_AT` (common::host_forms): every URL below is fresh then.
const FORMS_LATER: &str = "2026-12-06T12:01:00Z";
const EXAMPLE_ID: &str = "AKIDEXAMPLE";
const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// `presign --at FORMS_AT --region us-west-2 [flags] s3://BUCKET/k.txt`
/// with the example keys and `vars` in the environment.
fn presigned(bucket: &str, flags: &[&str], vars: &[(&str, &str)]) -> String {
    common::host_forms::presigned_as((EXAMPLE_ID, EXAMPLE_SECRET), bucket, flags, vars)
}

/// `url` with the last hex digit of its signature changed.
fn with_signature_tampered(url: &str) -> String {
    let last = if url.ends_with('0') { "1" } else { "0" };
    format!("{}{last}", &url[..url.len() - 1])
}

#[test]
fn each_aws_host_form_is_accepted_with_its_own_signing_name_and_refused_with_another() {
    for (bucket, vars, service) in [
        (OBJECT_LAMBDA_AP, &[][..], "s3-object-lambda"),
        (
            "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports",
            &[][..],
            "s3-outposts",
        ),
        (
            DIRECTORY_BUCKET,
            &[("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true")][..],
            "s3express",
        ),
        (
            "arn:aws:s3:us-west-2:123456789012:accesspoint/reports",
            &[][..],
            "s3",
        ),
    ] {
        let url = presigned(bucket, &[], vars);
        assert!(
            url.contains(&format!("%2F{service}%2Faws4_request")),
            "{url}"
        );
        let valid = verify_as(EXAMPLE_ID, EXAMPLE_SECRET, &["--at", FORMS_LATER, &url]).ok();
        assert!(
            valid.starts_with("valid: GET /k.txt, signed by AKIDEXAMPLE"),
            "{valid}"
        );

        let other = if service == "s3" {
            "s3-object-lambda"
        } else {
            "s3"
        };
        let reason = rejected(verify_as(
            EXAMPLE_ID,
            EXAMPLE_SECRET,
            &["--at", FORMS_LATER, &rescoped(&url, service, other)],
        ));
        assert!(
            reason.contains(&format!(
                "takes the signing service {service}, but the credential scope names \"{other}\""
            )),
            "{reason}"
        );
    }
}

#[test]
fn a_scope_service_s3_on_an_object_lambda_host_is_refused_with_that_reason() {
    let url = rescoped(
        &presigned(OBJECT_LAMBDA_AP, &[], &[]),
        "s3-object-lambda",
        "s3",
    );
    let reason = rejected(verify_as(
        EXAMPLE_ID,
        EXAMPLE_SECRET,
        &["--at", FORMS_LATER, &url],
    ));
    assert_eq!(
        reason.trim(),
        "presign: rejected: the host banner-123456789012.s3-object-lambda.us-west-2.amazonaws.com \
         (S3 Object Lambda access point) takes the signing service s3-object-lambda, but the \
         credential scope names \"s3\""
    );
}

#[test]
fn a_sigv4a_multi_region_access_point_url_is_accepted_and_refused_once_tampered() {
    let url = presigned(MRAP, &[], &[]);
    assert!(
        url.contains("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"),
        "{url}"
    );
    assert!(url.contains("X-Amz-Region-Set="), "{url}");
    let valid = verify_as(EXAMPLE_ID, EXAMPLE_SECRET, &["--at", FORMS_LATER, &url]).ok();
    assert!(
        valid.starts_with("valid: GET /k.txt, signed by AKIDEXAMPLE"),
        "{valid}"
    );

    for tampered in [
        with_signature_tampered(&url),
        url.replacen("/k.txt?", "/other.txt?", 1),
        url.replacen("X-Amz-Region-Set=", "X-Amz-Region-Set=eu-west-1%2C", 1),
    ] {
        assert_ne!(tampered, url);
        let reason = rejected(verify_as(
            EXAMPLE_ID,
            EXAMPLE_SECRET,
            &["--at", FORMS_LATER, &tampered],
        ));
        assert!(
            reason.contains("signature mismatch"),
            "{tampered}: {reason}"
        );
    }
    let reason = rejected(verify_as(
        EXAMPLE_ID,
        "another/secret",
        &["--at", FORMS_LATER, &url],
    ));
    assert!(reason.contains("signature mismatch"), "{reason}");

    // A SigV4 URL sent to the Multi-Region Access Point's host.
    let sigv4 = presigned("reports", &[], &[]).replacen(
        "reports.s3.us-west-2.amazonaws.com",
        "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
        1,
    );
    let reason = rejected(verify_as(
        EXAMPLE_ID,
        EXAMPLE_SECRET,
        &["--at", FORMS_LATER, &sigv4],
    ));
    assert!(
        reason.contains("takes SigV4A (AWS4-ECDSA-P256-SHA256) only"),
        "{sigv4}: {reason}"
    );
}

#[test]
fn an_s3_express_session_url_is_accepted_with_the_sessions_keys_only() {
    let stub = create_session_stub();
    let url = presigned(DIRECTORY_BUCKET, &["--endpoint-url", stub.url()], &[]);
    assert!(url.contains("X-Amz-S3session-Token="), "{url}");
    let session = |url: &str| {
        verify_as(
            "ASIASESSIONEXAMPLE",
            "session/Secret+Key=",
            &["--at", FORMS_LATER, url],
        )
    };
    let valid = session(&url).ok();
    assert!(valid.contains("signed by ASIASESSIONEXAMPLE"), "{valid}");

    for tampered in [
        with_signature_tampered(&url),
        url.replacen(
            "X-Amz-S3session-Token=session",
            "X-Amz-S3session-Token=Session",
            1,
        ),
        url.replacen("X-Amz-S3session-Token", "X-Amz-Security-Token", 1),
    ] {
        assert_ne!(tampered, url);
        let reason = rejected(session(&tampered));
        assert!(
            reason.contains("signature mismatch"),
            "{tampered}: {reason}"
        );
    }
    // The IAM keys that asked for the session do not sign its URLs.
    let reason = rejected(verify_as(
        EXAMPLE_ID,
        EXAMPLE_SECRET,
        &["--at", FORMS_LATER, &url],
    ));
    assert!(
        reason.contains("unknown access key id \"ASIASESSIONEXAMPLE\""),
        "{reason}"
    );
    assert!(!reason.contains("session/Secret") && !reason.contains("session+token"));
}
