//! The compiled part of the Python package `presign` (`presign._presign`):
//! boto3's presigning API over presign's Rust core. Nothing here signs:
//! requests are built from boto3's `ClientMethod` and `Params`
//! (`operations.rs`), credentials and endpoints come from `presign_config`,
//! and the core signs. The Python package (`python/presign`) re-exports
//! these names with type stubs.
//!
//! Where things are: `client` (`presign.Client`, boto3's client surface),
//! `operations` and the generated `operations_table` (boto3's operations and
//! their parameters), `signing` (the signer, refreshed for temporary
//! credentials) and `sigv2` (signature version `s3`),
//! `many` (many URLs at once), `post` (POST policies), `check` (`inspect`,
//! `verify`), `instant` (the `now=` argument), `customer_key` (SSE-C) and
//! `errors` (the exception types).

mod check;
mod client;
mod customer_key;
mod errors;
mod instant;
mod many;
mod operations;
mod operations_table;
mod post;
mod signing;
mod sigv2;

use pyo3::prelude::*;

/// presign's Rust core for Python: SigV4 presigned URLs for S3 and every
/// S3-compatible store, byte-identical to boto3's.
#[pymodule]
mod _presign {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::check::{inspect, verify};
    #[pymodule_export]
    use super::client::Client;

    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        let py = module.py();
        module.add("PresignError", py.get_type::<super::errors::PresignError>())?;
        module.add("VerifyError", py.get_type::<super::errors::VerifyError>())?;
        module.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
