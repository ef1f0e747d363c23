//! `presign upload`: a file through a presigned PUT URL (streamed with its
//! Content-Length: S3 refuses chunked uploads to presigned URLs), or in parts
//! through a multipart plan (`--plan`) or with credentials (`--multipart`).

use std::path::Path;
use std::time::SystemTime;

use super::retry::RetryPolicy;
use super::{Outcome, exchange, expect_continue, multipart, prepare_sending, progress};
use crate::cli::{UploadArgs, UploadMode};

/// Uploads; `Rejected` when the server did not accept it.
pub(crate) fn run(args: &UploadArgs, now: SystemTime) -> anyhow::Result<Outcome> {
    let retry = RetryPolicy {
        retries: args.retry.retries,
    };
    let file = &args.file;
    match args.mode() {
        UploadMode::Url(url) => put(url, file, args, retry, now),
        UploadMode::Plan(plan) => multipart::upload_with_plan(plan, file, args, retry, now),
        UploadMode::Multipart(uri) => {
            multipart::upload_with_credentials(uri, file, args, retry, now)
        }
        UploadMode::Post(form) => super::post_upload::run(args, form),
    }
}

/// One PUT of the whole file.
fn put(
    url: &str,
    path: &Path,
    args: &UploadArgs,
    retry: RetryPolicy,
    now: SystemTime,
) -> anyhow::Result<Outcome> {
    let size = crate::files::size(path, "")?;
    // The file's length is sent whatever the URL signs; a URL that signs it
    // (as `presign serve` issues to clients with max_size) needs no flag.
    let prepared = prepare_sending(
        url,
        &args.transfer,
        now,
        &[("content-length", size.to_string())],
    )?;
    let bar = progress::bar(Some(size), args.transfer.quiet);
    let mut extra = vec![("content-length", size.to_string())];
    extra.extend(expect_continue(size).map(|(name, value)| (name, value.to_owned())));
    let body = || {
        // Each try sends the file from its start.
        bar.set_position(0);
        let file = crate::files::open(path, "")?;
        Ok(ureq::SendBody::from_owned_reader(bar.wrap_read(file)))
    };
    let answer = exchange(&prepared, "PUT", &extra, body, retry, args.transfer.quiet)?;
    bar.finish_and_clear();
    Ok(match answer {
        Ok(_) => Outcome::Accepted,
        Err(outcome) => outcome,
    })
}
