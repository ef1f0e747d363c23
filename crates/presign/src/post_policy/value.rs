//! [`PolicyValue`]: a JSON value as a POST policy holds it, written exactly as
//! Python's `json.dumps` with its defaults writes it.
//!
//! botocore signs `base64(json.dumps(policy))`, so "the same policy" means the
//! same bytes: `", "` between items and `": "` after keys, every character
//! outside printable ASCII (and DEL) as a lower-case `\uXXXX` escape (astral
//! characters as a surrogate pair), `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`,
//! integers in decimal, floats as Python's `repr` writes them (`1.5e+16`,
//! `1e-05`, `100.0`), `NaN`/`Infinity` for the non-finite ones, and object
//! members in insertion order. serde_json writes none of these the same way,
//! so the writer is here; reading a policy back (to verify one) goes through
//! serde_json, keeping member order.

use std::fmt::{self, Write};

/// A JSON value in a POST policy: a condition, or a part of one.
///
/// Objects keep their members in the order given (as Python dicts do), and
/// [`PolicyValue::to_json`] writes the bytes Python's `json.dumps` writes.
///
/// # Example
/// ```
/// use presign::PolicyValue;
///
/// let condition = PolicyValue::Array(vec![
///     "starts-with".into(),
///     "$x-amz-meta-caf\u{e9}".into(),
///     PolicyValue::Float(1.5e16),
/// ]);
/// assert_eq!(condition.to_json(), r#"["starts-with", "$x-amz-meta-caf\u00e9", 1.5e+16]"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum PolicyValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number, written in decimal.
    Integer(i128),
    /// A floating-point number, written as Python's `repr` writes it.
    Float(f64),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<PolicyValue>),
    /// An object: members in order (a name may repeat, as in a decoded document).
    Object(Vec<(String, PolicyValue)>),
}

impl PolicyValue {
    /// The JSON text, byte for byte as Python's `json.dumps(value)` writes it.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// Appends the JSON text to `out`.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(true) => out.push_str("true"),
            Self::Bool(false) => out.push_str("false"),
            Self::Integer(number) => {
                let _ = write!(out, "{number}");
            }
            Self::Float(number) => write_python_float(out, *number),
            Self::String(text) => write_python_json_string(out, text),
            Self::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Self::Object(members) => {
                out.push('{');
                for (index, (name, value)) in members.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    write_python_json_string(out, name);
                    out.push_str(": ");
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The string, when this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The number, when this is an integer that fits a `u64`.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Integer(number) => u64::try_from(*number).ok(),
            _ => None,
        }
    }

    /// Parses JSON text (a decoded policy document), keeping object members in
    /// order. Numbers without a fraction or exponent that fit 64 bits become
    /// [`PolicyValue::Integer`], the others [`PolicyValue::Float`] (the
    /// nearest double, so it writes back as Python would write it).
    ///
    /// # Errors
    /// serde_json's description of the first syntax error.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|error| error.to_string())
    }
}

impl fmt::Display for PolicyValue {
    /// The JSON text, as [`PolicyValue::to_json`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<&str> for PolicyValue {
    fn from(text: &str) -> Self {
        Self::String(text.to_owned())
    }
}

impl From<String> for PolicyValue {
    fn from(text: String) -> Self {
        Self::String(text)
    }
}

impl From<bool> for PolicyValue {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<i64> for PolicyValue {
    fn from(number: i64) -> Self {
        Self::Integer(number.into())
    }
}

impl From<u64> for PolicyValue {
    fn from(number: u64) -> Self {
        Self::Integer(number.into())
    }
}

impl From<f64> for PolicyValue {
    fn from(number: f64) -> Self {
        Self::Float(number)
    }
}

/// Appends `text` as a JSON string the way Python's `json.dumps` writes it
/// (`ensure_ascii=True`, its default): `\"`, `\\`, `\n`, `\r`, `\t`, `\b`,
/// `\f`, printable ASCII as it is, and every other character (controls, DEL,
/// non-ASCII) as lower-case `\uXXXX`, astral ones as a surrogate pair.
///
/// botocore hashes and writes such JSON (a POST policy, the AWS CLI's cache
/// keys and cache files); writing the same bytes is what makes presign's
/// policies, keys and files the same as botocore's.
///
/// # Example
/// ```
/// let mut out = String::new();
/// presign::write_python_json_string(&mut out, "caf\u{e9} \"\u{1f600}\"");
/// assert_eq!(out, r#""caf\u00e9 \"\ud83d\ude00\"""#);
/// ```
pub fn write_python_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0_u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// A float as Python's `json.dumps` writes it: `repr(x)` for finite numbers
/// (the shortest digits that read back, fixed notation for decimal exponents
/// -4..16, else `d.ddde+XX`), `NaN`, `Infinity`, `-Infinity` otherwise.
fn write_python_float(out: &mut String, number: f64) {
    if number.is_nan() {
        out.push_str("NaN");
        return;
    }
    if number.is_infinite() {
        out.push_str(if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        });
        return;
    }
    let (digits, exponent) = shortest_digits(number.abs());
    // The position of the decimal point relative to the digits, as CPython's
    // float formatting calls it: the value is 0.DIGITS * 10^point.
    let point = exponent + 1;
    if number.is_sign_negative() {
        out.push('-');
    }
    if !(-4 < point && point <= 16) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exponent < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exponent.unsigned_abs());
    } else if point <= 0 {
        out.push_str("0.");
        for _ in 0..point.unsigned_abs() {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = usize::try_from(point).unwrap_or(0);
        if point >= digits.len() {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
}

/// The shortest decimal digits that read back as `number` (finite, not
/// negative) and the decimal exponent of the first: `1.2345e-5` is
/// (`"12345"`, -5). Where two digit strings of that length are equally near
/// the exact value, the one ending in an even digit, as Python's repr (David
/// Gay's dtoa) picks; Rust's `{:e}` picks the upper one.
fn shortest_digits(number: f64) -> (String, i32) {
    let (digits, exponent) = split_scientific(&format!("{number:e}"));
    // Every double's exact decimal expansion ends within 1100 digits.
    let (exact, exact_exponent) = split_scientific(&format!("{number:.1100e}"));
    let n = digits.len();
    let is_tie = exact_exponent == exponent
        && exact.as_bytes().get(n) == Some(&b'5')
        && exact.bytes().skip(n + 1).all(|digit| digit == b'0');
    if !is_tie {
        return (digits, exponent);
    }
    let lower = exact[..n].to_owned();
    let Some(upper) = increment_digits(&lower) else {
        return (digits, exponent);
    };
    let even = if lower.bytes().last().is_some_and(|digit| digit % 2 == 0) {
        lower
    } else {
        upper
    };
    let reads_back = format!("{}.{}e{exponent}", &even[..1], &even[1..])
        .parse::<f64>()
        .is_ok_and(|parsed: f64| parsed.to_bits() == number.to_bits());
    if reads_back {
        (even, exponent)
    } else {
        (digits, exponent)
    }
}

/// The digits (without the point) and the exponent of Rust's `{:e}` text.
fn split_scientific(text: &str) -> (String, i32) {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// `digits` plus one in the last place, `None` when that needs another digit.
fn increment_digits(digits: &str) -> Option<String> {
    let mut bytes = digits.as_bytes().to_vec();
    for digit in bytes.iter_mut().rev() {
        if *digit == b'9' {
            *digit = b'0';
        } else {
            *digit += 1;
            return String::from_utf8(bytes).ok();
        }
    }
    None
}

impl serde::Serialize for PolicyValue {
    /// As the JSON value it is, object members in order.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(value) => serializer.serialize_bool(*value),
            Self::Integer(number) => serializer.serialize_i128(*number),
            Self::Float(number) => serializer.serialize_f64(*number),
            Self::String(text) => serializer.serialize_str(text),
            Self::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for PolicyValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Builds a [`PolicyValue`] from any self-describing format, keeping object
/// members (duplicates included) in document order.
struct ValueVisitor;

impl<'de> serde::de::Visitor<'de> for ValueVisitor {
    type Value = PolicyValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<PolicyValue, E> {
        Ok(PolicyValue::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<PolicyValue, E> {
        Ok(PolicyValue::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<PolicyValue, E> {
        Ok(PolicyValue::Integer(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<PolicyValue, E> {
        Ok(PolicyValue::Integer(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<PolicyValue, E> {
        Ok(PolicyValue::Float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<PolicyValue, E> {
        Ok(PolicyValue::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<PolicyValue, E> {
        Ok(PolicyValue::String(value))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<PolicyValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(PolicyValue::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<PolicyValue, A::Error> {
        let mut members = Vec::new();
        while let Some((name, value)) = map.next_entry::<String, PolicyValue>()? {
            members.push((name, value));
        }
        Ok(PolicyValue::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(number: f64) -> String {
        PolicyValue::Float(number).to_json()
    }

    #[test]
    fn floats_are_written_as_python_repr() {
        // Each expected text is what CPython 3.11's json.dumps writes.
        for (number, python) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.000_01, "1e-05"),
            (1.234_5e-5, "1.2345e-05"),
            (123.456, "123.456"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (9_007_199_254_740_993.0, "9007199254740992.0"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            // Exact ties between two shortest candidates: Python takes the
            // even one, Rust's `{:e}` the upper.
            (810_087_486_564_910.0 + 0.25, "810087486564910.2"),
            (810_087_486_564_910.0 + 0.75, "810087486564910.8"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(float(number), python, "{number:e}");
        }
    }

    #[test]
    fn strings_escape_like_json_dumps_with_ensure_ascii() {
        let text = "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f} ~\u{7f}\u{e9}\u{2028}\u{1f600}/";
        assert_eq!(
            PolicyValue::from(text).to_json(),
            r#""a\"b\\c\n\r\t\b\f\u0001\u001f ~\u007f\u00e9\u2028\ud83d\ude00/""#
        );
    }

    #[test]
    fn containers_use_python_separators_and_keep_order() {
        let value = PolicyValue::Object(vec![
            ("z".to_owned(), PolicyValue::Array(vec![])),
            ("a".to_owned(), PolicyValue::Object(vec![])),
            (
                "m".to_owned(),
                PolicyValue::Array(vec![
                    PolicyValue::Null,
                    true.into(),
                    false.into(),
                    PolicyValue::Integer(-12),
                    PolicyValue::Integer(i128::from(u64::MAX) + 1),
                ]),
            ),
        ]);
        assert_eq!(
            value.to_json(),
            r#"{"z": [], "a": {}, "m": [null, true, false, -12, 18446744073709551616]}"#
        );
    }

    #[test]
    fn parsing_keeps_member_order_and_duplicates() {
        let value = PolicyValue::parse(r#"{"b": 1, "a": [2.5, "x", null], "b": false}"#).unwrap();
        assert_eq!(
            value,
            PolicyValue::Object(vec![
                ("b".to_owned(), PolicyValue::Integer(1)),
                (
                    "a".to_owned(),
                    PolicyValue::Array(vec![
                        PolicyValue::Float(2.5),
                        "x".into(),
                        PolicyValue::Null
                    ])
                ),
                ("b".to_owned(), PolicyValue::Bool(false)),
            ])
        );
        assert!(PolicyValue::parse("{").is_err());
    }

    #[test]
    fn parsed_floats_are_the_nearest_double() {
        for text in [
            "-1.4837111855390954e-186",
            "2.224544406574877e-92",
            "1.7976931348623157e+308",
            "5e-324",
            "0.1",
        ] {
            let value = PolicyValue::parse(text).unwrap();
            assert_eq!(value, PolicyValue::Float(text.parse().unwrap()), "{text}");
            assert_eq!(value.to_json(), text);
        }
    }

    #[test]
    fn written_text_parses_back_to_the_same_value() {
        let value = PolicyValue::Array(vec![
            "caf\u{e9} \u{1f600}\n".into(),
            PolicyValue::Float(1e-7),
            PolicyValue::Integer(42),
        ]);
        assert_eq!(PolicyValue::parse(&value.to_json()).unwrap(), value);
    }
}
