//! Host names read back: which S3 host form (or which S3-compatible
//! provider's host) a name is, the bucket or access point label it starts
//! with, the region it implies and the service a request to it is signed
//! for. The one list of host forms: the resolver builds the AWS ones, this
//! reads them (and the providers' ones) back, and `location.rs` and
//! presign-config's `region_from_host` ask here.

use super::HostForm;
use super::partition::PARTITIONS;

/// Whose host a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StorageProvider {
    /// Amazon S3 (every partition's DNS suffix).
    AwsS3,
    /// IBM Cloud Object Storage
    /// (`s3.[private.|direct.]REGION.cloud-object-storage.appdomain.cloud`).
    IbmCos,
    /// Backblaze B2 (`s3.REGION.backblazeb2.com`).
    BackblazeB2,
    /// Wasabi (`s3.REGION.wasabisys.com`, `s3.wasabisys.com`).
    Wasabi,
    /// DigitalOcean Spaces (`REGION[.cdn].digitaloceanspaces.com`).
    DigitalOceanSpaces,
    /// Linode / Akamai Object Storage (`REGION.linodeobjects.com`).
    Linode,
    /// Scaleway Object Storage (`s3.REGION.scw.cloud`).
    Scaleway,
    /// OVHcloud Object Storage (`s3.REGION[.io|.perf].cloud.ovh.net`).
    Ovhcloud,
    /// Oracle Cloud Object Storage's S3 API
    /// (`NAMESPACE.compat.objectstorage.REGION.oraclecloud.com`), path style.
    OracleCloud,
    /// Hetzner Object Storage (`REGION.your-objectstorage.com`).
    Hetzner,
    /// Cloudflare R2 (`ACCOUNT[.eu|.fedramp].r2.cloudflarestorage.com`).
    CloudflareR2,
    /// Google Cloud Storage's XML API (`storage.googleapis.com`).
    GoogleCloudStorage,
}

impl StorageProvider {
    /// The provider's name for messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::AwsS3 => "Amazon S3",
            Self::IbmCos => "IBM Cloud Object Storage",
            Self::BackblazeB2 => "Backblaze B2",
            Self::Wasabi => "Wasabi",
            Self::DigitalOceanSpaces => "DigitalOcean Spaces",
            Self::Linode => "Linode (Akamai) Object Storage",
            Self::Scaleway => "Scaleway Object Storage",
            Self::Ovhcloud => "OVHcloud Object Storage",
            Self::OracleCloud => "Oracle Cloud Object Storage",
            Self::Hetzner => "Hetzner Object Storage",
            Self::CloudflareR2 => "Cloudflare R2",
            Self::GoogleCloudStorage => "Google Cloud Storage",
        }
    }
}

impl std::fmt::Display for StorageProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a host name says about the requests sent to it.
///
/// # Example
/// ```
/// use presign::{recognise_host, HostForm, StorageProvider};
///
/// let host = recognise_host("myap-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com").unwrap();
/// assert_eq!(host.provider, StorageProvider::AwsS3);
/// assert_eq!(host.form, Some(HostForm::AccessPoint));
/// assert_eq!(host.label.as_deref(), Some("myap-123456789012"));
/// assert_eq!(host.region.as_deref(), Some("us-west-2"));
/// assert_eq!(host.service, "s3");
/// assert!(host.dualstack && !host.fips);
///
/// let spaces = recognise_host("bucket.nyc3.digitaloceanspaces.com").unwrap();
/// assert_eq!((spaces.label.as_deref(), spaces.region.as_deref()), (Some("bucket"), Some("nyc3")));
/// assert_eq!(recognise_host("minio.example.com"), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownHost {
    /// Whose host it is.
    pub provider: StorageProvider,
    /// The AWS host form; `None` for other providers.
    pub form: Option<HostForm>,
    /// The leading label(s) naming the bucket (or the access point,
    /// `NAME-ACCOUNT`, or `NAME.mrap`): `Some` for a virtual-hosted name,
    /// `None` for a service host, where the bucket is in the path.
    pub label: Option<String>,
    /// The region the host implies: `None` where it names none (S3
    /// Accelerate, Multi-Region Access Points); `auto` for R2 and GCS.
    pub region: Option<String>,
    /// The service a request to it is signed for: `s3`, `s3-object-lambda`,
    /// `s3-outposts` or `s3express`. A Multi-Region Access Point is `s3`
    /// signed with SigV4A ([`KnownHost::needs_sigv4a`]).
    pub service: &'static str,
    /// A FIPS host.
    pub fips: bool,
    /// A dual-stack host.
    pub dualstack: bool,
}

impl KnownHost {
    /// Whether requests to it are signed with SigV4A (a Multi-Region Access
    /// Point; Outposts accept SigV4 as well).
    #[must_use]
    pub fn needs_sigv4a(&self) -> bool {
        self.form == Some(HostForm::MultiRegionAccessPoint)
    }

    fn provider(provider: StorageProvider, label: &[&str], region: &str) -> Option<Self> {
        is_region_label(region).then(|| Self {
            provider,
            form: None,
            label: joined(label),
            region: Some(region.to_owned()),
            service: "s3",
            fips: false,
            dualstack: false,
        })
    }
}

/// Reads a host name (no port; any case; a trailing dot allowed): which S3
/// host form or provider host it is, its bucket label, region and signing
/// service. `None` for a host whose layout is not known (an IP address,
/// `localhost`, a company's own server, another AWS service).
#[must_use]
pub fn recognise_host(host: &str) -> Option<KnownHost> {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    if labels.iter().any(|label| label.is_empty()) {
        return None;
    }
    for partition in &PARTITIONS {
        let suffix: Vec<&str> = partition.dns_suffix.split('.').collect();
        if let Some(prefix) = strip_suffix(&labels, &suffix) {
            return aws(prefix, partition.implicit_global_region);
        }
    }
    other_provider(&labels)
}

/// The labels before `suffix`, when `labels` ends with it.
fn strip_suffix<'a, 'b>(labels: &'a [&'b str], suffix: &[&str]) -> Option<&'a [&'b str]> {
    (labels.len() >= suffix.len() && labels[labels.len() - suffix.len()..] == *suffix)
        .then(|| &labels[..labels.len() - suffix.len()])
}

fn joined(labels: &[&str]) -> Option<String> {
    (!labels.is_empty()).then(|| labels.join("."))
}

/// A plausible region: lower-case letters, digits and `-`, not starting
/// with `-`.
fn is_region_label(label: &str) -> bool {
    !label.is_empty()
        && !label.starts_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An AWS host from its labels before the partition's DNS suffix.
fn aws(prefix: &[&str], global_region: &str) -> Option<KnownHost> {
    let host = |form, label: &[&str], region: Option<&str>, service| KnownHost {
        provider: StorageProvider::AwsS3,
        form: Some(form),
        label: joined(label),
        region: region.map(str::to_owned),
        service,
        fips: false,
        dualstack: false,
    };
    let found = match prefix {
        [label @ .., "s3"] => host(HostForm::Global, label, Some(global_region), "s3"),
        [label @ .., "s3-external-1"] => host(HostForm::Global, label, Some("us-east-1"), "s3"),
        [label @ .., "s3-accelerate"] => host(HostForm::Accelerate, label, None, "s3"),
        [label @ .., "s3-accelerate", "dualstack"] => KnownHost {
            dualstack: true,
            ..host(HostForm::Accelerate, label, None, "s3")
        },
        [label @ .., "accesspoint", "s3-global"] => {
            host(HostForm::MultiRegionAccessPoint, label, None, "s3")
        }
        [rest @ .., region] if is_region_label(region) => {
            return regional(rest, region).or_else(|| legacy_dash(prefix));
        }
        _ => return None,
    };
    Some(found)
}

/// `[LABEL.]SERVICE[.dualstack].REGION`.
fn regional(rest: &[&str], region: &str) -> Option<KnownHost> {
    let (dualstack, rest) = match rest {
        [rest @ .., "dualstack"] => (true, rest),
        _ => (false, rest),
    };
    let (service_label, label) = rest.split_last()?;
    let (service_label, fips) = match service_label.strip_suffix("-fips") {
        Some(base) => (base, true),
        None => (*service_label, false),
    };
    let (form, service, label) = match service_label {
        "s3" => (HostForm::Regional, "s3", label),
        "s3-accesspoint" => (HostForm::AccessPoint, "s3", label),
        "s3-object-lambda" => (HostForm::ObjectLambda, "s3-object-lambda", label),
        "s3-website" => (HostForm::Website, "s3", label),
        "s3-control" => (HostForm::Control, "s3", label),
        "s3express-control" => (HostForm::Control, "s3express", label),
        // NAME-ACCOUNT.OUTPOST_ID (or an alias then op-ID / ec2).
        "s3-outposts" => (
            HostForm::Outposts,
            "s3-outposts",
            label.split_last().map_or(&[][..], |(_, label)| label),
        ),
        zonal => {
            let zone = zonal
                .strip_prefix("s3express-fips-")
                .or_else(|| zonal.strip_prefix("s3express-"))?;
            if zone.is_empty() {
                return None;
            }
            let fips = zonal.starts_with("s3express-fips-");
            return Some(KnownHost {
                provider: StorageProvider::AwsS3,
                form: Some(HostForm::Express),
                label: joined(label),
                region: Some(region.to_owned()),
                service: "s3express",
                fips,
                dualstack,
            });
        }
    };
    Some(KnownHost {
        provider: StorageProvider::AwsS3,
        form: Some(form),
        label: joined(label),
        region: Some(region.to_owned()),
        service,
        fips,
        dualstack,
    })
}

/// The legacy dash forms `[LABEL.]s3-REGION` and `[LABEL.]s3-website-REGION`.
fn legacy_dash(prefix: &[&str]) -> Option<KnownHost> {
    let (last, label) = prefix.split_last()?;
    let (form, region) = match last.strip_prefix("s3-website-") {
        Some(region) => (HostForm::Website, region),
        None => (HostForm::Regional, last.strip_prefix("s3-")?),
    };
    // A region ends in a number; s3-accelerate and the like do not.
    if !region.ends_with(|c: char| c.is_ascii_digit()) || !is_region_label(region) {
        return None;
    }
    Some(KnownHost {
        provider: StorageProvider::AwsS3,
        form: Some(form),
        label: joined(label),
        region: Some(region.to_owned()),
        service: "s3",
        fips: false,
        dualstack: false,
    })
}

/// `[LABEL.]s3.REGION`: the label and the region.
fn s3_dot_region<'a>(prefix: &'a [&'a str]) -> Option<(&'a [&'a str], &'a str)> {
    match prefix {
        [label @ .., "s3", region] => Some((label, region)),
        _ => None,
    }
}

/// The S3-compatible providers' hosts (`docs/providers.md` lists them
/// with the documentation each comes from).
fn other_provider(labels: &[&str]) -> Option<KnownHost> {
    use StorageProvider as P;
    let suffixed = |suffix: &[&str]| strip_suffix(labels, suffix);
    if let Some(prefix) = suffixed(&["cloud-object-storage", "appdomain", "cloud"])
        .or_else(|| suffixed(&["objectstorage", "softlayer", "net"]))
        .or_else(|| suffixed(&["objectstorage", "service", "networklayer", "com"]))
    {
        // [BUCKET.]s3[.private|.direct].REGION (and tethered forms such as
        // s3.dal.us): the region is the last label, the bucket before `s3`.
        let at = prefix.iter().rposition(|label| *label == "s3")?;
        let (region, _) = prefix.split_last().filter(|_| prefix.len() >= 2)?;
        return KnownHost::provider(P::IbmCos, &prefix[..at], region);
    }
    if let Some(prefix) = suffixed(&["backblazeb2", "com"]) {
        let (label, region) = s3_dot_region(prefix)?;
        return KnownHost::provider(P::BackblazeB2, label, region);
    }
    if let Some(prefix) = suffixed(&["wasabisys", "com"]) {
        if let [label @ .., "s3"] = prefix {
            return KnownHost::provider(P::Wasabi, label, "us-east-1");
        }
        let (label, region) = s3_dot_region(prefix)?;
        return KnownHost::provider(P::Wasabi, label, region);
    }
    if let Some(prefix) = suffixed(&["digitaloceanspaces", "com"]) {
        let prefix = prefix.strip_suffix(&["cdn"]).unwrap_or(prefix);
        let (region, label) = prefix.split_last()?;
        return KnownHost::provider(P::DigitalOceanSpaces, label, region);
    }
    for (suffix, provider) in [
        (&["linodeobjects", "com"], P::Linode),
        (&["your-objectstorage", "com"], P::Hetzner),
    ] {
        if let Some(prefix) = suffixed(suffix) {
            let (region, label) = prefix.split_last()?;
            return KnownHost::provider(provider, label, region);
        }
    }
    if let Some(prefix) = suffixed(&["scw", "cloud"]) {
        let (label, region) = s3_dot_region(prefix)?;
        return KnownHost::provider(P::Scaleway, label, region);
    }
    if let Some(prefix) =
        suffixed(&["cloud", "ovh", "net"]).or_else(|| suffixed(&["cloud", "ovh", "us"]))
    {
        // s3.REGION.io, s3.REGION.perf (and the older s3.REGION form).
        let prefix = prefix
            .strip_suffix(&["io"])
            .or_else(|| prefix.strip_suffix(&["perf"]))
            .unwrap_or(prefix);
        let (label, region) = s3_dot_region(prefix)?;
        return KnownHost::provider(P::Ovhcloud, label, region);
    }
    if let Some(prefix) =
        suffixed(&["oraclecloud", "com"]).or_else(|| suffixed(&["oci", "customer-oci", "com"]))
    {
        // NAMESPACE.compat.objectstorage.REGION: path style, the namespace
        // is not a bucket.
        return match prefix {
            [.., "compat", "objectstorage", region] => {
                KnownHost::provider(P::OracleCloud, &[], region)
            }
            _ => None,
        };
    }
    cloudflare_or_google(labels)
}

/// R2 (`[BUCKET.]ACCOUNT[.eu|.fedramp].r2.cloudflarestorage.com`) and GCS
/// (`[BUCKET.]storage.googleapis.com`): region `auto`.
fn cloudflare_or_google(labels: &[&str]) -> Option<KnownHost> {
    if let Some(prefix) = strip_suffix(labels, &["r2", "cloudflarestorage", "com"]) {
        let prefix = ["eu", "fedramp"]
            .iter()
            .find_map(|jurisdiction| prefix.strip_suffix(&[*jurisdiction]))
            .filter(|rest| !rest.is_empty())
            .unwrap_or(prefix);
        let (_account, label) = prefix.split_last()?;
        return KnownHost::provider(StorageProvider::CloudflareR2, label, "auto");
    }
    let label = strip_suffix(labels, &["storage", "googleapis", "com"])?;
    KnownHost::provider(StorageProvider::GoogleCloudStorage, label, "auto")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{KnownHost, StorageProvider, recognise_host};
    use crate::s3_host::{AuthScheme, EndpointSettings, HostForm, resolve_s3_endpoint};

    fn settings(region: &str, change: impl FnOnce(&mut EndpointSettings)) -> EndpointSettings {
        let mut settings = EndpointSettings::new(region);
        change(&mut settings);
        settings
    }

    /// The host of a URL the resolver built.
    fn host_of(url: &str) -> &str {
        let rest = url.split_once("://").unwrap().1;
        rest.split('/').next().unwrap()
    }

    /// Resolves, then reads the host back: the label, region, service and
    /// flags must be the ones the resolver used.
    #[track_caller]
    fn round_trip(settings: &EndpointSettings, bucket: &str) -> KnownHost {
        let resolved = resolve_s3_endpoint(settings, bucket).unwrap();
        let url = resolved.url();
        let known = recognise_host(host_of(&url)).unwrap_or_else(|| panic!("{url}"));
        assert_eq!(known.provider, StorageProvider::AwsS3, "{url}");
        assert_eq!(known.form, Some(resolved.form), "{url}");
        assert_eq!(
            known.label.as_deref(),
            Some(resolved.bucket.as_str()),
            "{url}"
        );
        let sigv4 = std::iter::once(&resolved.auth)
            .chain(&resolved.alternative_auth)
            .find(|auth| !matches!(auth, AuthScheme::SigV4a { .. }));
        // An accelerate host names no region: the scope's comes from the
        // settings.
        let region = sigv4
            .and_then(AuthScheme::signing_region)
            .filter(|_| resolved.form != HostForm::Accelerate);
        assert_eq!(known.region.as_deref(), region, "{url}");
        assert_eq!(known.service, resolved.auth.signing_name(), "{url}");
        assert_eq!(
            (known.fips, known.dualstack),
            (resolved.fips, resolved.dualstack),
            "{url}"
        );
        assert_eq!(
            known.needs_sigv4a(),
            resolved.form == HostForm::MultiRegionAccessPoint,
            "{url}"
        );
        known
    }

    #[test]
    fn regional_global_dualstack_fips_and_accelerate_hosts_round_trip() {
        round_trip(&settings("us-west-2", |_| {}), "bucket-name");
        round_trip(&settings("us-east-1", |_| {}), "bucket-name");
        round_trip(&settings("us-iso-east-1", |_| {}), "bucket-name");
        round_trip(
            &settings("cn-north-1", |s| s.use_dualstack = true),
            "bucket",
        );
        round_trip(&settings("us-gov-west-1", |s| s.use_fips = true), "bucket");
        round_trip(
            &settings("us-west-2", |s| {
                s.use_fips = true;
                s.use_dualstack = true;
            }),
            "bucket",
        );
        let accelerate = round_trip(&settings("us-west-2", |s| s.accelerate = true), "bucket");
        assert_eq!(accelerate.region, None);
        round_trip(
            &settings("us-west-2", |s| {
                s.accelerate = true;
                s.use_dualstack = true;
            }),
            "bucket",
        );
    }

    #[test]
    fn access_point_and_object_lambda_hosts_round_trip() {
        let arn = "arn:aws:s3:us-west-2:123456789012:accesspoint/myendpoint";
        for (fips, dualstack) in [(false, false), (true, false), (false, true), (true, true)] {
            round_trip(
                &settings("us-east-1", |s| {
                    s.use_fips = fips;
                    s.use_dualstack = dualstack;
                }),
                arn,
            );
        }
        round_trip(
            &settings("cn-north-1", |_| {}),
            "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/myendpoint",
        );
        let lambda = "arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/mybanner";
        let known = round_trip(&settings("us-west-2", |_| {}), lambda);
        assert_eq!(known.service, "s3-object-lambda");
        round_trip(&settings("us-west-2", |s| s.use_fips = true), lambda);
    }

    #[test]
    fn outposts_express_and_multi_region_hosts_round_trip() {
        let outposts = round_trip(
            &settings("us-west-2", |_| {}),
            "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports",
        );
        assert_eq!(outposts.service, "s3-outposts");
        for alias in [
            "test-accessp-o0b1d075431d83bebde8xz5w8ijx1qzlbp3i3kuse10--op-s3",
            "test-accessp-e0000075431d83bebde8xz5w8ijx1qzlbp3i3kuse10--op-s3",
        ] {
            round_trip(&settings("us-east-1", |_| {}), alias);
        }
        for (fips, dualstack) in [(false, false), (true, false), (false, true), (true, true)] {
            let express = round_trip(
                &settings("us-west-2", |s| {
                    s.use_fips = fips;
                    s.use_dualstack = dualstack;
                    s.disable_express_session_auth = true;
                }),
                "mybucket--usw2-az1--x-s3",
            );
            assert_eq!(express.service, "s3express");
        }
        round_trip(
            &settings("us-west-2", |_| {}),
            "myaccesspoint--usw2-az1--xa-s3",
        );
        let mrap = round_trip(
            &settings("us-east-1", |_| {}),
            "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap",
        );
        assert!(mrap.needs_sigv4a());
        assert_eq!(mrap.region, None);
    }

    /// Hosts taken literally from botocore's endpoint-tests-1.json.
    #[test]
    fn hosts_from_botocore_s_tests_are_recognised() {
        let read = |host: &str| {
            let known = recognise_host(host).unwrap();
            (
                known.form.unwrap(),
                known.label,
                known.region,
                known.service,
            )
        };
        let some = |text: &str| Some(text.to_owned());
        for (host, form, label, region, service) in [
            (
                "myendpoint-123456789012.s3-accesspoint-fips.dualstack.us-west-2.amazonaws.com",
                HostForm::AccessPoint,
                some("myendpoint-123456789012"),
                some("us-west-2"),
                "s3",
            ),
            (
                "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
                HostForm::MultiRegionAccessPoint,
                some("mfzwi23gnjvgw.mrap"),
                None,
                "s3",
            ),
            (
                "reports-123456789012.op-01234567890123456.s3-outposts.us-west-2.amazonaws.com",
                HostForm::Outposts,
                some("reports-123456789012"),
                some("us-west-2"),
                "s3-outposts",
            ),
            (
                "mybanner-123456789012.s3-object-lambda.us-west-2.amazonaws.com",
                HostForm::ObjectLambda,
                some("mybanner-123456789012"),
                some("us-west-2"),
                "s3-object-lambda",
            ),
            (
                "mybucket--test-ab1--x-s3.s3express-fips-test-ab1.us-east-1.amazonaws.com",
                HostForm::Express,
                some("mybucket--test-ab1--x-s3"),
                some("us-east-1"),
                "s3express",
            ),
            (
                "s3.dualstack.us-west-2.amazonaws.com",
                HostForm::Regional,
                None,
                some("us-west-2"),
                "s3",
            ),
            (
                "bucket.s3-accelerate.dualstack.amazonaws.com",
                HostForm::Accelerate,
                some("bucket"),
                None,
                "s3",
            ),
        ] {
            assert_eq!(read(host), (form, label, region, service), "{host}");
        }
    }

    #[test]
    fn provider_hosts_give_their_bucket_label_and_region() {
        for (host, provider, label, region) in [
            (
                "bucket.s3.us-south.cloud-object-storage.appdomain.cloud",
                StorageProvider::IbmCos,
                Some("bucket"),
                "us-south",
            ),
            (
                "s3.direct.jp-tok.cloud-object-storage.appdomain.cloud",
                StorageProvider::IbmCos,
                None,
                "jp-tok",
            ),
            (
                "bucket.s3.us-west-004.backblazeb2.com",
                StorageProvider::BackblazeB2,
                Some("bucket"),
                "us-west-004",
            ),
            (
                "bucket.s3.wasabisys.com",
                StorageProvider::Wasabi,
                Some("bucket"),
                "us-east-1",
            ),
            (
                "bucket.fra1.cdn.digitaloceanspaces.com",
                StorageProvider::DigitalOceanSpaces,
                Some("bucket"),
                "fra1",
            ),
            (
                "se-sto-1.linodeobjects.com",
                StorageProvider::Linode,
                None,
                "se-sto-1",
            ),
            (
                "b.s3.fr-par.scw.cloud",
                StorageProvider::Scaleway,
                Some("b"),
                "fr-par",
            ),
            (
                "s3.gra.io.cloud.ovh.net",
                StorageProvider::Ovhcloud,
                None,
                "gra",
            ),
            (
                "ns.compat.objectstorage.us-ashburn-1.oraclecloud.com",
                StorageProvider::OracleCloud,
                None,
                "us-ashburn-1",
            ),
            (
                "b.fsn1.your-objectstorage.com",
                StorageProvider::Hetzner,
                Some("b"),
                "fsn1",
            ),
            (
                "bucket.0123abcd.eu.r2.cloudflarestorage.com",
                StorageProvider::CloudflareR2,
                Some("bucket"),
                "auto",
            ),
            (
                "bucket.storage.googleapis.com",
                StorageProvider::GoogleCloudStorage,
                Some("bucket"),
                "auto",
            ),
        ] {
            let known = recognise_host(host).unwrap();
            assert_eq!(
                (
                    known.provider,
                    known.label.as_deref(),
                    known.region.as_deref()
                ),
                (provider, label, Some(region)),
                "{host}"
            );
        }
    }

    #[test]
    fn unknown_hosts_are_not_recognised() {
        for host in [
            "127.0.0.1",
            "localhost",
            "minio.example.com",
            "ec2.us-east-1.amazonaws.com",
            "amazonaws.com",
            "s3.wasabisys.com.evil.example",
            "r2.cloudflarestorage.com",
            "a..s3.amazonaws.com",
        ] {
            assert_eq!(recognise_host(host), None, "{host}");
        }
    }
}
