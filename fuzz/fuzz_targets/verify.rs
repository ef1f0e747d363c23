//! `presign::verify` on an arbitrary URL, method, headers, instant and
//! policy, against fixed credentials. Input format: see
//! `presign_fuzz::check_verify`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _verified = presign_fuzz::check_verify(data);
});
