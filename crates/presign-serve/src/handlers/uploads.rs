//! Multipart uploads once created, as both APIs handle them: opening one by
//! the upload id the service answered (bound to its bucket and key), and
//! completing it with exactly the parts the storage lists (issue 20,
//! finding 4). The native routes (`/v1/multipart/...`) and the Companion
//! routes (`/s3/multipart/...`) differ in how they are asked, not in these
//! rules.

use std::collections::BTreeMap;
use std::time::Duration;

use presign::Method;
use presign::multipart::{
    CompleteMultipartUploadResult, CompletedPart, ListedPart, MultipartUpload,
};

use crate::error::ApiError;
use crate::input;
use crate::state::AppState;

/// The upload `upload_id` (as the service answered it: bound to `key`)
/// names in `bucket`, its requests signed for `expiry`; a 403 when it was
/// issued for another key or not by the service, a 400 naming `field` (the
/// route's name for the upload id) when the storage's id is unusable.
pub(crate) fn open(
    state: &AppState,
    bucket: &str,
    key: &str,
    upload_id: &str,
    expiry: Duration,
    field: &'static str,
) -> Result<MultipartUpload, ApiError> {
    let storage_id = state.upload_ids.open(bucket, key, upload_id)?;
    let object = state
        .target(bucket)?
        .request(Method::Get, key, expiry, &[], &[]);
    MultipartUpload::new(&object, storage_id)
        .map_err(|error| ApiError::bad_request(field, error.to_string()))
}

/// The parts the storage lists for `upload` (the service calls ListParts,
/// signed as of now).
pub(crate) async fn list(
    state: &AppState,
    upload: &MultipartUpload,
) -> Result<Vec<ListedPart>, ApiError> {
    let now = state.now();
    let current = state.signer_for(upload.object(), now).await?;
    state.storage.list_parts(upload, &current.signer, now).await
}

/// Discards `upload` and its parts (the service calls
/// AbortMultipartUpload, signed as of now).
pub(crate) async fn abort(state: &AppState, upload: &MultipartUpload) -> Result<(), ApiError> {
    let now = state.now();
    let current = state.signer_for(upload.object(), now).await?;
    state.storage.abort(upload, &current.signer, now).await
}

/// An ETag without its double quotes (clients send either form).
fn bare_etag(etag: &str) -> &str {
    etag.trim().trim_matches('"')
}

/// The listed ETag of `part`, when the storage lists one.
fn listed_etag(part: &ListedPart) -> Option<&str> {
    part.etag
        .as_deref()
        .filter(|etag| !bare_etag(etag).is_empty())
}

/// The parts to complete with (the `named` ones, part number and ETag as the
/// client gave them, as the storage lists them; when none is named, every
/// listed part), their total size, and whether a part's ETag could not be
/// checked (the storage lists none).
fn listed_parts(
    listed: &[ListedPart],
    named: &[(u64, &str)],
) -> Result<(Vec<CompletedPart>, u64, bool), ApiError> {
    let mut parts = Vec::with_capacity(named.len().max(listed.len()));
    let mut size = 0u64;
    let mut unchecked = false;
    // Every version the storage lists of each part (SeaweedFS lists a part
    // uploaded again twice), by number: no quadratic search for a body of
    // 10,000 parts.
    let mut by_number: BTreeMap<u32, Vec<&ListedPart>> = BTreeMap::new();
    for part in listed {
        by_number.entry(part.number.get()).or_default().push(part);
    }
    if named.is_empty() {
        for versions in by_number.values() {
            let Some(part) = versions.first() else {
                continue;
            };
            let number = part.number.get();
            if versions.len() > 1 {
                return Err(ApiError::new(
                    axum::http::StatusCode::CONFLICT,
                    Some("parts"),
                    format!(
                        "the storage lists part {number} more than once (it was uploaded again): name the parts and their ETags"
                    ),
                ));
            }
            let etag = listed_etag(part).ok_or_else(|| {
                ApiError::new(
                    axum::http::StatusCode::CONFLICT,
                    Some("parts"),
                    format!("the storage lists part {number} without its ETag: name the parts and the ETags their uploads answered"),
                )
            })?;
            parts.push(CompletedPart::new(part.number, etag));
            size = size.saturating_add(part.size);
        }
        if parts.is_empty() {
            return Err(ApiError::bad_request(
                "parts",
                "no part of the upload has been uploaded: upload at least one part before completing",
            ));
        }
        return Ok((parts, size, false));
    }
    let mut seen = std::collections::BTreeSet::new();
    for &(number, etag) in named {
        let number = input::part_number_of("parts", number)?;
        if !seen.insert(number.get()) {
            return Err(ApiError::bad_request(
                "parts",
                format!(
                    "part {} is named more than once; name each part once",
                    number.get()
                ),
            ));
        }
        let candidates = by_number.get(&number.get()).map_or(&[][..], Vec::as_slice);
        let chosen = match candidates {
            [] => {
                return Err(ApiError::bad_request(
                    "parts",
                    format!(
                        "part {} is not among the parts the storage lists for this upload: upload it first",
                        number.get()
                    ),
                ));
            }
            // A storage that lists no ETag (s3s-fs) cannot be checked here;
            // the object's size is checked after completion instead.
            [only] if listed_etag(only).is_none() => {
                unchecked = true;
                CompletedPart::new(number, etag.trim())
            }
            candidates => {
                let found = candidates.iter().find_map(|part| {
                    listed_etag(part)
                        .filter(|listed| bare_etag(listed) == bare_etag(etag))
                        .map(|listed| (listed, part.size))
                });
                let Some((listed, part_size)) = found else {
                    return Err(ApiError::new(
                        axum::http::StatusCode::CONFLICT,
                        Some("etag"),
                        format!(
                            "part {}'s ETag is not the one the storage lists for it: name the ETag its upload answered, or upload the part again",
                            number.get()
                        ),
                    ));
                };
                size = size.saturating_add(part_size);
                parts.push(CompletedPart::new(number, listed));
                continue;
            }
        };
        size = size.saturating_add(candidates.first().map_or(0, |part| part.size));
        parts.push(chosen);
    }
    Ok((parts, size, unchecked))
}

/// Completes `upload` with exactly the parts the storage lists (issue 20,
/// finding 4): ListParts, then the `named` parts (or every listed part when
/// none is named) with the listed ETags, their size checked against
/// `max_size` (an upload over it is aborted), then CompleteMultipartUpload
/// with those parts only. A part replaced in between has another ETag, so
/// the storage refuses it. For a storage that lists no ETags the object's
/// size is checked once more after completion, and an object over
/// `max_size` is deleted.
pub(crate) async fn complete_listed(
    state: &AppState,
    upload: &MultipartUpload,
    named: &[(u64, &str)],
    max_size: Option<u64>,
    owner: &str,
) -> Result<CompleteMultipartUploadResult, ApiError> {
    let listed = list(state, upload).await?;
    let (parts, size, unchecked) = listed_parts(&listed, named)?;
    if let Some(max) = max_size
        && size > max
    {
        abort(state, upload).await?;
        return Err(ApiError::forbidden(
            "max_size",
            format!(
                "the upload holds {size} bytes, above the max_size of {owner}: {max} bytes; it was aborted"
            ),
        ));
    }
    let now = state.now();
    let current = state.signer_for(upload.object(), now).await?;
    let result = state
        .storage
        .complete(upload, &parts, &current.signer, now)
        .await?;
    let Some(max) = max_size.filter(|_| unchecked) else {
        return Ok(result);
    };
    let object = upload.object();
    let now = state.now();
    let current = state.signer_for(object, now).await?;
    let size = state
        .storage
        .object_size(object, &current.signer, now)
        .await?;
    if let Some(size) = size.filter(|size| *size > max) {
        // The object's own request, as a DELETE: its host and signing form
        // are the bucket's (an access point's host label is no bucket name).
        let delete = object.clone().with_method(Method::Delete);
        let now = state.now();
        let current = state.signer_for(object, now).await?;
        state
            .storage
            .delete_object(&delete, &current.signer, now)
            .await?;
        return Err(ApiError::forbidden(
            "max_size",
            format!(
                "the object assembled holds {size} bytes, above the max_size of {owner}: {max} bytes (a part was replaced while it was completed); it was deleted"
            ),
        ));
    }
    Ok(result)
}
