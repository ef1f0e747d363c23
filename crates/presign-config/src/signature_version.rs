//! The signature version of presigned URLs: `s3v4` (SigV4, the default) or
//! `s3` (SigV2, an opt-in for stores that still document it), from the
//! profile's `s3` section (`s3 =\n  signature_version = s3`, the AWS CLI's
//! spelling) unless a flag says otherwise.

use std::fmt;
use std::str::FromStr;

use crate::error::ConfigError;
use crate::shared_files::SharedFiles;
use crate::transport::Sourced;

/// How presigned URLs are signed, in botocore's and the AWS CLI's names.
///
/// # Example
/// ```
/// use presign_config::SignatureVersion;
///
/// assert_eq!("s3".parse::<SignatureVersion>(), Ok(SignatureVersion::S3));
/// assert_eq!(SignatureVersion::default(), SignatureVersion::S3v4);
/// assert!("v2".parse::<SignatureVersion>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureVersion {
    /// SigV2 query-string authentication (`AWSAccessKeyId`, `Signature`,
    /// `Expires`), as botocore's `signature_version='s3'`.
    S3,
    /// SigV4 (`X-Amz-Signature`), the default.
    #[default]
    S3v4,
}

/// The values `s3.signature_version` and `--signature-version` accept.
pub const SIGNATURE_VERSIONS: &str = "s3 (SigV2), s3v4 (SigV4, the default)";

impl SignatureVersion {
    /// `s3` or `s3v4`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S3 => "s3",
            Self::S3v4 => "s3v4",
        }
    }
}

impl fmt::Display for SignatureVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not `s3` or `s3v4`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("signature version must be one of {SIGNATURE_VERSIONS}")]
pub struct InvalidSignatureVersion;

impl FromStr for SignatureVersion {
    type Err = InvalidSignatureVersion;

    /// `s3` or `s3v4`, any case, surrounding blanks ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "s3" => Ok(Self::S3),
            "s3v4" => Ok(Self::S3v4),
            _ => Err(InvalidSignatureVersion),
        }
    }
}

/// The selected profile's `s3.signature_version`, with where it was read.
pub(crate) fn resolve_signature_version(
    files: &SharedFiles,
    profile: &str,
) -> Result<Option<Sourced<SignatureVersion>>, ConfigError> {
    let Some((text, file)) = files.nested_setting(profile, "s3", "signature_version") else {
        return Ok(None);
    };
    let value = text
        .parse()
        .map_err(|_| ConfigError::InvalidSignatureVersion {
            profile: profile.to_owned(),
            file: file.label(),
        })?;
    Ok(Some(Sourced {
        value,
        source: format!("profile '{profile}' in {} (s3 section)", file.label()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Environment, Overrides, resolve};

    fn resolve_with_config(config: &str) -> Result<crate::ResolvedConfig, ConfigError> {
        let home = tempfile::tempdir().unwrap_or_else(|error| unreachable!("{error}"));
        let path = home.path().join("config");
        std::fs::write(&path, config).unwrap_or_else(|error| unreachable!("{error}"));
        let env = Environment::from_vars(
            [
                ("AWS_ACCESS_KEY_ID", "AKID"),
                ("AWS_SECRET_ACCESS_KEY", "secret"),
                ("AWS_PROFILE", "dev"),
                ("AWS_CONFIG_FILE", path.to_str().unwrap_or_default()),
            ],
            Some(home.path().to_owned()),
        );
        resolve(&Overrides::default(), &env)
    }

    #[test]
    fn read_from_the_profile_s_s3_section_with_its_source() {
        for (text, expected) in [
            ("s3", SignatureVersion::S3),
            ("S3V4", SignatureVersion::S3v4),
        ] {
            let Ok(config) = resolve_with_config(&format!(
                "[profile dev]\ns3 =\n  signature_version = {text}\n"
            )) else {
                unreachable!("a valid config")
            };
            let Some(found) = config.signature_version else {
                unreachable!("the setting is present")
            };
            assert_eq!(found.value, expected);
            assert!(
                found.source.starts_with("profile 'dev' in "),
                "{}",
                found.source
            );
            assert!(found.source.ends_with("(s3 section)"), "{}", found.source);
        }
    }

    #[test]
    fn only_the_s3_section_counts() {
        let Ok(config) = resolve_with_config("[profile dev]\nsignature_version = s3\n") else {
            unreachable!("a valid config")
        };
        assert_eq!(config.signature_version, None);
    }

    #[test]
    fn a_bad_value_names_the_setting_and_the_allowed_values() {
        let Err(error) = resolve_with_config("[profile dev]\ns3 =\n  signature_version = v2\n")
        else {
            unreachable!("an invalid value")
        };
        let message = error.to_string();
        assert!(message.starts_with("invalid `s3.signature_version` in profile 'dev' in "));
        assert!(message.ends_with(&format!("expected one of {SIGNATURE_VERSIONS}")));
        assert!(!message.contains("v2"));
    }
}
