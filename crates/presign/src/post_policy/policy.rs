//! [`PostPolicy`]: what a browser form may upload, before it is signed.

use std::time::Duration;

use super::condition::Condition;
use crate::request::{Addressing, Method, PresignRequest};

/// The placeholder S3 replaces with the uploaded file's name in the `key`
/// field.
pub const FILENAME_PLACEHOLDER: &str = "${filename}";

/// A POST policy to sign: where the form uploads to, which key, for how long,
/// and the conditions the upload must meet.
///
/// It holds the two lists boto3's `generate_presigned_post` takes, with the
/// same meaning: form fields ([`PostPolicy::form_field`], boto3's `Fields`:
/// handed to the form, not signed) and conditions
/// ([`PostPolicy::condition`], boto3's `Conditions`: signed, not handed to
/// the form). The other setters add both at once where a rule fixes a field
/// (`content_type("image/png")` is the field and the condition
/// `{"Content-Type": "image/png"}`), or a condition alone where the uploader
/// chooses the value (`content_type_starts_with("image/")`).
///
/// The key: a key ending in `${filename}` lets the uploader choose the rest
/// (S3 puts the file's name there; the policy signs `["starts-with", "$key",
/// PREFIX]`), any other key is exact (`{"key": KEY}`). botocore treats keys
/// the same way.
///
/// Nothing is checked until [`crate::presign_post()`].
///
/// # Example
/// ```
/// use std::time::Duration;
/// use presign::PostPolicy;
///
/// let policy = PostPolicy::with_key_prefix("https://s3.amazonaws.com", "photos", "uploads/")
///     .region("eu-west-1")
///     .expires_in(Duration::from_secs(600))
///     .content_length_range(1, 10 << 20)
///     .content_type_starts_with("image/")
///     .meta("owner", "alice");
/// assert_eq!(policy.key(), "uploads/${filename}");
/// assert_eq!(policy.fields(), [("x-amz-meta-owner".to_owned(), "alice".to_owned())]);
/// assert_eq!(policy.conditions().len(), 3);
/// ```
#[derive(Clone, Debug)]
pub struct PostPolicy {
    /// Where the form posts to and for how long: endpoint, bucket, region,
    /// expiry, addressing and the opt-ins, as for a presigned URL (its
    /// method and key are not used).
    pub(crate) target: PresignRequest,
    pub(crate) key: String,
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) conditions: Vec<Condition>,
}

impl PostPolicy {
    /// A policy for uploads to `bucket` at `endpoint` (as for
    /// [`crate::PresignRequest::new`]) under `key`. A key ending in
    /// `${filename}` is a prefix the uploader completes; any other key is
    /// exact.
    pub fn new(
        endpoint: impl Into<String>,
        bucket: impl Into<String>,
        key: impl Into<String>,
    ) -> Self {
        Self {
            target: PresignRequest::new(Method::Post, endpoint, bucket, ""),
            key: key.into(),
            fields: Vec::new(),
            conditions: Vec::new(),
        }
    }

    /// A policy whose key the uploader chooses, as long as it starts with
    /// `prefix`: the key field is `PREFIX${filename}` (S3 puts the uploaded
    /// file's name there; a form may also set any other key with that
    /// prefix). An empty prefix allows every key.
    pub fn with_key_prefix(
        endpoint: impl Into<String>,
        bucket: impl Into<String>,
        prefix: &str,
    ) -> Self {
        Self::new(endpoint, bucket, format!("{prefix}{FILENAME_PLACEHOLDER}"))
    }

    /// The signing region, as [`crate::PresignRequest::region`] (default
    /// `us-east-1`; the empty one is valid).
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.target = self.target.region(region);
        self
    }

    /// How long the policy stays valid, as
    /// [`crate::PresignRequest::expires_in`] (default one hour).
    #[must_use]
    pub fn expires_in(mut self, expires_in: Duration) -> Self {
        self.target = self.target.expires_in(expires_in);
        self
    }

    /// As [`crate::PresignRequest::allow_long_expiry`].
    #[must_use]
    pub fn allow_long_expiry(mut self, allow: bool) -> Self {
        self.target = self.target.allow_long_expiry(allow);
        self
    }

    /// As [`crate::PresignRequest::legacy_bucket_names`].
    #[must_use]
    pub fn legacy_bucket_names(mut self, allow: bool) -> Self {
        self.target = self.target.legacy_bucket_names(allow);
        self
    }

    /// Bucket in the host name or in the path of the form's URL, as
    /// [`crate::PresignRequest::addressing`].
    #[must_use]
    pub fn addressing(mut self, addressing: Addressing) -> Self {
        self.target = self.target.addressing(addressing);
        self
    }

    /// The signing name in the credential scope: `s3` (the default), or
    /// `s3express` for an S3 Express directory bucket (botocore's
    /// `S3ExpressPostAuth`), as [`crate::PresignRequest::service`].
    #[must_use]
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.target = self.target.service(service);
        self
    }

    /// S3 Express session auth: the session token goes in the field (and the
    /// condition) `X-Amz-S3session-Token`, not `x-amz-security-token`, as
    /// botocore's `S3ExpressPostAuth` writes it.
    #[must_use]
    pub fn express_session(mut self, on: bool) -> Self {
        self.target = self.target.express_session(on);
        self
    }

    /// Sets a form field handed to the uploader, without a condition
    /// (boto3's `Fields`). Setting a name again replaces its value in place,
    /// as a Python dict does; names are case-sensitive.
    #[must_use]
    pub fn form_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        set_field(&mut self.fields, name.into(), value.into());
        self
    }

    /// Appends a condition, without a form field (boto3's `Conditions`).
    #[must_use]
    pub fn condition(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// Fixes a form field: the field with this value and the condition
    /// `{"name": "value"}`.
    #[must_use]
    pub fn field_equals(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        self.form_field(name.clone(), value.clone())
            .condition(Condition::exact(name, value))
    }

    /// Lets the uploader choose a field's value as long as it starts with
    /// `prefix` (`""`: any value): the condition `["starts-with", "$name",
    /// "prefix"]`, no field.
    #[must_use]
    pub fn field_starts_with(self, name: impl Into<String>, prefix: impl Into<String>) -> Self {
        self.condition(Condition::starts_with(name, prefix))
    }

    /// The file must be `min..=max` bytes long.
    #[must_use]
    pub fn content_length_range(self, min: u64, max: u64) -> Self {
        self.condition(Condition::content_length_range(min, max))
    }

    /// The object's `Content-Type`, fixed.
    #[must_use]
    pub fn content_type(self, content_type: impl Into<String>) -> Self {
        self.field_equals("Content-Type", content_type)
    }

    /// The uploader's `Content-Type` must start with `prefix` (`image/`).
    #[must_use]
    pub fn content_type_starts_with(self, prefix: impl Into<String>) -> Self {
        self.field_starts_with("Content-Type", prefix)
    }

    /// User metadata `x-amz-meta-NAME`, fixed.
    #[must_use]
    pub fn meta(self, name: &str, value: impl Into<String>) -> Self {
        self.field_equals(format!("x-amz-meta-{name}"), value)
    }

    /// The canned ACL (`private`, `public-read`, ...), fixed.
    #[must_use]
    pub fn acl(self, acl: impl Into<String>) -> Self {
        self.field_equals("acl", acl)
    }

    /// The status S3 answers a successful upload with: 200, 201 (with an
    /// XML document) or 204 (S3's default; other values are ignored by S3).
    #[must_use]
    pub fn success_action_status(self, status: u16) -> Self {
        self.field_equals("success_action_status", status.to_string())
    }

    /// Where S3 redirects the browser after a successful upload, fixed.
    #[must_use]
    pub fn success_action_redirect(self, url: impl Into<String>) -> Self {
        self.field_equals("success_action_redirect", url)
    }

    /// The object's `Cache-Control`, fixed.
    #[must_use]
    pub fn cache_control(self, value: impl Into<String>) -> Self {
        self.field_equals("Cache-Control", value)
    }

    /// The object's `Content-Disposition`, fixed.
    #[must_use]
    pub fn content_disposition(self, value: impl Into<String>) -> Self {
        self.field_equals("Content-Disposition", value)
    }

    /// The endpoint as given.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        self.target.endpoint()
    }

    /// The bucket.
    #[must_use]
    pub fn bucket(&self) -> &str {
        self.target.bucket()
    }

    /// The value of the form's `key` field.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The prefix the uploader completes, when the key ends in `${filename}`.
    #[must_use]
    pub fn key_prefix(&self) -> Option<&str> {
        self.key.strip_suffix(FILENAME_PLACEHOLDER)
    }

    /// The expiry as set (checked when signing).
    #[must_use]
    pub fn expiry(&self) -> Duration {
        self.target.expiry()
    }

    /// The form fields set so far, in order (presign adds `key`, the auth
    /// fields and `policy` when signing).
    #[must_use]
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The conditions set so far, in order (presign adds bucket, key and the
    /// auth fields' conditions when signing).
    #[must_use]
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
}

/// Sets `name` to `value`: replaced in place when present, else appended
/// (a Python dict's assignment, which botocore's fields follow).
pub(crate) fn set_field(fields: &mut Vec<(String, String)>, name: String, value: String) {
    match fields.iter_mut().find(|(existing, _)| *existing == name) {
        Some((_, slot)) => *slot = value,
        None => fields.push((name, value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_a_field_again_keeps_its_place() {
        let policy = PostPolicy::new("http://h", "b", "k")
            .form_field("a", "1")
            .form_field("b", "2")
            .form_field("a", "3")
            .form_field("A", "4");
        assert_eq!(
            policy.fields(),
            [
                ("a".to_owned(), "3".to_owned()),
                ("b".to_owned(), "2".to_owned()),
                ("A".to_owned(), "4".to_owned()),
            ]
        );
    }

    #[test]
    fn shorthands_fix_fields_or_only_constrain_them() {
        let policy = PostPolicy::new("http://h", "b", "k")
            .acl("private")
            .success_action_status(201)
            .content_type_starts_with("image/");
        assert_eq!(
            policy.fields(),
            [
                ("acl".to_owned(), "private".to_owned()),
                ("success_action_status".to_owned(), "201".to_owned()),
            ]
        );
        assert_eq!(
            policy.conditions(),
            [
                Condition::exact("acl", "private"),
                Condition::exact("success_action_status", "201"),
                Condition::starts_with("Content-Type", "image/"),
            ]
        );
    }

    #[test]
    fn a_filename_key_is_a_prefix() {
        let policy = PostPolicy::with_key_prefix("http://h", "b", "in/");
        assert_eq!(policy.key(), "in/${filename}");
        assert_eq!(policy.key_prefix(), Some("in/"));
        assert_eq!(PostPolicy::new("http://h", "b", "a.txt").key_prefix(), None);
    }
}
