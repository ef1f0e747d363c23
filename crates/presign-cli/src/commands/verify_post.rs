//! `presign verify --post FORM_JSON`: would S3 accept this form upload? The
//! form comes from JSON (see `post_form`), changed by `--field`; the file's
//! size and name from `--file`, or `--size` and `--file-name`; the bucket
//! from the form's url or `--bucket`. The core's [`presign::verify_post`]
//! checks it.

use std::path::Path;
use std::time::SystemTime;

use anyhow::anyhow;
use presign::{Credentials, ObjectLocation, PostUpload, VerifyError, VerifyPolicy};

use super::post_form;
use super::verify::Verdict;
use crate::cli::{VerifyArgs, VerifyPostArgs};

/// Verifies the form of `args` with `credentials` (the one access key that
/// may have signed it) as of `now`.
///
/// # Errors
/// Unreadable input (the form, the file), no bucket, no file size, or a
/// form that is not a signed POST upload at all (a required field missing
/// or given twice).
pub(crate) fn run(
    verify_args: &VerifyArgs,
    form_path: &Path,
    credentials: &Credentials,
    policy: &VerifyPolicy,
    now: SystemTime,
) -> anyhow::Result<Verdict> {
    let args = &verify_args.form;
    if !verify_args.headers.is_empty() {
        return Err(anyhow!(
            "--header does not apply to a form upload: the form's fields are what S3 checks; \
             set one with --field NAME=VALUE"
        ));
    }
    let mut form = post_form::read(form_path)?;
    if let Some(content_type) = &verify_args.content_type {
        form.set("Content-Type", content_type);
    }
    for (name, value) in &args.fields {
        form.set(name, value);
    }
    let bucket = bucket(args, &form)?;
    let (size, file_name) = file(args)?;
    let mut upload = PostUpload::new(&bucket, size);
    for (name, value) in &form.fields {
        upload = upload.field(name, value);
    }
    if let Some(name) = file_name {
        upload = upload.file_name(name);
    }
    let lookup = |id: &str| (id == credentials.access_key_id()).then(|| credentials.clone());
    match presign::verify_post(&upload, lookup, now, policy) {
        Ok(verified) => {
            let expires_at = presign::rfc3339(verified.expires_at());
            Ok(Verdict::Valid(format!(
                "valid: POST of {size} bytes to bucket {bucket}, key {}, signed by {}, policy expires at {expires_at}",
                super::verify::one_line(verified.key()),
                super::verify::one_line(verified.access_key_id()),
            )))
        }
        Err(error @ (VerifyError::MissingField { .. } | VerifyError::DuplicateField { .. })) => {
            Err(anyhow!("this is not a signed POST form: {error}"))
        }
        Err(error) => Ok(Verdict::Rejected(error)),
    }
}

/// `--bucket`, else the bucket the form's url names.
fn bucket(args: &VerifyPostArgs, form: &post_form::Form) -> anyhow::Result<String> {
    if let Some(bucket) = &args.bucket {
        return Ok(bucket.clone());
    }
    let url = form.url.as_deref().ok_or_else(|| {
        anyhow!("the form has no url to take the bucket from; pass --bucket BUCKET")
    })?;
    let location = ObjectLocation::of_url(url).ok_or_else(|| {
        anyhow!("the form's url {url:?} is not an http(s) URL; pass --bucket BUCKET")
    })?;
    if location.bucket().is_empty() {
        return Err(anyhow!(
            "the form's url {url:?} names no bucket; pass --bucket BUCKET"
        ));
    }
    Ok(location.bucket().to_owned())
}

/// The file's size and name: `--file`, else `--size` (and `--file-name`).
fn file(args: &VerifyPostArgs) -> anyhow::Result<(u64, Option<String>)> {
    if let Some(path) = &args.file {
        let size = crate::files::size(path, "--file ")?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        return Ok((size, name));
    }
    let size = args.size.ok_or_else(|| {
        anyhow!("verify --post needs the uploaded file: --file FILE, or --size SIZE (and --file-name NAME)")
    })?;
    Ok((size, args.file_name.clone()))
}
