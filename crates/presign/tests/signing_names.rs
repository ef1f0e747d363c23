//! Signing names, S3 Express session tokens and SigV4A, against botocore
//! 1.43.11 (and awscrt 0.32.2 for SigV4A): `data/signing-names/cases.json`,
//! written by `data/signing-names/generate.py`.
//!
//! Every case is signed by `presign()`, `Signer` and `BatchSigner`, which
//! must agree. SigV4 URLs must equal botocore's byte for byte. A SigV4A URL
//! must equal botocore's in everything but the signature's bytes (ECDSA:
//! awscrt draws random nonces, presign uses RFC 6979), botocore's signature
//! must verify over presign's string to sign with the public key presign
//! derives, and `verify` must accept both URLs and refuse them tampered.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::{Duration, SystemTime};

use presign::{
    Addressing, AmzDate, BatchSigner, Credentials, Method, PostPolicy, PostUpload, PresignRequest,
    SigV4aKey, Signer, VerifyError, VerifyPolicy, presign, presign_post, verify, verify_post,
};
use pretty_assertions::assert_eq;
use serde::Deserialize;

#[derive(Deserialize)]
struct Document {
    botocore: String,
    awscrt: String,
    cases: Vec<Case>,
    posts: Vec<PostCase>,
}

/// A POST policy signed by botocore's `S3SigV4PostAuth` or
/// `S3ExpressPostAuth`: its URL (when from `generate_presigned_post`) and
/// form fields.
#[derive(Deserialize)]
struct PostCase {
    name: String,
    endpoint: String,
    bucket: String,
    key: String,
    region: String,
    service: String,
    express_session: bool,
    expires: u64,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    url: Option<String>,
    fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    method: String,
    endpoint: String,
    bucket: String,
    key: String,
    region: String,
    service: String,
    express_session: bool,
    sigv4a: Option<String>,
    expires: u64,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    time: String,
    url: String,
}

impl Case {
    fn request(&self) -> PresignRequest {
        let mut request = PresignRequest::new(
            self.method.parse().unwrap(),
            &self.endpoint,
            &self.bucket,
            &self.key,
        )
        .region(&self.region)
        .service(&self.service)
        .expires_in(Duration::from_secs(self.expires))
        .addressing(Addressing::VirtualHost)
        .express_session(self.express_session);
        if let Some(region_set) = &self.sigv4a {
            request = request.sigv4a(region_set);
        }
        for (name, value) in &self.query {
            request = request.query(name, value);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request
    }

    fn credentials(&self) -> Credentials {
        let credentials = Credentials::new(&self.access_key_id, &self.secret_access_key);
        match &self.session_token {
            Some(token) => credentials.with_session_token(token),
            None => credentials,
        }
    }

    fn now(&self) -> SystemTime {
        AmzDate::parse_rfc3339(&self.time).unwrap().to_system_time()
    }

    /// The URL `presign()` makes of the case.
    fn our_url(&self) -> String {
        presign(&self.request(), &self.credentials(), self.now())
            .unwrap()
            .url()
            .to_owned()
    }

    fn method(&self) -> Method {
        self.method.parse().unwrap()
    }

    /// A second after the case's instant: its URLs are fresh then.
    fn later(&self) -> SystemTime {
        self.now() + Duration::from_secs(1)
    }

    /// `verify`'s key lookup: `credentials` for the case's access key id.
    fn lookup<'a>(
        &'a self,
        credentials: &'a Credentials,
    ) -> impl Fn(&str) -> Option<Credentials> + Copy + 'a {
        move |id: &str| (id == self.access_key_id).then(|| credentials.clone())
    }

    fn header_refs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect()
    }
}

fn document() -> Document {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/signing-names/cases.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The URL up to its signature, and the signature.
fn split_signature(url: &str) -> (&str, &str) {
    url.rsplit_once("&X-Amz-Signature=").unwrap()
}

#[test]
fn the_cases_come_from_the_pinned_reference() {
    let document = document();
    assert_eq!(document.botocore, "1.43.11");
    assert_eq!(document.awscrt, "0.32.2");
    for (kind, expected) in [
        ("s3-object-lambda", 1),
        ("s3-outposts", 1),
        ("express-session", 2),
        ("sigv4a", 3),
    ] {
        let found = document
            .cases
            .iter()
            .filter(|case| match kind {
                "express-session" => case.express_session,
                "sigv4a" => case.sigv4a.is_some(),
                service => case.service == service,
            })
            .count();
        assert!(found >= expected, "{kind}: {found} cases");
    }
}

#[test]
fn every_signer_writes_botocores_url() {
    for case in document().cases {
        let request = case.request();
        let credentials = case.credentials();
        let now = case.now();
        let presigned = presign(&request, &credentials, now).unwrap();
        let signer = Signer::new(credentials.clone()).unwrap();
        // Twice: the second call comes from the signer's kept batch.
        assert_eq!(
            signer.sign(&request, now).unwrap(),
            presigned.url(),
            "{}",
            case.name
        );
        assert_eq!(
            signer.sign(&request, now).unwrap(),
            presigned.url(),
            "{}",
            case.name
        );
        let batch = BatchSigner::new(&request, &credentials, now).unwrap();
        assert_eq!(
            batch.sign(&case.key).unwrap(),
            presigned.url(),
            "{}",
            case.name
        );
        let (mut first, mut second) = (String::new(), String::new());
        let [a, b] = batch.sign_two_into([&case.key, &case.key], [&mut first, &mut second]);
        a.unwrap();
        b.unwrap();
        assert_eq!(
            (first.as_str(), second.as_str()),
            (presigned.url(), presigned.url())
        );

        if case.sigv4a.is_none() {
            assert_eq!(presigned.url(), case.url, "{}", case.name);
            continue;
        }
        let (ours, our_signature) = split_signature(presigned.url());
        let (theirs, their_signature) = split_signature(&case.url);
        assert_eq!(ours, theirs, "{}: all but the signature", case.name);
        assert_eq!(presigned.algorithm(), "AWS4-ECDSA-P256-SHA256");
        assert_eq!(presigned.signature(), our_signature);
        let key = SigV4aKey::derive(&case.access_key_id, &case.secret_access_key).unwrap();
        let string_to_sign = presigned.string_to_sign().as_str().as_bytes();
        assert!(
            key.verify(string_to_sign, their_signature),
            "{}: awscrt's signature verifies over presign's string to sign",
            case.name
        );
        assert!(key.verify(string_to_sign, our_signature), "{}", case.name);
    }
}

#[test]
fn verify_accepts_every_case_and_botocores_url() {
    for case in document().cases {
        let credentials = case.credentials();
        let ours = case.our_url();
        let lookup = case.lookup(&credentials);
        let method = case.method();
        let headers = case.header_refs();
        let policy = VerifyPolicy::default();
        let later = case.later();
        for url in [&ours, &case.url] {
            let verified = verify(url, method, &headers, lookup, later, &policy)
                .unwrap_or_else(|error| panic!("{}: {error}", case.name));
            assert_eq!(
                verified.url().has_session_token(),
                case.session_token.is_some()
            );
            assert_eq!(verified.url().region_set(), case.sigv4a.as_deref());
            assert_eq!(verified.url().scope().service(), case.service);
        }
        // Only the named service, when the policy names one.
        let other = VerifyPolicy::default().service("s3-other");
        assert!(
            matches!(
                verify(&ours, method, &headers, lookup, later, &other),
                Err(VerifyError::WrongService { .. })
            ),
            "{}",
            case.name
        );
    }
}

#[test]
fn tampered_urls_are_refused() {
    for case in document().cases {
        let credentials = case.credentials();
        let url = case.our_url();
        let lookup = case.lookup(&credentials);
        let method = case.method();
        let headers = case.header_refs();
        let policy = VerifyPolicy::default();
        let later = case.later();
        let (head, signature) = split_signature(&url);
        let mut tampered = vec![
            // Another object.
            url.replacen(&format!("/{}?", case.key.replace(' ', "%20")), "/other?", 1),
            // A longer expiry.
            url.replacen(
                &format!("X-Amz-Expires={}", case.expires),
                &format!("X-Amz-Expires={}", case.expires - 1),
                1,
            ),
            // The signature's last byte changed.
            format!(
                "{head}&X-Amz-Signature={}{}",
                &signature[..signature.len() - 2],
                if signature.ends_with("00") {
                    "01"
                } else {
                    "00"
                }
            ),
        ];
        if case.sigv4a.is_some() {
            // Other regions.
            tampered.push(url.replacen("X-Amz-Region-Set=", "X-Amz-Region-Set=eu-west-1%2C", 1));
        }
        if case.express_session {
            // The token moved to the ordinary parameter.
            tampered.push(url.replacen("X-Amz-S3session-Token", "X-Amz-Security-Token", 1));
        }
        for bad in tampered {
            assert_ne!(bad, url, "{}: the tampering changed nothing", case.name);
            let result = verify(&bad, method, &headers, lookup, later, &policy);
            assert!(
                matches!(result, Err(VerifyError::SignatureMismatch)),
                "{}: {bad} gave {result:?}",
                case.name
            );
        }
    }
}

#[test]
fn a_sigv4a_region_set_must_be_allowed_by_the_policy() {
    let case = document()
        .cases
        .into_iter()
        .find(|case| case.sigv4a.as_deref() == Some("us-east-1,us-west-2"))
        .unwrap();
    let credentials = case.credentials();
    let lookup = case.lookup(&credentials);
    let later = case.later();
    let only_east = VerifyPolicy::default().allowed_regions(["us-east-1"]);
    assert_eq!(
        verify(&case.url, Method::Get, &[], lookup, later, &only_east).unwrap_err(),
        VerifyError::RegionNotAllowed {
            region: "us-west-2".to_owned()
        }
    );
    let both = VerifyPolicy::default().allowed_regions(["us-west-2", "us-east-1"]);
    assert!(verify(&case.url, Method::Get, &[], lookup, later, &both).is_ok());
}

#[test]
fn post_policies_sign_botocores_fields() {
    let document = document();
    assert!(document.posts.iter().any(|post| post.express_session));
    let now = AmzDate::parse_rfc3339("2026-12-07T01:02:03Z")
        .unwrap()
        .to_system_time();
    for case in &document.posts {
        let policy = PostPolicy::new(&case.endpoint, &case.bucket, &case.key)
            .region(&case.region)
            .service(&case.service)
            .express_session(case.express_session)
            .addressing(Addressing::Path)
            .expires_in(Duration::from_secs(case.expires));
        let mut credentials = Credentials::new(&case.access_key_id, &case.secret_access_key);
        if let Some(token) = &case.session_token {
            credentials = credentials.with_session_token(token);
        }
        let post = presign_post(&policy, &credentials, now).unwrap();
        let theirs: Vec<(&str, &str)> = case
            .fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str().unwrap()))
            .collect();
        let ours: Vec<(&str, &str)> = post
            .fields()
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let mut sorted_ours = ours.clone();
        sorted_ours.sort_unstable();
        // serde_json's map is sorted by name: compare the fields as sets here,
        // and their order below.
        assert_eq!(sorted_ours, theirs, "{}", case.name);
        let token_field = if case.express_session {
            "X-Amz-S3session-Token"
        } else {
            "x-amz-security-token"
        };
        let names: Vec<&str> = ours.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            [
                "key",
                "x-amz-algorithm",
                "x-amz-credential",
                "x-amz-date",
                token_field,
                "policy",
                "x-amz-signature"
            ],
            "{}: botocore's order",
            case.name
        );
        if let Some(url) = &case.url {
            assert_eq!(post.url(), url, "{}", case.name);
        }
        let upload = post
            .fields()
            .iter()
            .fold(PostUpload::new(&case.bucket, 1), |upload, (name, value)| {
                upload.field(name, value)
            });
        let lookup = |id: &str| (id == case.access_key_id).then(|| credentials.clone());
        let later = now + Duration::from_secs(1);
        verify_post(&upload, lookup, later, &VerifyPolicy::default())
            .unwrap_or_else(|error| panic!("{}: {error}", case.name));
    }
}

/// One signer, one request shape but for the signing options: the kept
/// shapes, batches and keys must tell them apart.
#[test]
fn a_signer_keeps_shapes_and_keys_apart_by_signing_options() {
    let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .with_session_token("token");
    let signer = Signer::new(credentials.clone()).unwrap();
    let now = AmzDate::parse_rfc3339("2026-12-07T01:02:03Z")
        .unwrap()
        .to_system_time();
    let base = PresignRequest::new(
        Method::Get,
        "https://s3.us-west-2.amazonaws.com",
        "bucket",
        "k",
    )
    .region("us-west-2");
    let requests = [
        base.clone(),
        base.clone().service("s3express"),
        base.clone().service("s3express").express_session(true),
        base.clone().sigv4a("*"),
        base.clone().sigv4a("us-west-2"),
        base.clone().service("s3-object-lambda").sigv4a("*"),
    ];
    let mut urls = Vec::new();
    for _ in 0..2 {
        for request in &requests {
            let url = signer.sign(request, now).unwrap();
            assert_eq!(url, presign(request, &credentials, now).unwrap().url());
            urls.push(url);
        }
    }
    let distinct: std::collections::BTreeSet<&String> = urls.iter().collect();
    assert_eq!(distinct.len(), requests.len());
}

#[test]
fn bad_signing_options_are_refused_naming_the_field() {
    let credentials =
        Credentials::new("AKIDEXAMPLE", "SECRETSECRET").with_session_token("TOKENTOKEN");
    let now = AmzDate::parse_rfc3339("2026-12-07T01:02:03Z")
        .unwrap()
        .to_system_time();
    let base = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "bucket", "k");
    for (request, field) in [
        (base.clone().service(""), "service"),
        (base.clone().service("S3"), "service"),
        (base.clone().service("s3/x"), "service"),
        (base.clone().service("a".repeat(64)), "service"),
        (base.clone().sigv4a(""), "region set"),
        (base.clone().sigv4a("us-east-1,"), "region set"),
        (base.clone().sigv4a("US-EAST-1"), "region set"),
        (
            base.clone().sigv4a("*").express_session(true),
            "express_session",
        ),
        (
            base.clone().query("X-Amz-Region-Set", "*"),
            "X-Amz-Region-Set",
        ),
        (
            base.clone().query("x-amz-s3session-token", "t"),
            "x-amz-s3session-token",
        ),
    ] {
        let error = presign(&request, &credentials, now).unwrap_err();
        let message = error.to_string();
        assert!(message.contains(field), "{message}");
        assert!(!message.contains("SECRETSECRET") && !message.contains("TOKENTOKEN"));
        let signer = Signer::new(credentials.clone()).unwrap();
        assert_eq!(signer.sign(&request, now).unwrap_err(), error);
        assert_eq!(
            BatchSigner::new(&request, &credentials, now).unwrap_err(),
            error
        );
    }
    assert!(presign(&base.clone().service("s3-outposts"), &credentials, now).is_ok());
}
