//! `presign verify URL`: would a server accept this presigned URL, sent with
//! this method and these headers, now? Checked with the credentials of the
//! usual places (`--ibm-credentials`, `--profile`, the environment), by the
//! core's [`presign::verify_any`] (SigV4 and SigV4A, or SigV2 for an
//! `AWSAccessKeyId=` URL). Nothing printed holds a secret, a session
//! token or the expected signature.

use std::time::{Duration, SystemTime};

use anyhow::anyhow;
use presign::{Credentials, SignatureVersion, VerifyError, VerifyPolicy};

use crate::cli::VerifyArgs;
use crate::resolve;
use presign_config::{Environment, Overrides};

/// How a verification ended.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// The URL is valid; the one-line summary for stdout.
    Valid(String),
    /// The URL is well formed but rejected, for this reason.
    Rejected(VerifyError),
}

/// Verifies the URL of `args`. `now` is the clock's reading, used unless
/// `--at` is given.
///
/// # Errors
/// Malformed input (not a presigned URL, see [`VerifyError::is_malformed`]), a bad
/// `--at`, or no credentials.
pub(crate) fn run(
    args: &VerifyArgs,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Verdict> {
    let clock = now;
    let now = resolve::instant(args.at.as_deref(), now)?;
    let overrides = Overrides {
        profile: args.profile.clone(),
        ibm_credentials: args.ibm_credentials.clone(),
        ..Overrides::default()
    };
    // The secret is kept once, in the core's credentials; the resolver's copy
    // is wiped when it goes out of scope here.
    let credentials = {
        let source = presign_config::resolve(&overrides, env)?.credentials;
        let keys = resolve::fetch_credentials(&source, args.profile.as_deref(), env, clock)?;
        Credentials::new(&keys.access_key_id, keys.secret_access_key.as_str())
    };
    let lookup = |access_key_id: &str| {
        (access_key_id == credentials.access_key_id()).then(|| credentials.clone())
    };

    let mut policy = VerifyPolicy::default().clock_skew(Duration::from_secs(args.clock_skew));
    if let Some(max) = args.max_expires {
        policy = policy.max_expires(max);
    }
    if !args.regions.is_empty() {
        policy = policy.allowed_regions(args.regions.iter().cloned());
    }
    if let Some(form) = &args.form.post {
        return super::verify_post::run(args, form, &credentials, &policy, now);
    }

    let mut headers: Vec<(&str, &str)> = args
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    if let Some(content_type) = &args.content_type {
        headers.push(("content-type", content_type));
    }

    let method = args.method.into();
    let url = args.url.as_deref().unwrap_or_default();
    match presign::verify_any(url, method, &headers, lookup, now, &policy) {
        Ok(verified) => {
            // Both verifiers refuse a URL expiring past the year 9999 (the
            // longest expiry is a week ahead), so this is RFC 3339.
            let expires_at = presign::rfc3339(verified.expires_at());
            let version = match verified.signature_version() {
                SignatureVersion::V2 => " (SigV2)",
                SignatureVersion::V4 => "",
            };
            Ok(Verdict::Valid(format!(
                "valid{version}: {} {}, signed by {}, expires at {expires_at}",
                method.as_str(),
                one_line(verified.path()),
                one_line(verified.access_key_id()),
            )))
        }
        // Not a presigned URL at all: exit 2 (a rejection exits 1).
        Err(error) if error.is_malformed() => {
            Err(anyhow!("this is not a valid presigned URL: {error}"))
        }
        Err(error) => Ok(Verdict::Rejected(error)),
    }
}

/// `text` with control characters escaped, so the summary stays one line
/// and cannot drive the terminal.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn control_characters_are_escaped_in_the_summary() {
        assert_eq!(one_line("/b/a\nb\tc"), "/b/a\\nb\\tc");
        assert_eq!(one_line("/b/café"), "/b/café");
    }
}
