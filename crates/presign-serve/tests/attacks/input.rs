//! See main.rs. Hostile values in requests: file names, keys, content
//! types, metadata, method names and counts (issue 20, findings 1, 3, 11,
//! 12, 14, 15a). Every value goes through `src/input.rs`.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::harness::{
    Answer, Config, Service, Storage, api, browser, fields, post_form, send, storage, urlencode,
};

/// Runs the blocking body `f` with the service, off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    service: &Arc<Service>,
    f: impl FnOnce(&Service) -> T + Send + 'static,
) -> T {
    let service = Arc::clone(service);
    tokio::task::spawn_blocking(move || f(&service))
        .await
        .unwrap()
}

/// A fresh name, so runs never meet each other's objects.
pub(crate) fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Whether `answer` is the service refusing with `rule` (any 4xx).
pub(crate) fn refused(answer: &Answer, rule: &str) -> bool {
    (400..500).contains(&answer.status) && answer.body["rule"] == rule
}

/// Writes `body` at `key` through a presigned PUT of the client `app`.
fn put_object(service: &Service, key: &str, body: &str) {
    let answer = api(
        service,
        "POST",
        "/v1/presign",
        Some(&json!({"method": "PUT", "key": key})),
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let put = use_url(&answer, body.as_bytes());
    assert!(put.status < 300, "PUT {key}: {} {:?}", put.status, put.body);
}

/// The object at `key` (status and answer) through a presigned GET.
pub(crate) fn get_object(service: &Service, key: &str) -> Answer {
    let answer = api(
        service,
        "POST",
        "/v1/presign",
        Some(&json!({"method": "GET", "key": key})),
    );
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    send("GET", answer.body["url"].as_str().unwrap(), &[], Vec::new())
}

/// `fields` with the form field `key` replaced by `key`.
fn with_key(fields: &[(String, String)], key: &str) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(name, value)| {
            if name == "key" {
                (name.clone(), key.to_owned())
            } else {
                (name.clone(), value.clone())
            }
        })
        .collect()
}

/// The storage servers of finding 1 that are running.
fn post_servers() -> Vec<(&'static str, Storage)> {
    ["seaweedfs", "s3s-fs"]
        .into_iter()
        .filter_map(|name| storage(name).map(|s| (name, s)))
        .collect()
}

/// An ordinary file name on `/s3/params`: the policy names one exact key,
/// the storage refuses any other (`victim`), and the audit line has that key.
fn exact_policy_is_audited(service: &Service, name: &str, victim: &str) {
    let params = browser(
        service,
        "GET",
        "/s3/params?filename=cat.txt&type=text%2Fplain",
        None,
    );
    assert_eq!(params.status, 200, "{name}: {params:?}");
    let form = fields(&params.body);
    let key = form.iter().find(|(n, _)| n == "key").unwrap().1.clone();
    assert_eq!(key, "uploads/cat.txt");
    let url = params.body["url"].as_str().unwrap();
    let other = post_form(url, &with_key(&form, victim), b"x");
    assert!(other.status >= 300, "{name}: exact policy wrote {victim:?}");
    let own = post_form(url, &form, b"cat");
    assert!(own.status < 300, "{name}: {own:?}");
    let lines = service.audit();
    let issued: Vec<&Value> = lines
        .iter()
        .filter(|line| line["route"] == "/s3/params")
        .collect();
    assert_eq!(issued.len(), 1, "{lines:?}");
    assert_eq!(issued[0]["key"], key.as_str());
    assert!(issued[0].get("key_match").is_none(), "{:?}", issued[0]);
}

/// Finding 1: a file name `${filename}` (Companion) or a `/v1/post` key
/// ending in `${filename}` made the POST policy a `starts-with`, so the
/// uploader wrote any key under the prefix (another user's, or `../x` on a
/// filesystem backend) while the audit line showed the template. Now the
/// service refuses both unless the client opted into `prefix_uploads`, a
/// policy names the exact key, and the audit line has what the policy
/// allows.
#[tokio::test(flavor = "multi_thread")]
async fn finding_01_filename_placeholder_cannot_widen_a_post_policy() {
    for (name, storage) in post_servers() {
        let config = Config {
            companion: Some("key_template = \"uploads/${filename}\"".to_owned()),
            client: "key_prefix = \"\"".to_owned(),
            ..Config::default()
        };
        let service = Arc::new(Service::start(&storage, &config).await);
        blocking(&service, move |service| {
            let run = unique();
            let victim = format!("uploads/victim-{run}.txt");
            put_object(service, &victim, "the victim's file");

            // The attack on the Companion route: the browser sends the
            // placeholder as its file name and writes other keys with the
            // policy it is given.
            let params = browser(
                service,
                "GET",
                &format!("/s3/params?filename={}&type=text%2Fplain", urlencode("${filename}")),
                None,
            );
            if params.status == 200 {
                let form = fields(&params.body);
                let mut targets = vec![victim.clone()];
                if name == "s3s-fs" {
                    targets.push(format!("uploads/../../escaped-{run}.txt"));
                }
                for target in targets {
                    let written = post_form(
                        params.body["url"].as_str().unwrap(),
                        &with_key(&form, &target),
                        b"the attacker's file",
                    );
                    assert!(
                        written.status >= 300,
                        "{name}: the policy for file name ${{filename}} let the browser write {target:?} ({})",
                        written.status
                    );
                }
            } else {
                assert!(refused(&params, "filename"), "{name}: {params:?}");
            }

            // The same on /v1/post, for a client without prefix_uploads.
            let post = api(
                service,
                "POST",
                "/v1/post",
                Some(&json!({"key": "uploads/${filename}"})),
            );
            if post.status == 200 {
                let written = post_form(
                    post.body["url"].as_str().unwrap(),
                    &with_key(&fields(&post.body), &victim),
                    b"the attacker's file",
                );
                assert!(
                    written.status >= 300,
                    "{name}: /v1/post with uploads/${{filename}} let the client overwrite {victim:?}"
                );
            } else {
                assert_eq!(post.status, 403, "{name}: {post:?}");
                assert!(refused(&post, "prefix_uploads"), "{name}: {post:?}");
                assert!(
                    post.body["error"].as_str().unwrap().contains("prefix_uploads"),
                    "{post:?}"
                );
            }
            assert_eq!(
                get_object(service, &victim).body,
                Value::String("the victim's file".into()),
                "{name}: the victim's object was overwritten"
            );

            exact_policy_is_audited(service, name, &victim);
        })
        .await;

        // A client that opted in gets a prefix policy, and the audit line
        // says so: every key it can write starts with the audited key.
        let config = Config {
            client: "key_prefix = \"\"\nprefix_uploads = true".to_owned(),
            ..Config::default()
        };
        let service = Arc::new(Service::start(&storage, &config).await);
        blocking(&service, move |service| {
            let prefix = format!("shared-{}/", unique());
            let post = api(
                service,
                "POST",
                "/v1/post",
                Some(&json!({"key": format!("{prefix}${{filename}}")})),
            );
            assert_eq!(post.status, 200, "{name}: {post:?}");
            let audit = service.audit();
            assert_eq!(audit.len(), 1, "{audit:?}");
            assert_eq!(audit[0]["key"], prefix.as_str());
            assert_eq!(audit[0]["key_match"], "prefix");
            let url = post.body["url"].as_str().unwrap();
            let form = fields(&post.body);
            let inside = post_form(url, &with_key(&form, &format!("{prefix}a.txt")), b"a");
            assert!(inside.status < 300, "{name}: {inside:?}");
            let outside = post_form(url, &with_key(&form, &format!("other-{}", unique())), b"a");
            assert!(
                outside.status >= 300,
                "{name}: wrote outside the audited prefix"
            );
        })
        .await;
    }
}

/// `/v1/presign` for the client `app`: `method` on `key` with `headers` and
/// `query`.
pub(crate) fn presign(
    service: &Service,
    method: &str,
    key: &str,
    headers: &Value,
    query: &Value,
) -> Answer {
    api(
        service,
        "POST",
        "/v1/presign",
        Some(&json!({"method": method, "key": key, "headers": headers, "query": query})),
    )
}

/// Sends the request a `/v1/presign` answer describes, with `body`.
pub(crate) fn use_url(answer: &Answer, body: &[u8]) -> Answer {
    let headers: Vec<(String, String)> = answer.body["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    send(
        answer.body["method"].as_str().unwrap(),
        answer.body["url"].as_str().unwrap(),
        &headers,
        body.to_vec(),
    )
}

/// The `content-type` an answer carries.
pub(crate) fn content_type_of(answer: &Answer) -> String {
    answer
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Finding 3: `content_types = ["image/*"]` let a PUT sign
/// `image/png;,text/html` (stored verbatim; browsers act on the last type),
/// `image/svg+xml` (script in an image) and the literal `image/*`; `/v1/post`
/// turned `image/*` into a `starts-with`; a GET signed
/// `response-content-type=text/html`. Now a content type is one media type,
/// wildcards never admit script-capable types, nothing signed is a
/// wildcard, and `response-*` needs the client's `response_overrides`.
#[tokio::test(flavor = "multi_thread")]
async fn finding_03_content_types_are_one_concrete_allowed_type() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let config = Config {
        companion: Some("content_types = [\"image/*\"]".to_owned()),
        client: "content_types = [\"image/*\"]".to_owned(),
        ..Config::default()
    };
    let service = Arc::new(Service::start(&storage, &config).await);
    blocking(&service, |service| {
        let run = unique();
        let png = format!("app/{run}.png");
        let put = presign(service, "PUT", &png, &json!({"content-type": "image/png"}), &json!({}));
        assert_eq!(put.status, 200, "{put:?}");
        assert!(use_url(&put, b"png").status < 300);

        // PUT bypasses: a list, an SVG under image/*, a literal wildcard.
        for (value, status) in [
            ("image/png;,text/html", 400),
            ("image/png, text/html", 400),
            ("image/png; charset=utf-8; x=\"text/html\"", 400),
            ("image/*", 400),
            ("image/svg+xml", 403),
            ("IMAGE/SVG+XML; charset=utf-8", 403),
        ] {
            let key = format!("app/{run}-{}.png", unique());
            let put = presign(service, "PUT", &key, &json!({"content-type": value}), &json!({}));
            if put.status == 200 {
                let stored = use_url(&put, b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>");
                let read = get_object(service, &key);
                panic!(
                    "PUT with content-type {value:?} was signed; the storage answered {} and serves it as {:?}",
                    stored.status,
                    content_type_of(&read)
                );
            }
            assert_eq!(put.status, status, "{value:?}: {put:?}");
            assert!(refused(&put, "content_type"), "{value:?}: {put:?}");
            assert!(put.body["error"].as_str().unwrap().contains("content"), "{put:?}");
        }

        // /v1/post with a wildcard: a starts-with the uploader fills in.
        let post = api(
            service,
            "POST",
            "/v1/post",
            Some(&json!({"key": format!("app/{run}-post.png"), "content_type": "image/*"})),
        );
        if post.status == 200 {
            let mut form: Vec<(String, String)> = fields(&post.body)
                .into_iter()
                .filter(|(n, _)| !n.eq_ignore_ascii_case("content-type"))
                .collect();
            form.insert(0, ("Content-Type".to_owned(), "image/svg+xml".to_owned()));
            let written = post_form(post.body["url"].as_str().unwrap(), &form, b"<svg/>");
            panic!("/v1/post signed image/*; an SVG upload answered {}", written.status);
        }
        assert!(refused(&post, "content_type"), "{post:?}");

        // A GET that makes the storage serve the PNG as HTML.
        let get = presign(service, "GET", &png, &json!({}), &json!({"response-content-type": "text/html"}));
        if get.status == 200 {
            let read = use_url(&get, b"");
            panic!(
                "response-content-type was signed; the storage served the object as {:?}",
                content_type_of(&read)
            );
        }
        assert_eq!(get.status, 403, "{get:?}");
        assert!(refused(&get, "response_overrides"), "{get:?}");

        // The Companion routes: same parse, same family rule.
        for (value, status) in [("image/svg+xml", 403), ("image/png;,text/html", 400), ("image/*", 400)] {
            let params = browser(
                service,
                "GET",
                &format!("/s3/params?filename=a.png&type={}", urlencode(value)),
                None,
            );
            assert_eq!(params.status, status, "{value:?}: {params:?}");
            assert!(refused(&params, "content_type"), "{value:?}: {params:?}");
            let create = browser(
                service,
                "POST",
                "/s3/multipart",
                Some(&json!({"filename": "a.png", "type": value})),
            );
            assert_eq!(create.status, status, "{value:?}: {create:?}");
            assert!(refused(&create, "content_type"), "{value:?}: {create:?}");
        }
        let params = browser(service, "GET", "/s3/params?filename=a.png&type=image%2Fpng", None);
        assert_eq!(params.status, 200, "{params:?}");
    })
    .await;

    // SVG listed by name is allowed; response overrides the client's
    // policy lists are allowed, response-content-type within its types.
    let config = Config::client(
        "content_types = [\"image/*\", \"image/svg+xml\"]\nresponse_overrides = [\"content-type\", \"content-disposition\"]",
    );
    let service = Arc::new(Service::start(&storage, &config).await);
    blocking(&service, |service| {
        let key = format!("app/{}.svg", unique());
        let put = presign(
            service,
            "PUT",
            &key,
            &json!({"content-type": "image/svg+xml"}),
            &json!({}),
        );
        assert_eq!(put.status, 200, "{put:?}");
        assert!(use_url(&put, b"<svg/>").status < 300);
        let html = presign(
            service,
            "GET",
            &key,
            &json!({}),
            &json!({"response-content-type": "text/html"}),
        );
        assert_eq!(html.status, 403, "{html:?}");
        assert!(refused(&html, "content_type"), "{html:?}");
        let list = presign(
            service,
            "GET",
            &key,
            &json!({}),
            &json!({"response-content-type": "image/png,text/html"}),
        );
        assert!(refused(&list, "content_type"), "{list:?}");
        let png = presign(
            service,
            "GET",
            &key,
            &json!({}),
            &json!({"response-content-type": "image/png"}),
        );
        assert_eq!(png.status, 200, "{png:?}");
        assert_eq!(content_type_of(&use_url(&png, b"")), "image/png");
        let cache = presign(
            service,
            "GET",
            &key,
            &json!({}),
            &json!({"response-cache-control": "no-store"}),
        );
        assert!(refused(&cache, "response_overrides"), "{cache:?}");
        let attachment = presign(
            service,
            "GET",
            &key,
            &json!({}),
            &json!({"response-content-disposition": "attachment"}),
        );
        assert_eq!(attachment.status, 200, "{attachment:?}");
    })
    .await;
}

/// Signs and sends a bucket operation with the storage's own credentials
/// (test setup only: the service never signs these).
fn bucket_call(
    storage: &Storage,
    method: presign::Method,
    query: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut request = presign::PresignRequest::new(
        method,
        storage["ENDPOINT"].as_str(),
        storage["BUCKET"].as_str(),
        "",
    )
    .bucket_operation(true)
    .addressing(presign::Addressing::Path)
    .region(storage["REGION"].as_str());
    for (name, value) in query {
        request = request.query(*name, *value);
    }
    let credentials = presign::Credentials::new(
        storage["ACCESS_KEY"].as_str(),
        storage["SECRET_KEY"].as_str(),
    );
    let url = presign::presign(&request, &credentials, std::time::SystemTime::now()).unwrap();
    send(method.as_str(), url.url(), &[], body.to_vec())
}

/// Finding 11: a DELETE URL with `versionId` deletes that version for
/// good, and any client with DELETE could sign one. Now it needs the
/// client's `delete_versions = true`; GET of a version stays allowed.
#[tokio::test(flavor = "multi_thread")]
async fn finding_11_deleting_a_version_needs_delete_versions() {
    let Some(mut storage) = storage("seaweedfs") else {
        return;
    };
    // A bucket of its own with versioning on (SeaweedFS keeps versions).
    storage.insert(
        "BUCKET".into(),
        format!("input-versions-{}", &unique()[..12]),
    );
    let setup = storage.clone();
    tokio::task::spawn_blocking(move || {
        let created = bucket_call(&setup, presign::Method::Put, &[], b"");
        assert!(created.status < 300, "CreateBucket: {created:?}");
        let versioning = bucket_call(
            &setup,
            presign::Method::Put,
            &[("versioning", "")],
            br#"<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>"#,
        );
        assert!(versioning.status < 300, "PutBucketVersioning: {versioning:?}");
    })
    .await
    .unwrap();

    let service = Arc::new(Service::start(&storage, &Config::default()).await);
    let (key, first, second) = blocking(&service, |service| {
        let key = format!("app/{}.txt", unique());
        let mut versions = Vec::new();
        for body in ["first", "second"] {
            let put = presign(service, "PUT", &key, &json!({}), &json!({}));
            let stored = use_url(&put, body.as_bytes());
            assert!(stored.status < 300, "{stored:?}");
            let version = stored.headers.get("x-amz-version-id").unwrap();
            versions.push(version.to_str().unwrap().to_owned());
        }
        let first = versions[0].clone();
        let second = versions[1].clone();
        let read = |service: &Service| {
            let get = presign(service, "GET", &key, &json!({}), &json!({"versionId": first}));
            assert_eq!(get.status, 200, "GET of a version is allowed: {get:?}");
            use_url(&get, b"")
        };
        assert_eq!(read(service).body, Value::String("first".into()));

        let delete = presign(service, "DELETE", &key, &json!({}), &json!({"versionId": first}));
        if delete.status == 200 {
            let deleted = use_url(&delete, b"");
            panic!(
                "DELETE with versionId was signed without delete_versions; the storage answered {} and the version now answers {}",
                deleted.status,
                read(service).status
            );
        }
        assert_eq!(delete.status, 403, "{delete:?}");
        assert!(refused(&delete, "delete_versions"), "{delete:?}");
        assert!(delete.body["error"].as_str().unwrap().contains("delete_versions"));
        // A plain DELETE (a delete marker, undoable) is still allowed.
        let plain = presign(service, "DELETE", &key, &json!({}), &json!({}));
        assert_eq!(plain.status, 200, "{plain:?}");
        assert_eq!(read(service).body, Value::String("first".into()));
        (key, first, second)
    })
    .await;

    // With the opt-in, the same URL is issued and deletes the version.
    let service =
        Arc::new(Service::start(&storage, &Config::client("delete_versions = true")).await);
    blocking(&service, move |service| {
        let delete = presign(
            service,
            "DELETE",
            &key,
            &json!({}),
            &json!({"versionId": first}),
        );
        assert_eq!(delete.status, 200, "{delete:?}");
        assert!(use_url(&delete, b"").status < 300);
        let get = presign(
            service,
            "GET",
            &key,
            &json!({}),
            &json!({"versionId": first}),
        );
        assert!(use_url(&get, b"").status >= 400, "the version is gone");
        // Leave nothing behind: the last version, then the bucket.
        let delete = presign(
            service,
            "DELETE",
            &key,
            &json!({}),
            &json!({"versionId": second}),
        );
        assert!(use_url(&delete, b"").status < 300);
    })
    .await;
    tokio::task::spawn_blocking(move || {
        let deleted = bucket_call(&storage, presign::Method::Delete, &[], b"");
        assert!(deleted.status < 300, "DeleteBucket: {deleted:?}");
    })
    .await
    .unwrap();
}

/// A route that takes a key (or a file name) from the request.
type KeyRoute = (&'static str, fn(&Service, &str) -> Answer);

/// Every route that accepts a key or a file name; the native ones get
/// `app/VALUE/f.txt`, the Companion ones `VALUE` as the file name.
const KEY_ROUTES: [KeyRoute; 6] = [
    ("/v1/presign", |service, value| {
        let key = format!("app/{value}/f.txt");
        presign(service, "GET", &key, &json!({}), &json!({}))
    }),
    ("/v1/presign/batch", |service, value| {
        let key = format!("app/{value}/f.txt");
        api(
            service,
            "POST",
            "/v1/presign/batch",
            Some(&json!({"method": "GET", "keys": ["app/ok.txt", key]})),
        )
    }),
    ("/v1/post", |service, value| {
        let key = format!("app/{value}/f.txt");
        api(service, "POST", "/v1/post", Some(&json!({"key": key})))
    }),
    ("/v1/multipart", |service, value| {
        let key = format!("app/{value}/f.txt");
        api(
            service,
            "POST",
            "/v1/multipart",
            Some(&json!({"key": key, "size": 1})),
        )
    }),
    ("/s3/params", |service, value| {
        let path = format!("/s3/params?filename={}", urlencode(value));
        browser(service, "GET", &path, None)
    }),
    ("/s3/multipart", |service, value| {
        browser(
            service,
            "POST",
            "/s3/multipart",
            Some(&json!({"filename": value})),
        )
    }),
];

/// A route that takes metadata from the request.
type MetaRoute = (&'static str, fn(&Service, &str, &str) -> Answer);

/// Every route that accepts metadata: `NAME` = `VALUE`.
const META_ROUTES: [MetaRoute; 6] = [
    ("/v1/presign", |service, name, value| {
        let key = format!("app/{}.txt", unique());
        let header = format!("x-amz-meta-{name}");
        presign(service, "PUT", &key, &json!({ header: value }), &json!({}))
    }),
    ("/v1/presign/batch", |service, name, value| {
        let header = format!("x-amz-meta-{name}");
        api(
            service,
            "POST",
            "/v1/presign/batch",
            Some(&json!({"method": "PUT", "keys": ["app/b.txt"], "headers": { header: value }})),
        )
    }),
    ("/v1/post", |service, name, value| {
        let key = format!("app/{}.txt", unique());
        api(
            service,
            "POST",
            "/v1/post",
            Some(&json!({"key": key, "metadata": { name: value }})),
        )
    }),
    ("/v1/multipart", |service, name, value| {
        let key = format!("app/{}.txt", unique());
        api(
            service,
            "POST",
            "/v1/multipart",
            Some(&json!({"key": key, "size": 1, "metadata": { name: value }})),
        )
    }),
    ("/s3/params", |service, name, value| {
        let path = format!(
            "/s3/params?filename=a.txt&{}={}",
            urlencode(&format!("metadata[{name}]")),
            urlencode(value)
        );
        browser(service, "GET", &path, None)
    }),
    ("/s3/multipart", |service, name, value| {
        browser(
            service,
            "POST",
            "/s3/multipart",
            Some(&json!({"filename": "a.txt", "metadata": { name: value }})),
        )
    }),
];

/// Finding 12: key look-alikes (U+2025, U+FE30, U+2026, U+2216, a
/// combining U+0338, segments of dots and spaces, a trailing dot or space)
/// and an empty `x-amz-meta-` name passed. Now every route that takes a
/// key, a file name or a metadata name refuses them with the same check.
#[tokio::test(flavor = "multi_thread")]
async fn finding_12_look_alike_keys_and_empty_metadata_names_are_refused_everywhere() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Arc::new(Service::start(&storage, &Config::companion("")).await);
    blocking(&service, |service| {
        // Every route takes an ordinary value: a refusal below is the
        // value's.
        for (route, call) in KEY_ROUTES {
            let answer = call(service, "ok");
            assert_eq!(answer.status, 200, "{route}: {answer:?}");
        }
        for (route, call) in META_ROUTES {
            let answer = call(service, "owner", "alice");
            assert_eq!(answer.status, 200, "{route}: {answer:?}");
        }

        let look_alikes = [
            "\u{2025}",         // two dot leader: NFKC ".."
            "\u{FE30}",         // vertical two dot leader: NFKC ".."
            "\u{2026}",         // ellipsis: NFKC "..."
            "a\u{2216}b",       // set minus, drawn as '\'
            ".\u{338}.",        // '.' with a combining long solidus overlay
            "\u{338}x",         // an overlay at a segment's start
            "x\u{20EB}",        // combining long double solidus overlay
            "x\u{20D2}",        // combining long vertical line overlay
            ".. ",              // dots and a space: ".." once stripped
            ". .",              // dots and spaces only
            "x.",               // a trailing dot (stripped on Windows)
            "x ",               // a trailing space
            "\u{2488}",         // "1." as one character
            "a\u{2100}b",       // account of: NFKC "a/c"
            "\u{FF0E}\u{FF0E}", // fullwidth full stops
            "\u{FE52}\u{FE52}", // small full stops
        ];
        let mut passed = Vec::new();
        for value in look_alikes {
            for (route, call) in KEY_ROUTES {
                let answer = call(service, value);
                let rule = answer.body["rule"].as_str().unwrap_or_default().to_owned();
                if !(400..500).contains(&answer.status)
                    || !["key_path", "key_characters", "filename"].contains(&rule.as_str())
                {
                    passed.push(format!("{route} {value:?}: {} {rule:?}", answer.status));
                }
            }
        }
        for name in ["", ".", "..", "-x", ".\u{2025}"] {
            for (route, call) in META_ROUTES {
                let answer = call(service, name, "v");
                if !refused(&answer, "metadata") {
                    passed.push(format!(
                        "{route} metadata {name:?}: {} {}",
                        answer.status, answer.body["rule"]
                    ));
                }
            }
        }
        assert!(passed.is_empty(), "accepted:\n{}", passed.join("\n"));
    })
    .await;
}

/// Finding 14: `/v1/post` signed metadata with CR/LF and raw UTF-8, which
/// `/v1/presign` refuses or encodes. Now both go through one check: control
/// characters are refused (rule `metadata`) and non-ASCII values are RFC
/// 2047 encoded, the same on both routes, and stored the same.
#[tokio::test(flavor = "multi_thread")]
async fn finding_14_post_metadata_is_checked_as_presign_checks_it() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Arc::new(Service::start(&storage, &Config::default()).await);
    blocking(&service, |service| {
        for value in ["a\r\nx-amz-acl: public-read", "a\nb", "a\0b"] {
            let key = format!("app/{}.txt", unique());
            let post = api(
                service,
                "POST",
                "/v1/post",
                Some(&json!({"key": key, "metadata": {"note": value}})),
            );
            if post.status == 200 {
                let written = post_form(
                    post.body["url"].as_str().unwrap(),
                    &fields(&post.body),
                    b"x",
                );
                panic!(
                    "/v1/post signed metadata {value:?}; the storage answered {}",
                    written.status
                );
            }
            assert_eq!(post.status, 400, "{value:?}: {post:?}");
            assert!(refused(&post, "metadata"), "{value:?}: {post:?}");
            let put = presign(
                service,
                "PUT",
                &key,
                &json!({"x-amz-meta-note": value}),
                &json!({}),
            );
            assert_eq!(put.status, 400, "{value:?}: {put:?}");
            assert!(
                refused(&put, "metadata"),
                "the same rule as /v1/post: {put:?}"
            );
        }

        // Raw UTF-8: the same encoded value from both routes, and stored.
        let encoded = "=?UTF-8?B?w6VsaWNl?=";
        let put_key = format!("app/{}.txt", unique());
        let put = presign(
            service,
            "PUT",
            &put_key,
            &json!({"x-amz-meta-owner": "\u{e5}lice"}),
            &json!({}),
        );
        assert_eq!(put.status, 200, "{put:?}");
        assert_eq!(put.body["headers"]["x-amz-meta-owner"], encoded, "{put:?}");
        assert!(use_url(&put, b"put").status < 300);
        let post_key = format!("app/{}.txt", unique());
        let post = api(
            service,
            "POST",
            "/v1/post",
            Some(&json!({"key": post_key, "metadata": {"owner": "\u{e5}lice"}})),
        );
        assert_eq!(post.status, 200, "{post:?}");
        assert_eq!(
            post.body["fields"]["x-amz-meta-owner"], encoded,
            "/v1/post must encode as /v1/presign does: {post:?}"
        );
        let written = post_form(
            post.body["url"].as_str().unwrap(),
            &fields(&post.body),
            b"post",
        );
        assert!(written.status < 300, "{written:?}");
        for key in [&put_key, &post_key] {
            let read = get_object(service, key);
            let stored = read
                .headers
                .get("x-amz-meta-owner")
                .and_then(|v| v.to_str().ok());
            assert_eq!(stored, Some(encoded), "{key}");
        }
    })
    .await;
}

/// Whether `answer` is the metadata limit's 400, naming the limit.
fn metadata_limit(answer: &Answer) -> bool {
    answer.status == 400
        && answer.body["rule"] == "metadata_size"
        && answer.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("2048") || e.contains("64"))
}

/// Finding 15a: 500 KB of metadata reached the storage and came back as a
/// 502. Now user metadata is limited as S3 limits it (2 KB of names and
/// values) and to 64 entries, and refused with 400 before any storage call
/// on every route; a URL signs at most 64 headers and 16 query parameters.
#[tokio::test(flavor = "multi_thread")]
async fn finding_15a_oversized_metadata_is_refused_before_the_storage() {
    let Some(storage) = storage("seaweedfs") else {
        return;
    };
    let service = Arc::new(Service::start(&storage, &Config::companion("")).await);
    blocking(&service, |service| {
        let huge = "v".repeat(500 * 1024);
        let create = browser(
            service,
            "POST",
            "/s3/multipart",
            Some(&json!({"filename": "a.txt", "metadata": {"blob": huge}})),
        );
        assert!(metadata_limit(&create), "/s3/multipart: {} {}", create.status, create.body);
        let create = api(
            service,
            "POST",
            "/v1/multipart",
            Some(&json!({"key": "app/a.txt", "size": 1, "metadata": {"blob": huge}})),
        );
        assert!(metadata_limit(&create), "/v1/multipart: {} {}", create.status, create.body);

        // Just over 2 KB (names and values together), on every route.
        let value = "v".repeat(1024);
        let over = json!({"aaaa": value, "bbbb": value});
        let answers = [
            ("/s3/multipart", browser(service, "POST", "/s3/multipart", Some(&json!({"filename": "a.txt", "metadata": over})))),
            ("/v1/multipart", api(service, "POST", "/v1/multipart", Some(&json!({"key": "app/a.txt", "size": 1, "metadata": over})))),
            ("/v1/post", api(service, "POST", "/v1/post", Some(&json!({"key": "app/a.txt", "metadata": over})))),
            ("/v1/presign", presign(service, "PUT", "app/a.txt", &json!({"x-amz-meta-aaaa": value, "x-amz-meta-bbbb": value}), &json!({}))),
            ("/s3/params", browser(service, "GET", &format!("/s3/params?filename=a.txt&metadata%5Baaaa%5D={value}&metadata%5Bbbbb%5D={value}"), None)),
        ];
        for (route, answer) in answers {
            assert!(metadata_limit(&answer), "{route}: {} {}", answer.status, answer.body);
        }
        // Exactly 2 KB is S3's limit, and allowed.
        let at = json!({"a": "v".repeat(2047)});
        let create = api(service, "POST", "/v1/multipart", Some(&json!({"key": format!("app/{}.txt", unique()), "size": 1, "metadata": at})));
        assert_eq!(create.status, 200, "{create:?}");

        // Counts: 65 metadata entries, 65 headers, 17 query parameters.
        let many: serde_json::Map<String, Value> =
            (0..65).map(|i| (format!("m{i}"), json!("v"))).collect();
        let create = api(service, "POST", "/v1/multipart", Some(&json!({"key": "app/a.txt", "size": 1, "metadata": many})));
        assert!(metadata_limit(&create), "{} {}", create.status, create.body);
        let create = browser(service, "POST", "/s3/multipart", Some(&json!({"filename": "a.txt", "metadata": many})));
        assert!(metadata_limit(&create), "{} {}", create.status, create.body);
        let headers: serde_json::Map<String, Value> =
            (0..65).map(|i| (format!("x-amz-meta-m{i}"), json!("v"))).collect();
        let put = presign(service, "PUT", "app/a.txt", &Value::Object(headers), &json!({}));
        assert!(refused(&put, "headers") && put.status == 400, "{put:?}");
        let query: serde_json::Map<String, Value> = (0..17)
            .map(|i| (if i == 0 { "versionId".to_owned() } else { format!("response-x{i}") }, json!("v")))
            .collect();
        let get = presign(service, "GET", "app/a.txt", &json!({}), &Value::Object(query));
        assert!(refused(&get, "query") && get.status == 400, "{get:?}");
    })
    .await;
}
