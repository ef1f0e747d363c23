//! See main.rs. The second review of the service (findings 16 and up): what
//! got past the first review's rules.

use std::sync::Arc;

use serde_json::json;

use crate::harness::{Config, Service, api, browser, send, storage};
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
