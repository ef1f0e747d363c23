//! `--output explain`: every signing step, the way people troubleshoot by
//! hand, with the secret and the signing key redacted unless asked for.

use std::fmt::Write;

use crate::commands::sign::{Secrets, Signed};

const REDACTED: &str = "<redacted> (--show-secrets shows it)";

fn field(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "  {name:<17} {value}");
}

/// The credentials' lines: the access key id and where it came from, the
/// secret (redacted), the session token, and when temporary credentials
/// expire.
fn credentials(out: &mut String, signed: &Signed, secret: Option<&str>) {
    let p = &signed.presigned;
    field(
        out,
        "access key id",
        &format!(
            "{} ({})",
            signed.resolved.credentials.access_key_id(),
            signed.resolved.credentials_source
        ),
    );
    field(out, "secret key", secret.unwrap_or(REDACTED));
    let token = if p.has_session_token() {
        "yes (signed, and sent as X-Amz-Security-Token)"
    } else {
        "none"
    };
    field(out, "session token", token);
    if let Some(at) = signed.resolved.credentials_expire_at {
        let note = if at < p.expires_at() {
            "; the URL stops working then, before its own expiry"
        } else {
            ""
        };
        field(
            out,
            "credentials until",
            &format!("{}{note}", super::rfc3339(at)),
        );
    }
}

pub(super) fn render(signed: &Signed) -> String {
    let p = &signed.presigned;
    let scope = p.credential_scope();
    let secret = Secrets::secret_access_key(signed.secrets.as_ref(), &signed.resolved);
    let signing_key = signed
        .secrets
        .as_ref()
        .map_or(REDACTED, |s| s.signing_key_hex.as_str());
    let region = if scope.region().is_empty() {
        "\"\" (empty)"
    } else {
        scope.region()
    };

    let mut out = String::from("Inputs\n");
    field(&mut out, "method", p.method().as_str());
    field(
        &mut out,
        "endpoint",
        &format!("{} ({})", p.endpoint(), signed.resolved.endpoint_source),
    );
    field(&mut out, "addressing style", p.addressing().as_str());
    field(&mut out, "host", p.host());
    field(
        &mut out,
        "region",
        &format!("{region} ({})", signed.resolved.region_source),
    );
    field(&mut out, "bucket", p.bucket());
    field(&mut out, "key", &format!("{:?}", p.key()));
    field(&mut out, "timestamp", p.signed_at().as_str());
    field(&mut out, "datestamp", scope.date_stamp());
    field(
        &mut out,
        "expires",
        &format!(
            "{} s, until {}",
            p.expires_in(),
            super::rfc3339(p.expires_at())
        ),
    );
    credentials(&mut out, signed, secret);
    if p.headers().is_empty() {
        field(&mut out, "headers to send", "none besides host");
    } else {
        field(&mut out, "headers to send", "");
        for (name, value) in p.headers() {
            let _ = write!(out, "    {name}: {value}");
            // What an RFC 2047-encoded metadata value says (--meta encodes
            // non-ASCII values).
            if name.to_ascii_lowercase().starts_with("x-amz-meta-")
                && let Some(text) = presign::decode_metadata_value(value)
            {
                let _ = write!(out, "  (RFC 2047 for {text:?})");
            }
            out.push('\n');
        }
    }

    let _ = write!(
        out,
        "\n1. Canonical request (payload UNSIGNED-PAYLOAD; its SHA-256 ends the string to sign)\n{}\n",
        p.canonical_request()
    );
    let _ = write!(
        out,
        "\n2. Credential scope (date/region/service/aws4_request)\n{scope}\n"
    );
    let _ = write!(out, "\n3. String to sign\n{}\n", p.string_to_sign());
    let region_step = if scope.region().is_empty() {
        "\"\""
    } else {
        scope.region()
    };
    let _ = writeln!(
        out,
        "\n4. Signing key: HMAC-SHA256 chain \"AWS4\"+secret -> {} -> {region_step} -> {} -> aws4_request",
        scope.date_stamp(),
        scope.service()
    );
    field(&mut out, "signing key", signing_key);
    let _ = write!(
        out,
        "\n5. Signature: hex of HMAC-SHA256(signing key, string to sign)\n{}\n",
        p.signature()
    );
    let _ = write!(out, "\nURL\n{}\n", p.url());
    out
}
