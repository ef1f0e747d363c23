//! Bounded HTTP: every answer a credentials service sends (STS, the SSO
//! portal and OIDC, the container endpoint, the instance metadata service)
//! is read through [`read_body`], at most [`MAX_ANSWER`] bytes, so a flood
//! cannot hold presign; [`exchange`] adds short timeouts for each phase for
//! the link-local endpoints, so a silent host cannot either.

use std::time::Duration;

use presign_http::Http;

/// The most of an answer (or of a file or a process's output) that is read.
pub(crate) const MAX_ANSWER: u64 = 1024 * 1024;

/// Why an answer's body was not read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// It is larger than [`MAX_ANSWER`].
    TooLarge,
    /// It could not be read.
    Failed(ureq::Error),
}

/// The body of `response`, at most [`MAX_ANSWER`] bytes.
pub(crate) fn read_body(
    response: &mut ureq::http::Response<ureq::Body>,
) -> Result<Vec<u8>, BodyError> {
    response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_vec()
        .map_err(|error| match error {
            ureq::Error::BodyExceedsLimit(_) => BodyError::TooLarge,
            other => BodyError::Failed(other),
        })
}

/// What went wrong in one exchange.
#[derive(Debug)]
pub(crate) enum Exchange {
    /// No answer: the connection failed or timed out; the text says how.
    NoAnswer { cause: String, read_timeout: bool },
    /// The answer's body is larger than [`MAX_ANSWER`].
    TooLarge,
}

/// A request, bounded: `method` (GET, or PUT with an empty body),
/// `headers`, connect, answer and body each within `timeout`.
pub(crate) fn exchange(
    http: &Http,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    timeout: Duration,
) -> Result<(u16, Vec<u8>), Exchange> {
    let agent = http.agent(url);
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(()).map_err(|error| Exchange::NoAnswer {
        cause: error.to_string(),
        read_timeout: false,
    })?;
    let request = agent
        .configure_request(request)
        .timeout_connect(Some(timeout))
        .timeout_recv_response(Some(timeout))
        .timeout_recv_body(Some(timeout))
        .http_status_as_error(false)
        .build();
    let mut response = agent
        .run(request)
        .map_err(|error| no_answer(http, url, &error, timeout))?;
    let status = response.status().as_u16();
    let body = read_body(&mut response).map_err(|error| match error {
        BodyError::TooLarge => Exchange::TooLarge,
        BodyError::Failed(other) => no_answer(http, url, &other, timeout),
    })?;
    Ok((status, body))
}

fn no_answer(http: &Http, url: &str, error: &ureq::Error, timeout: Duration) -> Exchange {
    let read_timeout = matches!(
        error,
        ureq::Error::Timeout(
            ureq::Timeout::RecvResponse | ureq::Timeout::RecvBody | ureq::Timeout::PerRead
        )
    );
    let cause = match error {
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            format!("no connection within {} s", timeout.as_secs_f32())
        }
        ureq::Error::Timeout(_) => format!("no answer within {} s", timeout.as_secs_f32()),
        other => http.explain(url, other),
    };
    Exchange::NoAnswer {
        cause,
        read_timeout,
    }
}
