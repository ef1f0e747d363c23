//! POST policies: the signed form a browser uploads with, straight to a
//! bucket (S3's "POST Object" with a SigV4 policy).
//!
//! [`PostPolicy`] says what may be uploaded (bucket, key or key prefix,
//! expiry, conditions); [`presign_post()`] signs it into a [`PresignedPost`]:
//! the URL to post to, the exact form fields, and the policy document for an
//! explanation; [`verify_post()`] checks a form upload against its policy as
//! S3 would. The document and the signature are byte-identical to
//! botocore's `generate_presigned_post` for the same inputs and instant,
//! which is why conditions are [`Condition`]s over [`PolicyValue`]s written
//! the way Python's `json.dumps` writes them.
//!
//! ```
//! use std::time::Duration;
//! use presign::{presign_post, AmzDate, Credentials, PostPolicy};
//!
//! let policy = PostPolicy::with_key_prefix("https://s3.amazonaws.com", "examplebucket", "uploads/")
//!     .expires_in(Duration::from_secs(600))
//!     .content_length_range(1, 10 * 1024 * 1024)
//!     .content_type_starts_with("image/")
//!     .success_action_status(201);
//! let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
//! let now = AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")?.to_system_time();
//! let post = presign_post(&policy, &credentials, now)?;
//! // An HTML form: <form action="{url}" method="post" enctype="multipart/form-data">,
//! // one hidden input per field, in order, then <input type="file" name="file">.
//! assert_eq!(post.url(), "https://examplebucket.s3.amazonaws.com/");
//! assert_eq!(post.fields()[0], ("success_action_status".to_owned(), "201".to_owned()));
//! assert_eq!(post.field("key"), Some("uploads/${filename}"));
//! # Ok::<(), presign::PresignError>(())
//! ```

mod condition;
mod policy;
mod sign;
mod value;
mod verify;

pub use condition::Condition;
pub use policy::{FILENAME_PLACEHOLDER, PostPolicy};
pub use sign::{POST_SIGNED_FIELDS, PresignedPost, presign_post};
pub use value::{PolicyValue, write_python_json_string};
pub use verify::{PostUpload, VerifiedPost, verify_post};
