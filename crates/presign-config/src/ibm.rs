//! IBM Cloud Object Storage service-credentials JSON: the `cos_hmac_keys`
//! object holds the HMAC access key id and secret that SigV4 needs.

use std::path::Path;

use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use crate::credentials::ResolvedCredentials;
use crate::error::ConfigError;

/// Reads `cos_hmac_keys` from an IBM COS service-credentials JSON file.
pub(crate) fn ibm_credentials(path: &Path) -> Result<ResolvedCredentials, ConfigError> {
    let text =
        Zeroizing::new(
            std::fs::read_to_string(path).map_err(|cause| ConfigError::IbmRead {
                path: path.to_owned(),
                cause,
            })?,
        );
    let json = serde_json::from_str::<Value>(&text).map_err(|error| ConfigError::IbmNotJson {
        path: path.to_owned(),
        line: error.line(),
        column: error.column(),
    })?;
    let mut json = ScrubOnDrop(json);
    let Some(root) = json.0.as_object_mut() else {
        return Err(ConfigError::IbmNotObject {
            path: path.to_owned(),
        });
    };
    let Some(keys) = root.get_mut("cos_hmac_keys").and_then(Value::as_object_mut) else {
        return Err(ConfigError::IbmNoHmacKeys {
            path: path.to_owned(),
        });
    };
    let mut take = |key: &str, field: &'static str| {
        take_json_string(keys, key).ok_or_else(|| ConfigError::IbmMissingField {
            path: path.to_owned(),
            field,
        })
    };
    let access_key_id = take("access_key_id", "cos_hmac_keys.access_key_id")?;
    let secret_access_key = take("secret_access_key", "cos_hmac_keys.secret_access_key")?;
    Ok(ResolvedCredentials {
        access_key_id: access_key_id.to_string(),
        secret_access_key,
        session_token: None,
        expires_at: None,
        source: format!("IBM COS credentials file {}", path.display()),
    })
}

/// Moves a non-empty string out of a JSON object.
fn take_json_string(
    object: &mut serde_json::Map<String, Value>,
    key: &str,
) -> Option<Zeroizing<String>> {
    match object.get_mut(key)? {
        Value::String(text) if !text.trim().is_empty() => {
            Some(Zeroizing::new(std::mem::take(text)))
        }
        _ => None,
    }
}

/// A parsed JSON document whose strings (API keys, HMAC secrets) are zeroed
/// when it is dropped.
struct ScrubOnDrop(Value);

impl Drop for ScrubOnDrop {
    fn drop(&mut self) {
        fn scrub(value: &mut Value) {
            match value {
                Value::String(text) => text.zeroize(),
                Value::Array(items) => items.iter_mut().for_each(scrub),
                Value::Object(object) => object.values_mut().for_each(scrub),
                Value::Null | Value::Bool(_) | Value::Number(_) => {}
            }
        }
        scrub(&mut self.0);
    }
}
