//! The credential chain in botocore's order, as a plan: flags and given
//! keys, the environment's keys (skipped with an explicit `--profile`),
//! assume role, web identity, SSO, the credentials file, `credential_process`,
//! the config file, the container endpoint, the instance metadata service.

use std::path::PathBuf;
use std::time::Duration;

use zeroize::Zeroizing;

use super::{
    AssumeRolePlan, ContainerAuthorization, ContainerPlan, CredentialSource, InstanceMetadataPlan,
    ProcessPlan, SsoPlan, StsEndpoint, WebIdentityPlan,
};
use crate::credentials::{env_credentials, file_credentials, profile_not_found};
use crate::environment::{ENV_PROFILE, Environment};
use crate::error::ConfigError;
use crate::ibm::ibm_credentials;
use crate::overrides::{DEFAULT_PROFILE, Overrides};
use crate::shared_files::SharedFiles;

const ENV_WEB_IDENTITY_TOKEN_FILE: &str = "AWS_WEB_IDENTITY_TOKEN_FILE";
const ENV_ROLE_ARN: &str = "AWS_ROLE_ARN";
const ENV_ROLE_SESSION_NAME: &str = "AWS_ROLE_SESSION_NAME";
const ENV_CONTAINER_RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const ENV_CONTAINER_FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const ENV_CONTAINER_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const ENV_CONTAINER_TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const ENV_PROCESS_TIMEOUT: &str = "PRESIGN_CREDENTIAL_PROCESS_TIMEOUT";
const CONTAINER_HOST: &str = "http://169.254.170.2";
const IMDS_IPV4: &str = "http://169.254.169.254";
const IMDS_IPV6: &str = "http://[fd00:ec2::254]";
/// How long a `credential_process` may run when
/// `PRESIGN_CREDENTIAL_PROCESS_TIMEOUT` does not say.
pub(crate) const DEFAULT_PROCESS_TIMEOUT: Duration = Duration::from_secs(60);

/// The regions whose STS calls go to the global endpoint with
/// `sts_regional_endpoints = legacy`.
const STS_LEGACY_GLOBAL_REGIONS: [&str; 16] = [
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// What planning reads: flags, environment, files, and the region the
/// selected profile configures (`None` when only the default applies).
pub(crate) struct Inputs<'a> {
    pub(crate) flags: &'a Overrides,
    pub(crate) env: &'a Environment,
    pub(crate) files: &'a SharedFiles,
    pub(crate) region: Option<&'a str>,
}

/// The first source of the chain that applies.
pub(crate) fn plan_credentials(inputs: &Inputs<'_>) -> Result<CredentialSource, ConfigError> {
    let Inputs {
        flags, env, files, ..
    } = inputs;
    if let Some(credentials) = &flags.credentials {
        return Ok(CredentialSource::Static(credentials.clone()));
    }
    if let Some(path) = &flags.ibm_credentials {
        return Ok(CredentialSource::Static(ibm_credentials(path)?));
    }
    if flags.profile.is_none()
        && let Some(credentials) = env_credentials(env)?
    {
        return Ok(CredentialSource::Static(credentials));
    }
    let profile = flags
        .profile
        .as_deref()
        .or_else(|| env.var(ENV_PROFILE))
        .unwrap_or(DEFAULT_PROFILE);
    if flags.profile.is_none() && profile != DEFAULT_PROFILE && !files.profile_exists(profile) {
        return Err(profile_not_found(files, profile, ENV_PROFILE));
    }
    let mut chain = Chain {
        inputs,
        visited: vec![profile.to_owned()],
    };
    if let Some(source) = chain.profile_source(profile, true)? {
        return Ok(source);
    }
    if let Some(source) = container(env)? {
        return Ok(source);
    }
    if let Some(CredentialSource::InstanceMetadata(mut plan)) =
        instance_metadata(env, files, profile)?
    {
        plan.last_resort = Some(searched(flags, files, profile));
        return Ok(CredentialSource::InstanceMetadata(plan));
    }
    Err(ConfigError::NoCredentials {
        searched: searched(flags, files, profile),
    })
}

fn searched(flags: &Overrides, files: &SharedFiles, profile: &str) -> String {
    let mut places = vec![
        "the --ibm-credentials flag".to_owned(),
        "the --profile flag".to_owned(),
    ];
    if flags.profile.is_none() {
        places.push(
            "the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".to_owned(),
        );
        places.push(format!("the {ENV_PROFILE} environment variable"));
    }
    places.push(format!("profile '{profile}' in {}", files.describe()));
    places.push(format!(
        "{ENV_WEB_IDENTITY_TOKEN_FILE}, {ENV_CONTAINER_RELATIVE_URI} and {ENV_CONTAINER_FULL_URI}"
    ));
    places.push("the EC2 instance metadata service (AWS_EC2_METADATA_DISABLED)".to_owned());
    places.join(", ")
}

struct Chain<'a, 'b> {
    inputs: &'b Inputs<'a>,
    /// Profiles entered so far, to report a loop of `source_profile`s.
    visited: Vec<String>,
}

impl<'a> Chain<'a, '_> {
    fn setting(&self, profile: &str, key: &str) -> Option<&'a str> {
        self.inputs
            .files
            .setting(profile, key)
            .map(|(value, _)| value)
    }

    /// The profile's own sources, in botocore's order. `env_vars`: whether
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` count (not for a
    /// source profile).
    fn profile_source(
        &mut self,
        profile: &str,
        env_vars: bool,
    ) -> Result<Option<CredentialSource>, ConfigError> {
        if self.is_assume_role(profile) {
            return self.assume_role(profile).map(Some);
        }
        self.own_source(profile, env_vars)
    }

    /// The profile's sources but assume role: web identity, SSO, the
    /// credentials file, `credential_process`, the config file.
    fn own_source(
        &mut self,
        profile: &str,
        env_vars: bool,
    ) -> Result<Option<CredentialSource>, ConfigError> {
        let files = self.inputs.files;
        if let Some(plan) = self.web_identity(profile, env_vars)? {
            return Ok(Some(CredentialSource::WebIdentity(plan)));
        }
        if let Some(plan) = self.sso(profile)? {
            return Ok(Some(CredentialSource::Sso(plan)));
        }
        if let Some((file, section)) = files.credentials_file_section(profile)
            && let Some(credentials) = file_credentials(profile, file, section)?
        {
            return Ok(Some(CredentialSource::Static(credentials)));
        }
        if let Some(command) = self.setting(profile, "credential_process") {
            return Ok(Some(CredentialSource::Process(ProcessPlan {
                profile: profile.to_owned(),
                command: command.to_owned(),
                timeout: process_timeout(self.inputs.env)?,
            })));
        }
        if let Some((file, section)) = files.config_file_section(profile)
            && let Some(credentials) = file_credentials(profile, file, section)?
        {
            return Ok(Some(CredentialSource::Static(credentials)));
        }
        Ok(None)
    }

    fn is_assume_role(&self, profile: &str) -> bool {
        self.setting(profile, "role_arn").is_some()
            && self.setting(profile, "web_identity_token_file").is_none()
    }

    fn has_static_keys(&self, profile: &str) -> bool {
        self.setting(profile, "aws_access_key_id").is_some()
    }

    fn assume_role(&mut self, profile: &str) -> Result<CredentialSource, ConfigError> {
        let invalid = |problem: String| ConfigError::InvalidProfile {
            profile: profile.to_owned(),
            problem,
        };
        let role_arn = self.setting(profile, "role_arn").unwrap_or_default();
        let source_profile = self.setting(profile, "source_profile").map(str::to_owned);
        let credential_source = self
            .setting(profile, "credential_source")
            .map(str::to_owned);
        let source = match (&source_profile, &credential_source) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "sets both `source_profile` and `credential_source`; keep one".to_owned(),
                ));
            }
            (None, None) => {
                return Err(invalid(
                    "sets `role_arn` without `source_profile` or `credential_source`; add one \
                     (credential_source is Environment, EcsContainer or Ec2InstanceMetadata)"
                        .to_owned(),
                ));
            }
            (Some(source), None) => self.source_profile(profile, source)?,
            (None, Some(source)) => self.credential_source(profile, source)?,
        };
        let duration_seconds =
            self.setting(profile, "duration_seconds")
                .map(|text| {
                    text.parse::<u32>().ok().filter(|s| (900..=43_200).contains(s)).ok_or_else(|| {
                    invalid(format!(
                        "`duration_seconds` is {text:?}: expected whole seconds in 900..=43200"
                    ))
                })
                })
                .transpose()?;
        let text = |key| self.setting(profile, key).map(str::to_owned);
        Ok(CredentialSource::AssumeRole(Box::new(AssumeRolePlan {
            profile: profile.to_owned(),
            role_arn: role_arn.to_owned(),
            source,
            source_profile,
            credential_source,
            external_id: text("external_id"),
            role_session_name: text("role_session_name"),
            duration_seconds,
            mfa_serial: text("mfa_serial"),
            sts: self.sts_endpoint()?,
            cache_dir: self.cli_cache_dir(),
        })))
    }

    /// botocore's rules for `source_profile`: it must exist; a profile may
    /// name itself only to use its own static keys; a profile seen before
    /// is a loop.
    fn source_profile(
        &mut self,
        parent: &str,
        source: &str,
    ) -> Result<CredentialSource, ConfigError> {
        let files = self.inputs.files;
        if !files.profile_exists(source) {
            return Err(ConfigError::InvalidProfile {
                profile: parent.to_owned(),
                problem: format!("names `source_profile = {source}`, which does not exist"),
            });
        }
        let seen = self.visited.iter().any(|name| name == source);
        if seen && !(source == parent && self.has_static_keys(source)) {
            let mut chain = self.visited.clone();
            chain.push(source.to_owned());
            return Err(ConfigError::SourceProfileLoop {
                profiles: chain.join(" -> "),
            });
        }
        self.visited.push(source.to_owned());
        if !self.has_static_keys(source) && self.is_assume_role(source) {
            return self.assume_role(source);
        }
        self.own_source(source, false)?
            .ok_or_else(|| ConfigError::InvalidProfile {
                profile: parent.to_owned(),
                problem: format!(
                    "names `source_profile = {source}`, which has no credentials (no keys, role, \
                     SSO, web identity or credential_process)"
                ),
            })
    }

    fn credential_source(
        &self,
        profile: &str,
        source: &str,
    ) -> Result<CredentialSource, ConfigError> {
        let env = self.inputs.env;
        let missing = |what: &str| ConfigError::InvalidProfile {
            profile: profile.to_owned(),
            problem: format!("has `credential_source = {source}`, but {what}"),
        };
        match source {
            "Environment" => env_credentials(env)?
                .map(CredentialSource::Static)
                .ok_or_else(|| missing("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")),
            "EcsContainer" => container(env)?.ok_or_else(|| {
                missing(
                    "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor \
                     AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
                )
            }),
            "Ec2InstanceMetadata" => instance_metadata(env, self.inputs.files, profile)?
                .ok_or_else(|| {
                    missing("AWS_EC2_METADATA_DISABLED turns the instance metadata service off")
                }),
            _ => Err(ConfigError::InvalidProfile {
                profile: profile.to_owned(),
                problem: format!(
                    "has `credential_source = {source}`: expected Environment, EcsContainer or \
                     Ec2InstanceMetadata"
                ),
            }),
        }
    }

    fn web_identity(
        &self,
        profile: &str,
        env_vars: bool,
    ) -> Result<Option<WebIdentityPlan>, ConfigError> {
        let env = self.inputs.env;
        let from_env = |name| if env_vars { env.var(name) } else { None };
        // Taken as written: botocore does not expand `~` here.
        let (token_file, origin) = match from_env(ENV_WEB_IDENTITY_TOKEN_FILE) {
            Some(path) => (PathBuf::from(path), "environment".to_owned()),
            None => match self.setting(profile, "web_identity_token_file") {
                Some(path) => (PathBuf::from(path), format!("profile '{profile}'")),
                None => return Ok(None),
            },
        };
        let role_arn = from_env(ENV_ROLE_ARN)
            .or_else(|| self.setting(profile, "role_arn"))
            .ok_or_else(|| ConfigError::InvalidProfile {
                profile: profile.to_owned(),
                problem: format!(
                    "gets a web identity token from {} but no role: set {ENV_ROLE_ARN} or \
                     `role_arn`",
                    token_file.display()
                ),
            })?;
        let role_session_name = from_env(ENV_ROLE_SESSION_NAME)
            .or_else(|| self.setting(profile, "role_session_name"))
            .map(str::to_owned);
        Ok(Some(WebIdentityPlan {
            role_arn: role_arn.to_owned(),
            token_file,
            role_session_name,
            sts: self.sts_endpoint()?,
            origin,
            cache_dir: self.cli_cache_dir(),
        }))
    }

    fn sso(&self, profile: &str) -> Result<Option<SsoPlan>, ConfigError> {
        let files = self.inputs.files;
        let session_name = self.setting(profile, "sso_session");
        let legacy_start_url = self.setting(profile, "sso_start_url");
        if session_name.is_none() && legacy_start_url.is_none() {
            return Ok(None);
        }
        let invalid = |problem: String| ConfigError::InvalidProfile {
            profile: profile.to_owned(),
            problem,
        };
        let (start_url, sso_region) = match session_name {
            Some(name) => {
                let (section, _) = files.sso_session(name).ok_or_else(|| {
                    invalid(format!(
                        "names `sso_session = {name}`, but the config file has no \
                         [sso-session {name}] section"
                    ))
                })?;
                let session_value = |key: &str| {
                    let value = section.value(key).ok_or_else(|| {
                        invalid(format!("its [sso-session {name}] section has no `{key}`"))
                    })?;
                    match self.setting(profile, key) {
                        Some(own) if own != value => Err(invalid(format!(
                            "sets `{key}`, which differs from the one of [sso-session {name}]"
                        ))),
                        _ => Ok(value.to_owned()),
                    }
                };
                (
                    session_value("sso_start_url")?,
                    session_value("sso_region")?,
                )
            }
            None => (
                legacy_start_url.unwrap_or_default().to_owned(),
                self.required(profile, "sso_region")?,
            ),
        };
        let account_id = self.required(profile, "sso_account_id")?;
        let role_name = self.required(profile, "sso_role_name")?;
        let home = self.inputs.env.home.as_ref();
        Ok(Some(SsoPlan {
            profile: profile.to_owned(),
            session_name: session_name.map(str::to_owned),
            portal_url: self.service_endpoint("SSO", "sso").map_or_else(
                || format!("https://portal.sso.{sso_region}.amazonaws.com"),
                |(url, _)| url,
            ),
            oidc_url: self.service_endpoint("SSO_OIDC", "sso_oidc").map_or_else(
                || format!("https://oidc.{sso_region}.amazonaws.com"),
                |(url, _)| url,
            ),
            start_url,
            sso_region,
            account_id,
            role_name,
            token_cache_dir: home.map(|home| home.join(".aws").join("sso").join("cache")),
            cache_dir: self.cli_cache_dir(),
        }))
    }

    fn required(&self, profile: &str, key: &str) -> Result<String, ConfigError> {
        self.setting(profile, key)
            .map(str::to_owned)
            .ok_or_else(|| ConfigError::InvalidProfile {
                profile: profile.to_owned(),
                problem: format!("is an SSO profile without `{key}`"),
            })
    }

    fn cli_cache_dir(&self) -> Option<PathBuf> {
        let home = self.inputs.env.home.as_ref()?;
        Some(home.join(".aws").join("cli").join("cache"))
    }

    /// A service's configured endpoint, botocore's order:
    /// `AWS_ENDPOINT_URL_<SERVICE>`, the profile's `services` section,
    /// `AWS_ENDPOINT_URL`, the profile's `endpoint_url`; none with
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
    fn service_endpoint(&self, env_suffix: &str, services_key: &str) -> Option<(String, String)> {
        let Inputs { env, files, .. } = self.inputs;
        let profile = self.selected_profile();
        if env
            .var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
            .is_some_and(|value| value.eq_ignore_ascii_case("true"))
        {
            return None;
        }
        let specific = format!("AWS_ENDPOINT_URL_{env_suffix}");
        if let Some(url) = env.var(&specific) {
            return Some((url.to_owned(), specific));
        }
        if let Some(services) = self.setting(profile, "services")
            && let Some((section, file)) = files.services(services)
            && let Some(url) = section.nested_value(services_key, "endpoint_url")
        {
            return Some((
                url.to_owned(),
                format!("[services {services}] in {}", file.label()),
            ));
        }
        if let Some(url) = env.var("AWS_ENDPOINT_URL") {
            return Some((url.to_owned(), "AWS_ENDPOINT_URL".to_owned()));
        }
        self.setting(profile, "endpoint_url")
            .map(|url| (url.to_owned(), format!("profile '{profile}' endpoint_url")))
    }

    fn selected_profile(&self) -> &str {
        self.visited.first().map_or(DEFAULT_PROFILE, String::as_str)
    }

    /// STS: a configured endpoint, else the regional one for the configured
    /// region, else the global one (botocore's defaults since 2024).
    fn sts_endpoint(&self) -> Result<StsEndpoint, ConfigError> {
        let region = self.inputs.region.filter(|region| !region.is_empty());
        if let Some((url, origin)) = self.service_endpoint("STS", "sts") {
            return Ok(StsEndpoint {
                url,
                region: region.unwrap_or("us-east-1").to_owned(),
                origin,
            });
        }
        let profile = self.selected_profile();
        let mode = self
            .inputs
            .env
            .var("AWS_STS_REGIONAL_ENDPOINTS")
            .or_else(|| self.setting(profile, "sts_regional_endpoints"))
            .unwrap_or("regional");
        let global = |origin: &str| StsEndpoint {
            url: "https://sts.amazonaws.com".to_owned(),
            region: "us-east-1".to_owned(),
            origin: origin.to_owned(),
        };
        match (region, mode) {
            (None, _) => Ok(global("global endpoint (no region configured)")),
            (Some(region), "legacy") if STS_LEGACY_GLOBAL_REGIONS.contains(&region) => {
                Ok(global("global endpoint (sts_regional_endpoints = legacy)"))
            }
            (Some(region), "legacy" | "regional") => {
                presign::validate_region(region).map_err(|problem| ConfigError::InvalidRegion {
                    problem,
                    origin: "the region STS is called in".to_owned(),
                })?;
                let suffix = if region.starts_with("cn-") {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                Ok(StsEndpoint {
                    url: format!("https://sts.{region}.{suffix}"),
                    region: region.to_owned(),
                    origin: format!("regional endpoint for {region}"),
                })
            }
            (Some(_), other) => Err(ConfigError::InvalidProfile {
                profile: profile.to_owned(),
                problem: format!(
                    "`sts_regional_endpoints` is {other:?}: expected regional or legacy"
                ),
            }),
        }
    }
}

fn process_timeout(env: &Environment) -> Result<Duration, ConfigError> {
    match env.var(ENV_PROCESS_TIMEOUT) {
        None => Ok(DEFAULT_PROCESS_TIMEOUT),
        Some(text) => match presign::units::parse_duration(text) {
            Ok(seconds @ 1..=3600) => Ok(Duration::from_secs(seconds)),
            Ok(seconds) => Err(ConfigError::InvalidVariable {
                name: ENV_PROCESS_TIMEOUT,
                problem: format!("{seconds} s is outside 1..=3600 seconds"),
            }),
            Err(problem) => Err(ConfigError::InvalidVariable {
                name: ENV_PROCESS_TIMEOUT,
                problem,
            }),
        },
    }
}

/// The container credentials endpoint, when its variables are set.
fn container(env: &Environment) -> Result<Option<CredentialSource>, ConfigError> {
    let (url, origin) = match (
        env.var(ENV_CONTAINER_RELATIVE_URI),
        env.var(ENV_CONTAINER_FULL_URI),
    ) {
        (Some(relative), _) => (
            format!("{CONTAINER_HOST}{relative}"),
            ENV_CONTAINER_RELATIVE_URI,
        ),
        (None, Some(full)) => {
            // botocore refuses a plain-http full URI to another host.
            super::check_container_url(full).map_err(|problem| ConfigError::InvalidVariable {
                name: ENV_CONTAINER_FULL_URI,
                problem: problem.to_string(),
            })?;
            (full.to_owned(), ENV_CONTAINER_FULL_URI)
        }
        (None, None) => return Ok(None),
    };
    let authorization = match (
        env.path_var(ENV_CONTAINER_TOKEN_FILE),
        env.var(ENV_CONTAINER_TOKEN),
    ) {
        (Some(path), _) => Some(ContainerAuthorization::File(path)),
        (None, Some(token)) => Some(ContainerAuthorization::Token(Zeroizing::new(
            token.to_owned(),
        ))),
        (None, None) => None,
    };
    Ok(Some(CredentialSource::Container(ContainerPlan {
        url,
        origin,
        authorization,
    })))
}

/// A boolean setting: `true` in any case is true.
fn flag(env: &Environment, files: &SharedFiles, profile: &str, var: &str, key: &str) -> bool {
    env.var(var)
        .or_else(|| files.setting(profile, key).map(|(value, _)| value))
        .is_some_and(|value| value.eq_ignore_ascii_case("true"))
}

/// The instance metadata service, unless `AWS_EC2_METADATA_DISABLED`.
fn instance_metadata(
    env: &Environment,
    files: &SharedFiles,
    profile: &str,
) -> Result<Option<CredentialSource>, ConfigError> {
    if env
        .var("AWS_EC2_METADATA_DISABLED")
        .is_some_and(|value| value.eq_ignore_ascii_case("true"))
    {
        return Ok(None);
    }
    let setting = |var: &'static str, key: &str| {
        env.var(var)
            .map(|value| (value, var.to_owned()))
            .or_else(|| {
                files
                    .setting(profile, key)
                    .map(|(value, _)| (value, format!("`{key}` of profile '{profile}'")))
            })
    };
    let number =
        |var: &'static str, key: &str, default: u32, range: std::ops::RangeInclusive<u32>| {
            match setting(var, key) {
                None => Ok(default),
                Some((text, origin)) => text
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|value| range.contains(value))
                    .ok_or_else(|| ConfigError::InvalidSetting {
                        origin,
                        problem: format!(
                            "{text:?} is not a whole number in {}..={}",
                            range.start(),
                            range.end()
                        ),
                    }),
            }
        };
    let endpoint = match setting(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        "ec2_metadata_service_endpoint",
    ) {
        Some((url, _)) => url.trim_end_matches('/').to_owned(),
        None => match setting(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
            "ec2_metadata_service_endpoint_mode",
        ) {
            None => IMDS_IPV4.to_owned(),
            Some((mode, _)) if mode.eq_ignore_ascii_case("ipv4") => IMDS_IPV4.to_owned(),
            Some((mode, _)) if mode.eq_ignore_ascii_case("ipv6") => IMDS_IPV6.to_owned(),
            Some((mode, origin)) => {
                return Err(ConfigError::InvalidSetting {
                    origin,
                    problem: format!("{mode:?} is not IPv4 or IPv6"),
                });
            }
        },
    };
    Ok(Some(CredentialSource::InstanceMetadata(
        InstanceMetadataPlan {
            last_resort: None,
            endpoint,
            v1_disabled: flag(
                env,
                files,
                profile,
                "AWS_EC2_METADATA_V1_DISABLED",
                "ec2_metadata_v1_disabled",
            ),
            timeout: Duration::from_secs(u64::from(number(
                "AWS_METADATA_SERVICE_TIMEOUT",
                "metadata_service_timeout",
                1,
                1..=60,
            )?)),
            attempts: number(
                "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                "metadata_service_num_attempts",
                1,
                1..=10,
            )?,
        },
    )))
}
