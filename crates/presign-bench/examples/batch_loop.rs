//! Signs the benchmark key in a loop, for profilers (`perf record`,
//! `valgrind --tool=callgrind`): `cargo run --release -p presign-bench --example batch_loop -- 1000000`.
#![allow(clippy::unwrap_used)]

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .map_or(1_000_000, |n| n.parse().unwrap());
    let signer = presign::BatchSigner::new(
        &presign_bench::request(),
        &presign_bench::credentials(),
        presign_bench::now(),
    )
    .unwrap();
    let mut out = String::with_capacity(1024);
    let mut total = 0usize;
    for _ in 0..count {
        out.clear();
        signer
            .sign_into(std::hint::black_box(presign_bench::KEY), &mut out)
            .unwrap();
        total += out.len();
    }
    println!("{total}");
}
