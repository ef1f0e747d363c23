//! STS: `AssumeRole` signed with the source's credentials (fetched first,
//! so chains of roles work) and `AssumeRoleWithWebIdentity`, unsigned, with
//! the token file read on every fetch. Both go through the AWS CLI's cache
//! of temporary credentials.

use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use presign::{Credentials, HeaderRequest, sign_headers};
use presign_config::{
    AssumeRoleCall, AssumeRolePlan, CredentialSource, ResolvedCredentials, StsAnswerError,
    StsCredentials, StsEndpoint, WebIdentityPlan, default_session_name, parse_sts_answer,
    web_identity_cache_key, web_identity_form_body,
};
use zeroize::Zeroizing;

use crate::cli_cache;
use crate::error::CredentialsError;
use crate::fetch::Fetcher;

/// The most of an answer (or a token file) that is read.
pub(crate) const MAX_ANSWER_BYTES: u64 = 1 << 20;
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
    let description = source.describe();
    let key = call.cache_key();
    if let Some(cached) = cached(plan.cache_dir.as_deref(), &key, now) {
        return Ok(resolved(cached, &description, true));
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
    let body = call.form_body();
    let answer = post(
        fetcher,
        &plan.sts,
        &body,
        Some(&credentials),
        now,
        &plan.role_arn,
        &description,
    )?;
    store(plan.cache_dir.as_deref(), &key, &answer);
    Ok(resolved(answer, &description, false))
}

/// `AssumeRoleWithWebIdentity` for `plan`, unsigned, with the token file
/// read now.
pub(crate) fn web_identity(
    fetcher: &Fetcher,
    source: &CredentialSource,
    plan: &WebIdentityPlan,
    now: SystemTime,
) -> Result<ResolvedCredentials, CredentialsError> {
    let description = source.describe();
    let key = web_identity_cache_key(&plan.role_arn, plan.role_session_name.as_deref());
    if let Some(cached) = cached(plan.cache_dir.as_deref(), &key, now) {
        return Ok(resolved(cached, &description, true));
    }
    let token = read_token(&plan.token_file, &plan.origin)?;
    let session_name = plan
        .role_session_name
        .clone()
        .unwrap_or_else(|| default_session_name(now));
    let body = web_identity_form_body(&plan.role_arn, &session_name, &token);
    let answer = post(
        fetcher,
        &plan.sts,
        &body,
        None,
        now,
        &plan.role_arn,
        &description,
    )?;
    store(plan.cache_dir.as_deref(), &key, &answer);
    Ok(resolved(answer, &description, false))
}

fn cached(dir: Option<&Path>, key: &str, now: SystemTime) -> Option<StsCredentials> {
    dir.and_then(|dir| cli_cache::load(dir, key, now))
}

/// Caches `answer` for the next run. A cache that cannot be written (a
/// read-only home in a container) costs only a second call later, so it
/// does not fail the fetch; the write is atomic either way.
fn store(dir: Option<&Path>, key: &str, answer: &StsCredentials) {
    if let Some(dir) = dir {
        let _ = cli_cache::store(dir, key, answer);
    }
}

fn resolved(answer: StsCredentials, description: &str, from_cache: bool) -> ResolvedCredentials {
    let mut source = description.to_owned();
    if from_cache {
        source.push_str(", from the AWS CLI's cache");
    }
    ResolvedCredentials {
        access_key_id: answer.access_key_id,
        secret_access_key: answer.secret_access_key,
        session_token: Some(answer.session_token),
        expires_at: Some(answer.expiration),
        source,
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
    let file = std::fs::File::open(path).map_err(|error| problem(error.to_string()))?;
    let mut token = Zeroizing::new(String::new());
    file.take(MAX_ANSWER_BYTES + 1)
        .read_to_string(&mut token)
        .map_err(|error| problem(error.to_string()))?;
    if token.len() as u64 > MAX_ANSWER_BYTES {
        return Err(problem("it is larger than 1 MiB".to_owned()));
    }
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
    sts: &StsEndpoint,
    body: &str,
    credentials: Option<&Credentials>,
    now: SystemTime,
    role_arn: &str,
    origin: &str,
) -> Result<StsCredentials, CredentialsError> {
    let unreachable = |message: String| CredentialsError::StsUnreachable {
        url: sts.url.clone(),
        role_arn: role_arn.to_owned(),
        message,
    };
    let uri: ureq::http::Uri = sts
        .url
        .parse()
        .map_err(|_| unreachable(format!("{} ({}) is not a URL", sts.url, sts.origin)))?;
    let host = host_header(&uri)
        .ok_or_else(|| unreachable(format!("{} ({}) has no host", sts.url, sts.origin)))?;
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
    let text = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_string()
        .map_err(|error| CredentialsError::StsAnswer {
            role_arn: role_arn.to_owned(),
            origin: origin.to_owned(),
            problem: match error {
                ureq::Error::BodyExceedsLimit(_) => {
                    format!("its answer (HTTP {status}) is larger than 1 MiB")
                }
                other => format!("its answer (HTTP {status}) could not be read: {other}"),
            },
        })?;
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

/// The `host` header as botocore writes it: lower-case, with the port
/// unless it is the scheme's default.
fn host_header(uri: &ureq::http::Uri) -> Option<String> {
    let host = uri.host()?.to_ascii_lowercase();
    let default_port = match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    };
    Some(match uri.port_u16() {
        Some(port) if Some(port) != default_port => format!("{host}:{port}"),
        _ => host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_header_drops_default_ports_only() {
        let host = |url: &str| host_header(&url.parse().unwrap());
        assert_eq!(
            host("https://STS.eu-west-1.amazonaws.com/").as_deref(),
            Some("sts.eu-west-1.amazonaws.com")
        );
        assert_eq!(
            host("https://sts.amazonaws.com:443").as_deref(),
            Some("sts.amazonaws.com")
        );
        assert_eq!(
            host("http://127.0.0.1:5000").as_deref(),
            Some("127.0.0.1:5000")
        );
        assert_eq!(host("http://[::1]:80/").as_deref(), Some("[::1]"));
    }

    #[test]
    fn token_setting_names_the_variable_or_the_profile_key() {
        assert_eq!(token_setting("environment"), "AWS_WEB_IDENTITY_TOKEN_FILE");
        assert_eq!(
            token_setting("profile 'eks'"),
            "`web_identity_token_file` of profile 'eks'"
        );
    }
}
