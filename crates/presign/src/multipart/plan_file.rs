//! The plan of a multipart upload as JSON: what `presign multipart create`
//! prints and `presign serve`'s `POST /v1/multipart` answers, and what
//! `presign upload --plan` reads. One format, written and read here: the
//! upload id, the file's size and parts, one presigned PUT URL per part
//! with its byte range, and, when the side that made the plan lets the
//! uploader finish by itself, presigned complete, list and abort URLs.
//!
//! `presign serve` leaves those three out: it completes an upload itself
//! (after checking the parts' sizes and ETags), so the uploader posts the
//! parts to its `/v1/multipart/complete`.
//!
//! ```
//! use presign::multipart::PlanFile;
//!
//! let plan = PlanFile::parse(r#"{"format": "presign-multipart-plan/1", "bucket": "b",
//!     "key": "k", "upload_id": "U", "size": 5, "part_size": 5242880, "part_count": 1,
//!     "expires_at": "2024-01-01T01:00:00Z", "parts": [{"part_number": 1, "offset": 0,
//!     "length": 5, "url": "http://127.0.0.1:9000/b/k?partNumber=1&uploadId=U&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=0000000000000000000000000000000000000000000000000000000000000000"}]}"#)?;
//! assert_eq!(plan.parts[0].length, 5);
//! assert!(plan.complete_url.is_none());
//! # Ok::<(), presign::multipart::PlanError>(())
//! ```

use serde::{Deserialize, Serialize};

use super::{PartNumber, PartPlan};
use crate::presigned_url::PresignedUrl;

/// The `format` of the plans this version writes and reads.
pub const PLAN_FORMAT: &str = "presign-multipart-plan/1";

/// How many parts one ListParts page lists (S3's default and maximum).
pub const PARTS_PER_LIST_PAGE: u32 = 1000;

/// A multipart upload plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFile {
    /// [`PLAN_FORMAT`].
    pub format: String,
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
    /// The upload id to use with the URLs (and with `presign serve`).
    pub upload_id: String,
    /// The file's size in bytes.
    pub size: u64,
    /// The size of every part but the last.
    pub part_size: u64,
    /// How many parts.
    pub part_count: u32,
    /// When the URLs stop working, RFC 3339 UTC.
    pub expires_at: String,
    /// One per part, in order.
    pub parts: Vec<PlanPart>,
    /// CompleteMultipartUpload (POST, with the parts' ETags as XML); absent
    /// when the plan's maker completes the upload itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete_url: Option<String>,
    /// ListParts, one URL per 1000 parts: the first lists from part 1, the
    /// next from part 1001 (`part-number-marker=1000`), and so on; empty
    /// when the plan's maker lists the parts itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list_urls: Vec<String>,
    /// AbortMultipartUpload (DELETE); absent as `complete_url` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort_url: Option<String>,
}

/// One part of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPart {
    /// 1..=10000.
    pub part_number: u32,
    /// The offset of the part's first byte in the file.
    pub offset: u64,
    /// The part's length in bytes (its URL may sign it as
    /// `content-length`). Read as `size` too, as `presign serve` answered
    /// it before this format was shared.
    #[serde(alias = "size")]
    pub length: u64,
    /// The presigned UploadPart URL (PUT).
    pub url: String,
}

/// Why a text is not a usable plan.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanError {
    /// Not JSON of the plan's shape.
    #[error("not a multipart plan (as presign multipart create writes): {0}")]
    Json(String),
    /// A value that does not fit the rest.
    #[error("{0}")]
    Inconsistent(String),
}

impl PlanFile {
    /// Reads and checks a plan ([`PlanFile::check`]).
    ///
    /// # Errors
    /// [`PlanError::Json`] for text of another shape, else as `check`.
    pub fn parse(text: &str) -> Result<Self, PlanError> {
        let plan: Self =
            serde_json::from_str(text).map_err(|error| PlanError::Json(error.to_string()))?;
        plan.check()?;
        Ok(plan)
    }

    /// Checks a plan: its format, that its parts are the ones `size` and
    /// `part_size` give (S3's limits included), and that every URL is a
    /// presigned URL.
    ///
    /// # Errors
    /// [`PlanError::Inconsistent`] naming the first value that does not fit.
    pub fn check(&self) -> Result<(), PlanError> {
        let fail = |text: String| Err(PlanError::Inconsistent(text));
        if self.format != PLAN_FORMAT {
            return fail(format!(
                "format is {:?}; this presign reads {PLAN_FORMAT:?}",
                self.format
            ));
        }
        if self.upload_id.is_empty() {
            return fail("upload_id is empty".to_owned());
        }
        let expected = PartPlan::with_part_size(self.size, self.part_size)
            .map_err(|error| PlanError::Inconsistent(error.to_string()))?;
        if self.part_count != expected.part_count() || self.parts.len() != self.part_count as usize
        {
            return fail(format!(
                "{} bytes in parts of {} make {} parts; the plan says part_count {} and lists {}",
                self.size,
                self.part_size,
                expected.part_count(),
                self.part_count,
                self.parts.len()
            ));
        }
        for (part, wanted) in self.parts.iter().zip(expected.parts()) {
            if (part.part_number, part.offset, part.length)
                != (wanted.number().get(), wanted.offset(), wanted.len())
            {
                return fail(format!(
                    "part {} is listed as part_number {}, offset {}, length {}; expected \
                     part_number {}, offset {}, length {}",
                    wanted.number(),
                    part.part_number,
                    part.offset,
                    part.length,
                    wanted.number(),
                    wanted.offset(),
                    wanted.len()
                ));
            }
            check_url(&part.url, &format!("the URL of part {}", part.part_number))?;
        }
        if let Some(url) = &self.complete_url {
            check_url(url, "complete_url")?;
        }
        if let Some(url) = &self.abort_url {
            check_url(url, "abort_url")?;
        }
        let pages = expected.part_count().div_ceil(PARTS_PER_LIST_PAGE) as usize;
        if !self.list_urls.is_empty() && self.list_urls.len() != pages {
            return fail(format!(
                "list_urls holds {} URLs; {} parts need {pages} (one per {PARTS_PER_LIST_PAGE} \
                 parts)",
                self.list_urls.len(),
                self.part_count
            ));
        }
        for url in &self.list_urls {
            check_url(url, "list_urls")?;
        }
        Ok(())
    }

    /// The URL of part `number`.
    #[must_use]
    pub fn part_url(&self, number: PartNumber) -> Option<&str> {
        self.parts
            .get(number.get() as usize - 1)
            .map(|part| part.url.as_str())
    }
}

fn check_url(url: &str, what: &str) -> Result<(), PlanError> {
    PresignedUrl::parse(url)
        .map(|_| ())
        .map_err(|error| PlanError::Inconsistent(format!("{what} is not a presigned URL: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:9000/b/k?partNumber=1&uploadId=U&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=0000000000000000000000000000000000000000000000000000000000000000";

    fn plan(size: u64, part_size: u64) -> PlanFile {
        let layout = PartPlan::with_part_size(size, part_size).unwrap();
        PlanFile {
            format: PLAN_FORMAT.to_owned(),
            bucket: "b".to_owned(),
            key: "k".to_owned(),
            upload_id: "U".to_owned(),
            size,
            part_size,
            part_count: layout.part_count(),
            expires_at: "2024-01-01T01:00:00Z".to_owned(),
            parts: layout
                .parts()
                .map(|part| PlanPart {
                    part_number: part.number().get(),
                    offset: part.offset(),
                    length: part.len(),
                    url: URL.to_owned(),
                })
                .collect(),
            complete_url: Some(URL.to_owned()),
            list_urls: vec![URL.to_owned()],
            abort_url: Some(URL.to_owned()),
        }
    }

    #[test]
    fn a_consistent_plan_reads_back() {
        let written = plan(11 << 20, 5 << 20);
        let read = PlanFile::parse(&serde_json::to_string_pretty(&written).unwrap()).unwrap();
        assert_eq!(read, written);
        assert_eq!(read.parts[2].length, 1 << 20);
        assert_eq!(read.part_url(PartNumber::new(3).unwrap()), Some(URL));
    }

    #[test]
    fn a_plan_without_the_finishing_urls_reads_and_size_is_read_as_length() {
        let mut written = plan(11 << 20, 5 << 20);
        written.complete_url = None;
        written.abort_url = None;
        written.list_urls.clear();
        let text = serde_json::to_string(&written)
            .unwrap()
            .replace("\"length\"", "\"size\"");
        assert!(
            !text.contains("complete_url") && !text.contains("list_urls"),
            "{text}"
        );
        assert_eq!(PlanFile::parse(&text).unwrap(), written);
    }

    #[test]
    fn inconsistent_plans_name_what_is_wrong() {
        let message = |plan: &PlanFile| plan.check().unwrap_err().to_string();
        let mut moved = plan(11 << 20, 5 << 20);
        moved.parts[1].offset += 1;
        assert!(message(&moved).contains("part 2"));
        let mut short = plan(11 << 20, 5 << 20);
        short.parts.pop();
        assert!(message(&short).contains("part_count"));
        let mut tiny = plan(11 << 20, 5 << 20);
        tiny.part_size = 1 << 20;
        assert!(message(&tiny).contains("part size"));
        let mut bad_url = plan(11 << 20, 5 << 20);
        bad_url.abort_url = Some("http://h/b/k".to_owned());
        assert!(message(&bad_url).contains("abort_url"));
        let mut other = plan(1, 5 << 20);
        other.format = "v0".to_owned();
        assert!(message(&other).contains("format"));
        assert!(matches!(PlanFile::parse("{}"), Err(PlanError::Json(_))));
    }
}
