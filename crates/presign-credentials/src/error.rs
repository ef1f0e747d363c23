//! Why credentials could not be fetched. No message holds a secret, a token
//! or an answer's body beyond the service's own error code and message.

use std::io;
use std::path::PathBuf;

use presign_config::ConfigError;

/// Why credentials could not be fetched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum CredentialsError {
    /// The chain could not be planned.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The HTTP agent could not be built (CA bundle, proxy).
    #[error("cannot set up HTTPS to fetch credentials: {message}")]
    Transport { message: String },

    /// A source presign does not fetch yet.
    #[error(
        "{origin} is a credential source presign does not fetch yet; export temporary credentials first, e.g. eval \"$(aws configure export-credentials --format env)\""
    )]
    NotYet { origin: String },

    // STS: assume role and web identity (crate::sts).
    /// `mfa_serial` is set but no MFA code can be asked for.
    #[error(
        "profile '{profile}' needs an MFA code for mfa_serial {serial}, and none can be asked for: {reason}; run presign on a terminal, or let the AWS CLI ask once (aws sts get-caller-identity --profile {profile}): presign uses the session it caches in ~/.aws/cli/cache"
    )]
    MfaUnavailable {
        profile: String,
        serial: String,
        reason: String,
    },

    /// The credentials a role is assumed with could not be had.
    #[error(
        "cannot get the credentials profile '{profile}' assumes its role with ({source_description}): {cause}"
    )]
    SourceCredentials {
        profile: String,
        source_description: String,
        cause: Box<CredentialsError>,
    },

    /// The web identity token file is missing, empty or too large.
    #[error("cannot use the web identity token file {path} (named by {setting}): {problem}")]
    WebIdentityToken {
        path: String,
        setting: String,
        problem: String,
    },

    /// STS could not be reached (or the call could not be made).
    #[error("cannot call STS at {url} for role {role_arn}: {message}")]
    StsUnreachable {
        url: String,
        role_arn: String,
        message: String,
    },

    /// STS answered with an error.
    #[error("STS refused {origin} (HTTP {status}): {code}: {message}")]
    StsRefused {
        role_arn: String,
        origin: String,
        status: u16,
        code: String,
        message: String,
    },

    /// STS's answer could not be used (too large, not STS's XML).
    #[error("STS's answer for {origin} cannot be used: {problem}")]
    StsAnswer {
        role_arn: String,
        origin: String,
        problem: String,
    },

    /// No credentials are valid now: the last ones expired and a refresh
    /// failed.
    #[error(
        "the credentials from {origin} expired at {expired_at} and could not be refreshed: {cause}"
    )]
    ExpiredNotRefreshed {
        origin: String,
        expired_at: String,
        cause: Box<CredentialsError>,
    },

    // IAM Identity Center (SSO).
    /// There is no SSO token that works: none cached, expired and not
    /// refreshable, or refused by the portal. The user must sign in again
    /// with the AWS CLI (presign has no login of its own).
    #[error("SSO profile '{profile}': {problem}; run `aws sso login --profile {profile}`")]
    SsoLoginNeeded { profile: String, problem: String },

    /// The SSO token cache file is not what `aws sso login` writes.
    #[error(
        "SSO profile '{profile}': the token cache file {path} {problem}; run `aws sso login --profile {profile}` to write it anew"
    )]
    SsoTokenFile {
        profile: String,
        path: PathBuf,
        problem: String,
    },

    /// A cached SSO role credentials file (`~/.aws/cli/cache`) is not what
    /// botocore writes.
    #[error(
        "the AWS CLI's cached SSO role credentials file {path} {problem}; delete it and try again"
    )]
    SsoCacheFile { path: PathBuf, problem: String },

    /// An SSO token or cache file could not be read.
    #[error("cannot read {path}: {cause}")]
    SsoRead { path: PathBuf, cause: io::Error },

    /// An SSO token or cache file could not be written (nothing was
    /// changed).
    #[error("cannot write {path} (left as it was): {cause}")]
    SsoWrite { path: PathBuf, cause: io::Error },

    /// The portal or OIDC could not be reached.
    #[error("SSO profile '{profile}': cannot reach {service} at {url}: {cause}")]
    SsoUnreachable {
        profile: String,
        service: &'static str,
        url: String,
        cause: String,
    },

    /// The portal answered with an error other than an unauthorized token.
    #[error(
        "SSO profile '{profile}': {service} at {url} answered HTTP {status} {code}: {message} (check `sso_account_id` and `sso_role_name`)"
    )]
    SsoService {
        profile: String,
        service: &'static str,
        url: String,
        status: u16,
        code: String,
        message: String,
    },

    /// The portal's or OIDC's answer is not what AWS documents.
    #[error("SSO profile '{profile}': the answer of {service} at {url} {problem}")]
    SsoAnswer {
        profile: String,
        service: &'static str,
        url: String,
        problem: String,
    },
}
