//! `presign inspect URL`: what a presigned URL holds, read without
//! credentials. Nothing here is checked against a secret; the session token
//! is reported as present or absent, never shown.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use anyhow::anyhow;
use presign::{HostForm, KnownHost, SignatureVersion, StorageProvider, UrlSummary};
use serde::Serialize;

use crate::cli::{InspectArgs, InspectOutput};
use crate::commands::transfer::human_duration;
use crate::resolve;

/// Everything `inspect` shows, as `--output json` writes it.
#[derive(Debug, Serialize)]
struct Inspection {
    endpoint: String,
    host: String,
    /// `path` or `virtual`.
    addressing_style: &'static str,
    addressing_style_guessed: bool,
    bucket: String,
    key: String,
    access_key_id: String,
    /// botocore's name of the signature: `s3v4` (SigV4 and SigV4A) or `s3`
    /// (SigV2).
    signature_version: &'static str,
    /// `AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256` for SigV4A, or
    /// `HmacSHA1` for SigV2.
    algorithm: &'static str,
    /// The scope region (empty for SigV4A, which signs for `region_set`, and
    /// for SigV2, which has no scope).
    region: String,
    /// SigV4A's `X-Amz-Region-Set`; `None` for SigV4.
    region_set: Option<String>,
    service: String,
    /// What the host is, when the core recognises its form.
    host_form: Option<HostInfo>,
    /// Where the signature does not fit the AWS host: a likely cause of
    /// `SignatureDoesNotMatch` (or another refusal) whatever the secret.
    host_mismatches: Vec<String>,
    /// `None` for SigV2, which carries no signing time.
    signed_at: Option<String>,
    /// `None` for SigV2.
    expires_in: Option<u64>,
    expires_at: String,
    /// The instant the time left is counted from (`--at`, else now).
    now: String,
    expired: bool,
    /// Seconds from `now` to the expiry; negative once expired.
    time_left_seconds: i64,
    signed_headers: Vec<String>,
    session_token: bool,
    /// `X-Amz-Security-Token` or `X-Amz-S3session-Token` (S3 Express).
    session_token_parameter: Option<&'static str>,
    /// The query parameters besides the auth ones (for SigV2 also the
    /// signed headers), decoded, in URL order.
    query: Vec<(String, String)>,
}

/// The host as [`presign::recognise_host`] reads it.
#[derive(Debug, Serialize)]
struct HostInfo {
    /// `aws_s3`, `ibm_cos`, ... (see [`provider_name`]).
    provider: &'static str,
    /// The AWS host form (`access_point`, `object_lambda`, `outposts`,
    /// `express`, `multi_region_access_point`, `accelerate`, `regional`,
    /// `global`, ...); `None` for another provider's host.
    form: Option<&'static str>,
    /// The form in words, with dualstack and FIPS.
    description: String,
    /// The bucket or access point label the host starts with.
    label: Option<String>,
    /// The region the host implies; `None` where it names none.
    region: Option<String>,
    /// The service requests to it are signed for.
    signing_service: &'static str,
    fips: bool,
    dualstack: bool,
    /// Whether it takes SigV4A only (a Multi-Region Access Point).
    sigv4a: bool,
}

/// The text to print for `presign inspect`.
pub(crate) fn run(args: &InspectArgs, now: SystemTime) -> anyhow::Result<String> {
    let now = resolve::instant(args.at.as_deref(), now)?;
    let summary = UrlSummary::read(&args.url, now)
        .map_err(|error| anyhow!("this is not a presigned URL: {error}"))?;
    let inspection = inspect(summary);
    Ok(match args.output {
        InspectOutput::Json => {
            let mut text = serde_json::to_string_pretty(&inspection)?;
            text.push('\n');
            text
        }
        InspectOutput::Text => render_text(&inspection),
    })
}

/// The core's [`UrlSummary`] in the shape `--output json` writes.
fn inspect(summary: UrlSummary) -> Inspection {
    Inspection {
        endpoint: summary.endpoint,
        host: summary.host,
        addressing_style: summary.addressing.as_str(),
        addressing_style_guessed: summary.addressing_guessed,
        bucket: summary.bucket,
        key: summary.key,
        access_key_id: summary.access_key_id,
        signature_version: summary.signature_version.botocore_name(),
        algorithm: summary.algorithm,
        region: summary.region,
        region_set: summary.region_set,
        service: summary.service,
        host_form: summary.known_host.map(host_info),
        host_mismatches: summary
            .host_mismatches
            .iter()
            .map(ToString::to_string)
            .collect(),
        signed_at: summary.signed_at,
        expires_in: summary.expires_in,
        expires_at: summary.expires_at,
        now: summary.now,
        expired: summary.expired,
        time_left_seconds: summary.time_left_seconds,
        signed_headers: summary.signed_headers,
        session_token: summary.session_token,
        session_token_parameter: summary.session_token_parameter,
        query: summary.query,
    }
}

fn host_info(known: KnownHost) -> HostInfo {
    let mut description = known.form.map_or_else(
        || provider_title(known.provider).to_owned(),
        |form| form.description().to_owned(),
    );
    for (flag, word) in [(known.dualstack, "dualstack"), (known.fips, "FIPS")] {
        if flag {
            description.push_str(", ");
            description.push_str(word);
        }
    }
    HostInfo {
        provider: provider_name(known.provider),
        form: known.form.map(form_name),
        description,
        sigv4a: known.needs_sigv4a(),
        label: known.label,
        region: known.region,
        signing_service: known.service,
        fips: known.fips,
        dualstack: known.dualstack,
    }
}

/// The JSON name of a host form.
fn form_name(form: HostForm) -> &'static str {
    match form {
        HostForm::Regional => "regional",
        HostForm::Global => "global",
        HostForm::Accelerate => "accelerate",
        HostForm::AccessPoint => "access_point",
        HostForm::ObjectLambda => "object_lambda",
        HostForm::Outposts => "outposts",
        HostForm::Express => "express",
        HostForm::MultiRegionAccessPoint => "multi_region_access_point",
        HostForm::Website => "website",
        HostForm::Control => "control",
        _ => "custom",
    }
}

/// The JSON name of a provider.
fn provider_name(provider: StorageProvider) -> &'static str {
    match provider {
        StorageProvider::AwsS3 => "aws_s3",
        StorageProvider::IbmCos => "ibm_cos",
        StorageProvider::BackblazeB2 => "backblaze_b2",
        StorageProvider::Wasabi => "wasabi",
        StorageProvider::DigitalOceanSpaces => "digitalocean_spaces",
        StorageProvider::Linode => "linode",
        StorageProvider::Scaleway => "scaleway",
        StorageProvider::Ovhcloud => "ovhcloud",
        StorageProvider::OracleCloud => "oracle_cloud",
        StorageProvider::Hetzner => "hetzner",
        StorageProvider::CloudflareR2 => "cloudflare_r2",
        StorageProvider::GoogleCloudStorage => "google_cloud_storage",
        _ => "other",
    }
}

/// A provider's name in words.
fn provider_title(provider: StorageProvider) -> &'static str {
    match provider {
        StorageProvider::AwsS3 => "Amazon S3",
        StorageProvider::IbmCos => "IBM Cloud Object Storage",
        StorageProvider::BackblazeB2 => "Backblaze B2",
        StorageProvider::Wasabi => "Wasabi",
        StorageProvider::DigitalOceanSpaces => "DigitalOcean Spaces",
        StorageProvider::Linode => "Linode Object Storage",
        StorageProvider::Scaleway => "Scaleway Object Storage",
        StorageProvider::Ovhcloud => "OVHcloud Object Storage",
        StorageProvider::OracleCloud => "Oracle Cloud Object Storage",
        StorageProvider::Hetzner => "Hetzner Object Storage",
        StorageProvider::CloudflareR2 => "Cloudflare R2",
        StorageProvider::GoogleCloudStorage => "Google Cloud Storage",
        _ => "another S3-compatible provider",
    }
}

/// The host lines: form, label, region, signing service.
fn host_lines(lines: &mut Vec<(&str, String)>, host: &HostInfo) {
    lines.push(("host form", host.description.clone()));
    if let Some(label) = &host.label {
        lines.push(("host label", display(label)));
    }
    lines.push((
        "host region",
        match (&host.region, host.sigv4a) {
            (Some(region), _) => display(region),
            (None, true) => "none (SigV4A: signed for a region set)".to_owned(),
            (None, false) => "none (the bucket's own region)".to_owned(),
        },
    ));
    lines.push((
        "signing name",
        if host.sigv4a {
            format!("{} (SigV4A)", host.signing_service)
        } else {
            host.signing_service.to_owned()
        },
    ));
}

/// When the URL was signed (SigV4 only), when it expires and the time left.
fn time_lines(lines: &mut Vec<(&str, String)>, inspection: &Inspection) {
    if let (Some(signed_at), Some(expires_in)) = (&inspection.signed_at, inspection.expires_in) {
        lines.push(("signed at", signed_at.clone()));
        lines.push((
            "expires at",
            format!(
                "{} ({} after signing)",
                inspection.expires_at,
                human_duration(Duration::from_secs(expires_in))
            ),
        ));
    } else {
        lines.push((
            "signed at",
            "not in the URL (SigV2 carries only its expiry)".to_owned(),
        ));
        lines.push(("expires at", inspection.expires_at.clone()));
    }
    let left = Duration::from_secs(inspection.time_left_seconds.unsigned_abs());
    lines.push((
        "time left",
        if inspection.expired {
            format!(
                "none: expired {} ago (as of {})",
                human_duration(left),
                inspection.now
            )
        } else {
            format!("{} (as of {})", human_duration(left), inspection.now)
        },
    ));
}

fn render_text(inspection: &Inspection) -> String {
    let mut lines: Vec<(&str, String)> = vec![("endpoint", inspection.endpoint.clone())];
    let style = match inspection.addressing_style {
        "virtual" => "virtual-hosted",
        other => other,
    };
    lines.push((
        "addressing",
        if inspection.addressing_style_guessed {
            format!(
                "{style} (a guess: {} is not a known S3 service host, so bucket and key may be \
                 split differently)",
                display(&inspection.host)
            )
        } else {
            style.to_owned()
        },
    ));
    lines.push(("bucket", display(&inspection.bucket)));
    lines.push(("key", display(&inspection.key)));
    if let Some(host) = &inspection.host_form {
        host_lines(&mut lines, host);
    }
    lines.push(("access key id", display(&inspection.access_key_id)));
    let sigv2 = inspection.signature_version == SignatureVersion::V2.botocore_name();
    match &inspection.region_set {
        Some(set) => {
            lines.push(("algorithm", format!("{} (SigV4A)", inspection.algorithm)));
            lines.push(("region set", display(set)));
        }
        None if sigv2 => lines.push((
            "algorithm",
            format!(
                "{} (SigV2, signature version s3: no region, no scope)",
                inspection.algorithm
            ),
        )),
        None => lines.push(("region", display(&inspection.region))),
    }
    if !sigv2 && (inspection.service != "s3" || inspection.host_form.is_some()) {
        lines.push(("service", display(&inspection.service)));
    }
    for mismatch in &inspection.host_mismatches {
        lines.push((
            "warning",
            format!("{mismatch}: a likely cause of SignatureDoesNotMatch"),
        ));
    }
    time_lines(&mut lines, inspection);
    lines.push((
        "signed headers",
        if inspection.signed_headers.is_empty() {
            "none".to_owned()
        } else {
            inspection.signed_headers.join(", ")
        },
    ));
    lines.push((
        "session token",
        match inspection.session_token_parameter {
            Some("X-Amz-S3session-Token") => {
                "present: an S3 Express session's, X-Amz-S3session-Token (not shown)"
            }
            _ if inspection.session_token => "present (not shown)",
            _ => "none",
        }
        .to_owned(),
    ));
    if inspection.query.is_empty() {
        lines.push(("query", "none besides the signature's".to_owned()));
    }
    for (name, value) in &inspection.query {
        lines.push(("query", format!("{}={}", display(name), display(value))));
    }
    let mut text = String::new();
    for (label, value) in lines {
        let _ = writeln!(text, "{label:<15} {value}");
    }
    text
}

/// `text` as is, or quoted and escaped when it is empty, has blanks at
/// either end or holds control characters (which would garble a terminal).
fn display(text: &str) -> String {
    if text.is_empty() || text.trim() != text || text.chars().any(char::is_control) {
        format!("{text:?}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::display;

    #[test]
    fn empty_padded_and_control_character_values_are_quoted() {
        assert_eq!(display("us-east-1"), "us-east-1");
        assert_eq!(display("a b.txt"), "a b.txt");
        assert_eq!(display(""), "\"\"");
        assert_eq!(display(" a"), "\" a\"");
        assert_eq!(display("a\nb\u{1b}[31m"), "\"a\\nb\\u{1b}[31m\"");
    }
}
