//! ARNs as the bucket: S3 access points, S3 Object Lambda access points,
//! Multi-Region Access Points and Outposts access points, in the order and
//! with the checks of botocore's S3 endpoint rules.

use super::arn::Arn;
use super::error::EndpointError;
use super::names::is_valid_host_label;
use super::partition::Partition;
use super::resolve::{Context, Setting, arn_error, unsupported_with, virtual_aws, virtual_custom};
use super::{AuthScheme, HostForm, ResolvedEndpoint};
use crate::request::Addressing;

/// The endpoint of the ARN `bucket`.
pub(super) fn resolve(
    context: &Context<'_>,
    bucket: &str,
    arn: &Arn,
) -> Result<ResolvedEndpoint, EndpointError> {
    let arn_type = arn
        .resource_part(0)
        .filter(|kind| !kind.is_empty())
        .ok_or_else(|| {
            arn_error(
                bucket,
                "it names no resource type: use accesspoint/NAME or outpost/ID/accesspoint/NAME",
            )
        })?;
    if arn.service == "s3-object-lambda" {
        return object_lambda(context, bucket, arn, arn_type);
    }
    if arn_type == "accesspoint" {
        let name = access_point_name(bucket, arn)?;
        return if arn.region.is_empty() {
            multi_region(context, bucket, arn, name)
        } else {
            access_point(context, bucket, arn, name)
        };
    }
    if arn.service == "s3-outposts" {
        return outposts(context, bucket, arn);
    }
    Err(arn_error(
        bucket,
        format!("resource type `{arn_type}` is not supported: use `accesspoint` or `outpost`"),
    ))
}

/// `accesspoint/NAME`'s NAME, which must not be empty.
fn access_point_name<'a>(bucket: &str, arn: &'a Arn) -> Result<&'a str, EndpointError> {
    arn.resource_part(1)
        .filter(|name| !name.is_empty())
        .ok_or_else(|| {
            arn_error(
                bucket,
                "the access point has no name: the resource is accesspoint/NAME",
            )
        })
}

/// Nothing may follow `accesspoint/NAME`.
fn single_resource(bucket: &str, arn: &Arn) -> Result<(), EndpointError> {
    if arn.resource_part(2).is_some() {
        return Err(arn_error(
            bucket,
            "only one resource part may follow `accesspoint` (accesspoint/NAME)",
        ));
    }
    Ok(())
}

/// The checks on the ARN's region: the client's region unless
/// `use_arn_region`, the same partition, a DNS name. Gives the ARN region's
/// partition.
fn arn_location(
    context: &Context<'_>,
    bucket: &str,
    arn: &Arn,
) -> Result<&'static Partition, EndpointError> {
    if !context.settings.use_arn_region && arn.region != context.region {
        return Err(EndpointError::ArnRegionMismatch {
            arn_region: arn.region.clone(),
            region: context.region.to_owned(),
        });
    }
    let arn_partition = Partition::of_region(&arn.region);
    if arn_partition.name != context.partition.name {
        return Err(EndpointError::CrossPartition {
            arn_partition: arn_partition.name.to_owned(),
            region: context.region.to_owned(),
            region_partition: context.partition.name,
        });
    }
    if !is_valid_host_label(&arn.region, true) {
        return Err(arn_error(
            bucket,
            format!(
                "its region {:?} is not a valid DNS name: use letters, digits and '-'",
                arn.region
            ),
        ));
    }
    Ok(arn_partition)
}

/// The account id: not empty, a DNS label.
fn account_label(bucket: &str, arn: &Arn) -> Result<(), EndpointError> {
    if arn.account_id.is_empty() {
        return Err(arn_error(bucket, "the access point ARN has no account id"));
    }
    label(bucket, "account id", &arn.account_id)
}

fn label(bucket: &str, part: &str, value: &str) -> Result<(), EndpointError> {
    if is_valid_host_label(value, false) {
        Ok(())
    } else {
        Err(arn_error(
            bucket,
            format!("the {part} {value:?} may only hold a-z, A-Z, 0-9 and '-' (1 to 63 of them)"),
        ))
    }
}

/// `arn:PARTITION:s3-object-lambda:REGION:ACCOUNT:accesspoint/NAME`.
fn object_lambda(
    context: &Context<'_>,
    bucket: &str,
    arn: &Arn,
    arn_type: &str,
) -> Result<ResolvedEndpoint, EndpointError> {
    if arn_type != "accesspoint" {
        return Err(arn_error(
            bucket,
            format!(
                "resource type `{arn_type}` is not supported by S3 Object Lambda: use `accesspoint`"
            ),
        ));
    }
    let name = access_point_name(bucket, arn)?;
    unsupported_with(
        context,
        "S3 Object Lambda",
        &[Setting::Dualstack, Setting::Accelerate],
    )?;
    if arn.region.is_empty() {
        return Err(arn_error(bucket, "the S3 Object Lambda ARN has no region"));
    }
    single_resource(bucket, arn)?;
    let partition = arn_location(context, bucket, arn)?;
    account_label(bucket, arn)?;
    label(bucket, "access point name", name)?;
    let label = format!("{name}-{}", arn.account_id);
    let auth = AuthScheme::sigv4("s3-object-lambda", &arn.region);
    if let Some(url) = &context.url {
        return Ok(virtual_custom(url, &label, auth, HostForm::ObjectLambda));
    }
    let fips = if context.fips() { "-fips" } else { "" };
    let host = format!(
        "s3-object-lambda{fips}.{}.{}",
        arn.region, partition.dns_suffix
    );
    Ok(virtual_aws(
        context,
        &label,
        &host,
        auth,
        HostForm::ObjectLambda,
    ))
}

/// `arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME`.
fn access_point(
    context: &Context<'_>,
    bucket: &str,
    arn: &Arn,
    name: &str,
) -> Result<ResolvedEndpoint, EndpointError> {
    single_resource(bucket, arn)?;
    let partition = arn_location(context, bucket, arn)?;
    if arn.service != "s3" {
        return Err(arn_error(
            bucket,
            format!(
                "service `{}` has no S3 access points: use s3, s3-object-lambda or s3-outposts",
                arn.service
            ),
        ));
    }
    account_label(bucket, arn)?;
    label(bucket, "access point name", name)?;
    unsupported_with(context, "an S3 access point", &[Setting::Accelerate])?;
    let label = format!("{name}-{}", arn.account_id);
    let auth = AuthScheme::sigv4("s3", &arn.region);
    if let Some(url) = &context.url {
        return Ok(virtual_custom(url, &label, auth, HostForm::AccessPoint));
    }
    let service = match (context.fips(), context.dualstack()) {
        (true, true) => "s3-accesspoint-fips.dualstack",
        (true, false) => "s3-accesspoint-fips",
        (false, true) => "s3-accesspoint.dualstack",
        (false, false) => "s3-accesspoint",
    };
    let host = format!("{service}.{}.{}", arn.region, partition.dns_suffix);
    Ok(virtual_aws(
        context,
        &label,
        &host,
        auth,
        HostForm::AccessPoint,
    ))
}

/// `arn:PARTITION:s3::ACCOUNT:accesspoint/NAME.mrap`: SigV4A on the global
/// host.
fn multi_region(
    context: &Context<'_>,
    bucket: &str,
    arn: &Arn,
    name: &str,
) -> Result<ResolvedEndpoint, EndpointError> {
    if !is_valid_host_label(name, true) {
        return Err(arn_error(
            bucket,
            format!(
                "the Multi-Region Access Point name {name:?} must be DNS labels \
                 (a-z, A-Z, 0-9, '-', separated by '.')"
            ),
        ));
    }
    unsupported_with(
        context,
        "a Multi-Region Access Point",
        &[Setting::Dualstack, Setting::Fips, Setting::Accelerate],
    )?;
    if context.settings.disable_multi_region_access_points {
        return Err(EndpointError::MultiRegionAccessPointsDisabled);
    }
    if context.partition.name != arn.partition {
        return Err(EndpointError::CrossPartition {
            arn_partition: arn.partition.clone(),
            region: context.region.to_owned(),
            region_partition: context.partition.name,
        });
    }
    Ok(ResolvedEndpoint {
        endpoint: format!(
            "https://accesspoint.s3-global.{}",
            context.partition.dns_suffix
        ),
        bucket: name.to_owned(),
        addressing: Addressing::VirtualHost,
        auth: AuthScheme::sigv4a("s3"),
        alternative_auth: None,
        form: HostForm::MultiRegionAccessPoint,
        express: false,
        fips: false,
        dualstack: false,
    })
}

/// `arn:PARTITION:s3-outposts:REGION:ACCOUNT:outpost/ID/accesspoint/NAME`.
fn outposts(
    context: &Context<'_>,
    bucket: &str,
    arn: &Arn,
) -> Result<ResolvedEndpoint, EndpointError> {
    unsupported_with(
        context,
        "S3 Outposts",
        &[Setting::Dualstack, Setting::Fips, Setting::Accelerate],
    )?;
    if arn.resource_part(4).is_some() {
        return Err(arn_error(
            bucket,
            "an Outposts access point ARN has 4 resource parts: outpost/ID/accesspoint/NAME",
        ));
    }
    let outpost_id = arn
        .resource_part(1)
        .ok_or_else(|| arn_error(bucket, "the Outposts ARN has no outpost id: outpost/ID/..."))?;
    label(bucket, "outpost id", outpost_id)?;
    let partition = arn_location(context, bucket, arn)?;
    label(bucket, "account id", &arn.account_id)?;
    let (Some(kind), Some(name)) = (arn.resource_part(2), arn.resource_part(3)) else {
        return Err(arn_error(
            bucket,
            "an Outposts access point ARN has 4 resource parts: outpost/ID/accesspoint/NAME",
        ));
    };
    if kind != "accesspoint" {
        return Err(arn_error(
            bucket,
            format!("the outpost resource type `{kind}` is not supported: use `accesspoint`"),
        ));
    }
    label(bucket, "access point name", name)?;
    let label = format!("{name}-{}", arn.account_id);
    let endpoint = match &context.url {
        Some(url) => format!("https://{outpost_id}.{}", url.authority),
        None => format!(
            "https://{outpost_id}.s3-outposts.{}.{}",
            arn.region, partition.dns_suffix
        ),
    };
    Ok(ResolvedEndpoint {
        endpoint,
        bucket: label,
        addressing: Addressing::VirtualHost,
        auth: AuthScheme::sigv4a("s3-outposts"),
        alternative_auth: Some(AuthScheme::sigv4("s3-outposts", &arn.region)),
        form: HostForm::Outposts,
        express: false,
        fips: false,
        dualstack: false,
    })
}
