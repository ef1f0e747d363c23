//! Why a URL could not be signed.
//!
//! Every message says what is wrong and what is allowed, in lower case, and
//! never contains a secret access key, a session token or a signing key.

/// Bad input to [`crate::presign()`]. Each message names the field and the
/// allowed values or range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PresignError {
    /// The HTTP method is not one S3 object presigning uses.
    #[error("method {method:?} is not supported: use GET, PUT, HEAD, DELETE or POST (upper case)")]
    InvalidMethod {
        /// The method as given.
        method: String,
    },
    /// The addressing style is not `auto`, `path` or `virtual`.
    #[error("addressing style {style:?} is not supported: use auto, path or virtual")]
    InvalidAddressing {
        /// The style as given.
        style: String,
    },
    /// `X-Amz-Expires` outside the allowed range.
    #[error(
        "expires-in must be within 1..={max} seconds{}, got {seconds}",
        if *max == crate::MAX_EXPIRES_SECS { " (7 days, the SigV4 maximum)" } else { "" }
    )]
    ExpiresOutOfRange {
        /// The requested expiry in seconds.
        seconds: u64,
        /// The largest expiry allowed for this request.
        max: u64,
    },
    /// `X-Amz-Expires` is a whole number of seconds.
    #[error("expires-in must be a whole number of seconds")]
    ExpiresNotWholeSeconds,
    /// The endpoint URL cannot be used.
    #[error("endpoint URL {endpoint:?} is invalid: {reason}")]
    InvalidEndpoint {
        /// The endpoint as given, with any user information redacted.
        endpoint: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The bucket name breaks the naming rules.
    #[error("bucket name {bucket:?} is invalid: {reason}")]
    InvalidBucket {
        /// The bucket as given.
        bucket: String,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// The object key cannot be stored.
    #[error("object key is invalid: {reason}")]
    InvalidKey {
        /// What is wrong with it.
        reason: String,
    },
    /// The region would corrupt the credential scope.
    #[error(
        "region {region:?} is invalid: allowed are lower-case letters, digits and '-', \
         or the empty string (IBM COS)"
    )]
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// The access key id cannot go into a credential scope.
    #[error("access key id is invalid: it must be non-empty printable ASCII without '/'")]
    InvalidAccessKeyId,
    /// The secret access key is empty or not printable ASCII.
    #[error("secret access key is invalid: it must be non-empty printable ASCII")]
    InvalidSecretAccessKey,
    /// The session token is empty or not printable ASCII.
    #[error(
        "session token is invalid: it must be non-empty printable ASCII \
         (leave it out rather than passing an empty one)"
    )]
    InvalidSessionToken,
    /// A timestamp could not be parsed.
    #[error("timestamp {value:?} is invalid: expected {expected}")]
    InvalidTimestamp {
        /// The text as given.
        value: String,
        /// The form that is accepted.
        expected: &'static str,
    },
    /// The signing time, or the expiry it leads to, cannot be written as an
    /// `X-Amz-Date` (years 1970 to 9999).
    #[error(
        "signing time is out of range: the URL must be signed and expire within \
         1970-01-01T00:00:00Z..=9999-12-31T23:59:59Z"
    )]
    TimeOutOfRange,
    /// An extra query parameter is not allowed.
    #[error("query parameter {name:?} is invalid: {reason}")]
    InvalidQueryParameter {
        /// The parameter name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An extra signed header is not allowed.
    #[error("header {name:?} is invalid: {reason}")]
    InvalidHeader {
        /// The header name as given.
        name: String,
        /// What is wrong with it.
        reason: HeaderProblem,
    },
    /// The signing name of the credential scope is not a service name.
    #[error(
        "service {service:?} is invalid: a signing name is 1..=63 lower-case letters, digits \
         and '-' (s3, s3-object-lambda, s3-outposts, s3express)"
    )]
    InvalidService {
        /// The service as given.
        service: String,
    },
    /// The SigV4A region set cannot go into `X-Amz-Region-Set`.
    #[error(
        "SigV4A region set {region_set:?} is invalid: allowed are regions of lower-case \
         letters, digits, '-' and the wildcard '*', joined with ','"
    )]
    InvalidRegionSet {
        /// The region set as given.
        region_set: String,
    },
    /// Two signing options that cannot apply together.
    #[error("signing options conflict: {reason}")]
    ConflictingSigningOptions {
        /// Which options, and what to do.
        reason: &'static str,
    },
    /// No SigV4A key pair can be derived from these credentials (none of the
    /// 254 candidates of the key derivation is a P-256 scalar).
    #[error(
        "no SigV4A key can be derived from these credentials (every candidate of the key \
         derivation was out of range); use other credentials"
    )]
    SigV4aKeyUnderivable,
    /// A part of the request that a SigV2 presigned URL cannot carry
    /// ([`crate::presign_v2()`]).
    #[error("{part} cannot be presigned with SigV2 (signature version s3): {reason}")]
    UnsupportedBySigV2 {
        /// The part, e.g. `method POST`.
        part: String,
        /// What SigV2 allows instead.
        reason: &'static str,
    },
}

/// What is wrong with a header given to sign ([`PresignError::InvalidHeader`]).
/// A shell matches on it to add advice (`--meta` for non-ASCII metadata, say)
/// instead of reading the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// The name holds a byte that is not an HTTP token character.
    #[error("a header name is letters, digits and !#$%&'*+-.^_`|~ only")]
    NotAToken,
    /// `host` or `authorization`, which signing sets itself.
    #[error(
        "host comes from the endpoint and authorization from the signature; neither may be given"
    )]
    Reserved,
    /// The same name twice, compared without case.
    #[error("it is given twice (names are case-insensitive); give it once")]
    GivenTwice,
    /// The value has a byte outside printable ASCII and tab (non-ASCII
    /// metadata has to be RFC 2047 encoded first).
    #[error(
        "the value must be printable ASCII (no line breaks or control characters; \
         S3 wants RFC 2047 encoding for non-ASCII metadata)"
    )]
    ValueNotPrintableAscii,
    /// `X-Amz-Security-Token` given as a header to a SigV2 URL.
    #[error("the session token comes from the credentials; do not give it as a header")]
    SessionTokenAsHeader,
    /// A header SigV2 does not sign.
    #[error(
        "SigV2 signs only Content-Type, Content-MD5 and x-amz-* headers; \
         sign with SigV4 to bind other headers"
    )]
    NotSignedBySigV2,
}

/// Why a presigned URL is not accepted. Messages name the rule and the
/// parameter, never a secret or a full signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A part of the URL or an auth parameter is not well formed.
    #[error("malformed {part}: {reason}")]
    Malformed {
        /// The part (`url`, `host`, `path`) or parameter name.
        part: String,
        /// What is expected.
        reason: &'static str,
    },
    /// A required auth parameter is absent.
    #[error(
        "the URL has no {param} parameter; a presigned URL needs every auth parameter of its \
         signature (SigV4: X-Amz-*; SigV2: AWSAccessKeyId, Signature and Expires)"
    )]
    MissingParameter {
        /// The parameter name.
        param: String,
    },
    /// An auth parameter appears more than once.
    #[error("the URL has {param} more than once; each auth parameter may appear once")]
    DuplicateParameter {
        /// The parameter name.
        param: String,
    },
    /// `X-Amz-Algorithm` is neither `AWS4-HMAC-SHA256` nor `AWS4-ECDSA-P256-SHA256`.
    #[error(
        "X-Amz-Algorithm {algorithm:?} is not supported: URLs are AWS4-HMAC-SHA256 or \
         AWS4-ECDSA-P256-SHA256 (SigV4A), POST forms AWS4-HMAC-SHA256"
    )]
    UnsupportedAlgorithm {
        /// The algorithm as given.
        algorithm: String,
    },
    /// The credential scope's date is not the date of `X-Amz-Date`.
    #[error("the credential scope's date {scope_date} is not the date of X-Amz-Date {amz_date}")]
    ScopeDateMismatch {
        /// `YYYYMMDD` of the scope.
        scope_date: String,
        /// `X-Amz-Date`.
        amz_date: String,
    },
    /// The credential scope names another service.
    #[error("the credential scope's service is {service:?}, expected {expected}")]
    WrongService {
        /// The service of the scope.
        service: String,
        /// The services the policy accepts, joined with " or ".
        expected: String,
    },
    /// The credential scope's region is not accepted by the policy.
    #[error("the region {region:?} of the credential scope is not accepted")]
    RegionNotAllowed {
        /// The region of the scope.
        region: String,
    },
    /// The URL goes to an AWS host form whose signing service (or, for a
    /// Multi-Region Access Point, whose algorithm, SigV4A) the URL does not
    /// use: S3 refuses it whatever the secret.
    #[error("{mismatch}")]
    WrongForHost {
        /// What the host takes and what the URL has.
        mismatch: crate::presigned_url::HostMismatch,
    },
    /// `host` is not among the signed headers.
    #[error("X-Amz-SignedHeaders must include host")]
    HostNotSigned,
    /// `X-Amz-Expires` is above the policy's maximum.
    #[error("X-Amz-Expires is {seconds} s; at most {max} s is accepted")]
    ExpiresTooLong {
        /// `X-Amz-Expires`.
        seconds: u64,
        /// The policy's maximum.
        max: u64,
    },
    /// A SigV2 URL's `Expires` is further ahead than the policy's maximum
    /// (SigV2 has no signing time to count `X-Amz-Expires` from).
    #[error("the URL expires in {seconds} s (its Expires); at most {max} s ahead is accepted")]
    ExpiresTooFar {
        /// Seconds from now to `Expires`.
        seconds: u64,
        /// The policy's maximum.
        max: u64,
    },
    /// The URL has expired.
    #[error("the URL expired at {at}")]
    Expired {
        /// The instant it expired, RFC 3339.
        at: String,
    },
    /// `X-Amz-Date` is further in the future than the allowed clock skew.
    #[error("the URL is dated {signed_at}, in the future beyond the allowed clock skew")]
    NotYetValid {
        /// `X-Amz-Date`, RFC 3339.
        signed_at: String,
    },
    /// No credentials for the access key id.
    #[error("unknown access key id {access_key_id:?}")]
    UnknownAccessKey {
        /// The access key id of the URL.
        access_key_id: String,
    },
    /// The signature is not the one the secret gives for this request.
    #[error(
        "signature mismatch: the URL was not signed for this request with this access key's secret"
    )]
    SignatureMismatch,
    /// The signature does not match the method sent, but it does match
    /// another one: the URL was signed for that method.
    #[error(
        "signature mismatch for {sent}: the URL was signed for {signed_for}; send it with {signed_for}"
    )]
    MethodMismatch {
        /// The method the request was checked with.
        sent: &'static str,
        /// The method whose request the signature matches.
        signed_for: &'static str,
    },
    /// A header listed in `X-Amz-SignedHeaders` was not given.
    #[error("the URL signs the header {name}, but no value for it was given")]
    MissingHeader {
        /// The header name (lower case).
        name: String,
    },
    /// A POST form lacks a field every signed upload has.
    #[error(
        "the form has no {name} field; a signed POST upload needs key, policy, x-amz-algorithm, \
         x-amz-credential, x-amz-date and x-amz-signature"
    )]
    MissingField {
        /// The field name.
        name: String,
    },
    /// A POST form has a field twice (names compare without case).
    #[error("the form has the field {name} more than once; each field may appear once")]
    DuplicateField {
        /// The field name, as the second one is spelled.
        name: String,
    },
    /// A POST policy is valid for longer than the verifier accepts.
    #[error(
        "the policy is valid for {seconds} s after its x-amz-date; at most {max} s is accepted"
    )]
    PolicyTooLong {
        /// From `x-amz-date` to the policy's expiration.
        seconds: u64,
        /// The verifier's maximum.
        max: u64,
    },
    /// A POST policy has expired.
    #[error("the policy expired at {at}")]
    PolicyExpired {
        /// The policy's expiration, as written in it.
        at: String,
    },
    /// A POST form's `x-amz-date` is further in the future than the allowed
    /// clock skew.
    #[error(
        "the form is dated {signed_at} (x-amz-date), in the future beyond the allowed clock skew"
    )]
    PolicyNotYetValid {
        /// `x-amz-date`, RFC 3339.
        signed_at: String,
    },
    /// A POST upload does not meet a condition of its policy.
    #[error("the upload does not meet the policy condition {condition}: {reason}")]
    ConditionFailed {
        /// The condition as JSON (a session token in it is redacted).
        condition: String,
        /// How the upload differs.
        reason: String,
    },
    /// A POST form has a field no condition of its policy names.
    #[error(
        "the form field {name} is not named by any condition of the policy; S3 refuses fields \
         the policy does not cover (it ignores only policy, x-amz-signature, file and \
         x-ignore-* fields)"
    )]
    FieldNotInPolicy {
        /// The field name.
        name: String,
    },
}

impl VerifyError {
    /// Whether the input is not a presigned URL at all, rather than one that
    /// is rejected: the URL does not parse, or an auth parameter is missing,
    /// repeated or malformed. An unsupported algorithm, a wrong scope, an
    /// expiry or a signature that does not match are rejections. (The
    /// `presign verify` command exits 2 for the first, 1 for the second;
    /// Python raises `PresignError` and `VerifyError`.)
    ///
    /// # Example
    /// ```
    /// use presign::VerifyError;
    ///
    /// assert!(VerifyError::MissingParameter { param: "X-Amz-Date".to_owned() }.is_malformed());
    /// assert!(!VerifyError::SignatureMismatch.is_malformed());
    /// ```
    #[must_use]
    pub fn is_malformed(&self) -> bool {
        matches!(
            self,
            Self::Malformed { .. }
                | Self::MissingParameter { .. }
                | Self::DuplicateParameter { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::VerifyError;

    #[test]
    fn parse_failures_are_malformed_and_everything_else_a_rejection() {
        assert!(
            VerifyError::Malformed {
                part: "url".to_owned(),
                reason: "it has no scheme",
            }
            .is_malformed()
        );
        assert!(
            VerifyError::MissingParameter {
                param: "X-Amz-Date".to_owned(),
            }
            .is_malformed()
        );
        assert!(
            VerifyError::DuplicateParameter {
                param: "X-Amz-Date".to_owned(),
            }
            .is_malformed()
        );
        for rejected in [
            VerifyError::SignatureMismatch,
            VerifyError::Expired {
                at: "2013-05-25T00:00:00Z".to_owned(),
            },
            VerifyError::UnknownAccessKey {
                access_key_id: "AKID".to_owned(),
            },
            VerifyError::UnsupportedAlgorithm {
                algorithm: "AWS4-ECDSA-P256-SHA256".to_owned(),
            },
            VerifyError::HostNotSigned,
            VerifyError::WrongForHost {
                mismatch: crate::HostMismatch::NeedsSigV4a {
                    host: "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com".to_owned(),
                },
            },
        ] {
            assert!(!rejected.is_malformed(), "{rejected:?}");
        }
    }
}
