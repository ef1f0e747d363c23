//! The Uppy Companion-compatible routes under `/s3`, exactly as
//! `@uppy/aws-s3` 6.x calls them with `companionEndpoint`: no token (the
//! `[companion]` section is the policy for every browser), CORS for the
//! configured origins, errors as `{"error": "..."}`.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::{Extension, Json};
use presign::presign_post;
use serde::Serialize;

use super::OrderedPairs;
use crate::audit::{AuditRecord, Requester, rfc3339};
use crate::error::{ApiError, ErrorBody};
use crate::key_rules;
use crate::metrics::RequestId;
use crate::policy;
use crate::settings::Companion;
use crate::state::AppState;

/// The longest file name kept in a key (Companion truncates too).
const MAX_FILENAME_BYTES: usize = 512;

/// `GET /s3/params`'s answer: a POST policy for one file.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ParamsAnswer {
    /// Always `POST`.
    pub(crate) method: &'static str,
    /// Where to post the form.
    pub(crate) url: String,
    /// The form fields, in order (the file goes last).
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub(crate) fields: OrderedPairs,
    /// Seconds the policy is valid.
    pub(crate) expires: u64,
}

/// The peer's address, when the request came through the accept loop
/// (in-process tests have none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RemoteAddr(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for RemoteAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| *addr),
        ))
    }
}

/// The `[companion]` settings, or the error Companion answers when S3 is
/// not configured.
pub(crate) fn settings(state: &AppState) -> Result<&Companion, ApiError> {
    state.settings.companion.as_ref().ok_or_else(|| {
        ApiError::bad_request(
            "companion",
            "the Companion routes are not enabled ([companion] enabled = true)",
        )
    })
}

/// Who a Companion request came from: its `Origin`, else its address.
pub(crate) fn requester(headers: &HeaderMap, remote: Option<SocketAddr>) -> Requester {
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok());
    match (origin, remote) {
        (Some(origin), _) => Requester::Origin(origin.to_owned()),
        (None, Some(remote)) => Requester::Origin(remote.ip().to_string()),
        (None, None) => Requester::Origin("unknown".to_owned()),
    }
}

/// A metadata name must be a plain header-name fragment.
pub(crate) fn check_metadata_name(name: &str) -> Result<(), ApiError> {
    if !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Ok(());
    }
    Err(ApiError::bad_request(
        "metadata",
        format!("metadata name {name:?} must be 1..=128 of A-Z a-z 0-9 - _ ."),
    ))
}

/// A metadata value must hold no control characters.
pub(crate) fn check_metadata_value(name: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "metadata",
            format!("metadata {name:?} holds a control character"),
        ));
    }
    Ok(())
}

/// The key for an uploaded file's name under the template, checked.
pub(crate) fn key_for(companion: &Companion, filename: &str) -> Result<String, ApiError> {
    if filename.is_empty() {
        return Err(ApiError::bad_request("filename", "filename is empty"));
    }
    let mut end = filename.len().min(MAX_FILENAME_BYTES);
    while !filename.is_char_boundary(end) {
        end -= 1;
    }
    let key = companion.key_template.render(&filename[..end]);
    key_rules::check_key(&key)?;
    Ok(key)
}

/// What `/s3/params` is asked for.
struct ParamsQuery {
    filename: String,
    content_type: Option<String>,
    metadata: Vec<(String, String)>,
}

/// The query of `/s3/params`: `filename`, `type` and `metadata[NAME]`.
fn params_query(query: &[(String, String)]) -> Result<ParamsQuery, ApiError> {
    let mut filename = None;
    let mut content_type = None;
    let mut metadata = Vec::new();
    for (name, value) in query {
        if name == "filename" {
            filename = Some(value.clone());
        } else if name == "type" {
            content_type = Some(value.clone()).filter(|v| !v.is_empty());
        } else if let Some(meta) = name
            .strip_prefix("metadata[")
            .and_then(|rest| rest.strip_suffix(']'))
        {
            check_metadata_name(meta)?;
            check_metadata_value(meta, value)?;
            metadata.push((meta.to_owned(), value.clone()));
        }
    }
    let filename = filename.ok_or_else(|| {
        ApiError::bad_request("filename", "the query parameter filename is missing")
    })?;
    Ok(ParamsQuery {
        filename,
        content_type,
        metadata,
    })
}

/// Upload parameters for one file: a POST policy with a concrete key from
/// `key_template`, `success_action_status` 201, the content type and
/// metadata fixed, and a `content-length-range` when `max_size` is set.
#[utoipa::path(get, path = "/s3/params", tag = "companion",
    params(
        ("filename" = String, Query, description = "The file's name; goes into key_template's ${filename}"),
        ("type" = Option<String>, Query, description = "The file's content type"),
        ("metadata[NAME]" = Option<String>, Query, description = "x-amz-meta-NAME, any number"),
    ),
    responses(
        (status = 200, description = "The POST policy", body = ParamsAnswer),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 403, description = "Content type or key refused by the [companion] policy", body = ErrorBody),
    ))]
pub(crate) async fn params(
    State(state): State<AppState>,
    Extension(id): Extension<RequestId>,
    RemoteAddr(remote): RemoteAddr,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<ParamsAnswer>, ApiError> {
    let companion = settings(&state)?;
    let ParamsQuery {
        filename,
        content_type,
        metadata,
    } = params_query(&query)?;
    policy::content_type(
        &companion.content_types,
        "the Companion routes",
        content_type.as_deref(),
    )?;
    let key = key_for(companion, &filename)?;
    let mut policy = state
        .target(&companion.bucket)
        .post_policy(&key, Duration::from_secs(companion.expires_in))
        .success_action_status(201);
    if let Some(content_type) = &content_type {
        policy = policy.field_equals("content-type", content_type);
    }
    for (name, value) in &metadata {
        policy = policy.meta(name, value);
    }
    if let Some(acl) = &companion.acl {
        policy = policy.acl(acl);
    }
    if let Some(max) = companion.max_size {
        policy = policy.content_length_range(0, max);
    }
    let post = presign_post(&policy, &state.credentials, state.now())
        .map_err(|e| ApiError::from_presign(&e))?;
    state.audit.write(&[AuditRecord {
        time: rfc3339(state.now()),
        request_id: &id.0,
        requester: &requester(&headers, remote),
        route: "/s3/params",
        method: "POST",
        bucket: &companion.bucket,
        key: &key,
        expires_at: rfc3339(post.expires_at()),
        upload_id: None,
        part_number: None,
    }]);
    state.metrics.issued("post_policy", 1);
    Ok(Json(ParamsAnswer {
        method: "POST",
        url: post.url().to_owned(),
        fields: OrderedPairs(post.fields().to_vec()),
        expires: companion.expires_in,
    }))
}
