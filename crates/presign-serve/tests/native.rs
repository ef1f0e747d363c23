//! The native API in-process: authentication, every policy rule, batch and
//! POST policies, limits, and the operations routes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Service, TOKEN_USER1, TOKEN_USER10};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

fn presign_get(key: &str) -> Value {
    json!({"method": "GET", "key": key})
}

#[tokio::test]
async fn a_client_gets_a_url_for_its_own_key_and_the_audit_log_says_so() {
    let service = Service::new();
    let (status, body) = service
        .post(
            "/v1/presign",
            Some(TOKEN_USER1),
            &json!({"method": "GET", "key": "user1/a.txt", "expires_in": 600}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = body["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:9/uploads/user1/a.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDSERVETEST%2F"), "{url}");
    assert!(url.contains("&X-Amz-Expires=600&"), "{url}");
    assert_eq!(body["method"], "GET");
    assert_eq!(body["headers"], json!({}));
    let audit = service.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["client"], "user1");
    assert_eq!(audit[0]["key"], "user1/a.txt");
    assert_eq!(audit[0]["bucket"], "uploads");
    assert_eq!(audit[0]["method"], "GET");
    assert_eq!(audit[0]["route"], "/v1/presign");
    assert_eq!(audit[0]["expires_at"], body["expires_at"]);
    assert!(
        audit[0]["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
}

#[tokio::test]
async fn the_url_is_the_one_the_core_signs() {
    let service = Service::new();
    let (status, body) = service.post("/v1/presign", Some(TOKEN_USER1), &json!({"method": "PUT", "key": "user1/in/a.png", "expires_in": 300, "headers": {"Content-Type": "image/png", "content-length": "1000"}})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = body["url"].as_str().unwrap();
    let parsed = presign::PresignedUrl::parse(url).unwrap();
    let lookup = |id: &str| {
        (id == common::ACCESS_KEY)
            .then(|| presign::Credentials::new(common::ACCESS_KEY, common::SECRET_KEY))
    };
    let headers = [("content-type", "image/png"), ("content-length", "1000")];
    let verified = presign::verify(
        url,
        presign::Method::Put,
        &headers,
        lookup,
        std::time::SystemTime::now(),
        &presign::VerifyPolicy::default(),
    );
    assert!(verified.is_ok(), "{verified:?}");
    assert_eq!(
        parsed.signed_headers(),
        ["content-length", "content-type", "host"]
    );
    assert_eq!(
        body["headers"],
        json!({"content-type": "image/png", "content-length": "1000"})
    );
    // Byte for byte the URL presign() signs for the same request and instant.
    let request = presign::PresignRequest::new(
        presign::Method::Put,
        "http://127.0.0.1:9",
        "uploads",
        "user1/in/a.png",
    )
    .addressing(presign::Addressing::Path)
    .expires_in(std::time::Duration::from_secs(300))
    .header("Content-Type", "image/png")
    .header("content-length", "1000");
    let credentials = presign::Credentials::new(common::ACCESS_KEY, common::SECRET_KEY);
    let expected = presign::presign(&request, &credentials, parsed.signed_at().to_system_time());
    assert_eq!(expected.unwrap().url(), url);
}

#[tokio::test]
async fn no_token_a_wrong_token_or_a_malformed_header_is_401_and_nothing_is_issued() {
    let service = Service::new();
    for authorization in [
        None,
        Some("Bearer nope"),
        Some("Basic dXNlcjE6eA=="),
        Some("Bearer "),
        Some(TOKEN_USER1),
    ] {
        let mut request = Request::post("/v1/presign").header("content-type", "application/json");
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let (status, headers, text) = service
            .send(
                request
                    .body(Body::from(presign_get("user1/a").to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{authorization:?}: {text}"
        );
        assert_eq!(headers["www-authenticate"], "Bearer");
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["rule"], "token");
    }
    for path in ["/v1/presign/batch", "/v1/post"] {
        let (status, _) = service.post(path, Some("wrong"), &json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    assert!(service.audit().is_empty());
}

#[tokio::test]
async fn another_clients_token_cannot_reach_this_clients_keys() {
    let service = Service::new();
    let (status, body) = service
        .post(
            "/v1/presign",
            Some(TOKEN_USER10),
            &presign_get("user1/a.txt"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["rule"], "key_prefix");
    // user1's prefix is a folder: it does not cover user10's keys.
    let (status, body) = service
        .post(
            "/v1/presign",
            Some(TOKEN_USER1),
            &presign_get("user10/a.txt"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["rule"], "key_prefix");
    let (status, _) = service
        .post(
            "/v1/presign",
            Some(TOKEN_USER10),
            &presign_get("user10/a.txt"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(service.audit().len(), 1);
}

/// Requests that break a rule: the body, the status and the rule named.
// A table, one case per entry: splitting it would only scatter it.
#[allow(clippy::too_many_lines)]
fn escape_cases() -> Vec<(Value, StatusCode, &'static str)> {
    let long = format!("user1/{}", "k".repeat(1020));
    vec![
        (
            presign_get("user1/../user2/a"),
            StatusCode::FORBIDDEN,
            "key_path",
        ),
        (presign_get("user1/./a"), StatusCode::FORBIDDEN, "key_path"),
        (presign_get("user1//a"), StatusCode::FORBIDDEN, "key_path"),
        (presign_get("/user1/a"), StatusCode::FORBIDDEN, "key_path"),
        (
            presign_get("user1/..%2Fuser2/a"),
            StatusCode::FORBIDDEN,
            "key_path",
        ),
        (
            presign_get("user1%2F..%2F..%2Fa"),
            StatusCode::FORBIDDEN,
            "key_path",
        ),
        (
            presign_get("user1\u{2215}..\u{2215}a"),
            StatusCode::FORBIDDEN,
            "key_path",
        ),
        (
            presign_get("user1/\u{FF0E}\u{FF0E}/a"),
            StatusCode::FORBIDDEN,
            "key_path",
        ),
        (
            presign_get("user1\u{FF0F}a"),
            StatusCode::FORBIDDEN,
            "key_path",
        ),
        (
            presign_get("user1\\..\\a"),
            StatusCode::FORBIDDEN,
            "key_path",
        ),
        (
            presign_get("user1/a\u{0}b"),
            StatusCode::BAD_REQUEST,
            "key_characters",
        ),
        (
            presign_get("user1/a\rb"),
            StatusCode::BAD_REQUEST,
            "key_characters",
        ),
        (
            presign_get("user1/\u{202E}gpj.exe"),
            StatusCode::BAD_REQUEST,
            "key_characters",
        ),
        (presign_get(&long), StatusCode::BAD_REQUEST, "key_length"),
        (presign_get("user1"), StatusCode::FORBIDDEN, "key_prefix"),
        (presign_get("user1/"), StatusCode::FORBIDDEN, "key_path"),
        (presign_get("user10/a"), StatusCode::FORBIDDEN, "key_prefix"),
        (
            json!({"method": "GET", "key": "user1/a", "expires_in": 901}),
            StatusCode::FORBIDDEN,
            "max_expires_in",
        ),
        (
            json!({"method": "GET", "key": "user1/a", "expires_in": 0}),
            StatusCode::BAD_REQUEST,
            "expires_in",
        ),
        (
            json!({"method": "HEAD", "key": "user1/a"}),
            StatusCode::FORBIDDEN,
            "method",
        ),
        (
            json!({"method": "PATCH", "key": "user1/a"}),
            StatusCode::BAD_REQUEST,
            "method",
        ),
        (
            json!({"method": "POST", "key": "user1/a"}),
            StatusCode::BAD_REQUEST,
            "method",
        ),
        (
            json!({"method": "GET", "key": "user1/a", "bucket": "secrets"}),
            StatusCode::FORBIDDEN,
            "bucket",
        ),
        (
            json!({"method": "PUT", "key": "user1/a", "headers": {"content-type": "text/html", "content-length": "5"}}),
            StatusCode::FORBIDDEN,
            "content_type",
        ),
        (
            json!({"method": "PUT", "key": "user1/a", "headers": {"content-length": "5"}}),
            StatusCode::FORBIDDEN,
            "content_type",
        ),
        (
            json!({"method": "PUT", "key": "user1/a", "headers": {"content-type": "image/png"}}),
            StatusCode::FORBIDDEN,
            "max_size",
        ),
        (
            json!({"method": "PUT", "key": "user1/a", "headers": {"content-type": "image/png", "content-length": "1048577"}}),
            StatusCode::FORBIDDEN,
            "max_size",
        ),
        (
            json!({"method": "PUT", "key": "user1/a", "headers": {"content-type": "image/png", "content-length": "big"}}),
            StatusCode::BAD_REQUEST,
            "content_length",
        ),
        (
            json!({"method": "PUT", "key": "user1/a", "headers": {"content-type": "image/png", "content-length": "5", "x-amz-acl": "public-read"}}),
            StatusCode::FORBIDDEN,
            "headers",
        ),
        (
            json!({"method": "GET", "key": "user1/a", "query": {"acl": ""}}),
            StatusCode::FORBIDDEN,
            "query",
        ),
        (
            json!({"method": "GET", "key": "user1/a", "query": {"X-Amz-Expires": "1"}}),
            StatusCode::FORBIDDEN,
            "query",
        ),
        (json!({"method": "GET"}), StatusCode::BAD_REQUEST, "json"),
        (
            json!({"method": "GET", "key": "user1/a", "extra": 1}),
            StatusCode::BAD_REQUEST,
            "json",
        ),
    ]
}

#[tokio::test]
async fn policy_escapes_are_refused_naming_the_rule_and_nothing_is_issued() {
    let service = Service::new();
    let cases = escape_cases();
    for (body, expected, rule) in &cases {
        let (status, answer) = service.post("/v1/presign", Some(TOKEN_USER1), body).await;
        assert_eq!(
            (status, answer["rule"].as_str()),
            (*expected, Some(*rule)),
            "{body}: {answer}"
        );
        assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()));
        assert!(answer.get("url").is_none());
    }
    assert!(
        service.audit().is_empty(),
        "nothing may be issued: {:?}",
        service.audit()
    );
}

#[tokio::test]
async fn malformed_json_is_a_json_error_too() {
    let service = Service::new();
    let request = Request::post("/v1/presign")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {TOKEN_USER1}"))
        .body(Body::from("{not json"))
        .unwrap();
    let (status, _, text) = service.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["rule"], "json");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let service = Service::with("http://127.0.0.1:9", "max_body_bytes = 2048");
    let keys: Vec<String> = (0..200).map(|i| format!("user1/key-{i:04}")).collect();
    let (status, body) = service
        .post(
            "/v1/presign/batch",
            Some(TOKEN_USER1),
            &json!({"method": "GET", "keys": keys}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["rule"], "max_body_bytes");
    assert!(service.audit().is_empty());
}

#[tokio::test]
async fn a_batch_signs_every_key_as_of_one_instant_in_order() {
    let service = Service::new();
    let keys: Vec<String> = (0..50)
        .map(|i| format!("user1/data/part-{i:04}.parquet"))
        .collect();
    let (status, body) = service
        .post(
            "/v1/presign/batch",
            Some(TOKEN_USER1),
            &json!({"method": "GET", "keys": keys, "expires_in": 120}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let urls = body["urls"].as_array().unwrap();
    assert_eq!(urls.len(), 50);
    let date = |url: &str| url.split("X-Amz-Date=").nth(1).unwrap()[..16].to_owned();
    let first = date(urls[0].as_str().unwrap());
    for (key, url) in keys.iter().zip(urls) {
        let url = url.as_str().unwrap();
        assert!(
            url.starts_with(&format!("http://127.0.0.1:9/uploads/{key}?")),
            "{url}"
        );
        assert_eq!(date(url), first);
        let lookup = |id: &str| {
            (id == common::ACCESS_KEY)
                .then(|| presign::Credentials::new(common::ACCESS_KEY, common::SECRET_KEY))
        };
        assert!(
            presign::verify(
                url,
                presign::Method::Get,
                &[],
                lookup,
                std::time::SystemTime::now(),
                &presign::VerifyPolicy::default()
            )
            .is_ok()
        );
    }
    assert_eq!(service.audit().len(), 50);
}

#[tokio::test]
async fn one_bad_key_refuses_the_whole_batch() {
    let service = Service::new();
    let (status, body) = service
        .post(
            "/v1/presign/batch",
            Some(TOKEN_USER1),
            &json!({"method": "GET", "keys": ["user1/a", "user1/../b", "user1/c"]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["rule"], "key_path");
    assert!(
        body["error"].as_str().unwrap().starts_with("keys[1]: "),
        "{body}"
    );
    let (status, body) = service
        .post(
            "/v1/presign/batch",
            Some(TOKEN_USER1),
            &json!({"method": "GET", "keys": []}),
        )
        .await;
    assert_eq!(
        (status, body["rule"].as_str()),
        (StatusCode::BAD_REQUEST, Some("batch_size"))
    );
    assert!(service.audit().is_empty());
}

#[tokio::test]
async fn a_post_policy_holds_the_clients_limits() {
    let service = Service::new();
    let (status, body) = service.post("/v1/post", Some(TOKEN_USER1), &json!({"key": "user1/up/a.png", "content_type": "image/png", "metadata": {"owner": "alice"}, "success_action_status": 201})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["url"], "http://127.0.0.1:9/uploads");
    let fields = body["fields"].as_object().unwrap();
    assert_eq!(fields["key"], "user1/up/a.png");
    assert_eq!(fields["x-amz-meta-owner"], "alice");
    let policy = fields["policy"].as_str().unwrap();
    let document = String::from_utf8(base64_decode(policy)).unwrap();
    assert!(
        document.contains(r#"{"key": "user1/up/a.png"}"#),
        "{document}"
    );
    assert!(
        document.contains(r#"{"Content-Type": "image/png"}"#),
        "{document}"
    );
    assert!(
        document.contains(r#"["content-length-range", 0, 1048576]"#),
        "{document}"
    );
    assert_eq!(service.audit()[0]["route"], "/v1/post");

    let refused: Vec<(Value, &str)> = vec![
        (
            json!({"key": "user10/a.png", "content_type": "image/png"}),
            "key_prefix",
        ),
        (
            json!({"key": "user1/../a.png", "content_type": "image/png"}),
            "key_path",
        ),
        (
            json!({"key": "user1/${filename}", "content_type": "image/png"}),
            "prefix_uploads",
        ),
        (
            json!({"key": "user1/a.png", "content_type": "text/html"}),
            "content_type",
        ),
        (json!({"key": "user1/a.png"}), "content_type"),
        (
            json!({"key": "user1/a.png", "content_type": "image/png", "max_size": 1_048_577}),
            "max_size",
        ),
    ];
    for (request, rule) in refused {
        let (status, answer) = service.post("/v1/post", Some(TOKEN_USER1), &request).await;
        assert_eq!(
            (status, answer["rule"].as_str()),
            (StatusCode::FORBIDDEN, Some(rule)),
            "{request}"
        );
    }
    // A wildcard is not a content type: the policy would let the uploader
    // pick any type of the family.
    let (status, answer) = service
        .post(
            "/v1/post",
            Some(TOKEN_USER1),
            &json!({"key": "user1/a.png", "content_type": "image/*"}),
        )
        .await;
    assert_eq!(
        (status, answer["rule"].as_str()),
        (StatusCode::BAD_REQUEST, Some("content_type"))
    );
    let (status, answer) = service
        .post("/v1/post", Some(TOKEN_USER10), &json!({"key": "user10/a"}))
        .await;
    assert_eq!(
        (status, answer["rule"].as_str()),
        (StatusCode::FORBIDDEN, Some("method"))
    );
    assert_eq!(service.audit().len(), 1);
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = u32::try_from(ALPHABET.iter().position(|c| *c == byte).unwrap()).unwrap();
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).unwrap());
        }
    }
    out
}

#[tokio::test]
async fn healthz_metrics_and_the_openapi_document() {
    let service = Service::new();
    let (status, _, body) = service.get("/healthz").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"{"status":"ok"}"#)
    );
    let _ = service
        .post("/v1/presign", Some(TOKEN_USER1), &presign_get("user1/a"))
        .await;
    let _ = service
        .post("/v1/presign", Some("wrong"), &presign_get("user1/a"))
        .await;
    let (status, headers, metrics) = service.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    assert!(
        metrics.contains(
            r#"presign_serve_requests_total{route="/v1/presign",method="POST",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"presign_serve_requests_total{route="/v1/presign",method="POST",status="401"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"presign_serve_urls_issued_total{kind="url"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"presign_serve_request_duration_seconds_count{route="/v1/presign"} 2"#),
        "{metrics}"
    );

    let (status, _, text) = service.get("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let document: Value = serde_json::from_str(&text).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/presign",
        "/v1/presign/batch",
        "/v1/post",
        "/v1/me",
        "/v1/multipart",
        "/v1/multipart/complete",
        "/v1/multipart/abort",
        "/s3/params",
        "/s3/multipart",
        "/s3/multipart/{uploadId}",
        "/s3/multipart/{uploadId}/{partNumber}",
        "/s3/multipart/{uploadId}/batch",
        "/s3/multipart/{uploadId}/complete",
        "/healthz",
        "/metrics",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    let presign = &document["paths"]["/v1/presign"]["post"];
    for status in ["200", "400", "401", "403", "413"] {
        assert!(
            presign["responses"].get(status).is_some(),
            "/v1/presign lacks {status}"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(
        document["components"]["schemas"]
            .get("PresignBody")
            .is_some()
    );
}

#[tokio::test]
async fn me_tells_the_client_its_policy() {
    let service = Service::new();
    let request = Request::get("/v1/me")
        .header("authorization", format!("Bearer {TOKEN_USER1}"))
        .body(Body::empty())
        .unwrap();
    let (status, _, text) = service.send(request).await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["client"], "user1");
    assert_eq!(body["key_prefix"], "user1/");
    assert_eq!(body["buckets"], json!(["uploads", "archive"]));
    assert_eq!(body["max_size"], 1_048_576);
    let (status, _, _) = service.get("/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_unknown_route_is_a_json_404() {
    let service = Service::new();
    let (status, _, text) = service.get("/v2/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["rule"], "route");
}

/// The OpenAPI document as reviewed: a change to the API shows in the diff.
#[tokio::test]
async fn the_openapi_document_matches_the_snapshot() {
    let service = Service::new();
    let (status, _, text) = service.get("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let document: Value = serde_json::from_str(&text).unwrap();
    let mut ids: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|operation| operation["operationId"].as_str().unwrap())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids must be unique: {ids:?}");
    insta::assert_snapshot!("openapi", text);
}

/// Every route that signs or calls the storage service can answer 503 (a
/// busy call slot, a full audit queue, expired credentials), and a client
/// reading the document must know to wait for `Retry-After` and try again.
#[tokio::test]
async fn every_route_that_issues_documents_503_with_retry_after() {
    let service = Service::new();
    let (_, _, text) = service.get("/openapi.json").await;
    let document: Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        if !(path.starts_with("/v1/") || path.starts_with("/s3/")) || path == "/v1/me" {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let busy = &operation["responses"]["503"];
            assert!(
                busy["headers"]["Retry-After"].is_object(),
                "{method} {path} does not document 503 with Retry-After: {:?}",
                operation["responses"]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 13, "the native and Companion routes that issue");
}

/// Issue 23, item 5: every error answer carries the JSON body with a
/// status the README lists. JSON of the wrong shape was 422, a body not
/// sent as JSON 415, and a method a route does not take 405 with an empty
/// body.
#[tokio::test]
async fn every_error_answer_has_the_json_body_and_a_documented_status() {
    let service = Service::new();
    let auth = format!("Bearer {TOKEN_USER1}");
    let cases = [
        (
            Request::post("/v1/presign")
                .header("content-type", "application/json")
                .header("authorization", &auth)
                .body(Body::from(r#"{"method": 5, "key": "user1/a.txt"}"#))
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "json",
        ),
        (
            Request::post("/v1/presign")
                .header("authorization", &auth)
                .body(Body::from(r#"{"method": "GET", "key": "user1/a.txt"}"#))
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "content_type_header",
        ),
        (
            Request::get("/v1/presign")
                .header("authorization", &auth)
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method",
        ),
        (
            Request::delete("/healthz").body(Body::empty()).unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "method",
        ),
    ];
    for (request, status, rule) in cases {
        let what = format!("{} {}", request.method(), request.uri());
        let (got, headers, text) = service.send(request).await;
        assert_eq!(got, status, "{what}: {text}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{what}: {headers:?}"
        );
        let body: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: {e}: {text:?}"));
        assert_eq!(body["rule"], rule, "{what}: {body}");
        assert!(
            !body["error"].as_str().unwrap().is_empty(),
            "{what}: {body}"
        );
        if status == StatusCode::METHOD_NOT_ALLOWED {
            assert!(headers.contains_key("allow"), "{what}: {headers:?}");
        }
    }
    assert!(service.audit().is_empty(), "nothing was issued");
}
