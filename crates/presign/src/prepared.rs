//! What a request and its credentials fix before any key is known: the URL
//! authority, the signed host, the path prefix, the encoded query, the
//! canonical headers, the scope and the signing key.
//!
//! [`crate::presign()`] adds one key to it; [`crate::BatchSigner`] reuses it for
//! every key of a batch. One place computes these parts, so a batch URL and a
//! single URL cannot differ.

use std::time::SystemTime;

use crate::amz_date::AmzDate;
use crate::canonical::CanonicalHeaders;
use crate::credentials::Credentials;
use crate::encode;
use crate::endpoint::Endpoint;
use crate::error::PresignError;
use crate::request::{Addressing, Method, PresignRequest};
use crate::scope::{CredentialScope, validate_region};
use crate::signing_key::SigningKey;
use crate::string_to_sign::ALGORITHM;

/// The service name in an S3 credential scope.
pub const SERVICE: &str = "s3";

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
    /// Encoded query pairs in URL order (the signature excluded).
    pub(crate) encoded_query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) signing_key: SigningKey,
    pub(crate) has_session_token: bool,
}

impl Prepared {
    /// Validates everything but the key and computes the constant parts.
    pub(crate) fn new(
        request: &PresignRequest,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<Self, PresignError> {
        let endpoint = Endpoint::parse(&request.endpoint)?;
        request.validate_parts_but_key()?;
        validate_region(&request.region)?;
        credentials.validate()?;
        let expires_in = request.expires_secs()?;
        let signed_at = AmzDate::from_system_time(now)?;
        // The expiry must be a representable instant too (a verifier parses it).
        AmzDate::from_unix_seconds(signed_at.unix_seconds() + expires_in)?;

        let addressing = request.effective_addressing(&endpoint);
        let mut path_prefix = endpoint.base_path().to_owned();
        path_prefix.push('/');
        let (authority, host) = if addressing == Addressing::VirtualHost {
            (
                format!("{}.{}", request.bucket, endpoint.authority()),
                format!("{}.{}", request.bucket, endpoint.host_header()),
            )
        } else {
            encode::path_into(&mut path_prefix, &request.bucket);
            // A bucket operation's path is the bucket itself (`/bucket`, as
            // botocore writes ListObjectsV2); an object's key follows a `/`.
            if !request.bucket_operation {
                path_prefix.push('/');
            }
            (endpoint.authority(), endpoint.host_header())
        };
        let origin = format!("{}://{authority}", endpoint.scheme());

        let header_pairs = std::iter::once(("host", host.as_str())).chain(
            request
                .headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str())),
        );
        let canonical_headers = CanonicalHeaders::new(header_pairs);
        let scope = CredentialScope::new(signed_at.date_stamp(), &request.region, SERVICE);
        let encoded_query = encoded_query(
            request,
            credentials,
            &scope,
            signed_at,
            expires_in,
            &canonical_headers,
        );
        let signing_key = SigningKey::derive(
            credentials.secret_access_key(),
            signed_at.date_stamp(),
            &request.region,
            SERVICE,
        );
        Ok(Self {
            method: request.method,
            endpoint,
            addressing,
            bucket: request.bucket.clone(),
            origin,
            host,
            path_prefix,
            signed_at,
            expires_in,
            scope,
            canonical_headers,
            encoded_query,
            headers: request
                .headers
                .iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
                .collect(),
            signing_key,
            has_session_token: credentials.session_token().is_some(),
        })
    }

    /// The query string in URL order, without `?` and without the signature.
    pub(crate) fn url_query(&self) -> String {
        join_pairs(self.encoded_query.iter())
    }
}

fn join_pairs<'a>(pairs: impl Iterator<Item = &'a (String, String)>) -> String {
    let mut out = String::new();
    for (index, (name, value)) in pairs.enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// The query pairs, encoded, in URL order: the request's own parameters as
/// given, then the auth parameters (the signature comes last, separately).
fn encoded_query(
    request: &PresignRequest,
    credentials: &Credentials,
    scope: &CredentialScope,
    signed_at: AmzDate,
    expires_in: u64,
    headers: &CanonicalHeaders,
) -> Vec<(String, String)> {
    let credential = format!("{}/{}", credentials.access_key_id(), scope);
    let expires = expires_in.to_string();
    let auth = [
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", credential.as_str()),
        ("X-Amz-Date", signed_at.as_str()),
        ("X-Amz-Expires", expires.as_str()),
        ("X-Amz-SignedHeaders", headers.signed_headers()),
    ];
    let token = credentials
        .session_token()
        .map(|token| ("X-Amz-Security-Token", token));
    request
        .query
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .chain(auth)
        .chain(token)
        .map(|(name, value)| (encode::query(name), encode::query(value)))
        .collect()
}
