//! [`Sink`]: where the parts of a canonical request or a string to sign go.
//!
//! The same writer serves two readers: [`crate::presign()`] keeps the canonical
//! request and the string to sign as text to explain them, and the one-URL
//! signer ([`crate::Signer`]) streams the very same bytes into SHA-256 and
//! HMAC states without keeping them. Writing both through one function per
//! rule is what keeps the two byte-identical.

use crate::sha256::{PreparedHmac, Sha256};

/// Accepts text, piece by piece.
pub(crate) trait Sink {
    /// Appends `text`.
    fn put(&mut self, text: &str);

    /// Appends `text` with ASCII upper-case letters lowered (header names).
    fn put_lowercase(&mut self, text: &str) {
        let mut rest = text;
        // An ASCII upper-case letter is a whole character, so the runs
        // between them are valid text.
        while let Some(at) = rest.bytes().position(|byte| byte.is_ascii_uppercase()) {
            self.put(&rest[..at]);
            let lowered = [rest.as_bytes()[at].to_ascii_lowercase()];
            self.put(std::str::from_utf8(&lowered).unwrap_or_default());
            rest = &rest[at + 1..];
        }
        self.put(rest);
    }

    /// Appends `number` in decimal.
    fn put_decimal(&mut self, number: u64) {
        // u64::MAX has 20 digits.
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = number;
        loop {
            start -= 1;
            digits[start] = b'0' + u8::try_from(rest % 10).unwrap_or_default();
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.put(std::str::from_utf8(&digits[start..]).unwrap_or_default());
    }
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl Sink for Sha256 {
    #[inline]
    fn put(&mut self, text: &str) {
        self.update(text.as_bytes());
    }
}

impl Sink for PreparedHmac {
    #[inline]
    fn put(&mut self, text: &str) {
        self.update(text.as_bytes());
    }
}

/// Text of up to `N` bytes on the stack, moved to the heap when it grows
/// longer: scratch space for short values (a host, a header list) on a path
/// that must not allocate.
pub(crate) struct StackText<const N: usize> {
    bytes: [u8; N],
    len: usize,
    spilled: Option<String>,
}

impl<const N: usize> StackText<N> {
    pub(crate) const fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
            spilled: None,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match &self.spilled {
            Some(text) => text,
            // Only whole `&str`s are ever copied in, so this is valid text.
            None => std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default(),
        }
    }
}

impl<const N: usize> Sink for StackText<N> {
    fn put(&mut self, text: &str) {
        if let Some(spilled) = &mut self.spilled {
            spilled.push_str(text);
        } else if let Some(room) = self.bytes.get_mut(self.len..self.len + text.len()) {
            room.copy_from_slice(text.as_bytes());
            self.len += text.len();
        } else {
            let mut spilled = String::with_capacity(self.len + text.len());
            spilled.push_str(self.as_str());
            spilled.push_str(text);
            self.spilled = Some(spilled);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercasing_touches_only_ascii_capitals() {
        let mut out = String::new();
        out.put_lowercase("X-Amz-Meta-Ça");
        out.put_lowercase("");
        out.put_lowercase("ABC");
        assert_eq!(out, "x-amz-meta-Çaabc");
    }

    #[test]
    fn stack_text_moves_to_the_heap_when_full() {
        let mut text = StackText::<8>::new();
        text.put("abc");
        text.put("de");
        assert_eq!(text.as_str(), "abcde");
        text.put("fghij");
        text.put("é");
        assert_eq!(text.as_str(), "abcdefghijé");
        let mut exact = StackText::<4>::new();
        exact.put("abcd");
        exact.put("");
        assert_eq!(exact.as_str(), "abcd");
    }

    #[test]
    fn decimals_match_to_string() {
        for number in [0, 1, 9, 10, 443, 65_535, 604_800, u64::MAX] {
            let mut out = String::new();
            out.put_decimal(number);
            assert_eq!(out, number.to_string());
        }
    }
}
