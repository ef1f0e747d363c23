//! Where credentials come from: the plan of which source answers, made from
//! the flags, the environment and the shared files alone (no I/O beyond
//! reading those files), in botocore's order. Fetching what a plan names
//! (STS, the SSO portal, a process, the container endpoint, the instance
//! metadata service) is done above this crate, by `presign-credentials`.
//!
//! The public items of this module are the pure halves of those fetches:
//! request bodies, cache keys and files, answer parsers and refresh rules,
//! for `presign-credentials`. The shells need only the plan
//! ([`CredentialSource`]) and the refresh timing, which the crate root
//! re-exports.

mod cli_cache;
mod container;
mod express;
mod imds;
mod json_answer;
pub(crate) mod plan;
mod process;
mod refresh;
mod sso;
mod sts;

use std::path::PathBuf;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::credentials::ResolvedCredentials;

pub use cli_cache::{
    CLI_CACHE_EXPIRY_WINDOW, CacheWriter, CachedEntry, TemporaryCredentials, cli_cache_json,
    read_cli_cache,
};
pub use container::{
    CONTAINER_ALLOWED_HOSTS, ContainerUrlError, check_container_url, container_token_is_legal,
    parse_container_answer,
};
pub use express::{
    CreateSessionCall, EXPRESS_ADVISORY_REFRESH, EXPRESS_MANDATORY_REFRESH,
    EXPRESS_SESSION_CAPACITY, MAX_BUCKET_NAME_LEN, create_session_call, create_session_hint,
    express_session_freshness,
};
pub use imds::{
    IMDS_CREDENTIALS_PATH, IMDS_TOKEN_HEADER, IMDS_TOKEN_PATH, IMDS_TOKEN_TTL_HEADER,
    IMDS_TOKEN_TTL_SECONDS, ImdsRoleError, TokenStatus, imds_role_name, imds_token_status,
    imds_url, parse_imds_answer,
};
pub use json_answer::{FileFormatError, JsonAnswerError, shorten};
pub(crate) use plan::plan_credentials;
pub use process::{SplitError, parse_process_output, split_command_line};
pub use refresh::{ADVISORY_REFRESH, Freshness, MANDATORY_REFRESH, freshness, refresh_due};
pub use sso::{
    CreatedToken, SSO_TOKEN_REFRESH_WINDOW, SsoRegistration, SsoToken, SsoTokenStep,
    create_token_body, parse_role_credentials, refreshed_token_file, sso_cli_cache_key,
    sso_service_error, sso_token_cache_key, sso_token_file, sso_token_step,
};
pub use sts::{
    AssumeRoleCall, StsAnswerError, default_session_name, parse_sts_answer, web_identity_cache_key,
    web_identity_form_body,
};

/// The source of credentials that the chain picked, with everything needed
/// to get them. Only [`CredentialSource::Static`] holds keys already; the
/// others say where to fetch them.
#[derive(Debug, Clone)]
pub enum CredentialSource {
    /// Keys at hand: given, from the environment, from a shared file or from
    /// an IBM COS service-credentials file.
    Static(ResolvedCredentials),
    /// STS `AssumeRole` with credentials from another source.
    AssumeRole(Box<AssumeRolePlan>),
    /// STS `AssumeRoleWithWebIdentity` with a token read from a file.
    WebIdentity(WebIdentityPlan),
    /// IAM Identity Center (SSO): `GetRoleCredentials` with a cached token.
    Sso(SsoPlan),
    /// A profile's `credential_process`.
    Process(ProcessPlan),
    /// The container credentials endpoint (ECS, EKS Pod Identity).
    Container(ContainerPlan),
    /// The EC2 instance metadata service.
    InstanceMetadata(InstanceMetadataPlan),
}

impl CredentialSource {
    /// A short description for messages, e.g.
    /// `assume role arn:aws:iam::1:role/r via profile 'dev' (source profile 'base')`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Static(credentials) => credentials.source.clone(),
            Self::AssumeRole(plan) => format!(
                "assume role {} via profile '{}' ({})",
                plan.role_arn,
                plan.profile,
                plan.source_description()
            ),
            Self::WebIdentity(plan) => format!(
                "web identity role {} with the token in {} ({})",
                plan.role_arn,
                plan.token_file.display(),
                plan.origin
            ),
            Self::Sso(plan) => plan.describe(),
            Self::Process(plan) => {
                format!("credential_process of profile '{}'", plan.profile)
            }
            Self::Container(plan) => format!(
                "container credentials endpoint {}",
                crate::ProxyUrl::new(plan.url.as_str()).redacted()
            ),
            Self::InstanceMetadata(plan) => {
                format!("EC2 instance metadata at {}", plan.endpoint)
            }
        }
    }
}

/// Where STS is reached, and how the endpoint was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsEndpoint {
    /// `https://sts.REGION.amazonaws.com`, or a configured URL.
    pub url: String,
    /// The region requests are signed for (`us-east-1` for the global
    /// endpoint).
    pub region: String,
    /// Where the URL came from, e.g. `AWS_ENDPOINT_URL_STS`,
    /// `regional endpoint for eu-west-1`.
    pub origin: String,
}

/// A profile's `role_arn` with `source_profile` or `credential_source`.
#[derive(Debug, Clone)]
pub struct AssumeRolePlan {
    /// The profile with `role_arn`.
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// The credentials `AssumeRole` is signed with.
    pub source: CredentialSource,
    /// `source_profile` (`None` with `credential_source`).
    pub source_profile: Option<String>,
    /// `credential_source` (`Environment`, `EcsContainer`,
    /// `Ec2InstanceMetadata`).
    pub credential_source: Option<String>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `role_session_name`; `None`: `botocore-session-<epoch seconds>`.
    pub role_session_name: Option<String>,
    /// `duration_seconds`.
    pub duration_seconds: Option<u32>,
    /// `mfa_serial`: the code is asked for on the terminal.
    pub mfa_serial: Option<String>,
    /// Where STS is reached.
    pub sts: StsEndpoint,
    /// The AWS CLI's cache of temporary credentials (`~/.aws/cli/cache`).
    pub cache_dir: Option<PathBuf>,
}

impl AssumeRolePlan {
    /// `source profile 'base'` or `credential_source Environment`.
    #[must_use]
    pub fn source_description(&self) -> String {
        match (&self.source_profile, &self.credential_source) {
            (Some(profile), _) => format!("source profile '{profile}'"),
            (None, Some(source)) => format!("credential_source {source}"),
            (None, None) => "no source".to_owned(),
        }
    }
}

/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, or a profile's
/// `web_identity_token_file` + `role_arn`.
#[derive(Debug, Clone)]
pub struct WebIdentityPlan {
    /// The role to assume.
    pub role_arn: String,
    /// The file the token is read from (again on every refresh).
    pub token_file: PathBuf,
    /// `AWS_ROLE_SESSION_NAME` / `role_session_name`; `None`:
    /// `botocore-session-<epoch seconds>`.
    pub role_session_name: Option<String>,
    /// Where STS is reached.
    pub sts: StsEndpoint,
    /// `environment` or `profile 'NAME'`.
    pub origin: String,
    /// The AWS CLI's cache of temporary credentials (`~/.aws/cli/cache`).
    pub cache_dir: Option<PathBuf>,
}

/// A profile's SSO settings (`sso_session` or the legacy form).
#[derive(Debug, Clone)]
pub struct SsoPlan {
    /// The profile.
    pub profile: String,
    /// `sso_session` (`None`: the legacy form, with the start URL in the
    /// profile, whose token cannot be refreshed).
    pub session_name: Option<String>,
    /// `sso_start_url`.
    pub start_url: String,
    /// `sso_region`.
    pub sso_region: String,
    /// `sso_account_id`.
    pub account_id: String,
    /// `sso_role_name`.
    pub role_name: String,
    /// The token cache, `~/.aws/sso/cache`.
    pub token_cache_dir: Option<PathBuf>,
    /// The AWS CLI's cache of temporary credentials (`~/.aws/cli/cache`).
    pub cache_dir: Option<PathBuf>,
    /// The portal (`GetRoleCredentials`): `AWS_ENDPOINT_URL_SSO`, else
    /// `https://portal.sso.REGION.amazonaws.com`.
    pub portal_url: String,
    /// OIDC (`CreateToken`): `AWS_ENDPOINT_URL_SSO_OIDC`, else
    /// `https://oidc.REGION.amazonaws.com`.
    pub oidc_url: String,
}

impl SsoPlan {
    /// `SSO role R in account A via profile 'p'`, as
    /// [`CredentialSource::describe`] says it.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "SSO role {} in account {} via profile '{}'",
            self.role_name, self.account_id, self.profile
        )
    }
}

/// A profile's `credential_process`.
#[derive(Debug, Clone)]
pub struct ProcessPlan {
    /// The profile.
    pub profile: String,
    /// The command line as written (split like a shell, never run by one).
    pub command: String,
    /// How long the process may run.
    pub timeout: Duration,
}

/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI`.
#[derive(Debug, Clone)]
pub struct ContainerPlan {
    /// The full URL (a relative URI is joined to `http://169.254.170.2`).
    pub url: String,
    /// The variable the URL came from.
    pub origin: &'static str,
    /// The `Authorization` header's value, if any.
    pub authorization: Option<ContainerAuthorization>,
}

/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every fetch) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
#[derive(Clone)]
pub enum ContainerAuthorization {
    /// The file's content is the token.
    File(PathBuf),
    /// The token itself.
    Token(Zeroizing<String>),
}

impl std::fmt::Debug for ContainerAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            Self::Token(_) => f.write_str("Token(<redacted>)"),
        }
    }
}

/// The EC2 instance metadata service and botocore's settings for it.
#[derive(Debug, Clone)]
pub struct InstanceMetadataPlan {
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT` / `ec2_metadata_service_endpoint`,
    /// else `http://169.254.169.254` (or `http://[fd00:ec2::254]` in the
    /// IPv6 mode).
    pub endpoint: String,
    /// `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled`: no
    /// fallback to IMDSv1 when the token request fails.
    pub v1_disabled: bool,
    /// `AWS_METADATA_SERVICE_TIMEOUT` / `metadata_service_timeout` (1 s).
    pub timeout: Duration,
    /// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` / `metadata_service_num_attempts` (1).
    pub attempts: u32,
    /// When the service is the chain's last resort: every place looked at,
    /// for the "no credentials found" message if it does not answer either
    /// (as on a laptop). `None` for `credential_source = Ec2InstanceMetadata`.
    pub last_resort: Option<String>,
}
