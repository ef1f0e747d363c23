#!/usr/bin/env bash
# Runs every check and test of the project: the README's test command and
# what CI runs (.ci/run). Needs only a Rust toolchain with rustfmt and clippy;
# everything else comes from crates.io through cargo.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc of the library (warnings are errors; the CLI's doc comments are its --help text)"
RUSTDOCFLAGS="-D warnings" cargo doc -p presign --no-deps --locked --quiet

step "cargo test (unit, conformance, property, CLI and doc tests)"
cargo test --workspace --locked
