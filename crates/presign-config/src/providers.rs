//! The signing region carried by a storage provider's endpoint host name
//! (`s3.eu-central-2.wasabisys.com` -> `eu-central-2`), used when no region
//! is configured anywhere. The host forms themselves are read by the core's
//! `presign::recognise_host`; `docs/providers.md` lists them and the
//! documentation each rule comes from.

/// Whose host an endpoint is: the core's list ([`presign::StorageProvider`]).
pub use presign::StorageProvider as Provider;

/// A region read from an endpoint host, and whose host form it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRegion {
    /// The signing region, e.g. `eu-de`, `us-west-004`, `auto`.
    pub region: String,
    /// The provider whose host form matched.
    pub provider: Provider,
}

/// The region an endpoint URL's host carries, for the providers of
/// [`Provider`]; `None` for any other host (an IP address, `localhost`, a
/// company's own server) and for hosts without a region (S3 Transfer
/// Acceleration).
///
/// # Example
/// ```
/// use presign_config::{Provider, region_from_endpoint};
///
/// let found = region_from_endpoint("https://s3.eu-de.cloud-object-storage.appdomain.cloud").unwrap();
/// assert_eq!((found.region.as_str(), found.provider), ("eu-de", Provider::IbmCos));
/// assert_eq!(region_from_endpoint("https://abc.r2.cloudflarestorage.com").unwrap().region, "auto");
/// assert_eq!(region_from_endpoint("http://127.0.0.1:9000"), None);
/// ```
#[must_use]
pub fn region_from_endpoint(endpoint_url: &str) -> Option<HostRegion> {
    region_from_host(&endpoint_host(endpoint_url)?)
}

/// The host of `[scheme://][user@]host[:port][/path]`, lower case, without a
/// trailing dot; `None` for an IPv6 literal, which names no provider. The
/// split is the core's [`presign::Authority`].
fn endpoint_host(endpoint_url: &str) -> Option<String> {
    let with_scheme;
    let url = if endpoint_url.contains("://") {
        endpoint_url
    } else {
        with_scheme = format!("https://{endpoint_url}");
        &with_scheme
    };
    let parts = presign::Authority::of_url(url).ok()?;
    if parts.is_ipv6() {
        return None;
    }
    let host = parts.host();
    let host = host.strip_suffix('.').unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// [`region_from_endpoint`] for a bare host name.
///
/// The host forms are the core's ([`presign::recognise_host`], the one list
/// of them); this keeps the ones that carry a region.
#[must_use]
pub fn region_from_host(host: &str) -> Option<HostRegion> {
    let known = presign::recognise_host(host)?;
    let provider = known.provider;
    Some(HostRegion {
        region: known.region?,
        provider,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(endpoint: &str) -> Option<(String, Provider)> {
        region_from_endpoint(endpoint).map(|found| (found.region, found.provider))
    }

    #[track_caller]
    fn check(endpoint: &str, expected: &str, provider: Provider) {
        assert_eq!(
            region(endpoint),
            Some((expected.to_owned(), provider)),
            "{endpoint}"
        );
    }

    #[test]
    fn aws_host_forms() {
        use Provider::AwsS3;
        check("https://s3.amazonaws.com", "us-east-1", AwsS3);
        check("https://s3-external-1.amazonaws.com", "us-east-1", AwsS3);
        check("https://s3.eu-west-1.amazonaws.com", "eu-west-1", AwsS3);
        check("https://s3-eu-west-1.amazonaws.com", "eu-west-1", AwsS3);
        check(
            "https://s3.dualstack.ap-south-1.amazonaws.com",
            "ap-south-1",
            AwsS3,
        );
        check(
            "https://s3-fips.us-gov-west-1.amazonaws.com",
            "us-gov-west-1",
            AwsS3,
        );
        check(
            "https://s3-fips.dualstack.us-east-2.amazonaws.com",
            "us-east-2",
            AwsS3,
        );
        check(
            "https://s3.cn-north-1.amazonaws.com.cn",
            "cn-north-1",
            AwsS3,
        );
        check(
            "https://s3.dualstack.cn-northwest-1.amazonaws.com.cn",
            "cn-northwest-1",
            AwsS3,
        );
        check(
            "https://bucket.s3.eu-central-1.amazonaws.com/",
            "eu-central-1",
            AwsS3,
        );
        check(
            "https://ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com",
            "us-west-2",
            AwsS3,
        );
        check(
            "http://s3-website-us-west-2.amazonaws.com",
            "us-west-2",
            AwsS3,
        );
        check(
            "http://s3-website.eu-west-3.amazonaws.com",
            "eu-west-3",
            AwsS3,
        );
        check(
            "HTTPS://S3.US-WEST-2.AMAZONAWS.COM.:443/base",
            "us-west-2",
            AwsS3,
        );
        // Without a scheme, with user information, a path, a query.
        check("s3.eu-west-1.amazonaws.com", "eu-west-1", AwsS3);
        check(
            "https://user:pw@s3.eu-west-1.amazonaws.com:8443?x#y",
            "eu-west-1",
            AwsS3,
        );
        assert_eq!(region("https://s3-accelerate.amazonaws.com"), None);
        assert_eq!(
            region("https://s3-accelerate.dualstack.amazonaws.com"),
            None
        );
        assert_eq!(region("https://ec2.us-east-1.amazonaws.com"), None);
    }

    #[test]
    fn ibm_cos_public_private_and_direct() {
        use Provider::IbmCos;
        check(
            "https://s3.eu-de.cloud-object-storage.appdomain.cloud",
            "eu-de",
            IbmCos,
        );
        check(
            "https://s3.private.us-south.cloud-object-storage.appdomain.cloud",
            "us-south",
            IbmCos,
        );
        check(
            "https://s3.direct.jp-tok.cloud-object-storage.appdomain.cloud",
            "jp-tok",
            IbmCos,
        );
        check(
            "https://s3.us.cloud-object-storage.appdomain.cloud",
            "us",
            IbmCos,
        );
        check(
            "https://s3.ams03.cloud-object-storage.appdomain.cloud",
            "ams03",
            IbmCos,
        );
        check(
            "https://s3.eu-gb.objectstorage.softlayer.net",
            "eu-gb",
            IbmCos,
        );
        assert_eq!(
            region("https://config.cloud-object-storage.cloud.ibm.com"),
            None
        );
    }

    #[test]
    fn other_providers() {
        check(
            "https://s3.us-west-004.backblazeb2.com",
            "us-west-004",
            Provider::BackblazeB2,
        );
        check("https://s3.wasabisys.com", "us-east-1", Provider::Wasabi);
        check(
            "https://s3.eu-central-2.wasabisys.com",
            "eu-central-2",
            Provider::Wasabi,
        );
        check(
            "https://nyc3.digitaloceanspaces.com",
            "nyc3",
            Provider::DigitalOceanSpaces,
        );
        check(
            "https://bucket.fra1.cdn.digitaloceanspaces.com",
            "fra1",
            Provider::DigitalOceanSpaces,
        );
        check(
            "https://us-east-1.linodeobjects.com",
            "us-east-1",
            Provider::Linode,
        );
        check(
            "https://se-sto-1.linodeobjects.com",
            "se-sto-1",
            Provider::Linode,
        );
        check("https://s3.fr-par.scw.cloud", "fr-par", Provider::Scaleway);
        check("https://s3.gra.io.cloud.ovh.net", "gra", Provider::Ovhcloud);
        check(
            "https://s3.sbg.perf.cloud.ovh.net",
            "sbg",
            Provider::Ovhcloud,
        );
        check(
            "https://axaxnpcrorw5.compat.objectstorage.us-ashburn-1.oraclecloud.com",
            "us-ashburn-1",
            Provider::OracleCloud,
        );
        check(
            "https://fsn1.your-objectstorage.com",
            "fsn1",
            Provider::Hetzner,
        );
        check(
            "https://0123abcd.r2.cloudflarestorage.com",
            "auto",
            Provider::CloudflareR2,
        );
        check(
            "https://0123abcd.eu.r2.cloudflarestorage.com",
            "auto",
            Provider::CloudflareR2,
        );
        check(
            "https://storage.googleapis.com",
            "auto",
            Provider::GoogleCloudStorage,
        );
    }

    #[test]
    fn aws_forms_the_resolver_builds_carry_their_region() {
        use Provider::AwsS3;
        check(
            "https://mybanner-123456789012.s3-object-lambda.us-west-2.amazonaws.com",
            "us-west-2",
            AwsS3,
        );
        check(
            "https://reports-123456789012.op-01234567890123456.s3-outposts.us-west-2.amazonaws.com",
            "us-west-2",
            AwsS3,
        );
        check(
            "https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
            "us-west-2",
            AwsS3,
        );
        check(
            "https://s3.us-iso-east-1.c2s.ic.gov",
            "us-iso-east-1",
            AwsS3,
        );
        assert_eq!(
            region("https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com"),
            None
        );
    }

    #[test]
    fn hosts_without_a_provider_region() {
        for endpoint in [
            "http://127.0.0.1:9000",
            "http://localhost:9000",
            "http://[::1]:9000",
            "[2001:db8::1]",
            "https://user@[2001:db8::1]:443/b",
            "https://minio.example.com",
            "https://objectstorage.us-ashburn-1.oraclecloud.com",
            "https://r2.cloudflarestorage.com",
            "https://s3.wasabisys.com.evil.example",
            "",
        ] {
            assert_eq!(region(endpoint), None, "{endpoint}");
        }
    }
}
