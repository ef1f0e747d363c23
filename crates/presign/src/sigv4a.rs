//! SigV4A (`AWS4-ECDSA-P256-SHA256`): the asymmetric SigV4 that Multi-Region
//! Access Points require, because no one region's HMAC key can sign for a
//! request that any of several regions may serve.
//!
//! The key pair is derived from the secret access key alone, as aws-c-auth's
//! `aws_ecc_key_pair_new_ecdsa_p256_key_from_aws_credentials` does (so a
//! server holding the same secret derives the same public key): a
//! counter-mode HMAC-SHA256 KDF (NIST SP 800-108) keyed with `"AWS4A" +
//! secret` over `00000001 || "AWS4-ECDSA-P256-SHA256" || 00 || access key id
//! || counter || 00000100`. The first output `c` with `c <= n - 2` (`n` the
//! P-256 group order) gives the private scalar `c + 1`; a larger one moves to
//! the next counter (at most 254). Signatures are ECDSA P-256 over SHA-256
//! with RFC 6979 deterministic nonces, DER-encoded, in lower-case hex: the
//! same inputs always give the same URL, even though AWS's own signer picks
//! random nonces (so only the signature's bytes differ from botocore's, and
//! both verify with the same public key).
//!
//! The string to sign differs from SigV4's only in its algorithm line and in
//! its scope, which has no region: `YYYYMMDD/service/aws4_request`. The
//! regions go in `X-Amz-Region-Set` instead, a signed query parameter.

use std::fmt;

use ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::error::PresignError;
use crate::hex;
use crate::signing_key::hmac_sha256;

/// The SigV4A algorithm, as in `X-Amz-Algorithm` and the string to sign.
pub const SIGV4A_ALGORITHM: &str = "AWS4-ECDSA-P256-SHA256";

/// The largest KDF counter aws-c-auth tries.
const MAX_COUNTER: u8 = 254;

/// The P-256 group order minus 2, big-endian: the largest KDF output that
/// gives a private scalar (`output + 1 <= n - 1`).
const N_MINUS_2: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x4F,
];

/// The SigV4A key pair of one set of credentials.
///
/// It signs for every region and day, so it is as secret as the secret
/// access key: its private scalar is wiped on drop (by `p256`) and never
/// shown; `Debug` prints only the public key.
///
/// # Example
/// aws-c-auth's test suite key (`tests/aws-signing-test-suite/v4a/*/public-key.json`):
/// ```
/// use presign::SigV4aKey;
///
/// let key = SigV4aKey::derive("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// let (x, y) = key.public_key_hex();
/// assert_eq!(x, "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1");
/// assert_eq!(y, "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518");
/// let signature = key.sign(b"string to sign");
/// assert!(key.verify(b"string to sign", &signature));
/// assert!(!key.verify(b"string to sign!", &signature));
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone)]
pub struct SigV4aKey {
    signing: SigningKey,
}

impl SigV4aKey {
    /// Derives the key pair from the credentials' access key id and secret.
    ///
    /// # Errors
    /// [`PresignError::SigV4aKeyUnderivable`] in the (astronomically
    /// unlikely) case that none of the 254 candidates is a valid scalar.
    pub fn derive(access_key_id: &str, secret_access_key: &str) -> Result<Self, PresignError> {
        let mut hmac_key = Zeroizing::new(Vec::with_capacity(5 + secret_access_key.len()));
        hmac_key.extend_from_slice(b"AWS4A");
        hmac_key.extend_from_slice(secret_access_key.as_bytes());
        for counter in 1..=MAX_COUNTER {
            let mut candidate = Zeroizing::new(hmac_sha256(
                &hmac_key,
                &[
                    &[0, 0, 0, 1],
                    SIGV4A_ALGORITHM.as_bytes(),
                    &[0],
                    access_key_id.as_bytes(),
                    &[counter],
                    &[0, 0, 1, 0],
                ],
            ));
            // Big-endian byte arrays of equal length compare as numbers.
            if *candidate > N_MINUS_2 {
                continue;
            }
            add_one(&mut candidate);
            if let Ok(signing) = SigningKey::from_slice(&*candidate) {
                return Ok(Self { signing });
            }
        }
        Err(PresignError::SigV4aKeyUnderivable)
    }

    /// The public key's affine coordinates, X and Y, each 64 lower-case hex
    /// digits (as aws-c-auth's `public-key.json` lists them).
    #[must_use]
    pub fn public_key_hex(&self) -> (String, String) {
        let point = self.signing.verifying_key().to_sec1_point(false);
        let (x, y) = (point.x(), point.y());
        (
            x.map(|x| hex::encode(x)).unwrap_or_default(),
            y.map(|y| hex::encode(y)).unwrap_or_default(),
        )
    }

    /// The signature of `string_to_sign`: ECDSA P-256 over its SHA-256, with
    /// an RFC 6979 nonce, DER-encoded, in lower-case hex.
    #[must_use]
    pub fn sign(&self, string_to_sign: &[u8]) -> String {
        let signature: Signature = self.signing.sign(string_to_sign);
        hex::encode(signature.to_der().as_bytes())
    }

    /// Whether `signature` (DER in hex, either case) is a valid signature of
    /// `string_to_sign` under this key's public key.
    #[must_use]
    pub fn verify(&self, string_to_sign: &[u8], signature: &str) -> bool {
        verify_with(self.signing.verifying_key(), string_to_sign, signature)
    }
}

impl fmt::Debug for SigV4aKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (x, y) = self.public_key_hex();
        f.debug_struct("SigV4aKey")
            .field("public_x", &x)
            .field("public_y", &y)
            .finish_non_exhaustive()
    }
}

/// Adds one to a big-endian number that is below its maximum.
fn add_one(number: &mut [u8; 32]) {
    for byte in number.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            break;
        }
    }
}

fn verify_with(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    let Some(der) = decode_hex(signature) else {
        return false;
    };
    let Ok(der) = DerSignature::try_from(der.as_slice()) else {
        return false;
    };
    key.verify(message, &der).is_ok()
}

/// Hex digits (either case) as bytes; `None` unless there is an even number
/// of them, at most a DER P-256 signature's worth.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) || digits.len() > 2 * 80 {
        return None;
    }
    let nibble = |digit: u8| char::from(digit).to_digit(16);
    digits
        .as_chunks::<2>()
        .0
        .iter()
        .map(|pair| u8::try_from(nibble(pair[0])? * 16 + nibble(pair[1])?).ok())
        .collect()
}

/// Whether `region_set` can go into `X-Amz-Region-Set`: regions (`[a-z0-9-]`,
/// `*` as a wildcard) separated by `,`, none empty.
pub(crate) fn validate_region_set(region_set: &str) -> Result<(), PresignError> {
    let ok = region_set.split(',').all(|region| {
        !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'*')
    });
    if ok {
        Ok(())
    } else {
        Err(PresignError::InvalidRegionSet {
            region_set: region_set.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_candidate_above_n_minus_2_moves_to_the_next_counter() {
        // The boundary itself is accepted and gives n - 1, the largest scalar.
        let mut largest = N_MINUS_2;
        add_one(&mut largest);
        assert!(SigningKey::from_slice(&largest).is_ok());
        let mut too_large = largest;
        add_one(&mut too_large);
        assert!(
            SigningKey::from_slice(&too_large).is_err(),
            "n is no scalar"
        );
    }

    #[test]
    fn add_one_carries() {
        let mut number = [0u8; 32];
        number[31] = 0xff;
        number[30] = 0xff;
        add_one(&mut number);
        assert_eq!(&number[29..], &[1, 0, 0]);
    }

    #[test]
    fn signatures_are_deterministic_der_and_checked() {
        let key = SigV4aKey::derive("AKID", "secret").unwrap();
        let signature = key.sign(b"message");
        assert_eq!(signature, key.sign(b"message"), "RFC 6979");
        assert!(signature.starts_with("30"), "a DER sequence: {signature}");
        assert!(key.verify(b"message", &signature));
        assert!(key.verify(b"message", &signature.to_uppercase()));
        assert!(!key.verify(b"massage", &signature));
        assert!(!key.verify(b"message", &signature[..signature.len() - 2]));
        assert!(!key.verify(b"message", "zz"));
        let other = SigV4aKey::derive("AKID2", "secret").unwrap();
        assert!(
            !other.verify(b"message", &signature),
            "the key id is an input"
        );
    }

    #[test]
    fn debug_shows_only_the_public_key() {
        let key = SigV4aKey::derive("AKID", "SECRETSECRET").unwrap();
        let debug = format!("{key:?}");
        assert!(debug.contains("public_x") && !debug.contains("SECRETSECRET"));
    }

    #[test]
    fn region_sets_are_regions_or_wildcards_joined_with_commas() {
        for good in ["*", "us-east-1", "us-east-1,eu-west-1", "us-*"] {
            assert!(validate_region_set(good).is_ok(), "{good:?}");
        }
        for bad in ["", "us-east-1,", ",", "US-EAST-1", "a b", "a/b"] {
            assert!(validate_region_set(bad).is_err(), "{bad:?}");
        }
    }
}
