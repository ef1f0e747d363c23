//! See main.rs.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::harness::{Config, Service, Storage, send, storage};

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

/// A storage service on loopback that answers CreateMultipartUpload, or,
/// while `hang` is set, accepts and reads requests and answers nothing.
struct StubStorage {
    addr: SocketAddr,
    hang: Arc<AtomicBool>,
    /// Connections open now, and the most open at once.
    open: Arc<AtomicUsize>,
    most_open: Arc<AtomicUsize>,
}

impl StubStorage {
    fn start(hang: bool) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let stub = Self {
            addr: listener.local_addr().unwrap(),
            hang: Arc::new(AtomicBool::new(hang)),
            open: Arc::new(AtomicUsize::new(0)),
            most_open: Arc::new(AtomicUsize::new(0)),
        };
        let (hang, open, most_open) = (
            Arc::clone(&stub.hang),
            Arc::clone(&stub.open),
            Arc::clone(&stub.most_open),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                most_open.fetch_max(now, Ordering::SeqCst);
                let (hang, open) = (Arc::clone(&hang), Arc::clone(&open));
                std::thread::spawn(move || {
                    let _ = Self::answer(stream, &hang);
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        stub
    }

    /// Answers the requests on `stream` until it closes.
    fn answer(stream: TcpStream, hang: &AtomicBool) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream);
        loop {
            let mut length = 0;
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body)?;
            while hang.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(10));
            }
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
                <InitiateMultipartUploadResult><Bucket>uploads</Bucket><Key>k</Key>\
                <UploadId>stub-upload-1</UploadId></InitiateMultipartUploadResult>";
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\ncontent-length: {}\r\n\r\n{xml}",
                xml.len()
            );
            reader.get_mut().write_all(answer.as_bytes())?;
        }
    }

    /// The harness' storage description for this stub.
    fn storage(&self) -> Storage {
        [
            ("ENDPOINT", format!("http://{}", self.addr)),
            ("ACCESS_KEY", "AKIDSTUBSTORAGE".to_owned()),
            ("SECRET_KEY", "stub/SECRET/key/0123456789".to_owned()),
            ("REGION", "us-east-1".to_owned()),
            ("BUCKET", "uploads".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

/// A Companion multipart create, as a browser sends it: status, whether
/// the answer had `Retry-After`, its rule, and how long it took.
fn companion_create(service_url: &str) -> (u16, bool, Option<String>, Duration) {
    let start = Instant::now();
    let answer = send(
        "POST",
        &format!("{service_url}/s3/multipart"),
        &[
            ("origin", "https://app.example.com"),
            ("content-type", "application/json"),
        ],
        br#"{"filename":"a.bin","type":"application/octet-stream"}"#.to_vec(),
    );
    (
        answer.status,
        answer.headers.contains_key("retry-after"),
        answer.body["rule"].as_str().map(str::to_owned),
        start.elapsed(),
    )
}

/// Finding 9: a storage service that accepts and never answers used to
/// take one blocking thread per request until the pool was full, and new
/// requests waited long after it recovered. Calls to storage are now
/// bounded (`storage.max_concurrent_calls`): the rest are answered 503 with
/// `Retry-After` at once, and once storage answers again so does the
/// service.
#[tokio::test(flavor = "multi_thread")]
async fn finding_09_a_hung_storage_service_holds_a_bounded_number_of_calls() {
    let stub = StubStorage::start(true);
    let mut config = Config::companion("");
    config.storage = "max_concurrent_calls = 4".to_owned();
    let service = Service::start(&stub.storage(), &config).await;
    let url = service.url("");

    let attack: Vec<_> = (0..32)
        .map(|_| {
            let url = url.clone();
            tokio::task::spawn_blocking(move || companion_create(&url))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let most_open = stub.most_open.load(Ordering::SeqCst);
    // The storage service recovers: it answers the calls it holds, and new ones.
    stub.hang.store(false, Ordering::SeqCst);
    let mut answers = Vec::new();
    for call in attack {
        answers.push(call.await.unwrap());
    }
    assert!(
        most_open <= 4,
        "{most_open} storage calls were in flight at once (max_concurrent_calls = 4)"
    );
    let busy: Vec<_> = answers.iter().filter(|answer| answer.0 == 503).collect();
    assert!(busy.len() >= 28, "answers: {answers:?}");
    for (_, retry_after, rule, took) in &busy {
        assert!(*retry_after, "a 503 without Retry-After");
        assert_eq!(rule.as_deref(), Some("storage.max_concurrent_calls"));
        assert!(*took < Duration::from_millis(1500), "a 503 took {took:?}");
    }
    assert_eq!(
        answers.iter().filter(|answer| answer.0 == 200).count(),
        32 - busy.len(),
        "answers: {answers:?}"
    );

    // After recovery, new requests are answered at once.
    let answers = tokio::task::spawn_blocking(move || {
        (0..8).map(|_| companion_create(&url)).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for answer in answers {
        assert_eq!(answer.0, 200, "{answer:?}");
        assert!(answer.3 < Duration::from_secs(1), "{answer:?}");
    }
    service.stop().await;

    // A storage timeout as long as the request's is refused at load: the
    // storage call must fail before the request does.
    let mut config = Config::companion("");
    config.top = "request_timeout = 5".to_owned();
    let text = config.text(&stub.storage(), std::path::Path::new("audit.jsonl"));
    let error = presign_serve::Settings::parse(
        std::path::Path::new("serve.toml"),
        &text,
        &crate::harness::environment(&stub.storage()),
    )
    .unwrap_err();
    assert_eq!(error.key, "storage.timeout", "{error}");
}

/// A service whose audit log is a FIFO that the test holds open (so the
/// service can open it) and never reads: the reader that stalls.
pub(crate) async fn service_with_stalled_audit_log(
    storage: &Storage,
    top: &str,
) -> (Service, std::fs::File, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("audit.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Read and write: opening does not wait for a writer, and the pipe
    // always has a reader, so the service's writes block once it is full.
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let config = Config {
        top: top.to_owned(),
        ..Config::client("")
    };
    let text = config.text(storage, &fifo);
    let settings = presign_serve::Settings::parse(
        &dir.path().join("serve.toml"),
        &text,
        &crate::harness::environment(storage),
    )
    .unwrap();
    (Service::launch(settings, dir).await, held, fifo)
}

/// `count` native presign requests with 900-byte keys (about 64 pipe
/// buffers' worth of audit lines for 64 requests), each given 5 s: their
/// statuses, `Retry-After` and `rule` of the refusals, and whether a 503
/// carried a URL. A request that gets no answer in time is status 0, and
/// the last.
fn presign_flood(addr: SocketAddr, count: usize) -> Vec<(u16, bool, Option<String>, bool)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let auth = format!("Bearer {}", crate::harness::TOKEN);
    let mut answers = Vec::with_capacity(count);
    for i in 0..count {
        let answer = {
            let body = serde_json::json!({
                "method": "GET",
                "key": format!("app/{i:05}-{}", "k".repeat(900)),
            });
            match agent
                .post(format!("http://{addr}/v1/presign"))
                .header("authorization", &auth)
                .header("content-type", "application/json")
                .send(body.to_string())
            {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let retry_after = response.headers().contains_key("retry-after");
                    let text = response.body_mut().read_to_string().unwrap_or_default();
                    let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                    (
                        status,
                        retry_after,
                        body["rule"].as_str().map(str::to_owned),
                        body.get("url").is_some(),
                    )
                }
                Err(error) => {
                    eprintln!("presign_flood: request {i}: {error}");
                    (0, false, None, false)
                }
            }
        };
        answers.push(answer);
        if answer_is_timeout(&answers) {
            break;
        }
    }
    answers
}

fn answer_is_timeout(answers: &[(u16, bool, Option<String>, bool)]) -> bool {
    answers.last().is_some_and(|answer| answer.0 == 0)
}

/// The value of the sample `name` (no labels) in a Prometheus exposition.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{name} "))?.trim().parse().ok())
}

/// Finding 8, fail-open: an audit log whose reader stalls (a full pipe)
/// used to block the request that wrote to it, and soon every worker. With
/// `audit_overflow = "drop"` every request is still answered, and the lines
/// that could not be queued are counted in /metrics.
#[tokio::test(flavor = "multi_thread")]
async fn finding_08_a_stalled_audit_log_drops_and_counts_lines_when_told_to() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let (service, _held, _fifo) = service_with_stalled_audit_log(
        &storage,
        "audit_overflow = \"drop\"\naudit_queue = 4\nshutdown_timeout = 2",
    )
    .await;
    let addr = service.addr;
    let answers = tokio::task::spawn_blocking(move || presign_flood(addr, 200))
        .await
        .unwrap();
    assert!(
        answers.iter().all(|answer| answer.0 == 200 && answer.3),
        "not every request was answered with its URL: {:?}",
        answers.iter().map(|answer| answer.0).collect::<Vec<_>>()
    );
    let url = service.url("/metrics");
    let metrics = tokio::task::spawn_blocking(move || send("GET", &url, &[], Vec::new()))
        .await
        .unwrap();
    let text = metrics.body.as_str().unwrap();
    let dropped = sample(text, "presign_serve_audit_dropped_lines_total").unwrap_or(0.0);
    assert!(
        dropped >= 100.0,
        "{dropped} dropped audit lines counted:\n{text}"
    );
    service.stop().await;
}

/// Finding 8, fail-closed (the default `audit_overflow = "refuse"`): once
/// the stalled audit log's queue is full, requests that would issue a URL
/// are answered 503 with `Retry-After` and carry no URL, and every URL
/// handed out has its audit line.
#[tokio::test(flavor = "multi_thread")]
async fn finding_08_a_stalled_audit_log_refuses_and_issues_nothing_by_default() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let (service, held, _fifo) =
        service_with_stalled_audit_log(&storage, "audit_queue = 4\nshutdown_timeout = 2").await;
    let addr = service.addr;
    let answers = tokio::task::spawn_blocking(move || presign_flood(addr, 200))
        .await
        .unwrap();
    let issued = answers.iter().filter(|answer| answer.0 == 200).count();
    let refused: Vec<_> = answers.iter().filter(|answer| answer.0 == 503).collect();
    assert_eq!(
        issued + refused.len(),
        answers.len(),
        "every request is answered at once, 200 or 503: {:?}",
        answers.iter().map(|answer| answer.0).collect::<Vec<_>>()
    );
    assert!(refused.len() >= 100, "{} refused", refused.len());
    assert_eq!(answers.len(), 200);
    for (_, retry_after, rule, url) in refused {
        assert!(
            *retry_after && !url,
            "a 503 with a URL or without Retry-After"
        );
        assert_eq!(rule.as_deref(), Some("audit_overflow"));
    }

    // The reader catches up: exactly one line per URL handed out.
    let lines = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in BufReader::new(held).lines() {
            if line.is_err() {
                return;
            }
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while lines.load(Ordering::SeqCst) < issued && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(lines.load(Ordering::SeqCst), issued);
    service.stop().await;
}

/// Log lines written by one service (its accept loop and start-up), for
/// tests that check what it logs.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn lines_with(&self, text: &str) -> usize {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .filter(|line| line.contains(text))
            .count()
    }
}

/// A service in front of nothing (for tests that never reach storage),
/// with its log lines in `Logs`: where it listens, how to stop it, the task.
struct LoggedService {
    addr: SocketAddr,
    logs: Logs,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl LoggedService {
    async fn start(config: &Config) -> Self {
        use tracing::instrument::WithSubscriber;
        let storage: Storage = [
            ("ENDPOINT", "http://127.0.0.1:9"),
            ("ACCESS_KEY", "AKIDLOGGEDSERVICE"),
            ("SECRET_KEY", "logged/SECRET/key/0123456789"),
            ("REGION", "us-east-1"),
            ("BUCKET", "uploads"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let dir = tempfile::tempdir().unwrap();
        let text = config.text(&storage, &dir.path().join("audit.jsonl"));
        let settings = presign_serve::Settings::parse(
            &dir.path().join("serve.toml"),
            &text,
            &crate::harness::environment(&storage),
        )
        .unwrap();
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(
            async move {
                presign_serve::launch(settings, listener, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            }
            .with_subscriber(subscriber),
        );
        Self {
            addr,
            logs,
            stop: Some(stop),
            task,
            _dir: dir,
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap();
    }
}

/// The TCP connections this process holds as a server on `port`: open
/// file descriptors of this process (`/proc/self/fd`) that are established
/// sockets whose local port is `port`.
fn served_connections(port: u16) -> usize {
    let inodes: std::collections::HashSet<String> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            Some(
                target
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_owned(),
            )
        })
        .collect();
    let port = format!(":{port:04X}");
    ["/proc/self/net/tcp", "/proc/self/net/tcp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .flat_map(|text| {
            text.lines()
                .skip(1)
                .map(|line| {
                    line.split_whitespace()
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .filter(|fields| {
            fields.len() > 9
                && fields[1].ends_with(&port)
                && fields[3] == "01"
                && inodes.contains(&fields[9])
        })
        .count()
}

/// Finding 7: with no connection limit, an attacker's idle connections
/// used all the file descriptors and `/healthz` stopped answering. Now at
/// most `max_connections` are held (the rest closed at once, one warning),
/// and idle ones are reaped after `header_timeout`. (That the open-file
/// soft limit is raised at start is checked with the binary, in
/// presign-cli's serve_attacks_resources.rs: this process' limit is
/// shared by every test.)
#[tokio::test(flavor = "multi_thread")]
async fn finding_07_idle_connections_are_capped_and_reaped() {
    let service = LoggedService::start(&Config {
        top: "max_connections = 16\nheader_timeout = 2".to_owned(),
        ..Config::client("")
    })
    .await;
    let addr = service.addr;
    let attacker = tokio::task::spawn_blocking(move || {
        (0..200)
            .filter_map(|_| TcpStream::connect(addr).ok())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let attack_start = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let held = served_connections(addr.port());
    assert!(
        held <= 16,
        "the service holds {held} connections (max_connections = 16); the attacker opened {}",
        attacker.len()
    );
    assert_eq!(
        service.logs.lines_with("max_connections reached"),
        1,
        "one warning for the episode"
    );

    // The attacker keeps its connections open; the idle ones are reaped
    // after header_timeout (2 s) and /healthz answers.
    let url = format!("http://{addr}/healthz");
    let answered = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_millis(500)))
            .build()
            .into();
        while attack_start.elapsed() < Duration::from_secs(6) {
            if agent.get(&url).call().is_ok_and(|r| r.status() == 200) {
                return Some(attack_start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    })
    .await
    .unwrap();
    let answered = answered.expect("/healthz did not answer within 6 s of the attack");
    assert!(answered < Duration::from_secs(4), "{answered:?}");
    assert!(served_connections(addr.port()) <= 16);
    drop(attacker);
    service.stop().await;
}
