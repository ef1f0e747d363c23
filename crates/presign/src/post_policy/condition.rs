//! [`Condition`]: one entry of a POST policy's `conditions` list.
//!
//! S3 knows three shapes: an object `{"field": "value"}` (an exact match,
//! botocore's "dict" form), a list `["eq" | "starts-with", "$field", "value"]`,
//! and `["content-length-range", min, max]`. They are different bytes in the
//! signed policy even where they mean the same, so each is its own variant,
//! and [`Condition::Raw`] writes any other JSON exactly as given (boto3's
//! `Conditions` accepts any list or dict).

use super::value::PolicyValue;

/// A condition of a POST policy.
///
/// # Example
/// ```
/// use presign::{Condition, PolicyValue};
///
/// assert_eq!(Condition::exact("acl", "public-read").to_json(), r#"{"acl": "public-read"}"#);
/// assert_eq!(Condition::starts_with("key", "uploads/").to_json(), r#"["starts-with", "$key", "uploads/"]"#);
/// assert_eq!(Condition::content_length_range(1, 10).to_json(), r#"["content-length-range", 1, 10]"#);
/// // boto3's Conditions, as given:
/// let raw = Condition::from_value(PolicyValue::Array(vec!["eq".into(), "$acl".into(), "private".into()]));
/// assert_eq!(raw, Condition::eq("acl", "private"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Condition {
    /// `{"field": "value"}`: the form field must be exactly `value`.
    Exact {
        /// The form field name (`bucket` is the bucket of the request).
        field: String,
        /// The value it must have.
        value: String,
    },
    /// `["eq", "$field", "value"]`: the same rule as [`Condition::Exact`],
    /// written as a list.
    Eq {
        /// The form field name, without the `$`.
        field: String,
        /// The value it must have.
        value: String,
    },
    /// `["starts-with", "$field", "prefix"]`: the form field must start with
    /// `prefix` (an empty prefix allows any value).
    StartsWith {
        /// The form field name, without the `$`.
        field: String,
        /// The prefix.
        prefix: String,
    },
    /// `["content-length-range", min, max]`: the file's size in bytes must
    /// be within `min..=max`.
    ContentLengthRange {
        /// The smallest size allowed.
        min: u64,
        /// The largest size allowed.
        max: u64,
    },
    /// Any other JSON value, written as given.
    Raw(PolicyValue),
}

impl Condition {
    /// `{"field": "value"}`.
    #[must_use]
    pub fn exact(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::Exact {
            field: field.into(),
            value: value.into(),
        }
    }

    /// `["eq", "$field", "value"]`.
    #[must_use]
    pub fn eq(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::Eq {
            field: field.into(),
            value: value.into(),
        }
    }

    /// `["starts-with", "$field", "prefix"]`.
    #[must_use]
    pub fn starts_with(field: impl Into<String>, prefix: impl Into<String>) -> Self {
        Self::StartsWith {
            field: field.into(),
            prefix: prefix.into(),
        }
    }

    /// `["content-length-range", min, max]`, sizes in bytes.
    #[must_use]
    pub fn content_length_range(min: u64, max: u64) -> Self {
        Self::ContentLengthRange { min, max }
    }

    /// The condition a JSON value expresses: one of the typed variants when
    /// it has one of their exact shapes (so it writes back to the same
    /// bytes), else [`Condition::Raw`].
    #[must_use]
    pub fn from_value(value: PolicyValue) -> Self {
        match &value {
            PolicyValue::Object(members) => {
                if let [(field, PolicyValue::String(text))] = members.as_slice() {
                    return Self::exact(field.clone(), text.clone());
                }
            }
            PolicyValue::Array(items) => match items.as_slice() {
                [
                    PolicyValue::String(op),
                    PolicyValue::String(field),
                    PolicyValue::String(text),
                ] if field.starts_with('$') => {
                    let field = field[1..].to_owned();
                    match op.as_str() {
                        "eq" => return Self::eq(field, text.clone()),
                        "starts-with" => return Self::starts_with(field, text.clone()),
                        _ => {}
                    }
                }
                [PolicyValue::String(op), min, max] if op == "content-length-range" => {
                    if let (Some(min), Some(max)) = (min.as_u64(), max.as_u64()) {
                        return Self::content_length_range(min, max);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        Self::Raw(value)
    }

    /// The JSON value of this condition.
    #[must_use]
    pub fn to_value(&self) -> PolicyValue {
        let list = |op: &str, field: &str, text: &str| {
            PolicyValue::Array(vec![op.into(), format!("${field}").into(), text.into()])
        };
        match self {
            Self::Exact { field, value } => {
                PolicyValue::Object(vec![(field.clone(), value.as_str().into())])
            }
            Self::Eq { field, value } => list("eq", field, value),
            Self::StartsWith { field, prefix } => list("starts-with", field, prefix),
            Self::ContentLengthRange { min, max } => PolicyValue::Array(vec![
                "content-length-range".into(),
                (*min).into(),
                (*max).into(),
            ]),
            Self::Raw(value) => value.clone(),
        }
    }

    /// The JSON text, as it appears in the policy document.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// Appends the JSON text to `out`.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Self::Raw(value) => value.write_json(out),
            typed => typed.to_value().write_json(out),
        }
    }

    /// The form field the condition is about (`None` for
    /// `content-length-range` and raw values).
    #[must_use]
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Exact { field, .. } | Self::Eq { field, .. } | Self::StartsWith { field, .. } => {
                Some(field)
            }
            Self::ContentLengthRange { .. } | Self::Raw(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_shapes_read_back_from_their_json() {
        for condition in [
            Condition::exact("acl", "private"),
            Condition::eq("success_action_status", "201"),
            Condition::starts_with("Content-Type", "image/"),
            Condition::starts_with("key", ""),
            Condition::content_length_range(0, 5 << 30),
        ] {
            let value = PolicyValue::parse(&condition.to_json()).unwrap();
            assert_eq!(Condition::from_value(value), condition);
        }
    }

    #[test]
    fn other_shapes_stay_raw_and_write_back_unchanged() {
        for json in [
            r#"{"acl": "private", "bucket": "b"}"#,
            r#"{"success_action_status": 201}"#,
            r#"["eq", "acl", "private"]"#,
            r#"["in", "$acl", ["a", "b"]]"#,
            r#"["content-length-range", 1.0, 10]"#,
            r#"["content-length-range", -1, 10]"#,
            r#"["starts-with", "$key"]"#,
            "[]",
            "\"text\"",
        ] {
            let condition = Condition::from_value(PolicyValue::parse(json).unwrap());
            assert!(matches!(condition, Condition::Raw(_)), "{json}");
            assert_eq!(condition.to_json(), json);
        }
    }

    #[test]
    fn the_field_is_named_without_its_dollar() {
        assert_eq!(Condition::starts_with("key", "a/").field(), Some("key"));
        assert_eq!(Condition::content_length_range(1, 2).field(), None);
    }
}
