//! The endpoint URL and the addressing style: flag, environment, profile
//! and its `s3` section.

use super::*;
use pretty_assertions::assert_eq;

fn endpoint_fixture() -> Fixture {
    env_keys(Fixture::new().config(
        "[default]\nendpoint_url = https://top.example\ns3 =\n  endpoint_url = https://s3-section.example\n",
    ))
}

#[test]
fn endpoint_flag_beats_env() {
    let fixture = endpoint_fixture()
        .var("AWS_ENDPOINT_URL_S3", "https://env-s3.example")
        .var("AWS_ENDPOINT_URL", "https://env.example");
    let flags = Overrides {
        endpoint_url: Some("https://flag.example".to_owned()),
        ..Overrides::default()
    };
    let config = fixture.ok(&flags);
    assert_eq!(config.endpoint_url.as_deref(), Some("https://flag.example"));
    assert_eq!(
        config.endpoint_url_source.as_deref(),
        Some("--endpoint-url")
    );
}

#[test]
fn endpoint_env_s3_beats_generic_env() {
    let fixture = endpoint_fixture()
        .var("AWS_ENDPOINT_URL_S3", "https://env-s3.example")
        .var("AWS_ENDPOINT_URL", "https://env.example");
    let config = fixture.ok(&no_flags());
    assert_eq!(
        config.endpoint_url.as_deref(),
        Some("https://env-s3.example")
    );
    assert_eq!(
        config.endpoint_url_source.as_deref(),
        Some("AWS_ENDPOINT_URL_S3")
    );
}

#[test]
fn endpoint_generic_env_beats_profile() {
    let fixture = endpoint_fixture().var("AWS_ENDPOINT_URL", "https://env.example");
    assert_eq!(
        fixture.ok(&no_flags()).endpoint_url.as_deref(),
        Some("https://env.example")
    );
}

#[test]
fn endpoint_s3_section_beats_top_level_profile_key() {
    let fixture = endpoint_fixture();
    let config = fixture.ok(&no_flags());
    assert_eq!(
        config.endpoint_url.as_deref(),
        Some("https://s3-section.example")
    );
    assert_eq!(
        config.endpoint_url_source,
        Some(format!(
            "profile 'default' in {} (s3 section)",
            fixture.config_path().display()
        ))
    );
}

#[test]
fn endpoint_top_level_profile_key_is_used() {
    let fixture = env_keys(
        Fixture::new().config("[default]\nendpoint_url = https://top.example # comment\n"),
    );
    assert_eq!(
        fixture.ok(&no_flags()).endpoint_url.as_deref(),
        Some("https://top.example")
    );
}

#[test]
fn endpoint_absent_is_none() {
    let config = env_keys(Fixture::new()).ok(&no_flags());
    assert_eq!(config.endpoint_url, None);
    assert_eq!(config.endpoint_url_source, None);
}

// -- Addressing style ----------------------------------------------------

#[test]
fn addressing_style_comes_from_nested_s3_section() {
    for (text, expected) in [
        ("auto", Addressing::Auto),
        ("path", Addressing::Path),
        ("Virtual", Addressing::VirtualHost),
    ] {
        let fixture = env_keys(Fixture::new().config(&format!(
            "[profile dev]\ns3 =\n  addressing_style = {text}\n"
        )))
        .var("AWS_PROFILE", "dev");
        assert_eq!(fixture.ok(&no_flags()).addressing_style, Some(expected));
    }
}

#[test]
fn addressing_style_absent_is_none() {
    let fixture = env_keys(Fixture::new().config("[default]\naddressing_style = path\n"));
    assert_eq!(
        fixture.ok(&no_flags()).addressing_style,
        None,
        "only the s3 sub-section counts"
    );
}

#[test]
fn invalid_addressing_style_names_file_profile_and_allowed_values() {
    let fixture =
        env_keys(Fixture::new().config("[profile dev]\ns3 =\n  addressing_style = sideways\n"))
            .var("AWS_PROFILE", "dev");
    let message = fixture.err(&no_flags()).to_string();
    assert_eq!(
        message,
        format!(
            "invalid `addressing_style` in the `s3` section of profile 'dev' in {}: expected one of auto, path, virtual",
            fixture.config_path().display()
        )
    );
    assert!(!message.contains("sideways"));
}
