//! `presign post`: sign a POST policy (the form a browser uploads with) from
//! the command line's limits, with the configuration every signing command
//! resolves.

use std::time::{Duration, SystemTime};

use anyhow::anyhow;
use presign::{PostPolicy, PresignedPost};

use crate::cli::{ConditionArg, PostArgs};
use crate::commands::sign::Secrets;
use crate::resolve::{self, Resolved};
use crate::s3_uri;
use presign_config::Environment;

/// S3's limit for one POST upload, the largest size when only `--min-size`
/// is given.
pub(crate) const MAX_POST_SIZE: u64 = 5 << 30;

/// A signed form and where its inputs came from. Secrets are present only
/// with `--show-secrets`.
#[derive(Debug)]
pub(crate) struct SignedPost {
    pub(crate) post: PresignedPost,
    pub(crate) resolved: Resolved<PostPolicy>,
    pub(crate) secrets: Option<Secrets>,
}

/// Signs the policy `args` describe. `now` is the clock's reading, used
/// unless `--at` is given.
pub(crate) fn run(
    args: &PostArgs,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<SignedPost> {
    let (bucket, key) =
        s3_uri::parse_bucket_prefix(&args.uri).map_err(|message| anyhow!(message))?;
    let key = form_key(key, args.key_prefix);
    let size_range = size_range(args.min_size, args.max_size)?;
    let resolved = resolve::resolve_target(&args.signing, bucket, env, now, |target| {
        let policy = target.post_policy(&key, Duration::from_secs(args.signing.expires_in))?;
        Ok(with_rules(policy, args, size_range))
    })?;
    let post = presign::presign_post(&resolved.request, &resolved.credentials, resolved.signed_at)
        .map_err(resolve::with_cli_hint)?;
    let secrets = args
        .secrets
        .show_secrets
        .then(|| Secrets::derive(&resolved.credentials, post.credential_scope()));
    Ok(SignedPost {
        post,
        resolved,
        secrets,
    })
}

/// Warnings for stderr: the configuration's and the session token's.
pub(crate) fn warnings(signed: &SignedPost) -> Vec<String> {
    resolve::warnings(&signed.resolved, signed.post.expires_at())
}

/// The form's key field: the key itself, or `PREFIX${filename}` when the
/// uploader chooses the rest (`--key-prefix`, a key ending in `/`, no key).
fn form_key(key: &str, key_prefix: bool) -> String {
    let is_prefix = key_prefix || key.is_empty() || key.ends_with('/');
    if is_prefix && !key.ends_with(presign::FILENAME_PLACEHOLDER) {
        format!("{key}{}", presign::FILENAME_PLACEHOLDER)
    } else {
        key.to_owned()
    }
}

/// The `content-length-range` of `--min-size`/`--max-size`, if either is
/// given.
fn size_range(min: Option<u64>, max: Option<u64>) -> anyhow::Result<Option<(u64, u64)>> {
    if min.is_none() && max.is_none() {
        return Ok(None);
    }
    let (min, max) = (min.unwrap_or(0), max.unwrap_or(MAX_POST_SIZE));
    if min > max {
        return Err(anyhow!(
            "--min-size ({min} bytes) is larger than the largest size allowed ({max} bytes{}); no \
             file could be uploaded",
            if max == MAX_POST_SIZE {
                ", S3's limit without --max-size"
            } else {
                ", --max-size"
            }
        ));
    }
    Ok(Some((min, max)))
}

/// The policy with the conditions and fields of the command line, in the
/// order `presign post --help` states.
fn with_rules(
    mut policy: PostPolicy,
    args: &PostArgs,
    size_range: Option<(u64, u64)>,
) -> PostPolicy {
    if let Some((min, max)) = size_range {
        policy = policy.content_length_range(min, max);
    }
    if let Some(content_type) = &args.content_type {
        policy = match content_type.strip_suffix('*') {
            Some(prefix) => policy.content_type_starts_with(prefix),
            None => policy.content_type(content_type),
        };
    }
    if let Some(acl) = &args.acl {
        policy = policy.acl(acl);
    }
    if let Some(status) = &args.success_status {
        policy = policy.field_equals("success_action_status", status);
    }
    if let Some(url) = &args.redirect {
        policy = policy.success_action_redirect(url);
    }
    for (name, value) in &args.meta {
        policy = policy.meta(name, value);
    }
    for condition in &args.conditions {
        policy = match condition {
            ConditionArg::Equals(name, value) => policy.field_equals(name, value),
            ConditionArg::StartsWith(name, prefix) => policy.field_starts_with(name, prefix),
            ConditionArg::Json(condition) => policy.condition(condition.clone()),
        };
    }
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_key_ends_in_the_filename_placeholder() {
        assert_eq!(form_key("in/a.png", false), "in/a.png");
        assert_eq!(form_key("in/", false), "in/${filename}");
        assert_eq!(form_key("", false), "${filename}");
        assert_eq!(form_key("user-42-", true), "user-42-${filename}");
        assert_eq!(form_key("in/${filename}", true), "in/${filename}");
        assert_eq!(form_key("in/${filename}", false), "in/${filename}");
    }

    #[test]
    fn sizes_default_to_zero_and_the_s3_limit() {
        assert_eq!(size_range(None, None).unwrap(), None);
        assert_eq!(size_range(Some(1), None).unwrap(), Some((1, MAX_POST_SIZE)));
        assert_eq!(size_range(None, Some(10)).unwrap(), Some((0, 10)));
        let error = size_range(Some(11), Some(10)).unwrap_err().to_string();
        assert!(
            error.contains("--min-size") && error.contains("--max-size"),
            "{error}"
        );
    }
}
