//! What a request and its credentials fix before any key is known: the URL
//! authority, the signed host, the path prefix, the encoded query, the
//! canonical headers, the scope and the signing key.
//!
//! [`Checked`] holds the checks and the rules that turn a request into URL
//! parts, written into any buffer. [`crate::presign()`] and
//! [`crate::BatchSigner`] keep those parts as strings ([`Prepared`]);
//! [`crate::Signer`] writes them straight into the caller's buffer and its
//! hash. One place computes each part, so the URLs of the three cannot
//! differ.

use std::sync::Arc;
use std::time::SystemTime;

use smallvec::SmallVec;

use crate::amz_date::AmzDate;
use crate::canonical::CanonicalHeaders;
use crate::credentials::Credentials;
use crate::encode;
use crate::endpoint::{Endpoint, EndpointRef};
use crate::error::PresignError;
use crate::request::{Addressing, Method, PresignRequest};
use crate::scope::{CredentialScope, scope_parts, validate_region};
use crate::signing_key::SigningKey;
use crate::sigv4a::{SIGV4A_ALGORITHM, SigV4aKey};
use crate::sink::Sink;
use crate::string_to_sign::ALGORITHM;

/// The service name in an S3 credential scope.
pub const SERVICE: &str = "s3";

/// Where one query pair sits in a buffer: `name` is `start..equals`, the
/// value `equals + 1..end`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PairRange {
    pub(crate) start: usize,
    pub(crate) equals: usize,
    pub(crate) end: usize,
}

impl PairRange {
    /// The same pair `by` bytes further on.
    pub(crate) fn offset(self, by: usize) -> Self {
        Self {
            start: self.start + by,
            equals: self.equals + by,
            end: self.end + by,
        }
    }

    /// The encoded name and value in `text`, the buffer the pair was written to.
    pub(crate) fn in_text(self, text: &str) -> (&str, &str) {
        (
            &text[self.start..self.equals],
            &text[self.equals + 1..self.end],
        )
    }
}

/// A request whose every part but the key and the instant has been checked,
/// and the values derived from it that depend on neither (nor on the
/// credentials).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Checked<'r> {
    pub(crate) request: &'r PresignRequest,
    pub(crate) endpoint: EndpointRef<'r>,
    pub(crate) addressing: Addressing,
    pub(crate) expires_in: u64,
}

impl<'r> Checked<'r> {
    /// Validates everything but the key and the instant, in the order whose
    /// first failure [`crate::presign()`] reports. `credentials` are checked
    /// too when given (the one-URL signer checks its own once).
    pub(crate) fn new(
        request: &'r PresignRequest,
        credentials: Option<&Credentials>,
    ) -> Result<Self, PresignError> {
        let endpoint = EndpointRef::parse(&request.endpoint)?;
        request.validate_parts_but_key()?;
        validate_region(&request.region)?;
        if let Some(credentials) = credentials {
            credentials.validate()?;
        }
        let expires_in = request.expires_secs()?;
        Ok(Self {
            request,
            endpoint,
            addressing: request.effective_addressing(endpoint),
            expires_in,
        })
    }

    fn is_virtual_host(&self) -> bool {
        self.addressing == Addressing::VirtualHost
    }

    /// Appends `scheme://authority`, with the bucket in front of the host
    /// when virtual-hosted: the URL up to the path.
    pub(crate) fn write_origin(&self, out: &mut String) {
        out.push_str(self.endpoint.scheme());
        out.push_str("://");
        if self.is_virtual_host() {
            out.push_str(&self.request.bucket);
            out.push('.');
        }
        self.endpoint.write_authority(out);
    }

    /// Appends the encoded path before the key: base path, `/`, and in path
    /// style the bucket and `/`.
    pub(crate) fn write_path_prefix(&self, out: &mut String) {
        out.push_str(self.endpoint.base_path());
        out.push('/');
        if !self.is_virtual_host() {
            encode::path_into(out, &self.request.bucket);
            // A bucket operation's path is the bucket itself (`/bucket`, as
            // botocore writes ListObjectsV2); an object's key follows a `/`.
            if !self.request.bucket_operation {
                out.push('/');
            }
        }
    }

    /// Appends the value of the signed `host` header.
    pub(crate) fn write_host(&self, out: &mut impl Sink) {
        if self.is_virtual_host() {
            out.put(&self.request.bucket);
            out.put(".");
        }
        self.endpoint.write_host_header(out);
    }

    /// The signed headers: `host` with the value given, then the request's.
    pub(crate) fn headers<'h>(&'h self, host: &'h str) -> SmallVec<[(&'h str, &'h str); 8]> {
        std::iter::once(("host", host))
            .chain(
                self.request
                    .headers
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str())),
            )
            .collect()
    }

    /// Appends the request's own query parameters in the order given,
    /// encoded, joined with `&`: the start of the URL's query. Reports where
    /// each pair went.
    pub(crate) fn write_request_query(&self, out: &mut String, mut on_pair: impl FnMut(PairRange)) {
        for (index, (name, value)) in self.request.query.iter().enumerate() {
            if index > 0 {
                out.push('&');
            }
            let start = out.len();
            encode::query_into(out, name);
            let equals = out.len();
            out.push('=');
            encode::query_into(out, value);
            on_pair(PairRange {
                start,
                equals,
                end: out.len(),
            });
        }
    }
}

/// The signing instant `now`, checked: it and the expiry it leads to must be
/// writable as `X-Amz-Date` (a verifier parses the expiry).
pub(crate) fn signing_instant(now: SystemTime, expires_in: u64) -> Result<AmzDate, PresignError> {
    let signed_at = AmzDate::from_system_time(now)?;
    check_expiry(signed_at, expires_in)?;
    Ok(signed_at)
}

/// The part of [`signing_instant`] after the instant is read.
pub(crate) fn check_expiry(signed_at: AmzDate, expires_in: u64) -> Result<(), PresignError> {
    AmzDate::check_in_range(signed_at.unix_seconds() + expires_in)
}

/// What comes before the signature's hex at the end of every presigned URL:
/// the last query parameter, after the others ([`AuthQuery`]).
pub(crate) const SIGNATURE_NAME: &str = "&X-Amz-Signature=";

/// The query parameter that carries an ordinary session token.
pub(crate) const SECURITY_TOKEN: &str = "X-Amz-Security-Token";
/// The query parameter that carries an S3 Express session token.
pub(crate) const S3_SESSION_TOKEN: &str = "X-Amz-S3session-Token";

/// The name of the session token's query parameter for `request`.
pub(crate) fn token_name(request: &PresignRequest) -> &'static str {
    request.token_name
}

/// The auth parameters of one URL but its signature.
#[derive(Debug)]
pub(crate) struct AuthQuery<'a> {
    /// The access key id, encoded.
    pub(crate) encoded_access_key_id: &'a str,
    pub(crate) region: &'a str,
    /// The signing name of the scope (checked: it needs no encoding).
    pub(crate) service: &'a str,
    /// SigV4A's region set, raw; `None` for SigV4.
    pub(crate) region_set: Option<&'a str>,
    /// The name of the session token's parameter.
    pub(crate) token_name: &'static str,
    /// `X-Amz-Date`, `YYYYMMDDTHHMMSSZ`.
    pub(crate) date: &'a str,
    pub(crate) expires_in: u64,
    /// `X-Amz-SignedHeaders`, not encoded.
    pub(crate) signed_headers: &'a str,
    pub(crate) encoded_session_token: Option<&'a str>,
}

impl AuthQuery<'_> {
    /// The parts of the credential scope: a SigV4A scope has no region.
    pub(crate) fn scope_parts(&self) -> SmallVec<[&str; 4]> {
        let [date, region, service, terminator] =
            scope_parts(&self.date[..8], self.region, self.service);
        if self.region_set.is_some() {
            SmallVec::from_iter([date, service, terminator])
        } else {
            SmallVec::from_iter([date, region, service, terminator])
        }
    }

    /// `X-Amz-Algorithm`.
    pub(crate) fn algorithm(&self) -> &'static str {
        if self.region_set.is_some() {
            SIGV4A_ALGORITHM
        } else {
            ALGORITHM
        }
    }

    /// Appends the auth parameters in URL order, each preceded by `&` unless
    /// `first`. Reports where each pair went.
    ///
    /// SigV4 (botocore's `SigV4QueryAuth`, `S3ExpressQueryAuth`): algorithm,
    /// credential, date, expires, signed headers, then the session token.
    /// SigV4A (aws-c-auth, through botocore's `CrtS3SigV4AsymQueryAuth`):
    /// algorithm, credential, date, signed headers, expires, the session
    /// token, then the region set.
    pub(crate) fn write(&self, out: &mut String, first: bool, mut on_pair: impl FnMut(PairRange)) {
        // Names, the algorithm, the date (digits, `T`, `Z`), a checked region
        // (`[a-z0-9-]*`), `s3` and `aws4_request` need no encoding (a unit
        // test checks the constant ones); the rest is encoded.
        let mut first = first;
        let mut start = |out: &mut String, name: &str| {
            if !first {
                out.push('&');
            }
            first = false;
            let start = out.len();
            out.push_str(name);
            out.push('=');
            PairRange {
                start,
                equals: start + name.len(),
                end: 0,
            }
        };
        let mut end = |out: &mut String, mut pair: PairRange| {
            pair.end = out.len();
            on_pair(pair);
        };

        let pair = start(out, "X-Amz-Algorithm");
        out.push_str(self.algorithm());
        end(out, pair);

        let pair = start(out, "X-Amz-Credential");
        // The access key id and the scope, joined with `/`, encoded.
        out.push_str(self.encoded_access_key_id);
        for part in self.scope_parts() {
            out.push_str("%2F");
            out.push_str(part);
        }
        end(out, pair);

        let pair = start(out, "X-Amz-Date");
        out.push_str(self.date);
        end(out, pair);

        let sigv4a = self.region_set.is_some();
        if !sigv4a {
            let pair = start(out, "X-Amz-Expires");
            out.put_decimal(self.expires_in);
            end(out, pair);
        }

        let pair = start(out, "X-Amz-SignedHeaders");
        encode::query_into(out, self.signed_headers);
        end(out, pair);

        if sigv4a {
            let pair = start(out, "X-Amz-Expires");
            out.put_decimal(self.expires_in);
            end(out, pair);
        }

        if let Some(token) = self.encoded_session_token {
            let pair = start(out, self.token_name);
            out.push_str(token);
            end(out, pair);
        }

        if let Some(region_set) = self.region_set {
            let pair = start(out, "X-Amz-Region-Set");
            encode::query_into(out, region_set);
            end(out, pair);
        }
    }
}

/// The key a URL is signed with.
#[derive(Clone, Debug)]
pub(crate) enum UrlKey {
    /// SigV4: the HMAC key of the day, region and service.
    V4(SigningKey),
    /// SigV4A: the key pair of the credentials, for any day and region.
    V4a(Arc<SigV4aKey>),
}

impl UrlKey {
    /// The signature of `string_to_sign`, in hex.
    pub(crate) fn sign(&self, string_to_sign: &[u8]) -> String {
        match self {
            Self::V4(key) => key.sign(string_to_sign),
            Self::V4a(key) => key.sign(string_to_sign),
        }
    }
}

/// The per-request constant parts of a presigned URL.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) method: Method,
    pub(crate) endpoint: Endpoint,
    pub(crate) addressing: Addressing,
    pub(crate) bucket: String,
    /// `scheme://authority`, as written in the URL.
    pub(crate) origin: String,
    pub(crate) host: String,
    /// The encoded path before the key: base path, `/`, and in path style the
    /// bucket and `/`.
    pub(crate) path_prefix: String,
    pub(crate) signed_at: AmzDate,
    pub(crate) expires_in: u64,
    pub(crate) scope: CredentialScope,
    pub(crate) canonical_headers: CanonicalHeaders,
    /// The query string in URL order, without `?` and without the signature.
    pub(crate) url_query: String,
    /// Encoded query pairs in URL order (the signature excluded).
    pub(crate) encoded_query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) key: UrlKey,
    pub(crate) has_session_token: bool,
}

impl Prepared {
    /// Validates everything but the key and computes the constant parts.
    pub(crate) fn new(
        request: &PresignRequest,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<Self, PresignError> {
        Self::with_sigv4a_key(request, credentials, now, None)
    }

    /// [`Prepared::new`] with the credentials' SigV4A key when the caller
    /// keeps it (it is derived here otherwise, for a SigV4A request).
    pub(crate) fn with_sigv4a_key(
        request: &PresignRequest,
        credentials: &Credentials,
        now: SystemTime,
        sigv4a_key: Option<&Arc<SigV4aKey>>,
    ) -> Result<Self, PresignError> {
        let checked = Checked::new(request, Some(credentials))?;
        let signed_at = signing_instant(now, checked.expires_in)?;
        let mut origin = String::new();
        checked.write_origin(&mut origin);
        let mut path_prefix = String::new();
        checked.write_path_prefix(&mut path_prefix);
        let mut host = String::new();
        checked.write_host(&mut host);
        let canonical_headers = CanonicalHeaders::new(checked.headers(&host));

        let region_set = request.region_set.as_deref();
        let scope = if region_set.is_some() {
            CredentialScope::without_region(signed_at.date_stamp(), &request.service)
        } else {
            CredentialScope::new(signed_at.date_stamp(), &request.region, &request.service)
        };
        let encoded_token = credentials.session_token().map(encode::query);
        let mut url_query = String::new();
        let mut ranges = Vec::new();
        checked.write_request_query(&mut url_query, |range| ranges.push(range));
        let first = ranges.is_empty();
        AuthQuery {
            encoded_access_key_id: &encode::query(credentials.access_key_id()),
            region: &request.region,
            service: &request.service,
            region_set,
            token_name: token_name(request),
            date: signed_at.as_str(),
            expires_in: checked.expires_in,
            signed_headers: canonical_headers.signed_headers(),
            encoded_session_token: encoded_token.as_deref(),
        }
        .write(&mut url_query, first, |range| ranges.push(range));
        let encoded_query = ranges
            .into_iter()
            .map(|range| {
                let (name, value) = range.in_text(&url_query);
                (name.to_owned(), value.to_owned())
            })
            .collect();
        let key = url_key(request, credentials, signed_at, sigv4a_key)?;
        Ok(Self {
            method: request.method,
            endpoint: checked.endpoint.to_owned(),
            addressing: checked.addressing,
            bucket: request.bucket.clone(),
            origin,
            host,
            path_prefix,
            signed_at,
            expires_in: checked.expires_in,
            scope,
            canonical_headers,
            url_query,
            encoded_query,
            headers: request
                .headers
                .iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
                .collect(),
            key,
            has_session_token: credentials.session_token().is_some(),
        })
    }
}

/// The key for `request`: SigV4A's key pair (the one given, else derived),
/// or SigV4's HMAC key for the day, region and service.
fn url_key(
    request: &PresignRequest,
    credentials: &Credentials,
    signed_at: AmzDate,
    sigv4a_key: Option<&Arc<SigV4aKey>>,
) -> Result<UrlKey, PresignError> {
    Ok(if request.region_set.is_some() {
        UrlKey::V4a(match sigv4a_key {
            Some(key) => Arc::clone(key),
            None => Arc::new(SigV4aKey::derive(
                credentials.access_key_id(),
                credentials.secret_access_key(),
            )?),
        })
    } else {
        UrlKey::V4(SigningKey::derive(
            credentials.secret_access_key(),
            signed_at.date_stamp(),
            &request.region,
            &request.service,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `AuthQuery::write` writes these as they are: encoding must not change
    /// them.
    #[test]
    fn auth_names_and_fixed_values_need_no_encoding() {
        for text in crate::request::AUTH_PARAMETERS.into_iter().chain([
            ALGORITHM,
            SIGV4A_ALGORITHM,
            SERVICE,
            "aws4_request",
            "20130524T000000Z",
            "abcdefghijklmnopqrstuvwxyz-0123456789",
        ]) {
            assert_eq!(encode::query(text), text);
        }
    }
}
