//! `PresignedUrl::parse` on arbitrary bytes, then the canonical request and
//! the string to sign of whatever parses (the `inspect` path). Input format:
//! see `presign_fuzz::check_parse`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _parsed = presign_fuzz::check_parse(data);
});
