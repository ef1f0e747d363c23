//! The EC2 instance metadata service, asked as botocore's
//! `InstanceMetadataFetcher` asks it: an IMDSv2 token, then the role name,
//! then its credentials, each request with the plan's timeout (1 s unless
//! configured) for connecting and for the answer, and the plan's number of
//! attempts (1 unless configured), so that a laptop, where nothing answers
//! at 169.254.169.254, is not held up.
//!
//! Where presign differs: when nothing answers at all, the error is
//! [`CredentialsError::ImdsUnreachable`] even with IMDSv1 disabled (botocore
//! then complains about IMDSv1), so that the end of the chain reads as "no
//! credentials found"; and a 200 answer without credentials is an error
//! that says what is missing, where botocore finds no credentials.

use std::time::SystemTime;

use presign_config::sources::{
    IMDS_CREDENTIALS_PATH, IMDS_TOKEN_HEADER, IMDS_TOKEN_PATH, IMDS_TOKEN_TTL_HEADER,
    IMDS_TOKEN_TTL_SECONDS, ImdsRoleError, JsonAnswerError, TokenStatus, imds_role_name,
    imds_token_status, imds_url, parse_imds_answer,
};
use presign_config::{InstanceMetadataPlan, ResolvedCredentials};
use presign_http::Http;
use zeroize::Zeroizing;

use crate::bounded_http::{Exchange, exchange};
use crate::error::CredentialsError;

/// The outcome of the token request.
enum Token {
    /// IMDSv2.
    Got(Zeroizing<String>),
    /// No token: `reason` says why; `answered` whether anything answered.
    Missing { reason: String, answered: bool },
}

/// The last failure of a GET in all its attempts.
enum Failure {
    Status(u16),
    Empty,
    NoAnswer(String),
    Unusable(JsonAnswerError),
    TooLarge,
}

/// Credentials of the instance's role.
pub(crate) fn fetch(
    http: &Http,
    plan: &InstanceMetadataPlan,
    source: &str,
    now: SystemTime,
) -> Result<ResolvedCredentials, CredentialsError> {
    let endpoint = plan.endpoint.clone();
    let (token, token_answered) = match token(http, plan)? {
        Token::Got(token) => (Some(token), true),
        Token::Missing { reason, answered } => {
            if !answered {
                // Nothing there; IMDSv1 is still asked (botocore does), but
                // its failure reads as "not reachable".
                if plan.v1_disabled {
                    return Err(CredentialsError::ImdsUnreachable {
                        endpoint,
                        cause: reason,
                    });
                }
            } else if plan.v1_disabled {
                return Err(CredentialsError::ImdsV1Disabled { endpoint, reason });
            }
            (None, answered)
        }
    };
    let headers: Vec<(&str, &str)> = token
        .as_ref()
        .map(|token| vec![(IMDS_TOKEN_HEADER, token.as_str())])
        .unwrap_or_default();
    let list_url = imds_url(&plan.endpoint, IMDS_CREDENTIALS_PATH);
    let listing = get(http, plan, &list_url, &headers, |body| Ok(body.to_vec()));
    let listing = listing.map_err(|failure| match failure {
        Failure::NoAnswer(cause) if !token_answered => CredentialsError::ImdsUnreachable {
            endpoint: endpoint.clone(),
            cause,
        },
        Failure::Status(404) => CredentialsError::ImdsNoRole {
            endpoint: endpoint.clone(),
            problem: format!("HTTP 404 for {list_url}"),
        },
        Failure::Empty => CredentialsError::ImdsNoRole {
            endpoint: endpoint.clone(),
            problem: format!("an empty list at {list_url}"),
        },
        other => failed(plan, &list_url, other),
    })?;
    let role = imds_role_name(&listing).map_err(|problem| match problem {
        ImdsRoleError::NoRole => CredentialsError::ImdsNoRole {
            endpoint: endpoint.clone(),
            problem: format!("an empty list at {list_url}"),
        },
        problem => CredentialsError::ImdsRoleName {
            endpoint: endpoint.clone(),
            problem,
        },
    })?;
    let version = if token.is_some() { "IMDSv2" } else { "IMDSv1" };
    let source = format!("{source} (role '{role}', {version})");
    let role_url = format!("{list_url}{role}");
    get(http, plan, &role_url, &headers, |body| {
        parse_imds_answer(body, source.clone(), now)
    })
    .map_err(|failure| match failure {
        Failure::Unusable(problem) => CredentialsError::ImdsAnswer {
            endpoint,
            role,
            problem,
        },
        other => failed(plan, &role_url, other),
    })
}

fn failed(plan: &InstanceMetadataPlan, url: &str, failure: Failure) -> CredentialsError {
    let problem = match failure {
        Failure::TooLarge => {
            return CredentialsError::AnswerTooLarge {
                url: url.to_owned(),
            };
        }
        Failure::Status(status) => format!("answered HTTP {status}"),
        Failure::Empty => "answered with an empty body".to_owned(),
        Failure::NoAnswer(cause) => format!("did not answer: {cause}"),
        Failure::Unusable(problem) => format!("answered {problem}"),
    };
    CredentialsError::ImdsFailed {
        url: url.to_owned(),
        problem,
        attempts: plan.attempts,
    }
}

/// The IMDSv2 token, as botocore asks for it: 403, 404 and 405 mean no
/// IMDSv2; a timed-out answer ends the attempts; a failed connection or
/// another status is tried again while attempts are left.
fn token(http: &Http, plan: &InstanceMetadataPlan) -> Result<Token, CredentialsError> {
    let url = imds_url(&plan.endpoint, IMDS_TOKEN_PATH);
    let headers = [(IMDS_TOKEN_TTL_HEADER, IMDS_TOKEN_TTL_SECONDS)];
    let mut last = Token::Missing {
        reason: "no attempt".to_owned(),
        answered: false,
    };
    for _ in 0..plan.attempts.max(1) {
        match exchange(http, "PUT", &url, &headers, plan.timeout) {
            Ok((status, body)) => match imds_token_status(status) {
                TokenStatus::Token => return Ok(usable_token(body)),
                TokenStatus::UseV1 => {
                    return Ok(Token::Missing {
                        reason: format!("HTTP {status} for the token"),
                        answered: true,
                    });
                }
                TokenStatus::BadRequest => {
                    return Err(CredentialsError::ImdsBadTokenRequest {
                        endpoint: plan.endpoint.clone(),
                    });
                }
                TokenStatus::Retry => {
                    last = Token::Missing {
                        reason: format!("HTTP {status} for the token"),
                        answered: true,
                    };
                }
            },
            Err(Exchange::TooLarge) => return Err(CredentialsError::AnswerTooLarge { url }),
            Err(Exchange::NoAnswer {
                cause,
                read_timeout,
            }) => {
                let missing = Token::Missing {
                    reason: format!("token request: {cause}"),
                    answered: false,
                };
                if read_timeout {
                    return Ok(missing);
                }
                last = missing;
            }
        }
    }
    Ok(last)
}

/// A token that can be sent in a header (visible ASCII), or none.
fn usable_token(body: Vec<u8>) -> Token {
    let body = Zeroizing::new(body);
    match std::str::from_utf8(&body) {
        Ok(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic()) => {
            Token::Got(Zeroizing::new(text.to_owned()))
        }
        _ => Token::Missing {
            reason: "an empty or unusable token".to_owned(),
            answered: true,
        },
    }
}

/// A GET whose answer `read` turns into what the caller wants, tried again
/// (while attempts are left) after a failed connection, a status other
/// than 200, an empty answer or one `read` refuses as not JSON; other
/// problems `read` finds end the attempts.
fn get<T>(
    http: &Http,
    plan: &InstanceMetadataPlan,
    url: &str,
    headers: &[(&str, &str)],
    read: impl Fn(&[u8]) -> Result<T, JsonAnswerError>,
) -> Result<T, Failure> {
    let mut last = Failure::NoAnswer("no attempt".to_owned());
    for _ in 0..plan.attempts.max(1) {
        match exchange(http, "GET", url, headers, plan.timeout) {
            Ok((200, body)) if body.is_empty() => last = Failure::Empty,
            Ok((200, body)) => match read(&body) {
                Ok(answer) => return Ok(answer),
                Err(problem @ (JsonAnswerError::NotJson { .. } | JsonAnswerError::NotUtf8)) => {
                    last = Failure::Unusable(problem);
                }
                Err(problem) => return Err(Failure::Unusable(problem)),
            },
            Ok((status, _)) => last = Failure::Status(status),
            Err(Exchange::TooLarge) => return Err(Failure::TooLarge),
            Err(Exchange::NoAnswer { cause, .. }) => last = Failure::NoAnswer(cause),
        }
    }
    Err(last)
}
