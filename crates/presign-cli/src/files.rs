//! Opening the files the command reads (batch `--input`, the file `upload`
//! sends), with errors that name the file and give the cause once.

/// Opens a file to read, or says which one cannot be read and why:
/// `cannot read {what}{path}: {cause}`. A directory opens on Unix and fails
/// only at the first read, so it is refused here, by name.
pub(crate) fn open(path: &std::path::Path, what: &str) -> anyhow::Result<std::fs::File> {
    let fail = |cause: &dyn std::fmt::Display| {
        anyhow::anyhow!("cannot read {what}{}: {cause}", path.display())
    };
    let file = std::fs::File::open(path).map_err(|error| fail(&error))?;
    if file.metadata().map_err(|error| fail(&error))?.is_dir() {
        return Err(fail(&"it is a directory"));
    }
    Ok(file)
}
