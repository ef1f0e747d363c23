//! Operations: liveness and metrics.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;

use crate::routes;
use crate::state::AppState;

/// `GET /healthz`'s answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Health {
    /// Always `ok` while the service answers.
    pub(crate) status: &'static str,
}

/// Liveness: answers while the service runs; calls no storage.
#[utoipa::path(get, path = routes::HEALTHZ, tag = "operations",
    responses((status = 200, description = "The service runs", body = Health)))]
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Prometheus text: requests by route, method and status, latency by route,
/// URLs issued by kind.
#[utoipa::path(get, path = routes::METRICS, tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain", body = String)))]
pub(crate) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
