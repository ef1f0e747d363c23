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

/// The same GET through a Multi-Region Access Point, signed with SigV4A
/// for every region (`X-Amz-Region-Set=*`), as botocore signs an MRAP ARN:
/// `mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com`.
#[must_use]
pub fn mrap_request() -> presign::PresignRequest {
    presign::PresignRequest::new(
        presign::Method::Get,
        "https://mrap.accesspoint.s3-global.amazonaws.com",
        "mfzwi23gnjvgw",
        KEY,
    )
    .expires_in(EXPIRES)
    .addressing(presign::Addressing::VirtualHost)
    .sigv4a("*")
}

/// A typical browser-upload policy on the same endpoint and bucket, one
/// hour: the uploader chooses the rest of the key under `uploads/`, up to
/// 10 MiB, an image type, status 201.
#[must_use]
pub fn post_policy() -> presign::PostPolicy {
    presign::PostPolicy::with_key_prefix(ENDPOINT, BUCKET, "uploads/2024/11/")
        .region(REGION)
        .expires_in(EXPIRES)
        .addressing(presign::Addressing::VirtualHost)
        .content_length_range(1, 10 * 1024 * 1024)
        .content_type_starts_with("image/")
        .success_action_status(201)
}

/// The credentials as presign models them.
#[must_use]
pub fn credentials() -> presign::Credentials {
    presign::Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
}

/// A realistic mix of 64 object keys (photos, logs, datasets, backups,
/// user uploads, non-ASCII names), 5 to 80 bytes, so a benchmark over them
/// is not decided by where one key's canonical request crosses a SHA-256
/// block boundary.
#[must_use]
pub fn keys() -> Vec<String> {
    (0..64u32)
        .map(|n| match n % 8 {
            0 => format!("photos/2024/{:02}/IMG_{:04}.JPG", n % 12 + 1, 1000 + n),
            1 => format!("logs/app/2024-11-{:02}/{:02}.log.gz", n % 28 + 1, n % 24),
            2 => format!("datasets/2024/11/28/part-{n:05}-of-01000.snappy.parquet"),
            3 => format!(
                "users/{:08x}-{:04x}-4a6b-9c2d-{:012x}/avatar.png",
                n * 2_654_435_761_u32,
                n,
                u64::from(n) * 7_919
            ),
            4 => format!(
                "backups/db/2024-11-{:02}T12:00:00Z/full.tar.zst",
                n % 28 + 1
            ),
            5 => format!("reports/Q{} 2024/Финансы/итог-{n}.pdf", n % 4 + 1),
            6 => format!("{n}.txt"),
            _ => format!(
                "static/js/app.{:016x}.min.js",
                u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ),
        })
        .collect()
}
