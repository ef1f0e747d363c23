//! [`presign_post`]: a [`PostPolicy`] plus credentials and an instant in, the
//! form's URL and fields out, with the policy document and signature.
//!
//! As botocore's `generate_presigned_post`: the policy document is
//! `{"expiration": ..., "conditions": [...]}` with the caller's conditions
//! first, then `{"bucket": ...}`, the key's condition and the auth fields'
//! (`x-amz-algorithm`, `x-amz-credential`, `x-amz-date`, and
//! `x-amz-security-token` with temporary credentials); its `json.dumps` bytes
//! in base64 are the `policy` field and the string to sign; the signature is
//! the SigV4 signing key's HMAC of it. Endpoint, bucket, region, credentials
//! and expiry are checked by the same code as [`crate::presign()`]'s.

use std::time::{Duration, SystemTime};

use base64::Engine as _;

use super::condition::Condition;
use super::policy::{PostPolicy, set_field};
use crate::amz_date::AmzDate;
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::PresignError;
use crate::prepared::Prepared;
use crate::request::{Addressing, MAX_KEY_BYTES};
use crate::scope::CredentialScope;
use crate::string_to_sign::ALGORITHM;

/// The form fields [`presign_post`] may write itself, in the order it writes
/// them: the key, the auth fields, the policy and the signature. Of the two
/// session token fields it writes at most one, and only with temporary
/// credentials: `x-amz-security-token`, or `X-Amz-S3session-Token` for an S3
/// Express session ([`PostPolicy::express_session`]). A
/// [`PostPolicy::form_field`] of one of the names it writes is overwritten in
/// place, as botocore overwrites its `Fields`.
///
/// # Example
/// ```
/// use presign::{AmzDate, Credentials, POST_SIGNED_FIELDS, PostPolicy, presign_post};
///
/// let policy = PostPolicy::new("http://127.0.0.1:9000", "bucket", "in/a.png")
///     .form_field("policy", "mine")
///     .form_field("acl", "private");
/// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let post = presign_post(&policy, &credentials, AmzDate::parse_rfc3339("2024-11-28T12:00:00Z")?.to_system_time())?;
/// assert!(POST_SIGNED_FIELDS.contains(&"policy") && !POST_SIGNED_FIELDS.contains(&"acl"));
/// assert_eq!(post.field("policy"), Some(post.policy()));
/// assert_eq!(post.field("acl"), Some("private"));
/// # Ok::<(), presign::PresignError>(())
/// ```
pub const POST_SIGNED_FIELDS: [&str; 8] = [
    "key",
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-date",
    "x-amz-security-token",
    EXPRESS_SESSION_TOKEN_FIELD,
    "policy",
    "x-amz-signature",
];

/// botocore's `S3ExpressPostAuth` writes this name in mixed case.
const EXPRESS_SESSION_TOKEN_FIELD: &str = "X-Amz-S3session-Token";

/// A signed POST policy: the form's URL and fields, and every value that went
/// into them.
///
/// # Example
/// ```
/// use presign::{presign_post, AmzDate, Credentials, PostPolicy};
///
/// let policy = PostPolicy::new("http://127.0.0.1:9000", "bucket", "in/a.png").content_type("image/png");
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let now = AmzDate::parse_rfc3339("2024-11-28T12:00:00Z")?.to_system_time();
/// let post = presign_post(&policy, &credentials, now)?;
/// assert_eq!(post.url(), "http://127.0.0.1:9000/bucket");
/// let names: Vec<&str> = post.fields().iter().map(|(name, _)| name.as_str()).collect();
/// assert_eq!(names, ["Content-Type", "key", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature"]);
/// assert!(post.policy_document().starts_with(r#"{"expiration": "2024-11-28T13:00:00Z", "conditions": [{"Content-Type": "image/png"}, {"bucket": "bucket"}, {"key": "in/a.png"}, "#));
/// # Ok::<(), presign::PresignError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PresignedPost {
    url: String,
    fields: Vec<(String, String)>,
    conditions: Vec<Condition>,
    policy_document: String,
    policy: String,
    signature: String,
    signed_at: AmzDate,
    expiration: AmzDate,
    scope: CredentialScope,
    endpoint: Endpoint,
    addressing: Addressing,
    bucket: String,
    key: String,
    has_session_token: bool,
}

impl PresignedPost {
    /// The URL the form posts to: `https://bucket.host/` (virtual-hosted) or
    /// `https://host/bucket` (path style), as botocore writes them.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The form fields, in order: the policy's own fields, then `key`,
    /// `x-amz-algorithm`, `x-amz-credential`, `x-amz-date`,
    /// `x-amz-security-token` (with temporary credentials), `policy` and
    /// `x-amz-signature`. The file goes after all of them.
    #[must_use]
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The value of the field `name` (case-sensitive), if the form has it.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every condition of the policy, in order.
    #[must_use]
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// The policy document, JSON, exactly as signed (before base64).
    #[must_use]
    pub fn policy_document(&self) -> &str {
        &self.policy_document
    }

    /// The `policy` field: the document in base64. It is also the string to
    /// sign.
    #[must_use]
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The string that was signed: the base64 policy.
    #[must_use]
    pub fn string_to_sign(&self) -> &str {
        &self.policy
    }

    /// `x-amz-signature`: 64 lower-case hex digits.
    #[must_use]
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The signing instant (`x-amz-date`).
    #[must_use]
    pub fn signed_at(&self) -> AmzDate {
        self.signed_at
    }

    /// The policy's `expiration`.
    #[must_use]
    pub fn expiration(&self) -> AmzDate {
        self.expiration
    }

    /// The instant the policy stops working.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        self.expiration.to_system_time()
    }

    /// The credential scope, `YYYYMMDD/region/s3/aws4_request`.
    #[must_use]
    pub fn credential_scope(&self) -> &CredentialScope {
        &self.scope
    }

    /// The endpoint the URL was built on.
    #[must_use]
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The addressing style actually used (`Path` or `VirtualHost`).
    #[must_use]
    pub fn addressing(&self) -> Addressing {
        self.addressing
    }

    /// The bucket.
    #[must_use]
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The `key` field (may end in `${filename}`).
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Whether a session token is part of the form (then it also stops
    /// working when the token expires).
    #[must_use]
    pub fn has_session_token(&self) -> bool {
        self.has_session_token
    }
}

/// Signs `policy` with `credentials` as of `now`.
///
/// Pure computation, like [`crate::presign()`]: the same inputs give the same
/// form, byte for byte, and the same policy document and signature botocore's
/// `generate_presigned_post` gives.
///
/// Conditions are signed as given, as botocore signs them: one that no upload
/// can meet (a `content-length-range` whose minimum is above its maximum) is
/// the caller's to refuse.
///
/// # Errors
/// A [`PresignError`] naming the invalid field: endpoint, bucket, key,
/// region, credentials, expiry or time.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use presign::{presign_post, AmzDate, Credentials, PostPolicy};
///
/// let policy = PostPolicy::with_key_prefix("https://s3.amazonaws.com", "examplebucket", "user/eric/")
///     .expires_in(Duration::from_secs(600))
///     .content_length_range(1, 10 * 1024 * 1024)
///     .acl("public-read");
/// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let now = AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")?.to_system_time();
/// let post = presign_post(&policy, &credentials, now)?;
/// assert_eq!(post.url(), "https://examplebucket.s3.amazonaws.com/");
/// assert_eq!(post.field("key"), Some("user/eric/${filename}"));
/// assert_eq!(post.field("x-amz-credential"), Some("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"));
/// assert_eq!(post.field("x-amz-signature"), Some(post.signature()));
/// assert!(post.policy_document().contains(r#"["starts-with", "$key", "user/eric/"]"#));
/// # Ok::<(), presign::PresignError>(())
/// ```
pub fn presign_post(
    policy: &PostPolicy,
    credentials: &Credentials,
    now: SystemTime,
) -> Result<PresignedPost, PresignError> {
    validate_post_key(&policy.key)?;
    let prepared = Prepared::new(&policy.target, credentials, now)?;
    let expiration = AmzDate::from_system_time(
        prepared.signed_at.to_system_time() + Duration::from_secs(prepared.expires_in),
    )?;
    let credential = format!("{}/{}", credentials.access_key_id(), prepared.scope);
    let signed_at = prepared.signed_at;

    let mut auth = vec![
        ("x-amz-algorithm", ALGORITHM),
        ("x-amz-credential", credential.as_str()),
        ("x-amz-date", signed_at.as_str()),
    ];
    if let Some(token) = credentials.session_token() {
        let name = if policy.target.is_express_session() {
            EXPRESS_SESSION_TOKEN_FIELD
        } else {
            "x-amz-security-token"
        };
        auth.push((name, token));
    }

    let mut conditions = policy.conditions.clone();
    conditions.push(Condition::exact("bucket", policy.bucket()));
    conditions.push(match policy.key_prefix() {
        Some(prefix) => Condition::starts_with("key", prefix),
        None => Condition::exact("key", policy.key.as_str()),
    });
    conditions.extend(
        auth.iter()
            .map(|(name, value)| Condition::exact(*name, *value)),
    );

    let policy_document = policy_document(&expiration, &conditions);
    let encoded = base64::engine::general_purpose::STANDARD.encode(policy_document.as_bytes());
    let signature = prepared.key.sign(encoded.as_bytes());

    let mut fields = policy.fields.clone();
    set_field(&mut fields, "key".to_owned(), policy.key.clone());
    for (name, value) in &auth {
        set_field(&mut fields, (*name).to_owned(), (*value).to_owned());
    }
    set_field(&mut fields, "policy".to_owned(), encoded.clone());
    set_field(&mut fields, "x-amz-signature".to_owned(), signature.clone());

    // botocore's URL: the bucket's root. In path style without a trailing
    // `/` (`https://host/base/bucket`); virtual-hosted, the endpoint's path
    // as written (`https://bucket.host/`, `https://bucket.host/base`,
    // `https://bucket.host/base/`).
    let mut url = format!("{}{}", prepared.origin, prepared.path_prefix);
    let keep_slash = prepared.addressing == Addressing::VirtualHost
        && (prepared.endpoint.base_path().is_empty() || policy.endpoint().ends_with('/'));
    if !keep_slash {
        url.pop();
    }
    Ok(PresignedPost {
        url,
        fields,
        conditions,
        policy_document,
        policy: encoded,
        signature,
        signed_at,
        expiration,
        scope: prepared.scope,
        endpoint: prepared.endpoint,
        addressing: prepared.addressing,
        bucket: prepared.bucket,
        key: policy.key.clone(),
        has_session_token: prepared.has_session_token,
    })
}

/// `{"expiration": "...", "conditions": [...]}`, as `json.dumps` writes it.
fn policy_document(expiration: &AmzDate, conditions: &[Condition]) -> String {
    let mut out = String::with_capacity(64 + conditions.len() * 48);
    out.push_str("{\"expiration\": \"");
    out.push_str(&expiration.to_rfc3339());
    out.push_str("\", \"conditions\": [");
    for (index, condition) in conditions.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        condition.write_json(&mut out);
    }
    out.push_str("]}");
    out
}

/// The `key` field: 1..=1024 UTF-8 bytes (a `${filename}` key may be the
/// placeholder alone: the uploader chooses the whole key).
fn validate_post_key(key: &str) -> Result<(), PresignError> {
    if key.is_empty() {
        return Err(PresignError::InvalidKey {
            reason: "it is empty; a POST policy needs a key of 1..=1024 UTF-8 bytes, or a prefix \
                     followed by ${filename}"
                .to_owned(),
        });
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(PresignError::InvalidKey {
            reason: format!("it is {} UTF-8 bytes long; S3 allows 1..=1024", key.len()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::post_policy::value::PolicyValue;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn at_aws_example() -> SystemTime {
        AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")
            .unwrap()
            .to_system_time()
    }

    /// Reference values from botocore 1.43.11, with its clock frozen at
    /// 2013-05-24T00:00:00Z:
    /// `client.generate_presigned_post("examplebucket", "k/${filename}",
    /// Fields={"acl": "public-read"}, Conditions=[{"acl": "public-read"},
    /// ["content-length-range", 1, 10], ["starts-with", "$Content-Type",
    /// "image/"], {"x-amz-meta-café": "é😀\x7f\n/"}, ["eq", "$a", 1.5e16]],
    /// ExpiresIn=3600)` on a us-east-1 client (auto addressing, AWS endpoint)
    /// with the AWS documentation's keys and the session token "tok".
    #[test]
    fn reproduces_botocore_byte_for_byte() {
        let policy = PostPolicy::new("https://s3.amazonaws.com", "examplebucket", "k/${filename}")
            .form_field("acl", "public-read")
            .condition(Condition::exact("acl", "public-read"))
            .condition(Condition::content_length_range(1, 10))
            .condition(Condition::starts_with("Content-Type", "image/"))
            .condition(Condition::exact(
                "x-amz-meta-caf\u{e9}",
                "\u{e9}\u{1f600}\u{7f}\n/",
            ))
            .condition(Condition::Raw(PolicyValue::Array(vec![
                "eq".into(),
                "$a".into(),
                PolicyValue::Float(1.5e16),
            ])));
        let credentials =
            Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET).with_session_token("tok");
        let post = presign_post(&policy, &credentials, at_aws_example()).unwrap();
        assert_eq!(post.url(), "https://examplebucket.s3.amazonaws.com/");
        assert_eq!(
            post.policy(),
            "eyJleHBpcmF0aW9uIjogIjIwMTMtMDUtMjRUMDE6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJhY2wiOiAicHVibGljLXJlYWQifSwgWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsIDEsIDEwXSwgWyJzdGFydHMtd2l0aCIsICIkQ29udGVudC1UeXBlIiwgImltYWdlLyJdLCB7IngtYW16LW1ldGEtY2FmXHUwMGU5IjogIlx1MDBlOVx1ZDgzZFx1ZGUwMFx1MDA3ZlxuLyJ9LCBbImVxIiwgIiRhIiwgMS41ZSsxNl0sIHsiYnVja2V0IjogImV4YW1wbGVidWNrZXQifSwgWyJzdGFydHMtd2l0aCIsICIka2V5IiwgImsvIl0sIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwgeyJ4LWFtei1jcmVkZW50aWFsIjogIkFLSUFJT1NGT0ROTjdFWEFNUExFLzIwMTMwNTI0L3VzLWVhc3QtMS9zMy9hd3M0X3JlcXVlc3QifSwgeyJ4LWFtei1kYXRlIjogIjIwMTMwNTI0VDAwMDAwMFoifSwgeyJ4LWFtei1zZWN1cml0eS10b2tlbiI6ICJ0b2sifV19"
        );
        assert_eq!(
            post.signature(),
            "167d1e732898d54e3c7545b371126a47d03c16bf7766fe4a0ee790aca71cf6ea"
        );
        let names: Vec<&str> = post.fields().iter().map(|(n, _)| n.as_str()).collect();
        // The caller's fields first, then the ones presign_post writes, in
        // botocore's order (spelled out: POST_SIGNED_FIELDS is what is under
        // test here too).
        assert_eq!(
            names,
            [
                "acl",
                "key",
                "x-amz-algorithm",
                "x-amz-credential",
                "x-amz-date",
                "x-amz-security-token",
                "policy",
                "x-amz-signature"
            ]
        );
        assert_eq!(post.field("x-amz-security-token"), Some("tok"));
        assert!(post.has_session_token());
    }

    #[test]
    fn path_style_urls_end_in_the_bucket() {
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET);
        for (endpoint, bucket, url) in [
            ("http://127.0.0.1:9000", "b-1", "http://127.0.0.1:9000/b-1"),
            ("http://h:9000/base/", "b-1", "http://h:9000/base/b-1"),
            (
                "https://s3.amazonaws.com",
                "my.dotted.bucket",
                "https://s3.amazonaws.com/my.dotted.bucket",
            ),
            (
                "https://s3.eu-west-1.amazonaws.com",
                "plain",
                "https://plain.s3.eu-west-1.amazonaws.com/",
            ),
        ] {
            let policy = PostPolicy::new(endpoint, bucket, "k");
            let post = presign_post(&policy, &credentials, at_aws_example()).unwrap();
            assert_eq!(post.url(), url);
        }
    }

    #[test]
    fn virtual_hosted_urls_keep_the_endpoint_path_as_written() {
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET);
        for (endpoint, url) in [
            ("http://h:9000", "http://b-1.h:9000/"),
            ("http://h:9000/", "http://b-1.h:9000/"),
            ("http://h:9000/base", "http://b-1.h:9000/base"),
            ("http://h:9000/base/", "http://b-1.h:9000/base/"),
        ] {
            let policy = PostPolicy::new(endpoint, "b-1", "k").addressing(Addressing::VirtualHost);
            let post = presign_post(&policy, &credentials, at_aws_example()).unwrap();
            assert_eq!(post.url(), url);
        }
    }

    #[test]
    fn the_fields_presign_post_writes_are_post_signed_fields_in_order() {
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET).with_session_token("tok");
        for (express, other_token) in [
            (false, EXPRESS_SESSION_TOKEN_FIELD),
            (true, "x-amz-security-token"),
        ] {
            let written: Vec<&str> = POST_SIGNED_FIELDS
                .into_iter()
                .filter(|name| *name != other_token)
                .collect();
            let plain = PostPolicy::new("http://h", "bucket", "k").express_session(express);
            let given = written.iter().fold(plain.clone(), |policy, name| {
                policy.form_field(*name, "given")
            });
            for policy in [plain, given] {
                let post = presign_post(&policy, &credentials, at_aws_example()).unwrap();
                let names: Vec<&str> = post.fields().iter().map(|(n, _)| n.as_str()).collect();
                assert_eq!(names, written);
                assert!(post.fields().iter().all(|(_, value)| value != "given"));
            }
        }
    }

    #[test]
    fn an_express_session_token_given_as_a_field_is_written_over_and_listed_as_signed() {
        let policy = PostPolicy::new("http://h", "bucket", "k")
            .express_session(true)
            .form_field("X-Amz-S3session-Token", "mine");
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET).with_session_token("session");
        let post = presign_post(&policy, &credentials, at_aws_example()).unwrap();
        assert_eq!(post.field("X-Amz-S3session-Token"), Some("session"));
        assert!(post.field("x-amz-security-token").is_none());
        // What callers (the Python package's `Fields`) use to tell the
        // fields presign_post wrote from their own.
        assert!(POST_SIGNED_FIELDS.contains(&"X-Amz-S3session-Token"));
    }

    #[test]
    fn presigned_fields_overwrite_given_ones_in_place() {
        let policy = PostPolicy::new("http://h", "bucket", "k")
            .form_field("policy", "mine")
            .form_field("key", "other");
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET);
        let post = presign_post(&policy, &credentials, at_aws_example()).unwrap();
        assert_eq!(post.fields()[0].0, "policy");
        assert_eq!(post.fields()[0].1, post.policy());
        assert_eq!(post.fields()[1], ("key".to_owned(), "k".to_owned()));
    }

    #[test]
    fn bad_inputs_are_refused_with_the_field_named() {
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET);
        let now = at_aws_example();
        let sign = |policy: PostPolicy| presign_post(&policy, &credentials, now);
        assert!(matches!(
            sign(PostPolicy::new("http://h", "bucket", "")),
            Err(PresignError::InvalidKey { .. })
        ));
        assert!(matches!(
            sign(PostPolicy::new("http://h", "bucket", "k".repeat(1025))),
            Err(PresignError::InvalidKey { .. })
        ));
        assert!(matches!(
            sign(PostPolicy::new("http://h", "Bad_Bucket", "k")),
            Err(PresignError::InvalidBucket { .. })
        ));
        assert!(matches!(
            sign(PostPolicy::new("h", "bucket", "k")),
            Err(PresignError::InvalidEndpoint { .. })
        ));
        assert!(matches!(
            sign(
                PostPolicy::new("http://h", "bucket", "k").expires_in(Duration::from_secs(604_801))
            ),
            Err(PresignError::ExpiresOutOfRange { .. })
        ));
        assert!(sign(PostPolicy::with_key_prefix("http://h", "bucket", "")).is_ok());
    }
}
