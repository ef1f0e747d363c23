//! Which credentials win: flags, environment, profiles, shared files; and
//! the refusals that name the profile, key and file.

use super::*;
use pretty_assertions::assert_eq;

#[test]
fn ibm_credentials_flag_beats_profile_flag_env_and_default() {
    let fixture = env_keys(Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS));
    let path = fixture.file("cos.json", &ibm_json("IBMKEY", "ibm-secret"));
    let flags = Overrides {
        profile: Some("dev".to_owned()),
        ibm_credentials: Some(path.clone()),
        ..Overrides::default()
    };
    let credentials = fixture.keys(&flags);
    assert_eq!(credentials.access_key_id, "IBMKEY");
    assert_eq!(credentials.secret_access_key.as_str(), "ibm-secret");
    assert_eq!(credentials.session_token, None);
    assert_eq!(credentials.expires_at, None);
    assert_eq!(
        credentials.source,
        format!("IBM COS credentials file {}", path.display())
    );
}

#[test]
fn explicit_profile_beats_env_credentials() {
    let fixture = env_keys(Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS));
    let credentials = fixture.keys(&profile_flag("dev"));
    assert_eq!(credentials.access_key_id, "DEVKEY");
    assert_eq!(credentials.secret_access_key.as_str(), "dev-secret");
    assert_eq!(
        credentials.source,
        format!("profile 'dev' in {}", fixture.credentials_path().display())
    );
}

#[test]
fn env_credentials_beat_aws_profile_and_default() {
    let fixture = env_keys(Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS))
        .var("AWS_PROFILE", "dev")
        .var("AWS_SESSION_TOKEN", "env-token")
        .var("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z");
    let credentials = fixture.keys(&no_flags());
    assert_eq!(credentials.access_key_id, "ENVKEY");
    assert_eq!(credentials.secret_access_key.as_str(), "env-secret");
    assert_eq!(
        credentials.session_token.as_deref().map(String::as_str),
        Some("env-token")
    );
    assert_eq!(
        credentials.expires_at,
        parse_expiration("2030-01-01T00:00:00Z")
    );
    assert_eq!(
        credentials.source,
        "environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN"
    );
}

#[test]
fn aws_profile_beats_default_profile() {
    let fixture = Fixture::new()
        .credentials(DEFAULT_AND_DEV_CREDENTIALS)
        .var("AWS_PROFILE", "dev");
    assert_eq!(fixture.keys(&no_flags()).access_key_id, "DEVKEY");
}

#[test]
fn default_profile_is_used_last() {
    let fixture = Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS);
    let credentials = fixture.keys(&no_flags());
    assert_eq!(credentials.access_key_id, "DEFAULTKEY");
    assert_eq!(credentials.secret_access_key.as_str(), "default-secret");
    assert_eq!(credentials.session_token, None);
}

#[test]
fn empty_env_vars_count_as_unset() {
    let fixture = Fixture::new()
        .credentials(DEFAULT_AND_DEV_CREDENTIALS)
        .var("AWS_ACCESS_KEY_ID", "")
        .var("AWS_SECRET_ACCESS_KEY", "")
        .var("AWS_PROFILE", "")
        .var("AWS_REGION", "")
        .var("AWS_DEFAULT_REGION", "eu-west-1")
        .var("AWS_ENDPOINT_URL_S3", "")
        .var("AWS_ENDPOINT_URL", "https://generic.example");
    let config = fixture.ok(&no_flags());
    assert_eq!(static_keys(&config.credentials).access_key_id, "DEFAULTKEY");
    assert_eq!(config.region, "eu-west-1");
    assert_eq!(config.region_source, "AWS_DEFAULT_REGION");
    assert_eq!(
        config.endpoint_url.as_deref(),
        Some("https://generic.example")
    );
    assert_eq!(
        config.endpoint_url_source.as_deref(),
        Some("AWS_ENDPOINT_URL")
    );
}

#[test]
fn empty_env_var_in_pair_reports_it_missing() {
    let fixture = Fixture::new()
        .var("AWS_ACCESS_KEY_ID", "ENVKEY")
        .var("AWS_SECRET_ACCESS_KEY", "");
    let error = fixture.err(&no_flags());
    assert!(matches!(
        error,
        ConfigError::PartialEnvironment {
            present: "AWS_ACCESS_KEY_ID",
            missing: "AWS_SECRET_ACCESS_KEY"
        }
    ));
}

#[test]
fn half_set_env_pair_names_the_missing_variable() {
    let only_id = Fixture::new().var("AWS_ACCESS_KEY_ID", "ENVKEY");
    assert_eq!(
        only_id.err(&no_flags()).to_string(),
        "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or neither"
    );
    let only_secret = Fixture::new().var("AWS_SECRET_ACCESS_KEY", SECRET);
    assert_eq!(
        only_secret.err(&no_flags()).to_string(),
        "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both or neither"
    );
}

#[test]
fn credentials_file_beats_config_file() {
    let fixture = Fixture::new()
        .credentials("[dev]\naws_access_key_id = CREDKEY\naws_secret_access_key = cred-secret\n")
        .config(
            "[profile dev]\naws_access_key_id = CONFKEY\naws_secret_access_key = conf-secret\naws_session_token = stale-token\n",
        );
    let credentials = fixture.keys(&profile_flag("dev"));
    assert_eq!(credentials.access_key_id, "CREDKEY");
    assert_eq!(credentials.secret_access_key.as_str(), "cred-secret");
    assert_eq!(
        credentials.session_token, None,
        "the token comes from the same file as the keys"
    );
    assert_eq!(
        credentials.source,
        format!("profile 'dev' in {}", fixture.credentials_path().display())
    );
}

#[test]
fn keys_in_config_file_are_used_with_token_and_expiration() {
    let fixture = Fixture::new().config(
        "[profile dev]\naws_access_key_id = CONFKEY\naws_secret_access_key = conf-secret\naws_session_token = conf-token\naws_credential_expiration = 2031-02-03T04:05:06Z\n",
    );
    let credentials = fixture.keys(&profile_flag("dev"));
    assert_eq!(credentials.access_key_id, "CONFKEY");
    assert_eq!(credentials.secret_access_key.as_str(), "conf-secret");
    assert_eq!(
        credentials.session_token.as_deref().map(String::as_str),
        Some("conf-token")
    );
    assert_eq!(
        credentials.expires_at,
        parse_expiration("2031-02-03T04:05:06Z")
    );
    assert_eq!(
        credentials.source,
        format!("profile 'dev' in {}", fixture.config_path().display())
    );
}

#[test]
fn profile_expiration_key_is_read() {
    let fixture = Fixture::new()
        .credentials("[default]\naws_access_key_id = K\naws_secret_access_key = s\nexpiration = 2032-01-01T00:00:00Z\n");
    assert_eq!(
        fixture.keys(&no_flags()).expires_at,
        parse_expiration("2032-01-01T00:00:00Z")
    );
}

#[test]
fn config_file_accepts_default_and_profile_default_headers() {
    let plain =
        Fixture::new().config("[default]\naws_access_key_id = A\naws_secret_access_key = a\n");
    assert_eq!(plain.keys(&no_flags()).access_key_id, "A");
    let prefixed = Fixture::new()
        .config("[profile default]\naws_access_key_id = B\naws_secret_access_key = b\n");
    assert_eq!(prefixed.keys(&no_flags()).access_key_id, "B");
}

#[test]
fn config_file_ignores_sections_without_profile_prefix() {
    let fixture =
        Fixture::new().config("[dev]\naws_access_key_id = A\naws_secret_access_key = a\n");
    assert!(matches!(
        fixture.err(&profile_flag("dev")),
        ConfigError::ProfileNotFound { .. }
    ));
}

#[test]
fn env_vars_override_shared_file_paths() {
    let fixture = Fixture::new()
        .credentials("[default]\naws_access_key_id = HOMEKEY\naws_secret_access_key = h\n");
    let credentials = fixture.file(
        "creds-elsewhere",
        "[default]\naws_access_key_id = OTHERKEY\naws_secret_access_key = o\n",
    );
    let config = fixture.file("config-elsewhere", "[default]\nregion = ap-south-1\n");
    let fixture = fixture
        .var("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap())
        .var("AWS_CONFIG_FILE", config.to_str().unwrap());
    let resolved = fixture.ok(&no_flags());
    assert_eq!(static_keys(&resolved.credentials).access_key_id, "OTHERKEY");
    assert_eq!(resolved.region, "ap-south-1");
    assert_eq!(
        resolved.region_source,
        format!("profile 'default' in {}", config.display())
    );
}

#[test]
fn tilde_in_shared_file_path_expands_to_home() {
    let fixture = Fixture::new();
    fixture.file(
        "mycreds",
        "[default]\naws_access_key_id = TILDEKEY\naws_secret_access_key = t\n",
    );
    let fixture = fixture.var("AWS_SHARED_CREDENTIALS_FILE", "~/mycreds");
    assert_eq!(fixture.keys(&no_flags()).access_key_id, "TILDEKEY");
}

#[test]
fn missing_explicit_profile_names_profile_and_files() {
    let fixture = Fixture::new().credentials(DEFAULT_AND_DEV_CREDENTIALS);
    let message = fixture.err(&profile_flag("prod")).to_string();
    assert_eq!(
        message,
        format!(
            "profile 'prod' (from --profile) was not found; looked in {} and {} (does not exist)",
            fixture.credentials_path().display(),
            fixture.config_path().display()
        )
    );
}

#[test]
fn missing_explicit_profile_is_an_error_even_with_ibm_credentials() {
    let fixture = Fixture::new();
    let flags = Overrides {
        profile: Some("typo".to_owned()),
        ibm_credentials: Some(fixture.file("cos.json", &ibm_json("IBMKEY", "s"))),
        ..Overrides::default()
    };
    assert!(matches!(
        fixture.err(&flags),
        ConfigError::ProfileNotFound { profile, origin: "--profile", .. } if profile == "typo"
    ));
}

#[test]
fn missing_aws_profile_is_an_error() {
    let fixture = Fixture::new()
        .credentials(DEFAULT_AND_DEV_CREDENTIALS)
        .var("AWS_PROFILE", "prod");
    assert!(matches!(
        fixture.err(&no_flags()),
        ConfigError::ProfileNotFound { profile, origin: "AWS_PROFILE", .. } if profile == "prod"
    ));
}

#[test]
fn missing_aws_profile_is_ignored_when_env_credentials_are_set() {
    let fixture = env_keys(Fixture::new()).var("AWS_PROFILE", "prod");
    let config = fixture.ok(&no_flags());
    assert_eq!(static_keys(&config.credentials).access_key_id, "ENVKEY");
    assert_eq!(config.region, "us-east-1");
}

#[test]
fn profile_without_keys_is_an_error_when_named() {
    let fixture = Fixture::new().config("[profile dev]\nregion = eu-de\n");
    assert_eq!(
        fixture.err(&profile_flag("dev")).to_string(),
        format!(
            "no credentials found; looked at: the --ibm-credentials flag, the --profile flag, \
             profile 'dev' in {} (does not exist) and {}, AWS_WEB_IDENTITY_TOKEN_FILE, \
             AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI, \
             the EC2 instance metadata service (AWS_EC2_METADATA_DISABLED). Pass \
             --ibm-credentials FILE or --profile NAME, or set AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY",
            fixture.credentials_path().display(),
            fixture.config_path().display()
        )
    );
}

#[test]
fn without_any_source_the_instance_metadata_service_is_the_last_resort() {
    let env = Environment::from_vars([("AWS_REGION", "eu-west-3")], None);
    let config = resolve(&no_flags(), &env).unwrap();
    assert!(matches!(
        config.credentials,
        CredentialSource::InstanceMetadata(plan)
            if plan.endpoint == "http://169.254.169.254" && plan.timeout.as_secs() == 1 && plan.attempts == 1
    ));
}

#[test]
fn profile_with_only_one_key_names_the_missing_key_and_file() {
    let fixture = Fixture::new().credentials("[dev]\naws_access_key_id = DEVKEY\n");
    assert_eq!(
        fixture.err(&profile_flag("dev")).to_string(),
        format!(
            "profile 'dev' in {} sets `aws_access_key_id` but not `aws_secret_access_key`",
            fixture.credentials_path().display()
        )
    );
}

#[test]
fn default_profile_without_keys_falls_through_to_no_credentials() {
    let fixture = Fixture::new().config("[default]\nregion = eu-de\n");
    assert!(matches!(
        fixture.err(&no_flags()),
        ConfigError::NoCredentials { .. }
    ));
}

#[test]
fn no_credentials_error_lists_every_place_looked() {
    let fixture = Fixture::new();
    let message = fixture.err(&no_flags()).to_string();
    assert_eq!(
        message,
        format!(
            "no credentials found; looked at: the --ibm-credentials flag, the --profile flag, \
             the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, \
             the AWS_PROFILE environment variable, profile 'default' in {} (does not exist) \
             and {} (does not exist), AWS_WEB_IDENTITY_TOKEN_FILE, \
             AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI, \
             the EC2 instance metadata service (AWS_EC2_METADATA_DISABLED). Pass --ibm-credentials FILE or --profile NAME, \
             or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            fixture.credentials_path().display(),
            fixture.config_path().display()
        )
    );
}

#[test]
fn no_home_directory_means_no_shared_files() {
    let env = Environment::from_vars(
        [
            ("AWS_REGION", "eu-west-3"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ],
        None,
    );
    let error = resolve(&no_flags(), &env).unwrap_err();
    assert!(
        error.to_string().contains(
            "~/.aws/credentials (no home directory) and ~/.aws/config (no home directory)"
        ),
        "{error}"
    );
}

#[test]
fn each_profile_kind_plans_its_source() {
    let fixture = Fixture::new().config(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n\
         [profile base]\naws_access_key_id = BASE\naws_secret_access_key = b\n\
         [profile web]\nrole_arn = arn:aws:iam::123456789012:role/w\nweb_identity_token_file = /t\n\
         [profile sso]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n\
         [sso-session s]\nsso_start_url = https://d.awsapps.com/start\nsso_region = eu-west-1\n\
         [profile proc]\ncredential_process = /bin/creds --json\n",
    );
    let plan = |name: &str| fixture.ok(&profile_flag(name)).credentials;
    assert!(
        matches!(plan("role"), CredentialSource::AssumeRole(p) if p.source_profile.as_deref() == Some("base"))
    );
    assert!(
        matches!(plan("web"), CredentialSource::WebIdentity(p) if p.role_arn.ends_with("role/w"))
    );
    assert!(
        matches!(plan("sso"), CredentialSource::Sso(p) if p.sso_region == "eu-west-1" && p.session_name.as_deref() == Some("s"))
    );
    assert!(
        matches!(plan("proc"), CredentialSource::Process(p) if p.command == "/bin/creds --json")
    );
}

#[test]
fn default_profile_with_credential_process_is_planned_not_skipped() {
    let fixture = Fixture::new().config("[default]\ncredential_process = /bin/creds\n");
    assert!(matches!(
        fixture.ok(&no_flags()).credentials,
        CredentialSource::Process(plan) if plan.profile == "default"
    ));
}

#[test]
fn static_keys_win_over_unsupported_keys() {
    let fixture = Fixture::new()
        .credentials("[corp]\naws_access_key_id = STATIC\naws_secret_access_key = s\n")
        .config("[profile corp]\ncredential_process = /bin/creds\n");
    assert_eq!(fixture.keys(&profile_flag("corp")).access_key_id, "STATIC");
}

#[test]
fn malformed_shared_file_names_file_and_line() {
    let fixture =
        Fixture::new().credentials(&format!("[default]\naws_access_key_id = A\n{SECRET}\n"));
    let error = fixture.err(&no_flags());
    assert_eq!(
        error.to_string(),
        format!(
            "{}, line 3: expected `key = value`, a `[section]` header or a comment",
            fixture.credentials_path().display()
        )
    );
}

#[test]
fn unreadable_shared_file_is_an_error() {
    let fixture = Fixture::new();
    std::fs::create_dir_all(fixture.config_path()).unwrap();
    let error = fixture.err(&no_flags());
    assert!(
        matches!(&error, ConfigError::ReadFile { path, .. } if *path == fixture.config_path()),
        "{error:?}"
    );
}
