//! Output formats, one file each. Each renders the whole output into a
//! string, so nothing is written half-way when something fails.

pub(crate) mod curl;
mod explain;
mod json;
pub(crate) mod post;
pub(crate) mod sigv2;

use crate::cli::OutputArg;
use crate::commands::sign::Signed;

/// The text to print on stdout for `format`.
pub(crate) fn render(format: OutputArg, signed: &Signed) -> String {
    match format {
        OutputArg::Url => format!("{}\n", signed.presigned.url()),
        OutputArg::Json => json::render(signed),
        OutputArg::Curl => curl::render(&signed.presigned),
        OutputArg::Explain => explain::render(signed),
    }
}

/// RFC 3339 UTC text of an instant (the core's formatter).
fn rfc3339(time: std::time::SystemTime) -> String {
    presign::AmzDate::from_system_time(time)
        .map_or_else(|_| "out of range".to_owned(), |d| d.to_rfc3339())
}
