//! S3's XML answers to the multipart operations, read into plain structs.
//!
//! Each `parse` takes the answer's body. When the body is an S3 `<Error>`
//! instead (CompleteMultipartUpload may answer 200 with one, after the parts
//! were checked), the result is [`AnswerError::Service`] with that error.

use super::requests::PartNumber;
use crate::s3_answer::{
    AnswerError, children, expect_root, flag, invalid, optional_number, parse_document,
    required_text,
};

/// CreateMultipartUpload's answer.
///
/// # Example
/// ```
/// use presign::multipart::InitiateMultipartUploadResult;
///
/// let answer = InitiateMultipartUploadResult::parse(r#"<?xml version="1.0" encoding="UTF-8"?>
/// <InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
///   <Bucket>bucket</Bucket><Key>big.bin</Key><UploadId>VXBsb2FkIElE</UploadId>
/// </InitiateMultipartUploadResult>"#)?;
/// assert_eq!(answer.upload_id, "VXBsb2FkIElE");
/// assert_eq!(answer.key.as_deref(), Some("big.bin"));
/// # Ok::<(), presign::AnswerError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InitiateMultipartUploadResult {
    /// `<Bucket>`, when the server names it.
    pub bucket: Option<String>,
    /// `<Key>`, when the server names it.
    pub key: Option<String>,
    /// `<UploadId>`: what every later request of the upload names.
    pub upload_id: String,
}

impl InitiateMultipartUploadResult {
    const DOCUMENT: &'static str = "InitiateMultipartUploadResult";

    /// Reads the answer.
    ///
    /// # Errors
    /// [`AnswerError`]: not XML, another document, no `<UploadId>`, or an
    /// S3 `<Error>` ([`AnswerError::Service`]).
    pub fn parse(body: &str) -> Result<Self, AnswerError> {
        let document = parse_document(body)?;
        let root = document.root_element();
        expect_root(root, Self::DOCUMENT)?;
        Ok(Self {
            bucket: optional_text(root, "Bucket"),
            key: optional_text(root, "Key"),
            upload_id: required_text(root, Self::DOCUMENT, "UploadId")?.to_owned(),
        })
    }
}

/// One part in a ListParts answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListedPart {
    /// `<PartNumber>`.
    pub number: PartNumber,
    /// `<ETag>`, verbatim (usually in double quotes). Some servers (s3s-fs)
    /// list parts without it; CompleteMultipartUpload needs it, so such a
    /// part must be uploaded again to learn it.
    pub etag: Option<String>,
    /// `<Size>` in bytes.
    pub size: u64,
    /// `<LastModified>`, as written (ISO 8601), when given.
    pub last_modified: Option<String>,
}

/// ListParts' answer: one page of the parts uploaded so far.
///
/// # Example
/// ```
/// use presign::multipart::ListPartsResult;
///
/// let page = ListPartsResult::parse(r#"<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
///   <Bucket>bucket</Bucket><Key>big.bin</Key><UploadId>U</UploadId>
///   <PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker>
///   <MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>
///   <Part><PartNumber>1</PartNumber><ETag>"a1"</ETag><Size>5242880</Size></Part>
///   <Part><PartNumber>2</PartNumber><ETag>"b2"</ETag><Size>17</Size></Part>
/// </ListPartsResult>"#)?;
/// assert_eq!(page.parts.len(), 2);
/// assert_eq!(page.parts[1].etag.as_deref(), Some("\"b2\""));
/// assert!(!page.is_truncated);
/// # Ok::<(), presign::AnswerError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListPartsResult {
    /// `<UploadId>`, when given.
    pub upload_id: Option<String>,
    /// `<Part>` elements, in the order listed.
    pub parts: Vec<ListedPart>,
    /// `<IsTruncated>`: more parts follow on a later page.
    pub is_truncated: bool,
    /// `<NextPartNumberMarker>`: where the next page starts, when truncated.
    pub next_part_number_marker: Option<u64>,
    /// `<MaxParts>`, when given.
    pub max_parts: Option<u64>,
}

impl ListPartsResult {
    const DOCUMENT: &'static str = "ListPartsResult";

    /// Reads the answer.
    ///
    /// # Errors
    /// [`AnswerError`]: not XML, another document, a part without number
    /// or size or with a value of the wrong kind, or an S3 `<Error>`
    /// ([`AnswerError::Service`]).
    pub fn parse(body: &str) -> Result<Self, AnswerError> {
        let document = parse_document(body)?;
        let root = document.root_element();
        expect_root(root, Self::DOCUMENT)?;
        let mut parts = Vec::new();
        for part in children(root, "Part") {
            let number_text = required_text(part, "Part", "PartNumber")?.trim();
            let number = number_text
                .parse::<u64>()
                .ok()
                .and_then(|n| PartNumber::new(n).ok())
                .ok_or_else(|| invalid("PartNumber", number_text, "a part number 1..=10000"))?;
            let size = optional_number(part, "Size")?.ok_or(AnswerError::MissingElement {
                document: "Part",
                element: "Size",
            })?;
            parts.push(ListedPart {
                number,
                etag: optional_text(part, "ETag").filter(|etag| !etag.is_empty()),
                size,
                last_modified: optional_text(part, "LastModified"),
            });
        }
        Ok(Self {
            upload_id: optional_text(root, "UploadId"),
            parts,
            is_truncated: flag(root, "IsTruncated")?,
            next_part_number_marker: optional_number(root, "NextPartNumberMarker")?,
            max_parts: optional_number(root, "MaxParts")?,
        })
    }
}

/// CompleteMultipartUpload's answer when the object was assembled.
///
/// # Example
/// ```
/// use presign::AnswerError;
/// use presign::multipart::CompleteMultipartUploadResult;
///
/// let done = CompleteMultipartUploadResult::parse("<CompleteMultipartUploadResult><Location>http://h/b/k</Location><Bucket>b</Bucket><Key>k</Key><ETag>\"3858f62230ac3c915f300c664312c11f-2\"</ETag></CompleteMultipartUploadResult>")?;
/// assert_eq!(done.etag.as_deref(), Some("\"3858f62230ac3c915f300c664312c11f-2\""));
///
/// // A 200 answer that is an error after all:
/// let failed = CompleteMultipartUploadResult::parse("<Error><Code>InternalError</Code><Message>try again</Message></Error>");
/// assert!(matches!(failed, Err(AnswerError::Service(error)) if error.code.as_deref() == Some("InternalError")));
/// # Ok::<(), presign::AnswerError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompleteMultipartUploadResult {
    /// `<Location>`: the object's URL, when given.
    pub location: Option<String>,
    /// `<Bucket>`, when given.
    pub bucket: Option<String>,
    /// `<Key>`, when given.
    pub key: Option<String>,
    /// `<ETag>` of the assembled object, when given.
    pub etag: Option<String>,
}

impl CompleteMultipartUploadResult {
    const DOCUMENT: &'static str = "CompleteMultipartUploadResult";

    /// Reads the answer.
    ///
    /// # Errors
    /// [`AnswerError`]: not XML, another document, or an S3 `<Error>`
    /// ([`AnswerError::Service`]).
    pub fn parse(body: &str) -> Result<Self, AnswerError> {
        let document = parse_document(body)?;
        let root = document.root_element();
        expect_root(root, Self::DOCUMENT)?;
        Ok(Self {
            location: optional_text(root, "Location"),
            bucket: optional_text(root, "Bucket"),
            key: optional_text(root, "Key"),
            etag: optional_text(root, "ETag"),
        })
    }
}

fn optional_text(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    crate::s3_answer::child_text(node, name).map(str::to_owned)
}

/// One upload in progress, as ListMultipartUploads lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListedUpload {
    /// `<Key>`.
    pub key: String,
    /// `<UploadId>`.
    pub upload_id: String,
    /// `<Initiated>`, as the server wrote it.
    pub initiated: Option<String>,
}

/// The answer to ListMultipartUploads.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListMultipartUploadsResult {
    /// `<Upload>` elements, in the order listed.
    pub uploads: Vec<ListedUpload>,
    /// `<IsTruncated>`: more uploads follow on a later page.
    pub is_truncated: bool,
    /// `<NextKeyMarker>`, when truncated.
    pub next_key_marker: Option<String>,
    /// `<NextUploadIdMarker>`, when truncated.
    pub next_upload_id_marker: Option<String>,
}

impl ListMultipartUploadsResult {
    const DOCUMENT: &'static str = "ListMultipartUploadsResult";

    /// Reads the answer.
    ///
    /// # Errors
    /// [`AnswerError`]: not XML, another document, an upload without key or
    /// upload id, or an S3 `<Error>` ([`AnswerError::Service`]).
    pub fn parse(body: &str) -> Result<Self, AnswerError> {
        let document = parse_document(body)?;
        let root = document.root_element();
        expect_root(root, Self::DOCUMENT)?;
        let mut uploads = Vec::new();
        for upload in children(root, "Upload") {
            uploads.push(ListedUpload {
                key: required_text(upload, "Upload", "Key")?.to_owned(),
                upload_id: required_text(upload, "Upload", "UploadId")?
                    .trim()
                    .to_owned(),
                initiated: optional_text(upload, "Initiated"),
            });
        }
        Ok(Self {
            uploads,
            is_truncated: flag(root, "IsTruncated")?,
            next_key_marker: optional_text(root, "NextKeyMarker").filter(|m| !m.is_empty()),
            next_upload_id_marker: optional_text(root, "NextUploadIdMarker")
                .filter(|m| !m.is_empty()),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_initiate_answer_needs_an_upload_id() {
        let missing = InitiateMultipartUploadResult::parse(
            "<InitiateMultipartUploadResult><Bucket>b</Bucket></InitiateMultipartUploadResult>",
        );
        assert_eq!(
            missing,
            Err(AnswerError::MissingElement {
                document: "InitiateMultipartUploadResult",
                element: "UploadId"
            })
        );
        let error = InitiateMultipartUploadResult::parse(
            "<Error><Code>AccessDenied</Code><Message>no</Message></Error>",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the server answered with an error: AccessDenied: no"
        );
    }

    #[test]
    fn list_parts_reads_truncation_and_markers() {
        let page = ListPartsResult::parse(
            "<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>1000</NextPartNumberMarker>\
             <Part><PartNumber>1000</PartNumber><ETag>\"e\"</ETag><Size>5</Size><LastModified>2024-01-01T00:00:00.000Z</LastModified></Part>\
             </ListPartsResult>",
        )
        .unwrap();
        assert!(page.is_truncated);
        assert_eq!(page.next_part_number_marker, Some(1000));
        assert_eq!(page.parts[0].number.get(), 1000);
        assert_eq!(
            page.parts[0].last_modified.as_deref(),
            Some("2024-01-01T00:00:00.000Z")
        );
        let without_etag = ListPartsResult::parse(
            "<ListPartsResult><Part><PartNumber>1</PartNumber><Size>5</Size></Part></ListPartsResult>",
        )
        .unwrap();
        assert_eq!(without_etag.parts[0].etag, None);
        let empty = ListPartsResult::parse("<ListPartsResult/>").unwrap();
        assert!(empty.parts.is_empty() && !empty.is_truncated);
    }

    #[test]
    fn list_parts_refuses_parts_it_cannot_use() {
        for (body, element) in [
            (
                "<Part><PartNumber>0</PartNumber><ETag>e</ETag><Size>1</Size></Part>",
                "PartNumber",
            ),
            (
                "<Part><PartNumber>x</PartNumber><ETag>e</ETag><Size>1</Size></Part>",
                "PartNumber",
            ),
            (
                "<Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>",
                "Size",
            ),
            (
                "<Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>-1</Size></Part>",
                "Size",
            ),
            ("<IsTruncated>maybe</IsTruncated>", "IsTruncated"),
        ] {
            let error =
                ListPartsResult::parse(&format!("<ListPartsResult>{body}</ListPartsResult>"))
                    .unwrap_err();
            assert!(error.to_string().contains(element), "{body}: {error}");
        }
        assert!(matches!(
            ListPartsResult::parse("<ListBucketResult/>"),
            Err(AnswerError::UnexpectedDocument { .. })
        ));
    }
}

#[cfg(test)]
mod list_uploads_tests {
    use super::{ListMultipartUploadsResult, ListedUpload};

    /// The answer as the S3 API reference shows it (ListMultipartUploads,
    /// "Sample Response"), shortened to two uploads.
    #[test]
    fn uploads_in_progress_and_the_next_page_are_read() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>bucket</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>my-movie.m2ts</NextKeyMarker>
  <NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker>
  <MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>
  <Upload><Key>my-divisor</Key><UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>
    <Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>
  <Upload><Key>my-movie.m2ts</Key><UploadId>VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId></Upload>
</ListMultipartUploadsResult>"#;
        let result = ListMultipartUploadsResult::parse(body).unwrap();
        assert_eq!(result.uploads.len(), 2);
        assert_eq!(
            result.uploads[0],
            ListedUpload {
                key: "my-divisor".to_owned(),
                upload_id: "XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw".to_owned(),
                initiated: Some("2010-11-10T20:48:33.000Z".to_owned()),
            }
        );
        assert_eq!(result.uploads[1].initiated, None);
        assert!(result.is_truncated);
        assert_eq!(result.next_key_marker.as_deref(), Some("my-movie.m2ts"));
        let none = ListMultipartUploadsResult::parse(
            "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>",
        )
        .unwrap();
        assert!(none.uploads.is_empty() && !none.is_truncated);
        assert!(ListMultipartUploadsResult::parse("<ListPartsResult/>").is_err());
    }
}
