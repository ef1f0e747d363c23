//! Bearer tokens: the `Authorization: Bearer TOKEN` of a native API request
//! becomes the [`Client`] whose `token_sha256` matches, or a 401.
//!
//! Only SHA-256 digests of tokens are configured, and the digest of the
//! presented token is compared with every client's in constant time, so
//! neither the file nor the timing tells a token.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::settings::Client;
use crate::state::AppState;

/// The authenticated client of a native API request. A handler that takes
/// it cannot run for a request without a valid token.
#[derive(Debug, Clone)]
pub(crate) struct ClientAuth(pub Arc<Client>);

/// The client whose token digest matches `token`'s, checking every client.
#[must_use]
pub(crate) fn find_client(clients: &[Arc<Client>], token: &str) -> Option<Arc<Client>> {
    let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let mut found = None;
    for client in clients {
        if bool::from(client.token_sha256.ct_eq(&digest)) {
            found = Some(Arc::clone(client));
        }
    }
    found
}

impl FromRequestParts<AppState> for ClientAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::unauthorized(
                "no Authorization header: send 'Authorization: Bearer TOKEN'",
            ));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|text| {
                let (scheme, token) = text.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header is not 'Bearer TOKEN'")
            })?;
        find_client(&state.clients, token)
            .map(ClientAuth)
            .ok_or_else(|| ApiError::unauthorized("the token is not one of a configured client"))
    }
}
