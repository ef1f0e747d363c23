#!/usr/bin/env bash
# Smoke check of presign against running test servers (by hand, not CI):
#   scripts/servers/smoke.sh STATE_DIR [NAME...]   # default: every NAME.env in STATE_DIR
# Needs: scripts/servers/install.sh, start.sh NAME STATE_DIR, and the presign
# binary (cargo build -p presign-cli; or set PRESIGN_BIN). For each server:
# round trips through presigned PUT/GET/HEAD/DELETE URLs in three regions and
# with awkward keys, and checks that tampered, wrongly keyed, expired and
# header-less URLs are refused. A check that fails is repeated with botocore's
# URL: QUIRK = botocore fails too (the server's), FAIL = only presign fails.
# Writes STATE_DIR/NAME.smoke.json. Exit 1 if any FAIL.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] || die "usage: $0 STATE_DIR [NAME...]"
STATE_DIR=$1; shift
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$STATE_DIR"/*.env; do
    [ -e "$f" ] && names+=("$(basename "$f" .env)")
  done
fi
[ ${#names[@]} -gt 0 ] || die "no server env in $STATE_DIR (start one with start.sh)"
PRESIGN_BIN=${PRESIGN_BIN:-$REPO_ROOT/target/debug/presign}
[ -x "$PRESIGN_BIN" ] || die "no presign binary at $PRESIGN_BIN (cargo build -p presign-cli)"
export PRESIGN_BIN
rc=0
for n in "${names[@]}"; do
  [ -f "$STATE_DIR/$n.env" ] || die "$STATE_DIR/$n.env missing (start.sh $n $STATE_DIR)"
  "$VENV_PY" "$SERVERS_DIR/smoke.py" "$STATE_DIR" "$n" || rc=1
done
exit $rc
