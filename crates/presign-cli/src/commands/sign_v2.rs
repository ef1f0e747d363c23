//! `presign --signature-version s3`: one object URL signed with SigV2
//! ([`presign::presign_v2`]), for the stores that still document it.

use presign::PresignedUrlV2;

use crate::resolve::{self, Resolved};

/// A SigV2 URL and what went into it. The secret access key is shown only
/// with `--show-secrets` (it stays in [`Resolved::credentials`]).
#[derive(Debug)]
pub(crate) struct SignedV2 {
    pub(crate) presigned: PresignedUrlV2,
    pub(crate) resolved: Resolved,
    pub(crate) show_secrets: bool,
}

/// Signs the request `resolved` holds with SigV2; `show_secrets` is
/// `--show-secrets`.
pub(crate) fn sign(resolved: Resolved, show_secrets: bool) -> anyhow::Result<SignedV2> {
    let presigned =
        presign::presign_v2(&resolved.request, &resolved.credentials, resolved.signed_at)
            .map_err(resolve::with_cli_hint)?;
    Ok(SignedV2 {
        presigned,
        resolved,
        show_secrets,
    })
}

/// Warnings for stderr.
pub(crate) fn warnings(signed: &SignedV2) -> Vec<String> {
    resolve::warnings(&signed.resolved, signed.presigned.expires_at())
}
