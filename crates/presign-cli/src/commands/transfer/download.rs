//! `presign download URL [-o FILE] [--continue]`: GET through a presigned
//! URL, streamed to a file or to stdout.
//!
//! A file download writes to `FILE.presign-partial` and records what it
//! needs to resume in `FILE.presign-partial.json` (the object's URL without
//! its query, its ETag, Last-Modified and size); FILE appears, by a rename,
//! only when every byte has arrived. A connection that breaks mid-way is
//! resumed within the run (`--retries`); after an interruption, a refusal or
//! retries used up, the partial file is kept under that predictable name and
//! `--continue` resumes it with `Range` and `If-Range` (the ETag), so bytes
//! of another version of the object are never joined. Files are created with
//! mode 0666 less the umask, as curl and wget create them.
//!
//! `partial` holds the partial file, its record and the final rename;
//! `range` the download of a range the request asks for.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, anyhow};
use indicatif::ProgressBar;

mod partial;
mod range;

use partial::{
    PartialFiles, PartialMeta, describe_change, finish, meta_of, object_identity, open_at,
};

use super::retry::{RetryPolicy, io_is_retryable};
use super::{Outcome, Prepared, explain_failure, prepare, progress, send, status_line};
use crate::cli::DownloadArgs;

/// Where the object goes.
#[derive(Debug, PartialEq, Eq)]
enum Destination {
    Stdout,
    /// A new or regular file, written through its partial file and
    /// renamed (a symbolic link's target, for a link).
    File(PathBuf),
    /// An existing FIFO or device, written into directly.
    Device {
        path: PathBuf,
        kind: &'static str,
    },
}

impl Destination {
    /// `-o -` is stdout; `-o FILE` that file; none, the key's last path
    /// segment in the current folder. Anything that exists is an error
    /// unless `force`; a directory or a socket always is.
    fn choose(output: Option<&Path>, url_path: &str, force: bool) -> anyhow::Result<Self> {
        let path = match output {
            Some(path) if path == Path::new("-") => return Ok(Self::Stdout),
            Some(path) => path.to_owned(),
            None => {
                let name = url_path.rsplit('/').next().unwrap_or_default();
                if name.is_empty() || name == "." || name == ".." || name.contains('\0') {
                    return Err(anyhow!(
                        "cannot name the file after the key {url_path:?}; pass -o FILE (or -o - for stdout)"
                    ));
                }
                PathBuf::from(name)
            }
        };
        let Ok(entry) = std::fs::symlink_metadata(&path) else {
            // Nothing there (or nothing this process may see: creating the
            // partial file says why).
            return Ok(Self::File(path));
        };
        let shown = path.display();
        // What the path leads to, through any links; `None` for a link to
        // nothing.
        let target = std::fs::metadata(&path).ok().map(|m| m.file_type());
        let kind = target.map_or("nothing", kind_of);
        if target.is_some_and(|t| t.is_dir()) {
            return Err(anyhow!(
                "{shown} is a directory; pass -o {}/NAME to download into it",
                shown.to_string().trim_end_matches('/')
            ));
        }
        if target.is_some_and(|t| kind_of(t) == "a socket") {
            return Err(anyhow!(
                "{shown} is a socket, which cannot be opened as a file; pass -o another name"
            ));
        }
        let is_file = target.is_none_or(|t| t.is_file());
        if !force {
            let link = entry
                .file_type()
                .is_symlink()
                .then(|| std::fs::read_link(&path).unwrap_or_default());
            let (what, verb) = match (link, target) {
                (Some(link), None) => (
                    format!(
                        " (a symbolic link to {}, which does not exist)",
                        link.display()
                    ),
                    "create the file it points to",
                ),
                (Some(link), Some(_)) if is_file => (
                    format!(" (a symbolic link to {})", link.display()),
                    "replace the file it points to (the link stays)",
                ),
                (Some(link), Some(_)) => (
                    format!(" (a symbolic link to {}, {kind})", link.display()),
                    "write into it",
                ),
                (None, _) if is_file => (String::new(), "overwrite it"),
                (None, _) => (format!(" ({kind})"), "write into it"),
            };
            return Err(anyhow!(
                "{shown} exists{what}; pass --force to {verb}, or -o another name"
            ));
        }
        if !is_file {
            return Ok(Self::Device { path, kind });
        }
        if entry.file_type().is_symlink() {
            return Ok(Self::File(follow_links(&path)?));
        }
        Ok(Self::File(path))
    }
}

/// `a FIFO`, `a character device`, ... for messages.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    if file_type.is_file() {
        return "a regular file";
    }
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// The path a chain of symbolic links ends at (which may not exist yet):
/// each link's text is read relative to the link's own folder, as the
/// kernel reads it. Nothing is normalised: `..` keeps its meaning.
fn follow_links(path: &Path) -> anyhow::Result<PathBuf> {
    // The kernel's limit (MAXSYMLINKS) on Linux.
    const MAX_LINKS: usize = 40;
    let mut path = path.to_owned();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&path) {
            Ok(entry) if entry.file_type().is_symlink() => {
                let text = std::fs::read_link(&path)
                    .map_err(|error| anyhow!("cannot read the link {}: {error}", path.display()))?;
                path = match path.parent() {
                    Some(folder) => folder.join(text),
                    None => text,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(anyhow!(
        "{} is a chain of more than {MAX_LINKS} symbolic links (a loop?)",
        path.display()
    ))
}

/// Downloads; `Rejected` when the server refused or the transfer failed.
pub(crate) fn run(args: &DownloadArgs, now: SystemTime) -> anyhow::Result<Outcome> {
    let prepared = prepare(&args.url, &args.transfer, now)?;
    let destination =
        Destination::choose(args.output.as_deref(), prepared.parsed.path(), args.force)?;
    let retry = RetryPolicy {
        retries: args.retry.retries,
    };
    let download = Download {
        prepared: &prepared,
        retry,
        quiet: args.transfer.quiet,
        object: object_identity(&prepared.url),
    };
    let range = range::asked_range(&prepared.headers);
    match destination {
        _ if args.resume
            && let Some(range) = range =>
        {
            Err(range::no_resume(range))
        }
        Destination::File(path) if let Some(range) = range => {
            download.save_range_to_file(&path, range, args.force)
        }
        Destination::Stdout if args.resume => Err(anyhow!(
            "--continue resumes a download into a file: pass -o FILE (stdout cannot be resumed)"
        )),
        Destination::Device { path, kind } if args.resume => Err(anyhow!(
            "--continue resumes a download into a regular file; {} is {kind}, which is written \
             into directly and cannot be resumed (drop --continue, or -o a file)",
            path.display()
        )),
        Destination::Stdout => download.save_to_stream("stdout", || Ok(std::io::stdout().lock())),
        Destination::Device { path, .. } => {
            let name = path.display().to_string();
            download.save_to_stream(&name, || open_device(&path))
        }
        Destination::File(path) => download.save_to_file(&path, args.resume, args.force),
    }
}

/// `Content-Range: bytes FIRST-LAST/TOTAL` (TOTAL may be `*`).
fn content_range(response: &ureq::http::Response<ureq::Body>) -> Option<(u64, u64, Option<u64>)> {
    let value = response.headers().get("content-range")?.to_str().ok()?;
    let (range, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let total = if total == "*" {
        None
    } else {
        Some(total.parse().ok()?)
    };
    Some((first.parse().ok()?, last.parse().ok()?, total))
}

/// One download in progress.
struct Download<'a> {
    prepared: &'a Prepared,
    retry: RetryPolicy,
    quiet: bool,
    object: String,
}

/// How one try of streaming ended.
enum Streamed {
    /// Every byte arrived.
    Complete,
    /// The transfer broke; retryable or not.
    Broken(std::io::Error),
}

/// Whether a refused ranged GET says that the range starts past the
/// object's end: S3's 416 `InvalidRange`, or the 400 some servers answer
/// instead (nanio: `InvalidArgument`, "invalid byte range ...").
fn range_not_satisfiable(status: u16, body: &str) -> bool {
    if status == 416 {
        return true;
    }
    status == 400
        && presign::S3Error::parse(body).is_ok_and(|error| {
            let code = error.code.as_deref().unwrap_or_default();
            let message = error.message.as_deref().unwrap_or_default();
            code == "InvalidRange"
                || (code == "InvalidArgument" && message.to_ascii_lowercase().contains("range"))
        })
}

/// The folder `target` goes in must exist and be a directory.
fn check_folder_of(target: &Path) -> anyhow::Result<()> {
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    match std::fs::metadata(folder) {
        Ok(metadata) if metadata.is_dir() => Ok(()),
        Ok(_) => Err(anyhow!(
            "cannot create a file in {}: it is not a directory",
            folder.display()
        )),
        Err(error) => Err(anyhow!(
            "cannot create a file in {}: {error}",
            folder.display()
        )),
    }
}

/// What a GET came back with.
enum Fetched {
    /// A 2xx answer, to read.
    Answer(ureq::http::Response<ureq::Body>),
    /// 416 to a request with `Range`: the object no longer reaches the byte
    /// asked for (it became smaller than the partial download).
    RangeNotSatisfiable,
    /// Any other failure, explained on stderr.
    Failed,
}

impl Download<'_> {
    /// GET with `extra` headers, retrying refused-for-now answers (5xx) and
    /// failed connections; a 416 to a `Range` is told apart, other
    /// non-retryable failures are explained.
    fn fetch(&self, extra: &[(&str, &str)], tries: &mut u32) -> Fetched {
        let ranged = extra.iter().any(|(name, _)| *name == "range");
        self.get(extra, tries, ranged)
    }

    /// [`Download::fetch`], with a 416 set apart only when `ranged`.
    fn get(&self, extra: &[(&str, &str)], tries: &mut u32, ranged: bool) -> Fetched {
        let mut headers: Vec<(&str, &str)> = self
            .prepared
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        headers.extend_from_slice(extra);
        loop {
            *tries += 1;
            match send(&self.prepared.http, "GET", &self.prepared.url, &headers, ()) {
                Ok(response) => return Fetched::Answer(response),
                Err(super::Failed::Status { status, body })
                    if ranged && range_not_satisfiable(status.as_u16(), &body) =>
                {
                    return Fetched::RangeNotSatisfiable;
                }
                Err(failed) if self.retry.allows(*tries, failed.is_retryable()) => {
                    self.announce_retry(&failed.summary(), *tries);
                }
                Err(failed) => {
                    explain_failure(&failed, self.prepared, "GET");
                    return Fetched::Failed;
                }
            }
        }
    }

    /// Says that try number `tries` failed with `what` and waits before
    /// the next, as every transfer does ([`RetryPolicy::next_try`]).
    fn announce_retry(&self, what: &str, tries: u32) {
        let (delay, note) = self.retry.next_try(tries, what);
        eprintln!("presign: {note}");
        std::thread::sleep(delay);
    }

    /// Into `target`, through its partial files.
    fn save_to_file(&self, target: &Path, resume: bool, force: bool) -> anyhow::Result<Outcome> {
        // Before anything is sent: the folder must take the files.
        check_folder_of(target)?;
        let partial = PartialFiles::of(target);
        let mut meta = self.resumable(&partial, resume);
        let bar = progress::bar(None, self.quiet);
        let _note = crate::interrupt::note(format!(
            "the bytes received so far are kept in {}: run the same command with --continue to \
             resume",
            partial.names()
        ));
        let mut tries = 0;
        loop {
            let have = if meta.is_some() { partial.len() } else { 0 };
            // Ask again for the last byte held, so that a complete partial
            // file still gets a 206 (not a 416) that confirms the object.
            let start = have.saturating_sub(u64::from(
                meta.as_ref().and_then(|m| m.size) == Some(have) && have > 0,
            ));
            let range = format!("bytes={start}-");
            let mut extra: Vec<(&str, &str)> = Vec::new();
            if let Some(validator) = meta
                .as_ref()
                .and_then(PartialMeta::validator)
                .filter(|_| start > 0)
            {
                extra.push(("range", &range));
                extra.push(("if-range", validator));
            }
            let mut response = match self.fetch(&extra, &mut tries) {
                Fetched::Answer(response) => response,
                Fetched::RangeNotSatisfiable => {
                    eprintln!(
                        "presign: the object is now smaller than the {start} bytes held in {} \
                         (the server cannot send bytes from there on): starting again",
                        partial.data.display()
                    );
                    meta = None;
                    continue;
                }
                Fetched::Failed => {
                    bar.finish_and_clear();
                    if partial.data.exists() {
                        eprintln!(
                            "presign: the partial download is kept in {}",
                            partial.names()
                        );
                    }
                    return Ok(Outcome::Rejected);
                }
            };
            let Some((offset, total)) =
                self.starts_at(&response, start, !extra.is_empty(), meta.as_ref())?
            else {
                meta = None;
                continue;
            };
            if !self.quiet && tries == 1 {
                eprintln!("presign: {}", status_line(response.status()));
            }
            if offset == 0 || meta.is_none() {
                let fresh = meta_of(&response, &self.object, total);
                partial.write_meta(&fresh)?;
                meta = Some(fresh);
            }
            let (streamed, received) =
                stream_into_partial(&mut response, &partial, offset, total, &bar)?;
            match streamed {
                Streamed::Complete if total.is_none_or(|total| received == total) => {
                    bar.finish_and_clear();
                    return finish(&partial, target, force).map(|()| Outcome::Accepted);
                }
                Streamed::Complete => {
                    // A clean end short of the size: treated as a break.
                    let error = std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!("the answer ended after {received} bytes"),
                    );
                    if !self.broken(&error, received, total, &mut tries, &partial, &bar) {
                        return Ok(Outcome::Rejected);
                    }
                }
                Streamed::Broken(error) => {
                    if !self.broken(&error, received, total, &mut tries, &partial, &bar) {
                        return Ok(Outcome::Rejected);
                    }
                }
            }
        }
    }

    /// Where the answer's bytes go in the partial file, and the object's
    /// size: `Some((start, total))` for the 206 that resumes at `start`,
    /// `Some((0, size))` for a whole object (with a note why, when a resume
    /// was asked), `None` to ask again from the start.
    fn starts_at(
        &self,
        response: &ureq::http::Response<ureq::Body>,
        start: u64,
        ranged: bool,
        meta: Option<&PartialMeta>,
    ) -> anyhow::Result<Option<(u64, Option<u64>)>> {
        let status = response.status().as_u16();
        if status == 206 {
            if !ranged {
                return Err(anyhow!(
                    "the server answered 206 Partial Content to a request without Range"
                ));
            }
            // If-Range should have turned a changed object into a 200;
            // servers that ignore it (s3s-fs, SeaweedFS, s3rver, nanio)
            // answer 206 with the new object's ETag, which is checked here.
            let now = meta_of(response, &self.object, None);
            if let Some(saved) = meta
                && (saved.etag != now.etag || saved.last_modified != now.last_modified)
            {
                eprintln!(
                    "presign: the object changed since the partial download ({}): starting again",
                    describe_change(saved, &now)
                );
                return Ok(None);
            }
            return Ok(match content_range(response) {
                Some((first, _, total)) if first == start => Some((start, total)),
                _ => {
                    eprintln!(
                        "presign: the server answered the resume with an unexpected \
                         Content-Range: starting again"
                    );
                    None
                }
            });
        }
        if ranged && let Some(saved) = meta {
            let now = meta_of(response, &self.object, None);
            if saved.etag == now.etag && saved.last_modified == now.last_modified {
                eprintln!(
                    "presign: the server does not resume downloads (it ignored the Range \
                     request): starting again"
                );
            } else {
                eprintln!(
                    "presign: the object changed since the partial download ({}): starting again",
                    describe_change(saved, &now)
                );
            }
        }
        Ok(Some((0, response.body().content_length())))
    }

    /// After a broken transfer: `true` to resume (a retry is left), else the
    /// message that the partial file is kept.
    fn broken(
        &self,
        error: &std::io::Error,
        received: u64,
        total: Option<u64>,
        tries: &mut u32,
        partial: &PartialFiles,
        bar: &ProgressBar,
    ) -> bool {
        let of = total
            .map(|total| format!(" of {total}"))
            .unwrap_or_default();
        if self.retry.allows(*tries, io_is_retryable(error)) {
            bar.suspend(|| {
                self.announce_retry(
                    &format!("the download broke after {received}{of} bytes ({error})"),
                    *tries,
                );
            });
            return true;
        }
        bar.finish_and_clear();
        eprintln!(
            "presign: error: the download stopped after {received}{of} bytes: {error}\npresign: \
             the bytes so far are kept in {}: run the same command with --continue to resume",
            partial.names()
        );
        false
    }

    /// What an earlier partial download offers: its record when `resume`
    /// and it can be checked, else `None` (and a note why it is not used).
    fn resumable(&self, partial: &PartialFiles, resume: bool) -> Option<PartialMeta> {
        let held = partial.len();
        if !partial.data.exists() {
            return None;
        }
        if !resume {
            eprintln!(
                "presign: note: starting again, over the {held} bytes of an earlier download in {} \
                 (--continue resumes it)",
                partial.data.display()
            );
            return None;
        }
        let Some(meta) = partial.read_meta() else {
            eprintln!(
                "presign: cannot resume: {} is missing or unreadable, so the bytes in {} cannot be \
                 checked against the object: starting again",
                partial.meta.display(),
                partial.data.display()
            );
            return None;
        };
        if meta.object != self.object {
            eprintln!(
                "presign: cannot resume: {} holds part of {}, not of this URL's object: starting \
                 again",
                partial.data.display(),
                meta.object
            );
            return None;
        }
        if meta.validator().is_none() {
            eprintln!(
                "presign: cannot resume: the server gave the object no ETag or Last-Modified to \
                 check it by: starting again"
            );
            return None;
        }
        if meta.size.is_some_and(|size| held > size) {
            eprintln!(
                "presign: cannot resume: {} is larger than the object: starting again",
                partial.data.display()
            );
            return None;
        }
        if !self.quiet {
            eprintln!(
                "presign: resuming after {held} bytes held in {}",
                partial.data.display()
            );
        }
        Some(meta)
    }

    /// To stdout or a device (`name` in messages), opened by `open` when
    /// the first answer's body is about to come (so that a refusal never
    /// waits for a FIFO's reader); a break is resumed with Range, only while
    /// the object is the same (a stream cannot be rewound).
    fn save_to_stream<W: Write>(
        &self,
        name: &str,
        open: impl FnOnce() -> anyhow::Result<W>,
    ) -> anyhow::Result<Outcome> {
        let mut open = Some(open);
        let mut out = None;
        let bar = progress::bar(None, self.quiet);
        let mut tries = 0;
        let mut written: u64 = 0;
        let mut validator: Option<String> = None;
        let mut total = None;
        loop {
            let range = format!("bytes={written}-");
            let mut extra: Vec<(&str, &str)> = Vec::new();
            if let Some(validator) = validator.as_deref().filter(|_| written > 0) {
                extra.push(("range", &range));
                extra.push(("if-range", validator));
            }
            // A stream cannot start again: a 416 here is explained as any
            // other refusal.
            let Fetched::Answer(mut response) = self.get(&extra, &mut tries, false) else {
                return Ok(Outcome::Rejected);
            };
            if written > 0 && response.status().as_u16() != 206 {
                eprintln!(
                    "presign: error: the download broke after {written} bytes and cannot be resumed \
                     (the object changed, or the server ignores Range); {name} has the first \
                     {written} bytes only"
                );
                return Ok(Outcome::Rejected);
            }
            if written == 0 {
                if !self.quiet {
                    eprintln!("presign: {}", status_line(response.status()));
                }
                total = response.body().content_length();
                validator = meta_of(&response, &self.object, None)
                    .validator()
                    .map(str::to_owned);
                bar.set_length(total.unwrap_or(0));
            }
            if out.is_none()
                && let Some(open) = open.take()
            {
                out = Some(open()?);
            }
            let Some(out) = out.as_mut() else {
                return Err(anyhow!("cannot open {name}"));
            };
            let streamed = stream(
                &mut response,
                &mut CountingWriter {
                    inner: out,
                    count: &mut written,
                },
                name,
                &bar,
            )?;
            out.flush()
                .with_context(|| format!("cannot write {name}"))?;
            let broken = match streamed {
                Streamed::Complete if total.is_none_or(|total| written == total) => {
                    bar.finish_and_clear();
                    return Ok(Outcome::Accepted);
                }
                Streamed::Complete => std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("the answer ended after {written} bytes"),
                ),
                Streamed::Broken(error) => error,
            };
            // A range asked for is not resumed (a second Range would clash).
            let resumable = validator.is_some()
                && range::asked_range(&self.prepared.headers).is_none()
                && io_is_retryable(&broken);
            if !self.retry.allows(tries, resumable) {
                bar.finish_and_clear();
                eprintln!("presign: error: the download stopped after {written} bytes: {broken}");
                return Ok(Outcome::Rejected);
            }
            bar.suspend(|| {
                self.announce_retry(
                    &format!("the download broke after {written} bytes ({broken})"),
                    tries,
                );
            });
        }
    }
}

/// Opens an existing FIFO or device to write into, as it is (no create, no
/// truncation): a FIFO's open waits for its reader.
fn open_device(path: &Path) -> anyhow::Result<File> {
    OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Streams the body into the partial file from `offset` on, the bar at
/// `offset` of `total`; how the stream ended, and the partial file's length
/// then.
fn stream_into_partial(
    response: &mut ureq::http::Response<ureq::Body>,
    partial: &PartialFiles,
    offset: u64,
    total: Option<u64>,
    bar: &ProgressBar,
) -> anyhow::Result<(Streamed, u64)> {
    let mut file = open_at(&partial.data, offset)?;
    bar.set_length(total.unwrap_or(0));
    bar.set_position(offset);
    let streamed = stream(
        response,
        &mut file,
        &partial.data.display().to_string(),
        bar,
    )?;
    drop(file);
    Ok((streamed, partial.len()))
}

/// Copies the body into `out` (`name` in messages); an error writing is the
/// caller's (a full disk is no reason to retry), an error reading is a
/// broken transfer.
fn stream(
    response: &mut ureq::http::Response<ureq::Body>,
    out: &mut dyn Write,
    name: &str,
    bar: &ProgressBar,
) -> anyhow::Result<Streamed> {
    let mut reader = response.body_mut().as_reader();
    let mut buffer = vec![0; 256 * 1024];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => return Ok(Streamed::Complete),
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Ok(Streamed::Broken(error)),
        };
        out.write_all(&buffer[..read])
            .with_context(|| format!("cannot write {name}"))?;
        bar.inc(read as u64);
    }
}

/// Counts what is written through it.
struct CountingWriter<'a, W> {
    inner: &'a mut W,
    count: &'a mut u64,
}

impl<W: Write> Write for CountingWriter<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        *self.count += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_past_the_end_is_told_apart_from_other_refusals() {
        let error = |code: &str, message: &str| {
            format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>")
        };
        assert!(range_not_satisfiable(416, ""));
        assert!(range_not_satisfiable(
            400,
            &error("InvalidArgument", "invalid byte range 10-9 for size 9")
        ));
        assert!(range_not_satisfiable(400, &error("InvalidRange", "x")));
        assert!(!range_not_satisfiable(
            400,
            &error("InvalidArgument", "bad tag")
        ));
        assert!(!range_not_satisfiable(403, &error("AccessDenied", "range")));
    }

    #[test]
    fn the_default_file_name_is_the_last_key_segment() {
        let folder = tempfile::tempdir().unwrap();
        let wanted = folder.path().join("report.pdf");
        assert_eq!(
            Destination::choose(Some(&wanted), "/bucket/a/report.pdf", false).unwrap(),
            Destination::File(wanted.clone())
        );
        assert_eq!(
            Destination::choose(None, "/bucket/a/report.pdf", false).unwrap(),
            Destination::File("report.pdf".into())
        );
        assert_eq!(
            Destination::choose(Some(Path::new("-")), "/b/k", false).unwrap(),
            Destination::Stdout
        );
        assert!(Destination::choose(None, "/bucket/dir/", false).is_err());
    }

    #[test]
    fn an_existing_file_is_kept_unless_forced() {
        let folder = tempfile::tempdir().unwrap();
        let existing = folder.path().join("a.txt");
        std::fs::write(&existing, "keep").unwrap();
        let error = Destination::choose(Some(&existing), "/b/a.txt", false).unwrap_err();
        assert!(error.to_string().contains("--force"), "{error}");
        assert!(Destination::choose(Some(&existing), "/b/a.txt", true).is_ok());
    }
}
