//! The S3 endpoint forms through the real `presign` binary: each endpoint
//! setting read from its place (flag, environment, profile, the profile's
//! `s3` section) chooses the host boto3 chooses in the same HOME and
//! environment, byte for byte at a fixed instant; access point ARNs in
//! `s3://` URIs; S3 Express directory buckets signed with a session from a
//! loopback `CreateSession` stub, as boto3 signs them against the same stub;
//! and the refusals: exit 2, a message naming the ARN part or the setting
//! and where it comes from, and boto3 refusing too.
//!
//! boto3 comes from `PRESIGN_PYTHON`; without it the boto3 half of each
//! test is skipped with a notice, except under CI, where that fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Run, query_param};
use presign_test_support::{Home, Python, Reply, Stub};
use serde_json::{Value, json};

const AT: &str = "2026-12-06T12:00:00Z";
const KEY: &str = "2026/q4 summary.pdf";
const EXPIRES: &str = "900";
const ACCESS_POINT: &str = "arn:aws:s3:us-west-2:123456789012:accesspoint/reports";

/// A HOME with keys in the environment and `config` as `~/.aws/config`.
fn home(config: &str, vars: &[(&str, &str)]) -> Home {
    let mut home = Home::with_files(config, "");
    home.set("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE").set(
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    );
    for (name, value) in vars {
        home.set(name, value);
    }
    home
}

/// `presign --at AT --expires-in EXPIRES --region REGION [extra...] s3://BUCKET/KEY`.
fn presign(home: &Home, region: &str, bucket: &str, extra: &[&str]) -> Run {
    let uri = format!("s3://{bucket}/{KEY}");
    let mut args = vec!["--at", AT, "--expires-in", EXPIRES, "--region", region];
    args.extend_from_slice(extra);
    args.push(&uri);
    common::presign_in(home, &args)
}

fn presign_url(home: &Home, region: &str, bucket: &str, extra: &[&str]) -> String {
    common::only_line(&presign(home, region, bucket, extra).ok()).to_owned()
}

/// boto3's presigned GET in HOME with its variables (every setting comes
/// from there, as a user's would), botocore's clock frozen at `AT`:
/// `{"url"}` or `{"error", "message"}`. `signature_version` "" leaves
/// botocore's own choice (S3 Express session auth for a directory bucket).
const BOTO3: &str = r#"
import datetime, json, sys
import botocore.auth
frozen = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")
botocore.auth.get_current_datetime = lambda *args, **kwargs: frozen
import boto3
from botocore.config import Config
region, bucket, key, expires, endpoint, signature_version = sys.argv[2:8]
try:
    # addressing_style virtual: with auto, botocore presigns a plain bucket on
    # us-east-1's hosts whatever the region (docs/botocore-differences.md).
    config = Config(signature_version=signature_version, s3={"addressing_style": "virtual"}) if signature_version else Config()
    client = boto3.Session(region_name=region).client("s3", endpoint_url=endpoint or None, config=config)
    url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=int(expires))
    print(json.dumps({"url": url}))
except Exception as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
"#;

fn boto3(home: &Home, region: &str, bucket: &str, endpoint: &str, version: &str) -> Option<Value> {
    let python = Python::find()?;
    let args = [AT, region, bucket, KEY, EXPIRES, endpoint, version];
    Some(serde_json::from_str(&python.run_in(home, BOTO3, &args)).unwrap())
}

/// presign's URL equals boto3's (SigV4, `s3v4`); returns it.
fn assert_as_boto3(home: &Home, region: &str, bucket: &str, host: &str) -> String {
    let url = presign_url(home, region, bucket, &[]);
    assert!(url.starts_with(&format!("https://{host}/")), "{url}");
    if let Some(theirs) = boto3(home, region, bucket, "", "s3v4") {
        assert_eq!(theirs.get("error"), None, "boto3 refused: {theirs}");
        assert_eq!(url, theirs["url"].as_str().unwrap());
    }
    url
}

#[test]
fn each_setting_read_from_its_place_chooses_the_host_boto3_chooses() {
    let dualstack = home("", &[("AWS_USE_DUALSTACK_ENDPOINT", "true")]);
    let url = assert_as_boto3(
        &dualstack,
        "us-west-2",
        "reports",
        "reports.s3.dualstack.us-west-2.amazonaws.com",
    );
    assert_eq!(
        presign_url(&home("", &[]), "us-west-2", "reports", &["--dualstack"]),
        url,
        "--dualstack is AWS_USE_DUALSTACK_ENDPOINT"
    );

    let fips = home("[default]\nuse_fips_endpoint = true\n", &[]);
    let url = assert_as_boto3(
        &fips,
        "us-west-2",
        "reports",
        "reports.s3-fips.us-west-2.amazonaws.com",
    );
    assert_eq!(
        presign_url(&home("", &[]), "us-west-2", "reports", &["--fips"]),
        url
    );

    let accelerate = home("[default]\ns3 =\n  use_accelerate_endpoint = true\n", &[]);
    let url = assert_as_boto3(
        &accelerate,
        "us-west-2",
        "reports",
        "reports.s3-accelerate.amazonaws.com",
    );
    assert_eq!(
        presign_url(&home("", &[]), "us-west-2", "reports", &["--accelerate"]),
        url
    );

    let both = home(
        "[default]\nuse_dualstack_endpoint = true\nuse_fips_endpoint = true\n",
        &[],
    );
    assert_as_boto3(
        &both,
        "us-east-1",
        "reports",
        "reports.s3-fips.dualstack.us-east-1.amazonaws.com",
    );

    let regional = home("", &[("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "regional")]);
    assert_as_boto3(
        &regional,
        "us-east-1",
        "reports",
        "reports.s3.us-east-1.amazonaws.com",
    );
    assert_as_boto3(
        &home("", &[]),
        "us-east-1",
        "reports",
        "reports.s3.amazonaws.com",
    );
}

#[test]
fn access_point_object_lambda_and_outposts_arns_are_buckets_as_boto3_takes_them() {
    let plain = home("", &[]);
    let url = assert_as_boto3(
        &plain,
        "us-east-1",
        ACCESS_POINT,
        "reports-123456789012.s3-accesspoint.us-west-2.amazonaws.com",
    );
    assert!(
        url.contains("%2Fus-west-2%2Fs3%2Faws4_request"),
        "the ARN's region: {url}"
    );
    assert_as_boto3(
        &home("", &[("AWS_USE_DUALSTACK_ENDPOINT", "true")]),
        "us-west-2",
        ACCESS_POINT,
        "reports-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com",
    );
    let lambda = "arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/banner";
    let url = assert_as_boto3(
        &plain,
        "us-west-2",
        lambda,
        "banner-123456789012.s3-object-lambda.us-west-2.amazonaws.com",
    );
    assert!(url.contains("%2Fs3-object-lambda%2Faws4_request"), "{url}");
    let outpost = "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports";
    let url = assert_as_boto3(
        &plain,
        "us-west-2",
        outpost,
        "reports-123456789012.op-01234567890123456.s3-outposts.us-west-2.amazonaws.com",
    );
    assert!(url.contains("%2Fs3-outposts%2Faws4_request"), "{url}");
}

/// A `CreateSession` answer as S3 sends it.
fn session_xml() -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateSessionResult \
     xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Credentials>\
     <SessionToken>session+token/with=chars</SessionToken>\
     <SecretAccessKey>session/Secret+Key=</SecretAccessKey>\
     <AccessKeyId>ASIASESSIONEXAMPLE</AccessKeyId>\
     <Expiration>2099-12-06T16:09:05Z</Expiration></Credentials></CreateSessionResult>"
        .to_owned()
}

#[test]
fn a_directory_bucket_is_signed_with_a_create_session_session_as_boto3_signs_it() {
    let bucket = "reports--usw2-az1--x-s3";
    let stub = Stub::start(|request| {
        if request.query() == "session" && request.method == "GET" {
            Reply::xml(200, &session_xml())
        } else {
            Reply::xml(400, "<Error><Code>InvalidRequest</Code></Error>")
        }
    });
    let home = home("", &[]);
    let url = presign_url(&home, "us-west-2", bucket, &["--endpoint-url", stub.url()]);
    assert!(
        url.contains("X-Amz-Credential=ASIASESSIONEXAMPLE%2F"),
        "{url}"
    );
    assert!(url.contains("%2Fs3express%2Faws4_request"), "{url}");
    assert_eq!(
        query_param(&url, "X-Amz-S3session-Token"),
        Some("session%2Btoken%2Fwith%3Dchars"),
        "{url}"
    );
    assert_eq!(query_param(&url, "X-Amz-Security-Token"), None, "{url}");
    let requests = stub.requests();
    assert_eq!(requests.len(), 1, "one CreateSession");
    assert_eq!(requests[0].path(), format!("/{bucket}"));
    if let Some(theirs) = boto3(&home, "us-west-2", bucket, stub.url(), "") {
        assert_eq!(theirs.get("error"), None, "boto3 refused: {theirs}");
        assert_eq!(url, theirs["url"].as_str().unwrap());
    }

    // With session auth off, the IAM keys sign for s3express, as boto3 signs.
    let off = common::presign_in(
        &{
            let mut home = home;
            home.set("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "true");
            home
        },
        &[
            "--at",
            AT,
            "--expires-in",
            EXPIRES,
            "--region",
            "us-west-2",
            &format!("s3://{bucket}/{KEY}"),
        ],
    )
    .ok();
    assert!(
        off.starts_with(&format!(
            "https://{bucket}.s3express-usw2-az1.us-west-2.amazonaws.com/"
        )),
        "{off}"
    );
    assert!(
        off.contains("X-Amz-Credential=AKIDEXAMPLE%2F20261206%2Fus-west-2%2Fs3express%2F"),
        "{off}"
    );
}

#[test]
fn a_refused_create_session_names_the_bucket_and_its_code() {
    let stub = Stub::start(|_| {
        Reply::xml(
            403,
            "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
        )
    });
    let stderr = presign(
        &home("", &[]),
        "us-west-2",
        "reports--usw2-az1--x-s3",
        &["--endpoint-url", stub.url()],
    )
    .refused();
    assert!(stderr.contains("reports--usw2-az1--x-s3"), "{stderr}");
    assert!(stderr.contains("AccessDenied"), "{stderr}");
    assert!(!stderr.contains("wJalrXUtnFEMI"), "no secret in {stderr}");
}

/// presign refuses `bucket` with each of `parts` in its message; boto3
/// refuses it too.
fn assert_refused(home: &Home, region: &str, bucket: &str, extra: &[&str], parts: &[&str]) {
    let stderr = presign(home, region, bucket, extra).refused();
    for part in parts {
        assert!(stderr.contains(part), "{part:?} missing from {stderr}");
    }
    if extra.is_empty()
        && let Some(theirs) = boto3(home, region, bucket, "", "s3v4")
    {
        assert!(
            theirs.get("error").is_some(),
            "boto3 accepts {bucket}: {theirs}"
        );
    }
}

#[test]
fn malformed_arns_are_refused_naming_the_part() {
    let home = home("", &[]);
    assert_refused(
        &home,
        "us-west-2",
        "arn:aws:s3:us-west-2::accesspoint/reports",
        &[],
        &["account"],
    );
    assert_refused(
        &home,
        "us-west-2",
        "arn:aws:sqs:us-west-2:123456789012:accesspoint/reports",
        &[],
        &["sqs"],
    );
    assert_refused(
        &home,
        "us-west-2",
        "arn:aws:s3:us-west-2:123456789012:bucket_name/reports",
        &[],
        &["bucket_name", "accesspoint", "outpost"],
    );
    assert_refused(
        &home,
        "us-west-2",
        "arn:aws:s3:us-west-2:123456789012:accesspoint:reports:extra",
        &[],
        &["accesspoint"],
    );
}

#[test]
fn conflicts_botocore_refuses_are_refused_with_the_reason_and_the_settings_source() {
    let home = home("", &[]);
    assert_refused(
        &home,
        "us-west-2",
        "my.reports",
        &["--accelerate"],
        &["Accelerate", "--accelerate"],
    );
    assert_refused(
        &home,
        "cn-north-1",
        "reports",
        &["--fips"],
        &["FIPS", "aws-cn", "--fips"],
    );
    assert_refused(
        &home,
        "us-west-2",
        ACCESS_POINT,
        &["--accelerate"],
        &["ccelerat"],
    );
    assert_refused(
        &home,
        "us-west-2",
        "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/reports",
        &[],
        &["aws-cn", "us-west-2"],
    );
    let pinned = home_with_arn_region_off();
    assert_refused(
        &pinned,
        "us-east-1",
        ACCESS_POINT,
        &[],
        &["us-west-2", "us-east-1"],
    );
    let stderr = presign(
        &home,
        "us-west-2",
        "reports",
        &["--endpoint-url", "http://127.0.0.1:9", "--accelerate"],
    )
    .refused();
    assert!(
        stderr.contains("custom endpoint") && stderr.contains("Accelerate"),
        "{stderr}"
    );
}

fn home_with_arn_region_off() -> Home {
    home("[default]\ns3_use_arn_region = false\n", &[])
}

#[test]
fn a_setting_that_is_no_boolean_is_refused_naming_it() {
    let stderr = presign(
        &home("", &[("AWS_USE_FIPS_ENDPOINT", "yes")]),
        "us-west-2",
        "reports",
        &[],
    )
    .refused();
    assert!(
        stderr.contains("AWS_USE_FIPS_ENDPOINT: expected true or false"),
        "{stderr}"
    );
}

#[test]
fn explain_and_json_say_what_does_not_apply_and_which_form_signs() {
    let home = home("", &[("AWS_USE_DUALSTACK_ENDPOINT", "true")]);
    let explain = presign(
        &home,
        "us-west-2",
        "reports",
        &[
            "--endpoint-url",
            "http://127.0.0.1:9000",
            "--output",
            "explain",
        ],
    )
    .ok();
    assert!(
        explain.contains(
            "not applied       dualstack (AWS_USE_DUALSTACK_ENDPOINT) does not apply: the endpoint is set by --endpoint-url"
        ),
        "{explain}"
    );
    let json: Value = serde_json::from_str(
        &presign(
            &home_plain(),
            "us-west-2",
            ACCESS_POINT,
            &["--output", "json"],
        )
        .ok(),
    )
    .unwrap();
    assert_eq!(json["host_form"], json!("AccessPoint"));
    assert_eq!(json["signing_name"], json!("s3"));
    assert_eq!(json["algorithm"], json!("AWS4-HMAC-SHA256"));
    let mrap = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap";
    let explain = presign(&home_plain(), "us-west-2", mrap, &["--output", "explain"]).ok();
    assert!(
        explain
            .contains("host              mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com"),
        "{explain}"
    );
    assert!(explain.contains("region set        *"), "{explain}");
    assert!(
        explain.contains("AWS4-ECDSA-P256-SHA256\n20261206T120000Z\n20261206/s3/aws4_request\n"),
        "{explain}"
    );
    assert!(explain.contains("public key x"), "{explain}");
}

fn home_plain() -> Home {
    home("", &[])
}

#[test]
fn sigv2_is_refused_for_hosts_that_take_sigv4_only() {
    let home = home_plain();
    for bucket in [
        ACCESS_POINT,
        "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap",
        "arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/banner",
    ] {
        let stderr = presign(&home, "us-west-2", bucket, &["--signature-version", "s3"]).refused();
        assert!(stderr.contains("takes SigV4 signatures only"), "{stderr}");
        assert!(stderr.contains("--signature-version s3"), "{stderr}");
    }
    let url = presign_url(
        &home,
        "us-west-2",
        "reports",
        &["--signature-version", "s3", "--dualstack"],
    );
    assert!(
        url.starts_with("https://reports.s3.dualstack.us-west-2.amazonaws.com/"),
        "{url}"
    );
    assert!(url.contains("AWSAccessKeyId="), "{url}");
}
