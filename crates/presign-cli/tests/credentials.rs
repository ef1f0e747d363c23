//! Every credential source of the chain, through the real `presign` binary:
//! a temporary HOME and environment point at loopback stubs that answer as
//! the AWS services document it (STS, the SSO portal, the container
//! endpoint, IMDSv2) and at a `credential_process` script, and the URL
//! presign prints at a fixed `--at` must equal, byte for byte and session
//! token included, the one boto3's `generate_presigned_url('get_object')`
//! builds in the same HOME and environment with botocore's signing clock
//! frozen at the same instant (as `scripts/botocore_presign.py` freezes
//! it). Where botocore refuses a configuration, presign refuses it too:
//! exit 2, and a message naming the profile and the key.
//!
//! boto3 comes from the interpreter `PRESIGN_PYTHON` names (the venv of
//! `scripts/servers/install.sh moto`, which adds boto3 to
//! `scripts/setup-python.sh`'s); without it the boto3 half of each test is
//! skipped with a notice, except under CI (`CI` set), where that fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{Run, query_param, uri_encode};
use presign_test_support::{Home, Python, Reply, Request, Stub, closed_port_url};
use serde_json::{Value, json};

const AT: &str = "2026-12-06T12:00:00Z";
/// The signing region. us-east-1, where presign and botocore agree on the
/// host without an endpoint (`BUCKET.s3.amazonaws.com`); in other regions
/// botocore presigns on the global host and presign on the regional one,
/// a difference docs/botocore-differences.md explains.
const REGION: &str = "us-east-1";
/// The region of the IAM Identity Center instance.
const SSO_REGION: &str = "eu-west-1";
const EXPIRES: &str = "900";
const BUCKET: &str = "reports";
const KEY: &str = "2026/q4 summary.pdf";
/// When every credential the stubs hand out expires: later than the URL,
/// so that neither presign nor botocore refreshes or warns.
const EXPIRATION: &str = "2099-01-01T00:00:00Z";
const ACCOUNT: &str = "123456789012";

// ------------------------------------------------------------ presign --

/// `presign args...` in `home` alone (see [`common::presign_in`]).
fn presign(home: &Home, args: &[&str]) -> Run {
    common::presign_in(home, args)
}

/// The arguments of every signing run, with `--profile` when given.
fn sign_args<'a>(profile: Option<&'a str>, output: &'a str) -> Vec<&'a str> {
    let mut args = vec!["--at", AT, "--region", REGION, "--expires-in", EXPIRES];
    args.extend(["--output", output]);
    if let Some(profile) = profile {
        args.extend(["--profile", profile]);
    }
    args
}

fn s3_uri() -> String {
    format!("s3://{BUCKET}/{KEY}")
}

/// The URL presign prints (`--output url`), which must be its only line.
fn presign_url(home: &Home, profile: Option<&str>) -> String {
    let uri = s3_uri();
    let mut args = sign_args(profile, "url");
    args.push(&uri);
    common::only_line(&presign(home, &args).ok()).to_owned()
}

/// presign refuses: exit 2, nothing on stdout; its stderr.
fn presign_refuses(home: &Home, profile: Option<&str>) -> String {
    let uri = s3_uri();
    let mut args = sign_args(profile, "url");
    args.push(&uri);
    presign(home, &args).refused()
}

// -------------------------------------------------------------- boto3 --

/// boto3's presigned GET in HOME with its variables, botocore's signing
/// clock frozen at `AT`: `{"url"}` or `{"error", "message"}`.
const BOTO3: &str = r#"
import datetime, json, sys
import botocore.auth
frozen = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")
botocore.auth.get_current_datetime = lambda *args, **kwargs: frozen
import boto3
from botocore.config import Config
profile, region, bucket, key, expires = sys.argv[2] or None, sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
try:
    session = boto3.Session(profile_name=profile, region_name=region)
    client = session.client("s3", config=Config(signature_version="s3v4"))
    url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires)
    print(json.dumps({"url": url}))
except Exception as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
"#;

/// What boto3 makes of `home` (None: boto3 skipped).
fn boto3(home: &Home, profile: Option<&str>) -> Option<Value> {
    let python = Python::find()?;
    let args = [AT, profile.unwrap_or(""), REGION, BUCKET, KEY, EXPIRES];
    Some(serde_json::from_str(&python.run_in(home, BOTO3, &args)).unwrap())
}

/// presign's URL carries `key` and `token`, and equals boto3's byte for
/// byte; returns it.
fn assert_url_as_boto3(home: &Home, profile: Option<&str>, key: &str, token: &str) -> String {
    let url = presign_url(home, profile);
    let credential = query_param(&url, "X-Amz-Credential").unwrap();
    assert!(credential.starts_with(&format!("{key}%2F")), "{url}");
    assert_eq!(
        query_param(&url, "X-Amz-Security-Token"),
        Some(uri_encode(token).as_str()),
        "{url}"
    );
    if let Some(theirs) = boto3(home, profile) {
        assert_eq!(theirs.get("error"), None, "boto3 refused: {theirs}");
        assert_eq!(url, theirs["url"].as_str().unwrap());
    }
    url
}

/// presign refuses with exit 2 naming the profile and each of `names`;
/// boto3 refuses with `class`.
fn assert_refused_as_boto3(home: &Home, profile: &str, names: &[&str], class: &str) {
    let stderr = presign_refuses(home, Some(profile));
    assert!(stderr.contains(&format!("'{profile}'")), "{stderr}");
    for name in names {
        assert!(stderr.contains(name), "{name} missing from {stderr}");
    }
    if let Some(theirs) = boto3(home, Some(profile)) {
        assert_eq!(theirs["error"], class, "{theirs}");
    }
}

// -------------------------------------------------------------- stubs --

/// The keys a stub hands out for `name` (a role or a source).
fn keys_of(name: &str) -> (String, String, String) {
    let id: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    (
        format!("ASIA{id}"),
        format!("secret/{name}+key"),
        format!("token/{name}+session=="),
    )
}

/// The value of `name` in a form body, decoded.
fn form_value(body: &str, name: &str) -> Option<String> {
    let raw = body.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then_some(value)
    })?;
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                out.push(u8::from_str_radix(&raw[i + 1..i + 3], 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// STS (Query protocol, XML answers): `AssumeRole` (signed) and
/// `AssumeRoleWithWebIdentity` (unsigned, with the token of `token_file`
/// when given) give the keys of the role's name.
fn sts(expected_token: Option<&'static str>) -> Stub {
    Stub::start(move |request: &Request| {
        let body = request.body_text();
        let action = form_value(&body, "Action").unwrap_or_default();
        let (Some(arn), Some(session)) = (
            form_value(&body, "RoleArn"),
            form_value(&body, "RoleSessionName"),
        ) else {
            return Reply::xml(
                400,
                "<ErrorResponse><Error><Type>Sender</Type><Code>MissingParameter</Code><Message>RoleArn and RoleSessionName are required</Message></Error></ErrorResponse>",
            );
        };
        let signed = request.header("authorization").is_some();
        let web = action == "AssumeRoleWithWebIdentity";
        if web == signed
            || (web && form_value(&body, "WebIdentityToken").as_deref() != expected_token)
        {
            return Reply::xml(
                403,
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not this request</Message></Error></ErrorResponse>",
            );
        }
        let role = arn.rsplit('/').next().unwrap_or_default();
        let (id, secret, token) = keys_of(role);
        let extra = if web {
            "<SubjectFromWebIdentityToken>system:serviceaccount:default:app</SubjectFromWebIdentityToken>\
             <Audience>sts.amazonaws.com</Audience><Provider>oidc.example.com</Provider>"
        } else {
            ""
        };
        Reply::xml(
            200,
            &format!(
                "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>{extra}\
                 <AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:{session}</AssumedRoleId>\
                 <Arn>arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}</Arn></AssumedRoleUser>\
                 <Credentials><AccessKeyId>{id}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
                 <SessionToken>{token}</SessionToken><Expiration>{EXPIRATION}</Expiration></Credentials>\
                 </{action}Result><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\
                 </ResponseMetadata></{action}Response>"
            ),
        )
    })
}

/// A home whose STS is `stub`, with the `base` profile holding keys.
fn sts_home(stub: &Stub, config: &str) -> Home {
    let mut home = Home::with_files(
        config,
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base/secret\n",
    );
    home.set("AWS_ENDPOINT_URL_STS", stub.url());
    home
}

/// A home with profile `dev`: role `dev-role` from the `base` profile.
fn dev_home(stub: &Stub) -> Home {
    sts_home(
        stub,
        &format!(
            "[profile dev]\nrole_arn = {}\nsource_profile = base\nrole_session_name = presign-test\n",
            role("dev-role")
        ),
    )
}

fn role(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

/// The JSON credentials the container endpoint and IMDS hand out.
fn json_keys(name: &str) -> Value {
    let (id, secret, token) = keys_of(name);
    json!({
        "AccessKeyId": id,
        "SecretAccessKey": secret,
        "Token": token,
        "Expiration": EXPIRATION,
    })
}

// -------------------------------------------------------------- tests --

#[test]
fn assume_role_with_source_profile() {
    let stub = sts(None);
    let home = dev_home(&stub);
    let (id, _, token) = keys_of("dev-role");
    assert_url_as_boto3(&home, Some("dev"), &id, &token);
    let first = &stub.requests()[0];
    assert!(
        first
            .header("authorization")
            .unwrap()
            .contains("Credential=AKIDBASE/"),
        "{first:?}"
    );
}

#[test]
fn role_chain_assumes_each_role_with_the_one_before() {
    let stub = sts(None);
    let home = sts_home(
        &stub,
        &format!(
            "[profile top]\nrole_arn = {}\nsource_profile = middle\nrole_session_name = top\n\
             [profile middle]\nrole_arn = {}\nsource_profile = base\nrole_session_name = middle\n",
            role("top-role"),
            role("middle-role")
        ),
    );
    let (id, _, token) = keys_of("top-role");
    assert_url_as_boto3(&home, Some("top"), &id, &token);
    // presign's two calls: the middle role with the base keys, then the top
    // role with the middle role's.
    let calls: Vec<_> = stub.requests().into_iter().take(2).collect();
    let signer = |request: &Request| {
        let authorization = request.header("authorization").unwrap().to_owned();
        authorization
            .split("Credential=")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(signer(&calls[0]), "AKIDBASE");
    assert_eq!(signer(&calls[1]), keys_of("middle-role").0);
}

#[test]
fn credential_source_environment() {
    let stub = sts(None);
    let mut home = sts_home(
        &stub,
        &format!(
            "[profile envrole]\nrole_arn = {}\ncredential_source = Environment\nrole_session_name = env\n",
            role("env-role")
        ),
    );
    home.set("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
        .set("AWS_SECRET_ACCESS_KEY", "env/secret");
    let (id, _, token) = keys_of("env-role");
    // --profile: the environment keys are the role's source, not the answer.
    assert_url_as_boto3(&home, Some("envrole"), &id, &token);
    assert!(
        stub.requests()[0]
            .header("authorization")
            .unwrap()
            .contains("Credential=AKIDFROMENV/")
    );
}

#[test]
fn web_identity_from_the_environment() {
    let stub = sts(Some("eyJ.env-token.sig"));
    let mut home = sts_home(&stub, "");
    let token_file = home.write("token", "eyJ.env-token.sig");
    home.set("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap())
        .set("AWS_ROLE_ARN", &role("pod-role"))
        .set("AWS_ROLE_SESSION_NAME", "pod");
    let (id, _, token) = keys_of("pod-role");
    assert_url_as_boto3(&home, None, &id, &token);
    assert!(stub.requests()[0].header("authorization").is_none());
}

#[test]
fn web_identity_from_a_profile() {
    let stub = sts(Some("eyJ.profile-token.sig"));
    let home = sts_home(&stub, "");
    let token_file = home.write("token", "eyJ.profile-token.sig");
    home.write_config(&format!(
        "[profile eks]\nrole_arn = {}\nweb_identity_token_file = {}\nrole_session_name = eks\n",
        role("eks-role"),
        token_file.display()
    ));
    let (id, _, token) = keys_of("eks-role");
    assert_url_as_boto3(&home, Some("eks"), &id, &token);
}

const SSO_SESSION: &str = "my-sso";
const START_URL: &str = "https://d-1234567890.awsapps.com/start";
const SSO_ROLE: &str = "ReadOnly";
const ACCESS_TOKEN: &str = "aoa-access-token";

/// The SSO portal (restJson1): `GetRoleCredentials` for our account and
/// role with our bearer token; anything else as the portal refuses it.
fn portal() -> Stub {
    Stub::start(|request: &Request| {
        let expected = format!("role_name={SSO_ROLE}&account_id={ACCOUNT}");
        if request.method != "GET"
            || request.path() != "/federation/credentials"
            || request.query() != expected
        {
            return Reply::aws_json_error(
                404,
                "ResourceNotFoundException",
                &json!({"message": "Could not find Role"}),
            );
        }
        if request.header("x-amz-sso_bearer_token") != Some(ACCESS_TOKEN) {
            return Reply::aws_json_error(
                401,
                "UnauthorizedException",
                &json!({"message": "Session token not found or invalid"}),
            );
        }
        let (id, secret, token) = keys_of("sso");
        Reply::json(
            200,
            &json!({"roleCredentials": {
                "accessKeyId": id,
                "secretAccessKey": secret,
                "sessionToken": token,
                // 2099-01-01T00:00:00Z in milliseconds.
                "expiration": 4_070_908_800_000_u64,
            }}),
        )
    })
}

/// A home with the SSO profiles `x` (sso-session) and `legacy`, and the
/// token cache file of each: `~/.aws/sso/cache/<sha1>.json`, where the
/// sha1 is of the session name or, in the legacy form, of the start URL
/// (values computed with Python's hashlib).
fn sso_home(portal: &Stub) -> Home {
    let mut home = Home::new();
    home.write_config(&format!(
        "[profile x]\nsso_session = {SSO_SESSION}\nsso_account_id = {ACCOUNT}\nsso_role_name = {SSO_ROLE}\n\n\
         [sso-session {SSO_SESSION}]\nsso_start_url = {START_URL}\nsso_region = {SSO_REGION}\n\n\
         [profile legacy]\nsso_start_url = {START_URL}\nsso_region = {SSO_REGION}\nsso_account_id = {ACCOUNT}\nsso_role_name = {SSO_ROLE}\n"
    ));
    let token = json!({
        "startUrl": START_URL,
        "region": SSO_REGION,
        "accessToken": ACCESS_TOKEN,
        "expiresAt": EXPIRATION,
    })
    .to_string();
    // hashlib.sha1(b"my-sso").hexdigest()
    home.write(
        ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json",
        &token,
    );
    // hashlib.sha1(START_URL.encode()).hexdigest()
    home.write(
        ".aws/sso/cache/7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json",
        &token,
    );
    home.set("AWS_ENDPOINT_URL_SSO", portal.url());
    home
}

#[test]
fn sso_session_and_legacy_sso_profiles() {
    let portal = portal();
    let mut home = sso_home(&portal);
    let (id, _, token) = keys_of("sso");
    for profile in ["x", "legacy"] {
        // Through AWS_PROFILE (the environment's profile) this time.
        home.set("AWS_PROFILE", profile);
        assert_url_as_boto3(&home, None, &id, &token);
    }
    assert!(
        portal
            .requests()
            .iter()
            .all(|request| request.header("x-amz-sso_bearer_token") == Some(ACCESS_TOKEN))
    );
}

#[cfg(unix)]
#[test]
fn credential_process() {
    let home = Home::new();
    let (id, secret, token) = keys_of("process");
    let script = home.script(
        "creds.sh",
        &format!(
            "cat <<'EOF'\n{}\nEOF",
            json!({"Version": 1, "AccessKeyId": id, "SecretAccessKey": secret,
                   "SessionToken": token, "Expiration": EXPIRATION})
        ),
    );
    home.write_config(&format!(
        "[default]\ncredential_process = {} --account dev\n",
        script.display()
    ));
    assert_url_as_boto3(&home, None, &id, &token);
}

#[test]
fn container_endpoint() {
    let stub = Stub::start(|request: &Request| {
        if request.path() == "/v1/credentials"
            && request.header("authorization") == Some("Bearer container/token")
        {
            Reply::json(200, &json_keys("container"))
        } else {
            Reply::json(401, &json!({"message": "unauthorized"}))
        }
    });
    let mut home = Home::new();
    home.set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        &format!("{}/v1/credentials", stub.url()),
    )
    .set(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "Bearer container/token",
    );
    let (id, _, token) = keys_of("container");
    assert_url_as_boto3(&home, None, &id, &token);
}

const IMDS_TOKEN: &str = "AQAEAimds-token==";
const IMDS_LIST: &str = "/latest/meta-data/iam/security-credentials/";

/// IMDSv2: a token for a PUT with the TTL header; GETs without the token
/// are refused (401), as an instance with IMDSv2 required answers.
fn imds() -> Stub {
    Stub::start(|request: &Request| {
        if request.method == "PUT" && request.path() == "/latest/api/token" {
            return match request.header("x-aws-ec2-metadata-token-ttl-seconds") {
                Some(_) => Reply::text(200, IMDS_TOKEN),
                None => Reply::text(400, ""),
            };
        }
        if request.header("x-aws-ec2-metadata-token") != Some(IMDS_TOKEN) {
            return Reply::text(401, "");
        }
        match request.path() {
            IMDS_LIST => Reply::text(200, "web-role"),
            path if path == format!("{IMDS_LIST}web-role") => {
                let mut value = json_keys("imds");
                value["Code"] = json!("Success");
                value["Type"] = json!("AWS-HMAC");
                value["LastUpdated"] = json!("2026-12-06T10:00:00Z");
                Reply::json(200, &value)
            }
            _ => Reply::text(404, "<html>404 - Not Found</html>"),
        }
    })
}

fn imds_home(endpoint: &str) -> Home {
    let mut home = Home::new();
    home.remove("AWS_EC2_METADATA_DISABLED")
        .set("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint);
    home
}

#[test]
fn instance_metadata_v2() {
    let stub = imds();
    let home = imds_home(stub.url());
    let (id, _, token) = keys_of("imds");
    assert_url_as_boto3(&home, None, &id, &token);
    let first: Vec<_> = stub
        .requests()
        .iter()
        .take(3)
        .map(|request| format!("{} {}", request.method, request.path()))
        .collect();
    assert_eq!(
        first,
        [
            "PUT /latest/api/token".to_owned(),
            format!("GET {IMDS_LIST}"),
            format!("GET {IMDS_LIST}web-role"),
        ]
    );
}

#[test]
fn no_credentials_with_imds_on_a_closed_port() {
    let home = imds_home(&closed_port_url());
    let started = Instant::now();
    let stderr = presign_refuses(&home, None);
    let elapsed = started.elapsed();
    assert!(stderr.contains("no credentials found"), "{stderr}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    if let Some(theirs) = boto3(&home, None) {
        assert_eq!(theirs["error"], "NoCredentialsError", "{theirs}");
    }
}

// ------------------------------------------------------------ refusals --

/// One home holding every profile botocore refuses.
fn refused_home() -> Home {
    let home = Home::with_files(
        &format!(
            "[profile loop-a]\nrole_arn = {a}\nsource_profile = loop-b\n\
             [profile loop-b]\nrole_arn = {b}\nsource_profile = loop-a\n\
             [profile both]\nrole_arn = {a}\nsource_profile = base\ncredential_source = Environment\n\
             [profile no-session]\nsso_session = nope\nsso_account_id = {ACCOUNT}\nsso_role_name = {SSO_ROLE}\n\
             [profile odd-source]\nrole_arn = {a}\ncredential_source = Foo\n\
             [profile no-role]\nweb_identity_token_file = {{token}}\n",
            a = role("a"),
            b = role("b"),
        ),
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base/secret\n",
    );
    let token = home.write("token", "eyJ.token.sig");
    let config = std::fs::read_to_string(home.aws_file("config")).unwrap();
    home.write_config(&config.replace("{token}", token.to_str().unwrap()));
    home
}

#[test]
fn a_source_profile_loop_is_refused() {
    let home = refused_home();
    let stderr = presign_refuses(&home, Some("loop-a"));
    assert!(stderr.contains("source_profile"), "{stderr}");
    assert!(stderr.contains("loop-a -> loop-b -> loop-a"), "{stderr}");
    if let Some(theirs) = boto3(&home, Some("loop-a")) {
        assert_eq!(theirs["error"], "InfiniteLoopConfigError", "{theirs}");
    }
}

#[test]
fn source_profile_and_credential_source_together_are_refused() {
    assert_refused_as_boto3(
        &refused_home(),
        "both",
        &["source_profile", "credential_source"],
        "InvalidConfigError",
    );
}

#[test]
fn a_missing_sso_session_section_is_refused() {
    assert_refused_as_boto3(
        &refused_home(),
        "no-session",
        &["sso_session", "[sso-session nope]"],
        "InvalidConfigError",
    );
}

#[test]
fn an_unknown_credential_source_is_refused() {
    assert_refused_as_boto3(
        &refused_home(),
        "odd-source",
        &["credential_source = Foo"],
        "InvalidConfigError",
    );
}

#[test]
fn web_identity_without_a_role_is_refused() {
    assert_refused_as_boto3(
        &refused_home(),
        "no-role",
        &["role_arn", "AWS_ROLE_ARN"],
        "InvalidConfigError",
    );
}

// --------------------------------------------- explain and doctor name it --

#[test]
fn explain_and_doctor_name_the_source() {
    let stub = sts(None);
    let home = dev_home(&stub);
    let (id, _, _) = keys_of("dev-role");
    let is_source_line = |line: &&str| {
        line.contains("access key id")
            && line.contains(&id)
            && line.contains(&role("dev-role"))
            && line.contains("'dev'")
    };

    let uri = s3_uri();
    let mut args = sign_args(Some("dev"), "explain");
    args.push(&uri);
    let run = presign(&home, &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.lines().any(|l| is_source_line(&l)),
        "{}",
        run.stdout
    );
    // The URL at the end of the explanation is the one --output url prints.
    assert_eq!(
        run.stdout.lines().last().unwrap(),
        presign_url(&home, Some("dev"))
    );

    // doctor, against an endpoint where nothing listens (its endpoint
    // check fails: exit 1), still names where the credentials come from.
    let endpoint = closed_port_url();
    let run = presign(
        &home,
        &[
            "doctor",
            "--profile",
            "dev",
            "--region",
            REGION,
            "--endpoint-url",
            &endpoint,
        ],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.lines().any(|l| is_source_line(&l)), "{run:?}");
}

// ---------------------------------------------------------------- MFA --

const MFA_SERIAL: &str = "arn:aws:iam::123456789012:mfa/alice";

/// A home with profile `mfa`: role `mfa-role` from `base`, behind an MFA
/// device.
fn mfa_home(stub: &Stub) -> Home {
    sts_home(
        stub,
        &format!(
            "[profile mfa]\nrole_arn = {}\nsource_profile = base\nmfa_serial = {MFA_SERIAL}\n",
            role("mfa-role")
        ),
    )
}

#[test]
fn mfa_without_a_terminal_is_refused_naming_the_profile_and_the_device() {
    let stub = sts(None);
    let home = mfa_home(&stub);
    let stderr = presign_refuses(&home, Some("mfa"));
    assert!(stderr.contains("profile 'mfa'"), "{stderr}");
    assert!(stderr.contains(MFA_SERIAL), "{stderr}");
    assert!(stderr.contains("not a terminal"), "{stderr}");
    assert!(stub.requests().is_empty(), "STS was called without a code");
}

/// The code is asked for on the terminal, as the AWS CLI asks
/// (`Enter MFA code for ARN: `), and sent to STS with the device's serial:
/// `script` gives presign a real terminal, and types the code into it.
#[test]
fn mfa_code_typed_on_the_terminal_goes_to_sts() {
    let stub = sts(None);
    let home = mfa_home(&stub);
    let uri = s3_uri();
    let mut args = sign_args(Some("mfa"), "url");
    args.push(&uri);
    let command_line = std::iter::once(env!("CARGO_BIN_EXE_presign"))
        .chain(args.iter().copied())
        .map(|word| format!("'{}'", word.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut script = std::process::Command::new("script");
    script
        .args(["-qec", &command_line, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .envs(home.vars().iter().map(|(k, v)| (k, v)))
        .current_dir(home.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = script
        .spawn()
        .expect("script(1) from util-linux runs presign on a terminal");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"123456\n").unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{shown}");
    assert!(
        shown.contains(&format!("Enter MFA code for {MFA_SERIAL}: ")),
        "{shown}"
    );
    let (id, _, _) = keys_of("mfa-role");
    assert!(
        shown.contains(&format!("X-Amz-Credential={id}%2F")),
        "{shown}"
    );
    let body = stub.requests()[0].body_text();
    assert_eq!(
        form_value(&body, "TokenCode").as_deref(),
        Some("123456"),
        "{body}"
    );
    assert_eq!(
        form_value(&body, "SerialNumber").as_deref(),
        Some(MFA_SERIAL),
        "{body}"
    );
}
