#!/usr/bin/env bash
# The Python package's tests: builds the wheel from python/ (maturin, release),
# installs it into .tools/pyvenv and runs python/tests with pytest against the
# installed package, not the source tree. scripts/test.sh calls it; run it
# alone the same way:
#
#   bash scripts/test-python.sh                 # all Python tests
#   bash scripts/test-python.sh -k post         # extra arguments go to pytest
#   bash scripts/test-python.sh --install-only  # build and install, no tests
#
# Installs, idempotently, into .tools/pyvenv: maturin, pytest, and boto3 with
# the botocore the project pins (1.43.11) for the differential tests, and
# awscrt for the SigV4A comparison. The
# interop test uses the servers of $PRESIGN_INTEROP_SERVERS when set (test.sh
# starts them); without it, it is skipped (under CI, CI=true, it fails).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.tools/pyvenv
PYTHON="$VENV/bin/python"
# awscrt at the version botocore 1.43.11's crt extra pins: boto3 signs
# SigV4A (Multi-Region Access Points) only through it.
PINS=(maturin==1.16.0 pytest==9.2.0 boto3==1.43.11 botocore==1.43.11 awscrt==0.32.2)

log() { printf 'test-python: %s\n' "$*" >&2; }

if [ ! -x "$PYTHON" ] || ! "$PYTHON" -c 'import sys' >/dev/null 2>&1; then
  log "creating $VENV"
  python3 -m venv "$VENV"
fi
missing=$("$PYTHON" - "${PINS[@]}" <<'PY'
import sys
from importlib import metadata
for pin in sys.argv[1:]:
    name, version = pin.split("==")
    try:
        if metadata.version(name) == version:
            continue
    except metadata.PackageNotFoundError:
        pass
    print(pin)
PY
)
if [ -n "$missing" ]; then
  log "installing $(echo $missing)"
  # shellcheck disable=SC2086
  "$PYTHON" -m pip install --quiet --disable-pip-version-check $missing
fi

wheels=$(mktemp -d)
trap 'rm -rf "$wheels"' EXIT
log "building the wheel (maturin, release)"
(cd python && "../$VENV/bin/maturin" build --release --locked --quiet --out "$wheels" >&2)
wheel=$(ls "$wheels"/presign-*.whl)
"$PYTHON" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"

if [ "${1:-}" = "--install-only" ]; then
  exit 0
fi

# From an empty directory, so that `import presign` is the installed package.
root=$(pwd)
cd "$wheels"
"$root/$PYTHON" -m pytest -p no:cacheprovider --import-mode=importlib -W error \
  --rootdir "$root/python" "$root/python/tests" "$@"
