//! Properties of the signing options (service, S3 Express session token,
//! SigV4A) for arbitrary keys: every signer writes the same URL, verify
//! accepts it, and any change to its key, date, expiry, region set or
//! signature is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presign::{
    Addressing, BatchSigner, Credentials, Method, PresignRequest, Signer, VerifyError,
    VerifyPolicy, presign, verify,
};
use proptest::prelude::*;
use proptest::sample::select;

/// Keys with the characters that encoding gets wrong: unicode, space, `+`,
/// `%`, `~`, `/` and `//`.
fn key() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            select(
                &[
                    " ", "+", "%", "~", "/", "//", "a", "Z", "0", "é", "ሴ", "=", "&", "?"
                ][..]
            )
            .prop_map(String::from),
            "[a-z0-9]{1,4}",
        ],
        1..8,
    )
    .prop_map(|parts| parts.concat())
}

#[derive(Clone, Debug)]
enum Signing {
    V4 {
        service: &'static str,
        express: bool,
    },
    V4a {
        region_set: &'static str,
        service: &'static str,
    },
}

fn signing() -> impl Strategy<Value = Signing> {
    prop_oneof![
        (
            select(&["s3", "s3-object-lambda", "s3-outposts", "s3express"][..]),
            any::<bool>()
        )
            .prop_map(|(service, express)| Signing::V4 { service, express }),
        (
            select(&["*", "us-east-1", "us-east-1,eu-west-1", "us-*"][..]),
            select(&["s3", "s3-object-lambda"][..])
        )
            .prop_map(|(region_set, service)| Signing::V4a {
                region_set,
                service
            }),
    ]
}

fn request(key: &str, signing: &Signing, method: Method) -> PresignRequest {
    let base = PresignRequest::new(method, "https://ap.s3-global.amazonaws.com", "bucket", key)
        .addressing(Addressing::VirtualHost)
        .region("us-west-2")
        .expires_in(Duration::from_secs(900));
    match signing {
        Signing::V4 { service, express } => base.service(*service).express_session(*express),
        Signing::V4a {
            region_set,
            service,
        } => base.service(*service).sigv4a(*region_set),
    }
}

/// `url` with one character of its `X-Amz-Signature` changed.
fn flip_signature(url: &str, at: usize) -> String {
    let (head, signature) = url.rsplit_once("&X-Amz-Signature=").unwrap();
    let mut bytes = signature.as_bytes().to_vec();
    let at = at % bytes.len();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    format!(
        "{head}&X-Amz-Signature={}",
        String::from_utf8(bytes).unwrap()
    )
}

proptest! {
    // ECDSA is slow in a debug build: fewer cases than the SigV4 properties.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_signer_agrees_and_verify_accepts_only_the_url_as_signed(
        key in key(),
        signing in signing(),
        token in proptest::option::of("[!-~]{1,16}"),
        method in select(&[Method::Get, Method::Put, Method::Head, Method::Delete][..]),
        seconds in 1_000_000_000u64..2_000_000_000,
        flip_at in any::<usize>(),
    ) {
        let mut credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        if let Some(token) = &token {
            credentials = credentials.with_session_token(token);
        }
        let now: SystemTime = UNIX_EPOCH + Duration::from_secs(seconds);
        let request = request(&key, &signing, method);
        let presigned = presign(&request, &credentials, now).unwrap();
        let url = presigned.url();
        prop_assert_eq!(&url[url.find("X-Amz-Date=").unwrap() + 26..][..1], "Z");
        let signer = Signer::new(credentials.clone()).unwrap();
        prop_assert_eq!(signer.sign(&request, now).unwrap(), url);
        let batch = BatchSigner::new(&request, &credentials, now).unwrap();
        prop_assert_eq!(batch.sign(&key).unwrap(), url);

        let token_name = match signing {
            Signing::V4 { express: true, .. } => "X-Amz-S3session-Token=",
            _ => "X-Amz-Security-Token=",
        };
        prop_assert_eq!(url.contains(token_name), token.is_some());

        let lookup = |id: &str| (id == "AKIDEXAMPLE").then(|| credentials.clone());
        let policy = VerifyPolicy::default();
        let later = now + Duration::from_secs(1);
        let verified = verify(url, method, &[], lookup, later, &policy).unwrap();
        prop_assert_eq!(verified.key(), key.as_str());

        let mut tampered = vec![
            flip_signature(url, flip_at),
            url.replacen("X-Amz-Expires=900", "X-Amz-Expires=901", 1),
            url.replacen("bucket.ap.s3-global.amazonaws.com/", "bucket.ap.s3-global.amazonaws.com/x", 1),
        ];
        // X-Amz-Date one second off (the day, and so the scope, unchanged).
        let date_at = url.find("X-Amz-Date=").unwrap() + "X-Amz-Date=".len() + 14;
        let mut other_date = url.to_owned();
        let digit = if &url[date_at..=date_at] == "0" { "1" } else { "0" };
        other_date.replace_range(date_at..=date_at, digit);
        tampered.push(other_date);
        if let Signing::V4a { .. } = signing {
            tampered.push(url.replacen("X-Amz-Region-Set=", "X-Amz-Region-Set=ap-south-1%2C", 1));
        }
        for bad in tampered {
            prop_assert_ne!(&bad, url);
            let result = verify(&bad, method, &[], lookup, later, &policy);
            prop_assert!(
                matches!(result, Err(VerifyError::SignatureMismatch)),
                "{} gave {:?}", bad, result
            );
        }
    }
}
