//! Multipart uploads: `presign upload --plan PLAN FILE` (the URLs of a plan,
//! no credentials) and `presign upload --multipart s3://BUCKET/KEY FILE`
//! (the URLs signed here, each just before it is used). Both run one
//! [`Session`]: optionally ask which parts the server has (`--resume`),
//! upload the others in parallel, complete; when a part fails for good,
//! keep the upload if `--resume` can continue it, else abort it, and say
//! which.

pub(crate) mod calls;
pub(crate) mod parts;
pub(crate) mod plan_file;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::anyhow;
use presign::multipart::{
    CompletedPart, MultipartUpload, Part, PartNumber, PartPlan, create_multipart_upload,
};
use presign::{Credentials, PresignRequest};
use presign_http::Http;

use super::retry::RetryPolicy;
use super::{Outcome, human_duration, prepare_sending, progress};
use crate::cli::UploadArgs;
use crate::resolve;
use crate::size::human;
use calls::CallError;
use plan_file::{PARTS_PER_LIST_PAGE, PlanFile};

/// Where each request of one upload goes.
pub(crate) trait UploadUrls: Sync {
    /// The UploadPart URL of part `number`.
    fn part(&self, number: PartNumber) -> anyhow::Result<String>;
    /// The ListParts URLs, one per 1000 parts.
    fn list(&self) -> anyhow::Result<Vec<String>>;
    /// The CompleteMultipartUpload URL.
    fn complete(&self) -> anyhow::Result<String>;
    /// The AbortMultipartUpload URL.
    fn abort(&self) -> anyhow::Result<String>;
    /// When the upload is completed by the side that made the plan (a plan
    /// of `presign serve`, without a complete URL): the JSON body to send it
    /// (`POST /v1/multipart/complete`), with `parts`.
    fn completion_request(&self, _parts: &[CompletedPart]) -> Option<String> {
        None
    }
}

impl UploadUrls for PlanFile {
    fn part(&self, number: PartNumber) -> anyhow::Result<String> {
        self.part_url(number)
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("the plan has no part {number}"))
    }

    fn list(&self) -> anyhow::Result<Vec<String>> {
        if self.list_urls.is_empty() {
            return Err(anyhow!(
                "the plan has no ListParts URLs (a plan from presign serve, which lists the parts \
                 itself)"
            ));
        }
        Ok(self.list_urls.clone())
    }

    fn complete(&self) -> anyhow::Result<String> {
        self.complete_url.clone().ok_or_else(|| {
            anyhow!("the plan has no complete URL (a plan from presign serve completes there)")
        })
    }

    fn abort(&self) -> anyhow::Result<String> {
        self.abort_url.clone().ok_or_else(|| {
            anyhow!(
                "the plan has no abort URL: abort upload {} through the service that made it \
                 (POST /v1/multipart/abort)",
                self.upload_id
            )
        })
    }

    fn completion_request(&self, parts: &[CompletedPart]) -> Option<String> {
        if self.complete_url.is_some() {
            return None;
        }
        let parts: Vec<serde_json::Value> = parts
            .iter()
            .map(|part| serde_json::json!({"part_number": part.number.get(), "etag": part.etag}))
            .collect();
        Some(
            serde_json::json!({
                "bucket": self.bucket,
                "key": self.key,
                "upload_id": self.upload_id,
                "parts": parts,
            })
            .to_string(),
        )
    }
}

/// URLs signed with the credentials when they are needed, so that an upload
/// longer than `--expires-in` still gets valid URLs.
pub(crate) struct Signer {
    pub(crate) upload: MultipartUpload,
    pub(crate) credentials: Credentials,
    /// `--at`: sign every URL as of this instant instead of the clock's.
    pub(crate) at: Option<SystemTime>,
    pub(crate) part_count: u32,
}

impl Signer {
    fn sign(&self, request: &PresignRequest) -> anyhow::Result<String> {
        let now = self.at.unwrap_or_else(SystemTime::now);
        Ok(presign::presign(request, &self.credentials, now)
            .map_err(resolve::with_cli_hint)?
            .url()
            .to_owned())
    }

    /// The ListParts requests, one per 1000 parts: from the start, then
    /// after part 1000, 2000, ...
    pub(crate) fn list_requests(upload: &MultipartUpload, part_count: u32) -> Vec<PresignRequest> {
        let first = std::iter::once(upload.list_parts());
        let later = (1..part_count.div_ceil(PARTS_PER_LIST_PAGE))
            .filter_map(|page| PartNumber::new(u64::from(page * PARTS_PER_LIST_PAGE)).ok())
            .map(|marker| upload.list_parts_after(marker));
        first.chain(later).collect()
    }
}

impl UploadUrls for Signer {
    fn part(&self, number: PartNumber) -> anyhow::Result<String> {
        self.sign(&self.upload.upload_part(number))
    }

    fn list(&self) -> anyhow::Result<Vec<String>> {
        Self::list_requests(&self.upload, self.part_count)
            .iter()
            .map(|request| self.sign(request))
            .collect()
    }

    fn complete(&self) -> anyhow::Result<String> {
        self.sign(&self.upload.complete())
    }

    fn abort(&self) -> anyhow::Result<String> {
        self.sign(&self.upload.abort())
    }
}

/// One multipart upload to run.
struct Session<'a> {
    /// `s3://bucket/key`, for messages.
    object: String,
    upload_id: &'a str,
    layout: PartPlan,
    urls: &'a dyn UploadUrls,
    /// How to continue after a transient failure (`presign upload --plan
    /// ... --resume FILE`); `None` when the upload cannot be continued.
    resume_command: Option<String>,
    /// How to discard the upload (`presign multipart abort ...`).
    abort_command: String,
    /// Headers every part is sent with.
    part_headers: Vec<(String, String)>,
}

/// `presign upload --plan PLAN FILE`.
pub(crate) fn upload_with_plan(
    plan_path: &Path,
    file: &Path,
    args: &UploadArgs,
    retry: RetryPolicy,
    now: SystemTime,
) -> anyhow::Result<Outcome> {
    let plan = plan_file::read(plan_path)?;
    check_file_size(
        file,
        plan.size,
        &format!("the plan {}", plan_path.display()),
    )?;
    let expires_at = presign::AmzDate::parse_rfc3339(&plan.expires_at)
        .map_err(|error| anyhow!("the plan's expires_at is invalid: {error}"))?
        .to_system_time();
    if let Ok(ago) = now.duration_since(expires_at) {
        return Err(anyhow!(
            "the plan's URLs expired at {} ({} ago): make a new plan with presign multipart create \
             (its --expires-in should cover the whole upload)",
            plan.expires_at,
            human_duration(ago)
        ));
    }
    // Every part URL signs the same headers: check them once (and warn about
    // an expired URL the way a single upload does). Each part is sent with
    // its length, which a plan of presign serve signs.
    let first = plan.part_url(PartNumber::FIRST).unwrap_or_default();
    let first_length = plan.parts.first().map_or(0, |part| part.length);
    let prepared = prepare_sending(
        first,
        &args.transfer,
        now,
        &[("content-length", first_length.to_string())],
    )?;
    let session = Session {
        object: format!("s3://{}/{}", plan.bucket, plan.key),
        upload_id: &plan.upload_id,
        layout: PartPlan::with_part_size(plan.size, plan.part_size)?,
        urls: &plan,
        resume_command: Some(format!(
            "presign upload --plan {} --resume {}",
            shell_word(&plan_path.display().to_string()),
            shell_word(&file.display().to_string())
        )),
        abort_command: format!(
            "presign multipart abort --plan {}",
            shell_word(&plan_path.display().to_string())
        ),
        part_headers: prepared.headers.clone(),
    };
    session.run(&prepared.http, file, args, retry, args.resume)
}

/// `presign upload --multipart s3://BUCKET/KEY FILE`.
pub(crate) fn upload_with_credentials(
    uri: &str,
    file: &Path,
    args: &UploadArgs,
    retry: RetryPolicy,
    now: SystemTime,
) -> anyhow::Result<Outcome> {
    let (bucket, key) = crate::s3_uri::parse(uri).map_err(|message| anyhow!(message))?;
    // Read before anything is sent: no upload is created for a file that
    // cannot be read.
    let size = crate::files::size(file, "")?;
    let layout = match args.part_size {
        Some(part_size) => PartPlan::with_part_size(size, part_size),
        None => PartPlan::new(size),
    }
    .map_err(|error| anyhow!("{error} (--part-size)"))?;
    // The object's headers (--content-type, --header) go with the create
    // request; the parts sign only the host.
    let mut headers = args.transfer.headers.clone();
    if let Some(content_type) = &args.transfer.content_type {
        headers.push(("content-type".to_owned(), content_type.clone()));
    }
    let env = presign_config::Environment::from_process();
    let expires_in = Duration::from_secs(args.signing.expires_in);
    let resolved = resolve::resolve_target(&args.signing, bucket, &env, now, |target| {
        Ok(target.request(presign::Method::Post, key, expires_in, &[], &headers))
    })?;
    // From the signing instant (`--at`, else the clock's reading).
    let expires_at = resolved.signed_at + expires_in;
    for warning in resolve::warnings(&resolved, expires_at) {
        eprintln!("presign: {warning}");
    }
    let at = args.signing.at.as_ref().map(|_| resolved.signed_at);
    let create = presign::presign(
        &create_multipart_upload(&resolved.request),
        &resolved.credentials,
        at.unwrap_or_else(SystemTime::now),
    )
    .map_err(resolve::with_cli_hint)?;
    let http = crate::http::client(&args.transfer.tls, args.signing.profile.as_deref(), &env)?;
    let quiet = args.transfer.quiet;
    // An upload to continue (--upload-id), or a new one.
    let upload_id = match &args.upload_id {
        Some(upload_id) => upload_id.clone(),
        None => match calls::create(&http, &create, uri, retry) {
            Some(created) => {
                if !quiet {
                    eprintln!(
                        "presign: created upload {} of {uri} ({} parts)",
                        created.upload_id,
                        layout.part_count()
                    );
                }
                created.upload_id
            }
            None => return Ok(Outcome::Rejected),
        },
    };
    let bare = resolved
        .target()
        .request(presign::Method::Get, key, expires_in, &[], &[]);
    let upload = MultipartUpload::new(&bare, upload_id.clone())?;
    let signer = Signer {
        upload,
        credentials: resolved.credentials.clone(),
        at,
        part_count: layout.part_count(),
    };
    let part_size = args
        .part_size
        .map(|size| format!(" --part-size {size}"))
        .unwrap_or_default();
    let session = Session {
        object: uri.to_owned(),
        upload_id: &upload_id,
        layout,
        urls: &signer,
        resume_command: Some(format!(
            "presign upload --multipart {} {} --upload-id {}{part_size}",
            shell_word(uri),
            shell_word(&file.display().to_string()),
            shell_word(&upload_id)
        )),
        abort_command: format!(
            "presign multipart abort {} --upload-id {}",
            shell_word(uri),
            shell_word(&upload_id)
        ),
        part_headers: Vec::new(),
    };
    session.run(&http, file, args, retry, args.upload_id.is_some())
}

/// An error unless `file` is `expected` bytes long, the size `what` (the
/// plan) is for.
fn check_file_size(file: &Path, expected: u64, what: &str) -> anyhow::Result<()> {
    let size = crate::files::size(file, "")?;
    if size != expected {
        return Err(anyhow!(
            "{} is {size} bytes, but {what} is for a file of {expected} bytes: upload the file the \
             plan was made for, or make a plan with --size {size}",
            file.display()
        ));
    }
    Ok(())
}

/// `text` quoted for a POSIX shell when it needs it.
fn shell_word(text: &str) -> String {
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

impl Session<'_> {
    fn run(
        &self,
        http: &Http,
        file: &Path,
        args: &UploadArgs,
        retry: RetryPolicy,
        resume: bool,
    ) -> anyhow::Result<Outcome> {
        let quiet = args.transfer.quiet;
        let warn = |note: String| eprintln!("presign: {note}");
        let mut done: BTreeMap<PartNumber, CompletedPart> = BTreeMap::new();
        if resume {
            match self.already_uploaded(http, retry) {
                Ok(found) => {
                    if !quiet {
                        warn(found.describe(self.upload_id, self.layout.part_count()));
                    }
                    done = found.reusable;
                }
                Err(ResumeError::Unsupported(why)) => warn(format!(
                    "warning: the server cannot list the parts of an upload ({why}): uploading \
                     all {} parts again",
                    self.layout.part_count()
                )),
                Err(ResumeError::Failed(why)) => {
                    eprintln!(
                        "presign: error: cannot resume upload {} of {}: ListParts {why}",
                        self.upload_id, self.object
                    );
                    return Ok(Outcome::Rejected);
                }
            }
        }
        let todo: Vec<Part> = self
            .layout
            .parts()
            .filter(|part| !done.contains_key(&part.number()))
            .collect();
        let bar = progress::bar(Some(todo.iter().map(Part::len).sum()), quiet);
        let _note = crate::interrupt::note(self.interrupted_note());
        let outcome = parts::upload(&parts::PartsJob {
            file,
            parts: &todo,
            urls: self.urls,
            headers: &self.part_headers,
            parallel: usize::from(args.parallel),
            retry,
            bar: &bar,
            http,
        });
        bar.finish_and_clear();
        for part in outcome.uploaded {
            done.insert(part.number, part);
        }
        if let Some((number, failure)) = outcome.failed.first() {
            let transient = outcome
                .failed
                .iter()
                .all(|(_, failure)| failure.is_transient());
            eprintln!(
                "presign: error: part {number} of {} failed: {}",
                self.layout.part_count(),
                failure.summary()
            );
            return Ok(self.give_up(http, retry, transient, &done));
        }
        let parts: Vec<CompletedPart> = done.into_values().collect();
        if let Some(request) = self.urls.completion_request(&parts) {
            self.hand_over(&request, quiet);
            return Ok(Outcome::Accepted);
        }
        let url = self.urls.complete()?;
        match calls::complete(http, &url, &parts, retry, &|note| {
            warn(format!("CompleteMultipartUpload: {note}"));
        }) {
            Ok(result) => {
                if !quiet {
                    eprintln!(
                        "presign: uploaded {} ({}, {} parts{})",
                        self.object,
                        human(self.layout.size()),
                        self.layout.part_count(),
                        result
                            .etag
                            .map(|etag| format!(", ETag {etag}"))
                            .unwrap_or_default()
                    );
                }
                Ok(Outcome::Accepted)
            }
            Err(error) => {
                eprintln!(
                    "presign: error: CompleteMultipartUpload of {} failed: {}",
                    self.object,
                    error.summary()
                );
                let transient =
                    matches!(&error, CallError::Failed(failed) if failed.is_retryable());
                let by_parts: BTreeMap<PartNumber, CompletedPart> =
                    parts.into_iter().map(|part| (part.number, part)).collect();
                Ok(self.give_up(http, retry, transient, &by_parts))
            }
        }
    }

    /// Every part is uploaded and the plan's maker completes the upload:
    /// the body of its complete request on stdout, and what to do on stderr.
    fn hand_over(&self, request: &str, quiet: bool) {
        println!("{request}");
        if !quiet {
            eprintln!(
                "presign: uploaded the {} parts of {} (upload {}); the plan has no complete URL: \
                 POST the JSON above to the service's /v1/multipart/complete, which checks and \
                 completes it",
                self.layout.part_count(),
                self.object,
                self.upload_id
            );
        }
    }

    /// The parts the server has, and which of them match the plan (same
    /// length, with an ETag); any other is uploaded again.
    fn already_uploaded(&self, http: &Http, retry: RetryPolicy) -> Result<Found, ResumeError> {
        let urls = self
            .urls
            .list()
            .map_err(|error| ResumeError::Failed(format!("{error:#}")))?;
        let listed = calls::list(http, &urls, retry, &|note| {
            eprintln!("presign: ListParts: {note}");
        });
        let listed = match listed {
            Ok(listed) => listed,
            // 405 Method Not Allowed / 501 Not Implemented: no ListParts.
            Err(error) if matches!(error.status(), Some(405 | 501)) => {
                return Err(ResumeError::Unsupported(error.summary()));
            }
            Err(error) => return Err(ResumeError::Failed(error.summary())),
        };
        let mut found = Found {
            listed: listed.len(),
            ..Found::default()
        };
        for part in listed {
            let Some(planned) = self.layout.part(part.number) else {
                continue;
            };
            match part.etag {
                _ if part.size != planned.len() => found.wrong_size += 1,
                None => found.without_etag += 1,
                Some(etag) => {
                    found
                        .reusable
                        .insert(part.number, CompletedPart::new(part.number, etag));
                }
            }
        }
        Ok(found)
    }

    /// After a failure: keep the upload when `--resume` can continue it
    /// (and say how), else abort it (and say whether that worked).
    fn give_up(
        &self,
        http: &Http,
        retry: RetryPolicy,
        transient: bool,
        done: &BTreeMap<PartNumber, CompletedPart>,
    ) -> Outcome {
        let missing: Vec<String> = self
            .layout
            .parts()
            .map(|part| part.number())
            .filter(|number| !done.contains_key(number))
            .map(|number| number.to_string())
            .collect();
        if let (true, Some(command)) = (transient, &self.resume_command) {
            eprintln!(
                "presign: upload {} of {} is kept: {} of {} parts are on the server; to upload the \
                 rest ({}) and complete it, run:\n  {command}",
                self.upload_id,
                self.object,
                done.len(),
                self.layout.part_count(),
                abbreviate(&missing)
            );
            return Outcome::Rejected;
        }
        let aborted = self
            .urls
            .abort()
            .map_err(|error| format!("{error:#}"))
            .and_then(|url| {
                calls::abort(http, &url, retry, &|note| {
                    eprintln!("presign: AbortMultipartUpload: {note}");
                })
                .map_err(|error| error.summary())
            });
        match aborted {
            Ok(()) => eprintln!(
                "presign: aborted upload {} of {}: the server deleted its parts",
                self.upload_id, self.object
            ),
            Err(why) => eprintln!(
                "presign: error: could not abort upload {} of {} ({why}): its parts stay on the \
                 server until it is aborted (presign multipart abort) or expires",
                self.upload_id, self.object
            ),
        }
        Outcome::Rejected
    }

    /// What Ctrl-C leaves: an upload to resume or abort.
    fn interrupted_note(&self) -> String {
        let resume = self
            .resume_command
            .as_ref()
            .map(|command| format!("continue it with\n  {command}\nor "))
            .unwrap_or_default();
        format!(
            "upload {} of {} is incomplete; {resume}discard its parts with\n  {}",
            self.upload_id, self.object, self.abort_command
        )
    }
}

/// What ListParts found.
#[derive(Default)]
struct Found {
    /// Parts listed.
    listed: usize,
    /// Listed parts whose size is not the plan's.
    wrong_size: usize,
    /// Listed parts without an ETag (s3s-fs lists none).
    without_etag: usize,
    /// The parts that need no upload, with their ETags.
    reusable: BTreeMap<PartNumber, CompletedPart>,
}

impl Found {
    fn describe(&self, upload_id: &str, part_count: u32) -> String {
        let mut text = format!(
            "resuming upload {upload_id}: the server holds {} of {part_count} parts",
            self.listed
        );
        if self.without_etag > 0 {
            let _ = write!(
                text,
                "; {} listed without the ETag that completing needs",
                self.without_etag
            );
        }
        if self.wrong_size > 0 {
            let _ = write!(
                text,
                "; {} of another size than the plan's",
                self.wrong_size
            );
        }
        let todo = part_count as usize - self.reusable.len();
        let _ = write!(text, "; uploading {todo}");
        text
    }
}

/// Why the parts on the server are not known.
enum ResumeError {
    /// The server has no ListParts.
    Unsupported(String),
    /// ListParts failed.
    Failed(String),
}

/// `1, 2, 3, ... (40 in all)` for long lists.
fn abbreviate(items: &[String]) -> String {
    if items.len() <= 12 {
        items.join(", ")
    } else {
        format!("{}, ... ({} in all)", items[..10].join(", "), items.len())
    }
}
