//! Plans of multipart uploads on disk: the format is the core's
//! ([`presign::multipart::PlanFile`]), shared with `presign serve`'s
//! `POST /v1/multipart` answer; this reads one from a file.

use std::path::Path;

use anyhow::anyhow;
pub(crate) use presign::multipart::{
    PARTS_PER_LIST_PAGE, PLAN_FORMAT as FORMAT, PlanFile, PlanPart,
};

/// Reads and checks the plan in `path`.
pub(crate) fn read(path: &Path) -> anyhow::Result<PlanFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| anyhow!("cannot read the plan {}: {error}", path.display()))?;
    PlanFile::parse(&text).map_err(|error| match error {
        presign::multipart::PlanError::Json(_) => anyhow!("{}: {error}", path.display()),
        other => anyhow!("the plan {} is inconsistent: {other}", path.display()),
    })
}
