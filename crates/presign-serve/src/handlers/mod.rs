//! The routes, one module per area; each handler extracts, checks the
//! policy, calls the core and maps errors.
//!
//! - [`native`]: `/v1/presign`, `/v1/presign/batch`, `/v1/post`, `/v1/me`;
//! - [`multipart`]: the native multipart routes, `/v1/multipart/...`;
//! - [`companion`]: the Uppy Companion-compatible routes, `/s3/...`;
//! - [`ops`] and [`page`]: `/healthz`, `/metrics`, the upload page;
//! - shared by the areas: [`issue`] (the audit lines and metrics of what a
//!   request issued) and [`uploads`] (opening, listing, completing and
//!   aborting a multipart upload); the request values are checked in
//!   [`crate::input`], the client's policy in [`crate::policy`], and every
//!   path is named in [`crate::routes`](mod@crate::routes).

pub(crate) mod companion;
#[cfg(test)]
mod endpoint_tests;
pub(crate) mod issue;
pub(crate) mod multipart;
pub(crate) mod native;
pub(crate) mod ops;
pub(crate) mod page;
pub(crate) mod uploads;

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::SerializeMap;

/// Name/value pairs answered as a JSON object in their order (form fields
/// read best in the order S3 documents them).
#[derive(Debug, Clone)]
pub(crate) struct OrderedPairs(pub Vec<(String, String)>);

impl Serialize for OrderedPairs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A JSON object of strings as pairs, in key order.
#[must_use]
pub(crate) fn pairs(map: &BTreeMap<String, String>) -> Vec<(String, String)> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}
