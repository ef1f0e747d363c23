//! `presign serve`'s flags.

use std::path::PathBuf;

use clap::Args;

/// `presign serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example config and the routes: see the README, section 'presign serve'. \
    Logs are JSON lines on stderr; the audit log (one JSON line per URL issued) goes to stdout \
    unless audit_log names a file. Token digests for [[clients]]: printf %s \"$TOKEN\" | sha256sum.\n\n\
    Exit codes: 0 stopped by SIGTERM or SIGINT after finishing the requests in flight; 2 a bad \
    config (the message names the file, the key and the reason) or the address cannot be bound."
)]
pub(crate) struct ServeArgs {
    /// The TOML configuration: listen, [storage], [companion], [[clients]].
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,

    /// Listen on this address instead of the config's `listen`
    /// (IP:PORT; port 0 picks a free one, printed in the first log line).
    #[arg(long, value_name = "ADDR")]
    pub(crate) listen: Option<std::net::SocketAddr>,
}
