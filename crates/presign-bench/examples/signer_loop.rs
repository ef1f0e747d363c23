//! Signs the benchmark request with the one-URL signer in a loop, for
//! profilers (`perf record`, `valgrind --tool=callgrind`):
//! `cargo run --release -p presign-bench --example signer_loop -- 1000000`
#![allow(clippy::unwrap_used)]

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .map_or(1_000_000, |n| n.parse().unwrap());
    let signer = presign::Signer::new(presign_bench::credentials()).unwrap();
    let request = presign_bench::request();
    let now = presign_bench::now();
    let mut out = String::with_capacity(1024);
    let mut total = 0usize;
    for _ in 0..count {
        out.clear();
        signer
            .sign_into(std::hint::black_box(&request), now, &mut out)
            .unwrap();
        total += out.len();
    }
    println!("{total}");
}
