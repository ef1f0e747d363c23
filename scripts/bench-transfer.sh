#!/usr/bin/env bash
# Large transfers through presigned URLs (a benchmark, not part of the test
# run; see BENCHMARKS.md), against one local S3-compatible server, in one run:
#  1. one PUT with `presign upload`, one GET with `presign download`;
#  2. a multipart upload through a plan (`presign multipart create`, then
#     `presign upload --plan` without credentials, default settings) beside
#     the same upload with the AWS CLI (`aws s3 cp`, default multipart
#     settings: 8 MiB parts, 10 at a time), alternating, ROUNDS times each.
# Every object is read back and compared (SHA-256). Reports wall time and
# the peak RSS of each process (GNU time's %M when /usr/bin/time exists), and fails when a presign process peaks at
# 64 MiB or more, or presign's best multipart time is slower than the AWS
# CLI's best.
#   bash scripts/bench-transfer.sh [SIZE_MIB] [SERVER] [ROUNDS]   defaults: 1024 s3s-fs 2
# The AWS CLI comes from PyPI (awscli, pinned below) into its own venv,
# .tools/awscli, so that it cannot change the botocore the tests pin.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
server=${2:-s3s-fs}
rounds=${3:-2}
AWSCLI_VERSION=1.46.2

bash scripts/servers/install.sh "$server"
if ! .tools/awscli/bin/aws --version 2>/dev/null | grep -q "aws-cli/$AWSCLI_VERSION "; then
  echo "installing awscli $AWSCLI_VERSION into .tools/awscli" >&2
  python3 -m venv .tools/awscli
  .tools/awscli/bin/python -m pip install --quiet --disable-pip-version-check "awscli==$AWSCLI_VERSION"
fi
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

python3 - "$work" "$size_mib" "$rounds" "$AWSCLI_VERSION" <<'PY'
import hashlib, os, subprocess, sys, time
work, size_mib, rounds, awscli_version = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
endpoint, bucket = os.environ["PRESIGN_TEST_ENDPOINT"], os.environ["PRESIGN_TEST_BUCKET"]
keys = {"AWS_ACCESS_KEY_ID": os.environ["PRESIGN_TEST_ACCESS_KEY"],
        "AWS_SECRET_ACCESS_KEY": os.environ["PRESIGN_TEST_SECRET_KEY"]}
# Nothing of the machine's AWS configuration gets in.
base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
base.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
with_keys = dict(base, **keys)
presign = "target/release/presign"
aws = ".tools/awscli/bin/aws"
upload = f"{work}/up.bin"
sign = [presign, "--endpoint-url", endpoint, "--region", "us-east-1"]

def peak_rss_mib(pid):
    """VmHWM of a running process, MiB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0

def timed(command, env):
    """Runs command; its wall time (s) and its own peak RSS (MiB).

    The peak comes from GNU time (%M) when /usr/bin/time exists: the
    rusage of a child forked from Python also counts Python's own pages
    from before the exec. Without it, /proc/PID/status VmHWM is sampled
    every 20 ms (it belongs to the exec'd program alone)."""
    gnu_time = os.path.exists("/usr/bin/time")
    report = f"{work}/rss.txt"
    wrapped = (["/usr/bin/time", "-f", "%M", "-o", report] + command) if gnu_time else command
    start = time.perf_counter()
    child = subprocess.Popen(wrapped, env=env, stdout=subprocess.DEVNULL)
    sampled = 0.0
    while child.poll() is None:
        if not gnu_time:
            sampled = max(sampled, peak_rss_mib(child.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        sys.exit(f"failed ({child.returncode}): {' '.join(command)}")
    if gnu_time:
        with open(report) as handle:
            return seconds, int(handle.read().split()[-1]) / 1024
    return seconds, sampled

def output(command, env):
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout.strip()

def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

expected = sha256(upload)
def read_back(key):
    target = f"{work}/back.bin"
    if os.path.exists(target):
        os.remove(target)
    get = output(sign + [f"s3://{bucket}/{key}"], with_keys)
    subprocess.run([presign, "download", "--quiet", get, "-o", target], env=base, check=True)
    same = sha256(target) == expected
    os.remove(target)
    return same

rows, failures = [], []
def row(what, seconds, rss, same, presign_process=True):
    rows.append((what, seconds, rss, same))
    if not same:
        failures.append(f"{what}: the object read back differs")
    if presign_process and rss >= 64:
        failures.append(f"{what}: peak RSS {rss:.1f} MiB (64 MiB allowed)")

# 1. One PUT, one GET.
put = output(sign + ["-X", "PUT", f"s3://{bucket}/bench/single.bin"], with_keys)
seconds, rss = timed([presign, "upload", "--quiet", put, upload], base)
row("presign upload (one PUT)", seconds, rss, read_back("bench/single.bin"))
get = output(sign + [f"s3://{bucket}/bench/single.bin"], with_keys)
seconds, rss = timed([presign, "download", "--quiet", get, "-o", f"{work}/down.bin"], base)
row("presign download", seconds, rss, sha256(f"{work}/down.bin") == expected)
os.remove(f"{work}/down.bin")

# 2. Multipart: presign through a plan beside aws s3 cp, alternating.
best = {"presign": float("inf"), "aws": float("inf")}
for round_number in range(1, rounds + 1):
    key = f"bench/aws-{round_number}.bin"
    seconds, rss = timed([aws, "s3", "cp", "--only-show-errors", "--endpoint-url", endpoint,
                          "--region", "us-east-1", upload, f"s3://{bucket}/{key}"], with_keys)
    row(f"aws s3 cp {awscli_version} (round {round_number})", seconds, rss, read_back(key), False)
    best["aws"] = min(best["aws"], seconds)
    key = f"bench/plan-{round_number}.bin"
    plan = f"{work}/plan.json"
    subprocess.run([presign, "multipart", "create", "--quiet", "--endpoint-url", endpoint,
                    "--region", "us-east-1", "--size", str(os.path.getsize(upload)),
                    "--plan-file", plan, f"s3://{bucket}/{key}"], env=with_keys, check=True)
    seconds, rss = timed([presign, "upload", "--quiet", "--plan", plan, upload], base)
    row(f"presign upload --plan (round {round_number})", seconds, rss, read_back(key))
    best["presign"] = min(best["presign"], seconds)

print(f"\n{size_mib} MiB against {os.environ['PRESIGN_TEST_SERVER']} on {endpoint}\n")
print("| transfer | wall time | MiB/s | peak RSS | bytes read back |")
print("| --- | ---: | ---: | ---: | --- |")
for what, seconds, rss, same in rows:
    print(f"| {what} | {seconds:.2f} s | {size_mib / seconds:.0f} | {rss:.1f} MiB | {'identical' if same else 'DIFFER'} |")
ratio = best["presign"] / best["aws"]
print(f"\nmultipart, best of {rounds}: presign {best['presign']:.2f} s, aws s3 cp {best['aws']:.2f} s "
      f"(presign takes {ratio:.2f} times the AWS CLI's time)")
if ratio > 1:
    failures.append("presign's multipart upload is slower than the AWS CLI's")
for failure in failures:
    print(f"FAIL: {failure}")
sys.exit(1 if failures else 0)
PY
