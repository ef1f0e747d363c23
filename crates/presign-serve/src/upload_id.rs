//! Upload ids bound to their object: the service answers a multipart upload
//! id as `STORAGE_ID.TAG`, where TAG is an HMAC-SHA256 (first 16 bytes, hex)
//! over the bucket, the key and the storage's own upload id. Every route
//! that takes an upload id checks the tag in constant time and strips it
//! before talking to storage, so an upload id is good for its own key only:
//! not every S3 implementation binds upload ids to keys itself (issue 20,
//! finding 5), and the Companion routes have no other owner check.
//!
//! The key is derived with HMAC from a secret and a fixed label: the
//! operator's `[companion] upload_id_secret_file`, else the storage secret
//! key. Copies of the service with the same configuration and credentials
//! therefore agree on every tag. The key is wiped on drop and never printed.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::ApiError;

/// The label the binding key is derived with; a new format gets a new one.
const LABEL: &[u8] = b"presign-serve upload id binding v1";
/// Bytes of the MAC kept in the tag (128 bits).
const TAG_BYTES: usize = 16;

/// Binds storage upload ids to (bucket, key) and checks them.
#[derive(Clone)]
pub struct UploadIds {
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for UploadIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UploadIds(redacted)")
    }
}

impl UploadIds {
    /// The binder whose key is derived from `secret` (the storage secret
    /// key, or the operator's secret file).
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
            mac.update(LABEL);
            key.copy_from_slice(&mac.finalize().into_bytes());
        }
        Self { key }
    }

    fn tag(&self, bucket: &str, key: &str, storage_id: &str) -> [u8; TAG_BYTES] {
        let mut tag = [0u8; TAG_BYTES];
        if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&*self.key) {
            // Length-prefixed, so no two (bucket, key, id) give one message.
            for part in [bucket, key, storage_id] {
                mac.update(&(part.len() as u64).to_be_bytes());
                mac.update(part.as_bytes());
            }
            tag.copy_from_slice(&mac.finalize().into_bytes()[..TAG_BYTES]);
        }
        tag
    }

    /// The upload id the service answers for the storage's `storage_id` of
    /// an upload to `key` in `bucket`: `STORAGE_ID.TAG` (URL-path safe when
    /// the storage id is).
    #[must_use]
    pub fn bind(&self, bucket: &str, key: &str, storage_id: &str) -> String {
        let mut bound = String::with_capacity(storage_id.len() + 1 + 2 * TAG_BYTES);
        bound.push_str(storage_id);
        bound.push('.');
        for byte in self.tag(bucket, key, storage_id) {
            bound.push(char::from(HEX[usize::from(byte >> 4)]));
            bound.push(char::from(HEX[usize::from(byte & 15)]));
        }
        bound
    }

    /// The storage's upload id inside `bound`, when `bound` was answered for
    /// `key` in `bucket`; else a 403 (rule `upload_id`).
    pub(crate) fn open<'a>(
        &self,
        bucket: &str,
        key: &str,
        bound: &'a str,
    ) -> Result<&'a str, ApiError> {
        let refused = || {
            ApiError::forbidden(
                "upload_id",
                "the upload id was not issued for this key: use the uploadId the service answered when the upload was created, with its key",
            )
        };
        let (storage_id, tag) = bound.rsplit_once('.').ok_or_else(refused)?;
        let given = decode_tag(tag).ok_or_else(refused)?;
        let expected = self.tag(bucket, key, storage_id);
        if storage_id.is_empty() || !bool::from(given.ct_eq(&expected)) {
            return Err(refused());
        }
        Ok(storage_id)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn decode_tag(text: &str) -> Option<[u8; TAG_BYTES]> {
    if text.len() != 2 * TAG_BYTES {
        return None;
    }
    let mut tag = [0u8; TAG_BYTES];
    for (byte, pair) in tag.iter_mut().zip(text.as_bytes().chunks(2)) {
        let digit = |b: u8| HEX.iter().position(|&h| h == b);
        let (high, low) = (digit(pair[0])?, digit(pair[1])?);
        *byte = u8::try_from(high * 16 + low).ok()?;
    }
    Some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_opens_for_its_own_key_only() {
        let ids = UploadIds::new(b"secret");
        let bound = ids.bind("b", "k", "abc.def_1-2");
        assert_eq!(ids.open("b", "k", &bound).ok(), Some("abc.def_1-2"));
        assert!(ids.open("b", "k2", &bound).is_err());
        assert!(ids.open("b2", "k", &bound).is_err());
        assert!(ids.open("b", "k", "abc.def_1-2").is_err());
        assert!(UploadIds::new(b"other").open("b", "k", &bound).is_err());
        let mut tampered = bound.clone();
        let last = tampered
            .pop()
            .map_or('0', |c| if c == '0' { '1' } else { '0' });
        tampered.push(last);
        assert!(ids.open("b", "k", &tampered).is_err());
        assert!(
            bound
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        );
        assert!(!format!("{ids:?}").contains("secret"));
    }
}
