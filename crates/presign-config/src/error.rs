//! Why configuration could not be resolved.

use std::io;
use std::path::PathBuf;

use crate::environment::{ENV_ACCESS_KEY_ID, ENV_SECRET_ACCESS_KEY};

/// Why configuration could not be resolved. No message contains a secret, a
/// value or a line read from a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
// The fields are what each message names; the variant docs say when it happens.
#[allow(missing_docs)]
pub enum ConfigError {
    /// The IBM COS credentials file could not be read.
    #[error("cannot read IBM COS credentials file {path}: {cause}")]
    IbmRead { path: PathBuf, cause: io::Error },

    /// The IBM COS credentials file is not JSON.
    #[error(
        "IBM COS credentials file {path} is not valid JSON (syntax error at line {line}, column {column})"
    )]
    IbmNotJson {
        path: PathBuf,
        line: usize,
        column: usize,
    },

    /// The IBM COS credentials file is JSON but not an object.
    #[error("IBM COS credentials file {path} is not a service credential: expected a JSON object")]
    IbmNotObject { path: PathBuf },

    /// The IBM COS service credential has no HMAC keys.
    #[error(
        "IBM COS credentials file {path} has no `cos_hmac_keys` object: the service credential was created without HMAC keys; create one with the parameter {{\"HMAC\":true}}"
    )]
    IbmNoHmacKeys { path: PathBuf },

    /// A field of `cos_hmac_keys` is missing or empty.
    #[error("IBM COS credentials file {path}: `{field}` is missing, empty or not a string")]
    IbmMissingField { path: PathBuf, field: &'static str },

    /// A shared credentials or config file exists but cannot be read.
    #[error("cannot read {path}: {cause}")]
    ReadFile { path: PathBuf, cause: io::Error },

    /// A shared file has a line that is not INI.
    #[error("{path}, line {line}: {problem}")]
    Malformed {
        path: PathBuf,
        line: usize,
        problem: &'static str,
    },

    /// The named profile is in neither shared file.
    #[error("profile '{profile}' (from {origin}) was not found; looked in {files}")]
    ProfileNotFound {
        profile: String,
        origin: &'static str,
        files: String,
    },

    /// The profile has one of the two keys.
    #[error("profile '{profile}' in {file} sets `{present}` but not `{missing}`")]
    ProfilePartialKeys {
        profile: String,
        file: String,
        present: &'static str,
        missing: &'static str,
    },

    /// A profile's credential settings do not make a source (botocore
    /// refuses the same).
    #[error("profile '{profile}' {problem}")]
    InvalidProfile { profile: String, problem: String },

    /// `source_profile`s that lead back to a profile already on the way.
    #[error(
        "the source_profile settings make a loop: {profiles}; end the chain at a profile with keys or credential_source"
    )]
    SourceProfileLoop { profiles: String },

    /// A presign environment variable has a value out of range.
    #[error("{name}: {problem}")]
    InvalidVariable { name: &'static str, problem: String },

    /// A setting (an environment variable or a profile key) has a value
    /// that cannot be used.
    #[error("{origin}: {problem}")]
    InvalidSetting { origin: String, problem: String },

    /// One of `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` is set without the other.
    #[error("{present} is set but {missing} is not; set both or neither")]
    PartialEnvironment {
        present: &'static str,
        missing: &'static str,
    },

    /// Keys given as they are, incomplete (see `ResolvedCredentials::given`).
    #[error(
        "{present} is given without {missing}: give the access key id and the secret access key \
         together, and a session token only with them"
    )]
    PartialKeys {
        present: &'static str,
        missing: &'static str,
    },

    /// A profile's `addressing_style` is not auto, path or virtual.
    #[error(
        "invalid `addressing_style` in the `s3` section of profile '{profile}' in {file}: expected one of auto, path, virtual"
    )]
    InvalidAddressing { profile: String, file: String },

    /// The S3 endpoint rules refuse the bucket with these settings.
    #[error("bucket {bucket}: {problem}{in_force}")]
    Endpoint {
        /// The bucket as named (an ARN included).
        bucket: String,
        /// What the rules refuse, naming the setting or ARN part.
        problem: presign::EndpointError,
        /// ` (settings in force: ...)`: the switches that are on and where
        /// each comes from; empty when none is.
        in_force: String,
    },

    /// SigV2 asked for a host that takes SigV4 only.
    #[error(
        "bucket {bucket} is served by an S3 {form} host, which takes SigV4 signatures only: \
         sign with signature version s3v4 (drop --signature-version s3 or the profile's \
         s3.signature_version = s3)"
    )]
    NoSigV2 {
        /// The bucket as named.
        bucket: String,
        /// The host form.
        form: String,
    },

    /// A POST policy for a bucket that takes no POST uploads.
    #[error("no POST policy for {bucket}: {reason}")]
    NoPostPolicy {
        /// The bucket as named.
        bucket: String,
        /// Why, and what to do instead.
        reason: &'static str,
    },
    /// A profile's `s3.signature_version` is not s3 or s3v4.
    #[error(
        "invalid `s3.signature_version` in profile '{profile}' in {file}: expected one of {}",
        crate::signature_version::SIGNATURE_VERSIONS
    )]
    InvalidSignatureVersion { profile: String, file: String },

    /// No credentials anywhere.
    #[error(
        "no credentials found; looked at: {searched}. Pass --ibm-credentials FILE or --profile NAME, or set {ENV_ACCESS_KEY_ID} and {ENV_SECRET_ACCESS_KEY}"
    )]
    NoCredentials { searched: String },

    /// The region breaks the signing core's rule ([`presign::validate_region`]):
    /// reported with where the region came from, before an endpoint is
    /// built from it.
    #[error("{problem}; it comes from {origin}")]
    InvalidRegion {
        /// The core's message: the region and what a region may contain.
        problem: presign::PresignError,
        /// `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile
        /// and file.
        origin: String,
    },

    /// No endpoint is configured and the region is empty.
    #[error(
        "the region is empty and no endpoint is set: AWS needs a region; an empty region is for \
         S3-compatible stores such as IBM COS, so pass --endpoint-url too \
         (e.g. https://s3.us-south.cloud-object-storage.appdomain.cloud)"
    )]
    NoEndpointForEmptyRegion,
}
