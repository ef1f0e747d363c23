#!/usr/bin/env bash
# Stops test servers started by start.sh, by the PID it recorded (never by name).
#   scripts/servers/stop.sh STATE_DIR          # every server started from STATE_DIR
#   scripts/servers/stop.sh NAME STATE_DIR     # only NAME
# Sends SIGTERM to the server's process group (start.sh made it a group
# leader with setsid), waits up to $PRESIGN_TEST_STOP_TIMEOUT s (default 15),
# then SIGKILL. A PID whose start time no longer matches (the server died and
# the PID was reused) is not signalled. Removes NAME.env (moto: NAME.sts-env)
# and NAME.pid; keeps
# the log and the data. Idempotent: nothing running is not an error.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

case $# in
  1) STATE_DIR=$1; names=() ;;
  2) STATE_DIR=$2; names=("$1"); is_known_server "$1" || die "unknown server '$1'" ;;
  *) die "usage: $0 [NAME] STATE_DIR" ;;
esac
[ -d "$STATE_DIR" ] || { log "no state dir $STATE_DIR: nothing to stop"; exit 0; }
TIMEOUT=${PRESIGN_TEST_STOP_TIMEOUT:-15}

if [ ${#names[@]} -eq 0 ]; then
  for f in "$STATE_DIR"/*.pid; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .pid)
    is_known_server "$n" && names+=("$n")
  done
fi
[ ${#names[@]} -gt 0 ] || { log "no server recorded in $STATE_DIR: nothing to stop"; exit 0; }

# Is any process of group $1 left (zombies don't count)?
group_alive() {
  local pgid=$1 p st
  for st in /proc/[0-9]*/stat; do
    p=$(cat "$st" 2>/dev/null) || continue
    p=${p##*) }
    # shellcheck disable=SC2086  # split into fields on purpose
    set -- $p
    # fields from 3 on: $1 state, $2 ppid, $3 pgrp
    [ "$3" = "$pgid" ] && [ "$1" != Z ] && [ "$1" != X ] && return 0
  done
  return 1
}

alive() { # pid start pgid
  if [ -n "$3" ]; then group_alive "$3"; else [ "$(proc_start_time "$1")" = "$2" ]; fi
}

rc=0
for n in "${names[@]}"; do
  pid_file="$STATE_DIR/$n.pid"
  if [ ! -f "$pid_file" ]; then
    log "$n: not started from $STATE_DIR (no $n.pid)"
    rm -f "$STATE_DIR/$n.env" "$STATE_DIR/$n.sts-env"
    continue
  fi
  read -r pid start <"$pid_file" || true
  if [ -z "${pid:-}" ] || [ "$(proc_start_time "$pid")" != "${start:-x}" ]; then
    log "$n: pid ${pid:-?} is not running (already stopped)"
    rm -f "$pid_file" "$STATE_DIR/$n.env" "$STATE_DIR/$n.sts-env"
    continue
  fi
  pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
  if [ "$pgid" = "$pid" ]; then
    target=(-- "-$pid"); grp=$pid
  else
    target=("$pid"); grp=
  fi
  log "$n: stopping pid $pid${grp:+ (process group)} with SIGTERM"
  kill -TERM "${target[@]}" 2>/dev/null || true
  deadline=$((SECONDS + TIMEOUT))
  while alive "$pid" "$start" "$grp" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if alive "$pid" "$start" "$grp"; then
    log "$n: still running after $TIMEOUT s: SIGKILL"
    kill -KILL "${target[@]}" 2>/dev/null || true
    for _ in $(seq 50); do alive "$pid" "$start" "$grp" || break; sleep 0.1; done
    if alive "$pid" "$start" "$grp"; then
      log "$n: ERROR: pid $pid did not exit"
      rc=1
      continue
    fi
  fi
  rm -f "$pid_file" "$STATE_DIR/$n.env" "$STATE_DIR/$n.sts-env"
  log "$n: stopped"
done
exit $rc
