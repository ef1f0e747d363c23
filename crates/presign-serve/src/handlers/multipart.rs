//! The native API's multipart uploads: `POST /v1/multipart` creates the
//! upload and answers the plan (one URL per part, each signing the part's
//! exact length), `/v1/multipart/complete` and `/v1/multipart/abort`.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::State;
use axum::{Extension, Json};
use presign::Method;
use presign::multipart::{MultipartUpload, PLAN_FORMAT, PartPlan, PlanFile, PlanPart};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::issue::{Issue, Kind};
use super::uploads::{self, complete_listed};
use crate::auth::ClientAuth;
use crate::error::{ApiError, AppJson, Busy, ErrorBody, NativeRefusals, StorageFailure};
use crate::input;
use crate::metrics::RequestId;
use crate::policy;
use crate::routes;
use crate::settings::Client;
use crate::state::AppState;

/// `POST /v1/multipart`'s body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MultipartCreateBody {
    /// One of the client's buckets; default its first.
    pub(crate) bucket: Option<String>,
    /// The key, under the client's `key_prefix`.
    pub(crate) key: String,
    /// The object's size in bytes (at most the client's `max_size`).
    pub(crate) size: u64,
    /// Bytes per part (5 MiB..=5 GiB); default: the core's plan.
    pub(crate) part_size: Option<u64>,
    /// The object's content type.
    pub(crate) content_type: Option<String>,
    /// `x-amz-meta-*` values.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub(crate) metadata: BTreeMap<String, Value>,
    /// Seconds the part URLs are valid; as for `/v1/presign`.
    #[serde(default, deserialize_with = "crate::quantity::expires_in")]
    #[schema(schema_with = crate::quantity::expires_in_schema)]
    pub(crate) expires_in: Option<u64>,
}

/// One part of the plan (the OpenAPI document's account of
/// [`presign::multipart::PlanPart`], which is what is answered).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // Describes the answer; the core's type is the answer.
pub(crate) struct PlannedPart {
    /// 1..=10000.
    pub(crate) part_number: u32,
    /// The part's first byte in the file.
    pub(crate) offset: u64,
    /// Its length: the URL signs `content-length` with it.
    pub(crate) length: u64,
    /// PUT the part's bytes here; keep the `ETag` it answers.
    pub(crate) url: String,
}

/// The upload and its plan: the core's plan format
/// ([`presign::multipart::PlanFile`]), which `presign upload --plan` reads
/// as it is, without the complete, list and abort URLs (the service
/// completes, lists and aborts uploads itself).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // Describes the answer; the core's type is the answer.
pub(crate) struct MultipartPlan {
    /// `presign-multipart-plan/1`.
    pub(crate) format: String,
    /// The bucket.
    pub(crate) bucket: String,
    /// The key.
    pub(crate) key: String,
    /// The upload id: the storage service's, bound to the bucket and key
    /// (complete and abort check that).
    pub(crate) upload_id: String,
    /// The object's size in bytes.
    pub(crate) size: u64,
    /// Bytes per part (the last may be shorter).
    pub(crate) part_size: u64,
    /// How many parts.
    pub(crate) part_count: u32,
    /// When the part URLs stop working (RFC 3339, UTC).
    pub(crate) expires_at: String,
    /// One entry per part, in order.
    pub(crate) parts: Vec<PlannedPart>,
}

/// A part's number and ETag.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DonePart {
    /// 1..=10000.
    pub(crate) part_number: u64,
    /// The ETag its PUT answered.
    pub(crate) etag: String,
}

/// `POST /v1/multipart/complete`'s and `/abort`'s body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MultipartUploadBody {
    /// As at create.
    pub(crate) bucket: Option<String>,
    /// As at create.
    pub(crate) key: String,
    /// What create answered.
    pub(crate) upload_id: String,
    /// For complete: the parts, in order, each with the ETag the storage
    /// lists for it; absent or empty: every part the storage lists.
    #[serde(default)]
    pub(crate) parts: Vec<DonePart>,
}

/// The assembled object.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct MultipartCompleteAnswer {
    /// Where it is.
    pub(crate) location: String,
    /// The bucket.
    pub(crate) bucket: String,
    /// The key.
    pub(crate) key: String,
    /// The object's ETag.
    pub(crate) etag: Option<String>,
}

fn existing_upload(
    state: &AppState,
    client: &Client,
    body: &MultipartUploadBody,
) -> Result<MultipartUpload, ApiError> {
    policy::method(client, Method::Put)?;
    let bucket = policy::bucket(client, body.bucket.as_deref())?;
    policy::key(client, &body.key)?;
    let expiry = Duration::from_secs(600);
    uploads::open(
        state,
        bucket,
        &body.key,
        &body.upload_id,
        expiry,
        "upload_id",
    )
}

/// Creates a multipart upload (the service calls CreateMultipartUpload) and
/// answers one URL per part.
#[utoipa::path(operation_id = "multipart_create", post, path = routes::MULTIPART, tag = "native", security(("bearer" = [])),
    request_body = MultipartCreateBody,
    responses(
        (status = 200, description = "The upload and its plan", body = MultipartPlan),
        (status = 400, description = "Malformed request or a plan outside S3's limits", body = ErrorBody),
        (status = 403, description = "The client's policy refuses it", body = ErrorBody),
        StorageFailure,
        NativeRefusals,
        Busy,
    ))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ClientAuth(client): ClientAuth,
    Extension(id): Extension<RequestId>,
    AppJson(body): AppJson<MultipartCreateBody>,
) -> Result<Json<PlanFile>, ApiError> {
    policy::method(&client, Method::Put)?;
    let bucket = policy::bucket(&client, body.bucket.as_deref())?.to_owned();
    policy::key(&client, &body.key)?;
    let expires_in = policy::expires_in(&client, body.expires_in)?;
    let owner = format!("client {:?}", client.name);
    policy::content_type(&client.content_types, &owner, body.content_type.as_deref())?;
    policy::size(client.max_size, &owner, Some(body.size))?;
    let plan = match body.part_size {
        Some(part_size) => PartPlan::with_part_size(body.size, part_size),
        None => PartPlan::new(body.size),
    }
    .map_err(|error| ApiError::bad_request("part_size", error.to_string()))?;
    let content_type = input::upload_content_type(body.content_type.as_deref());
    let headers = input::object_headers(Some(content_type), &body.metadata)?;
    let target = state.target(&bucket)?;
    let expiry = Duration::from_secs(expires_in);
    let now = state.now();
    let object = target.request(Method::Get, &body.key, expiry, &[], &headers);
    // One signer for the call and every part URL (an S3 Express bucket's
    // session is asked for once).
    let current = state.signer_for(&object, now).await?;
    let upload_id = state.storage.create(&object, &current.signer, now).await?;
    let upload = MultipartUpload::new(
        &target.request(Method::Get, &body.key, expiry, &[], &[]),
        &upload_id,
    )
    .map_err(|error| ApiError::storage(format!("CreateMultipartUpload: {error}")))?;
    let mut parts = Vec::with_capacity(plan.part_count() as usize);
    let mut expires_at = now;
    for part in plan.parts() {
        let request = upload
            .upload_part(part.number())
            .header("content-length", part.len().to_string());
        let (url, expires) = current.sign(&request, now)?;
        expires_at = expires;
        parts.push(PlanPart {
            part_number: part.number().get(),
            offset: part.offset(),
            length: part.len(),
            url,
        });
    }
    // One line for the whole plan, however many parts (issue 20, finding 6).
    let numbers: Vec<u32> = parts.iter().map(|part| part.part_number).collect();
    let issue = Issue::by_client(&state, &id, &client, routes::MULTIPART, Kind::PartUrl);
    let expires_text = issue.record(&bucket, now, expires_at, |issuer, until| {
        [issuer
            .record("PUT", &body.key, until)
            .parts(&upload_id, &numbers)]
    });
    let upload_id = state.upload_ids.bind(&bucket, &body.key, &upload_id);
    Ok(Json(PlanFile {
        format: PLAN_FORMAT.to_owned(),
        bucket,
        key: body.key,
        upload_id,
        size: body.size,
        part_size: plan.part_size(),
        part_count: plan.part_count(),
        expires_at: expires_text,
        parts,
        complete_url: None,
        list_urls: Vec::new(),
        abort_url: None,
    }))
}

/// Assembles the object (the service calls CompleteMultipartUpload); over
/// the client's `max_size`, the upload is aborted instead.
#[utoipa::path(operation_id = "multipart_complete", post, path = routes::MULTIPART_COMPLETE, tag = "native", security(("bearer" = [])),
    request_body = MultipartUploadBody,
    responses(
        (status = 200, description = "The object", body = MultipartCompleteAnswer),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 403, description = "The client's policy refuses it", body = ErrorBody),
        StorageFailure,
        NativeRefusals,
        Busy,
    ))]
pub(crate) async fn complete(
    State(state): State<AppState>,
    ClientAuth(client): ClientAuth,
    AppJson(body): AppJson<MultipartUploadBody>,
) -> Result<Json<MultipartCompleteAnswer>, ApiError> {
    let upload = existing_upload(&state, &client, &body)?;
    let named: Vec<(u64, &str)> = body
        .parts
        .iter()
        .map(|part| (part.part_number, part.etag.as_str()))
        .collect();
    let result = complete_listed(
        &state,
        &upload,
        &named,
        client.max_size,
        &format!("client {:?}", client.name),
    )
    .await?;
    let bucket = upload.object().bucket().to_owned();
    Ok(Json(MultipartCompleteAnswer {
        location: result
            .location
            .unwrap_or_else(|| format!("{bucket}/{}", body.key)),
        bucket,
        key: body.key,
        etag: result.etag,
    }))
}

/// Discards the upload and its parts (the service calls AbortMultipartUpload).
#[utoipa::path(operation_id = "multipart_abort", post, path = routes::MULTIPART_ABORT, tag = "native", security(("bearer" = [])),
    request_body = MultipartUploadBody,
    responses(
        (status = 200, description = "Aborted: {}"),
        (status = 403, description = "The client's policy refuses it", body = ErrorBody),
        StorageFailure,
        NativeRefusals,
        Busy,
    ))]
pub(crate) async fn abort(
    State(state): State<AppState>,
    ClientAuth(client): ClientAuth,
    AppJson(body): AppJson<MultipartUploadBody>,
) -> Result<Json<Value>, ApiError> {
    let upload = existing_upload(&state, &client, &body)?;
    uploads::abort(&state, &upload).await?;
    Ok(Json(Value::Object(serde_json::Map::new())))
}

#[cfg(test)]
mod tests {
    use super::MultipartPlan;
    use presign::multipart::{PLAN_FORMAT, PlanFile, PlanPart};

    /// The OpenAPI document's account of the answer names exactly the
    /// fields the core's plan has (without the URLs the service keeps).
    #[test]
    fn the_documented_plan_is_the_cores() {
        let answer = PlanFile {
            format: PLAN_FORMAT.to_owned(),
            bucket: "b".to_owned(),
            key: "k".to_owned(),
            upload_id: "U".to_owned(),
            size: 1,
            part_size: 5 << 20,
            part_count: 1,
            expires_at: "2024-01-01T00:00:00Z".to_owned(),
            parts: vec![PlanPart {
                part_number: 1,
                offset: 0,
                length: 1,
                url: "u".to_owned(),
            }],
            complete_url: None,
            list_urls: Vec::new(),
            abort_url: None,
        };
        let json = serde_json::to_value(&answer).unwrap_or_default();
        let mut answered: Vec<&String> = json
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        answered.sort();
        let schema = serde_json::to_value(<MultipartPlan as utoipa::PartialSchema>::schema())
            .unwrap_or_default();
        let mut documented: Vec<&String> = schema["properties"]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        documented.sort();
        assert_eq!(answered, documented);
        let part: Vec<&String> = json["parts"][0]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert!(part.contains(&&"length".to_owned()), "{part:?}");
    }
}
