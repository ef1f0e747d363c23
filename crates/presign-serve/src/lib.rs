//! `presign serve`: an HTTP service that holds storage credentials and hands
//! presigned URLs and POST policies to browsers and apps, which then upload
//! and download straight to the bucket.
//!
//! - The native API (`/v1/...`): JSON, bearer tokens (only their SHA-256 is
//!   configured), every request checked against the client's policy
//!   (bucket, key prefix, method, expiry, content type, size) before
//!   anything is signed.
//! - Uppy Companion-compatible routes (`/s3/...`), as `@uppy/aws-s3` 6.x
//!   speaks them with `companionEndpoint`.
//! - `/healthz`, `/metrics` (Prometheus), `/openapi.json` (generated from
//!   the handlers), an upload page at `/`, an audit log line per URL issued.
//!
//! The service keeps no state between requests (multipart state lives in
//! the storage service), so copies with the same configuration and
//! credentials can run behind any load balancer.
//!
//! [`launch`] is the seam: the binary binds the listener and passes a
//! signal future; a test binds `127.0.0.1:0` and passes a channel.
//!
//! Where things are: `settings` reads and checks the configuration file;
//! `handlers/` holds the routes (one module per area, the issue-a-URL tail
//! and the multipart steps both APIs share), `routes` names every path once
//! (router, OpenAPI document and audit lines); every value a request carries
//! is checked by `input` (with `content_type`, `quantity`, `upload_id`),
//! the client's limits by `policy` after `auth`; `signing` and `state` hold
//! the refreshed credentials and sign through the core; `storage` sends the
//! multipart calls to the bucket; `server` is the accept loop, `guard` what
//! every request and answer goes through (deadlines, `HEAD`, security
//! headers), `error` the one JSON error answer, `template` the Companion key
//! template; `audit` and `metrics` are the service's own bookkeeping.
//!
//! ```no_run
//! use presign_serve::{launch, Settings};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let env = presign_config::Environment::from_process();
//! let settings = Settings::load("presign-serve.toml".as_ref(), &env)?;
//! let listener = tokio::net::TcpListener::bind(settings.listen).await?;
//! launch(settings, listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod audit;
mod auth;
mod content_type;
mod error;
mod guard;
mod handlers;
mod input;
mod metrics;
mod policy;
mod quantity;
mod routes;
mod server;
mod settings;
mod signing;
mod state;
mod storage;
mod upload_id;

mod template;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use content_type::ContentTypes;
pub use error::{ApiError, ErrorBody};
pub use settings::{
    AuditLog, Client, Companion, DEFAULT_COMPANION_EXPIRES_IN, DEFAULT_LISTEN,
    DEFAULT_MAX_EXPIRES_IN, Limits, Settings, SettingsError, Storage,
};
pub use settings::{AuditOverflow, DEFAULT_AUDIT_QUEUE, DEFAULT_STORAGE_CALLS, FD_RESERVE};
pub use state::AppState;
pub use template::KeyTemplate;
pub use upload_id::UploadIds;

#[derive(OpenApi)]
#[openapi(
    info(title = "presign serve", description = "Presigned URLs and POST policies for browsers and apps, with per-client policies; Uppy Companion-compatible S3 routes."),
    modifiers(&BearerScheme),
    components(schemas(ErrorBody)),
)]
struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The audit log file could not be opened.
    #[error("{}: audit_log: cannot open {path}: {source}", config.display())]
    AuditLog {
        /// The configuration file that names it.
        config: std::path::PathBuf,
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP agent for the storage calls, or the signer, could not be
    /// built.
    #[error("storage: {0}")]
    Http(String),
    /// The first storage credentials could not be had (an STS or SSO
    /// refusal, a process that failed, no credentials at all).
    #[error("storage credentials: {0}")]
    Credentials(String),
}

/// The routes and the OpenAPI document that describes them.
pub fn router(state: AppState) -> Router {
    let limits = state.settings.limits;
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(handlers::native::presign_url))
        .routes(routes!(handlers::native::presign_batch))
        .routes(routes!(handlers::native::post_policy))
        .routes(routes!(handlers::native::me))
        .routes(routes!(handlers::multipart::create))
        .routes(routes!(handlers::multipart::complete))
        .routes(routes!(handlers::multipart::abort))
        .routes(routes!(handlers::ops::healthz))
        .routes(routes!(handlers::ops::metrics))
        .merge(companion_routes(&state))
        .split_for_parts();
    let openapi_json = openapi.to_pretty_json().unwrap_or_default();
    let csp = handlers::page::content_security_policy(&state.settings);
    let script_csp = csp.clone();
    api.route(
        routes::OPENAPI,
        get(move || async move { ([(header::CONTENT_TYPE, "application/json")], openapi_json) }),
    )
    .route(
        routes::PAGE,
        get(move || async move { handlers::page::index(csp) }),
    )
    .fallback(|| async {
        guard::secured(
            ApiError::new(
                StatusCode::NOT_FOUND,
                Some("route"),
                "no such route: see /openapi.json",
            )
            .into_response(),
        )
    })
    .route(
        routes::PAGE_SCRIPT,
        get(move || async move { handlers::page::script(script_csp) }),
    )
    .route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        metrics::observe,
    ))
    .with_state(state)
    .layer(DefaultBodyLimit::max(limits.max_body_bytes))
}

fn companion_routes(state: &AppState) -> OpenApiRouter<AppState> {
    let Some(companion) = &state.settings.companion else {
        return OpenApiRouter::new();
    };
    let origins = if companion.cors_origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            companion
                .cors_origins
                .iter()
                .filter_map(|origin| origin.parse().ok()),
        )
    };
    let cors = CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::AUTHORIZATION,
            HeaderName::from_static("uppy-versions"),
        ])
        .max_age(std::time::Duration::from_secs(600));
    OpenApiRouter::new()
        .routes(routes!(handlers::companion::params))
        .routes(routes!(handlers::companion::create))
        .routes(routes!(handlers::companion::sign_part))
        .routes(routes!(handlers::companion::sign_parts))
        .routes(routes!(
            handlers::companion::list_parts,
            handlers::companion::abort
        ))
        .routes(routes!(handlers::companion::complete))
        .layer(cors)
}

/// Serves the service on `listener` until `shutdown` completes, then lets
/// requests in flight finish (within `shutdown_timeout`).
///
/// # Errors
/// [`LaunchError`] when the audit log cannot be opened, or the HTTP agent
/// for the storage calls or the signer cannot be built (as
/// [`AppState::new`]).
pub async fn launch(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), LaunchError> {
    let limits = settings.limits;
    let open_files = raise_open_file_limit();
    let max_connections = settings.max_connections.unwrap_or_else(|| {
        open_files.map_or(1024, |limit| {
            limit
                .saturating_sub(settings::FD_RESERVE + settings.storage.max_concurrent_calls)
                .max(16)
        })
    });
    let state = AppState::new(settings)?;
    if let Ok(address) = listener.local_addr() {
        tracing::info!(%address, clients = state.clients.len(), companion = state.settings.companion.is_some(), max_connections, open_files, "presign serve listening");
    }
    let audit = std::sync::Arc::clone(&state.audit);
    let deadline = server::serve(
        router(state),
        listener,
        limits.header_timeout,
        limits.shutdown_timeout,
        max_connections,
        shutdown,
    )
    .await;
    // The audit lines still queued, within the same shutdown_timeout.
    audit.close(deadline).await;
    Ok(())
}

/// Raises the soft limit on open files to the hard limit (each connection
/// is a file descriptor; the usual soft limit, 1024, is an easy target);
/// answers the soft limit now in force, `None` when it cannot be read
/// or is unlimited.
fn raise_open_file_limit() -> Option<usize> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        let mut soft = limit.current;
        if limit.current < limit.maximum || (limit.maximum.is_none() && limit.current.is_some()) {
            // An unlimited hard limit: ask for a large finite one (the
            // kernel refuses more than fs.nr_open).
            let wanted = limit.maximum.unwrap_or(1 << 20);
            let raised = Rlimit {
                current: Some(wanted),
                maximum: limit.maximum,
            };
            match setrlimit(Resource::Nofile, raised) {
                Ok(()) => soft = Some(wanted),
                Err(error) => {
                    tracing::warn!(%error, "cannot raise the open-file limit to its hard limit");
                }
            }
        }
        soft.and_then(|soft| usize::try_from(soft).ok())
    }
    #[cfg(not(unix))]
    {
        None
    }
}
