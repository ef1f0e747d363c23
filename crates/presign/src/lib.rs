//! SigV4 presigned URLs for S3-compatible object storage: a pure signing core.
//!
//! A presigned URL lets anyone without credentials download (GET) or upload
//! (PUT) one object until it expires. This crate computes it exactly as the
//! reference implementation (botocore) does, byte for byte, for AWS S3, IBM
//! Cloud Object Storage (including an empty region), MinIO, Ceph, Cloudflare
//! R2 and the rest. It does no I/O and reads no clock: the caller passes the
//! instant, so every result is reproducible.
//!
//! ```
//! use std::time::Duration;
//! use presign::{presign, AmzDate, Credentials, Method, PresignRequest};
//!
//! let request = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "examplebucket", "test.txt")
//!     .expires_in(Duration::from_secs(86400));
//! let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
//! let now = AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")?.to_system_time();
//! let presigned = presign(&request, &credentials, now)?;
//! assert_eq!(presigned.url(), "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
//! # Ok::<(), presign::PresignError>(())
//! ```
//!
//! [`Presigned`] also carries the canonical request, the string to sign and
//! the signature, for a step-by-step explanation of any URL. To sign many
//! URLs without explanations, [`Signer`] signs one request at a time (any
//! method, bucket, key, query and headers) with its signing key kept per day
//! and region, and [`BatchSigner`] signs many keys of one request at once;
//! both write exactly the URL `presign()` gives.
//!
//! Signing rules in brief: the key is UTF-8, percent-encoded once outside
//! `A-Z a-z 0-9 - _ . ~ /`, never normalised; query names and values the same
//! but with `/` encoded; the canonical query is sorted in byte order; the
//! `host` header is lower-cased and drops the scheme's default port; the
//! session token is signed; the payload is `UNSIGNED-PAYLOAD`.
//!
//! Where things are (one file per stage of the pipeline, one rule each):
//! - the input: `request` ([`PresignRequest`], [`Method`], [`Addressing`]),
//!   `endpoint` (the one URL-authority parser, [`Authority`]), `credentials`,
//!   `metadata` (RFC 2047 for `x-amz-meta-*`), `units` (sizes, durations);
//! - SigV4, stage by stage: `prepared` (the one writer of origin, host and
//!   query), `encode`, `canonical`, `string_to_sign`, `scope`, `signing_key`,
//!   `amz_date`, then `presign` ([`presign()`]), `signer` ([`Signer`]) and
//!   `batch` ([`BatchSigner`]) over the same parts; `sha256`, `hex` and
//!   `sink` are their speed-ups;
//! - beside SigV4: `sigv4a` (Multi-Region Access Points), `sigv2`
//!   ([`presign_v2()`], opt-in), `header_auth` ([`sign_headers()`], for API
//!   calls such as STS and `CreateSession`), `post_policy` (browser POST
//!   uploads), `multipart` (the five multipart requests and their answers);
//! - reading back: `presigned_url` ([`PresignedUrl`]), `location` (bucket and
//!   key from host and path), `summary` ([`UrlSummary`], what `inspect`
//!   shows), `verify` ([`verify()`]); `s3_answer` reads S3's XML answers;
//! - hosts: [`s3_host`] builds and recognises every AWS S3 host form
//!   (botocore's endpoint rules) and the providers';
//! - for people: `rfc3339` ([`rfc3339()`], the one time formatter), `error`
//!   ([`PresignError`], [`VerifyError`], each message naming the field).
#![deny(missing_docs)]

mod amz_date;
mod batch;
pub mod canonical;
mod credentials;
pub mod encode;
mod endpoint;
mod error;
mod header_auth;
mod hex;
mod location;
mod metadata;
pub mod multipart;
mod post_policy;
mod prepared;
mod presign;
mod presigned_url;
mod request;
mod rfc3339;
mod s3_answer;
pub mod s3_host;
mod scope;
mod sha256;
mod signer;
mod signing_key;
mod sigv2;
mod sigv2_url;
mod sigv4a;
mod sink;
mod string_to_sign;
mod summary;
pub mod units;
mod verify;

pub use amz_date::AmzDate;
pub use batch::BatchSigner;
pub use credentials::Credentials;
pub use endpoint::{Authority, AuthorityError, Endpoint};
pub use error::{HeaderProblem, PresignError, VerifyError};
pub use header_auth::{HeaderRequest, HeaderSignature, sign_headers};
pub use location::ObjectLocation;
pub use metadata::{decode_metadata_value, encode_metadata_value};
pub use post_policy::{
    Condition, FILENAME_PLACEHOLDER, POST_SIGNED_FIELDS, PolicyValue, PostPolicy, PostUpload,
    PresignedPost, VerifiedPost, presign_post, verify_post, write_python_json_string,
};
pub use prepared::SERVICE;
pub use presign::{Presigned, UNSIGNED_PAYLOAD, presign};
pub use presigned_url::{HostMismatch, PresignedUrl};
pub use request::{
    Addressing, DEFAULT_EXPIRES_SECS, MAX_EXPIRES_SECS, MAX_KEY_BYTES, MAX_LONG_EXPIRES_SECS,
    Method, PresignRequest,
};
pub use rfc3339::rfc3339;
pub use s3_answer::{AnswerError, CreateSessionResult, ListedObject, S3Error, listed_objects};
pub use s3_host::{
    Arn, ArnError, AuthScheme, EndpointError, EndpointSettings, HostForm, KnownHost, Partition,
    ResolvedEndpoint, StorageProvider, parse_arn, recognise_host, resolve_s3_endpoint,
};
pub use scope::{CredentialScope, validate_region};
pub use signer::Signer;
pub use signing_key::SigningKey;
pub use sigv2::{PresignedUrlV2, presign_v2};
pub use sigv2_url::{
    AnyPresignedUrl, SigV2Url, SignatureVersion, Verification, VerifiedV2, verify_any, verify_v2,
};
pub use sigv4a::{SIGV4A_ALGORITHM, SigV4aKey};
pub use string_to_sign::{ALGORITHM, StringToSign};
pub use summary::{SIGV2_ALGORITHM, UrlSummary};
pub use verify::{S3_SIGNING_NAMES, Verified, VerifyPolicy, verify};

/// The README's Rust example, compiled and run as a doc test so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExample;
