//! IAM Identity Center (SSO) against loopback stubs of the portal
//! (`GetRoleCredentials`) and OIDC (`CreateToken`) that answer as AWS
//! documents them (restJson1: JSON bodies, the error type in
//! `x-amzn-ErrorType`), reached through `AWS_ENDPOINT_URL_SSO` and
//! `AWS_ENDPOINT_URL_SSO_OIDC`, with a temporary HOME holding
//! `~/.aws/config` and the token cache.
//!
//! The oracle: botocore, run with the same HOME and variables against the
//! same stubs, must get the same access key id, secret and session token
//! and expiry (and refuse where presign refuses). botocore comes from the
//! interpreter `PRESIGN_PYTHON` names (`scripts/setup-python.sh` prints it);
//! without it the oracle half of each test is skipped loudly, except under
//! CI (`CI` set), where that fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{Home, Python, Reply, Stub};
use presign_config::{CredentialSource, Environment, Overrides, resolve};
use presign_credentials::CredentialsError;
use serde_json::{Value, json};

const SESSION: &str = "my-sso";
const START_URL: &str = "https://d-1234567890.awsapps.com/start";
const ACCOUNT: &str = "123456789012";
const ROLE: &str = "ReadOnly";
const ACCESS_TOKEN: &str = "aoa-access-token-SECRET";
const NEW_ACCESS_TOKEN: &str = "aoa-refreshed-token-SECRET";
const REFRESH_TOKEN: &str = "aor-refresh-token-SECRET";
const CLIENT_ID: &str = "client-id-123";
const CLIENT_SECRET: &str = "client-secret-SECRET";
const KEY_ID: &str = "ASIASSOSTUBEXAMPLE";
const SECRET: &str = "sso/stub+secret/KEY";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjE/sso+session+token==";

// ---------------------------------------------------------------- stubs --

/// The credentials the portal stub hands out, expiring in six hours.
fn role_expiration_millis() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    (now.as_secs() + 6 * 3600) * 1000 + 123
}

/// The portal: `GET /federation/credentials?role_name=..&account_id=..`
/// with `x-amz-sso_bearer_token`; a token other than `accepted` gets 401
/// UnauthorizedException, as the real portal answers it.
fn portal(accepted: &'static str, expiration_millis: u64) -> Stub {
    Stub::start(move |request| {
        let expected = format!("/federation/credentials?role_name={ROLE}&account_id={ACCOUNT}");
        if request.method != "GET" || request.target != expected {
            return Reply::aws_json_error(
                404,
                "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/",
                &json!({"message": "Could not find Role"}),
            );
        }
        if request.header("x-amz-sso_bearer_token") != Some(accepted) {
            return Reply::aws_json_error(
                401,
                "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/",
                &json!({"message": "Session token not found or invalid"}),
            );
        }
        Reply::json(
            200,
            &json!({"roleCredentials": {
                "accessKeyId": KEY_ID,
                "secretAccessKey": SECRET,
                "sessionToken": SESSION_TOKEN,
                "expiration": expiration_millis,
            }}),
        )
    })
}

/// OIDC: `POST /token` with the refresh grant of our registration gets a
/// new token for eight hours; anything else gets 400 InvalidGrantException.
fn oidc() -> Stub {
    Stub::start(|request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let expected = json!({
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            "grantType": "refresh_token",
            "refreshToken": REFRESH_TOKEN,
        });
        if request.method != "POST" || request.target != "/token" || body != expected {
            return Reply::aws_json_error(
                400,
                "InvalidGrantException",
                &json!({"error": "invalid_grant", "error_description": "Invalid refresh token provided"}),
            );
        }
        Reply::json(
            200,
            &json!({
                "accessToken": NEW_ACCESS_TOKEN,
                "tokenType": "Bearer",
                "expiresIn": 28800,
                "refreshToken": "aor-second-refresh-token",
            }),
        )
    })
}

// ----------------------------------------------------------- the homes --

/// A temporary HOME with `~/.aws/config`: profile `x` (sso_session) and
/// profile `legacy` (the start URL in the profile), the portal and OIDC
/// reached through `AWS_ENDPOINT_URL_SSO` and `AWS_ENDPOINT_URL_SSO_OIDC`.
struct SsoHome {
    home: Home,
}

impl SsoHome {
    fn new(portal: &Stub, oidc: &Stub) -> Self {
        let mut home = Home::new();
        home.write_config(&format!(
            "[profile x]\nsso_session = {SESSION}\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\nregion = eu-west-1\n\n\
             [sso-session {SESSION}]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n\
             [profile legacy]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\nregion = eu-west-1\n"
        ));
        home.set("AWS_ENDPOINT_URL_SSO", portal.url())
            .set("AWS_ENDPOINT_URL_SSO_OIDC", oidc.url());
        Self { home }
    }

    fn path(&self) -> &Path {
        self.home.path()
    }

    /// The token cache file of a profile: sha1 of the session name, or of
    /// the start URL for the legacy form (values computed by botocore).
    fn token_file(&self, legacy: bool) -> PathBuf {
        let name = if legacy {
            // hashlib.sha1(START_URL.encode()).hexdigest()
            "7487b5b67d5fa1132cf33fa93ae51ef38cc37752"
        } else {
            // hashlib.sha1(b"my-sso").hexdigest()
            "0ad374308c5a4e22f723adf10145eafad7c4031c"
        };
        self.path()
            .join(".aws/sso/cache")
            .join(format!("{name}.json"))
    }

    fn cli_cache_dir(&self) -> PathBuf {
        self.path().join(".aws/cli/cache")
    }

    fn write_token(&self, legacy: bool, contents: &str) {
        let path = self.token_file(legacy);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    fn vars(&self, profile: &str) -> Vec<(String, String)> {
        self.home.vars_with(&[("AWS_PROFILE", profile)])
    }

    fn source(&self, profile: &str) -> CredentialSource {
        let env = Environment::from_vars(self.vars(profile), Some(self.path().to_owned()));
        let config = resolve(&Overrides::default(), &env).unwrap();
        assert!(
            matches!(config.credentials, CredentialSource::Sso(_)),
            "profile {profile} must plan SSO, got {}",
            config.credentials.describe()
        );
        config.credentials
    }

    fn fetch(
        &self,
        profile: &str,
    ) -> Result<presign_config::ResolvedCredentials, CredentialsError> {
        let source = self.source(profile);
        let env = Environment::from_vars(self.vars(profile), Some(self.path().to_owned()));
        common::fetcher(&env).fetch(&source, SystemTime::now())
    }

    fn cli_cache_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.cli_cache_dir())
            .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
            .unwrap_or_default()
    }
}

fn rfc3339(instant: SystemTime) -> String {
    jiff::Timestamp::try_from(instant)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn token_json(expires_in: i64, registration: Option<i64>) -> String {
    let at = |seconds: i64| {
        let now = SystemTime::now();
        rfc3339(if seconds >= 0 {
            now + Duration::from_secs(seconds.unsigned_abs())
        } else {
            now - Duration::from_secs(seconds.unsigned_abs())
        })
    };
    let mut token = json!({
        "startUrl": START_URL,
        "region": "eu-west-1",
        "accessToken": ACCESS_TOKEN,
        "expiresAt": at(expires_in),
    });
    if let Some(registration) = registration {
        token["clientId"] = json!(CLIENT_ID);
        token["clientSecret"] = json!(CLIENT_SECRET);
        token["registrationExpiresAt"] = json!(at(registration));
        token["refreshToken"] = json!(REFRESH_TOKEN);
    }
    token.to_string()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn assert_no_secret(message: &str) {
    for secret in [
        ACCESS_TOKEN,
        NEW_ACCESS_TOKEN,
        REFRESH_TOKEN,
        CLIENT_SECRET,
        SECRET,
        SESSION_TOKEN,
    ] {
        assert!(!message.contains(secret), "a secret leaked into: {message}");
    }
}

// ------------------------------------------------------------ the oracle --

/// What botocore got: the keys and expiry, or the exception's class.
#[derive(Debug, PartialEq, Eq)]
enum Oracle {
    Credentials {
        key: String,
        secret: String,
        token: String,
        expiry: u64,
    },
    Refused(String),
}

/// botocore's credential chain with HOME = `home`; with `cli_cache` the
/// SSO provider caches in `~/.aws/cli/cache` as the AWS CLI sets it up
/// (awscli's `inject_json_file_cache`).
const ORACLE: &str = r"
import json, os, sys
import botocore.session
from botocore.utils import JSONFileCache
session = botocore.session.Session()
if sys.argv[1] == 'cli-cache':
    provider = session.get_component('credential_provider').get_provider('sso')
    provider.cache = JSONFileCache(os.path.expanduser(os.path.join('~', '.aws', 'cli', 'cache')))
try:
    credentials = session.get_credentials()
    frozen = credentials.get_frozen_credentials()
    print(json.dumps({'key': frozen.access_key, 'secret': frozen.secret_key, 'token': frozen.token,
                      'expiry': int(credentials._expiry_time.timestamp())}))
except Exception as error:
    print(json.dumps({'refused': type(error).__name__, 'message': str(error)}))
";

fn botocore(home: &SsoHome, profile: &str, cli_cache: bool) -> Option<Oracle> {
    let python = Python::find()?;
    let mut vars = home.vars(profile);
    vars.push(("HOME".to_owned(), home.path().display().to_string()));
    let mode = if cli_cache { "cli-cache" } else { "plain" };
    let answer: Value = serde_json::from_str(&python.run(ORACLE, &[mode], vars)).unwrap();
    Some(match answer.get("refused") {
        Some(class) => Oracle::Refused(class.as_str().unwrap().to_owned()),
        None => Oracle::Credentials {
            key: answer["key"].as_str().unwrap().to_owned(),
            secret: answer["secret"].as_str().unwrap().to_owned(),
            token: answer["token"].as_str().unwrap().to_owned(),
            expiry: answer["expiry"].as_u64().unwrap(),
        },
    })
}

fn as_oracle(credentials: &presign_config::ResolvedCredentials) -> Oracle {
    Oracle::Credentials {
        key: credentials.access_key_id.clone(),
        secret: credentials.secret_access_key.as_str().to_owned(),
        token: credentials
            .session_token
            .as_ref()
            .map(|token| token.as_str().to_owned())
            .unwrap_or_default(),
        expiry: credentials
            .expires_at
            .unwrap()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    }
}

fn login_needed(error: &CredentialsError, profile: &str) -> String {
    let message = error.to_string();
    assert!(
        matches!(error, CredentialsError::SsoLoginNeeded { .. }),
        "expected SsoLoginNeeded, got {error:?}"
    );
    assert!(
        message.ends_with(&format!("run `aws sso login --profile {profile}`")),
        "{message}"
    );
    assert_no_secret(&message);
    message
}

// ------------------------------------------------------------- the tests --

#[test]
fn valid_token_gives_the_portals_credentials_as_botocore_does() {
    let expiration = role_expiration_millis();
    let (portal, oidc) = (portal(ACCESS_TOKEN, expiration), oidc());
    let home = SsoHome::new(&portal, &oidc);
    home.write_token(false, &token_json(8 * 3600, Some(90 * 86400)));

    let credentials = home.fetch("x").unwrap();
    assert_eq!(credentials.access_key_id, KEY_ID);
    assert_eq!(credentials.secret_access_key.as_str(), SECRET);
    assert_eq!(
        credentials.session_token.as_deref().map(String::as_str),
        Some(SESSION_TOKEN)
    );
    assert_eq!(
        credentials.expires_at,
        Some(UNIX_EPOCH + Duration::from_secs(expiration / 1000))
    );
    assert!(
        credentials.source.contains("sso-session 'my-sso'"),
        "{}",
        credentials.source
    );
    let requests = portal.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].target,
        format!("/federation/credentials?role_name={ROLE}&account_id={ACCOUNT}")
    );
    assert!(oidc.requests().is_empty(), "a fresh token is not refreshed");
    assert!(!format!("{credentials:?}").contains(SECRET));

    // The CLI's cache now holds them, 0600, under botocore's key.
    let cached = home
        .cli_cache_dir()
        .join("31b260dab331b2af063485cea75f7b8b3cf54c71.json");
    #[cfg(unix)]
    assert_eq!(mode(&cached), 0o600);
    // presign reads them back without asking the portal.
    let again = home.fetch("x").unwrap();
    assert_eq!(as_oracle(&again), as_oracle(&credentials));
    assert_eq!(
        portal.requests().len(),
        1,
        "the second fetch comes from the CLI cache"
    );

    // botocore, asking the portal itself, gets the same.
    let Some(plain) = botocore(&home, "x", false) else {
        return;
    };
    assert_eq!(plain, as_oracle(&credentials));
    assert_eq!(portal.requests().len(), 2);
    // botocore set up as the AWS CLI reads presign's cache file instead.
    assert_eq!(botocore(&home, "x", true).unwrap(), as_oracle(&credentials));
    assert_eq!(
        portal.requests().len(),
        2,
        "botocore used presign's cache file"
    );
}

#[test]
fn presign_reads_the_cache_file_botocore_wrote() {
    let expiration = role_expiration_millis();
    let (portal, oidc) = (portal(ACCESS_TOKEN, expiration), oidc());
    let home = SsoHome::new(&portal, &oidc);
    home.write_token(false, &token_json(8 * 3600, None));
    let Some(oracle) = botocore(&home, "x", true) else {
        return;
    };
    assert_eq!(portal.requests().len(), 1);
    assert_eq!(
        home.cli_cache_files().len(),
        1,
        "botocore wrote its cache file"
    );
    // Without a working token, only the cache file can answer.
    std::fs::remove_file(home.token_file(false)).unwrap();
    let credentials = home.fetch("x").unwrap();
    assert_eq!(as_oracle(&credentials), oracle);
    assert_eq!(portal.requests().len(), 1);
}

#[test]
fn legacy_profile_uses_the_start_url_token_as_botocore_does() {
    let expiration = role_expiration_millis();
    let (portal, oidc) = (portal(ACCESS_TOKEN, expiration), oidc());
    let home = SsoHome::new(&portal, &oidc);
    home.write_token(true, &token_json(3600, None));

    let credentials = home.fetch("legacy").unwrap();
    assert_eq!(credentials.access_key_id, KEY_ID);
    assert!(
        credentials.source.contains("legacy"),
        "{}",
        credentials.source
    );
    // The CLI's cache key of the legacy form hashes the start URL (botocore's value).
    assert_eq!(
        home.cli_cache_files(),
        vec![
            home.cli_cache_dir()
                .join("30bbb2b1278a4c1fb1b943c46c1ef6501807f657.json")
        ]
    );
    if let Some(oracle) = botocore(&home, "legacy", false) {
        assert_eq!(oracle, as_oracle(&credentials));
    }
}

#[test]
fn token_near_expiry_is_refreshed_written_back_and_read_by_botocore() {
    let expiration = role_expiration_millis();
    let (portal, oidc) = (portal(NEW_ACCESS_TOKEN, expiration), oidc());
    let home = SsoHome::new(&portal, &oidc);
    let original = token_json(5 * 60, Some(90 * 86400));
    home.write_token(false, &original);
    // A second home where botocore refreshes the same token itself.
    let twin = SsoHome::new(&portal, &oidc);
    twin.write_token(false, &original);

    let before = SystemTime::now();
    let credentials = home.fetch("x").unwrap();
    assert_eq!(credentials.access_key_id, KEY_ID);
    let calls = oidc.requests();
    assert_eq!(calls.len(), 1, "CreateToken is called once");
    assert_eq!(calls[0].header("content-type"), Some("application/json"));
    let portal_calls = portal.requests();
    assert_eq!(
        portal_calls[0].header("x-amz-sso_bearer_token"),
        Some(NEW_ACCESS_TOKEN)
    );

    let path = home.token_file(false);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["accessToken"], NEW_ACCESS_TOKEN);
    assert_eq!(written["refreshToken"], "aor-second-refresh-token");
    let expires = presign_config::parse_expiration(written["expiresAt"].as_str().unwrap()).unwrap();
    let lifetime = expires.duration_since(before).unwrap().as_secs();
    assert!(
        (28_790..=28_805).contains(&lifetime),
        "expiresAt is now + expiresIn: {lifetime}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file is left: {leftovers:?}"
    );

    let Some(_) = Python::find() else { return };
    // botocore reads the rewritten file and uses it without refreshing.
    std::fs::remove_dir_all(home.cli_cache_dir()).unwrap();
    assert_eq!(
        botocore(&home, "x", false).unwrap(),
        as_oracle(&credentials)
    );
    assert_eq!(
        oidc.requests().len(),
        1,
        "botocore accepted the rewritten token"
    );
    // botocore refreshing the same token writes the same file (expiresAt
    // aside, which depends on the second it ran).
    assert_eq!(
        botocore(&twin, "x", false).unwrap(),
        as_oracle(&credentials)
    );
    let mut theirs: Value =
        serde_json::from_str(&std::fs::read_to_string(twin.token_file(false)).unwrap()).unwrap();
    let mut ours = written.clone();
    let their_expiry = theirs.as_object_mut().unwrap().remove("expiresAt").unwrap();
    ours.as_object_mut().unwrap().remove("expiresAt");
    assert_eq!(ours, theirs);
    let their_expiry = presign_config::parse_expiration(their_expiry.as_str().unwrap()).unwrap();
    let apart = their_expiry
        .duration_since(expires)
        .unwrap_or_else(|error| error.duration());
    assert!(
        apart <= Duration::from_secs(30),
        "expiresAt differ by {apart:?}"
    );
}

#[test]
fn refused_refresh_keeps_a_token_that_has_not_expired() {
    let expiration = role_expiration_millis();
    let (portal, oidc) = (portal(ACCESS_TOKEN, expiration), oidc());
    let home = SsoHome::new(&portal, &oidc);
    // The registration's refresh token is not the one OIDC knows.
    let token = token_json(5 * 60, Some(90 * 86400)).replace(REFRESH_TOKEN, "aor-revoked");
    home.write_token(false, &token);
    let credentials = home.fetch("x").unwrap();
    assert_eq!(credentials.access_key_id, KEY_ID);
    assert_eq!(oidc.requests().len(), 1);
    assert_eq!(
        std::fs::read_to_string(home.token_file(false)).unwrap(),
        token,
        "file untouched"
    );
    if let Some(oracle) = botocore(&home, "x", false) {
        assert_eq!(oracle, as_oracle(&credentials));
    }
}

#[test]
fn expired_token_without_refresh_asks_for_aws_sso_login() {
    let (portal, oidc) = (portal(ACCESS_TOKEN, role_expiration_millis()), oidc());
    let home = SsoHome::new(&portal, &oidc);
    home.write_token(false, &token_json(-60, None));
    let error = home.fetch("x").unwrap_err();
    let message = login_needed(&error, "x");
    assert!(message.contains("SSO profile 'x'"), "{message}");
    assert!(message.contains("expired at"), "{message}");
    assert!(message.contains("client registration"), "{message}");
    assert!(portal.requests().is_empty() && oidc.requests().is_empty());
    assert!(home.cli_cache_files().is_empty());
    if let Some(oracle) = botocore(&home, "x", false) {
        assert_eq!(oracle, Oracle::Refused("TokenRetrievalError".to_owned()));
    }

    // The legacy form cannot refresh at all.
    home.write_token(true, &token_json(-60, Some(90 * 86400)));
    let message = login_needed(&home.fetch("legacy").unwrap_err(), "legacy");
    assert!(message.contains("legacy SSO settings"), "{message}");
    if let Some(oracle) = botocore(&home, "legacy", false) {
        assert_eq!(
            oracle,
            Oracle::Refused("UnauthorizedSSOTokenError".to_owned())
        );
    }
}

#[test]
fn expired_token_whose_refresh_is_refused_asks_for_aws_sso_login() {
    let (portal, oidc) = (portal(ACCESS_TOKEN, role_expiration_millis()), oidc());
    let home = SsoHome::new(&portal, &oidc);
    home.write_token(
        false,
        &token_json(-60, Some(90 * 86400)).replace(REFRESH_TOKEN, "aor-revoked"),
    );
    let message = login_needed(&home.fetch("x").unwrap_err(), "x");
    assert!(message.contains("InvalidGrantException"), "{message}");
    assert!(portal.requests().is_empty());
    if let Some(oracle) = botocore(&home, "x", false) {
        assert_eq!(oracle, Oracle::Refused("TokenRetrievalError".to_owned()));
    }
}

#[test]
fn missing_token_file_asks_for_aws_sso_login() {
    let (portal, oidc) = (portal(ACCESS_TOKEN, role_expiration_millis()), oidc());
    let home = SsoHome::new(&portal, &oidc);
    let message = login_needed(&home.fetch("x").unwrap_err(), "x");
    assert!(
        message.contains("no cached SSO token for sso-session 'my-sso'"),
        "{message}"
    );
    assert!(
        message.contains(&home.token_file(false).display().to_string()),
        "{message}"
    );
    if let Some(oracle) = botocore(&home, "x", false) {
        assert_eq!(oracle, Oracle::Refused("SSOTokenLoadError".to_owned()));
    }
}

#[test]
fn portal_unauthorized_asks_for_aws_sso_login() {
    let (portal, oidc) = (
        portal("a-token-nobody-has", role_expiration_millis()),
        oidc(),
    );
    let home = SsoHome::new(&portal, &oidc);
    home.write_token(false, &token_json(8 * 3600, None));
    let message = login_needed(&home.fetch("x").unwrap_err(), "x");
    assert!(message.contains("UnauthorizedException"), "{message}");
    assert!(
        message.contains("Session token not found or invalid"),
        "{message}"
    );
    assert!(home.cli_cache_files().is_empty(), "nothing cached");
    if let Some(oracle) = botocore(&home, "x", false) {
        assert_eq!(
            oracle,
            Oracle::Refused("UnauthorizedSSOTokenError".to_owned())
        );
    }
}

#[test]
fn malformed_token_file_is_named_and_left_untouched() {
    let (portal, oidc) = (portal(ACCESS_TOKEN, role_expiration_millis()), oidc());
    let home = SsoHome::new(&portal, &oidc);
    let broken = format!("{{\"accessToken\": \"{ACCESS_TOKEN}\", \"expiresAt\": ");
    home.write_token(false, &broken);
    let error = home.fetch("x").unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, CredentialsError::SsoTokenFile { .. }),
        "{error:?}"
    );
    assert!(
        message.contains(&home.token_file(false).display().to_string()),
        "{message}"
    );
    assert!(message.contains("is not valid JSON"), "{message}");
    assert!(message.contains("aws sso login --profile x"), "{message}");
    assert_no_secret(&message);
    assert_eq!(
        std::fs::read_to_string(home.token_file(false)).unwrap(),
        broken
    );
    assert!(portal.requests().is_empty() && oidc.requests().is_empty());
    assert!(!home.cli_cache_dir().exists(), "nothing written");
    if let Some(oracle) = botocore(&home, "x", false) {
        assert!(
            matches!(oracle, Oracle::Refused(_)),
            "botocore refuses too: {oracle:?}"
        );
    }
}

#[test]
fn two_megabyte_portal_answer_is_refused() {
    let oidc = oidc();
    let portal = Stub::start(|_| {
        Reply::bytes(
            200,
            format!(
                "{{\"roleCredentials\": {{\"accessKeyId\": \"{}\"}}}}",
                "A".repeat(2 * 1024 * 1024)
            ),
        )
        .header("Content-Type", "application/json")
    });
    let home = SsoHome::new(&portal, &oidc);
    home.write_token(false, &token_json(8 * 3600, None));
    let error = home.fetch("x").unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, CredentialsError::SsoAnswer { .. }),
        "{error:?}"
    );
    assert!(
        message.contains("SSO portal GetRoleCredentials"),
        "{message}"
    );
    assert!(message.contains("is larger than 1024 KiB"), "{message}");
    assert!(home.cli_cache_files().is_empty(), "nothing cached");
}

#[test]
fn malformed_cli_cache_is_named_and_not_overwritten() {
    let (portal, oidc) = (portal(ACCESS_TOKEN, role_expiration_millis()), oidc());
    let home = SsoHome::new(&portal, &oidc);
    home.write_token(false, &token_json(8 * 3600, None));
    let cached = home
        .cli_cache_dir()
        .join("31b260dab331b2af063485cea75f7b8b3cf54c71.json");
    std::fs::create_dir_all(home.cli_cache_dir()).unwrap();
    std::fs::write(&cached, "{\"Credentials\": {\"AccessKeyId\": 1}}").unwrap();
    let error = home.fetch("x").unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, CredentialsError::CliCacheFile { .. }),
        "{error:?}"
    );
    assert!(message.contains(&cached.display().to_string()), "{message}");
    assert!(message.contains("`Credentials."), "{message}");
    assert_eq!(
        std::fs::read_to_string(&cached).unwrap(),
        "{\"Credentials\": {\"AccessKeyId\": 1}}"
    );
    assert!(portal.requests().is_empty());
}

/// Before, an SSO fetch whose AWS CLI cache could not be written failed,
/// credentials in hand, where an STS fetch went on: the caches now follow
/// one rule (a cache write never fails the fetch). `~/.aws/cli` is a file
/// here, so the cache folder cannot be made (even as root).
#[test]
fn a_cli_cache_that_cannot_be_written_does_not_fail_the_fetch() {
    let (portal, oidc) = (portal(ACCESS_TOKEN, role_expiration_millis()), oidc());
    let home = SsoHome::new(&portal, &oidc);
    home.write_token(false, &token_json(8 * 3600, Some(90 * 86400)));
    let blocker = home.cli_cache_dir().parent().unwrap().to_owned();
    std::fs::create_dir_all(blocker.parent().unwrap()).unwrap();
    std::fs::write(&blocker, "not a folder").unwrap();

    let credentials = home.fetch("x").unwrap();
    assert_eq!(credentials.access_key_id, KEY_ID);
    assert!(home.cli_cache_files().is_empty());
    assert_eq!(portal.requests().len(), 1);
}
