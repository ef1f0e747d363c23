//! Why a multipart request, part plan or CompleteMultipartUpload body could
//! not be made.

/// Bad input to a multipart helper. Each message names the value and the
/// allowed range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MultipartError {
    /// A part number outside S3's range.
    #[error("part number {number} is out of range: S3 numbers parts 1..=10000")]
    PartNumberOutOfRange {
        /// The part number as given.
        number: u64,
    },
    /// The upload id is empty.
    #[error("upload id is empty: use the UploadId of the InitiateMultipartUploadResult")]
    EmptyUploadId,
    /// A part size outside S3's limits.
    #[error(
        "part size {part_size} bytes is out of range: S3 parts are {min}..={max} bytes \
         (5 MiB to 5 GiB; only the last part may be smaller)"
    )]
    PartSizeOutOfRange {
        /// The part size as given.
        part_size: u64,
        /// The smallest part S3 accepts (except the last).
        min: u64,
        /// The largest part S3 accepts.
        max: u64,
    },
    /// The part size splits the object into too many parts.
    #[error(
        "part size {part_size} bytes splits {size} bytes into {parts} parts; S3 allows at most \
         {max_parts}: use a part size of at least {smallest_part_size} bytes"
    )]
    TooManyParts {
        /// The object size.
        size: u64,
        /// The part size as given.
        part_size: u64,
        /// The part count it gives.
        parts: u64,
        /// S3's maximum part count.
        max_parts: u32,
        /// The smallest part size that stays within the maximum count.
        smallest_part_size: u64,
    },
    /// The object is larger than 10,000 parts of 5 GiB.
    #[error(
        "object size {size} bytes is too large for a multipart upload: at most {max} bytes \
         (10000 parts of 5 GiB)"
    )]
    ObjectTooLarge {
        /// The object size.
        size: u64,
        /// The largest size a multipart upload can hold.
        max: u64,
    },
    /// CompleteMultipartUpload needs at least one part.
    #[error("CompleteMultipartUpload needs at least one part, got none")]
    NoParts,
    /// The same part number is listed twice.
    #[error("part {number} is listed twice; each part number may appear once")]
    DuplicatePart {
        /// The repeated part number.
        number: u32,
    },
    /// A part's ETag is empty.
    #[error("part {number} has an empty ETag; use the ETag header of its UploadPart answer")]
    EmptyEtag {
        /// The part number.
        number: u32,
    },
}
