//! STS without the network: the form bodies of `AssumeRole` and
//! `AssumeRoleWithWebIdentity`, their XML answers, and the AWS CLI's cache
//! of the credentials they return (`~/.aws/cli/cache/<key>.json`), so that
//! `presign` and `aws` share one session and one MFA prompt.
//!
//! The facts follow botocore (`credentials.py`): the default session name
//! `botocore-session-<epoch seconds>`; the cache key, the SHA-1 of the call's
//! arguments as `json.dumps(args, sort_keys=True)` writes them (without a
//! default session name, which changes on every call, and without the MFA
//! code or the web identity token, which are added at call time); a cached
//! entry used only while it has at least 15 minutes left.

use std::fmt::{self, Write as _};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::credentials::parse_expiration;

/// The STS API version every call names.
const VERSION: &str = "2011-06-15";

/// How long a cached entry must still be valid to be used (botocore's
/// `CachedCredentialFetcher.DEFAULT_EXPIRY_WINDOW_SECONDS`).
pub const CLI_CACHE_EXPIRY_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The session name botocore picks when none is configured:
/// `botocore-session-<whole seconds since 1970>`.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign_config::default_session_name;
///
/// let now = UNIX_EPOCH + Duration::from_millis(1_700_000_000_900);
/// assert_eq!(default_session_name(now), "botocore-session-1700000000");
/// ```
#[must_use]
pub fn default_session_name(now: SystemTime) -> String {
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format!("botocore-session-{seconds}")
}

/// The arguments of one `AssumeRole` call, as a profile configures them.
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleCall {
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName`: the profile's, or [`default_session_name`].
    pub role_session_name: String,
    /// Whether the session name was configured (only then is it part of
    /// the cache key).
    pub session_name_configured: bool,
    /// `ExternalId`.
    pub external_id: Option<String>,
    /// `DurationSeconds`.
    pub duration_seconds: Option<u32>,
    /// `SerialNumber`: the MFA device.
    pub serial_number: Option<String>,
    /// `TokenCode`: the MFA code (not part of the cache key).
    pub token_code: Option<Zeroizing<String>>,
}

impl fmt::Debug for AssumeRoleCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleCall")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("session_name_configured", &self.session_name_configured)
            .field("external_id", &self.external_id)
            .field("duration_seconds", &self.duration_seconds)
            .field("serial_number", &self.serial_number)
            .field(
                "token_code",
                &self.token_code.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl AssumeRoleCall {
    /// The form body of the call, encoded as botocore's query serializer
    /// does (`application/x-www-form-urlencoded`: letters, digits and
    /// `-_.~` kept, a space as `+`, every other UTF-8 byte as `%XX`).
    ///
    /// # Example
    /// ```
    /// use presign_config::AssumeRoleCall;
    ///
    /// let call = AssumeRoleCall {
    ///     role_arn: "arn:aws:iam::123456789012:role/r".to_owned(),
    ///     role_session_name: "s n".to_owned(),
    ///     session_name_configured: true,
    ///     external_id: Some("x&y=z".to_owned()),
    ///     duration_seconds: Some(900),
    ///     serial_number: None,
    ///     token_code: None,
    /// };
    /// assert_eq!(
    ///     call.form_body().as_str(),
    ///     "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr\
    ///      &RoleSessionName=s+n&ExternalId=x%26y%3Dz&DurationSeconds=900"
    /// );
    /// ```
    #[must_use]
    pub fn form_body(&self) -> Zeroizing<String> {
        let duration = self.duration_seconds.map(|seconds| seconds.to_string());
        let fields = [
            ("RoleArn", Some(self.role_arn.as_str())),
            ("RoleSessionName", Some(self.role_session_name.as_str())),
            ("ExternalId", self.external_id.as_deref()),
            ("DurationSeconds", duration.as_deref()),
            ("SerialNumber", self.serial_number.as_deref()),
            (
                "TokenCode",
                self.token_code.as_ref().map(|code| code.as_str()),
            ),
        ];
        form("AssumeRole", &fields)
    }

    /// The AWS CLI's cache key for this call (see the module's comment).
    ///
    /// # Example
    /// ```
    /// use presign_config::AssumeRoleCall;
    ///
    /// let call = AssumeRoleCall {
    ///     role_arn: "arn:aws:iam::123456789012:role/r".to_owned(),
    ///     role_session_name: "botocore-session-1".to_owned(),
    ///     session_name_configured: false,
    ///     external_id: None,
    ///     duration_seconds: None,
    ///     serial_number: None,
    ///     token_code: None,
    /// };
    /// // sha1 of {"RoleArn": "arn:aws:iam::123456789012:role/r"}
    /// assert_eq!(call.cache_key().len(), 40);
    /// ```
    #[must_use]
    pub fn cache_key(&self) -> String {
        let mut args = vec![("RoleArn", JsonValue::Text(&self.role_arn))];
        if self.session_name_configured {
            args.push(("RoleSessionName", JsonValue::Text(&self.role_session_name)));
        }
        if let Some(id) = &self.external_id {
            args.push(("ExternalId", JsonValue::Text(id)));
        }
        if let Some(serial) = &self.serial_number {
            args.push(("SerialNumber", JsonValue::Text(serial)));
        }
        if let Some(seconds) = self.duration_seconds {
            args.push(("DurationSeconds", JsonValue::Number(seconds)));
        }
        sha1_hex(&python_json(args))
    }
}

/// The form body of `AssumeRoleWithWebIdentity` (sent unsigned; the token
/// is a secret, hence the zeroized body).
///
/// # Example
/// ```
/// use presign_config::web_identity_form_body;
///
/// let body = web_identity_form_body("arn:aws:iam::1:role/r", "s", "tok.en");
/// assert_eq!(
///     body.as_str(),
///     "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr\
///      &RoleSessionName=s&WebIdentityToken=tok.en"
/// );
/// ```
#[must_use]
pub fn web_identity_form_body(
    role_arn: &str,
    session_name: &str,
    token: &str,
) -> Zeroizing<String> {
    form(
        "AssumeRoleWithWebIdentity",
        &[
            ("RoleArn", Some(role_arn)),
            ("RoleSessionName", Some(session_name)),
            ("WebIdentityToken", Some(token)),
        ],
    )
}

/// The AWS CLI's cache key for `AssumeRoleWithWebIdentity`: the role and,
/// when configured, the session name.
///
/// # Example
/// ```
/// use presign_config::web_identity_cache_key;
///
/// assert_ne!(web_identity_cache_key("arn:aws:iam::1:role/r", None), web_identity_cache_key("arn:aws:iam::1:role/r", Some("s")));
/// ```
#[must_use]
pub fn web_identity_cache_key(role_arn: &str, configured_session_name: Option<&str>) -> String {
    let mut args = vec![("RoleArn", JsonValue::Text(role_arn))];
    if let Some(name) = configured_session_name {
        args.push(("RoleSessionName", JsonValue::Text(name)));
    }
    sha1_hex(&python_json(args))
}

fn form(action: &str, fields: &[(&str, Option<&str>)]) -> Zeroizing<String> {
    let mut body = Zeroizing::new(format!("Action={action}&Version={VERSION}"));
    for (name, value) in fields {
        if let Some(value) = value {
            body.push('&');
            body.push_str(name);
            body.push('=');
            form_encode(&mut body, value);
        }
    }
    body
}

/// Python's `urllib.parse.quote_plus`, which botocore's serializer uses.
fn form_encode(out: &mut String, value: &str) {
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
}

enum JsonValue<'a> {
    Text(&'a str),
    Number(u32),
}

/// `json.dumps(args, sort_keys=True)` as Python writes it: `", "` and `": "`
/// separators, every non-ASCII character (and DEL and the controls) as
/// `\uXXXX`.
fn python_json(mut args: Vec<(&str, JsonValue<'_>)>) -> String {
    args.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::from("{");
    for (index, (name, value)) in args.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        python_json_string(&mut out, name);
        out.push_str(": ");
        match value {
            JsonValue::Text(text) => python_json_string(&mut out, text),
            JsonValue::Number(number) => {
                let _ = write!(out, "{number}");
            }
        }
    }
    out.push('}');
    out
}

fn python_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

fn sha1_hex(text: &str) -> String {
    let digest = Sha1::digest(text.as_bytes());
    let mut hex = String::with_capacity(40);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Temporary credentials from STS, or from the CLI's cache.
#[derive(Clone)]
pub struct StsCredentials {
    /// `AccessKeyId`.
    pub access_key_id: String,
    /// `SecretAccessKey`.
    pub secret_access_key: Zeroizing<String>,
    /// `SessionToken`.
    pub session_token: Zeroizing<String>,
    /// `Expiration`.
    pub expiration: SystemTime,
    /// `AssumedRoleUser/Arn`, e.g.
    /// `arn:aws:sts::123456789012:assumed-role/r/session`.
    pub assumed_role_arn: Option<String>,
    /// `AssumedRoleUser/AssumedRoleId`.
    pub assumed_role_id: Option<String>,
}

impl fmt::Debug for StsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &self.expiration)
            .field("assumed_role_arn", &self.assumed_role_arn)
            .finish_non_exhaustive()
    }
}

/// Why an STS answer gives no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StsAnswerError {
    /// STS refused: its `<Error><Code>` and `<Message>` (the message cut to
    /// 200 characters).
    Refused {
        /// e.g. `AccessDenied`, `SignatureDoesNotMatch`, `ExpiredToken`.
        code: String,
        /// STS's explanation.
        message: String,
    },
    /// Not an answer STS gives: what is wrong (never the body).
    Malformed(String),
}

impl fmt::Display for StsAnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused { code, message } => write!(f, "STS refused: {code}: {message}"),
            Self::Malformed(problem) => write!(f, "STS's answer is not usable: {problem}"),
        }
    }
}

impl std::error::Error for StsAnswerError {}

/// Reads an answer of `AssumeRole` or `AssumeRoleWithWebIdentity`: the
/// credentials, or the `<ErrorResponse>` STS sends when it refuses.
/// Elements are matched by local name (the answer carries STS's namespace).
///
/// # Example
/// ```
/// use presign_config::{StsAnswerError, parse_sts_answer};
///
/// let ok = parse_sts_answer(r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
///   <AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>
///   <SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>
///   <Expiration>2026-12-06T16:04:00Z</Expiration></Credentials></AssumeRoleResult>
///   </AssumeRoleResponse>"#)?;
/// assert_eq!(ok.access_key_id, "ASIAEXAMPLE");
///
/// let refused = parse_sts_answer("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
///     <Message>not allowed</Message></Error></ErrorResponse>");
/// assert_eq!(refused.unwrap_err(), StsAnswerError::Refused { code: "AccessDenied".into(), message: "not allowed".into() });
/// # Ok::<(), StsAnswerError>(())
/// ```
pub fn parse_sts_answer(body: &str) -> Result<StsCredentials, StsAnswerError> {
    let body = body.trim_start_matches('\u{feff}');
    let document = roxmltree::Document::parse(body)
        .map_err(|error| StsAnswerError::Malformed(format!("not XML ({error})")))?;
    let root = document.root_element();
    if root.tag_name().name() == "ErrorResponse" || root.tag_name().name() == "Error" {
        let code = text(root, "Code").unwrap_or_else(|| "(no code)".to_owned());
        let message = text(root, "Message").unwrap_or_default();
        return Err(StsAnswerError::Refused {
            code: truncate(&code, 100),
            message: truncate(&message, 200),
        });
    }
    let credentials = find(root, "Credentials").ok_or_else(|| {
        StsAnswerError::Malformed(format!(
            "<{}> has no <Credentials>",
            truncate(root.tag_name().name(), 60)
        ))
    })?;
    let field = |name: &str| {
        text(credentials, name)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| StsAnswerError::Malformed(format!("<Credentials> has no <{name}>")))
    };
    let expiration_text = field("Expiration")?;
    let expiration = parse_expiration(&expiration_text).ok_or_else(|| {
        StsAnswerError::Malformed(format!(
            "<Expiration> {:?} is not an RFC 3339 time",
            truncate(&expiration_text, 40)
        ))
    })?;
    let user = find(root, "AssumedRoleUser");
    Ok(StsCredentials {
        access_key_id: field("AccessKeyId")?,
        secret_access_key: Zeroizing::new(field("SecretAccessKey")?),
        session_token: Zeroizing::new(field("SessionToken")?),
        expiration,
        assumed_role_arn: user.and_then(|user| text(user, "Arn")),
        assumed_role_id: user.and_then(|user| text(user, "AssumedRoleId")),
    })
}

/// The first element named `name` (local name) at or below `parent`.
fn find<'a, 'input>(
    parent: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    parent
        .descendants()
        .find(|node| node.is_element() && node.tag_name().name() == name)
}

/// The trimmed text of [`find`]'s element.
fn text(parent: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    find(parent, name).map(|node| node.text().unwrap_or_default().trim().to_owned())
}

fn truncate(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// What a file of the CLI's cache holds for a call.
#[derive(Debug, Clone)]
pub enum CachedEntry {
    /// Credentials with at least [`CLI_CACHE_EXPIRY_WINDOW`] left.
    Fresh(StsCredentials),
    /// Credentials that expire within the window (or already did): fetch
    /// new ones.
    Expiring,
    /// Not an entry the CLI writes (botocore would fail on it with a bare
    /// `KeyError`; presign fetches anew and replaces it): what is wrong.
    Unusable(String),
}

/// Reads a file of the CLI's cache (`~/.aws/cli/cache/<key>.json`) at
/// `now`. The `Expiration` may be botocore's own form
/// (`2026-12-06T16:04:00UTC`) or RFC 3339.
///
/// # Example
/// ```
/// use presign_config::{CachedEntry, read_cli_cache};
/// use presign_config::parse_expiration;
///
/// let text = r#"{"Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2026-12-06T16:04:00UTC"}}"#;
/// let before = parse_expiration("2026-12-06T15:00:00Z").unwrap();
/// assert!(matches!(read_cli_cache(text, before), CachedEntry::Fresh(_)));
/// let late = parse_expiration("2026-12-06T15:50:00Z").unwrap();
/// assert!(matches!(read_cli_cache(text, late), CachedEntry::Expiring));
/// assert!(matches!(read_cli_cache("{", before), CachedEntry::Unusable(_)));
/// ```
#[must_use]
pub fn read_cli_cache(text: &str, now: SystemTime) -> CachedEntry {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => return CachedEntry::Unusable(format!("not JSON ({error})")),
    };
    let Some(credentials) = value.get("Credentials") else {
        return CachedEntry::Unusable("no \"Credentials\" object".to_owned());
    };
    let field = |name: &str| {
        credentials
            .get(name)
            .and_then(serde_json::Value::as_str)
            .filter(|value| !value.is_empty())
            .ok_or_else(|| format!("\"Credentials\" has no text \"{name}\""))
    };
    let read = || -> Result<StsCredentials, String> {
        let expiration_text = field("Expiration")?;
        let expiration = parse_cache_expiration(expiration_text)
            .ok_or_else(|| "\"Expiration\" is not a time".to_owned())?;
        let user = value.get("AssumedRoleUser");
        let user_text = |name: &str| {
            user.and_then(|user| user.get(name))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        Ok(StsCredentials {
            access_key_id: field("AccessKeyId")?.to_owned(),
            secret_access_key: Zeroizing::new(field("SecretAccessKey")?.to_owned()),
            session_token: Zeroizing::new(field("SessionToken")?.to_owned()),
            expiration,
            assumed_role_arn: user_text("Arn"),
            assumed_role_id: user_text("AssumedRoleId"),
        })
    };
    match read() {
        Err(problem) => CachedEntry::Unusable(problem),
        Ok(credentials) => {
            let left = credentials
                .expiration
                .duration_since(now)
                .unwrap_or_default();
            if left >= CLI_CACHE_EXPIRY_WINDOW {
                CachedEntry::Fresh(credentials)
            } else {
                CachedEntry::Expiring
            }
        }
    }
}

/// botocore writes `Expiration` with `strftime('%Y-%m-%dT%H:%M:%S%Z')`,
/// which gives `...UTC`; other writers use RFC 3339.
fn parse_cache_expiration(text: &str) -> Option<SystemTime> {
    match text.strip_suffix("UTC") {
        Some(utc) => parse_expiration(&format!("{utc}Z")),
        None => parse_expiration(text),
    }
}

/// The JSON the AWS CLI writes for `credentials`: the call's answer, with
/// `Expiration` in botocore's form and the account id taken from the
/// assumed role's ARN, as botocore adds it.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign_config::{StsCredentials, cli_cache_json};
///
/// let credentials = StsCredentials {
///     access_key_id: "ASIA".into(),
///     secret_access_key: "s".to_owned().into(),
///     session_token: "t".to_owned().into(),
///     expiration: UNIX_EPOCH + Duration::from_secs(1_800_000_000),
///     assumed_role_arn: Some("arn:aws:sts::123456789012:assumed-role/r/s".into()),
///     assumed_role_id: None,
/// };
/// let json = cli_cache_json(&credentials);
/// assert!(json.contains(r#""Expiration":"2027-01-15T08:00:00UTC""#));
/// assert!(json.contains(r#""AccountId":"123456789012""#));
/// ```
#[must_use]
pub fn cli_cache_json(credentials: &StsCredentials) -> Zeroizing<String> {
    let expiration = jiff::Timestamp::try_from(credentials.expiration)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SUTC").to_string())
        .unwrap_or_default();
    let mut inner = serde_json::Map::new();
    let mut put = |name: &str, value: &str| {
        inner.insert(name.to_owned(), serde_json::Value::from(value));
    };
    put("AccessKeyId", &credentials.access_key_id);
    put("SecretAccessKey", &credentials.secret_access_key);
    put("SessionToken", &credentials.session_token);
    put("Expiration", &expiration);
    if let Some(account) = credentials
        .assumed_role_arn
        .as_deref()
        .and_then(account_from_arn)
    {
        put("AccountId", account);
    }
    let mut outer = serde_json::Map::new();
    outer.insert("Credentials".to_owned(), serde_json::Value::Object(inner));
    if credentials.assumed_role_arn.is_some() || credentials.assumed_role_id.is_some() {
        let mut user = serde_json::Map::new();
        if let Some(id) = &credentials.assumed_role_id {
            user.insert("AssumedRoleId".to_owned(), id.as_str().into());
        }
        if let Some(arn) = &credentials.assumed_role_arn {
            user.insert("Arn".to_owned(), arn.as_str().into());
        }
        outer.insert(
            "AssumedRoleUser".to_owned(),
            serde_json::Value::Object(user),
        );
    }
    Zeroizing::new(serde_json::Value::Object(outer).to_string())
}

/// The account of `arn:PARTITION:SERVICE:REGION:ACCOUNT:...`.
fn account_from_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    (parts.next() == Some("arn")).then_some(())?;
    let account = parts.nth(3)?;
    parts.next()?;
    (!account.is_empty()).then_some(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> AssumeRoleCall {
        AssumeRoleCall {
            role_arn: "arn:aws:iam::123456789012:role/r".to_owned(),
            role_session_name: "botocore-session-1".to_owned(),
            session_name_configured: false,
            external_id: None,
            duration_seconds: None,
            serial_number: None,
            token_code: None,
        }
    }

    /// The JSON text that is hashed, checked against what Python's
    /// `json.dumps(..., sort_keys=True)` prints for the same dictionary
    /// (written out here; the botocore test compares the hashes).
    #[test]
    fn cache_key_json_is_pythons() {
        let text = python_json(vec![
            ("RoleArn", JsonValue::Text("arn:aws:iam::1:role/r")),
            ("SerialNumber", JsonValue::Text("é\"\\\n\u{7f}😀")),
            ("DurationSeconds", JsonValue::Number(3600)),
        ]);
        assert_eq!(
            text,
            r#"{"DurationSeconds": 3600, "RoleArn": "arn:aws:iam::1:role/r", "SerialNumber": "\u00e9\"\\\n\u007f\ud83d\ude00"}"#
        );
    }

    #[test]
    fn default_session_name_and_mfa_code_are_not_in_the_cache_key() {
        let plain = call();
        let mut other_name = call();
        other_name.role_session_name = "botocore-session-2".to_owned();
        other_name.token_code = Some(Zeroizing::new("123456".to_owned()));
        assert_eq!(plain.cache_key(), other_name.cache_key());
        let mut configured = call();
        configured.session_name_configured = true;
        assert_ne!(plain.cache_key(), configured.cache_key());
        // sha1('{"RoleArn": "arn:aws:iam::123456789012:role/r"}')
        assert_eq!(
            plain.cache_key(),
            sha1_hex(r#"{"RoleArn": "arn:aws:iam::123456789012:role/r"}"#)
        );
    }

    #[test]
    fn form_encoding_is_quote_plus() {
        let mut out = String::new();
        form_encode(&mut out, "a b+c/é~_.-*");
        assert_eq!(out, "a+b%2Bc%2F%C3%A9~_.-%2A");
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let mut with_code = call();
        with_code.token_code = Some(Zeroizing::new("987654".to_owned()));
        assert!(!format!("{with_code:?}").contains("987654"));
        let answer = parse_sts_answer(
            "<R><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>SECRETX</SecretAccessKey>\
             <SessionToken>TOKENX</SessionToken><Expiration>2026-01-01T00:00:00.5Z</Expiration></Credentials></R>",
        )
        .unwrap();
        let shown = format!("{answer:?}");
        assert!(shown.contains("ASIA1") && !shown.contains("SECRETX") && !shown.contains("TOKENX"));
    }

    #[test]
    fn malformed_answers_say_what_is_missing_without_the_body() {
        let missing = parse_sts_answer(
            "<R><Credentials><AccessKeyId>A</AccessKeyId><SessionToken>SECRETTOKEN</SessionToken>\
             <Expiration>2026-01-01T00:00:00Z</Expiration></Credentials></R>",
        )
        .unwrap_err();
        assert_eq!(
            missing,
            StsAnswerError::Malformed("<Credentials> has no <SecretAccessKey>".to_owned())
        );
        assert!(!missing.to_string().contains("SECRETTOKEN"));
        assert!(
            matches!(parse_sts_answer("{\"json\": 1}"), Err(StsAnswerError::Malformed(p)) if p.starts_with("not XML"))
        );
        let long = "m".repeat(500);
        let Err(StsAnswerError::Refused { message, .. }) = parse_sts_answer(&format!(
            "<ErrorResponse><Error><Code>X</Code><Message>{long}</Message></Error></ErrorResponse>"
        )) else {
            panic!("expected a refusal")
        };
        assert_eq!(message.chars().count(), 201);
    }

    #[test]
    fn cache_entries_round_trip_and_honour_the_window() {
        let expiration = parse_expiration("2026-12-06T16:04:00Z").unwrap();
        let credentials = StsCredentials {
            access_key_id: "ASIA".into(),
            secret_access_key: Zeroizing::new("s".into()),
            session_token: Zeroizing::new("t".into()),
            expiration,
            assumed_role_arn: Some("arn:aws:sts::123456789012:assumed-role/r/s".into()),
            assumed_role_id: Some("ARO:s".into()),
        };
        let json = cli_cache_json(&credentials);
        let window_start = expiration - CLI_CACHE_EXPIRY_WINDOW;
        let CachedEntry::Fresh(read) = read_cli_cache(&json, window_start) else {
            panic!("expected a fresh entry")
        };
        assert_eq!(read.access_key_id, "ASIA");
        assert_eq!(read.session_token.as_str(), "t");
        assert_eq!(read.expiration, expiration);
        assert_eq!(read.assumed_role_id.as_deref(), Some("ARO:s"));
        assert!(matches!(
            read_cli_cache(&json, window_start + Duration::from_secs(1)),
            CachedEntry::Expiring
        ));
        assert!(matches!(
            read_cli_cache(r#"{"Credentials": {"AccessKeyId": "A"}}"#, window_start),
            CachedEntry::Unusable(p) if p.contains("SecretAccessKey") || p.contains("Expiration")
        ));
    }

    #[test]
    fn account_comes_from_the_arn() {
        assert_eq!(
            account_from_arn("arn:aws:sts::123456789012:assumed-role/r/s"),
            Some("123456789012")
        );
        assert_eq!(account_from_arn("not-an-arn"), None);
        assert_eq!(account_from_arn("arn:aws:sts:::x"), None);
    }
}
