//! See main.rs. The second review of the service (findings 16 and up): what
//! got past the first review's rules.

use std::io::{BufRead, Read, Write};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::harness::{Config, Service, api, browser, fields, post_form, send, storage, urlencode};
use crate::input::{blocking, content_type_of, get_object, presign, refused, unique, use_url};

/// An XHTML document with a script: what a `text/xsl` object runs when a
/// browser opens it from the bucket's origin.
const XSL_PAYLOAD: &[u8] = br#"<?xml version="1.0"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(document.domain)</script></body></html>"#;

/// Finding 16: `text/*` (and `*/*`) admitted `text/xsl`, which Chromium
/// opens as an XML document and runs the script of (checked with the Debian
/// chromium the browser tests use: that body served as `text/xsl` ran its
/// `<script>`, as `text/plain` it did not). So a client or an anonymous
/// browser allowed "text files" stored a page that runs script on the
/// bucket's origin, and a GET could serve any object as one. Now `text/xsl`
/// is a script-capable type like HTML and SVG: admitted only when listed by
/// name.
#[tokio::test(flavor = "multi_thread")]
async fn finding_16_text_wildcards_do_not_admit_xsl() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let config = Config {
        companion: Some("content_types = [\"text/*\"]".to_owned()),
        client: "content_types = [\"text/*\"]\nresponse_overrides = [\"content-type\"]".to_owned(),
        ..Config::default()
    };
    let service = Arc::new(Service::start(&storage, &config).await);
    blocking(&service, |service| {
        let run = unique();
        // What text/* is for still works.
        let plain = format!("app/{run}.txt");
        let put = presign(service, "PUT", &plain, &json!({"content-type": "text/plain"}), &json!({}));
        assert_eq!(put.status, 200, "{put:?}");
        assert!(use_url(&put, b"text").status < 300);

        for value in ["text/xsl", "TEXT/XSL; charset=utf-8"] {
            let key = format!("app/{run}-{}.xsl", unique());
            let put = presign(service, "PUT", &key, &json!({"content-type": value}), &json!({}));
            if put.status == 200 {
                let stored = use_url(&put, XSL_PAYLOAD);
                let read = get_object(service, &key);
                panic!(
                    "PUT with content-type {value:?} was signed under text/*; the storage answered {} and serves it as {:?}",
                    stored.status,
                    content_type_of(&read)
                );
            }
            assert!(refused(&put, "content_type"), "{value:?}: {put:?}");
        }

        // A GET that serves the text file as XSL.
        let get = presign(
            service,
            "GET",
            &plain,
            &json!({}),
            &json!({"response-content-type": "text/xsl"}),
        );
        if get.status == 200 {
            let served = send("GET", get.body["url"].as_str().unwrap(), &[], Vec::new());
            panic!(
                "a GET signed response-content-type=text/xsl; the storage served {:?}",
                content_type_of(&served)
            );
        }
        assert!(refused(&get, "content_type"), "{get:?}");

        // /v1/post and the anonymous Companion routes.
        let post = api(
            service,
            "POST",
            "/v1/post",
            Some(&json!({"key": format!("app/{run}-post.xsl"), "content_type": "text/xsl"})),
        );
        assert!(refused(&post, "content_type"), "{post:?}");
        let params = browser(service, "GET", "/s3/params?filename=a.xsl&type=text%2Fxsl", None);
        assert!(refused(&params, "content_type"), "{params:?}");
        let create = browser(
            service,
            "POST",
            "/s3/multipart",
            Some(&json!({"filename": "a.xsl", "type": "text/xsl"})),
        );
        assert!(refused(&create, "content_type"), "{create:?}");
    })
    .await;
}

/// Finding 17: `/v1/presign` signed `uploadId` as the client gave it, so a
/// client with PUT on its own prefix took the storage's id out of another
/// upload's id (`STORAGE_ID.TAG`) and signed an UploadPart URL for *its own*
/// key with it: a storage that does not bind upload ids to keys (s3s-fs)
/// stored the part in the other upload, for a key outside the client's
/// prefix (a DELETE, likewise, aborted it). That went around finding 5's
/// binding. Now `uploadId` must be an id the service answered for that
/// bucket and key; the storage's id is signed in its place.
#[tokio::test(flavor = "multi_thread")]
async fn finding_17_presign_upload_id_is_bound_to_its_key() {
    let Some(storage) = storage("s3s-fs") else {
        return;
    };
    let service = Arc::new(Service::start(&storage, &Config::companion("")).await);
    blocking(&service, |service| {
        let run = unique();
        // A browser's upload, to a key outside the client's prefix `app/`.
        let created = browser(
            service,
            "POST",
            "/s3/multipart",
            Some(&json!({"filename": "victim.bin", "type": "application/octet-stream"})),
        );
        assert_eq!(created.status, 200, "{created:?}");
        let victim_key = created.body["key"].as_str().unwrap().to_owned();
        let victim_id = created.body["uploadId"].as_str().unwrap().to_owned();
        let storage_id = victim_id.rsplit_once('.').unwrap().0.to_owned();
        let own_key = format!("app/{run}-evil.bin");
        for id in [&storage_id, &victim_id] {
            let query = json!({"partNumber": "1", "uploadId": id});
            let part = presign(service, "PUT", &own_key, &json!({}), &query);
            if part.status == 200 {
                let put = use_url(&part, b"ATTACKER");
                let listed = browser(
                    service,
                    "GET",
                    &format!("/s3/multipart/{victim_id}?key={}", urlencode(&victim_key)),
                    None,
                );
                panic!(
                    "an UploadPart URL for {own_key:?} with uploadId {id:?} was signed; the PUT answered {} and the victim's upload ({victim_key:?}) now lists {:?}",
                    put.status, listed.body
                );
            }
            assert_eq!(
                (part.status, part.body["rule"].as_str()),
                (403, Some("upload_id")),
                "{id}: {part:?}"
            );
            let abort = presign(service, "DELETE", &own_key, &json!({}), &json!({"uploadId": id}));
            assert!(refused(&abort, "upload_id"), "{id}: {abort:?}");
            let batch = api(
                service,
                "POST",
                "/v1/presign/batch",
                Some(&json!({"method": "PUT", "keys": [own_key], "query": query})),
            );
            assert!(refused(&batch, "upload_id"), "{id}: {batch:?}");
        }

        // The client's own upload, with the id the service answered: the URL
        // signs the storage's id, and the part is stored.
        let own = format!("app/{run}-own.bin");
        let plan = api(
            service,
            "POST",
            "/v1/multipart",
            Some(&json!({"key": own, "size": 10})),
        );
        assert_eq!(plan.status, 200, "{plan:?}");
        let bound = plan.body["upload_id"].as_str().unwrap();
        let own_storage_id = bound.rsplit_once('.').unwrap().0;
        let query = json!({"partNumber": "1", "uploadId": bound});
        let part = presign(service, "PUT", &own, &json!({}), &query);
        assert_eq!(part.status, 200, "{part:?}");
        let url = part.body["url"].as_str().unwrap();
        assert!(
            url.contains(&format!("uploadId={}&", urlencode(own_storage_id))),
            "{url}"
        );
        let put = use_url(&part, b"own bytes!");
        assert!(put.status < 300, "{put:?}");
        let etag = put.headers["etag"].to_str().unwrap();
        let parts = json!([{"part_number": 1, "etag": etag}]);
        let done = api(
            service,
            "POST",
            "/v1/multipart/complete",
            Some(&json!({"key": own, "upload_id": bound, "parts": parts})),
        );
        assert_eq!(done.status, 200, "{done:?}");
    })
    .await;
}

/// Finding 18: the audit line of a Companion request named who asked by the
/// request's `Origin` header alone, as sent: any script or curl chose what
/// the line said (the configured origin, or JSON-looking text) and its
/// address was not written, and an Origin of 390 KB made a 390 KB line per
/// request (with a pipe for the audit log, its 1024 queued requests would
/// hold some 400 MB). Now every Companion line has the peer's address, and the Origin
/// only when it is one (`scheme://host[:port]` or `null`, at most 256
/// bytes); another value is written as `(invalid)`.
#[tokio::test(flavor = "multi_thread")]
async fn finding_18_companion_audit_lines_hold_the_address_and_a_bounded_origin() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Arc::new(Service::start(&storage, &Config::companion("")).await);
    blocking(&service, |service| {
        let params = service.url("/s3/params?filename=a.txt&type=text%2Fplain");
        // 30 KB: under the 64 KiB a request head may have (finding 26), so
        // it reaches the audit line; a 300 KB one is answered 431 unread.
        let huge = format!("https://{}.example", "a".repeat(30_000));
        for origin in ["https://app.example.com", "\"},{\"client\":\"admin\""] {
            let answer = send("GET", &params, &[("origin", origin)], Vec::new());
            assert_eq!(answer.status, 200, "{answer:?}");
        }
        // Written by hand: the HTTP client refuses to send such a header.
        let mut stream = std::net::TcpStream::connect(service.addr).unwrap();
        let request = format!(
            "GET /s3/params?filename=a.txt&type=text%2Fplain HTTP/1.1\r\nhost: {}\r\norigin: {huge}\r\nconnection: close\r\n\r\n",
            service.addr
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:.300}");
        let mut stream = std::net::TcpStream::connect(service.addr).unwrap();
        let larger = request.replace(&huge, &huge.repeat(10));
        let _ = stream.write_all(larger.as_bytes());
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 431"), "{answer:.300}");
        let answer = send("GET", &params, &[], Vec::new());
        assert_eq!(answer.status, 200, "{answer:?}");

        let text = std::fs::read_to_string(service.audit_path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text:.2000}");
        for line in &lines {
            assert!(line.len() < 4096, "a {}-byte audit line: {:.300}...", line.len(), line);
        }
        let lines = service.audit();
        for line in &lines {
            assert_eq!(line["address"], "127.0.0.1", "{line}");
            assert!(line.get("client").is_none(), "{line}");
        }
        let origins: Vec<Option<&str>> = lines.iter().map(|l| l["origin"].as_str()).collect();
        assert_eq!(
            origins,
            [
                Some("https://app.example.com"),
                Some("(invalid)"),
                Some("(invalid)"),
                None
            ]
        );
    })
    .await;
}

/// An HTML page, as an attacker uploads it.
const HTML_PAYLOAD: &[u8] = b"<html><body><script>alert(document.domain)</script></body></html>";

/// Posts the form of a `/s3/params` answer with `body` and answers how the
/// storage serves the object it made (read with the client `app`).
fn post_and_read_type(service: &Service, params: &crate::harness::Answer, body: &[u8]) -> String {
    let form = fields(&params.body);
    let key = form.iter().find(|(n, _)| n == "key").unwrap().1.clone();
    let posted = post_form(params.body["url"].as_str().unwrap(), &form, body);
    assert!(posted.status < 300, "{posted:?}");
    content_type_of(&get_object(service, &key))
}

/// Finding 19: with `content_types` not set (the default) the Companion
/// routes admitted every type, so any browser stored an HTML page (or SVG,
/// XML, ...) that runs script on the bucket's origin; and an upload that
/// named no type, or `application/octet-stream` (allowed by the browser
/// tests' own list), was stored as SeaweedFS guessed from the file name:
/// `page.html` served as `text/html`. Now no list admits what `*/*` admits
/// (script-capable types only when listed by name), on every route, and a
/// Companion upload of no type or `application/octet-stream` is signed as
/// `binary/octet-stream`, which SeaweedFS keeps and browsers download.
#[tokio::test(flavor = "multi_thread")]
async fn finding_19_no_content_types_admits_no_script_and_no_guess() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let config = Config {
        companion: Some(String::new()),
        client: "key_prefix = \"\"".to_owned(),
        ..Config::default()
    };
    let service = Arc::new(Service::start(&storage, &config).await);
    blocking(&service, |service| {
        // Named types: HTML and SVG are refused, what uploads are for is not.
        for (name, kind) in [("page.html", "text/html"), ("a.svg", "image/svg+xml")] {
            let query = format!("/s3/params?filename={name}&type={}", urlencode(kind));
            let params = browser(service, "GET", &query, None);
            if params.status == 200 {
                let served = post_and_read_type(service, &params, HTML_PAYLOAD);
                panic!("/s3/params signed {kind} for an anonymous browser; the storage serves the page as {served:?}");
            }
            assert!(refused(&params, "content_type"), "{kind}: {params:?}");
            let create = browser(
                service,
                "POST",
                "/s3/multipart",
                Some(&json!({"filename": name, "type": kind})),
            );
            assert!(refused(&create, "content_type"), "{kind}: {create:?}");
            let key = format!("{}/{name}", unique());
            let put = presign(service, "PUT", &key, &json!({"content-type": kind}), &json!({}));
            assert!(refused(&put, "content_type"), "{kind}: {put:?}");
        }
        let png = browser(service, "GET", "/s3/params?filename=a.png&type=image%2Fpng", None);
        assert_eq!(png.status, 200, "{png:?}");
        assert_eq!(post_and_read_type(service, &png, b"png"), "image/png");

        // No type, or application/octet-stream, and an .html name: the
        // storage must not guess text/html from the name.
        for query in ["", "&type=application%2Foctet-stream"] {
            let path = format!("/s3/params?filename=page.html{query}");
            let params = browser(service, "GET", &path, None);
            assert_eq!(params.status, 200, "{params:?}");
            let served = post_and_read_type(service, &params, HTML_PAYLOAD);
            assert_eq!(served, "binary/octet-stream", "{path}: the page is served as {served:?}");
        }
        let created = browser(
            service,
            "POST",
            "/s3/multipart",
            Some(&json!({"filename": "page.html", "type": "application/octet-stream"})),
        );
        assert_eq!(created.status, 200, "{created:?}");
        let key = created.body["key"].as_str().unwrap();
        let id = created.body["uploadId"].as_str().unwrap();
        let query = format!("key={}", urlencode(key));
        let part = browser(service, "GET", &format!("/s3/multipart/{id}/1?{query}"), None);
        assert_eq!(part.status, 200, "{part:?}");
        let put = send("PUT", part.body["url"].as_str().unwrap(), &[], HTML_PAYLOAD.to_vec());
        assert_eq!(put.status, 200, "{put:?}");
        let etag = put.headers["etag"].to_str().unwrap();
        let done = browser(
            service,
            "POST",
            &format!("/s3/multipart/{id}/complete?{query}"),
            Some(&json!({"parts": [{"PartNumber": 1, "ETag": etag}]})),
        );
        assert_eq!(done.status, 200, "{done:?}");
        let served = content_type_of(&get_object(service, key));
        assert_eq!(served, "binary/octet-stream", "a multipart page is served as {served:?}");
    })
    .await;
}

/// `POST path` with the JSON `body` as the client `app`, written by hand
/// with `Expect: 100-continue`: a request refused before its body is read
/// (a full audit queue) is answered without the body being sent, where a
/// client that sends it at once may meet a closed connection instead. The
/// final status and body.
fn post_expecting_continue(service: &Service, path: &str, body: &Value) -> (u16, Value) {
    let body = body.to_string();
    let mut stream = std::net::TcpStream::connect(service.addr).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n",
        service.addr,
        crate::harness::TOKEN,
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut status_line = String::new();
        reader.read_line(&mut status_line).unwrap();
        let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        if status == 100 {
            stream.write_all(body.as_bytes()).unwrap();
            continue;
        }
        let mut answer = vec![0u8; length];
        reader.read_exact(&mut answer).unwrap();
        return (status, serde_json::from_slice(&answer).unwrap_or_default());
    }
}

/// Finding 20: the audit queue in front of a pipe held `audit_queue`
/// *requests'* lines, not lines: one `/v1/presign/batch` of 900 keys of a
/// thousand bytes is 1.1 MB of lines in one slot, so a client with a token
/// and a stalled reader made the service hold 1024 of them, over a GB (a
/// body of 1 MiB makes up to some 3.5 MB of lines), each request sent after
/// the one before was answered. Now the queued lines are also bounded in
/// bytes, 64 KiB a slot (64 MiB by default): past that requests are refused
/// (503, nothing issued) as for a full queue, until the reader catches up.
#[tokio::test(flavor = "multi_thread")]
async fn finding_20_the_audit_queue_is_bounded_in_bytes() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    // 16 slots: 1 MiB of lines.
    let (service, held, _fifo) = crate::resources::service_with_stalled_audit_log(
        &storage,
        "audit_queue = 16\nshutdown_timeout = 2",
    )
    .await;
    let service = Arc::new(service);
    blocking(&service, move |service| {
        let keys: Vec<String> = (0..900)
            .map(|i| format!("app/{i:03}-{}", "k".repeat(1000)))
            .collect();
        let body = json!({"method": "GET", "keys": keys});
        let mut issued = 0usize;
        let refusal = loop {
            let answer = post_expecting_continue(service, "/v1/presign/batch", &body);
            if answer.0 != 200 || issued == 40 {
                break answer;
            }
            issued += 1;
        };
        // Each batch's lines: 900 lines of some 1,200 bytes.
        assert!(
            issued <= 2,
            "{issued} batches were issued with the audit log stalled: some {} bytes of lines held",
            issued * 900 * 1200
        );
        assert_eq!(refusal.0, 503, "{refusal:?}");
        assert_eq!(refusal.1["rule"], "audit_overflow", "{refusal:?}");

        // The reader catches up: the bytes are taken off, batches go again.
        std::thread::spawn(move || std::io::copy(&mut &held, &mut std::io::sink()));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let answer = post_expecting_continue(service, "/v1/presign/batch", &body);
            if answer.0 == 200 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{answer:?}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    })
    .await;
    Arc::into_inner(service).unwrap().stop().await;
}

/// Finding 21: a `/v1/post` policy that named no content type fixed none,
/// and SeaweedFS does not refuse form fields a policy does not name (S3
/// does): the browser the policy was handed to added `Content-Type:
/// text/html` and the page was stored and served as such, whatever the
/// client's list (no list admits no script-capable type since finding 19).
/// A policy for `application/octet-stream` was served as SeaweedFS guessed
/// from the key. Now every POST policy fixes the content type: none, or
/// `application/octet-stream`, is signed as `binary/octet-stream`.
#[tokio::test(flavor = "multi_thread")]
async fn finding_21_post_policies_always_fix_the_content_type() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Arc::new(Service::start(&storage, &Config::client("")).await);
    blocking(&service, |service| {
        let run = unique();
        for (name, request) in [
            ("no type", json!({"key": format!("app/{run}/a.html")})),
            (
                "application/octet-stream",
                json!({"key": format!("app/{run}/b.html"), "content_type": "application/octet-stream"}),
            ),
        ] {
            let policy = api(service, "POST", "/v1/post", Some(&request));
            assert_eq!(policy.status, 200, "{name}: {policy:?}");
            let key = request["key"].as_str().unwrap();
            let url = policy.body["url"].as_str().unwrap();
            // The uploader names the type it likes, before the policy's.
            let mut form = vec![("Content-Type".to_owned(), "text/html".to_owned())];
            form.extend(
                fields(&policy.body)
                    .into_iter()
                    .filter(|(n, _)| !n.eq_ignore_ascii_case("content-type")),
            );
            let posted = post_form(url, &form, HTML_PAYLOAD);
            if posted.status < 300 {
                let served = content_type_of(&get_object(service, key));
                panic!("{name}: a page posted with Content-Type text/html is served as {served:?}");
            }
            // As the policy says: stored, and not as HTML.
            let posted = post_form(url, &fields(&policy.body), HTML_PAYLOAD);
            assert!(posted.status < 300, "{name}: {posted:?}");
            let served = content_type_of(&get_object(service, key));
            assert_eq!(served, "binary/octet-stream", "{name}");
        }
    })
    .await;
}

/// Finding 22: `/v1/multipart` created the upload with the type named, as
/// named: the upload page sends `application/octet-stream` for a file of no
/// known type, and SeaweedFS served the assembled `page.html` as
/// `text/html`, guessed from the key (which holds the user's file name),
/// past the client's list. Now a multipart upload of no type or
/// `application/octet-stream` is created as `binary/octet-stream`, as
/// Companion uploads and POST policies are.
#[tokio::test(flavor = "multi_thread")]
async fn finding_22_multipart_uploads_of_unknown_type_are_not_guessed() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Arc::new(Service::start(&storage, &Config::client("")).await);
    blocking(&service, |service| {
        let run = unique();
        for (name, content_type) in [("a", None), ("b", Some("application/octet-stream"))] {
            let key = format!("app/{run}/{name}.html");
            let mut request = json!({"key": key, "size": HTML_PAYLOAD.len()});
            if let Some(content_type) = content_type {
                request["content_type"] = json!(content_type);
            }
            let plan = api(service, "POST", "/v1/multipart", Some(&request));
            assert_eq!(plan.status, 200, "{plan:?}");
            let url = plan.body["parts"][0]["url"].as_str().unwrap();
            let put = send("PUT", url, &[], HTML_PAYLOAD.to_vec());
            assert_eq!(put.status, 200, "{put:?}");
            let etag = put.headers["etag"].to_str().unwrap();
            let parts = json!([{"part_number": 1, "etag": etag}]);
            let done = api(
                service,
                "POST",
                "/v1/multipart/complete",
                Some(&json!({"key": key, "upload_id": plan.body["upload_id"], "parts": parts})),
            );
            assert_eq!(done.status, 200, "{done:?}");
            let served = content_type_of(&get_object(service, &key));
            assert_eq!(
                served, "binary/octet-stream",
                "{content_type:?}: served as {served:?}"
            );
        }
    })
    .await;
}

/// Finding 23: a `/v1/presign` PUT that named no content type signed none,
/// so the URL's holder sent any: with no `content_types` (which refuses
/// `text/html` when asked for by name) a client stored `page.html` as
/// `text/html` just by not asking, and SeaweedFS served one named
/// `application/octet-stream` as `text/html` too, guessed from the key. Now
/// an object PUT always signs its type, `binary/octet-stream` for those two,
/// in one URL and in a batch; an UploadPart (whose type is not the
/// object's) still signs none.
#[tokio::test(flavor = "multi_thread")]
async fn finding_23_a_native_put_always_signs_its_content_type() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service =
        Arc::new(Service::start(&storage, &Config::client("key_prefix = \"app/\"")).await);
    blocking(&service, |service| {
        let run = unique();
        for named in [
            json!({}),
            json!({"content-type": "application/octet-stream"}),
        ] {
            let key = format!("app/{run}/{}/page.html", named.as_object().unwrap().len());
            let answer = presign(service, "PUT", &key, &named, &json!({}));
            assert_eq!(answer.status, 200, "{answer:?}");
            // The holder picks its own type: the storage must refuse it.
            let url = answer.body["url"].as_str().unwrap();
            let forged = send(
                "PUT",
                url,
                &[("content-type", "text/html")],
                HTML_PAYLOAD.to_vec(),
            );
            if forged.status < 300 {
                let served = content_type_of(&get_object(service, &key));
                panic!("a PUT URL asked for with {named} stored the page as {served:?}");
            }
            assert_eq!(
                answer.body["headers"],
                json!({"content-type": "binary/octet-stream"}),
                "{named}"
            );
            // As answered: stored, and served as bytes to download.
            let put = use_url(&answer, HTML_PAYLOAD);
            assert!(put.status < 300, "{put:?}");
            let served = content_type_of(&get_object(service, &key));
            assert_eq!(
                served, "binary/octet-stream",
                "{named}: served as {served:?}"
            );
        }

        let batch = api(
            service,
            "POST",
            "/v1/presign/batch",
            Some(&json!({"method": "PUT", "keys": [format!("app/{run}/b.html")]})),
        );
        assert_eq!(batch.status, 200, "{batch:?}");
        assert_eq!(
            batch.body["headers"],
            json!({"content-type": "binary/octet-stream"})
        );

        // A named type is signed as named; a part signs no type.
        let png = presign(
            service,
            "PUT",
            &format!("app/{run}/a.png"),
            &json!({"content-type": "image/png"}),
            &json!({}),
        );
        assert_eq!(
            png.body["headers"],
            json!({"content-type": "image/png"}),
            "{png:?}"
        );
        let key = format!("app/{run}/parts.bin");
        let plan = api(
            service,
            "POST",
            "/v1/multipart",
            Some(&json!({"key": key, "size": 10})),
        );
        assert_eq!(plan.status, 200, "{plan:?}");
        let query = json!({"partNumber": "1", "uploadId": plan.body["upload_id"]});
        let part = presign(service, "PUT", &key, &json!({}), &query);
        assert_eq!(part.status, 200, "{part:?}");
        assert_eq!(part.body["headers"], json!({}), "{part:?}");
    })
    .await;
}
