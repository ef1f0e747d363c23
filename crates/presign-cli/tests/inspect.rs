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

// ------------------------------------------------- every host form, read back

use common::host_forms::{
    ACCOUNT_AP, DIRECTORY_BUCKET, MRAP, OBJECT_LAMBDA_AP, OUTPOSTS_AP, create_session_stub,
    rescoped,
};

/// A URL the `presign` binary makes for `s3://BUCKET/k.txt` at
/// `FORMS_AT` (common::host_forms), with the example keys and `vars` in the environment.
fn presigned(bucket: &str, flags: &[&str], vars: &[(&str, &str)]) -> String {
    common::host_forms::presigned_as(
        (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY),
        bucket,
        flags,
        vars,
    )
}

/// One host form: how `presign` is asked for it (bucket, flags), the host
/// botocore gives it (tests/endpoints.rs checks presign's against boto3's),
/// and what `inspect` must say of it: form, description, label, region,
/// signing name.
type FormRow = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

const FORMS: [FormRow; 9] = [
    (
        ACCOUNT_AP,
        &[],
        "reports-123456789012.s3-accesspoint.us-west-2.amazonaws.com",
        "access_point",
        "S3 access point",
        Some("reports-123456789012"),
        Some("us-west-2"),
        "s3",
    ),
    (
        ACCOUNT_AP,
        &["--dualstack"],
        "reports-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com",
        "access_point",
        "S3 access point, dualstack",
        Some("reports-123456789012"),
        Some("us-west-2"),
        "s3",
    ),
    (
        ACCOUNT_AP,
        &["--fips"],
        "reports-123456789012.s3-accesspoint-fips.us-west-2.amazonaws.com",
        "access_point",
        "S3 access point, FIPS",
        Some("reports-123456789012"),
        Some("us-west-2"),
        "s3",
    ),
    (
        OBJECT_LAMBDA_AP,
        &[],
        "banner-123456789012.s3-object-lambda.us-west-2.amazonaws.com",
        "object_lambda",
        "S3 Object Lambda access point",
        Some("banner-123456789012"),
        Some("us-west-2"),
        "s3-object-lambda",
    ),
    (
        OUTPOSTS_AP,
        &[],
        "reports-123456789012.op-01234567890123456.s3-outposts.us-west-2.amazonaws.com",
        "outposts",
        "S3 on Outposts access point",
        Some("reports-123456789012"),
        Some("us-west-2"),
        "s3-outposts",
    ),
    (
        DIRECTORY_BUCKET,
        &[],
        "reports--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
        "express",
        "S3 Express One Zone zonal endpoint",
        Some(DIRECTORY_BUCKET),
        Some("us-west-2"),
        "s3express",
    ),
    (
        MRAP,
        &[],
        "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
        "multi_region_access_point",
        "S3 Multi-Region Access Point",
        Some("mfzwi23gnjvgw.mrap"),
        None,
        "s3",
    ),
    (
        "reports",
        &["--accelerate"],
        "reports.s3-accelerate.amazonaws.com",
        "accelerate",
        "S3 Transfer Acceleration endpoint",
        Some("reports"),
        None,
        "s3",
    ),
    (
        "reports",
        &["--dualstack", "--fips"],
        "reports.s3-fips.dualstack.us-west-2.amazonaws.com",
        "regional",
        "S3 regional endpoint, dualstack, FIPS",
        Some("reports"),
        Some("us-west-2"),
        "s3",
    ),
];

#[test]
fn every_host_form_the_core_recognises_is_named_with_its_label_region_and_signing_name() {
    for (bucket, flags, host, form_name, description, label, region, service) in FORMS {
        // S3 Express with the IAM keys: the zonal host without a session.
        let vars: &[(&str, &str)] = if bucket == DIRECTORY_BUCKET {
            &[("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true")]
        } else {
            &[]
        };
        let url = presigned(bucket, flags, vars);
        assert!(url.starts_with(&format!("https://{host}/")), "{url}");
        let text = inspect(&[&url]).ok();
        assert_eq!(text_field(&text, "host form"), description, "{text}");
        assert_eq!(
            text.lines()
                .find_map(|line| line.strip_prefix("host label"))
                .map(str::trim),
            label,
            "{text}"
        );
        let host_region = text_field(&text, "host region");
        match region {
            Some(region) => assert_eq!(host_region, region, "{text}"),
            None => assert!(host_region.starts_with("none ("), "{text}"),
        }
        assert!(
            text_field(&text, "signing name").starts_with(service),
            "{text}"
        );
        assert_eq!(text_field(&text, "service"), service, "{text}");
        assert!(!text.contains("warning"), "{text}");

        let json = inspect_json(&url);
        let found = &json["host_form"];
        assert_eq!(found["provider"], "aws_s3", "{json}");
        assert_eq!(found["form"], form_name, "{json}");
        assert_eq!(found["description"], description, "{json}");
        assert_eq!(found["label"], json!(label), "{json}");
        assert_eq!(found["region"], json!(region), "{json}");
        assert_eq!(found["signing_service"], service, "{json}");
        assert_eq!(
            found["dualstack"],
            description.contains("dualstack"),
            "{json}"
        );
        assert_eq!(found["fips"], description.contains("FIPS"), "{json}");
        assert_eq!(json["host_mismatches"], json!([]), "{json}");
    }
}

#[test]
fn a_multi_region_access_point_url_shows_sigv4a_and_its_region_set() {
    let url = presigned(MRAP, &[], &[]);
    let text = inspect(&[&url]).ok();
    assert_eq!(
        text_field(&text, "algorithm"),
        "AWS4-ECDSA-P256-SHA256 (SigV4A)"
    );
    assert_eq!(text_field(&text, "region set"), "*");
    assert_eq!(text_field(&text, "signing name"), "s3 (SigV4A)");
    assert_eq!(
        text_field(&text, "host region"),
        "none (SigV4A: signed for a region set)"
    );
    let json = inspect_json(&url);
    assert_eq!(json["algorithm"], "AWS4-ECDSA-P256-SHA256");
    assert_eq!(json["region_set"], "*");
    assert_eq!(json["region"], "");
    assert_eq!(json["host_form"]["sigv4a"], true);
}

#[test]
fn a_provider_host_is_named_with_its_region() {
    let url = presigned(
        "reports",
        &[
            "--endpoint-url",
            "https://s3.eu-de.cloud-object-storage.appdomain.cloud",
            "--region",
            "eu-de",
        ],
        &[],
    );
    let text = inspect(&[&url]).ok();
    assert_eq!(text_field(&text, "host form"), "IBM Cloud Object Storage");
    assert_eq!(text_field(&text, "host region"), "eu-de");
    let json = inspect_json(&url);
    assert_eq!(json["host_form"]["provider"], "ibm_cos");
    assert_eq!(json["host_form"]["form"], Value::Null);
    assert_eq!(inspect_json(AWS_URL)["host_form"]["form"], "global");
}

#[test]
fn a_scope_that_disagrees_with_the_host_is_a_warning_naming_both() {
    let lambda = presigned(OBJECT_LAMBDA_AP, &[], &[]);
    let as_s3 = rescoped(&lambda, "s3-object-lambda", "s3");
    let text = inspect(&[&as_s3]).ok();
    assert_eq!(
        text_field(&text, "warning"),
        "the host banner-123456789012.s3-object-lambda.us-west-2.amazonaws.com (S3 Object Lambda \
         access point) takes the signing service s3-object-lambda, but the credential scope names \
         \"s3\": a likely cause of SignatureDoesNotMatch"
    );
    assert_eq!(
        inspect_json(&as_s3)["host_mismatches"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let other_region = rescoped(&presigned(ACCOUNT_AP, &[], &[]), "us-west-2", "eu-west-1");
    let text = inspect(&[&other_region]).ok();
    assert!(
        text_field(&text, "warning").starts_with(
            "the host reports-123456789012.s3-accesspoint.us-west-2.amazonaws.com (S3 access \
             point) is in region us-west-2, but the credential scope names region \"eu-west-1\""
        ),
        "{text}"
    );

    // A SigV4 URL sent to a Multi-Region Access Point's host.
    let mrap_host = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";
    let sigv4 =
        presigned("reports", &[], &[]).replacen("reports.s3.us-west-2.amazonaws.com", mrap_host, 1);
    assert!(sigv4.contains(mrap_host), "{sigv4}");
    let text = inspect(&[&sigv4]).ok();
    assert!(
        text_field(&text, "warning").contains(
            "takes SigV4A (AWS4-ECDSA-P256-SHA256) only, but the URL is signed with \
             AWS4-HMAC-SHA256"
        ),
        "{text}"
    );
}

#[test]
fn an_s3_express_session_url_names_its_token_parameter_and_never_shows_the_token() {
    let stub = create_session_stub();
    let url = presigned(DIRECTORY_BUCKET, &["--endpoint-url", stub.url()], &[]);
    assert!(url.contains("X-Amz-S3session-Token="), "{url}");
    let text = inspect(&[&url]).ok();
    assert_eq!(
        text_field(&text, "session token"),
        "present: an S3 Express session's, X-Amz-S3session-Token (not shown)"
    );
    assert_eq!(text_field(&text, "service"), "s3express");
    assert_eq!(text_field(&text, "access key id"), "ASIASESSIONEXAMPLE");
    let json = inspect_json(&url);
    assert_eq!(json["session_token_parameter"], "X-Amz-S3session-Token");
    assert_eq!(json["session_token"], true);
    for output in [text, json.to_string()] {
        assert!(!output.contains("session+token"), "{output}");
        assert!(!output.contains("session%2Btoken"), "{output}");
    }
}
