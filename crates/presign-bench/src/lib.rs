//! The one input every benchmark signs, so their times compare: a GET of a
//! typical dataset key on a regional AWS endpoint, virtual-hosted, one hour.
//!
//! See `BENCHMARKS.md` at the repository root for the commands and results.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The endpoint, without the bucket.
pub const ENDPOINT: &str = "https://s3.eu-west-1.amazonaws.com";
/// The bucket.
pub const BUCKET: &str = "examplebucket";
/// The object key.
pub const KEY: &str = "datasets/2024/11/28/part-00042-of-01000.snappy.parquet";
/// The region.
pub const REGION: &str = "eu-west-1";
/// The access key id (the AWS documentation's example).
pub const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// The secret access key (the AWS documentation's example).
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// `X-Amz-Expires`.
pub const EXPIRES: Duration = Duration::from_secs(3600);

/// The signing instant: 2024-11-28T12:00:00Z.
#[must_use]
pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_732_795_200)
}

/// The request as presign models it.
#[must_use]
pub fn request() -> presign::PresignRequest {
    presign::PresignRequest::new(presign::Method::Get, ENDPOINT, BUCKET, KEY)
        .region(REGION)
        .expires_in(EXPIRES)
        .addressing(presign::Addressing::VirtualHost)
}

/// The credentials as presign models them.
#[must_use]
pub fn credentials() -> presign::Credentials {
    presign::Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
}
