//! Opening the files the command reads (batch `--input`, the file `upload`
//! sends), with errors that name the file and give the cause once.

use std::fs::{File, Metadata};
use std::path::Path;

/// Opens a file to read, or says which one cannot be read and why:
/// `cannot read {what}{path}: {cause}`. A directory opens on Unix and fails
/// only at the first read, so it is refused here, by name.
pub(crate) fn open(path: &Path, what: &str) -> anyhow::Result<File> {
    open_with_metadata(path, what).map(|(file, _)| file)
}

/// The size in bytes of a file to read (the file that an upload sends, say),
/// with the errors of [`open`].
pub(crate) fn size(path: &Path, what: &str) -> anyhow::Result<u64> {
    open_with_metadata(path, what).map(|(_, metadata)| metadata.len())
}

/// [`open`], and the metadata it reads to refuse a directory.
fn open_with_metadata(path: &Path, what: &str) -> anyhow::Result<(File, Metadata)> {
    let fail = |cause: &dyn std::fmt::Display| {
        anyhow::anyhow!("cannot read {what}{}: {cause}", path.display())
    };
    let file = File::open(path).map_err(|error| fail(&error))?;
    let metadata = file.metadata().map_err(|error| fail(&error))?;
    if metadata.is_dir() {
        return Err(fail(&"it is a directory"));
    }
    Ok((file, metadata))
}
