//! The native API: `POST /v1/presign`, `/v1/presign/batch` and `/v1/post`,
//! for clients with a bearer token. Every request is checked against the
//! client's policy before anything is signed.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Extension;
use axum::Json;
use axum::extract::State;
use presign::{FILENAME_PLACEHOLDER, Method};
use serde::{Deserialize, Serialize};

use super::issue::{Issue, Kind};
use super::{OrderedPairs, pairs};
use crate::auth::ClientAuth;
use crate::error::{ApiError, AppJson, Busy, ErrorBody, NativeRefusals};
use crate::input;
use crate::metrics::RequestId;
use crate::policy;
use crate::routes;
use crate::settings::Client;
use crate::state::AppState;

/// The most keys one batch may hold.
pub(crate) const MAX_BATCH_KEYS: usize = 10_000;

/// `POST /v1/presign`'s body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PresignBody {
    /// `GET`, `PUT`, `HEAD` or `DELETE` (POST uploads: `/v1/post`).
    pub(crate) method: String,
    /// One of the client's buckets; default its first.
    pub(crate) bucket: Option<String>,
    /// The object key, under the client's `key_prefix`.
    pub(crate) key: String,
    /// Seconds; default the smaller of 3600 and the client's maximum.
    #[serde(default, deserialize_with = "crate::quantity::expires_in")]
    #[schema(schema_with = crate::quantity::expires_in_schema)]
    pub(crate) expires_in: Option<u64>,
    /// Headers the URL signs (the client must send them, as the answer's
    /// `headers` lists): `content-type`, `content-length`, `x-amz-meta-*`,
    /// ... An object PUT always signs `content-type`: `binary/octet-stream`
    /// for none or `application/octet-stream`.
    #[serde(default)]
    pub(crate) headers: BTreeMap<String, String>,
    /// Query parameters the URL signs: `response-*`, `versionId`,
    /// `partNumber`, `uploadId`.
    #[serde(default)]
    pub(crate) query: BTreeMap<String, String>,
}

/// A presigned URL.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PresignAnswer {
    /// The URL.
    pub(crate) url: String,
    /// The method it is for.
    pub(crate) method: String,
    /// The headers the request must carry, exactly.
    #[schema(value_type = BTreeMap<String, String>)]
    pub(crate) headers: OrderedPairs,
    /// When it stops working (RFC 3339, UTC).
    pub(crate) expires_at: String,
}

/// `POST /v1/presign/batch`'s body: many keys, one method, one instant.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BatchBody {
    /// As for `/v1/presign`.
    pub(crate) method: String,
    /// As for `/v1/presign`.
    pub(crate) bucket: Option<String>,
    /// 1..=10000 keys, each under the client's `key_prefix`.
    pub(crate) keys: Vec<String>,
    /// As for `/v1/presign`.
    #[serde(default, deserialize_with = "crate::quantity::expires_in")]
    #[schema(schema_with = crate::quantity::expires_in_schema)]
    pub(crate) expires_in: Option<u64>,
    /// As for `/v1/presign`, the same for every key.
    #[serde(default)]
    pub(crate) headers: BTreeMap<String, String>,
    /// As for `/v1/presign`, the same for every key.
    #[serde(default)]
    pub(crate) query: BTreeMap<String, String>,
}

/// URLs in the order of the keys, all expiring together.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct BatchAnswer {
    /// One URL per key, in order.
    pub(crate) urls: Vec<String>,
    /// The method they are for.
    pub(crate) method: String,
    /// The headers each request must carry.
    #[schema(value_type = BTreeMap<String, String>)]
    pub(crate) headers: OrderedPairs,
    /// When they stop working (RFC 3339, UTC).
    pub(crate) expires_at: String,
}

/// `POST /v1/post`'s body: a POST policy for a browser form upload.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PostBody {
    /// One of the client's buckets; default its first.
    pub(crate) bucket: Option<String>,
    /// The key, under the client's `key_prefix`; ending in `${filename}`
    /// (only for a client with `prefix_uploads`), the uploader chooses the
    /// rest.
    pub(crate) key: String,
    /// One media type (`image/png`; no wildcard); required when the
    /// client has `content_types`.
    pub(crate) content_type: Option<String>,
    /// Largest file in bytes; at most the client's `max_size` (the default).
    pub(crate) max_size: Option<u64>,
    /// Smallest file in bytes (default 0).
    pub(crate) min_size: Option<u64>,
    /// `x-amz-meta-*` values, fixed by the policy.
    #[serde(default)]
    pub(crate) metadata: BTreeMap<String, String>,
    /// Seconds; as for `/v1/presign`.
    #[serde(default, deserialize_with = "crate::quantity::expires_in")]
    #[schema(schema_with = crate::quantity::expires_in_schema)]
    pub(crate) expires_in: Option<u64>,
    /// 200, 201 or 204 (default: S3's 204).
    pub(crate) success_action_status: Option<u16>,
}

/// A signed POST policy: post a `multipart/form-data` form to `url` with
/// every field, then the file as the last field, `file`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PostAnswer {
    /// Where to post the form.
    pub(crate) url: String,
    /// The form fields, in order.
    #[schema(value_type = BTreeMap<String, String>)]
    pub(crate) fields: OrderedPairs,
    /// When the policy stops working (RFC 3339, UTC).
    pub(crate) expires_at: String,
}

/// The headers a request must carry: lower-case names, values as given.
fn signed_headers(request: &presign::PresignRequest) -> Vec<(String, String)> {
    request
        .header_pairs()
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect()
}

/// The checks of everything but the key, shared by one URL and a batch:
/// the expiry and the headers to sign, as they are to be sent.
fn check_request(
    client: &Client,
    method: Method,
    expires_in: Option<u64>,
    headers: &[(String, String)],
    query: &[(String, String)],
) -> Result<(u64, Vec<(String, String)>), ApiError> {
    policy::method(client, method)?;
    let expires_in = policy::expires_in(client, expires_in)?;
    let mut headers = input::signed_values(client, method, headers, query)?;
    if method == Method::Put {
        let owner = format!("client {:?}", client.name);
        policy::content_type(
            &client.content_types,
            &owner,
            policy::header_value(&headers, "content-type"),
        )?;
        // An object PUT always signs its type: unsigned, the URL's holder
        // sends any (text/html too, past the list). A part's type is not
        // the object's, so an UploadPart signs none.
        if !query.iter().any(|(name, _)| name == "uploadId") {
            fix_content_type(&mut headers);
        }
        if client.max_size.is_some() {
            let size = policy::header_value(&headers, "content-length")
                .map(|value| {
                    value.parse::<u64>().map_err(|_| {
                        ApiError::bad_request(
                            "content_length",
                            format!("content-length {value:?} is not a whole number of bytes"),
                        )
                    })
                })
                .transpose()?;
            policy::size(client.max_size, &owner, size)?;
        }
    }
    Ok((expires_in, headers))
}

/// Signs the content type of an object PUT as [`input::upload_content_type`]
/// says: `binary/octet-stream` in place of none or `application/octet-stream`,
/// which storages replace with a guess from the key (finding 23).
fn fix_content_type(headers: &mut Vec<(String, String)>) {
    let named = headers
        .iter()
        .position(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    let given = named.map(|index| headers[index].1.as_str());
    let signed = input::upload_content_type(given).to_owned();
    match named {
        Some(index) => headers[index].1 = signed,
        None => headers.push(("content-type".to_owned(), signed)),
    }
}

/// One presigned URL.
#[utoipa::path(post, path = routes::PRESIGN, tag = "native", security(("bearer" = [])),
    request_body = PresignBody,
    responses(
        (status = 200, description = "The URL", body = PresignAnswer),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 403, description = "The client's policy refuses it; `rule` names the rule", body = ErrorBody),
        NativeRefusals,
        Busy,
    ))]
pub(crate) async fn presign_url(
    State(state): State<AppState>,
    ClientAuth(client): ClientAuth,
    Extension(id): Extension<RequestId>,
    AppJson(body): AppJson<PresignBody>,
) -> Result<Json<PresignAnswer>, ApiError> {
    let method = input::method(&body.method)?;
    let bucket = policy::bucket(&client, body.bucket.as_deref())?;
    policy::key(&client, &body.key)?;
    let headers = pairs(&body.headers);
    let mut query = pairs(&body.query);
    let (expires_in, headers) = check_request(&client, method, body.expires_in, &headers, &query)?;
    input::upload_id_query(&state.upload_ids, bucket, [body.key.as_str()], &mut query)?;
    let request = state.target(bucket)?.request(
        method,
        &body.key,
        Duration::from_secs(expires_in),
        &query,
        &headers,
    );
    let now = state.now();
    let (url, expires_at) = state.sign(&request, now).await?;
    let issue = Issue::by_client(&state, &id, &client, routes::PRESIGN, Kind::Url);
    let expires_at = issue.record(bucket, now, expires_at, |issuer, until| {
        [issuer.record(method.as_str(), &body.key, until)]
    });
    Ok(Json(PresignAnswer {
        url,
        method: method.as_str().to_owned(),
        headers: OrderedPairs(signed_headers(&request)),
        expires_at,
    }))
}

/// Many presigned URLs, one per key, as of one instant.
#[utoipa::path(post, path = routes::PRESIGN_BATCH, tag = "native", security(("bearer" = [])),
    request_body = BatchBody,
    responses(
        (status = 200, description = "One URL per key, in order", body = BatchAnswer),
        (status = 400, description = "Malformed request or key (`error` names the key's index)", body = ErrorBody),
        (status = 403, description = "The client's policy refuses a key or the request; nothing is issued", body = ErrorBody),
        NativeRefusals,
        Busy,
    ))]
pub(crate) async fn presign_batch(
    State(state): State<AppState>,
    ClientAuth(client): ClientAuth,
    Extension(id): Extension<RequestId>,
    AppJson(body): AppJson<BatchBody>,
) -> Result<Json<BatchAnswer>, ApiError> {
    let method = input::method(&body.method)?;
    let bucket = policy::bucket(&client, body.bucket.as_deref())?;
    if body.keys.is_empty() || body.keys.len() > MAX_BATCH_KEYS {
        return Err(ApiError::bad_request(
            "batch_size",
            format!(
                "a batch holds 1..={MAX_BATCH_KEYS} keys, got {}",
                body.keys.len()
            ),
        ));
    }
    for (index, key) in body.keys.iter().enumerate() {
        policy::key(&client, key).map_err(|mut error| {
            error.message = format!("keys[{index}]: {}", error.message);
            error
        })?;
    }
    let headers = pairs(&body.headers);
    let mut query = pairs(&body.query);
    let (expires_in, headers) = check_request(&client, method, body.expires_in, &headers, &query)?;
    let keys = body.keys.iter().map(String::as_str);
    input::upload_id_query(&state.upload_ids, bucket, keys, &mut query)?;
    let template = state.target(bucket)?.request(
        method,
        "",
        Duration::from_secs(expires_in),
        &query,
        &headers,
    );
    let now = state.now();
    let signer = state.batch_signer(template.clone(), now).await?;
    let mut urls = Vec::with_capacity(body.keys.len());
    for key in &body.keys {
        let mut url = String::with_capacity(256 + key.len());
        signer
            .sign_into(key, &mut url)
            .map_err(|e| ApiError::from_presign(&e))?;
        urls.push(url);
    }
    let issue = Issue::by_client(&state, &id, &client, routes::PRESIGN_BATCH, Kind::Url);
    let expires_at = issue.record(bucket, now, signer.expires_at(), |issuer, until| {
        body.keys
            .iter()
            .map(|key| issuer.record(method.as_str(), key, until))
            .collect::<Vec<_>>()
    });
    let signed_headers = signed_headers(&template);
    Ok(Json(BatchAnswer {
        urls,
        method: method.as_str().to_owned(),
        headers: OrderedPairs(signed_headers),
        expires_at,
    }))
}

/// A POST policy for a browser form upload.
#[utoipa::path(post, path = routes::POST, tag = "native", security(("bearer" = [])),
    request_body = PostBody,
    responses(
        (status = 200, description = "The form's URL and fields", body = PostAnswer),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 403, description = "The client's policy refuses it; `rule` names the rule", body = ErrorBody),
        NativeRefusals,
        Busy,
    ))]
pub(crate) async fn post_policy(
    State(state): State<AppState>,
    ClientAuth(client): ClientAuth,
    Extension(id): Extension<RequestId>,
    AppJson(body): AppJson<PostBody>,
) -> Result<Json<PostAnswer>, ApiError> {
    policy::method(&client, Method::Post)?;
    let bucket = policy::bucket(&client, body.bucket.as_deref())?;
    let prefix = body.key.strip_suffix(FILENAME_PLACEHOLDER);
    match prefix {
        Some(_) if !client.prefix_uploads => {
            return Err(ApiError::forbidden(
                "prefix_uploads",
                format!(
                    "a key ending in ${{filename}} lets the uploader write any key under its prefix; client {:?} may only sign exact keys (prefix_uploads = true allows it)",
                    client.name
                ),
            ));
        }
        Some(prefix) if prefix == client.key_prefix => {}
        Some(prefix) => policy::key(&client, prefix.strip_suffix('/').unwrap_or(prefix))?,
        None => policy::key(&client, &body.key)?,
    }
    let expires_in = policy::expires_in(&client, body.expires_in)?;
    let owner = format!("client {:?}", client.name);
    policy::content_type(&client.content_types, &owner, body.content_type.as_deref())?;
    if let (Some(asked), Some(max)) = (body.max_size, client.max_size)
        && asked > max
    {
        return Err(ApiError::forbidden(
            "max_size",
            format!("max_size {asked} is above {owner}'s max_size of {max} bytes"),
        ));
    }
    let mut policy = state
        .target(bucket)?
        .post_policy(&body.key, Duration::from_secs(expires_in))
        .map_err(|error| ApiError::bad_request("bucket", error.to_string()))?;
    if let Some(status) = body.success_action_status {
        if !matches!(status, 200 | 201 | 204) {
            return Err(ApiError::bad_request(
                "success_action_status",
                "success_action_status is 200, 201 or 204",
            ));
        }
        policy = policy.success_action_status(status);
    }
    policy = policy.content_type(input::upload_content_type(body.content_type.as_deref()));
    for (name, value) in input::metadata(
        body.metadata
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    )? {
        policy = policy.meta(&name, value);
    }
    if let Some(max) = body.max_size.or(client.max_size) {
        policy = policy.content_length_range(body.min_size.unwrap_or(0), max);
    }
    let now = state.now();
    let post = state.sign_post(policy, now)?;
    let issue = Issue::by_client(&state, &id, &client, routes::POST, Kind::PostPolicy);
    let expires_at = issue.record(bucket, now, post.expires_at(), |issuer, until| {
        [match prefix {
            Some(prefix) => issuer.record("POST", prefix, until).prefix(),
            None => issuer.record("POST", &body.key, until),
        }]
    });
    Ok(Json(PostAnswer {
        url: post.url().to_owned(),
        fields: OrderedPairs(post.fields().to_vec()),
        expires_at,
    }))
}

/// What the token's client may do.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct MeAnswer {
    /// The client's name.
    pub(crate) client: String,
    /// Its key prefix (a folder; empty: the whole bucket).
    pub(crate) key_prefix: String,
    /// Its buckets; the first is the default.
    pub(crate) buckets: Vec<String>,
    /// The methods it may sign.
    pub(crate) methods: Vec<String>,
    /// Its longest expiry in seconds.
    pub(crate) max_expires_in: u64,
    /// Its largest upload in bytes, if limited.
    pub(crate) max_size: Option<u64>,
    /// Its allowed content types (empty: any).
    pub(crate) content_types: Vec<String>,
}

/// The policy of the token's client, so an app or the upload page knows
/// where it may write.
#[utoipa::path(get, path = routes::ME, tag = "native", security(("bearer" = [])),
    responses(
        (status = 200, description = "The client's policy", body = MeAnswer),
        (status = 401, description = "No token, or an unknown one", body = ErrorBody),
    ))]
pub(crate) async fn me(ClientAuth(client): ClientAuth) -> Json<MeAnswer> {
    Json(MeAnswer {
        client: client.name.clone(),
        key_prefix: client.key_prefix.clone(),
        buckets: client.buckets.clone(),
        methods: client
            .methods
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        max_expires_in: client.max_expires_in,
        max_size: client.max_size,
        content_types: client.content_types.patterns().to_vec(),
    })
}
