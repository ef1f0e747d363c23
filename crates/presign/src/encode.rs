//! The one URI encoder, with S3's rules.
//!
//! SigV4 for most AWS services encodes the path twice and normalises `.`/`..`
//! segments; S3 does neither. An object key is turned into UTF-8 bytes and every
//! byte outside the RFC 3986 unreserved set (`A-Z a-z 0-9 - _ . ~`) becomes
//! `%XX` with upper-case hex, once. In a path `/` stays as it is, so `a//b/../c`
//! is sent and signed verbatim; in a query name or value `/` is encoded too and
//! a space is always `%20`, never `+`. `%` in a key is data, so it becomes
//! `%25`: nothing is ever decoded first.
//!
//! Everything that puts a user-supplied string into a URL or a canonical request
//! goes through this module, so the URL and the signature can never disagree
//! about an encoding. A 256-entry table decides per byte; that is both the
//! simplest statement of the rule and the fastest one.

/// Whether a byte may appear unencoded: RFC 3986 unreserved characters, plus
/// `/` in path segments.
const fn keep_table(keep_slash: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b: u8 = 0;
    loop {
        table[b as usize] = b.is_ascii_alphanumeric()
            || b == b'-'
            || b == b'_'
            || b == b'.'
            || b == b'~'
            || (keep_slash && b == b'/');
        if b == u8::MAX {
            return table;
        }
        b += 1;
    }
}

const KEEP_IN_PATH: [bool; 256] = keep_table(true);
const KEEP_IN_QUERY: [bool; 256] = keep_table(false);
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

fn encode_into(out: &mut String, input: &str, keep: &[bool; 256]) {
    let bytes = input.as_bytes();
    // Most keys need no encoding at all, or only in a few places. Skip runs
    // of kept bytes 16 at a time (a branch-free check the compiler
    // vectorises), then copy each unencoded run as one slice. A non-empty run
    // starts and ends at kept bytes, which are ASCII and so on char
    // boundaries; empty runs (which may sit inside a multi-byte character)
    // are skipped.
    let mut start = 0;
    let mut index = 0;
    while index < bytes.len() {
        if let Some(chunk) = bytes.get(index..index + 16)
            && chunk
                .iter()
                .fold(true, |all, &byte| all & keep[usize::from(byte)])
        {
            index += 16;
            continue;
        }
        let byte = bytes[index];
        if !keep[usize::from(byte)] {
            if start < index {
                out.push_str(&input[start..index]);
            }
            out.push('%');
            out.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
            out.push(char::from(HEX_UPPER[usize::from(byte & 0x0f)]));
            start = index + 1;
        }
        index += 1;
    }
    if start < bytes.len() {
        out.push_str(&input[start..]);
    }
}

/// Appends `input` encoded for a URL path: `/` kept, everything else outside the
/// unreserved set percent-encoded.
///
/// # Example
/// ```
/// let mut path = String::from("/");
/// presign::encode::path_into(&mut path, "photos/2024 summer/ça.jpg");
/// assert_eq!(path, "/photos/2024%20summer/%C3%A7a.jpg");
/// ```
pub fn path_into(out: &mut String, input: &str) {
    encode_into(out, input, &KEEP_IN_PATH);
}

/// Appends `input` encoded for a query-string name or value: like [`path_into`]
/// but `/` is encoded as `%2F` too.
///
/// # Example
/// ```
/// let mut query = String::new();
/// presign::encode::query_into(&mut query, "attachment; filename=\"a b.txt\"");
/// assert_eq!(query, "attachment%3B%20filename%3D%22a%20b.txt%22");
/// ```
pub fn query_into(out: &mut String, input: &str) {
    encode_into(out, input, &KEEP_IN_QUERY);
}

/// `input` encoded for a query-string name or value, as a new string.
///
/// # Example
/// ```
/// assert_eq!(presign::encode::query("a/b c+d"), "a%2Fb%20c%2Bd");
/// ```
#[must_use]
pub fn query(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    query_into(&mut out, input);
    out
}

/// `input` encoded for a URL path (keeping `/`), as a new string.
///
/// # Example
/// ```
/// assert_eq!(presign::encode::path("a/../b%"), "a/../b%25");
/// ```
#[must_use]
pub fn path(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    path_into(&mut out, input);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_stay_as_they_are() {
        let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        assert_eq!(path(unreserved), unreserved);
        assert_eq!(query(unreserved), unreserved);
    }

    #[test]
    fn slash_is_kept_in_paths_and_encoded_in_queries() {
        assert_eq!(path("a/b//c/"), "a/b//c/");
        assert_eq!(query("a/b"), "a%2Fb");
    }

    #[test]
    fn space_is_percent_20_and_plus_is_encoded() {
        assert_eq!(path("a b+c"), "a%20b%2Bc");
        assert_eq!(query("a b+c"), "a%20b%2Bc");
    }

    #[test]
    fn percent_is_encoded_once_never_decoded() {
        assert_eq!(path("50%off %2F"), "50%25off%20%252F");
    }

    #[test]
    fn dot_segments_are_not_normalised() {
        assert_eq!(path("a/./b/../c"), "a/./b/../c");
    }

    #[test]
    fn unicode_is_encoded_as_utf8_bytes_without_normalisation() {
        // NFC é (U+00E9) and NFD e + U+0301 stay distinct.
        assert_eq!(path("\u{e9}"), "%C3%A9");
        assert_eq!(path("e\u{301}"), "e%CC%81");
        assert_eq!(path("😀"), "%F0%9F%98%80");
    }

    #[test]
    fn every_other_ascii_byte_is_encoded_with_upper_case_hex() {
        for byte in 0u8..0x80 {
            let text = char::from(byte).to_string();
            let kept = byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte);
            let expected = if kept {
                text.clone()
            } else {
                format!("%{byte:02X}")
            };
            assert_eq!(query(&text), expected, "byte {byte:#04x}");
        }
    }
}
