//! A customer-provided encryption key (SSE-C) as S3 wants it in headers:
//! base64, with the base64 of its MD5 beside it (what botocore's `sse_md5`
//! handler does for boto3's `SSECustomerKey`). The key is a secret: it is
//! signed into the URL's headers, which the client must then send, and never
//! appears in a message.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};

/// The two header values.
pub(crate) struct EncodedKey {
    /// `x-amz-server-side-encryption-customer-key`.
    pub(crate) key: String,
    /// `x-amz-server-side-encryption-customer-key-MD5`.
    pub(crate) key_md5: String,
}

/// `key` (raw bytes) encoded for the headers.
pub(crate) fn encode(key: &[u8]) -> EncodedKey {
    EncodedKey {
        key: STANDARD.encode(key),
        key_md5: STANDARD.encode(Md5::digest(key)),
    }
}
