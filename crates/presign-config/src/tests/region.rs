//! Where the region comes from, in order, and the checks made on it.

use super::*;
use pretty_assertions::assert_eq;

fn region_fixture() -> Fixture {
    env_keys(
        Fixture::new().config("[default]\nregion = eu-central-1\n[profile dev]\nregion = eu-de\n"),
    )
}

#[test]
fn region_flag_beats_env() {
    let fixture = region_fixture()
        .var("AWS_REGION", "us-west-2")
        .var("AWS_DEFAULT_REGION", "us-west-1");
    let flags = Overrides {
        region: Some("ap-northeast-1".to_owned()),
        ..Overrides::default()
    };
    let config = fixture.ok(&flags);
    assert_eq!(config.region, "ap-northeast-1");
    assert_eq!(config.region_source, "--region");
}

#[test]
fn empty_region_flag_means_no_region() {
    let fixture = region_fixture().var("AWS_REGION", "us-west-2");
    let flags = Overrides {
        region: Some(String::new()),
        ..Overrides::default()
    };
    let config = fixture.ok(&flags);
    assert_eq!(config.region, "");
    assert_eq!(config.region_source, "--region");
}

#[test]
fn aws_region_beats_aws_default_region() {
    let fixture = region_fixture()
        .var("AWS_REGION", "us-west-2")
        .var("AWS_DEFAULT_REGION", "us-west-1");
    let config = fixture.ok(&no_flags());
    assert_eq!(config.region, "us-west-2");
    assert_eq!(config.region_source, "AWS_REGION");
}

#[test]
fn aws_default_region_beats_profile() {
    let fixture = region_fixture().var("AWS_DEFAULT_REGION", "us-west-1");
    let config = fixture.ok(&no_flags());
    assert_eq!(config.region, "us-west-1");
    assert_eq!(config.region_source, "AWS_DEFAULT_REGION");
}

#[test]
fn region_comes_from_default_profile_without_env() {
    let fixture = region_fixture();
    let config = fixture.ok(&no_flags());
    assert_eq!(config.region, "eu-central-1");
    assert_eq!(
        config.region_source,
        format!("profile 'default' in {}", fixture.config_path().display())
    );
}

#[test]
fn region_comes_from_aws_profile_even_with_env_credentials() {
    let fixture = region_fixture().var("AWS_PROFILE", "dev");
    let config = fixture.ok(&no_flags());
    assert_eq!(static_keys(&config.credentials).access_key_id, "ENVKEY");
    assert_eq!(config.region, "eu-de");
}

#[test]
fn region_comes_from_explicit_profile_over_aws_profile() {
    let fixture = Fixture::new()
        .credentials("[ops]\naws_access_key_id = OPS\naws_secret_access_key = o\n")
        .config("[profile ops]\nregion = ca-central-1\n[profile dev]\nregion = eu-de\n")
        .var("AWS_PROFILE", "dev");
    let config = fixture.ok(&profile_flag("ops"));
    assert_eq!(static_keys(&config.credentials).access_key_id, "OPS");
    assert_eq!(config.region, "ca-central-1");
}

#[test]
fn region_defaults_to_us_east_1() {
    let fixture = env_keys(Fixture::new());
    let config = fixture.ok(&no_flags());
    assert_eq!(config.region, "us-east-1");
    assert_eq!(config.region_source, "default");
}

#[test]
fn region_comes_from_the_endpoint_host_when_configured_nowhere() {
    let fixture = env_keys(Fixture::new());
    let flags = Overrides {
        endpoint_url: Some("https://s3.eu-central-2.wasabisys.com".to_owned()),
        ..Overrides::default()
    };
    let config = fixture.ok(&flags);
    assert_eq!(config.region, "eu-central-2");
    assert_eq!(config.region_source, "from the endpoint host");

    // From a profile's endpoint too.
    let fixture = env_keys(Fixture::new().config(
        "[default]\ns3 =\n  endpoint_url = https://s3.eu-de.cloud-object-storage.appdomain.cloud\n",
    ));
    let config = fixture.ok(&no_flags());
    assert_eq!(
        (config.region.as_str(), config.region_source.as_str()),
        ("eu-de", "from the endpoint host")
    );
}

#[test]
fn a_configured_region_beats_the_endpoint_host() {
    let endpoint = Overrides {
        endpoint_url: Some("https://abc.r2.cloudflarestorage.com".to_owned()),
        ..Overrides::default()
    };
    let with_region = |region: &str| Overrides {
        region: Some(region.to_owned()),
        ..endpoint.clone()
    };
    let fixture = env_keys(Fixture::new());
    assert_eq!(fixture.ok(&endpoint).region, "auto");
    assert_eq!(fixture.ok(&with_region("us-east-1")).region, "us-east-1");
    assert_eq!(fixture.ok(&with_region("")).region, "");
    let fixture = env_keys(Fixture::new()).var("AWS_DEFAULT_REGION", "eu-west-1");
    assert_eq!(fixture.ok(&endpoint).region_source, "AWS_DEFAULT_REGION");
    let fixture = env_keys(Fixture::new().config("[default]\nregion = eu-de\n"));
    assert_eq!(fixture.ok(&endpoint).region, "eu-de");
}

#[test]
fn unknown_endpoint_hosts_keep_the_default_region() {
    let fixture = env_keys(Fixture::new());
    let flags = Overrides {
        endpoint_url: Some("http://127.0.0.1:9000".to_owned()),
        ..Overrides::default()
    };
    let config = fixture.ok(&flags);
    assert_eq!(
        (config.region.as_str(), config.region_source.as_str()),
        ("us-east-1", "default")
    );
}

#[test]
fn invalid_region_is_reported_with_where_it_came_from_before_any_endpoint() {
    let rule = "allowed are lower-case letters, digits and '-', or the empty string (IBM COS)";
    let profile = env_keys(Fixture::new().config("[default]\nregion = US East\n"));
    let origin_in_profile = format!("profile 'default' in {}", profile.config_path().display());
    let cases = [
        (
            env_keys(Fixture::new()),
            Overrides {
                region: Some("us east".to_owned()),
                ..Overrides::default()
            },
            "us east",
            "--region",
        ),
        (
            env_keys(Fixture::new()).var("AWS_REGION", "eu_de"),
            no_flags(),
            "eu_de",
            "AWS_REGION",
        ),
        (
            env_keys(Fixture::new()).var("AWS_DEFAULT_REGION", "eu/de"),
            no_flags(),
            "eu/de",
            "AWS_DEFAULT_REGION",
        ),
        (profile, no_flags(), "US East", origin_in_profile.as_str()),
    ];
    for (fixture, flags, region, origin) in cases {
        // With and without an endpoint: the region is what is wrong.
        for endpoint in [None, Some("http://127.0.0.1:9000")] {
            let flags = Overrides {
                endpoint_url: endpoint.map(str::to_owned),
                ..flags.clone()
            };
            let config = fixture.ok(&flags);
            let message = config.endpoint().unwrap_err().to_string();
            assert_eq!(
                message,
                format!("region {region:?} is invalid: {rule}; it comes from {origin}")
            );
            let target = config.target("bucket", None).unwrap_err();
            assert!(
                matches!(target, ConfigError::InvalidRegion { .. }),
                "{target}"
            );
        }
    }
}

#[test]
fn regions_that_are_no_aws_region_warn_without_an_endpoint_only() {
    for region in ["auto", "eu-de", "us-south", "us-east-1-fips"] {
        let fixture = env_keys(Fixture::new()).var("AWS_REGION", region);
        let config = fixture.ok(&no_flags());
        let warnings = config.warnings();
        assert_eq!(
            warnings,
            [ConfigWarning::NotAnAwsRegion {
                region: region.to_owned(),
                origin: "AWS_REGION".to_owned(),
                endpoint: format!("https://s3.{region}.amazonaws.com"),
            }],
            "{region}"
        );
        let message = warnings[0].to_string();
        assert!(message.contains("--endpoint-url"), "{message}");
        assert!(
            message.contains(&format!("{region:?} (from AWS_REGION)")),
            "{message}"
        );
        let with_endpoint = fixture.ok(&Overrides {
            endpoint_url: Some("https://s3.example.com".to_owned()),
            ..Overrides::default()
        });
        assert_eq!(with_endpoint.warnings(), [], "{region} with an endpoint");
    }
    // aws-global is a region of botocore's S3 endpoint rules: the global
    // host, signed for us-east-1.
    for region in [
        "us-east-1",
        "eu-west-3",
        "cn-north-1",
        "us-gov-west-1",
        "aws-global",
    ] {
        let config = env_keys(Fixture::new())
            .var("AWS_REGION", region)
            .ok(&no_flags());
        assert_eq!(config.warnings(), [], "{region}");
    }
    // Empty and no endpoint: an error (there is no host at all), not a warning.
    let empty = env_keys(Fixture::new()).ok(&Overrides {
        region: Some(String::new()),
        ..Overrides::default()
    });
    assert_eq!(empty.warnings(), []);
    let message = empty.endpoint().unwrap_err().to_string();
    assert!(message.contains("--endpoint-url"), "{message}");
}
