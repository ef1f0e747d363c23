//! Output formats, one file each. Each renders the whole output into a
//! string, so nothing is written half-way when something fails.

pub(crate) mod curl;
mod explain;
mod json;
pub(crate) mod post;
pub(crate) mod sigv2;

// The core's RFC 3339 formatter, for the formats (`super::rfc3339`).
use presign::rfc3339;

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
