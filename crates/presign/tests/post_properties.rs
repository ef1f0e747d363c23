//! Property tests of POST policies: what `verify_post` must accept, what it
//! must refuse, that it never panics, and that policy JSON reads back.
//!
//! 1. A form `presign_post` signs verifies (with the field the uploader
//!    chooses) for any key prefix, size in range and instant from 900 s
//!    before its date to one second before it expires, and reports the key
//!    with the file's name in place of `${filename}`.
//! 2. Changing one character of any field's value, or adding a field the
//!    policy does not name, makes it fail.
//! 3. `verify_post` never panics, whatever the fields, sizes and instant.
//! 4. Any JSON value (strings of every character, integers, finite floats,
//!    nested lists and objects) written as the policy writes it parses back
//!    to the same value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presign::{
    Credentials, PolicyValue, PostPolicy, PostUpload, PresignedPost, VerifyPolicy, presign_post,
    verify_post,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

#[path = "support/strategies.rs"]
mod strategies;
use strategies::any_text;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SIGNED_AT: u64 = 1_732_795_200;

fn credentials(token: bool) -> Credentials {
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET);
    if token {
        credentials.with_session_token("FwoGZXIvYXdzEXAMPLE/token+")
    } else {
        credentials
    }
}

fn sign(prefix: &str, max: u64, expires: u64, token: bool) -> PresignedPost {
    let policy = PostPolicy::with_key_prefix("http://127.0.0.1:9000", "bucket", prefix)
        .expires_in(Duration::from_secs(expires))
        .content_length_range(1, max)
        .content_type_starts_with("image/")
        .acl("private");
    presign_post(
        &policy,
        &credentials(token),
        UNIX_EPOCH + Duration::from_secs(SIGNED_AT),
    )
    .unwrap()
}

fn upload(fields: &[(String, String)], size: u64) -> PostUpload {
    fields
        .iter()
        .fold(PostUpload::new("bucket", size), |upload, (name, value)| {
            upload.field(name, value)
        })
}

/// The form's fields plus the Content-Type the uploader chooses.
fn sent(post: &PresignedPost) -> Vec<(String, String)> {
    let mut fields = post.fields().to_vec();
    fields.push(("Content-Type".to_owned(), "image/png".to_owned()));
    fields
}

fn check(fields: &[(String, String)], size: u64, now: SystemTime, token: bool) -> bool {
    let lookup = |id: &str| (id == "AKIDEXAMPLE").then(|| credentials(token));
    verify_post(&upload(fields, size), lookup, now, &VerifyPolicy::default()).is_ok()
}

/// A JSON value of every kind, nested up to two levels.
fn json_value() -> impl Strategy<Value = PolicyValue> {
    let leaf = prop_oneof![
        any_text().prop_map(PolicyValue::String),
        any::<i64>().prop_map(PolicyValue::from),
        any::<u64>().prop_map(PolicyValue::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |x| x.is_finite())
            .prop_map(PolicyValue::Float),
        any::<bool>().prop_map(PolicyValue::Bool),
        Just(PolicyValue::Null),
    ];
    leaf.prop_recursive(2, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(PolicyValue::Array),
            vec((any_text(), inner), 0..4).prop_map(PolicyValue::Object),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_signed_form_verifies_until_it_expires(
        prefix in any_text(),
        name in "[a-zA-Z0-9 ._-]{1,20}",
        max in 1u64..=(5 << 30),
        size_seed in any::<u64>(),
        expires in 1u64..=604_800,
        offset_seed in any::<u64>(),
        token in any::<bool>(),
    ) {
        prop_assume!(prefix.len() <= 1000);
        let post = sign(&prefix, max, expires, token);
        let size = 1 + size_seed % max;
        // From 900 s before the date (the default skew) to 1 s before expiry.
        let offset = offset_seed % (900 + expires);
        let now = UNIX_EPOCH + Duration::from_secs(SIGNED_AT - 900 + offset);
        let lookup = |id: &str| (id == "AKIDEXAMPLE").then(|| credentials(token));
        let verified = verify_post(
            &upload(&sent(&post), size).file_name(name.clone()),
            lookup,
            now,
            &VerifyPolicy::default(),
        );
        let verified = verified.map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert_eq!(verified.key(), format!("{prefix}{name}"));
        let expired = UNIX_EPOCH + Duration::from_secs(SIGNED_AT + expires);
        prop_assert!(!check(&sent(&post), size, expired, token));
        prop_assert!(!check(&sent(&post), max + 1, now, token));
    }

    #[test]
    fn changing_any_field_or_adding_one_fails(
        prefix in "[a-z/]{0,12}",
        which in any::<Index>(),
        at in any::<Index>(),
        replacement in any::<char>(),
        token in any::<bool>(),
        extra in "[a-zA-Z-]{1,12}",
    ) {
        let post = sign(&prefix, 1000, 3600, token);
        let now = UNIX_EPOCH + Duration::from_secs(SIGNED_AT + 1);
        let mut fields = sent(&post);
        prop_assert!(check(&fields, 10, now, token));
        let field = which.index(fields.len());
        let value: Vec<char> = fields[field].1.chars().collect();
        prop_assume!(!value.is_empty());
        let position = at.index(value.len());
        prop_assume!(value[position] != replacement);
        // A key may grow beyond its prefix, and the chosen type beyond its
        // prefix; the ends of those values are the uploader's to choose.
        let name = fields[field].0.clone();
        // The signature's hex digits compare without case.
        let free = (name == "key" && position >= prefix.chars().count())
            || (name == "Content-Type" && position >= "image/".len())
            || (name == "x-amz-signature" && value[position].eq_ignore_ascii_case(&replacement));
        let mut changed = value.clone();
        changed[position] = replacement;
        fields[field].1 = changed.into_iter().collect();
        prop_assert_eq!(check(&fields, 10, now, token), free, "field {} changed at {}", name, position);
        let mut added = sent(&post);
        prop_assume!(!extra.to_ascii_lowercase().starts_with("x-ignore-"));
        prop_assume!(!added.iter().any(|(existing, _)| existing.eq_ignore_ascii_case(&extra)));
        prop_assume!(!matches!(extra.to_ascii_lowercase().as_str(), "policy" | "x-amz-signature" | "file"));
        added.push((extra, "1".to_owned()));
        prop_assert!(!check(&added, 10, now, token));
    }

    #[test]
    fn verify_post_never_panics(
        fields in vec((any_text(), any_text()), 0..12),
        size in any::<u64>(),
        now in any::<u64>(),
    ) {
        let lookup = |_: &str| Some(credentials(false));
        let _ = verify_post(
            &upload(&fields, size),
            lookup,
            UNIX_EPOCH + Duration::from_secs(now % 300_000_000_000),
            &VerifyPolicy::default(),
        );
    }

    #[test]
    fn policy_json_reads_back_to_the_same_value(value in json_value()) {
        let text = value.to_json();
        prop_assert_eq!(PolicyValue::parse(&text).unwrap(), value);
    }
}

#[test]
fn a_real_form_with_random_fields_never_panics_either() {
    // The fields of a real form with random values in each, one at a time.
    let post = sign("in/", 100, 3600, true);
    for (index, _) in post.fields().iter().enumerate() {
        for junk in [
            "",
            "=",
            "%",
            "\u{0}",
            "e30=",
            "eyJleHBpcmF0aW9uIjogMX0=",
            &"A".repeat(5000),
        ] {
            let mut fields = sent(&post);
            fields[index].1 = junk.to_owned();
            let _ = check(
                &fields,
                10,
                UNIX_EPOCH + Duration::from_secs(SIGNED_AT),
                true,
            );
        }
    }
}
