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
        let size = usize::try_from(part["length"].as_u64().unwrap()).unwrap();
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

/// Every Companion route that takes an upload id, with `id` and `key`: the
/// answers.
fn companion_routes(service: &Service, id: &str, key: &str) -> Vec<(String, Answer)> {
    let q = query(key);
    vec![
        (
            format!("sign {id} {key}"),
            browser(service, "GET", &format!("/s3/multipart/{id}/1?{q}"), None),
        ),
        (
            format!("batch {id} {key}"),
            browser(
                service,
                "GET",
                &format!("/s3/multipart/{id}/batch?{q}&partNumbers=1,2"),
                None,
            ),
        ),
        (
            format!("list {id} {key}"),
            browser(service, "GET", &format!("/s3/multipart/{id}?{q}"), None),
        ),
        (
            format!("complete {id} {key}"),
            complete(
                service,
                id,
                key,
                &json!([{"PartNumber": 1, "ETag": "\"00\""}]),
            ),
        ),
        (
            format!("abort {id} {key}"),
            browser(service, "DELETE", &format!("/s3/multipart/{id}?{q}"), None),
        ),
    ]
}

fn assert_refused(answers: Vec<(String, Answer)>) {
    for (what, answer) in answers {
        assert_eq!(
            (answer.status, answer.body["rule"].as_str()),
            (403, Some("upload_id")),
            "{what}: {:?}",
            answer.body
        );
        assert!(
            answer.body["error"].as_str().unwrap().contains("upload id"),
            "{what}: {:?}",
            answer.body
        );
    }
}

/// `id` with its last character changed.
fn tampered(id: &str) -> String {
    let mut id = id.to_owned();
    let last = id.pop().unwrap();
    id.push(if last == '0' { '1' } else { '0' });
    id
}

/// The native API binds its upload ids the same way: another key, a
/// tampered tag or the storage's own id is refused.
fn native_upload_ids_are_bound(service: &Service) {
    // The native API binds its upload ids the same way.
    let plan = api(
        service,
        "POST",
        "/v1/multipart",
        Some(&json!({"key": "native/a.bin", "size": 10})),
    );
    assert_eq!(plan.status, 200, "{:?}", plan.body);
    let id = plan.body["upload_id"].as_str().unwrap();
    for (route, key, id) in [
        ("/v1/multipart/abort", "native/b.bin", id.to_owned()),
        ("/v1/multipart/complete", "native/b.bin", id.to_owned()),
        ("/v1/multipart/abort", "native/a.bin", tampered(id)),
        (
            "/v1/multipart/complete",
            "native/a.bin",
            id.rsplit_once('.').map_or(id, |(id, _)| id).to_owned(),
        ),
    ] {
        let answer = api(
            service,
            "POST",
            route,
            Some(&json!({"key": key, "upload_id": id})),
        );
        assert_eq!(
            (answer.status, answer.body["rule"].as_str()),
            (403, Some("upload_id")),
            "{route} {key} {id}: {:?}",
            answer.body
        );
    }
    let aborted = api(
        service,
        "POST",
        "/v1/multipart/abort",
        Some(&json!({"key": "native/a.bin", "upload_id": id})),
    );
    assert_eq!(aborted.status, 200, "{:?}", aborted.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn finding_05_upload_ids_are_bound_to_their_key() {
    let Some(server) = storage("seaweedfs") else {
        return;
    };
    let service = Service::start(&server, &config("")).await;
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        // Users A and B each start an upload.
        let (key_a, id_a) = create(&service, "a.bin");
        let (key_b, id_b) = create(&service, "b.bin");
        assert!(
            id_a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)),
            "the upload id must be URL-path safe: {id_a}"
        );
        // B with A's id and B's key, A's key with B's id, a tampered tag,
        // and the storage's own id without a tag: refused on every route,
        // before storage is asked.
        let storage_id_a = id_a
            .rsplit_once('.')
            .map_or(id_a.as_str(), |(id, _)| id)
            .to_owned();
        for (id, key) in [
            (&id_a, &key_b),
            (&id_b, &key_a),
            (&tampered(&id_a), &key_a),
            (&storage_id_a, &key_a),
        ] {
            assert_refused(companion_routes(&service, id, key));
        }
        // The id with its own key still works: A uploads and completes.
        let (status, etag) = put(&part_url(&service, &id_a, &key_a, 1), b"A's own bytes");
        assert_eq!(status, 200);
        let done = complete(
            &service,
            &id_a,
            &key_a,
            &json!([{"PartNumber": 1, "ETag": etag}]),
        );
        assert_eq!(done.status, 200, "{:?}", done.body);
        assert_eq!(object_size(&service, &key_a), Some(13));
        assert_eq!(
            object_size(&service, &key_b),
            None,
            "nothing was written to B's key"
        );

        native_upload_ids_are_bound(&service);

        // With upload_id_secret_file, copies that share the file agree, and
        // an id bound with another secret is refused.
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("upload-id.secret");
        std::fs::write(
            &secret,
            "an operator's secret of at least 32 bytes, 4f1c9e\n",
        )
        .unwrap();
        let with_file = config(&format!(
            "upload_id_secret_file = {:?}",
            secret.display().to_string()
        ));
        let second = runtime.block_on(Service::start(&server, &with_file));
        let third = runtime.block_on(Service::start(&server, &with_file));
        let (key, id) = create(&second, "c.bin");
        let listed = browser(
            &third,
            "GET",
            &format!("/s3/multipart/{id}?{}", query(&key)),
            None,
        );
        assert_eq!(listed.status, 200, "{:?}", listed.body);
        assert_refused(companion_routes(&service, &id, &key));
        assert_refused(companion_routes(&second, &id_b, &key_b));
    })
    .await
    .unwrap();
}

/// The `presign_urls_issued_total{kind="part_url"}` count of `/metrics`.
fn part_urls_issued(service: &Service) -> u64 {
    let answer = send("GET", &service.url("/metrics"), &[], Vec::new());
    let Value::String(text) = answer.body else {
        panic!("/metrics: {:?}", answer.body)
    };
    text.lines()
        .find(|line| {
            line.contains("urls_issued") && line.contains("part_url") && !line.starts_with('#')
        })
        .and_then(|line| line.rsplit(' ').next())
        .map_or(0, |count| count.parse().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn finding_06_batch_part_numbers_are_bounded_deduped_and_audited_once() {
    let Some(server) = storage("seaweedfs") else {
        return;
    };
    let service = Service::start(&server, &config("")).await;
    tokio::task::spawn_blocking(move || {
        let (key, id) = create(&service, "batch.bin");
        let batch = |numbers: &str| {
            browser(
                &service,
                "GET",
                &format!("/s3/multipart/{id}/batch?{}&partNumbers={numbers}", query(&key)),
                None,
            )
        };
        let lines = service.audit().len();
        // 32,000 repeats of one number (64 kB, about the longest URI a
        // request may carry), and 9,000 numbers padded to 63 kB: refused
        // before anything is signed, naming the limit.
        let repeats = vec!["1"; 32_000].join(",");
        let padded = vec!["000001"; 9_000].join(",");
        for numbers in [&repeats, &padded] {
            let answer = batch(numbers);
            assert_eq!(
                (answer.status, answer.body["rule"].as_str()),
                (400, Some("partNumbers")),
                "{:?}",
                answer.body
            );
            assert!(answer.body["error"].as_str().unwrap().contains("10000"), "{:?}", answer.body);
        }
        assert_eq!(service.audit().len(), lines, "nothing was issued");
        // Within the bounds, repeats are signed once each, and the request
        // writes one audit line of bounded size.
        let before = part_urls_issued(&service);
        let cycle: Vec<String> = (0..9_999).map(|i| (i % 3 + 1).to_string()).collect();
        let answer = batch(&cycle.join(","));
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        let urls = answer.body["presignedUrls"].as_object().unwrap();
        assert_eq!(urls.keys().collect::<Vec<_>>(), ["1", "2", "3"]);
        let audit = service.audit();
        assert_eq!(audit.len(), lines + 1, "one audit line per request");
        let line = &audit[lines];
        assert_eq!(line["part_numbers"], "1-3", "{line}");
        assert!(line.to_string().len() < 1024, "{line}");
        assert_eq!(part_urls_issued(&service) - before, 3, "the metrics count the URLs");
        // The native plan writes one line too, however many parts.
        let plan = api(
            &service,
            "POST",
            "/v1/multipart",
            Some(&json!({"key": "native/plan.bin", "size": 30 * 1024 * 1024, "part_size": 5 * 1024 * 1024})),
        );
        assert_eq!(plan.status, 200, "{:?}", plan.body);
        assert_eq!(plan.body["parts"].as_array().unwrap().len(), 6);
        let audit = service.audit();
        assert_eq!(audit.len(), lines + 2, "one audit line for the plan");
        assert_eq!(audit[lines + 1]["part_numbers"], "1-6");
    })
    .await
    .unwrap();
}
