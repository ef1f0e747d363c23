//! The certificates presign trusts: the system's store (as
//! `rustls-native-certs` finds it, `SSL_CERT_FILE` and `SSL_CERT_DIR`
//! included) plus the CA bundle; Mozilla's list when the system has none.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use presign_config::TransportConfig;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::HttpError;

/// What is trusted, for messages ("the system store (146 certificates) and
/// ca.pem (1 certificate, from --ca-bundle)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trust {
    /// Certificates found in the system's store.
    pub system_certificates: usize,
    /// The CA bundle, where it came from, and its number of certificates.
    pub ca_bundle: Option<(PathBuf, String, usize)>,
    /// `false` with `--no-verify-ssl`.
    pub verify: bool,
}

impl Trust {
    /// `the system store or --ca-bundle` style: where a trusted issuer would
    /// have been found.
    #[must_use]
    pub fn places(&self) -> String {
        let system = if self.system_certificates == 0 {
            "Mozilla's list (the system store is empty)"
        } else {
            "the system store"
        };
        match &self.ca_bundle {
            Some((path, source, _)) => {
                format!(
                    "{system} or the CA bundle {} (from {source})",
                    path.display()
                )
            }
            None => format!("{system}, and no --ca-bundle was given"),
        }
    }
}

impl fmt::Display for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.verify {
            return f.write_str("nothing: certificates are not verified (--no-verify-ssl)");
        }
        if self.system_certificates == 0 {
            f.write_str("Mozilla's list (the system store is empty)")?;
        } else {
            write!(
                f,
                "the system store ({} certificates)",
                self.system_certificates
            )?;
        }
        if let Some((path, source, count)) = &self.ca_bundle {
            let plural = if *count == 1 { "" } else { "s" };
            write!(
                f,
                " and {} ({count} certificate{plural}, from {source})",
                path.display()
            )?;
        }
        Ok(())
    }
}

/// The system store plus the CA bundle. An empty list means "use Mozilla's".
pub(crate) fn load(
    settings: &TransportConfig,
) -> Result<(Trust, Vec<CertificateDer<'static>>), HttpError> {
    // Certificates the system store cannot parse are skipped, as every TLS
    // client does; an unreadable store leaves Mozilla's list in charge.
    let mut roots = rustls_native_certs::load_native_certs().certs;
    let system_certificates = roots.len();
    let mut ca_bundle = None;
    if let Some(bundle) = &settings.ca_bundle {
        let read_error = |cause| HttpError::CaBundleRead {
            path: bundle.value.clone(),
            source_name: bundle.source.clone(),
            cause,
        };
        let bytes = std::fs::read(&bundle.value).map_err(read_error)?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
            .filter_map(Result::ok)
            .collect();
        if certs.is_empty() {
            return Err(HttpError::CaBundleEmpty {
                path: bundle.value.clone(),
                source_name: bundle.source.clone(),
            });
        }
        ca_bundle = Some((bundle.value.clone(), bundle.source.clone(), certs.len()));
        roots.extend(certs);
    }
    Ok((
        Trust {
            system_certificates,
            ca_bundle,
            verify: settings.verify_tls,
        },
        roots,
    ))
}

/// The roots for ureq's TLS configuration.
pub(crate) fn ureq_roots(roots: &Arc<Vec<CertificateDer<'static>>>) -> ureq::tls::RootCerts {
    if roots.is_empty() {
        return ureq::tls::RootCerts::WebPki;
    }
    ureq::tls::RootCerts::new_with_certs(
        &roots
            .iter()
            .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
            .collect::<Vec<_>>(),
    )
}

/// The same roots as a rustls store, for the probe.
pub(crate) fn root_store(roots: &[CertificateDer<'static>]) -> RootCertStore {
    if roots.is_empty() {
        return RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
    }
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(roots.iter().cloned());
    store
}
