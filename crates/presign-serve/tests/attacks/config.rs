//! The configuration and the answers' headers: values that load but can
//! never mean what they say (a `+` in a token hash, the empty token's hash,
//! origins that never match, key templates that escape), every refusal with
//! its line; sizes and durations with units; the upload page's
//! Content-Security-Policy and framing; `HEAD` on a signing route.

use std::path::Path;

use presign_serve::{Settings, SettingsError};
use serde_json::{Value, json};

use crate::harness::{
    Config, Service, Storage, api, browser, environment, send, sha256_hex, storage,
};

/// `config`'s text for `storage` (audit log in a scratch place) and what
/// `Settings::parse` makes of it.
fn load(storage: &Storage, config: &Config) -> (String, Result<Settings, SettingsError>) {
    let text = config.text(storage, Path::new("/tmp/presign-config-attack-audit.jsonl"));
    let settings = Settings::parse(Path::new("serve.toml"), &text, &environment(storage));
    (text, settings)
}

/// The line (from 1) of the first line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not in\n{text}"))
        + 1
}

/// Asserts `config` is refused at load under `key`, at the line holding
/// `needle`, with a reason holding `reason`; the message names file, key
/// and line.
fn assert_refused(storage: &Storage, config: &Config, key: &str, needle: &str, reason: &str) {
    let (text, settings) = load(storage, config);
    let Err(error) = settings else {
        panic!("{key}: loaded, but must be refused:\n{text}");
    };
    let line = line_of(&text, needle);
    assert_eq!(
        (error.key.as_str(), error.line),
        (key, Some(line)),
        "{error}\n{text}"
    );
    assert!(error.reason.contains(reason), "{error}\nexpected: {reason}");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("serve.toml: {key}: "))
            && message.ends_with(&format!("(line {line})")),
        "{message}"
    );
}

/// The token hash `+f` parses with `u8::from_str_radix` as `0f`: a
/// configured hash that is not the 64 hex digits it looks like. Refused at
/// load, with the line; so is the SHA-256 of the empty token (an empty
/// bearer token would be a client's credential).
#[tokio::test(flavor = "multi_thread")]
async fn finding_13_token_hashes_with_a_sign_or_of_the_empty_token_are_refused() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    // A second client whose hash has "+f" in place of "0f".
    let real = sha256_hex("another-client-token");
    let signed = format!("+f{}", &real[2..]);
    let config = Config::client(&format!(
        "\n[[clients]]\nname = \"plus\"\ntoken_sha256 = \"{signed}\"\n"
    ));
    assert_refused(
        &storage,
        &config,
        "clients[1].token_sha256",
        &signed,
        "64 hex digits",
    );
    let empty = sha256_hex("");
    let config = Config::client(&format!(
        "\n[[clients]]\nname = \"nobody\"\ntoken_sha256 = \"{empty}\"\n"
    ));
    assert_refused(
        &storage,
        &config,
        "clients[1].token_sha256",
        &empty,
        "empty token",
    );
    // Upper-case hex stays valid.
    let upper = sha256_hex("another-client-token").to_uppercase();
    let config = Config::client(&format!(
        "\n[[clients]]\nname = \"upper\"\ntoken_sha256 = \"{upper}\"\n"
    ));
    let (text, settings) = load(&storage, &config);
    assert!(settings.is_ok(), "{:?}\n{text}", settings.err());
}

/// tower-http compares origins byte for byte with the browser's `Origin`:
/// `https://*.example.com`, a path, userinfo, a query, upper case or a
/// default port never match, so such a list only looks like it allows an
/// origin (and `"*"` beside others allows every one). Refused at load.
#[tokio::test(flavor = "multi_thread")]
async fn finding_13_cors_origins_that_can_never_match_are_refused() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    for (origin, reason) in [
        ("https://*.example.com", "wildcard"),
        (
            "https://app.example.com/upload",
            "write \"https://app.example.com\"",
        ),
        ("https://user@app.example.com", "user name or password"),
        (
            "https://app.example.com?x=1",
            "write \"https://app.example.com\"",
        ),
        (
            "https://APP.example.com",
            "write \"https://app.example.com\"",
        ),
        (
            "https://app.example.com:443",
            "write \"https://app.example.com\"",
        ),
        ("ftp://app.example.com", "http or https"),
        ("https://", "not an origin"),
    ] {
        // The harness writes its own origin; ours replaces it.
        let (text, _) = load(&storage, &Config::companion(""));
        let text = text.replace(
            "cors_origins = [\"https://app.example.com\"]",
            &format!("cors_origins = [{origin:?}]"),
        );
        let error = Settings::parse(Path::new("serve.toml"), &text, &environment(&storage))
            .err()
            .unwrap_or_else(|| panic!("{origin:?} loaded, but can never match"));
        assert_eq!(
            (error.key.as_str(), error.line),
            (
                "companion.cors_origins[0]",
                Some(line_of(&text, "cors_origins"))
            ),
            "{error}"
        );
        assert!(error.to_string().contains(reason), "{origin}: {error}");
    }
    let config = Config::companion("");
    let (text, _) = load(&storage, &config);
    let text = text.replace(
        "cors_origins = [\"https://app.example.com\"]",
        "cors_origins = [\"https://app.example.com\", \"*\"]",
    );
    let error = Settings::parse(Path::new("serve.toml"), &text, &environment(&storage))
        .expect_err("\"*\" beside other origins must be refused");
    assert_eq!(error.key, "companion.cors_origins[1]", "{error}");
    // What a browser sends still loads.
    for good in ["https://app.example.com", "http://127.0.0.1:8080", "*"] {
        let text = text.replace(
            "cors_origins = [\"https://app.example.com\", \"*\"]",
            &format!("cors_origins = [{good:?}]"),
        );
        let settings = Settings::parse(Path::new("serve.toml"), &text, &environment(&storage));
        assert!(settings.is_ok(), "{good}: {:?}", settings.err());
    }
}

/// `key_template = "../${filename}"` (or a leading `/`, or `//`) renders
/// keys that escape their folder on a store that maps keys to files; the
/// service refused each such key at request time, but loaded the template.
/// Refused at load now, with the line.
#[tokio::test(flavor = "multi_thread")]
async fn finding_13_key_templates_that_escape_are_refused_at_load() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    for template in [
        "../${filename}",
        "uploads/../${uuid}-${filename}",
        "/${uuid}",
        "uploads//${filename}",
        "${filename}/..",
    ] {
        let config = Config::companion(&format!("key_template = {template:?}"));
        assert_refused(
            &storage,
            &config,
            "companion.key_template",
            "key_template",
            "refuses",
        );
    }
    let config = Config::companion("key_template = \"uploads/${uuid}/${filename}\"");
    let (text, settings) = load(&storage, &config);
    assert!(settings.is_ok(), "{:?}\n{text}", settings.err());
}

/// A refusal names the file, the key and the line of the value, also for a
/// key the file should not have (`storage.foo`, not `(file)`) and for a
/// value of the wrong type.
#[tokio::test(flavor = "multi_thread")]
async fn finding_13_every_refusal_names_the_section_key_and_line() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let config = Config {
        storage: "colour = \"blue\"".to_owned(),
        ..Config::default()
    };
    assert_refused(
        &storage,
        &config,
        "storage.colour",
        "colour",
        "unknown field `colour`",
    );
    let config = Config::companion("max_size = true");
    assert_refused(
        &storage,
        &config,
        "companion.max_size",
        "max_size = true",
        "16MiB",
    );
    let config = Config::client("methods = [\"GET\", \"FETCH\"]");
    assert_refused(
        &storage,
        &config,
        "clients[0].methods[1]",
        "FETCH",
        "\"FETCH\" is not one of",
    );
    let config = Config {
        top: "workers = 0".to_owned(),
        ..Config::default()
    };
    assert_refused(&storage, &config, "workers", "workers = 0", "outside");
}

/// `max_size = "8MiB"` was a type error; every size and duration of the
/// configuration now takes a number or a string with units, read by the
/// command's parser, and a bad one is refused naming key and line.
#[tokio::test(flavor = "multi_thread")]
async fn finding_13_sizes_and_durations_take_units_as_the_command_does() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let config = Config {
        top: "max_body_bytes = \"64KiB\"\nrequest_timeout = \"1m\"\nheader_timeout = \"10s\"\n\
              body_timeout = \"30s\"\nshutdown_timeout = \"1m\""
            .to_owned(),
        companion: Some("max_size = \"8MiB\"\nexpires_in = \"10m\"".to_owned()),
        client: "max_size = \"16MiB\"\nmax_expires_in = \"2h\"".to_owned(),
        ..Config::default()
    };
    let (text, settings) = load(&storage, &config);
    let settings = settings.unwrap_or_else(|error| panic!("{error}\n{text}"));
    assert_eq!(settings.limits.max_body_bytes, 64 << 10);
    assert_eq!(settings.limits.request_timeout.as_secs(), 60);
    let companion = settings.companion.as_ref().unwrap();
    assert_eq!(
        (companion.max_size, companion.expires_in),
        (Some(8 << 20), 600)
    );
    assert_eq!(
        (
            settings.clients[0].max_size,
            settings.clients[0].max_expires_in
        ),
        (Some(16 << 20), 7200)
    );

    // The service enforces them: /v1/me reports them, and a body over
    // 64KiB is refused.
    let service = Service::launch(settings, tempfile::tempdir().unwrap()).await;
    let (me, big) = tokio::task::spawn_blocking({
        let me = service.url("/v1/me");
        let presign = service.url("/v1/presign");
        move || {
            let auth = format!("Bearer {}", crate::harness::TOKEN);
            let me = send("GET", &me, &[("authorization", &auth)], Vec::new());
            let body = json!({"method": "GET", "key": "app/a", "headers": {"x-amz-meta-pad": "x".repeat(70_000)}});
            let big = send(
                "POST",
                &presign,
                &[("authorization", &auth), ("content-type", "application/json")],
                body.to_string().into_bytes(),
            );
            (me, big)
        }
    })
    .await
    .unwrap();
    assert_eq!(me.status, 200, "{:?}", me.body);
    assert_eq!(
        (&me.body["max_size"], &me.body["max_expires_in"]),
        (&json!(16 << 20), &json!(7200))
    );
    assert_eq!(big.status, 413, "{:?}", big.body);
    service.stop().await;

    for (config, key, needle) in [
        (
            Config::companion("max_size = \"8 M\""),
            "companion.max_size",
            "8 M",
        ),
        (
            Config::client("max_expires_in = \"10 minutes\""),
            "clients[0].max_expires_in",
            "10 minutes",
        ),
        (
            Config {
                top: "request_timeout = -5".to_owned(),
                ..Config::default()
            },
            "request_timeout",
            "-5",
        ),
    ] {
        let (text, settings) = load(&storage, &config);
        let Err(error) = settings else {
            panic!("{key}: loaded:\n{text}");
        };
        assert_eq!(error.key, key, "{error}");
        assert_eq!(error.line, Some(line_of(&text, needle)), "{error}\n{text}");
    }
    // The harness sets the storage timeout; a bad one in its place.
    let (text, _) = load(&storage, &Config::default());
    let text = text.replace("timeout = 5\n", "timeout = \"5x\"\n");
    let error = Settings::parse(Path::new("serve.toml"), &text, &environment(&storage))
        .expect_err("timeout = \"5x\" must be refused");
    assert_eq!(
        (error.key.as_str(), error.line),
        ("storage.timeout", Some(line_of(&text, "\"5x\"")))
    );
    assert!(error.reason.contains("15m"), "{error}");
}

/// `"expires_in": "10m"` was refused by the service but accepted by the
/// command and batch JSON lines. Every native route now reads it with the
/// same parser; bad input is a 400 naming the field, and nothing is issued.
#[tokio::test(flavor = "multi_thread")]
async fn finding_13_api_expires_in_takes_the_commands_durations() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Service::start(&storage, &Config::default()).await;
    let service = std::sync::Arc::new(service);
    let answers = tokio::task::spawn_blocking({
        let service = service.clone();
        move || {
            bodies(&json!("10m"))
                .into_iter()
                .map(|(path, body)| (path, api(&service, "POST", path, Some(&body))))
                .collect::<Vec<_>>()
        }
    })
    .await
    .unwrap();
    let audited = service.audit().len();
    let now = jiff::Timestamp::now();
    for (path, answer) in &answers {
        assert_eq!(answer.status, 200, "{path}: {:?}", answer.body);
        if *path == "/v1/post" {
            // A policy has no X-Amz-Expires: its expiry is 600 s from now.
            let at: jiff::Timestamp = answer.body["expires_at"].as_str().unwrap().parse().unwrap();
            let seconds = at.duration_since(now).as_secs();
            assert!(
                (595..=605).contains(&seconds),
                "{seconds}: {:?}",
                answer.body
            );
        } else {
            let text = answer.body.to_string();
            assert!(text.contains("X-Amz-Expires=600"), "{path}: {text}");
        }
    }
    assert!(audited >= 4, "the good requests issued: {audited}");
    let bad = tokio::task::spawn_blocking({
        let service = service.clone();
        move || {
            let mut answers = Vec::new();
            for expires_in in [
                json!("10 minutes"),
                json!("-1"),
                json!(-1),
                json!(true),
                json!("1.5h"),
            ] {
                for (path, body) in bodies(&expires_in) {
                    answers.push((path, api(&service, "POST", path, Some(&body))));
                }
            }
            answers
        }
    })
    .await
    .unwrap();
    for (path, answer) in &bad {
        assert_eq!(answer.status, 400, "{path}: {:?}", answer.body);
        assert_eq!(
            answer.body["rule"], "expires_in",
            "{path}: {:?}",
            answer.body
        );
        let error = answer.body["error"].as_str().unwrap();
        assert!(error.starts_with("expires_in: "), "{path}: {error}");
    }
    assert_eq!(
        service.audit().len(),
        audited,
        "a refused expires_in issues nothing"
    );
    if let Ok(service) = std::sync::Arc::try_unwrap(service) {
        service.stop().await;
    }
}

/// A good request to each native route that takes `expires_in`, with it.
fn bodies(expires_in: &Value) -> [(&'static str, Value); 4] {
    [
        (
            "/v1/presign",
            json!({"method": "GET", "key": "app/a.txt", "expires_in": expires_in}),
        ),
        (
            "/v1/presign/batch",
            json!({"method": "GET", "keys": ["app/a.txt"], "expires_in": expires_in}),
        ),
        (
            "/v1/post",
            json!({"key": "app/a.txt", "expires_in": expires_in}),
        ),
        (
            "/v1/multipart",
            json!({"key": "app/big.bin", "size": 6_000_000, "expires_in": expires_in}),
        ),
    ]
}

/// The upload page holds a bearer-token field: without a CSP or framing
/// rules a framing page or an injected script could read it. `/` and
/// `/app.js` now carry a strict CSP (own script, the inline style by hash,
/// requests to itself and the storage only, no framing) and
/// `X-Frame-Options: DENY`; every answer carries `nosniff`.
#[tokio::test(flavor = "multi_thread")]
async fn finding_15b_the_page_has_a_strict_csp_no_framing_and_every_answer_nosniff() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Service::start(&storage, &Config::companion("")).await;
    let endpoint = storage["ENDPOINT"].clone();
    let answers = tokio::task::spawn_blocking({
        let urls = [
            service.url("/"),
            service.url("/app.js"),
            service.url("/healthz"),
            service.url("/v1/me"),
            service.url("/no/such/route"),
            service.url("/s3/params?filename=a.txt&type=text%2Fplain"),
        ];
        move || {
            urls.iter()
                .map(|url| {
                    send(
                        "GET",
                        url,
                        &[("origin", "https://app.example.com")],
                        Vec::new(),
                    )
                })
                .collect::<Vec<_>>()
        }
    })
    .await
    .unwrap();
    let header = |answer: &crate::harness::Answer, name: &str| {
        answer
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    for answer in &answers[..2] {
        assert_eq!(answer.status, 200);
        let csp = header(answer, "content-security-policy");
        let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        for expected in [
            "default-src 'none'",
            "script-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            &format!("connect-src 'self' {endpoint}"),
            &format!("form-action 'self' {endpoint}"),
        ] {
            assert!(directives.contains(&expected), "{expected:?} not in {csp}");
        }
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval") && !csp.contains('*'),
            "{csp}"
        );
        assert_eq!(header(answer, "x-frame-options"), "DENY");
    }
    // The page's one inline style is allowed by its hash, nothing else.
    let style = answers[0]
        .body
        .as_str()
        .unwrap()
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .unwrap()
        .0;
    let digest = {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style.as_bytes()))
    };
    assert!(
        header(&answers[0], "content-security-policy")
            .contains(&format!("style-src 'sha256-{digest}'")),
        "{}",
        header(&answers[0], "content-security-policy")
    );
    for answer in &answers {
        assert_eq!(
            header(answer, "x-content-type-options"),
            "nosniff",
            "{answer:?}"
        );
    }
    assert_eq!(answers[3].status, 401, "an error answer too");
    assert_eq!(answers[4].status, 404, "the fallback too");
    service.stop().await;
}

/// Axum answers `HEAD` through the `GET` route, so `HEAD /s3/params`
/// signed a POST policy and wrote an audit line for an answer nobody reads
/// (a way to fill the audit log and skew the metrics unseen). It is a 405
/// now: nothing signed, nothing audited; `GET` still works.
#[tokio::test(flavor = "multi_thread")]
async fn finding_15c_head_s3_params_signs_and_audits_nothing() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Service::start(&storage, &Config::companion("")).await;
    let service = std::sync::Arc::new(service);
    let path = "/s3/params?filename=a.txt&type=text%2Fplain";
    let head = tokio::task::spawn_blocking({
        let service = service.clone();
        move || {
            (0..5)
                .map(|_| browser(&service, "HEAD", path, None))
                .collect::<Vec<_>>()
        }
    })
    .await
    .unwrap();
    for answer in &head {
        assert_eq!(answer.status, 405, "{answer:?}");
        assert_eq!(
            answer.headers.get("allow").and_then(|v| v.to_str().ok()),
            Some("GET")
        );
        assert_eq!(
            answer.body,
            Value::String(String::new()),
            "HEAD has no body"
        );
    }
    assert!(
        service.audit().is_empty(),
        "HEAD issued: {:?}",
        service.audit()
    );
    let get = tokio::task::spawn_blocking({
        let service = service.clone();
        move || browser(&service, "GET", path, None)
    })
    .await
    .unwrap();
    assert_eq!(get.status, 200, "{:?}", get.body);
    assert!(get.body["fields"]["policy"].is_string());
    let audit = service.audit();
    assert_eq!(audit.len(), 1, "only the GET issued: {audit:?}");
    assert_eq!(audit[0]["route"], "/s3/params");
    if let Ok(service) = std::sync::Arc::try_unwrap(service) {
        service.stop().await;
    }
}
