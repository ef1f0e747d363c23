#!/usr/bin/env bash
# Benchmarks (not part of the test run; see BENCHMARKS.md).
#   bash scripts/bench.sh            criterion side by side, then the whole-process batch
#   bash scripts/bench.sh batch      only the whole-process batch
# Close other work first: the machine has 2 cores and the ratios are what count.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "batch" ]; then
  # One run, all signers side by side: ratios between them are what to read.
  cargo bench -p presign-bench -- --warm-up-time 2 --measurement-time 5
fi

cargo build --release --locked -p presign-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seq -f 'datasets/2024/11/28/part-%07g-of-1000000.snappy.parquet' 1000000 > "$work/keys.txt"
echo
echo "presign batch, 1,000,000 keys from a file to a file (5 runs):"
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
python3 - "$work" <<'PY'
import resource, subprocess, sys, time
work = sys.argv[1]
command = ["target/release/presign", "batch", "s3://examplebucket", "--region", "eu-west-1",
           "--input", f"{work}/keys.txt"]
walls = []
for _ in range(5):
    with open(f"{work}/urls.txt", "wb") as out:
        start = time.perf_counter()
        subprocess.run(command, stdout=out, check=True)
        walls.append(time.perf_counter() - start)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
lines = sum(1 for _ in open(f"{work}/urls.txt", "rb"))
print(f"  wall: min {min(walls):.3f} s, median {sorted(walls)[2]:.3f} s, max {max(walls):.3f} s")
print(f"  peak RSS (largest run): {peak_kib / 1024:.1f} MiB; output lines: {lines}")
PY
