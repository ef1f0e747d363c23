//! Connecting step by step (DNS, TCP, the proxy's CONNECT, TLS), timing
//! each step and recording the server's certificate, for `presign doctor`
//! and for explaining a TLS failure with the certificate's own details.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};

use crate::proxy::ProxyUsed;
use crate::url_parts::Origin;
use crate::{CONNECT_TIMEOUT, Http, explain};

/// One step of a probe: how long it took and what it found, or why it
/// failed.
#[derive(Debug, Clone)]
pub struct Step<T> {
    /// Time taken.
    pub took: Duration,
    /// What the step found, or why it failed.
    pub result: Result<T, Failure>,
}

/// Why something failed, in words, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What went wrong.
    pub problem: String,
    /// The flag, setting or action that fixes it.
    pub fix: String,
}

impl Failure {
    pub(crate) fn new(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.problem, self.fix)
    }
}

/// The TLS handshake.
#[derive(Debug, Clone)]
pub struct TlsStep {
    /// Time taken, and the protocol version (`TLSv1_3`) or why the
    /// handshake failed.
    pub step: Step<String>,
    /// The certificate the server presented, when it presented one.
    pub peer: Option<PeerCertificate>,
}

/// The server's certificate, as far as messages need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCertificate {
    /// The subject, e.g. `CN=s3.example.com`.
    pub subject: String,
    /// The issuer, e.g. `CN=Corp Root CA, O=Corp`.
    pub issuer: String,
    /// The DNS names and IP addresses of the subject alternative names, else
    /// the subject's common name.
    pub names: Vec<String>,
    /// Valid from, RFC 3339.
    pub not_before: String,
    /// Valid until, RFC 3339.
    pub not_after: String,
    /// A certificate authority's certificate (basic constraints CA:TRUE).
    pub is_ca: bool,
}

impl PeerCertificate {
    /// Reads a DER certificate; `None` when it does not parse.
    #[must_use]
    pub fn from_der(der: &[u8]) -> Option<Self> {
        use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let mut names = Vec::new();
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for name in &san.value.general_names {
                match name {
                    GeneralName::DNSName(dns) => names.push((*dns).to_owned()),
                    GeneralName::IPAddress(bytes) => names.push(ip_text(bytes)),
                    _ => {}
                }
            }
        }
        if names.is_empty() {
            names.extend(
                cert.subject()
                    .iter_common_name()
                    .filter_map(|cn| cn.as_str().ok())
                    .map(str::to_owned),
            );
        }
        let rfc3339 = |time: x509_parser::time::ASN1Time| {
            jiff::Timestamp::from_second(time.timestamp()).map_or_else(
                |_| time.to_string(),
                |t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            )
        };
        Some(Self {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            names,
            not_before: rfc3339(cert.validity().not_before),
            not_after: rfc3339(cert.validity().not_after),
            is_ca: cert.is_ca(),
        })
    }
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(octets).to_string()
        }
        _ => format!("{bytes:02x?}"),
    }
}

/// What connecting to an endpoint found, step by step. A step that failed
/// ends the probe: the later ones are `None`.
#[derive(Debug, Clone)]
pub struct Probe {
    /// `host:port` of the endpoint.
    pub target: String,
    /// The proxy the connection went through, if any.
    pub proxy: Option<ProxyUsed>,
    /// Name resolution of the endpoint's host (the proxy's, through a proxy).
    pub dns: Step<Vec<SocketAddr>>,
    /// The TCP connection (to the proxy, through a proxy).
    pub tcp: Option<Step<SocketAddr>>,
    /// The proxy's CONNECT to the endpoint.
    pub tunnel: Option<Step<()>>,
    /// The TLS handshake, for `https://` endpoints.
    pub tls: Option<TlsStep>,
}

impl Probe {
    /// Whether every step that ran succeeded and the connection is ready for
    /// HTTP.
    #[must_use]
    pub fn connected(&self) -> bool {
        let tcp_ok = self.tcp.as_ref().is_some_and(|s| s.result.is_ok());
        let tunnel_ok =
            self.proxy.is_none() || self.tunnel.as_ref().is_some_and(|s| s.result.is_ok());
        let tls_ok = self.tls.as_ref().is_none_or(|t| t.step.result.is_ok());
        self.dns.result.is_ok() && tcp_ok && tunnel_ok && tls_ok
    }
}

fn timed<T>(work: impl FnOnce() -> Result<T, Failure>) -> Step<T> {
    let started = Instant::now();
    let result = work();
    Step {
        took: started.elapsed(),
        result,
    }
}

impl Probe {
    /// A probe that ends before DNS.
    fn stopped(target: String, proxy: Option<ProxyUsed>, why: Failure) -> Self {
        Self {
            target,
            proxy,
            dns: Step {
                took: Duration::ZERO,
                result: Err(why),
            },
            tcp: None,
            tunnel: None,
            tls: None,
        }
    }
}

/// Where the TCP connection goes (the endpoint, or the proxy) and whether a
/// CONNECT tunnel is needed.
fn first_hop(
    http: &Http,
    origin: &Origin,
    proxy: Option<&ProxyUsed>,
) -> Result<(Origin, bool), Failure> {
    let Some(used) = proxy else {
        return Ok((origin.clone(), false));
    };
    let configured = if origin.https {
        http.settings.https_proxy.as_ref()
    } else {
        http.settings.http_proxy.as_ref()
    };
    let text = configured.map(|p| p.value.as_str()).unwrap_or_default();
    let text = if text.contains("://") {
        text.to_owned()
    } else {
        format!("http://{text}")
    };
    match Origin::parse(&text) {
        Some(proxy_origin) if !proxy_origin.https => Ok((proxy_origin, true)),
        _ => Err(Failure::new(
            format!(
                "the step-by-step check only goes through http:// proxies; {} is not one",
                used.url
            ),
            "unset the proxy variable for this check, or use an http:// proxy",
        )),
    }
}

pub(crate) fn probe(http: &Http, url: &str) -> Probe {
    let Some(origin) = Origin::parse(url) else {
        return Probe::stopped(
            url.to_owned(),
            None,
            Failure::new(
                format!("{url} is not an http:// or https:// URL"),
                "give --endpoint-url as http://HOST[:PORT] or https://HOST[:PORT]",
            ),
        );
    };
    let proxy = http.proxy_for(url);
    let (connect_to, tunnel_needed) = match first_hop(http, &origin, proxy.as_ref()) {
        Ok(hop) => hop,
        Err(why) => return Probe::stopped(origin.authority(), proxy, why),
    };
    let mut probe = Probe {
        target: origin.authority(),
        proxy,
        dns: timed(|| {
            (connect_to.host.as_str(), connect_to.port)
                .to_socket_addrs()
                .map(Iterator::collect::<Vec<_>>)
                .map_err(|error| {
                    Failure::new(
                        format!("cannot resolve {}: {error}", connect_to.host),
                        "check the host of the endpoint (--endpoint-url, AWS_ENDPOINT_URL, the \
                         profile's endpoint_url, or the proxy variable) and this machine's DNS",
                    )
                })
                .and_then(|addresses| {
                    if addresses.is_empty() {
                        Err(Failure::new(
                            format!("{} resolves to no address", connect_to.host),
                            "check the host of the endpoint and this machine's DNS",
                        ))
                    } else {
                        Ok(addresses)
                    }
                })
        }),
        tcp: None,
        tunnel: None,
        tls: None,
    };
    let Ok(addresses) = probe.dns.result.clone() else {
        return probe;
    };
    let mut stream = None;
    let tcp = timed(|| {
        let mut last = Failure::new("no address to connect to", "check the endpoint");
        for address in &addresses {
            match TcpStream::connect_timeout(address, CONNECT_TIMEOUT) {
                Ok(connected) => {
                    stream = Some(connected);
                    return Ok(*address);
                }
                Err(error) => last = explain::connect_error(&connect_to.authority(), &error),
            }
        }
        Err(last)
    });
    probe.tcp = Some(tcp);
    let Some(mut stream) = stream else {
        return probe;
    };
    let _ = stream.set_read_timeout(Some(CONNECT_TIMEOUT));
    let _ = stream.set_write_timeout(Some(CONNECT_TIMEOUT));
    if tunnel_needed {
        let tunnel = timed(|| connect_tunnel(&mut stream, &origin.authority()));
        let ok = tunnel.result.is_ok();
        probe.tunnel = Some(tunnel);
        if !ok {
            return probe;
        }
    }
    if origin.https {
        probe.tls = Some(handshake(http, &origin, &mut stream));
    }
    probe
}

const PROXY_FIX: &str =
    "check the proxy URL in HTTPS_PROXY / HTTP_PROXY, or add the host to NO_PROXY";

/// `CONNECT host:port` through an HTTP proxy; reads the answer's head.
fn connect_tunnel(stream: &mut TcpStream, authority: &str) -> Result<(), Failure> {
    write!(
        stream,
        "CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"
    )
    .map_err(|error| Failure::new(format!("cannot talk to the proxy: {error}"), PROXY_FIX))?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => head.push(byte[0]),
            Err(error) => {
                return Err(Failure::new(
                    format!("the proxy did not answer CONNECT: {error}"),
                    PROXY_FIX,
                ));
            }
        }
    }
    let head = String::from_utf8_lossy(&head);
    let status_line = head.lines().next().unwrap_or_default().trim().to_owned();
    match status_line.split_whitespace().nth(1) {
        Some(code) if code.starts_with('2') => Ok(()),
        Some("407") => Err(Failure::new(
            format!("the proxy wants credentials ({status_line})"),
            "put them in the proxy URL: http://USER:PASSWORD@HOST:PORT",
        )),
        _ if status_line.is_empty() => Err(Failure::new(
            "the proxy closed the connection on CONNECT",
            PROXY_FIX,
        )),
        _ => Err(Failure::new(
            format!("the proxy refused CONNECT {authority}: {status_line}"),
            "ask the proxy's operator to allow it, or add the host to NO_PROXY",
        )),
    }
}

/// A verifier that records the server's certificate, then lets the real one
/// decide (or accepts anything, with `--no-verify-ssl`).
#[derive(Debug)]
struct Recording {
    inner: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    end_entity: Mutex<Option<CertificateDer<'static>>>,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut slot) = self.end_entity.lock() {
            *slot = Some(end_entity.clone().into_owned());
        }
        match &self.inner {
            Some(inner) => {
                inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
            None => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The TLS handshake over `stream`, with the agent's trust.
fn handshake(http: &Http, origin: &Origin, stream: &mut TcpStream) -> TlsStep {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = if http.trust.verify {
        match WebPkiServerVerifier::builder_with_provider(
            Arc::new(crate::trust::root_store(&http.roots)),
            provider.clone(),
        )
        .build()
        {
            Ok(verifier) => Some(verifier),
            Err(error) => {
                return TlsStep {
                    step: Step {
                        took: Duration::ZERO,
                        result: Err(Failure::new(
                            format!("no usable trusted certificate: {error}"),
                            "check the CA bundle (--ca-bundle, AWS_CA_BUNDLE)",
                        )),
                    },
                    peer: None,
                };
            }
        }
    } else {
        None
    };
    let recording = Arc::new(Recording {
        inner,
        provider: provider.clone(),
        end_entity: Mutex::new(None),
    });
    let mut failure = None;
    let step = timed(|| {
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| Failure::new(error.to_string(), "report this as a bug"))?
            .dangerous()
            .with_custom_certificate_verifier(recording.clone())
            .with_no_client_auth();
        let name = ServerName::try_from(origin.host.clone()).map_err(|_| {
            Failure::new(
                format!("{} is not a valid TLS server name", origin.host),
                "check the host of the endpoint",
            )
        })?;
        let mut connection = ClientConnection::new(Arc::new(config), name)
            .map_err(|error| Failure::new(error.to_string(), "report this as a bug"))?;
        while connection.is_handshaking() {
            if let Err(error) = connection.complete_io(stream) {
                let tls_error = error
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                    .cloned();
                failure = Some((tls_error, error.to_string()));
                return Err(Failure::new("", ""));
            }
        }
        Ok(connection
            .protocol_version()
            .map(|version| format!("{version:?}"))
            .unwrap_or_default())
    });
    let peer = recording
        .end_entity
        .lock()
        .ok()
        .and_then(|slot| slot.as_ref().and_then(|der| PeerCertificate::from_der(der)));
    let step = match (step.result, failure) {
        (Err(_), Some((Some(tls_error), _))) => Step {
            took: step.took,
            result: Err(explain::tls_error(
                &tls_error,
                peer.as_ref(),
                &origin.host,
                &http.trust,
            )),
        },
        (Err(_), Some((None, io_error))) => Step {
            took: step.took,
            result: Err(Failure::new(
                format!(
                    "the TLS handshake with {} failed: {io_error}",
                    origin.authority()
                ),
                format!(
                    "check that the server speaks TLS on port {}; an http:// endpoint needs \
                     http:// in --endpoint-url",
                    origin.port
                ),
            )),
        },
        (result, _) => Step {
            took: step.took,
            result,
        },
    };
    TlsStep { step, peer }
}
