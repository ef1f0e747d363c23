//! Secrets never show: not in `Debug` output, not in an error message.

use super::*;
use pretty_assertions::assert_eq;

#[test]
fn debug_output_redacts_secrets() {
    let fixture = Fixture::new()
        .var("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .var("AWS_SECRET_ACCESS_KEY", SECRET)
        .var("AWS_SESSION_TOKEN", TOKEN);
    let config = fixture.ok(&no_flags());
    let debug = format!("{config:?}");
    assert!(debug.contains("AKIDEXAMPLE"), "{debug}");
    assert!(debug.contains("secret_access_key: <redacted>"), "{debug}");
    assert!(debug.contains("session_token: Some(<redacted>)"), "{debug}");
    assert!(debug.contains("source: \"environment variables"), "{debug}");
    let environment = format!("{:?}", fixture.env());
    for debug in [debug, environment] {
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(!debug.contains(TOKEN), "{debug}");
    }
}

#[test]
fn no_error_message_or_debug_output_contains_secrets() {
    let keys = format!("aws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n");
    let fixtures_and_flags: Vec<(Fixture, Overrides)> = vec![
        // Malformed line holding the secret itself.
        (
            Fixture::new().credentials(&format!("[default]\n{SECRET}\n")),
            no_flags(),
        ),
        (
            Fixture::new().config(&format!("[default]\n{keys}  {TOKEN}\n")),
            no_flags(),
        ),
        // Partial keys.
        (
            Fixture::new().credentials(&format!("[dev]\n{keys}")),
            profile_flag("dev"),
        ),
        // Unsupported kind with token present.
        (
            Fixture::new().config(&format!(
                "[profile dev]\naws_session_token = {TOKEN}\nrole_arn = arn\n"
            )),
            profile_flag("dev"),
        ),
        // Half-set environment.
        (
            Fixture::new()
                .var("AWS_SECRET_ACCESS_KEY", SECRET)
                .var("AWS_SESSION_TOKEN", TOKEN),
            no_flags(),
        ),
        // Invalid addressing style next to the keys.
        (
            Fixture::new().config(&format!(
                "[default]\naws_access_key_id = K\n{keys}s3 =\n  addressing_style = {SECRET}\n"
            )),
            no_flags(),
        ),
    ];
    let mut checked = 0;
    for (fixture, flags) in &fixtures_and_flags {
        let error = fixture.err(flags);
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains(TOKEN), "{text}");
        }
        checked += 1;
    }
    // IBM COS files holding the secret.
    let fixture = Fixture::new();
    for json in [
        format!("{{\"cos_hmac_keys\":{{\"secret_access_key\":\"{SECRET}\"}}}}"),
        format!(
            "{{\"cos_hmac_keys\":{{\"access_key_id\":\"{SECRET}\",\"secret_access_key\":{TOKEN}}}}}"
        ),
        format!("{{\"apikey\":\"{SECRET}\"}}"),
        format!("[\"{SECRET}\"]"),
    ] {
        let error = fixture.err(&ibm_flag(fixture.file("cos.json", &json)));
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains(TOKEN), "{text}");
        }
        checked += 1;
    }
    assert_eq!(checked, fixtures_and_flags.len() + 4);
}
