//! IAM Identity Center (SSO) role credentials, as botocore and the AWS CLI
//! get them: role credentials the CLI cached in `~/.aws/cli/cache` while
//! they have 15 minutes left; else the token `aws sso login` cached in
//! `~/.aws/sso/cache`, refreshed through OIDC `CreateToken` when it is near
//! expiry (`sso_session` profiles only) and written back, then the portal's
//! `GetRoleCredentials`, whose answer is cached for the CLI.
//!
//! presign never signs in itself: a token that is missing, expired and not
//! refreshable, or refused by the portal ends in
//! [`CredentialsError::SsoLoginNeeded`], which tells the user to run
//! `aws sso login --profile NAME`.

use std::path::Path;
use std::time::{Duration, SystemTime};

use presign_config::sources::{
    CacheWriter, CreatedToken, SsoToken, SsoTokenStep, TemporaryCredentials, create_token_body,
    parse_role_credentials, refreshed_token_file, sso_cli_cache_key, sso_service_error,
    sso_token_file, sso_token_step,
};
use presign_config::{ResolvedCredentials, SsoPlan};
use zeroize::Zeroizing;

use crate::bounded_http::{BodyError, MAX_ANSWER, read_body};
use crate::cli_cache;
use crate::error::CredentialsError;
use crate::fetch::Fetcher;
use crate::files;
/// How long one request to the portal or OIDC may take in all (botocore:
/// 60 s to connect, 60 s between reads).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

const PORTAL: &str = "SSO portal GetRoleCredentials";
const OIDC: &str = "SSO OIDC CreateToken";

/// Gets the plan's role credentials now.
pub(crate) fn fetch(
    fetcher: &Fetcher,
    plan: &SsoPlan,
    now: SystemTime,
) -> Result<ResolvedCredentials, CredentialsError> {
    let source = description(plan);
    let key = sso_cli_cache_key(
        &plan.account_id,
        &plan.role_name,
        plan.session_name.as_deref(),
        &plan.start_url,
    );
    if let Some(dir) = &plan.cache_dir
        && let Some(cached) = cli_cache::load(dir, &key, now)?
    {
        let path = cli_cache::entry_path(dir, &key);
        return Ok(cached.into_resolved(format!("{source}, cached in {}", path.display())));
    }
    let token = usable_token(fetcher, plan, now)?;
    let credentials = role_credentials(fetcher, plan, &token)?;
    if let Some(dir) = &plan.cache_dir {
        let writer = CacheWriter::Sso {
            account_id: &plan.account_id,
        };
        cli_cache::store(dir, &key, &credentials, writer);
    }
    Ok(credentials.into_resolved(source))
}

/// `SSO role R in account A via profile 'p' (sso-session 's')`.
fn description(plan: &SsoPlan) -> String {
    let base = plan.describe();
    match &plan.session_name {
        Some(session) => format!("{base} (sso-session '{session}')"),
        None => format!("{base} (legacy sso_start_url)"),
    }
}

/// The cached token, refreshed first when botocore would; an error that
/// asks for `aws sso login` when there is none that works.
fn usable_token(
    fetcher: &Fetcher,
    plan: &SsoPlan,
    now: SystemTime,
) -> Result<SsoToken, CredentialsError> {
    let login = |problem: String| CredentialsError::SsoLoginNeeded {
        profile: plan.profile.clone(),
        problem,
    };
    let path = sso_token_file(plan).ok_or_else(|| {
        login("no home directory is known (HOME is not set), so the SSO token cache ~/.aws/sso/cache cannot be found".to_owned())
    })?;
    let Some(text) = files::read_text_file_if_any(&path)? else {
        return Err(login(format!(
            "there is no cached SSO token for {} (no file {})",
            token_owner(plan),
            path.display()
        )));
    };
    let token = SsoToken::parse(&text).map_err(|problem| CredentialsError::SsoTokenFile {
        profile: plan.profile.clone(),
        path: path.clone(),
        problem: problem.to_string(),
    })?;
    match sso_token_step(plan.session_name.is_some(), &token, now) {
        SsoTokenStep::Use => Ok(token),
        SsoTokenStep::LoginNeeded(reason) => Err(login(format!(
            "the cached SSO token for {} expired at {} and {reason}",
            token_owner(plan),
            crate::provider::rfc3339(token.expires_at)
        ))),
        SsoTokenStep::Refresh => refresh(fetcher, plan, &path, token, now),
    }
}

/// OIDC `CreateToken`; the new token is written back. A refusal by OIDC
/// (an error answer) keeps the old token while it has not expired, as
/// botocore does; a failure to reach OIDC is an error.
fn refresh(
    fetcher: &Fetcher,
    plan: &SsoPlan,
    path: &Path,
    token: SsoToken,
    now: SystemTime,
) -> Result<SsoToken, CredentialsError> {
    let Some(registration) = token.registration.clone() else {
        return Ok(token);
    };
    let url = format!("{}/token", plan.oidc_url.trim_end_matches('/'));
    let body = create_token_body(&registration);
    let http = fetcher.http()?;
    let answer = http
        .agent(&url)
        .post(&url)
        .header("Content-Type", "application/json")
        .config()
        .timeout_global(Some(REQUEST_TIMEOUT))
        .build()
        .send(body.as_bytes());
    let answer = read_answer(
        plan,
        OIDC,
        &url,
        answer.map_err(|error| unreachable(plan, OIDC, &url, &http.explain(&url, &error))),
    )?;
    if answer.status != 200 {
        let (code, message) = sso_service_error(answer.error_type.as_deref(), &answer.body);
        if token.expired(now) {
            return Err(CredentialsError::SsoLoginNeeded {
                profile: plan.profile.clone(),
                problem: format!(
                    "the cached SSO token for {} expired at {} and {OIDC} at {url} refused to refresh it (HTTP {}, {code}: {message})",
                    token_owner(plan),
                    crate::provider::rfc3339(token.expires_at),
                    answer.status
                ),
            });
        }
        return Ok(token);
    }
    let created =
        CreatedToken::parse(&answer.body).map_err(|problem| CredentialsError::SsoAnswer {
            profile: plan.profile.clone(),
            service: OIDC,
            url: url.clone(),
            problem: format!("is not usable: {problem}"),
        })?;
    let (file, refreshed) = refreshed_token_file(plan, &registration, &created, now);
    files::write_private(path, file.as_bytes())?;
    Ok(refreshed)
}

/// The portal's `GetRoleCredentials` with the token.
fn role_credentials(
    fetcher: &Fetcher,
    plan: &SsoPlan,
    token: &SsoToken,
) -> Result<TemporaryCredentials, CredentialsError> {
    let base = format!(
        "{}/federation/credentials",
        plan.portal_url.trim_end_matches('/')
    );
    let url = format!(
        "{base}?role_name={}&account_id={}",
        presign::encode::query(&plan.role_name),
        presign::encode::query(&plan.account_id)
    );
    let http = fetcher.http()?;
    let answer = http
        .agent(&url)
        .get(&url)
        .header("x-amz-sso_bearer_token", token.access_token.as_str())
        .config()
        .timeout_global(Some(REQUEST_TIMEOUT))
        .build()
        .call();
    let answer = read_answer(
        plan,
        PORTAL,
        &base,
        answer.map_err(|error| unreachable(plan, PORTAL, &base, &http.explain(&url, &error))),
    )?;
    if answer.status != 200 {
        let (code, message) = sso_service_error(answer.error_type.as_deref(), &answer.body);
        if answer.status == 401 || code == "UnauthorizedException" {
            return Err(CredentialsError::SsoLoginNeeded {
                profile: plan.profile.clone(),
                problem: format!(
                    "{PORTAL} at {base} refused the cached SSO token for {} (HTTP {}, {code}: {message})",
                    token_owner(plan),
                    answer.status
                ),
            });
        }
        return Err(CredentialsError::SsoService {
            profile: plan.profile.clone(),
            service: PORTAL,
            url: base,
            status: answer.status,
            code,
            message,
        });
    }
    parse_role_credentials(&answer.body).map_err(|problem| CredentialsError::SsoAnswer {
        profile: plan.profile.clone(),
        service: PORTAL,
        url: base,
        problem: format!("is not usable: {problem}"),
    })
}

/// `sso-session 's'` or `start URL https://...`.
fn token_owner(plan: &SsoPlan) -> String {
    match &plan.session_name {
        Some(session) => format!("sso-session '{session}'"),
        None => format!("start URL {}", plan.start_url),
    }
}

fn unreachable(plan: &SsoPlan, service: &'static str, url: &str, cause: &str) -> CredentialsError {
    CredentialsError::SsoUnreachable {
        profile: plan.profile.clone(),
        service,
        url: url.to_owned(),
        cause: cause.to_owned(),
    }
}

/// An answer's status, error type header and body (at most [`MAX_ANSWER`]).
struct Answer {
    status: u16,
    error_type: Option<String>,
    body: Zeroizing<String>,
}

fn read_answer(
    plan: &SsoPlan,
    service: &'static str,
    url: &str,
    answer: Result<ureq::http::Response<ureq::Body>, CredentialsError>,
) -> Result<Answer, CredentialsError> {
    let mut answer = answer?;
    let status = answer.status().as_u16();
    let error_type = answer
        .headers()
        .get("x-amzn-errortype")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let bad = |problem: String| CredentialsError::SsoAnswer {
        profile: plan.profile.clone(),
        service,
        url: url.to_owned(),
        problem,
    };
    let bytes = read_body(&mut answer).map_err(|error| match error {
        BodyError::TooLarge => bad(format!("is larger than {} KiB", MAX_ANSWER / 1024)),
        BodyError::Failed(other) => bad(format!("could not be read: {other}")),
    })?;
    let body = String::from_utf8(bytes).map_err(|_| bad("is not UTF-8".to_owned()))?;
    Ok(Answer {
        status,
        error_type,
        body: Zeroizing::new(body),
    })
}
