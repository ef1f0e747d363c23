//! Tests of configuration resolution; files come from tempdirs and the
//! environment from `Environment::from_vars`, never from the real machine.

use std::path::PathBuf;

use presign::Addressing;

use crate::shared_files::*;
use crate::sources::*;
use crate::*;
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

mod credential_chain;
mod credentials_precedence;
mod endpoint;
/// The S3 endpoint settings (dualstack, FIPS, acceleration, ...).
mod endpoint_options;
mod given_keys;
mod ibm;
mod ini_parser;
mod region;
mod secrets;
mod transport;
