//! The main job: sign one object URL and hand it to an output format.

use std::time::SystemTime;

use anyhow::anyhow;
use presign::{CredentialScope, Presigned, SigningKey};
use zeroize::Zeroizing;

use crate::cli::Invocation;
use crate::resolve::{self, Resolved};
use crate::s3_uri;
use presign_config::Environment;

/// Everything an output format may show. Secrets are present only when the
/// user passed `--show-secrets`.
#[derive(Debug)]
pub(crate) struct Signed {
    pub(crate) presigned: Presigned,
    pub(crate) resolved: Resolved,
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

impl Secrets {
    /// The secret and the signing key it gives for `scope`.
    pub(crate) fn derive(secret: &Zeroizing<String>, scope: &CredentialScope) -> Self {
        let key = SigningKey::derive(secret, scope.date_stamp(), scope.region(), scope.service());
        Self {
            secret_access_key: secret.clone(),
            signing_key_hex: Zeroizing::new(key.reveal_hex()),
        }
    }
}

/// Signs the S3_URI of the command line.
pub(crate) fn run(
    invocation: &Invocation,
    uri: &str,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Signed> {
    let (bucket, key) = s3_uri::parse(uri).map_err(|message| anyhow!(message))?;
    let resolved = resolve::resolve(invocation, bucket, key, env, now)?;
    let presigned = presign::presign(&resolved.request, &resolved.credentials, resolved.signed_at)
        .map_err(resolve::with_cli_hint)?;
    let secrets = invocation
        .cli
        .show_secrets
        .then(|| Secrets::derive(&resolved.secret_access_key, presigned.credential_scope()));
    Ok(Signed {
        presigned,
        resolved,
        secrets,
    })
}

/// Warnings for stderr.
pub(crate) fn warnings(signed: &Signed) -> Vec<String> {
    resolve::warnings(&signed.resolved, signed.presigned.expires_at())
}
