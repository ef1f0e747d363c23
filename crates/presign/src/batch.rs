//! [`BatchSigner`]: many keys, one bucket, one instant, no allocation per URL.
//!
//! For one bucket, method, expiry, header set and query, everything in a
//! presigned URL is fixed except the key's path. So the per-batch work is done
//! once: the signing key and its HMAC pads, the SHA-256 state after the
//! canonical request's `METHOD\n/prefix/`, the constant tail of the canonical
//! request (query, headers, payload hash), the HMAC state after the constant
//! head of the string to sign (algorithm, instant, scope), and the URL's
//! origin and query. Per key what remains is the unavoidable work: encode the
//! key, hash it and the tail, hex, one HMAC, hex, written straight into the
//! caller's buffer.

use std::time::SystemTime;

use crate::amz_date::AmzDate;
use crate::canonical::write_after_path;
use crate::credentials::Credentials;
use crate::encode;
use crate::error::PresignError;
use crate::hex;
use crate::prepared::Prepared;
use crate::presign::UNSIGNED_PAYLOAD;
use crate::request::{PresignRequest, validate_key};
use crate::sha256::{PreparedHmac, Sha256};
use crate::string_to_sign::ALGORITHM;

/// Signs many keys with the settings of one template request, as of one
/// instant: every URL of a batch expires together.
///
/// Each URL is byte-identical to what [`crate::presign`] gives for the same
/// request with that key.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{presign, BatchSigner, Credentials, Method, PresignRequest};
///
/// let template = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "dataset", "");
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let signer = BatchSigner::new(&template, &credentials, now)?;
///
/// let mut out = String::new();
/// for key in ["part-0000.parquet", "part-0001.parquet"] {
///     out.clear();
///     signer.sign_into(key, &mut out)?;
///     let single = presign(&template.clone().with_key(key), &credentials, now)?;
///     assert_eq!(out, single.url());
/// }
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone)]
pub struct BatchSigner {
    /// SHA-256 state after `METHOD\n` and the path prefix.
    canonical_head: Sha256,
    /// The canonical request after the path.
    canonical_tail: String,
    /// HMAC state keyed with the signing key, after `ALGORITHM\nDATE\nSCOPE\n`.
    string_to_sign_head: PreparedHmac,
    /// `scheme://authority` and the path prefix.
    url_head: String,
    /// `?query&X-Amz-Signature=`.
    url_query: String,
    signed_at: AmzDate,
    expires_at: SystemTime,
}

impl BatchSigner {
    /// Prepares a batch from `template`, whose key is ignored: everything else
    /// (method, endpoint, bucket, region, expiry, headers, query) applies to
    /// every key.
    ///
    /// # Errors
    /// The [`PresignError`]s of [`crate::presign`], for everything but the key.
    pub fn new(
        template: &PresignRequest,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<Self, PresignError> {
        let prepared = Prepared::new(template, credentials, now)?;

        let mut canonical_head = Sha256::new();
        canonical_head.update(prepared.method.as_str().as_bytes());
        canonical_head.update(b"\n");
        canonical_head.update(prepared.path_prefix.as_bytes());
        let mut canonical_tail = String::new();
        write_after_path(
            &mut canonical_tail,
            &prepared.encoded_query,
            &prepared.canonical_headers,
            UNSIGNED_PAYLOAD,
        );

        let mut string_to_sign_head = prepared.signing_key.prepared_hmac();
        for part in [
            ALGORITHM,
            "\n",
            prepared.signed_at.as_str(),
            "\n",
            prepared.scope.as_str(),
            "\n",
        ] {
            string_to_sign_head.update(part.as_bytes());
        }

        let url_head = format!("{}{}", prepared.origin, prepared.path_prefix);
        let url_query = format!("?{}&X-Amz-Signature=", prepared.url_query());
        let expires_at = prepared.signed_at.to_system_time()
            + std::time::Duration::from_secs(prepared.expires_in);
        Ok(Self {
            canonical_head,
            canonical_tail,
            string_to_sign_head,
            url_head,
            url_query,
            signed_at: prepared.signed_at,
            expires_at,
        })
    }

    /// Appends the presigned URL for `key` to `out`. Nothing is appended
    /// when the key is refused.
    ///
    /// # Errors
    /// [`PresignError::InvalidKey`] for an empty key or one over 1024 bytes.
    pub fn sign_into(&self, key: &str, out: &mut String) -> Result<(), PresignError> {
        validate_key(key)?;
        out.push_str(&self.url_head);
        let key_start = out.len();
        encode::path_into(out, key);

        let canonical = self
            .canonical_head
            .finish_with::<512>(&[&out.as_bytes()[key_start..], self.canonical_tail.as_bytes()]);
        let mut canonical_hex = [0u8; 64];
        hex::encode_to_slice(&canonical, &mut canonical_hex);
        let signature = self.string_to_sign_head.mac_with(&canonical_hex);

        out.push_str(&self.url_query);
        hex::encode_into(out, &signature);
        Ok(())
    }

    /// The presigned URL for `key`, as a new string.
    ///
    /// # Errors
    /// As [`BatchSigner::sign_into`].
    pub fn sign(&self, key: &str) -> Result<String, PresignError> {
        let mut url =
            String::with_capacity(self.url_head.len() + key.len() * 3 + self.url_query.len() + 64);
        self.sign_into(key, &mut url)?;
        Ok(url)
    }

    /// The signing instant shared by the batch.
    #[must_use]
    pub fn signed_at(&self) -> AmzDate {
        self.signed_at
    }

    /// The instant every URL of the batch stops working.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

impl std::fmt::Debug for BatchSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchSigner")
            .field("url_head", &self.url_head)
            .field("signed_at", &self.signed_at)
            .field("signing_key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Method;

    #[test]
    fn refused_keys_leave_the_buffer_untouched() {
        let template = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "bucket", "");
        let credentials = Credentials::new("AKIDEXAMPLE", "secret");
        let signer = BatchSigner::new(&template, &credentials, SystemTime::UNIX_EPOCH).unwrap();
        let mut out = String::from("kept");
        assert!(signer.sign_into("", &mut out).is_err());
        assert!(signer.sign_into(&"k".repeat(1025), &mut out).is_err());
        assert_eq!(out, "kept");
    }

    #[test]
    fn debug_does_not_show_key_material() {
        let template = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "bucket", "");
        let credentials = Credentials::new("AKIDEXAMPLE", "SECRETSECRET");
        let signer = BatchSigner::new(&template, &credentials, SystemTime::UNIX_EPOCH).unwrap();
        let debug = format!("{signer:?}");
        assert!(
            !debug.contains("SECRETSECRET") && debug.contains("<redacted>"),
            "{debug}"
        );
    }
}
