//! The Companion-compatible routes in-process: `/s3/params` answers what
//! `@uppy/aws-s3` reads, within the `[companion]` policy, with CORS for
//! the configured origins only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::Service;
use pretty_assertions::assert_eq;
use serde_json::Value;

#[tokio::test]
async fn params_answers_a_post_policy_with_a_concrete_key() {
    let service = Service::new();
    let (status, headers, text) = service
        .send(
            Request::get("/s3/params?filename=cat%20photo.png&type=image%2Fpng&metadata%5Bname%5D=cat%20photo.png&metadata%5Bowner%5D=al")
                .header("origin", "https://app.example.com")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["method"], "POST");
    assert_eq!(body["url"], "http://127.0.0.1:9/uploads");
    assert_eq!(body["expires"], 800);
    let fields = body["fields"].as_object().unwrap();
    // In the order S3 documents them (the parsed map above is sorted).
    let mut names: Vec<&str> = fields.keys().map(String::as_str).collect();
    names.sort_by_key(|name| text.find(&format!("\"{name}\":")).unwrap());
    assert_eq!(
        names,
        [
            "success_action_status",
            "content-type",
            "x-amz-meta-name",
            "x-amz-meta-owner",
            "key",
            "x-amz-algorithm",
            "x-amz-credential",
            "x-amz-date",
            "policy",
            "x-amz-signature"
        ]
    );
    assert_eq!(fields["success_action_status"], "201");
    assert_eq!(fields["content-type"], "image/png");
    let key = fields["key"].as_str().unwrap();
    assert_eq!(key.len(), 36 + "-cat photo.png".len(), "{key}");
    assert!(key.ends_with("-cat photo.png"));
    assert_eq!(service.audit()[0]["origin"], "https://app.example.com");
    assert_eq!(service.audit()[0]["key"], key);
}

#[tokio::test]
async fn params_refuses_types_outside_the_list_and_bad_names() {
    let service = Service::new();
    let cases = [
        (
            "/s3/params?filename=a.html&type=text%2Fhtml",
            StatusCode::FORBIDDEN,
            "content_type",
        ),
        (
            "/s3/params?filename=a.png",
            StatusCode::FORBIDDEN,
            "content_type",
        ),
        (
            "/s3/params?type=image%2Fpng",
            StatusCode::BAD_REQUEST,
            "filename",
        ),
        (
            "/s3/params?filename=..%2F..%2Fa.png&type=image%2Fpng",
            StatusCode::FORBIDDEN,
            "key_path",
        ),
        (
            "/s3/params?filename=a%00.png&type=image%2Fpng",
            StatusCode::BAD_REQUEST,
            "key_characters",
        ),
        (
            "/s3/params?filename=a.png&type=image%2Fpng&metadata%5Bx%20y%5D=1",
            StatusCode::BAD_REQUEST,
            "metadata",
        ),
    ];
    for (path, expected, rule) in cases {
        let (status, _, text) = service.get(path).await;
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (status, body["rule"].as_str()),
            (expected, Some(rule)),
            "{path}: {text}"
        );
        assert!(body["error"].is_string());
    }
    assert!(service.audit().is_empty());
}

#[tokio::test]
async fn cors_preflight_allows_the_configured_origin_only() {
    let service = Service::new();
    let preflight = |origin: &str| {
        Request::options("/s3/params")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap()
    };
    let (status, headers, _) = service.send(preflight("https://app.example.com")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    for method in ["GET", "POST", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("content-type")
    );
    let (_, headers, _) = service.send(preflight("https://evil.example.com")).await;
    assert!(headers.get("access-control-allow-origin").is_none());
}
