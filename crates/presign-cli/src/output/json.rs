//! `--output json`: one object with the URL and every signing value.

use serde::Serialize;

use std::time::SystemTime;

use crate::commands::sign::Signed;
use crate::resolve::Resolved;

#[derive(Serialize)]
struct JsonOutput<'a> {
    url: &'a str,
    method: &'a str,
    expires_at: String,
    signed_at: String,
    expires_in: u64,
    /// The headers the client must send (besides host), name -> value.
    headers: serde_json::Map<String, serde_json::Value>,
    host: &'a str,
    addressing_style: &'a str,
    /// `AWS4-HMAC-SHA256`, or `AWS4-ECDSA-P256-SHA256` (SigV4A).
    algorithm: &'a str,
    /// The service in the credential scope: `s3`, `s3-object-lambda`,
    /// `s3-outposts`, `s3express`.
    signing_name: &'a str,
    /// The AWS host form when it is not a plain bucket host on a custom
    /// endpoint: `Regional`, `AccessPoint`, `MultiRegionAccessPoint`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    host_form: Option<String>,
    /// SigV4A's `X-Amz-Region-Set`.
    #[serde(skip_serializing_if = "Option::is_none")]
    region_set: Option<&'a str>,
    /// Endpoint settings that do not apply here, with the reason.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    endpoint_settings_not_applied: &'a [String],
    region: &'a str,
    credential_scope: &'a str,
    signed_headers: &'a str,
    canonical_request: &'a str,
    string_to_sign: &'a str,
    signature: &'a str,
    #[serde(flatten)]
    credentials: CredentialsJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signing_key: Option<&'a str>,
}

/// The credentials' fields of `--output json`, SigV4 and SigV2 alike.
#[derive(Serialize)]
pub(super) struct CredentialsJson<'a> {
    session_token: bool,
    /// Where the credentials came from, e.g. `assume role arn:… via profile
    /// 'dev' (source profile 'base')`.
    credentials_source: &'a str,
    /// When temporary credentials expire: the URL stops working then.
    #[serde(skip_serializing_if = "Option::is_none")]
    credentials_expire_at: Option<String>,
    /// Whether the credentials expire before the URL does.
    url_outlives_credentials: bool,
}

impl<'a> CredentialsJson<'a> {
    /// `resolved`'s credentials for a URL that carries a session token or
    /// not and expires at `url_expires_at`.
    pub(super) fn new(
        resolved: &'a Resolved,
        session_token: bool,
        url_expires_at: SystemTime,
    ) -> Self {
        Self {
            session_token,
            credentials_source: &resolved.credentials_source,
            credentials_expire_at: resolved.credentials_expire_at.map(super::rfc3339),
            url_outlives_credentials: resolved
                .credentials_expire_at
                .is_some_and(|at| at < url_expires_at),
        }
    }
}

pub(super) fn render(signed: &Signed) -> String {
    let presigned = &signed.presigned;
    let target = signed.resolved.target();
    let output = JsonOutput {
        url: presigned.url(),
        method: presigned.method().as_str(),
        expires_at: super::rfc3339(presigned.expires_at()),
        signed_at: presigned.signed_at().to_rfc3339(),
        expires_in: presigned.expires_in(),
        headers: presigned
            .headers()
            .iter()
            .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
            .collect(),
        host: presigned.host(),
        addressing_style: presigned.addressing().as_str(),
        algorithm: presigned.algorithm(),
        signing_name: presigned.credential_scope().service(),
        host_form: target.host.form.map(|form| format!("{form:?}")),
        region_set: target.host.sigv4a_region_set.as_deref(),
        endpoint_settings_not_applied: signed.resolved.endpoint_notes(),
        region: presigned.credential_scope().region(),
        credential_scope: presigned.credential_scope().as_str(),
        signed_headers: presigned.signed_headers(),
        canonical_request: presigned.canonical_request().as_str(),
        string_to_sign: presigned.string_to_sign().as_str(),
        signature: presigned.signature(),
        credentials: CredentialsJson::new(
            &signed.resolved,
            presigned.has_session_token(),
            presigned.expires_at(),
        ),
        // SigV4A signs with a key pair whose private half is never shown.
        signing_key: signed
            .secrets
            .as_ref()
            .filter(|_| presigned.algorithm() != presign::SIGV4A_ALGORITHM)
            .map(|s| s.signing_key_hex.as_str()),
    };
    let mut text = serde_json::to_string_pretty(&output).unwrap_or_default();
    text.push('\n');
    text
}
