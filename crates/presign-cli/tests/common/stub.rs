//! A scripted HTTP/1.1 server on 127.0.0.1 for the failures real servers
//! will not produce on demand: a download cut half-way or stalled, a 503
//! before success, a refusal sent while the upload's body is still coming,
//! a connection closed without an answer, a server that never answers.
//! Each request's head goes to a handler that picks the [`Reply`]; every
//! request is recorded. Signatures are not checked: the URLs only have to be
//! well-formed presigned URLs ([`Stub::url`]).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime};

/// A request as the stub saw it.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub(crate) method: String,
    /// Path and query.
    pub(crate) target: String,
    /// Lower-case names.
    pub(crate) headers: Vec<(String, String)>,
    /// Body bytes read.
    pub(crate) body_len: u64,
}

impl Seen {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the stub answers one request.
pub(crate) enum Reply {
    /// Reads the whole body, then answers (the connection stays open).
    Full {
        status: &'static str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Answers `body`'s headers (its whole Content-Length) but sends only its
    /// first `send` bytes, then closes the connection, or with `stall`
    /// keeps it open without sending more (until the test process ends).
    Cut {
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        send: usize,
        stall: bool,
    },
    /// Answers `status` with an S3 error body while the request body is
    /// still coming: after `100 Continue` (when `continue_first` and the
    /// request expects it) and `read_first` bytes of the body, then closes
    /// without reading the rest.
    RefuseEarly {
        status: &'static str,
        body: String,
        continue_first: bool,
        read_first: usize,
    },
    /// Reads the request's head and up to `read_first` bytes of its body
    /// (ignoring `Expect: 100-continue`), then closes without a word: with
    /// body bytes still coming, the client's next write breaks.
    HangUp { read_first: usize },
    /// Reads the request's head and never answers (the connection stays
    /// open until the test process ends).
    Silent,
}

/// A running stub.
pub(crate) struct Stub {
    pub(crate) port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Stub {
    /// Starts a stub answering with `handler(request, index)` (`index` counts
    /// requests from 0).
    pub(crate) fn start(handler: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let record = seen.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, record) = (handler.clone(), record.clone());
                thread::spawn(move || {
                    let _ = connection(stream, &*handler, &record);
                });
            }
        });
        Self { port, seen }
    }

    /// Every request so far.
    pub(crate) fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// A presigned URL for `method` on `key` of bucket `b` at the stub,
    /// valid for an hour from now.
    pub(crate) fn url(&self, method: presign::Method, key: &str) -> String {
        let request = presign::PresignRequest::new(
            method,
            format!("http://127.0.0.1:{}", self.port),
            "bucket",
            key,
        );
        let credentials = presign::Credentials::new("AKIDSTUB", "stub-secret");
        presign::presign(&request, &credentials, SystemTime::now())
            .unwrap()
            .url()
            .to_owned()
    }
}

/// `(name, value)` pairs from literals.
pub(crate) fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn connection(
    stream: TcpStream,
    handler: &(dyn Fn(&Seen, usize) -> Reply + Send + Sync),
    record: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    while let Some(mut seen) = read_head(&mut reader)? {
        let index = {
            let mut all = record.lock().unwrap();
            all.push(seen.clone());
            all.len() - 1
        };
        let reply = handler(&seen, index);
        // The body's length is recorded before the answer goes out: a client
        // that has its answer may end the test at once.
        let note = |seen: &Seen| record.lock().unwrap()[index] = seen.clone();
        let keep_open = answer(&mut reader, &mut writer, &mut seen, reply, &note)?;
        note(&seen);
        if !keep_open {
            return Ok(());
        }
    }
    Ok(())
}

/// The next request's line and headers; `None` at the end of the connection.
fn read_head(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Seen>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut words = line.split_whitespace();
    let (method, target) = (
        words.next().unwrap_or_default().to_owned(),
        words.next().unwrap_or_default().to_owned(),
    );
    let mut request_headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            request_headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    Ok(Some(Seen {
        method,
        target,
        headers: request_headers,
        body_len: 0,
    }))
}

/// Sends `reply` to the request `seen` (passed to `note` once its body is
/// read, before the answer); whether the connection stays open.
fn answer(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
    seen: &mut Seen,
    reply: Reply,
    note: &dyn Fn(&Seen),
) -> std::io::Result<bool> {
    let length: u64 = seen
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let expects = seen.header("expect") == Some("100-continue");
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            if expects {
                writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            }
            seen.body_len = std::io::copy(&mut reader.take(length), &mut std::io::sink())?;
            note(seen);
            write_head(writer, status, &headers, body.len())?;
            if seen.method != "HEAD" {
                writer.write_all(&body)?;
            }
            writer.flush()?;
            Ok(true)
        }
        Reply::Cut {
            headers,
            body,
            send,
            stall,
        } => {
            std::io::copy(&mut reader.take(length), &mut std::io::sink())?;
            write_head(writer, "200 OK", &headers, body.len())?;
            writer.write_all(&body[..send.min(body.len())])?;
            writer.flush()?;
            if stall {
                loop {
                    thread::sleep(Duration::from_secs(3600));
                }
            }
            Ok(false)
        }
        Reply::RefuseEarly {
            status,
            body,
            continue_first,
            read_first,
        } => {
            if expects && continue_first {
                writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
                writer.flush()?;
            }
            if continue_first || !expects {
                let mut first = vec![0; read_first];
                if reader.read_exact(&mut first).is_ok() {
                    seen.body_len = read_first as u64;
                }
            }
            note(seen);
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            writer.write_all(answer.as_bytes())?;
            writer.flush()?;
            // Closing with unread body bytes pending resets the connection:
            // the client's next write fails.
            let _ = writer.shutdown(std::net::Shutdown::Both);
            Ok(false)
        }
        Reply::HangUp { read_first } => {
            let wanted = length.min(read_first as u64);
            seen.body_len = std::io::copy(&mut reader.take(wanted), &mut std::io::sink())?;
            note(seen);
            let _ = writer.shutdown(std::net::Shutdown::Both);
            Ok(false)
        }
        Reply::Silent => loop {
            thread::sleep(Duration::from_secs(3600));
        },
    }
}

fn write_head(
    writer: &mut TcpStream,
    status: &str,
    headers: &[(String, String)],
    length: usize,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {length}\r\n");
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())
}

/// A TCP proxy on 127.0.0.1 in front of `upstream` whose first connection
/// is cut after `cut_after` bytes of the answer (a download that breaks
/// half-way, against a real server); later connections pass through.
/// Returns its `http://127.0.0.1:PORT` endpoint.
pub(crate) fn cutting_proxy(upstream: std::net::SocketAddr, cut_after: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for (index, client) in listener.incoming().flatten().enumerate() {
            thread::spawn(move || {
                let Ok(server) = TcpStream::connect(upstream) else {
                    return;
                };
                let (mut client_read, mut server_write) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                thread::spawn(move || {
                    let _ = std::io::copy(&mut client_read, &mut server_write);
                    let _ = server_write.shutdown(std::net::Shutdown::Write);
                });
                let (mut server_read, mut client_write) = (server, client);
                if index == 0 {
                    let _ =
                        std::io::copy(&mut (&mut server_read).take(cut_after), &mut client_write);
                    let _ = client_write.shutdown(std::net::Shutdown::Both);
                    let _ = server_read.shutdown(std::net::Shutdown::Both);
                } else {
                    let _ = std::io::copy(&mut server_read, &mut client_write);
                    let _ = client_write.shutdown(std::net::Shutdown::Write);
                }
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}
