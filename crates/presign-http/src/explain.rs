//! Failed connections in words, with the fix.

use std::io;

use rustls::{CertificateError, Error as TlsError};

use crate::Http;
use crate::early_answer::WriteBroke;
use crate::probe::{Failure, PeerCertificate};
use crate::trust::Trust;
use crate::url_parts::Origin;

/// A failed request to `url` in words, with the fix.
pub(crate) fn explain(http: &Http, url: &str, error: &ureq::Error) -> Failure {
    let origin = Origin::parse(url);
    let authority = origin
        .as_ref()
        .map_or_else(|| url.to_owned(), Origin::authority);
    let plain_http = origin.as_ref().is_some_and(|o| !o.https);
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
        return tls_error(tls, peer.as_ref(), host, &http.trust);
    }
    match error {
        ureq::Error::HostNotFound => Failure::new(
            format!("cannot resolve the host name of {authority}{via}"),
            "check the host in --endpoint-url (or AWS_ENDPOINT_URL, the profile's endpoint_url) \
             and this machine's DNS",
        ),
        ureq::Error::Io(io) => match &proxy {
            Some(p) if io.kind() == io::ErrorKind::ConnectionRefused => Failure::new(
                format!(
                    "cannot connect to the proxy {} (from {}): {io}",
                    p.url, p.source
                ),
                format!("is the proxy running, or should {authority} be in NO_PROXY?"),
            ),
            _ => {
                let failure = io_failure(&authority, io, plain_http);
                Failure::new(format!("{}{via}", failure.problem), failure.fix)
            }
        },
        ureq::Error::ConnectionFailed => Failure::new(
            format!("cannot connect to {authority}{via}"),
            "is the server running, and are the host and port of the endpoint right?",
        ),
        ureq::Error::Timeout(what) => timeout(&authority, &via, *what),
        ureq::Error::ConnectProxyFailed(why) => Failure::new(
            match &proxy {
                Some(p) => format!(
                    "the proxy {} (from {}) did not connect to {authority}: {why}",
                    p.url, p.source
                ),
                None => format!("the proxy did not connect to {authority}: {why}"),
            },
            "check the proxy URL in HTTPS_PROXY / HTTP_PROXY, or add the host to NO_PROXY",
        ),
        other => Failure::new(
            format!("the request to {authority}{via} failed: {other}"),
            "check the endpoint (--endpoint-url) and the network; try again",
        ),
    }
}

/// What to do when a connection was made and then lost while the request
/// was being sent.
const STOPPED_READING: &str = "the connection was made, so the host and port are right: the \
    server, or a proxy or load balancer in front of it, stopped reading the request, often at a \
    limit on its size or time (its logs say which); try again, or ask the server's operator";

/// What to do when a connection was made and then lost without a complete
/// answer (none, or part of one).
fn dropped_fix(plain_http: bool) -> String {
    let mut fix = "the connection was made, so the host and port are right: the server, or a \
        proxy, load balancer or firewall in between, dropped it; try again, and check the \
        server's logs"
        .to_owned();
    if plain_http {
        fix.push_str("; if that port speaks TLS, use https:// in --endpoint-url");
    }
    fix
}

/// A failed request's I/O error in words: a connection that could not be
/// made, or one that was made and then lost (which says nothing against
/// the host and port, and must not read as if it did).
pub(crate) fn io_failure(authority: &str, error: &io::Error, plain_http: bool) -> Failure {
    let reset = matches!(
        error.kind(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
    );
    let how = if reset {
        "reset the connection"
    } else {
        "closed the connection"
    };
    if let Some(broke) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<WriteBroke>())
    {
        return Failure::new(
            format!(
                "{authority} {how} while the request was being sent, after {} bytes of it, and \
                 sent no answer ({error})",
                broke.sent
            ),
            STOPPED_READING,
        );
    }
    match error.kind() {
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::TimedOut
        | io::ErrorKind::WouldBlock
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::NetworkDown
        | io::ErrorKind::AddrNotAvailable => connect_error(authority, error),
        io::ErrorKind::BrokenPipe => Failure::new(
            format!(
                "{authority} closed the connection while the request was being sent, and sent no \
                 answer ({error})"
            ),
            STOPPED_READING,
        ),
        io::ErrorKind::UnexpectedEof => Failure::new(
            format!("{authority} {how} without a complete answer ({error})"),
            dropped_fix(plain_http),
        ),
        _ if reset => Failure::new(
            format!("{authority} {how} without a complete answer ({error})"),
            dropped_fix(plain_http),
        ),
        _ => Failure::new(
            format!("the connection to {authority} failed: {error}"),
            "check the endpoint (--endpoint-url) and the network; try again",
        ),
    }
}

/// A timeout in words: while connecting, sending or waiting for the answer.
fn timeout(authority: &str, via: &str, what: ureq::Timeout) -> Failure {
    match what {
        ureq::Timeout::Resolve | ureq::Timeout::Connect => Failure::new(
            format!("no answer from {authority}{via} in time ({what})"),
            "a firewall may drop the connection, or the network needs a proxy (HTTPS_PROXY / \
             HTTP_PROXY)",
        ),
        ureq::Timeout::SendRequest | ureq::Timeout::SendBody | ureq::Timeout::PerWrite => {
            Failure::new(
                format!(
                    "{authority}{via} took the connection but stopped taking the request ({what} \
                     timed out)"
                ),
                "the server or the network is stalled; try again, and check the server's logs",
            )
        }
        ureq::Timeout::RecvResponse | ureq::Timeout::RecvBody | ureq::Timeout::PerRead => {
            Failure::new(
                format!(
                    "{authority}{via} took the request but sent no complete answer in time ({what} \
                     timed out)"
                ),
                "the server is stalled or overloaded; try again later, and check the server's logs",
            )
        }
        _ => Failure::new(
            format!("the request to {authority}{via} timed out ({what})"),
            "try again; check the server and the network",
        ),
    }
}

/// A TCP connection that could not be made, in words.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn io(kind: io::ErrorKind, text: &str) -> io::Error {
        io::Error::new(kind, text.to_owned())
    }

    #[test]
    fn a_connection_never_made_reads_cannot_connect() {
        for kind in [
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::TimedOut,
            io::ErrorKind::HostUnreachable,
            io::ErrorKind::NetworkUnreachable,
        ] {
            let failure = io_failure("s3.example:9000", &io(kind, "no"), true);
            assert!(
                failure
                    .problem
                    .starts_with("cannot connect to s3.example:9000"),
                "{kind:?}: {failure}"
            );
        }
    }

    #[test]
    fn a_write_that_broke_says_how_much_of_the_request_went_and_never_cannot_connect() {
        let broke = |kind, text: &str| {
            io::Error::new(
                kind,
                WriteBroke {
                    sent: 393_622,
                    text: text.to_owned(),
                },
            )
        };
        let failure = io_failure(
            "s3.example:9000",
            &broke(io::ErrorKind::BrokenPipe, "Broken pipe (os error 32)"),
            true,
        );
        assert_eq!(
            failure.problem,
            "s3.example:9000 closed the connection while the request was being sent, after \
             393622 bytes of it, and sent no answer (Broken pipe (os error 32))"
        );
        assert!(failure.fix.contains("host and port are right"), "{failure}");
        let failure = io_failure(
            "s3.example:9000",
            &broke(io::ErrorKind::ConnectionReset, "Connection reset by peer"),
            true,
        );
        assert!(
            failure.problem.starts_with(
                "s3.example:9000 reset the connection while the request was being sent, after \
                 393622 bytes"
            ),
            "{failure}"
        );
        // A broken pipe seen without the early-answer transport.
        let failure = io_failure(
            "s3.example:9000",
            &io(io::ErrorKind::BrokenPipe, "Broken pipe (os error 32)"),
            true,
        );
        assert!(
            failure.problem.starts_with(
                "s3.example:9000 closed the connection while the request was being sent"
            ),
            "{failure}"
        );
    }

    #[test]
    fn a_connection_lost_before_the_answer_reads_as_such_with_the_tls_hint_on_http() {
        let failure = io_failure(
            "s3.example:9000",
            &io(io::ErrorKind::UnexpectedEof, "Peer disconnected"),
            true,
        );
        assert_eq!(
            failure.problem,
            "s3.example:9000 closed the connection without a complete answer (Peer disconnected)"
        );
        assert!(
            failure.fix.ends_with("use https:// in --endpoint-url"),
            "{failure}"
        );
        let failure = io_failure(
            "s3.example:443",
            &io(io::ErrorKind::ConnectionReset, "Connection reset by peer"),
            false,
        );
        assert_eq!(
            failure.problem,
            "s3.example:443 reset the connection without a complete answer (Connection reset \
             by peer)"
        );
        assert!(!failure.fix.contains("https://"), "{failure}");
        let failure = io_failure("s3.example:443", &io(io::ErrorKind::Other, "odd"), false);
        assert_eq!(
            failure.problem,
            "the connection to s3.example:443 failed: odd"
        );
    }

    #[test]
    fn timeouts_say_whether_the_connection_or_the_answer_was_late() {
        let late = |what| timeout("s3.example:443", "", what).problem;
        assert!(late(ureq::Timeout::Connect).starts_with("no answer from s3.example:443 in time"));
        assert_eq!(
            late(ureq::Timeout::RecvResponse),
            "s3.example:443 took the request but sent no complete answer in time (receive \
             response timed out)"
        );
        assert_eq!(
            late(ureq::Timeout::SendBody),
            "s3.example:443 took the connection but stopped taking the request (send body \
             timed out)"
        );
    }
}
