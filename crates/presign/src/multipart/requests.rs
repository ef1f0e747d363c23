//! The five multipart operations as [`PresignRequest`]s, ready for
//! [`crate::presign()`].
//!
//! Each request starts from a *base* request that names the object (endpoint,
//! bucket, key, region, expiry, addressing style and any signed headers);
//! its method is replaced and the operation's query parameters come first in
//! the URL, in the order botocore 1.43.11 writes them when its `Params` list
//! the members in the order of the S3 model (`Bucket`, `Key`, then the query
//! members as the model lists them):
//!
//! | operation | method | query, in URL order |
//! | --- | --- | --- |
//! | CreateMultipartUpload | POST | `uploads=` |
//! | UploadPart | PUT | `partNumber`, `uploadId` |
//! | ListParts | GET | (`max-parts`), (`part-number-marker`), `uploadId` |
//! | CompleteMultipartUpload | POST | `uploadId` |
//! | AbortMultipartUpload | DELETE | `uploadId` |
//!
//! The canonical query is sorted whatever the URL order, so the order changes
//! the URL's bytes, never its signature.

use std::fmt;

use super::error::MultipartError;
use crate::request::{Method, PresignRequest};

/// S3's largest part number (and part count).
pub const MAX_PARTS: u32 = 10_000;

/// A part number: 1..=10000.
///
/// # Example
/// ```
/// use presign::multipart::PartNumber;
///
/// let first = PartNumber::new(1)?;
/// assert_eq!(first.get(), 1);
/// assert!(PartNumber::new(0).is_err());
/// assert!(PartNumber::new(10_001).is_err());
/// # Ok::<(), presign::multipart::MultipartError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartNumber(pub(crate) u32);

impl PartNumber {
    /// The first part.
    pub const FIRST: Self = Self(1);

    /// Checks `number` against S3's range.
    ///
    /// # Errors
    /// [`MultipartError::PartNumberOutOfRange`] outside 1..=10000.
    pub fn new(number: u64) -> Result<Self, MultipartError> {
        match u32::try_from(number) {
            Ok(n) if (1..=MAX_PARTS).contains(&n) => Ok(Self(n)),
            _ => Err(MultipartError::PartNumberOutOfRange { number }),
        }
    }

    /// The number.
    #[must_use]
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for PartNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `base` with `method` and the operation's query parameters first.
fn operation(base: &PresignRequest, method: Method, query: &[(&str, &str)]) -> PresignRequest {
    let mut request = base.clone();
    request.method = method;
    let own = query
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()));
    request.query = own.chain(base.query.iter().cloned()).collect();
    request
}

/// CreateMultipartUpload: `POST /key?uploads=`. Headers of `base` (say
/// `Content-Type` or `x-amz-meta-*`) become the object's, and are signed.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{presign, Credentials, Method, PresignRequest};
/// use presign::multipart::create_multipart_upload;
///
/// let object = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "big.bin")
///     .header("Content-Type", "application/octet-stream");
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let create = presign(&create_multipart_upload(&object), &credentials, now)?;
/// assert_eq!(create.method(), Method::Post);
/// assert!(create.url().starts_with("http://127.0.0.1:9000/bucket/big.bin?uploads=&X-Amz-Algorithm="));
/// # Ok::<(), presign::PresignError>(())
/// ```
#[must_use]
pub fn create_multipart_upload(base: &PresignRequest) -> PresignRequest {
    operation(base, Method::Post, &[("uploads", "")])
}

/// ListMultipartUploads: `GET /?prefix=P&uploads=` on the bucket of
/// `bucket` (its key is not used): the uploads in progress whose keys start
/// with `prefix` (`""`: all). `after`, the `NextKeyMarker` and
/// `NextUploadIdMarker` of a truncated answer, asks for the next page.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{presign, Credentials, Method, PresignRequest};
/// use presign::multipart::list_multipart_uploads;
///
/// let bucket = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "");
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let list = presign(&list_multipart_uploads(&bucket, "videos/", None), &credentials, now)?;
/// assert!(list.url().starts_with("http://127.0.0.1:9000/bucket?prefix=videos%2F&uploads=&X-Amz-"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn list_multipart_uploads(
    bucket: &PresignRequest,
    prefix: &str,
    after: Option<(&str, &str)>,
) -> PresignRequest {
    let mut query: Vec<(&str, &str)> = Vec::with_capacity(4);
    if let Some((key, _)) = after {
        query.push(("key-marker", key));
    }
    if !prefix.is_empty() {
        query.push(("prefix", prefix));
    }
    if let Some((_, upload_id)) = after {
        query.push(("upload-id-marker", upload_id));
    }
    query.push(("uploads", ""));
    let mut request = operation(bucket, Method::Get, &query);
    request.key.clear();
    request.bucket_operation(true)
}

/// One multipart upload (an object and its upload id): the requests that
/// use the upload id.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{presign, Credentials, Method, PresignRequest};
/// use presign::multipart::{MultipartUpload, PartNumber};
///
/// let object = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "big.bin");
/// let upload = MultipartUpload::new(&object, "VXBsb2FkIElE")?;
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let part = presign(&upload.upload_part(PartNumber::new(2)?), &credentials, now)?;
/// assert!(part.url().starts_with("http://127.0.0.1:9000/bucket/big.bin?partNumber=2&uploadId=VXBsb2FkIElE&X-Amz-Algorithm="));
/// let complete = presign(&upload.complete(), &credentials, now)?;
/// assert_eq!(complete.method(), Method::Post);
/// assert_eq!(presign(&upload.abort(), &credentials, now)?.method(), Method::Delete);
/// assert_eq!(presign(&upload.list_parts(), &credentials, now)?.method(), Method::Get);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct MultipartUpload {
    object: PresignRequest,
    upload_id: String,
}

impl MultipartUpload {
    /// The upload `upload_id` (from [`super::InitiateMultipartUploadResult`])
    /// of the object `object` names. The headers of `object` are signed
    /// into every request made here, so for part URLs pass one without
    /// headers.
    ///
    /// # Errors
    /// [`MultipartError::EmptyUploadId`] when `upload_id` is empty.
    pub fn new(
        object: &PresignRequest,
        upload_id: impl Into<String>,
    ) -> Result<Self, MultipartError> {
        let upload_id = upload_id.into();
        if upload_id.is_empty() {
            return Err(MultipartError::EmptyUploadId);
        }
        Ok(Self {
            object: object.clone(),
            upload_id,
        })
    }

    /// The upload id.
    #[must_use]
    pub fn upload_id(&self) -> &str {
        &self.upload_id
    }

    /// The request the upload's object was given as.
    #[must_use]
    pub fn object(&self) -> &PresignRequest {
        &self.object
    }

    /// UploadPart: `PUT /key?partNumber=N&uploadId=ID`. The client sends the
    /// part's bytes with its `Content-Length`; its answer's `ETag` header is
    /// what [`super::complete_multipart_upload_body`] needs.
    #[must_use]
    pub fn upload_part(&self, part: PartNumber) -> PresignRequest {
        let number = part.get().to_string();
        operation(
            &self.object,
            Method::Put,
            &[("partNumber", &number), ("uploadId", &self.upload_id)],
        )
    }

    /// ListParts: `GET /key?uploadId=ID`, the first page (up to 1000 parts).
    #[must_use]
    pub fn list_parts(&self) -> PresignRequest {
        operation(&self.object, Method::Get, &[("uploadId", &self.upload_id)])
    }

    /// ListParts from after part `marker` on:
    /// `GET /key?part-number-marker=M&uploadId=ID` (the next page when an
    /// answer says `IsTruncated`, with its `NextPartNumberMarker`).
    #[must_use]
    pub fn list_parts_after(&self, marker: PartNumber) -> PresignRequest {
        let marker = marker.get().to_string();
        operation(
            &self.object,
            Method::Get,
            &[
                ("part-number-marker", &marker),
                ("uploadId", &self.upload_id),
            ],
        )
    }

    /// CompleteMultipartUpload: `POST /key?uploadId=ID`, with the body
    /// [`super::complete_multipart_upload_body`] writes.
    #[must_use]
    pub fn complete(&self) -> PresignRequest {
        operation(&self.object, Method::Post, &[("uploadId", &self.upload_id)])
    }

    /// AbortMultipartUpload: `DELETE /key?uploadId=ID` (the parts uploaded so
    /// far are deleted).
    #[must_use]
    pub fn abort(&self) -> PresignRequest {
        operation(
            &self.object,
            Method::Delete,
            &[("uploadId", &self.upload_id)],
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{AmzDate, Credentials, presign};

    /// botocore 1.43.11, `generate_presigned_url` with Params in model order
    /// (`scripts/botocore_presign.py` inputs), path style on
    /// http://127.0.0.1:9000, key "a b/key.bin", upload id "up/load+id==",
    /// the AWS example keys, 2013-05-24T00:00:00Z, 3600 s.
    #[test]
    fn urls_match_botocore_byte_for_byte() {
        let credentials = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        let now = AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")
            .unwrap()
            .to_system_time();
        let object = PresignRequest::new(
            Method::Get,
            "http://127.0.0.1:9000",
            "bucket",
            "a b/key.bin",
        )
        .expires_in(Duration::from_secs(3600));
        let upload = MultipartUpload::new(&object, "up/load+id==").unwrap();
        let prefix = "http://127.0.0.1:9000/bucket/a%20b/key.bin?";
        let auth = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=";
        let id = "uploadId=up%2Fload%2Bid%3D%3D";
        for (request, query, signature) in [
            (
                create_multipart_upload(&object),
                "uploads=".to_owned(),
                "9cdc4fcef06fa819af156788f021f2f2293c20f2abdd9eed8d933ecdb87f8371",
            ),
            (
                upload.upload_part(PartNumber::new(3).unwrap()),
                format!("partNumber=3&{id}"),
                "cf413b6f10e630b1ede0532c313d8317bfa58e45363817c5f3caf3db25ada273",
            ),
            (
                upload.list_parts(),
                id.to_owned(),
                "1106201a48294d0148d17b1c4a650a32d9b4aa4cd0b789a21648d265b7c585fe",
            ),
            (
                upload.complete(),
                id.to_owned(),
                "8f0ab80d14fc9bfddf90393536ac24f841d6a40be96de28184b6c77a37f56068",
            ),
            (
                upload.abort(),
                id.to_owned(),
                "9a894b865b037d1463ab81f548bd8b3e7fd074ac735354a6bd69f96c61fe58cb",
            ),
        ] {
            let presigned = presign(&request, &credentials, now).unwrap();
            assert_eq!(
                presigned.url(),
                format!("{prefix}{query}&{auth}{signature}")
            );
        }
    }

    #[test]
    fn the_base_method_is_replaced_and_its_query_follows() {
        let object =
            PresignRequest::new(Method::Head, "http://h", "bucket", "k").query("x-id", "1");
        let upload = MultipartUpload::new(&object, "U").unwrap();
        let part = upload.upload_part(PartNumber::new(7).unwrap());
        assert_eq!(part.method(), Method::Put);
        let names: Vec<&str> = part.query_pairs().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["partNumber", "uploadId", "x-id"]);
        let after = upload.list_parts_after(PartNumber::new(1000).unwrap());
        assert_eq!(
            after.query_pairs()[..2],
            [
                ("part-number-marker".to_owned(), "1000".to_owned()),
                ("uploadId".to_owned(), "U".to_owned())
            ]
        );
    }

    #[test]
    fn part_numbers_and_upload_ids_are_checked() {
        assert_eq!(PartNumber::new(10_000).unwrap().get(), 10_000);
        assert_eq!(
            PartNumber::new(0),
            Err(MultipartError::PartNumberOutOfRange { number: 0 })
        );
        assert!(PartNumber::new(u64::from(u32::MAX) + 1).is_err());
        let object = PresignRequest::new(Method::Get, "http://h", "bucket", "k");
        assert_eq!(
            MultipartUpload::new(&object, "").unwrap_err(),
            MultipartError::EmptyUploadId
        );
    }
}
