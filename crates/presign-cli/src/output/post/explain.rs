//! `presign post --output explain`: every step from the policy to the form,
//! the way the URL's explain shows the canonical request. A POST policy has
//! no canonical request: the string to sign is the policy document in
//! base64. The secret and the signing key stay redacted unless asked for.

use std::fmt::Write;

use presign::{Condition, PresignedPost};

use crate::commands::post::SignedPost;
use crate::commands::sign::Secrets;
use crate::size;

const REDACTED: &str = "<redacted> (--show-secrets shows it)";

fn field(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "  {name:<17} {value}");
}

pub(super) fn render(signed: &SignedPost) -> String {
    let mut out = inputs(signed);
    steps(&mut out, signed);
    form(&mut out, &signed.post);
    out
}

/// Where, as whom, which key, until when.
fn inputs(signed: &SignedPost) -> String {
    let post = &signed.post;
    let resolved = &signed.resolved;
    let region = match post.credential_scope().region() {
        "" => "\"\" (empty)",
        region => region,
    };
    let mut out = String::from("Inputs\n");
    field(
        &mut out,
        "endpoint",
        &format!("{} ({})", post.endpoint(), resolved.endpoint_source),
    );
    field(&mut out, "addressing style", post.addressing().as_str());
    field(
        &mut out,
        "region",
        &format!("{region} ({})", resolved.region_source),
    );
    field(&mut out, "bucket", post.bucket());
    let key = match post.key().strip_suffix(presign::FILENAME_PLACEHOLDER) {
        Some(prefix) => format!(
            "{:?}: the uploader chooses what follows {prefix:?} (S3 puts the file's name in ${{filename}})",
            post.key()
        ),
        None => format!("{:?}", post.key()),
    };
    field(&mut out, "key", &key);
    field(&mut out, "timestamp", post.signed_at().as_str());
    field(
        &mut out,
        "expires",
        &format!(
            "{} s, at {}",
            post.expiration().unix_seconds() - post.signed_at().unix_seconds(),
            post.expiration().to_rfc3339()
        ),
    );
    field(
        &mut out,
        "access key id",
        &format!(
            "{} ({})",
            resolved.credentials.access_key_id(),
            resolved.credentials_source
        ),
    );
    let secret = Secrets::secret_access_key(signed.secrets.as_ref(), &signed.resolved);
    field(&mut out, "secret key", secret.unwrap_or(REDACTED));
    let token = if post.has_session_token() {
        "yes (in the policy, and sent as the field x-amz-security-token)"
    } else {
        "none"
    };
    field(&mut out, "session token", token);
    out
}

/// From the conditions to the signature.
fn steps(out: &mut String, signed: &SignedPost) {
    let post = &signed.post;
    let scope = post.credential_scope();
    out.push_str(
        "\n1. Conditions (every one must hold; a form field no condition names is refused)\n",
    );
    for condition in post.conditions() {
        let _ = writeln!(out, "  {}", describe(condition));
    }
    let _ = write!(
        out,
        "\n2. Policy document (JSON, exactly as signed)\n{}\n",
        post.policy_document()
    );
    let _ = write!(
        out,
        "\n3. String to sign: the policy document in base64 (also the field policy)\n{}\n",
        post.string_to_sign()
    );
    let _ = write!(
        out,
        "\n4. Credential scope (date/region/service/aws4_request)\n{scope}\n"
    );
    let region_step = match scope.region() {
        "" => "\"\"",
        region => region,
    };
    let _ = writeln!(
        out,
        "\n5. Signing key: HMAC-SHA256 chain \"AWS4\"+secret -> {} -> {region_step} -> {} -> aws4_request",
        scope.date_stamp(),
        scope.service()
    );
    let signing_key = signed
        .secrets
        .as_ref()
        .map_or(REDACTED, |s| s.signing_key_hex.as_str());
    field(out, "signing key", signing_key);
    let _ = write!(
        out,
        "\n6. Signature: hex of HMAC-SHA256(signing key, string to sign) (the field x-amz-signature)\n{}\n",
        post.signature()
    );
}

/// The form to send: URL, fields in order, what the uploader fills in.
fn form(out: &mut String, post: &PresignedPost) {
    let _ = writeln!(
        out,
        "\nForm: POST multipart/form-data to {}\nfields in this order, then the file (field file) last:",
        post.url()
    );
    for (name, value) in post.fields() {
        let shown = match name.as_str() {
            "policy" => "(the base64 policy of step 3)".to_owned(),
            "x-amz-signature" => "(the signature of step 6)".to_owned(),
            _ => format!("{value:?}"),
        };
        let _ = writeln!(out, "  {name}: {shown}");
    }
    for chosen in super::chosen_fields(post) {
        let _ = writeln!(
            out,
            "  {}: chosen by the uploader, starting with {:?}",
            chosen.name, chosen.prefix
        );
    }
}

/// One condition in words, after its JSON.
fn describe(condition: &Condition) -> String {
    let json = condition.to_json();
    let meaning = match condition {
        Condition::Exact { field, value } | Condition::Eq { field, value } => {
            if field == "bucket" {
                format!("the bucket is {value:?}")
            } else {
                format!("the field {field} is exactly {value:?}")
            }
        }
        Condition::StartsWith { field, prefix } if prefix.is_empty() => {
            format!("the field {field} may hold any value")
        }
        Condition::StartsWith { field, prefix } => {
            format!("the field {field} starts with {prefix:?}")
        }
        Condition::ContentLengthRange { min, max } => format!(
            "the file is {min} to {max} bytes long ({} to {})",
            size::human(*min),
            size::human(*max)
        ),
        _ => "signed as given".to_owned(),
    };
    if json.len() > 100 {
        // A session token makes a long line; its meaning says enough.
        format!(
            "{}...  ({meaning})",
            json.chars().take(60).collect::<String>()
        )
    } else {
        format!("{json}  ({meaning})")
    }
}
