//! Failed connections in words, with the fix.

use std::io;

use rustls::{CertificateError, Error as TlsError};

use crate::Http;
use crate::probe::{Failure, PeerCertificate};
use crate::trust::Trust;
use crate::url_parts::Origin;

/// A failed request to `url` in words, with the fix.
pub(crate) fn explain(http: &Http, url: &str, error: &ureq::Error) -> String {
    let origin = Origin::parse(url);
    let authority = origin
        .as_ref()
        .map_or_else(|| url.to_owned(), Origin::authority);
    let proxy = http.proxy_for(url);
    let via = proxy
        .as_ref()
        .map(|p| format!(" (through the proxy {} from {})", p.url, p.source))
        .unwrap_or_default();
    if let Some(tls) = find_tls_error(error) {
        // Connect once more, recording the certificate, to name its issuer,
        // names and dates.
        let probe = http.probe(url);
        let peer = probe.tls.as_ref().and_then(|tls| tls.peer.clone());
        let host = origin.as_ref().map_or(url, |o| o.host.as_str());
        return tls_error(tls, peer.as_ref(), host, &http.trust).to_string();
    }
    match error {
        ureq::Error::HostNotFound => format!(
            "cannot resolve the host name of {authority}{via}: check the host in --endpoint-url \
             (or AWS_ENDPOINT_URL, the profile's endpoint_url) and this machine's DNS"
        ),
        ureq::Error::Io(io) => match &proxy {
            Some(p) if io.kind() == io::ErrorKind::ConnectionRefused => format!(
                "cannot connect to the proxy {} (from {}): {io}; is the proxy running, or should \
                 {authority} be in NO_PROXY?",
                p.url, p.source
            ),
            _ => {
                let failure = connect_error(&authority, io);
                format!("{}{via}: {}", failure.problem, failure.fix)
            }
        },
        ureq::Error::ConnectionFailed => format!(
            "cannot connect to {authority}{via}: is the server running, and are the host and port \
             of the endpoint right?"
        ),
        ureq::Error::Timeout(what) => format!(
            "no answer from {authority}{via} in time ({what}): a firewall may drop the \
             connection, or the network needs a proxy (HTTPS_PROXY / HTTP_PROXY)"
        ),
        ureq::Error::ConnectProxyFailed(why) => match &proxy {
            Some(p) => format!(
                "the proxy {} (from {}) did not connect to {authority}: {why}",
                p.url, p.source
            ),
            None => format!("the proxy did not connect to {authority}: {why}"),
        },
        other => format!("the request to {authority}{via} failed: {other}"),
    }
}

/// A failed TCP connection in words.
pub(crate) fn connect_error(authority: &str, error: &io::Error) -> Failure {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => Failure::new(
            format!("cannot connect to {authority}: connection refused (nothing listens there)"),
            "start the server, or correct the host and port of the endpoint (--endpoint-url)",
        ),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::new(
            format!("cannot connect to {authority}: timed out"),
            "check the address, the firewall, and whether the network needs a proxy \
             (HTTPS_PROXY / HTTP_PROXY)",
        ),
        _ => Failure::new(
            format!("cannot connect to {authority}: {error}"),
            "check the host and port of the endpoint (--endpoint-url)",
        ),
    }
}

/// The rustls error inside a ureq error, if any.
fn find_tls_error(error: &ureq::Error) -> Option<&TlsError> {
    match error {
        ureq::Error::Rustls(tls) => Some(tls),
        ureq::Error::Io(io) => io.get_ref()?.downcast_ref::<TlsError>(),
        _ => None,
    }
}

/// A TLS failure in words, with the fix; `peer` adds the certificate's
/// issuer, names and dates when the handshake got that far.
pub(crate) fn tls_error(
    error: &TlsError,
    peer: Option<&PeerCertificate>,
    host: &str,
    trust: &Trust,
) -> Failure {
    let TlsError::InvalidCertificate(certificate_error) = error else {
        return match error {
            TlsError::InvalidMessage(_) | TlsError::InappropriateMessage { .. } => Failure::new(
                format!("the TLS handshake with {host} failed ({error})"),
                "the server may not speak TLS on this port; an http:// endpoint needs http:// in \
                 --endpoint-url",
            ),
            _ => Failure::new(
                format!("the TLS handshake with {host} failed: {error}"),
                "check the server's TLS set-up",
            ),
        };
    };
    let issuer = peer.map_or_else(|| "an unknown issuer".to_owned(), |p| p.issuer.clone());
    match certificate_error {
        CertificateError::UnknownIssuer => Failure::new(
            format!(
                "the server's certificate is not trusted (issued by {issuer}, not in {})",
                trust.places()
            ),
            "pass --ca-bundle FILE (a PEM file with the certificate of the authority that issued \
             it), or set AWS_CA_BUNDLE or ca_bundle in the profile",
        ),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            let names = match (certificate_error, peer) {
                (_, Some(p)) if !p.names.is_empty() => p.names.join(", "),
                (CertificateError::NotValidForNameContext { presented, .. }, _) => {
                    presented.join(", ")
                }
                _ => "other names".to_owned(),
            };
            Failure::new(
                format!("the certificate is for {names}, not {host}"),
                format!(
                    "use a host name the certificate holds in --endpoint-url, or give the server \
                     a certificate for {host}"
                ),
            )
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            let (until, now) = match certificate_error {
                CertificateError::ExpiredContext { time, not_after } => (
                    unix_text(not_after.as_secs()),
                    Some(unix_text(time.as_secs())),
                ),
                _ => (
                    peer.map_or_else(|| "an earlier date".to_owned(), |p| p.not_after.clone()),
                    None,
                ),
            };
            let now = now
                .map(|now| format!(" (this machine's clock reads {now})"))
                .unwrap_or_default();
            Failure::new(
                format!("the server's certificate for {host} expired on {until}{now}"),
                "renew the certificate on the server, or correct this machine's clock if it is \
                 wrong",
            )
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            let from = match certificate_error {
                CertificateError::NotValidYetContext { not_before, .. } => {
                    unix_text(not_before.as_secs())
                }
                _ => peer.map_or_else(|| "a later date".to_owned(), |p| p.not_before.clone()),
            };
            Failure::new(
                format!("the server's certificate for {host} is not valid before {from}"),
                "check this machine's clock",
            )
        }
        _ if format!("{certificate_error:?}").contains("CaUsedAsEndEntity") => {
            let subject = peer.map_or_else(|| "a CA".to_owned(), |p| p.subject.clone());
            Failure::new(
                format!(
                    "the server presents a certificate authority's certificate ({subject}, \
                     CA:TRUE) as its own, which TLS clients refuse"
                ),
                format!(
                    "give the server a certificate for {host} issued by that authority, and \
                     trust the authority with --ca-bundle FILE"
                ),
            )
        }
        _ => Failure::new(
            format!(
                "the server's certificate for {host} (issued by {issuer}) was refused: {error}"
            ),
            "check the server's certificate",
        ),
    }
}

fn unix_text(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map_or_else(
            || format!("{seconds} s after 1970"),
            |t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
}
