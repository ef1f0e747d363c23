//! Network helpers written for the tests: a certificate authority and server
//! certificates made with rcgen, a TLS front (rustls) that forwards to a
//! plain-HTTP server, and an HTTP proxy that tunnels with CONNECT. Each runs
//! on 127.0.0.1 in threads of the test process, so it ends with the test.

use std::fmt::Write as _;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A test certificate authority.
pub(crate) struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
    /// The CA's certificate, PEM.
    pub(crate) pem: String,
}

/// A server certificate and its key.
pub(crate) struct ServerCert {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: PrivateKeyDer<'static>,
}

impl TestCa {
    /// A CA whose subject is `CN=<common_name>`.
    pub(crate) fn new(common_name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let pem = issuer.pem();
        Self { issuer, pem }
    }

    /// Writes the CA's certificate to `path` (a CA bundle).
    pub(crate) fn write_bundle(&self, path: &Path) -> PathBuf {
        std::fs::write(path, &self.pem).unwrap();
        path.to_owned()
    }

    /// A server certificate for `names` (DNS names or IP addresses), valid
    /// from 2020 until `valid_until_year`.
    pub(crate) fn server_cert(&self, names: &[&str], valid_until_year: i32) -> ServerCert {
        let mut params =
            CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        params.not_before = date_time_ymd(2020, 1, 1);
        params.not_after = date_time_ymd(valid_until_year, 1, 1);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        ServerCert {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

/// A listener on 127.0.0.1 whose connections each get `handle` in a thread.
fn serve(handle: impl Fn(TcpStream) + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = Arc::new(handle);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handle = handle.clone();
            thread::spawn(move || handle(stream));
        }
    });
    port
}

/// A TLS front on 127.0.0.1 presenting `cert`, forwarding the decrypted
/// bytes to `upstream` (a plain-HTTP server). Returns its port.
pub(crate) fn tls_front(upstream: SocketAddr, cert: ServerCert) -> u16 {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(cert.chain, cert.key)
    .unwrap();
    let config = Arc::new(config);
    serve(move |client| {
        if let Ok(connection) = rustls::ServerConnection::new(config.clone())
            && let Ok(server) = TcpStream::connect(upstream)
        {
            let _ = pump_tls(client, connection, server);
        }
    })
}

fn idle(error: &std::io::Error) -> bool {
    matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// Moves bytes between a TLS client and a plain upstream until either side
/// closes (reads time out quickly so one thread serves both directions).
fn pump_tls(
    mut client: TcpStream,
    mut tls: rustls::ServerConnection,
    mut upstream: TcpStream,
) -> std::io::Result<()> {
    let tick = Some(Duration::from_millis(2));
    client.set_read_timeout(tick)?;
    upstream.set_read_timeout(tick)?;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        if tls.wants_read() {
            match tls.read_tls(&mut client) {
                Ok(0) => return Ok(()),
                Ok(_) => {
                    if tls.process_new_packets().is_err() {
                        // Tell the client why (an alert), then stop.
                        let _ = tls.write_tls(&mut client);
                        return Ok(());
                    }
                }
                Err(error) if idle(&error) => {}
                Err(error) => return Err(error),
            }
        }
        match tls.reader().read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => upstream.write_all(&buffer[..n])?,
            Err(error) if error.kind() == ErrorKind::WouldBlock => {}
            Err(error) => return Err(error),
        }
        if !tls.is_handshaking() {
            match upstream.read(&mut buffer) {
                Ok(0) => {
                    tls.send_close_notify();
                    while tls.wants_write() {
                        tls.write_tls(&mut client)?;
                    }
                    return Ok(());
                }
                Ok(n) => tls.writer().write_all(&buffer[..n])?,
                Err(error) if idle(&error) => {}
                Err(error) => return Err(error),
            }
        }
        while tls.wants_write() {
            tls.write_tls(&mut client)?;
        }
    }
}

/// An HTTP proxy on 127.0.0.1 that serves CONNECT (as ureq uses for every
/// proxied request) and records each tunnel's `host:port`.
pub(crate) struct TestProxy {
    pub(crate) port: u16,
    tunnels: Arc<Mutex<Vec<String>>>,
}

impl TestProxy {
    pub(crate) fn start() -> Self {
        let tunnels = Arc::new(Mutex::new(Vec::new()));
        let record = tunnels.clone();
        let port = serve(move |client| {
            let _ = tunnel(client, &record);
        });
        Self { port, tunnels }
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The `host:port` of every CONNECT so far.
    pub(crate) fn tunnels(&self) -> Vec<String> {
        self.tunnels.lock().unwrap().clone()
    }
}

fn tunnel(mut client: TcpStream, record: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte)? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut words = head.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")?;
        return Ok(());
    };
    record.lock().unwrap().push(target.to_owned());
    let Ok(upstream) = TcpStream::connect(target) else {
        client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")?;
        return Ok(());
    };
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let (mut client_read, mut upstream_write) = (client.try_clone()?, upstream.try_clone()?);
    let (mut upstream_read, mut client_write) = (upstream, client);
    let forward = thread::spawn(move || {
        let _ = std::io::copy(&mut client_read, &mut upstream_write);
        let _ = upstream_write.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut upstream_read, &mut client_write);
    let _ = client_write.shutdown(std::net::Shutdown::Write);
    let _ = forward.join();
    Ok(())
}

/// The `127.0.0.1:PORT` of an `http://127.0.0.1:PORT` endpoint.
pub(crate) fn socket_of(endpoint: &str) -> SocketAddr {
    endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

/// An HTTP server on 127.0.0.1 that answers every request with `status`
/// (e.g. `400 Bad Request`), `headers`, a current `Date` and `body`.
/// Returns its port.
pub(crate) fn stub_server(
    status: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
) -> u16 {
    serve(move |mut client| {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            match client.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => return,
            }
        }
        let date = jiff::Timestamp::now().strftime("%a, %d %b %Y %H:%M:%S GMT");
        let mut answer = format!(
            "HTTP/1.1 {status}\r\nDate: {date}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (name, value) in headers {
            let _ = write!(answer, "{name}: {value}\r\n");
        }
        answer.push_str("\r\n");
        if !head.starts_with(b"HEAD ") {
            answer.push_str(body);
        }
        let _ = client.write_all(answer.as_bytes());
    })
}
