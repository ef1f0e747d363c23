//! Which proxy a request goes through: the one of its scheme
//! (`HTTPS_PROXY` for `https://`, `HTTP_PROXY` for `http://`, `ALL_PROXY`
//! for both), unless `NO_PROXY` names its host the way curl reads it.

use std::net::IpAddr;

use presign_config::TransportConfig;

use crate::url_parts::Origin;

/// The proxy a request goes through, for messages: its URL without a
/// password, and the variable it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyUsed {
    /// The proxy's URL, its password (if any) replaced by `***`.
    pub url: String,
    /// The environment variable it came from (`HTTPS_PROXY`, ...).
    pub source: String,
    /// Whether it is the proxy for `https://` URLs.
    pub(crate) scheme_https: bool,
}

/// The proxy for `url`, or `None` for a direct connection.
pub(crate) fn route(settings: &TransportConfig, url: &str) -> Option<ProxyUsed> {
    let origin = Origin::parse(url)?;
    let proxy = if origin.https {
        settings.https_proxy.as_ref()?
    } else {
        settings.http_proxy.as_ref()?
    };
    if let Some(no_proxy) = &settings.no_proxy
        && no_proxy
            .value
            .iter()
            .any(|entry| bypasses(entry, &origin.host, origin.port))
    {
        return None;
    }
    Some(ProxyUsed {
        url: proxy.value.redacted(),
        source: proxy.source.clone(),
        scheme_https: origin.https,
    })
}

/// Whether the `NO_PROXY` entry `entry` covers `host:port`: `*`; a domain
/// (`example.com`, `.example.com`, `*.example.com`: the domain and its
/// sub-domains); an IP address; a CIDR block (`10.0.0.0/8`); any of those
/// with `:PORT`.
fn bypasses(entry: &str, host: &str, port: u16) -> bool {
    let entry = entry.trim().to_ascii_lowercase();
    if entry == "*" {
        return true;
    }
    let (entry, entry_port) = split_port(&entry);
    if entry_port.is_some_and(|wanted| wanted != port) {
        return false;
    }
    if let Some((network, bits)) = entry.split_once('/') {
        return match (
            network.parse::<IpAddr>(),
            bits.parse::<u8>(),
            host.parse::<IpAddr>(),
        ) {
            (Ok(network), Ok(bits), Ok(address)) => in_block(address, network, bits),
            _ => false,
        };
    }
    if let (Ok(wanted), Ok(address)) = (entry.parse::<IpAddr>(), host.parse::<IpAddr>()) {
        return wanted == address;
    }
    let domain = entry.trim_start_matches('*').trim_start_matches('.');
    !domain.is_empty()
        && (host == domain
            || host
                .strip_suffix(domain)
                .is_some_and(|prefix| prefix.ends_with('.')))
}

/// `host:port` -> (`host`, port); IPv6 literals keep their colons.
fn split_port(entry: &str) -> (&str, Option<u16>) {
    if let Some(v6) = entry.strip_prefix('[') {
        return match v6.split_once(']') {
            Some((host, rest)) => (host, rest.strip_prefix(':').and_then(|p| p.parse().ok())),
            None => (entry, None),
        };
    }
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => match port.parse() {
            Ok(port) => (host, Some(port)),
            Err(_) => (entry, None),
        },
        _ => (entry, None),
    }
}

fn in_block(address: IpAddr, network: IpAddr, bits: u8) -> bool {
    match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use presign_config::{Environment, TransportOverrides, resolve_transport};

    fn settings(vars: &[(&str, &str)]) -> TransportConfig {
        let env = Environment::from_vars(vars.iter().copied(), None);
        resolve_transport(&TransportOverrides::default(), &env).unwrap()
    }

    #[test]
    fn each_scheme_has_its_proxy() {
        let s = settings(&[
            ("HTTPS_PROXY", "http://tls-proxy:3128"),
            ("HTTP_PROXY", "http://u:pw@plain:8080"),
        ]);
        let https = route(&s, "https://s3.example.com/b/k").unwrap();
        assert_eq!(
            (https.url.as_str(), https.source.as_str()),
            ("http://tls-proxy:3128", "HTTPS_PROXY")
        );
        let http = route(&s, "http://127.0.0.1:9000/b").unwrap();
        assert_eq!(
            (http.url.as_str(), http.source.as_str()),
            ("http://u:***@plain:8080", "HTTP_PROXY")
        );
        assert_eq!(
            route(&settings(&[("HTTPS_PROXY", "http://p:1")]), "http://h/"),
            None
        );
        assert_eq!(route(&settings(&[]), "https://h/"), None);
    }

    #[test]
    fn no_proxy_entries() {
        let s = settings(&[
            ("HTTP_PROXY", "http://p:3128"),
            (
                "NO_PROXY",
                "localhost, .corp.example,*.svc, 10.0.0.0/8, 192.168.1.5, minio:9000, [::1]",
            ),
        ]);
        for direct in [
            "http://localhost:9000/",
            "http://s3.corp.example/",
            "http://corp.example/",
            "http://a.b.svc/",
            "http://10.20.30.40/",
            "http://192.168.1.5:8080/",
            "http://minio:9000/",
            "http://[::1]:9000/",
        ] {
            assert_eq!(route(&s, direct), None, "{direct}");
        }
        for proxied in [
            "http://notlocalhost/",
            "http://evilcorp.example/",
            "http://11.0.0.1/",
            "http://192.168.1.6/",
            "http://minio:9001/",
            "http://127.0.0.1/",
        ] {
            assert!(route(&s, proxied).is_some(), "{proxied}");
        }
        assert_eq!(
            route(
                &settings(&[("HTTP_PROXY", "http://p:1"), ("no_proxy", "*")]),
                "http://x/"
            ),
            None
        );
    }
}
