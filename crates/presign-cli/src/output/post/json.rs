//! `presign post --output json`: the form for a program. `url` and `fields`
//! are what boto3's `generate_presigned_post` returns (so either one feeds
//! `presign upload --post`); `policy` is the decoded document.

use presign::PolicyValue;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::commands::post::SignedPost;

#[derive(Serialize)]
struct JsonOutput<'a> {
    url: &'a str,
    #[serde(serialize_with = "in_order")]
    fields: &'a [(String, String)],
    /// Fields the uploader fills in: name -> the prefix the value must have.
    #[serde(serialize_with = "chosen_in_order")]
    uploader_chooses: Vec<super::ChosenField<'a>>,
    policy: PolicyValue,
    bucket: &'a str,
    key: &'a str,
    expires_at: String,
    signed_at: String,
    addressing_style: &'a str,
    region: &'a str,
    credential_scope: &'a str,
    string_to_sign: &'a str,
    signature: &'a str,
    session_token: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    signing_key: Option<&'a str>,
}

/// Name/value pairs as a JSON object, in order (a form's fields are ordered).
fn in_order<S: Serializer>(pairs: &&[(String, String)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(pairs.len()))?;
    for (name, value) in *pairs {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

fn chosen_in_order<S: Serializer>(
    chosen: &[super::ChosenField<'_>],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(chosen.len()))?;
    for field in chosen {
        map.serialize_entry(field.name, field.prefix)?;
    }
    map.end()
}

pub(super) fn render(signed: &SignedPost) -> String {
    let post = &signed.post;
    let output = JsonOutput {
        url: post.url(),
        fields: post.fields(),
        uploader_chooses: super::chosen_fields(post),
        // The document was written by presign a moment ago; it parses.
        policy: PolicyValue::parse(post.policy_document()).unwrap_or(PolicyValue::Null),
        bucket: post.bucket(),
        key: post.key(),
        expires_at: post.expiration().to_rfc3339(),
        signed_at: post.signed_at().to_rfc3339(),
        addressing_style: post.addressing().as_str(),
        region: post.credential_scope().region(),
        credential_scope: post.credential_scope().as_str(),
        string_to_sign: post.string_to_sign(),
        signature: post.signature(),
        session_token: post.has_session_token(),
        signing_key: signed.secrets.as_ref().map(|s| s.signing_key_hex.as_str()),
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
