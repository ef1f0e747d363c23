//! The tail every handler that hands out URLs or POST policies shares: once
//! it has signed, one audit line per record and the same count in the
//! metrics ([`AppState::issued`]), every line naming the request's id, who
//! asked, the route, the bucket and the instant it signed as of. A handler
//! says only what it issued (the records); it cannot log without counting,
//! count without logging, or name a route other than its own constant
//! ([`crate::routes`](mod@crate::routes)).

use std::net::SocketAddr;
use std::time::SystemTime;

use axum::http::{HeaderMap, header};

use crate::audit::{AuditRecord, INVALID_ORIGIN, Issuer, Requester, rfc3339};
use crate::input;
use crate::metrics::RequestId;
use crate::settings::Client;
use crate::state::AppState;

/// What the metrics count an issue as (the `kind` label).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// Presigned URLs for whole objects.
    Url,
    /// Presigned URLs for the parts of a multipart upload.
    PartUrl,
    /// POST policies.
    PostPolicy,
}

impl Kind {
    /// The metrics label.
    const fn label(self) -> &'static str {
        match self {
            Self::Url => "url",
            Self::PartUrl => "part_url",
            Self::PostPolicy => "post_policy",
        }
    }
}

/// Who asked for what one request issues, and on which route.
#[derive(Debug)]
pub(crate) struct Issue<'a> {
    state: &'a AppState,
    request_id: &'a str,
    requester: Requester,
    route: &'static str,
    kind: Kind,
}

impl<'a> Issue<'a> {
    /// A native API request of `client`.
    pub(crate) fn by_client(
        state: &'a AppState,
        id: &'a RequestId,
        client: &Client,
        route: &'static str,
        kind: Kind,
    ) -> Self {
        Self::new(
            state,
            id,
            Requester::Client {
                client: client.name.clone(),
            },
            route,
            kind,
        )
    }

    /// A Companion request: who asked is its address, and the `Origin` it
    /// claims (kept only when it is an origin, bounded: anyone may send
    /// any Origin, finding 18).
    pub(crate) fn by_browser(
        state: &'a AppState,
        id: &'a RequestId,
        headers: &HeaderMap,
        remote: Option<SocketAddr>,
        route: &'static str,
        kind: Kind,
    ) -> Self {
        let origin = headers.get(header::ORIGIN).map(|value| {
            value
                .to_str()
                .ok()
                .and_then(input::origin)
                .unwrap_or(INVALID_ORIGIN)
                .to_owned()
        });
        let requester = Requester::Browser {
            origin,
            address: remote.map(|remote| remote.ip().to_string()),
        };
        Self::new(state, id, requester, route, kind)
    }

    fn new(
        state: &'a AppState,
        id: &'a RequestId,
        requester: Requester,
        route: &'static str,
        kind: Kind,
    ) -> Self {
        Self {
            state,
            request_id: &id.0,
            requester,
            route,
            kind,
        }
    }

    /// Writes the audit lines `records` makes for `bucket` (given the
    /// shared part of every line and `expires_at` as text) and counts them;
    /// answers `expires_at` as the answers carry it (RFC 3339, UTC). `now`
    /// is the instant the handler signed as of.
    pub(crate) fn record<'r, R>(
        &'r self,
        bucket: &'r str,
        now: SystemTime,
        expires_at: SystemTime,
        records: impl FnOnce(&Issuer<'r>, &str) -> R,
    ) -> String
    where
        R: AsRef<[AuditRecord<'r>]>,
    {
        let expires_at = rfc3339(expires_at);
        let issuer = Issuer::new(now, self.request_id, &self.requester, self.route, bucket);
        self.state
            .issued(self.kind.label(), records(&issuer, &expires_at).as_ref());
        expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    /// The metrics' `kind` label values (dashboards select on them).
    #[test]
    fn the_kinds_keep_their_labels() {
        let labels = [Kind::Url, Kind::PartUrl, Kind::PostPolicy].map(Kind::label);
        assert_eq!(labels, ["url", "part_url", "post_policy"]);
    }
}
