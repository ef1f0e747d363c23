//! The output formats of a SigV2 URL (`--signature-version s3`): the same
//! four as SigV4's, with SigV2's values (the string to sign, the base64
//! HMAC-SHA1 signature, `Expires`) and no canonical request or signing key,
//! which SigV2 does not have.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::OutputArg;
use crate::commands::sign_v2::SignedV2;

use super::json::CredentialsJson;

const REDACTED: &str = "<redacted> (--show-secrets shows it)";

/// The text to print on stdout for `format`.
pub(crate) fn render(format: OutputArg, signed: &SignedV2) -> String {
    let presigned = &signed.presigned;
    match format {
        OutputArg::Url => format!("{}\n", presigned.url()),
        OutputArg::Json => json(signed),
        OutputArg::Curl => super::curl::render_parts(
            presigned.method(),
            signed.resolved.request.header_pairs(),
            signed.resolved.request.key(),
            presigned.url(),
        ),
        OutputArg::Explain => explain(signed),
    }
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    url: &'a str,
    /// `s3`: SigV2, in botocore's name.
    signature_version: &'static str,
    /// Where the signature version came from.
    signature_version_source: &'a str,
    method: &'a str,
    expires_at: String,
    /// `Expires`: Unix seconds.
    expires: u64,
    /// The headers the client must send, name -> value.
    headers: serde_json::Map<String, serde_json::Value>,
    string_to_sign: &'a str,
    signature: &'a str,
    #[serde(flatten)]
    credentials: CredentialsJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_access_key: Option<&'a str>,
}

fn json(signed: &SignedV2) -> String {
    let presigned = &signed.presigned;
    let resolved = &signed.resolved;
    let output = JsonOutput {
        url: presigned.url(),
        signature_version: resolved.signature_version.value.as_str(),
        signature_version_source: &resolved.signature_version.source,
        method: presigned.method().as_str(),
        expires_at: super::rfc3339(presigned.expires_at()),
        expires: presigned.expires(),
        headers: resolved
            .request
            .header_pairs()
            .iter()
            .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
            .collect(),
        string_to_sign: presigned.string_to_sign(),
        signature: presigned.signature(),
        credentials: CredentialsJson::new(
            resolved,
            resolved.credentials.session_token().is_some(),
            presigned.expires_at(),
        ),
        secret_access_key: signed
            .show_secrets
            .then(|| resolved.credentials.reveal_secret_access_key()),
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}

fn field(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "  {name:<17} {value}");
}

fn explain(signed: &SignedV2) -> String {
    let p = &signed.presigned;
    let resolved = &signed.resolved;
    let request = &resolved.request;
    let mut out = String::from("Inputs\n");
    field(
        &mut out,
        "signature",
        &format!(
            "SigV2 (signature version s3, from {})",
            resolved.signature_version.source
        ),
    );
    field(&mut out, "method", p.method().as_str());
    field(
        &mut out,
        "endpoint",
        &format!("{} ({})", request.endpoint(), resolved.endpoint_source),
    );
    field(&mut out, "bucket", request.bucket());
    field(&mut out, "key", &format!("{:?}", request.key()));
    field(
        &mut out,
        "expires",
        &format!(
            "{} (Unix seconds: {} s after signing, at {})",
            p.expires(),
            request.expiry().as_secs(),
            super::rfc3339(p.expires_at())
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
    let secret = if signed.show_secrets {
        resolved.credentials.reveal_secret_access_key()
    } else {
        REDACTED
    };
    field(&mut out, "secret key", secret);
    let token = if resolved.credentials.session_token().is_some() {
        "yes (signed as the x-amz-security-token line, and sent as x-amz-security-token)"
    } else {
        "none"
    };
    field(&mut out, "session token", token);
    if request.header_pairs().is_empty() {
        field(&mut out, "headers to send", "none");
    } else {
        field(&mut out, "headers to send", "");
        for (name, value) in request.header_pairs() {
            let _ = writeln!(out, "    {name}: {value}");
        }
    }
    let _ = write!(
        out,
        "\n1. String to sign (method, Content-MD5, Content-Type, Expires, x-amz-* headers, \
         /bucket/key and sub-resources)\n{}\n",
        p.string_to_sign()
    );
    let _ = write!(
        out,
        "\n2. Signature: base64 of HMAC-SHA1(secret key, string to sign)\n{}\n",
        p.signature()
    );
    let _ = write!(out, "\nURL\n{}\n", p.url());
    out
}
