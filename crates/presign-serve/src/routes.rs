//! Every route's path, named once. The handlers' `#[utoipa::path]`
//! attributes take them, and those attributes give both the router and the
//! OpenAPI document ([`crate::router`]); the audit lines name the route
//! that issued with the same constant; the few routes outside the document
//! (the page, its script, the document itself) are routed with theirs.
//!
//! The paths are OpenAPI templates (`{uploadId}`), which axum 0.8 routes
//! as they are. The upload page (`assets/app.js`) calls the native routes
//! by their literal paths: it is plain JavaScript without a build step.

/// The prefix of the native API's routes (bearer tokens).
pub(crate) const NATIVE_PREFIX: &str = "/v1/";
/// The prefix of the Uppy Companion-compatible routes.
pub(crate) const COMPANION_PREFIX: &str = "/s3/";

/// One presigned URL.
pub(crate) const PRESIGN: &str = "/v1/presign";
/// Many presigned URLs, one per key.
pub(crate) const PRESIGN_BATCH: &str = "/v1/presign/batch";
/// A POST policy.
pub(crate) const POST: &str = "/v1/post";
/// The token's client's policy.
pub(crate) const ME: &str = "/v1/me";
/// Creates a multipart upload and answers its plan.
pub(crate) const MULTIPART: &str = "/v1/multipart";
/// Completes a multipart upload.
pub(crate) const MULTIPART_COMPLETE: &str = "/v1/multipart/complete";
/// Aborts a multipart upload.
pub(crate) const MULTIPART_ABORT: &str = "/v1/multipart/abort";

/// Companion: a POST policy for one file.
pub(crate) const COMPANION_PARAMS: &str = "/s3/params";
/// Companion: starts a multipart upload.
pub(crate) const COMPANION_MULTIPART: &str = "/s3/multipart";
/// Companion: lists (GET) or aborts (DELETE) an upload.
pub(crate) const COMPANION_UPLOAD: &str = "/s3/multipart/{uploadId}";
/// Companion: one part URL.
pub(crate) const COMPANION_PART: &str = "/s3/multipart/{uploadId}/{partNumber}";
/// Companion: many part URLs.
pub(crate) const COMPANION_PARTS: &str = "/s3/multipart/{uploadId}/batch";
/// Companion: completes an upload.
pub(crate) const COMPANION_COMPLETE: &str = "/s3/multipart/{uploadId}/complete";

/// Liveness.
pub(crate) const HEALTHZ: &str = "/healthz";
/// Prometheus text.
pub(crate) const METRICS: &str = "/metrics";
/// The OpenAPI document.
pub(crate) const OPENAPI: &str = "/openapi.json";
/// The upload page.
pub(crate) const PAGE: &str = "/";
/// The upload page's script.
pub(crate) const PAGE_SCRIPT: &str = "/app.js";
