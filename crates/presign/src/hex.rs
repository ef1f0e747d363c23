//! Lower-case hex without formatting machinery: signatures and hashes are
//! written once per URL.

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// The two hex digits of every byte: one lookup per byte on the hot path.
const HEX_PAIRS: [[u8; 2]; 256] = {
    let mut table = [[0u8; 2]; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = [HEX_LOWER[byte >> 4], HEX_LOWER[byte & 0x0f]];
        byte += 1;
    }
    table
};

/// Appends the lower-case hex of `bytes` to `out`.
pub(crate) fn encode_into(out: &mut String, bytes: &[u8]) {
    let mut buffer = [0u8; 128];
    for chunk in bytes.chunks(64) {
        let hex = &mut buffer[..chunk.len() * 2];
        encode_to_slice(chunk, hex);
        // Hex digits are ASCII, so this never falls back to the default.
        out.push_str(std::str::from_utf8(hex).unwrap_or_default());
    }
}

/// Writes the lower-case hex of `bytes` into `out`, which must be twice as
/// long (extra room is left untouched).
pub(crate) fn encode_to_slice(bytes: &[u8], out: &mut [u8]) {
    for (pair, &byte) in out.as_chunks_mut::<2>().0.iter_mut().zip(bytes) {
        *pair = HEX_PAIRS[usize::from(byte)];
    }
}

/// The lower-case hex of a SHA-256 digest or MAC, as bytes.
pub(crate) fn encode_array(digest: &[u8; 32]) -> [u8; 64] {
    let mut hex = [0u8; 64];
    encode_to_slice(digest, &mut hex);
    hex
}

/// The lower-case hex of `bytes`.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    encode_into(&mut out, bytes);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_every_nibble_in_lower_case() {
        assert_eq!(
            super::encode(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]),
            "0123456789abcdef"
        );
        assert_eq!(super::encode(&[]), "");
        let long: Vec<u8> = (0..=255).collect();
        let hex = super::encode(&long);
        assert_eq!(hex.len(), 512);
        assert!(hex.starts_with("000102") && hex.ends_with("fdfeff"));
    }
}
