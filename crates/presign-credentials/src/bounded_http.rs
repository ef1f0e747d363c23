//! One HTTP exchange with the container endpoint or the instance metadata
//! service: short timeouts for each phase, and at most [`MAX_ANSWER`] bytes
//! of answer read, so neither a silent host nor a flood can hold presign.

use std::time::Duration;

use presign_http::Http;

/// The most of an answer (or of a process's output) that is read.
pub(crate) const MAX_ANSWER: u64 = 1024 * 1024;

/// What went wrong in one exchange.
#[derive(Debug)]
pub(crate) enum Exchange {
    /// No answer: the connection failed or timed out; the text says how.
    NoAnswer { cause: String, read_timeout: bool },
    /// The answer's body is larger than [`MAX_ANSWER`].
    TooLarge,
}

/// A request, bounded: `method` (GET or PUT, the latter with an empty
/// body), `headers`, connect, answer and body each within `timeout`.
pub(crate) fn exchange(
    http: &Http,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    timeout: Duration,
) -> Result<(u16, Vec<u8>), Exchange> {
    let agent = http.agent(url);
    let result = if method == "PUT" {
        let mut request = agent.put(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
            .config()
            .timeout_connect(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_recv_body(Some(timeout))
            .http_status_as_error(false)
            .build()
            .send_empty()
    } else {
        let mut request = agent.get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
            .config()
            .timeout_connect(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_recv_body(Some(timeout))
            .http_status_as_error(false)
            .build()
            .call()
    };
    let response = result.map_err(|error| no_answer(http, url, &error, timeout))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .with_config()
        .limit(MAX_ANSWER)
        .read_to_vec()
        .map_err(|error| match error {
            ureq::Error::BodyExceedsLimit(_) => Exchange::TooLarge,
            other => no_answer(http, url, &other, timeout),
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
