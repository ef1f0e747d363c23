//! Which object keys the service signs at all, whoever asks.
//!
//! S3 keys are opaque strings, so `a/../b` is a key of its own on S3. But
//! many S3-compatible servers map keys to file paths, and proxies and
//! browsers normalise paths, so a key that looks like a path escape is one
//! somewhere. The service therefore refuses, for every client: empty,
//! `.` and `..` segments; a leading `/`; control and invisible formatting
//! characters (NUL, bidi overrides, zero-width spaces); the backslash and
//! characters that look like `/` or `.` (fraction slash, fullwidth solidus,
//! one-dot leader, ...); percent-encoded sequences (a layer that decodes
//! them would see other characters than the ones checked); and keys over
//! S3's 1024 bytes.

use crate::error::ApiError;

/// S3's limit on a key's length in UTF-8 bytes.
pub(crate) const MAX_KEY_BYTES: usize = presign::MAX_KEY_BYTES;

/// Characters that render as, or normalise to, a slash, a backslash or a
/// dot.
const LOOK_ALIKES: [char; 18] = [
    '\\', '\u{2044}', '\u{2215}', '\u{29F8}', '\u{29F9}', '\u{FF0F}', '\u{FF3C}', '\u{FE68}',
    '\u{2571}', '\u{2572}', '\u{1735}', '\u{3033}', '\u{2024}', '\u{FE52}', '\u{FF0E}', '\u{3002}',
    '\u{FF61}', '\u{2E31}',
];

/// Zero-width and bidirectional formatting characters: invisible, so a key
/// would not read as what it is.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Checks `key` against the rules above.
///
/// # Errors
/// An [`ApiError`] naming the rule: `key_length` and `key_characters` (400)
/// for a key no client may have, `key_path` (403) for a path escape.
pub(crate) fn check_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(ApiError::bad_request(
            "key_length",
            format!(
                "the key is {} bytes long; allowed are 1..={MAX_KEY_BYTES} UTF-8 bytes",
                key.len()
            ),
        ));
    }
    if let Some(c) = key.chars().find(|c| c.is_control() || is_invisible(*c)) {
        return Err(ApiError::bad_request(
            "key_characters",
            format!(
                "the key holds the control or invisible character U+{:04X}; they are refused",
                u32::from(c)
            ),
        ));
    }
    if let Some(c) = key.chars().find(|c| LOOK_ALIKES.contains(c)) {
        return Err(ApiError::forbidden(
            "key_path",
            format!(
                "the key holds U+{:04X}, which looks like '/', '\\' or '.'; it is refused",
                u32::from(c)
            ),
        ));
    }
    if has_percent_escape(key) {
        return Err(ApiError::forbidden(
            "key_path",
            "the key holds a percent-encoded sequence (%XX); send the characters themselves",
        ));
    }
    if key.starts_with('/') {
        return Err(ApiError::forbidden("key_path", "the key starts with '/'"));
    }
    if key
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return Err(ApiError::forbidden(
            "key_path",
            "the key has an empty, '.' or '..' path segment ('//', './', '../')",
        ));
    }
    Ok(())
}

fn has_percent_escape(key: &str) -> bool {
    key.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::check_key;

    fn rule(key: &str) -> Option<&'static str> {
        check_key(key).err().map(|error| error.rule.unwrap_or("-"))
    }

    #[test]
    fn ordinary_keys_pass() {
        for key in [
            "a.txt",
            "user1/photos/cat.png",
            "dir/.hidden",
            "a..b",
            "100% real",
            "caf\u{e9}/\u{1F600}.png",
            "a b+c",
        ] {
            assert_eq!(rule(key), None, "{key:?}");
        }
    }

    #[test]
    fn path_escapes_are_refused() {
        for key in [
            "../x",
            "user1/../user2/x",
            "./x",
            "user1/./x",
            "user1//x",
            "/x",
            "user1/",
            "..",
            "user1\\..\\x",
            "user1\u{2215}x",
            "user1\u{FF0F}x",
            "user1\u{2044}x",
            "user1/\u{FF0E}\u{FF0E}/x",
            "user1%2F..%2Fx",
            "%2e%2e/x",
        ] {
            assert_eq!(rule(key), Some("key_path"), "{key:?}");
        }
    }

    #[test]
    fn control_invisible_and_long_keys_are_refused() {
        for key in ["a\0b", "a\nb", "a\u{7f}", "a\u{202E}gnp.exe", "a\u{200B}b"] {
            assert_eq!(rule(key), Some("key_characters"), "{key:?}");
        }
        assert_eq!(rule(""), Some("key_length"));
        assert_eq!(rule(&"k".repeat(1025)), Some("key_length"));
        assert_eq!(rule(&"k".repeat(1024)), None);
    }
}
