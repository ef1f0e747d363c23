//! Local reads and writes of secrets: token files, cache files and a
//! process's output are read whole but at most [`MAX_ANSWER`] bytes (a file
//! or a program gone wrong cannot fill memory), and files are written whole
//! or not at all, readable by their owner only: a temporary file in the same
//! folder, mode 0600, synced, then renamed over the target; a missing folder
//! is created 0700. This is how the AWS CLI keeps `~/.aws/cli/cache` and
//! `~/.aws/sso/cache`, and a reader (`aws`, boto3, another presign) never
//! sees half a file.

use std::fs;
use std::io::{self, Read, Write as _};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use zeroize::Zeroizing;

use crate::bounded_http::MAX_ANSWER;
use crate::error::CredentialsError;

/// All of `reader`, or `None` when it holds more than [`MAX_ANSWER`] bytes.
pub(crate) fn read_at_most(reader: impl Read) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
    let mut bytes = Zeroizing::new(Vec::new());
    reader.take(MAX_ANSWER + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_ANSWER).then_some(bytes))
}

/// A file's content; a file over [`MAX_ANSWER`] bytes is an
/// [`io::ErrorKind::InvalidData`] error that says so.
pub(crate) fn read_file(path: &Path) -> io::Result<Zeroizing<Vec<u8>>> {
    read_at_most(fs::File::open(path)?)?.ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the file is larger than {} MiB", MAX_ANSWER >> 20),
        )
    })
}

/// A file's content as text: [`read_file`], and an
/// [`io::ErrorKind::InvalidData`] error when it is not UTF-8.
pub(crate) fn read_text_file(path: &Path) -> io::Result<Zeroizing<String>> {
    let mut bytes = read_file(path)?;
    let text = String::from_utf8(std::mem::take(&mut *bytes)).map_err(|error| {
        // The bytes may be a secret: wipe them before they are dropped.
        drop(Zeroizing::new(error.into_bytes()));
        io::Error::new(io::ErrorKind::InvalidData, "the file is not UTF-8 text")
    })?;
    Ok(Zeroizing::new(text))
}

/// [`read_text_file`], with `None` for a file that does not exist: none by
/// that name, or a file where one of its folders should be (nothing can be
/// under it; botocore's `os.path.isfile` says the same).
///
/// # Errors
/// [`CredentialsError::ReadFile`] naming the file.
pub(crate) fn read_text_file_if_any(
    path: &Path,
) -> Result<Option<Zeroizing<String>>, CredentialsError> {
    match read_text_file(path) {
        Ok(text) => Ok(Some(text)),
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(cause) => Err(CredentialsError::ReadFile {
            path: path.to_owned(),
            cause,
        }),
    }
}

/// Writes `contents` to `path` whole or not at all, readable by its owner
/// only (see the module's comment). On failure `path` is as it was and no
/// temporary file is left.
///
/// # Errors
/// [`CredentialsError::WriteFile`] naming the file.
pub(crate) fn write_private(path: &Path, contents: &[u8]) -> Result<(), CredentialsError> {
    write_private_io(path, contents).map_err(|cause| CredentialsError::WriteFile {
        path: path.to_owned(),
        cause,
    })
}

fn write_private_io(path: &Path, contents: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    create_private_dir(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |name| name.to_string_lossy());
    let temporary = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = new_private_file(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// Creates `dir` and its missing parents, each new one 0700.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A new file (never an existing one) that only its owner can read.
fn new_private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_after_the_limit() {
        let limit = usize::try_from(MAX_ANSWER).unwrap();
        let exact = vec![b'x'; limit];
        assert_eq!(read_at_most(&exact[..]).unwrap().unwrap().len(), limit);
        let over = vec![b'x'; limit + 1];
        assert!(read_at_most(&over[..]).unwrap().is_none());
    }

    #[test]
    fn files_are_written_whole_private_and_without_leftovers() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path();
        let path = dir.join("new/entry.json");
        write_private(&path, b"first").unwrap();
        write_private(&path, b"second").unwrap();
        assert_eq!(read_text_file(&path).unwrap().as_str(), "second");
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        assert!(
            read_text_file_if_any(&dir.join("missing"))
                .unwrap()
                .is_none()
        );
        fs::write(dir.join("a-file"), b"x").unwrap();
        assert!(
            read_text_file_if_any(&dir.join("a-file/under-it"))
                .unwrap()
                .is_none()
        );
        fs::write(dir.join("binary"), b"\xff\xfe").unwrap();
        let error = read_text_file(&dir.join("binary")).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }
}
