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
    # Prints the version of package $1 as pip recorded
    # it, or nothing. Reads the package metadata only: importing would be
    # slower.
    "$PYTHON" - "$1" <<'EOF' 2>/dev/null || true
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

ensure() {
    # Installs package $1 at exactly version $2 unless it is there already,
    # then checks that it is.
    local name="$1" version="$2" current
    current="$(installed_version "$name")"
    if [ "$current" = "$version" ]; then
        log "$name $version already installed"
        return
    fi
    log "installing $name==$version (found: ${current:-none})"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check "$name==$version" >&2
    current="$(installed_version "$name")"
    if [ "$current" != "$version" ]; then
        log "$name $version did not install (found: ${current:-none})"
        exit 1
    fi
}

ensure botocore "$BOTOCORE_VERSION"
ensure awscrt "$AWSCRT_VERSION"

# An absolute path, so the test can run the interpreter from any directory.
printf '%s\n' "$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")"
