//! `presign send -X METHOD URL`: any method through a presigned URL (HEAD,
//! DELETE, POST, ...); the answer's headers (HEAD) or body go to stdout.

use std::io::Write;
use std::time::SystemTime;

use super::retry::RetryPolicy;
use super::{Outcome, exchange, prepare};
use crate::cli::SendArgs;

/// Sends; `Rejected` when the server did not answer 2xx.
pub(crate) fn run(args: &SendArgs, now: SystemTime) -> anyhow::Result<Outcome> {
    let prepared = prepare(&args.url, &args.transfer, now)?;
    let method = presign::Method::from(args.method).as_str();
    // Any method may be sent, POST too, which is not safe to repeat.
    let no_retries = RetryPolicy { retries: 0 };
    let mut response = match exchange(
        &prepared,
        method,
        &[],
        || Ok(()),
        no_retries,
        args.transfer.quiet,
    )? {
        Ok(response) => response,
        Err(outcome) => return Ok(outcome),
    };
    let mut stdout = std::io::stdout().lock();
    if method == "HEAD" {
        for (name, value) in response.headers() {
            writeln!(
                stdout,
                "{}: {}",
                name,
                String::from_utf8_lossy(value.as_bytes())
            )?;
        }
    } else {
        std::io::copy(&mut response.body_mut().as_reader(), &mut stdout)?;
    }
    stdout.flush()?;
    Ok(Outcome::Accepted)
}
