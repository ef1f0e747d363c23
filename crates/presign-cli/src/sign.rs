//! The main job: resolve inputs, sign, hand the result to an output format.

use std::time::SystemTime;

use anyhow::{Context, anyhow};
use presign::{
    Addressing, AmzDate, Credentials, Endpoint, PresignError, PresignRequest, Presigned, SigningKey,
};
use zeroize::Zeroizing;

use crate::cli::Invocation;
use crate::config::{self, ConfigFlags, Environment, ResolvedConfig};
use crate::s3_uri;

/// Everything an output format may show. Secrets are present only when the
/// user passed `--show-secrets`.
#[derive(Debug)]
pub(crate) struct Signed {
    pub(crate) presigned: Presigned,
    pub(crate) access_key_id: String,
    pub(crate) credentials_source: String,
    pub(crate) region_source: String,
    pub(crate) endpoint_source: String,
    pub(crate) session_token_expiration: Option<String>,
    pub(crate) secrets: Option<Secrets>,
}

/// The secret access key and the derived signing key, for `--show-secrets`.
pub(crate) struct Secrets {
    pub(crate) secret_access_key: Zeroizing<String>,
    pub(crate) signing_key_hex: Zeroizing<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(<redacted>)")
    }
}

/// Signs what the command line asks for. `now` is the clock's reading, used
/// unless `--at` is given.
pub(crate) fn run(
    invocation: &Invocation,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Signed> {
    let cli = &invocation.cli;
    let (bucket, key) = s3_uri::parse(&cli.uri).map_err(|message| anyhow!(message))?;
    let signed_at = match &cli.at {
        Some(text) => AmzDate::parse_rfc3339(text)
            .context("invalid --at")?
            .to_system_time(),
        None => now,
    };
    let flags = ConfigFlags {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        endpoint_url: cli.endpoint_url.clone(),
        ibm_credentials: cli.ibm_credentials.clone(),
    };
    let resolved = config::resolve(&flags, env)?;
    let (endpoint, endpoint_source) = endpoint_of(&resolved)?;
    let addressing = match (cli.addressing_style, resolved.addressing_style) {
        (Some(style), _) => style.into(),
        (None, Some(style)) => style,
        (None, None) => Addressing::Auto,
    };

    let mut request = PresignRequest::new(cli.method.into(), endpoint, bucket, key)
        .region(&resolved.region)
        .expires_in(std::time::Duration::from_secs(cli.expires_in))
        .allow_long_expiry(cli.allow_long_expiry)
        .legacy_bucket_names(cli.allow_legacy_bucket_names)
        .addressing(addressing);
    for (name, value) in &invocation.query {
        request = request.query(name, value);
    }
    for (name, value) in &invocation.headers {
        request = request.header(name, value);
    }

    let secret = &resolved.credentials.secret_access_key;
    let mut credentials = Credentials::new(&resolved.credentials.access_key_id, secret.as_str());
    if let Some(token) = &resolved.credentials.session_token {
        credentials = credentials.with_session_token(token.as_str());
    }
    let presigned = presign::presign(&request, &credentials, signed_at).map_err(with_cli_hint)?;
    let secrets = cli.show_secrets.then(|| {
        let scope = presigned.credential_scope();
        let key = SigningKey::derive(secret, scope.date_stamp(), scope.region(), scope.service());
        Secrets {
            secret_access_key: secret.clone(),
            signing_key_hex: Zeroizing::new(key.reveal_hex()),
        }
    });
    Ok(Signed {
        presigned,
        access_key_id: resolved.credentials.access_key_id.clone(),
        credentials_source: resolved.credentials.source.clone(),
        region_source: resolved.region_source.clone(),
        endpoint_source,
        session_token_expiration: resolved.credentials.expiration.clone(),
        secrets,
    })
}

/// The endpoint to sign for and where it came from.
fn endpoint_of(resolved: &ResolvedConfig) -> anyhow::Result<(String, String)> {
    if let Some(url) = &resolved.endpoint_url {
        let source = resolved
            .endpoint_url_source
            .clone()
            .unwrap_or_else(|| "configuration".to_owned());
        return Ok((url.clone(), source));
    }
    let url = Endpoint::aws_default(&resolved.region).ok_or_else(|| {
        anyhow!(
            "the region is empty and no endpoint is set: AWS needs a region; an empty region is for \
             S3-compatible stores such as IBM COS, so pass --endpoint-url too \
             (e.g. https://s3.us-south.cloud-object-storage.appdomain.cloud)"
        )
    })?;
    Ok((url, format!("AWS default for region {}", resolved.region)))
}

/// The core's message, plus the flag that changes the rule where there is one.
fn with_cli_hint(error: PresignError) -> anyhow::Error {
    let hint = match &error {
        PresignError::ExpiresOutOfRange { seconds, max }
            if *max == presign::MAX_EXPIRES_SECS && *seconds > *max =>
        {
            Some("pass --allow-long-expiry for stores that accept longer expiries")
        }
        PresignError::InvalidBucket { bucket, .. }
            if bucket.bytes().any(|b| b.is_ascii_uppercase() || b == b'_') =>
        {
            Some(
                "buckets named under the old rules (upper case, '_') are accepted with \
                 --allow-legacy-bucket-names",
            )
        }
        _ => None,
    };
    match hint {
        Some(hint) => anyhow!("{error}; {hint}"),
        None => anyhow!(error),
    }
}

/// Warnings for stderr: temporary credentials stop the URL early.
pub(crate) fn warnings(signed: &Signed) -> Vec<String> {
    let presigned = &signed.presigned;
    if !presigned.has_session_token() {
        return Vec::new();
    }
    let url_expiry = AmzDate::from_system_time(presigned.expires_at())
        .map(|d| d.to_rfc3339())
        .unwrap_or_default();
    let message = match &signed.session_token_expiration {
        Some(expiration) => {
            let token_expiry = parse_expiration(expiration);
            if token_expiry.is_some_and(|t| t < presigned.expires_at()) {
                format!(
                    "warning: the URL is signed with a session token that expires at {expiration}, before the \
                     URL's own expiry ({url_expiry}); the URL stops working at {expiration}"
                )
            } else {
                format!(
                    "warning: the URL is signed with a session token (expires at {expiration}); it stops \
                     working when the token expires or is revoked"
                )
            }
        }
        None => "warning: the URL is signed with a session token (temporary credentials); it stops working \
                 when the token expires, which may be before its own expiry"
            .to_owned(),
    };
    vec![message]
}

/// A credential expiration as the AWS tools write it: RFC 3339 with `Z` or an
/// offset, with or without fractional seconds (`aws configure
/// export-credentials` writes `2024-05-24T00:30:00+00:00`).
fn parse_expiration(text: &str) -> Option<SystemTime> {
    let timestamp: jiff::Timestamp = text.trim().parse().ok()?;
    Some(SystemTime::from(timestamp))
}

#[cfg(test)]
mod tests {
    use super::parse_expiration;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn expirations_parse_with_z_offsets_and_fractions() {
        let expected = UNIX_EPOCH + Duration::from_secs(1_369_355_400);
        for text in [
            "2013-05-24T00:30:00Z",
            "2013-05-24T00:30:00+00:00",
            "2013-05-24T00:30:00.000Z",
            "2013-05-24T02:30:00+02:00",
        ] {
            assert_eq!(parse_expiration(text), Some(expected), "{text}");
        }
        assert_eq!(parse_expiration("tomorrow"), None);
    }
}
