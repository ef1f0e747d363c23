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
    /// `None` unless `url` is `http://` or `https://` with a host.
    pub(crate) fn parse(url: &str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return None,
        };
        let authority = rest.split(['/', '?', '#']).next()?;
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
            let (host, after) = v6.split_once(']')?;
            (host, after.strip_prefix(':'))
        } else {
            match host_port.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            }
        };
        let port = match port {
            Some(port) => port.parse().ok()?,
            None if https => 443,
            None => 80,
        };
        (!host.is_empty()).then(|| Self {
            https,
            host: host.to_ascii_lowercase(),
            port,
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
        assert_eq!(origin("https://host:99999/"), None);
        assert_eq!(
            Origin::parse("http://[::1]:8080").unwrap().authority(),
            "[::1]:8080"
        );
    }
}
