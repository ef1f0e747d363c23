//! The container credentials endpoint against a loopback stub, with
//! botocore on the same stub as the oracle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::{Home, Python, Reply, Stub, answer, assert_same_as_botocore, botocore_chain};
use presign_config::{ConfigError, ContainerPlan, CredentialSource};
use presign_credentials::CredentialsError;

const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

fn home_with(stub: &Stub) -> Home {
    let mut home = Home::new();
    home.set(FULL_URI, &format!("{}/v1/credentials", stub.url()));
    home
}

#[test]
fn credentials_match_botocore_and_the_token_is_sent_exactly() {
    let stub = Stub::start(|request| {
        if request.header("authorization") == Some("Bearer t0k/en=") {
            Reply::json(200, &answer("ASIACONTAINER", "Token"))
        } else {
            Reply::text(401, "{\"message\": \"no token\"}")
        }
    });
    let mut home = home_with(&stub);
    home.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer t0k/en=");
    let ours = common::fetch(&home).unwrap();
    assert_eq!(ours.access_key_id, "ASIACONTAINER");
    assert_eq!(ours.secret_access_key.as_str(), "secret-of-ASIACONTAINER");
    assert_eq!(
        ours.session_token.as_deref().map(String::as_str),
        Some("token-of-ASIACONTAINER")
    );
    assert_eq!(
        ours.expires_at,
        presign_config::parse_expiration("2099-12-06T16:04:00Z")
    );
    assert!(ours.source.contains(FULL_URI), "{}", ours.source);
    let request = &stub.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/v1/credentials");
    assert_eq!(request.header("authorization"), Some("Bearer t0k/en="));
    assert_eq!(request.header("accept"), Some("application/json"));
    if let Some(python) = Python::find() {
        assert_same_as_botocore(&ours, &botocore_chain(&python, &home));
    }
}

#[test]
fn the_token_file_is_read_again_on_every_fetch() {
    let stub = Stub::start(|_| Reply::json(200, &answer("ASIAFILE", "Token")));
    let mut home = home_with(&stub);
    let token_file = home.path().join("token");
    std::fs::write(&token_file, "first-token").unwrap();
    home.set(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        &token_file.display().to_string(),
    );
    // The file wins over the variable, as in botocore.
    home.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored");
    let source = common::plan(&home);
    let fetcher = common::fetcher(&common::env(&home));
    fetcher.fetch(&source, SystemTime::now()).unwrap();
    std::fs::write(&token_file, "second-token").unwrap();
    fetcher.fetch(&source, SystemTime::now()).unwrap();
    let sent: Vec<_> = stub
        .requests()
        .iter()
        .map(|request| request.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["first-token", "second-token"]);
}

#[test]
fn a_missing_token_file_is_named() {
    let stub = Stub::start(|_| Reply::json(200, &answer("ASIAFILE", "Token")));
    let mut home = home_with(&stub);
    let missing = home.path().join("no-such-token");
    home.set(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        &missing.display().to_string(),
    );
    let error = common::fetch(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ContainerTokenFile { path, .. } if *path == missing),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
    );
    assert!(stub.requests().is_empty());
}

#[test]
fn tokens_with_cr_or_lf_are_refused_before_any_request() {
    let stub = Stub::start(|_| Reply::json(200, &answer("ASIANO", "Token")));
    let mut home = home_with(&stub);
    home.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1");
    let error = common::fetch(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ContainerTokenIllegal { origin } if origin == "AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        "{error}"
    );
    assert!(!error.to_string().contains("abc"), "{error}");
    // A token file ending in a newline is refused too (botocore reads it
    // verbatim and refuses it alike).
    let token_file = home.path().join("token");
    std::fs::write(&token_file, "secret-token\n").unwrap();
    home.set(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        &token_file.display().to_string(),
    );
    let error = common::fetch(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ContainerTokenIllegal { origin } if origin.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")),
        "{error}"
    );
    assert!(!error.to_string().contains("secret-token"), "{error}");
    assert!(stub.requests().is_empty());
    if let Some(python) = Python::find() {
        let botocore = botocore_chain(&python, &home);
        assert_eq!(botocore["error"], "ValueError", "{botocore}");
        assert!(
            botocore["message"]
                .as_str()
                .unwrap()
                .contains("not a legal header value")
        );
    }
}

#[test]
fn plain_http_to_another_host_is_refused_naming_the_variable() {
    let mut home = Home::new();
    home.set(FULL_URI, "http://169.254.169.254/creds");
    let error = common::fetch(&home).unwrap_err();
    assert!(
        matches!(
            &error,
            CredentialsError::Config(ConfigError::InvalidVariable { name, .. }) if *name == FULL_URI
        ),
        "{error}"
    );
    assert!(error.to_string().contains("'169.254.169.254'"), "{error}");
    // The fetcher checks a plan made by hand the same way.
    let plan = CredentialSource::Container(ContainerPlan {
        url: "http://creds.example.com/x".to_owned(),
        origin: FULL_URI,
        authorization: None,
    });
    let error = common::fetcher(&common::env(&home))
        .fetch(&plan, SystemTime::now())
        .unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ContainerUrl { variable, .. } if *variable == FULL_URI),
        "{error}"
    );
    assert!(error.to_string().starts_with(FULL_URI), "{error}");
    if let Some(python) = Python::find() {
        let botocore = botocore_chain(&python, &home);
        assert_eq!(botocore["error"], "ValueError", "{botocore}");
        assert!(
            botocore["message"]
                .as_str()
                .unwrap()
                .contains("Unsupported host")
        );
    }
}

#[test]
fn error_statuses_are_tried_three_times_then_reported() {
    for status in [404, 500] {
        let stub = Stub::start(move |_| Reply::text(status, "{\"message\": \"not here\"}"));
        let home = home_with(&stub);
        let started = Instant::now();
        let error = common::fetch(&home).unwrap_err();
        assert_eq!(stub.requests().len(), 3, "{status}");
        // botocore pauses 1 s between attempts.
        assert!(started.elapsed() >= Duration::from_secs(2));
        assert!(
            matches!(
                &error,
                CredentialsError::ContainerFailed { attempts: 3, .. }
            ),
            "{error}"
        );
        let message = error.to_string();
        assert!(message.contains(&format!("HTTP {status}")), "{message}");
        assert!(message.contains("not here"), "{message}");
        assert!(message.contains(FULL_URI), "{message}");
    }
}

#[test]
fn malformed_json_is_retried_then_refused_without_echoing_it() {
    let stub = Stub::start(|_| {
        Reply::text(
            200,
            "{\"AccessKeyId\": \"ASIA\", \"SecretAccessKey\": sekrit",
        )
    });
    let home = home_with(&stub);
    let error = common::fetch(&home).unwrap_err();
    assert_eq!(stub.requests().len(), 3);
    let message = error.to_string();
    assert!(message.contains("not JSON"), "{message}");
    assert!(!message.contains("sekrit"), "{message}");
}

#[test]
fn an_answer_without_a_token_names_the_key() {
    let stub = Stub::start(|_| {
        let mut value = answer("ASIANOTOKEN", "Token");
        value.as_object_mut().unwrap().remove("Token");
        Reply::json(200, &value)
    });
    let home = home_with(&stub);
    let error = common::fetch(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ContainerAnswer { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("`Token`"), "{error}");
    assert!(!error.to_string().contains("secret-of"), "{error}");
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn an_answer_over_one_mebibyte_is_refused() {
    let stub = Stub::start(|_| Reply::bytes(200, vec![b' '; 2 * 1024 * 1024]));
    let home = home_with(&stub);
    let error = common::fetch(&home).unwrap_err();
    assert!(
        matches!(&error, CredentialsError::AnswerTooLarge { url } if url.starts_with(stub.url())),
        "{error}"
    );
}

#[test]
fn a_relative_uri_goes_to_the_agent_address_and_wins_over_the_full_uri() {
    let mut home = Home::new();
    home.set(
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "/v2/credentials/abc",
    );
    home.set(FULL_URI, "http://127.0.0.1:1/ignored");
    let CredentialSource::Container(plan) = common::plan(&home) else {
        panic!("not the container source");
    };
    assert_eq!(plan.url, "http://169.254.170.2/v2/credentials/abc");
    assert_eq!(plan.origin, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
}
