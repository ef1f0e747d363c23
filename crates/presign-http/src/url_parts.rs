//! Scheme, host and port of a URL, without normalising anything else.

/// The parts of a URL that connecting needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// `true` for `https://`.
    pub(crate) https: bool,
    /// Lower case; an IPv6 literal without its brackets.
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl Origin {
    /// `None` unless `url` is `http://` or `https://` with a host (and a
    /// port within 1..=65535, if named). The split is the core's
    /// [`presign::Authority`], the one reading of URLs.
    pub(crate) fn parse(url: &str) -> Option<Self> {
        let parts = presign::Authority::of_url(url).ok()?;
        Some(Self {
            https: parts.is_https()?,
            host: parts.host_name().to_ascii_lowercase(),
            port: parts.port_or_default()?,
        })
    }

    /// `host:port`, with brackets around an IPv6 literal.
    pub(crate) fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Origin;

    #[test]
    fn origins() {
        let origin = |url| Origin::parse(url).map(|o| (o.https, o.host, o.port));
        assert_eq!(
            origin("https://S3.Example.com/b/k?x=1"),
            Some((true, "s3.example.com".into(), 443))
        );
        assert_eq!(
            origin("http://127.0.0.1:9000/b"),
            Some((false, "127.0.0.1".into(), 9000))
        );
        assert_eq!(
            origin("http://[::1]:8080"),
            Some((false, "::1".into(), 8080))
        );
        assert_eq!(origin("http://u:p@host"), Some((false, "host".into(), 80)));
        assert_eq!(origin("ftp://host"), None);
        assert_eq!(
            origin("HTTPS://[2001:DB8::1]/b?x#y"),
            Some((true, "2001:db8::1".into(), 443))
        );
        assert_eq!(origin("http://a@b@h:81?q"), Some((false, "h".into(), 81)));
        assert_eq!(origin("http://[::1"), None);
        assert_eq!(origin("https://"), None);
        assert_eq!(origin("host:80"), None);
        assert_eq!(origin("https://host:99999/"), None);
        assert_eq!(
            Origin::parse("http://[::1]:8080").unwrap().authority(),
            "[::1]:8080"
        );
    }
}
