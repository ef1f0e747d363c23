//! The derived signing key: `kDate -> kRegion -> kService -> kSigning`.
//!
//! The key signs anything for its day, region and service, so it is as secret
//! as the secret access key: wiped on drop, redacted in `Debug`, and shown only
//! through [`SigningKey::reveal_hex`], whose name makes a leak visible in review.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::hex;
use crate::sha256::PreparedHmac;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of the concatenation of `parts` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length (long ones are hashed first), so
    // `new_from_slice` cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        unreachable!("HMAC accepts keys of every length")
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// 64 hex digits (either case) as 32 bytes.
fn decode_hex_32(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let nibble = |digit: u8| char::from(digit).to_digit(16);
    let mut bytes = [0u8; 32];
    for (byte, pair) in bytes.iter_mut().zip(digits.as_chunks::<2>().0) {
        let value = nibble(pair[0])? * 16 + nibble(pair[1])?;
        *byte = u8::try_from(value).ok()?;
    }
    Some(bytes)
}

/// The SigV4 signing key for one date, region and service.
///
/// # Example
/// ```
/// use presign::SigningKey;
///
/// // The AWS documentation's example.
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3");
/// assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
/// assert_eq!(
///     key.sign(b"AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"),
///     "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
/// );
/// ```
#[derive(Clone)]
pub struct SigningKey {
    key: Zeroizing<[u8; 32]>,
}

impl SigningKey {
    /// Derives the key from the secret access key.
    #[must_use]
    pub fn derive(secret_access_key: &str, date_stamp: &str, region: &str, service: &str) -> Self {
        let mut seed = Zeroizing::new(String::with_capacity(4 + secret_access_key.len()));
        seed.push_str("AWS4");
        seed.push_str(secret_access_key);
        let date_key = Zeroizing::new(hmac_sha256(seed.as_bytes(), &[date_stamp.as_bytes()]));
        let region_key = Zeroizing::new(hmac_sha256(&*date_key, &[region.as_bytes()]));
        let service_key = Zeroizing::new(hmac_sha256(&*region_key, &[service.as_bytes()]));
        Self {
            key: Zeroizing::new(hmac_sha256(&*service_key, &[b"aws4_request"])),
        }
    }

    /// The signature of `string_to_sign`: lower-case hex of its HMAC-SHA256.
    #[must_use]
    pub fn sign(&self, string_to_sign: &[u8]) -> String {
        hex::encode(&hmac_sha256(&*self.key, &[string_to_sign]))
    }

    /// Whether `signature` (64 hex digits) is the signature of
    /// `string_to_sign`, compared in constant time.
    #[must_use]
    pub fn verify(&self, string_to_sign: &[u8], signature: &str) -> bool {
        let Some(expected) = decode_hex_32(signature) else {
            return false;
        };
        let Ok(mut mac) = HmacSha256::new_from_slice(&*self.key) else {
            unreachable!("HMAC accepts keys of every length")
        };
        mac.update(string_to_sign);
        mac.verify_slice(&expected).is_ok()
    }

    /// HMAC-SHA256 under this key with its pad blocks hashed once, for the
    /// batch signer.
    pub(crate) fn prepared_hmac(&self) -> PreparedHmac {
        PreparedHmac::new(&self.key)
    }

    /// The key in hex. It signs any request for its day and region: show it only
    /// when the user asked to see secrets.
    #[must_use]
    pub fn reveal_hex(&self) -> String {
        hex::encode(&*self.key)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_aws_documentation_signing_key() {
        let key = SigningKey::derive(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "20130524",
            "us-east-1",
            "s3",
        );
        assert_eq!(
            key.reveal_hex(),
            "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378"
        );
    }

    #[test]
    fn verify_accepts_only_the_exact_signature() {
        let key = SigningKey::derive("secret", "20130524", "us-east-1", "s3");
        let signature = key.sign(b"message");
        assert!(key.verify(b"message", &signature));
        assert!(
            key.verify(b"message", &signature.to_uppercase()),
            "hex case does not matter to the MAC"
        );
        assert!(!key.verify(b"massage", &signature));
        let mut flipped = signature.clone().into_bytes();
        flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };
        assert!(!key.verify(b"message", std::str::from_utf8(&flipped).unwrap()));
        assert!(!key.verify(b"message", &signature[..63]));
        assert!(!key.verify(b"message", "zz"));
    }

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex::encode(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
