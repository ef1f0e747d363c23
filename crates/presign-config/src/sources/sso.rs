//! IAM Identity Center (SSO), the pure half: the files botocore and the AWS
//! CLI share (the token cache `~/.aws/sso/cache/<sha1>.json` that
//! `aws sso login` writes, and the role credentials the CLI caches in
//! `~/.aws/cli/cache`), the answers of the portal's `GetRoleCredentials` and
//! of OIDC's `CreateToken`, and when a token is refreshed. Everything here
//! takes its inputs (file contents, answers, the clock's reading) as
//! arguments; `presign-credentials` reads, fetches and writes.
//!
//! The facts are botocore's (`tokens.py` `SSOTokenProvider`, `utils.py`
//! `SSOTokenLoader` and `JSONFileCache`, `credentials.py`
//! `SSOCredentialFetcher`): file names, keys, time formats and windows are
//! the ones it reads and writes, so that `presign`, boto3 and `aws` use one
//! login and one cache.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::SsoPlan;
use super::cli_cache::{
    KeyArg, Separators, TemporaryCredentials, cache_key, json_string, sha1_hex, strftime_utc,
    truncate_to_seconds,
};
use super::json_answer::{
    FileFormatError, JsonAnswerError, file_object, file_string, object, parse_object, required,
    shorten, whole_number,
};
use crate::credentials::parse_expiration;

/// A token with less than this left is refreshed (botocore's
/// `SSOTokenProvider._REFRESH_WINDOW`), when it can be.
pub const SSO_TOKEN_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The token cache file's name without `.json`: the SHA-1 (hex) of the
/// `sso_session` name, or of the start URL for the legacy form (botocore
/// `SSOTokenLoader._generate_cache_key`).
///
/// # Example
/// ```
/// use presign_config::sources::sso_token_cache_key;
///
/// // sha1("my-sso"): the session name wins over the start URL.
/// assert_eq!(sso_token_cache_key(Some("my-sso"), "https://d-1.awsapps.com/start"),
///            "0ad374308c5a4e22f723adf10145eafad7c4031c");
/// // sha1("abc"): the legacy form hashes the start URL.
/// assert_eq!(sso_token_cache_key(None, "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
/// ```
#[must_use]
pub fn sso_token_cache_key(session_name: Option<&str>, start_url: &str) -> String {
    sha1_hex(session_name.unwrap_or(start_url))
}

/// `token_cache_dir/<key>.json` for the plan, or `None` without a home
/// directory.
#[must_use]
pub fn sso_token_file(plan: &SsoPlan) -> Option<PathBuf> {
    let key = sso_token_cache_key(plan.session_name.as_deref(), &plan.start_url);
    Some(plan.token_cache_dir.as_ref()?.join(format!("{key}.json")))
}

/// The AWS CLI's cache key for the plan's role credentials (botocore
/// `SSOCredentialFetcher._create_cache_key`): the SHA-1 of the minified,
/// key-sorted, ASCII-escaped JSON of `accountId`, `roleName` and
/// `sessionName` (or `startUrl` for the legacy form).
///
/// # Example
/// ```
/// use presign_config::sources::sso_cli_cache_key;
///
/// // The values botocore computes for the same settings.
/// assert_eq!(sso_cli_cache_key("123456789012", "ReadOnly", Some("my-sso"), "https://d-1.awsapps.com/start"),
///            "31b260dab331b2af063485cea75f7b8b3cf54c71");
/// assert_eq!(sso_cli_cache_key("123456789012", "ReadOnly", None, "https://d-1.awsapps.com/start"),
///            "204c22206c302e2ead0284b069b6f9e82caede81");
/// ```
#[must_use]
pub fn sso_cli_cache_key(
    account_id: &str,
    role_name: &str,
    session_name: Option<&str>,
    start_url: &str,
) -> String {
    let last = match session_name {
        Some(name) => ("sessionName", KeyArg::Text(name)),
        None => ("startUrl", KeyArg::Text(start_url)),
    };
    let args = vec![
        ("accountId", KeyArg::Text(account_id)),
        ("roleName", KeyArg::Text(role_name)),
        last,
    ];
    cache_key(args, &Separators::Compact)
}

/// What a client registration holds to refresh a token: all four keys
/// botocore requires (`refreshToken`, `clientId`, `clientSecret`,
/// `registrationExpiresAt`).
#[derive(Clone)]
pub struct SsoRegistration {
    /// `refreshToken`.
    pub refresh_token: Zeroizing<String>,
    /// `clientId`.
    pub client_id: String,
    /// `clientSecret`.
    pub client_secret: Zeroizing<String>,
    /// `registrationExpiresAt` as written (copied as is into a refreshed
    /// token, as botocore does).
    pub expires_at_text: String,
    /// `registrationExpiresAt` read; `None` when it is not a time botocore
    /// reads either.
    pub expires_at: Option<SystemTime>,
}

impl std::fmt::Debug for SsoRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoRegistration")
            .field("client_id", &self.client_id)
            .field("expires_at", &self.expires_at_text)
            .finish_non_exhaustive()
    }
}

/// A token cache file as `aws sso login` (or a refresh) wrote it.
#[derive(Clone)]
pub struct SsoToken {
    /// `accessToken`: the bearer token for the portal.
    pub access_token: Zeroizing<String>,
    /// `expiresAt`.
    pub expires_at: SystemTime,
    /// What a refresh needs, when all of it is there.
    pub registration: Option<SsoRegistration>,
}

impl std::fmt::Debug for SsoToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoToken")
            .field("access_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("registration", &self.registration)
            .finish()
    }
}

impl SsoToken {
    /// Reads a token cache file's contents. `accessToken` and `expiresAt`
    /// are required (botocore `SSOTokenLoader`); the registration is kept
    /// when `refreshToken`, `clientId`, `clientSecret` and
    /// `registrationExpiresAt` are all strings.
    ///
    /// # Errors
    /// [`FileFormatError`] naming the key when the file is not a JSON object,
    /// or `accessToken`/`expiresAt` is missing, not a string or (for
    /// `expiresAt`) not a time.
    ///
    /// # Example
    /// ```
    /// use presign_config::sources::SsoToken;
    ///
    /// let token = SsoToken::parse(r#"{"accessToken": "t", "expiresAt": "2026-12-06T16:04:00Z"}"#)?;
    /// assert!(token.registration.is_none());
    /// assert!(SsoToken::parse(r#"{"accessToken": "t"}"#).is_err());
    /// # Ok::<(), presign_config::sources::FileFormatError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, FileFormatError> {
        let object = file_object(text)?;
        let access_token = file_string(&object, "accessToken", "")?;
        let expires_text = file_string(&object, "expiresAt", "")?;
        let expires_at = parse_expiration(&expires_text).ok_or_else(|| {
            FileFormatError::new("has an `expiresAt` that is not a time like 2026-12-06T16:04:00Z")
        })?;
        let text_of = |key| object.get(key).and_then(Value::as_str).map(str::to_owned);
        let registration = match (
            text_of("refreshToken"),
            text_of("clientId"),
            text_of("clientSecret"),
            text_of("registrationExpiresAt"),
        ) {
            (Some(refresh_token), Some(client_id), Some(client_secret), Some(expires_at_text)) => {
                Some(SsoRegistration {
                    refresh_token: Zeroizing::new(refresh_token),
                    client_id,
                    client_secret: Zeroizing::new(client_secret),
                    expires_at: parse_expiration(&expires_at_text),
                    expires_at_text,
                })
            }
            _ => None,
        };
        Ok(Self {
            access_token: Zeroizing::new(access_token),
            expires_at,
            registration,
        })
    }

    /// Whether the token has expired at `now` (botocore: no time left).
    #[must_use]
    pub fn expired(&self, now: SystemTime) -> bool {
        self.expires_at <= now
    }
}

/// What to do with a cached token before asking the portal for credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoTokenStep {
    /// Use it as it is.
    Use,
    /// Call OIDC `CreateToken` with its registration first; if that is
    /// refused, use the token as it is while it has not expired.
    Refresh,
    /// It has expired and cannot be refreshed: the user must sign in again.
    /// The reason says why there is no refresh.
    LoginNeeded(String),
}

/// botocore's rules (`SSOTokenProvider._refresher` and
/// `SSOCredentialFetcher._get_credentials`): a token of an `sso_session`
/// profile with less than [`SSO_TOKEN_REFRESH_WINDOW`] left is refreshed
/// when its registration is complete and has not expired; a token past its
/// expiry that is not refreshed needs a new login. Tokens of the legacy
/// form are never refreshed.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use presign_config::sources::{SsoToken, SsoTokenStep, sso_token_step};
///
/// let token = SsoToken::parse(r#"{"accessToken": "t", "expiresAt": "2026-12-06T16:04:00Z"}"#)?;
/// let expiry = token.expires_at;
/// assert_eq!(sso_token_step(true, &token, expiry - Duration::from_secs(3600)), SsoTokenStep::Use);
/// assert_eq!(sso_token_step(true, &token, expiry - Duration::from_secs(60)), SsoTokenStep::Use);
/// assert!(matches!(sso_token_step(true, &token, expiry), SsoTokenStep::LoginNeeded(_)));
/// # Ok::<(), presign_config::sources::FileFormatError>(())
/// ```
#[must_use]
pub fn sso_token_step(session_form: bool, token: &SsoToken, now: SystemTime) -> SsoTokenStep {
    let near_expiry = token
        .expires_at
        .duration_since(now)
        .is_ok_and(|left| left < SSO_TOKEN_REFRESH_WINDOW)
        || token.expired(now);
    if !near_expiry {
        return SsoTokenStep::Use;
    }
    let why_not = if session_form {
        match &token.registration {
            None => Some(
                "the cached token has no complete client registration (`refreshToken`, `clientId`, `clientSecret`, `registrationExpiresAt`) to refresh it with"
                    .to_owned(),
            ),
            Some(registration) => match registration.expires_at {
                None => Some("the cached token's `registrationExpiresAt` is not a time".to_owned()),
                Some(at) if at <= now => Some(format!(
                    "the client registration that refreshes the token expired at {}",
                    registration.expires_at_text
                )),
                Some(_) => None,
            },
        }
    } else {
        Some("the profile uses the legacy SSO settings (`sso_start_url` in the profile, no `sso_session`), whose tokens cannot be refreshed".to_owned())
    };
    match why_not {
        None => SsoTokenStep::Refresh,
        Some(_) if !token.expired(now) => SsoTokenStep::Use,
        Some(reason) => SsoTokenStep::LoginNeeded(reason),
    }
}

/// The body of OIDC `CreateToken` with the `refresh_token` grant, as
/// botocore's `sso-oidc` client sends it (members in the model's order).
#[must_use]
pub fn create_token_body(registration: &SsoRegistration) -> Zeroizing<String> {
    Zeroizing::new(format!(
        "{{\"clientId\":{},\"clientSecret\":{},\"grantType\":\"refresh_token\",\"refreshToken\":{}}}",
        json_string(&registration.client_id),
        json_string(&registration.client_secret),
        json_string(&registration.refresh_token),
    ))
}

/// OIDC `CreateToken`'s answer.
#[derive(Clone)]
pub struct CreatedToken {
    /// `accessToken`.
    pub access_token: Zeroizing<String>,
    /// `expiresIn`, seconds.
    pub expires_in: u64,
    /// `refreshToken`, when OIDC sent a new one.
    pub refresh_token: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl CreatedToken {
    /// Reads a `CreateToken` answer (status 200).
    ///
    /// # Errors
    /// [`JsonAnswerError`] naming the key when the answer is not a JSON
    /// object, `accessToken` is not a non-empty string or `expiresIn` is not
    /// a non-negative whole number.
    pub fn parse(text: &str) -> Result<Self, JsonAnswerError> {
        let object = parse_object(text.as_bytes())?;
        let access_token = required(&object, "accessToken")?;
        let expires_in = whole_number(&object, "expiresIn")?;
        let refresh_token = object
            .get("refreshToken")
            .and_then(Value::as_str)
            .map(|token| Zeroizing::new(token.to_owned()));
        Ok(Self {
            access_token: Zeroizing::new(access_token.to_owned()),
            expires_in,
            refresh_token,
        })
    }
}

/// A refreshed token cache file, as botocore writes it back
/// (`SSOTokenProvider._attempt_create_token`, `_sso_json_dumps`): the
/// start URL and region of the `sso-session`, the new token, `expiresAt`
/// = `now` + `expiresIn` as `%Y-%m-%dT%H:%M:%SZ`, the registration copied,
/// and `refreshToken` only when OIDC sent one. Also returns the new token.
#[must_use]
pub fn refreshed_token_file(
    plan: &SsoPlan,
    registration: &SsoRegistration,
    created: &CreatedToken,
    now: SystemTime,
) -> (Zeroizing<String>, SsoToken) {
    let expires_at = now + Duration::from_secs(created.expires_in);
    let mut file = format!(
        "{{\"startUrl\": {}, \"region\": {}, \"accessToken\": {}, \"expiresAt\": \"{}\", \
         \"clientId\": {}, \"clientSecret\": {}, \"registrationExpiresAt\": {}",
        json_string(&plan.start_url),
        json_string(&plan.sso_region),
        json_string(&created.access_token),
        strftime_utc(expires_at, "%Y-%m-%dT%H:%M:%SZ"),
        json_string(&registration.client_id),
        json_string(&registration.client_secret),
        json_string(&registration.expires_at_text),
    );
    if let Some(refresh_token) = &created.refresh_token {
        file.push_str(", \"refreshToken\": ");
        file.push_str(&json_string(refresh_token));
    }
    file.push('}');
    let file = Zeroizing::new(file);
    let mut new_registration = registration.clone();
    match &created.refresh_token {
        Some(refresh_token) => new_registration.refresh_token.clone_from(refresh_token),
        // botocore drops the old refresh token when OIDC sends no new one.
        None => new_registration.refresh_token = Zeroizing::new(String::new()),
    }
    let token = SsoToken {
        access_token: created.access_token.clone(),
        // The file holds whole seconds; so does the token read back.
        expires_at: truncate_to_seconds(expires_at),
        registration: created.refresh_token.as_ref().map(|_| new_registration),
    };
    (file, token)
}

/// Role credentials from the portal's `GetRoleCredentials` (status 200):
/// `roleCredentials` with `accessKeyId`, `secretAccessKey`, `sessionToken`
/// and `expiration` in epoch milliseconds, kept to whole seconds as
/// botocore does.
///
/// # Errors
/// [`JsonAnswerError`] naming the key that is missing or of the wrong type.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign_config::sources::parse_role_credentials;
///
/// let answer = r#"{"roleCredentials": {"accessKeyId": "ASIA1", "secretAccessKey": "s", "sessionToken": "t", "expiration": 1700000000999}}"#;
/// let credentials = parse_role_credentials(answer)?;
/// assert_eq!(credentials.access_key_id, "ASIA1");
/// assert_eq!(credentials.expiration, UNIX_EPOCH + Duration::from_secs(1_700_000_000));
/// # Ok::<(), presign_config::sources::JsonAnswerError>(())
/// ```
pub fn parse_role_credentials(text: &str) -> Result<TemporaryCredentials, JsonAnswerError> {
    let answer = parse_object(text.as_bytes())?;
    let role = object(&answer, "roleCredentials")?;
    let millis = whole_number(role, "expiration")?;
    Ok(TemporaryCredentials {
        access_key_id: required(role, "accessKeyId")?.to_owned(),
        secret_access_key: Zeroizing::new(required(role, "secretAccessKey")?.to_owned()),
        session_token: Zeroizing::new(required(role, "sessionToken")?.to_owned()),
        expiration: UNIX_EPOCH + Duration::from_secs(millis / 1000),
        assumed_role_arn: None,
        assumed_role_id: None,
    })
}

/// A service error answer of the portal or OIDC (restJson1): the error
/// code from `x-amzn-errortype` (up to its first `:`), else the body's
/// `__type`/`code`/`error`; the message from `message`/`Message`/
/// `error_description`. Both truncated to 200 characters.
#[must_use]
pub fn sso_service_error(error_type_header: Option<&str>, body: &str) -> (String, String) {
    let object = serde_json::from_str::<Map<String, Value>>(body).unwrap_or_default();
    let text_of = |keys: &[&str]| {
        keys.iter()
            .find_map(|key| object.get(*key).and_then(Value::as_str))
            .map(str::to_owned)
    };
    let code = error_type_header
        .map(str::to_owned)
        .or_else(|| text_of(&["__type", "code", "error"]))
        .map(|code| {
            let code = code.split(':').next().unwrap_or_default();
            code.rsplit('#')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .unwrap_or_default();
    let message = text_of(&["message", "Message", "error_description"]).unwrap_or_default();
    (shorten(&code, 200), shorten(&message, 200))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_cache_key_escapes_non_ascii_as_botocore_does() {
        // json.dumps(sort_keys=True, separators=(',', ':')) then sha1, by botocore.
        assert_eq!(
            sso_cli_cache_key("1", "Rôle", Some("s\"x"), "unused"),
            "070001c3158895c68eea342e64705b5aa2059db9"
        );
    }

    fn plan(session: Option<&str>) -> SsoPlan {
        SsoPlan {
            profile: "dev".to_owned(),
            session_name: session.map(str::to_owned),
            start_url: "https://d-1.awsapps.com/start".to_owned(),
            sso_region: "eu-west-1".to_owned(),
            account_id: "123456789012".to_owned(),
            role_name: "ReadOnly".to_owned(),
            token_cache_dir: Some(PathBuf::from("/h/.aws/sso/cache")),
            cache_dir: Some(PathBuf::from("/h/.aws/cli/cache")),
            portal_url: "https://portal.sso.eu-west-1.amazonaws.com".to_owned(),
            oidc_url: "https://oidc.eu-west-1.amazonaws.com".to_owned(),
        }
    }

    const EXPIRES: u64 = 1_800_000_000;

    fn token(registration_expires: &str) -> SsoToken {
        SsoToken::parse(&format!(
            r#"{{"accessToken": "a", "expiresAt": "2027-01-15T08:00:00Z", "refreshToken": "r",
                "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "{registration_expires}"}}"#
        ))
        .unwrap()
    }

    fn at(seconds_before_expiry: i64) -> SystemTime {
        let expiry = parse_expiration("2027-01-15T08:00:00Z").unwrap();
        if seconds_before_expiry >= 0 {
            expiry - Duration::from_secs(seconds_before_expiry.unsigned_abs())
        } else {
            expiry + Duration::from_secs(seconds_before_expiry.unsigned_abs())
        }
    }

    #[test]
    fn token_files_name_the_session_or_the_start_url() {
        assert_eq!(
            sso_token_file(&plan(Some("my-sso"))).unwrap(),
            PathBuf::from("/h/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json")
        );
        let legacy = plan(None);
        assert_eq!(
            sso_cli_cache_key(
                &legacy.account_id,
                &legacy.role_name,
                None,
                &legacy.start_url
            ),
            "204c22206c302e2ead0284b069b6f9e82caede81"
        );
    }

    #[test]
    fn refresh_follows_botocores_window_and_registration_rules() {
        let fine = token("2027-06-01T00:00:00Z");
        assert_eq!(sso_token_step(true, &fine, at(15 * 60)), SsoTokenStep::Use);
        assert_eq!(
            sso_token_step(true, &fine, at(15 * 60 - 1)),
            SsoTokenStep::Refresh
        );
        assert_eq!(sso_token_step(true, &fine, at(-10)), SsoTokenStep::Refresh);
        // The legacy form never refreshes: near expiry it is used, expired it is refused.
        assert_eq!(sso_token_step(false, &fine, at(60)), SsoTokenStep::Use);
        let SsoTokenStep::LoginNeeded(why) = sso_token_step(false, &fine, at(0)) else {
            panic!("an expired legacy token must need a login");
        };
        assert!(why.contains("legacy"), "{why}");
        let lapsed = token("2027-01-01T00:00:00Z");
        let SsoTokenStep::LoginNeeded(why) = sso_token_step(true, &lapsed, at(-1)) else {
            panic!("an expired registration cannot refresh");
        };
        assert!(why.contains("registration"), "{why}");
        assert_eq!(sso_token_step(true, &lapsed, at(60)), SsoTokenStep::Use);
    }

    #[test]
    fn a_token_file_without_expires_at_names_the_key() {
        let error = SsoToken::parse(r#"{"accessToken": "secret-token"}"#).unwrap_err();
        assert_eq!(error.to_string(), "has no `expiresAt` (a string)");
        let error = SsoToken::parse("{\"accessToken\": \"secret-token\",").unwrap_err();
        assert!(
            error.to_string().starts_with("is not valid JSON"),
            "{error}"
        );
        assert!(!error.to_string().contains("secret-token"));
        assert!(parse_expiration("2019-11-14T04:05:45UTC").is_some());
    }

    #[test]
    fn refreshed_file_is_what_botocore_writes() {
        let plan = plan(Some("my-sso"));
        let registration = token("2027-06-01T00:00:00Z").registration.unwrap();
        let created = CreatedToken::parse(
            r#"{"accessToken": "new", "tokenType": "Bearer", "expiresIn": 3600, "refreshToken": "r2"}"#,
        )
        .unwrap();
        let now = UNIX_EPOCH + Duration::from_millis(EXPIRES * 1000 + 250);
        let (file, token) = refreshed_token_file(&plan, &registration, &created, now);
        assert_eq!(
            file.as_str(),
            r#"{"startUrl": "https://d-1.awsapps.com/start", "region": "eu-west-1", "accessToken": "new", "expiresAt": "2027-01-15T09:00:00Z", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2027-06-01T00:00:00Z", "refreshToken": "r2"}"#
        );
        assert_eq!(
            token.expires_at,
            UNIX_EPOCH + Duration::from_secs(EXPIRES + 3600)
        );
        assert_eq!(SsoToken::parse(&file).unwrap().expires_at, token.expires_at);
        assert_eq!(
            create_token_body(&registration).as_str(),
            r#"{"clientId":"c","clientSecret":"s","grantType":"refresh_token","refreshToken":"r"}"#
        );
    }

    #[test]
    fn role_credentials_go_to_the_cli_cache_as_botocore_writes_them() {
        let answer = r#"{"roleCredentials": {"accessKeyId": "ASIA", "secretAccessKey": "sk", "sessionToken": "st", "expiration": 1800000000000}}"#;
        let credentials = parse_role_credentials(answer).unwrap();
        let file = super::super::cli_cache::cli_cache_json(
            &credentials,
            super::super::cli_cache::CacheWriter::Sso {
                account_id: "123456789012",
            },
        );
        assert_eq!(
            file.as_str(),
            r#"{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "sk", "SessionToken": "st", "Expiration": "2027-01-15T08:00:00Z", "AccountId": "123456789012"}}"#
        );
        let missing = parse_role_credentials(
            r#"{"roleCredentials": {"accessKeyId": "ASIA", "expiration": 1}}"#,
        )
        .unwrap_err();
        assert_eq!(
            missing,
            JsonAnswerError::MissingKey {
                key: "secretAccessKey"
            }
        );
    }

    #[test]
    fn service_errors_take_the_code_from_the_header_or_the_body() {
        let (code, message) = sso_service_error(
            Some(
                "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/",
            ),
            r#"{"message":"Session token not found or invalid"}"#,
        );
        assert_eq!(code, "UnauthorizedException");
        assert_eq!(message, "Session token not found or invalid");
        let (code, message) = sso_service_error(
            None,
            r#"{"error":"invalid_grant","error_description":"Invalid refresh token provided"}"#,
        );
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("invalid_grant", "Invalid refresh token provided")
        );
        let (_, long) = sso_service_error(None, &format!(r#"{{"message":"{}"}}"#, "x".repeat(500)));
        assert_eq!(long.chars().count(), 201);
    }
}
