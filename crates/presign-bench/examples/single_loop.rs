//! Signs one GET URL (`presign()`), one POST policy (`presign_post()`) or
//! verifies that policy's form (`verify_post()`) in a loop, for profilers and
//! instruction counts, which a busy machine does not disturb:
//! `valgrind --tool=callgrind target/release/examples/single_loop 10000 post`
//! (`get`, `post` or `verify-post`; `cargo build --release -p presign-bench
//! --examples` first).
#![allow(clippy::unwrap_used)]

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map_or(100_000, |n| n.parse().unwrap());
    let what = args.next().unwrap_or_else(|| "get".to_owned());
    let credentials = presign_bench::credentials();
    let now = presign_bench::now();
    let request = presign_bench::request();
    let policy = presign_bench::post_policy();
    let post = presign::presign_post(&policy, &credentials, now).unwrap();
    let upload = post
        .fields()
        .iter()
        .fold(
            presign::PostUpload::new(presign_bench::BUCKET, 123_456),
            |upload, (name, value)| upload.field(name, value),
        )
        .field("Content-Type", "image/png");
    let lookup = |id: &str| (id == presign_bench::ACCESS_KEY_ID).then(|| credentials.clone());
    let verify_policy = presign::VerifyPolicy::default();
    let mut total = 0usize;
    for _ in 0..count {
        total += match what.as_str() {
            "get" => presign::presign(std::hint::black_box(&request), &credentials, now)
                .unwrap()
                .url()
                .len(),
            "post" => presign::presign_post(std::hint::black_box(&policy), &credentials, now)
                .unwrap()
                .policy()
                .len(),
            _ => presign::verify_post(std::hint::black_box(&upload), lookup, now, &verify_policy)
                .unwrap()
                .key()
                .len(),
        };
    }
    println!("{total}");
}
