//! [`Target`]: where and how requests are signed (endpoint, bucket, region,
//! addressing style and the opt-ins), so every shell builds a
//! [`presign::PresignRequest`] the same way.

use std::time::Duration;

use presign::{Addressing, Method, PostPolicy, PresignRequest};

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
    /// The bucket.
    pub bucket: String,
    /// The signing region (may be empty).
    pub region: String,
    /// Bucket in the host or in the path.
    pub addressing: Addressing,
    /// Expiries beyond 7 days allowed.
    pub allow_long_expiry: bool,
    /// Legacy bucket names (upper case, `_`) allowed.
    pub legacy_bucket_names: bool,
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
        Self {
            endpoint: endpoint.into(),
            bucket: bucket.into(),
            region: region.into(),
            addressing,
            allow_long_expiry: false,
            legacy_bucket_names: false,
        }
    }

    /// The same target for another bucket.
    #[must_use]
    pub fn with_bucket(&self, bucket: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            ..self.clone()
        }
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
        let mut request = self.request_for(method, &self.bucket, key, expires_in);
        for (name, value) in query {
            request = request.query(name, value);
        }
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request
    }

    /// A request for `key` in `bucket`, whatever this target's bucket, with
    /// the target's endpoint, region, addressing and opt-ins, and no query
    /// or headers yet. For a caller that owns the bucket and key already
    /// (the Python package, per URL): [`Target::with_bucket`] would copy the
    /// whole target.
    ///
    /// # Example
    /// ```
    /// use std::time::Duration;
    /// use presign::{Addressing, Method};
    /// use presign_config::Target;
    ///
    /// let target = Target::new("http://127.0.0.1:9000", "", "eu-de", Addressing::Path);
    /// let request = target.request_for(Method::Get, "photos", "cat.png".to_owned(), Duration::from_secs(60));
    /// assert_eq!((request.bucket(), request.key()), ("photos", "cat.png"));
    /// assert!(request.query_pairs().is_empty());
    /// ```
    #[must_use]
    pub fn request_for(
        &self,
        method: Method,
        bucket: impl Into<String>,
        key: impl Into<String>,
        expires_in: Duration,
    ) -> PresignRequest {
        PresignRequest::new(method, &self.endpoint, bucket, key)
            .region(&self.region)
            .expires_in(expires_in)
            .allow_long_expiry(self.allow_long_expiry)
            .legacy_bucket_names(self.legacy_bucket_names)
            .addressing(self.addressing)
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
    /// let policy = target.post_policy("uploads/${filename}", Duration::from_secs(600)).acl("private");
    /// assert_eq!(policy.key_prefix(), Some("uploads/"));
    /// ```
    #[must_use]
    pub fn post_policy(&self, key: &str, expires_in: Duration) -> PostPolicy {
        PostPolicy::new(&self.endpoint, &self.bucket, key)
            .region(&self.region)
            .expires_in(expires_in)
            .allow_long_expiry(self.allow_long_expiry)
            .legacy_bucket_names(self.legacy_bucket_names)
            .addressing(self.addressing)
    }
}
