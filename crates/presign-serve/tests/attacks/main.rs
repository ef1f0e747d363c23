//! The attack suite: each finding of the service's security review, performed
//! against the real service (on a loopback port) in front of the interop
//! servers, one test per finding, named after it. Each test fails on the
//! code the finding was made against. `docs/security.md` is the threat model
//! these tests hold the service to.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;
mod harness;

/// The configuration's value checks, sizes and durations with units, the
/// page's CSP and security headers, HEAD on signing routes.
mod config;
/// Hostile values in requests: keys, file names, content types, metadata,
/// the configuration.
mod input;
/// Multipart uploads: sizes at complete, upload ids bound to keys, part
/// number lists.
mod multipart;
/// Resources an attacker can exhaust: labels, connections, the audit log,
/// the storage pool, shutdown.
mod resources;
/// The second review: findings 16 and up.
mod review2;
