//! See main.rs.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::harness::{Config, Service, send, storage};

/// One keep-alive HTTP/1.1 connection, spoken by hand (an HTTP client
/// refuses made-up methods).
struct RawConnection {
    reader: BufReader<TcpStream>,
}

impl RawConnection {
    fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Self {
            reader: BufReader::new(stream),
        }
    }

    /// Sends `method path` without a body and reads the answer; its status.
    fn exchange(&mut self, method: &str, path: &str) -> u16 {
        let request = format!("{method} {path} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n");
        self.reader.get_mut().write_all(request.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status = line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut length = 0;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        status
    }
}

/// The distinct values of `label` in the samples of `metric` in `text` (a
/// Prometheus text exposition).
fn label_values(text: &str, metric: &str, label: &str) -> BTreeSet<String> {
    let needle = format!("{label}=\"");
    text.lines()
        .filter(|line| line.starts_with(&format!("{metric}{{")))
        .filter_map(|line| {
            let start = line.find(&needle)? + needle.len();
            let end = line[start..].find('"')? + start;
            Some(line[start..end].to_owned())
        })
        .collect()
}

/// Finding 2: every distinct method name a client sends used to become a
/// permanent `/metrics` label (and log field). Thousands of made-up methods
/// now all count as `other`: the label set and the scrape stay small.
#[tokio::test(flavor = "multi_thread")]
async fn finding_02_made_up_methods_do_not_grow_the_metrics() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Service::start(&storage, &Config::client("")).await;
    let addr = service.addr;
    let statuses = tokio::task::spawn_blocking(move || {
        let mut connection = RawConnection::open(addr);
        let mut statuses = BTreeSet::new();
        for i in 0..3000 {
            // Short names, and some long ones (a log line must not carry them).
            let method = if i % 500 == 0 {
                format!("LONG{i}{}", "X".repeat(4000))
            } else {
                format!("M{i:05}")
            };
            for path in ["/healthz", "/v1/presign", "/no/such/route"] {
                statuses.insert(connection.exchange(&method, path));
            }
        }
        statuses
    })
    .await
    .unwrap();
    assert!(!statuses.is_empty());

    let url = service.url("/metrics");
    let answer = tokio::task::spawn_blocking(move || send("GET", &url, &[], Vec::new()))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    let text = answer.body.as_str().unwrap().to_owned();
    let methods = label_values(&text, "presign_serve_requests_total", "method");
    assert!(
        methods.len() <= 10 && methods.contains("other"),
        "method labels are not a fixed set: {} values, e.g. {:?}",
        methods.len(),
        methods.iter().take(5).collect::<Vec<_>>()
    );
    let routes = label_values(&text, "presign_serve_requests_total", "route");
    assert!(routes.len() <= 4, "route labels: {routes:?}");
    assert!(
        text.len() < 32 * 1024,
        "the scrape is {} bytes after 9000 requests with made-up methods",
        text.len()
    );

    // And the service still answers at once.
    let url = service.url("/healthz");
    let start = Instant::now();
    let answer = tokio::task::spawn_blocking(move || send("GET", &url, &[], Vec::new()))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert!(start.elapsed() < Duration::from_secs(2));
    service.stop().await;
}
