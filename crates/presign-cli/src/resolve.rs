//! From command-line options to a signable request: credentials, region,
//! endpoint and addressing style resolved (config), the signing instant read
//! (`--at` or the clock the caller passes). Shared by every command.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{Context, anyhow};
use presign::{AmzDate, Credentials, HeaderProblem, PresignError, PresignRequest};
use presign_config::{
    CredentialSource, Environment, Overrides, ResolvedCredentials, SignatureVersion, Sourced,
    Target, TransportOverrides, resolve_transport,
};
use presign_credentials::ExpressSessions;
use presign_credentials::Fetcher;

use crate::cli::{RequestArgs, RequestExtras, SignatureVersionArg, SigningArgs};

/// A request ready to sign (a [`PresignRequest`], or another request such as
/// a [`presign::PostPolicy`]), and where each input came from.
#[derive(Debug)]
pub(crate) struct Resolved<R = PresignRequest> {
    /// The request, for the bucket and key given to [`resolve`].
    pub(crate) request: R,
    /// What [`Resolved::target`] gives to build other requests from.
    target: Target,
    /// The one copy of the keys (the secret wiped on drop, redacted in
    /// `Debug`): the access key id is [`Credentials::access_key_id`], the
    /// secret, for `--show-secrets` only,
    /// [`Credentials::reveal_secret_access_key`].
    pub(crate) credentials: Credentials,
    pub(crate) signed_at: SystemTime,
    pub(crate) credentials_source: String,
    pub(crate) region_source: String,
    pub(crate) endpoint_source: String,
    /// When the credentials stop working (temporary credentials whose
    /// source says so).
    pub(crate) credentials_expire_at: Option<SystemTime>,
    /// Where the credentials came from, to refresh them (`presign batch`
    /// over a long input).
    pub(crate) credentials_plan: CredentialSource,
    /// The configuration's warnings ([`presign_config::ResolvedConfig::warnings`]).
    config_warnings: Vec<String>,
    /// The endpoint settings that do not apply here, with the reason
    /// ([`presign_config::ResolvedConfig::unused_endpoint_settings`]).
    endpoint_notes: Vec<String>,
    /// SigV4 or SigV2, and where that came from: `--signature-version`
    /// ([`resolve`] only), the profile's `s3.signature_version`, or the
    /// default.
    pub(crate) signature_version: Sourced<SignatureVersion>,
    /// For an S3 Express directory bucket signed with a session: what made
    /// the session, so `presign batch` can ask for the next one.
    pub(crate) express: Option<ExpressSource>,
}

/// How an S3 Express session was made: the session cache it came from and
/// the IAM keys `CreateSession` was called with, on the zonal endpoint of
/// the bucket's region.
#[derive(Debug)]
pub(crate) struct ExpressSource {
    pub(crate) sessions: ExpressSessions,
    /// The keys under the session (the secret redacted in `Debug`).
    pub(crate) base: ResolvedCredentials,
    /// The zonal endpoint's bucket URL.
    pub(crate) endpoint: String,
    pub(crate) region: String,
}

/// What a command signs, from its command line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestFlags<'a> {
    /// The method, the signing options, and the header and query flags.
    pub(crate) args: &'a RequestArgs,
    /// The query parameters and headers those flags add, in command-line
    /// order.
    pub(crate) extras: &'a RequestExtras,
    /// `--signature-version`, of the commands that have it (`presign` and
    /// `presign batch`); `None` when not given.
    pub(crate) signature_version: Option<SignatureVersionArg>,
}

/// Resolves the request `flags` describe for `bucket`/`key`. `now` is the
/// clock's reading, used unless `--at` is given.
pub(crate) fn resolve(
    flags: RequestFlags<'_>,
    bucket: &str,
    key: &str,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Resolved> {
    let args = flags.args;
    let mut resolved = resolve_target(&args.signing, bucket, env, now, |target| {
        Ok(target.request(
            args.method.into(),
            key,
            Duration::from_secs(args.signing.expires_in),
            &flags.extras.query,
            &flags.extras.headers,
        ))
    })?;
    // The flag wins over the profile.
    if let Some(version) = flags.signature_version {
        resolved.signature_version = Sourced {
            value: version.into(),
            source: "--signature-version".to_owned(),
        };
    }
    if resolved.signature_version.value == SignatureVersion::S3 {
        resolved.target.check_sigv2()?;
    }
    Ok(resolved)
}

/// Resolves credentials, region, endpoint and addressing style of `args` for
/// `bucket`, and builds the request with `build` from the [`Target`] (whose
/// opt-ins `args` sets). `now` is the clock's reading, used unless `--at` is
/// given.
pub(crate) fn resolve_target<R>(
    args: &SigningArgs,
    bucket: &str,
    env: &Environment,
    now: SystemTime,
    build: impl FnOnce(&Target) -> anyhow::Result<R>,
) -> anyhow::Result<Resolved<R>> {
    let signed_at = instant(args.at.as_deref(), now)?;
    let overrides = Overrides {
        profile: args.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.endpoint_url.clone(),
        dualstack: args.endpoint.dualstack.then_some(true),
        fips: args.endpoint.fips.then_some(true),
        accelerate: args.endpoint.accelerate.then_some(true),
        ibm_credentials: args.ibm_credentials.clone(),
        credentials: None,
        // No flags for these: the environment and the profile set them.
        ..Overrides::default()
    };
    let resolved = presign_config::resolve(&overrides, env)?;
    let (_, mut endpoint_source) = resolved.endpoint()?;
    if resolved.endpoint_url.is_none() {
        // The host comes from the S3 endpoint rules, and the settings in force.
        let in_force = resolved.endpoint_options.in_force();
        endpoint_source = format!(
            "AWS S3 endpoint rules for region {}{}",
            resolved.region,
            if in_force.is_empty() {
                String::new()
            } else {
                format!("; {in_force}")
            }
        );
    }
    let config_warnings = resolved
        .warnings()
        .iter()
        .map(|warning| format!("warning: {warning}"))
        .collect();
    let endpoint_notes = resolved.unused_endpoint_settings();
    let signature_version = resolved.signature_version.clone().unwrap_or(Sourced {
        value: SignatureVersion::default(),
        source: "default".to_owned(),
    });
    let mut target = resolved.target(bucket, args.addressing_style.map(Into::into))?;
    target.allow_long_expiry = args.allow_long_expiry;
    target.legacy_bucket_names = args.allow_legacy_bucket_names;
    let request = build(&target)?;
    let keys = fetch_credentials(&resolved.credentials, args.profile.as_deref(), env, now)?;
    let (credentials, credentials_source, credentials_expire_at, express) =
        match &target.host.express_session {
            None => (
                keys.to_credentials(),
                keys.source.clone(),
                keys.expires_at,
                None,
            ),
            Some(session) => {
                let sessions = ExpressSessions::new(fetcher(args.profile.as_deref(), env)?);
                let (credentials, session_ends) = sessions.session_for(
                    &target.bucket,
                    &session.endpoint,
                    &session.region,
                    &keys.to_credentials(),
                    now,
                )?;
                let source = format!(
                    "S3 Express session for {} (CreateSession with the keys from {})",
                    target.bucket, keys.source
                );
                // The URL stops working when the session does (about five
                // minutes), or with the keys that made it, if sooner.
                let ends = keys
                    .expires_at
                    .map_or(session_ends, |at| at.min(session_ends));
                let express = ExpressSource {
                    sessions,
                    base: keys,
                    endpoint: session.endpoint.clone(),
                    region: session.region.clone(),
                };
                (credentials, source, Some(ends), Some(express))
            }
        };
    let region_source = if target.region == resolved.region {
        resolved.region_source
    } else {
        format!(
            "the ARN's region (use_arn_region; the configured one is {} from {})",
            resolved.region, resolved.region_source
        )
    };
    Ok(Resolved {
        request,
        target,
        credentials,
        signed_at,
        credentials_source,
        region_source,
        endpoint_source,
        credentials_expire_at,
        credentials_plan: resolved.credentials,
        config_warnings,
        endpoint_notes,
        signature_version,
        express,
    })
}

/// The keys of `source`: at hand, or fetched now (STS, SSO, a process, the
/// container or instance metadata endpoint), with the profile's connection
/// settings and a terminal to ask for an MFA code. `now` is the clock's
/// reading, never `--at`: caches and expiry are about the real time.
pub(crate) fn fetch_credentials(
    source: &CredentialSource,
    profile: Option<&str>,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<ResolvedCredentials> {
    if let CredentialSource::Static(keys) = source {
        return Ok(keys.clone());
    }
    Ok(fetcher(profile, env)?.fetch(source, now)?)
}

/// The fetcher of credentials for `profile`: its proxy and CA settings, and
/// the terminal for MFA codes.
pub(crate) fn fetcher(profile: Option<&str>, env: &Environment) -> anyhow::Result<Fetcher> {
    let transport = resolve_transport(
        &TransportOverrides {
            profile: profile.map(str::to_owned),
            ..TransportOverrides::default()
        },
        env,
    )?;
    Ok(Fetcher::new(transport).with_mfa_prompt(Arc::new(crate::mfa::TerminalPrompt)))
}

impl Resolved {
    /// The endpoint, bucket, region, addressing style and opt-ins requests
    /// are signed for: [`Target::request`] builds other requests on them (a
    /// batch line that overrides method, expiry, query or headers).
    pub(crate) fn target(&self) -> &Target {
        &self.target
    }
}

impl<R> Resolved<R> {
    /// The endpoint settings that do not apply here, each with the reason.
    pub(crate) fn endpoint_notes(&self) -> &[String] {
        &self.endpoint_notes
    }
}

/// The instant `--at` names (RFC 3339 UTC), else `now` (the clock's reading).
pub(crate) fn instant(at: Option<&str>, now: SystemTime) -> anyhow::Result<SystemTime> {
    Ok(match at {
        Some(text) => AmzDate::parse_rfc3339(text)
            .context("invalid --at")?
            .to_system_time(),
        None => now,
    })
}

/// The core's message, plus the flag that changes the rule where there is one.
pub(crate) fn with_cli_hint(error: PresignError) -> anyhow::Error {
    let hint = match &error {
        PresignError::ExpiresOutOfRange { seconds, max }
            if *max == presign::MAX_EXPIRES_SECS && *seconds > *max =>
        {
            Some(
                "pass --allow-long-expiry for stores that do not enforce that limit, such as IBM COS",
            )
        }
        PresignError::InvalidBucket { bucket, .. }
            if bucket.bytes().any(|b| b.is_ascii_uppercase() || b == b'_') =>
        {
            Some(
                "buckets named under the old rules (upper case, '_') are accepted with --allow-legacy-bucket-names",
            )
        }
        PresignError::UnsupportedBySigV2 { .. } => Some(
            "SigV2 is chosen by --signature-version s3 or the profile's s3.signature_version; \
             pass -X GET, PUT, HEAD or DELETE, or --signature-version s3v4",
        ),
        PresignError::InvalidHeader {
            reason: HeaderProblem::NotSignedBySigV2,
            ..
        } => Some("drop that --header (or its shorthand), or sign with --signature-version s3v4"),
        PresignError::InvalidHeader {
            name,
            reason: HeaderProblem::ValueNotPrintableAscii,
        } if name.to_ascii_lowercase().starts_with("x-amz-meta-") => Some(
            "--header signs a value exactly as given; pass non-ASCII metadata as --meta NAME=VALUE, \
                 which encodes it as RFC 2047 (=?UTF-8?B?...?=)",
        ),
        _ => None,
    };
    match hint {
        Some(hint) => anyhow!("{error}; {hint}"),
        None => anyhow!(error),
    }
}

/// Every warning for stderr about URLs made from `resolved` that expire at
/// `url_expires_at`: the configuration's, then the session token's.
pub(crate) fn warnings<R>(resolved: &Resolved<R>, url_expires_at: SystemTime) -> Vec<String> {
    let mut warnings = resolved.config_warnings.clone();
    warnings.extend(session_token_warning(resolved, url_expires_at));
    warnings
}

/// The stderr warning for URLs signed with a session token: they stop
/// working when the token expires (said with the time when it is known).
fn session_token_warning<R>(resolved: &Resolved<R>, url_expires_at: SystemTime) -> Option<String> {
    resolved.credentials.session_token()?;
    let url_expiry = rfc3339(url_expires_at);
    let expiration = resolved.credentials_expire_at.map(rfc3339);
    Some(match (&expiration, resolved.credentials_expire_at) {
        (Some(expiration), Some(at)) if at < url_expires_at => format!(
            "warning: the URL is signed with a session token that expires at {expiration}, before the \
             URL's own expiry ({url_expiry}); the URL stops working at {expiration}"
        ),
        (Some(expiration), _) => format!(
            "warning: the URL is signed with a session token (expires at {expiration}); it stops \
             working when the token expires or is revoked"
        ),
        _ => "warning: the URL is signed with a session token (temporary credentials); it stops working \
                 when the token expires, which may be before its own expiry"
            .to_owned(),
    })
}

/// `2013-05-24T00:30:00Z`: the core's formatter, for the commands that take
/// their times from here.
pub(crate) use presign::rfc3339;

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use clap::Parser;
    use presign_config::Environment;

    use super::resolve_target;
    use crate::cli::SigningArgs;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        signing: SigningArgs,
    }

    #[test]
    fn the_secret_is_kept_once_in_the_credentials_and_never_in_debug() {
        const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let flags = Flags::try_parse_from(["presign", "--region", "us-east-1"]).unwrap();
        let env = Environment::from_vars(
            [
                ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
                ("AWS_SECRET_ACCESS_KEY", SECRET),
            ],
            None,
        );
        let resolved = resolve_target(
            &flags.signing,
            "bucket",
            &env,
            SystemTime::now(),
            |_| Ok(()),
        )
        .unwrap();
        assert_eq!(resolved.credentials.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(resolved.credentials.reveal_secret_access_key(), SECRET);
        let shown = format!("{resolved:?}");
        assert!(!shown.contains("EXAMPLEKEY"), "{shown}");
        assert!(shown.contains("AKIAIOSFODNN7EXAMPLE"), "{shown}");
    }
}
