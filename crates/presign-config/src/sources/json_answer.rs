//! Reading the JSON that a `credential_process`, the container endpoint and
//! the instance metadata service answer with. These answers hold secrets,
//! so nothing here ever quotes them: a problem names the key and what was
//! expected, and a syntax error gives only its line and column (never
//! serde's own text, which may quote the input).

use std::time::SystemTime;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::credentials::{ResolvedCredentials, parse_expiration};

/// What is wrong with a JSON credentials answer. No message holds a value
/// of the answer except a `Version`, an `Expiration` or the service's own
/// `Code` and `Message`, each cut to a few dozen characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum JsonAnswerError {
    /// The answer is not UTF-8.
    #[error("an answer that is not UTF-8 text")]
    NotUtf8,

    /// The answer is not JSON.
    #[error("an answer that is not JSON (syntax error at line {line}, column {column})")]
    NotJson { line: usize, column: usize },

    /// The answer is JSON, but not an object.
    #[error("an answer that is not a JSON object")]
    NotObject,

    /// A required key is missing (botocore: "Missing required key in
    /// response").
    #[error("an answer without the required key `{key}`")]
    MissingKey { key: &'static str },

    /// A key is there, but not a non-empty string.
    #[error("an answer whose `{key}` is not a non-empty string")]
    NotString { key: &'static str },

    /// `Expiration` is not an RFC 3339 timestamp.
    #[error("an answer whose `{key}` is {value:?}, not an RFC 3339 timestamp")]
    BadExpiration { key: &'static str, value: String },

    /// `credential_process` output with a `Version` other than 1.
    #[error(
        "an answer with unsupported version '{found}' for credential process provider, \
         supported versions: 1"
    )]
    UnsupportedVersion { found: String },

    /// The instance metadata service answered with an error `Code`.
    #[error("an answer with Code {code:?} instead of \"Success\" (message: {message:?})")]
    ErrorCode { code: String, message: String },
}

/// At most this many characters of a value are quoted in a message.
const QUOTED_CHARS: usize = 60;

/// `text` cut to [`QUOTED_CHARS`] characters, for messages.
pub(crate) fn cut(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// The answer as a JSON object.
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, JsonAnswerError> {
    let text = std::str::from_utf8(body).map_err(|_| JsonAnswerError::NotUtf8)?;
    let value: Value = serde_json::from_str(text).map_err(|error| JsonAnswerError::NotJson {
        line: error.line(),
        column: error.column(),
    })?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(JsonAnswerError::NotObject),
    }
}

/// A key that must be a non-empty string.
pub(crate) fn required<'a>(
    map: &'a Map<String, Value>,
    key: &'static str,
) -> Result<&'a str, JsonAnswerError> {
    optional(map, key)?.ok_or(JsonAnswerError::MissingKey { key })
}

/// A key that may be missing or `null`, else a non-empty string.
pub(crate) fn optional<'a>(
    map: &'a Map<String, Value>,
    key: &'static str,
) -> Result<Option<&'a str>, JsonAnswerError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if !text.is_empty() => Ok(Some(text)),
        Some(_) => Err(JsonAnswerError::NotString { key }),
    }
}

/// An `Expiration` key, parsed.
pub(crate) fn expiration(
    map: &Map<String, Value>,
    key: &'static str,
    required_key: bool,
) -> Result<Option<SystemTime>, JsonAnswerError> {
    let text = if required_key {
        Some(required(map, key)?)
    } else {
        optional(map, key)?
    };
    text.map(|text| {
        parse_expiration(text).ok_or_else(|| JsonAnswerError::BadExpiration {
            key,
            value: cut(text),
        })
    })
    .transpose()
}

/// The three keys of temporary credentials, under the answer's names.
pub(crate) struct KeyNames {
    pub(crate) token: &'static str,
    pub(crate) token_required: bool,
    pub(crate) expiration_required: bool,
}

/// `AccessKeyId`, `SecretAccessKey`, the token and `Expiration` of an
/// answer.
pub(crate) fn credentials(
    map: &Map<String, Value>,
    names: &KeyNames,
    source: String,
) -> Result<ResolvedCredentials, JsonAnswerError> {
    let access_key_id = required(map, "AccessKeyId")?.to_owned();
    let secret_access_key = Zeroizing::new(required(map, "SecretAccessKey")?.to_owned());
    let session_token = if names.token_required {
        Some(required(map, names.token)?)
    } else {
        optional(map, names.token)?
    }
    .map(|token| Zeroizing::new(token.to_owned()));
    let expires_at = expiration(map, "Expiration", names.expiration_required)?;
    Ok(ResolvedCredentials {
        access_key_id,
        secret_access_key,
        session_token,
        expires_at,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_give_line_and_column_only() {
        let error = parse_object(b"{\"AccessKeyId\": \"AKID\",\n \"SecretAccessKey\": sekrit}")
            .unwrap_err();
        assert_eq!(
            error,
            JsonAnswerError::NotJson {
                line: 2,
                column: 21
            }
        );
        assert!(!error.to_string().contains("sekrit"));
    }

    #[test]
    fn non_objects_and_non_utf8_are_refused() {
        assert_eq!(
            parse_object(b"[1]").unwrap_err(),
            JsonAnswerError::NotObject
        );
        assert_eq!(
            parse_object(b"\xff{}").unwrap_err(),
            JsonAnswerError::NotUtf8
        );
    }

    #[test]
    fn a_key_of_another_type_is_named_without_its_value() {
        let map = parse_object(br#"{"AccessKeyId": 12345}"#).unwrap();
        let error = required(&map, "AccessKeyId").unwrap_err();
        assert_eq!(error, JsonAnswerError::NotString { key: "AccessKeyId" });
        assert!(!error.to_string().contains("12345"));
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(200);
        assert_eq!(cut(&long).len(), QUOTED_CHARS + 3);
        assert_eq!(cut("short"), "short");
    }
}
