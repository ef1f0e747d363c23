//! What presign's integration tests share, once:
//!
//! - [`Stub`]: a loopback HTTP/1.1 server whose answers a closure picks,
//!   standing in for STS, the SSO portal and OIDC, the container endpoint
//!   and IMDS; it records every request and can stall to test timeouts;
//! - [`Home`]: a temporary HOME with `~/.aws/config` and
//!   `~/.aws/credentials`, and the variables presign and botocore are both
//!   given;
//! - [`Python`]: the interpreter with botocore (`PRESIGN_PYTHON`), running
//!   snippets in a clean environment with a given HOME;
//! - [`Moto`]: moto's server of `PRESIGN_INTEROP_SERVERS`.
//!
//! The oracles are optional on a laptop and required in CI: without
//! `PRESIGN_PYTHON` or `PRESIGN_INTEROP_SERVERS` a test that needs them is
//! skipped with a loud notice, unless `CI` is set, where it fails.
//!
//! It is a dev-dependency only (`publish = false`) and depends on no presign
//! crate, so every crate's tests can use it without a cycle.
// Test support: panicking is how a helper fails the test that called it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::missing_panics_doc,
    clippy::must_use_candidate
)]

mod home;
mod moto;
mod python;
mod stub;

pub use home::Home;
pub use moto::Moto;
pub use python::Python;
pub use stub::{Reply, Request, Stub, closed_port_url};

/// True when running under CI (`CI` set and not empty), where a missing
/// oracle fails the test instead of skipping it.
pub fn under_ci() -> bool {
    std::env::var_os("CI").is_some_and(|value| !value.is_empty())
}

/// Skips (with a notice on stderr) or, under CI, fails: `what` is missing,
/// `how` says how to provide it.
pub(crate) fn skip_or_fail(what: &str, how: &str) {
    assert!(
        !under_ci(),
        "{what} is not set, and under CI (CI set) that fails the test: {how}"
    );
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: the part of this test that needs {what} (it is not set).\n\
         To run it: {how}\n\
         (Under CI, with CI set, this fails the test.)\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
}
