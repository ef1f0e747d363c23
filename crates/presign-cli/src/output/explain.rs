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
    let token = if !p.has_session_token() {
        "none"
    } else if signed.resolved.target().host.express_session.is_some() {
        "yes (the S3 Express session's, signed, and sent as X-Amz-S3session-Token)"
    } else {
        "yes (signed, and sent as X-Amz-Security-Token)"
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

/// The host form when it is not an ordinary bucket host (an access point,
/// Object Lambda, Outposts, S3 Express, a Multi-Region Access Point,
/// dualstack, FIPS, acceleration), its signing name, and the endpoint
/// settings that do not apply here.
fn host_form(out: &mut String, signed: &Signed) {
    let target = signed.resolved.target();
    if let Some(form) = target.host.form.filter(|form| {
        !matches!(
            form,
            presign::HostForm::Regional | presign::HostForm::Global | presign::HostForm::Custom
        )
    }) {
        let bucket = &target.bucket;
        let described = match form {
            presign::HostForm::AccessPoint => format!("S3 access point {bucket}"),
            presign::HostForm::ObjectLambda => format!("S3 Object Lambda access point {bucket}"),
            presign::HostForm::Outposts => format!("S3 on Outposts access point {bucket}"),
            presign::HostForm::Express => format!("S3 Express One Zone directory bucket {bucket}"),
            presign::HostForm::MultiRegionAccessPoint => {
                format!("Multi-Region Access Point {bucket} (SigV4A, any region)")
            }
            presign::HostForm::Accelerate => format!("S3 Transfer Acceleration of {bucket}"),
            other => format!("{other:?}"),
        };
        field(out, "host form", &described);
    }
    if target.host.service != presign::SERVICE {
        field(out, "signing name", &target.host.service);
    }
    for note in signed.resolved.endpoint_notes() {
        field(out, "not applied", note);
    }
}

/// Steps 4 and 5 of a SigV4A URL: the key pair from the secret, and the
/// ECDSA signature.
fn sigv4a_steps(out: &mut String, signed: &Signed) {
    let credentials = &signed.resolved.credentials;
    let _ = writeln!(
        out,
        "\n4. Signing key: an ECDSA P-256 key pair derived from \"AWS4A\"+secret and the access \
         key id (HMAC-SHA256 counter KDF; the same for every date and region)"
    );
    match presign::SigV4aKey::derive(
        credentials.access_key_id(),
        credentials.reveal_secret_access_key(),
    ) {
        Ok(key) => {
            let (x, y) = key.public_key_hex();
            field(out, "public key x", &x);
            field(out, "public key y", &y);
        }
        Err(error) => field(out, "public key", &error.to_string()),
    }
    field(out, "private key", REDACTED_SIGV4A);
    let _ = write!(
        out,
        "\n5. Signature: hex of the DER-encoded ECDSA P-256 signature of SHA-256(string to sign)\n{}\n",
        signed.presigned.signature()
    );
}

/// The SigV4A private key is never shown: the public key checks a URL.
const REDACTED_SIGV4A: &str = "<redacted> (never shown: the public key above checks the signature)";

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
    host_form(&mut out, signed);
    if let Some(region_set) = &signed.resolved.target().host.sigv4a_region_set {
        field(
            &mut out,
            "region set",
            &format!("{region_set} (X-Amz-Region-Set: SigV4A signs for a set of regions)"),
        );
    } else {
        field(
            &mut out,
            "region",
            &format!("{region} ({})", signed.resolved.region_source),
        );
    }
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
    let scope_parts = if scope.is_regional() {
        "date/region/service/aws4_request"
    } else {
        "date/service/aws4_request: a SigV4A scope names no region"
    };
    let _ = write!(out, "\n2. Credential scope ({scope_parts})\n{scope}\n");
    let _ = write!(out, "\n3. String to sign\n{}\n", p.string_to_sign());
    let region_step = if scope.region().is_empty() {
        "\"\""
    } else {
        scope.region()
    };
    if p.algorithm() == presign::SIGV4A_ALGORITHM {
        sigv4a_steps(&mut out, signed);
    } else {
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
    }
    let _ = write!(out, "\nURL\n{}\n", p.url());
    out
}
