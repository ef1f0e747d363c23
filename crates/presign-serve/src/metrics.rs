//! Prometheus metrics: requests by route, method and status, their latency,
//! and URLs issued by kind; plus the middleware that records them, logs
//! each request as a JSON line and gives it an id.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::audit::Audit;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct IssuedLabels {
    kind: &'static str,
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The service's metrics.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    issued: Family<IssuedLabels, Counter>,
    /// Audit lines dropped because the audit log did not keep up.
    pub(crate) audit_dropped: Counter,
    /// Requests answered 503 because the audit queue was full.
    pub(crate) audit_refused: Counter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn latency_histogram() -> Histogram {
    // 50 µs to about 1.6 s.
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("presign_serve");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let issued = Family::<IssuedLabels, Counter>::default();
        registry.register(
            "requests",
            "HTTP requests by route, method and status",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Time to answer a request, by route",
            latency.clone(),
        );
        registry.register(
            "urls_issued",
            "Presigned URLs and POST policies issued, by kind",
            issued.clone(),
        );
        let audit_dropped = Counter::default();
        let audit_refused = Counter::default();
        registry.register(
            "audit_dropped_lines",
            "Audit lines dropped because the audit log did not keep up (audit_overflow = \"drop\")",
            audit_dropped.clone(),
        );
        registry.register(
            "audit_refused_requests",
            "Requests answered 503 because the audit queue was full (audit_overflow = \"refuse\")",
            audit_refused.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            issued,
            audit_dropped,
            audit_refused,
        }
    }
}

impl Metrics {
    /// Counts `count` URLs of `kind` (`url`, `post_policy`, `part_url`).
    pub(crate) fn issued(&self, kind: &'static str, count: u64) {
        self.issued
            .get_or_create(&IssuedLabels { kind })
            .inc_by(count);
    }

    /// The Prometheus text exposition.
    #[must_use]
    pub(crate) fn render(&self) -> String {
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }

    fn record(&self, route: &str, method: &'static str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method,
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }
}

/// A request's id: `x-request-id` on the answer, in the logs and the audit
/// log.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub String);

static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static PROCESS_ID: OnceLock<u32> = OnceLock::new();

fn new_request_id() -> String {
    // Unique per process and cheap; the process id keeps copies apart. It is
    // read once: `std::process::id()` is a system call each time.
    let process = *PROCESS_ID.get_or_init(std::process::id);
    format!("{process:x}-{:x}", NEXT_ID.fetch_add(1, Ordering::Relaxed))
}

/// The `method` label (and log field): one of the methods HTTP defines,
/// else `other`. A label taken from the request must come from a fixed
/// set: each distinct value is a time series kept for the process' life,
/// and a client may send any token as a method (finding 2 of issue 20).
fn method_label(method: &axum::http::Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        "PATCH" => "PATCH",
        "TRACE" => "TRACE",
        "CONNECT" => "CONNECT",
        _ => "other",
    }
}

/// The one middleware every route has: gives the request an id, refuses
/// `HEAD` on the Companion routes, puts the body and the request on their
/// deadlines, reserves the request's audit slot (a full audit queue is a
/// 503 with `audit_overflow = "refuse"`), then gives the answer the JSON
/// error body and the security headers ([`crate::guard`]), records its
/// metrics and logs it (route pattern, never the raw URI; never a header;
/// the method as its bounded label). One middleware, not one layer each:
/// every layer on the routes costs a boxed clone per request.
pub(crate) async fn observe(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = method_label(request.method());
    let id = new_request_id();
    if let Some(refusal) = crate::guard::refusal(&request) {
        return finish(&state, refusal, &route, method, &id, start).await;
    }
    request.extensions_mut().insert(RequestId(id.clone()));
    let limits = state.settings.limits;
    let request = crate::guard::body_on_deadline(request, limits.body_timeout);
    // The routes that issue URLs get their audit queue slot first: with
    // audit_overflow = "refuse" a full queue is a 503 and nothing issued.
    let slot = if route.starts_with(crate::routes::NATIVE_PREFIX)
        || route.starts_with(crate::routes::COMPANION_PREFIX)
    {
        state.audit.reserve()
    } else {
        Ok(None)
    };
    let response = if let Ok(slot) = slot {
        tokio::time::timeout(
            limits.request_timeout,
            Audit::with_slot(slot, next.run(request)),
        )
        .await
        .unwrap_or_else(|_| crate::guard::timed_out())
    } else {
        let mut refusal = ApiError::unavailable(
            "audit_overflow",
            "the audit log is not keeping up (audit_queue is full) and audit_overflow = \"refuse\": nothing was issued; retry later",
        )
        .into_response();
        // The body was not read: the connection cannot carry another
        // request, and the client must know it.
        refusal
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        refusal
    };
    finish(&state, response, &route, method, &id, start).await
}

/// The answer on its way out ([`crate::guard::finished`]), counted, logged
/// and given its `x-request-id`.
async fn finish(
    state: &AppState,
    response: Response,
    route: &str,
    method: &'static str,
    id: &str,
    start: Instant,
) -> Response {
    let mut response = crate::guard::finished(response).await;
    let status = response.status().as_u16();
    let seconds = start.elapsed().as_secs_f64();
    state.metrics.record(route, method, status, seconds);
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert("x-request-id", value);
    }
    tracing::info!(request_id = %id, route = %route, method = %method, status, latency_ms = seconds * 1000.0, "request");
    response
}
