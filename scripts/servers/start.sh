#!/usr/bin/env bash
# Starts one S3-compatible test server on 127.0.0.1, on free ports, in the
# background, with its data under STATE_DIR, and creates the bucket
# presign-test through the server's S3 API.
#   scripts/servers/start.sh NAME STATE_DIR      NAME: s3s-fs | seaweedfs | s3rver | nanio | moto
# Prints the path of STATE_DIR/NAME.env on stdout (all else goes to stderr),
# so `source "$(scripts/servers/start.sh NAME DIR)"` works. That file is
# shell-sourceable, one VAR=value a line:
#   PRESIGN_TEST_SERVER PRESIGN_TEST_ENDPOINT PRESIGN_TEST_ACCESS_KEY
#   PRESIGN_TEST_SECRET_KEY PRESIGN_TEST_REGION PRESIGN_TEST_BUCKET
#   PRESIGN_TEST_PID PRESIGN_TEST_LOG
# and STATE_DIR/NAME.log (the server's output), STATE_DIR/NAME/ (its data).
# moto is not an S3 server for the interop tests but STS and IAM for the
# credential tests: it runs with signature checking on (its first three
# actions, unauthenticated, create an IAM user, its key and an allow-all
# policy: that key is PRESIGN_TEST_ACCESS_KEY/SECRET_KEY), no bucket is made,
# and its file is STATE_DIR/moto.sts-env, so that the S3 tests, which read
# every NAME.env, do not take it for a storage server.
# Idempotent: if NAME is already running from STATE_DIR, says so and exits 0.
# Waits up to $PRESIGN_TEST_START_TIMEOUT seconds (default 60) for the server
# to answer; on timeout prints its log, stops it and fails.
# Stop with scripts/servers/stop.sh [NAME] STATE_DIR.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: $0 NAME STATE_DIR   (NAME: ${ALL_SERVERS[*]})"
NAME=$1
is_known_server "$NAME" || die "unknown server '$NAME' (known: ${ALL_SERVERS[*]})"
mkdir -p "$2"
STATE_DIR="$(cd "$2" && pwd)"
TIMEOUT=${PRESIGN_TEST_START_TIMEOUT:-60}

ENV_FILE="$STATE_DIR/$NAME.env"
[ "$NAME" = moto ] && ENV_FILE="$STATE_DIR/$NAME.sts-env"
PID_FILE="$STATE_DIR/$NAME.pid"
LOG_FILE="$STATE_DIR/$NAME.log"
DATA_DIR="$STATE_DIR/$NAME"

# Already running?
if [ -f "$PID_FILE" ]; then
  read -r old_pid old_start <"$PID_FILE" || true
  if [ -n "${old_pid:-}" ] && [ "$(proc_start_time "$old_pid")" = "${old_start:-x}" ]; then
    if [ -f "$ENV_FILE" ]; then
      log "$NAME already running (pid $old_pid) from $STATE_DIR; see $ENV_FILE"
      echo "$ENV_FILE"
      exit 0
    fi
    log "$NAME (pid $old_pid) runs but never became ready: stopping it first"
    "$SERVERS_DIR/stop.sh" "$NAME" "$STATE_DIR"
  else
    log "removing stale state of $NAME (pid ${old_pid:-?} is not running)"
  fi
  rm -f "$PID_FILE" "$ENV_FILE"
fi

if ! { [ -x "$VENV_PY" ] && "$VENV_PY" -c 'import botocore' 2>/dev/null; }; then
  die "botocore venv missing: run scripts/servers/install.sh $NAME"
fi

REGION=us-east-1
# Credentials of the test identity (s3rver's are fixed by s3rver).
ACCESS_KEY=PRESIGNTESTAKID0001
SECRET_KEY=presign/Test+Secret0123456789abcdefghijk
mkdir -p "$DATA_DIR"

case "$NAME" in
  s3s-fs)
    [ -x "$S3S_FS_BIN" ] || die "s3s-fs not installed: run scripts/servers/install.sh s3s-fs"
    PORT=$(free_port)
    cmd=("$S3S_FS_BIN" --host 127.0.0.1 --port "$PORT"
         --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" "$DATA_DIR")
    ;;
  nanio)
    [ -x "$NANIO_BIN" ] || die "nanio not installed: run scripts/servers/install.sh nanio"
    PORT=$(free_port)
    cmd=(env NANIO_ACCESS_KEY="$ACCESS_KEY" NANIO_SECRET_KEY="$SECRET_KEY"
         "$NANIO_BIN" serve --host 127.0.0.1 --port "$PORT" --data-dir "$DATA_DIR"
         --region "$REGION" --workers 1)
    ;;
  s3rver)
    [ -d "$S3RVER_PKG_DIR" ] || die "s3rver not installed: run scripts/servers/install.sh s3rver"
    command -v node >/dev/null || die "node not found"
    ACCESS_KEY=S3RVER
    SECRET_KEY=S3RVER
    PORT=$(free_port)
    cmd=(env S3RVER_NODE_PREFIX="${S3RVER_NODE_PREFIX:-$NODE_PREFIX}"
         node "$SERVERS_DIR/s3rver.mjs" "$PORT" "$DATA_DIR")
    ;;
  moto)
    [ -x "$MOTO_BIN" ] || die "moto not installed: run scripts/servers/install.sh moto"
    PORT=$(free_port)
    cmd=(env INITIAL_NO_AUTH_ACTION_COUNT=3 "$MOTO_BIN" -H 127.0.0.1 -p "$PORT")
    ;;
  seaweedfs)
    [ -x "$WEED_BIN" ] || die "seaweedfs not installed: run scripts/servers/install.sh seaweedfs"
    # Every port weed mini listens on, set explicitly (the gRPC defaults are
    # port+10000, which can overflow for high free ports). The admin pair is
    # admin.port and admin.port+10000: weed mini's built-in worker dials the
    # admin gRPC at admin.port+10000 whatever -admin.port.grpc says.
    mapfile -t P < <(free_ports 12 10000)
    [ ${#P[@]} -eq 14 ] || die "could not pick free ports for seaweedfs"
    PORT=${P[0]}
    cat >"$DATA_DIR/s3.json" <<JSON
{
  "identities": [
    {
      "name": "presign-test",
      "credentials": [{ "accessKey": "$ACCESS_KEY", "secretKey": "$SECRET_KEY" }],
      "actions": ["Admin", "Read", "Write", "List", "Tagging"]
    }
  ]
}
JSON
    mkdir -p "$DATA_DIR/admin" "$DATA_DIR/webdav-cache"
    # Unix sockets need short paths (108 bytes); use the default /tmp ones
    # when STATE_DIR is deep.
    sock_opts=()
    if [ ${#DATA_DIR} -lt 80 ]; then
      sock_opts=(-filer.localSocket="$DATA_DIR/filer.sock" -s3.localSocket="$DATA_DIR/s3.sock")
    fi
    cmd=("$WEED_BIN" mini
         -dir="$DATA_DIR"
         -ip=127.0.0.1 -ip.bind=127.0.0.1
         -master.telemetry=false
         -s3.config="$DATA_DIR/s3.json"
         -s3.port="${P[0]}" -s3.port.grpc="${P[1]}"
         -s3.port.iceberg="${P[2]}" -s3.port.lance="${P[3]}"
         -master.port="${P[4]}" -master.port.grpc="${P[5]}"
         -volume.port="${P[6]}" -volume.port.grpc="${P[7]}" -volume.port.public="${P[6]}"
         -filer.port="${P[8]}" -filer.port.grpc="${P[9]}" -filer.port.public="${P[11]}"
         -webdav.port="${P[10]}" -webdav.cacheDir="$DATA_DIR/webdav-cache"
         -admin.port="${P[12]}" -admin.port.grpc="${P[13]}" -admin.dataDir="$DATA_DIR/admin"
         "${sock_opts[@]}")
    printf 'weed ports: s3=%s s3.grpc=%s iceberg=%s lance=%s master=%s master.grpc=%s volume=%s volume.grpc=%s filer=%s filer.grpc=%s webdav=%s filer.public=%s admin=%s admin.grpc=%s\n' \
      "${P[@]}" >"$DATA_DIR/ports.txt"
    ;;
esac

ENDPOINT="http://127.0.0.1:$PORT"
log "starting $NAME on $ENDPOINT (log: $LOG_FILE)"
printf '== %s: %s\n' "$(date -u +%FT%TZ)" "${cmd[*]}" >>"$LOG_FILE"
# setsid: the server leads its own process group, so stop.sh can signal it
# and anything it forks, and Ctrl-C in this shell doesn't reach it.
setsid "${cmd[@]}" >>"$LOG_FILE" 2>&1 </dev/null &
PID=$!
# PID + start time identify the process (the start time survives the execs
# of setsid and env, and tells a reused PID apart).
echo "$PID $(proc_start_time "$PID")" >"$PID_FILE"

fail() {
  log "$NAME did not come up: $*"
  log "---- $LOG_FILE (last 60 lines) ----"
  tail -n 60 "$LOG_FILE" >&2 || true
  log "---- end of log ----"
  "$SERVERS_DIR/stop.sh" "$NAME" "$STATE_DIR" >&2 || true
  exit 1
}

if [ "$NAME" = moto ]; then
  if ! keys=$("$VENV_PY" "$SERVERS_DIR/moto_setup.py" "$ENDPOINT" --timeout "$TIMEOUT" --pid "$PID" \
      2>"$STATE_DIR/$NAME.wait.log"); then
    cat "$STATE_DIR/$NAME.wait.log" >&2 || true
    fail "it exited, or did not answer and create its IAM user within $TIMEOUT s"
  fi
  read -r ACCESS_KEY SECRET_KEY <<<"$keys"
  TEST_BUCKET=
elif ! "$VENV_PY" "$SERVERS_DIR/s3util.py" wait-bucket "$ENDPOINT" "$ACCESS_KEY" "$SECRET_KEY" \
    "$TEST_BUCKET" --timeout "$TIMEOUT" --pid "$PID" 2>"$STATE_DIR/$NAME.wait.log"; then
  cat "$STATE_DIR/$NAME.wait.log" >&2 || true
  fail "it exited, or did not answer and create bucket $TEST_BUCKET within $TIMEOUT s"
fi

tmp="$ENV_FILE.tmp.$$"
cat >"$tmp" <<ENV
PRESIGN_TEST_SERVER=$NAME
PRESIGN_TEST_ENDPOINT=$ENDPOINT
PRESIGN_TEST_ACCESS_KEY=$ACCESS_KEY
PRESIGN_TEST_SECRET_KEY=$SECRET_KEY
PRESIGN_TEST_REGION=$REGION
PRESIGN_TEST_BUCKET=$TEST_BUCKET
PRESIGN_TEST_PID=$PID
PRESIGN_TEST_LOG=$LOG_FILE
ENV
mv "$tmp" "$ENV_FILE"
log "$NAME up: $ENDPOINT pid $PID${TEST_BUCKET:+ bucket $TEST_BUCKET}; env in $ENV_FILE"
echo "$ENV_FILE"
