//! The one resolver of credentials, region, endpoint URL and addressing style
//! for presign's shells (the `presign` command, the service, the Python
//! package): from explicit overrides, environment variables, the AWS shared
//! `credentials` and `config` files, and IBM Cloud Object Storage
//! service-credentials JSON files, with the AWS CLI's precedence.
//!
//! Credentials are resolved as botocore's chain resolves them, into a plan
//! ([`CredentialSource`]): keys at hand, or where to fetch them (STS assume
//! role and web identity, IAM Identity Center, `credential_process`, the
//! container endpoint, the EC2 instance metadata service). The plan, the
//! parsing of every answer and cache file, cache keys and refresh timing
//! ([`freshness`]) are pure; `presign-credentials` does the fetching, so
//! this crate sends nothing over the network and signs nothing. It reads
//! the environment through an [`Environment`] value, so tests never touch
//! the real process environment or home directory.
//!
//! Where things are: `resolve` ([`resolve`]) is the entry and `overrides`
//! the leaf every part shares; `environment` captures the outside world;
//! `shared_files` finds and parses `~/.aws/credentials` and `config`, `ibm`
//! the IBM COS JSON; `settings` resolves region, endpoint and addressing,
//! `providers` a provider's region from its host, `endpoint_options` the S3
//! endpoint switches and `signature_version` SigV2 or SigV4, each with its
//! source; [`sources`] plans the credential chain; `hosts` applies the core's
//! S3 host rules to a bucket and `target` ([`Target`]) is what every shell
//! signs with; `transport` is how to connect; `warning` and `error` are
//! what a person reads. The unit tests in `tests/` are split by what they
//! test.
//!
//! Secrets (secret access keys, session tokens) are kept in zeroizing strings
//! and never appear in an error message or in `Debug` output. Errors about
//! files name the file, line number, profile and key, never a line's content
//! or a value.
//!
//! ```
//! use presign_config::{Environment, Overrides, resolve};
//!
//! let env = Environment::from_vars(
//!     [("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_REGION", "eu-de")],
//!     None,
//! );
//! let overrides = Overrides { endpoint_url: Some("http://127.0.0.1:9000".to_owned()), ..Overrides::default() };
//! let config = resolve(&overrides, &env)?;
//! assert_eq!(config.region, "eu-de");
//! assert_eq!(config.region_source, "AWS_REGION");
//! assert_eq!(config.credentials.describe(), "environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY");
//! assert_eq!(config.endpoint()?.0, "http://127.0.0.1:9000");
//! # Ok::<(), presign_config::ConfigError>(())
//! ```
#![deny(missing_docs)]

mod credentials;
mod endpoint_options;
mod environment;
mod error;
mod hosts;
mod ibm;
mod overrides;
mod providers;
mod resolve;
mod settings;
mod shared_files;
mod signature_version;
pub mod sources;
mod target;
#[cfg(test)]
mod tests;
mod transport;
mod warning;

pub use credentials::{ResolvedCredentials, parse_expiration};
pub use endpoint_options::{EndpointOptions, UsEast1Endpoint};
pub use environment::Environment;
pub use error::ConfigError;
pub use hosts::{ExpressSession, HostSigning};
pub use overrides::Overrides;
pub use providers::{HostRegion, Provider, region_from_endpoint, region_from_host};
pub use resolve::{ResolvedConfig, resolve};
pub use signature_version::{InvalidSignatureVersion, SIGNATURE_VERSIONS, SignatureVersion};
pub use sources::{
    ADVISORY_REFRESH, AssumeRolePlan, ContainerAuthorization, ContainerPlan, CredentialSource,
    Freshness, InstanceMetadataPlan, MANDATORY_REFRESH, ProcessPlan, SsoPlan, StsEndpoint,
    WebIdentityPlan, freshness, refresh_due,
};
pub use target::Target;
pub use transport::{ProxyUrl, Sourced, TransportConfig, TransportOverrides, resolve_transport};
pub use warning::ConfigWarning;
