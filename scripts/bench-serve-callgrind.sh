#!/usr/bin/env bash
# Instructions presign serve executes per /v1/presign request, under valgrind
# --tool=callgrind (counts do not depend on the machine's load, unlike requests/s):
#   scripts/bench-serve-callgrind.sh BINARY SECONDS   (SECONDS = 0: start and stop only)
# Prints the requests wrk made in SECONDS and the instructions of the whole
# process; per request = (Ir - Ir of a 0-second run of the same binary) / requests.
# Needs valgrind and wrk (Debian packages).
set -euo pipefail
if ! command -v valgrind >/dev/null || ! command -v wrk >/dev/null; then
  echo "installing valgrind and wrk from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind wrk >/dev/null
fi
bin=$1; secs=$2; name=$(basename "$bin")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=bench-token-fixed
cat >$work/serve.toml <<TOML
listen = "127.0.0.1:$port"
workers = 1
audit_log = "$work/audit.jsonl"
[storage]
endpoint_url = "http://127.0.0.1:9"
region = "us-east-1"
bucket = "bench"
addressing_style = "path"
timeout = 5
[[clients]]
name = "bench"
token_sha256 = "$(printf %s "$token" | sha256sum | cut -d' ' -f1)"
methods = ["GET"]
key_prefix = ""
TOML
cat >$work/presign.lua <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer $token"
wrk.body = '{"method": "GET", "key": "data/report-2026.pdf", "expires_in": 3600}'
LUA
AWS_ACCESS_KEY_ID=AKIDBENCHSERVE0001 AWS_SECRET_ACCESS_KEY='bench/Secret+0123456789abcdefghijklmnop' PRESIGN_LOG=warn \
  valgrind --tool=callgrind --callgrind-out-file=$work/cg.out "$bin" serve --config $work/serve.toml 2>$work/vg.log &
pid=$!
for i in $(seq 1 300); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
if [ "$i" -ge 300 ]; then
  echo "presign serve did not listen on port $port within 60 s; valgrind said:" >&2
  cat "$work/vg.log" >&2
  exit 1
fi
requests=0
if [ "$secs" != 0 ]; then
  requests=$(wrk -t1 -c4 -d${secs}s -s $work/presign.lua "http://127.0.0.1:$port/v1/presign" | awk '/requests in/ {print $1}')
fi
kill -TERM $pid; wait $pid || true
ir=$(grep -E "^(summary|totals):" $work/cg.out | head -1 | awk '{print $2}')
echo "$name secs=$secs requests=$requests Ir=$ir"
