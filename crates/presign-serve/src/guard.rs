//! What every request and answer goes through besides metrics: `HEAD` on
//! the Companion routes refused, the body and the request on a deadline,
//! every error answer with the JSON body, and the security headers on every
//! answer. `metrics::observe` calls these, in the one middleware every
//! route has: each layer more on the routes cost a boxed clone per request
//! (a tenth of `/v1/presign`'s requests per second, measured).

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, json_errors};

/// `HEAD` on a Companion route: 405. Axum answers HEAD through the GET
/// route, so `HEAD /s3/params` would sign a POST policy and write an audit
/// line whose answer nobody sees; no Companion route has a use for HEAD.
pub(crate) fn refusal(request: &Request) -> Option<Response> {
    if request.method() != Method::HEAD
        || !request
            .uri()
            .path()
            .starts_with(crate::routes::COMPANION_PREFIX)
    {
        return None;
    }
    let mut answer = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        Some("method"),
        "HEAD is not allowed on the Companion routes: use GET",
    )
    .into_response();
    answer
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET"));
    Some(answer)
}

/// `request` with its body on the `body_timeout` deadline (a body that
/// trickles is cut off).
pub(crate) fn body_on_deadline(request: Request, body_timeout: Duration) -> Request {
    request.map(|body| Body::new(tower_http::timeout::TimeoutBody::new(body_timeout, body)))
}

/// The answer when `request_timeout` passed.
pub(crate) fn timed_out() -> Response {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        Some("request_timeout"),
        "the request took longer than the service allows (request_timeout)",
    )
    .into_response()
}

/// Every answer, errors and timeouts included: no content sniffing (a JSON
/// error must never run as HTML or script) and no framing.
pub(crate) fn secured(mut answer: Response) -> Response {
    let headers = answer.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    answer
}

/// An answer on its way out: an error with the JSON body, then
/// [`secured`].
pub(crate) async fn finished(answer: Response) -> Response {
    secured(json_errors(answer).await)
}
