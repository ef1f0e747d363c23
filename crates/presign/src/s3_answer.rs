//! Reading S3's XML answers: the `<Error>` document every refusal carries,
//! S3 Express's `CreateSession` answer, and the few helpers the multipart
//! answers share.
//!
//! Elements are matched by local name, so a document with or without S3's
//! namespace (`http://s3.amazonaws.com/doc/2006-03-01/`) reads the same; a
//! leading byte-order mark is skipped. The XML parser is roxmltree: it reads
//! without network or file access, and refuses DTDs with external entities.

use std::fmt;
use std::time::SystemTime;

use crate::amz_date::AmzDate;
use crate::credentials::Credentials;

/// An S3 `<Error>` answer: the fields that help a person understand a
/// refusal.
///
/// # Example
/// ```
/// use presign::S3Error;
///
/// let error = S3Error::parse("<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><RequestId>R1</RequestId></Error>")?;
/// assert_eq!(error.code.as_deref(), Some("NoSuchUpload"));
/// assert_eq!(error.to_string(), "NoSuchUpload: The specified upload does not exist.");
/// # Ok::<(), presign::AnswerError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct S3Error {
    /// `<Code>`, e.g. `SignatureDoesNotMatch`, `NoSuchUpload`, `EntityTooSmall`.
    pub code: Option<String>,
    /// `<Message>`: the server's explanation.
    pub message: Option<String>,
    /// `<RequestId>`, to quote to the operator.
    pub request_id: Option<String>,
    /// `<HostId>`, AWS's extended request id.
    pub host_id: Option<String>,
    /// `<Resource>`: the bucket or object concerned.
    pub resource: Option<String>,
    /// `<CanonicalRequest>`: the server's, on `SignatureDoesNotMatch` (AWS and
    /// several other servers send it).
    pub canonical_request: Option<String>,
    /// `<StringToSign>`: the server's, on `SignatureDoesNotMatch`.
    pub string_to_sign: Option<String>,
}

impl S3Error {
    /// Parses an S3 `<Error>` document.
    ///
    /// # Errors
    /// [`AnswerError::NotXml`] or [`AnswerError::UnexpectedDocument`] when
    /// the body is not an `<Error>` document.
    pub fn parse(body: &str) -> Result<Self, AnswerError> {
        let document = parse_document(body)?;
        let root = document.root_element();
        expect_root(root, "Error")?;
        Ok(Self::from_element(root))
    }

    fn from_element(root: roxmltree::Node<'_, '_>) -> Self {
        let text = |name: &str| child_text(root, name).map(str::to_owned);
        Self {
            code: text("Code"),
            message: text("Message"),
            request_id: text("RequestId"),
            host_id: text("HostId"),
            resource: text("Resource"),
            canonical_request: text("CanonicalRequest"),
            string_to_sign: text("StringToSign"),
        }
    }
}

/// `Code: Message`, or whichever of the two is present.
impl fmt::Display for S3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}"),
            (Some(text), None) | (None, Some(text)) => f.write_str(text),
            (None, None) => f.write_str("an S3 error without code or message"),
        }
    }
}

/// An S3 XML answer that could not be read, or that is an S3 `<Error>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerError {
    /// The server answered with an S3 `<Error>` document instead
    /// (CompleteMultipartUpload may do so with status 200).
    #[error("the server answered with an error: {0}")]
    Service(Box<S3Error>),
    /// The body is not well-formed XML.
    #[error("the answer is not well-formed XML: {reason}")]
    NotXml {
        /// The XML parser's message.
        reason: String,
    },
    /// The body is XML, but another document than expected.
    #[error("expected a <{expected}> document, got <{found}>")]
    UnexpectedDocument {
        /// The root element expected.
        expected: &'static str,
        /// The root element found.
        found: String,
    },
    /// A required element is absent or empty.
    #[error("<{document}> has no <{element}>")]
    MissingElement {
        /// The document.
        document: &'static str,
        /// The element that is missing.
        element: &'static str,
    },
    /// An element holds a value of the wrong kind.
    #[error("<{element}> holds {value:?}, expected {expected}")]
    InvalidValue {
        /// The element.
        element: &'static str,
        /// Its text, cut to 100 characters.
        value: String,
        /// What it should hold.
        expected: &'static str,
    },
}

/// Parses `body` as XML, skipping a byte-order mark.
pub(crate) fn parse_document(body: &str) -> Result<roxmltree::Document<'_>, AnswerError> {
    roxmltree::Document::parse(body.trim_start_matches('\u{feff}')).map_err(|error| {
        AnswerError::NotXml {
            reason: error.to_string(),
        }
    })
}

/// Checks the root element's local name. An `<Error>` root where another
/// document was expected becomes [`AnswerError::Service`].
pub(crate) fn expect_root(
    root: roxmltree::Node<'_, '_>,
    expected: &'static str,
) -> Result<(), AnswerError> {
    let found = root.tag_name().name();
    if found == expected {
        Ok(())
    } else if found == "Error" {
        Err(AnswerError::Service(Box::new(S3Error::from_element(root))))
    } else {
        Err(AnswerError::UnexpectedDocument {
            expected,
            found: found.to_owned(),
        })
    }
}

/// The child elements of `node` with local name `name`.
pub(crate) fn children<'a, 'input: 'a>(
    node: roxmltree::Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |child| child.is_element() && child.tag_name().name() == name)
}

/// The text of the first child element `name` (`None` when absent; an empty
/// element gives `Some("")`).
pub(crate) fn child_text<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|child| child.is_element() && child.tag_name().name() == name)
        .map(|child| child.text().unwrap_or(""))
}

/// The text of a required, non-empty child element.
pub(crate) fn required_text<'a>(
    node: roxmltree::Node<'a, '_>,
    document: &'static str,
    element: &'static str,
) -> Result<&'a str, AnswerError> {
    match child_text(node, element) {
        Some(text) if !text.trim().is_empty() => Ok(text),
        _ => Err(AnswerError::MissingElement { document, element }),
    }
}

/// An optional element holding a whole number.
pub(crate) fn optional_number(
    node: roxmltree::Node<'_, '_>,
    element: &'static str,
) -> Result<Option<u64>, AnswerError> {
    match child_text(node, element).map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| invalid(element, text, "a whole number")),
    }
}

/// An optional `true`/`false` element (absent is false).
pub(crate) fn flag(
    node: roxmltree::Node<'_, '_>,
    element: &'static str,
) -> Result<bool, AnswerError> {
    match child_text(node, element).map(str::trim) {
        None | Some("" | "false") => Ok(false),
        Some("true") => Ok(true),
        Some(text) => Err(invalid(element, text, "true or false")),
    }
}

/// One object of a ListObjectsV2 answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListedObject {
    /// `<Key>`.
    pub key: String,
    /// `<Size>` in bytes.
    pub size: u64,
}

/// The objects of a ListObjectsV2 answer (`<ListBucketResult>`), in the
/// order listed.
///
/// # Errors
/// [`AnswerError`]: not XML, another document, an object without key or
/// size, or an S3 `<Error>` ([`AnswerError::Service`]).
///
/// # Example
/// ```
/// let body = "<ListBucketResult><Contents><Key>a &amp; b.bin</Key><Size>11</Size></Contents></ListBucketResult>";
/// let objects = presign::listed_objects(body)?;
/// assert_eq!((objects[0].key.as_str(), objects[0].size), ("a & b.bin", 11));
/// # Ok::<(), presign::AnswerError>(())
/// ```
pub fn listed_objects(body: &str) -> Result<Vec<ListedObject>, AnswerError> {
    let document = parse_document(body)?;
    let root = document.root_element();
    expect_root(root, "ListBucketResult")?;
    children(root, "Contents")
        .map(|contents| {
            Ok(ListedObject {
                key: required_text(contents, "Contents", "Key")?.to_owned(),
                size: optional_number(contents, "Size")?.ok_or(AnswerError::MissingElement {
                    document: "Contents",
                    element: "Size",
                })?,
            })
        })
        .collect()
}

/// The answer to S3 Express's `CreateSession` (`GET /?session` on a
/// directory bucket's zonal endpoint): the session's credentials, which
/// sign requests to that bucket, and when they expire (about five minutes
/// later).
///
/// The document is `<CreateSessionResult><Credentials>` with
/// `<SessionToken>`, `<SecretAccessKey>`, `<AccessKeyId>` and
/// `<Expiration>` (all four required, as S3's service model says).
///
/// # Example
/// ```
/// use presign::{AmzDate, CreateSessionResult};
///
/// let body = r#"<CreateSessionResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Credentials>
///   <SessionToken>TOKEN</SessionToken><SecretAccessKey>SECRET</SecretAccessKey>
///   <AccessKeyId>ASIASESSION</AccessKeyId><Expiration>2026-12-06T16:09:05Z</Expiration>
///   </Credentials></CreateSessionResult>"#;
/// let session = CreateSessionResult::parse(body)?;
/// assert_eq!(session.credentials.access_key_id(), "ASIASESSION");
/// assert_eq!(session.credentials.session_token(), Some("TOKEN"));
/// assert_eq!(session.expiration, AmzDate::parse_rfc3339("2026-12-06T16:09:05Z").unwrap().to_system_time());
/// # Ok::<(), presign::AnswerError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreateSessionResult {
    /// The session's access key id, secret access key and session token
    /// (secrets: redacted in `Debug`).
    pub credentials: Credentials,
    /// `<Expiration>`: when the session stops working.
    pub expiration: SystemTime,
}

impl CreateSessionResult {
    /// Parses a `CreateSession` answer.
    ///
    /// # Errors
    /// [`AnswerError::Service`] for an S3 `<Error>` document (e.g.
    /// `AccessDenied`, `NoSuchBucket`); [`AnswerError::NotXml`],
    /// [`AnswerError::UnexpectedDocument`]; [`AnswerError::MissingElement`]
    /// naming the absent element; [`AnswerError::InvalidValue`] for an
    /// `<Expiration>` that is not `YYYY-MM-DDTHH:MM:SS[.fraction]Z`. No
    /// error holds the secret or the token.
    pub fn parse(body: &str) -> Result<Self, AnswerError> {
        let document = parse_document(body)?;
        let root = document.root_element();
        expect_root(root, "CreateSessionResult")?;
        let credentials =
            children(root, "Credentials")
                .next()
                .ok_or(AnswerError::MissingElement {
                    document: "CreateSessionResult",
                    element: "Credentials",
                })?;
        let field = |element| required_text(credentials, "Credentials", element).map(str::trim);
        let access_key_id = field("AccessKeyId")?;
        let secret_access_key = field("SecretAccessKey")?;
        let session_token = field("SessionToken")?;
        let expiration = expiration(field("Expiration")?)?;
        Ok(Self {
            credentials: Credentials::new(access_key_id, secret_access_key)
                .with_session_token(session_token),
            expiration,
        })
    }
}

/// An `<Expiration>` in UTC, `YYYY-MM-DDTHH:MM:SSZ` with an optional
/// fraction of a second, which is dropped (the session is taken to end at
/// the whole second before).
fn expiration(text: &str) -> Result<SystemTime, AnswerError> {
    let bad = || {
        invalid(
            "Expiration",
            text,
            "a UTC time such as 2026-12-06T16:09:05Z",
        )
    };
    let whole = match text.split_once('.') {
        Some((seconds, fraction)) => {
            let digits = fraction.strip_suffix(['Z', 'z']).unwrap_or("");
            if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(bad());
            }
            format!("{seconds}Z")
        }
        None => text.to_owned(),
    };
    AmzDate::parse_rfc3339(&whole)
        .map(|date| date.to_system_time())
        .map_err(|_| bad())
}

pub(crate) fn invalid(element: &'static str, text: &str, expected: &'static str) -> AnswerError {
    AnswerError::InvalidValue {
        element,
        value: text.chars().take(100).collect(),
        expected,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_error_with_or_without_namespace_and_bom() {
        let plain = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message><RequestId>R1</RequestId><HostId>H</HostId></Error>";
        let error = S3Error::parse(plain).unwrap();
        assert_eq!(error.code.as_deref(), Some("AccessDenied"));
        assert_eq!(error.message.as_deref(), Some("Request has expired"));
        assert_eq!(error.request_id.as_deref(), Some("R1"));
        assert_eq!(error.host_id.as_deref(), Some("H"));
        let namespaced = "\u{feff}<Error xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Code>X</Code><CanonicalRequest>GET\n/k\n</CanonicalRequest></Error>";
        let error = S3Error::parse(namespaced).unwrap();
        assert_eq!(error.code.as_deref(), Some("X"));
        assert_eq!(error.canonical_request.as_deref(), Some("GET\n/k\n"));
        assert_eq!(error.to_string(), "X");
    }

    #[test]
    fn other_documents_and_non_xml_are_refused() {
        assert!(matches!(
            S3Error::parse("<html>nope</html>"),
            Err(AnswerError::UnexpectedDocument {
                expected: "Error",
                ..
            })
        ));
        assert!(matches!(
            S3Error::parse("not xml"),
            Err(AnswerError::NotXml { .. })
        ));
        assert!(matches!(
            S3Error::parse(
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Error><Code>&e;</Code></Error>"
            ),
            Err(AnswerError::NotXml { .. })
        ));
    }

    const SESSION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateSessionResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Credentials><SessionToken>TOKEN-XYZ</SessionToken><SecretAccessKey>SECRET-XYZ</SecretAccessKey><AccessKeyId>ASIAKEY</AccessKeyId><Expiration>EXP</Expiration></Credentials></CreateSessionResult>";

    #[test]
    fn reads_a_create_session_answer_with_or_without_a_fraction() {
        let whole =
            CreateSessionResult::parse(&SESSION.replace("EXP", "2026-12-06T16:09:05Z")).unwrap();
        let at = AmzDate::parse_rfc3339("2026-12-06T16:09:05Z")
            .unwrap()
            .to_system_time();
        assert_eq!(whole.expiration, at);
        assert_eq!(whole.credentials.access_key_id(), "ASIAKEY");
        assert_eq!(whole.credentials.reveal_secret_access_key(), "SECRET-XYZ");
        assert_eq!(whole.credentials.session_token(), Some("TOKEN-XYZ"));
        let fraction =
            CreateSessionResult::parse(&SESSION.replace("EXP", "2026-12-06T16:09:05.999Z"))
                .unwrap();
        assert_eq!(fraction.expiration, at);
        let shown = format!("{whole:?}");
        assert!(
            !shown.contains("SECRET-XYZ") && !shown.contains("TOKEN-XYZ"),
            "{shown}"
        );
    }

    #[test]
    fn create_session_errors_name_the_element_and_never_the_secret() {
        for element in [
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration",
        ] {
            let body = SESSION.replace("EXP", "2026-12-06T16:09:05Z");
            let start = body.find(&format!("<{element}>")).unwrap();
            let end = body.find(&format!("</{element}>")).unwrap() + element.len() + 3;
            let without = format!("{}{}", &body[..start], &body[end..]);
            let error = CreateSessionResult::parse(&without).unwrap_err();
            assert_eq!(
                error,
                AnswerError::MissingElement {
                    document: "Credentials",
                    element
                }
            );
            assert!(error.to_string().contains(element), "{error}");
        }
        for bad in [
            "tomorrow",
            "2026-12-06T16:09:05+01:00",
            "2026-12-06T16:09:05.Z",
            "2026-12-06 16:09:05Z",
        ] {
            let error = CreateSessionResult::parse(&SESSION.replace("EXP", bad)).unwrap_err();
            assert!(
                matches!(
                    error,
                    AnswerError::InvalidValue {
                        element: "Expiration",
                        ..
                    }
                ),
                "{bad}: {error}"
            );
            assert!(!error.to_string().contains("SECRET-XYZ"));
        }
        assert_eq!(
            CreateSessionResult::parse("<CreateSessionResult/>").unwrap_err(),
            AnswerError::MissingElement {
                document: "CreateSessionResult",
                element: "Credentials"
            }
        );
        let refused = CreateSessionResult::parse(
            "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>b--usw2-az1--x-s3</BucketName></Error>",
        )
        .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "the server answered with an error: NoSuchBucket: The specified bucket does not exist"
        );
        assert!(matches!(
            CreateSessionResult::parse("<ListBucketResult/>"),
            Err(AnswerError::UnexpectedDocument {
                expected: "CreateSessionResult",
                ..
            })
        ));
    }
}
