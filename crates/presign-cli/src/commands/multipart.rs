//! `presign multipart create | list | abort`: the side of a multipart upload
//! that holds the credentials (create and its plan), and the upkeep of an
//! upload (which parts the server holds; discarding them).

use std::io::Write;
use std::time::{Duration, SystemTime};

use anyhow::{Context, anyhow};
use presign::multipart::{
    ListMultipartUploadsResult, ListedUpload, MultipartUpload, PartPlan, create_multipart_upload,
    list_multipart_uploads,
};
use presign::{AmzDate, Method};
use presign_config::Environment;
use serde::Serialize;

use crate::cli::{
    InspectOutput, MultipartArgs, MultipartCommand, MultipartCreateArgs, MultipartUploadArgs,
    MultipartUploadsArgs, RequestExtras,
};
use crate::commands::transfer::Outcome;
use crate::commands::transfer::multipart::calls::{self, CallError};
use crate::commands::transfer::multipart::plan_file::{self, FORMAT, PlanFile, PlanPart};
use crate::commands::transfer::multipart::{Signer, UploadUrls};
use crate::commands::transfer::retry::RetryPolicy;
use crate::resolve::{self, RequestFlags};
use crate::size::human;

/// The least expiry of the CreateMultipartUpload URL presign sends itself.
const CREATE_EXPIRES_SECS: u64 = 900;

/// Runs a `presign multipart` subcommand. `extras` are the headers of
/// `create`'s request flags, in command-line order (its query flags are
/// refused).
pub(crate) fn run(
    args: &MultipartArgs,
    extras: &RequestExtras,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Outcome> {
    match &args.command {
        MultipartCommand::Create(create_args) => create(create_args, extras, env, now),
        MultipartCommand::List(list_args) => list(list_args, env, now),
        MultipartCommand::Abort(abort_args) => abort(abort_args, env, now),
        MultipartCommand::Uploads(uploads_args) => uploads(uploads_args, env, now),
    }
}

/// The most pages of ListMultipartUploads read (1000 uploads a page).
const MAX_UPLOAD_PAGES: usize = 100;

/// `presign multipart uploads s3://BUCKET[/PREFIX]`.
fn uploads(
    args: &MultipartUploadsArgs,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Outcome> {
    let (bucket, prefix) =
        crate::s3_uri::parse_bucket_prefix(&args.uri).map_err(|message| anyhow!(message))?;
    let expires_in = Duration::from_secs(args.signing.expires_in);
    let resolved = resolve::resolve_target(&args.signing, bucket, env, now, |target| {
        Ok(target.request(Method::Get, "", expires_in, &[], &[]))
    })?;
    let http = crate::http::client(&args.tls, args.signing.profile.as_deref(), env)?;
    let retry = RetryPolicy {
        retries: args.retry.retries,
    };
    let at = args.signing.at.as_ref().map(|_| resolved.signed_at);
    let mut listed: Vec<ListedUpload> = Vec::new();
    let mut after: Option<(String, String)> = None;
    for _ in 0..MAX_UPLOAD_PAGES {
        let request = list_multipart_uploads(
            &resolved.request,
            prefix,
            after.as_ref().map(|(key, id)| (key.as_str(), id.as_str())),
        );
        let url = presign::presign(
            &request,
            &resolved.credentials,
            at.unwrap_or_else(SystemTime::now),
        )
        .map_err(resolve::with_cli_hint)?;
        let page = match calls::call(&http, "GET", url.url(), &[], b"", retry, &|note| {
            print_note(&format!("ListMultipartUploads: {note}"));
        }) {
            Ok(text) => ListMultipartUploadsResult::parse(&text),
            Err(failed) => {
                eprintln!(
                    "presign: error: ListMultipartUploads of {} failed: {}",
                    args.uri,
                    failed.summary()
                );
                return Ok(Outcome::Rejected);
            }
        };
        let page = match page {
            Ok(page) => page,
            Err(error) => {
                eprintln!(
                    "presign: error: ListMultipartUploads of {}: {error}",
                    args.uri
                );
                return Ok(Outcome::Rejected);
            }
        };
        listed.extend(page.uploads);
        match (
            page.is_truncated,
            page.next_key_marker,
            page.next_upload_id_marker,
        ) {
            (true, Some(key), Some(id)) => after = Some((key, id)),
            _ => break,
        }
    }
    let mut stdout = std::io::stdout().lock();
    match args.output {
        InspectOutput::Json => {
            let json: Vec<serde_json::Value> = listed
                .iter()
                .map(|upload| {
                    serde_json::json!({
                        "key": upload.key,
                        "upload_id": upload.upload_id,
                        "initiated": upload.initiated,
                    })
                })
                .collect();
            writeln!(stdout, "{}", serde_json::to_string_pretty(&json)?)?;
        }
        InspectOutput::Text => {
            for upload in &listed {
                writeln!(
                    stdout,
                    "{}\t{}\t{}",
                    crate::commands::verify::one_line(&upload.key),
                    upload.upload_id,
                    upload.initiated.as_deref().unwrap_or("-")
                )?;
            }
        }
    }
    Ok(Outcome::Accepted)
}

fn print_note(note: &str) {
    eprintln!("presign: {note}");
}

/// `presign multipart create`.
fn create(
    args: &MultipartCreateArgs,
    extras: &RequestExtras,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Outcome> {
    let (bucket, key) = crate::s3_uri::parse(&args.uri).map_err(|message| anyhow!(message))?;
    // The plan is checked before anything is sent: no upload is created for
    // a part size S3 would refuse.
    let layout = match args.part_size {
        Some(part_size) => PartPlan::with_part_size(args.size, part_size),
        None => PartPlan::new(args.size),
    }
    .map_err(|error| anyhow!("{error} (--size {}, --part-size)", args.size))?;
    let flags = RequestFlags {
        args: &args.request,
        extras,
        signature_version: None,
    };
    let resolved = resolve::resolve(flags, bucket, key, env, now)?;
    let signed_at = resolved.signed_at;
    let sign = |request: &presign::PresignRequest| -> anyhow::Result<presign::Presigned> {
        presign::presign(request, &resolved.credentials, signed_at).map_err(resolve::with_cli_hint)
    };
    // The create request is sent at once, by presign: its URL need not be
    // as short-lived as the plan's (`--expires-in 1` still gets the upload
    // made on a slow machine).
    let expires_in = args.request.signing.expires_in;
    let create_object = resolved.target().request(
        Method::Get,
        key,
        Duration::from_secs(expires_in.max(CREATE_EXPIRES_SECS)),
        &[],
        &extras.headers,
    );
    let created_request = sign(&create_multipart_upload(&create_object))?;
    let mut output: Box<dyn Write> = match &args.plan_file {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write the plan to {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    // The plan's URLs are the ones handed out: weigh the token against them,
    // not against the longer-lived create URL.
    let plan_expires_at = signed_at + Duration::from_secs(expires_in);
    for warning in resolve::warnings(&resolved, plan_expires_at) {
        print_note(&warning);
    }
    let retry = RetryPolicy { retries: 3 };
    let http = crate::http::client(&args.tls, args.request.signing.profile.as_deref(), env)?;
    let Some(created) = calls::create(&http, &created_request, &args.uri, retry) else {
        if let Some(path) = &args.plan_file {
            let _ = std::fs::remove_file(path);
        }
        return Ok(Outcome::Rejected);
    };
    let plan = plan_for(
        &resolved,
        expires_in,
        key,
        &layout,
        &created.upload_id,
        &sign,
    )?;
    let mut text = serde_json::to_string_pretty(&plan)?;
    text.push('\n');
    if let Err(error) = output
        .write_all(text.as_bytes())
        .and_then(|()| output.flush())
    {
        let retry_once = RetryPolicy { retries: 1 };
        let aborted = plan.abort_url.as_deref().is_some_and(|url| {
            calls::abort(&http, url, retry_once, &|note| print_note(&note)).is_ok()
        });
        return Err(anyhow!(error).context(format!(
            "cannot write the plan; upload {} {}",
            plan.upload_id,
            if aborted {
                "was aborted"
            } else {
                "could not be aborted"
            }
        )));
    }
    if !args.quiet {
        print_note(&format!(
            "created upload {} of {}: {} in {} parts of {}; the plan's URLs expire at {}",
            plan.upload_id,
            args.uri,
            human(plan.size),
            plan.part_count,
            human(plan.part_size),
            plan.expires_at
        ));
    }
    Ok(Outcome::Accepted)
}

/// The plan of a created upload: every URL signed by `sign`, valid for
/// `expires_in` seconds.
fn plan_for(
    resolved: &resolve::Resolved,
    expires_in: u64,
    key: &str,
    layout: &PartPlan,
    upload_id: &str,
    sign: &dyn Fn(&presign::PresignRequest) -> anyhow::Result<presign::Presigned>,
) -> anyhow::Result<PlanFile> {
    // The parts' URLs sign only the host: the object's headers went with
    // the create request.
    let bare =
        resolved
            .target()
            .request(Method::Get, key, Duration::from_secs(expires_in), &[], &[]);
    let upload = MultipartUpload::new(&bare, upload_id)?;
    let mut parts = Vec::with_capacity(layout.part_count() as usize);
    for part in layout.parts() {
        parts.push(PlanPart {
            part_number: part.number().get(),
            offset: part.offset(),
            length: part.len(),
            url: sign(&upload.upload_part(part.number()))?.url().to_owned(),
        });
    }
    let list_urls = Signer::list_requests(&upload, layout.part_count())
        .iter()
        .map(|request| Ok(sign(request)?.url().to_owned()))
        .collect::<anyhow::Result<Vec<String>>>()?;
    let complete = sign(&upload.complete())?;
    Ok(PlanFile {
        format: FORMAT.to_owned(),
        bucket: resolved.request.bucket().to_owned(),
        key: key.to_owned(),
        upload_id: upload_id.to_owned(),
        size: layout.size(),
        part_size: layout.part_size(),
        part_count: layout.part_count(),
        expires_at: AmzDate::from_system_time(complete.expires_at())?.to_rfc3339(),
        parts,
        complete_url: Some(complete.url().to_owned()),
        list_urls,
        abort_url: Some(sign(&upload.abort())?.url().to_owned()),
    })
}

/// The upload a `list` or `abort` is about, and its URLs.
struct Target {
    object: String,
    upload_id: String,
    urls: Box<dyn UploadUrls>,
    plan: Option<PlanFile>,
}

fn target(
    args: &MultipartUploadArgs,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Target> {
    if let Some(path) = &args.plan {
        let plan = plan_file::read(path)?;
        return Ok(Target {
            object: format!("s3://{}/{}", plan.bucket, plan.key),
            upload_id: plan.upload_id.clone(),
            urls: Box::new(plan.clone()),
            plan: Some(plan),
        });
    }
    let (Some(uri), Some(upload_id)) = (&args.uri, &args.upload_id) else {
        return Err(anyhow!(
            "name the upload: --plan PLAN.json, or s3://BUCKET/KEY --upload-id ID"
        ));
    };
    let (bucket, key) = crate::s3_uri::parse(uri).map_err(|message| anyhow!(message))?;
    let expires_in = Duration::from_secs(args.signing.expires_in);
    let resolved = resolve::resolve_target(&args.signing, bucket, env, now, |target| {
        Ok(target.request(Method::Get, key, expires_in, &[], &[]))
    })?;
    for warning in resolve::warnings(&resolved, now) {
        print_note(&warning);
    }
    let upload = MultipartUpload::new(&resolved.request, upload_id.clone())?;
    Ok(Target {
        object: uri.clone(),
        upload_id: upload_id.clone(),
        urls: Box::new(Signer {
            upload,
            credentials: resolved.credentials.clone(),
            at: args.signing.at.as_ref().map(|_| resolved.signed_at),
            // Without a plan the part count is unknown: a URL is signed
            // for every page S3 allows, and they are asked in turn only
            // while a page says it is truncated.
            part_count: presign::multipart::MAX_PARTS,
        }),
        plan: None,
    })
}

#[derive(Serialize)]
struct ListedJson {
    upload_id: String,
    object: String,
    parts: Vec<ListedPartJson>,
}

#[derive(Serialize)]
struct ListedPartJson {
    part_number: u32,
    size: u64,
    etag: Option<String>,
    last_modified: Option<String>,
}

/// `presign multipart list`.
fn list(args: &MultipartUploadArgs, env: &Environment, now: SystemTime) -> anyhow::Result<Outcome> {
    let target = target(args, env, now)?;
    let http = crate::http::client(&args.tls, args.signing.profile.as_deref(), env)?;
    let retry = RetryPolicy {
        retries: args.retry.retries,
    };
    let urls = target.urls.list()?;
    let listed = match calls::list(&http, &urls, retry, &|note| {
        print_note(&format!("ListParts: {note}"));
    }) {
        Ok(listed) => listed,
        Err(error) => {
            report_failure("ListParts", &target, &error);
            return Ok(Outcome::Rejected);
        }
    };
    let mut stdout = std::io::stdout().lock();
    match args.output {
        InspectOutput::Json => {
            let json = ListedJson {
                upload_id: target.upload_id.clone(),
                object: target.object.clone(),
                parts: listed
                    .iter()
                    .map(|part| ListedPartJson {
                        part_number: part.number.get(),
                        size: part.size,
                        etag: part.etag.clone(),
                        last_modified: part.last_modified.clone(),
                    })
                    .collect(),
            };
            writeln!(stdout, "{}", serde_json::to_string_pretty(&json)?)?;
        }
        InspectOutput::Text => {
            for part in &listed {
                writeln!(
                    stdout,
                    "{}\t{}\t{}",
                    part.number,
                    part.size,
                    part.etag.as_deref().unwrap_or("-")
                )?;
            }
        }
    }
    stdout.flush()?;
    let bytes: u64 = listed.iter().map(|part| part.size).sum();
    match &target.plan {
        Some(plan) => {
            let missing: Vec<String> = plan
                .parts
                .iter()
                .filter(|wanted| {
                    !listed.iter().any(|part| {
                        part.number.get() == wanted.part_number && part.size == wanted.length
                    })
                })
                .map(|wanted| wanted.part_number.to_string())
                .collect();
            print_note(&format!(
                "upload {} of {}: {} of {} parts ({} of {}) on the server{}",
                target.upload_id,
                target.object,
                plan.part_count as usize - missing.len(),
                plan.part_count,
                human(bytes),
                human(plan.size),
                if missing.is_empty() {
                    String::new()
                } else {
                    format!("; missing: {}", missing.join(", "))
                }
            ));
        }
        None => print_note(&format!(
            "upload {} of {}: {} parts ({}) on the server",
            target.upload_id,
            target.object,
            listed.len(),
            human(bytes)
        )),
    }
    Ok(Outcome::Accepted)
}

/// `presign multipart abort`.
fn abort(
    args: &MultipartUploadArgs,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Outcome> {
    let target = target(args, env, now)?;
    let retry = RetryPolicy {
        retries: args.retry.retries,
    };
    let http = crate::http::client(&args.tls, args.signing.profile.as_deref(), env)?;
    let url = target.urls.abort()?;
    match calls::abort(&http, &url, retry, &|note| {
        print_note(&format!("AbortMultipartUpload: {note}"));
    }) {
        Ok(()) => {
            print_note(&format!(
                "aborted upload {} of {}: the server deleted its parts",
                target.upload_id, target.object
            ));
            Ok(Outcome::Accepted)
        }
        Err(error) => {
            report_failure("AbortMultipartUpload", &target, &error);
            Ok(Outcome::Rejected)
        }
    }
}

fn report_failure(operation: &str, target: &Target, error: &CallError) {
    let hint = match error.status() {
        Some(405 | 501) => "; this server does not support it",
        Some(404) => "; the upload no longer exists (completed or aborted?)",
        _ => "",
    };
    eprintln!(
        "presign: error: {operation} of upload {} of {} failed: {}{hint}",
        target.upload_id,
        target.object,
        error.summary()
    );
}
