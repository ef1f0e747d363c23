//! `presign inspect URL`: a presigned URL taken apart without credentials.
//! Expected values come from the AWS documentation example and from the
//! inputs of the shared corpus, never from presign itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../presign/tests/support/corpus.rs"]
mod corpus;

mod common;

use common::{AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_URL, Sandbox, run};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

/// `presign inspect ARGS...` in a sandbox without credentials.
fn inspect(args: &[&str]) -> common::Run {
    let sandbox = Sandbox::new();
    run(sandbox.command().arg("inspect").args(args))
}

/// The JSON object of `presign inspect --output json URL`.
fn inspect_json(url: &str) -> Value {
    let stdout = inspect(&["--output", "json", url]).ok();
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// The value of the `label  value` line of the text output.
fn text_field<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|line| {
            let rest = line.strip_prefix(label)?;
            rest.starts_with("  ").then(|| rest.trim())
        })
        .unwrap_or_else(|| panic!("no {label:?} line in:\n{text}"))
}

#[test]
fn text_output_of_the_aws_example_shows_every_field() {
    let text = inspect(&[AWS_URL, "--at", "2013-05-24T12:00:00Z"]).ok();
    for (label, expected) in [
        ("endpoint", "https://examplebucket.s3.amazonaws.com"),
        ("addressing", "virtual-hosted"),
        ("bucket", "examplebucket"),
        ("key", "test.txt"),
        ("access key id", "AKIAIOSFODNN7EXAMPLE"),
        ("region", "us-east-1"),
        ("signed at", "2013-05-24T00:00:00Z"),
        ("signed headers", "host"),
        ("session token", "none"),
    ] {
        assert_eq!(text_field(&text, label), expected, "{label}");
    }
    assert!(
        text_field(&text, "expires at").starts_with("2013-05-25T00:00:00Z"),
        "{text}"
    );
    assert!(
        text_field(&text, "time left").starts_with("12h "),
        "12 hours after signing, 12 hours are left: {text}"
    );
}

#[test]
fn json_output_of_the_aws_example_parses_and_holds_the_same_values() {
    let json = inspect_json(AWS_URL);
    assert_eq!(json["endpoint"], "https://examplebucket.s3.amazonaws.com");
    assert_eq!(json["addressing_style"], "virtual");
    assert_eq!(json["addressing_style_guessed"], false);
    assert_eq!(json["bucket"], "examplebucket");
    assert_eq!(json["key"], "test.txt");
    assert_eq!(json["access_key_id"], AWS_ACCESS_KEY_ID);
    assert_eq!(json["region"], "us-east-1");
    assert_eq!(json["signed_at"], "2013-05-24T00:00:00Z");
    assert_eq!(json["expires_in"], 86_400);
    assert_eq!(json["expires_at"], "2013-05-25T00:00:00Z");
    assert_eq!(json["signed_headers"], json!(["host"]));
    assert_eq!(json["session_token"], false);
    assert_eq!(json["query"], json!([]));
    assert_eq!(json["expired"], true, "2013 is past");
}

#[test]
fn time_left_counts_from_at_and_turns_into_time_since_expiry() {
    let before = inspect(&["--output", "json", "--at", "2013-05-24T23:59:00Z", AWS_URL]).ok();
    let before: Value = serde_json::from_str(&before).unwrap();
    assert_eq!(before["expired"], false);
    assert_eq!(before["time_left_seconds"], 60);
    assert_eq!(before["now"], "2013-05-24T23:59:00Z");

    let after = inspect(&["--output", "json", "--at", "2013-05-25T01:00:00Z", AWS_URL]).ok();
    let after: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["expired"], true);
    assert_eq!(after["time_left_seconds"], -3600);

    let text = inspect(&["--at", "2013-05-25T01:00:00Z", AWS_URL]).ok();
    assert!(
        text_field(&text, "time left").contains("expired 1h ago"),
        "{text}"
    );
}

#[test]
fn an_empty_region_is_shown_as_two_quotes() {
    let case = corpus_cases()
        .into_iter()
        .find(|case| case.inputs.region.is_empty())
        .expect("the corpus holds an empty-region case");
    let text = inspect(&[&case.expected.url]).ok();
    assert_eq!(text_field(&text, "region"), "\"\"", "{text}");
    assert_eq!(inspect_json(&case.expected.url)["region"], "");
}

#[test]
fn a_session_token_is_reported_present_but_never_printed() {
    let case = corpus_cases()
        .into_iter()
        .find(|case| case.inputs.session_token.is_some())
        .expect("the corpus holds a session-token case");
    let token = case.inputs.session_token.as_deref().unwrap();
    let text = inspect(&[&case.expected.url]).ok();
    assert!(text_field(&text, "session token").starts_with("present"));
    let json = inspect(&["--output", "json", &case.expected.url]).ok();
    assert_eq!(
        serde_json::from_str::<Value>(&json).unwrap()["session_token"],
        true
    );
    for output in [&text, &json] {
        assert!(!output.contains(token), "the token is printed: {output}");
        assert!(
            !output.contains(&common::uri_encode(token)),
            "the encoded token is printed: {output}"
        );
    }
}

#[test]
fn extra_query_parameters_are_listed_and_auth_parameters_are_not() {
    let case = corpus_cases()
        .into_iter()
        .find(|case| case.inputs.query.len() >= 2)
        .expect("the corpus holds a case with several query parameters");
    let text = inspect(&[&case.expected.url]).ok();
    let listed: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("query"))
        .map(str::trim)
        .collect();
    let expected: Vec<String> = case
        .inputs
        .query
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    assert_eq!(listed, expected, "{text}");
}

#[test]
fn every_corpus_url_shows_its_inputs_and_bucket_and_key_wherever_the_host_tells_the_style() {
    let mut failures = corpus::Failures::default();
    let cases = corpus_cases();
    let mut known = 0;
    for case in &cases {
        let inputs = &case.inputs;
        let json = inspect_json(&case.expected.url);
        let field = |name: &str| -> String {
            match &json[name] {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            }
        };
        failures.check(
            &case.id,
            "access_key_id",
            &inputs.access_key,
            &field("access_key_id"),
        );
        failures.check(&case.id, "region", &inputs.region, &field("region"));
        failures.check(
            &case.id,
            "signed_at",
            &inputs.timestamp,
            &field("signed_at"),
        );
        failures.check(
            &case.id,
            "expires_in",
            &inputs.expires.to_string(),
            &field("expires_in"),
        );
        failures.check(
            &case.id,
            "session_token",
            &inputs.session_token.is_some().to_string(),
            &field("session_token"),
        );
        failures.check(
            &case.id,
            "query",
            &json!(inputs.query).to_string(),
            &json["query"].to_string(),
        );
        let mut signed_headers: Vec<String> = inputs
            .signed_headers
            .keys()
            .map(|name| name.to_ascii_lowercase())
            .chain(["host".to_owned()])
            .collect();
        signed_headers.sort();
        failures.check(
            &case.id,
            "signed_headers",
            &json!(signed_headers).to_string(),
            &json["signed_headers"].to_string(),
        );
        if style_is_known_from_the_host(&inputs.endpoint, &case.expected.effective_addressing_style)
        {
            known += 1;
            failures.check(
                &case.id,
                "addressing_style",
                &case.expected.effective_addressing_style,
                &field("addressing_style"),
            );
            failures.check(
                &case.id,
                "addressing_style_guessed",
                "false",
                &field("addressing_style_guessed"),
            );
            failures.check(&case.id, "bucket", &inputs.bucket, &field("bucket"));
            failures.check(&case.id, "key", &inputs.key, &field("key"));
        } else {
            failures.check(
                &case.id,
                "addressing_style_guessed",
                "true",
                &field("addressing_style_guessed"),
            );
        }
    }
    assert!(
        known * 2 > cases.len(),
        "most corpus cases use AWS, IBM COS, R2, IP or localhost endpoints; {known} of {}",
        cases.len()
    );
    failures.finish(cases.len(), "corpus URLs");
}

#[test]
fn garbage_and_urls_without_auth_parameters_exit_2_naming_what_is_wrong() {
    let stderr = inspect(&["not a url"]).refused();
    assert!(stderr.contains("not a presigned URL"), "{stderr}");
    let stderr = inspect(&["https://examplebucket.s3.amazonaws.com/test.txt"]).refused();
    assert!(stderr.contains("query"), "{stderr}");
    let without_date = AWS_URL.replace("X-Amz-Date=20130524T000000Z&", "");
    let stderr = inspect(&[&without_date]).refused();
    assert!(stderr.contains("X-Amz-Date"), "{stderr}");
}

#[test]
fn inspect_needs_no_credentials_and_prints_no_signature() {
    // The sandbox has no credentials at all.
    let text = inspect(&[AWS_URL]).ok();
    let signature = common::query_param(AWS_URL, "X-Amz-Signature").unwrap();
    assert!(!text.contains(signature), "{text}");
    assert!(!text.contains(AWS_SECRET_ACCESS_KEY));
}

#[test]
fn help_lists_the_exit_codes() {
    let help = inspect(&["--help"]).ok();
    assert!(help.contains("Exit codes: 0"), "{help}");
    assert!(help.contains("2 not a presigned URL"), "{help}");
}

/// Every positive case of every presign corpus.
fn corpus_cases() -> Vec<corpus::Case> {
    corpus::presign_corpora()
        .into_iter()
        .flat_map(|(_, corpus)| corpus.cases)
        .collect()
}

/// Whether a URL's host alone tells its addressing style, for an endpoint
/// without a path: an IP address, localhost in path style (`bucket.localhost`
/// may as well be a server's name), or a service domain whose host names are
/// documented (AWS, IBM COS, R2). On any other host, `bucket.host` may be a
/// bucket or a server's own name.
fn style_is_known_from_the_host(endpoint: &str, effective_style: &str) -> bool {
    let rest = endpoint.split_once("://").expect("endpoint has a scheme").1;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if !path.is_empty() {
        return false;
    }
    let host = if authority.starts_with('[') {
        return true;
    } else {
        authority.split(':').next().unwrap().to_ascii_lowercase()
    };
    host.parse::<std::net::Ipv4Addr>().is_ok()
        || (host == "localhost" && effective_style == "path")
        || [
            ".amazonaws.com",
            ".amazonaws.com.cn",
            ".cloud-object-storage.appdomain.cloud",
            ".r2.cloudflarestorage.com",
        ]
        .iter()
        .any(|domain| host.ends_with(domain))
}
