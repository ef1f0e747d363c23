#!/usr/bin/env bash
# Creates (or reuses) the Python virtual environment at .tools/venv that the
# differential test drives botocore from, with botocore pinned to the version
# the shared test vectors were made with, and awscrt at the version botocore's
# `crt` extra pins (botocore signs SigV4A, for Multi-Region Access Points,
# only through awscrt). Idempotent: nothing is installed
# when that exact version is already there. The last line printed is the
# venv's python, for PRESIGN_PYTHON:
#
#   export PRESIGN_PYTHON="$(bash scripts/setup-python.sh | tail -n 1)"
#
# Needs python3 with the venv module (and pip from PyPI when installing).
set -euo pipefail
cd "$(dirname "$0")/.."

BOTOCORE_VERSION="1.43.11"
# botocore 1.43.11's setup.cfg: crt = awscrt==0.32.2
AWSCRT_VERSION="0.32.2"
VENV=".tools/venv"
PYTHON="$VENV/bin/python"

log() { printf 'setup-python: %s\n' "$*" >&2; }

installed_version() {
    # Prints the version of package $1 (default botocore) as pip recorded
    # it, or nothing. Reads the package metadata only: importing would be
    # slower.
    "$PYTHON" - "${1:-botocore}" <<'EOF' 2>/dev/null || true
import sys
from importlib import metadata
try:
    print(metadata.version(sys.argv[1]))
except metadata.PackageNotFoundError:
    pass
EOF
}

if [ ! -x "$PYTHON" ] || ! "$PYTHON" -c 'import sys' >/dev/null 2>&1; then
    host_python="${PYTHON3:-$(command -v python3 || true)}"
    if [ -z "$host_python" ]; then
        log "python3 not found; install Python 3 (with its venv module) first"
        exit 1
    fi
    log "creating $VENV with $host_python"
    mkdir -p "$(dirname "$VENV")"
    "$host_python" -m venv "$VENV"
fi

current="$(installed_version)"
if [ "$current" = "$BOTOCORE_VERSION" ]; then
    log "botocore $BOTOCORE_VERSION already installed"
else
    log "installing botocore==$BOTOCORE_VERSION (found: ${current:-none})"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check \
        "botocore==$BOTOCORE_VERSION" >&2
    current="$(installed_version)"
    if [ "$current" != "$BOTOCORE_VERSION" ]; then
        log "botocore $BOTOCORE_VERSION did not install (found: ${current:-none})"
        exit 1
    fi
fi

current_crt="$(installed_version awscrt)"
if [ "$current_crt" = "$AWSCRT_VERSION" ]; then
    log "awscrt $AWSCRT_VERSION already installed"
else
    log "installing awscrt==$AWSCRT_VERSION (found: ${current_crt:-none})"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check \
        "awscrt==$AWSCRT_VERSION" >&2
    current_crt="$(installed_version awscrt)"
    if [ "$current_crt" != "$AWSCRT_VERSION" ]; then
        log "awscrt $AWSCRT_VERSION did not install (found: ${current_crt:-none})"
        exit 1
    fi
fi

# An absolute path, so the test can run the interpreter from any directory.
printf '%s\n' "$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")"
