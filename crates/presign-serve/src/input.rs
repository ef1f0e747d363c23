//! The one checker of the values a request carries: object keys, file
//! names, content types, metadata names and values, and how many headers,
//! query parameters and metadata entries a request may carry. Every route
//! calls these functions, so a rule holds on all of them or on none.
//!
//! Keys. S3 keys are opaque strings, so `a/../b` is a key of its own on S3.
//! But many S3-compatible servers map keys to file paths, and proxies and
//! browsers normalise paths, so a key that looks like a path escape is one
//! somewhere. The service therefore refuses, for every client: empty,
//! `.` and `..` segments, segments of dots and spaces only, and segments
//! ending in a dot or a space (Windows and some filesystem backends strip
//! those, so `a.` is `a`); a leading `/`; control and invisible formatting
//! characters (NUL, bidi overrides, zero-width spaces); the backslash and
//! every character whose NFKC form holds a `/`, `\` or `.` (one-dot and
//! two-dot leaders, the ellipsis, fullwidth forms, ...) or that is drawn as
//! one (fraction and division slashes, set minus, ...); combining marks
//! that overlay or follow a `.` or `/` (U+0338 turns `/` into a look-alike
//! of itself); percent-encoded sequences (a layer that decodes them would
//! see other characters than the ones checked); `${` (a POST policy would
//! read it as a placeholder); and keys over S3's 1024 bytes.
//!
//! Content types are one RFC 9110 media type, `type/subtype` with an
//! optional `; charset=...` and nothing else: a list (`image/png,text/html`)
//! or another parameter would be stored verbatim and read differently by a
//! browser than by this check.
//!
//! Metadata is what S3 allows: names of `A-Z a-z 0-9 - _ .` starting with a
//! letter or digit, values without control characters (non-ASCII values
//! are RFC 2047 encoded, as S3 wants them), at most [`MAX_METADATA_BYTES`]
//! of names and values together.

use std::borrow::Cow;
use std::collections::BTreeMap;

use presign::Method;
use presign::multipart::PartNumber;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::ApiError;
use crate::settings::Client;
use crate::upload_id::UploadIds;

/// S3's limit on a key's length in UTF-8 bytes.
pub(crate) const MAX_KEY_BYTES: usize = presign::MAX_KEY_BYTES;

/// S3's limit on user metadata: the UTF-8 bytes of every name (without
/// `x-amz-meta-`) and value together, as AWS counts them.
pub(crate) const MAX_METADATA_BYTES: usize = 2048;

/// The most metadata entries one request may carry.
pub(crate) const MAX_METADATA_ENTRIES: usize = 64;

/// The most headers one URL may sign (metadata included).
pub(crate) const MAX_SIGNED_HEADERS: usize = 64;

/// The most query parameters one URL may sign, or one Companion request
/// may carry besides its metadata.
pub(crate) const MAX_QUERY_PARAMS: usize = 16;

/// The longest metadata name in bytes.
const MAX_METADATA_NAME_BYTES: usize = 128;

/// Characters drawn as a slash, a backslash or a dot whose NFKC form is not
/// one (those are caught by normalising).
const LOOK_ALIKES: [char; 18] = [
    '\\', '\u{2044}', '\u{2215}', '\u{2216}', '\u{29F5}', '\u{29F6}', '\u{29F7}', '\u{29F8}',
    '\u{29F9}', '\u{2571}', '\u{2572}', '\u{27CB}', '\u{27CD}', '\u{1735}', '\u{3033}', '\u{3002}',
    '\u{FF61}', '\u{2E31}',
];

/// Zero-width and bidirectional formatting characters: invisible, so a key
/// would not read as what it is.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Combining marks that draw a stroke or a slash over the character before
/// them.
fn is_overlay(c: char) -> bool {
    matches!(c,
        '\u{0334}'..='\u{0338}' | '\u{20D2}' | '\u{20D3}' | '\u{20D8}'..='\u{20DA}' | '\u{20E5}'
        | '\u{20E6}' | '\u{20EA}' | '\u{20EB}' | '\u{1CD4}' | '\u{1DCE}' | '\u{10A39}')
}

/// Whether `c` is, or is drawn as, `/`, `\` or `.` without being `/` or `.`.
fn looks_like_path(c: char) -> bool {
    if c.is_ascii() {
        // The one ASCII look-alike; keys are mostly ASCII, so this is the
        // path every request takes.
        return c == '\\';
    }
    LOOK_ALIKES.contains(&c) || c.nfkc().any(|n| matches!(n, '/' | '\\' | '.'))
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
    if key.contains("${") {
        return Err(ApiError::bad_request(
            "key_characters",
            "the key holds \"${\", which a POST policy would read as a placeholder; it is refused",
        ));
    }
    if let Some(c) = key.chars().find(|c| looks_like_path(*c)) {
        return Err(ApiError::forbidden(
            "key_path",
            format!(
                "the key holds U+{:04X}, which looks like '/', '\\' or '.'; it is refused",
                u32::from(c)
            ),
        ));
    }
    let mut previous = '/';
    for c in key.chars() {
        if !c.is_ascii()
            && (is_overlay(c) || (is_combining_mark(c) && matches!(previous, '/' | '.')))
        {
            return Err(ApiError::forbidden(
                "key_path",
                format!(
                    "the key holds the combining mark U+{:04X} over '{previous}' or a path segment's start; it is refused",
                    u32::from(c)
                ),
            ));
        }
        previous = c;
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
        .any(|segment| segment.is_empty() || segment.chars().all(|c| c == '.' || c == ' '))
    {
        return Err(ApiError::forbidden(
            "key_path",
            "the key has an empty path segment or one of dots and spaces only ('//', './', '../', '.. /')",
        ));
    }
    if key
        .split('/')
        .any(|segment| segment.ends_with('.') || segment.ends_with(' '))
    {
        return Err(ApiError::forbidden(
            "key_path",
            "a path segment of the key ends in '.' or ' ', which filesystem backends strip; it is refused",
        ));
    }
    Ok(())
}

fn has_percent_escape(key: &str) -> bool {
    key.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// An uploaded file's name, before it goes into a key template: `${`
/// would turn the template's result into a placeholder (and a POST policy
/// into a prefix).
///
/// # Errors
/// `filename` (400) when it is empty or holds `${`.
pub(crate) fn check_filename(filename: &str) -> Result<(), ApiError> {
    if filename.is_empty() {
        return Err(ApiError::bad_request("filename", "filename is empty"));
    }
    if filename.contains("${") {
        return Err(ApiError::bad_request(
            "filename",
            "filename holds \"${\", which would become a key placeholder; it is refused",
        ));
    }
    Ok(())
}

/// A metadata name (without `x-amz-meta-`): 1..=128 of `A-Z a-z 0-9 - _ .`,
/// starting with a letter or digit.
///
/// # Errors
/// `metadata` (400) naming the name and what is allowed.
pub(crate) fn metadata_name(name: &str) -> Result<(), ApiError> {
    if name.len() <= MAX_METADATA_NAME_BYTES
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Ok(());
    }
    Err(ApiError::bad_request(
        "metadata",
        format!(
            "metadata name {name:?} must be 1..={MAX_METADATA_NAME_BYTES} of A-Z a-z 0-9 - _ ., starting with a letter or digit"
        ),
    ))
}

/// A metadata value as it is sent: no control characters (CR and LF would
/// split a header), non-ASCII RFC 2047 encoded as S3 wants it.
///
/// # Errors
/// `metadata` (400) naming the entry.
pub(crate) fn metadata_value<'a>(name: &str, value: &'a str) -> Result<Cow<'a, str>, ApiError> {
    if value.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "metadata",
            format!(
                "metadata {name:?} holds a control character (CR, LF, NUL, ...); they are refused"
            ),
        ));
    }
    Ok(presign::encode_metadata_value(value))
}

/// Checks user metadata (names without `x-amz-meta-`) and answers it as it
/// is to be sent: names as given, values encoded by [`metadata_value`].
///
/// # Errors
/// `metadata` (400) for a bad name or value; `metadata_size` (400) for more
/// than [`MAX_METADATA_ENTRIES`] entries or [`MAX_METADATA_BYTES`] bytes.
pub(crate) fn metadata<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut bytes = 0usize;
    for (name, value) in entries {
        if out.len() == MAX_METADATA_ENTRIES {
            return Err(ApiError::bad_request(
                "metadata_size",
                format!("a request may carry at most {MAX_METADATA_ENTRIES} metadata entries"),
            ));
        }
        metadata_name(name)?;
        if out
            .iter()
            .any(|(earlier, _)| earlier.eq_ignore_ascii_case(name))
        {
            return Err(ApiError::bad_request(
                "metadata",
                format!("metadata {name:?} is given twice (names are case-insensitive)"),
            ));
        }
        let sent = metadata_value(name, value)?;
        bytes = bytes.saturating_add(name.len() + sent.len());
        if bytes > MAX_METADATA_BYTES {
            return Err(ApiError::bad_request(
                "metadata_size",
                format!(
                    "user metadata is limited to {MAX_METADATA_BYTES} bytes (names and values together, as S3 counts them); this request carries more"
                ),
            ));
        }
        out.push((name.to_owned(), sent.into_owned()));
    }
    Ok(out)
}

/// The headers CreateMultipartUpload gives the object: `content-type` when
/// given, then the metadata as `x-amz-meta-*` headers (checked and encoded
/// by [`metadata`]): the create body of both APIs, whose metadata values
/// are JSON (strings as they are, other values as JSON text, nulls dropped).
///
/// # Errors
/// As [`metadata`]; `metadata_size` (400) for more than
/// [`MAX_METADATA_ENTRIES`] entries, nulls counted.
pub(crate) fn object_headers(
    content_type: Option<&str>,
    metadata: &BTreeMap<String, serde_json::Value>,
) -> Result<Vec<(String, String)>, ApiError> {
    if metadata.len() > MAX_METADATA_ENTRIES {
        return Err(ApiError::bad_request(
            "metadata_size",
            format!("a request may carry at most {MAX_METADATA_ENTRIES} metadata entries"),
        ));
    }
    let texts: Vec<(&str, String)> = metadata
        .iter()
        .filter_map(|(name, value)| match value {
            serde_json::Value::Null => None,
            serde_json::Value::String(text) => Some((name.as_str(), text.clone())),
            other => Some((name.as_str(), other.to_string())),
        })
        .collect();
    let metadata = self::metadata(texts.iter().map(|(name, text)| (*name, text.as_str())))?;
    let mut headers = Vec::with_capacity(metadata.len() + 1);
    if let Some(content_type) = content_type {
        headers.push(("content-type".to_owned(), content_type.to_owned()));
    }
    for (name, value) in metadata {
        headers.push((format!("x-amz-meta-{name}"), value));
    }
    Ok(headers)
}

/// A parsed media type: `type/subtype`, lower-cased, and the value to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaType {
    /// `type/subtype`, lower-cased.
    pub(crate) essence: String,
}

/// Parses `value` (of the request field `field`) as exactly one media type:
/// `type/subtype` (RFC 9110 tokens, no wildcard) with at most one
/// parameter, `charset=<token>`.
///
/// # Errors
/// `content_type` (400) naming the field and what is allowed.
pub(crate) fn media_type(field: &str, value: &str) -> Result<MediaType, ApiError> {
    let fail = || {
        ApiError::bad_request(
            "content_type",
            format!(
                "{field} {value:?} is not one media type: use type/subtype (no wildcard, no list), optionally followed by \"; charset=NAME\""
            ),
        )
    };
    let (essence, parameter) = match value.split_once(';') {
        Some((essence, parameter)) => (essence, Some(parameter)),
        None => (value, None),
    };
    let essence = essence.trim_end_matches([' ', '\t']);
    let Some((kind, subtype)) = essence.split_once('/') else {
        return Err(fail());
    };
    if !is_token(kind) || !is_token(subtype) || kind == "*" || subtype.contains('*') {
        return Err(fail());
    }
    if let Some(parameter) = parameter {
        let parameter = parameter.trim_matches([' ', '\t']);
        let Some((name, charset)) = parameter.split_once('=') else {
            return Err(fail());
        };
        if !name.eq_ignore_ascii_case("charset") || !is_token(charset) || charset.contains('*') {
            return Err(fail());
        }
    }
    Ok(MediaType {
        essence: essence.to_ascii_lowercase(),
    })
}

/// The content type an upload (a Companion upload, a POST policy, a native
/// multipart upload or object PUT, whose URLs are handed to browsers) is
/// signed with: the one it named (checked by
/// [`crate::policy::content_type`] first), but `binary/octet-stream` (S3's
/// own name for bytes of no known type, which browsers download) for none
/// or `application/octet-stream`. For those, storages guess a type from the
/// key, which may hold the uploader's file name: SeaweedFS serves
/// `page.html` stored as either as `text/html`, a page that runs script on
/// the bucket's origin (finding 19). And a POST policy that fixes no type
/// lets the uploader add one where the storage does not refuse fields the
/// policy does not name, as SeaweedFS does not (finding 21).
pub(crate) fn upload_content_type(content_type: Option<&str>) -> &str {
    match content_type {
        Some(value)
            if !media_type("content type", value)
                .is_ok_and(|parsed| parsed.essence == "application/octet-stream") =>
        {
            value
        }
        _ => "binary/octet-stream",
    }
}

/// An RFC 9110 token.
pub(crate) fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The response headers a URL may override (`response-NAME`).
pub(crate) const RESPONSE_OVERRIDES: [&str; 6] = [
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-type",
    "expires",
];

/// Checks the headers and query parameters a native URL is to sign, for
/// `client` and `method`, and answers the headers as they are to be sent
/// (metadata values encoded). Names must be ones a URL may sign
/// ([`crate::policy::headers`], [`crate::policy::query`]).
///
/// # Errors
/// `headers`/`query` (400) for too many, `metadata*` and `content_type`
/// for bad values, `response_overrides` and `delete_versions` (403) for
/// what the client's policy does not allow.
pub(crate) fn signed_values(
    client: &Client,
    method: Method,
    headers: &[(String, String)],
    query: &[(String, String)],
) -> Result<Vec<(String, String)>, ApiError> {
    if headers.len() > MAX_SIGNED_HEADERS {
        return Err(ApiError::bad_request(
            "headers",
            format!("a URL may sign at most {MAX_SIGNED_HEADERS} headers"),
        ));
    }
    if query.len() > MAX_QUERY_PARAMS {
        return Err(ApiError::bad_request(
            "query",
            format!("a URL may sign at most {MAX_QUERY_PARAMS} query parameters"),
        ));
    }
    crate::policy::headers(headers)?;
    crate::policy::query(query)?;
    let meta = metadata(headers.iter().filter_map(|(name, value)| {
        strip_prefix_ignore_case(name, "x-amz-meta-").map(|meta| (meta, value.as_str()))
    }))?;
    let mut meta = meta.into_iter();
    let mut out = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        if strip_prefix_ignore_case(name, "x-amz-meta-").is_some() {
            let (_, sent) = meta.next().unwrap_or_default();
            out.push((name.clone(), sent));
            continue;
        }
        if name.eq_ignore_ascii_case("content-type") {
            media_type("header content-type", value)?;
        }
        out.push((name.clone(), value.clone()));
    }
    for (name, value) in query {
        if let Some(header) = name.strip_prefix("response-") {
            if !client
                .response_overrides
                .iter()
                .any(|allowed| allowed == header)
            {
                return Err(ApiError::forbidden(
                    "response_overrides",
                    format!(
                        "client {:?} may not sign {name}: its response_overrides allow {}",
                        client.name,
                        if client.response_overrides.is_empty() {
                            "none".to_owned()
                        } else {
                            client.response_overrides.join(", ")
                        }
                    ),
                ));
            }
            if header == "content-type" {
                media_type("response-content-type", value)?;
                crate::policy::content_type(
                    &client.content_types,
                    &format!("client {:?}", client.name),
                    Some(value),
                )?;
            }
        }
        if name == "versionId" && method == Method::Delete && !client.delete_versions {
            return Err(ApiError::forbidden(
                "delete_versions",
                format!(
                    "client {:?} may not delete an object version (versionId on DELETE deletes it for good); allowed with delete_versions = true",
                    client.name
                ),
            ));
        }
    }
    Ok(out)
}

/// `uploadId` among the query parameters of native URLs for `keys` in
/// `bucket`: it must be an upload id the service answered for that bucket
/// and each key ([`UploadIds`]), and the storage's own id is signed in its
/// place. A bare storage id would name any upload the storage holds, and
/// not every storage binds its ids to their keys: a client would add parts
/// to, list or abort another key's upload, outside its prefix (finding 17).
///
/// # Errors
/// `upload_id` (403) as [`UploadIds`] refuses an id.
pub(crate) fn upload_id_query<'k>(
    ids: &UploadIds,
    bucket: &str,
    keys: impl IntoIterator<Item = &'k str>,
    query: &mut [(String, String)],
) -> Result<(), ApiError> {
    let Some((_, value)) = query.iter_mut().find(|(name, _)| name == "uploadId") else {
        return Ok(());
    };
    let mut storage_id = None;
    for key in keys {
        storage_id = Some(ids.open(bucket, key, value)?.to_owned());
    }
    if let Some(storage_id) = storage_id {
        *value = storage_id;
    }
    Ok(())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// The longest `Origin` an audit line keeps: a scheme, a host of 253 bytes
/// and a port fit.
pub(crate) const MAX_ORIGIN_BYTES: usize = 256;

/// A browser's `Origin` header as an audit line may keep it: the value when
/// it is an origin, `null` or `scheme://host[:port]` (a scheme of letters,
/// digits, `+ - .`; a host and port of letters, digits, `- . :` and the
/// brackets of an IPv6 address) of at most [`MAX_ORIGIN_BYTES`]; else
/// `None`. Anyone may send any Origin: it is what the request claims, never
/// who sent it, and the line must not carry the sender's text unbounded
/// (finding 18).
pub(crate) fn origin(value: &str) -> Option<&str> {
    if value == "null" {
        return Some(value);
    }
    let (scheme, host) = value.split_once("://")?;
    let scheme_is_one = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    let host_is_one = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']'));
    (value.len() <= MAX_ORIGIN_BYTES && scheme_is_one && host_is_one).then_some(value)
}

/// The most part numbers one request may name (S3's most parts).
pub(crate) const MAX_PART_NUMBERS: usize = 10_000;
/// The longest list of part numbers read: 10,000 numbers of up to five
/// digits and their commas.
const MAX_PART_NUMBERS_BYTES: usize = MAX_PART_NUMBERS * 6;

/// A part number given as text (a path segment): 1..=10000.
pub(crate) fn part_number(text: &str) -> Result<PartNumber, ApiError> {
    text.trim()
        .parse::<u64>()
        .ok()
        .and_then(|number| PartNumber::new(number).ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "partNumber",
                format!("part number {text:?} is not within 1..=10000"),
            )
        })
}

/// A part number given as a JSON number, refused under `rule`.
pub(crate) fn part_number_of(rule: &'static str, number: u64) -> Result<PartNumber, ApiError> {
    PartNumber::new(number).map_err(|error| ApiError::bad_request(rule, error.to_string()))
}

/// A comma-separated list of part numbers (`partNumbers=1,2,5`), bounded
/// before it is parsed, as distinct ascending numbers.
pub(crate) fn part_numbers(text: &str) -> Result<Vec<PartNumber>, ApiError> {
    if text.len() > MAX_PART_NUMBERS_BYTES || text.split(',').count() > MAX_PART_NUMBERS {
        return Err(ApiError::bad_request(
            "partNumbers",
            format!(
                "partNumbers names at most {MAX_PART_NUMBERS} part numbers in at most \
                 {MAX_PART_NUMBERS_BYTES} bytes"
            ),
        ));
    }
    let mut numbers = text
        .split(',')
        .map(part_number)
        .collect::<Result<Vec<_>, _>>()?;
    numbers.sort_unstable_by_key(|number| number.get());
    numbers.dedup_by_key(|number| number.get());
    Ok(numbers)
}

/// The method a native request asks a URL for: GET, PUT, HEAD or DELETE
/// (POST uploads are POST policies, from `/v1/post`).
pub(crate) fn method(text: &str) -> Result<Method, ApiError> {
    let method = text.parse::<Method>().map_err(|_| {
        ApiError::bad_request(
            "method",
            format!(
                "method {:?} is not one of GET, PUT, HEAD, DELETE",
                text.chars().take(32).collect::<String>()
            ),
        )
    })?;
    if method == Method::Post {
        return Err(ApiError::bad_request(
            "method",
            "POST uploads use a POST policy: ask /v1/post",
        ));
    }
    Ok(method)
}

#[cfg(test)]
mod tests {
    use super::{check_key, media_type, metadata};

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
            "cafe\u{301}/x",
            "col\u{b7}lecci\u{f3}.pdf",
            "a b+c",
            "\u{FF41}bc",
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
            "user1/\u{2025}/x",
            "user1/\u{FE30}/x",
            "user1/\u{2026}/x",
            "user1\u{2216}x",
            "user1/.\u{338}./x",
            "user1/\u{338}x",
            "user1/x\u{20EB}",
            "user1/.. /x",
            "user1/. ./x",
            "user1/ /x",
            "user1/x.",
            "user1/x /y",
            "user1/\u{2488}x",
        ] {
            assert_eq!(rule(key), Some("key_path"), "{key:?}");
        }
    }

    #[test]
    fn every_look_alike_is_refused() {
        // The list before NFKC was used, and what NFKC adds.
        for c in [
            '\\', '\u{2044}', '\u{2215}', '\u{29F8}', '\u{29F9}', '\u{FF0F}', '\u{FF3C}',
            '\u{FE68}', '\u{2571}', '\u{2572}', '\u{1735}', '\u{3033}', '\u{2024}', '\u{FE52}',
            '\u{FF0E}', '\u{3002}', '\u{FF61}', '\u{2E31}', '\u{2025}', '\u{FE30}', '\u{2026}',
            '\u{2216}', '\u{2488}', '\u{2100}',
        ] {
            assert_eq!(
                rule(&format!("a{c}b")),
                Some("key_path"),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn control_invisible_placeholder_and_long_keys_are_refused() {
        for key in [
            "a\0b",
            "a\nb",
            "a\u{7f}",
            "a\u{202E}gnp.exe",
            "a\u{200B}b",
            "a/${filename}",
        ] {
            assert_eq!(rule(key), Some("key_characters"), "{key:?}");
        }
        assert_eq!(rule(""), Some("key_length"));
        assert_eq!(rule(&"k".repeat(1025)), Some("key_length"));
        assert_eq!(rule(&"k".repeat(1024)), None);
    }

    #[test]
    fn one_media_type_only() {
        for good in [
            "image/png",
            "IMAGE/PNG",
            "text/plain; charset=utf-8",
            "a/b;charset=x",
        ] {
            assert!(media_type("type", good).is_ok(), "{good:?}");
        }
        for bad in [
            "image/png;,text/html",
            "image/png,text/html",
            "image/*",
            "*/*",
            "image/png; charset=\"utf-8\"",
            "text/html; x=y",
            "image/png; charset=utf-8; q=1",
            "image",
            "",
            " image/png",
        ] {
            assert!(media_type("type", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn origins_are_kept_only_when_they_are_one() {
        for good in [
            "https://app.example.com",
            "http://localhost:8080",
            "http://[::1]:3000",
            "null",
            "chrome-extension://abcdef",
        ] {
            assert_eq!(super::origin(good), Some(good));
        }
        let long = format!("https://{}.example", "a".repeat(250));
        for bad in [
            "",
            "app.example.com",
            "https://",
            "https://a.example/path",
            "https://a.example\"}",
            "1http://a.example",
            "https://a b",
            long.as_str(),
        ] {
            assert_eq!(super::origin(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn metadata_is_bounded_and_encoded() {
        let sent = metadata([("owner", "\u{e5}lice")]).unwrap_or_default();
        assert_eq!(
            sent,
            [("owner".to_owned(), "=?UTF-8?B?w6VsaWNl?=".to_owned())]
        );
        for (name, value) in [("", "x"), (".", "x"), ("a b", "x"), ("a", "x\r\ny")] {
            assert!(metadata([(name, value)]).is_err(), "{name:?}={value:?}");
        }
        let big = "v".repeat(2048);
        assert_eq!(
            metadata([("a", big.as_str())]).err().and_then(|e| e.rule),
            Some("metadata_size")
        );
    }
}
