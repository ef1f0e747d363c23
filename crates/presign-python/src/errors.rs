//! The package's exceptions, and the one conversion of every Rust error into
//! them.
//!
//! `presign.PresignError` (a `ValueError`) carries the message the `presign`
//! command prints for the same input: the core's, the configuration
//! resolver's, or the multipart helpers'. `presign.VerifyError`, a
//! `PresignError`, says why `presign.verify` rejected a URL. Wrong Python
//! types raise `TypeError`. No message holds a secret: the Rust errors never
//! carry one.

use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    presign,
    PresignError,
    PyValueError,
    "Bad input: the message names the parameter and what is allowed (the `presign` command's message)."
);
create_exception!(
    presign,
    VerifyError,
    PresignError,
    "presign.verify rejected the URL: the message says why (expired, signature, scope, ...)."
);

/// A `PresignError` with `message`.
pub(crate) fn presign_error(message: impl Into<String>) -> PyErr {
    PresignError::new_err(message.into())
}

/// A configuration error as a `PresignError`, said the Python way where the
/// resolver names the command's flags.
pub(crate) fn config_error(error: &presign_config::ConfigError) -> PyErr {
    match error {
        // The list of places looked at names the command's flags: say the
        // Python way instead.
        presign_config::ConfigError::NoCredentials { .. } => presign_error(
            "no credentials found: give Client aws_access_key_id= and aws_secret_access_key= \
             (or profile_name=, or ibm_credentials=), or set AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or a default profile in ~/.aws/config or \
             ~/.aws/credentials (keys, a role, SSO, credential_process), or run where a \
             container or instance role answers",
        ),
        presign_config::ConfigError::Endpoint { .. } => {
            presign_error(settings_the_python_way(&error.to_string()))
        }
        other => presign_error(other.to_string()),
    }
}

/// Where the resolver says an endpoint setting came from, named as a
/// `Client` takes it: its `config` sets what the command's flags set.
const SETTING_NAMES: [(&str, &str); 6] = [
    ("from --dualstack", "from config.use_dualstack_endpoint"),
    ("from --fips", "from config.use_fips_endpoint"),
    (
        "from --accelerate",
        "from config.s3[\"use_accelerate_endpoint\"]",
    ),
    (
        "from the use_arn_region given",
        "from config.s3[\"use_arn_region\"]",
    ),
    (
        "from the us_east_1_regional_endpoint given",
        "from config.s3[\"us_east_1_regional_endpoint\"]",
    ),
    (
        "from the s3_disable_express_session_auth given",
        "from config.s3_disable_express_session_auth",
    ),
];

fn settings_the_python_way(message: &str) -> String {
    SETTING_NAMES
        .iter()
        .fold(message.to_owned(), |message, (said, python)| {
            message.replace(said, python)
        })
}

/// Why credentials could not be fetched, as a `PresignError`.
pub(crate) fn credentials_error(error: &presign_credentials::CredentialsError) -> PyErr {
    match error {
        presign_credentials::CredentialsError::Config(error) => config_error(error),
        other => presign_error(other.to_string()),
    }
}

/// A `TypeError` for `what` (e.g. `Params['PartNumber']`), which must be
/// `expected`.
pub(crate) fn type_error(
    what: impl std::fmt::Display,
    expected: &str,
    value: &Bound<'_, PyAny>,
) -> PyErr {
    let got = value
        .get_type()
        .name()
        .map_or_else(|_| "another type".to_owned(), |name| name.to_string());
    PyTypeError::new_err(format!("{what} must be {expected}, not {got}"))
}

/// Rust errors, as the package raises them.
pub(crate) trait IntoPyResult<T> {
    /// The value, or the error as a `PresignError`.
    fn or_raise(self) -> PyResult<T>;
}

impl<T, E: std::fmt::Display> IntoPyResult<T> for Result<T, E> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(|error| presign_error(error.to_string()))
    }
}

/// A signing error of the core as the package raises it: the core's
/// message, with the Python way out where there is one.
pub(crate) fn signing_error(error: &presign::PresignError) -> PyErr {
    match error {
        presign::PresignError::InvalidBucket { bucket, .. }
            if bucket.bytes().any(|b| b.is_ascii_uppercase() || b == b'_') =>
        {
            presign_error(format!(
                "{error}; buckets named under the old rules (upper case, '_') are accepted with \
                 presign.Client(..., allow_legacy_bucket_names=True)"
            ))
        }
        other => presign_error(other.to_string()),
    }
}
