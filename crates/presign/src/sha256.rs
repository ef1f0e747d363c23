//! SHA-256 and HMAC-SHA256 over `sha2`'s block function, for the batch hot
//! path.
//!
//! The `sha2`/`hmac` types are right everywhere else; per batch URL they cost
//! more than the hashing itself (generic buffering, a zeroizing drop of every
//! cloned HMAC state). Here a whole state is 112 plain bytes, copied per URL,
//! and the HMAC pads are hashed once per batch. The compression function is
//! still `sha2`'s (with the CPU's SHA instructions where present); only the
//! Merkle–Damgård padding is written out, and it is checked against `sha2`
//! and RFC 4231 below.

use sha2::block_api::compress256;
use zeroize::Zeroize;

const INITIAL_STATE: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// A SHA-256 computation in progress; `Copy`, so a prefix can be hashed once
/// and resumed many times.
#[derive(Clone, Copy)]
pub(crate) struct Sha256 {
    state: [u32; 8],
    block: [u8; 64],
    filled: usize,
    length: u64,
}

impl Sha256 {
    pub(crate) const fn new() -> Self {
        Self {
            state: INITIAL_STATE,
            block: [0; 64],
            filled: 0,
            length: 0,
        }
    }

    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        let end = self.filled + data.len();
        if end < 64 {
            // The common case when a message is written piece by piece: the
            // piece fits in the pending block, nothing to compress yet.
            self.block[self.filled..end].copy_from_slice(data);
            self.filled = end;
            self.length += data.len() as u64;
            return;
        }
        self.update_blocks(data);
    }

    // Out of line, so that the common case above inlines where it is called.
    #[inline(never)]
    fn update_blocks(&mut self, mut data: &[u8]) {
        self.length += data.len() as u64;
        if self.filled > 0 {
            let take = data.len().min(64 - self.filled);
            self.block[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled < 64 {
                return;
            }
            compress256(&mut self.state, &[self.block]);
            self.filled = 0;
        }
        let (blocks, rest) = data.as_chunks::<64>();
        compress256(&mut self.state, blocks);
        self.block[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    pub(crate) fn finalize(mut self) -> [u8; 32] {
        let bit_length = self.length.wrapping_mul(8);
        self.block[self.filled] = 0x80;
        self.block[self.filled + 1..].fill(0);
        if self.filled >= 56 {
            compress256(&mut self.state, &[self.block]);
            self.block = [0; 64];
        }
        self.block[56..].copy_from_slice(&bit_length.to_be_bytes());
        compress256(&mut self.state, &[self.block]);
        // No wipe here: the state now holds the digest, which is the output,
        // and the buffer holds message bytes. What is secret in an HMAC is the
        // pad midstate, which only `PreparedHmac` keeps (and wipes on drop).
        digest_of(self.state)
    }

    /// The digest of everything hashed so far plus `parts`, leaving `self`
    /// as it was. When the rest fits in `N` bytes (a multiple of 64) it is
    /// laid out once, padding included, and compressed in one call; otherwise
    /// it streams.
    pub(crate) fn finish_with<const N: usize>(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut buffer = [0u8; N];
        let Some(padded_len) = self.lay_out_rest(parts, &mut buffer) else {
            return self.finish_streaming(parts);
        };
        let mut state = self.state;
        compress256(&mut state, buffer[..padded_len].as_chunks::<64>().0);
        digest_of(state)
    }

    /// The digests of two messages that both continue what was hashed so far,
    /// one with `first`, the other with `second`. Their blocks are compressed
    /// side by side (see [`compress_side_by_side`]); when either rest is over
    /// `N` bytes, each is finished on its own with [`Sha256::finish_with`].
    pub(crate) fn finish_two_with<const N: usize>(
        &self,
        first: &[&[u8]],
        second: &[&[u8]],
    ) -> [[u8; 32]; 2] {
        let mut first_buffer = [0u8; N];
        let mut second_buffer = [0u8; N];
        let (Some(first_len), Some(second_len)) = (
            self.lay_out_rest(first, &mut first_buffer),
            self.lay_out_rest(second, &mut second_buffer),
        ) else {
            return [self.finish_with::<N>(first), self.finish_with::<N>(second)];
        };
        let mut states = [self.state; 2];
        let [first_state, second_state] = &mut states;
        compress_side_by_side(
            [first_state, second_state],
            [
                first_buffer[..first_len].as_chunks::<64>().0,
                second_buffer[..second_len].as_chunks::<64>().0,
            ],
        );
        states.map(digest_of)
    }

    /// Writes the unhashed bytes, `parts` and the padding into `buffer`, and
    /// returns the padded length (a multiple of 64), or `None` when that is
    /// over `N`.
    fn lay_out_rest<const N: usize>(&self, parts: &[&[u8]], buffer: &mut [u8; N]) -> Option<usize> {
        let rest_len = self.filled + parts.iter().map(|part| part.len()).sum::<usize>();
        let padded_len = (rest_len + 9).div_ceil(64) * 64;
        if padded_len > N {
            return None;
        }
        buffer[..self.filled].copy_from_slice(&self.block[..self.filled]);
        let mut at = self.filled;
        for part in parts {
            buffer[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        buffer[at] = 0x80;
        let bit_length = (self.length + (rest_len - self.filled) as u64).wrapping_mul(8);
        buffer[padded_len - 8..padded_len].copy_from_slice(&bit_length.to_be_bytes());
        Some(padded_len)
    }

    fn finish_streaming(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut hasher = *self;
        for part in parts {
            hasher.update(part);
        }
        hasher.finalize()
    }

    fn wipe(&mut self) {
        self.state.zeroize();
        self.block.zeroize();
    }
}

/// Compresses two independent block sequences, one block of each in turn.
///
/// A SHA-256 block is a chain of dependent rounds, and the CPU's SHA
/// instructions wait on each other's results; two messages have no data in
/// common, so with their blocks interleaved the CPU runs the two chains at
/// once. Measured on the benchmark machine: about 28 ns per block instead of
/// 36 (`BENCHMARKS.md`, `sign_two_into` against `sign_into`).
fn compress_side_by_side(states: [&mut [u32; 8]; 2], blocks: [&[[u8; 64]]; 2]) {
    let [first_state, second_state] = states;
    let [first_blocks, second_blocks] = blocks;
    for index in 0..first_blocks.len().max(second_blocks.len()) {
        if let Some(block) = first_blocks.get(index) {
            compress256(first_state, std::slice::from_ref(block));
        }
        if let Some(block) = second_blocks.get(index) {
            compress256(second_state, std::slice::from_ref(block));
        }
    }
}

fn digest_of(state: [u32; 8]) -> [u8; 32] {
    let mut digest = [0u8; 32];
    for (chunk, word) in digest.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

/// HMAC-SHA256 with the key's inner and outer pad blocks already hashed.
/// These states sign anything, like the key: wiped on drop.
#[derive(Clone)]
pub(crate) struct PreparedHmac {
    inner: Sha256,
    outer: Sha256,
}

impl PreparedHmac {
    /// For keys of at most 64 bytes (a SigV4 signing key has 32).
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        let mut inner_pad = [0x36u8; 64];
        let mut outer_pad = [0x5cu8; 64];
        for (index, byte) in key.iter().enumerate() {
            inner_pad[index] ^= byte;
            outer_pad[index] ^= byte;
        }
        let mut inner = Sha256::new();
        inner.update(&inner_pad);
        let mut outer = Sha256::new();
        outer.update(&outer_pad);
        inner_pad.zeroize();
        outer_pad.zeroize();
        Self { inner, outer }
    }

    /// Continues the inner hash with `data`: a message prefix shared by many
    /// messages is hashed once.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    /// The MAC of everything given to [`PreparedHmac::update`] plus `tail`,
    /// leaving `self` as it was.
    pub(crate) fn mac_with(&self, tail: &[u8]) -> [u8; 32] {
        let inner_digest = self.inner.finish_with::<192>(&[tail]);
        self.outer.finish_with::<64>(&[&inner_digest])
    }

    /// [`PreparedHmac::mac_with`] for two tails at once, their hashes
    /// computed side by side.
    pub(crate) fn mac_two_with(&self, first: &[u8], second: &[u8]) -> [[u8; 32]; 2] {
        let [first_inner, second_inner] = self.inner.finish_two_with::<192>(&[first], &[second]);
        self.outer
            .finish_two_with::<64>(&[&first_inner], &[&second_inner])
    }
}

impl Drop for PreparedHmac {
    fn drop(&mut self) {
        self.inner.wipe();
        self.outer.wipe();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;
    use sha2::Digest;

    #[test]
    fn matches_sha2_for_every_length_and_split_up_to_200_bytes() {
        let data: Vec<u8> = (0..200u8)
            .map(|i| i.wrapping_mul(31).wrapping_add(7))
            .collect();
        for length in 0..data.len() {
            let expected: [u8; 32] = sha2::Sha256::digest(&data[..length]).into();
            for split in [0, length / 3, length / 2, length] {
                let mut hasher = Sha256::new();
                hasher.update(&data[..split]);
                hasher.update(&data[split..length]);
                assert_eq!(
                    hasher.finalize(),
                    expected,
                    "length {length}, split {split}"
                );
            }
        }
    }

    #[test]
    fn finish_with_matches_streaming_inside_and_beyond_its_buffer() {
        let data: Vec<u8> = (0..700u32).map(|i| (i * 7 % 251) as u8).collect();
        for head in [0, 5, 63, 64, 70] {
            for length in (0..data.len() - head).step_by(13) {
                let mut prefix = Sha256::new();
                prefix.update(&data[..head]);
                let expected: [u8; 32] = sha2::Sha256::digest(&data[..head + length]).into();
                let rest = &data[head..head + length];
                let (a, b) = rest.split_at(length / 2);
                assert_eq!(
                    prefix.finish_with::<512>(&[a, b]),
                    expected,
                    "head {head} length {length}"
                );
                assert_eq!(
                    prefix.finish_with::<64>(&[rest]),
                    expected,
                    "head {head} length {length}"
                );
            }
        }
    }

    #[test]
    fn two_messages_side_by_side_match_each_alone() {
        let data: Vec<u8> = (0..700u32).map(|i| (i * 11 % 253) as u8).collect();
        let mut prefix = Sha256::new();
        prefix.update(&data[..70]);
        let rest = &data[70..];
        // Lengths that need 1 to 8 blocks, and some over the 512-byte buffer
        // (streamed instead), in every pairing.
        let lengths = [0, 1, 55, 56, 64, 119, 200, 300, 441, 442, 600];
        for &first in &lengths {
            for &second in &lengths {
                let (a, b) = (&rest[..first], &rest[first % 7..first % 7 + second]);
                let expected = [a, b].map(|tail| {
                    let mut whole = data[..70].to_vec();
                    whole.extend_from_slice(tail);
                    <[u8; 32]>::from(sha2::Sha256::digest(&whole))
                });
                assert_eq!(
                    prefix.finish_two_with::<512>(&[a], &[b]),
                    expected,
                    "lengths {first} and {second}"
                );
            }
        }
    }

    #[test]
    fn prepared_hmac_of_two_tails_matches_one_at_a_time() {
        let mut prepared = PreparedHmac::new(&[0x42u8; 32]);
        prepared.update(&[0x17u8; 69]);
        let tails: Vec<Vec<u8>> = [0usize, 9, 64, 114, 115, 180, 300]
            .iter()
            .map(|&n| (0..=255u8).cycle().step_by(5).take(n).collect())
            .collect();
        for first in &tails {
            for second in &tails {
                assert_eq!(
                    prepared.mac_two_with(first, second),
                    [prepared.mac_with(first), prepared.mac_with(second)]
                );
            }
        }
    }

    #[test]
    fn prepared_hmac_matches_rfc_4231_style_and_the_hmac_crate() {
        let key = [0x0bu8; 32];
        let mut prepared = PreparedHmac::new(&key);
        prepared.update(b"Hi ");
        let mac = prepared.mac_with(b"There");
        assert_eq!(
            hex::encode(&mac),
            hex::encode(&crate::signing_key::hmac_sha256(&key, &[b"Hi There"]))
        );
        // Reusable: the same prefix with another tail.
        assert_eq!(prepared.mac_with(b"There"), mac);
    }
}
