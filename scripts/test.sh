#!/usr/bin/env bash
# Runs every check and test of the project: the README's test command and
# what CI runs (.ci/run). Needs a Rust toolchain with rustfmt and clippy,
# Python 3 with pip and Node.js with npm; everything else (the S3-compatible
# servers of the interop tests, botocore for the reference checks) is
# installed into .tools/ by scripts/servers/install.sh, idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "licence texts at the root and in every crate's package"
bash scripts/check-licenses.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc of the libraries (warnings are errors; the CLI's doc comments are its --help text)"
RUSTDOCFLAGS="-D warnings" cargo doc -p presign -p presign-config -p presign-credentials -p presign-http -p presign-serve --no-deps --locked --quiet

step "groff for the man-page test (installed from Debian's packages when missing)"
if ! command -v groff >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq groff-base >/dev/null
  else
    echo "groff is missing: install it (Debian: apt-get install groff-base)" >&2
    exit 1
  fi
fi

step "install the interop servers and botocore into .tools/ (skipped when present)"
bash scripts/servers/install.sh

step "start the interop servers on 127.0.0.1 (stopped by PID on exit)"
servers=$(mktemp -d)
stop_servers() {
  bash scripts/servers/stop.sh "$servers" || true
  rm -rf "$servers"
}
trap stop_servers EXIT
for server in s3s-fs seaweedfs s3rver nanio moto; do
  bash scripts/servers/start.sh "$server" "$servers" >/dev/null
done
export PRESIGN_INTEROP_SERVERS="$servers"

step "Python venv with botocore 1.43.11 for the differential test (skipped when present)"
PRESIGN_PYTHON="$(bash scripts/setup-python.sh | tail -n 1)"
export PRESIGN_PYTHON

step "cargo test (unit, conformance, property, CLI, batch, interop, differential and doc tests)"
cargo test --workspace --locked

step "Python package: build the wheel, install it into .tools/pyvenv, pytest against it (vectors, boto3 differential, interop)"
bash scripts/test-python.sh -q

step "browser tests of presign serve: Uppy and the page at / in headless chromium, into SeaweedFS"
bash scripts/test-browser.sh
