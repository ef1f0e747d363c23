//! The upload page at `/`: HTML and plain JavaScript compiled into the
//! binary (no CDN, no build step). It uploads through the native API with a
//! token the user types in.
//!
//! The page holds a token field, so it is answered with a strict
//! Content-Security-Policy: its own script only (no inline script, no
//! `eval`), its one inline style by hash, requests only to the service
//! itself and to the storage endpoint (the POST form and the part PUTs go
//! there), and no framing (`frame-ancestors 'none'`, `X-Frame-Options:
//! DENY`), so an injected script or a framing page cannot read the token.

use std::time::Duration;

use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse};
use sha2::{Digest, Sha256};

use crate::settings::Settings;

const INDEX: &str = include_str!("../../assets/index.html");
const SCRIPT: &str = include_str!("../../assets/app.js");

/// The page.
pub(crate) fn index(csp: HeaderValue) -> impl IntoResponse {
    (
        [
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        ],
        Html(INDEX),
    )
}

/// Its script.
pub(crate) fn script(csp: HeaderValue) -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        ],
        SCRIPT,
    )
}

/// The page's Content-Security-Policy for the storage of `settings`.
pub(crate) fn content_security_policy(settings: &Settings) -> HeaderValue {
    let storage = storage_origins(settings).join(" ");
    let style = INDEX
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(style, _)| {
            let digest = Sha256::digest(style.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest)
            )
        })
        .unwrap_or_default();
    let policy = format!(
        "default-src 'none'; script-src 'self'; style-src{style}; img-src 'self'; \
         connect-src 'self' {storage}; form-action 'self' {storage}; base-uri 'none'; \
         frame-ancestors 'none'"
    );
    // Origins are checked URLs, so this always holds; a policy that allows
    // nothing is the safe fallback.
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"))
}

/// The origins of the storage URLs the page's uploads go to: one per bucket
/// a client may use (virtual-hosted buckets are each an origin of their own).
fn storage_origins(settings: &Settings) -> Vec<String> {
    let credentials = presign::Credentials::new("origin-probe", "origin-probe");
    let mut buckets: Vec<&str> = settings
        .clients
        .iter()
        .flat_map(|client| client.buckets.iter().map(String::as_str))
        .collect();
    buckets.push(&settings.storage.target.bucket);
    let mut origins = Vec::new();
    for bucket in buckets {
        let Ok(target) = settings.storage.target.with_bucket(bucket) else {
            continue;
        };
        let request = target.request(
            presign::Method::Put,
            "probe",
            Duration::from_secs(60),
            &[],
            &[],
        );
        let Ok(presigned) = presign::presign(
            &request,
            &credentials,
            std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        ) else {
            continue;
        };
        let Ok(url) = url::Url::parse(presigned.url()) else {
            continue;
        };
        let origin = url.origin().ascii_serialization();
        if url.origin().is_tuple() && !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    origins
}
