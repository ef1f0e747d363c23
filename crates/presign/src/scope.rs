//! The region and the credential scope `YYYYMMDD/region/service/aws4_request`.
//!
//! A region is any string of lower-case letters, digits and `-`, **including
//! the empty string**: IBM Cloud Object Storage treats the region of the scope as
//! a wildcard, and some S3-compatible servers ignore it. What is refused is what
//! would corrupt the scope (`/`), or what no server names a region (spaces,
//! upper case, non-ASCII).

use std::fmt;

use crate::error::PresignError;

/// Checks a signing region: empty, or lower-case letters, digits and `-`.
///
/// The one statement of the rule: [`crate::presign()`] applies it, and shells
/// call it to report a bad region (and where it came from) before they build
/// an endpoint from it.
///
/// # Errors
/// [`PresignError::InvalidRegion`], whose message says what a region may
/// contain.
///
/// # Example
/// ```
/// use presign::validate_region;
///
/// assert!(validate_region("eu-de").is_ok());
/// assert!(validate_region("").is_ok());
/// let error = validate_region("us east").unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "region \"us east\" is invalid: allowed are lower-case letters, digits and '-', \
///      or the empty string (IBM COS)"
/// );
/// ```
pub fn validate_region(region: &str) -> Result<(), PresignError> {
    if region
        .bytes()
        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
    {
        Ok(())
    } else {
        Err(PresignError::InvalidRegion {
            region: region.to_owned(),
        })
    }
}

/// The parts of a credential scope, in order; joined with `/` they are the
/// scope. The one-URL signer writes them without building the scope.
pub(crate) fn scope_parts<'a>(
    date_stamp: &'a str,
    region: &'a str,
    service: &'a str,
) -> [&'a str; 4] {
    [date_stamp, region, service, "aws4_request"]
}

/// `YYYYMMDD/region/service/aws4_request`: what a signature is valid for.
///
/// # Example
/// ```
/// use presign::CredentialScope;
///
/// let scope = CredentialScope::new("20130524", "us-east-1", "s3");
/// assert_eq!(scope.to_string(), "20130524/us-east-1/s3/aws4_request");
/// assert_eq!(CredentialScope::new("20130524", "", "s3").to_string(), "20130524//s3/aws4_request");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CredentialScope {
    text: String,
    date_len: usize,
    /// `None` in a SigV4A scope, which has no region.
    region_len: Option<usize>,
}

impl CredentialScope {
    /// The scope for a date stamp (`YYYYMMDD`), a region and a service.
    #[must_use]
    pub fn new(date_stamp: &str, region: &str, service: &str) -> Self {
        let mut text = String::new();
        for (index, part) in scope_parts(date_stamp, region, service)
            .into_iter()
            .enumerate()
        {
            if index > 0 {
                text.push('/');
            }
            text.push_str(part);
        }
        Self {
            text,
            date_len: date_stamp.len(),
            region_len: Some(region.len()),
        }
    }

    /// A SigV4A scope, `YYYYMMDD/service/aws4_request`: no region (the
    /// regions are in `X-Amz-Region-Set`).
    ///
    /// # Example
    /// ```
    /// use presign::CredentialScope;
    ///
    /// let scope = CredentialScope::without_region("20150830", "service");
    /// assert_eq!(scope.as_str(), "20150830/service/aws4_request");
    /// assert_eq!((scope.region(), scope.service(), scope.is_regional()), ("", "service", false));
    /// ```
    #[must_use]
    pub fn without_region(date_stamp: &str, service: &str) -> Self {
        Self {
            text: format!("{date_stamp}/{service}/aws4_request"),
            date_len: date_stamp.len(),
            region_len: None,
        }
    }

    /// Whether the scope names a region: a SigV4 scope does (perhaps the
    /// empty one), a SigV4A scope does not.
    #[must_use]
    pub fn is_regional(&self) -> bool {
        self.region_len.is_some()
    }

    /// The date stamp, `YYYYMMDD`.
    #[must_use]
    pub fn date_stamp(&self) -> &str {
        &self.text[..self.date_len]
    }

    /// The region (may be empty; empty in a SigV4A scope, which has none).
    #[must_use]
    pub fn region(&self) -> &str {
        self.region_len.map_or("", |len| {
            &self.text[self.date_len + 1..self.date_len + 1 + len]
        })
    }

    /// The service, `s3` for presigned S3 URLs.
    #[must_use]
    pub fn service(&self) -> &str {
        let start = self.date_len + 1 + self.region_len.map_or(0, |len| len + 1);
        &self.text[start..self.text.len() - "/aws4_request".len()]
    }

    /// The scope as written in `X-Amz-Credential` (after `access-key-id/`) and
    /// in the string to sign.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for CredentialScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_parts_read_back() {
        let scope = CredentialScope::new("20130524", "eu-de", "s3");
        assert_eq!(scope.date_stamp(), "20130524");
        assert_eq!(scope.region(), "eu-de");
        assert_eq!(scope.service(), "s3");
        let empty = CredentialScope::new("20130524", "", "s3");
        assert_eq!(empty.region(), "");
        assert_eq!(empty.service(), "s3");
    }

    #[test]
    fn empty_and_ordinary_regions_are_valid() {
        for region in [
            "",
            "us-east-1",
            "eu-de",
            "auto",
            "us-standard",
            "cn-north-1",
        ] {
            assert!(validate_region(region).is_ok(), "{region:?}");
        }
    }

    #[test]
    fn regions_that_would_corrupt_the_scope_are_refused() {
        for region in [
            "us-east-1/evil",
            "us east 1",
            "r\u{e9}gion",
            "US-EAST-1",
            "a\n",
        ] {
            assert!(validate_region(region).is_err(), "{region:?}");
        }
    }
}
