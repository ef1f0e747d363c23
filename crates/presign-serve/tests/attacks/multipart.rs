//! See main.rs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Answer, Config, Service, agent, api, browser, send, storage, urlencode};

/// The Companion `max_size` of the size attacks: 1 MiB.
const MAX_SIZE: usize = 1 << 20;

/// Companion routes (with `keys`) and the client `app`, which may read and
/// write any key (to look at what the attacks left behind).
fn config(keys: &str) -> Config {
    Config {
        companion: Some(keys.to_owned()),
        client: "key_prefix = \"\"".to_owned(),
        ..Config::default()
    }
}

fn query(key: &str) -> String {
    format!("key={}", urlencode(key))
}

/// A Companion upload for `filename`: its key and upload id.
fn create(service: &Service, filename: &str) -> (String, String) {
    let answer = browser(
        service,
        "POST",
        "/s3/multipart",
        Some(&json!({"filename": filename, "type": "application/octet-stream"})),
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    (
        answer.body["key"].as_str().unwrap().to_owned(),
        answer.body["uploadId"].as_str().unwrap().to_owned(),
    )
}

fn part_url(service: &Service, upload_id: &str, key: &str, number: u32) -> String {
    let answer = browser(
        service,
        "GET",
        &format!("/s3/multipart/{upload_id}/{number}?{}", query(key)),
        None,
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body["url"].as_str().unwrap().to_owned()
}

/// PUTs `bytes` to a part URL: its status and ETag.
fn put(url: &str, bytes: &[u8]) -> (u16, String) {
    let answer = send("PUT", url, &[], bytes.to_vec());
    let etag = answer
        .headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (answer.status, etag)
}

fn complete(service: &Service, upload_id: &str, key: &str, parts: &Value) -> Answer {
    browser(
        service,
        "POST",
        &format!("/s3/multipart/{upload_id}/complete?{}", query(key)),
        Some(&json!({ "parts": parts })),
    )
}

/// The object's size as a GET with the service's own URL reads it, or
/// `None` when there is none.
fn object_size(service: &Service, key: &str) -> Option<usize> {
    let signed = api(
        service,
        "POST",
        "/v1/presign",
        Some(&json!({"method": "GET", "key": key})),
    );
    assert_eq!(signed.status, 200, "{:?}", signed.body);
    let answer = send("GET", signed.body["url"].as_str().unwrap(), &[], Vec::new());
    match answer.status {
        200 => Some(match &answer.body {
            Value::String(text) => text.len(),
            other => other.to_string().len(),
        }),
        404 => None,
        other => panic!("GET answered {other}: {:?}", answer.body),
    }
}

/// The ETag storage gives `bytes` as a part (the MD5 of the bytes on every
/// server here), learned from an upload of its own, as an attacker learns
/// it before the race.
fn etag_of(service: &Service, bytes: &[u8]) -> String {
    let (key, id) = create(service, "scratch.bin");
    let (status, etag) = put(&part_url(service, &id, &key, 1), bytes);
    assert_eq!(status, 200);
    let aborted = browser(
        service,
        "DELETE",
        &format!("/s3/multipart/{id}?{}", query(&key)),
        None,
    );
    assert_eq!(aborted.status, 200, "{:?}", aborted.body);
    etag
}

/// One try of the race: a small part is uploaded, then while complete runs
/// the part is replaced, again and again, by one over `max_size`. The
/// object left behind, if any, must not be over `max_size`.
fn race_once(
    service: &Service,
    try_number: u64,
    named_etag: &str,
    small: &[u8],
    large: &Arc<Vec<u8>>,
) {
    let (key, id) = create(service, &format!("race-{try_number}.bin"));
    let url = part_url(service, &id, &key, 1);
    let (status, small_etag) = put(&url, small);
    assert_eq!(status, 200);
    let named = if named_etag.is_empty() {
        small_etag
    } else {
        named_etag.to_owned()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let racer = {
        let (stop, large, url) = (Arc::clone(&stop), Arc::clone(large), url.clone());
        // Start the replacements a little later each try, to sweep the
        // window between the service's ListParts and its complete.
        let delay = Duration::from_millis(try_number % 8);
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            while !stop.load(Ordering::Relaxed) {
                // Once the upload is gone the storage may answer early and
                // close the connection: the racer stops either way.
                let status = agent()
                    .put(&url)
                    .send(&large[..])
                    .map(|a| a.status().as_u16());
                if status.unwrap_or(0) != 200 {
                    break;
                }
            }
        })
    };
    let answer = complete(
        service,
        &id,
        &key,
        &json!([{"PartNumber": 1, "ETag": named}]),
    );
    stop.store(true, Ordering::Relaxed);
    racer.join().unwrap();
    let size = object_size(service, &key);
    assert!(
        size.is_none_or(|size| size <= MAX_SIZE),
        "try {try_number}: an object of {size:?} bytes passed max_size {MAX_SIZE} (complete answered {} {:?})",
        answer.status,
        answer.body
    );
    if answer.status == 200 {
        assert_eq!(size, Some(small.len()), "try {try_number}");
    }
}

/// (b): a named ETag other than the listed one is refused, and nothing is
/// completed; the upload is still there.
fn other_etag_is_refused(service: &Service, small: &[u8], large_etag: &str) {
    let (key, id) = create(service, "named.bin");
    let (status, _) = put(&part_url(service, &id, &key, 1), small);
    assert_eq!(status, 200);
    let answer = complete(
        service,
        &id,
        &key,
        &json!([{"PartNumber": 1, "ETag": large_etag}]),
    );
    assert_eq!(
        (answer.status, answer.body["rule"].as_str()),
        (409, Some("etag")),
        "{:?}",
        answer.body
    );
    assert!(
        answer.body["error"].as_str().unwrap().contains("part 1"),
        "{:?}",
        answer.body
    );
    assert_eq!(object_size(service, &key), None, "nothing may be completed");
    // A part never uploaded is refused the same way, before storage.
    let answer = complete(
        service,
        &id,
        &key,
        &json!([{"PartNumber": 2, "ETag": large_etag}]),
    );
    assert_eq!(
        (answer.status, answer.body["rule"].as_str()),
        (400, Some("parts")),
        "{:?}",
        answer.body
    );
    let listed = browser(
        service,
        "GET",
        &format!("/s3/multipart/{id}?{}", query(&key)),
        None,
    );
    assert_eq!(
        listed.status, 200,
        "the upload is still there: {:?}",
        listed.body
    );
}

/// (c): the native complete without `parts` completes with the parts the
/// storage lists.
fn native_complete_without_parts(service: &Service) {
    let body: Vec<u8> = (0..5 * 1024 * 1024 + 777)
        .map(|i: u32| b'a' + u8::try_from(i % 26).unwrap())
        .collect();
    let plan = api(
        service,
        "POST",
        "/v1/multipart",
        Some(&json!({"key": "native/listed.bin", "size": body.len()})),
    );
    assert_eq!(plan.status, 200, "{:?}", plan.body);
    for part in plan.body["parts"].as_array().unwrap() {
        let offset = usize::try_from(part["offset"].as_u64().unwrap()).unwrap();
        let size = usize::try_from(part["size"].as_u64().unwrap()).unwrap();
        let (status, _) = put(part["url"].as_str().unwrap(), &body[offset..offset + size]);
        assert_eq!(status, 200);
    }
    let answer = api(
        service,
        "POST",
        "/v1/multipart/complete",
        Some(&json!({"key": "native/listed.bin", "upload_id": plan.body["upload_id"]})),
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(object_size(service, "native/listed.bin"), Some(body.len()));
}

#[tokio::test(flavor = "multi_thread")]
async fn finding_04_complete_uses_the_listed_parts_so_no_object_passes_max_size() {
    for name in ["seaweedfs", "s3s-fs"] {
        let Some(server) = storage(name) else { return };
        let service = Service::start(&server, &config(&format!("max_size = {MAX_SIZE}"))).await;
        let name = name.to_owned();
        tokio::task::spawn_blocking(move || {
            let small = vec![b's'; 1000];
            let large = Arc::new(vec![b'L'; MAX_SIZE + 1000]);
            let large_etag = etag_of(&service, &large);
            // (a) The race, naming the small part's ETag (the one listed
            // when complete starts) or the large one's (the one current
            // when it ends).
            for try_number in 0..32 {
                let named = if try_number % 2 == 0 {
                    ""
                } else {
                    large_etag.as_str()
                };
                race_once(&service, try_number, named, &small, &large);
            }
            if name == "seaweedfs" {
                // s3s-fs lists no ETags: there the race's check after
                // completion is what holds.
                other_etag_is_refused(&service, &small, &large_etag);
                native_complete_without_parts(&service);
            }
        })
        .await
        .unwrap();
    }
}
