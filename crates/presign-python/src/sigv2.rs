//! SigV2 for the Python `Client` (`signature_version="s3"`, boto3's
//! `Config(signature_version="s3")`): which version a client signs with, and
//! `presign_many` key by key with [`presign::presign_v2`].

use std::time::SystemTime;

use presign::{Credentials, PresignRequest};
use presign_config::{SignatureVersion, Sourced};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::errors::{presign_error, signing_error};
use crate::operations::text;

/// The client's signature version: the `signature_version` argument, else
/// `config.signature_version`, else the profile's `s3.signature_version`,
/// else SigV4. `v4` is botocore's other name for `s3v4`.
pub(crate) fn choose(
    argument: Option<&str>,
    from_config: Option<&str>,
    from_profile: Option<&Sourced<SignatureVersion>>,
) -> PyResult<SignatureVersion> {
    let given = argument
        .map(|text| ("signature_version", text))
        .or_else(|| from_config.map(|text| ("config.signature_version", text)));
    match given {
        Some((_, "v4")) => Ok(SignatureVersion::S3v4),
        Some((name, text)) => text.parse().map_err(|_| {
            presign_error(format!(
                "{name} is {text:?}: use {}",
                presign_config::SIGNATURE_VERSIONS
            ))
        }),
        None => Ok(from_profile.map_or_else(SignatureVersion::default, |found| found.value)),
    }
}

/// A SigV2 URL for `request`.
pub(crate) fn sign(
    request: &PresignRequest,
    credentials: &Credentials,
    now: SystemTime,
) -> PyResult<String> {
    presign::presign_v2(request, credentials, now)
        .map(|presigned| presigned.url().to_owned())
        .map_err(|error| signing_error(&error))
}

/// `presign_many` with SigV2: one key after another, `Keys[i]` named in any
/// error, no list returned then.
pub(crate) fn sign_many<'py>(
    py: Python<'py>,
    template: &PresignRequest,
    credentials: &Credentials,
    now: SystemTime,
    keys: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let urls = PyList::empty(py);
    for (index, key) in keys.try_iter()?.enumerate() {
        let key = text(format_args!("Keys[{index}]"), &key?)?;
        let request = template.clone().with_key(key);
        let url = presign::presign_v2(&request, credentials, now)
            .map_err(|error| presign_error(format!("Keys[{index}]: {error}")))?;
        urls.append(url.url())?;
    }
    Ok(urls)
}
