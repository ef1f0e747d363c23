//! [`Target`]: where and how requests are signed (endpoint, bucket, region,
//! addressing style and the opt-ins), so every shell builds a
//! [`presign::PresignRequest`] the same way.

use std::sync::Arc;
use std::time::Duration;

use presign::{Addressing, Method, PostPolicy, PresignRequest};

use crate::error::ConfigError;
use crate::hosts::{HostRules, HostSigning};

/// Everything a request needs but method, key, expiry, query and headers.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use presign::{Addressing, Method};
/// use presign_config::Target;
///
/// let target = Target::new("http://127.0.0.1:9000", "bucket", "us-east-1", Addressing::Auto);
/// let request = target.request(Method::Get, "a.txt", Duration::from_secs(600), &[], &[]);
/// assert_eq!(request.bucket(), "bucket");
/// assert_eq!(request.key(), "a.txt");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The endpoint URL, without the bucket.
    pub endpoint: String,
    /// The bucket as named (an access point ARN included).
    pub bucket: String,
    /// The signing region (may be empty; an access point ARN's region).
    pub region: String,
    /// Bucket in the host or in the path.
    pub addressing: Addressing,
    /// Expiries beyond 7 days allowed.
    pub allow_long_expiry: bool,
    /// Legacy bucket names (upper case, `_`) allowed.
    pub legacy_bucket_names: bool,
    /// The host's signing needs: the bucket part of the URL, the service,
    /// SigV4A, an S3 Express session.
    pub host: HostSigning,
    /// The configuration's endpoint settings, to resolve other buckets;
    /// `None` for a target made with [`Target::new`].
    rules: Option<Arc<HostRules>>,
}

impl Target {
    /// A target with the opt-ins off.
    #[must_use]
    pub fn new(
        endpoint: impl Into<String>,
        bucket: impl Into<String>,
        region: impl Into<String>,
        addressing: Addressing,
    ) -> Self {
        let bucket = bucket.into();
        Self {
            endpoint: endpoint.into(),
            host: HostSigning::plain(&bucket),
            bucket,
            region: region.into(),
            addressing,
            allow_long_expiry: false,
            legacy_bucket_names: false,
            rules: None,
        }
    }

    /// The target of `bucket` under `rules`.
    pub(crate) fn resolved(rules: Arc<HostRules>, bucket: &str) -> Result<Self, ConfigError> {
        let host = rules.resolve(bucket)?;
        Ok(Self {
            endpoint: host.endpoint,
            bucket: bucket.to_owned(),
            region: host.region,
            addressing: host.addressing,
            allow_long_expiry: false,
            legacy_bucket_names: false,
            host: host.signing,
            rules: Some(rules),
        })
    }

    /// The same target for another bucket, its host resolved by the same
    /// endpoint settings (an access point ARN gets its own host, region and
    /// service).
    ///
    /// # Errors
    /// [`ConfigError::Endpoint`] when the endpoint rules refuse `bucket`
    /// (a malformed ARN, acceleration with a dotted name, ...).
    pub fn with_bucket(&self, bucket: impl Into<String>) -> Result<Self, ConfigError> {
        let bucket = bucket.into();
        let Some(rules) = &self.rules else {
            return Ok(Self {
                host: HostSigning::plain(&bucket),
                bucket,
                ..self.clone()
            });
        };
        let mut target = Self::resolved(Arc::clone(rules), &bucket)?;
        target.allow_long_expiry = self.allow_long_expiry;
        target.legacy_bucket_names = self.legacy_bucket_names;
        Ok(target)
    }

    /// A request for `key` on this target; query parameters and headers in
    /// the order given.
    #[must_use]
    pub fn request(
        &self,
        method: Method,
        key: &str,
        expires_in: Duration,
        query: &[(String, String)],
        headers: &[(String, String)],
    ) -> PresignRequest {
        let mut request = self.request_for(method, key, expires_in);
        for (name, value) in query {
            request = request.query(name, value);
        }
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request
    }

    /// A request for `key` on this target, with its endpoint, region,
    /// addressing, signing form and opt-ins, and no query or headers yet.
    /// For a caller that owns the key already (the Python package, per
    /// URL).
    ///
    /// # Example
    /// ```
    /// use std::time::Duration;
    /// use presign::{Addressing, Method};
    /// use presign_config::Target;
    ///
    /// let target = Target::new("http://127.0.0.1:9000", "photos", "eu-de", Addressing::Path);
    /// let request = target.request_for(Method::Get, "cat.png".to_owned(), Duration::from_secs(60));
    /// assert_eq!((request.bucket(), request.key()), ("photos", "cat.png"));
    /// assert!(request.query_pairs().is_empty());
    /// ```
    #[must_use]
    pub fn request_for(
        &self,
        method: Method,
        key: impl Into<String>,
        expires_in: Duration,
    ) -> PresignRequest {
        let mut request = PresignRequest::new(method, &self.endpoint, &self.host.url_bucket, key)
            .region(&self.region)
            .expires_in(expires_in)
            .allow_long_expiry(self.allow_long_expiry)
            .legacy_bucket_names(self.legacy_bucket_names)
            .addressing(self.addressing);
        if self.host.service != presign::SERVICE {
            request = request.service(&self.host.service);
        }
        if let Some(region_set) = &self.host.sigv4a_region_set {
            request = request.sigv4a(region_set);
        }
        if self.host.express_session.is_some() {
            request = request.express_session(true);
        }
        request
    }

    /// Whether this target's host takes SigV2 URLs, by its form
    /// ([`presign::HostForm::takes_sigv2`]).
    ///
    /// # Errors
    /// [`ConfigError::NoSigV2`] naming the bucket and the form.
    pub fn check_sigv2(&self) -> Result<(), ConfigError> {
        match self.host.form {
            Some(form) if !form.takes_sigv2() => Err(ConfigError::NoSigV2 {
                bucket: self.bucket.clone(),
                form: format!("{form:?}"),
            }),
            // A host outside the rules (a target made by hand): what the
            // request shows (signing name, session) `presign_v2` checks.
            _ => Ok(()),
        }
    }

    /// A POST policy for uploads under `key` on this target (a key ending in
    /// `${filename}` is a prefix the uploader completes), valid for
    /// `expires_in`; fields and conditions are added to it.
    ///
    /// # Example
    /// ```
    /// use std::time::Duration;
    /// use presign::Addressing;
    /// use presign_config::Target;
    ///
    /// let target = Target::new("http://127.0.0.1:9000", "bucket", "", Addressing::Auto);
    /// let policy = target.post_policy("uploads/${filename}", Duration::from_secs(600))?.acl("private");
    /// assert_eq!(policy.key_prefix(), Some("uploads/"));
    /// # Ok::<(), presign_config::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// [`ConfigError::NoPostPolicy`] for an access point ARN (botocore
    /// refuses them too: S3 serves POST uploads on bucket hosts only) and an
    /// S3 Express directory bucket (which takes no POST uploads).
    pub fn post_policy(&self, key: &str, expires_in: Duration) -> Result<PostPolicy, ConfigError> {
        let refuse = |reason: &'static str| ConfigError::NoPostPolicy {
            bucket: self.bucket.clone(),
            reason,
        };
        if self.bucket.starts_with("arn:") {
            return Err(refuse(
                "S3 takes POST uploads on bucket hosts only, not through access points (botocore \
                 refuses them too); name the bucket itself",
            ));
        }
        if self.host.service != presign::SERVICE || self.host.express_session.is_some() {
            return Err(refuse(
                "S3 Express directory buckets take no POST uploads; presign a PUT instead",
            ));
        }
        Ok(PostPolicy::new(&self.endpoint, &self.host.url_bucket, key)
            .region(&self.region)
            .expires_in(expires_in)
            .allow_long_expiry(self.allow_long_expiry)
            .legacy_bucket_names(self.legacy_bucket_names)
            .addressing(self.addressing))
    }
}
