//! `presign serve`: load and check the config, bind, install JSON logs and
//! the signal handlers, and run the service until SIGTERM or SIGINT.

use anyhow::Context;
use presign_config::Environment;
use presign_serve::{Settings, launch};

use crate::cli::ServeArgs;

pub(crate) fn run(args: &ServeArgs, env: &Environment) -> anyhow::Result<()> {
    let mut settings = Settings::load(&args.config, env)?;
    if let Some(listen) = args.listen {
        settings.listen = listen;
    }
    init_json_logs();
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = settings.workers {
        runtime.worker_threads(workers);
    }
    let runtime = runtime
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        launch(settings, listener, shutdown_signal()).await?;
        Ok(())
    });
    // launch has already given requests in flight their shutdown_timeout; a
    // storage call still hanging on the blocking pool must not hold the exit
    // (dropping the runtime would wait for it; issue 20, finding 10).
    runtime.shutdown_timeout(BLOCKING_GRACE);
    served
}

/// How long, after the service stopped, calls still running on the
/// runtime's blocking pool may hold the exit.
const BLOCKING_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// JSON lines on stderr; `PRESIGN_LOG` sets the level (`error`, `warn`,
/// `info`, the default, `debug`).
fn init_json_logs() {
    let level = std::env::var("PRESIGN_LOG")
        .ok()
        .and_then(|text| text.parse::<tracing_subscriber::filter::LevelFilter>().ok())
        .unwrap_or(tracing_subscriber::filter::LevelFilter::INFO);
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Completes on SIGINT (Ctrl-C), SIGTERM or SIGHUP.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    // SIGHUP (the terminal closed, or a supervisor's "reload") stops the
    // service the same way: requests in flight finish. The configuration is
    // read once; a changed one takes a restart.
    #[cfg(unix)]
    let hangup = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    #[cfg(not(unix))]
    let hangup = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!(signal = "SIGINT", "stopping"),
        () = terminate => tracing::info!(signal = "SIGTERM", "stopping"),
        () = hangup => tracing::info!(signal = "SIGHUP", "stopping: the configuration is read at start; restart to load a changed one"),
    }
}
