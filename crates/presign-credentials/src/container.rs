//! The container credentials endpoint (ECS task roles, EKS Pod Identity),
//! fetched as botocore's `ContainerMetadataFetcher` does: a GET with
//! `Accept: application/json` and the `Authorization` token (its file read
//! again on every fetch, since the agent rotates it), 2 s timeouts, and up
//! to 3 attempts one second apart for a failed connection, a status other
//! than 200 or an answer that is not JSON.

use std::time::Duration;

use presign_config::sources::{
    JsonAnswerError, check_container_url, container_token_is_legal, parse_container_answer,
};
use presign_config::{ContainerAuthorization, ContainerPlan, ResolvedCredentials};
use presign_http::Http;
use zeroize::Zeroizing;

use crate::bounded_http::{Exchange, exchange};
use crate::error::CredentialsError;

/// botocore's `TIMEOUT_SECONDS`.
const TIMEOUT: Duration = Duration::from_secs(2);
/// botocore's `RETRY_ATTEMPTS`.
const ATTEMPTS: u32 = 3;
/// botocore's `SLEEP_TIME` between attempts.
const PAUSE: Duration = Duration::from_secs(1);
/// How much of an error answer's body a message quotes.
const QUOTED_BODY: usize = 200;

const TOKEN_FILE_VARIABLE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const TOKEN_VARIABLE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// Credentials from the container endpoint `plan` names.
pub(crate) fn fetch(
    http: &Http,
    plan: &ContainerPlan,
    source: &str,
) -> Result<ResolvedCredentials, CredentialsError> {
    check_container_url(&plan.url).map_err(|problem| CredentialsError::ContainerUrl {
        variable: plan.origin,
        problem,
    })?;
    let token = authorization(plan.authorization.as_ref())?;
    let mut headers = vec![("Accept", "application/json")];
    if let Some(token) = &token {
        headers.push(("Authorization", token.as_str()));
    }
    // Messages show the URL without a password it may carry.
    let shown = presign_config::ProxyUrl::new(plan.url.as_str()).redacted();
    let failed = |problem: String| CredentialsError::ContainerFailed {
        url: shown.clone(),
        variable: plan.origin,
        problem,
        attempts: ATTEMPTS,
    };
    let mut attempt = 1;
    loop {
        let problem = match exchange(http, "GET", &plan.url, &headers, TIMEOUT) {
            Err(Exchange::TooLarge) => {
                return Err(CredentialsError::AnswerTooLarge { url: shown });
            }
            Err(Exchange::NoAnswer { cause, .. }) => format!("did not answer: {cause}"),
            Ok((200, body)) => {
                match parse_container_answer(&body, format!("{source} ({})", plan.origin)) {
                    Ok(credentials) => return Ok(credentials),
                    // botocore tries again when the answer is not JSON.
                    Err(JsonAnswerError::NotJson { .. } | JsonAnswerError::NotUtf8) => {
                        "answered with something that is not JSON".to_owned()
                    }
                    Err(problem) => {
                        return Err(CredentialsError::ContainerAnswer {
                            url: shown,
                            variable: plan.origin,
                            problem,
                        });
                    }
                }
            }
            Ok((status, body)) => format!("answered HTTP {status}{}", quoted(&body)),
        };
        if attempt >= ATTEMPTS {
            return Err(failed(problem));
        }
        attempt += 1;
        std::thread::sleep(PAUSE);
    }
}

/// The token, read now from its file or taken from the variable, and
/// refused with CR or LF (a header cannot hold them).
fn authorization(
    authorization: Option<&ContainerAuthorization>,
) -> Result<Option<Zeroizing<String>>, CredentialsError> {
    let (token, origin) = match authorization {
        None => return Ok(None),
        Some(ContainerAuthorization::File(path)) => {
            let text = crate::files::read_text_file(path).map_err(|cause| {
                CredentialsError::ContainerTokenFile {
                    path: path.clone(),
                    cause,
                }
            })?;
            (text, format!("{} ({TOKEN_FILE_VARIABLE})", path.display()))
        }
        Some(ContainerAuthorization::Token(token)) => (token.clone(), TOKEN_VARIABLE.to_owned()),
    };
    if !container_token_is_legal(&token) {
        return Err(CredentialsError::ContainerTokenIllegal { origin });
    }
    Ok(Some(token))
}

/// `: "<the start of the body>"` for an error answer, or nothing.
fn quoted(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    match text.char_indices().nth(QUOTED_BODY) {
        Some((end, _)) => format!(": {:?}...", &text[..end]),
        None => format!(": {text:?}"),
    }
}
