//! One error type for every route, answered as JSON:
//! `{"error": "what is wrong and what is allowed", "rule": "key_prefix"}`.
//!
//! The Companion routes answer the same shape; Companion's clients read
//! `error`. Messages never hold a token, a secret or a signature.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A refused or failed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The policy rule or input check that refused the request.
    pub rule: Option<&'static str>,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// The body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What is wrong and what is allowed.
    pub error: String,
    /// The rule that refused the request (`key_prefix`, `method`,
    /// `max_expires_in`, `content_type`, `max_size`, `bucket`, `key_path`,
    /// `token`, ...), absent for faults of the service or the storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl ApiError {
    /// Any status.
    pub fn new(status: StatusCode, rule: Option<&'static str>, message: impl Into<String>) -> Self {
        Self {
            status,
            rule,
            message: message.into(),
        }
    }

    /// 400: the input is malformed.
    pub fn bad_request(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(rule), message)
    }

    /// 401: no token, or one no client has.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, Some("token"), message)
    }

    /// 403: the client's policy does not allow it.
    pub fn forbidden(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, Some(rule), message)
    }

    /// 502: the storage service failed or refused a call the service made.
    pub fn storage(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, None, message)
    }

    /// 503: the service is busy (a storage call slot, the audit log); the
    /// answer carries `Retry-After`, and nothing was issued.
    pub fn unavailable(rule: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, Some(rule), message)
    }

    /// 500: a fault of the service (the cause is logged, not sent).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, None, message)
    }

    /// A signing error of the core: the input broke a rule the message names.
    #[must_use]
    pub fn from_presign(error: &presign::PresignError) -> Self {
        Self::bad_request("request", error.to_string())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
            rule: self.rule.map(str::to_owned),
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// The answers every native API route may give besides its own (for the
/// OpenAPI document: nothing constructs these).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum NativeRefusals {
    /// No token, or one no client has.
    #[response(status = 401, description = "No token, or an unknown one")]
    Unauthorized(ErrorBody),
    /// Over `max_body_bytes`.
    #[response(status = 413, description = "Body over max_body_bytes")]
    TooLarge(ErrorBody),
}

/// The answer of every route that calls the storage service when the call
/// fails (for the OpenAPI document: nothing constructs it).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum StorageFailure {
    /// The storage service failed, refused or could not be reached.
    #[response(
        status = 502,
        description = "The storage service failed or refused; `error` says which call and why"
    )]
    BadGateway(ErrorBody),
}

/// The answer of every route that signs or calls the storage service when
/// it cannot now (for the OpenAPI document: nothing constructs it).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum Busy {
    /// Nothing was issued; `rule` says why.
    #[response(
        status = 503,
        description = "Nothing was issued, try again: `rule` is `storage.max_concurrent_calls` (every call slot busy), `audit_overflow` (the audit log is not keeping up) or `storage.credentials` (they expired and no refresh has succeeded yet)",
        headers(("Retry-After" = u32, description = "Seconds to wait before trying again"))
    )]
    Unavailable(ErrorBody),
}

/// `Json<T>` whose rejections (malformed JSON, a missing field, a body over
/// the limit) are [`ApiError`]s like every other error.
#[derive(Debug)]
pub(crate) struct AppJson<T>(pub(crate) T);

impl<T, S> FromRequest<S> for AppJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

/// Middleware: every error answer has the JSON body of [`ApiError`]. The
/// service's own errors already do; this covers what the framework answers
/// by itself (405 for a method a route does not take, 408 from the request
/// timeout, a path or query that does not parse), keeping its status and
/// headers (`Allow`, `Retry-After`) and its text as `error`.
pub(crate) async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .unwrap_or_default();
    let (rule, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "method",
            "this route does not take that method: see /openapi.json".to_owned(),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "request_timeout",
            "the request took longer than the service allows (request_timeout)".to_owned(),
        ),
        _ if text.is_empty() => (
            "request",
            status
                .canonical_reason()
                .unwrap_or("error")
                .to_ascii_lowercase(),
        ),
        _ => ("request", text),
    };
    let status = match status {
        // A path or query that does not parse is malformed input.
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            StatusCode::BAD_REQUEST
        }
        other => other,
    };
    let mut answer = ApiError::new(status, Some(rule), message).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer
                .headers_mut()
                .entry(name)
                .or_insert_with(|| value.clone());
        }
    }
    answer
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    // `expires_in` that is no duration: 400 naming the field.
    if let JsonRejection::JsonDataError(error) = rejection
        && let Some(refusal) = crate::quantity::refusal(error)
    {
        return refusal;
    }
    let status = rejection.status();
    let rule = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "max_body_bytes",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "content_type_header",
        _ => "json",
    };
    let message = match rejection {
        JsonRejection::BytesRejection(_) if status == StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is over the service's limit (max_body_bytes)".to_owned()
        }
        JsonRejection::BytesRejection(_) => {
            "the request body could not be read in time (body_timeout) or was cut off".to_owned()
        }
        other => other.body_text(),
    };
    let status = match rejection {
        JsonRejection::BytesRejection(_) if status != StatusCode::PAYLOAD_TOO_LARGE => {
            StatusCode::REQUEST_TIMEOUT
        }
        // A body that is JSON of the wrong shape, or not sent as JSON, is
        // malformed input like any other: 400, as the README promises.
        JsonRejection::JsonDataError(_) | JsonRejection::MissingJsonContentType(_) => {
            StatusCode::BAD_REQUEST
        }
        _ => status,
    };
    ApiError::new(status, Some(rule), message)
}
