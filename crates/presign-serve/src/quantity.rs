//! Sizes and durations as a number or a string with a unit (`"16MiB"`,
//! `"10m"`), in the configuration and in the native API's `expires_in`,
//! read by the core's one parser of each (`presign::units`) so the service
//! means by `"10m"` what the command and batch JSON lines mean.

use std::fmt;

use axum::extract::rejection::JsonDataError;
use serde::de::{self, Deserializer, Unexpected, Visitor};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{RefOr, SchemaFormat};

use crate::error::ApiError;

/// A configuration value as written: a whole number, or a string with a
/// unit. Which unit it is in (bytes, seconds) is the reader's to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Quantity {
    /// `max_size = 8388608`, `expires_in = 600`.
    Number(u64),
    /// `max_size = "8MiB"`, `expires_in = "10m"`.
    Text(String),
}

impl Quantity {
    /// Bytes: the number, or the text through [`presign::units::parse_size`].
    pub(crate) fn bytes(&self) -> Result<u64, String> {
        match self {
            Self::Number(bytes) => Ok(*bytes),
            Self::Text(text) => presign::units::parse_size(text),
        }
    }

    /// Seconds: the number, or the text through
    /// [`presign::units::parse_duration`].
    pub(crate) fn seconds(&self) -> Result<u64, String> {
        match self {
            Self::Number(seconds) => Ok(*seconds),
            Self::Text(text) => presign::units::parse_duration(text),
        }
    }
}

struct QuantityVisitor;

impl Visitor<'_> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(
            "a whole number, or a string with a unit such as \"16MiB\" (sizes) or \"10m\" (durations)",
        )
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Quantity, E> {
        Ok(Quantity::Number(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Quantity, E> {
        u64::try_from(value)
            .map(Quantity::Number)
            .map_err(|_| E::invalid_value(Unexpected::Signed(value), &self))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Quantity, E> {
        Ok(Quantity::Text(value.to_owned()))
    }
}

impl<'de> serde::Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor)
    }
}

/// The field name whose bad value [`refusal`] answers 400.
const EXPIRES_IN: &str = "expires_in";

struct SecondsVisitor;

impl Visitor<'_> for SecondsVisitor {
    type Value = Option<u64>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(
            "whole seconds, or a string with unit s, m, h or d (90, \"15m\", \"12h\", \"7d\")",
        )
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        u64::try_from(value)
            .map(Some)
            .map_err(|_| E::invalid_value(Unexpected::Signed(value), &self))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        presign::units::parse_duration(value)
            .map(Some)
            .map_err(E::custom)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// `expires_in` in a request body: whole seconds, a duration string
/// (`"10m"`), or null/absent. Use with `#[serde(default, deserialize_with)]`.
pub(crate) fn expires_in<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    deserializer.deserialize_any(SecondsVisitor)
}

/// The OpenAPI schema of such an `expires_in`: an integer or a string.
pub(crate) fn expires_in_schema() -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Int64,
                )))
                .minimum(Some(1)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[0-9]+[smhd]?$"))
                .examples(["10m"]),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        // utoipa drops the field's doc comment for a `schema_with` field.
        .description(Some(
            "Seconds: a whole number (600) or a string with unit s, m, h or d (\"10m\"), \
             read as the presign command reads --expires-in; default the smaller of 3600 and \
             the client's max_expires_in.",
        ))
        .into()
}

/// A body whose `expires_in` is not a duration: 400 naming the field (and
/// what is allowed), rather than the 422 of other shape errors, since the
/// value is well-formed JSON that the service does not accept.
pub(crate) fn refusal(rejection: &JsonDataError) -> Option<ApiError> {
    let mut source = std::error::Error::source(rejection);
    while let Some(error) = source {
        if let Some(error) = error.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            let path = error.path();
            let last = path.iter().next_back()?;
            if !matches!(last, serde_path_to_error::Segment::Map { key } if key == EXPIRES_IN) {
                return None;
            }
            // The inner message without serde_json's " at line 1 column N".
            let inner = error.inner().to_string();
            let message = inner
                .rsplit_once(" at line ")
                .map_or(inner.as_str(), |(message, _)| message);
            return Some(ApiError::bad_request(
                EXPIRES_IN,
                format!("{path}: {message}"),
            ));
        }
        source = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::Quantity;

    #[test]
    fn numbers_and_unit_strings() {
        let size: Quantity = serde_json::from_str("\"8MiB\"").unwrap_or(Quantity::Number(0));
        assert_eq!(size.bytes(), Ok(8 << 20));
        let seconds: Quantity = serde_json::from_str("600").unwrap_or(Quantity::Number(0));
        assert_eq!(seconds.seconds(), Ok(600));
        assert!(serde_json::from_str::<Quantity>("-1").is_err());
        assert!(Quantity::Text("10 m".into()).seconds().is_err());
    }
}
