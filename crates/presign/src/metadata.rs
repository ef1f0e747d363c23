//! User-defined metadata values (`x-amz-meta-*` headers) beyond ASCII.
//!
//! An HTTP header value is ASCII, and S3 refuses to store anything else. Its
//! documentation asks for non-ASCII metadata values to be sent as RFC 2047
//! encoded words; S3 decodes them when it stores the object and encodes them
//! again when it returns them. Uppy Companion, the reference for browser
//! uploads, encodes this way, and so does presign, so that a value stored
//! through either reads back the same:
//!
//! - a value that is all ASCII is sent as it is (so `--meta owner=alice` and
//!   botocore's `Metadata={"owner": "alice"}` sign the same header);
//! - any other value becomes one encoded word: `=?UTF-8?B?`, the base64
//!   (standard alphabet, padded) of its UTF-8 bytes, `?=`.
//!
//! An ASCII value is never changed, so encoding twice gives what encoding
//! once gave, and a value already written as an encoded word passes as it is.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};

/// A metadata value as it must be sent in an `x-amz-meta-*` header: unchanged
/// when it is ASCII, else one RFC 2047 encoded word `=?UTF-8?B?...?=`.
///
/// # Example
/// ```
/// use presign::encode_metadata_value;
///
/// assert_eq!(encode_metadata_value("alice"), "alice");
/// assert_eq!(encode_metadata_value("ålice"), "=?UTF-8?B?w6VsaWNl?=");
/// ```
#[must_use]
pub fn encode_metadata_value(value: &str) -> Cow<'_, str> {
    if value.is_ascii() {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(format!("=?UTF-8?B?{}?=", STANDARD.encode(value)))
    }
}

/// The text of a metadata value that holds RFC 2047 encoded words (as S3
/// returns a non-ASCII value), or `None` when it holds none, or one presign
/// cannot decode; the value then stands as it is.
///
/// Encoded words in `B` (base64) or `Q` (quoted-printable) encoding, with
/// charset `UTF-8` or `US-ASCII` in any case, are decoded; text around them
/// is kept, and blanks between two encoded words are dropped (RFC 2047
/// section 6.2), so a long value split into several words reads back whole.
///
/// # Example
/// ```
/// use presign::decode_metadata_value;
///
/// assert_eq!(decode_metadata_value("=?UTF-8?B?w6VsaWNl?=").as_deref(), Some("ålice"));
/// assert_eq!(decode_metadata_value("=?utf-8?Q?=C3=A5lice?=").as_deref(), Some("ålice"));
/// assert_eq!(decode_metadata_value("alice"), None);
/// ```
#[must_use]
pub fn decode_metadata_value(value: &str) -> Option<String> {
    let mut text = String::new();
    // The bytes of a run of adjacent encoded words, decoded together: an
    // encoder may split a character's bytes across two words.
    let mut run: Vec<u8> = Vec::new();
    let mut found = false;
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        let (before, candidate) = rest.split_at(start);
        match encoded_word(candidate) {
            Word::Decoded { bytes, length } => {
                if run.is_empty() || !before.chars().all(char::is_whitespace) {
                    flush(&mut text, &mut run)?;
                    text.push_str(before);
                }
                run.extend(bytes);
                found = true;
                rest = &candidate[length..];
            }
            Word::Undecodable => return None,
            Word::Text => {
                flush(&mut text, &mut run)?;
                text.push_str(before);
                text.push_str("=?");
                rest = &candidate[2..];
            }
        }
    }
    flush(&mut text, &mut run)?;
    text.push_str(rest);
    found.then_some(text)
}

/// Appends a run of decoded bytes as UTF-8; `None` when they are not.
fn flush(text: &mut String, run: &mut Vec<u8>) -> Option<()> {
    text.push_str(std::str::from_utf8(run).ok()?);
    run.clear();
    Some(())
}

/// What starts at a `=?`.
enum Word {
    /// An encoded word: its bytes, and how many bytes of text it spans.
    Decoded { bytes: Vec<u8>, length: usize },
    /// Shaped as an encoded word, but in a charset or encoding presign does
    /// not decode, or with a broken encoded text.
    Undecodable,
    /// Not an encoded word: the `=?` is text.
    Text,
}

/// Reads `=?charset?encoding?encoded-text?=` at the start of `text`.
fn encoded_word(text: &str) -> Word {
    let Some(body) = text.strip_prefix("=?") else {
        return Word::Text;
    };
    let mut parts = body.splitn(4, '?');
    let (Some(charset), Some(encoding), Some(encoded), Some(tail)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Word::Text;
    };
    let is_token = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_graphic());
    if !tail.starts_with('=')
        || !is_token(charset)
        || !is_token(encoding)
        || !encoded.bytes().all(|b| b.is_ascii_graphic())
    {
        return Word::Text;
    }
    // `=?` charset `?` encoding `?` encoded-text `?=`
    let length = charset.len() + encoding.len() + encoded.len() + 6;
    // RFC 2231 allows a language after the charset: `UTF-8*en`.
    let charset = charset.split_once('*').map_or(charset, |(name, _)| name);
    if !charset.eq_ignore_ascii_case("utf-8") && !charset.eq_ignore_ascii_case("us-ascii") {
        return Word::Undecodable;
    }
    let bytes = match encoding {
        "B" | "b" => STANDARD_PAD_INDIFFERENT.decode(encoded).ok(),
        "Q" | "q" => decode_q(encoded),
        _ => None,
    };
    match bytes {
        Some(bytes) => Word::Decoded { bytes, length },
        None => Word::Undecodable,
    }
}

/// RFC 2047's `Q` encoding: `_` is a space, `=XX` a byte in hex, anything
/// else itself.
fn decode_q(encoded: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut input = encoded.bytes();
    while let Some(byte) = input.next() {
        bytes.push(match byte {
            b'_' => b' ',
            b'=' => {
                let high = char::from(input.next()?).to_digit(16)?;
                let low = char::from(input.next()?).to_digit(16)?;
                u8::try_from(high * 16 + low).ok()?
            }
            other => other,
        });
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ascii_values_are_sent_as_they_are() {
        for value in ["alice", "", "Jane Doe", "a=b?c", "=?UTF-8?B?w6VsaWNl?="] {
            assert!(
                matches!(encode_metadata_value(value), Cow::Borrowed(v) if v == value),
                "{value:?}"
            );
        }
    }

    #[test]
    fn other_values_become_one_utf8_base64_word_as_companion_writes_it() {
        // The same bytes as Companion's
        // `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`.
        assert_eq!(encode_metadata_value("ålice"), "=?UTF-8?B?w6VsaWNl?=");
        assert_eq!(encode_metadata_value("é"), "=?UTF-8?B?w6k=?=");
        assert_eq!(
            encode_metadata_value("Zoë Ünal 😀"),
            "=?UTF-8?B?Wm/DqyDDnG5hbCDwn5iA?="
        );
    }

    #[test]
    fn encoded_words_decode_in_either_encoding_and_any_case() {
        for (value, text) in [
            ("=?UTF-8?B?w6VsaWNl?=", "ålice"),
            ("=?utf-8?b?w6VsaWNl?=", "ålice"),
            ("=?UTF-8?B?w6k?=", "é"),
            ("=?UTF-8?Q?=C3=A5lice_and_bob?=", "ålice and bob"),
            ("=?us-ascii?Q?plain?=", "plain"),
            ("=?UTF-8*en?B?w6VsaWNl?=", "ålice"),
        ] {
            assert_eq!(
                decode_metadata_value(value).as_deref(),
                Some(text),
                "{value}"
            );
        }
    }

    #[test]
    fn adjacent_words_join_and_text_around_them_stays() {
        // The two bytes of 'å' split across two words, blanks between them.
        assert_eq!(
            decode_metadata_value("=?UTF-8?B?w6U=?= \t =?UTF-8?B?bGljZQ==?=").as_deref(),
            Some("ålice")
        );
        assert_eq!(
            decode_metadata_value("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A5?=").as_deref(),
            Some("å")
        );
        assert_eq!(
            decode_metadata_value("owner: =?UTF-8?B?w6VsaWNl?= (admin)").as_deref(),
            Some("owner: ålice (admin)")
        );
        assert_eq!(
            decode_metadata_value("a =?b =?UTF-8?B?w6k=?=").as_deref(),
            Some("a =?b é")
        );
    }

    #[test]
    fn values_without_a_decodable_word_stand_as_they_are() {
        for value in [
            "alice",
            "",
            "=?",
            "=?UTF-8?B?w6VsaWNl",
            "=?UTF-8?B?w6 Vs?=",
            "=?ISO-8859-1?Q?=E5lice?=",
            "=?UTF-8?X?abc?=",
            "=?UTF-8?B?***?=",
            "=?UTF-8?Q?=G1?=",
            "=?UTF-8?B?/w==?=",
        ] {
            assert_eq!(decode_metadata_value(value), None, "{value:?}");
        }
    }

    proptest! {
        #[test]
        fn every_value_reads_back_and_is_a_valid_header_value(value in any::<String>()) {
            let encoded = encode_metadata_value(&value);
            prop_assert!(encoded.bytes().all(|b| b == b'\t' || (0x20..=0x7e).contains(&b)) || value.is_ascii());
            if !value.is_ascii() {
                prop_assert_eq!(decode_metadata_value(&encoded), Some(value.clone()));
            }
            prop_assert_eq!(encode_metadata_value(&encoded), encoded.clone());
        }
    }
}
