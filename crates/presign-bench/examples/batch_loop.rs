//! Signs the benchmark key in a loop, for profilers (`perf record`,
//! `valgrind --tool=callgrind`):
//! `cargo run --release -p presign-bench --example batch_loop -- 1000000 [two]`
//! (`two`: two keys at a time with `sign_two_into`, as `presign batch` does).
#![allow(clippy::unwrap_used)]

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map_or(1_000_000, |n| n.parse().unwrap());
    let two_at_a_time = args.next().as_deref() == Some("two");
    let signer = presign::BatchSigner::new(
        &presign_bench::request(),
        &presign_bench::credentials(),
        presign_bench::now(),
    )
    .unwrap();
    let (mut first, mut second) = (String::with_capacity(1024), String::with_capacity(1024));
    let mut total = 0usize;
    let key = || std::hint::black_box(presign_bench::KEY);
    if two_at_a_time {
        for _ in 0..count / 2 {
            first.clear();
            second.clear();
            for result in signer.sign_two_into([key(), key()], [&mut first, &mut second]) {
                result.unwrap();
            }
            total += first.len() + second.len();
        }
    } else {
        for _ in 0..count {
            first.clear();
            signer.sign_into(key(), &mut first).unwrap();
            total += first.len();
        }
    }
    println!("{total}");
}
