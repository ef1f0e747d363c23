//! The partial download of `FILE`: the bytes so far in `FILE.presign-partial`,
//! what `--continue` needs in `FILE.presign-partial.json` (the object's URL
//! without its query, its ETag, Last-Modified and size), and the rename that
//! makes FILE appear only once every byte has arrived.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use serde::{Deserialize, Serialize};

/// The URL without its query: which object a partial download belongs to.
pub(super) fn object_identity(url: &str) -> String {
    url.split_once('?')
        .map_or(url, |(object, _)| object)
        .to_owned()
}

/// What `--continue` needs to know about a partial download, kept beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct PartialMeta {
    /// The object's URL without the query (the signature changes, the
    /// object does not).
    pub(super) object: String,
    pub(super) etag: Option<String>,
    pub(super) last_modified: Option<String>,
    /// The object's size, when the server said.
    pub(super) size: Option<u64>,
}

impl PartialMeta {
    /// The `If-Range` value: the ETag (a strong one; a weak ETag cannot
    /// validate a range), else Last-Modified.
    pub(super) fn validator(&self) -> Option<&str> {
        self.etag
            .as_deref()
            .filter(|etag| !etag.starts_with("W/"))
            .or(self.last_modified.as_deref())
    }
}

/// The partial download of `FILE`: `FILE.presign-partial` and its
/// `.json`.
pub(super) struct PartialFiles {
    pub(super) data: PathBuf,
    pub(super) meta: PathBuf,
}

impl PartialFiles {
    pub(super) fn of(target: &Path) -> Self {
        let mut data = target.as_os_str().to_owned();
        data.push(".presign-partial");
        let mut meta = data.clone();
        meta.push(".json");
        Self {
            data: data.into(),
            meta: meta.into(),
        }
    }

    pub(super) fn read_meta(&self) -> Option<PartialMeta> {
        serde_json::from_str(&std::fs::read_to_string(&self.meta).ok()?).ok()
    }

    pub(super) fn write_meta(&self, meta: &PartialMeta) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(meta)?;
        std::fs::write(&self.meta, text)
            .map_err(|error| anyhow!("cannot write {}: {error}", self.meta.display()))
    }

    pub(super) fn len(&self) -> u64 {
        std::fs::metadata(&self.data).map_or(0, |metadata| metadata.len())
    }

    pub(super) fn names(&self) -> String {
        format!("{} (and {})", self.data.display(), self.meta.display())
    }
}

/// The response's validators and size.
pub(super) fn meta_of(
    response: &ureq::http::Response<ureq::Body>,
    object: &str,
    size: Option<u64>,
) -> PartialMeta {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    PartialMeta {
        object: object.to_owned(),
        etag: header("etag"),
        last_modified: header("last-modified"),
        size,
    }
}

/// `ETag "a", now "b"` (or the Last-Modified dates when the ETag stayed).
pub(super) fn describe_change(saved: &PartialMeta, now: &PartialMeta) -> String {
    let show = |value: &Option<String>| value.clone().unwrap_or_else(|| "none".to_owned());
    if saved.etag == now.etag {
        format!(
            "Last-Modified {}, now {}",
            show(&saved.last_modified),
            show(&now.last_modified)
        )
    } else {
        format!("ETag {}, now {}", show(&saved.etag), show(&now.etag))
    }
}

/// Opens `path` to write from `offset` on (cutting anything after it),
/// creating it with mode 0666 less the umask.
pub(super) fn open_at(path: &Path, offset: u64) -> anyhow::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(offset == 0)
        .open(path)
        .map_err(|error| anyhow!("cannot write {}: {error}", path.display()))?;
    file.set_len(offset)
        .map_err(|error| anyhow!("cannot write {}: {error}", path.display()))?;
    let mut file = file;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(offset))?;
    Ok(file)
}

/// Moves the complete partial file to `target` and removes its record.
pub(super) fn finish(partial: &PartialFiles, target: &Path, force: bool) -> anyhow::Result<()> {
    if !force && target.exists() {
        return Err(anyhow!(
            "{} appeared during the download; the object is kept in {}: pass --force to \
             overwrite, or rename it yourself",
            target.display(),
            partial.data.display()
        ));
    }
    std::fs::rename(&partial.data, target).map_err(|error| {
        anyhow!(
            "cannot move {} to {}: {error}",
            partial.data.display(),
            target.display()
        )
    })?;
    let _ = std::fs::remove_file(&partial.meta);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn partial_files_sit_beside_the_target_under_predictable_names() {
        let partial = PartialFiles::of(Path::new("dir/report.pdf"));
        assert_eq!(partial.data, Path::new("dir/report.pdf.presign-partial"));
        assert_eq!(
            partial.meta,
            Path::new("dir/report.pdf.presign-partial.json")
        );
    }

    #[test]
    fn a_strong_etag_validates_a_range_and_a_weak_one_does_not() {
        let meta = |etag: Option<&str>, modified: Option<&str>| PartialMeta {
            object: "http://h/b/k".to_owned(),
            etag: etag.map(str::to_owned),
            last_modified: modified.map(str::to_owned),
            size: Some(10),
        };
        assert_eq!(meta(Some("\"abc\""), None).validator(), Some("\"abc\""));
        let date = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(meta(Some("W/\"abc\""), Some(date)).validator(), Some(date));
        assert_eq!(meta(None, None).validator(), None);
    }

    #[test]
    fn the_object_is_the_url_without_its_query() {
        assert_eq!(
            object_identity("http://h:9000/b/k?X-Amz-Signature=1"),
            "http://h:9000/b/k"
        );
    }

    #[test]
    fn writing_from_an_offset_cuts_what_follows() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let mut file = open_at(&path, 4).unwrap();
        file.write_all(b"ab").unwrap();
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), b"0123ab");
    }
}
