//! [`resolve`]: overrides, environment and shared files in, one
//! [`ResolvedConfig`] out.

use std::path::PathBuf;

use presign::{Addressing, Endpoint};

use crate::credentials::{ResolvedCredentials, profile_not_found, resolve_credentials};
use crate::environment::{ENV_PROFILE, Environment};
use crate::error::ConfigError;
use crate::settings::{resolve_addressing_style, resolve_endpoint, resolve_region};
use crate::shared_files::SharedFiles;
use crate::target::Target;
use crate::warning::ConfigWarning;

pub(crate) const DEFAULT_PROFILE: &str = "default";
pub(crate) const DEFAULT_REGION: &str = "us-east-1";

/// Settings given explicitly (command-line flags, a service's config file, a
/// Python `Client`'s arguments): each wins over the environment and the
/// shared files.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--profile NAME`.
    pub profile: Option<String>,
    /// `--region REGION`; `Some("")` means "no region" (IBM COS).
    pub region: Option<String>,
    /// `--endpoint-url URL`.
    pub endpoint_url: Option<String>,
    /// `--ibm-credentials FILE`: an IBM COS service-credentials JSON file.
    pub ibm_credentials: Option<PathBuf>,
    /// Keys given as they are (a Python `Client`'s `aws_access_key_id`,
    /// `aws_secret_access_key` and `aws_session_token`, see
    /// [`ResolvedCredentials::given`]): they win over every other source.
    pub credentials: Option<ResolvedCredentials>,
}

/// Everything a shell needs to sign, and where each part came from.
#[derive(Debug, Clone)]
pub struct ResolvedConfig {
    /// The credentials and where they came from.
    pub credentials: ResolvedCredentials,
    /// May be empty: IBM COS treats an empty region as a wildcard.
    pub region: String,
    /// Where the region came from, e.g. `--region`, `AWS_REGION`,
    /// `profile 'dev' in /home/u/.aws/config`, `from the endpoint host`,
    /// `default`.
    pub region_source: String,
    /// `None`: the caller picks the AWS default endpoint.
    pub endpoint_url: Option<String>,
    /// Where the endpoint URL came from; `None` when `endpoint_url` is `None`.
    pub endpoint_url_source: Option<String>,
    /// From the selected profile's `s3` sub-section.
    pub addressing_style: Option<Addressing>,
}

/// Resolves credentials, region, endpoint URL and addressing style.
///
/// Credentials, first match wins: keys given in [`Overrides::credentials`],
/// `--ibm-credentials`, `--profile`, the
/// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` environment variables, the
/// profile named by `AWS_PROFILE`, the `default` profile. Region, endpoint and
/// addressing style come from flags, then environment variables, then the
/// selected profile (`--profile`, else `AWS_PROFILE`, else `default`),
/// whichever source the credentials came from. When no region is configured
/// anywhere, the endpoint's host name gives it for the providers of
/// [`crate::Provider`] (`s3.eu-de.cloud-object-storage.appdomain.cloud`:
/// `eu-de`); else it is `us-east-1`.
pub fn resolve(overrides: &Overrides, env: &Environment) -> Result<ResolvedConfig, ConfigError> {
    let files = SharedFiles::load(env)?;
    if let Some(profile) = &overrides.profile
        && !files.profile_exists(profile)
    {
        return Err(profile_not_found(&files, profile, "--profile"));
    }
    let credentials = resolve_credentials(overrides, env, &files)?;
    let profile = overrides
        .profile
        .as_deref()
        .or_else(|| env.var(ENV_PROFILE))
        .unwrap_or(DEFAULT_PROFILE);
    let (endpoint_url, endpoint_url_source) =
        resolve_endpoint(overrides, env, &files, profile).unzip();
    let (region, region_source) =
        resolve_region(overrides, env, &files, profile, endpoint_url.as_deref());
    let addressing_style = resolve_addressing_style(&files, profile)?;
    Ok(ResolvedConfig {
        credentials,
        region,
        region_source,
        endpoint_url,
        endpoint_url_source,
        addressing_style,
    })
}

impl ResolvedConfig {
    /// The endpoint to sign for and where it came from: the configured one,
    /// else AWS S3's endpoint for the region.
    ///
    /// # Errors
    /// [`ConfigError::InvalidRegion`] when the region breaks the core's rule
    /// (checked first, so that a bad region is reported as one, not as the
    /// bad endpoint it would make); [`ConfigError::NoEndpointForEmptyRegion`]
    /// when no endpoint is configured and the region is empty (AWS has no
    /// such region).
    pub fn endpoint(&self) -> Result<(String, String), ConfigError> {
        presign::validate_region(&self.region).map_err(|problem| ConfigError::InvalidRegion {
            problem,
            origin: self.region_source.clone(),
        })?;
        if let Some(url) = &self.endpoint_url {
            let source = self
                .endpoint_url_source
                .clone()
                .unwrap_or_else(|| "configuration".to_owned());
            return Ok((url.clone(), source));
        }
        let url =
            Endpoint::aws_default(&self.region).ok_or(ConfigError::NoEndpointForEmptyRegion)?;
        Ok((url, format!("AWS default for region {}", self.region)))
    }

    /// What about this configuration deserves a warning: today, a region
    /// that is no AWS region with no endpoint configured (the URL would go
    /// to a host that does not exist). An empty region without an endpoint
    /// is an error instead ([`Self::endpoint`]).
    ///
    /// # Example
    /// ```
    /// use presign_config::{ConfigWarning, Environment, Overrides, resolve};
    ///
    /// let env = Environment::from_vars(
    ///     [("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_REGION", "auto")],
    ///     None,
    /// );
    /// let config = resolve(&Overrides::default(), &env)?;
    /// assert!(matches!(&config.warnings()[..], [ConfigWarning::NotAnAwsRegion { .. }]));
    /// # Ok::<(), presign_config::ConfigError>(())
    /// ```
    #[must_use]
    pub fn warnings(&self) -> Vec<ConfigWarning> {
        let mut warnings = Vec::new();
        if self.endpoint_url.is_none()
            && !Endpoint::is_aws_region(&self.region)
            && let Some(endpoint) = Endpoint::aws_default(&self.region)
        {
            warnings.push(ConfigWarning::NotAnAwsRegion {
                region: self.region.clone(),
                origin: self.region_source.clone(),
                endpoint,
            });
        }
        warnings
    }

    /// The [`Target`] for `bucket`: the endpoint of [`Self::endpoint`], the
    /// region, and `addressing` if given, else the profile's style, else
    /// [`Addressing::Auto`].
    ///
    /// # Errors
    /// As [`Self::endpoint`].
    pub fn target(
        &self,
        bucket: &str,
        addressing: Option<Addressing>,
    ) -> Result<Target, ConfigError> {
        let (endpoint, _) = self.endpoint()?;
        let addressing = addressing.or(self.addressing_style).unwrap_or_default();
        Ok(Target::new(endpoint, bucket, &self.region, addressing))
    }
}
