//! `presign download URL [-o FILE]`: GET through a presigned URL, streamed to
//! a file (never left truncated under its final name) or to stdout.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, anyhow};

use super::{Outcome, exchange, prepare, progress};
use crate::cli::DownloadArgs;

/// Where the object goes.
#[derive(Debug, PartialEq, Eq)]
enum Destination {
    Stdout,
    File(PathBuf),
}

impl Destination {
    /// `-o -` is stdout; `-o FILE` that file; none, the key's last path
    /// segment in the current folder. An existing file is an error unless
    /// `force`.
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
        if !force && path.exists() {
            return Err(anyhow!(
                "{} exists; pass --force to overwrite it, or -o another name",
                path.display()
            ));
        }
        Ok(Self::File(path))
    }
}

/// Downloads; `Rejected` when the server did not answer 2xx.
pub(crate) fn run(args: &DownloadArgs, now: SystemTime) -> anyhow::Result<Outcome> {
    let prepared = prepare(&args.url, &args.transfer, now)?;
    let destination =
        Destination::choose(args.output.as_deref(), prepared.parsed.path(), args.force)?;
    let mut response = match exchange(&prepared, "GET", &[], (), args.transfer.quiet)? {
        Ok(response) => response,
        Err(outcome) => return Ok(outcome),
    };
    let expected = response.body().content_length();
    let bar = progress::bar(expected, args.transfer.quiet);
    let mut reader = bar.wrap_read(response.body_mut().as_reader());
    let received = match &destination {
        Destination::Stdout => {
            let mut stdout = std::io::stdout().lock();
            let count = std::io::copy(&mut reader, &mut stdout).context("download interrupted")?;
            stdout.flush()?;
            count
        }
        Destination::File(path) => write_atomically(&mut reader, path, expected, args.force)?,
    };
    bar.finish_and_clear();
    if let Some(expected) = expected
        && received != expected
    {
        return Err(anyhow!(
            "the download stopped after {received} of {expected} bytes"
        ));
    }
    Ok(Outcome::Accepted)
}

/// Streams into a temporary file beside `path` and renames it into place
/// only when every byte has arrived, so a failed download never leaves a
/// truncated file under the final name.
fn write_atomically(
    reader: &mut dyn Read,
    path: &Path,
    expected: Option<u64>,
    force: bool,
) -> anyhow::Result<u64> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut partial = tempfile::Builder::new()
        .prefix(".presign-")
        .suffix(".partial")
        .tempfile_in(&folder)
        .with_context(|| format!("cannot create a file in {}", folder.display()))?;
    let received = std::io::copy(reader, partial.as_file_mut()).context("download interrupted")?;
    if let Some(expected) = expected
        && received != expected
    {
        // Dropping `partial` deletes it.
        return Err(anyhow!(
            "the download stopped after {received} of {expected} bytes; nothing was written"
        ));
    }
    partial.as_file_mut().flush()?;
    let persisted = if force {
        partial.persist(path)
    } else {
        partial.persist_noclobber(path)
    };
    persisted.map_err(|error| anyhow!("cannot write {}: {}", path.display(), error.error))?;
    Ok(received)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_short_read_leaves_no_file_behind() {
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("big.bin");
        let mut short: &[u8] = b"only ten b";
        assert!(write_atomically(&mut short, &target, Some(100), false).is_err());
        assert!(!target.exists());
        assert_eq!(
            std::fs::read_dir(folder.path()).unwrap().count(),
            0,
            "no partial file is left"
        );
        let mut full: &[u8] = b"complete";
        assert_eq!(
            write_atomically(&mut full, &target, Some(8), false).unwrap(),
            8
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"complete");
    }
}
