//! Fetches and refreshes the credentials that `presign-config`'s chain
//! names ([`presign_config::CredentialSource`]): STS `AssumeRole` (signed
//! with the core's SigV4) and `AssumeRoleWithWebIdentity`, IAM Identity
//! Center (SSO) role credentials, a profile's `credential_process`, the
//! container credentials endpoint and the EC2 instance metadata service.
//!
//! [`Fetcher::fetch`] gets credentials once (the `presign` command);
//! [`CredentialsProvider`] keeps them and refreshes them before they expire
//! (`presign serve`, the Python `Client`, `presign batch`).
//! [`ExpressSessions`] keeps S3 Express One Zone sessions per directory
//! bucket (`CreateSession`), refreshed before they expire.
//!
//! Where things are: `fetch` dispatches one planned source to its module
//! (`sts`, `sso`, `process`, `container`, `imds`), each asking as botocore
//! asks; `bounded_http` caps every answer's size and time, `files` reads
//! token files and writes caches privately, `cli_cache` shares the AWS CLI's
//! cache; `provider` keeps and refreshes, `express` does the same for S3
//! Express sessions; `error` says what failed without a secret.
//!
//! ```
//! use std::time::SystemTime;
//! use presign_config::{Environment, Overrides, TransportOverrides, resolve, resolve_transport};
//! use presign_credentials::{CredentialsProvider, Fetcher};
//!
//! let env = Environment::from_vars([("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret")], None);
//! let config = resolve(&Overrides::default(), &env)?;
//! let fetcher = Fetcher::new(resolve_transport(&TransportOverrides::default(), &env)?);
//! let provider = CredentialsProvider::new(config.credentials, fetcher);
//! assert_eq!(provider.credentials(SystemTime::now())?.access_key_id, "AKIDEXAMPLE");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod bounded_http;
mod cli_cache;
mod container;
mod error;
mod express;
mod fetch;
mod files;
mod imds;
mod process;
mod provider;
mod sso;
mod sts;

pub use error::CredentialsError;
pub use express::{CREATE_SESSION_TIMEOUT, ExpressSessions};
pub use fetch::{Fetcher, MfaPrompt};
pub use provider::CredentialsProvider;
