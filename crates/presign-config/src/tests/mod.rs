//! Tests of configuration resolution; files come from tempdirs and the
//! environment from `Environment::from_vars`, never from the real machine.

use std::path::PathBuf;

use presign::Addressing;

use crate::shared_files::*;
use crate::sources::*;
use crate::*;
use pretty_assertions::assert_eq;
use tempfile::TempDir;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";

/// A temporary home directory with optional `~/.aws/credentials` and
/// `~/.aws/config`, plus environment variables.
struct Fixture {
    home: TempDir,
    vars: Vec<(String, String)>,
}

impl Fixture {
    fn new() -> Self {
        Self {
            home: TempDir::new().unwrap(),
            // Tests never reach for the instance metadata service.
            vars: vec![("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned())],
        }
    }

    fn aws_dir(&self) -> PathBuf {
        let dir = self.home.path().join(".aws");
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn credentials_path(&self) -> PathBuf {
        self.home.path().join(".aws").join("credentials")
    }

    fn config_path(&self) -> PathBuf {
        self.home.path().join(".aws").join("config")
    }

    fn credentials(self, text: &str) -> Self {
        std::fs::write(self.aws_dir().join("credentials"), text).unwrap();
        self
    }

    fn config(self, text: &str) -> Self {
        std::fs::write(self.aws_dir().join("config"), text).unwrap();
        self
    }

    /// Writes a file in the home directory and returns its path.
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.home.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn var(mut self, name: &str, value: &str) -> Self {
        self.vars.push((name.to_owned(), value.to_owned()));
        self
    }

    fn env(&self) -> Environment {
        Environment::from_vars(self.vars.clone(), Some(self.home.path().to_owned()))
    }

    fn resolve(&self, flags: &Overrides) -> Result<ResolvedConfig, ConfigError> {
        resolve(flags, &self.env())
    }

    fn ok(&self, flags: &Overrides) -> ResolvedConfig {
        self.resolve(flags).unwrap()
    }

    /// The keys of a chain that ends in static keys.
    fn keys(&self, flags: &Overrides) -> ResolvedCredentials {
        static_keys(&self.ok(flags).credentials).clone()
    }

    fn err(&self, flags: &Overrides) -> ConfigError {
        match self.resolve(flags) {
            Ok(config) => panic!("expected an error, got {config:?}"),
            Err(error) => error,
        }
    }
}

#[track_caller]
fn static_keys(source: &CredentialSource) -> &ResolvedCredentials {
    match source {
        CredentialSource::Static(keys) => keys,
        other => panic!("expected keys at hand, got {other:?}"),
    }
}

fn no_flags() -> Overrides {
    Overrides::default()
}

fn profile_flag(name: &str) -> Overrides {
    Overrides {
        profile: Some(name.to_owned()),
        ..Overrides::default()
    }
}

fn ibm_flag(path: PathBuf) -> Overrides {
    Overrides {
        ibm_credentials: Some(path),
        ..Overrides::default()
    }
}

fn ibm_json(access_key_id: &str, secret_access_key: &str) -> String {
    format!(
        r#"{{"apikey":"IBM-API-KEY-VALUE","cos_hmac_keys":{{"access_key_id":"{access_key_id}","secret_access_key":"{secret_access_key}"}},"endpoints":"https://control.cloud-object-storage.cloud.ibm.com/v2/endpoints","iam_apikey_description":"desc","resource_instance_id":"crn:v1:bluemix:public:cloud-object-storage:global:a/1::"}}"#
    )
}

fn env_keys(fixture: Fixture) -> Fixture {
    fixture
        .var("AWS_ACCESS_KEY_ID", "ENVKEY")
        .var("AWS_SECRET_ACCESS_KEY", "env-secret")
}

const DEFAULT_AND_DEV_CREDENTIALS: &str = "\
[default]
aws_access_key_id = DEFAULTKEY
aws_secret_access_key = default-secret

[dev]
aws_access_key_id = DEVKEY
aws_secret_access_key = dev-secret
";

// -- INI parser --------------------------------------------------------

fn parse(text: &str, inline_comments: bool) -> Vec<(String, Section)> {
    parse_ini(text, inline_comments).unwrap()
}

fn parse_error(text: &str, inline_comments: bool) -> ParseError {
    match parse_ini(text, inline_comments) {
        Ok(_) => panic!("expected a parse error"),
        Err(error) => error,
    }
}

#[test]
fn parser_reads_sections_keys_and_trims_whitespace() {
    let sections = parse(
        "[a]\n  key1   =   value one  \nKEY2=v2\n[ b ]\nk = x=y=z\n",
        false,
    );
    let names: Vec<&str> = sections.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(sections[0].1.value("key1"), Some("value one"));
    assert_eq!(
        sections[0].1.value("key2"),
        Some("v2"),
        "keys are lower-cased"
    );
    assert_eq!(
        sections[1].1.value("k"),
        Some("x=y=z"),
        "split at the first `=`"
    );
}

#[test]
fn parser_skips_comment_and_blank_lines() {
    let sections = parse(
        "# top\n; also\n\n[a]\n  # indented comment\nk = v\n\n; end\n",
        false,
    );
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0].1.entries.len(), 1);
    assert_eq!(sections[0].1.value("k"), Some("v"));
}

#[test]
fn parser_strips_inline_comments_only_when_enabled_and_after_whitespace() {
    let text = "[a] # header comment\nk = v # comment\nurl = http://h/x#frag;y ; comment\n";
    let with = parse(text, true);
    assert_eq!(with[0].0, "a");
    assert_eq!(with[0].1.value("k"), Some("v"));
    assert_eq!(with[0].1.value("url"), Some("http://h/x#frag;y"));

    let without = parse("[a]\nk = v # not a comment\n", false);
    assert_eq!(without[0].1.value("k"), Some("v # not a comment"));
}

#[test]
fn parser_reads_nested_sub_section() {
    let text = "[profile dev]\nregion = eu-de\ns3 =\n  addressing_style = path\n\n  Endpoint_URL = https://e.example\nafter = 1\n";
    let sections = parse(text, true);
    let section = &sections[0].1;
    assert_eq!(section.value("region"), Some("eu-de"));
    assert_eq!(section.nested_value("s3", "addressing_style"), Some("path"));
    assert_eq!(
        section.nested_value("s3", "endpoint_url"),
        Some("https://e.example")
    );
    assert_eq!(
        section.value("s3"),
        None,
        "a sub-section is not a plain value"
    );
    assert_eq!(
        section.value("after"),
        Some("1"),
        "a less-indented line closes the sub-section"
    );
    assert_eq!(section.nested_value("s3", "after"), None);
}

#[test]
fn parser_treats_empty_key_without_indented_lines_as_empty_value() {
    let sections = parse("[a]\ns3 =\nk = v\n", false);
    assert!(matches!(sections[0].1.entries.get("s3"), Some(Entry::Value(v)) if v.is_empty()));
    assert_eq!(sections[0].1.value("s3"), None);
    assert_eq!(sections[0].1.value("k"), Some("v"));
}

#[test]
fn parser_handles_crlf_and_byte_order_mark() {
    let sections = parse("\u{feff}[a]\r\nk = v\r\ns3 =\r\n  x = y\r\n", false);
    assert_eq!(sections[0].0, "a");
    assert_eq!(sections[0].1.value("k"), Some("v"));
    assert_eq!(sections[0].1.nested_value("s3", "x"), Some("y"));
}

#[test]
fn parser_reports_line_numbers_of_malformed_lines() {
    let cases: [(&str, ParseError); 7] = [
        (
            "[a]\nk = v\n\njust text\n",
            ParseError {
                line: 4,
                problem: PROBLEM_NOT_KEY_VALUE,
            },
        ),
        (
            "[a]\n= v\n",
            ParseError {
                line: 2,
                problem: PROBLEM_EMPTY_KEY,
            },
        ),
        (
            "# c\n[a\n",
            ParseError {
                line: 2,
                problem: PROBLEM_UNCLOSED_HEADER,
            },
        ),
        (
            "[  ]\n",
            ParseError {
                line: 1,
                problem: PROBLEM_EMPTY_HEADER,
            },
        ),
        (
            "\nk = v\n[a]\n",
            ParseError {
                line: 2,
                problem: PROBLEM_OUTSIDE_SECTION,
            },
        ),
        (
            "[a]\nk = v\n  more\n",
            ParseError {
                line: 3,
                problem: PROBLEM_CONTINUATION,
            },
        ),
        (
            "[a]\ns3 =\n  x = 1\n  nonsense\n",
            ParseError {
                line: 4,
                problem: PROBLEM_SUB_SECTION_LINE,
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_error(text, true), expected, "input: {text:?}");
    }
}

#[test]
fn config_profile_names_map_from_headers() {
    assert_eq!(config_profile_name("default"), Some("default"));
    assert_eq!(config_profile_name("profile default"), Some("default"));
    assert_eq!(config_profile_name("profile   dev"), Some("dev"));
    assert_eq!(config_profile_name("profiledev"), None);
    assert_eq!(config_profile_name("profile"), None);
    assert_eq!(config_profile_name("sso-session corp"), None);
    assert_eq!(config_profile_name("dev"), None);
}

// -- Credentials precedence ---------------------------------------------

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

// -- IBM COS credentials file -------------------------------------------

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

// -- Region ---------------------------------------------------------------

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

// -- Endpoint -------------------------------------------------------------

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

// -- Secrets never leak ---------------------------------------------------

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

// -- Transport: CA bundle, verification, proxies ----------------------------

fn transport(fixture: &Fixture, overrides: &TransportOverrides) -> TransportConfig {
    resolve_transport(overrides, &fixture.env()).unwrap()
}

#[test]
fn ca_bundle_flag_beats_env_beats_profile() {
    let fixture = Fixture::new()
        .config("[default]\nca_bundle = ~/corp/ca.pem\n[profile dev]\nca_bundle = /etc/dev.pem\n")
        .var("AWS_CA_BUNDLE", "/env/ca.pem");
    let flag = TransportOverrides {
        ca_bundle: Some(PathBuf::from("/flag/ca.pem")),
        ..TransportOverrides::default()
    };
    let bundle = transport(&fixture, &flag).ca_bundle.unwrap();
    assert_eq!(
        (bundle.value, bundle.source.as_str()),
        (PathBuf::from("/flag/ca.pem"), "--ca-bundle")
    );
    let bundle = transport(&fixture, &TransportOverrides::default())
        .ca_bundle
        .unwrap();
    assert_eq!(
        (bundle.value, bundle.source.as_str()),
        (PathBuf::from("/env/ca.pem"), "AWS_CA_BUNDLE")
    );

    let fixture = Fixture::new()
        .config("[default]\nca_bundle = ~/corp/ca.pem\n[profile dev]\nca_bundle = /etc/dev.pem\n");
    let bundle = transport(&fixture, &TransportOverrides::default())
        .ca_bundle
        .unwrap();
    assert_eq!(bundle.value, fixture.home.path().join("corp/ca.pem"));
    assert!(
        bundle.source.starts_with("profile 'default' in "),
        "{}",
        bundle.source
    );
    let dev = TransportOverrides {
        profile: Some("dev".to_owned()),
        ..TransportOverrides::default()
    };
    assert_eq!(
        transport(&fixture, &dev).ca_bundle.unwrap().value,
        PathBuf::from("/etc/dev.pem")
    );
    let fixture = fixture.var("AWS_PROFILE", "dev");
    assert_eq!(
        transport(&fixture, &TransportOverrides::default())
            .ca_bundle
            .unwrap()
            .value,
        PathBuf::from("/etc/dev.pem")
    );
    assert!(
        transport(&Fixture::new(), &TransportOverrides::default())
            .ca_bundle
            .is_none()
    );
}

#[test]
fn verification_is_on_unless_asked_off() {
    assert!(transport(&Fixture::new(), &TransportOverrides::default()).verify_tls);
    let off = TransportOverrides {
        no_verify_ssl: true,
        ..TransportOverrides::default()
    };
    assert!(!transport(&Fixture::new(), &off).verify_tls);
}

#[test]
fn proxies_per_scheme_lower_case_first_all_proxy_last() {
    let fixture = Fixture::new()
        .var("HTTPS_PROXY", "http://upper:3128")
        .var("https_proxy", "http://lower:3128")
        .var("ALL_PROXY", "http://all:3128")
        .var("NO_PROXY", " localhost,,.corp.example , 10.0.0.0/8");
    let config = transport(&fixture, &TransportOverrides::default());
    let https = config.https_proxy.unwrap();
    assert_eq!(
        (https.value.as_str(), https.source.as_str()),
        ("http://lower:3128", "https_proxy")
    );
    let http = config.http_proxy.unwrap();
    assert_eq!(
        (http.value.as_str(), http.source.as_str()),
        ("http://all:3128", "ALL_PROXY")
    );
    assert_eq!(
        config.no_proxy.unwrap().value,
        ["localhost", ".corp.example", "10.0.0.0/8"]
    );
    let none = transport(
        &Fixture::new().var("HTTP_PROXY", ""),
        &TransportOverrides::default(),
    );
    assert!(none.http_proxy.is_none() && none.https_proxy.is_none() && none.no_proxy.is_none());
}

#[test]
fn proxy_passwords_never_show() {
    let fixture = Fixture::new().var("HTTPS_PROXY", "http://user:s3cr3t@proxy.corp:8080/");
    let config = transport(&fixture, &TransportOverrides::default());
    let proxy = config.https_proxy.clone().unwrap().value;
    assert_eq!(proxy.redacted(), "http://user:***@proxy.corp:8080/");
    assert_eq!(proxy.as_str(), "http://user:s3cr3t@proxy.corp:8080/");
    assert!(!format!("{config:?}").contains("s3cr3t"));
}

// -- keys given as they are (the Python Client's arguments) -------------

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

// ---------------------------------------------------------------------------
// The credential chain: which source answers (botocore's order and refusals)
// ---------------------------------------------------------------------------

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

/// The S3 endpoint settings (dualstack, FIPS, acceleration, ...).
mod endpoint_options;
