//! The upload page at `/`: HTML and plain JavaScript compiled into the
//! binary (no CDN, no build step). It uploads through the native API with a
//! token the user types in.

use axum::http::header;
use axum::response::{Html, IntoResponse};

/// The page.
pub(crate) async fn index() -> Html<&'static str> {
    Html(include_str!("../../assets/index.html"))
}

/// Its script.
pub(crate) async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../assets/app.js"),
    )
}
