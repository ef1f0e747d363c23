//! The one HTTP agent of presign's command and service: built from the
//! connection settings that `presign-config` resolves
//! ([`presign_config::TransportConfig`]), it
//! - trusts the system's certificate store plus a CA bundle (`--ca-bundle`,
//!   `AWS_CA_BUNDLE`, the profile's `ca_bundle`), or nothing at all with
//!   `--no-verify-ssl`;
//! - sends each request through the proxy of its scheme (`HTTPS_PROXY`,
//!   `HTTP_PROXY`, `ALL_PROXY`), except to the hosts of `NO_PROXY`;
//! - reads the answer a server sends before an upload's body is complete
//!   (a refusal), instead of reporting the broken pipe that follows;
//! - explains a failed connection in words, with the fix
//!   ([`Http::explain`]): an untrusted issuer, a certificate for another
//!   host, an expired certificate, a refused connection, a connection the
//!   server closed or reset while the request was being sent or before its
//!   answer was complete;
//! - probes an endpoint step by step (DNS, TCP, proxy, TLS) for
//!   `presign doctor` ([`Http::probe`]).
//!
//! ```no_run
//! use presign_config::{Environment, TransportOverrides, resolve_transport};
//! use presign_http::Http;
//!
//! let settings = resolve_transport(&TransportOverrides::default(), &Environment::from_process())?;
//! let http = Http::new(&settings)?;
//! let url = "https://s3.eu-de.cloud-object-storage.appdomain.cloud/bucket/key?X-Amz-Signature=...";
//! match http.agent(url).get(url).call() {
//!     Ok(response) => println!("HTTP {}", response.status()),
//!     Err(error) => eprintln!("{}", http.explain(url, &error)),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod early_answer;
mod error;
mod explain;
mod probe;
mod proxy;
mod trust;
mod url_parts;

use std::sync::Arc;
use std::time::Duration;

use presign_config::{ProxyUrl, Sourced, TransportConfig};
use rustls::pki_types::CertificateDer;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{Connector, DefaultConnector};

pub use error::HttpError;
pub use probe::{Failure, PeerCertificate, Probe, Step, TlsStep};
pub use proxy::ProxyUsed;
pub use trust::Trust;

/// How long connecting (DNS, TCP, proxy, TLS) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The agents presign sends requests with, one per route (direct, through
/// the `https://` proxy, through the `http://` proxy), sharing one trust
/// configuration. Answers with 4xx and 5xx statuses are returned, not turned
/// into errors: every caller explains them itself.
#[derive(Debug)]
pub struct Http {
    settings: TransportConfig,
    trust: Trust,
    roots: Arc<Vec<CertificateDer<'static>>>,
    direct: ureq::Agent,
    via_https_proxy: Option<ureq::Agent>,
    via_http_proxy: Option<ureq::Agent>,
}

impl Http {
    /// Builds the agents: loads the system's trust store and the CA bundle,
    /// and checks the proxy URLs.
    ///
    /// # Errors
    /// [`HttpError`] when the CA bundle cannot be read or holds no
    /// certificate, or a proxy URL is not one.
    pub fn new(settings: &TransportConfig) -> Result<Self, HttpError> {
        let (trust, roots) = trust::load(settings)?;
        let roots = Arc::new(roots);
        let agent = |proxy: Option<&Sourced<ProxyUrl>>| -> Result<ureq::Agent, HttpError> {
            let proxy = proxy
                .map(|proxy| {
                    ureq::Proxy::new(proxy.value.as_str()).map_err(|_| HttpError::BadProxy {
                        variable: proxy.source.clone(),
                        url: proxy.value.redacted(),
                    })
                })
                .transpose()?;
            let tls = ureq::tls::TlsConfig::builder()
                .root_certs(trust::ureq_roots(&roots))
                .disable_verification(!settings.verify_tls)
                .build();
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(CONNECT_TIMEOUT))
                .tls_config(tls)
                .proxy(proxy)
                .build();
            // ureq's own connection chain (TCP, proxy, TLS), each connection
            // then wrapped so that an answer sent before the end of an upload
            // is read (early_answer).
            let connector = DefaultConnector::new().chain(early_answer::ReadAfterWriteError);
            Ok(ureq::Agent::with_parts(
                config,
                connector,
                DefaultResolver::default(),
            ))
        };
        Ok(Self {
            direct: agent(None)?,
            via_https_proxy: settings
                .https_proxy
                .as_ref()
                .map(|p| agent(Some(p)))
                .transpose()?,
            via_http_proxy: settings
                .http_proxy
                .as_ref()
                .map(|p| agent(Some(p)))
                .transpose()?,
            settings: settings.clone(),
            trust,
            roots,
        })
    }

    /// The agent for `url`: through the proxy of its scheme unless
    /// `NO_PROXY` names its host.
    #[must_use]
    pub fn agent(&self, url: &str) -> &ureq::Agent {
        let via = match proxy::route(&self.settings, url) {
            Some(used) if used.scheme_https => self.via_https_proxy.as_ref(),
            Some(_) => self.via_http_proxy.as_ref(),
            None => None,
        };
        via.unwrap_or(&self.direct)
    }

    /// The proxy a request to `url` goes through, if any, and why.
    #[must_use]
    pub fn proxy_for(&self, url: &str) -> Option<ProxyUsed> {
        proxy::route(&self.settings, url)
    }

    /// What certificates are trusted, for messages.
    #[must_use]
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    /// Warnings to print before every use: `--no-verify-ssl`.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        if self.settings.verify_tls {
            Vec::new()
        } else {
            vec![
                "warning: --no-verify-ssl: server certificates are not verified, so anyone on the \
                 network path can read and change this request and its answer; pass --ca-bundle \
                 FILE instead to trust a private certificate authority"
                    .to_owned(),
            ]
        }
    }

    /// A failed request to `url` in words, with the fix: TLS failures name
    /// the certificate's issuer, names or expiry (read from a second
    /// handshake that records the server's certificate); connection failures
    /// name the host, port and proxy.
    #[must_use]
    pub fn explain(&self, url: &str, error: &ureq::Error) -> String {
        explain::explain(self, url, error).to_string()
    }

    /// [`Http::explain`] as the problem and the fix apart, for a checklist
    /// that shows them on lines of their own (`presign doctor`). A
    /// connection that was made and then lost reads as such (the server
    /// closed or reset it, while the request was being sent or before its
    /// answer was complete), never as "cannot connect".
    #[must_use]
    pub fn failure(&self, url: &str, error: &ureq::Error) -> Failure {
        explain::explain(self, url, error)
    }

    /// Connects to `url`'s host step by step (DNS, TCP, the proxy's
    /// CONNECT, TLS for `https://`) and reports each step's result and time.
    #[must_use]
    pub fn probe(&self, url: &str) -> Probe {
        probe::probe(self, url)
    }
}
