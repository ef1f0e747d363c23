//! The S3 endpoint rules of botocore 1.43.11 (`endpoint-rule-set-1.json`),
//! written out as Rust for the requests a presigned URL can make: an object
//! in a bucket, or the service itself.
//!
//! The rule set is a decision tree evaluated top to bottom, where a branch
//! whose inner rules all fail falls through to the next one. The functions
//! here keep its order: conflicts first, then S3 Express buckets, Outposts
//! bucket aliases, virtual-hosted buckets, dotted buckets on http custom
//! endpoints, ARNs, and path style last. Each returns `Ok(None)` where the
//! rule set falls through.

use super::arn::parse_arn;
use super::error::EndpointError;
use super::names::{CustomUrl, is_valid_host_label, is_virtual_hostable_bucket};
use super::partition::Partition;
use super::{AuthScheme, EndpointSettings, HostForm, ResolvedEndpoint};
use crate::request::Addressing;

/// What every rule reads: the settings, the region's partition and the
/// custom endpoint, parsed.
pub(super) struct Context<'a> {
    pub(super) settings: &'a EndpointSettings,
    pub(super) region: &'a str,
    pub(super) partition: &'static Partition,
    /// The custom endpoint when there is one and it parses.
    pub(super) url: Option<CustomUrl>,
}

impl Context<'_> {
    pub(super) fn custom(&self) -> bool {
        self.settings.endpoint_url.is_some()
    }

    /// The region to sign with and to put in the host: `aws-global` is
    /// us-east-1.
    pub(super) fn signing_region(&self) -> &str {
        if self.region == "aws-global" {
            "us-east-1"
        } else {
            self.region
        }
    }

    pub(super) fn fips(&self) -> bool {
        self.settings.use_fips
    }

    pub(super) fn dualstack(&self) -> bool {
        self.settings.use_dualstack
    }

    pub(super) fn accelerate(&self) -> bool {
        self.settings.accelerate
    }
}

/// See [`super::resolve_s3_endpoint`].
pub(super) fn resolve(
    settings: &EndpointSettings,
    bucket: &str,
) -> Result<ResolvedEndpoint, EndpointError> {
    // An empty region is botocore's `Region: ""`: set, in the aws
    // partition, refused where a host needs it as a label, and signed as it
    // is on custom endpoints (IBM COS).
    let region = settings.region.as_str();
    let context = Context {
        settings,
        region,
        partition: Partition::of_region(region),
        url: settings.endpoint_url.as_deref().and_then(CustomUrl::parse),
    };
    // botocore keeps `user:password@` in the endpoint it returns; presign
    // never sends user information (Endpoint::parse refuses it), and a
    // password must not travel on in a resolved endpoint.
    if context
        .url
        .as_ref()
        .is_some_and(|url| url.authority.contains('@'))
    {
        return Err(invalid_endpoint(&context));
    }
    check_conflicts(&context)?;
    if bucket.is_empty() {
        return service_endpoint(&context);
    }
    if let Some(resolved) = express_bucket(&context, bucket)? {
        return Ok(resolved);
    }
    if let Some(resolved) = outposts_alias(&context, bucket)? {
        return Ok(resolved);
    }
    bucket_endpoint(&context, bucket)
}

/// The settings the rules refuse together, before anything else.
fn check_conflicts(context: &Context<'_>) -> Result<(), EndpointError> {
    let conflict = |setting, with| Err(EndpointError::Conflict { setting, with });
    if context.accelerate() && context.fips() {
        return conflict("S3 Accelerate (accelerate)", "FIPS (use_fips)");
    }
    if context.dualstack() && context.custom() {
        return conflict(
            "dual-stack (use_dualstack)",
            "a custom endpoint (endpoint_url)",
        );
    }
    if context.custom() && context.fips() {
        return conflict("a custom endpoint (endpoint_url)", "FIPS (use_fips)");
    }
    if context.custom() && context.accelerate() {
        return conflict(
            "a custom endpoint (endpoint_url)",
            "S3 Accelerate (accelerate)",
        );
    }
    if context.fips() && context.partition.name == "aws-cn" {
        return Err(EndpointError::NotInPartition {
            setting: "FIPS (use_fips)",
            partition: "aws-cn",
        });
    }
    Ok(())
}

/// A `https://{bucket}.{host}` endpoint.
pub(super) fn virtual_aws(
    context: &Context<'_>,
    bucket: &str,
    host: &str,
    auth: AuthScheme,
    form: HostForm,
) -> ResolvedEndpoint {
    ResolvedEndpoint {
        endpoint: format!("https://{host}"),
        bucket: bucket.to_owned(),
        addressing: Addressing::VirtualHost,
        auth,
        alternative_auth: None,
        form,
        express: false,
        fips: context.fips(),
        dualstack: context.dualstack(),
    }
}

/// A `{scheme}://{bucket}.{authority}{path}` endpoint on the custom URL.
pub(super) fn virtual_custom(
    url: &CustomUrl,
    bucket: &str,
    auth: AuthScheme,
    form: HostForm,
) -> ResolvedEndpoint {
    ResolvedEndpoint {
        endpoint: format!("{}://{}{}", url.scheme, url.authority, url.path),
        bucket: bucket.to_owned(),
        addressing: Addressing::VirtualHost,
        auth,
        alternative_auth: None,
        form,
        express: false,
        fips: false,
        dualstack: false,
    }
}

/// A `{base}/{bucket}` endpoint, `base` without its trailing `/`.
fn path_style(
    context: &Context<'_>,
    base: &str,
    bucket: &str,
    auth: AuthScheme,
    form: HostForm,
) -> ResolvedEndpoint {
    ResolvedEndpoint {
        endpoint: base.trim_end_matches('/').to_owned(),
        bucket: bucket.to_owned(),
        addressing: Addressing::Path,
        auth,
        alternative_auth: None,
        form,
        express: false,
        fips: context.fips() && !context.custom(),
        dualstack: context.dualstack() && !context.custom(),
    }
}

/// `s3`, `s3-fips`, `s3.dualstack` or `s3-fips.dualstack` then `.REGION.`
/// and the partition's suffix; `s3.SUFFIX` for the global endpoint.
fn regional_host(context: &Context<'_>) -> (String, HostForm) {
    let suffix = context.partition.dns_suffix;
    let region = context.signing_region();
    let service = match (context.fips(), context.dualstack()) {
        (true, true) => "s3-fips.dualstack",
        (true, false) => "s3-fips",
        (false, true) => "s3.dualstack",
        (false, false) => {
            let global = context.region == "aws-global"
                || (context.settings.use_global_endpoint && context.region == "us-east-1");
            if global {
                return (format!("s3.{suffix}"), HostForm::Global);
            }
            "s3"
        }
    };
    (format!("{service}.{region}.{suffix}"), HostForm::Regional)
}

/// No bucket: the service endpoint (or Object Lambda's, with
/// `use_object_lambda_endpoint`).
fn service_endpoint(context: &Context<'_>) -> Result<ResolvedEndpoint, EndpointError> {
    if !is_valid_host_label(context.region, true) {
        return Err(EndpointError::InvalidRegion {
            region: context.region.to_owned(),
        });
    }
    let region = context.region;
    let suffix = context.partition.dns_suffix;
    if context.settings.use_object_lambda_endpoint {
        unsupported_with(
            context,
            "S3 Object Lambda",
            &[Setting::Dualstack, Setting::Accelerate],
        )?;
        let auth = AuthScheme::sigv4("s3-object-lambda", region);
        let endpoint = if let Some(url) = &context.url {
            format!("{}://{}{}", url.scheme, url.authority, url.path)
        } else if context.fips() {
            format!("https://s3-object-lambda-fips.{region}.{suffix}")
        } else {
            format!("https://s3-object-lambda.{region}.{suffix}")
        };
        return Ok(service_at(context, endpoint, auth, HostForm::ObjectLambda));
    }
    let auth = AuthScheme::sigv4("s3", context.signing_region());
    if let Some(url) = &context.url {
        let endpoint = format!("{}://{}{}", url.scheme, url.authority, url.path);
        return Ok(service_at(context, endpoint, auth, HostForm::Custom));
    }
    if context.custom() {
        return Err(invalid_endpoint(context));
    }
    let (host, form) = regional_host(context);
    Ok(service_at(context, format!("https://{host}"), auth, form))
}

fn service_at(
    context: &Context<'_>,
    endpoint: String,
    auth: AuthScheme,
    form: HostForm,
) -> ResolvedEndpoint {
    ResolvedEndpoint {
        endpoint,
        bucket: String::new(),
        addressing: Addressing::Path,
        auth,
        alternative_auth: None,
        form,
        express: false,
        fips: context.fips() && !context.custom(),
        dualstack: context.dualstack() && !context.custom(),
    }
}

fn invalid_endpoint(context: &Context<'_>) -> EndpointError {
    EndpointError::InvalidEndpointUrl {
        endpoint: crate::endpoint::redact_userinfo(
            context.settings.endpoint_url.as_deref().unwrap_or_default(),
        ),
    }
}

/// A setting an endpoint form may not offer.
#[derive(Clone, Copy)]
pub(super) enum Setting {
    Dualstack,
    Fips,
    Accelerate,
}

/// Refuses the first of `settings` that is on, in the order given.
pub(super) fn unsupported_with(
    context: &Context<'_>,
    form: &'static str,
    settings: &[Setting],
) -> Result<(), EndpointError> {
    for setting in settings {
        let (on, name) = match setting {
            Setting::Dualstack => (context.dualstack(), "dual-stack (use_dualstack)"),
            Setting::Fips => (context.fips(), "FIPS (use_fips)"),
            Setting::Accelerate => (context.accelerate(), "S3 Accelerate (accelerate)"),
        };
        if on {
            return Err(EndpointError::Unsupported {
                form,
                setting: name,
            });
        }
    }
    Ok(())
}

/// The last `n` bytes of an ASCII `text` before its last `skip` bytes
/// (the rules' `substring(text, skip, skip + n, reverse=true)`).
fn from_end(text: &str, skip: usize, n: usize) -> Option<&str> {
    (text.is_ascii() && text.len() >= skip + n)
        .then(|| &text[text.len() - skip - n..text.len() - skip])
}

/// S3 Express One Zone directory buckets (`NAME--AZID--x-s3`) and their
/// access points (`NAME--AZID--xa-s3`): zonal hosts, service `s3express`.
fn express_bucket(
    context: &Context<'_>,
    bucket: &str,
) -> Result<Option<ResolvedEndpoint>, EndpointError> {
    let suffix_len = if from_end(bucket, 0, 6) == Some("--x-s3") {
        6
    } else if from_end(bucket, 0, 7) == Some("--xa-s3") {
        7
    } else {
        return Ok(None);
    };
    unsupported_with(context, "S3 Express", &[Setting::Accelerate])?;
    let auth = if context.settings.disable_express_session_auth {
        AuthScheme::sigv4("s3express", context.region)
    } else {
        AuthScheme::SigV4S3Express {
            signing_name: "s3express".to_owned(),
            signing_region: context.region.to_owned(),
        }
    };
    let not_virtual = || EndpointError::InvalidBucket {
        bucket: bucket.to_owned(),
        reason: "an S3 Express bucket name must be a DNS label: lower-case letters, digits \
                 and '-', no '.'",
    };
    let express = |mut resolved: ResolvedEndpoint| {
        resolved.express = true;
        Ok(Some(resolved))
    };
    if let Some(url) = &context.url {
        if url.is_ip {
            // botocore writes `{scheme}://{authority}/{bucket}{path}`: the
            // bucket before the endpoint's path, which no request of
            // endpoint, bucket and key can say. A bare `/` changes nothing.
            if !url.path.is_empty() && url.path != "/" {
                return Err(EndpointError::Unsupported {
                    form: "an S3 Express bucket on an IP endpoint",
                    setting: "a base path in endpoint_url (botocore puts the bucket before it)",
                });
            }
            let base = format!("{}://{}", url.scheme, url.authority);
            let resolved = path_style(context, &base, bucket, auth, HostForm::Express);
            return express(resolved);
        }
        if is_virtual_hostable_bucket(bucket, false) {
            return express(virtual_custom(url, bucket, auth, HostForm::Express));
        }
        return Err(not_virtual());
    }
    if !is_virtual_hostable_bucket(bucket, false) {
        return Err(not_virtual());
    }
    // The zone id is 8, 9, 13, 14 or 20 characters long, then `--`.
    let zone = [8, 9, 13, 14, 20].into_iter().find_map(|length| {
        (from_end(bucket, suffix_len + length, 2) == Some("--"))
            .then(|| from_end(bucket, suffix_len, length))
            .flatten()
    });
    let Some(zone) = zone else {
        return Err(EndpointError::InvalidBucket {
            bucket: bucket.to_owned(),
            reason: "an S3 Express bucket name is NAME--ZONEID--x-s3 (an access point's \
                     NAME--ZONEID--xa-s3), with a zone id such as usw2-az1",
        });
    };
    let fips = if context.fips() { "-fips" } else { "" };
    let dualstack = if context.dualstack() {
        ".dualstack"
    } else {
        ""
    };
    let host = format!(
        "s3express{fips}-{zone}{dualstack}.{}.{}",
        context.region, context.partition.dns_suffix
    );
    express(virtual_aws(context, bucket, &host, auth, HostForm::Express))
}

/// An Outposts bucket alias: 50 characters or more, ending in `--op-s3`,
/// with the hardware type at 50 from the end and the outpost id after it.
fn outposts_alias(
    context: &Context<'_>,
    bucket: &str,
) -> Result<Option<ResolvedEndpoint>, EndpointError> {
    let (Some(hardware), Some(region_prefix), Some(outpost_id)) = (
        from_end(bucket, 49, 1),
        from_end(bucket, 8, 4),
        from_end(bucket, 32, 17),
    ) else {
        return Ok(None);
    };
    if from_end(bucket, 0, 7) != Some("--op-s3") {
        return Ok(None);
    }
    let invalid = |reason| EndpointError::InvalidBucket {
        bucket: bucket.to_owned(),
        reason,
    };
    if !is_valid_host_label(outpost_id, false) {
        return Err(invalid(
            "the outpost id in an Outposts bucket alias may only hold a-z, A-Z, 0-9 and '-'",
        ));
    }
    if !is_virtual_hostable_bucket(bucket, false) {
        return Err(invalid(
            "an Outposts bucket alias must be a valid bucket name (lower case, no '.')",
        ));
    }
    let label = match hardware {
        "e" => "ec2".to_owned(),
        "o" => format!("op-{outpost_id}"),
        _ => {
            return Err(invalid(
                "the hardware type of an Outposts bucket alias (50th character from the end) \
                 must be 'o' or 'e'",
            ));
        }
    };
    let endpoint = if region_prefix == "beta" && context.custom() {
        context
            .url
            .as_ref()
            .map(|url| format!("https://{label}.{}", url.authority))
    } else if region_prefix == "beta" {
        return Err(invalid(
            "a beta Outposts bucket alias needs a custom endpoint (endpoint_url)",
        ));
    } else {
        None
    };
    let endpoint = endpoint.unwrap_or_else(|| {
        format!(
            "https://{label}.s3-outposts.{}.{}",
            context.region, context.partition.dns_suffix
        )
    });
    Ok(Some(ResolvedEndpoint {
        endpoint,
        bucket: bucket.to_owned(),
        addressing: Addressing::VirtualHost,
        auth: AuthScheme::sigv4a("s3-outposts"),
        alternative_auth: Some(AuthScheme::sigv4("s3-outposts", context.region)),
        form: HostForm::Outposts,
        express: false,
        fips: false,
        dualstack: false,
    }))
}

/// An ordinary bucket or an ARN.
fn bucket_endpoint(context: &Context<'_>, bucket: &str) -> Result<ResolvedEndpoint, EndpointError> {
    if context.custom() && context.url.is_none() {
        return Err(invalid_endpoint(context));
    }
    let path_forced = context.settings.force_path_style;
    if !path_forced && is_virtual_hostable_bucket(bucket, false) {
        return virtual_bucket(context, bucket);
    }
    if let Some(url) = &context.url
        && url.scheme == "http"
        && is_virtual_hostable_bucket(bucket, true)
        && !path_forced
        && !context.fips()
        && !context.dualstack()
        && !context.accelerate()
    {
        valid_region(context)?;
        let auth = AuthScheme::sigv4("s3", context.region);
        return Ok(virtual_custom(url, bucket, auth, HostForm::Custom));
    }
    match parse_arn(bucket) {
        Ok(_) if path_forced => Err(EndpointError::Conflict {
            setting: "path-style addressing (force_path_style)",
            with: "an ARN bucket",
        }),
        Ok(arn) => super::access_point::resolve(context, bucket, &arn),
        // The rules' `substring` (which finds the `arn:` prefix) gives
        // nothing for a name that is not ASCII: such a name is a path-style
        // bucket, even when it starts with `arn:`.
        Err(source) if bucket.is_ascii() && bucket.starts_with("arn:") => {
            Err(EndpointError::MalformedArn {
                arn: bucket.to_owned(),
                source,
            })
        }
        Err(_) => path_bucket(context, bucket),
    }
}

fn valid_region(context: &Context<'_>) -> Result<(), EndpointError> {
    if is_valid_host_label(context.region, false) {
        Ok(())
    } else {
        Err(EndpointError::InvalidRegion {
            region: context.region.to_owned(),
        })
    }
}

/// A virtual-hostable bucket: regional, global, dual-stack, FIPS,
/// accelerate or custom host.
fn virtual_bucket(context: &Context<'_>, bucket: &str) -> Result<ResolvedEndpoint, EndpointError> {
    valid_region(context)?;
    let suffix = context.partition.dns_suffix;
    if context.accelerate() && context.partition.name == "aws-cn" {
        return Err(EndpointError::NotInPartition {
            setting: "S3 Accelerate (accelerate)",
            partition: "aws-cn",
        });
    }
    let auth = AuthScheme::sigv4("s3", context.signing_region());
    if let Some(url) = &context.url {
        if url.is_ip {
            let base = format!("{}://{}{}", url.scheme, url.authority, url.normalized_path);
            return Ok(path_style(context, &base, bucket, auth, HostForm::Custom));
        }
        return Ok(virtual_custom(url, bucket, auth, HostForm::Custom));
    }
    if context.accelerate() {
        let host = match (context.dualstack(), context.region == "aws-global") {
            (true, true) => format!("s3-accelerate.dualstack.us-east-1.{suffix}"),
            (true, false) => format!("s3-accelerate.dualstack.{suffix}"),
            (false, _) => format!("s3-accelerate.{suffix}"),
        };
        return Ok(virtual_aws(
            context,
            bucket,
            &host,
            auth,
            HostForm::Accelerate,
        ));
    }
    let (host, form) = regional_host(context);
    Ok(virtual_aws(context, bucket, &host, auth, form))
}

/// Path style: `https://HOST/BUCKET`.
fn path_bucket(context: &Context<'_>, bucket: &str) -> Result<ResolvedEndpoint, EndpointError> {
    if context.accelerate() {
        return Err(EndpointError::Conflict {
            setting: "S3 Accelerate (accelerate)",
            with: "path-style addressing (force_path_style, or a bucket name that is not \
                   a lower-case DNS label)",
        });
    }
    let auth = AuthScheme::sigv4("s3", context.signing_region());
    if let Some(url) = &context.url {
        let base = format!("{}://{}{}", url.scheme, url.authority, url.normalized_path);
        return Ok(path_style(context, &base, bucket, auth, HostForm::Custom));
    }
    let (host, form) = regional_host(context);
    Ok(path_style(
        context,
        &format!("https://{host}"),
        bucket,
        auth,
        form,
    ))
}

/// An ARN the rules refuse, and why.
pub(super) fn arn_error(bucket: &str, reason: impl Into<String>) -> EndpointError {
    EndpointError::InvalidArn {
        arn: bucket.to_owned(),
        reason: reason.into(),
    }
}
