//! The plan of a multipart upload as JSON: what `presign multipart create`
//! prints and `presign upload --plan` reads. It holds everything the side
//! without credentials needs: the upload id, one presigned PUT URL per part
//! with its byte range, and presigned complete, list and abort URLs.

use std::path::Path;

use anyhow::{Context, anyhow};
use presign::PresignedUrl;
use presign::multipart::{PartNumber, PartPlan};
use serde::{Deserialize, Serialize};

/// The `format` of the plans this version writes and reads.
pub(crate) const FORMAT: &str = "presign-multipart-plan/1";

/// How many parts one ListParts page lists (S3's default and maximum).
pub(crate) const PARTS_PER_LIST_PAGE: u32 = 1000;

/// A multipart upload plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PlanFile {
    /// [`FORMAT`].
    pub(crate) format: String,
    pub(crate) bucket: String,
    pub(crate) key: String,
    pub(crate) upload_id: String,
    /// The file's size in bytes.
    pub(crate) size: u64,
    /// The size of every part but the last.
    pub(crate) part_size: u64,
    pub(crate) part_count: u32,
    /// When the URLs stop working, RFC 3339 UTC.
    pub(crate) expires_at: String,
    pub(crate) parts: Vec<PlanPart>,
    /// CompleteMultipartUpload (POST, with the parts' ETags as XML).
    pub(crate) complete_url: String,
    /// ListParts, one URL per 1000 parts: the first lists from part 1, the
    /// next from part 1001 (`part-number-marker=1000`), and so on.
    pub(crate) list_urls: Vec<String>,
    /// AbortMultipartUpload (DELETE).
    pub(crate) abort_url: String,
}

/// One part of a plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PlanPart {
    pub(crate) part_number: u32,
    /// The offset of the part's first byte in the file.
    pub(crate) offset: u64,
    /// The part's length in bytes.
    pub(crate) length: u64,
    /// The presigned UploadPart URL (PUT).
    pub(crate) url: String,
}

impl PlanFile {
    /// Reads and checks a plan: its format, that its parts are the ones
    /// `size` and `part_size` give (S3's limits included), and that every URL
    /// is a presigned URL.
    pub(crate) fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| anyhow!("cannot read the plan {}: {error}", path.display()))?;
        let plan: Self = serde_json::from_str(&text).map_err(|error| {
            anyhow!(
                "{} is not a multipart plan (as presign multipart create writes): {error}",
                path.display()
            )
        })?;
        plan.check()
            .with_context(|| format!("the plan {} is inconsistent", path.display()))?;
        Ok(plan)
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.format != FORMAT {
            return Err(anyhow!(
                "format is {:?}; this presign reads {FORMAT:?}",
                self.format
            ));
        }
        if self.upload_id.is_empty() {
            return Err(anyhow!("upload_id is empty"));
        }
        let expected = PartPlan::with_part_size(self.size, self.part_size)?;
        if self.part_count != expected.part_count() || self.parts.len() != self.part_count as usize
        {
            return Err(anyhow!(
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
                return Err(anyhow!(
                    "part {} is listed as part_number {}, offset {}, length {}; expected part_number \
                     {}, offset {}, length {}",
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
        check_url(&self.complete_url, "complete_url")?;
        check_url(&self.abort_url, "abort_url")?;
        let pages = expected.part_count().div_ceil(PARTS_PER_LIST_PAGE) as usize;
        if self.list_urls.len() != pages {
            return Err(anyhow!(
                "list_urls holds {} URLs; {} parts need {pages} (one per {PARTS_PER_LIST_PAGE} parts)",
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
    pub(crate) fn part_url(&self, number: PartNumber) -> Option<&str> {
        self.parts
            .get(number.get() as usize - 1)
            .map(|part| part.url.as_str())
    }
}

fn check_url(url: &str, what: &str) -> anyhow::Result<()> {
    PresignedUrl::parse(url)
        .map(|_| ())
        .map_err(|error| anyhow!("{what} is not a presigned URL: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:9000/b/k?partNumber=1&uploadId=U&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=0000000000000000000000000000000000000000000000000000000000000000";

    fn plan(size: u64, part_size: u64) -> PlanFile {
        let layout = PartPlan::with_part_size(size, part_size).unwrap();
        PlanFile {
            format: FORMAT.to_owned(),
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
            complete_url: URL.to_owned(),
            list_urls: vec![URL.to_owned()],
            abort_url: URL.to_owned(),
        }
    }

    #[test]
    fn a_consistent_plan_reads_back() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("plan.json");
        let written = plan(11 << 20, 5 << 20);
        std::fs::write(&path, serde_json::to_string_pretty(&written).unwrap()).unwrap();
        let read = PlanFile::read(&path).unwrap();
        assert_eq!(read.parts.len(), 3);
        assert_eq!(read.parts[2].length, 1 << 20);
        assert_eq!(read.part_url(PartNumber::new(3).unwrap()), Some(URL));
    }

    #[test]
    fn inconsistent_plans_name_what_is_wrong() {
        let mut moved = plan(11 << 20, 5 << 20);
        moved.parts[1].offset += 1;
        assert!(moved.check().unwrap_err().to_string().contains("part 2"));
        let mut short = plan(11 << 20, 5 << 20);
        short.parts.pop();
        assert!(
            short
                .check()
                .unwrap_err()
                .to_string()
                .contains("part_count")
        );
        let mut tiny = plan(11 << 20, 5 << 20);
        tiny.part_size = 1 << 20;
        assert!(tiny.check().unwrap_err().to_string().contains("part size"));
        let mut bad_url = plan(11 << 20, 5 << 20);
        bad_url.abort_url = "http://h/b/k".to_owned();
        assert!(
            bad_url
                .check()
                .unwrap_err()
                .to_string()
                .contains("abort_url")
        );
        let mut other = plan(1, 5 << 20);
        other.format = "v0".to_owned();
        assert!(other.check().unwrap_err().to_string().contains("format"));
    }
}
