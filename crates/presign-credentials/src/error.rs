//! Why credentials could not be fetched. No message holds a secret, a token
//! or an answer's body beyond the service's own error code and message.

use presign_config::ConfigError;

/// Why credentials could not be fetched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum CredentialsError {
    /// The chain could not be planned.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The HTTP agent could not be built (CA bundle, proxy).
    #[error("cannot set up HTTPS to fetch credentials: {message}")]
    Transport { message: String },

    /// A source presign does not fetch yet.
    #[error(
        "{origin} is a credential source presign does not fetch yet; export temporary credentials first, e.g. eval \"$(aws configure export-credentials --format env)\""
    )]
    NotYet { origin: String },

    /// No credentials are valid now: the last ones expired and a refresh
    /// failed.
    #[error(
        "the credentials from {origin} expired at {expired_at} and could not be refreshed: {cause}"
    )]
    ExpiredNotRefreshed {
        origin: String,
        expired_at: String,
        cause: Box<CredentialsError>,
    },
}
