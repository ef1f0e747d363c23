//! The presign side of the credential tests, over presign-test-support's
//! `Home`, `Stub`, `Python` and `Moto`: the chain planned and fetched in a
//! home's environment, botocore's chain in the same environment, answers
//! the stubs hand out, and signed calls to moto.
// Each test file uses a part of these; panicking is how they fail a test.
#![allow(
    dead_code,
    unused_imports,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::SystemTime;

use presign::{Credentials, HeaderRequest, sign_headers};
use presign_config::{
    CredentialSource, Environment, Overrides, ResolvedCredentials, TransportOverrides, resolve,
    resolve_transport,
};
use presign_credentials::{CredentialsError, Fetcher};
pub use presign_test_support::{Home, Moto, Python, Reply, Request, Stub, closed_port_url};

/// The environment presign sees in `home`.
pub fn env(home: &Home) -> Environment {
    Environment::from_vars(home.vars().to_vec(), Some(home.path().to_owned()))
}

/// The source the chain picks in `home` with `extra` variables too
/// (`--profile` when `profile` is given).
pub fn plan_for(home: &Home, profile: Option<&str>, extra: &[(&str, &str)]) -> CredentialSource {
    let overrides = Overrides {
        profile: profile.map(str::to_owned),
        ..Overrides::default()
    };
    let env = Environment::from_vars(home.vars_with(extra), Some(home.path().to_owned()));
    resolve(&overrides, &env).unwrap().credentials
}

/// The source the chain picks in `home` without `--profile`.
pub fn plan(home: &Home) -> CredentialSource {
    plan_for(home, None, &[])
}

/// A fetcher with the transport settings of `env` and no MFA prompt.
pub fn fetcher(env: &Environment) -> Fetcher {
    Fetcher::new(resolve_transport(&TransportOverrides::default(), env).unwrap())
}

/// The chain's credentials in `home`, fetched once.
pub fn fetch(home: &Home) -> Result<ResolvedCredentials, CredentialsError> {
    let source = resolve(&Overrides::default(), &env(home))?.credentials;
    fetcher(&env(home)).fetch(&source, SystemTime::now())
}

/// `source` fetched at `now` by a fetcher without proxies, CA bundles or
/// an MFA prompt.
pub fn fetch_source(
    source: &CredentialSource,
    now: SystemTime,
) -> Result<ResolvedCredentials, CredentialsError> {
    let env = Environment::from_vars(Vec::<(String, String)>::new(), None);
    fetcher(&env).fetch(source, now)
}

const BOTOCORE_CHAIN: &str = r#"
import json
import botocore.session
try:
    credentials = botocore.session.Session().get_credentials()
    if credentials is None:
        print(json.dumps({"error": "NoCredentials", "message": ""}))
    else:
        frozen = credentials.get_frozen_credentials()
        print(json.dumps({"access_key": frozen.access_key, "secret_key": frozen.secret_key,
                          "token": frozen.token, "method": credentials.method}))
except Exception as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
"#;

/// What botocore's credential chain gives in `home`: either
/// `{"access_key", "secret_key", "token", "method"}` or `{"error",
/// "message"}`.
pub fn botocore_chain(python: &Python, home: &Home) -> serde_json::Value {
    serde_json::from_str(&python.run_in(home, BOTOCORE_CHAIN, &[])).unwrap()
}

/// presign's credentials equal botocore's, key, secret and token.
pub fn assert_same_as_botocore(ours: &ResolvedCredentials, botocore: &serde_json::Value) {
    assert_eq!(botocore.get("error"), None, "botocore refused: {botocore}");
    assert_eq!(ours.access_key_id, botocore["access_key"].as_str().unwrap());
    assert_eq!(
        ours.secret_access_key.as_str(),
        botocore["secret_key"].as_str().unwrap()
    );
    assert_eq!(
        ours.session_token.as_deref().map(String::as_str),
        botocore["token"].as_str()
    );
}

/// A secret-looking JSON answer: the credentials a stub hands out.
pub fn answer(access_key: &str, token_key: &str) -> serde_json::Value {
    serde_json::json!({
        "AccessKeyId": access_key,
        "SecretAccessKey": format!("secret-of-{access_key}"),
        token_key: format!("token-of-{access_key}"),
        "Expiration": "2099-12-06T16:04:00Z",
    })
}

/// STS's answer to `action` with these keys, expiring in an hour.
pub fn answer_xml(action: &str, key: &str, secret: &str, token: &str) -> String {
    let expiration = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    let expiration = expiration.strftime("%Y-%m-%dT%H:%M:%SZ");
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
         <AssumedRoleUser><AssumedRoleId>AROASTUB:s</AssumedRoleId>\
         <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
         <SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
         </{action}Result><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata>\
         </{action}Response>"
    )
}

fn moto_user(moto: &Moto) -> ResolvedCredentials {
    ResolvedCredentials {
        access_key_id: moto.access_key.clone(),
        secret_access_key: moto.secret_key.clone().into(),
        session_token: None,
        expires_at: None,
        source: "moto's test user".to_owned(),
    }
}

/// Creates (or finds) the role `name` in moto, allowed everything, and
/// returns its ARN.
pub fn create_role(moto: &Moto, name: &str) -> String {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
    let all =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let form = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", form_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let create = form(&[
        ("Action", "CreateRole"),
        ("Version", "2010-05-08"),
        ("RoleName", name),
        ("AssumeRolePolicyDocument", trust),
    ]);
    let (status, text) = moto_call(moto, "iam", &create, &moto_user(moto));
    assert!(
        status == 200 || text.contains("EntityAlreadyExists"),
        "{text}"
    );
    let policy = form(&[
        ("Action", "PutRolePolicy"),
        ("Version", "2010-05-08"),
        ("RoleName", name),
        ("PolicyName", "everything"),
        ("PolicyDocument", all),
    ]);
    let (status, text) = moto_call(moto, "iam", &policy, &moto_user(moto));
    assert_eq!(status, 200, "{text}");
    format!("arn:aws:iam::123456789012:role/{name}")
}

fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A form POST to moto's `service` signed with `credentials`.
pub fn moto_call(
    moto: &Moto,
    service: &str,
    body: &str,
    credentials: &ResolvedCredentials,
) -> (u16, String) {
    let host = moto.endpoint.trim_start_matches("http://");
    let mut signing = Credentials::new(
        credentials.access_key_id.as_str(),
        credentials.secret_access_key.as_str(),
    );
    if let Some(token) = &credentials.session_token {
        signing = signing.with_session_token(token.as_str());
    }
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let request = HeaderRequest::new("POST", "/")
        .header("content-type", content_type)
        .header("host", host)
        .body(body.as_bytes());
    let signed = sign_headers(&request, &signing, "us-east-1", service, SystemTime::now()).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut call = agent
        .post(format!("{}/", moto.endpoint))
        .header("content-type", content_type);
    for (name, value) in signed.headers() {
        call = call.header(name, value);
    }
    let mut response = call.send(body).unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap())
}
