//! Reading the JSON that a `credential_process`, the container endpoint, the
//! instance metadata service and the SSO portal and OIDC answer with, and the
//! JSON files of the SSO token cache and the AWS CLI's credentials cache.
//! These hold secrets, so nothing here ever quotes them: a problem names the
//! key and what was expected, and a syntax error gives only its line and
//! column (never serde's own text, which may quote the input).

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

    /// A key is there, but not a whole number.
    #[error("an answer whose `{key}` is not a whole number")]
    NotNumber { key: &'static str },

    /// The instance metadata service answered with an error `Code`.
    #[error("an answer with Code {code:?} instead of \"Success\" (message: {message:?})")]
    ErrorCode { code: String, message: String },
}

/// At most this many characters of a value are quoted in a message.
const QUOTED_CHARS: usize = 60;

/// `text` cut to [`QUOTED_CHARS`] characters, for messages.
pub(crate) fn cut(text: &str) -> String {
    shorten(text, QUOTED_CHARS)
}

/// `text` cut to `limit` characters and `…`, for messages and log lines
/// that quote what a service sent.
///
/// # Example
/// ```
/// use presign_config::sources::shorten;
///
/// assert_eq!(shorten("AccessDenied", 6), "Access…");
/// assert_eq!(shorten("AccessDenied", 12), "AccessDenied");
/// ```
#[must_use]
pub fn shorten(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
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

/// A key that must be a non-negative whole number.
pub(crate) fn whole_number(
    map: &Map<String, Value>,
    key: &'static str,
) -> Result<u64, JsonAnswerError> {
    match map.get(key) {
        None | Some(Value::Null) => Err(JsonAnswerError::MissingKey { key }),
        Some(value) => value.as_u64().ok_or(JsonAnswerError::NotNumber { key }),
    }
}

/// A key that must be a JSON object.
pub(crate) fn object<'a>(
    map: &'a Map<String, Value>,
    key: &'static str,
) -> Result<&'a Map<String, Value>, JsonAnswerError> {
    match map.get(key) {
        None | Some(Value::Null) => Err(JsonAnswerError::MissingKey { key }),
        Some(Value::Object(inner)) => Ok(inner),
        Some(_) => Err(JsonAnswerError::NotObject),
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

/// The names of the container endpoint's and the instance metadata
/// service's answers: `Token` and `Expiration`, both required.
pub(crate) const METADATA_KEYS: KeyNames = KeyNames {
    token: "Token",
    token_required: true,
    expiration_required: true,
};

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

/// What is wrong with a JSON file another program wrote (the SSO token
/// cache, the AWS CLI's credentials cache): names the key and what was
/// expected, never a value. The message reads after the file's name, e.g.
/// `has no \`expiresAt\` (a string)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileFormatError(String);

impl FileFormatError {
    pub(crate) fn new(problem: impl Into<String>) -> Self {
        Self(problem.into())
    }
}

/// A file's text as a JSON object.
pub(crate) fn file_object(text: &str) -> Result<Map<String, Value>, FileFormatError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(FileFormatError::new("is JSON but not an object")),
        Err(error) => Err(FileFormatError::new(format!(
            "is not valid JSON (syntax error at line {}, column {})",
            error.line(),
            error.column()
        ))),
    }
}

/// A key of a file's object that must be a string; `shown` prefixes the
/// key in the message (e.g. `Credentials.`).
pub(crate) fn file_string(
    object: &Map<String, Value>,
    key: &str,
    shown: &str,
) -> Result<String, FileFormatError> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| FileFormatError::new(format!("has no `{shown}{key}` (a string)")))
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
    fn numbers_and_objects_are_checked() {
        let map = parse_object(br#"{"n": 5, "f": 1.5, "o": {"k": "v"}, "s": "x"}"#).unwrap();
        assert_eq!(whole_number(&map, "n"), Ok(5));
        assert_eq!(
            whole_number(&map, "f"),
            Err(JsonAnswerError::NotNumber { key: "f" })
        );
        assert_eq!(
            whole_number(&map, "gone"),
            Err(JsonAnswerError::MissingKey { key: "gone" })
        );
        assert!(object(&map, "o").is_ok());
        assert_eq!(object(&map, "s"), Err(JsonAnswerError::NotObject));
    }

    #[test]
    fn file_problems_name_the_key_and_position_only() {
        let error = file_object("{\"accessToken\": \"secret-token\",").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("is not valid JSON (syntax error at line 1")
        );
        assert!(!error.to_string().contains("secret-token"));
        let map = file_object(r#"{"a": 1}"#).unwrap();
        assert_eq!(
            file_string(&map, "a", "Credentials.")
                .unwrap_err()
                .to_string(),
            "has no `Credentials.a` (a string)"
        );
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(200);
        assert_eq!(cut(&long).chars().count(), QUOTED_CHARS + 1);
        assert_eq!(cut("short"), "short");
    }
}
