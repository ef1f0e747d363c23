//! [`verify_post`]: would S3 accept this form upload?
//!
//! The checks run in this order, so the error names the first rule broken:
//! every field at most once (names compare without case, as S3 treats form
//! fields) and the six a signed upload needs present; the algorithm; the
//! credential scope (its date is `x-amz-date`'s, service, region allowed);
//! the policy decodes (base64, JSON with an `expiration` and `conditions`);
//! its lifetime within the verifier's maximum, `x-amz-date` not beyond the
//! clock skew, the expiration not passed; the access key known; the
//! signature of the base64 policy, compared in constant time; every
//! condition met; and last, every field named by a condition (S3 refuses
//! the others, but for `policy`, `x-amz-signature`, `file` and `x-ignore-*`).
//!
//! A condition's field matches the form field of the same name without
//! regard to case (AWS's own example signs `{"x-amz-credential": ...}` for the
//! field `X-Amz-Credential`); values compare exactly. `{"bucket": ...}` and
//! `["starts-with", "$bucket", ...]` are about the bucket the form was posted
//! to. Conditions are checked against the fields as sent (a key holding
//! `${filename}` before S3 puts the file's name in it). Nothing in an error
//! is secret: no key, no expected signature, no session token.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;

use super::condition::Condition;
use super::policy::FILENAME_PLACEHOLDER;
use super::value::PolicyValue;
use crate::amz_date::AmzDate;
use crate::credentials::Credentials;
use crate::error::VerifyError;
use crate::presigned_url::parse_credential;
use crate::scope::CredentialScope;
use crate::signing_key::SigningKey;
use crate::string_to_sign::ALGORITHM;
use crate::verify::{VerifyPolicy, check_scope_of};

/// The fields every signed POST upload has.
const REQUIRED_FIELDS: [&str; 6] = [
    "key",
    "policy",
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-date",
    "x-amz-signature",
];

/// A form upload as a server receives it: the bucket it was posted to, the
/// fields in order, and the file's size (and name, for `${filename}`).
///
/// # Example
/// ```
/// use presign::PostUpload;
///
/// let upload = PostUpload::new("bucket", 1024)
///     .field("key", "in/${filename}")
///     .file_name("a.png");
/// assert_eq!(upload.fields().len(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct PostUpload {
    bucket: String,
    fields: Vec<(String, String)>,
    file_size: u64,
    file_name: Option<String>,
}

impl PostUpload {
    /// An upload to `bucket` of a file of `file_size` bytes, without fields
    /// yet.
    pub fn new(bucket: impl Into<String>, file_size: u64) -> Self {
        Self {
            bucket: bucket.into(),
            fields: Vec::new(),
            file_size,
            file_name: None,
        }
    }

    /// Appends a form field as it was sent (not the file).
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// The uploaded file's name (the `filename` of its part), which S3 puts
    /// in place of `${filename}` in the key.
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The fields, in the order sent.
    #[must_use]
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The value of the field `name` (without regard to case).
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A form upload that [`verify_post`] accepts.
#[derive(Clone, Debug)]
pub struct VerifiedPost {
    access_key_id: String,
    scope: CredentialScope,
    key: String,
    signed_at: AmzDate,
    expires_at: SystemTime,
    conditions: Vec<Condition>,
}

impl VerifiedPost {
    /// The access key id that signed the policy.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The region of the credential scope (may be empty).
    #[must_use]
    pub fn region(&self) -> &str {
        self.scope.region()
    }

    /// The object key S3 stores the file under: the `key` field, with the
    /// file's name in place of `${filename}` when it was given.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// `x-amz-date`.
    #[must_use]
    pub fn signed_at(&self) -> AmzDate {
        self.signed_at
    }

    /// The policy's expiration.
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// The policy's conditions, every one met.
    #[must_use]
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
}

/// Verifies a form `upload` as S3 would, with `lookup` mapping an access key
/// id to its credentials, as of `now`. `policy` bounds the lifetime (its
/// `max_expires`, from `x-amz-date` to the expiration), the clock skew, the
/// regions and the service, as for [`crate::verify()`].
///
/// # Errors
/// A [`VerifyError`] naming the first rule the upload breaks.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use presign::{presign_post, verify_post, AmzDate, Credentials, PostPolicy, PostUpload, VerifyError, VerifyPolicy};
///
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let at = AmzDate::parse_rfc3339("2024-11-28T12:00:00Z")?.to_system_time();
/// let policy = PostPolicy::with_key_prefix("http://127.0.0.1:9000", "bucket", "in/").content_length_range(1, 100);
/// let post = presign_post(&policy, &credentials, at)?;
///
/// let form = |size| post.fields().iter().fold(PostUpload::new("bucket", size), |upload, (name, value)| upload.field(name, value));
/// let lookup = |id: &str| (id == "AKIDEXAMPLE").then(|| credentials.clone());
/// let later = at + Duration::from_secs(60);
/// let verified = verify_post(&form(10).file_name("a.png"), &lookup, later, &VerifyPolicy::default())?;
/// assert_eq!(verified.key(), "in/a.png");
/// assert!(matches!(
///     verify_post(&form(101), &lookup, later, &VerifyPolicy::default()),
///     Err(VerifyError::ConditionFailed { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_post(
    upload: &PostUpload,
    lookup: impl Fn(&str) -> Option<Credentials>,
    now: SystemTime,
    policy: &VerifyPolicy,
) -> Result<VerifiedPost, VerifyError> {
    check_fields_once(upload)?;
    let required = |name: &str| {
        upload.get(name).ok_or_else(|| VerifyError::MissingField {
            name: name.to_owned(),
        })
    };
    let [key, encoded, algorithm, credential, date, signature] = REQUIRED_FIELDS.map(required);
    let (key, encoded, algorithm, credential, date, signature) =
        (key?, encoded?, algorithm?, credential?, date?, signature?);
    if algorithm != ALGORITHM {
        return Err(VerifyError::UnsupportedAlgorithm {
            algorithm: algorithm.to_owned(),
        });
    }
    let malformed = |part: &str, reason: &'static str| VerifyError::Malformed {
        part: part.to_owned(),
        reason,
    };
    let signed_at: AmzDate = date
        .parse()
        .map_err(|_| malformed("x-amz-date", "expected YYYYMMDDTHHMMSSZ"))?;
    let (access_key_id, scope) = parse_credential(credential).ok_or_else(|| {
        malformed(
            "x-amz-credential",
            "expected ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request",
        )
    })?;
    check_scope_of(&scope, signed_at, policy)?;
    let (expiration, conditions) = decode_policy(encoded)?;
    check_time(signed_at, &expiration, now, policy)?;
    let credentials = lookup(&access_key_id).ok_or_else(|| VerifyError::UnknownAccessKey {
        access_key_id: access_key_id.clone(),
    })?;
    let signing_key = SigningKey::derive(
        credentials.secret_access_key(),
        scope.date_stamp(),
        scope.region(),
        scope.service(),
    );
    if !signing_key.verify(encoded.as_bytes(), signature) {
        return Err(VerifyError::SignatureMismatch);
    }
    for condition in &conditions {
        check_condition(condition, upload)?;
    }
    check_fields_covered(upload, &conditions)?;
    let key = match &upload.file_name {
        Some(name) => key.replace(FILENAME_PLACEHOLDER, name),
        None => key.to_owned(),
    };
    Ok(VerifiedPost {
        access_key_id,
        scope,
        key,
        signed_at,
        expires_at: expiration.instant,
        conditions,
    })
}

fn check_fields_once(upload: &PostUpload) -> Result<(), VerifyError> {
    for (index, (name, _)) in upload.fields.iter().enumerate() {
        if upload.fields[..index]
            .iter()
            .any(|(earlier, _)| earlier.eq_ignore_ascii_case(name))
        {
            return Err(VerifyError::DuplicateField { name: name.clone() });
        }
    }
    Ok(())
}

/// A policy's `expiration`: the instant, and the text for messages.
struct Expiration {
    instant: SystemTime,
    text: String,
}

/// The policy field: base64 of a JSON object with `expiration` and
/// `conditions`.
fn decode_policy(encoded: &str) -> Result<(Expiration, Vec<Condition>), VerifyError> {
    let malformed = |reason: &'static str| VerifyError::Malformed {
        part: "policy".to_owned(),
        reason,
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| malformed("it is not base64"))?;
    let text = String::from_utf8(bytes).map_err(|_| malformed("it is not UTF-8 text"))?;
    let PolicyValue::Object(members) =
        PolicyValue::parse(&text).map_err(|_| malformed("it is not a JSON document"))?
    else {
        return Err(malformed("it is not a JSON object"));
    };
    let member = |name: &str| {
        let mut found = members.iter().filter(|(member, _)| member == name);
        match (found.next(), found.next()) {
            (Some((_, value)), None) => Some(value),
            _ => None,
        }
    };
    let expiration = member("expiration")
        .and_then(PolicyValue::as_str)
        .ok_or_else(|| malformed("it needs one expiration, a string"))?;
    let instant = parse_expiration(expiration).ok_or_else(|| {
        malformed("its expiration is not an ISO 8601 UTC instant (2013-08-01T12:00:00.000Z)")
    })?;
    let Some(PolicyValue::Array(conditions)) = member("conditions") else {
        return Err(malformed("it needs one conditions list"));
    };
    Ok((
        Expiration {
            instant,
            text: expiration.to_owned(),
        },
        conditions
            .iter()
            .map(|value| Condition::from_value(value.clone()))
            .collect(),
    ))
}

/// `YYYY-MM-DDTHH:MM:SSZ`, with an optional fraction of a second
/// (`.000Z`, as AWS's examples write it).
fn parse_expiration(text: &str) -> Option<SystemTime> {
    let (whole, nanos) = match text.split_once('.') {
        None => (text.to_owned(), 0),
        Some((seconds, rest)) => {
            let fraction = rest.strip_suffix('Z')?;
            if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let digits: String = fraction
                .chars()
                .chain("000000000".chars())
                .take(9)
                .collect();
            (format!("{seconds}Z"), digits.parse::<u32>().ok()?)
        }
    };
    let seconds = AmzDate::parse_rfc3339(&whole).ok()?.to_system_time();
    Some(seconds + Duration::from_nanos(u64::from(nanos)))
}

fn check_time(
    signed_at: AmzDate,
    expiration: &Expiration,
    now: SystemTime,
    policy: &VerifyPolicy,
) -> Result<(), VerifyError> {
    let expires_at = expiration
        .instant
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let lifetime = expires_at.saturating_sub(signed_at.unix_seconds());
    if lifetime > policy.max_expires {
        return Err(VerifyError::PolicyTooLong {
            seconds: lifetime,
            max: policy.max_expires,
        });
    }
    let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if signed_at.unix_seconds() > now_secs.saturating_add(policy.clock_skew.as_secs()) {
        return Err(VerifyError::PolicyNotYetValid {
            signed_at: signed_at.to_rfc3339(),
        });
    }
    if now >= expiration.instant {
        return Err(VerifyError::PolicyExpired {
            at: expiration.text.clone(),
        });
    }
    Ok(())
}

/// The value a condition's field has in `upload`: the bucket for `bucket`,
/// else the form field of that name.
fn value_of<'a>(upload: &'a PostUpload, field: &str) -> Option<&'a str> {
    if field.eq_ignore_ascii_case("bucket") {
        Some(&upload.bucket)
    } else {
        upload.get(field)
    }
}

fn check_condition(condition: &Condition, upload: &PostUpload) -> Result<(), VerifyError> {
    let fail = |reason: String| VerifyError::ConditionFailed {
        condition: shown(condition),
        reason,
    };
    let missing = |field: &str| fail(format!("the form has no {field} field"));
    match condition {
        Condition::Exact { field, value } | Condition::Eq { field, value } => {
            let given = value_of(upload, field).ok_or_else(|| missing(field))?;
            if given != value {
                return Err(fail(differs(field, given)));
            }
        }
        Condition::StartsWith { field, prefix } => {
            let given = value_of(upload, field).ok_or_else(|| missing(field))?;
            if !given.starts_with(prefix.as_str()) {
                return Err(fail(differs(field, given)));
            }
        }
        Condition::ContentLengthRange { min, max } => {
            if !(*min..=*max).contains(&upload.file_size) {
                return Err(fail(format!(
                    "the file is {} bytes; {min}..={max} are allowed",
                    upload.file_size
                )));
            }
        }
        Condition::Raw(PolicyValue::Object(members)) => {
            // {"a": "1", "b": "2"}: each member an exact match.
            for (field, value) in members {
                let PolicyValue::String(value) = value else {
                    return Err(fail("S3 takes only strings in an exact match".to_owned()));
                };
                check_condition(&Condition::exact(field.clone(), value.clone()), upload)
                    .map_err(|_| fail(differs_or_missing(upload, field)))?;
            }
        }
        Condition::Raw(_) => {
            return Err(fail(
                "S3 knows {\"field\": \"value\"}, [\"eq\" or \"starts-with\", \"$field\", \"value\"] \
                 and [\"content-length-range\", min, max], nothing else"
                    .to_owned(),
            ));
        }
    }
    Ok(())
}

fn differs_or_missing(upload: &PostUpload, field: &str) -> String {
    match value_of(upload, field) {
        Some(given) => differs(field, given),
        None => format!("the form has no {field} field"),
    }
}

/// Whether `field` carries a session token: `x-amz-security-token`, or S3
/// Express's `X-Amz-S3session-Token` (names are case-insensitive).
fn is_token_field(field: &str) -> bool {
    field.eq_ignore_ascii_case("x-amz-security-token")
        || field.eq_ignore_ascii_case("x-amz-s3session-token")
}

/// How a field differs, without repeating a session token.
fn differs(field: &str, given: &str) -> String {
    if is_token_field(field) {
        format!("the form's {field} is another one")
    } else {
        format!("the form's {field} is {given:?}")
    }
}

/// A condition for a message: its JSON, with a session token redacted.
fn shown(condition: &Condition) -> String {
    let secret = is_token_field;
    match condition {
        Condition::Exact { field, .. } if secret(field) => {
            Condition::exact(field.clone(), "<redacted>").to_json()
        }
        Condition::Eq { field, .. } if secret(field) => {
            Condition::eq(field.clone(), "<redacted>").to_json()
        }
        Condition::StartsWith { field, .. } if secret(field) => {
            Condition::starts_with(field.clone(), "<redacted>").to_json()
        }
        Condition::Raw(PolicyValue::Object(members))
            if members.iter().any(|(field, _)| secret(field)) =>
        {
            "{\"x-amz-security-token\": <redacted>, ...}".to_owned()
        }
        other => other.to_json(),
    }
}

/// Every field but `policy`, `x-amz-signature`, `file` and `x-ignore-*` must
/// be named by a condition.
fn check_fields_covered(upload: &PostUpload, conditions: &[Condition]) -> Result<(), VerifyError> {
    let named = |name: &str| {
        conditions.iter().any(|condition| match condition {
            Condition::Raw(PolicyValue::Object(members)) => members
                .iter()
                .any(|(field, _)| field.eq_ignore_ascii_case(name)),
            other => other
                .field()
                .is_some_and(|field| field.eq_ignore_ascii_case(name)),
        })
    };
    for (name, _) in &upload.fields {
        let lower = name.to_ascii_lowercase();
        let exempt = matches!(lower.as_str(), "policy" | "x-amz-signature" | "file")
            || lower.starts_with("x-ignore-");
        if !exempt && !named(name) {
            return Err(VerifyError::FieldNotInPolicy { name: name.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::post_policy::{PostPolicy, presign_post};

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN";

    fn at() -> SystemTime {
        AmzDate::parse_rfc3339("2024-11-28T12:00:00Z")
            .unwrap()
            .to_system_time()
    }

    fn credentials() -> Credentials {
        Credentials::new("AKIDEXAMPLE", SECRET).with_session_token(TOKEN)
    }

    fn policy() -> PostPolicy {
        PostPolicy::with_key_prefix("http://127.0.0.1:9000", "bucket", "in/")
            .content_length_range(10, 100)
            .content_type_starts_with("image/")
            .acl("private")
    }

    /// The fields of `policy` signed at [`at`], plus `Content-Type`.
    fn form(policy: &PostPolicy) -> Vec<(String, String)> {
        let post = presign_post(policy, &credentials(), at()).unwrap();
        let mut fields = post.fields().to_vec();
        fields.push(("Content-Type".to_owned(), "image/png".to_owned()));
        fields
    }

    fn upload(fields: &[(String, String)], size: u64) -> PostUpload {
        fields
            .iter()
            .fold(PostUpload::new("bucket", size), |upload, (name, value)| {
                upload.field(name, value)
            })
    }

    fn check(upload: &PostUpload, now: SystemTime) -> Result<VerifiedPost, VerifyError> {
        let lookup = |id: &str| (id == "AKIDEXAMPLE").then(credentials);
        verify_post(upload, lookup, now, &VerifyPolicy::default())
    }

    fn with(fields: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
        let mut fields = fields.to_vec();
        match fields.iter_mut().find(|(field, _)| field == name) {
            Some((_, slot)) => *slot = value.to_owned(),
            None => fields.push((name.to_owned(), value.to_owned())),
        }
        fields
    }

    #[test]
    fn a_signed_form_verifies_until_it_expires() {
        let fields = form(&policy());
        let verified = check(
            &upload(&fields, 50).file_name("cat.png"),
            at() + Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(verified.key(), "in/cat.png");
        assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(verified.region(), "us-east-1");
        assert_eq!(verified.expires_at(), at() + Duration::from_secs(3600));
        let late = check(&upload(&fields, 50), at() + Duration::from_secs(3600));
        assert_eq!(
            late.unwrap_err(),
            VerifyError::PolicyExpired {
                at: "2024-11-28T13:00:00Z".to_owned()
            }
        );
        let early = check(&upload(&fields, 50), at() - Duration::from_secs(901));
        assert!(matches!(early, Err(VerifyError::PolicyNotYetValid { .. })));
    }

    #[test]
    fn every_condition_is_checked() {
        let fields = form(&policy());
        let now = at() + Duration::from_secs(1);
        let failed = |upload: &PostUpload| match check(upload, now) {
            Err(VerifyError::ConditionFailed { condition, .. }) => condition,
            other => panic!("expected a failed condition, got {other:?}"),
        };
        assert_eq!(
            failed(&upload(&fields, 101)),
            r#"["content-length-range", 10, 100]"#
        );
        assert_eq!(
            failed(&upload(&fields, 9)),
            r#"["content-length-range", 10, 100]"#
        );
        assert_eq!(
            failed(&upload(&with(&fields, "Content-Type", "text/plain"), 50)),
            r#"["starts-with", "$Content-Type", "image/"]"#
        );
        assert_eq!(
            failed(&upload(&with(&fields, "key", "out/x"), 50)),
            r#"["starts-with", "$key", "in/"]"#
        );
        assert_eq!(
            failed(&upload(&with(&fields, "acl", "public-read"), 50)),
            r#"{"acl": "private"}"#
        );
        let other_bucket = fields
            .iter()
            .fold(PostUpload::new("other", 50), |u, (n, v)| u.field(n, v));
        assert_eq!(failed(&other_bucket), r#"{"bucket": "bucket"}"#);
        let token = failed(&upload(
            &with(&fields, "x-amz-security-token", "stolen"),
            50,
        ));
        assert_eq!(token, r#"{"x-amz-security-token": "<redacted>"}"#);
    }

    #[test]
    fn tampering_breaks_the_signature_and_extra_fields_are_refused() {
        let fields = form(&policy());
        let now = at() + Duration::from_secs(1);
        let signature = &fields
            .iter()
            .find(|(n, _)| n == "x-amz-signature")
            .unwrap()
            .1;
        let mut flipped = signature.clone().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert_eq!(
            check(
                &upload(&with(&fields, "x-amz-signature", &flipped), 50),
                now
            )
            .unwrap_err(),
            VerifyError::SignatureMismatch
        );
        let other = presign_post(&policy().acl("public-read"), &credentials(), at()).unwrap();
        assert_eq!(
            check(&upload(&with(&fields, "policy", other.policy()), 50), now).unwrap_err(),
            VerifyError::SignatureMismatch
        );
        assert_eq!(
            check(&upload(&with(&fields, "x-extra", "1"), 50), now).unwrap_err(),
            VerifyError::FieldNotInPolicy {
                name: "x-extra".to_owned()
            }
        );
        assert!(check(&upload(&with(&fields, "X-Ignore-Me", "1"), 50), now).is_ok());
    }

    #[test]
    fn malformed_forms_name_the_field() {
        let fields = form(&policy());
        let now = at() + Duration::from_secs(1);
        let without: Vec<_> = fields
            .iter()
            .filter(|(n, _)| n != "policy")
            .cloned()
            .collect();
        assert_eq!(
            check(&upload(&without, 50), now).unwrap_err(),
            VerifyError::MissingField {
                name: "policy".to_owned()
            }
        );
        let twice = with(&fields, "KEY", "in/x");
        assert_eq!(
            check(&upload(&twice, 50), now).unwrap_err(),
            VerifyError::DuplicateField {
                name: "KEY".to_owned()
            }
        );
        assert!(matches!(
            check(&upload(&with(&fields, "policy", "!!"), 50), now),
            Err(VerifyError::Malformed { .. })
        ));
        assert!(matches!(
            check(
                &upload(&with(&fields, "x-amz-algorithm", "AWS4-X"), 50),
                now
            ),
            Err(VerifyError::UnsupportedAlgorithm { .. })
        ));
        let lookup = |_: &str| None;
        assert!(matches!(
            verify_post(&upload(&fields, 50), lookup, now, &VerifyPolicy::default()),
            Err(VerifyError::UnknownAccessKey { .. })
        ));
    }

    #[test]
    fn field_names_match_conditions_without_case() {
        let fields: Vec<_> = form(&policy())
            .into_iter()
            .map(|(name, value)| (name.to_ascii_uppercase(), value))
            .collect();
        assert!(check(&upload(&fields, 50), at() + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn the_lifetime_is_bounded_by_the_verifier() {
        let fields = form(&policy().expires_in(Duration::from_secs(7200)));
        let strict = VerifyPolicy::default().max_expires(3600);
        let lookup = |id: &str| (id == "AKIDEXAMPLE").then(credentials);
        assert_eq!(
            verify_post(&upload(&fields, 50), lookup, at(), &strict).unwrap_err(),
            VerifyError::PolicyTooLong {
                seconds: 7200,
                max: 3600
            }
        );
    }

    #[test]
    fn expirations_with_fractions_parse() {
        let base = AmzDate::parse_rfc3339("2013-08-01T12:00:00Z")
            .unwrap()
            .to_system_time();
        assert_eq!(parse_expiration("2013-08-01T12:00:00Z"), Some(base));
        assert_eq!(
            parse_expiration("2013-08-01T12:00:00.500Z"),
            Some(base + Duration::from_millis(500))
        );
        for bad in [
            "2013-08-01",
            "2013-08-01T12:00:00.Z",
            "2013-08-01T12:00:00.5",
            "soon",
        ] {
            assert_eq!(parse_expiration(bad), None, "{bad}");
        }
    }

    #[test]
    fn messages_hold_no_secret_token_or_signature() {
        let fields = form(&policy());
        let now = at() + Duration::from_secs(1);
        let signature = fields
            .iter()
            .find(|(n, _)| n == "x-amz-signature")
            .unwrap()
            .1
            .clone();
        for fields in [
            with(&fields, "x-amz-security-token", "stolen"),
            with(&fields, "x-amz-signature", &"0".repeat(64)),
            with(&fields, "x-extra", "1"),
        ] {
            let message = check(&upload(&fields, 50), now).unwrap_err().to_string();
            for secret in [SECRET, TOKEN, signature.as_str()] {
                assert!(!message.contains(secret), "{message}");
            }
        }
    }
}
