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

/// The lower-case hex of eight big-endian words (a SHA-256 state), eight
/// digits per word computed at once in a `u64`: each nibble is spread into
/// its own byte, then `'0'` is added, plus `'a' - '0' - 10` where it is 10 or
/// more.
pub(crate) fn encode_words(words: &[u32; 8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (digits, &word) in out.as_chunks_mut::<8>().0.iter_mut().zip(words) {
        let spread = u64::from(word);
        let spread = ((spread & 0xFFFF_0000) << 16) | (spread & 0x0000_FFFF);
        let spread = ((spread & 0x0000_FF00_0000_FF00) << 8) | (spread & 0x0000_00FF_0000_00FF);
        let nibbles = ((spread & 0x00F0_00F0_00F0_00F0) << 4) | (spread & 0x000F_000F_000F_000F);
        let letters = ((nibbles + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
        *digits = (nibbles + 0x3030_3030_3030_3030 + letters * 0x27).to_be_bytes();
    }
    out
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

    #[test]
    fn word_encoding_matches_byte_encoding() {
        let words = [
            0x0123_4567,
            0x89ab_cdef,
            0,
            u32::MAX,
            0xa0b0_c0d0,
            0x0f0e_0d0c,
            0x9999_aaaa,
            0x1000_0001,
        ];
        let bytes: Vec<u8> = words.iter().flat_map(|w: &u32| w.to_be_bytes()).collect();
        assert_eq!(
            std::str::from_utf8(&super::encode_words(&words)).unwrap(),
            super::encode(&bytes)
        );
    }
}
