//! Multipart uploads through presigned URLs: the five requests, the part
//! plan, the CompleteMultipartUpload body and S3's XML answers.
//!
//! A multipart upload lets a client without credentials upload an object too
//! large for one PUT (S3 takes at most 5 GiB per PUT), in parallel and with
//! retries per part. The side with the credentials presigns; the side with
//! the file sends:
//!
//! 1. CreateMultipartUpload ([`create_multipart_upload`]) answers an upload
//!    id ([`InitiateMultipartUploadResult`]).
//! 2. A [`PartPlan`] cuts the object into parts within S3's limits; each part
//!    gets an UploadPart URL ([`MultipartUpload::upload_part`]), and its PUT
//!    answers an `ETag` header.
//! 3. CompleteMultipartUpload ([`MultipartUpload::complete`]) with the body
//!    [`complete_multipart_upload_body`] assembles the object
//!    ([`CompleteMultipartUploadResult`]); ListParts
//!    ([`MultipartUpload::list_parts`], [`ListPartsResult`]) tells which parts
//!    arrived, to resume; AbortMultipartUpload ([`MultipartUpload::abort`])
//!    discards them.
//!
//! Everything here computes: nothing is sent, no clock is read.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use presign::{presign, Credentials, Method, PresignRequest};
//! use presign::multipart::{
//!     complete_multipart_upload_body, create_multipart_upload, CompletedPart,
//!     InitiateMultipartUploadResult, MultipartUpload, PartPlan,
//! };
//!
//! let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let object = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "video.mp4")
//!     .expires_in(Duration::from_secs(6 * 3600));
//!
//! // 1. Create (send this POST; its answer holds the upload id).
//! let create = presign(&create_multipart_upload(&object), &credentials, now)?;
//! let answer = InitiateMultipartUploadResult::parse(
//!     "<InitiateMultipartUploadResult><UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>",
//! )?;
//!
//! // 2. One URL per part of a 40 MiB file (16 MiB parts: 16 + 16 + 8).
//! let upload = MultipartUpload::new(&object, answer.upload_id)?;
//! let plan = PartPlan::new(40 * 1024 * 1024)?;
//! let mut urls = Vec::new();
//! for part in plan.parts() {
//!     let url = presign(&upload.upload_part(part.number()), &credentials, now)?;
//!     urls.push((part.offset(), part.len(), url.url().to_owned()));
//! }
//! assert_eq!(urls.len(), 3);
//!
//! // 3. Complete with the ETags the part PUTs answered.
//! let etags = ["\"a\"", "\"b\"", "\"c\""];
//! let parts: Vec<CompletedPart> = plan.parts().zip(etags)
//!     .map(|(part, etag)| CompletedPart::new(part.number(), etag))
//!     .collect();
//! let body = complete_multipart_upload_body(&parts)?;
//! let complete = presign(&upload.complete(), &credentials, now)?;
//! assert!(complete.url().contains("?uploadId=VXBsb2FkIElE&"));
//! assert!(body.starts_with("<CompleteMultipartUpload"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod answers;
mod complete_body;
mod error;
mod plan;
mod plan_file;
mod requests;

pub use crate::s3_answer::{AnswerError, S3Error};
pub use answers::{
    CompleteMultipartUploadResult, InitiateMultipartUploadResult, ListMultipartUploadsResult,
    ListPartsResult, ListedPart, ListedUpload,
};
pub use complete_body::{CompletedPart, complete_multipart_upload_body};
pub use error::MultipartError;
pub use plan::{DEFAULT_PART_SIZE, MAX_OBJECT_SIZE, MAX_PART_SIZE, MIN_PART_SIZE, Part, PartPlan};
pub use plan_file::{PARTS_PER_LIST_PAGE, PLAN_FORMAT, PlanError, PlanFile, PlanPart};
pub use requests::{
    MAX_PARTS, MultipartUpload, PartNumber, create_multipart_upload, list_multipart_uploads,
};
