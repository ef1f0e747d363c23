#!/usr/bin/env bash
# presign serve beside Uppy Companion 6.2.2 on the same routes, in one run:
# wrk (one thread, 16 connections, loopback) on GET /s3/params (a POST
# policy) and on part signing (GET /s3/multipart/ID/N?key=), then
# /v1/presign/batch (URLs per second). Prints requests/s, p99 and errors
# per route, each server's peak RSS (VmHWM), and checks the targets of
# issue 10: presign at least 20x Companion's requests/s, p99 at most 2 ms,
# peak RSS under 64 MiB, zero errors from presign (Companion's are reported).
#   scripts/bench-serve.sh [SECONDS]     (default 10 per route and server)
# presign serve runs with `workers = 1` (WORKERS=N to change it): wrk's one
# thread needs a core of its own, and on a 2-vCPU machine a second worker
# makes three busy threads time-slice two CPUs, which shows in p99 (not in
# requests/s). Companion runs as it always does, one Node.js thread.
# Also /v1/presign (one URL a request). With BASE_BIN=path/to/an/older/presign
# the presign routes are also measured against that binary, in the same run:
# ROUNDS (default 5) rounds of 4 s, the two binaries alternating, medians
# compared (one pair of runs is too noisy on a shared 2-core machine).
# Installs wrk (Debian package) and @uppy/companion 6.2.2 (npm, into
# .tools/companion) when missing. The signing routes call no storage; a
# small stub storage (Python, on loopback) answers the one
# CreateMultipartUpload that gives presign's part route a real upload id
# (presign binds ids to their key). Everything is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-10}
workers=${WORKERS:-1}

if ! command -v wrk >/dev/null; then
  echo "installing wrk from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
companion_dir=.tools/companion
if [ ! -x "$companion_dir/node_modules/.bin/companion" ] ||
   ! grep -q '"version": "6.2.2"' "$companion_dir/node_modules/@uppy/companion/package.json"; then
  echo "installing @uppy/companion 6.2.2 into $companion_dir"
  mkdir -p "$companion_dir"
  echo '{"name": "presign-bench-companion", "private": true, "dependencies": {"@uppy/companion": "6.2.2"}}' \
    >"$companion_dir/package.json"
  (cd "$companion_dir" && npm install --no-audit --no-fund --loglevel=error)
fi
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --locked -p presign-cli

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2; return 1
}

key=AKIDBENCHSERVE0001
secret=bench/Secret+0123456789abcdefghijklmnop
token=bench-token-$RANDOM$RANDOM

# The stub storage: answers every request with an InitiateMultipartUploadResult.
storage_port=$(free_port)
python3 - "$storage_port" >"$work/storage.log" 2>&1 <<'PY' &
import http.server, sys
class Stub(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = b'<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>bench</Bucket><Key>k</Key><UploadId>VXBsb2FkIElEIGV4YW1wbGU</UploadId></InitiateMultipartUploadResult>'
        self.send_response(200)
        self.send_header("content-type", "application/xml")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Stub).serve_forever()
PY
pids+=($!)

# start_presign BINARY NAME: a presign serve on a free port; sets port_NAME and pid_NAME.
start_presign() {
  local bin=$1 name=$2 port
  port=$(free_port)
  cat >"$work/serve-$name.toml" <<TOML
listen = "127.0.0.1:$port"
workers = $workers
audit_log = "$work/audit-$name.jsonl"
[storage]
endpoint_url = "http://127.0.0.1:$storage_port"
region = "us-east-1"
bucket = "bench"
addressing_style = "path"
timeout = 5
[companion]
cors_origins = ["*"]
[[clients]]
name = "bench"
token_sha256 = "$(printf %s "$token" | sha256sum | cut -d' ' -f1)"
methods = ["GET"]
key_prefix = ""
TOML
  AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret PRESIGN_LOG=warn \
    "$bin" serve --config "$work/serve-$name.toml" 2>"$work/serve-$name.log" &
  pids+=($!)
  printf -v "port_$name" %s "$port"
  printf -v "pid_$name" %s "$!"
}
start_presign target/release/presign new
presign_port=$port_new; presign_pid=$pid_new
if [ -n "${BASE_BIN:-}" ]; then
  start_presign "$BASE_BIN" base
fi

companion_port=$(free_port)
mkdir -p "$work/companion-data"
COMPANION_PORT=$companion_port COMPANION_DOMAIN=127.0.0.1:$companion_port COMPANION_PROTOCOL=http \
  COMPANION_DATADIR=$work/companion-data COMPANION_SECRET=bench-secret-$RANDOM \
  COMPANION_AWS_KEY=$key COMPANION_AWS_SECRET=$secret COMPANION_AWS_BUCKET=bench \
  COMPANION_AWS_REGION=us-east-1 COMPANION_AWS_ENDPOINT=http://127.0.0.1:9 COMPANION_AWS_FORCE_PATH_STYLE=true \
  COMPANION_UPLOAD_URLS='http://127.0.0.1:9/.*' COMPANION_CLIENT_ORIGINS=true NODE_ENV=production \
  node "$companion_dir/node_modules/@uppy/companion/bin/companion" >"$work/companion.log" 2>&1 &
pids+=($!); companion_pid=$!

wait_port "$presign_port"; wait_port "$companion_port"; wait_port "$storage_port"
[ -z "${BASE_BIN:-}" ] || wait_port "$port_base"

params='/s3/params?filename=photo.png&type=image%2Fpng&metadata%5Bname%5D=photo.png'
companion_part='/s3/multipart/VXBsb2FkIElEIGV4YW1wbGU/3?key=2f8e9c1a-photo.png'
# presign's part route: an upload it created (its id is bound to the key).
part_path() {
  python3 - "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
request = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/s3/multipart", method="POST",
    data=json.dumps({"filename": "photo.png", "type": "image/png"}).encode(),
    headers={"content-type": "application/json"})
upload = json.load(urllib.request.urlopen(request))
print(f"/s3/multipart/{urllib.parse.quote(upload['uploadId'], safe='')}/3?key={urllib.parse.quote(upload['key'], safe='')}")
PY
}
part=$(part_path "$presign_port")
[ -z "${BASE_BIN:-}" ] || base_part=$(part_path "$port_base")

# wrk's summary as: requests/s p99_ms errors
measure() {
  local url=$1; shift
  local out
  out=$(wrk -t1 -c16 -d"${seconds}s" --latency "$@" "$url")
  echo "$out" >>"$work/wrk.txt"
  local rps p99 non2xx socket
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  socket=$(awk '/Socket errors:/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out")
  echo "$rps $p99 $(( ${non2xx:-0} + ${socket:-0} ))"
}
peak_rss_mib() { awk '/^VmHWM:/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

# Warm them up (Node's JIT, the first connections).
wrk -t1 -c16 -d2s "http://127.0.0.1:$companion_port$params" >/dev/null
wrk -t1 -c16 -d2s "http://127.0.0.1:$presign_port$params" >/dev/null
[ -z "${BASE_BIN:-}" ] || wrk -t1 -c16 -d2s "http://127.0.0.1:$port_base$params" >/dev/null

# /v1/presign: one URL a request.
cat >"$work/presign.lua" <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer $token"
wrk.body = '{"method": "GET", "key": "data/report-2026.pdf", "expires_in": 3600}'
LUA

read -r p_params_rps p_params_p99 p_params_err < <(measure "http://127.0.0.1:$presign_port$params")
read -r c_params_rps c_params_p99 c_params_err < <(measure "http://127.0.0.1:$companion_port$params")
read -r p_part_rps p_part_p99 p_part_err < <(measure "http://127.0.0.1:$presign_port$part")
read -r c_part_rps c_part_p99 c_part_err < <(measure "http://127.0.0.1:$companion_port$companion_part")
read -r p_one_rps p_one_p99 p_one_err < <(measure "http://127.0.0.1:$presign_port/v1/presign" -s "$work/presign.lua")

# /v1/presign/batch: 1000 keys a request.
keys=$(python3 -c 'import json; print(json.dumps({"method": "GET", "keys": ["data/part-%05d.parquet" % i for i in range(1000)], "expires_in": 3600}))')
cat >"$work/batch.lua" <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer $token"
wrk.body = [[$keys]]
LUA
read -r p_batch_rps p_batch_p99 p_batch_err < <(measure "http://127.0.0.1:$presign_port/v1/presign/batch" -s "$work/batch.lua")

p_rss=$(peak_rss_mib "$presign_pid"); c_rss=$(peak_rss_mib "$companion_pid")

printf '\npresign serve: workers = %s\n' "$workers"
printf '\n%-28s %14s %10s %8s\n' "route (wrk -t1 -c16, ${seconds}s)" "requests/s" "p99 ms" "errors"
printf '%-28s %14.0f %10.2f %8d\n' "presign  /s3/params" "$p_params_rps" "$p_params_p99" "$p_params_err"
printf '%-28s %14.0f %10.2f %8d\n' "Companion /s3/params" "$c_params_rps" "$c_params_p99" "$c_params_err"
printf '%-28s %14.0f %10.2f %8d\n' "presign  part URL" "$p_part_rps" "$p_part_p99" "$p_part_err"
printf '%-28s %14.0f %10.2f %8d\n' "Companion part URL" "$c_part_rps" "$c_part_p99" "$c_part_err"
printf '%-28s %14.0f %10.2f %8d\n' "presign  /v1/presign" "$p_one_rps" "$p_one_p99" "$p_one_err"
printf '%-28s %14.0f %10.2f %8d   (%.0f URLs/s)\n' "presign  /v1/presign/batch" "$p_batch_rps" "$p_batch_p99" "$p_batch_err" "$(echo "$p_batch_rps * 1000" | bc -l)"
if [ -n "${BASE_BIN:-}" ]; then
  rounds=${ROUNDS:-5}
  median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
  # compare NAME NEW_URL BASE_URL [wrk args]: medians of ROUNDS alternating runs.
  compare() {
    local name=$1 new_url=$2 base_url=$3; shift 3
    local runs=$work/compare.txt
    : >"$runs"
    for _ in $(seq "$rounds"); do
      echo "base $(seconds=4 measure "$base_url" "$@")" >>"$runs"
      echo "new $(seconds=4 measure "$new_url" "$@")" >>"$runs"
    done
    local b_rps b_p99 n_rps n_p99 errors
    b_rps=$(awk '$1 == "base" {print $2}' "$runs" | median); b_p99=$(awk '$1 == "base" {print $3}' "$runs" | median)
    n_rps=$(awk '$1 == "new" {print $2}' "$runs" | median); n_p99=$(awk '$1 == "new" {print $3}' "$runs" | median)
    errors=$(awk '{s += $4} END {print s}' "$runs")
    printf '%-22s %12.0f %12.0f %8.3fx %10.2f %10.2f %8.3fx %7d\n' "$name" "$b_rps" "$n_rps" \
      "$(echo "$n_rps / $b_rps" | bc -l)" "$b_p99" "$n_p99" "$(echo "$n_p99 / $b_p99" | bc -l)" "$errors"
  }
  printf '\nthis build against BASE_BIN (%s): medians of %s alternating 4 s runs\n' "$BASE_BIN" "$rounds"
  printf '%-22s %12s %12s %9s %10s %10s %9s %7s\n' "route" "base req/s" "this req/s" "ratio" "base p99" "this p99" "ratio" "errors"
  compare "/s3/params" "http://127.0.0.1:$presign_port$params" "http://127.0.0.1:$port_base$params"
  compare "part URL" "http://127.0.0.1:$presign_port$part" "http://127.0.0.1:$port_base$base_part"
  compare "/v1/presign" "http://127.0.0.1:$presign_port/v1/presign" "http://127.0.0.1:$port_base/v1/presign" -s "$work/presign.lua"
fi
printf '\npeak RSS: presign %s MiB, Companion %s MiB\n' "$p_rss" "$c_rss"
params_ratio=$(echo "$p_params_rps / $c_params_rps" | bc -l)
part_ratio=$(echo "$p_part_rps / $c_part_rps" | bc -l)
printf 'presign / Companion requests/s: /s3/params %.1fx, part URL %.1fx\n' "$params_ratio" "$part_ratio"

fail=0
check() { if eval "$2"; then echo "ok:   $1"; else echo "FAIL: $1"; fail=1; fi; }
check "presign >= 20x Companion's requests/s on both routes" "[ \$(echo '$params_ratio >= 20 && $part_ratio >= 20' | bc -l) = 1 ]"
check "presign p99 <= 2 ms on both routes" "[ \$(echo '$p_params_p99 <= 2 && $p_part_p99 <= 2' | bc -l) = 1 ]"
check "presign peak RSS < 64 MiB" "[ \$(echo '$p_rss < 64' | bc -l) = 1 ]"
check "zero errors from presign" "[ $((p_params_err + p_part_err + p_one_err + p_batch_err)) = 0 ]"
[ $((c_params_err + c_part_err)) = 0 ] || echo "note: Companion answered $((c_params_err + c_part_err)) requests with an error or not in time"
exit $fail
