//! Why the agent could not be built.

use std::path::PathBuf;

/// Why [`crate::Http::new`] failed. Messages name the file or variable and
/// never a proxy password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum HttpError {
    /// The CA bundle cannot be read.
    #[error("cannot read the CA bundle {path} (from {source_name}): {cause}")]
    CaBundleRead {
        path: PathBuf,
        source_name: String,
        cause: std::io::Error,
    },

    /// The CA bundle holds no PEM certificate.
    #[error(
        "the CA bundle {path} (from {source_name}) holds no PEM certificate: expected one or more \
         '-----BEGIN CERTIFICATE-----' blocks"
    )]
    CaBundleEmpty { path: PathBuf, source_name: String },

    /// A proxy variable is not a proxy URL.
    #[error(
        "{variable} is not a proxy URL ({url}): expected http://HOST:PORT, https://HOST:PORT or \
         socks5://HOST:PORT"
    )]
    BadProxy { variable: String, url: String },
}
