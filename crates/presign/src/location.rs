//! Where the object of a presigned URL is: bucket and key, from the host and
//! the path, and how sure that reading is.
//!
//! The URL alone does not say whether the bucket is in the host name or in
//! the path. For hosts whose layout is known (every host form
//! [`crate::recognise_host`] reads: AWS, IBM COS, R2 and the other providers;
//! IP addresses, `localhost`) the answer is certain; for any other host it
//! is a guess, and [`ObjectLocation::is_guess`] says so.

use std::net::Ipv4Addr;

use crate::request::Addressing;
use crate::s3_host::recognise_host;

/// Bucket and key of a presigned URL.
///
/// # Example
/// ```
/// use presign::{Addressing, PresignedUrl};
///
/// let url = PresignedUrl::parse("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")?;
/// let location = url.location();
/// assert_eq!((location.bucket(), location.key()), ("examplebucket", "test.txt"));
/// assert_eq!(location.addressing(), Addressing::VirtualHost);
/// assert!(!location.is_guess());
/// # Ok::<(), presign::VerifyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectLocation {
    bucket: String,
    key: String,
    addressing: Addressing,
    guessed: bool,
}

impl ObjectLocation {
    /// The bucket.
    #[must_use]
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The object key, decoded.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// [`Addressing::Path`] or [`Addressing::VirtualHost`].
    #[must_use]
    pub fn addressing(&self) -> Addressing {
        self.addressing
    }

    /// Whether the host's layout is unknown, so bucket and key are a guess.
    #[must_use]
    pub fn is_guess(&self) -> bool {
        self.guessed
    }

    /// Bucket and key of any http(s) URL, signed or not: the URL a POST
    /// form is posted to, say. `None` when it is not an http(s) URL with a
    /// host and a path of percent-encoded UTF-8.
    ///
    /// # Example
    /// ```
    /// use presign::ObjectLocation;
    ///
    /// let form = ObjectLocation::of_url("https://examplebucket.s3.amazonaws.com/").unwrap();
    /// assert_eq!((form.bucket(), form.key()), ("examplebucket", ""));
    /// let path_style = ObjectLocation::of_url("http://127.0.0.1:9000/bucket").unwrap();
    /// assert_eq!(path_style.bucket(), "bucket");
    /// ```
    #[must_use]
    pub fn of_url(url: &str) -> Option<Self> {
        let parts = crate::endpoint::Authority::of_url(url).ok()?;
        parts.is_https()?;
        let path = parts.rest().split(['?', '#']).next().unwrap_or_default();
        let path = if path.is_empty() { "/" } else { path };
        let host = parts.host_header();
        Some(locate(&host, &crate::presigned_url::decode(path)?))
    }
}

/// The location of the object at `host` (as in the `host` header) and the
/// decoded `path`.
pub(crate) fn locate(host: &str, path: &str) -> ObjectLocation {
    let addressing = addressing_of(host);
    let (bucket, key) = bucket_and_key(addressing.style, path);
    ObjectLocation {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        addressing: match addressing.style {
            Style::Path => Addressing::Path,
            Style::VirtualHosted { .. } => Addressing::VirtualHost,
        },
        guessed: addressing.guessed,
    }
}

/// Where the bucket is: in the path, or as the first labels of the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style<'a> {
    /// `host/bucket/key`.
    Path,
    /// `bucket.host/key`.
    VirtualHosted { bucket: &'a str },
}

/// The addressing style of a host, and whether it is known or guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HostAddressing<'a> {
    style: Style<'a>,
    /// The host is not one whose layout is known (an AWS, IBM COS or R2
    /// service host, an IP address, localhost): the style is a guess.
    guessed: bool,
}

/// The addressing style of `host` (as in the `host` header: lower case, a
/// port allowed, IPv6 in brackets).
///
/// Known: IP hosts and `localhost` are path style; on the hosts
/// [`recognise_host`] knows (every AWS S3 form, IBM COS, R2 and the other
/// providers) the bucket is the label it reads (`bucket.s3.eu-west-1.amazonaws.com`;
/// none in `s3.amazonaws.com`). Guessed, for every other host:
/// virtual-hosted when labels precede an `s3` label (`bucket.s3.example.com`)
/// or the host is `NAME.localhost`, else path style (`s3.example.com`,
/// `minio.example.net`).
fn addressing_of(host: &str) -> HostAddressing<'_> {
    let name = without_port(host);
    let known = |style| HostAddressing {
        style,
        guessed: false,
    };
    let guess = |style| HostAddressing {
        style,
        guessed: true,
    };
    if name.starts_with('[') || name.parse::<Ipv4Addr>().is_ok() || name == "localhost" {
        return known(Style::Path);
    }
    if let Some(found) = recognise_host(name) {
        // The label is the start of the name, lower-cased (same length).
        return known(match found.label {
            Some(label) => Style::VirtualHosted {
                bucket: name.get(..label.len()).unwrap_or(name),
            },
            None => Style::Path,
        });
    }
    if let Some(bucket) = labels_before_s3_label(name) {
        return guess(Style::VirtualHosted { bucket });
    }
    if name.split('.').next().is_some_and(is_s3_label) {
        return guess(Style::Path);
    }
    match name.strip_suffix(".localhost") {
        Some(bucket) if !bucket.is_empty() => guess(Style::VirtualHosted { bucket }),
        _ => guess(Style::Path),
    }
}

/// The host without `:port` (IPv6 keeps its brackets).
fn without_port(host: &str) -> &str {
    if host.starts_with('[') {
        host.find(']').map_or(host, |close| &host[..=close])
    } else {
        host.split(':').next().unwrap_or(host)
    }
}

/// `s3`, or `s3-something` (`s3-accelerate`, `s3-eu-west-1`, `s3-api`).
fn is_s3_label(label: &str) -> bool {
    label == "s3" || label.starts_with("s3-")
}

/// The labels before the last `s3` label of `name`, when there are some.
/// The last one, so that a dotted bucket may hold an `s3` label itself.
fn labels_before_s3_label(name: &str) -> Option<&str> {
    name.match_indices('.')
        .filter(|(at, _)| name[at + 1..].split('.').next().is_some_and(is_s3_label))
        .map(|(at, _)| &name[..at])
        .next_back()
        .filter(|bucket| !bucket.is_empty())
}

/// Bucket and key of the decoded `path` in `style`.
fn bucket_and_key<'a>(style: Style<'a>, path: &'a str) -> (&'a str, &'a str) {
    let path = path.strip_prefix('/').unwrap_or(path);
    match style {
        Style::VirtualHosted { bucket } => (bucket, path),
        Style::Path => path.split_once('/').unwrap_or((path, "")),
    }
}

#[cfg(test)]
mod tests {
    use super::{HostAddressing, Style, addressing_of, bucket_and_key};

    fn known(style: Style<'_>) -> HostAddressing<'_> {
        HostAddressing {
            style,
            guessed: false,
        }
    }

    fn guessed(style: Style<'_>) -> HostAddressing<'_> {
        HostAddressing {
            style,
            guessed: true,
        }
    }

    fn virtual_hosted(bucket: &str) -> Style<'_> {
        Style::VirtualHosted { bucket }
    }

    #[test]
    fn aws_ibm_and_r2_hosts_are_known_virtual_hosted_with_a_bucket_label() {
        for (host, bucket) in [
            ("bucket.s3.amazonaws.com", "bucket"),
            ("bucket.s3.eu-west-1.amazonaws.com", "bucket"),
            ("my.dotted.bucket.s3.amazonaws.com", "my.dotted.bucket"),
            ("my.s3.bucket.s3.amazonaws.com", "my.s3.bucket"),
            ("bucket.s3-eu-west-1.amazonaws.com", "bucket"),
            ("bucket.s3-accelerate.amazonaws.com", "bucket"),
            ("bucket.s3.dualstack.us-east-1.amazonaws.com", "bucket"),
            ("bucket.s3.cn-north-1.amazonaws.com.cn", "bucket"),
            (
                "bucket.s3.us-south.cloud-object-storage.appdomain.cloud",
                "bucket",
            ),
            (
                "b-1.s3.direct.us-south.cloud-object-storage.appdomain.cloud",
                "b-1",
            ),
            (
                "bucket.0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com",
                "bucket",
            ),
            (
                "bucket.0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com",
                "bucket",
            ),
            // Host forms the old label rule read wrong or only guessed.
            ("bucket.s3.us-west-004.backblazeb2.com", "bucket"),
            ("bucket.nyc3.digitaloceanspaces.com", "bucket"),
            (
                "mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
                "mybucket--usw2-az1--x-s3",
            ),
            (
                "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
                "mfzwi23gnjvgw.mrap",
            ),
            (
                "reports-123456789012.op-01234567890123456.s3-outposts.us-west-2.amazonaws.com",
                "reports-123456789012",
            ),
            ("bucket.s3.us-iso-east-1.c2s.ic.gov", "bucket"),
        ] {
            assert_eq!(addressing_of(host), known(virtual_hosted(bucket)), "{host}");
        }
    }

    #[test]
    fn service_hosts_ip_hosts_and_localhost_are_known_path_style() {
        for host in [
            "s3.amazonaws.com",
            "s3.eu-west-1.amazonaws.com",
            "s3-eu-west-1.amazonaws.com",
            "s3.us-south.cloud-object-storage.appdomain.cloud",
            "s3.cn-north-1.amazonaws.com.cn",
            "0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com",
            "0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com",
            "nyc3.digitaloceanspaces.com",
            "ns.compat.objectstorage.us-ashburn-1.oraclecloud.com",
            "127.0.0.1:9000",
            "10.1.2.3",
            "[::1]:9000",
            "[2001:db8::1]",
            "localhost",
            "localhost:9000",
        ] {
            assert_eq!(addressing_of(host), known(Style::Path), "{host}");
        }
    }

    #[test]
    fn other_hosts_are_guessed_virtual_before_an_s3_label_or_localhost_else_path() {
        for (host, expected) in [
            ("bucket.s3.example.com", guessed(virtual_hosted("bucket"))),
            ("b-1.s3.example.com:8443", guessed(virtual_hosted("b-1"))),
            ("bucket.localhost:9000", guessed(virtual_hosted("bucket"))),
            ("s3.example.com", guessed(Style::Path)),
            ("s3.localhost", guessed(Style::Path)),
            ("minio.example.net:9443", guessed(Style::Path)),
            ("bucket.minio.local:9000", guessed(Style::Path)),
            ("ec2.amazonaws.com", guessed(Style::Path)),
        ] {
            assert_eq!(addressing_of(host), expected, "{host}");
        }
    }

    #[test]
    fn of_url_reads_the_authority_the_cores_one_way() {
        use super::ObjectLocation;
        for (url, bucket, key) in [
            (
                "https://examplebucket.s3.amazonaws.com/",
                "examplebucket",
                "",
            ),
            (
                "https://Bucket.S3.amazonaws.com:443/a/b?x=1#f",
                "bucket",
                "a/b",
            ),
            ("http://127.0.0.1:9000/bucket", "bucket", ""),
            ("http://[::1]:9000/bucket/k%20x", "bucket", "k x"),
            ("http://user:pw@[::1]/bucket/k", "bucket", "k"),
            ("http://localhost:9000?x", "", ""),
        ] {
            let location = ObjectLocation::of_url(url).unwrap();
            assert_eq!((location.bucket(), location.key()), (bucket, key), "{url}");
        }
        for bad in [
            "ftp://h/b",
            "http://[::1/b",
            "http://h:x/b",
            "h/b",
            "http://h/%ff",
        ] {
            assert_eq!(ObjectLocation::of_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_path_holds_bucket_and_key_in_path_style_and_the_key_alone_virtual_hosted() {
        assert_eq!(bucket_and_key(Style::Path, "/b/a/c.txt"), ("b", "a/c.txt"));
        assert_eq!(bucket_and_key(Style::Path, "/b//x"), ("b", "/x"));
        assert_eq!(bucket_and_key(Style::Path, "/b"), ("b", ""));
        assert_eq!(bucket_and_key(virtual_hosted("b"), "//x/y"), ("b", "/x/y"));
    }
}
