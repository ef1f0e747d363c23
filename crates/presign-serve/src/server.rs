//! The accept loop: HTTP/1.1 with a deadline for the request headers (a
//! client that trickles them is cut off), the client's address on each
//! request, and a graceful stop: on shutdown the listener closes, requests
//! in flight finish (within `shutdown_timeout`), idle connections close.
//!
//! At most `max_connections` connections are open at once: one more is
//! closed as soon as it is accepted, and one warning is logged per episode
//! (until a connection is accepted again), so an attacker holding
//! connections open cannot run the process out of file descriptors
//! (issue 20, finding 7). Idle connections, new or kept alive, are closed
//! after `header_timeout`: hyper's header timer runs whenever a connection
//! waits for a request head, so held-open connections are reaped and the
//! cap frees up.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The most a connection buffers of a request head: hyper's default is
/// about 400 KB, held until `header_timeout` for a head that never ends, so
/// an anonymous client made the service hold that times `max_connections`
/// (finding 26). A head over this is answered 431 at once. Browsers send a
/// few KB; 64 KiB leaves room for long cookies and URLs (a URL is at most
/// hyper's 64 KiB anyway).
const MAX_REQUEST_HEAD: usize = 64 * 1024;

/// Serves `app` on `listener` until `shutdown` completes; answers when the
/// shutdown must be over (`shutdown_timeout` after it began).
pub(crate) async fn serve(
    app: Router,
    listener: TcpListener,
    header_timeout: Duration,
    shutdown_timeout: Duration,
    max_connections: usize,
    shutdown: impl Future<Output = ()> + Send,
) -> tokio::time::Instant {
    let slots = Arc::new(Semaphore::new(max_connections));
    // An episode at the cap: from the first connection closed for it until
    // one is accepted again. Only the accept loop touches it.
    let mut refused: u64 = 0;
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(MAX_REQUEST_HEAD)
        .keep_alive(true);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Out of file descriptors and the like: wait, then retry.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            drop(stream);
            if refused == 0 {
                tracing::warn!(
                    max_connections,
                    %remote,
                    "max_connections reached: new connections are closed until open ones end"
                );
            }
            refused += 1;
            continue;
        };
        if refused > 0 {
            tracing::info!(
                max_connections,
                closed = refused,
                "below max_connections again"
            );
            refused = 0;
        }
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(remote));
            app.clone().oneshot(request)
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(error) = connection.await {
                tracing::debug!(%error, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    let deadline = tokio::time::Instant::now() + shutdown_timeout;
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections closed"),
        () = tokio::time::sleep_until(deadline) => {
            tracing::warn!(seconds = shutdown_timeout.as_secs(), "shutdown_timeout passed with requests in flight; stopping");
        }
    }
    deadline
}
