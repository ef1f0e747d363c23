//! STS: `AssumeRole` signed with the source's credentials (fetched first,
//! so chains of roles work) and `AssumeRoleWithWebIdentity`, unsigned, with
//! the token file read on every fetch. Both go through the AWS CLI's cache
//! of temporary credentials.

use std::path::Path;
use std::time::{Duration, SystemTime};

use presign::{Credentials, HeaderRequest, sign_headers};
use presign_config::sources::{
    AssumeRoleCall, CacheWriter, StsAnswerError, TemporaryCredentials, default_session_name,
    parse_sts_answer, web_identity_cache_key, web_identity_form_body,
};
use presign_config::{
    AssumeRolePlan, CredentialSource, ResolvedCredentials, StsEndpoint, WebIdentityPlan,
};
use zeroize::Zeroizing;

use crate::bounded_http::{BodyError, read_body};
use crate::cli_cache;
use crate::error::CredentialsError;
use crate::fetch::Fetcher;
use crate::files;
/// How long one STS call may take in all (botocore: 60 s to read).
const STS_TIMEOUT: Duration = Duration::from_secs(60);
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// `AssumeRole` for `plan`: from the CLI's cache when it holds a session
/// with 15 minutes left, else from STS (asking for the MFA code when the
/// profile has `mfa_serial`), then cached.
pub(crate) fn assume_role(
    fetcher: &Fetcher,
    source: &CredentialSource,
    plan: &AssumeRolePlan,
    now: SystemTime,
) -> Result<ResolvedCredentials, CredentialsError> {
    let mut call = AssumeRoleCall {
        role_arn: plan.role_arn.clone(),
        role_session_name: plan
            .role_session_name
            .clone()
            .unwrap_or_else(|| default_session_name(now)),
        session_name_configured: plan.role_session_name.is_some(),
        external_id: plan.external_id.clone(),
        duration_seconds: plan.duration_seconds,
        serial_number: plan.mfa_serial.clone(),
        token_code: None,
    };
    let sts_call = StsCall {
        sts: &plan.sts,
        role_arn: &plan.role_arn,
        description: source.describe(),
        cache_dir: plan.cache_dir.as_deref(),
        key: call.cache_key(),
    };
    if let Some(cached) = sts_call.cached(now)? {
        return Ok(cached);
    }
    if let Some(serial) = &plan.mfa_serial {
        let prompt = fetcher
            .mfa_prompt()
            .ok_or_else(|| CredentialsError::MfaUnavailable {
                profile: plan.profile.clone(),
                serial: serial.clone(),
                reason: "presign is not reading from a terminal".to_owned(),
            })?;
        let code = prompt.code(&plan.profile, serial).map_err(|reason| {
            CredentialsError::MfaUnavailable {
                profile: plan.profile.clone(),
                serial: serial.clone(),
                reason,
            }
        })?;
        call.token_code = Some(Zeroizing::new(code.trim().to_owned()));
    }
    let signing =
        fetcher
            .fetch(&plan.source, now)
            .map_err(|cause| CredentialsError::SourceCredentials {
                profile: plan.profile.clone(),
                source_description: plan.source_description(),
                cause: Box::new(cause),
            })?;
    let mut credentials = Credentials::new(
        signing.access_key_id.as_str(),
        signing.secret_access_key.as_str(),
    );
    if let Some(token) = &signing.session_token {
        credentials = credentials.with_session_token(token.as_str());
    }
    sts_call.call(fetcher, &call.form_body(), Some(&credentials), now)
}

/// `AssumeRoleWithWebIdentity` for `plan`, unsigned, with the token file
/// read now.
pub(crate) fn web_identity(
    fetcher: &Fetcher,
    source: &CredentialSource,
    plan: &WebIdentityPlan,
    now: SystemTime,
) -> Result<ResolvedCredentials, CredentialsError> {
    let sts_call = StsCall {
        sts: &plan.sts,
        role_arn: &plan.role_arn,
        description: source.describe(),
        cache_dir: plan.cache_dir.as_deref(),
        key: web_identity_cache_key(&plan.role_arn, plan.role_session_name.as_deref()),
    };
    if let Some(cached) = sts_call.cached(now)? {
        return Ok(cached);
    }
    let token = read_token(&plan.token_file, &plan.origin)?;
    let session_name = plan
        .role_session_name
        .clone()
        .unwrap_or_else(|| default_session_name(now));
    let body = web_identity_form_body(&plan.role_arn, &session_name, &token);
    sts_call.call(fetcher, &body, None, now)
}

/// One STS call for a role, and its entry in the AWS CLI's cache.
struct StsCall<'a> {
    sts: &'a StsEndpoint,
    role_arn: &'a str,
    /// The source's description, for messages and the credentials.
    description: String,
    cache_dir: Option<&'a Path>,
    key: String,
}

impl StsCall<'_> {
    /// The cached session, while it has 15 minutes left.
    fn cached(&self, now: SystemTime) -> Result<Option<ResolvedCredentials>, CredentialsError> {
        let Some(dir) = self.cache_dir else {
            return Ok(None);
        };
        Ok(cli_cache::load(dir, &self.key, now)?.map(|cached| {
            cached.into_resolved(format!("{}, from the AWS CLI's cache", self.description))
        }))
    }

    /// Sends the call (signed when `credentials` are given) and caches its
    /// answer for the next run ([`cli_cache::store`]: never fails the call).
    fn call(
        &self,
        fetcher: &Fetcher,
        body: &str,
        credentials: Option<&Credentials>,
        now: SystemTime,
    ) -> Result<ResolvedCredentials, CredentialsError> {
        let answer = post(fetcher, self, body, credentials, now)?;
        if let Some(dir) = self.cache_dir {
            cli_cache::store(dir, &self.key, &answer, CacheWriter::Sts);
        }
        Ok(answer.into_resolved(self.description.clone()))
    }
}

/// The web identity token: the file's content as botocore sends it (not
/// trimmed), refused when missing, empty or over 1 MiB.
fn read_token(path: &Path, origin: &str) -> Result<Zeroizing<String>, CredentialsError> {
    let problem = |problem: String| CredentialsError::WebIdentityToken {
        path: path.display().to_string(),
        setting: token_setting(origin),
        problem,
    };
    let token = files::read_text_file(path).map_err(|error| problem(error.to_string()))?;
    if token.trim().is_empty() {
        return Err(problem("it is empty".to_owned()));
    }
    Ok(token)
}

/// Where the token file was named: the variable or the profile key.
fn token_setting(origin: &str) -> String {
    if origin == "environment" {
        "AWS_WEB_IDENTITY_TOKEN_FILE".to_owned()
    } else {
        format!("`web_identity_token_file` of {origin}")
    }
}

/// Sends one STS call (signed when `credentials` are given) and reads its
/// answer, at most 1 MiB.
fn post(
    fetcher: &Fetcher,
    call: &StsCall<'_>,
    body: &str,
    credentials: Option<&Credentials>,
    now: SystemTime,
) -> Result<TemporaryCredentials, CredentialsError> {
    let (sts, role_arn, origin) = (call.sts, call.role_arn, call.description.as_str());
    let unreachable = |message: String| CredentialsError::StsUnreachable {
        url: sts.url.clone(),
        role_arn: role_arn.to_owned(),
        message,
    };
    let uri: ureq::http::Uri = sts
        .url
        .parse()
        .map_err(|_| unreachable(format!("{} ({}) is not a URL", sts.url, sts.origin)))?;
    let host = presign::Endpoint::parse(&sts.url)
        .map(|endpoint| endpoint.host_header())
        .map_err(|error| unreachable(format!("{} ({}): {error}", sts.url, sts.origin)))?;
    let mut request = ureq::http::Request::builder()
        .method("POST")
        .uri(&uri)
        .header("Content-Type", FORM_CONTENT_TYPE);
    if let Some(credentials) = credentials {
        let signable = HeaderRequest::new("POST", uri.path())
            .header("content-type", FORM_CONTENT_TYPE)
            .header("host", &host)
            .body(body.as_bytes());
        let signed = sign_headers(&signable, credentials, &sts.region, "sts", now)
            .map_err(|error| unreachable(format!("cannot sign the call: {error}")))?;
        for (name, value) in signed.headers() {
            request = request.header(name, value);
        }
    }
    let request = request
        .body(body.as_bytes().to_vec())
        .map_err(|error| unreachable(error.to_string()))?;
    let http = fetcher.http()?;
    let agent = http.agent(&sts.url);
    let configured = agent
        .configure_request(request)
        .timeout_global(Some(STS_TIMEOUT))
        .build();
    let mut response = agent
        .run(configured)
        .map_err(|error| unreachable(http.explain(&sts.url, &error)))?;
    let status = response.status().as_u16();
    let bad = |problem: String| CredentialsError::StsAnswer {
        role_arn: role_arn.to_owned(),
        origin: origin.to_owned(),
        problem: format!("its answer (HTTP {status}) {problem}"),
    };
    let bytes = read_body(&mut response).map_err(|error| match error {
        BodyError::TooLarge => bad("is larger than 1 MiB".to_owned()),
        BodyError::Failed(other) => bad(format!("could not be read: {other}")),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| bad("is not UTF-8 text".to_owned()))?;
    parse_sts_answer(&text).map_err(|error| match error {
        StsAnswerError::Refused { code, message } => CredentialsError::StsRefused {
            role_arn: role_arn.to_owned(),
            origin: origin.to_owned(),
            status,
            code,
            message,
        },
        StsAnswerError::Malformed(problem) => CredentialsError::StsAnswer {
            role_arn: role_arn.to_owned(),
            origin: origin.to_owned(),
            problem: format!("its answer (HTTP {status}) is not STS's: {problem}"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_setting_names_the_variable_or_the_profile_key() {
        assert_eq!(token_setting("environment"), "AWS_WEB_IDENTITY_TOKEN_FILE");
        assert_eq!(
            token_setting("profile 'eks'"),
            "`web_identity_token_file` of profile 'eks'"
        );
    }
}
