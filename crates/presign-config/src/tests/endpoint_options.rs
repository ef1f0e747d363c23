//! The S3 endpoint settings come from the places botocore reads them, in its
//! order, behind the flags; bad values are refused naming the setting.

use super::*;
use pretty_assertions::assert_eq;

fn keys() -> Fixture {
    env_keys(Fixture::new())
}

fn options(fixture: &Fixture, flags: &Overrides) -> EndpointOptions {
    fixture.ok(flags).endpoint_options
}

fn value(setting: Option<&Sourced<bool>>) -> Option<(bool, &str)> {
    setting.map(|sourced| (sourced.value, sourced.source.as_str()))
}

#[test]
fn nothing_set_means_botocores_defaults() {
    let options = options(&keys(), &no_flags());
    assert_eq!(options, EndpointOptions::default());
    assert!(
        options.use_arn_region(),
        "botocore's s3 use_arn_region defaults to true"
    );
    assert!(
        options.us_east_1_legacy(),
        "botocore's us-east-1 endpoint defaults to legacy"
    );
    assert!(!EndpointOptions::is_on(options.dualstack.as_ref()));
}

#[test]
fn dualstack_reads_the_s3_section_when_true_then_the_environment_then_the_profile() {
    let fixture = keys().config("[default]\nuse_dualstack_endpoint = true\n");
    let found = options(&fixture, &no_flags());
    let (on, source) = value(found.dualstack.as_ref()).unwrap();
    assert!(on);
    assert!(
        source.starts_with("`use_dualstack_endpoint` in profile 'default'"),
        "{source}"
    );

    let fixture = fixture.var("AWS_USE_DUALSTACK_ENDPOINT", "FALSE");
    assert_eq!(
        value(options(&fixture, &no_flags()).dualstack.as_ref()),
        Some((false, "AWS_USE_DUALSTACK_ENDPOINT"))
    );

    // The s3 section's true wins over the environment; its false does not
    // (botocore's _is_s3_dualstack_mode only answers when it is true).
    let section_true = keys()
        .var("AWS_USE_DUALSTACK_ENDPOINT", "false")
        .config("[default]\ns3 =\n  use_dualstack_endpoint = true\n");
    let found = options(&section_true, &no_flags());
    let (on, source) = value(found.dualstack.as_ref()).unwrap();
    assert!(on);
    assert!(
        source.contains("in the s3 section of profile 'default'"),
        "{source}"
    );
    let section_false = keys()
        .var("AWS_USE_DUALSTACK_ENDPOINT", "true")
        .config("[default]\ns3 =\n  use_dualstack_endpoint = false\n");
    assert_eq!(
        value(options(&section_false, &no_flags()).dualstack.as_ref()),
        Some((true, "AWS_USE_DUALSTACK_ENDPOINT"))
    );

    // The flag wins over all of them.
    let flags = Overrides {
        dualstack: Some(false),
        ..Overrides::default()
    };
    assert_eq!(
        value(options(&section_true, &flags).dualstack.as_ref()),
        Some((false, "--dualstack"))
    );
}

#[test]
fn fips_and_acceleration_come_from_their_own_places() {
    let fixture = keys()
        .var("AWS_USE_FIPS_ENDPOINT", "true")
        .config("[default]\nuse_fips_endpoint = false\ns3 =\n  use_accelerate_endpoint = True\n");
    let found = options(&fixture, &no_flags());
    assert_eq!(
        value(found.fips.as_ref()),
        Some((true, "AWS_USE_FIPS_ENDPOINT"))
    );
    let (on, source) = value(found.accelerate.as_ref()).unwrap();
    assert!(on);
    assert!(
        source.starts_with("`use_accelerate_endpoint` in the s3 section"),
        "{source}"
    );

    let flags = Overrides {
        fips: Some(true),
        accelerate: Some(true),
        ..Overrides::default()
    };
    let found = options(&keys(), &flags);
    assert_eq!(value(found.fips.as_ref()), Some((true, "--fips")));
    assert_eq!(
        value(found.accelerate.as_ref()),
        Some((true, "--accelerate"))
    );
}

#[test]
fn arn_region_us_east_1_mrap_and_express_settings_follow_botocores_order() {
    let fixture = keys().config(
        "[default]\ns3_use_arn_region = false\ns3_us_east_1_regional_endpoint = regional\n\
         s3_disable_express_session_auth = true\n\
         s3 =\n  use_arn_region = true\n  us_east_1_regional_endpoint = legacy\n  \
         s3_disable_multiregion_access_points = true\n",
    );
    let found = options(&fixture, &no_flags());
    assert!(
        !found.use_arn_region(),
        "the top-level key comes before the s3 section"
    );
    assert!(!found.us_east_1_legacy());
    assert_eq!(
        found.us_east_1.as_ref().unwrap().value,
        UsEast1Endpoint::Regional
    );
    assert!(EndpointOptions::is_on(
        found.disable_multi_region_access_points.as_ref()
    ));
    assert!(EndpointOptions::is_on(
        found.disable_express_session_auth.as_ref()
    ));

    let fixture = fixture
        .var("AWS_S3_USE_ARN_REGION", "true")
        .var("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "LEGACY")
        .var("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "false")
        .var("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "false");
    let found = options(&fixture, &no_flags());
    assert!(found.use_arn_region());
    assert!(found.us_east_1_legacy());
    assert_eq!(
        found.us_east_1.as_ref().unwrap().source,
        "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"
    );
    assert!(!EndpointOptions::is_on(
        found.disable_multi_region_access_points.as_ref()
    ));
    assert!(!EndpointOptions::is_on(
        found.disable_express_session_auth.as_ref()
    ));
}

#[test]
fn a_value_that_is_no_boolean_is_refused_naming_the_setting_and_its_place() {
    let error = keys().var("AWS_USE_FIPS_ENDPOINT", "yes").err(&no_flags());
    assert_eq!(
        error.to_string(),
        "AWS_USE_FIPS_ENDPOINT: expected true or false"
    );
    let fixture = keys().config("[profile dev]\ns3 =\n  use_accelerate_endpoint = on\n");
    let message = fixture.err(&profile_flag("dev")).to_string();
    assert!(
        message.starts_with("`use_accelerate_endpoint` in the s3 section of profile 'dev' in ")
            && message.ends_with("config: expected true or false"),
        "{message}"
    );
    let message = keys()
        .var("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "global")
        .err(&no_flags())
        .to_string();
    assert_eq!(
        message,
        "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT: expected legacy or regional"
    );
}

#[test]
fn settings_given_as_overrides_win_over_the_environment_and_the_files() {
    let fixture = keys()
        .var("AWS_S3_USE_ARN_REGION", "true")
        .var("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "regional")
        .var("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH", "false");
    let flags = Overrides {
        use_arn_region: Some(false),
        us_east_1_regional: Some(false),
        disable_express_session_auth: Some(true),
        ..no_flags()
    };
    let found = options(&fixture, &flags);
    assert!(!found.use_arn_region());
    assert_eq!(
        value(found.use_arn_region.as_ref()),
        Some((false, "the use_arn_region given"))
    );
    assert!(found.us_east_1_legacy());
    assert_eq!(
        found.us_east_1.as_ref().unwrap().source,
        "the us_east_1_regional_endpoint given"
    );
    assert_eq!(
        value(found.disable_express_session_auth.as_ref()),
        Some((true, "the s3_disable_express_session_auth given"))
    );
    let regional = Overrides {
        us_east_1_regional: Some(true),
        ..no_flags()
    };
    assert!(!options(&keys(), &regional).us_east_1_legacy());
}

/// botocore (1.43.11) signs a directory bucket on a custom endpoint with
/// service `s3express` and asks that endpoint for the session
/// (`http://127.0.0.1:9000/mybucket--usw2-az1--x-s3/k?...%2Fs3express%2F...`);
/// an ordinary bucket there keeps presign's own addressing.
#[test]
fn an_express_bucket_on_a_custom_endpoint_follows_the_rules() {
    let flags = Overrides {
        endpoint_url: Some("http://127.0.0.1:9000".to_owned()),
        region: Some("us-west-2".to_owned()),
        ..no_flags()
    };
    let config = keys().ok(&flags);
    let target = config.target("mybucket--usw2-az1--x-s3", None).unwrap();
    assert_eq!(target.endpoint, "http://127.0.0.1:9000");
    assert_eq!(target.addressing, presign::Addressing::Path);
    assert_eq!(target.host.service, "s3express");
    assert_eq!(
        target.host.express_session,
        Some(crate::ExpressSession {
            endpoint: "http://127.0.0.1:9000/mybucket--usw2-az1--x-s3".to_owned(),
            region: "us-west-2".to_owned(),
        })
    );
    let plain = target.with_bucket("plain").unwrap();
    assert_eq!(plain.host.service, "s3");
    assert_eq!(plain.host.express_session, None);
}
