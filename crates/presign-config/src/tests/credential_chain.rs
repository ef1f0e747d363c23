//! The credential chain: which source answers, in botocore's order, and the
//! settings botocore refuses.

use super::*;
use pretty_assertions::assert_eq;

const ROLE: &str = "arn:aws:iam::123456789012:role/r";

fn assume_role(source: CredentialSource) -> AssumeRolePlan {
    match source {
        CredentialSource::AssumeRole(plan) => *plan,
        other => panic!("expected assume role, got {other:?}"),
    }
}

#[test]
fn explicit_profile_skips_environment_keys_but_aws_profile_does_not() {
    let fixture = env_keys(Fixture::new().config(&format!(
        "[profile dev]\nrole_arn = {ROLE}\ncredential_source = Environment\n"
    )));
    let plan = assume_role(fixture.ok(&profile_flag("dev")).credentials);
    assert!(
        matches!(&plan.source, CredentialSource::Static(keys) if keys.access_key_id == "ENVKEY")
    );
    let fixture = fixture.var("AWS_PROFILE", "dev");
    assert!(matches!(
        fixture.ok(&no_flags()).credentials,
        CredentialSource::Static(keys) if keys.access_key_id == "ENVKEY"
    ));
}

#[test]
fn role_chains_follow_source_profiles_to_static_keys() {
    let fixture = Fixture::new()
        .credentials("[base]\naws_access_key_id = BASE\naws_secret_access_key = b\n")
        .config(&format!(
            "[profile top]\nrole_arn = {ROLE}-top\nsource_profile = middle\nexternal_id = ext\n\
             duration_seconds = 1800\nmfa_serial = arn:aws:iam::1:mfa/me\nrole_session_name = s\n\
             [profile middle]\nrole_arn = {ROLE}-middle\nsource_profile = base\n"
        ));
    let top = assume_role(fixture.ok(&profile_flag("top")).credentials);
    assert_eq!(top.role_arn, format!("{ROLE}-top"));
    assert_eq!(top.external_id.as_deref(), Some("ext"));
    assert_eq!(top.duration_seconds, Some(1800));
    assert_eq!(top.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/me"));
    assert_eq!(top.role_session_name.as_deref(), Some("s"));
    let middle = assume_role(top.source);
    assert_eq!(middle.profile, "middle");
    assert!(
        matches!(middle.source, CredentialSource::Static(keys) if keys.access_key_id == "BASE")
    );
}

#[test]
fn a_loop_of_source_profiles_names_every_profile() {
    let fixture = Fixture::new().config(&format!(
        "[profile a]\nrole_arn = {ROLE}\nsource_profile = b\n\
         [profile b]\nrole_arn = {ROLE}\nsource_profile = a\n"
    ));
    assert_eq!(
        fixture.err(&profile_flag("a")).to_string(),
        "the source_profile settings make a loop: a -> b -> a; end the chain at a profile with \
         keys or credential_source"
    );
}

#[test]
fn a_profile_may_source_its_own_static_keys() {
    let fixture = Fixture::new().config(&format!(
        "[profile self]\nrole_arn = {ROLE}\nsource_profile = self\n\
         aws_access_key_id = SELF\naws_secret_access_key = s\n"
    ));
    let plan = assume_role(fixture.ok(&profile_flag("self")).credentials);
    assert!(matches!(plan.source, CredentialSource::Static(keys) if keys.access_key_id == "SELF"));
}

#[test]
fn role_settings_botocore_refuses_are_refused_naming_profile_and_key() {
    for (body, expected) in [
        (
            format!("role_arn = {ROLE}\nsource_profile = base\ncredential_source = Environment\n"),
            "profile 'p' sets both `source_profile` and `credential_source`; keep one",
        ),
        (
            format!("role_arn = {ROLE}\n"),
            "profile 'p' sets `role_arn` without `source_profile` or `credential_source`; add one \
             (credential_source is Environment, EcsContainer or Ec2InstanceMetadata)",
        ),
        (
            format!("role_arn = {ROLE}\nsource_profile = nowhere\n"),
            "profile 'p' names `source_profile = nowhere`, which does not exist",
        ),
        (
            format!("role_arn = {ROLE}\ncredential_source = Laptop\n"),
            "profile 'p' has `credential_source = Laptop`: expected Environment, EcsContainer or \
             Ec2InstanceMetadata",
        ),
        (
            format!("role_arn = {ROLE}\nsource_profile = base\nduration_seconds = 60\n"),
            "profile 'p' `duration_seconds` is \"60\": expected whole seconds in 900..=43200",
        ),
    ] {
        let fixture = Fixture::new().config(&format!(
            "[profile p]\n{body}[profile base]\naws_access_key_id = B\naws_secret_access_key = b\n"
        ));
        assert_eq!(
            fixture.err(&profile_flag("p")).to_string(),
            expected,
            "{body}"
        );
    }
}

#[test]
fn sts_is_regional_for_a_configured_region_and_global_without_one() {
    let config = format!(
        "[profile p]\nrole_arn = {ROLE}\nsource_profile = base\n\
         [profile base]\naws_access_key_id = B\naws_secret_access_key = b\n"
    );
    let sts = |fixture: &Fixture| assume_role(fixture.ok(&profile_flag("p")).credentials).sts;
    let regional = sts(&Fixture::new()
        .config(&config)
        .var("AWS_REGION", "eu-west-1"));
    assert_eq!(
        (regional.url.as_str(), regional.region.as_str()),
        ("https://sts.eu-west-1.amazonaws.com", "eu-west-1")
    );
    let global = sts(&Fixture::new().config(&config));
    assert_eq!(
        (global.url.as_str(), global.region.as_str()),
        ("https://sts.amazonaws.com", "us-east-1")
    );
    let legacy = sts(&Fixture::new()
        .config(&config)
        .var("AWS_REGION", "eu-west-1")
        .var("AWS_STS_REGIONAL_ENDPOINTS", "legacy"));
    assert_eq!(legacy.url, "https://sts.amazonaws.com");
    let china = sts(&Fixture::new()
        .config(&config)
        .var("AWS_REGION", "cn-north-1"));
    assert_eq!(china.url, "https://sts.cn-north-1.amazonaws.com.cn");
    let configured = sts(&Fixture::new()
        .config(&config)
        .var("AWS_REGION", "eu-west-1")
        .var("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"));
    assert_eq!(
        (
            configured.url.as_str(),
            configured.region.as_str(),
            configured.origin.as_str()
        ),
        ("http://127.0.0.1:5000", "eu-west-1", "AWS_ENDPOINT_URL_STS")
    );
}

#[test]
fn a_services_section_sets_the_sts_endpoint() {
    let fixture = Fixture::new().config(&format!(
        "[profile p]\nrole_arn = {ROLE}\nsource_profile = base\nservices = local\n\
         [profile base]\naws_access_key_id = B\naws_secret_access_key = b\n\
         [services local]\nsts =\n  endpoint_url = http://127.0.0.1:4566\n"
    ));
    let plan = assume_role(fixture.ok(&profile_flag("p")).credentials);
    assert_eq!(plan.sts.url, "http://127.0.0.1:4566");
}

#[test]
fn web_identity_from_the_environment_wins_over_the_profile() {
    let fixture = Fixture::new()
        .var("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token")
        .var("AWS_ROLE_ARN", ROLE)
        .var("AWS_ROLE_SESSION_NAME", "pod");
    match fixture.ok(&no_flags()).credentials {
        CredentialSource::WebIdentity(plan) => {
            assert_eq!(plan.token_file, PathBuf::from("/var/run/token"));
            assert_eq!(plan.role_arn, ROLE);
            assert_eq!(plan.role_session_name.as_deref(), Some("pod"));
            assert_eq!(plan.origin, "environment");
        }
        other => panic!("expected web identity, got {other:?}"),
    }
    let without_role = Fixture::new().var("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token");
    assert!(
        without_role
            .err(&no_flags())
            .to_string()
            .contains("set AWS_ROLE_ARN or `role_arn`"),
    );
}

#[test]
fn sso_profiles_need_their_session_and_keys() {
    let fixture = Fixture::new().config(
        "[profile a]\nsso_session = missing\nsso_account_id = 1\nsso_role_name = R\n\
         [profile b]\nsso_session = s\nsso_role_name = R\n\
         [profile c]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\nsso_region = us-east-1\n\
         [profile legacy]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n\
         sso_account_id = 2\nsso_role_name = Old\n\
         [sso-session s]\nsso_start_url = https://d.awsapps.com/start\nsso_region = eu-west-1\n",
    );
    assert!(
        fixture
            .err(&profile_flag("a"))
            .to_string()
            .contains("no [sso-session missing] section")
    );
    assert!(
        fixture
            .err(&profile_flag("b"))
            .to_string()
            .contains("without `sso_account_id`")
    );
    assert!(
        fixture
            .err(&profile_flag("c"))
            .to_string()
            .contains("`sso_region`, which differs")
    );
    match fixture.ok(&profile_flag("legacy")).credentials {
        CredentialSource::Sso(plan) => {
            assert_eq!(plan.session_name, None);
            assert_eq!(
                plan.portal_url,
                "https://portal.sso.eu-west-1.amazonaws.com"
            );
            assert_eq!(plan.oidc_url, "https://oidc.eu-west-1.amazonaws.com");
        }
        other => panic!("expected SSO, got {other:?}"),
    }
}

#[test]
fn credentials_file_keys_come_before_credential_process_and_config_keys_after() {
    let fixture = Fixture::new()
        .config("[profile p]\ncredential_process = /bin/creds\naws_access_key_id = CONF\naws_secret_access_key = c\n");
    assert!(matches!(
        fixture.ok(&profile_flag("p")).credentials,
        CredentialSource::Process(_)
    ));
}

#[test]
fn container_variables_come_after_profiles_and_before_instance_metadata() {
    let fixture = Fixture::new()
        .var(
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "/v2/credentials/abc",
        )
        .var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok");
    match fixture.ok(&no_flags()).credentials {
        CredentialSource::Container(plan) => {
            assert_eq!(plan.url, "http://169.254.170.2/v2/credentials/abc");
            assert!(matches!(
                plan.authorization,
                Some(ContainerAuthorization::Token(_))
            ));
            assert!(
                !format!("{plan:?}").contains("tok\""),
                "the token is never in Debug"
            );
        }
        other => panic!("expected container, got {other:?}"),
    }
}

#[test]
fn instance_metadata_settings_are_read_and_checked() {
    let env = |vars: &[(&str, &str)]| Environment::from_vars(vars.iter().copied(), None);
    let plan = |vars: &[(&str, &str)]| match resolve(&no_flags(), &env(vars)).map(|c| c.credentials)
    {
        Ok(CredentialSource::InstanceMetadata(plan)) => Ok(plan),
        Ok(other) => panic!("expected instance metadata, got {other:?}"),
        Err(error) => Err(error.to_string()),
    };
    let v6 = plan(&[
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"),
        ("AWS_EC2_METADATA_V1_DISABLED", "true"),
    ])
    .unwrap();
    assert_eq!(v6.endpoint, "http://[fd00:ec2::254]");
    assert!(v6.v1_disabled);
    let custom = plan(&[
        (
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "http://127.0.0.1:1338/",
        ),
        ("AWS_METADATA_SERVICE_TIMEOUT", "3"),
        ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2"),
    ])
    .unwrap();
    assert_eq!(
        (
            custom.endpoint.as_str(),
            custom.timeout.as_secs(),
            custom.attempts
        ),
        ("http://127.0.0.1:1338", 3, 2)
    );
    assert_eq!(
        plan(&[("AWS_METADATA_SERVICE_TIMEOUT", "soon")]).unwrap_err(),
        "AWS_METADATA_SERVICE_TIMEOUT: \"soon\" is not a whole number in 1..=60"
    );
}

#[test]
fn a_password_in_the_container_url_is_never_shown() {
    let fixture = Fixture::new().var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://agent:hunter2@127.0.0.1:9/creds",
    );
    let described = fixture.ok(&no_flags()).credentials.describe();
    assert_eq!(
        described,
        "container credentials endpoint http://agent:***@127.0.0.1:9/creds"
    );
    let refused = Fixture::new().var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://agent:hunter2@creds.example/x",
    );
    let message = refused.err(&no_flags()).to_string();
    assert!(message.contains("agent:***@creds.example"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}
