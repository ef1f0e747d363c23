//! Reading a presigned URL back: its parts, its auth parameters, and the
//! canonical request a server computes for it.
//!
//! This is the verifier's view (and the basis of `inspect`, and of the CLI's
//! diff against a server's `SignatureDoesNotMatch`): the path and query are
//! percent-decoded and encoded again with [`crate::encode`], as S3 does, so a
//! URL written with other but equivalent escapes canonicalises the same way.
//! Parsing never panics on arbitrary input.

use std::fmt;

use percent_encoding::percent_decode_str;

use crate::amz_date::AmzDate;
use crate::canonical::{CanonicalHeaders, CanonicalRequest};
use crate::encode;
use crate::endpoint::{Authority, AuthorityError};
use crate::error::VerifyError;
use crate::location::{ObjectLocation, locate};
use crate::presign::UNSIGNED_PAYLOAD;
use crate::s3_host::{HostForm, KnownHost, StorageProvider, recognise_host};
use crate::scope::CredentialScope;
use crate::sigv4a::SIGV4A_ALGORITHM;
use crate::string_to_sign::{ALGORITHM, StringToSign};

/// A presigned URL taken apart. Nothing here is checked against a secret.
///
/// # Example
/// ```
/// use presign::PresignedUrl;
///
/// let url = PresignedUrl::parse("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")?;
/// assert_eq!(url.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
/// assert_eq!(url.signed_headers(), ["host"]);
/// assert_eq!(url.expires_in(), 86400);
/// let canonical = url.canonical_request("GET", &[])?;
/// assert!(canonical.as_str().starts_with("GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&"));
/// # Ok::<(), presign::VerifyError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PresignedUrl {
    scheme: String,
    host_header: String,
    /// The host without port, lower case (IPv6 in brackets).
    host_name: String,
    /// The path, decoded (the object path, possibly with the bucket).
    path: String,
    /// Every query parameter but the signature, decoded, in URL order.
    query: Vec<(String, String)>,
    access_key_id: String,
    scope: CredentialScope,
    signed_at: AmzDate,
    expires_in: u64,
    signed_headers: Vec<String>,
    has_session_token: bool,
    /// SigV4A's `X-Amz-Region-Set`, decoded; `None` for SigV4.
    region_set: Option<String>,
    signature: String,
}

/// The auth parameters that may appear at most once besides [`REQUIRED`]:
/// the two session token names and SigV4A's region set.
const OPTIONAL: [&str; 3] = [
    "X-Amz-Security-Token",
    "X-Amz-S3session-Token",
    "X-Amz-Region-Set",
];

/// The auth parameters, each required exactly once (the token is optional).
const REQUIRED: [&str; 6] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
];

impl PresignedUrl {
    /// Parses `url`. Requires http(s), a host, and every SigV4 auth parameter
    /// exactly once, each well formed (and for SigV4A, `X-Amz-Region-Set`).
    ///
    /// # Errors
    /// [`VerifyError::Malformed`] naming the part or parameter that is wrong,
    /// [`VerifyError::MissingParameter`], [`VerifyError::DuplicateParameter`]
    /// or [`VerifyError::UnsupportedAlgorithm`].
    pub fn parse(url: &str) -> Result<Self, VerifyError> {
        let malformed = |part: &str, reason: &'static str| VerifyError::Malformed {
            part: part.to_owned(),
            reason,
        };
        let parts = Authority::of_url(url).map_err(|error| match error {
            AuthorityError::NoScheme => malformed("url", "it has no scheme"),
            _ => malformed("host", "it is empty or malformed"),
        })?;
        if parts.is_https().is_none() {
            return Err(malformed("url", "only http and https URLs are presigned"));
        }
        let rest = parts.rest().split('#').next().unwrap_or_default();
        let (raw_path, raw_query) = rest
            .split_once('?')
            .ok_or_else(|| malformed("url", "it has no query"))?;
        let raw_path = if raw_path.is_empty() { "/" } else { raw_path };
        let host_header = parts.host_header();
        let path = decode(raw_path)
            .ok_or_else(|| malformed("path", "it is not valid percent-encoded UTF-8"))?;

        let (query, auth) = split_query(raw_query)?;
        let [
            algorithm,
            credential,
            date,
            expires,
            signed_headers,
            signature,
            token,
            s3_session_token,
            region_set,
        ] = auth;
        let take = |value: Option<String>, param: &str| {
            value.ok_or_else(|| VerifyError::MissingParameter {
                param: param.to_owned(),
            })
        };
        let algorithm = take(algorithm, "X-Amz-Algorithm")?;
        let sigv4a = match algorithm.as_str() {
            ALGORITHM => false,
            SIGV4A_ALGORITHM => true,
            _ => return Err(VerifyError::UnsupportedAlgorithm { algorithm }),
        };
        let region_set = if sigv4a {
            Some(take(region_set, "X-Amz-Region-Set")?)
        } else {
            None
        };
        let credential = take(credential, "X-Amz-Credential")?;
        let date = take(date, "X-Amz-Date")?;
        let expires = take(expires, "X-Amz-Expires")?;
        let signed_headers = take(signed_headers, "X-Amz-SignedHeaders")?;
        let signature = take(signature, "X-Amz-Signature")?;

        let signed_at: AmzDate = date
            .parse()
            .map_err(|_| malformed("X-Amz-Date", "expected YYYYMMDDTHHMMSSZ"))?;
        let (access_key_id, scope) = credential_of(&credential, sigv4a)?;
        let expires_in = (!expires.is_empty() && expires.bytes().all(|b| b.is_ascii_digit()))
            .then(|| expires.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| malformed("X-Amz-Expires", "expected a whole number of seconds"))?;
        let signed_headers: Vec<String> = signed_headers.split(';').map(str::to_owned).collect();
        if signed_headers
            .iter()
            .any(|name| name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()))
        {
            return Err(malformed(
                "X-Amz-SignedHeaders",
                "expected lower-case header names separated by ';'",
            ));
        }
        check_signature_form(&signature, sigv4a)?;
        Ok(Self {
            scheme: parts.scheme().to_owned(),
            host_header,
            host_name: parts.host().to_ascii_lowercase(),
            path,
            query,
            access_key_id,
            scope,
            signed_at,
            expires_in,
            signed_headers,
            has_session_token: token.is_some() || s3_session_token.is_some(),
            region_set,
            signature,
        })
    }

    /// `http` or `https`, as written.
    #[must_use]
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The `host` header a client sends for this URL (lower case; the port
    /// only when it is not the scheme's default).
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host_header
    }

    /// The decoded path (`/bucket/key` in path style, `/key` virtual-hosted).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Bucket and key, read from the host and the path (see
    /// [`ObjectLocation::is_guess`] for hosts whose layout is unknown).
    #[must_use]
    pub fn location(&self) -> ObjectLocation {
        locate(&self.host_header, &self.path)
    }

    /// What the host is, when [`recognise_host`] knows its form: AWS
    /// (access point, Object Lambda, Outposts, S3 Express, Multi-Region
    /// Access Point, dualstack, FIPS, acceleration, ...) or another
    /// provider's.
    #[must_use]
    pub fn known_host(&self) -> Option<KnownHost> {
        recognise_host(&self.host_name)
    }

    /// Where the signature does not fit the AWS host the URL goes to: a
    /// scope service other than the host's signing service, a SigV4
    /// signature on a Multi-Region Access Point, a scope region other than
    /// the host's region. S3 refuses such a URL whatever the secret (most
    /// often as `SignatureDoesNotMatch`). Empty for hosts of other
    /// providers, custom endpoints and forms that name no region (the
    /// global endpoint, acceleration).
    ///
    /// # Example
    /// ```
    /// use presign::{HostMismatch, PresignedUrl};
    ///
    /// let url = PresignedUrl::parse("https://banner-123456789012.s3-object-lambda.us-west-2.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261207%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date=20261207T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")?;
    /// assert!(matches!(
    ///     url.host_mismatches().as_slice(),
    ///     [HostMismatch::Service { host_service: "s3-object-lambda", .. }]
    /// ));
    /// # Ok::<(), presign::VerifyError>(())
    /// ```
    #[must_use]
    pub fn host_mismatches(&self) -> Vec<HostMismatch> {
        let mut found = Vec::new();
        let Some(known) = self.known_host() else {
            return found;
        };
        let Some(form) = known.form.filter(|form| {
            known.provider == StorageProvider::AwsS3
                && !matches!(
                    form,
                    HostForm::Website | HostForm::Control | HostForm::Custom
                )
        }) else {
            return found;
        };
        if self.scope.service() != known.service {
            found.push(HostMismatch::Service {
                host: self.host_name.clone(),
                form,
                scope_service: self.scope.service().to_owned(),
                host_service: known.service,
            });
        }
        if known.needs_sigv4a() && self.region_set.is_none() {
            found.push(HostMismatch::NeedsSigV4a {
                host: self.host_name.clone(),
            });
        }
        if let Some(region) = known.region.filter(|region| {
            form != HostForm::Global
                && self.scope.is_regional()
                && self.scope.region() != region.as_str()
        }) {
            found.push(HostMismatch::Region {
                host: self.host_name.clone(),
                form,
                scope_region: self.scope.region().to_owned(),
                host_region: region,
            });
        }
        found
    }

    /// The query parameters that are not SigV4 auth parameters (`versionId`,
    /// `response-*`, ...), decoded, in URL order.
    pub fn extra_query(&self) -> impl Iterator<Item = &(String, String)> {
        self.query.iter().filter(|(name, _)| {
            !OPTIONAL.contains(&name.as_str()) && !REQUIRED.contains(&name.as_str())
        })
    }

    /// Every query parameter but the signature, decoded, in URL order.
    #[must_use]
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The access key id of `X-Amz-Credential`.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope of `X-Amz-Credential`.
    #[must_use]
    pub fn scope(&self) -> &CredentialScope {
        &self.scope
    }

    /// `X-Amz-Date`.
    #[must_use]
    pub fn signed_at(&self) -> AmzDate {
        self.signed_at
    }

    /// `X-Amz-Expires`, in seconds.
    #[must_use]
    pub fn expires_in(&self) -> u64 {
        self.expires_in
    }

    /// Seconds since 1970 at which the URL expires (`X-Amz-Date` + `X-Amz-Expires`).
    #[must_use]
    pub fn expires_at_unix(&self) -> u64 {
        self.signed_at
            .unix_seconds()
            .saturating_add(self.expires_in)
    }

    /// The names of `X-Amz-SignedHeaders`, as listed.
    #[must_use]
    pub fn signed_headers(&self) -> &[String] {
        &self.signed_headers
    }

    /// `X-Amz-Algorithm`: `AWS4-HMAC-SHA256`, or `AWS4-ECDSA-P256-SHA256`
    /// for SigV4A.
    #[must_use]
    pub fn algorithm(&self) -> &'static str {
        if self.region_set.is_some() {
            SIGV4A_ALGORITHM
        } else {
            ALGORITHM
        }
    }

    /// SigV4A's `X-Amz-Region-Set` (decoded: regions joined with `,`);
    /// `None` for a SigV4 URL.
    #[must_use]
    pub fn region_set(&self) -> Option<&str> {
        self.region_set.as_deref()
    }

    /// Whether `X-Amz-Security-Token` or `X-Amz-S3session-Token` (S3
    /// Express) is present.
    #[must_use]
    pub fn has_session_token(&self) -> bool {
        self.has_session_token
    }

    /// `X-Amz-Signature`.
    #[must_use]
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The canonical request a server computes for this URL sent with
    /// `method` and `headers` (name, value; the values of the signed headers
    /// other than `host`, which comes from the URL).
    ///
    /// # Errors
    /// [`VerifyError::MissingHeader`] when a signed header has no value.
    pub fn canonical_request(
        &self,
        method: &str,
        headers: &[(&str, &str)],
    ) -> Result<CanonicalRequest, VerifyError> {
        let mut values: Vec<(&str, &str)> = Vec::with_capacity(self.signed_headers.len());
        for name in &self.signed_headers {
            if name == "host" {
                values.push(("host", &self.host_header));
                continue;
            }
            let given: Vec<&str> = headers
                .iter()
                .filter(|(given, _)| given.eq_ignore_ascii_case(name))
                .map(|(_, value)| *value)
                .collect();
            if given.is_empty() {
                return Err(VerifyError::MissingHeader { name: name.clone() });
            }
            values.extend(given.into_iter().map(|value| (name.as_str(), value)));
        }
        let headers = CanonicalHeaders::new(values);
        let encoded_query: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(name, value)| (encode::query(name), encode::query(value)))
            .collect();
        Ok(CanonicalRequest::new(
            method,
            &encode::path(&self.path),
            &encoded_query,
            &headers,
            UNSIGNED_PAYLOAD,
        ))
    }

    /// The string to sign for [`PresignedUrl::canonical_request`].
    ///
    /// # Errors
    /// As [`PresignedUrl::canonical_request`].
    pub fn string_to_sign(
        &self,
        method: &str,
        headers: &[(&str, &str)],
    ) -> Result<StringToSign, VerifyError> {
        let canonical = self.canonical_request(method, headers)?;
        Ok(if self.region_set.is_some() {
            StringToSign::sigv4a(self.signed_at, &self.scope, &canonical)
        } else {
            StringToSign::new(self.signed_at, &self.scope, &canonical)
        })
    }
}

/// A way a presigned URL's signature does not fit its AWS host (see
/// [`PresignedUrl::host_mismatches`]): S3 refuses the URL whatever the
/// secret. The messages name the host, what it takes and what the URL has.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HostMismatch {
    /// The credential scope names another service than the host signs for
    /// (`s3` on an `s3-object-lambda` host, say).
    Service {
        /// The host, lower case, without port.
        host: String,
        /// Its form.
        form: HostForm,
        /// The service of `X-Amz-Credential`.
        scope_service: String,
        /// The service the host signs for.
        host_service: &'static str,
    },
    /// A SigV4 (`AWS4-HMAC-SHA256`) URL on a Multi-Region Access Point,
    /// which takes SigV4A only.
    NeedsSigV4a {
        /// The host, lower case, without port.
        host: String,
    },
    /// The credential scope names another region than the host's.
    Region {
        /// The host, lower case, without port.
        host: String,
        /// Its form.
        form: HostForm,
        /// The region of `X-Amz-Credential`.
        scope_region: String,
        /// The region the host is in.
        host_region: String,
    },
}

impl fmt::Display for HostMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Service {
                host,
                form,
                scope_service,
                host_service,
            } => write!(
                f,
                "the host {host} ({}) takes the signing service {host_service}, but the \
                 credential scope names {scope_service:?}",
                form.description()
            ),
            Self::NeedsSigV4a { host } => write!(
                f,
                "the host {host} ({}) takes SigV4A (AWS4-ECDSA-P256-SHA256) only, but the URL \
                 is signed with AWS4-HMAC-SHA256",
                HostForm::MultiRegionAccessPoint.description()
            ),
            Self::Region {
                host,
                form,
                scope_region,
                host_region,
            } => write!(
                f,
                "the host {host} ({}) is in region {host_region}, but the credential scope \
                 names region {scope_region:?}",
                form.description()
            ),
        }
    }
}

/// The values of `REQUIRED` and then of `OPTIONAL`, where present.
type AuthParameters = [Option<String>; 9];

/// The query's parameters but the signature, decoded, in URL order; and the
/// auth parameters, each at most once, in the order of `REQUIRED` then
/// `OPTIONAL`.
fn split_query(raw_query: &str) -> Result<(Vec<(String, String)>, AuthParameters), VerifyError> {
    let malformed = |part: &str, reason: &'static str| VerifyError::Malformed {
        part: part.to_owned(),
        reason,
    };
    let mut query = Vec::new();
    let mut auth: AuthParameters = Default::default();
    for pair in raw_query.split('&').filter(|pair| !pair.is_empty()) {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(raw_name)
            .ok_or_else(|| malformed(raw_name, "the name is not valid percent-encoded UTF-8"))?;
        let value = decode(raw_value)
            .ok_or_else(|| malformed(&name, "the value is not valid percent-encoded UTF-8"))?;
        let slot = REQUIRED
            .iter()
            .chain(OPTIONAL.iter())
            .position(|auth| *auth == name);
        if let Some(index) = slot {
            if auth[index].is_some() {
                return Err(VerifyError::DuplicateParameter { param: name });
            }
            auth[index] = Some(value.clone());
        }
        if name != "X-Amz-Signature" {
            query.push((name, value));
        }
    }
    Ok((query, auth))
}

/// Percent-decodes to UTF-8; `+` stays `+` (SigV4 never writes `+` for space).
pub(crate) fn decode(text: &str) -> Option<String> {
    percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// `X-Amz-Signature` in its algorithm's form: 64 lower-case hex digits (an
/// HMAC-SHA256), or for SigV4A a DER ECDSA P-256 signature in lower-case hex
/// (an even number of digits, at most 144).
fn check_signature_form(signature: &str, sigv4a: bool) -> Result<(), VerifyError> {
    let lower_hex = signature
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let (length_ok, expected) = if sigv4a {
        (
            (16..=144).contains(&signature.len()) && signature.len().is_multiple_of(2),
            "expected a DER ECDSA signature in lower-case hex (SigV4A)",
        )
    } else {
        (signature.len() == 64, "expected 64 lower-case hex digits")
    };
    if length_ok && lower_hex {
        Ok(())
    } else {
        Err(VerifyError::Malformed {
            part: "X-Amz-Signature".to_owned(),
            reason: expected,
        })
    }
}

/// The access key id and scope of `X-Amz-Credential`, in the algorithm's form.
fn credential_of(credential: &str, sigv4a: bool) -> Result<(String, CredentialScope), VerifyError> {
    let (parsed, expected) = if sigv4a {
        (
            parse_sigv4a_credential(credential),
            "expected ACCESS_KEY_ID/YYYYMMDD/SERVICE/aws4_request (SigV4A)",
        )
    } else {
        (
            parse_credential(credential),
            "expected ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request",
        )
    };
    parsed.ok_or_else(|| VerifyError::Malformed {
        part: "X-Amz-Credential".to_owned(),
        reason: expected,
    })
}

/// SigV4A's `ACCESS_KEY_ID/YYYYMMDD/SERVICE/aws4_request`: no region.
fn parse_sigv4a_credential(credential: &str) -> Option<(String, CredentialScope)> {
    let mut parts = credential.rsplitn(4, '/');
    let terminator = parts.next()?;
    let service = parts.next()?;
    let date = parts.next()?;
    let access_key_id = parts.next()?;
    let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    (terminator == "aws4_request" && date_ok && !service.is_empty() && !access_key_id.is_empty())
        .then(|| {
            (
                access_key_id.to_owned(),
                CredentialScope::without_region(date, service),
            )
        })
}

/// `ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request`; the region may be empty.
pub(crate) fn parse_credential(credential: &str) -> Option<(String, CredentialScope)> {
    let mut parts = credential.rsplitn(5, '/');
    let terminator = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let date = parts.next()?;
    let access_key_id = parts.next()?;
    let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
    (terminator == "aws4_request" && date_ok && !service.is_empty() && !access_key_id.is_empty())
        .then(|| {
            (
                access_key_id.to_owned(),
                CredentialScope::new(date, region, service),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWS_URL: &str = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

    #[test]
    fn recomputes_the_aws_documentation_string_to_sign() {
        let url = PresignedUrl::parse(AWS_URL).unwrap();
        assert_eq!(
            url.string_to_sign("GET", &[]).unwrap().as_str(),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"
        );
        assert_eq!(url.host(), "examplebucket.s3.amazonaws.com");
        assert_eq!(url.expires_at_unix(), 1_369_353_600 + 86_400);
        assert_eq!(url.extra_query().count(), 0);
        let with_version = PresignedUrl::parse(&format!("{AWS_URL}&versionId=v%2F1")).unwrap();
        assert_eq!(
            with_version.extra_query().collect::<Vec<_>>(),
            [&("versionId".to_owned(), "v/1".to_owned())]
        );
    }

    #[test]
    fn missing_duplicate_and_malformed_parameters_are_named() {
        let without_date = AWS_URL.replace("X-Amz-Date=20130524T000000Z&", "");
        assert_eq!(
            PresignedUrl::parse(&without_date).unwrap_err(),
            VerifyError::MissingParameter {
                param: "X-Amz-Date".to_owned()
            }
        );
        let twice = format!("{AWS_URL}&X-Amz-Expires=1");
        assert_eq!(
            PresignedUrl::parse(&twice).unwrap_err(),
            VerifyError::DuplicateParameter {
                param: "X-Amz-Expires".to_owned()
            }
        );
        let bad_signature = AWS_URL.replace("aeeed9bb", "AEEED9BB");
        assert!(matches!(
            PresignedUrl::parse(&bad_signature),
            Err(VerifyError::Malformed { .. })
        ));
        for garbage in [
            "",
            "https://",
            "ftp://h/k?x",
            "https://h/k",
            "https://h:99999/k?X-Amz-Algorithm=x",
            "%%%",
        ] {
            assert!(PresignedUrl::parse(garbage).is_err(), "{garbage:?}");
        }
    }

    #[test]
    fn the_host_header_comes_from_the_cores_one_authority_split() {
        let query = AWS_URL.split_once('?').unwrap().1;
        for (url, host) in [
            (
                "https://Bucket.S3.amazonaws.com:443/k",
                "bucket.s3.amazonaws.com",
            ),
            ("http://127.0.0.1:9000/b/k", "127.0.0.1:9000"),
            ("http://[::1]:9000/b/k", "[::1]:9000"),
            ("https://[::1]:443/b/k", "[::1]"),
            ("http://user:pw@h:80/k", "h"),
            ("https://h", "h"),
        ] {
            let parsed = PresignedUrl::parse(&format!("{url}?{query}")).unwrap();
            assert_eq!(parsed.host(), host, "{url}");
        }
        let bare = PresignedUrl::parse(&format!("https://h?{query}")).unwrap();
        assert_eq!(bare.path(), "/");
        for bad in ["https://[::1/k", "https://h:/k", "https://:9000/k"] {
            assert!(
                matches!(
                    PresignedUrl::parse(&format!("{bad}?{query}")),
                    Err(VerifyError::Malformed { ref part, .. }) if part == "host"
                ),
                "{bad}"
            );
        }
    }

    /// botocore's (and awscrt's) URLs for each AWS host form with its own
    /// signing name: `tests/data/signing-names`.
    fn botocore_cases() -> Vec<serde_json::Value> {
        let text = include_str!("../tests/data/signing-names/cases.json");
        let document: serde_json::Value = serde_json::from_str(text).unwrap();
        document["cases"].as_array().unwrap().clone()
    }

    #[test]
    fn botocore_urls_fit_their_hosts_and_another_service_does_not() {
        for case in botocore_cases() {
            let url = case["url"].as_str().unwrap();
            let service = case["service"].as_str().unwrap();
            let parsed = PresignedUrl::parse(url).unwrap();
            let known = parsed.known_host().unwrap();
            assert_eq!(known.service, service, "{url}");
            assert_eq!(parsed.host_mismatches(), [], "{url}");

            let other = if service == "s3" {
                "s3-object-lambda"
            } else {
                "s3"
            };
            let tampered = url.replacen(
                &format!("%2F{service}%2Faws4_request"),
                &format!("%2F{other}%2Faws4_request"),
                1,
            );
            let mismatches = PresignedUrl::parse(&tampered).unwrap().host_mismatches();
            assert!(
                matches!(
                    mismatches.as_slice(),
                    [HostMismatch::Service { scope_service, host_service, .. }]
                        if scope_service == other && *host_service == service
                ),
                "{tampered}: {mismatches:?}"
            );
            let message = mismatches[0].to_string();
            assert!(
                message.contains(&format!("takes the signing service {service}")),
                "{message}"
            );
        }
    }

    #[test]
    fn a_sigv4_url_on_a_multi_region_access_point_and_a_foreign_region_are_mismatches() {
        let mrap = botocore_cases()
            .into_iter()
            .find(|case| case["sigv4a"].is_string())
            .unwrap();
        let host = mrap["origin"].as_str().unwrap();
        let query = AWS_URL.split_once('?').unwrap().1;
        let sigv4 = PresignedUrl::parse(&format!("{host}/k?{query}")).unwrap();
        assert!(matches!(
            sigv4.host_mismatches().as_slice(),
            [HostMismatch::NeedsSigV4a { .. }]
        ));
        let object_lambda = botocore_cases()
            .into_iter()
            .find(|case| case["service"] == "s3-object-lambda")
            .unwrap();
        let url = object_lambda["url"].as_str().unwrap().replacen(
            "%2Fus-west-2%2F",
            "%2Feu-west-1%2F",
            1,
        );
        let mismatches = PresignedUrl::parse(&url).unwrap().host_mismatches();
        assert_eq!(
            mismatches,
            [HostMismatch::Region {
                host: "myolap-123456789012.s3-object-lambda.us-west-2.amazonaws.com".to_owned(),
                form: HostForm::ObjectLambda,
                scope_region: "eu-west-1".to_owned(),
                host_region: "us-west-2".to_owned(),
            }]
        );
        // The global endpoint, other providers and custom hosts have none.
        for host in [
            "https://bucket.s3.amazonaws.com",
            "https://s3.eu-de.cloud-object-storage.appdomain.cloud",
            "http://127.0.0.1:9000",
            "http://[::1]:9000",
        ] {
            let url = PresignedUrl::parse(&format!("{host}/k?{query}")).unwrap();
            assert_eq!(url.host_mismatches(), [], "{host}");
        }
    }

    #[test]
    fn a_signed_header_needs_its_value() {
        let url = PresignedUrl::parse(&AWS_URL.replace(
            "X-Amz-SignedHeaders=host",
            "X-Amz-SignedHeaders=content-type%3Bhost",
        ))
        .unwrap();
        assert_eq!(
            url.canonical_request("PUT", &[]).unwrap_err(),
            VerifyError::MissingHeader {
                name: "content-type".to_owned()
            }
        );
        let canonical = url
            .canonical_request("PUT", &[("Content-Type", "text/plain")])
            .unwrap();
        assert!(
            canonical
                .as_str()
                .contains("\ncontent-type:text/plain\nhost:examplebucket.s3.amazonaws.com\n")
        );
    }
}
