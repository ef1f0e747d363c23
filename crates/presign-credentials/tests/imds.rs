//! The EC2 instance metadata service against a loopback stub that answers
//! as IMDS documents it, with botocore on the same stub as the oracle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::{
    Home, Moto, Python, Reply, Request, Stub, answer, assert_same_as_botocore, botocore_chain,
    closed_port_url,
};
use presign_config::{ConfigError, CredentialSource, ResolvedCredentials};
use presign_credentials::CredentialsError;

const TOKEN: &str = "AQAEAimds-session-token==";
const ROLE: &str = "web-server-role";
const LIST: &str = "/latest/meta-data/iam/security-credentials/";

/// How the stub treats the token request.
#[derive(Clone, Copy)]
enum TokenMode {
    /// IMDSv2: a token for a PUT with the TTL header; GETs need it.
    Required,
    /// IMDSv1 only: the PUT gets this status; GETs need no token.
    Refused(u16),
    /// The PUT is never answered; GETs need no token.
    Silent,
}

/// An IMDS stub whose credentials answer is `credentials`.
fn imds(mode: TokenMode, credentials: impl Fn() -> Reply + Send + Sync + 'static) -> Stub {
    Stub::start(move |request: &Request| {
        if request.method == "PUT" && request.path() == "/latest/api/token" {
            return match mode {
                TokenMode::Required
                    if request.header("x-aws-ec2-metadata-token-ttl-seconds") == Some("21600") =>
                {
                    Reply::text(200, TOKEN)
                }
                TokenMode::Required => Reply::text(400, ""),
                TokenMode::Refused(status) => Reply::text(status, ""),
                TokenMode::Silent => Reply::stall(),
            };
        }
        if matches!(mode, TokenMode::Required)
            && request.header("x-aws-ec2-metadata-token") != Some(TOKEN)
        {
            return Reply::text(401, "");
        }
        match request.path() {
            LIST => Reply::text(200, ROLE),
            path if path == format!("{LIST}{ROLE}") => credentials(),
            _ => Reply::text(404, "<html>404 - Not Found</html>"),
        }
    })
}

fn success() -> Reply {
    let mut value = answer("ASIAIMDS", "Token");
    let object = value.as_object_mut().unwrap();
    object.insert("Code".to_owned(), "Success".into());
    object.insert("Type".to_owned(), "AWS-HMAC".into());
    object.insert("LastUpdated".to_owned(), "2026-12-06T10:00:00Z".into());
    Reply::json(200, &value)
}

fn home_with(stub: &Stub) -> Home {
    let mut home = Home::new();
    home.remove("AWS_EC2_METADATA_DISABLED");
    home.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", stub.url());
    home
}

#[test]
fn imdsv2_credentials_match_botocore() {
    let stub = imds(TokenMode::Required, success);
    let home = home_with(&stub);
    let ours = common::fetch(&home).unwrap();
    assert_eq!(ours.access_key_id, "ASIAIMDS");
    assert_eq!(ours.secret_access_key.as_str(), "secret-of-ASIAIMDS");
    assert_eq!(
        ours.session_token.as_deref().map(String::as_str),
        Some("token-of-ASIAIMDS")
    );
    assert_eq!(
        ours.expires_at,
        presign_config::parse_expiration("2099-12-06T16:04:00Z")
    );
    assert!(
        ours.source.contains(&format!("role '{ROLE}', IMDSv2")),
        "{}",
        ours.source
    );
    let requests = stub.requests();
    let paths: Vec<_> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        paths,
        [
            "PUT /latest/api/token".to_owned(),
            format!("GET {LIST}"),
            format!("GET {LIST}{ROLE}")
        ]
    );
    if let Some(python) = Python::find() {
        assert_same_as_botocore(&ours, &botocore_chain(&python, &home));
    }
}

#[test]
fn a_refused_token_falls_back_to_imdsv1_as_botocore_does() {
    for status in [403, 404, 405] {
        let stub = imds(TokenMode::Refused(status), success);
        let home = home_with(&stub);
        let ours = common::fetch(&home).unwrap();
        assert_eq!(ours.access_key_id, "ASIAIMDS", "{status}");
        assert!(ours.source.contains("IMDSv1"), "{}", ours.source);
        let requests = stub.requests();
        assert_eq!(requests.len(), 3);
        assert!(
            requests[1..]
                .iter()
                .all(|r| r.header("x-aws-ec2-metadata-token").is_none())
        );
        if let Some(python) = Python::find() {
            assert_same_as_botocore(&ours, &botocore_chain(&python, &home));
        }
    }
}

#[test]
fn a_refused_token_with_imdsv1_disabled_is_an_error_as_in_botocore() {
    let stub = imds(TokenMode::Refused(403), success);
    let mut home = home_with(&stub);
    home.set("AWS_EC2_METADATA_V1_DISABLED", "true");
    let error = fetch_not_last_resort(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ImdsV1Disabled { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("HTTP 403"), "{message}");
    assert!(
        message.contains("AWS_EC2_METADATA_V1_DISABLED"),
        "{message}"
    );
    assert_eq!(stub.requests().len(), 1, "no IMDSv1 request is made");
    if let Some(python) = Python::find() {
        let botocore = botocore_chain(&python, &home);
        assert_eq!(botocore["error"], "MetadataRetrievalError", "{botocore}");
        assert!(
            botocore["message"]
                .as_str()
                .unwrap()
                .contains("IMDSv1 has been disabled")
        );
    }
}

#[test]
fn a_token_request_that_is_never_answered_falls_back_within_the_timeout() {
    let stub = imds(TokenMode::Silent, success);
    let home = home_with(&stub);
    let started = Instant::now();
    let ours = common::fetch(&home).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(ours.access_key_id, "ASIAIMDS");
    assert!(ours.source.contains("IMDSv1"), "{}", ours.source);
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    if let Some(python) = Python::find() {
        assert_same_as_botocore(&ours, &botocore_chain(&python, &home));
    }
}

/// The chain's IMDS plan in `home` fetched as when a profile names it
/// (`credential_source = Ec2InstanceMetadata`), not as the chain's last
/// resort: each failure of the service is then reported as itself.
fn fetch_not_last_resort(home: &Home) -> Result<ResolvedCredentials, CredentialsError> {
    let CredentialSource::InstanceMetadata(mut plan) = common::plan(home) else {
        panic!("not the instance metadata source");
    };
    plan.last_resort = None;
    common::fetcher(&common::env(home))
        .fetch(&CredentialSource::InstanceMetadata(plan), SystemTime::now())
}

/// At the end of the chain, an unreachable service means no credentials
/// anywhere (as on a laptop), with every place looked at.
fn assert_no_credentials_found(error: &CredentialsError) {
    assert!(
        matches!(
            error,
            CredentialsError::Config(ConfigError::NoCredentials { .. })
        ),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.starts_with("no credentials found"), "{message}");
    assert!(
        message.contains("the EC2 instance metadata service"),
        "{message}"
    );
}

#[test]
fn a_service_that_never_answers_is_unreachable_in_bounded_time() {
    let stub = Stub::start(|_| Reply::stall());
    let home = home_with(&stub);
    let started = Instant::now();
    assert_no_credentials_found(&common::fetch(&home).unwrap_err());
    assert!(started.elapsed() < Duration::from_secs(4));
    let started = Instant::now();
    let error = fetch_not_last_resort(&home).unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    assert!(
        matches!(&error, CredentialsError::ImdsUnreachable { endpoint, .. } if *endpoint == stub.url()),
        "{error}"
    );
    assert!(
        error.to_string().contains("no answer within 1 s"),
        "{error}"
    );
}

#[test]
fn nothing_listening_is_unreachable_at_once() {
    let mut home = Home::new();
    home.remove("AWS_EC2_METADATA_DISABLED");
    home.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &closed_port_url());
    home.set("AWS_EC2_METADATA_V1_DISABLED", "true");
    let started = Instant::now();
    assert_no_credentials_found(&common::fetch(&home).unwrap_err());
    assert!(started.elapsed() < Duration::from_secs(3));
    let started = Instant::now();
    let error = fetch_not_last_resort(&home).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(&error, CredentialsError::ImdsUnreachable { .. }),
        "{error}"
    );
    if let Some(python) = Python::find() {
        home.remove("AWS_EC2_METADATA_V1_DISABLED");
        let botocore = botocore_chain(&python, &home);
        assert_eq!(botocore["error"], "NoCredentials", "{botocore}");
    }
}

#[test]
fn no_role_is_reported_as_such() {
    let stub = Stub::start(|request: &Request| match request.method.as_str() {
        "PUT" => Reply::text(200, TOKEN),
        _ => Reply::text(404, "<html>404 - Not Found</html>"),
    });
    let home = home_with(&stub);
    let error = fetch_not_last_resort(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ImdsNoRole { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("HTTP 404"), "{error}");
    if let Some(python) = Python::find() {
        let botocore = botocore_chain(&python, &home);
        assert_eq!(botocore["error"], "NoCredentials", "{botocore}");
    }
}

#[test]
fn malformed_json_is_refused_without_echoing_it() {
    let stub = imds(TokenMode::Required, || {
        Reply::text(200, "{\"Code\": \"Success\", \"SecretAccessKey\": sekrit")
    });
    let home = home_with(&stub);
    let error = fetch_not_last_resort(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ImdsAnswer { role, .. } if role == ROLE),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("not JSON"), "{message}");
    assert!(!message.contains("sekrit"), "{message}");
}

#[test]
fn an_error_code_is_reported_with_the_services_message() {
    let stub = imds(TokenMode::Required, || {
        Reply::json(
            200,
            &serde_json::json!({
                "Code": "AssumeRoleUnauthorizedAccess",
                "Message": "EC2 cannot assume the role web-server-role.",
                "LastUpdated": "2026-12-06T10:00:00Z"
            }),
        )
    });
    let home = home_with(&stub);
    let message = common::fetch(&home).unwrap_err().to_string();
    assert!(
        message.contains("AssumeRoleUnauthorizedAccess"),
        "{message}"
    );
    assert!(message.contains("EC2 cannot assume the role"), "{message}");
}

#[test]
fn more_attempts_are_made_when_configured() {
    let stub = imds(TokenMode::Required, || Reply::text(500, ""));
    let mut home = home_with(&stub);
    home.set("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3");
    let error = fetch_not_last_resort(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ImdsFailed { attempts: 3, .. }),
        "{error}"
    );
    let credential_gets = stub
        .requests()
        .iter()
        .filter(|r| r.path() == format!("{LIST}{ROLE}"))
        .count();
    assert_eq!(credential_gets, 3);
}

#[test]
fn an_answer_over_one_mebibyte_is_refused() {
    let stub = imds(TokenMode::Required, || {
        Reply::bytes(200, vec![b' '; 2 << 20])
    });
    let home = home_with(&stub);
    let error = fetch_not_last_resort(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::AnswerTooLarge { url } if url.ends_with(ROLE)),
        "{error}"
    );
}

/// moto's server answers the instance metadata routes too (IMDSv2 token,
/// the role name `default-role`, its credentials): the real service
/// implementation the issue names, beside the loopback stubs above; botocore
/// pointed at it gets the same keys.
#[test]
fn moto_instance_metadata_gives_the_credentials_botocore_gets() {
    let Some(moto) = Moto::find() else {
        return;
    };
    let _one_at_a_time = moto.lock();
    let mut home = Home::new();
    home.remove("AWS_EC2_METADATA_DISABLED");
    home.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &moto.endpoint);
    home.set("AWS_EC2_METADATA_V1_DISABLED", "true");
    let ours = common::fetch(&home).unwrap();
    assert!(
        ours.source.contains("role 'default-role', IMDSv2"),
        "{}",
        ours.source
    );
    assert!(ours.session_token.is_some());
    assert!(ours.expires_at.is_some_and(|at| at > SystemTime::now()));
    if let Some(python) = Python::find() {
        assert_same_as_botocore(&ours, &botocore_chain(&python, &home));
    }
}
