#!/usr/bin/env bash
# Checks that presign ships its licence texts: LICENSE-MIT and LICENSE-APACHE
# at the root (the standard texts), inside the package of every workspace
# crate (`cargo package --list`, which is what crates.io receives), and named
# at the end of the README. Each crate folder holds symlinks to the root
# files; cargo packages their contents as regular files.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { printf 'check-licenses: %s\n' "$*" >&2; exit 1; }

# The Apache License 2.0 exactly as https://www.apache.org/licenses/LICENSE-2.0.txt
# (and Debian's /usr/share/common-licenses/Apache-2.0) has it.
apache_sha256=cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30
[ -f LICENSE-APACHE ] || fail "LICENSE-APACHE is missing at the root"
[ -f LICENSE-MIT ] || fail "LICENSE-MIT is missing at the root"
actual=$(sha256sum LICENSE-APACHE | cut -d' ' -f1)
[ "$actual" = "$apache_sha256" ] ||
  fail "LICENSE-APACHE is not the standard Apache License 2.0 text (sha256 $actual)"
grep -qx 'Copyright (c) presign contributors' LICENSE-MIT ||
  fail "LICENSE-MIT lacks the line 'Copyright (c) presign contributors'"
grep -q '^Permission is hereby granted, free of charge' LICENSE-MIT ||
  fail "LICENSE-MIT is not the MIT licence text"

members=$(cargo metadata --no-deps --format-version 1 --offline |
  python3 -c 'import json, sys; print("\n".join(p["name"] for p in json.load(sys.stdin)["packages"]))')
for crate in $members; do
  listed=$(cargo package --list --allow-dirty --offline --quiet -p "$crate")
  for file in LICENSE-MIT LICENSE-APACHE; do
    grep -qx "$file" <<<"$listed" || fail "the package of $crate does not carry $file"
  done
done

tail -n 8 README.md | grep -q 'LICENSE-MIT' && tail -n 8 README.md | grep -q 'LICENSE-APACHE' ||
  fail "the README does not end by naming LICENSE-MIT and LICENSE-APACHE"

printf 'check-licenses: root texts, the packages of %s, README: ok\n' "$(echo $members)"
