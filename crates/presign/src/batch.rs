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
//! caller's buffer. [`BatchSigner::sign_two_into`] does that for two keys at
//! once, overlapping their hashes: the fastest way through many keys.

use std::sync::Arc;
use std::time::SystemTime;

use crate::amz_date::AmzDate;
use crate::canonical::write_canonical_tail;
use crate::credentials::Credentials;
use crate::encode;
use crate::error::PresignError;
use crate::hex;
use crate::prepared::{Prepared, SIGNATURE_NAME, UrlKey};
use crate::presign::UNSIGNED_PAYLOAD;
use crate::request::{Method, PresignRequest, validate_key};
use crate::sha256::{PreparedHmac, Sha256};
use crate::sigv4a::{SIGV4A_ALGORITHM, SigV4aKey};
use crate::string_to_sign::{ALGORITHM, write_head};

/// Signs many keys with the settings of one template request, as of one
/// instant: every URL of a batch expires together.
///
/// Each URL is byte-identical to what [`crate::presign()`] gives for the same
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
    /// The key and what precedes the canonical request's hash in the string
    /// to sign (`ALGORITHM\nDATE\nSCOPE\n`).
    string_to_sign_head: Head,
    /// The written parts, one after another in one allocation (see [`Parts`]).
    text: String,
    query_start: usize,
    tail_start: usize,
    signed_at: AmzDate,
    expires_at: SystemTime,
}

/// The key a batch signs with, as its maker has it.
// Made once per batch and moved into it at once: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum BatchKey {
    /// SigV4's signing key, as HMAC pad states.
    Hmac(PreparedHmac),
    /// SigV4A's key pair.
    Ecdsa(Arc<SigV4aKey>),
}

/// The key and the head of the string to sign.
#[derive(Clone)]
enum Head {
    /// HMAC state keyed with the signing key, after the head.
    Hmac(PreparedHmac),
    /// SigV4A: the key pair, and the head as text (ECDSA hashes the whole
    /// string to sign itself).
    Ecdsa { key: Arc<SigV4aKey>, head: String },
}

/// What a batch is made from, checked and written by its maker: in `text`,
/// `scheme://authority` and the encoded path before the key (the path prefix
/// from `path_start`), then from `query_start` the URL's `?query` and
/// `&X-Amz-Signature=`, then from `tail_start` the canonical request after
/// the path.
pub(crate) struct Parts {
    pub(crate) method: Method,
    pub(crate) text: String,
    pub(crate) path_start: usize,
    pub(crate) query_start: usize,
    pub(crate) tail_start: usize,
    pub(crate) signed_at: AmzDate,
    pub(crate) expires_in: u64,
}

impl BatchSigner {
    /// Prepares a batch from `template`, whose key is ignored: everything else
    /// (method, endpoint, bucket, region, expiry, headers, query) applies to
    /// every key.
    ///
    /// # Errors
    /// The [`PresignError`]s of [`crate::presign()`], for everything but the key.
    pub fn new(
        template: &PresignRequest,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<Self, PresignError> {
        let prepared = Prepared::new(template, credentials, now)?;
        let mut text = String::new();
        text.push_str(&prepared.origin);
        let path_start = text.len();
        text.push_str(&prepared.path_prefix);
        let query_start = text.len();
        text.push('?');
        text.push_str(&prepared.url_query);
        text.push_str(SIGNATURE_NAME);
        let tail_start = text.len();
        write_canonical_tail(
            &mut text,
            &prepared.encoded_query,
            &prepared.canonical_headers,
            UNSIGNED_PAYLOAD,
        );
        let (key, algorithm) = match prepared.key {
            UrlKey::V4(key) => (BatchKey::Hmac(key.prepared_hmac()), ALGORITHM),
            UrlKey::V4a(key) => (BatchKey::Ecdsa(key), SIGV4A_ALGORITHM),
        };
        Ok(Self::from_parts(
            Parts {
                method: prepared.method,
                text,
                path_start,
                query_start,
                tail_start,
                signed_at: prepared.signed_at,
                expires_in: prepared.expires_in,
            },
            key,
            algorithm,
            &[prepared.scope.as_str()],
        ))
    }

    /// A batch from parts already checked and written: by [`BatchSigner::new`]
    /// from a template, by [`crate::Signer`] from a request shape it keeps.
    /// `key` is the signing key, `scope` the credential scope's parts.
    pub(crate) fn from_parts(parts: Parts, key: BatchKey, algorithm: &str, scope: &[&str]) -> Self {
        let mut canonical_head = Sha256::new();
        canonical_head.update(parts.method.as_str().as_bytes());
        canonical_head.update(b"\n");
        canonical_head.update(&parts.text.as_bytes()[parts.path_start..parts.query_start]);
        let string_to_sign_head = match key {
            BatchKey::Hmac(mut hmac) => {
                write_head(&mut hmac, algorithm, parts.signed_at.as_str(), scope);
                Head::Hmac(hmac)
            }
            BatchKey::Ecdsa(key) => {
                let mut head = String::new();
                write_head(&mut head, algorithm, parts.signed_at.as_str(), scope);
                Head::Ecdsa { key, head }
            }
        };
        let expires_at =
            parts.signed_at.to_system_time() + std::time::Duration::from_secs(parts.expires_in);
        Self {
            canonical_head,
            string_to_sign_head,
            text: parts.text,
            query_start: parts.query_start,
            tail_start: parts.tail_start,
            signed_at: parts.signed_at,
            expires_at,
        }
    }

    /// `scheme://authority` and the path prefix.
    fn url_head(&self) -> &str {
        &self.text[..self.query_start]
    }

    /// `?query&X-Amz-Signature=`.
    fn url_query(&self) -> &str {
        &self.text[self.query_start..self.tail_start]
    }

    /// The canonical request after the path.
    fn canonical_tail(&self) -> &[u8] {
        &self.text.as_bytes()[self.tail_start..]
    }

    /// Appends the presigned URL for `key` to `out`. Nothing is appended
    /// when the key is refused.
    ///
    /// # Errors
    /// [`PresignError::InvalidKey`] for an empty key or one over 1024 bytes.
    pub fn sign_into(&self, key: &str, out: &mut String) -> Result<(), PresignError> {
        validate_key(key)?;
        self.sign_checked_into(key, out);
        Ok(())
    }

    /// [`BatchSigner::sign_into`] for a key its caller has checked (a bucket
    /// operation's is empty).
    pub(crate) fn sign_checked_into(&self, key: &str, out: &mut String) {
        let key_start = self.write_path(key, out);
        let canonical = self
            .canonical_head
            .finish_with::<512>(&[&out.as_bytes()[key_start..], self.canonical_tail()]);
        match &self.string_to_sign_head {
            Head::Hmac(head) => {
                let signature = head.mac_with(&hex::encode_array(&canonical));
                self.write_query(&signature, out);
            }
            Head::Ecdsa { key, head } => {
                let mut string_to_sign = String::with_capacity(head.len() + 64);
                string_to_sign.push_str(head);
                hex::encode_into(&mut string_to_sign, &canonical);
                out.push_str(self.url_query());
                out.push_str(&key.sign(string_to_sign.as_bytes()));
            }
        }
    }

    /// Signs two keys at once: the URL for `keys[0]` is appended to
    /// `outs[0]`, the one for `keys[1]` to `outs[1]`, each as
    /// [`BatchSigner::sign_into`] would write it.
    ///
    /// This is the fast path for many keys. Hashing is almost all of the
    /// work, and the SHA-256 blocks of two URLs are independent, so they are
    /// compressed side by side, which the CPU overlaps: about a fifth less
    /// time per URL than two calls to `sign_into` (see `BENCHMARKS.md`).
    ///
    /// Each key is checked on its own: a refused key gets its error and
    /// leaves its buffer untouched, the other is still signed.
    ///
    /// # Example
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use presign::{BatchSigner, Credentials, Method, PresignRequest};
    ///
    /// let template = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "dataset", "");
    /// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let signer = BatchSigner::new(&template, &credentials, UNIX_EPOCH + Duration::from_secs(1_700_000_000))?;
    ///
    /// let (mut first, mut second) = (String::new(), String::new());
    /// let [a, b] = signer.sign_two_into(["a.csv", "b.csv"], [&mut first, &mut second]);
    /// a?;
    /// b?;
    /// assert_eq!(first, signer.sign("a.csv")?);
    /// assert_eq!(second, signer.sign("b.csv")?);
    /// # Ok::<(), presign::PresignError>(())
    /// ```
    #[must_use = "each key's result says whether its URL was written"]
    pub fn sign_two_into(
        &self,
        keys: [&str; 2],
        outs: [&mut String; 2],
    ) -> [Result<(), PresignError>; 2] {
        let [first_key, second_key] = keys;
        let [first_out, second_out] = outs;
        let Head::Hmac(string_to_sign_head) = &self.string_to_sign_head else {
            // SigV4A: the ECDSA signatures, not the hashes, take the time.
            return [
                self.sign_into(first_key, first_out),
                self.sign_into(second_key, second_out),
            ];
        };
        if validate_key(first_key).is_err() || validate_key(second_key).is_err() {
            return [
                self.sign_into(first_key, first_out),
                self.sign_into(second_key, second_out),
            ];
        }
        let first_start = self.write_path(first_key, first_out);
        let second_start = self.write_path(second_key, second_out);
        let tail = self.canonical_tail();
        let [first_canonical, second_canonical] = self.canonical_head.finish_two_with::<512>(
            &[&first_out.as_bytes()[first_start..], tail],
            &[&second_out.as_bytes()[second_start..], tail],
        );
        let [first_signature, second_signature] = string_to_sign_head.mac_two_with(
            &hex::encode_array(&first_canonical),
            &hex::encode_array(&second_canonical),
        );
        self.write_query(&first_signature, first_out);
        self.write_query(&second_signature, second_out);
        [Ok(()), Ok(())]
    }

    /// Appends the URL up to and including the encoded key; returns where the
    /// encoded key starts in `out`.
    fn write_path(&self, key: &str, out: &mut String) -> usize {
        out.push_str(self.url_head());
        let key_start = out.len();
        encode::path_into(out, key);
        key_start
    }

    /// Appends the query, ending with the signature.
    fn write_query(&self, signature: &[u8; 32], out: &mut String) {
        out.push_str(self.url_query());
        hex::encode_into(out, signature);
    }

    /// The presigned URL for `key`, as a new string.
    ///
    /// # Errors
    /// As [`BatchSigner::sign_into`].
    pub fn sign(&self, key: &str) -> Result<String, PresignError> {
        let mut url = String::with_capacity(self.tail_start + key.len() * 3 + 64);
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
            .field("url_head", &self.url_head())
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
    fn a_refused_key_of_two_does_not_stop_the_other() {
        let template = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "bucket", "");
        let credentials = Credentials::new("AKIDEXAMPLE", "secret");
        let batch = BatchSigner::new(&template, &credentials, SystemTime::UNIX_EPOCH).unwrap();
        let (mut refused, mut good_url) = (String::from("kept"), String::new());
        let [first, second] = batch.sign_two_into(["", "good"], [&mut refused, &mut good_url]);
        assert!(
            matches!(first, Err(PresignError::InvalidKey { .. })),
            "{first:?}"
        );
        assert!(second.is_ok());
        assert_eq!(refused, "kept");
        assert_eq!(good_url, batch.sign("good").unwrap());

        let (mut good_url, mut refused) = (String::new(), String::new());
        let long = "k".repeat(1025);
        let [first, second] = batch.sign_two_into(["good", &long], [&mut good_url, &mut refused]);
        assert!(first.is_ok() && second.is_err());
        assert_eq!(
            (good_url, refused),
            (batch.sign("good").unwrap(), String::new())
        );
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
