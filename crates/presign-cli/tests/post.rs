//! `presign post`: the form a browser uploads with, from the command line's
//! limits, in every output format; bad input exits 2 with the flag named.
//! Every run is isolated from the real machine (see `common`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{AWS_AT, AWS_SECRET_ACCESS_KEY, AWS_SIGNING_KEY, Sandbox, run};
use pretty_assertions::assert_eq;
use serde_json::Value;

/// botocore 1.43.11's `generate_presigned_post("examplebucket",
/// "uploads/${filename}", Conditions=[["content-length-range", 0, 10000000],
/// ["starts-with", "$Content-Type", "image/"]])` with the AWS documentation's
/// keys, us-east-1, its clock frozen at 2013-05-24T00:00:00Z.
const BOTOCORE_POLICY: &str = "eyJleHBpcmF0aW9uIjogIjIwMTMtMDUtMjRUMDE6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsIDAsIDEwMDAwMDAwXSwgWyJzdGFydHMtd2l0aCIsICIkQ29udGVudC1UeXBlIiwgImltYWdlLyJdLCB7ImJ1Y2tldCI6ICJleGFtcGxlYnVja2V0In0sIFsic3RhcnRzLXdpdGgiLCAiJGtleSIsICJ1cGxvYWRzLyJdLCB7IngtYW16LWFsZ29yaXRobSI6ICJBV1M0LUhNQUMtU0hBMjU2In0sIHsieC1hbXotY3JlZGVudGlhbCI6ICJBS0lBSU9TRk9ETk43RVhBTVBMRS8yMDEzMDUyNC91cy1lYXN0LTEvczMvYXdzNF9yZXF1ZXN0In0sIHsieC1hbXotZGF0ZSI6ICIyMDEzMDUyNFQwMDAwMDBaIn1dfQ==";
const BOTOCORE_SIGNATURE: &str = "bd925867deaa63150a06e295e89960c381b7769ea031633e34c7110717a68409";

/// `presign post` of the botocore example, plus `extra` arguments.
fn post_example(sandbox: &Sandbox, extra: &[&str]) -> common::Run {
    run(sandbox
        .aws_command()
        .args([
            "post",
            "s3://examplebucket/uploads/",
            "--max-size",
            "10MB",
            "--content-type",
            "image/*",
            "--region",
            "us-east-1",
            "--at",
            AWS_AT,
        ])
        .args(extra))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}):\n{text}"))
}

/// The form fields of `--output json`, in order (serde_json's objects sort
/// their members; presign's own JSON reader keeps them in order).
fn field_names(text: &str) -> Vec<String> {
    let presign::PolicyValue::Object(members) = presign::PolicyValue::parse(text).unwrap() else {
        panic!("not an object: {text}")
    };
    let (_, presign::PolicyValue::Object(fields)) = members
        .into_iter()
        .find(|(name, _)| name == "fields")
        .unwrap()
    else {
        panic!("no fields object: {text}")
    };
    fields.into_iter().map(|(name, _)| name).collect()
}

#[test]
fn json_output_is_botocores_form_with_the_decoded_policy() {
    let sandbox = Sandbox::new();
    let out = post_example(&sandbox, &[]).ok();
    let json = json(&out);
    assert_eq!(json["url"], "https://examplebucket.s3.amazonaws.com/");
    assert_eq!(json["fields"]["key"], "uploads/${filename}");
    assert_eq!(json["fields"]["policy"], BOTOCORE_POLICY);
    assert_eq!(json["fields"]["x-amz-signature"], BOTOCORE_SIGNATURE);
    assert_eq!(json["string_to_sign"], BOTOCORE_POLICY);
    assert_eq!(json["uploader_chooses"]["Content-Type"], "image/");
    assert_eq!(json["policy"]["expiration"], "2013-05-24T01:00:00Z");
    assert_eq!(
        json["policy"]["conditions"][0],
        serde_json::json!(["content-length-range", 0, 10_000_000])
    );
    assert_eq!(json["expires_at"], "2013-05-24T01:00:00Z");
    assert!(json.get("signing_key").is_none());
}

#[test]
fn fields_follow_the_command_line_rules_then_presigns_own() {
    let sandbox = Sandbox::new();
    let out = run(sandbox.aws_command().args([
        "post",
        "s3://bucket/in/a.txt",
        "--endpoint-url",
        "http://127.0.0.1:9000",
        "--content-type",
        "text/plain",
        "--acl",
        "private",
        "--success-status",
        "201",
        "--redirect",
        "https://example.com/done",
        "--meta",
        "owner=alice",
        "--condition",
        "Cache-Control=no-cache",
        "--condition",
        "x-amz-meta-tag^=",
        "--condition",
        r#"["starts-with", "$Content-Disposition", "inline"]"#,
    ]))
    .ok();
    let json = json(&out);
    assert_eq!(json["url"], "http://127.0.0.1:9000/bucket");
    assert_eq!(
        field_names(&out),
        [
            "Content-Type",
            "acl",
            "success_action_status",
            "success_action_redirect",
            "x-amz-meta-owner",
            "Cache-Control",
            "key",
            "x-amz-algorithm",
            "x-amz-credential",
            "x-amz-date",
            "policy",
            "x-amz-signature"
        ]
    );
    let conditions: Vec<String> = json["policy"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    assert_eq!(
        conditions[..9],
        [
            r#"{"Content-Type":"text/plain"}"#,
            r#"{"acl":"private"}"#,
            r#"{"success_action_status":"201"}"#,
            r#"{"success_action_redirect":"https://example.com/done"}"#,
            r#"{"x-amz-meta-owner":"alice"}"#,
            r#"{"Cache-Control":"no-cache"}"#,
            r#"["starts-with","$x-amz-meta-tag",""]"#,
            r#"["starts-with","$Content-Disposition","inline"]"#,
            r#"{"bucket":"bucket"}"#,
        ]
    );
    assert_eq!(conditions[9], r#"{"key":"in/a.txt"}"#);
}

#[test]
fn a_key_prefix_lets_the_uploader_choose_the_rest() {
    let sandbox = Sandbox::new();
    for (uri, flag, key) in [
        ("s3://bucket/in/", None, "in/${filename}"),
        ("s3://bucket", None, "${filename}"),
        (
            "s3://bucket/user-42-",
            Some("--key-prefix"),
            "user-42-${filename}",
        ),
        ("s3://bucket/in/${filename}", None, "in/${filename}"),
    ] {
        let mut command = sandbox.aws_command();
        command.args(["post", uri, "--endpoint-url", "http://127.0.0.1:9000"]);
        command.args(flag);
        let json = json(&run(&mut command).ok());
        assert_eq!(json["fields"]["key"], key, "{uri}");
        let prefix = key.strip_suffix("${filename}").unwrap();
        assert!(
            json["policy"]["conditions"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!(["starts-with", "$key", prefix])),
            "{uri}"
        );
    }
}

#[test]
fn sizes_take_units_and_a_lone_minimum_gets_s3s_limit() {
    let sandbox = Sandbox::new();
    for (args, range) in [
        (vec!["--max-size", "1GiB"], (0_u64, 1_u64 << 30)),
        (vec!["--min-size", "1KB"], (1000, 5 << 30)),
        (vec!["--min-size", "1", "--max-size", "1 MiB"], (1, 1 << 20)),
    ] {
        let json = json(
            &run(sandbox
                .aws_command()
                .args(["post", "s3://bucket/k", "--endpoint-url", "http://h"])
                .args(&args))
            .ok(),
        );
        assert_eq!(
            json["policy"]["conditions"][0],
            serde_json::json!(["content-length-range", range.0, range.1]),
            "{args:?}"
        );
    }
}

#[test]
fn bad_input_exits_2_naming_the_flag() {
    let sandbox = Sandbox::new();
    for (args, needle) in [
        (vec!["--min-size", "10", "--max-size", "9"], "--min-size"),
        (vec!["--max-size", "10XB"], "--max-size"),
        (vec!["--success-status", "302"], "--success-status"),
        (vec!["--condition", "no-equals-sign"], "--condition"),
        (vec!["--condition", "[\"starts-with\","], "--condition"),
        (vec!["--expires-in", "8d"], "expires-in"),
        (vec!["--output", "xml"], "--output"),
    ] {
        let stderr = run(sandbox
            .aws_command()
            .args(["post", "s3://bucket/k", "--endpoint-url", "http://h"])
            .args(&args))
        .refused();
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    for (uri, needle) in [
        ("bucket/k", "s3://BUCKET"),
        ("s3://Bad_Bucket/k", "bucket name"),
    ] {
        let stderr = run(sandbox
            .aws_command()
            .args(["post", uri, "--endpoint-url", "http://h"]))
        .refused();
        assert!(stderr.contains(needle), "{uri}: {stderr}");
    }
}

#[test]
fn curl_output_sends_fields_as_strings_and_the_file_last() {
    let sandbox = Sandbox::new();
    let out = post_example(&sandbox, &["--output", "curl"]).ok();
    assert!(
        out.starts_with("# Replace FILE with the file to upload.\n"),
        "{out}"
    );
    assert!(
        out.contains("--form-string 'key=uploads/${filename}'"),
        "{out}"
    );
    assert!(
        out.contains(&format!("--form-string policy={BOTOCORE_POLICY}")),
        "{out}"
    );
    assert!(out.contains("--form-string Content-Type=image/ \\\n  -F file=@FILE \\\n  https://examplebucket.s3.amazonaws.com/\n"), "{out}");
}

#[test]
fn html_output_is_a_form_with_the_file_input_last() {
    let sandbox = Sandbox::new();
    let out = post_example(&sandbox, &["--output", "html"]).ok();
    assert!(out.starts_with("<!DOCTYPE html>"), "{out}");
    assert!(out.contains("<form action=\"https://examplebucket.s3.amazonaws.com/\" method=\"post\" enctype=\"multipart/form-data\">"), "{out}");
    assert!(
        out.contains(&format!(
            "<input type=\"hidden\" name=\"policy\" value=\"{BOTOCORE_POLICY}\">"
        )),
        "{out}"
    );
    let file = out
        .find("<input type=\"file\" name=\"file\" accept=\"image/*\" required>")
        .unwrap();
    assert!(out.rfind("<input type=\"hidden\"").unwrap() < file);
    assert!(
        out.find("name=\"Content-Type\" value=\"image/\" required>")
            .unwrap()
            < file
    );
}

#[test]
fn explain_shows_every_step_with_the_secrets_redacted_unless_asked() {
    let sandbox = Sandbox::new();
    let out = post_example(&sandbox, &["--output", "explain"]).ok();
    for needle in [
        "2. Policy document (JSON, exactly as signed)\n{\"expiration\": \"2013-05-24T01:00:00Z\", \"conditions\": [[\"content-length-range\", 0, 10000000], ",
        &format!(
            "3. String to sign: the policy document in base64 (also the field policy)\n{BOTOCORE_POLICY}\n"
        ),
        "4. Credential scope (date/region/service/aws4_request)\n20130524/us-east-1/s3/aws4_request\n",
        &format!("(the field x-amz-signature)\n{BOTOCORE_SIGNATURE}\n"),
        "[\"content-length-range\", 0, 10000000]  (the file is 0 to 10000000 bytes long",
        "Content-Type: chosen by the uploader, starting with \"image/\"",
        "secret key        <redacted>",
    ] {
        assert!(out.contains(needle), "{needle:?} not in:\n{out}");
    }
    assert!(!out.contains(AWS_SECRET_ACCESS_KEY));
    assert!(!out.contains(AWS_SIGNING_KEY));
    let shown = post_example(&sandbox, &["--output", "explain", "--show-secrets"]).ok();
    assert!(shown.contains(AWS_SIGNING_KEY), "{shown}");
    let json = json(&post_example(&sandbox, &["--show-secrets"]).ok());
    assert_eq!(json["signing_key"], AWS_SIGNING_KEY);
}

#[test]
fn a_session_token_is_a_field_and_a_condition_and_warned_about() {
    let sandbox = Sandbox::new();
    let out = run(sandbox
        .aws_command()
        .env("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLE")
        .args(["post", "s3://bucket/k", "--endpoint-url", "http://h"]));
    let json = json(&out.stdout);
    assert_eq!(
        json["fields"]["x-amz-security-token"],
        "FwoGZXIvYXdzEXAMPLE"
    );
    assert!(
        json["policy"]["conditions"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"x-amz-security-token": "FwoGZXIvYXdzEXAMPLE"}))
    );
    assert!(out.stderr.contains("session token"), "{}", out.stderr);
}

#[test]
fn help_shows_post_with_examples() {
    let sandbox = Sandbox::new();
    let top = run(sandbox.command().arg("--help")).ok();
    assert!(top.contains("post "), "{top}");
    let help = run(sandbox.command().args(["post", "--help"])).ok();
    for needle in [
        "--max-size <SIZE>",
        "--content-type <TYPE>",
        "--key-prefix",
        "--condition <CONDITION>",
        "--output <OUTPUT>",
        "Examples:",
        "presign post s3://bucket/uploads/ --max-size 10MB --content-type 'image/*' > form.json",
    ] {
        assert!(help.contains(needle), "{needle:?} not in:\n{help}");
    }
}

/// `presign post` for `s3://bucket/in/` on a local endpoint, written to
/// `form.json` in the sandbox, signed at `at`.
fn local_form(sandbox: &Sandbox, at: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = run(sandbox
        .aws_command()
        .args([
            "post",
            "s3://bucket/in/",
            "--endpoint-url",
            "http://127.0.0.1:9000",
            "--max-size",
            "100",
            "--content-type",
            "image/*",
            "--at",
            at,
        ])
        .args(extra))
    .ok();
    sandbox.write("form.json", &out)
}

#[test]
fn verify_post_accepts_the_form_and_rejects_each_violation_with_exit_1() {
    let sandbox = Sandbox::new();
    let form = local_form(&sandbox, "2024-11-28T12:00:00Z", &[]);
    let photo = sandbox.write(
        "photo.png",
        "fifty bytes of a picture, more or less, it is fine",
    );
    let verify = |extra: &[&str]| {
        let mut command = sandbox.aws_command();
        command
            .args(["verify", "--post"])
            .arg(&form)
            .args(["--at", "2024-11-28T12:30:00Z"])
            .args(extra);
        run(&mut command)
    };
    let file = photo.to_str().unwrap();
    let valid = verify(&["--file", file, "--content-type", "image/png"]).ok();
    assert_eq!(
        valid,
        "valid: POST of 50 bytes to bucket bucket, key in/photo.png, signed by AKIAIOSFODNN7EXAMPLE, \
         policy expires at 2024-11-28T13:00:00Z\n"
    );
    for (extra, reason) in [
        (vec!["--file", file], "the form has no Content-Type field"),
        (
            vec!["--file", file, "--content-type", "text/plain"],
            "the form's Content-Type is \"text/plain\"",
        ),
        (
            vec!["--size", "101", "--content-type", "image/png"],
            "the file is 101 bytes; 0..=100 are allowed",
        ),
        (
            vec![
                "--file",
                file,
                "--content-type",
                "image/png",
                "--field",
                "key=out/a.png",
            ],
            "[\"starts-with\", \"$key\", \"in/\"]",
        ),
        (
            vec![
                "--file",
                file,
                "--content-type",
                "image/png",
                "--field",
                "x-extra=1",
            ],
            "the form field x-extra is not named",
        ),
        (
            vec![
                "--file",
                file,
                "--content-type",
                "image/png",
                "--field",
                "x-amz-signature=00",
            ],
            "signature mismatch",
        ),
        (
            vec![
                "--file",
                file,
                "--content-type",
                "image/png",
                "--bucket",
                "other",
            ],
            "{\"bucket\": \"bucket\"}",
        ),
    ] {
        let rejected = verify(&extra);
        assert_eq!(rejected.code, Some(1), "{extra:?}: {}", rejected.stderr);
        assert_eq!(rejected.stdout, "", "{extra:?}");
        assert!(
            rejected.stderr.contains(reason),
            "{extra:?}: {}",
            rejected.stderr
        );
    }
}

#[test]
fn verify_post_rejects_an_expired_policy() {
    let sandbox = Sandbox::new();
    let form = local_form(&sandbox, "2024-11-28T12:00:00Z", &[]);
    let photo = sandbox.write("photo.png", "png");
    let file = photo.to_str().unwrap();
    let late = run(sandbox
        .aws_command()
        .args(["verify", "--post"])
        .arg(&form)
        .args([
            "--file",
            file,
            "--content-type",
            "image/png",
            "--at",
            "2024-11-28T13:00:00Z",
        ]));
    assert_eq!(late.code, Some(1));
    assert!(
        late.stderr
            .contains("the policy expired at 2024-11-28T13:00:00Z"),
        "{}",
        late.stderr
    );
}

#[test]
fn verify_post_exits_2_when_the_input_is_not_a_signed_form() {
    let sandbox = Sandbox::new();
    let form = local_form(&sandbox, "2024-11-28T12:00:00Z", &[]);
    let bare = sandbox.write("bare.json", r#"{"key": "in/a", "acl": "private"}"#);
    let not_json = sandbox.write("not.json", "key=in/a");
    for (form, extra, needle) in [
        (&form, vec![], "--file FILE, or --size SIZE"),
        (&bare, vec!["--size", "1"], "pass --bucket"),
        (
            &bare,
            vec!["--size", "1", "--bucket", "b"],
            "the form has no policy field",
        ),
        (&not_json, vec!["--size", "1"], "is not JSON"),
        (
            &form,
            vec!["--size", "1", "-H", "x: y"],
            "--header does not apply",
        ),
    ] {
        let stderr = run(sandbox
            .aws_command()
            .args(["verify", "--post"])
            .arg(form)
            .args(&extra))
        .refused();
        assert!(stderr.contains(needle), "{extra:?}: {stderr}");
    }
    let stderr = run(sandbox.aws_command().args(["verify", "--size", "1"])).refused();
    assert!(
        stderr.contains("--post") || stderr.contains("<URL>"),
        "{stderr}"
    );
}

#[test]
fn verify_post_reads_boto3s_answer_with_a_number_field() {
    // The shape boto3's generate_presigned_post returns, with a field given
    // as a number: the form sends its text.
    let sandbox = Sandbox::new();
    let form = run(sandbox.aws_command().args([
        "post",
        "s3://bucket/k.txt",
        "--endpoint-url",
        "http://127.0.0.1:9000",
        "--success-status",
        "201",
        "--at",
        "2024-11-28T12:00:00Z",
    ]))
    .ok();
    let json: Value = serde_json::from_str(&form).unwrap();
    let mut fields = json["fields"].clone();
    fields["success_action_status"] = serde_json::json!(201);
    let boto3 = serde_json::json!({"url": json["url"], "fields": fields});
    let path = sandbox.write("boto3.json", &boto3.to_string());
    let out = run(sandbox
        .aws_command()
        .args(["verify", "--post"])
        .arg(&path)
        .args(["--size", "3", "--at", "2024-11-28T12:00:01Z"]))
    .ok();
    assert!(
        out.starts_with("valid: POST of 3 bytes to bucket bucket, key k.txt"),
        "{out}"
    );
}

#[test]
fn upload_post_refuses_bad_input_before_sending() {
    let sandbox = Sandbox::new();
    let form = local_form(&sandbox, "2024-11-28T12:00:00Z", &[]);
    let photo = sandbox.write("photo.png", "png");
    let bare = sandbox.write("bare.json", r#"{"key": "in/a"}"#);
    for (args, needle) in [
        (
            vec!["--post", bare.to_str().unwrap(), photo.to_str().unwrap()],
            "no url to post to",
        ),
        (
            vec!["--post", form.to_str().unwrap(), "missing.png"],
            "missing.png",
        ),
        (
            vec![
                "--post",
                form.to_str().unwrap(),
                photo.to_str().unwrap(),
                "-H",
                "x: y",
            ],
            "--header does not apply",
        ),
        (
            vec![
                "--post",
                form.to_str().unwrap(),
                "https://h/u?x",
                photo.to_str().unwrap(),
            ],
            "cannot be used with",
        ),
    ] {
        let stderr = run(sandbox.aws_command().arg("upload").args(&args)).refused();
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}
