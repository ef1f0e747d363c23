//! STS assume role and web identity, end to end: against moto's server with
//! signature checking on (`scripts/servers/start.sh moto DIR`, found through
//! `PRESIGN_INTEROP_SERVERS=DIR`), against loopback stubs for what moto
//! cannot show (request counts, error bodies, huge answers), and against
//! botocore as the oracle (`PRESIGN_PYTHON`, from `scripts/setup-python.sh`):
//! the same config files give the same keys, the same inputs the same
//! `Authorization` header, and the AWS CLI's cache is shared both ways.
//!
//! Without `PRESIGN_INTEROP_SERVERS` or `PRESIGN_PYTHON` the tests that
//! need them are skipped with a notice; under CI (`CI` set) they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::{Home, Moto, Python, Reply, Stub, answer_xml, create_role, fetch_source, moto_call};
use presign_credentials::{CredentialsError, MfaPrompt};

const ROLE: &str = "arn:aws:iam::123456789012:role/presign-target";
const STUB_KEY: &str = "ASIASTUBEXAMPLE00001";
const STUB_SECRET: &str = "stub/Secret+Key0123456789";
const STUB_TOKEN: &str = "stub-session-token//+==";

/// The source the chain plans for `profile` (`default`: no `--profile`)
/// in us-east-1 with `vars` set too.
fn source_of(
    home: &Home,
    profile: &str,
    vars: &[(&str, &str)],
) -> presign_config::CredentialSource {
    let mut all = vec![("AWS_REGION", "us-east-1")];
    all.extend_from_slice(vars);
    common::plan_for(home, (profile != "default").then_some(profile), &all)
}

fn base_profile(moto: &Moto) -> String {
    format!(
        "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        moto.access_key, moto.secret_key
    )
}

// ---------------------------------------------------------------- moto

#[test]
fn moto_assume_role_returns_credentials_with_the_requested_lifetime() {
    let Some(moto) = Moto::find() else { return };
    let _lock = moto.lock();
    let config = format!(
        "[profile dev]\nrole_arn = {ROLE}\nsource_profile = base\nexternal_id = presign-ext\n\
         duration_seconds = 900\nrole_session_name = presign-it\n"
    );
    let home = Home::with_files(&config, &base_profile(&moto));
    let source = source_of(&home, "dev", &[("AWS_ENDPOINT_URL_STS", &moto.endpoint)]);
    let now = SystemTime::now();
    let credentials = fetch_source(&source, now).unwrap();
    assert!(
        credentials.access_key_id.starts_with("ASIA"),
        "{}",
        credentials.access_key_id
    );
    assert!(!credentials.secret_access_key.is_empty());
    assert!(
        credentials
            .session_token
            .as_ref()
            .is_some_and(|t| !t.is_empty())
    );
    let lifetime = credentials.expires_at.unwrap().duration_since(now).unwrap();
    // moto gives the session DurationSeconds (900), so the value was sent.
    assert!(
        (Duration::from_secs(880)..=Duration::from_secs(905)).contains(&lifetime),
        "lifetime {lifetime:?}"
    );
    assert!(credentials.source.contains(ROLE) && credentials.source.contains("'dev'"));
    // The session works: moto checks its signature and the role's session.
    let (status, text) = moto_call(
        &moto,
        "sts",
        "Action=GetCallerIdentity&Version=2011-06-15",
        &credentials,
    );
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("assumed-role/presign-target/presign-it"),
        "{text}"
    );
}

#[test]
fn moto_refuses_a_wrong_secret_with_signature_does_not_match() {
    let Some(moto) = Moto::find() else { return };
    let _lock = moto.lock();
    let config = format!("[profile dev]\nrole_arn = {ROLE}\nsource_profile = base\n");
    let credentials = format!(
        "[base]\naws_access_key_id = {}\naws_secret_access_key = wrong-{}\n",
        moto.access_key, moto.secret_key
    );
    let home = Home::with_files(&config, &credentials);
    let source = source_of(&home, "dev", &[("AWS_ENDPOINT_URL_STS", &moto.endpoint)]);
    let error = fetch_source(&source, SystemTime::now()).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, CredentialsError::StsRefused { ref code, .. } if code == "SignatureDoesNotMatch"),
        "{message}"
    );
    assert!(message.contains("SignatureDoesNotMatch"), "{message}");
    assert!(
        message.contains(ROLE) && message.contains("profile 'dev'"),
        "{message}"
    );
    assert!(!message.contains(&moto.secret_key), "{message}");
}

#[test]
fn moto_role_chain_assumes_each_role_in_turn() {
    let Some(moto) = Moto::find() else { return };
    let _lock = moto.lock();
    // The middle role must exist with a policy that lets it assume roles:
    // moto checks the chained call with that role's permissions.
    let middle = create_role(&moto, "presign-middle");
    let config = format!(
        "[profile a]\nrole_arn = {ROLE}\nsource_profile = b\nrole_session_name = end\n\
         [profile b]\nrole_arn = {middle}\nsource_profile = c\nrole_session_name = mid\n"
    );
    let credentials = format!(
        "[c]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        moto.access_key, moto.secret_key
    );
    let home = Home::with_files(&config, &credentials);
    let source = source_of(&home, "a", &[("AWS_ENDPOINT_URL_STS", &moto.endpoint)]);
    let credentials = fetch_source(&source, SystemTime::now()).unwrap();
    let (status, text) = moto_call(
        &moto,
        "sts",
        "Action=GetCallerIdentity&Version=2011-06-15",
        &credentials,
    );
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("assumed-role/presign-target/end"), "{text}");
    // Both sessions were cached: the middle role's too.
    let cached = std::fs::read_dir(home.path().join(".aws/cli/cache"))
        .unwrap()
        .count();
    assert_eq!(cached, 2);
}

#[test]
fn moto_web_identity_is_unsigned_and_reads_the_token_file() {
    let Some(moto) = Moto::find() else { return };
    let _lock = moto.lock();
    let home = Home::with_files("", "");
    let token = home.path().join("token");
    std::fs::write(&token, "eyJ.web-identity.token").unwrap();
    let token_path = token.to_str().unwrap();
    let source = source_of(
        &home,
        "default",
        &[
            ("AWS_ENDPOINT_URL_STS", &moto.endpoint),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token_path),
            ("AWS_ROLE_ARN", ROLE),
            ("AWS_ROLE_SESSION_NAME", "pod-session"),
        ],
    );
    // moto with signature checking on cannot serve an unsigned call (it
    // fails on the missing Authorization header), so it is allowed one
    // unauthenticated action for this call, then checks everything again.
    let credentials = moto
        .without_auth_for_one_action(|| fetch_source(&source, SystemTime::now()))
        .unwrap();
    assert!(credentials.access_key_id.starts_with("ASIA"));
    assert!(credentials.expires_at.is_some());
    let (status, text) = moto_call(
        &moto,
        "sts",
        "Action=GetCallerIdentity&Version=2011-06-15",
        &credentials,
    );
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("assumed-role/presign-target/pod-session"),
        "{text}"
    );
}

// ---------------------------------------------------------------- stubs

fn stub_answering_credentials() -> Stub {
    Stub::start(|request| {
        let action = if request
            .body_text()
            .contains("Action=AssumeRoleWithWebIdentity")
        {
            "AssumeRoleWithWebIdentity"
        } else {
            "AssumeRole"
        };
        Reply::xml(200, &answer_xml(action, STUB_KEY, STUB_SECRET, STUB_TOKEN))
    })
}

fn dev_profile() -> String {
    format!(
        "[profile dev]\nrole_arn = {ROLE}\nsource_profile = base\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n"
    )
}

#[test]
fn the_cli_cache_is_written_0600_and_reused_without_a_second_call() {
    let stub = stub_answering_credentials();
    let home = Home::with_files(&dev_profile(), "");
    let source = source_of(&home, "dev", &[("AWS_ENDPOINT_URL_STS", stub.url())]);
    let first = fetch_source(&source, SystemTime::now()).unwrap();
    assert_eq!(first.access_key_id, STUB_KEY);
    assert_eq!(stub.requests().len(), 1);
    let dir = home.path().join(".aws/cli/cache");
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_mode(&entries[0], 0o600);
    assert_mode(&dir, 0o700);
    let second = fetch_source(&source, SystemTime::now()).unwrap();
    assert_eq!(stub.requests().len(), 1, "the second fetch called STS");
    assert_eq!(second.access_key_id, STUB_KEY);
    assert_eq!(
        second.session_token.as_deref().map(String::as_str),
        Some(STUB_TOKEN)
    );
    assert!(second.source.contains("cache"), "{}", second.source);
}

#[cfg(unix)]
fn assert_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    let actual = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(actual, mode, "{}", path.display());
}

#[cfg(not(unix))]
fn assert_mode(_: &Path, _: u32) {}

#[test]
fn malformed_cache_json_is_a_clear_error_and_nothing_is_written() {
    let stub = stub_answering_credentials();
    let home = Home::with_files(&dev_profile(), "");
    let source = source_of(&home, "dev", &[("AWS_ENDPOINT_URL_STS", stub.url())]);
    fetch_source(&source, SystemTime::now()).unwrap();
    let dir = home.path().join(".aws/cli/cache");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let malformed = "{\"Credentials\": {\"AccessKeyId\": ";
    std::fs::write(&entry, malformed).unwrap();
    let error = fetch_source(&source, SystemTime::now()).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, CredentialsError::CliCacheFile { .. }),
        "{error:?}"
    );
    assert!(message.contains(&entry.display().to_string()), "{message}");
    assert!(message.contains("is not valid JSON"), "{message}");
    assert!(message.contains("delete it"), "{message}");
    assert_eq!(stub.requests().len(), 1, "STS was called again");
    assert_eq!(std::fs::read_to_string(&entry).unwrap(), malformed);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "a file was written"
    );
}

#[test]
fn an_sts_error_body_names_code_message_role_and_profile() {
    let stub = Stub::start(|_| {
        Reply::xml(
            403,
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
              <Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/u is not authorized to perform: \
              sts:AssumeRole</Message></Error><RequestId>r-1</RequestId></ErrorResponse>",
        )
    });
    let home = Home::with_files(&dev_profile(), "");
    let source = source_of(&home, "dev", &[("AWS_ENDPOINT_URL_STS", stub.url())]);
    let error = fetch_source(&source, SystemTime::now()).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("AccessDenied"), "{message}");
    assert!(
        message.contains("is not authorized to perform: sts:AssumeRole"),
        "{message}"
    );
    assert!(
        message.contains(ROLE) && message.contains("profile 'dev'"),
        "{message}"
    );
    assert!(message.contains("HTTP 403"), "{message}");
    assert!(
        !home.path().join(".aws/cli/cache").exists(),
        "a refusal was cached"
    );
}

#[test]
fn a_two_megabyte_answer_is_a_clear_error_and_nothing_is_cached() {
    let stub = Stub::start(|_| Reply::bytes(200, vec![b'x'; 2 << 20]));
    let home = Home::with_files(&dev_profile(), "");
    let source = source_of(&home, "dev", &[("AWS_ENDPOINT_URL_STS", stub.url())]);
    let error = fetch_source(&source, SystemTime::now()).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("larger than 1 MiB"), "{message}");
    assert!(message.contains(ROLE), "{message}");
    assert!(!home.path().join(".aws/cli/cache").exists());
}

#[test]
fn an_answer_that_is_not_sts_xml_is_refused_without_echoing_it() {
    let stub = Stub::start(|_| Reply::text(200, "<html>captive portal SECRET-PAGE</html>"));
    let home = Home::with_files(&dev_profile(), "");
    let source = source_of(&home, "dev", &[("AWS_ENDPOINT_URL_STS", stub.url())]);
    let message = fetch_source(&source, SystemTime::now())
        .unwrap_err()
        .to_string();
    assert!(message.contains("has no <Credentials>"), "{message}");
    assert!(!message.contains("SECRET-PAGE"), "{message}");
}

struct FixedCode;

impl MfaPrompt for FixedCode {
    fn code(&self, profile: &str, serial: &str) -> Result<String, String> {
        assert_eq!(
            (profile, serial),
            ("dev", "arn:aws:iam::123456789012:mfa/me")
        );
        Ok("123456\n".to_owned())
    }
}

fn mfa_profile() -> String {
    format!(
        "[profile dev]\nrole_arn = {ROLE}\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n\
         external_id = ext-1\nduration_seconds = 1800\n\
         [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n"
    )
}

#[test]
fn mfa_without_a_prompt_names_the_profile_and_serial() {
    let stub = stub_answering_credentials();
    let home = Home::with_files(&mfa_profile(), "");
    let source = source_of(&home, "dev", &[("AWS_ENDPOINT_URL_STS", stub.url())]);
    let message = fetch_source(&source, SystemTime::now())
        .unwrap_err()
        .to_string();
    assert!(message.contains("profile 'dev'"), "{message}");
    assert!(
        message.contains("arn:aws:iam::123456789012:mfa/me"),
        "{message}"
    );
    assert!(stub.requests().is_empty(), "STS was called without a code");
}

#[test]
fn mfa_code_external_id_and_duration_are_sent_signed() {
    let stub = stub_answering_credentials();
    let home = Home::with_files(&mfa_profile(), "");
    let source = source_of(&home, "dev", &[("AWS_ENDPOINT_URL_STS", stub.url())]);
    let fetcher = common::fetcher(&common::env(&home)).with_mfa_prompt(Arc::new(FixedCode));
    fetcher.fetch(&source, SystemTime::now()).unwrap();
    let requests = stub.requests();
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("POST", "/")
    );
    let body = request.body_text();
    assert!(
        body.starts_with("Action=AssumeRole&Version=2011-06-15&RoleArn="),
        "{body}"
    );
    for field in [
        "&ExternalId=ext-1",
        "&DurationSeconds=1800",
        "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme",
        "&TokenCode=123456",
    ] {
        assert!(body.contains(field), "{field} missing from {body}");
    }
    let authorization = request
        .header("authorization")
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        authorization.starts_with("aws4-hmac-sha256 credential=akidbase/"),
        "{authorization}"
    );
    assert!(
        authorization.contains("signedheaders=content-type;host;x-amz-date,"),
        "{authorization}"
    );
}

#[test]
fn a_missing_web_identity_token_file_names_the_file_and_variable() {
    let stub = stub_answering_credentials();
    let home = Home::with_files("", "");
    let missing = home.path().join("no-such-token");
    let source = source_of(
        &home,
        "default",
        &[
            ("AWS_ENDPOINT_URL_STS", stub.url()),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", missing.to_str().unwrap()),
            ("AWS_ROLE_ARN", ROLE),
        ],
    );
    let message = fetch_source(&source, SystemTime::now())
        .unwrap_err()
        .to_string();
    assert!(message.contains(missing.to_str().unwrap()), "{message}");
    assert!(message.contains("AWS_WEB_IDENTITY_TOKEN_FILE"), "{message}");
    std::fs::write(&missing, "").unwrap();
    let message = fetch_source(&source, SystemTime::now())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("is empty") && message.contains("AWS_WEB_IDENTITY_TOKEN_FILE"),
        "{message}"
    );
    assert!(stub.requests().is_empty());
}

/// `[profile eks]` with the token in HOME/token, after `other`. The path is
/// absolute: botocore does not expand `~` in `web_identity_token_file`.
fn write_eks_profile(home: &Home, other: &str) {
    let config = format!(
        "{other}[profile eks]\nrole_arn = arn:aws:iam::1:role/pod\nweb_identity_token_file = {}\n",
        home.path().join("token").display()
    );
    home.write_config(&config);
}

#[test]
fn web_identity_is_unsigned_and_rereads_the_token_on_every_fetch() {
    let stub = stub_answering_credentials();
    let home = Home::with_files("", "");
    write_eks_profile(&home, "");
    std::fs::write(home.path().join("token"), "first-token").unwrap();
    let source = source_of(&home, "eks", &[("AWS_ENDPOINT_URL_STS", stub.url())]);
    // No cache directory use between the two: remove the entry each time.
    let cache = home.path().join(".aws/cli/cache");
    fetch_source(&source, SystemTime::now()).unwrap();
    std::fs::remove_dir_all(&cache).unwrap();
    std::fs::write(home.path().join("token"), "second-token").unwrap();
    let credentials = fetch_source(&source, SystemTime::now()).unwrap();
    assert_eq!(credentials.access_key_id, STUB_KEY);
    let requests = stub.requests();
    let bodies: Vec<String> = requests.iter().map(common::Request::body_text).collect();
    assert!(
        bodies[0].contains("&WebIdentityToken=first-token"),
        "{}",
        bodies[0]
    );
    assert!(
        bodies[1].contains("&WebIdentityToken=second-token"),
        "{}",
        bodies[1]
    );
    assert!(requests[0].header("authorization").is_none());
}

// ---------------------------------------------------------------- botocore

#[test]
fn botocore_signs_the_same_authorization_header() {
    let Some(python) = Python::find() else { return };
    let now = presign::AmzDate::parse_rfc3339("2026-12-06T16:04:05Z")
        .unwrap()
        .to_system_time();
    let body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=s+n";
    for (url, host, token) in [
        (
            "https://sts.eu-west-1.amazonaws.com/",
            "sts.eu-west-1.amazonaws.com",
            None,
        ),
        (
            "http://127.0.0.1:5000/",
            "127.0.0.1:5000",
            Some("token/with+chars=="),
        ),
    ] {
        let mut credentials =
            presign::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        if let Some(token) = token {
            credentials = credentials.with_session_token(token);
        }
        let request = presign::HeaderRequest::new("POST", "/")
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header("host", host)
            .body(body.as_bytes());
        let ours = presign::sign_headers(&request, &credentials, "eu-west-1", "sts", now).unwrap();
        let script = r#"
import datetime, sys
from unittest import mock
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, body, token = sys.argv[1], sys.argv[2], sys.argv[3] or None
request = AWSRequest(method="POST", url=url, data=body.encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
with mock.patch("botocore.auth.get_current_datetime", return_value=datetime.datetime(2026, 12, 6, 16, 4, 5)):
    botocore.auth.SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token), "sts", "eu-west-1").add_auth(request)
print(request.headers["Authorization"])
print(request.headers["X-Amz-Date"])
"#;
        let out = python.run(
            script,
            &[url, body, token.unwrap_or("")],
            Vec::<(String, String)>::new(),
        );
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some(ours.authorization()), "{url}");
        assert_eq!(lines.next(), Some(ours.amz_date()));
    }
}

const BOTOCORE_CREDENTIALS: &str = r#"
import json, sys
import botocore.session
from botocore.utils import JSONFileCache
session = botocore.session.Session(profile=sys.argv[1])
if len(sys.argv) > 2:
    # What the AWS CLI does: the assume-role providers cache in ~/.aws/cli/cache.
    chain = session.get_component("credential_provider")
    for name in ("assume-role", "assume-role-with-web-identity"):
        chain.get_provider(name).cache = JSONFileCache(sys.argv[2])
frozen = session.get_credentials().get_frozen_credentials()
print(json.dumps([frozen.access_key, frozen.secret_key, frozen.token]))
"#;

fn botocore_keys(
    python: &Python,
    home: &Home,
    profile: &str,
    vars: &[(&str, &str)],
    cli_cache: bool,
) -> [String; 3] {
    let cache = home.aws_file("cli/cache");
    let mut args = vec![profile];
    if cli_cache {
        args.push(cache.to_str().unwrap());
    }
    // botocore reads AWS_DEFAULT_REGION (not AWS_REGION) for the region.
    let mut env = vec![
        ("HOME", home.path().to_str().unwrap()),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ];
    env.extend_from_slice(vars);
    let out = python.run(BOTOCORE_CREDENTIALS, &args, home.vars_with(&env));
    serde_json::from_str(out.trim()).unwrap()
}

fn keys(credentials: &presign_config::ResolvedCredentials) -> [String; 3] {
    [
        credentials.access_key_id.clone(),
        credentials.secret_access_key.to_string(),
        credentials
            .session_token
            .as_deref()
            .cloned()
            .unwrap_or_default(),
    ]
}

#[test]
fn botocore_gets_the_same_keys_for_assume_role_and_web_identity() {
    let Some(python) = Python::find() else { return };
    let stub = stub_answering_credentials();
    let home = Home::with_files("", "");
    write_eks_profile(&home, &dev_profile());
    std::fs::write(home.path().join("token"), "a-token").unwrap();
    let vars = [
        ("AWS_ENDPOINT_URL_STS", stub.url()),
        ("AWS_REGION", "us-east-1"),
    ];
    for profile in ["dev", "eks"] {
        let ours = fetch_source(&source_of(&home, profile, &vars), SystemTime::now()).unwrap();
        let theirs = botocore_keys(&python, &home, profile, &vars, false);
        assert_eq!(keys(&ours), theirs, "profile {profile}");
    }
}

#[test]
fn botocore_and_presign_share_the_cli_cache_both_ways() {
    let Some(python) = Python::find() else { return };
    // presign writes, botocore (as the AWS CLI) reads: no call to STS.
    let stub = stub_answering_credentials();
    let first = Home::with_files(&dev_profile(), "");
    let vars = [
        ("AWS_ENDPOINT_URL_STS", stub.url()),
        ("AWS_REGION", "us-east-1"),
    ];
    let ours = fetch_source(&source_of(&first, "dev", &vars), SystemTime::now()).unwrap();
    let theirs = botocore_keys(&python, &first, "dev", &vars, true);
    assert_eq!(keys(&ours), theirs);
    assert_eq!(
        stub.requests().len(),
        1,
        "botocore did not find presign's cache entry"
    );

    // botocore writes, presign reads: no call to STS either.
    let other = Home::with_files(&dev_profile(), "");
    let stub = stub_answering_credentials();
    let vars = [
        ("AWS_ENDPOINT_URL_STS", stub.url()),
        ("AWS_REGION", "us-east-1"),
    ];
    let theirs = botocore_keys(&python, &other, "dev", &vars, true);
    assert_eq!(stub.requests().len(), 1);
    let ours = fetch_source(&source_of(&other, "dev", &vars), SystemTime::now()).unwrap();
    assert_eq!(keys(&ours), theirs);
    assert_eq!(
        stub.requests().len(),
        1,
        "presign did not find botocore's cache entry"
    );
    assert!(ours.source.contains("cache"));
}
