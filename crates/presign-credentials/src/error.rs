//! Why credentials could not be fetched. No message holds a secret, a token
//! or an answer's body beyond the service's own error code and message.

use std::io;
use std::path::PathBuf;

use presign_config::ConfigError;
use presign_config::sources::{ContainerUrlError, ImdsRoleError, JsonAnswerError, SplitError};

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

    // credential_process, the container endpoint and the EC2 instance
    // metadata service (IMDS).
    /// `credential_process` cannot be split into words.
    #[error("profile '{profile}': `credential_process` cannot be split into words: {problem}")]
    ProcessCommand {
        profile: String,
        problem: SplitError,
    },

    /// The `credential_process` program cannot be started.
    #[error(
        "profile '{profile}': cannot run the `credential_process` program {program:?}: {cause}"
    )]
    ProcessSpawn {
        profile: String,
        program: String,
        cause: io::Error,
    },

    /// The `credential_process` exited with a failure; `stderr` is the end
    /// of what it wrote there, trimmed.
    #[error(
        "profile '{profile}': `credential_process` {program:?} failed ({status}){}",
        if stderr.is_empty() { ", writing nothing to stderr".to_owned() } else { format!(": {stderr}") }
    )]
    ProcessFailed {
        profile: String,
        program: String,
        status: String,
        stderr: String,
    },

    /// The `credential_process` ran past its timeout and was stopped.
    #[error(
        "profile '{profile}': `credential_process` {program:?} did not finish within {seconds} s \
         and was stopped; if it needs longer (e.g. it waits for a sign-in), set \
         PRESIGN_CREDENTIAL_PROCESS_TIMEOUT (seconds, or with a unit: 5m)"
    )]
    ProcessTimeout {
        profile: String,
        program: String,
        seconds: u64,
    },

    /// The `credential_process` printed more than 1 MiB.
    #[error(
        "profile '{profile}': `credential_process` {program:?} printed more than 1 MiB; \
         credentials are a JSON object of a few hundred bytes"
    )]
    ProcessOutputTooLarge { profile: String, program: String },

    /// The `credential_process` printed something that is not credentials.
    #[error(
        "profile '{profile}': `credential_process` {program:?} printed {problem}; it must print \
         a JSON object with \"Version\": 1, AccessKeyId and SecretAccessKey (and SessionToken \
         and Expiration for temporary credentials)"
    )]
    ProcessOutput {
        profile: String,
        program: String,
        problem: JsonAnswerError,
    },

    /// The container endpoint's URL is not one that may be fetched.
    #[error("{variable}: {problem}")]
    ContainerUrl {
        variable: &'static str,
        problem: ContainerUrlError,
    },

    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` cannot be read.
    #[error(
        "cannot read the container authorization token from {} \
         (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): {cause}",
        path.display()
    )]
    ContainerTokenFile { path: PathBuf, cause: io::Error },

    /// The container authorization token holds CR or LF.
    #[error(
        "the container authorization token from {origin} contains a line break (CR or LF), \
         which an HTTP header cannot hold; remove it (a token file must not end in a newline)"
    )]
    ContainerTokenIllegal { origin: String },

    /// The container endpoint gave no usable answer in its attempts.
    #[error(
        "the container credentials endpoint {url} ({variable}) {problem} (after {attempts} attempts)"
    )]
    ContainerFailed {
        url: String,
        variable: &'static str,
        problem: String,
        attempts: u32,
    },

    /// The container endpoint's answer is not credentials.
    #[error(
        "the container credentials endpoint {url} ({variable}) answered {problem}; expected \
         AccessKeyId, SecretAccessKey, Token and Expiration"
    )]
    ContainerAnswer {
        url: String,
        variable: &'static str,
        problem: JsonAnswerError,
    },

    /// An answer larger than 1 MiB.
    #[error("{url} answered more than 1 MiB; credentials are a JSON object of a few hundred bytes")]
    AnswerTooLarge { url: String },

    /// Nothing answers at the instance metadata service's address: outside
    /// EC2, the end of the chain ("no credentials found").
    #[error(
        "the EC2 instance metadata service at {endpoint} did not answer ({cause}); outside EC2 \
         this is expected (AWS_EC2_METADATA_DISABLED=true skips it)"
    )]
    ImdsUnreachable { endpoint: String, cause: String },

    /// No IMDSv2 token, and IMDSv1 is disabled.
    #[error(
        "the EC2 instance metadata service at {endpoint} gave no IMDSv2 token ({reason}) and \
         IMDSv1 is disabled (AWS_EC2_METADATA_V1_DISABLED or ec2_metadata_v1_disabled), so no \
         credentials can be read"
    )]
    ImdsV1Disabled { endpoint: String, reason: String },

    /// The token request was refused as malformed (400).
    #[error(
        "the EC2 instance metadata service at {endpoint} refused the IMDSv2 token request as \
         malformed (HTTP 400); is AWS_EC2_METADATA_SERVICE_ENDPOINT an instance metadata service?"
    )]
    ImdsBadTokenRequest { endpoint: String },

    /// No IAM role is attached to the instance.
    #[error(
        "the EC2 instance metadata service at {endpoint} has no IAM role for this instance \
         ({problem}); attach an instance profile with a role, or configure credentials another way"
    )]
    ImdsNoRole { endpoint: String, problem: String },

    /// The role name listed is not one.
    #[error("the EC2 instance metadata service at {endpoint}: {problem}")]
    ImdsRoleName {
        endpoint: String,
        problem: ImdsRoleError,
    },

    /// A request to the instance metadata service failed in all attempts.
    #[error("the EC2 instance metadata service: {url} {problem} (after {attempts} attempts)")]
    ImdsFailed {
        url: String,
        problem: String,
        attempts: u32,
    },

    /// The instance metadata service's answer is not credentials.
    #[error(
        "the EC2 instance metadata service at {endpoint} answered for role '{role}' with {problem}"
    )]
    ImdsAnswer {
        endpoint: String,
        role: String,
        problem: JsonAnswerError,
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

    /// A file of the AWS CLI's credentials cache (`~/.aws/cli/cache`) is
    /// not what botocore writes (assume role, web identity, SSO).
    #[error(
        "the AWS CLI's cached credentials file {path} {problem}; delete it and try again (presign does not overwrite a file it cannot read)"
    )]
    CliCacheFile { path: PathBuf, problem: String },

    /// A token or cache file could not be read.
    #[error("cannot read {path}: {cause}")]
    ReadFile { path: PathBuf, cause: io::Error },

    /// A token or cache file could not be written (nothing was changed).
    #[error("cannot write {path} (left as it was): {cause}")]
    WriteFile { path: PathBuf, cause: io::Error },

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

    // S3 Express One Zone sessions (crate::express).
    /// The bucket name cannot be one (too long): refused before anything
    /// is sent or kept.
    #[error(
        "cannot create an S3 Express session for bucket {bucket:?}: a bucket name has at most 63 characters, this one {length}"
    )]
    ExpressBucket { bucket: String, length: usize },

    /// `CreateSession` could not be called: a bad bucket URL, no
    /// connection, no answer in time.
    #[error("cannot call S3 Express CreateSession for bucket {bucket} at {endpoint}: {message}")]
    ExpressUnreachable {
        bucket: String,
        endpoint: String,
        message: String,
    },

    /// S3 refused the session (`AccessDenied`, `NoSuchBucket`, …).
    #[error(
        "S3 Express refused a session for bucket {bucket} at {endpoint} (HTTP {status}): {code}: {message}{}",
        hint.map(|hint| format!("; {hint}")).unwrap_or_default()
    )]
    ExpressRefused {
        bucket: String,
        endpoint: String,
        status: u16,
        code: String,
        message: String,
        hint: Option<&'static str>,
    },

    /// The answer is not a usable `CreateSession` answer.
    #[error(
        "S3 Express's CreateSession answer for bucket {bucket} at {endpoint} cannot be used: {problem}"
    )]
    ExpressAnswer {
        bucket: String,
        endpoint: String,
        problem: String,
    },
}
