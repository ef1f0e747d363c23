//! `presign.inspect(url)` and `presign.verify(url, ...)`: the core's
//! [`presign::UrlSummary`] (what `presign inspect` shows, computed once in
//! the core) and [`presign::verify`] (with the core's split of malformed
//! and rejected), the credentials of `verify` resolved as the `presign
//! verify` command resolves them.

use std::time::Duration;

use presign::{Method, UrlSummary, VerifyPolicy};
use presign_config::{Environment, Overrides, ResolvedCredentials};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::client::KEY_ARGUMENTS;
use crate::errors::{IntoPyResult, VerifyError, presign_error};
use crate::instant::signing_instant;
use crate::operations::text;
use crate::signing::{self, Signing};

/// What a presigned URL holds, read without credentials (nothing is checked
/// against a secret): a dict with the fields of ``presign inspect --output
/// json`` (``endpoint``, ``host``, ``addressing_style``, ``bucket``,
/// ``key``, ``access_key_id``, ``signature_version`` (``"s3v4"``, or
/// ``"s3"`` for a SigV2 URL), ``algorithm``, ``region``, ``signed_at`` and
/// ``expires_in`` (``None`` for SigV2, which carries neither),
/// ``expires_at``, ``expired``, ``time_left_seconds``, ``signed_headers``,
/// ``session_token`` (whether there is one; it is never shown), ``query``
/// (the other query parameters, decoded)).
///
/// ``now`` (an aware ``datetime``) is the instant the time left is counted
/// from; the clock's by default. Raises ``presign.PresignError`` when
/// ``url`` is not a presigned URL.
///
/// Example::
///
///     >>> info = presign.inspect(url)
///     >>> info["bucket"], info["expired"]
///     ('examplebucket', False)
#[pyfunction]
#[pyo3(signature = (url, *, now=None))]
pub(crate) fn inspect<'py>(
    py: Python<'py>,
    url: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let now = signing_instant(now)?;
    let summary = UrlSummary::read(&text("url", url)?, now)
        .map_err(|error| presign_error(format!("this is not a presigned URL: {error}")))?;
    let info = PyDict::new(py);
    info.set_item("endpoint", summary.endpoint)?;
    info.set_item("host", summary.host)?;
    info.set_item("addressing_style", summary.addressing.as_str())?;
    info.set_item("addressing_style_guessed", summary.addressing_guessed)?;
    info.set_item("bucket", summary.bucket)?;
    info.set_item("key", summary.key)?;
    info.set_item("access_key_id", summary.access_key_id)?;
    info.set_item(
        "signature_version",
        summary.signature_version.botocore_name(),
    )?;
    info.set_item("algorithm", summary.algorithm)?;
    info.set_item("region", summary.region)?;
    info.set_item("service", summary.service)?;
    info.set_item("signed_at", summary.signed_at)?;
    info.set_item("expires_in", summary.expires_in)?;
    info.set_item("expires_at", summary.expires_at)?;
    info.set_item("now", summary.now)?;
    info.set_item("expired", summary.expired)?;
    info.set_item("time_left_seconds", summary.time_left_seconds)?;
    info.set_item("signed_headers", PyList::new(py, summary.signed_headers)?)?;
    info.set_item("session_token", summary.session_token)?;
    info.set_item("query", PyList::new(py, summary.query)?)?;
    Ok(info)
}

/// Checks a presigned URL as a server would: every auth parameter once,
/// scope, expiry and clock skew, the headers it signs, then the signature in
/// constant time.
///
/// The secret comes from ``aws_access_key_id`` and
/// ``aws_secret_access_key``, else ``profile_name`` or ``ibm_credentials``,
/// else the environment and ``~/.aws`` as for ``presign.Client()``.
/// ``method`` is the method the request will use; ``headers`` the headers it
/// will send (a dict); ``now`` an aware ``datetime`` (the clock's by
/// default); ``max_expires_in`` the longest ``X-Amz-Expires`` accepted;
/// ``clock_skew`` how many seconds ahead the signer's clock may be;
/// ``regions`` the scope regions accepted (any when ``None``).
///
/// SigV2 URLs (``AWSAccessKeyId=``, ``signature_version="s3"``) are checked
/// too: expiry (at most ``max_expires_in`` ahead), the headers they sign,
/// the signature.
///
/// Returns a dict (``access_key_id``, ``signature_version``, ``bucket``,
/// ``key``, ``region``, ``signed_at`` (``None`` for SigV2), ``expires_at``,
/// ``signed_headers``) when the URL is valid. Raises ``presign.VerifyError`` (a ``PresignError``) saying why it
/// is rejected, and ``presign.PresignError`` when it is no presigned URL.
///
/// Example::
///
///     >>> presign.verify(url, "GET")["key"]
///     'test.txt'
#[pyfunction]
#[pyo3(signature = (
    url,
    method="GET".to_owned(),
    headers=None,
    *,
    aws_access_key_id=None,
    aws_secret_access_key=None,
    profile_name=None,
    ibm_credentials=None,
    now=None,
    max_expires_in=None,
    clock_skew=900,
    regions=None,
))]
#[pyo3(
    text_signature = "(url, method='GET', headers=None, *, aws_access_key_id=None, \
    aws_secret_access_key=None, profile_name=None, ibm_credentials=None, now=None, \
    max_expires_in=None, clock_skew=900, regions=None)"
)]
// Keyword arguments, each optional; pyo3 extracts them as owned values (a
// `&str` argument needs Python 3.10 under the stable ABI).
#[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
pub(crate) fn verify<'py>(
    py: Python<'py>,
    url: &Bound<'py, PyAny>,
    method: String,
    headers: Option<std::collections::HashMap<String, String>>,
    aws_access_key_id: Option<String>,
    aws_secret_access_key: Option<String>,
    profile_name: Option<String>,
    ibm_credentials: Option<std::path::PathBuf>,
    now: Option<&Bound<'py, PyAny>>,
    max_expires_in: Option<u64>,
    clock_skew: u64,
    regions: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyDict>> {
    let url = text("url", url)?;
    let method: Method = method.parse().or_raise()?;
    let now = signing_instant(now)?;
    let given = ResolvedCredentials::given(
        aws_access_key_id.as_deref(),
        aws_secret_access_key.as_deref(),
        None,
        KEY_ARGUMENTS,
        "the aws_access_key_id and aws_secret_access_key arguments",
    )
    .or_raise()?;
    let overrides = Overrides {
        profile: profile_name,
        ibm_credentials,
        credentials: given,
        ..Overrides::default()
    };
    let env = Environment::from_process();
    let transport = signing::transport(overrides.profile.as_deref(), &env)?;
    let source = presign_config::resolve(&overrides, &env)
        .or_raise()?
        .credentials;
    let credentials = Signing::new(source, transport)?
        .signer()?
        .credentials()
        .clone();
    let lookup = |access_key_id: &str| {
        (access_key_id == credentials.access_key_id()).then(|| credentials.clone())
    };
    let mut policy = VerifyPolicy::default().clock_skew(Duration::from_secs(clock_skew));
    if let Some(max) = max_expires_in {
        policy = policy.max_expires(max);
    }
    if let Some(regions) = regions {
        policy = policy.allowed_regions(regions);
    }
    let headers = headers.unwrap_or_default();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let verified = match presign::verify_any(&url, method, &headers, lookup, now, &policy) {
        Ok(verified) => verified,
        Err(error) if error.is_malformed() => {
            return Err(presign_error(format!(
                "this is not a valid presigned URL: {error}"
            )));
        }
        Err(error) => return Err(VerifyError::new_err(error.to_string())),
    };
    let info = PyDict::new(py);
    info.set_item("access_key_id", verified.access_key_id())?;
    info.set_item(
        "signature_version",
        verified.signature_version().botocore_name(),
    )?;
    info.set_item("bucket", verified.location().bucket())?;
    info.set_item("key", verified.location().key())?;
    info.set_item("region", verified.region())?;
    info.set_item(
        "signed_at",
        verified.signed_at().map(|signed_at| signed_at.to_rfc3339()),
    )?;
    info.set_item("expires_at", presign::rfc3339(verified.expires_at()))?;
    info.set_item(
        "signed_headers",
        PyList::new(py, verified.signed_headers())?,
    )?;
    Ok(info)
}
