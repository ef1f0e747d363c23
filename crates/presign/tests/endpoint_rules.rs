//! Conformance: botocore 1.43.11's own S3 endpoint rule tests
//! (`tests/data/botocore-1.43.11/endpoint-tests-1.json`) against
//! `presign::resolve_s3_endpoint`.
//!
//! Every case is run unless a named skip rule says a presigned URL cannot
//! express it; the counts are printed, and the number compared may not
//! fall below [`COMPARED_FLOOR`], so a skip rule cannot grow silently.

use std::collections::BTreeMap;

use presign::{AuthScheme, EndpointSettings, resolve_s3_endpoint};
use serde_json::Value;

/// The number of cases compared today. Raise it when more are compared;
/// never lower it without saying why.
const COMPARED_FLOOR: usize = 373;

const TESTS: &str = include_str!("data/botocore-1.43.11/endpoint-tests-1.json");

/// Why a case is not compared, or `None` to compare it.
fn skip_reason(params: &BTreeMap<String, Value>) -> Option<&'static str> {
    let on = |name: &str| params.get(name).and_then(Value::as_bool) == Some(true);
    if on("UseS3ExpressControlEndpoint") {
        return Some(
            "UseS3ExpressControlEndpoint: S3 Express control-plane operations (CreateBucket ...) are not presigned",
        );
    }
    if on("DisableAccessPoints") {
        return Some(
            "DisableAccessPoints: set only for operations that refuse access points (none is presigned)",
        );
    }
    if !params.contains_key("Region") {
        return Some(
            "no Region: presign always has one (an empty region is botocore's Region \"\")",
        );
    }
    if params
        .get("Bucket")
        .is_some_and(|bucket| bucket.as_str() == Some(""))
    {
        return Some("an empty Bucket: presign reads an empty bucket as no bucket");
    }
    let known = [
        "Bucket",
        "Region",
        "Endpoint",
        "UseFIPS",
        "UseDualStack",
        "Accelerate",
        "ForcePathStyle",
        "UseGlobalEndpoint",
        "UseArnRegion",
        "DisableMultiRegionAccessPoints",
        "DisableS3ExpressSessionAuth",
        "UseObjectLambdaEndpoint",
        "UseS3ExpressControlEndpoint",
        "DisableAccessPoints",
        // Not read by any rule of the 1.43.11 rule set: they never change
        // the result, so the cases that carry them are compared.
        "Key",
        "Prefix",
        "CopySource",
    ];
    if params.keys().any(|name| !known.contains(&name.as_str())) {
        return Some("a parameter presign does not know");
    }
    None
}

/// The settings of a case's parameters, as botocore's rules read them
/// (a missing boolean is false, a missing UseArnRegion is "not false").
fn settings_of(params: &BTreeMap<String, Value>) -> EndpointSettings {
    let flag = |name: &str| params.get(name).and_then(Value::as_bool).unwrap_or(false);
    EndpointSettings {
        region: params
            .get("Region")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        endpoint_url: params
            .get("Endpoint")
            .and_then(Value::as_str)
            .map(str::to_owned),
        use_fips: flag("UseFIPS"),
        use_dualstack: flag("UseDualStack"),
        accelerate: flag("Accelerate"),
        force_path_style: flag("ForcePathStyle"),
        use_global_endpoint: flag("UseGlobalEndpoint"),
        use_arn_region: params.get("UseArnRegion").and_then(Value::as_bool) != Some(false),
        disable_multi_region_access_points: flag("DisableMultiRegionAccessPoints"),
        disable_express_session_auth: flag("DisableS3ExpressSessionAuth"),
        use_object_lambda_endpoint: flag("UseObjectLambdaEndpoint"),
    }
}

/// The expected auth scheme, as `(name, signingName, region or set)`.
fn expected_scheme(scheme: &Value) -> (String, String, String) {
    let text = |name: &str| scheme[name].as_str().unwrap_or_default().to_owned();
    let region = match scheme.get("signingRegionSet") {
        Some(set) => format!("{set}"),
        None => text("signingRegion"),
    };
    (text("name"), text("signingName"), region)
}

fn actual_scheme(scheme: &AuthScheme) -> (String, String, String) {
    let region = match scheme {
        AuthScheme::SigV4a { region_set, .. } => {
            serde_json::to_string(region_set).unwrap_or_default()
        }
        other => other.signing_region().unwrap_or_default().to_owned(),
    };
    (
        scheme.name().to_owned(),
        scheme.signing_name().to_owned(),
        region,
    )
}

/// The differences between a case's expectation and presign's answer.
fn compare(case: &Value, params: &BTreeMap<String, Value>) -> Vec<String> {
    let settings = settings_of(params);
    let bucket = params.get("Bucket").and_then(Value::as_str).unwrap_or("");
    let result = resolve_s3_endpoint(&settings, bucket);
    let expect = &case["expect"];
    let mut problems = Vec::new();
    if let Some(error) = expect.get("error") {
        if let Ok(resolved) = result {
            problems.push(format!(
                "botocore refuses it ({error}) but presign resolved {}",
                resolved.url()
            ));
        }
        return problems;
    }
    let resolved = match result {
        Ok(resolved) => resolved,
        Err(error) => {
            problems.push(format!("botocore resolves it but presign refused: {error}"));
            return problems;
        }
    };
    let endpoint = &expect["endpoint"];
    let url = endpoint["url"].as_str().unwrap_or_default();
    if resolved.url() != url {
        problems.push(format!("url: botocore {url}, presign {}", resolved.url()));
    }
    let schemes = endpoint["properties"]["authSchemes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let actual: Vec<_> = std::iter::once(&resolved.auth)
        .chain(resolved.alternative_auth.as_ref())
        .map(actual_scheme)
        .collect();
    let expected: Vec<_> = schemes.iter().map(expected_scheme).collect();
    if actual != expected {
        problems.push(format!("auth: botocore {expected:?}, presign {actual:?}"));
    }
    let express = endpoint["properties"]["backend"].as_str() == Some("S3Express");
    if resolved.express != express {
        problems.push(format!(
            "S3Express backend: botocore {express}, presign {}",
            resolved.express
        ));
    }
    problems
}

#[test]
fn every_expressible_botocore_case_resolves_as_botocore_does() {
    let tests: Value = serde_json::from_str(TESTS).expect("the test file is JSON");
    let cases = tests["testCases"].as_array().expect("testCases is a list");
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    let mut compared = 0;
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let params: BTreeMap<String, Value> =
            serde_json::from_value(case["params"].clone()).expect("params is an object");
        if let Some(reason) = skip_reason(&params) {
            *skipped.entry(reason).or_default() += 1;
            continue;
        }
        compared += 1;
        let problems = compare(case, &params);
        if !problems.is_empty() {
            failures.push(format!(
                "case {index} ({}), params {}:\n  {}",
                case["documentation"].as_str().unwrap_or_default(),
                case["params"],
                problems.join("\n  ")
            ));
        }
    }
    println!("{} cases: {compared} compared", cases.len());
    for (reason, count) in &skipped {
        println!("  skipped {count}: {reason}");
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} cases differ from botocore:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        compared >= COMPARED_FLOOR,
        "only {compared} cases compared, fewer than the floor {COMPARED_FLOOR}: a skip rule grew"
    );
    assert_eq!(compared + skipped.values().sum::<usize>(), cases.len());
}
