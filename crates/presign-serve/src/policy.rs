//! A client's policy, checked before anything is signed: bucket, key prefix,
//! method, expiry, content type, size, and which headers and query
//! parameters a URL may sign. Every refusal names its rule.

use presign::Method;

use crate::content_type::ContentTypes;
use crate::error::ApiError;
use crate::input;
use crate::settings::Client;

/// Query parameters a URL may carry: response overrides, a version, and a
/// multipart part. Others (`acl`, `tagging`, `uploads`, ...) would turn the
/// URL into another operation than the object's.
const ALLOWED_QUERY: [&str; 9] = [
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "versionId",
    "partNumber",
    "uploadId",
];

/// Headers a URL may sign, besides `x-amz-meta-*` and `x-amz-checksum-*`.
/// Others (`x-amz-acl`, `x-amz-grant-*`, `x-amz-copy-source`, ...) would
/// grant or do more than storing the object.
const ALLOWED_HEADERS: [&str; 11] = [
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-length",
    "content-md5",
    "content-type",
    "expires",
    "if-match",
    "if-none-match",
    "x-amz-storage-class",
];

/// The bucket to use: the one asked for if the client may use it, else the
/// client's first.
pub(crate) fn bucket<'a>(
    client: &'a Client,
    requested: Option<&'a str>,
) -> Result<&'a str, ApiError> {
    match requested {
        None => Ok(client.buckets.first().map_or("", String::as_str)),
        Some(bucket) if client.buckets.iter().any(|allowed| allowed == bucket) => Ok(bucket),
        Some(bucket) => Err(ApiError::forbidden(
            "bucket",
            format!(
                "client {:?} may not use bucket {bucket:?}; allowed: {}",
                client.name,
                client.buckets.join(", ")
            ),
        )),
    }
}

/// The method must be one of the client's `methods`.
pub(crate) fn method(client: &Client, method: Method) -> Result<(), ApiError> {
    if client.methods.contains(&method) {
        return Ok(());
    }
    let allowed: Vec<&str> = client.methods.iter().map(|m| m.as_str()).collect();
    Err(ApiError::forbidden(
        "method",
        format!(
            "client {:?} may not sign {method}; allowed: {}",
            client.name,
            allowed.join(", ")
        ),
    ))
}

/// The key must pass [`input::check_key`] and lie under the client's
/// `key_prefix` (a folder: `user1/` never covers `user10/`).
pub(crate) fn key(client: &Client, key: &str) -> Result<(), ApiError> {
    input::check_key(key)?;
    if key.starts_with(&client.key_prefix) && key.len() > client.key_prefix.len() {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "key_prefix",
        format!(
            "client {:?} may only sign keys under {:?}",
            client.name, client.key_prefix
        ),
    ))
}

/// The expiry asked for, else the smaller of an hour and the client's
/// maximum; never above `max_expires_in`.
pub(crate) fn expires_in(client: &Client, requested: Option<u64>) -> Result<u64, ApiError> {
    match requested {
        None => Ok(client.max_expires_in.min(presign::DEFAULT_EXPIRES_SECS)),
        Some(0) => Err(ApiError::bad_request(
            "expires_in",
            "expires_in must be at least 1 second",
        )),
        Some(seconds) if seconds <= client.max_expires_in => Ok(seconds),
        Some(seconds) => Err(ApiError::forbidden(
            "max_expires_in",
            format!(
                "expires_in {seconds} is above client {:?}'s max_expires_in of {} seconds",
                client.name, client.max_expires_in
            ),
        )),
    }
}

/// For an upload: the content type must be one media type
/// ([`input::media_type`]) the list allows (no list: any but the
/// script-capable ones), and given when the list is not empty.
pub(crate) fn content_type(
    types: &ContentTypes,
    owner: &str,
    content_type: Option<&str>,
) -> Result<(), ApiError> {
    let parsed = content_type
        .map(|value| input::media_type("content type", value))
        .transpose()?;
    let allowed = if types.allows_any() {
        "any type but those a browser runs script in (HTML, SVG, XML, XSL, JavaScript), which content_types must name".to_owned()
    } else {
        types.patterns().join(", ")
    };
    match (content_type, parsed) {
        (Some(_), Some(parsed)) if types.allows_type(&parsed) => Ok(()),
        (None, _) if types.allows_any() => Ok(()),
        (Some(value), _) => Err(ApiError::forbidden(
            "content_type",
            format!("content type {value:?} is not allowed for {owner}; allowed: {allowed}"),
        )),
        (None, _) => Err(ApiError::forbidden(
            "content_type",
            format!("{owner} must name the content type of uploads; allowed: {allowed}"),
        )),
    }
}

/// For an upload of `size` bytes (if known): at most `max_size`.
pub(crate) fn size(max_size: Option<u64>, owner: &str, size: Option<u64>) -> Result<(), ApiError> {
    match (max_size, size) {
        (Some(max), Some(size)) if size > max => Err(ApiError::forbidden(
            "max_size",
            format!("{size} bytes is above the max_size of {owner}: {max} bytes"),
        )),
        (Some(max), None) => Err(ApiError::forbidden(
            "max_size",
            format!("{owner} must state the size of uploads (at most {max} bytes)"),
        )),
        _ => Ok(()),
    }
}

/// Every header must be one a URL may sign (see [`ALLOWED_HEADERS`]).
pub(crate) fn headers(headers: &[(String, String)]) -> Result<(), ApiError> {
    for (name, _) in headers {
        let lower = name.to_ascii_lowercase();
        let allowed = ALLOWED_HEADERS.contains(&lower.as_str())
            || lower.starts_with("x-amz-meta-")
            || lower.starts_with("x-amz-checksum-");
        if !allowed {
            return Err(ApiError::forbidden(
                "headers",
                format!(
                    "header {name:?} may not be signed; allowed: {}, x-amz-meta-*, x-amz-checksum-*",
                    ALLOWED_HEADERS.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Every query parameter must be one a URL may carry (see [`ALLOWED_QUERY`]).
pub(crate) fn query(query: &[(String, String)]) -> Result<(), ApiError> {
    for (name, _) in query {
        if !ALLOWED_QUERY.contains(&name.as_str()) {
            return Err(ApiError::forbidden(
                "query",
                format!(
                    "query parameter {name:?} may not be signed; allowed: {}",
                    ALLOWED_QUERY.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The value of header `name` (any case) among `headers`.
#[must_use]
pub(crate) fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
