//! Transfers that never fail silently, against a scripted server
//! (`common::stub`) for the failures real servers will not produce on
//! demand: downloads cut or stalled half-way (and Ctrl-C meanwhile), 5xx
//! answers before success, refusals sent while an upload's body streams,
//! a part that fails once. The same behaviours against the four real
//! servers are in `interop/transfers.rs` and `interop/multipart.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;
use common::stub::{Reply, Seen, Stub, headers};
use presign::Method;

/// `len` bytes that differ from position to position.
fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from(i * 31 % 251).unwrap())
        .collect()
}

const ETAG: &str = "\"5d41402abc4b2a76b9719d911017c592\"";
const LAST_MODIFIED: &str = "Wed, 21 Oct 2015 07:28:00 GMT";

/// A 200 with the whole object, or the 206 a `Range: bytes=N-` asks for.
fn serve_object(request: &Seen, object: &[u8], etag: &str) -> Reply {
    let validators = [("ETag", etag), ("Last-Modified", LAST_MODIFIED)];
    match request
        .header("range")
        .and_then(|range| range.strip_prefix("bytes="))
        .and_then(|range| range.strip_suffix('-'))
        .and_then(|start| start.parse::<usize>().ok())
    {
        Some(start) => {
            let range = format!("bytes {start}-{}/{}", object.len() - 1, object.len());
            let mut pairs = headers(&validators);
            pairs.push(("Content-Range".to_owned(), range));
            Reply::Full {
                status: "206 Partial Content",
                headers: pairs,
                body: object[start..].to_vec(),
            }
        }
        None => Reply::Full {
            status: "200 OK",
            headers: headers(&validators),
            body: object.to_vec(),
        },
    }
}

/// A stub whose first GET breaks after `send` bytes of `object`; later
/// ones are served (with Range).
fn breaks_once(object: &[u8], send: usize) -> Stub {
    let served = object.to_vec();
    Stub::start(move |request, index| {
        if index == 0 {
            Reply::Cut {
                headers: headers(&[("ETag", ETAG)]),
                body: served.clone(),
                send,
                stall: false,
            }
        } else {
            serve_object(request, &served, ETAG)
        }
    })
}

fn presign(sandbox: &Sandbox, args: &[&str]) -> Output {
    sandbox.std_command().args(args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The names in `folder`, sorted.
fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------
// Downloads: file mode, interruption, resumption (issue 13 items 1 and 2)
// ---------------------------------------------------------------------------

/// Runs `presign download URL -o FILE` under `umask`, returns FILE's mode.
fn mode_after_download(umask: &str) -> u32 {
    let object = pattern(1000);
    let stub = Stub::start(move |request, _| serve_object(request, &object, ETAG));
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "report.pdf");
    let script =
        format!("umask {umask} && exec \"$0\" download --quiet \"$1\" -o downloads/report.pdf");
    std::fs::create_dir(sandbox.path("downloads")).unwrap();
    // A shell sets the umask, then becomes presign (no variable of the
    // machine gets through).
    let output = Command::new("sh")
        .env_clear()
        .env("HOME", sandbox.home())
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_presign"))
        .arg(url)
        .current_dir(sandbox.path(""))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let metadata = std::fs::metadata(sandbox.path("downloads/report.pdf")).unwrap();
    metadata.permissions().mode() & 0o777
}

#[test]
fn downloaded_files_get_0666_less_the_umask_like_curl_and_wget() {
    assert_eq!(mode_after_download("022"), 0o644);
    assert_eq!(mode_after_download("027"), 0o640);
    assert_eq!(mode_after_download("002"), 0o664);
}

/// Waits until a file of `folder` other than a `.json` one holds at least
/// one byte: the download has begun writing, under whatever name.
fn wait_for_bytes(folder: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let has_bytes = || {
        std::fs::read_dir(folder).unwrap().any(|entry| {
            let entry = entry.unwrap();
            let metadata = entry.metadata().unwrap();
            let is_json = entry.path().extension().is_some_and(|ext| ext == "json");
            metadata.is_file() && metadata.len() > 0 && !is_json
        })
    };
    while !has_bytes() {
        assert!(Instant::now() < deadline, "the download never wrote a byte");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_keeps_the_partial_download_under_a_predictable_name_that_continue_resumes() {
    let object = pattern(3 << 20);
    let half = object.len() / 2;
    let served = object.clone();
    // The first GET stalls after half the object; later ones are served.
    let stub = Stub::start(move |request, index| {
        if index == 0 {
            Reply::Cut {
                headers: headers(&[("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)]),
                body: served.clone(),
                send: half,
                stall: true,
            }
        } else {
            serve_object(request, &served, ETAG)
        }
    });
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "big.iso");
    let child = sandbox
        .std_command()
        .args(["download", &url, "-o", "big.iso"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_bytes(&sandbox.path(""));
    let pid = child.id().to_string();
    // The shell's own kill: no procps needed.
    let sent = Command::new("sh")
        .args(["-c", "kill -INT \"$0\"", &pid])
        .status()
        .unwrap();
    assert!(sent.success(), "SIGINT sent");
    let output = child.wait_with_output().unwrap();
    let message = stderr(&output);
    // Nothing hidden, nothing under the final name: the partial file and
    // its record, both named in the message.
    assert_eq!(
        names(&sandbox.path("")),
        [
            "aws",
            "big.iso.presign-partial",
            "big.iso.presign-partial.json",
            "home"
        ],
        "{message}"
    );
    assert_eq!(output.status.code(), Some(130), "{message}");
    assert!(
        message.contains("big.iso.presign-partial") && message.contains("--continue"),
        "the message names the kept file and how to resume: {message}"
    );
    let output = presign(&sandbox, &["download", &url, "-o", "big.iso", "--continue"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read(sandbox.path("big.iso")).unwrap(), object);
    assert_eq!(names(&sandbox.path("")), ["aws", "big.iso", "home"]);
    let resumed = &stub.requests()[1];
    let held = resumed
        .header("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("the resume asks for a range: {resumed:?}"));
    assert!(held > 0 && held <= half, "resumed from byte {held}");
    assert_eq!(resumed.header("if-range"), Some(ETAG));
}

#[test]
fn a_download_cut_half_way_is_kept_and_continue_resumes_it() {
    let object = pattern(2 << 20);
    let stub = breaks_once(&object, object.len() / 2);
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "data.bin");
    let output = presign(
        &sandbox,
        &["download", &url, "-o", "data.bin", "--retries", "0"],
    );
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("stopped after 1048576 of 2097152 bytes")
            && message.contains("data.bin.presign-partial")
            && message.contains("--continue"),
        "{message}"
    );
    assert!(
        !sandbox.path("data.bin").exists(),
        "no file under the final name"
    );
    assert_eq!(
        std::fs::metadata(sandbox.path("data.bin.presign-partial"))
            .unwrap()
            .len(),
        1 << 20
    );
    let output = presign(
        &sandbox,
        &["download", &url, "-o", "data.bin", "--continue"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read(sandbox.path("data.bin")).unwrap(), object);
    assert_eq!(stub.requests()[1].header("range"), Some("bytes=1048576-"));
}

#[test]
fn a_dropped_connection_is_resumed_within_the_run() {
    let object = pattern(1 << 20);
    let stub = breaks_once(&object, 300_000);
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "data.bin");
    let output = presign(&sandbox, &["download", &url, "-o", "data.bin"]);
    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    assert!(
        message.contains("broke after 300000 of 1048576 bytes"),
        "{message}"
    );
    assert!(message.contains("retrying in"), "{message}");
    assert_eq!(std::fs::read(sandbox.path("data.bin")).unwrap(), object);
    assert_eq!(stub.requests()[1].header("range"), Some("bytes=300000-"));
    // To stdout too: what was written is not written again.
    let output = presign(&sandbox, &["download", "--quiet", &url, "-o", "-"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(output.stdout, object);
}

#[test]
fn a_changed_object_restarts_the_download_saying_why() {
    let old = pattern(1 << 20);
    let new: Vec<u8> = old.iter().map(|b| b ^ 0x55).collect();
    let (first, second) = (old.clone(), new.clone());
    // Serves the old object (cut), then the new one, ignoring If-Range as
    // the four test servers do.
    let stub = Stub::start(move |request, index| {
        if index == 0 {
            Reply::Cut {
                headers: headers(&[("ETag", "\"old\"")]),
                body: first.clone(),
                send: 1000,
                stall: false,
            }
        } else {
            serve_object(request, &second, "\"new\"")
        }
    });
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "data.bin");
    let output = presign(
        &sandbox,
        &["download", &url, "-o", "data.bin", "--retries", "0"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = presign(
        &sandbox,
        &["download", &url, "-o", "data.bin", "--continue"],
    );
    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    assert!(
        message
            .contains("the object changed since the partial download (ETag \"old\", now \"new\")"),
        "{message}"
    );
    assert_eq!(std::fs::read(sandbox.path("data.bin")).unwrap(), new);
    let requests = stub.requests();
    assert_eq!(requests[1].header("if-range"), Some("\"old\""));
    assert_eq!(
        requests[2].header("range"),
        None,
        "the restart asks for everything"
    );
}

/// A stub that refuses every request: 403 AccessDenied.
fn refusing_stub() -> Stub {
    Stub::start(|_, _| Reply::Full {
        status: "403 Forbidden",
        headers: Vec::new(),
        body: b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
            .to_vec(),
    })
}

#[test]
fn a_refused_download_leaves_no_file() {
    let stub = refusing_stub();
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "data.bin");
    let output = presign(&sandbox, &["download", &url, "-o", "data.bin"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("HTTP 403") && message.contains("AccessDenied"),
        "{message}"
    );
    assert_eq!(names(&sandbox.path("")), ["aws", "home"]);
    assert_eq!(stub.requests().len(), 1, "a 4xx is never retried");
}

#[test]
fn a_5xx_is_retried_with_back_off_and_a_4xx_is_not() {
    let object = pattern(5000);
    let served = object.clone();
    let stub = Stub::start(move |request, index| {
        if index < 2 {
            Reply::Full {
                status: "503 Service Unavailable",
                headers: Vec::new(),
                body: b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>".to_vec(),
            }
        } else {
            serve_object(request, &served, ETAG)
        }
    });
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "data.bin");
    let output = presign(&sandbox, &["download", &url, "-o", "-", "--quiet"]);
    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    assert_eq!(output.stdout, object);
    assert_eq!(
        message
            .matches("HTTP 503 Service Unavailable (SlowDown")
            .count(),
        2,
        "{message}"
    );
    assert!(message.contains("(1 of 3 retries)") && message.contains("(2 of 3 retries)"));

    let always = Stub::start(|_, _| Reply::Full {
        status: "500 Internal Server Error",
        headers: Vec::new(),
        body: Vec::new(),
    });
    let url = always.url(Method::Get, "data.bin");
    let output = presign(&sandbox, &["download", &url, "-o", "-", "--retries", "1"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(always.requests().len(), 2, "one try and one retry");
}

// ---------------------------------------------------------------------------
// What -o names: a FIFO or device is written into, a link is followed
// ---------------------------------------------------------------------------

/// Makes a FIFO at `path` (with mkfifo(1): the tests have no unsafe code).
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

/// Reads `fifo` to its end on a thread; the bytes come through the channel.
fn drain(fifo: &Path) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let fifo = fifo.to_owned();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut reader = std::fs::File::open(&fifo).unwrap();
        std::io::Read::read_to_end(&mut reader, &mut bytes).unwrap();
        let _ = sender.send(bytes);
    });
    receiver
}

#[test]
fn a_forced_download_into_a_fifo_writes_into_it_and_leaves_it_a_fifo() {
    // The /dev/full incident: `-o DEVICE --force` wrote DEVICE.presign-partial
    // and renamed it over the device node. A FIFO stands in for the device.
    let object = pattern(1 << 20);
    // The first answer breaks after 300,000 bytes: the rest is fetched with
    // Range within the run, as on stdout (a FIFO cannot be rewound).
    let stub = breaks_once(&object, 300_000);
    let sandbox = Sandbox::new();
    let folder = sandbox.path("out");
    std::fs::create_dir(&folder).unwrap();
    let fifo = folder.join("pipe");
    mkfifo(&fifo);
    let url = stub.url(Method::Get, "data.bin");
    let target = fifo.to_str().unwrap();

    let received = drain(&fifo);
    let output = presign(&sandbox, &["download", &url, "-o", target, "--force"]);
    let message = stderr(&output);
    assert!(
        is_fifo(&fifo),
        "the FIFO was replaced; folder holds {:?}; {message}",
        names(&folder)
    );
    assert!(output.status.success(), "{message}");
    assert!(message.contains("retrying in"), "{message}");
    let bytes = received
        .recv_timeout(Duration::from_secs(30))
        .expect("the FIFO's reader got an end");
    assert!(
        bytes == object,
        "{} bytes came through the FIFO",
        bytes.len()
    );
    assert_eq!(names(&folder), ["pipe"], "no partial file beside it");
    assert_eq!(stub.requests()[1].header("range"), Some("bytes=300000-"));

    refuses_without_force_or_with_continue(&sandbox, &url, target, "a FIFO");
    assert!(is_fifo(&fifo), "the FIFO is still a FIFO");
    assert_eq!(stub.requests().len(), 2, "nothing is sent for bad usage");
}

/// Into an existing FIFO or device (`kind`): without --force a usage error
/// naming what it is; with --continue a usage error naming the flag (it
/// cannot be resumed).
fn refuses_without_force_or_with_continue(sandbox: &Sandbox, url: &str, target: &str, kind: &str) {
    let output = presign(sandbox, &["download", url, "-o", target]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains(&format!("exists ({kind}); pass --force to write into it")),
        "{message}"
    );
    let output = presign(
        sandbox,
        &["download", url, "-o", target, "--force", "--continue"],
    );
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains("--continue resumes a download into a regular file")
            && message.contains(&format!(
                "is {kind}, which is written into directly and cannot be resumed"
            )),
        "{message}"
    );
}

/// A stub that serves `size` bytes of [`pattern`] with [`ETAG`], and those
/// bytes.
fn object_server(size: usize) -> (Vec<u8>, Stub) {
    let object = pattern(size);
    let served = object.clone();
    let stub = Stub::start(move |request, _| serve_object(request, &served, ETAG));
    (object, stub)
}

fn is_char_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

/// A character device to download into: a null device (1, 3) of the test's
/// own, made with mknod(1) where this process may (as root, in CI), so that
/// a regression renames a file over that node and not over the machine's
/// /dev/null; else /dev/null itself, which a process that may not mknod
/// cannot replace either.
fn null_device(folder: &Path) -> std::path::PathBuf {
    own_device(folder, "null", "3")
}

/// `/dev/NAME` (major 1, `minor`) of the test's own in `folder`, as
/// [`null_device`] explains; else the machine's.
fn own_device(folder: &Path, name: &str, minor: &str) -> std::path::PathBuf {
    let node = folder.join(name);
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", "1", minor])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if made {
        node
    } else {
        Path::new("/dev").join(name)
    }
}

#[test]
fn a_forced_download_into_a_character_device_writes_into_it_and_leaves_it_a_device() {
    let (_, stub) = object_server(300_000);
    let sandbox = Sandbox::new();
    let folder = sandbox.path("dev");
    std::fs::create_dir(&folder).unwrap();
    let device = null_device(&folder);
    let beside = device.parent().unwrap().to_owned();
    let before = names(&beside);
    let url = stub.url(Method::Get, "data.bin");
    let target = device.to_str().unwrap();

    let output = presign(&sandbox, &["download", &url, "-o", target, "--force"]);
    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    assert!(is_char_device(&device), "{target} was replaced; {message}");
    assert_eq!(names(&beside), before, "no partial file beside {target}");
    assert_eq!(stub.requests().len(), 1);

    refuses_without_force_or_with_continue(&sandbox, &url, target, "a character device");
    assert!(is_char_device(&device), "{target} is still a device");
    assert_eq!(stub.requests().len(), 1, "nothing is sent for bad usage");
}

#[test]
fn a_device_that_refuses_the_bytes_is_named_in_the_error() {
    // /dev/full (1, 7) answers every write with ENOSPC.
    let (_, stub) = object_server(300_000);
    let sandbox = Sandbox::new();
    let folder = sandbox.path("dev");
    std::fs::create_dir(&folder).unwrap();
    let device = own_device(&folder, "full", "7");
    let target = device.to_str().unwrap();
    let url = stub.url(Method::Get, "data.bin");

    let output = presign(&sandbox, &["download", &url, "-o", target, "--force"]);
    let message = stderr(&output);
    assert!(!output.status.success(), "{message}");
    assert!(
        message.contains(&format!("cannot write {target}: No space left on device")),
        "{message}"
    );
    assert!(is_char_device(&device), "{target} was replaced; {message}");
    assert_eq!(stub.requests().len(), 1, "a full device is not retried");
}

#[test]
fn a_forced_download_into_dev_stdout_comes_out_on_stdout() {
    // /dev/stdout is a link to /proc/self/fd/1, here the pipe the test reads:
    // written into, never a partial file renamed over it.
    let (object, stub) = object_server(200_000);
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "data.bin");
    let output = presign(
        &sandbox,
        &["download", "--quiet", &url, "-o", "/dev/stdout", "--force"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        output.stdout == object,
        "{} bytes on stdout",
        output.stdout.len()
    );
}

#[test]
fn a_socket_or_a_directory_is_refused_before_anything_is_sent() {
    let stub = Stub::start(|request, _| serve_object(request, b"data", ETAG));
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "data.bin");
    let socket = sandbox.path("control.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let output = presign(
        &sandbox,
        &["download", &url, "-o", socket.to_str().unwrap(), "--force"],
    );
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains("control.sock is a socket, which cannot be opened as a file"),
        "{message}"
    );
    assert!(
        std::fs::symlink_metadata(&socket).is_ok_and(|m| {
            use std::os::unix::fs::FileTypeExt;
            m.file_type().is_socket()
        }),
        "the socket is still a socket"
    );
    std::fs::create_dir(sandbox.path("folder")).unwrap();
    let output = presign(&sandbox, &["download", &url, "-o", "folder", "--force"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains("folder is a directory; pass -o folder/NAME"),
        "{message}"
    );
    assert!(stub.requests().is_empty(), "nothing was sent");
    assert_eq!(names(&sandbox.path("folder")), Vec::<String>::new());
}

#[test]
fn a_symbolic_link_is_followed_as_curl_follows_it_and_stays_a_link() {
    let (object, stub) = object_server(200_000);
    let sandbox = Sandbox::new();
    let url = stub.url(Method::Get, "data.bin");
    // links/latest.bin -> ../data/v1.bin, a link into another folder.
    std::fs::create_dir(sandbox.path("links")).unwrap();
    std::fs::create_dir(sandbox.path("data")).unwrap();
    std::fs::write(sandbox.path("data/v1.bin"), b"old").unwrap();
    let link = sandbox.path("links/latest.bin");
    std::os::unix::fs::symlink("../data/v1.bin", &link).unwrap();

    let output = presign(&sandbox, &["download", &url, "-o", "links/latest.bin"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains(
            "exists (a symbolic link to ../data/v1.bin); pass --force to replace the file it \
             points to (the link stays)"
        ),
        "{message}"
    );
    let output = presign(
        &sandbox,
        &[
            "download",
            "--quiet",
            &url,
            "-o",
            "links/latest.bin",
            "--force",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("../data/v1.bin"),
        "the link stays a link to the same name"
    );
    assert_eq!(std::fs::read(sandbox.path("data/v1.bin")).unwrap(), object);
    assert_eq!(names(&sandbox.path("links")), ["latest.bin"]);
    assert_eq!(
        names(&sandbox.path("data")),
        ["v1.bin"],
        "no partial file left"
    );

    // A link to a file that does not exist yet: the file is created there.
    let dangling = sandbox.path("links/next.bin");
    std::os::unix::fs::symlink("../data/v2.bin", &dangling).unwrap();
    let output = presign(
        &sandbox,
        &[
            "download",
            "--quiet",
            &url,
            "-o",
            "links/next.bin",
            "--force",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&dangling).unwrap().is_symlink());
    assert_eq!(std::fs::read(sandbox.path("data/v2.bin")).unwrap(), object);
}

// ---------------------------------------------------------------------------
// Uploads refused while the body streams (issue 9 section 3)
// ---------------------------------------------------------------------------

const SIGNATURE_ERROR: &str = "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>";

/// Uploads a `size`-byte file to a stub that refuses mid-body.
fn refused_upload(size: usize, continue_first: bool) -> (Output, Vec<Seen>) {
    let stub = Stub::start(move |_, _| Reply::RefuseEarly {
        status: "403 Forbidden",
        body: SIGNATURE_ERROR.to_owned(),
        continue_first,
        read_first: 64 * 1024,
    });
    let sandbox = Sandbox::new();
    let file = sandbox.path("big.bin");
    std::fs::write(&file, pattern(size)).unwrap();
    let url = stub.url(Method::Put, "big.bin");
    let output = presign(
        &sandbox,
        &["upload", "--quiet", &url, file.to_str().unwrap()],
    );
    (output, stub.requests())
}

#[test]
fn an_upload_refused_while_its_body_streams_reports_the_s3_error() {
    // A server that reads the headers, says 100 Continue, reads a little,
    // then refuses and closes: the write breaks, the answer is read anyway.
    // 1 MiB (no Expect) and 32 MiB (Expect: 100-continue).
    for (size, continue_first) in [(1 << 20, true), (32 << 20, true), (32 << 20, false)] {
        let (output, requests) = refused_upload(size, continue_first);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{size}: {message}");
        assert!(
            message.contains("HTTP 403 Forbidden") && message.contains("SignatureDoesNotMatch"),
            "{size} bytes, 100 Continue first: {continue_first}: {message}"
        );
        assert!(!message.contains("Broken pipe"), "{message}");
        let expect = requests[0].header("expect");
        assert_eq!(expect.is_some(), size > 1 << 20, "Expect only above 1 MiB");
        if !continue_first {
            assert_eq!(requests[0].body_len, 0, "refused before the body was sent");
        }
    }
}

#[test]
fn an_upload_whose_connection_breaks_without_an_answer_says_so_not_cannot_connect() {
    // The server reads 64 KiB of a 32 MiB body and closes without a word:
    // the connection was made, so "cannot connect" would send the user to
    // check a host and port that are right.
    let stub = Stub::start(|_, _| Reply::HangUp {
        read_first: 64 * 1024,
    });
    let sandbox = Sandbox::new();
    let file = sandbox.path("big.bin");
    std::fs::write(&file, pattern(32 << 20)).unwrap();
    let url = stub.url(Method::Put, "big.bin");
    let output = presign(
        &sandbox,
        &[
            "upload",
            "--quiet",
            "--retries",
            "0",
            &url,
            file.to_str().unwrap(),
        ],
    );
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(!message.contains("cannot connect"), "{message}");
    assert!(
        message.contains("the request was being sent, after ")
            && message.contains("bytes of it, and sent no answer"),
        "{message}"
    );
    assert!(message.contains("the host and port are right"), "{message}");
}

// ---------------------------------------------------------------------------
// Multipart through a plan: a part retried, a refused part aborts
// ---------------------------------------------------------------------------

/// A plan for a `size`-byte file in 5 MiB parts at the stub.
fn stub_plan(stub: &Stub, size: u64) -> serde_json::Value {
    use presign::multipart::{MultipartUpload, PartPlan};
    let object = presign::PresignRequest::new(
        Method::Get,
        format!("http://127.0.0.1:{}", stub.port),
        "bucket",
        "big.bin",
    );
    let upload = MultipartUpload::new(&object, "UPLOAD").unwrap();
    let credentials = presign::Credentials::new("AKIDSTUB", "stub-secret");
    let now = std::time::SystemTime::now();
    let sign = |request: &presign::PresignRequest| {
        presign::presign(request, &credentials, now)
            .unwrap()
            .url()
            .to_owned()
    };
    let layout = PartPlan::with_part_size(size, 5 << 20).unwrap();
    let parts: Vec<serde_json::Value> = layout
        .parts()
        .map(|part| {
            serde_json::json!({
                "part_number": part.number().get(),
                "offset": part.offset(),
                "length": part.len(),
                "url": sign(&upload.upload_part(part.number())),
            })
        })
        .collect();
    let expires = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    serde_json::json!({
        "format": "presign-multipart-plan/1",
        "bucket": "bucket",
        "key": "big.bin",
        "upload_id": "UPLOAD",
        "size": size,
        "part_size": 5 << 20,
        "part_count": layout.part_count(),
        "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "parts": parts,
        "complete_url": sign(&upload.complete()),
        "list_urls": [sign(&upload.list_parts())],
        "abort_url": sign(&upload.abort()),
    })
}

/// A stub S3 for one multipart upload: `part(number, try)` picks each
/// part's answer; complete and abort succeed.
fn multipart_stub(
    part: impl Fn(u32, usize) -> Option<&'static str> + Send + Sync + 'static,
) -> Stub {
    let tries = std::sync::Mutex::new(std::collections::HashMap::<u32, usize>::new());
    Stub::start(move |request, _| {
        let number = request
            .target
            .split(['?', '&'])
            .find_map(|pair| pair.strip_prefix("partNumber="))
            .and_then(|n| n.parse::<u32>().ok());
        match (request.method.as_str(), number) {
            ("PUT", Some(number)) => {
                let try_number = {
                    let mut tries = tries.lock().unwrap();
                    let entry = tries.entry(number).or_default();
                    *entry += 1;
                    *entry
                };
                match part(number, try_number) {
                    None => Reply::Full {
                        status: "200 OK",
                        headers: headers(&[("ETag", &format!("\"etag-{number}\""))]),
                        body: Vec::new(),
                    },
                    Some(status) => Reply::Full {
                        status,
                        headers: Vec::new(),
                        body: format!("<Error><Code>{status}</Code></Error>").into_bytes(),
                    },
                }
            }
            ("POST", None) => Reply::Full {
                status: "200 OK",
                headers: Vec::new(),
                body: b"<CompleteMultipartUploadResult><ETag>\"done-2\"</ETag></CompleteMultipartUploadResult>".to_vec(),
            },
            ("DELETE", None) => Reply::Full {
                status: "204 No Content",
                headers: Vec::new(),
                body: Vec::new(),
            },
            _ => Reply::Full {
                status: "400 Bad Request",
                headers: Vec::new(),
                body: Vec::new(),
            },
        }
    })
}

fn upload_with_stub_plan(stub: &Stub, extra: &[&str]) -> (Output, Sandbox) {
    let sandbox = Sandbox::new();
    let size = (5 << 20) + 1234;
    std::fs::write(sandbox.path("big.bin"), pattern(size)).unwrap();
    let plan = stub_plan(stub, size as u64);
    std::fs::write(sandbox.path("plan.json"), plan.to_string()).unwrap();
    let mut args = vec!["upload", "--plan", "plan.json", "big.bin"];
    args.extend_from_slice(extra);
    (presign(&sandbox, &args), sandbox)
}

#[test]
fn a_part_that_fails_with_a_5xx_is_retried_then_the_upload_completes() {
    let stub = multipart_stub(|number, try_number| {
        (number == 1 && try_number == 1).then_some("500 Internal Server Error")
    });
    let (output, _sandbox) = upload_with_stub_plan(&stub, &[]);
    let message = stderr(&output);
    assert!(output.status.success(), "{message}");
    assert!(
        message.contains("part 1: HTTP 500 Internal Server Error"),
        "{message}"
    );
    let complete = stub
        .requests()
        .into_iter()
        .find(|request| request.method == "POST")
        .expect("the upload was completed");
    assert!(complete.body_len > 0);
    let puts: Vec<Seen> = stub
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 3, "part 1 twice, part 2 once");
    assert!(
        puts.iter()
            .all(|put| put.body_len == 5 << 20 || put.body_len == 1234)
    );
}

#[test]
fn a_refused_part_aborts_the_upload_and_says_so() {
    let stub = multipart_stub(|number, _| (number == 2).then_some("403 Forbidden"));
    let (output, _sandbox) = upload_with_stub_plan(&stub, &[]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("part 2 of 2 failed: HTTP 403 Forbidden"),
        "{message}"
    );
    assert!(message.contains("aborted upload UPLOAD"), "{message}");
    let requests = stub.requests();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.method == "PUT" && r.target.contains("partNumber=2"))
            .count(),
        1,
        "a 4xx is not retried"
    );
    assert!(
        requests.iter().any(|r| r.method == "DELETE"),
        "AbortMultipartUpload was sent"
    );
    assert!(
        !requests.iter().any(|r| r.method == "POST"),
        "nothing was completed"
    );
}

#[test]
fn a_part_that_keeps_failing_keeps_the_upload_for_resume() {
    let stub = multipart_stub(|number, _| (number == 2).then_some("503 Service Unavailable"));
    let (output, _sandbox) = upload_with_stub_plan(&stub, &["--retries", "1"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains("upload UPLOAD of s3://bucket/big.bin is kept"),
        "{message}"
    );
    assert!(
        message.contains("presign upload --plan plan.json --resume big.bin"),
        "{message}"
    );
    assert!(
        !stub.requests().iter().any(|r| r.method == "DELETE"),
        "not aborted"
    );
}

#[test]
fn a_file_of_another_size_than_the_plan_is_refused_before_anything_is_sent() {
    let stub = multipart_stub(|_, _| None);
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path("big.bin"), pattern(100)).unwrap();
    std::fs::write(
        sandbox.path("plan.json"),
        stub_plan(&stub, 6 << 20).to_string(),
    )
    .unwrap();
    let output = presign(&sandbox, &["upload", "--plan", "plan.json", "big.bin"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains(
            "big.bin is 100 bytes, but the plan plan.json is for a file of 6291456 bytes"
        ),
        "{message}"
    );
    assert!(stub.requests().is_empty());
}

#[test]
fn upload_multipart_weighs_the_token_against_the_urls_signed_at_at() {
    // Signed --at 2013-05-24T00:00:00Z for an hour, the URLs expire at
    // 01:00; measured from the clock instead, they would expire years later
    // and every 2013 token would seem to die first.
    let stub = refusing_stub();
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path("big.bin"), pattern(100)).unwrap();
    let endpoint = format!("http://127.0.0.1:{}", stub.port);
    let upload = |token_expires: &str| {
        let output = sandbox
            .std_command()
            .env("AWS_ACCESS_KEY_ID", "AKIDSTUB")
            .env("AWS_SECRET_ACCESS_KEY", "stub-secret")
            .env("AWS_SESSION_TOKEN", "SessionTokenForWarningTest")
            .env("AWS_CREDENTIAL_EXPIRATION", token_expires)
            .args(["upload", "--multipart", "s3://bucket/big.bin", "big.bin"])
            .args(["--endpoint-url", &endpoint, "--region", "us-east-1"])
            .args(["--at", "2013-05-24T00:00:00Z", "--expires-in", "1h"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stderr(&output)
    };
    let message = upload("2013-05-24T00:30:00Z");
    assert!(
        message.contains(
            "expires at 2013-05-24T00:30:00Z, before the URL's own expiry (2013-05-24T01:00:00Z)"
        ),
        "{message}"
    );
    let message = upload("2013-05-24T02:00:00Z");
    assert!(
        message.contains("session token (expires at 2013-05-24T02:00:00Z); it stops working")
            && !message.contains("before the URL's own expiry"),
        "{message}"
    );
    assert_eq!(stub.requests().len(), 2, "one refused create per run");
}

#[test]
fn multipart_create_weighs_the_token_against_the_plans_urls() {
    // The plan's URLs expire 10 minutes after --at; the create request is
    // signed for 15 (its floor). A token that lives 12 minutes outlives
    // every URL handed out, so it gets only the ordinary note; one that
    // lives 5 does not.
    let stub = refusing_stub();
    let sandbox = Sandbox::new();
    let endpoint = format!("http://127.0.0.1:{}", stub.port);
    let create = |token_expires: &str| {
        let output = sandbox
            .std_command()
            .env("AWS_ACCESS_KEY_ID", "AKIDSTUB")
            .env("AWS_SECRET_ACCESS_KEY", "stub-secret")
            .env("AWS_SESSION_TOKEN", "SessionTokenForWarningTest")
            .env("AWS_CREDENTIAL_EXPIRATION", token_expires)
            .args([
                "multipart",
                "create",
                "s3://bucket/big.bin",
                "--size",
                "100",
            ])
            .args(["--endpoint-url", &endpoint, "--region", "us-east-1"])
            .args(["--at", "2013-05-24T00:00:00Z", "--expires-in", "10m"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stderr(&output)
    };
    let message = create("2013-05-24T00:12:00Z");
    assert!(
        message.contains("session token (expires at 2013-05-24T00:12:00Z); it stops working")
            && !message.contains("before the URL's own expiry"),
        "{message}"
    );
    let message = create("2013-05-24T00:05:00Z");
    assert!(
        message.contains(
            "expires at 2013-05-24T00:05:00Z, before the URL's own expiry (2013-05-24T00:10:00Z)"
        ),
        "{message}"
    );
}
