//! The service endpoint: `scheme://host[:port][/base/path]`, without a bucket.
//!
//! Parsed by hand, strictly, and never normalised: the URL keeps the
//! authority exactly as given (as botocore does: an explicit `:443` or an
//! upper-case host stays in the URL), while the signed `host` header is
//! lower-cased and drops the scheme's default port. A general URL parser
//! would rewrite both, and would also rewrite `..` and `//` in paths, which
//! breaks signatures.

use std::fmt;

use crate::error::PresignError;
use crate::s3_host::{PARTITIONS, Partition};
use crate::sink::Sink;

/// A parsed, validated endpoint.
///
/// # Example
/// ```
/// use presign::Endpoint;
///
/// let endpoint = Endpoint::parse("https://S3.Example.COM:443/gateway/")?;
/// assert_eq!(endpoint.authority(), "S3.Example.COM:443");
/// assert_eq!(endpoint.host_header(), "s3.example.com");
/// assert_eq!(endpoint.base_path(), "/gateway");
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    secure: bool,
    host: String,
    port: Option<(u16, String)>,
    base_path: String,
}

/// An endpoint parsed in place: the rules of [`Endpoint`], without a copy.
/// The one-URL signer parses every request's endpoint, so this allocates
/// nothing; [`Endpoint`] is its owned form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EndpointRef<'a> {
    secure: bool,
    host: &'a str,
    port: Option<(u16, &'a str)>,
    base_path: &'a str,
}

impl<'a> EndpointRef<'a> {
    /// See [`Endpoint::parse`].
    pub(crate) fn parse(text: &'a str) -> Result<Self, PresignError> {
        let fail = |reason: &'static str| PresignError::InvalidEndpoint {
            endpoint: redact_userinfo(text),
            reason,
        };
        let parts = Authority::of_url(text).map_err(|error| fail(error.reason()))?;
        let secure = parts
            .is_https()
            .ok_or_else(|| fail("only http and https endpoints are supported"))?;
        // Byte scans rather than `str` pattern searches: every URL the
        // one-URL signer makes parses its endpoint, and these strings are
        // short, where a searcher's setup costs more than the search.
        let base_path = parts.rest();
        if base_path.bytes().any(|byte| byte == b'#') {
            return Err(fail("a fragment (#...) is never sent to the server"));
        }
        if base_path.bytes().any(|byte| byte == b'?') {
            return Err(fail("a query (?...) would mix into the signed query"));
        }
        if parts.userinfo().is_some() {
            return Err(fail("user information (user:password@) is not allowed"));
        }
        let host = parts.host();
        let port = parts.port;
        let valid_host = if host.starts_with('[') {
            host.len() > 2
                && host[1..host.len() - 1]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        } else {
            host.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        };
        if !valid_host {
            return Err(fail(
                "the host may only hold letters, digits, '-', '.' and '_' (or an IPv6 address in brackets)",
            ));
        }
        if !base_path.bytes().all(is_path_byte) {
            return Err(fail(
                "the base path holds a character that must be percent-encoded",
            ));
        }
        if !base_path.is_empty() && !is_canonical_path(base_path) {
            return Err(fail(
                "the base path must be written as S3 canonicalises it (letters, digits, '-', '.', \
                 '_', '~' and '/' as they are, anything else as %XX in upper case, e.g. /a%20b), \
                 or servers compute another signature",
            ));
        }
        Ok(Self {
            secure,
            host,
            port,
            base_path: base_path.trim_end_matches('/'),
        })
    }

    /// The owned form.
    pub(crate) fn to_owned(self) -> Endpoint {
        Endpoint {
            secure: self.secure,
            host: self.host.to_owned(),
            port: self
                .port
                .map(|(number, digits)| (number, digits.to_owned())),
            base_path: self.base_path.to_owned(),
        }
    }

    /// `https` or `http`: botocore writes the scheme in lower case whatever
    /// the input.
    pub(crate) fn scheme(self) -> &'static str {
        if self.secure { "https" } else { "http" }
    }

    pub(crate) fn is_https(self) -> bool {
        self.secure
    }

    pub(crate) fn base_path(self) -> &'a str {
        self.base_path
    }

    /// Appends host and port exactly as written.
    pub(crate) fn write_authority(self, out: &mut impl Sink) {
        out.put(self.host);
        if let Some((_, digits)) = self.port {
            out.put(":");
            out.put(digits);
        }
    }

    /// Appends the value of the signed `host` header: the host lower-cased,
    /// plus `:port` unless it is the scheme's default (80 for http, 443 for
    /// https).
    pub(crate) fn write_host_header(self, out: &mut impl Sink) {
        out.put_lowercase(self.host);
        let default_port = if self.secure { 443 } else { 80 };
        if let Some((number, _)) = self.port
            && number != default_port
        {
            out.put(":");
            out.put_decimal(u64::from(number));
        }
    }

    pub(crate) fn is_ip_host(self) -> bool {
        self.host.starts_with('[') || looks_like_ipv4(self.host)
    }

    pub(crate) fn is_aws(self) -> bool {
        let host = self.host.as_bytes();
        PARTITIONS.iter().map(|p| p.dns_suffix).any(|suffix| {
            // `.suffix` at the end of the host, in any case.
            host.len() > suffix.len()
                && host[host.len() - suffix.len() - 1] == b'.'
                && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
        })
    }
}

impl Endpoint {
    /// Parses `http(s)://host[:port][/base/path]`. IPv6 hosts go in brackets.
    ///
    /// # Errors
    /// [`PresignError::InvalidEndpoint`] for a missing or unsupported scheme, a
    /// missing or malformed host, a port outside 1..=65535, user information,
    /// a query, a fragment or a character a URL cannot carry as it is. The
    /// message never repeats user information (it may hold a password).
    pub fn parse(text: &str) -> Result<Self, PresignError> {
        EndpointRef::parse(text).map(EndpointRef::to_owned)
    }

    /// The borrowed form, where the rules live.
    pub(crate) fn as_ref(&self) -> EndpointRef<'_> {
        EndpointRef {
            secure: self.secure,
            host: &self.host,
            port: self
                .port
                .as_ref()
                .map(|(number, digits)| (*number, digits.as_str())),
            base_path: &self.base_path,
        }
    }

    /// The scheme, `https` or `http` (lower case, as botocore writes it).
    #[must_use]
    pub fn scheme(&self) -> &str {
        self.as_ref().scheme()
    }

    /// Whether the scheme is https.
    #[must_use]
    pub fn is_https(&self) -> bool {
        self.secure
    }

    /// The host as written (IPv6 in brackets).
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, if the endpoint names one.
    #[must_use]
    pub fn port(&self) -> Option<u16> {
        self.port.as_ref().map(|(number, _)| *number)
    }

    /// Host and port exactly as written: what goes into the URL.
    #[must_use]
    pub fn authority(&self) -> String {
        let mut authority = String::new();
        self.as_ref().write_authority(&mut authority);
        authority
    }

    /// The value of the signed `host` header: the host lower-cased, plus
    /// `:port` unless it is the scheme's default (80 for http, 443 for https).
    #[must_use]
    pub fn host_header(&self) -> String {
        let mut value = String::new();
        self.as_ref().write_host_header(&mut value);
        value
    }

    /// The base path without its trailing `/` (empty for most endpoints).
    #[must_use]
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Whether the host is an IP literal (IPv4 dotted quad or bracketed IPv6).
    #[must_use]
    pub fn is_ip_host(&self) -> bool {
        self.as_ref().is_ip_host()
    }

    /// Whether the host is `localhost` (or a name below it).
    #[must_use]
    pub fn is_localhost(&self) -> bool {
        let host = self.host.to_ascii_lowercase();
        host == "localhost" || host.ends_with(".localhost")
    }

    /// Whether this is an AWS S3 endpoint (a host under one of the AWS
    /// partitions' DNS suffixes).
    #[must_use]
    pub fn is_aws(&self) -> bool {
        self.as_ref().is_aws()
    }

    /// The AWS S3 endpoint botocore uses for `region`: the global
    /// `s3.amazonaws.com` for `us-east-1`, otherwise `s3.REGION.` and the DNS
    /// suffix of the region's partition (`amazonaws.com`, `amazonaws.com.cn`,
    /// the ISO partitions' and `amazonaws.eu`: the partition botocore's
    /// `partitions.json` puts the region in, see [`Partition::of_region`]).
    /// `None` for an empty region, which AWS cannot serve.
    ///
    /// # Example
    /// ```
    /// use presign::Endpoint;
    ///
    /// assert_eq!(Endpoint::aws_default("us-east-1").as_deref(), Some("https://s3.amazonaws.com"));
    /// assert_eq!(Endpoint::aws_default("eu-west-1").as_deref(), Some("https://s3.eu-west-1.amazonaws.com"));
    /// assert_eq!(Endpoint::aws_default("cn-north-1").as_deref(), Some("https://s3.cn-north-1.amazonaws.com.cn"));
    /// assert_eq!(Endpoint::aws_default("us-iso-east-1").as_deref(), Some("https://s3.us-iso-east-1.c2s.ic.gov"));
    /// assert_eq!(Endpoint::aws_default(""), None);
    /// ```
    #[must_use]
    pub fn aws_default(region: &str) -> Option<String> {
        match region {
            "" => None,
            "us-east-1" => Some("https://s3.amazonaws.com".to_owned()),
            _ => Some(format!(
                "https://s3.{region}.{}",
                Partition::of_region(region).dns_suffix
            )),
        }
    }

    /// Whether `region` is named the way AWS names its regions: lower-case
    /// words joined by `-` and ending in a number (`us-east-1`,
    /// `us-gov-west-1`, `cn-north-1`, `eusc-de-east-1`), with no `fips` part.
    ///
    /// The regions of S3-compatible stores are named otherwise (`auto` for
    /// Cloudflare R2, `eu-de` or `us-south` for IBM COS), and so are
    /// botocore's pseudo-regions (`aws-global`, `s3-external-1`,
    /// `us-east-1-fips`): [`Endpoint::aws_default`] of such a region is a
    /// host AWS does not serve. The shape, not a list, is checked, so that a
    /// region AWS opens later is recognised too.
    ///
    /// # Example
    /// ```
    /// use presign::Endpoint;
    ///
    /// assert!(Endpoint::is_aws_region("eu-west-1"));
    /// assert!(Endpoint::is_aws_region("us-isob-east-1"));
    /// assert!(!Endpoint::is_aws_region("auto"));
    /// assert!(!Endpoint::is_aws_region("eu-de"));
    /// assert!(!Endpoint::is_aws_region("us-east-1-fips"));
    /// assert!(!Endpoint::is_aws_region(""));
    /// ```
    #[must_use]
    pub fn is_aws_region(region: &str) -> bool {
        let parts: Vec<&str> = region.split('-').collect();
        let Some((number, words)) = parts.split_last() else {
            return false;
        };
        words.len() >= 2
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
            && words.iter().all(|word| {
                !word.is_empty() && *word != "fips" && word.bytes().all(|b| b.is_ascii_lowercase())
            })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme(),
            self.authority(),
            self.base_path
        )
    }
}

/// The start of a URL, `scheme://[userinfo@]host[:port]`, split the one way
/// presign reads every URL: the endpoint ([`Endpoint::parse`] adds its
/// stricter rules to this), a presigned URL read back, the URL a POST form
/// goes to, and the shells' connection and region-from-host logic.
///
/// Lenient about what follows the authority (a path, query or fragment is
/// [`Authority::rest`]) and about the scheme (checked by the caller, see
/// [`Authority::is_https`]); strict about the authority itself: a host,
/// IPv6 only in brackets, and a port of digits within 1..=65535. Nothing is
/// normalised: the host keeps its case and its brackets.
///
/// # Example
/// ```
/// use presign::Authority;
///
/// let url = Authority::of_url("HTTPS://user@Bucket.S3.amazonaws.com:443/key?x-id=1")?;
/// assert_eq!(url.is_https(), Some(true));
/// assert_eq!(url.userinfo(), Some("user"));
/// assert_eq!(url.host(), "Bucket.S3.amazonaws.com");
/// assert_eq!(url.port(), Some(443));
/// assert_eq!(url.rest(), "/key?x-id=1");
/// assert_eq!(url.host_header(), "bucket.s3.amazonaws.com");
///
/// let v6 = Authority::of_url("http://[::1]:9000")?;
/// assert_eq!((v6.host(), v6.host_name(), v6.host_header().as_str()), ("[::1]", "::1", "[::1]:9000"));
/// assert!(Authority::of_url("http://h:99999/").is_err());
/// # Ok::<(), presign::AuthorityError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authority<'a> {
    scheme: &'a str,
    userinfo: Option<&'a str>,
    host: &'a str,
    port: Option<(u16, &'a str)>,
    rest: &'a str,
}

/// Why [`Authority::of_url`] could not split a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorityError {
    /// No `scheme://`.
    NoScheme,
    /// Nothing between `://` (or `userinfo@`) and the port or path.
    NoHost,
    /// Unmatched brackets, or text after an IPv6 literal's `]` that is no port.
    MalformedHost,
    /// A port that is empty, not all digits, 0 or above 65535.
    BadPort,
}

impl fmt::Display for AuthorityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for AuthorityError {}

impl AuthorityError {
    /// The message, as a static string (for errors that carry a reason).
    #[must_use]
    pub fn reason(self) -> &'static str {
        match self {
            Self::NoScheme => "it needs a scheme, http:// or https://",
            Self::NoHost => "it has no host",
            Self::MalformedHost => "the host is malformed",
            Self::BadPort => "the port must be a number within 1..=65535",
        }
    }
}

impl<'a> Authority<'a> {
    /// Splits `url` after its scheme: the authority ends at the first `/`,
    /// `?` or `#`; user information is everything before the last `@` in it.
    ///
    /// # Errors
    /// An [`AuthorityError`] naming what is missing or malformed.
    pub fn of_url(url: &'a str) -> Result<Self, AuthorityError> {
        // Byte scans: the one-URL signer parses every request's endpoint.
        let bytes = url.as_bytes();
        let at = bytes
            .windows(3)
            .position(|window| window == b"://")
            .ok_or(AuthorityError::NoScheme)?;
        let (scheme, after_scheme) = (&url[..at], &url[at + 3..]);
        let end = after_scheme
            .bytes()
            .position(|byte| matches!(byte, b'/' | b'?' | b'#'))
            .unwrap_or(after_scheme.len());
        let (authority, rest) = after_scheme.split_at(end);
        let (userinfo, host_port) = match authority.bytes().rposition(|byte| byte == b'@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let (host, port_text) = split_host_port(host_port)?;
        if host.is_empty() || host == "[]" {
            return Err(AuthorityError::NoHost);
        }
        let port = match port_text {
            None => None,
            Some(digits) => Some((parse_port(digits)?, digits)),
        };
        Ok(Self {
            scheme,
            userinfo,
            host,
            port,
            rest,
        })
    }

    /// The scheme as written.
    #[must_use]
    pub fn scheme(&self) -> &'a str {
        self.scheme
    }

    /// `Some(true)` for `https`, `Some(false)` for `http` (any case),
    /// `None` for any other scheme.
    #[must_use]
    pub fn is_https(&self) -> Option<bool> {
        if self.scheme.eq_ignore_ascii_case("https") {
            Some(true)
        } else if self.scheme.eq_ignore_ascii_case("http") {
            Some(false)
        } else {
            None
        }
    }

    /// `user[:password]` before `@`, if any (never put it in a message).
    #[must_use]
    pub fn userinfo(&self) -> Option<&'a str> {
        self.userinfo
    }

    /// The host as written: any case, an IPv6 literal in brackets.
    #[must_use]
    pub fn host(&self) -> &'a str {
        self.host
    }

    /// The host without the brackets of an IPv6 literal.
    #[must_use]
    pub fn host_name(&self) -> &'a str {
        self.host
            .strip_prefix('[')
            .and_then(|inner| inner.strip_suffix(']'))
            .unwrap_or(self.host)
    }

    /// Whether the host is an IPv6 literal.
    #[must_use]
    pub fn is_ipv6(&self) -> bool {
        self.host.starts_with('[')
    }

    /// The port, if the URL names one.
    #[must_use]
    pub fn port(&self) -> Option<u16> {
        self.port.map(|(number, _)| number)
    }

    /// The port if named, else the scheme's default (443 for https, 80 for
    /// http); `None` for another scheme without a port.
    #[must_use]
    pub fn port_or_default(&self) -> Option<u16> {
        self.port().or_else(|| self.default_port())
    }

    /// What follows the authority: empty, or from its first `/`, `?` or `#`.
    #[must_use]
    pub fn rest(&self) -> &'a str {
        self.rest
    }

    /// The value of the `host` header a client sends: the host lower-cased,
    /// plus `:port` unless it is the scheme's default (80 for http, 443 for
    /// https; any port for another scheme).
    #[must_use]
    pub fn host_header(&self) -> String {
        let mut value = self.host.to_ascii_lowercase();
        if let Some(number) = self.port()
            && Some(number) != self.default_port()
        {
            value.push(':');
            value.push_str(&number.to_string());
        }
        value
    }

    fn default_port(&self) -> Option<u16> {
        self.is_https().map(|https| if https { 443 } else { 80 })
    }
}

/// Splits `host[:port]` or `[v6][:port]`.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), AuthorityError> {
    let position = |wanted: u8| authority.bytes().position(|byte| byte == wanted);
    if authority.starts_with('[') {
        let close = position(b']').ok_or(AuthorityError::MalformedHost)?;
        let (host, rest) = authority.split_at(close + 1);
        return match rest {
            "" => Ok((host, None)),
            _ => rest
                .strip_prefix(':')
                .map(|port| (host, Some(port)))
                .ok_or(AuthorityError::MalformedHost),
        };
    }
    if authority.bytes().any(|byte| byte == b'[' || byte == b']') {
        return Err(AuthorityError::MalformedHost);
    }
    Ok(match position(b':') {
        Some(at) => (&authority[..at], Some(&authority[at + 1..])),
        None => (authority, None),
    })
}

/// Digits only, within 1..=65535.
fn parse_port(digits: &str) -> Result<u16, AuthorityError> {
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse::<u16>().ok())
        .flatten()
        .filter(|port| *port != 0)
        .ok_or(AuthorityError::BadPort)
}

/// Whether `byte` may stand unencoded in a URL path (RFC 3986 `pchar` and `/`,
/// plus `%` for an already-encoded base path).
fn is_path_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&byte)
}

/// Whether decoding `path` and encoding it again with the S3 rules gives it
/// back: a server canonicalises the path that way, so a base path written
/// otherwise (`/+`, `/%7e`, `/%41`) would be signed as written but checked as
/// canonicalised.
fn is_canonical_path(path: &str) -> bool {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .is_ok_and(|decoded| crate::encode::path(&decoded) == path)
}

/// Four dot-separated runs of 1 to 3 digits.
pub(crate) fn looks_like_ipv4(text: &str) -> bool {
    let mut parts = 0;
    for part in text.as_bytes().split(|&byte| byte == b'.') {
        parts += 1;
        if part.is_empty() || part.len() > 3 || !part.iter().all(u8::is_ascii_digit) {
            return false;
        }
    }
    parts == 4
}

/// The endpoint with any `user:password@` replaced, for error messages.
pub(crate) fn redact_userinfo(text: &str) -> String {
    let (scheme, rest) = text.split_once("://").unwrap_or(("", text));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let prefix = if scheme.is_empty() {
                String::new()
            } else {
                format!("{scheme}://")
            };
            format!("{prefix}<redacted>@{}", &rest[at + 1..])
        }
        None => text.to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_are_dropped_from_the_host_header_only() {
        let https = Endpoint::parse("https://s3.example.com:443").unwrap();
        assert_eq!(https.authority(), "s3.example.com:443");
        assert_eq!(https.host_header(), "s3.example.com");
        let http_on_443 = Endpoint::parse("http://s3.example.com:443").unwrap();
        assert_eq!(http_on_443.host_header(), "s3.example.com:443");
        let https_on_80 = Endpoint::parse("https://s3.example.com:80").unwrap();
        assert_eq!(https_on_80.host_header(), "s3.example.com:80");
    }

    #[test]
    fn ipv6_hosts_keep_their_brackets() {
        let endpoint = Endpoint::parse("http://[::1]:9000").unwrap();
        assert_eq!(endpoint.host(), "[::1]");
        assert_eq!(endpoint.host_header(), "[::1]:9000");
        assert!(endpoint.is_ip_host());
    }

    #[test]
    fn base_path_loses_its_trailing_slash() {
        let endpoint = Endpoint::parse("https://gateway.example.com:8443/storage/v1/").unwrap();
        assert_eq!(endpoint.base_path(), "/storage/v1");
        assert_eq!(Endpoint::parse("https://h/").unwrap().base_path(), "");
    }

    #[test]
    fn canonical_base_paths_are_accepted() {
        for good in [
            "https://h/s3",
            "https://h/storage/v1/",
            "https://h/gw%20x",
            "https://h/%E2%82%AC~_.-",
        ] {
            assert!(Endpoint::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn the_scheme_is_written_in_lower_case() {
        assert_eq!(
            Endpoint::parse("HTTPS://s3.example.com").unwrap().scheme(),
            "https"
        );
        assert_eq!(
            Endpoint::parse("Http://h:9000").unwrap().to_string(),
            "http://h:9000"
        );
    }

    #[test]
    fn partitions_get_their_own_dns_suffix() {
        for (region, endpoint) in [
            ("us-isob-east-1", "https://s3.us-isob-east-1.sc2s.sgov.gov"),
            ("eu-isoe-west-1", "https://s3.eu-isoe-west-1.cloud.adc-e.uk"),
            (
                "us-isof-south-1",
                "https://s3.us-isof-south-1.csp.hci.ic.gov",
            ),
            ("eusc-de-east-1", "https://s3.eusc-de-east-1.amazonaws.eu"),
            ("us-gov-west-1", "https://s3.us-gov-west-1.amazonaws.com"),
        ] {
            assert_eq!(Endpoint::aws_default(region).as_deref(), Some(endpoint));
            assert!(Endpoint::parse(endpoint).unwrap().is_aws(), "{endpoint}");
        }
    }

    #[test]
    fn aws_region_names_are_told_from_other_stores_and_pseudo_regions() {
        for region in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-7",
            "cn-northwest-1",
            "us-iso-east-1",
            "eu-isoe-west-1",
            "eusc-de-east-1",
            "il-central-1",
        ] {
            assert!(Endpoint::is_aws_region(region), "{region}");
        }
        for region in [
            "",
            "auto",
            "eu-de",
            "us-south",
            "us-standard",
            "aws-global",
            "s3-external-1",
            "us-east-1-fips",
            "fips-us-gov-west-1",
            "us-east-",
            "-east-1",
            "us--1",
            "1",
            "us-east-1a",
        ] {
            assert!(!Endpoint::is_aws_region(region), "{region:?}");
        }
    }

    #[test]
    fn recognises_ip_aws_and_local_hosts() {
        assert!(
            Endpoint::parse("http://127.0.0.1:9000")
                .unwrap()
                .is_ip_host()
        );
        assert!(
            !Endpoint::parse("http://minio.local:9000")
                .unwrap()
                .is_ip_host()
        );
        assert!(
            Endpoint::parse("https://s3.eu-west-1.amazonaws.com")
                .unwrap()
                .is_aws()
        );
        assert!(
            Endpoint::parse("https://s3.cn-north-1.amazonaws.com.cn")
                .unwrap()
                .is_aws()
        );
        assert!(
            !Endpoint::parse("https://amazonaws.com.evil.example")
                .unwrap()
                .is_aws()
        );
        assert!(
            Endpoint::parse("http://localhost:9000")
                .unwrap()
                .is_localhost()
        );
    }

    #[test]
    fn malformed_endpoints_are_refused_with_a_reason() {
        for bad in [
            "s3.amazonaws.com",
            "ftp://s3.amazonaws.com",
            "https://",
            "https://user:pass@s3.example.com",
            "https://s3.example.com/?x=1",
            "https://s3.example.com/#frag",
            "https://s3.example.com:99999",
            "https://s3.example.com:0",
            "https://s3.example.com:",
            "https://s3 .example.com",
            "https://[::1",
            "https://s3.example.com/a b",
            "http://127.0.0.1:9000/+",
            "http://127.0.0.1:9000/%7e",
            "http://127.0.0.1:9000/%41",
            "http://127.0.0.1:9000/a%2Fb",
            "http://127.0.0.1:9000/%zz",
            "http://127.0.0.1:9000/%e2%82%ac",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn authority_splits_every_url_the_one_way() {
        for (url, host, port, userinfo, rest) in [
            ("https://s3.example.com", "s3.example.com", None, None, ""),
            (
                "HTTP://u:p@S3.Example.com:9000/b/k?x=1#f",
                "S3.Example.com",
                Some(9000),
                Some("u:p"),
                "/b/k?x=1#f",
            ),
            ("http://[::1]:8080", "[::1]", Some(8080), None, ""),
            ("http://[::1]/b", "[::1]", None, None, "/b"),
            ("https://a@b@h?q", "h", None, Some("a@b"), "?q"),
            ("https://h#f/x", "h", None, None, "#f/x"),
            ("https://h/a@b", "h", None, None, "/a@b"),
        ] {
            let parts = Authority::of_url(url).unwrap();
            assert_eq!(
                (parts.host(), parts.port(), parts.userinfo(), parts.rest()),
                (host, port, userinfo, rest),
                "{url}"
            );
        }
        for (url, error) in [
            ("s3.example.com", AuthorityError::NoScheme),
            ("https://", AuthorityError::NoHost),
            ("https://user@/k", AuthorityError::NoHost),
            ("https://:80", AuthorityError::NoHost),
            ("https://[]", AuthorityError::NoHost),
            ("https://[::1", AuthorityError::MalformedHost),
            ("https://[::1]x", AuthorityError::MalformedHost),
            ("https://::1]", AuthorityError::MalformedHost),
            ("https://h:", AuthorityError::BadPort),
            ("https://h:0", AuthorityError::BadPort),
            ("https://h:65536", AuthorityError::BadPort),
            ("https://h:+80", AuthorityError::BadPort),
            ("https://a:b:c", AuthorityError::BadPort),
        ] {
            assert_eq!(Authority::of_url(url), Err(error), "{url}");
        }
    }

    #[test]
    fn authority_host_header_drops_only_the_schemes_default_port() {
        for (url, header) in [
            ("https://S3.Example.COM:443/k", "s3.example.com"),
            ("http://h:80", "h"),
            ("http://h:443", "h:443"),
            ("https://h:80", "h:80"),
            ("http://[::1]:9000", "[::1]:9000"),
            ("HTTPS://[::1]:443", "[::1]"),
            ("ftp://h:21", "h:21"),
        ] {
            assert_eq!(
                Authority::of_url(url).unwrap().host_header(),
                header,
                "{url}"
            );
        }
        let v6 = Authority::of_url("http://[::1]").unwrap();
        assert!(v6.is_ipv6());
        assert_eq!((v6.host_name(), v6.port_or_default()), ("::1", Some(80)));
        assert_eq!(Authority::of_url("ftp://h").unwrap().is_https(), None);
        assert_eq!(
            Authority::of_url("ftp://h").unwrap().port_or_default(),
            None
        );
    }

    #[test]
    fn the_strict_endpoint_keeps_its_reasons() {
        for (bad, reason) in [
            ("s3.amazonaws.com", "it needs a scheme"),
            ("ftp://s3.amazonaws.com", "only http and https"),
            ("https://", "it has no host"),
            ("https://[::1", "the host is malformed"),
            ("https://h:99999", "the port must be"),
            ("https://h/?x=1", "a query"),
            ("https://h?x=1", "a query"),
            ("https://h#x", "a fragment"),
            ("https://user:pw@h", "user information"),
            ("https://[zz]", "the host may only hold"),
        ] {
            let message = Endpoint::parse(bad).unwrap_err().to_string();
            assert!(message.contains(reason), "{bad}: {message}");
        }
    }

    #[test]
    fn errors_never_repeat_a_password() {
        let error = Endpoint::parse("https://user:hunter2@s3.example.com").unwrap_err();
        let message = error.to_string();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("<redacted>@s3.example.com"), "{message}");
    }
}
