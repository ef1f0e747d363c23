//! STS without the network: the form bodies of `AssumeRole` and
//! `AssumeRoleWithWebIdentity`, their XML answers, and their keys in the AWS
//! CLI's cache (see [`super::cli_cache`]), so that `presign` and `aws` share
//! one session and one MFA prompt.
//!
//! The facts follow botocore (`credentials.py`): the default session name
//! `botocore-session-<epoch seconds>`; the cache key made of the call's
//! arguments without a default session name, which changes on every call,
//! and without the MFA code or the web identity token, which are added at
//! call time.

use std::fmt::{self, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use super::cli_cache::{KeyArg, Separators, TemporaryCredentials, cache_key};
use super::json_answer::shorten;
use crate::credentials::parse_expiration;

/// The STS API version every call names.
const VERSION: &str = "2011-06-15";

/// The session name botocore picks when none is configured:
/// `botocore-session-<whole seconds since 1970>`.
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign_config::sources::default_session_name;
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
    /// use presign_config::sources::AssumeRoleCall;
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
    /// use presign_config::sources::AssumeRoleCall;
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
        let mut args = vec![("RoleArn", KeyArg::Text(&self.role_arn))];
        if self.session_name_configured {
            args.push(("RoleSessionName", KeyArg::Text(&self.role_session_name)));
        }
        if let Some(id) = &self.external_id {
            args.push(("ExternalId", KeyArg::Text(id)));
        }
        if let Some(serial) = &self.serial_number {
            args.push(("SerialNumber", KeyArg::Text(serial)));
        }
        if let Some(seconds) = self.duration_seconds {
            args.push(("DurationSeconds", KeyArg::Number(seconds)));
        }
        cache_key(args, &Separators::Default)
    }
}

/// The form body of `AssumeRoleWithWebIdentity` (sent unsigned; the token
/// is a secret, hence the zeroized body).
///
/// # Example
/// ```
/// use presign_config::sources::web_identity_form_body;
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
/// use presign_config::sources::web_identity_cache_key;
///
/// assert_ne!(web_identity_cache_key("arn:aws:iam::1:role/r", None), web_identity_cache_key("arn:aws:iam::1:role/r", Some("s")));
/// ```
#[must_use]
pub fn web_identity_cache_key(role_arn: &str, configured_session_name: Option<&str>) -> String {
    let mut args = vec![("RoleArn", KeyArg::Text(role_arn))];
    if let Some(name) = configured_session_name {
        args.push(("RoleSessionName", KeyArg::Text(name)));
    }
    cache_key(args, &Separators::Default)
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
/// use presign_config::sources::{StsAnswerError, parse_sts_answer};
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
pub fn parse_sts_answer(body: &str) -> Result<TemporaryCredentials, StsAnswerError> {
    let body = body.trim_start_matches('\u{feff}');
    let document = roxmltree::Document::parse(body)
        .map_err(|error| StsAnswerError::Malformed(format!("not XML ({error})")))?;
    let root = document.root_element();
    if root.tag_name().name() == "ErrorResponse" || root.tag_name().name() == "Error" {
        let code = text(root, "Code").unwrap_or_else(|| "(no code)".to_owned());
        let message = text(root, "Message").unwrap_or_default();
        return Err(StsAnswerError::Refused {
            code: shorten(&code, 100),
            message: shorten(&message, 200),
        });
    }
    let credentials = find(root, "Credentials").ok_or_else(|| {
        StsAnswerError::Malformed(format!(
            "<{}> has no <Credentials>",
            shorten(root.tag_name().name(), 60)
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
            shorten(&expiration_text, 40)
        ))
    })?;
    let user = find(root, "AssumedRoleUser");
    Ok(TemporaryCredentials {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::cli_cache::sha1_hex;

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
}
