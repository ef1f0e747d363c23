//! The canonical request: the exact bytes whose SHA-256 goes into the string to
//! sign.
//!
//! ```text
//! METHOD \n
//! /encoded/path \n
//! sorted&encoded=query \n
//! name:value\n ... (one line per header, sorted) \n
//! signed;header;names \n
//! payload hash (UNSIGNED-PAYLOAD for presigned S3 URLs)
//! ```
//!
//! This module assembles already-encoded parts; it does not encode or validate
//! (that is [`crate::encode`] and the request's job), so it also serves the
//! generic SigV4 test suite, whose service is not S3.

use std::fmt;

use sha2::{Digest, Sha256};
use smallvec::SmallVec;

use crate::sink::Sink;

use crate::hex;

/// Header value as SigV4 canonicalises it: surrounding whitespace removed and
/// each inner run of spaces, tabs or line breaks replaced by one space.
///
/// # Example
/// ```
/// assert_eq!(presign::canonical::header_value("  lots   of \t spaces  "), "lots of spaces");
/// ```
#[must_use]
pub fn header_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    write_header_value(&mut out, raw);
    out
}

/// Appends `raw` canonicalised as [`header_value`] describes.
fn write_header_value(out: &mut impl Sink, raw: &str) {
    // Blanks are ASCII, so the words between them are valid text.
    let mut first = true;
    let mut word_start = 0;
    for (at, byte) in raw.bytes().chain([b' ']).enumerate() {
        if matches!(byte, b' ' | b'\t' | b'\r' | b'\n') {
            if at > word_start {
                if !first {
                    out.put(" ");
                }
                out.put(&raw[word_start..at]);
                first = false;
            }
            word_start = at + 1;
        }
    }
}

/// The canonical order of `headers`: by lower-cased name, stable, so
/// repeated headers keep their order. Returns indices into `headers`.
pub(crate) fn header_order(headers: &[(&str, &str)]) -> SmallVec<[usize; 8]> {
    let mut order: SmallVec<[usize; 8]> = (0..headers.len()).collect();
    order.sort_by(|&a, &b| {
        let lowered = |index: usize| headers[index].0.bytes().map(|b| b.to_ascii_lowercase());
        lowered(a).cmp(lowered(b))
    });
    order
}

/// Appends the canonical header block of `headers` taken in `order` (from
/// [`header_order`]): one `name:value\n` line per name, the values of a
/// repeated name joined with `,`.
pub(crate) fn write_header_block(out: &mut impl Sink, headers: &[(&str, &str)], order: &[usize]) {
    let mut previous: Option<&str> = None;
    for &index in order {
        let (name, value) = headers[index];
        if previous.is_some_and(|earlier| earlier.eq_ignore_ascii_case(name)) {
            // A repeated header: its values form one comma-separated line.
            out.put(",");
        } else {
            if previous.is_some() {
                out.put("\n");
            }
            out.put_lowercase(name);
            out.put(":");
        }
        write_header_value(out, value);
        previous = Some(name);
    }
    if previous.is_some() {
        out.put("\n");
    }
}

/// Appends the signed header names of `headers` in `order`: lower-cased,
/// each once, joined with `;`.
pub(crate) fn write_signed_headers(out: &mut impl Sink, headers: &[(&str, &str)], order: &[usize]) {
    let mut previous: Option<&str> = None;
    for &index in order {
        let name = headers[index].0;
        if previous.is_some_and(|earlier| earlier.eq_ignore_ascii_case(name)) {
            continue;
        }
        if previous.is_some() {
            out.put(";");
        }
        out.put_lowercase(name);
        previous = Some(name);
    }
}

/// The signed headers of a request: the canonical header block and the
/// `;`-separated list of names that `X-Amz-SignedHeaders` carries.
///
/// # Example
/// ```
/// use presign::canonical::CanonicalHeaders;
///
/// let headers = CanonicalHeaders::new([("Host", "example.com"), ("Content-Type", " text/plain ")]);
/// assert_eq!(headers.signed_headers(), "content-type;host");
/// assert_eq!(headers.block(), "content-type:text/plain\nhost:example.com\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalHeaders {
    block: String,
    signed_headers: String,
}

impl CanonicalHeaders {
    /// Lower-cases the names, canonicalises the values, sorts by name (a
    /// stable sort, so repeated headers keep their order) and joins the values
    /// of a repeated name with `,`.
    pub fn new<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let headers: SmallVec<[(&str, &str); 8]> = headers.into_iter().collect();
        let order = header_order(&headers);
        let mut block = String::new();
        write_header_block(&mut block, &headers, &order);
        let mut signed_headers = String::new();
        write_signed_headers(&mut signed_headers, &headers, &order);
        Self {
            block,
            signed_headers,
        }
    }

    /// One `name:value\n` line per header, sorted by name.
    #[must_use]
    pub fn block(&self) -> &str {
        &self.block
    }

    /// The header names, sorted and joined with `;`.
    #[must_use]
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }
}

/// A canonical request. `Display` (and [`CanonicalRequest::as_str`]) is the
/// exact byte sequence that is hashed.
///
/// # Example
/// ```
/// use presign::canonical::{CanonicalHeaders, CanonicalRequest};
///
/// let headers = CanonicalHeaders::new([("host", "examplebucket.s3.amazonaws.com")]);
/// let query = [("X-Amz-Expires".to_owned(), "86400".to_owned())];
/// let request = CanonicalRequest::new("GET", "/test.txt", &query, &headers, "UNSIGNED-PAYLOAD");
/// assert_eq!(
///     request.to_string(),
///     "GET\n/test.txt\nX-Amz-Expires=86400\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalRequest {
    text: String,
}

impl CanonicalRequest {
    /// Assembles the canonical request from an encoded path, encoded query
    /// pairs (in any order: they are sorted here by name, then value, in byte
    /// order), the headers and the payload hash.
    #[must_use]
    pub fn new(
        method: &str,
        encoded_path: &str,
        encoded_query: &[(String, String)],
        headers: &CanonicalHeaders,
        payload_hash: &str,
    ) -> Self {
        let mut text = String::with_capacity(
            method.len()
                + encoded_path.len()
                + after_path_len(encoded_query, headers, payload_hash)
                + 1,
        );
        text.push_str(method);
        text.push('\n');
        text.push_str(encoded_path);
        write_canonical_tail(&mut text, encoded_query, headers, payload_hash);
        Self { text }
    }

    /// The exact bytes, as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Lower-case hex SHA-256 of the canonical request, the last line of the
    /// string to sign.
    #[must_use]
    pub fn sha256_hex(&self) -> String {
        hex::encode(&Sha256::digest(self.text.as_bytes()))
    }
}

fn after_path_len(
    encoded_query: &[(String, String)],
    headers: &CanonicalHeaders,
    payload_hash: &str,
) -> usize {
    let query_len: usize = encoded_query
        .iter()
        .map(|(name, value)| name.len() + value.len() + 2)
        .sum();
    query_len + headers.block.len() + headers.signed_headers.len() + payload_hash.len() + 4
}

/// Sorts query pairs into canonical order: by encoded name, then encoded
/// value, in byte order. `pair` reads a pair's name and value.
pub(crate) fn sort_query<'a, T>(pairs: &mut [T], pair: impl Fn(&T) -> (&'a str, &'a str)) {
    pairs.sort_unstable_by(|a, b| pair(a).cmp(&pair(b)));
}

/// Appends everything of a canonical request that follows the path:
/// `\n` sorted query `\n` header block `\n` signed headers `\n` payload hash.
/// The query (`name=value` pairs in the order of [`sort_query`], joined with
/// `&`) and the header block are written by the caller's functions: the
/// one-URL signer copies them from the URL it has just written and streams
/// everything into SHA-256.
pub(crate) fn write_after_path<S: Sink>(
    out: &mut S,
    write_sorted_query: impl FnOnce(&mut S),
    write_header_block: impl FnOnce(&mut S),
    signed_headers: &str,
    payload_hash: &str,
) {
    out.put("\n");
    write_sorted_query(out);
    out.put("\n");
    write_header_block(out);
    out.put("\n");
    out.put(signed_headers);
    out.put("\n");
    out.put(payload_hash);
}

/// [`write_after_path`] for encoded query pairs in any order and built
/// headers: what [`CanonicalRequest::new`] and the batch signer append.
pub(crate) fn write_canonical_tail(
    out: &mut String,
    encoded_query: &[(String, String)],
    headers: &CanonicalHeaders,
    payload_hash: &str,
) {
    let mut query: SmallVec<[&(String, String); 16]> = encoded_query.iter().collect();
    sort_query(&mut query, |(name, value)| (name.as_str(), value.as_str()));
    write_after_path(
        out,
        |out| {
            for (index, (name, value)) in query.iter().enumerate() {
                if index > 0 {
                    out.put("&");
                }
                out.put(name);
                out.put("=");
                out.put(value);
            }
        },
        |out| out.put(&headers.block),
        &headers.signed_headers,
        payload_hash,
    );
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_trimmed_and_runs_of_blanks_collapsed() {
        assert_eq!(header_value("  lots   of    spaces  "), "lots of spaces");
        assert_eq!(header_value("a\tb"), "a b");
        assert_eq!(
            header_value("value1\n  value2\n     value3"),
            "value1 value2 value3"
        );
        assert_eq!(header_value("   "), "");
    }

    #[test]
    fn repeated_headers_join_in_their_original_order() {
        let headers = CanonicalHeaders::new([
            ("Host", "example.amazonaws.com"),
            ("My-Header1", "value4"),
            ("My-Header1", "value1"),
            ("My-Header1", "value3"),
        ]);
        assert_eq!(
            headers.block(),
            "host:example.amazonaws.com\nmy-header1:value4,value1,value3\n"
        );
        assert_eq!(headers.signed_headers(), "host;my-header1");
    }

    #[test]
    fn query_is_sorted_by_encoded_name_in_byte_order() {
        let headers = CanonicalHeaders::new([("host", "h")]);
        let query = [
            (
                "response-content-type".to_owned(),
                "text%2Fplain".to_owned(),
            ),
            ("X-Amz-Date".to_owned(), "20130524T000000Z".to_owned()),
            ("Param".to_owned(), "b".to_owned()),
            ("Param".to_owned(), "a".to_owned()),
        ];
        let request = CanonicalRequest::new("GET", "/k", &query, &headers, "UNSIGNED-PAYLOAD");
        let query_line = request.as_str().lines().nth(2).unwrap_or_default();
        assert_eq!(
            query_line,
            "Param=a&Param=b&X-Amz-Date=20130524T000000Z&response-content-type=text%2Fplain"
        );
    }

    #[test]
    fn hashes_the_aws_documentation_canonical_request() {
        let headers = CanonicalHeaders::new([("host", "examplebucket.s3.amazonaws.com")]);
        let query: Vec<(String, String)> = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            (
                "X-Amz-Credential",
                "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request",
            ),
            ("X-Amz-Date", "20130524T000000Z"),
            ("X-Amz-Expires", "86400"),
            ("X-Amz-SignedHeaders", "host"),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
        let request =
            CanonicalRequest::new("GET", "/test.txt", &query, &headers, "UNSIGNED-PAYLOAD");
        assert_eq!(
            request.sha256_hex(),
            "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"
        );
    }
}
