//! `presign upload URL FILE`: PUT a file through a presigned URL, streamed
//! with its Content-Length (S3 refuses chunked uploads to presigned URLs).

use std::time::SystemTime;

use anyhow::Context;

use super::{Outcome, agent, prepare, progress, send::finish_rejected, status_line};
use crate::cli::UploadArgs;

/// Uploads; `Rejected` when the server did not answer 2xx.
pub(crate) fn run(args: &UploadArgs, now: SystemTime) -> anyhow::Result<Outcome> {
    let mut warnings = Vec::new();
    let prepared = prepare(&args.url, &args.transfer, now, &mut warnings)?;
    for warning in warnings {
        eprintln!("presign: {warning}");
    }
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    let mut request = agent()
        .put(&prepared.url)
        .header("content-length", size.to_string());
    for (name, value) in &prepared.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let bar = progress::bar(Some(size), args.transfer.quiet);
    let body = ureq::SendBody::from_owned_reader(bar.wrap_read(file));
    let mut response = match request.send(body) {
        Ok(response) => response,
        Err(error) => {
            eprintln!("presign: error: the request failed: {error}");
            return Ok(Outcome::Rejected);
        }
    };
    bar.finish_and_clear();
    let status = response.status();
    if !args.transfer.quiet || !status.is_success() {
        eprintln!("presign: {}", status_line(status));
    }
    if status.is_success() {
        Ok(Outcome::Accepted)
    } else {
        Ok(finish_rejected(&mut response, &prepared, "PUT"))
    }
}
