//! [`resolve`]: overrides, environment and shared files in, one
//! [`ResolvedConfig`] out.

use presign::{Addressing, Endpoint, EndpointSettings};

use crate::credentials::profile_not_found;
use crate::endpoint_options::{EndpointOptions, resolve_endpoint_options};
use crate::environment::{ENV_PROFILE, Environment};
use crate::error::ConfigError;
use crate::hosts::HostRules;
use crate::overrides::{DEFAULT_PROFILE, Overrides};
use crate::settings::{
    FROM_ENDPOINT_HOST, REGION_DEFAULT, resolve_addressing_style, resolve_endpoint, resolve_region,
};
use crate::shared_files::SharedFiles;
use crate::signature_version::{SignatureVersion, resolve_signature_version};
use crate::sources::{CredentialSource, plan::Inputs, plan_credentials};
use crate::target::Target;
use crate::transport::Sourced;
use crate::warning::ConfigWarning;

/// Everything a shell needs to sign, and where each part came from.
#[derive(Debug, Clone)]
pub struct ResolvedConfig {
    /// Where the credentials come from: keys at hand, or the source to
    /// fetch them from (`presign-credentials` fetches and refreshes them).
    pub credentials: CredentialSource,
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
    /// Dualstack, FIPS, acceleration and the other S3 endpoint settings.
    pub endpoint_options: EndpointOptions,
    /// From the selected profile's `s3` sub-section (`signature_version`),
    /// with where it was read; `None`: not set (SigV4 unless a flag says).
    pub signature_version: Option<Sourced<SignatureVersion>>,
}

/// Resolves credentials, region, endpoint URL and addressing style.
///
/// Credentials, first match wins, in botocore's order: keys given in
/// [`Overrides::credentials`], `--ibm-credentials`, the
/// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` environment variables (not
/// with `--profile`), then the profile (`--profile`, else `AWS_PROFILE`,
/// else `default`): assume role, web identity, SSO, keys in the credentials
/// file, `credential_process`, keys in the config file; then the container
/// endpoint and the instance metadata service (see [`CredentialSource`]).
/// Region, endpoint and
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
    let endpoint_options = resolve_endpoint_options(overrides, env, &files, profile)?;
    let signature_version = resolve_signature_version(&files, profile)?;
    let configured_region = (region_source != REGION_DEFAULT
        && region_source != FROM_ENDPOINT_HOST)
        .then_some(region.as_str());
    let credentials = plan_credentials(&Inputs {
        flags: overrides,
        env,
        files: &files,
        region: configured_region,
    })?;
    Ok(ResolvedConfig {
        credentials,
        region,
        region_source,
        endpoint_url,
        endpoint_url_source,
        addressing_style,
        endpoint_options,
        signature_version,
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
        // `aws-global` is a region botocore's S3 endpoint rules name: the
        // global host, signed for us-east-1.
        if self.endpoint_url.is_none()
            && self.region != "aws-global"
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

    /// The [`Target`] for `bucket`: its host as botocore's S3 endpoint rules
    /// build it from the region and the endpoint settings (an access point
    /// ARN, an S3 Express bucket, dualstack, FIPS, acceleration), or on the
    /// configured endpoint; `addressing` if given, else the profile's
    /// style, else [`Addressing::Auto`]. [`Target::with_bucket`] resolves
    /// other buckets the same way.
    ///
    /// # Errors
    /// As [`Self::endpoint`]; [`ConfigError::Endpoint`] when the rules
    /// refuse the bucket with these settings.
    pub fn target(
        &self,
        bucket: &str,
        addressing: Option<Addressing>,
    ) -> Result<Target, ConfigError> {
        self.endpoint()?;
        let addressing = addressing.or(self.addressing_style).unwrap_or_default();
        let options = &self.endpoint_options;
        let settings = EndpointSettings {
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            use_fips: EndpointOptions::is_on(options.fips.as_ref()),
            use_dualstack: EndpointOptions::is_on(options.dualstack.as_ref()),
            accelerate: EndpointOptions::is_on(options.accelerate.as_ref()),
            // Set per bucket from `addressing` by `HostRules::resolve`
            // (acceleration and ARNs turn path style off).
            force_path_style: false,
            use_global_endpoint: options.us_east_1_legacy() && self.region == "us-east-1",
            use_arn_region: options.use_arn_region(),
            disable_multi_region_access_points: EndpointOptions::is_on(
                options.disable_multi_region_access_points.as_ref(),
            ),
            disable_express_session_auth: EndpointOptions::is_on(
                options.disable_express_session_auth.as_ref(),
            ),
            use_object_lambda_endpoint: false,
        };
        Target::resolved(
            HostRules::shared(settings, addressing, options.in_force()),
            bucket,
        )
    }

    /// The endpoint settings that do not apply here, each with the reason:
    /// dualstack and FIPS with a custom endpoint (botocore drops them too).
    /// `--output explain` lists them.
    #[must_use]
    pub fn unused_endpoint_settings(&self) -> Vec<String> {
        let Some(source) = &self.endpoint_url_source else {
            return Vec::new();
        };
        let options = &self.endpoint_options;
        [("dualstack", &options.dualstack), ("FIPS", &options.fips)]
            .into_iter()
            .filter_map(|(name, setting)| {
                let setting = setting.as_ref().filter(|sourced| sourced.value)?;
                Some(format!(
                    "{name} ({}) does not apply: the endpoint is set by {source}",
                    setting.source
                ))
            })
            .collect()
    }
}
