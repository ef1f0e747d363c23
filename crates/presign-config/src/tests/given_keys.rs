//! Keys given as they are (the Python Client's arguments) win over every
//! other source; incomplete ones are refused naming them.

use super::*;
use pretty_assertions::assert_eq;

const CLIENT_NAMES: [&str; 3] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];

#[test]
fn given_keys_win_over_the_environment_and_every_profile() {
    let fixture = env_keys(Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS))
        .var("AWS_PROFILE", "dev")
        .var("AWS_REGION", "eu-de");
    let given = ResolvedCredentials::given(
        Some("GIVENKEY"),
        Some(SECRET),
        Some(TOKEN),
        CLIENT_NAMES,
        "the Client's arguments",
    )
    .unwrap();
    let config = fixture.ok(&Overrides {
        profile: Some("dev".to_owned()),
        credentials: given,
        ..Overrides::default()
    });
    assert_eq!(static_keys(&config.credentials).access_key_id, "GIVENKEY");
    assert_eq!(
        static_keys(&config.credentials).source,
        "the Client's arguments"
    );
    assert_eq!(
        static_keys(&config.credentials)
            .session_token
            .as_deref()
            .map(String::as_str),
        Some(TOKEN)
    );
    // The rest still comes from where it would: the region from the environment.
    assert_eq!(config.region, "eu-de");
}

#[test]
fn incomplete_given_keys_are_refused_with_their_names() {
    for (id, secret, token, present, missing) in [
        (
            Some("AKID"),
            None,
            None,
            "aws_access_key_id",
            "aws_secret_access_key",
        ),
        (
            None,
            Some(SECRET),
            None,
            "aws_secret_access_key",
            "aws_access_key_id",
        ),
        (
            None,
            None,
            Some(TOKEN),
            "aws_session_token",
            "aws_access_key_id",
        ),
    ] {
        let error = ResolvedCredentials::given(id, secret, token, CLIENT_NAMES, "x").unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("{present} is given without {missing}")),
            "{message}"
        );
        assert!(
            !message.contains(SECRET) && !message.contains(TOKEN),
            "{message}"
        );
    }
    assert!(
        ResolvedCredentials::given(None, None, None, CLIENT_NAMES, "x")
            .unwrap()
            .is_none()
    );
}
