//! The Uppy Companion-compatible routes under `/s3`, exactly as
//! `@uppy/aws-s3` 6.x calls them with `companionEndpoint`: no token (the
//! `[companion]` section is the policy for every browser), CORS for the
//! configured origins, errors as `{"error": "..."}`.

use std::net::SocketAddr;
use std::time::Duration;

use std::collections::BTreeMap;

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::{Extension, Json};
use presign::Method;
use presign::multipart::MultipartUpload;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::OrderedPairs;
use super::issue::{Issue, Kind};
use super::uploads::{self, complete_listed};
use crate::error::{ApiError, AppJson, Busy, ErrorBody, StorageFailure};
use crate::input;
use crate::metrics::RequestId;
use crate::policy;
use crate::routes;
use crate::settings::Companion;
use crate::state::AppState;

/// The longest file name kept in a key (Companion truncates too).
const MAX_FILENAME_BYTES: usize = 512;

/// `GET /s3/params`'s answer: a POST policy for one file.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CompanionParamsAnswer {
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

/// The key for an uploaded file's name under the template, checked.
pub(crate) fn key_for(companion: &Companion, filename: &str) -> Result<String, ApiError> {
    input::check_filename(filename)?;
    let mut end = filename.len().min(MAX_FILENAME_BYTES);
    while !filename.is_char_boundary(end) {
        end -= 1;
    }
    let key = companion.key_template.render(&filename[..end]);
    input::check_key(&key)?;
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
    if query.len() > input::MAX_QUERY_PARAMS + input::MAX_METADATA_ENTRIES {
        return Err(ApiError::bad_request(
            "query",
            format!(
                "a request may carry at most {} query parameters",
                input::MAX_QUERY_PARAMS + input::MAX_METADATA_ENTRIES
            ),
        ));
    }
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
            metadata.push((meta, value.as_str()));
        }
    }
    let metadata = input::metadata(metadata)?;
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
#[utoipa::path(operation_id = "companion_params", get, path = routes::COMPANION_PARAMS, tag = "companion",
    params(
        ("filename" = String, Query, description = "The file's name; goes into key_template's ${filename}"),
        ("type" = Option<String>, Query, description = "The file's content type"),
        ("metadata[NAME]" = Option<String>, Query, description = "x-amz-meta-NAME, any number"),
    ),
    responses(
        (status = 200, description = "The POST policy", body = CompanionParamsAnswer),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 403, description = "Content type or key refused by the [companion] policy", body = ErrorBody),
        Busy,
    ))]
pub(crate) async fn params(
    State(state): State<AppState>,
    Extension(id): Extension<RequestId>,
    RemoteAddr(remote): RemoteAddr,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<CompanionParamsAnswer>, ApiError> {
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
        .target(&companion.bucket)?
        .post_policy(&key, Duration::from_secs(companion.expires_in))
        .map_err(|error| ApiError::bad_request("bucket", error.to_string()))?
        .success_action_status(201);
    let content_type = input::upload_content_type(content_type.as_deref());
    policy = policy.field_equals("content-type", content_type);
    for (name, value) in &metadata {
        policy = policy.meta(name, value);
    }
    if let Some(acl) = &companion.acl {
        policy = policy.acl(acl);
    }
    if let Some(max) = companion.max_size {
        policy = policy.content_length_range(0, max);
    }
    let now = state.now();
    let post = state.sign_post(policy, now)?;
    let route = routes::COMPANION_PARAMS;
    let issue = Issue::by_browser(&state, &id, &headers, remote, route, Kind::PostPolicy);
    issue.record(
        &companion.bucket,
        now,
        post.expires_at(),
        |issuer, until| [issuer.record("POST", &key, until)],
    );
    Ok(Json(CompanionParamsAnswer {
        method: "POST",
        url: post.url().to_owned(),
        fields: OrderedPairs(post.fields().to_vec()),
        expires: companion.expires_in,
    }))
}

/// `POST /s3/multipart`'s body, as `@uppy/aws-s3` sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct CompanionCreateBody {
    /// The file's name; goes into key_template's `${filename}`.
    pub(crate) filename: String,
    /// The file's content type.
    #[serde(rename = "type")]
    pub(crate) content_type: Option<String>,
    /// `x-amz-meta-*` values (strings; others are written as JSON, nulls
    /// dropped).
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub(crate) metadata: BTreeMap<String, Value>,
}

/// `POST /s3/multipart`'s answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompanionCreateAnswer {
    /// The object key chosen by key_template.
    pub(crate) key: String,
    /// The upload id: the storage service's, bound to the bucket and key
    /// (every route that takes it checks that).
    pub(crate) upload_id: String,
    /// The bucket.
    pub(crate) bucket: String,
}

/// `?key=` of the routes that name an upload.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(crate) struct KeyQuery {
    /// The object key `POST /s3/multipart` answered.
    pub(crate) key: Option<String>,
    /// For `/batch`: part numbers, comma-separated.
    #[serde(rename = "partNumbers")]
    pub(crate) part_numbers: Option<String>,
}

/// One part URL.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CompanionPartAnswer {
    /// The presigned UploadPart URL (PUT the part's bytes to it).
    pub(crate) url: String,
    /// Seconds it is valid.
    pub(crate) expires: u64,
}

/// Part URLs by part number.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompanionBatchAnswer {
    /// Part number (as text) to URL.
    pub(crate) presigned_urls: BTreeMap<String, String>,
}

/// A part uploaded so far, as Companion lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CompanionListedPart {
    /// 1..=10000.
    pub(crate) part_number: u32,
    /// Its ETag.
    #[serde(rename = "ETag")]
    pub(crate) etag: String,
    /// Its size in bytes.
    pub(crate) size: u64,
    /// When it arrived, as the storage service wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_modified: Option<String>,
}

/// One part of a complete request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct CompanionCompletePart {
    /// 1..=10000.
    #[serde(rename = "PartNumber")]
    pub(crate) part_number: u64,
    /// The ETag its PUT answered.
    #[serde(rename = "ETag")]
    pub(crate) etag: String,
}

/// `POST /s3/multipart/{uploadId}/complete`'s body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct CompanionCompleteBody {
    /// The parts, in order; each must be one the storage lists, with the
    /// ETag it lists (empty: every listed part).
    pub(crate) parts: Vec<CompanionCompletePart>,
}

/// The assembled object.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CompanionCompleteAnswer {
    /// Where it is.
    pub(crate) location: String,
    /// Its key.
    pub(crate) key: String,
    /// Its bucket.
    pub(crate) bucket: String,
}

fn required_key(query: &KeyQuery) -> Result<&str, ApiError> {
    let key = query.key.as_deref().ok_or_else(|| {
        ApiError::bad_request(
            "key",
            "the object key must be passed as a query parameter, e.g. ?key=abc.jpg",
        )
    })?;
    input::check_key(key)?;
    Ok(key)
}

/// The upload `upload_id` names in the Companion bucket ([`uploads::open`]).
fn upload(
    state: &AppState,
    companion: &Companion,
    key: &str,
    upload_id: &str,
    expires_in: u64,
) -> Result<MultipartUpload, ApiError> {
    let expiry = Duration::from_secs(expires_in);
    uploads::open(state, &companion.bucket, key, upload_id, expiry, "uploadId")
}

/// Starts a multipart upload: the service calls CreateMultipartUpload with
/// the content type and metadata, and answers the key and upload id.
#[utoipa::path(operation_id = "companion_create", post, path = routes::COMPANION_MULTIPART, tag = "companion", request_body = CompanionCreateBody,
    responses(
        (status = 200, description = "The upload", body = CompanionCreateAnswer),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 403, description = "Content type or key refused by the [companion] policy", body = ErrorBody),
        StorageFailure,
        Busy,
    ))]
pub(crate) async fn create(
    State(state): State<AppState>,
    AppJson(body): AppJson<CompanionCreateBody>,
) -> Result<Json<CompanionCreateAnswer>, ApiError> {
    let companion = settings(&state)?;
    let content_type = body.content_type.filter(|value| !value.is_empty());
    policy::content_type(
        &companion.content_types,
        "the Companion routes",
        content_type.as_deref(),
    )?;
    let key = key_for(companion, &body.filename)?;
    let content_type = input::upload_content_type(content_type.as_deref());
    let mut headers = input::object_headers(Some(content_type), &body.metadata)?;
    if let Some(acl) = &companion.acl {
        headers.push(("x-amz-acl".to_owned(), acl.clone()));
    }
    let object = state.target(&companion.bucket)?.request(
        Method::Get,
        &key,
        Duration::from_secs(companion.expires_in),
        &[],
        &headers,
    );
    let storage_id = state
        .storage
        .create(
            &object,
            &state.signer_for(&object, state.now()).await?.signer,
            state.now(),
        )
        .await?;
    let upload_id = state.upload_ids.bind(&companion.bucket, &key, &storage_id);
    Ok(Json(CompanionCreateAnswer {
        key,
        upload_id,
        bucket: companion.bucket.clone(),
    }))
}

/// A URL for one part: it signs only the part number and upload id (no
/// checksum, no content type), so any part body goes.
#[utoipa::path(operation_id = "companion_sign_part", get, path = routes::COMPANION_PART, tag = "companion",
    params(("uploadId" = String, Path, description = "The upload id"), ("partNumber" = u32, Path, description = "1..=10000"), KeyQuery),
    responses(
        (status = 200, description = "The part URL", body = CompanionPartAnswer),
        (status = 400, description = "No key, or a bad part number", body = ErrorBody),
        Busy,
    ))]
pub(crate) async fn sign_part(
    State(state): State<AppState>,
    Extension(id): Extension<RequestId>,
    RemoteAddr(remote): RemoteAddr,
    headers: HeaderMap,
    Path((upload_id, number)): Path<(String, String)>,
    Query(query): Query<KeyQuery>,
) -> Result<Json<CompanionPartAnswer>, ApiError> {
    let companion = settings(&state)?;
    let key = required_key(&query)?;
    let number = input::part_number(&number)?;
    let upload = upload(&state, companion, key, &upload_id, companion.expires_in)?;
    let now = state.now();
    let (url, expires_at) = state.sign(&upload.upload_part(number), now).await?;
    let route = routes::COMPANION_PART;
    let issue = Issue::by_browser(&state, &id, &headers, remote, route, Kind::PartUrl);
    issue.record(&companion.bucket, now, expires_at, |issuer, until| {
        [issuer
            .record("PUT", key, until)
            .part(upload.upload_id(), number.get())]
    });
    Ok(Json(CompanionPartAnswer {
        url,
        expires: companion.expires_in,
    }))
}

/// URLs for many parts at once.
#[utoipa::path(operation_id = "companion_sign_parts", get, path = routes::COMPANION_PARTS, tag = "companion",
    params(("uploadId" = String, Path, description = "The upload id"), KeyQuery),
    responses(
        (status = 200, description = "Part URLs by part number", body = CompanionBatchAnswer),
        (status = 400, description = "No key, or bad part numbers", body = ErrorBody),
        Busy,
    ))]
pub(crate) async fn sign_parts(
    State(state): State<AppState>,
    Extension(id): Extension<RequestId>,
    RemoteAddr(remote): RemoteAddr,
    headers: HeaderMap,
    Path(upload_id): Path<String>,
    Query(query): Query<KeyQuery>,
) -> Result<Json<CompanionBatchAnswer>, ApiError> {
    let companion = settings(&state)?;
    let key = required_key(&query)?;
    let numbers = query.part_numbers.as_deref().ok_or_else(|| {
        ApiError::bad_request(
            "partNumbers",
            "the part numbers must be passed comma-separated, e.g. ?partNumbers=4,6,7",
        )
    })?;
    let numbers = input::part_numbers(numbers)?;
    let upload = upload(&state, companion, key, &upload_id, companion.expires_in)?;
    let now = state.now();
    let mut presigned_urls = BTreeMap::new();
    let mut signed = Vec::with_capacity(numbers.len());
    let mut expires_at = now;
    let current = state.signer_for(upload.object(), now).await?;
    for number in numbers {
        let (url, expires) = current.sign(&upload.upload_part(number), now)?;
        expires_at = expires;
        signed.push(number.get());
        presigned_urls.insert(number.get().to_string(), url);
    }
    // One audit line for the request, however many parts (issue 20,
    // finding 6).
    let route = routes::COMPANION_PARTS;
    let issue = Issue::by_browser(&state, &id, &headers, remote, route, Kind::PartUrl);
    issue.record(&companion.bucket, now, expires_at, |issuer, until| {
        [issuer
            .record("PUT", key, until)
            .parts(upload.upload_id(), &signed)]
    });
    Ok(Json(CompanionBatchAnswer { presigned_urls }))
}

/// The parts uploaded so far (the service calls ListParts).
#[utoipa::path(operation_id = "companion_list_parts", get, path = routes::COMPANION_UPLOAD, tag = "companion",
    params(("uploadId" = String, Path, description = "The upload id"), KeyQuery),
    responses(
        (status = 200, description = "The parts", body = Vec<CompanionListedPart>),
        (status = 400, description = "No key", body = ErrorBody),
        StorageFailure,
        Busy,
    ))]
pub(crate) async fn list_parts(
    State(state): State<AppState>,
    Path(upload_id): Path<String>,
    Query(query): Query<KeyQuery>,
) -> Result<Json<Vec<CompanionListedPart>>, ApiError> {
    let companion = settings(&state)?;
    let key = required_key(&query)?;
    let upload = upload(&state, companion, key, &upload_id, 600)?;
    let parts = uploads::list(&state, &upload).await?;
    Ok(Json(
        parts
            .into_iter()
            .map(|part| CompanionListedPart {
                part_number: part.number.get(),
                etag: part.etag.unwrap_or_default(),
                size: part.size,
                last_modified: part.last_modified,
            })
            .collect(),
    ))
}

/// Assembles the object (the service calls CompleteMultipartUpload). With
/// `max_size` set, the parts' sizes are listed first, and an upload over
/// it is aborted instead.
#[utoipa::path(operation_id = "companion_complete", post, path = routes::COMPANION_COMPLETE, tag = "companion",
    params(("uploadId" = String, Path, description = "The upload id"), KeyQuery),
    request_body = CompanionCompleteBody,
    responses(
        (status = 200, description = "The object", body = CompanionCompleteAnswer),
        (status = 400, description = "No key, or bad parts", body = ErrorBody),
        (status = 403, description = "Over max_size: the upload was aborted", body = ErrorBody),
        StorageFailure,
        Busy,
    ))]
pub(crate) async fn complete(
    State(state): State<AppState>,
    Path(upload_id): Path<String>,
    Query(query): Query<KeyQuery>,
    AppJson(body): AppJson<CompanionCompleteBody>,
) -> Result<Json<CompanionCompleteAnswer>, ApiError> {
    let companion = settings(&state)?;
    let key = required_key(&query)?.to_owned();
    let named: Vec<(u64, &str)> = body
        .parts
        .iter()
        .map(|part| (part.part_number, part.etag.as_str()))
        .collect();
    let upload = upload(&state, companion, &key, &upload_id, 600)?;
    let result = complete_listed(
        &state,
        &upload,
        &named,
        companion.max_size,
        "the Companion routes",
    )
    .await?;
    Ok(Json(CompanionCompleteAnswer {
        location: result
            .location
            .unwrap_or_else(|| format!("{}/{}", companion.bucket, key)),
        key: result.key.unwrap_or(key),
        bucket: result.bucket.unwrap_or_else(|| companion.bucket.clone()),
    }))
}

/// Discards an upload and its parts (the service calls AbortMultipartUpload).
#[utoipa::path(operation_id = "companion_abort", delete, path = routes::COMPANION_UPLOAD, tag = "companion",
    params(("uploadId" = String, Path, description = "The upload id"), KeyQuery),
    responses(
        (status = 200, description = "Aborted: {}"),
        (status = 400, description = "No key", body = ErrorBody),
        StorageFailure,
        Busy,
    ))]
pub(crate) async fn abort(
    State(state): State<AppState>,
    Path(upload_id): Path<String>,
    Query(query): Query<KeyQuery>,
) -> Result<Json<Value>, ApiError> {
    let companion = settings(&state)?;
    let key = required_key(&query)?;
    let upload = upload(&state, companion, key, &upload_id, 600)?;
    uploads::abort(&state, &upload).await?;
    Ok(Json(Value::Object(serde_json::Map::new())))
}
