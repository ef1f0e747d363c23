//! `presign upload URL FILE`: PUT a file through a presigned URL, streamed
//! with its Content-Length (S3 refuses chunked uploads to presigned URLs).

use std::time::SystemTime;

use anyhow::Context;

use super::{Outcome, exchange, prepare, progress};
use crate::cli::UploadArgs;

/// Uploads; `Rejected` when the server did not answer 2xx.
pub(crate) fn run(args: &UploadArgs, now: SystemTime) -> anyhow::Result<Outcome> {
    if let Some(form) = &args.post {
        return super::post_upload::run(args, form);
    }
    let prepared = prepare(args.url.as_deref().unwrap_or_default(), &args.transfer, now)?;
    let file = crate::files::open(&args.file, "")?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    let bar = progress::bar(Some(size), args.transfer.quiet);
    let body = ureq::SendBody::from_owned_reader(bar.wrap_read(file));
    let answer = exchange(
        &prepared,
        "PUT",
        &[("content-length", size.to_string())],
        body,
        args.transfer.quiet,
    )?;
    bar.finish_and_clear();
    Ok(match answer {
        Ok(_) => Outcome::Accepted,
        Err(outcome) => outcome,
    })
}
