//! The IBM COS credentials file (`--ibm-credentials`): its HMAC keys and
//! the refusals that name the file and field.

use super::*;
use pretty_assertions::assert_eq;

#[test]
fn ibm_credentials_file_unreadable_names_file() {
    let fixture = Fixture::new();
    let path = fixture.home.path().join("missing.json");
    let error = fixture.err(&ibm_flag(path.clone()));
    assert!(matches!(&error, ConfigError::IbmRead { path: p, .. } if *p == path));
    assert!(
        error.to_string().starts_with(&format!(
            "cannot read IBM COS credentials file {}: ",
            path.display()
        )),
        "{error}"
    );
}

#[test]
fn ibm_credentials_file_not_json_names_file_without_content() {
    let fixture = Fixture::new();
    let path = fixture.file("cos.json", &format!("{{\"secret_access_key\": {SECRET}}}"));
    let error = fixture.err(&ibm_flag(path.clone()));
    assert_eq!(
        error.to_string(),
        format!(
            "IBM COS credentials file {} is not valid JSON (syntax error at line 1, column 23)",
            path.display()
        )
    );
}

#[test]
fn ibm_credentials_file_not_object_is_an_error() {
    let fixture = Fixture::new();
    let path = fixture.file("cos.json", "[1, 2]");
    assert!(matches!(
        fixture.err(&ibm_flag(path.clone())),
        ConfigError::IbmNotObject { path: p } if p == path
    ));
}

#[test]
fn ibm_credentials_without_hmac_keys_explains_how_to_create_them() {
    let fixture = Fixture::new();
    let path = fixture.file(
        "cos.json",
        r#"{"apikey":"k","endpoints":"https://control.cloud-object-storage.cloud.ibm.com/v2/endpoints","resource_instance_id":"crn:x"}"#,
    );
    assert_eq!(
        fixture.err(&ibm_flag(path.clone())).to_string(),
        format!(
            "IBM COS credentials file {} has no `cos_hmac_keys` object: the service credential was created \
             without HMAC keys; create one with the parameter {{\"HMAC\":true}}",
            path.display()
        )
    );
}

#[test]
fn ibm_credentials_missing_or_empty_field_names_it() {
    let fixture = Fixture::new();
    let cases = [
        (
            r#"{"cos_hmac_keys":{"secret_access_key":"s"}}"#,
            "cos_hmac_keys.access_key_id",
        ),
        (
            r#"{"cos_hmac_keys":{"access_key_id":"","secret_access_key":"s"}}"#,
            "cos_hmac_keys.access_key_id",
        ),
        (
            r#"{"cos_hmac_keys":{"access_key_id":"K"}}"#,
            "cos_hmac_keys.secret_access_key",
        ),
        (
            r#"{"cos_hmac_keys":{"access_key_id":"K","secret_access_key":""}}"#,
            "cos_hmac_keys.secret_access_key",
        ),
        (
            r#"{"cos_hmac_keys":{"access_key_id":"K","secret_access_key":7}}"#,
            "cos_hmac_keys.secret_access_key",
        ),
    ];
    for (json, field) in cases {
        let path = fixture.file("cos.json", json);
        assert_eq!(
            fixture.err(&ibm_flag(path.clone())).to_string(),
            format!(
                "IBM COS credentials file {}: `{field}` is missing, empty or not a string",
                path.display()
            ),
            "input: {json}"
        );
    }
}

#[test]
fn ibm_credentials_use_the_selected_profile_for_region_and_endpoint() {
    let fixture = Fixture::new()
        .config(
            "[profile cos]\nregion = eu-de\ns3 =\n  endpoint_url = https://s3.eu-de.cloud-object-storage.appdomain.cloud\n  addressing_style = path\n",
        )
        .var("AWS_PROFILE", "cos");
    let path = fixture.file("cos.json", &ibm_json("IBMKEY", "ibm-secret"));
    let config = fixture.ok(&ibm_flag(path));
    assert_eq!(static_keys(&config.credentials).access_key_id, "IBMKEY");
    assert_eq!(config.region, "eu-de");
    assert_eq!(
        config.endpoint_url.as_deref(),
        Some("https://s3.eu-de.cloud-object-storage.appdomain.cloud")
    );
    assert_eq!(config.addressing_style, Some(Addressing::Path));
}
