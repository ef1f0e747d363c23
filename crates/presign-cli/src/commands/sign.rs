//! The main job: sign one object URL and hand it to an output format.

use std::time::SystemTime;

use anyhow::anyhow;
use presign::{CredentialScope, Credentials, Presigned, SigningKey};
use zeroize::Zeroizing;

use crate::cli::{RequestExtras, SignArgs};
use crate::resolve::{self, RequestFlags, Resolved};
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

/// The signing key derived for a URL's scope, for `--show-secrets`. The
/// secret access key shown beside it is not copied here: it stays in
/// [`Resolved::credentials`] ([`Secrets::secret_access_key`] reads it).
pub(crate) struct Secrets {
    pub(crate) signing_key_hex: Zeroizing<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(<redacted>)")
    }
}

impl Secrets {
    /// The signing key `credentials` give for `scope`.
    pub(crate) fn derive(credentials: &Credentials, scope: &CredentialScope) -> Self {
        let key = SigningKey::derive(
            credentials.reveal_secret_access_key(),
            scope.date_stamp(),
            scope.region(),
            scope.service(),
        );
        Self {
            signing_key_hex: Zeroizing::new(key.reveal_hex()),
        }
    }

    /// The secret access key of `resolved` when `secrets` are shown.
    pub(crate) fn secret_access_key<'a, R>(
        secrets: Option<&Self>,
        resolved: &'a Resolved<R>,
    ) -> Option<&'a str> {
        secrets.map(|_| resolved.credentials.reveal_secret_access_key())
    }
}

/// A URL signed with SigV4 (the default) or SigV2 (`--signature-version s3`).
#[derive(Debug)]
pub(crate) enum Outcome {
    V4(Box<Signed>),
    V2(Box<super::sign_v2::SignedV2>),
}

/// Signs the S3_URI of the command line, with the signature version the
/// flag, else the profile, chooses. `extras` are the query parameters and
/// headers of `args`' request flags, in command-line order.
pub(crate) fn run(
    args: &SignArgs,
    extras: &RequestExtras,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Outcome> {
    let uri = args.uri.as_deref().unwrap_or_default();
    let (bucket, key) = s3_uri::parse(uri).map_err(|message| anyhow!(message))?;
    let flags = RequestFlags {
        args: &args.request,
        extras,
        signature_version: args.version.signature_version,
    };
    let resolved = resolve::resolve(flags, bucket, key, env, now)?;
    if resolved.signature_version.value == presign_config::SignatureVersion::S3 {
        return super::sign_v2::sign(resolved, args.secrets.show_secrets)
            .map(|signed| Outcome::V2(Box::new(signed)));
    }
    let presigned = presign::presign(&resolved.request, &resolved.credentials, resolved.signed_at)
        .map_err(resolve::with_cli_hint)?;
    let secrets = args
        .secrets
        .show_secrets
        .then(|| Secrets::derive(&resolved.credentials, presigned.credential_scope()));
    Ok(Outcome::V4(Box::new(Signed {
        presigned,
        resolved,
        secrets,
    })))
}

/// Warnings for stderr.
pub(crate) fn warnings(signed: &Signed) -> Vec<String> {
    resolve::warnings(&signed.resolved, signed.presigned.expires_at())
}
