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
    for word in raw
        .split([' ', '\t', '\r', '\n'])
        .filter(|word| !word.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
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
        let mut lowered: Vec<(String, String)> = headers
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), header_value(value)))
            .collect();
        lowered.sort_by(|a, b| a.0.cmp(&b.0));
        let mut block = String::new();
        let mut signed_headers = String::new();
        let mut previous: Option<&str> = None;
        for (name, value) in &lowered {
            if previous == Some(name.as_str()) {
                // A repeated header: its values form one comma-separated line.
                block.pop();
                block.push(',');
            } else {
                if previous.is_some() {
                    signed_headers.push(';');
                }
                signed_headers.push_str(name);
                block.push_str(name);
                block.push(':');
            }
            block.push_str(value);
            block.push('\n');
            previous = Some(name);
        }
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
        write_after_path(&mut text, encoded_query, headers, payload_hash);
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

/// Appends everything of a canonical request that follows the path:
/// `\n` sorted query `\n` header block `\n` signed headers `\n` payload hash.
/// Shared by [`CanonicalRequest::new`] and the batch signer, which hashes the
/// path of each key and then this constant tail.
pub(crate) fn write_after_path(
    out: &mut String,
    encoded_query: &[(String, String)],
    headers: &CanonicalHeaders,
    payload_hash: &str,
) {
    let mut sorted: Vec<&(String, String)> = encoded_query.iter().collect();
    sorted.sort();
    out.push('\n');
    for (index, (name, value)) in sorted.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out.push('\n');
    out.push_str(&headers.block);
    out.push('\n');
    out.push_str(&headers.signed_headers);
    out.push('\n');
    out.push_str(payload_hash);
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
