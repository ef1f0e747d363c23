//! Region, endpoint URL and addressing style: flags, then environment
//! variables, then the selected profile.

use presign::Addressing;

use crate::environment::{
    ENV_DEFAULT_REGION, ENV_ENDPOINT_URL, ENV_ENDPOINT_URL_S3, ENV_REGION, Environment,
};
use crate::error::ConfigError;
use crate::overrides::{DEFAULT_REGION, Overrides};
use crate::providers::region_from_endpoint;
use crate::shared_files::SharedFiles;

/// A profile's `addressing_style` (`auto`, `path` or `virtual`, any case).
fn parse_addressing_style(text: &str) -> Option<Addressing> {
    text.trim().to_ascii_lowercase().parse().ok()
}

/// Where a region read from the endpoint's host name is said to come from.
pub(crate) const FROM_ENDPOINT_HOST: &str = "from the endpoint host";

/// Where the region is said to come from when nothing configures one.
pub(crate) const REGION_DEFAULT: &str = "default";

/// The configured region (flag, environment, profile), else the one the
/// endpoint's host carries (see [`crate::region_from_endpoint`]), else
/// `us-east-1`.
pub(crate) fn resolve_region(
    flags: &Overrides,
    env: &Environment,
    files: &SharedFiles,
    profile: &str,
    endpoint_url: Option<&str>,
) -> (String, String) {
    if let Some(region) = &flags.region {
        return (region.clone(), "--region".to_owned());
    }
    for name in [ENV_REGION, ENV_DEFAULT_REGION] {
        if let Some(region) = env.var(name) {
            return (region.to_owned(), name.to_owned());
        }
    }
    if let Some((region, file)) = files.setting(profile, "region") {
        return (
            region.to_owned(),
            format!("profile '{profile}' in {}", file.label()),
        );
    }
    if let Some(found) = endpoint_url.and_then(region_from_endpoint) {
        return (found.region, FROM_ENDPOINT_HOST.to_owned());
    }
    (DEFAULT_REGION.to_owned(), REGION_DEFAULT.to_owned())
}

pub(crate) fn resolve_endpoint(
    flags: &Overrides,
    env: &Environment,
    files: &SharedFiles,
    profile: &str,
) -> Option<(String, String)> {
    if let Some(url) = &flags.endpoint_url {
        return Some((url.clone(), "--endpoint-url".to_owned()));
    }
    for name in [ENV_ENDPOINT_URL_S3, ENV_ENDPOINT_URL] {
        if let Some(url) = env.var(name) {
            return Some((url.to_owned(), name.to_owned()));
        }
    }
    if let Some((url, file)) = files.nested_setting(profile, "s3", "endpoint_url") {
        return Some((
            url.to_owned(),
            format!("profile '{profile}' in {} (s3 section)", file.label()),
        ));
    }
    files.setting(profile, "endpoint_url").map(|(url, file)| {
        (
            url.to_owned(),
            format!("profile '{profile}' in {}", file.label()),
        )
    })
}

pub(crate) fn resolve_addressing_style(
    files: &SharedFiles,
    profile: &str,
) -> Result<Option<Addressing>, ConfigError> {
    let Some((style, file)) = files.nested_setting(profile, "s3", "addressing_style") else {
        return Ok(None);
    };
    parse_addressing_style(style)
        .map(Some)
        .ok_or_else(|| ConfigError::InvalidAddressing {
            profile: profile.to_owned(),
            file: file.label(),
        })
}
