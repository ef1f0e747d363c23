#!/usr/bin/env bash
# Large transfers through presigned URLs (a benchmark, not part of the test
# run; see BENCHMARKS.md): uploads and downloads a file (default 1 GiB)
# against a local S3-compatible server with `presign upload` / `presign
# download`, checks the bytes, and reports throughput and peak RSS.
#   bash scripts/bench-transfer.sh [SIZE_MIB] [SERVER]    defaults: 1024 s3s-fs
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
server=${2:-s3s-fs}

bash scripts/servers/install.sh "$server"
cargo build --release --locked -p presign-cli
work=$(mktemp -d)
state="$work/state"
cleanup() {
  bash scripts/servers/stop.sh "$state" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
bash scripts/servers/start.sh "$server" "$state"
# shellcheck disable=SC1090
set -a; source "$state/$server.env"; set +a

echo "writing a ${size_mib} MiB file of random bytes"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom > "$work/up.bin"

python3 - "$work" "$size_mib" <<'PY'
import hashlib, os, resource, subprocess, sys, time
work, size_mib = sys.argv[1], int(sys.argv[2])
env = dict(os.environ, AWS_ACCESS_KEY_ID=os.environ["PRESIGN_TEST_ACCESS_KEY"],
           AWS_SECRET_ACCESS_KEY=os.environ["PRESIGN_TEST_SECRET_KEY"])
presign = "target/release/presign"
target = f"s3://{os.environ['PRESIGN_TEST_BUCKET']}/bench/large.bin"
sign = [presign, "--endpoint-url", os.environ["PRESIGN_TEST_ENDPOINT"], "--region", "us-east-1"]

def child_peak_mib():
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

def timed(command):
    before = child_peak_mib()
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True)
    return time.perf_counter() - start, before

put = subprocess.run(sign + ["-X", "PUT", target], env=env, check=True, capture_output=True, text=True).stdout.strip()
get = subprocess.run(sign + [target], env=env, check=True, capture_output=True, text=True).stdout.strip()
up_seconds, _ = timed([presign, "upload", "--quiet", put, f"{work}/up.bin"])
up_peak = child_peak_mib()
down_seconds, _ = timed([presign, "download", "--quiet", get, "-o", f"{work}/down.bin"])
peak = child_peak_mib()

def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

same = sha256(f"{work}/up.bin") == sha256(f"{work}/down.bin")
print(f"upload:   {size_mib} MiB in {up_seconds:.2f} s = {size_mib / up_seconds:.0f} MiB/s")
print(f"download: {size_mib} MiB in {down_seconds:.2f} s = {size_mib / down_seconds:.0f} MiB/s")
print(f"peak RSS of presign: {peak:.1f} MiB (largest of the signing, upload and download processes)")
print("bytes identical" if same else "BYTES DIFFER")
sys.exit(0 if same and peak < 64 else 1)
PY
