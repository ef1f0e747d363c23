//! The HTTP agent of every request presign sends, built by `presign-http`
//! from `--ca-bundle`, `--no-verify-ssl`, the environment and the profile.

use presign_config::{Environment, TransportOverrides, resolve_transport};
use presign_http::Http;

use crate::cli::TlsArgs;

/// The agent for `tls` and the profile (`--profile`, else `AWS_PROFILE`,
/// else `default`); its warnings (`--no-verify-ssl`) go to stderr.
pub(crate) fn client(
    tls: &TlsArgs,
    profile: Option<&str>,
    env: &Environment,
) -> anyhow::Result<Http> {
    let overrides = TransportOverrides {
        profile: profile.map(str::to_owned),
        ca_bundle: tls.ca_bundle.clone(),
        no_verify_ssl: tls.no_verify_ssl,
    };
    let http = Http::new(&resolve_transport(&overrides, env)?)?;
    for warning in http.warnings() {
        eprintln!("presign: {warning}");
    }
    Ok(http)
}
