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

use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use presign_config::{
    CreatedToken, ResolvedCredentials, SsoPlan, SsoToken, SsoTokenStep, cli_cache_contents,
    create_token_body, parse_cli_cache, parse_role_credentials, refreshed_token_file,
    sso_cli_cache_file, sso_service_error, sso_token_file, sso_token_step,
};
use zeroize::Zeroizing;

use crate::error::CredentialsError;
use crate::fetch::Fetcher;

/// The most of an answer or a cache file that is read.
pub(crate) const MAX_ANSWER: u64 = 1024 * 1024;
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
    let cli_cache = sso_cli_cache_file(plan);
    if let Some(path) = &cli_cache
        && let Some(text) = read_bounded(path)?
    {
        let cached = parse_cli_cache(
            &text,
            &format!("{source}, cached in {}", path.display()),
            now,
        )
        .map_err(|problem| CredentialsError::SsoCacheFile {
            path: path.clone(),
            problem: problem.to_string(),
        })?;
        if let Some(credentials) = cached {
            return Ok(credentials);
        }
    }
    let token = usable_token(fetcher, plan, now)?;
    let credentials = role_credentials(fetcher, plan, &token, &source)?;
    if let Some(path) = &cli_cache {
        write_atomic(path, &cli_cache_contents(&credentials, &plan.account_id))?;
    }
    Ok(credentials)
}

/// `SSO role R in account A via profile 'p' (sso-session 's')`.
fn description(plan: &SsoPlan) -> String {
    let base = presign_config::CredentialSource::Sso(plan.clone()).describe();
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
    let Some(text) = read_bounded(&path)? else {
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
            problem: problem.to_string(),
        })?;
    let (file, refreshed) = refreshed_token_file(plan, &registration, &created, now);
    write_atomic(path, &file)?;
    Ok(refreshed)
}

/// The portal's `GetRoleCredentials` with the token.
fn role_credentials(
    fetcher: &Fetcher,
    plan: &SsoPlan,
    token: &SsoToken,
    source: &str,
) -> Result<ResolvedCredentials, CredentialsError> {
    let base = format!(
        "{}/federation/credentials",
        plan.portal_url.trim_end_matches('/')
    );
    let url = format!(
        "{base}?role_name={}&account_id={}",
        query_encode(&plan.role_name),
        query_encode(&plan.account_id)
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
    parse_role_credentials(&answer.body, source).map_err(|problem| CredentialsError::SsoAnswer {
        profile: plan.profile.clone(),
        service: PORTAL,
        url: base,
        problem: problem.to_string(),
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
    let bytes = answer
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_vec()
        .map_err(|error| match error {
            ureq::Error::BodyExceedsLimit(_) => {
                bad(format!("is larger than {} KiB", MAX_ANSWER / 1024))
            }
            other => bad(format!("could not be read: {other}")),
        })?;
    let body = String::from_utf8(bytes).map_err(|_| bad("is not UTF-8".to_owned()))?;
    Ok(Answer {
        status,
        error_type,
        body: Zeroizing::new(body),
    })
}

/// A file's contents, `None` when it does not exist; at most
/// [`MAX_ANSWER`] bytes.
fn read_bounded(path: &Path) -> Result<Option<Zeroizing<String>>, CredentialsError> {
    let read_error = |cause: io::Error| CredentialsError::SsoRead {
        path: path.to_owned(),
        cause,
    };
    let file = match fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(read_error(error)),
    };
    let mut text = Zeroizing::new(String::new());
    file.take(MAX_ANSWER + 1)
        .read_to_string(&mut text)
        .map_err(read_error)?;
    if text.len() as u64 > MAX_ANSWER {
        return Err(read_error(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the file is larger than {} KiB", MAX_ANSWER / 1024),
        )));
    }
    Ok(Some(text))
}

/// Writes `contents` to `path` whole or not at all: a temporary file in
/// the same directory (mode 0600; the directory made 0700 if missing),
/// synced, then renamed over `path`.
fn write_atomic(path: &Path, contents: &str) -> Result<(), CredentialsError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let write_error = |cause: io::Error| CredentialsError::SsoWrite {
        path: path.to_owned(),
        cause,
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    create_private_dir(dir).map_err(write_error)?;
    let name = path
        .file_name()
        .map_or_else(|| "cache".into(), |name| name.to_string_lossy());
    let temp: PathBuf = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = private_file(&temp)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(write_error)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
fn query_encode(value: &str) -> String {
    use std::fmt::Write as _;
    value.bytes().fold(String::new(), |mut out, byte| {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
        out
    })
}
