//! [`Signer`]: one URL at a time, any request, no intermediate kept.
//!
//! [`crate::presign()`] keeps every intermediate value to explain it, and
//! derives the signing key each time (four HMACs). A service or a Python
//! program signs one URL per call, with other keys, methods and parameters,
//! always with the same credentials. So a `Signer` holds the credentials and
//! keeps, bounded and wiped or dropped with it:
//!
//! - the signing key's HMAC pad states, per day and region;
//! - per request *shape* (a request but its key: method, endpoint, bucket,
//!   region, expiry, addressing, query, headers), what checking it gave: the
//!   URL's origin and path prefix, the encoded query parameters, the
//!   canonical header block and the signed header names. Checking a request
//!   (its endpoint parsed, its bucket, query and headers validated) costs
//!   as much as hashing its canonical request, and an application signs the
//!   same shape for many keys.
//!
//! - per shape, for the last second it was signed in, a [`BatchSigner`]:
//!   within one second everything of a URL but its key is the same (the
//!   auth parameters, the sorted canonical query, the head of the string to
//!   sign), so it is written and hashed once, and each URL of that shape and
//!   second costs what a batch's does.
//!
//! Per URL what remains is what depends on the key: check it, write the URL
//! into the caller's buffer, hash the key's path and the kept tail of the
//! canonical request, and MAC the hash from the kept state. Nothing is
//! allocated then; the first URL of a shape in a second makes its batch
//! signer (one string), a new shape is checked and kept.
//!
//! Every part is written by the same functions [`crate::presign()`] uses
//! (`prepared.rs`, `canonical.rs`, `string_to_sign.rs`), so the URL is
//! byte-identical to `presign(..).url()`; a property test holds it to that.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use smallvec::SmallVec;
use zeroize::Zeroizing;

use crate::amz_date::AmzDate;
use crate::batch::{BatchKey, BatchSigner, Parts};
use crate::canonical::{
    header_order, sort_query, write_after_path, write_header_block, write_signed_headers,
};
use crate::credentials::Credentials;
use crate::encode;
use crate::error::PresignError;
use crate::prepared::{AuthQuery, Checked, PairRange, SIGNATURE_NAME, check_expiry, token_name};
use crate::presign::UNSIGNED_PAYLOAD;
use crate::request::PresignRequest;
use crate::sha256::PreparedHmac;
use crate::signing_key::SigningKey;
use crate::sigv4a::SigV4aKey;
use crate::sink::{Sink, StackText};

/// How many (day, region) signing keys a signer keeps; the oldest goes first.
const CACHED_KEYS: usize = 8;
/// How many request shapes a signer keeps; the oldest goes first.
const CACHED_SHAPES: usize = 16;

/// Signs one URL at a time with one set of credentials: any method, bucket,
/// key, query and headers, each call at its own instant. The URL is
/// byte-identical to [`crate::presign()`]'s for the same request,
/// credentials and instant, and so is the error for a refused request.
///
/// A `Signer` is `Send` and `Sync`: share one (in an `Arc`) between threads.
/// It keeps the derived signing key of each day and region it signed for
/// (the last eight; wiped on drop, never shown) and, for the last sixteen
/// request shapes, what it checked and what it wrote for the last second it
/// signed that shape in (see the module documentation).
///
/// # Example
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use presign::{presign, Credentials, Method, PresignRequest, Signer};
///
/// let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let signer = Signer::new(credentials.clone())?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
///
/// let mut url = String::new();
/// let request = PresignRequest::new(Method::Put, "http://127.0.0.1:9000", "uploads", "in/a.png")
///     .header("Content-Type", "image/png");
/// signer.sign_into(&request, now, &mut url)?;
/// assert_eq!(url, presign(&request, &credentials, now)?.url());
///
/// let download = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "uploads", "in/a.png")
///     .query("response-content-disposition", "attachment");
/// assert_eq!(signer.sign(&download, now)?, presign(&download, &credentials, now)?.url());
/// # Ok::<(), presign::PresignError>(())
/// ```
pub struct Signer {
    credentials: Credentials,
    encoded_access_key_id: String,
    encoded_session_token: Option<Zeroizing<String>>,
    /// The SigV4A key pair, derived on the first SigV4A request.
    sigv4a_key: OnceLock<Result<Arc<SigV4aKey>, PresignError>>,
    cache: Mutex<Cache>,
}

#[derive(Clone, Default)]
struct Cache {
    keys: Vec<CachedKey>,
    shapes: Vec<CachedShape>,
    /// The second last signed at (since the epoch), and its `X-Amz-Date`.
    last_instant: Option<(u64, AmzDate)>,
}

/// A request shape, and the batch signer of the last second it was signed
/// in: within a second, everything of a URL but its key is the same.
#[derive(Clone)]
struct CachedShape {
    shape: Arc<Shape>,
    stamped: Option<(u64, Arc<BatchSigner>)>,
}

/// What the cache holds for one call: the batch signer of its shape and
/// second, else what is known towards making one.
enum Found {
    Stamped(Arc<BatchSigner>),
    Partly {
        shape: Option<Arc<Shape>>,
        key: Option<Arc<PreparedHmac>>,
        instant: Result<AmzDate, PresignError>,
        second: Option<u64>,
    },
}

/// The signing key of one day and region, as HMAC pad states.
#[derive(Clone)]
struct CachedKey {
    date_stamp: [u8; 8],
    region: String,
    service: String,
    hmac: Arc<PreparedHmac>,
}

/// What checking a request gave, for any key and instant.
#[derive(Debug)]
struct Shape {
    /// The request it was made from; its key is not used.
    request: PresignRequest,
    expires_in: u64,
    /// `scheme://authority` and the path prefix.
    url_head: String,
    /// Where the path starts in `url_head`.
    path_start: usize,
    /// The request's own query parameters, encoded, in URL order.
    query: String,
    query_pairs: SmallVec<[PairRange; 4]>,
    header_block: String,
    signed_headers: String,
}

impl Shape {
    fn new(checked: &Checked<'_>) -> Self {
        let mut url_head = String::new();
        checked.write_origin(&mut url_head);
        let path_start = url_head.len();
        checked.write_path_prefix(&mut url_head);
        let mut host = StackText::<128>::new();
        checked.write_host(&mut host);
        let headers = checked.headers(host.as_str());
        let order = header_order(&headers);
        let mut header_block = String::new();
        write_header_block(&mut header_block, &headers, &order);
        let mut signed_headers = String::new();
        write_signed_headers(&mut signed_headers, &headers, &order);
        let mut query = String::new();
        let mut query_pairs = SmallVec::new();
        checked.write_request_query(&mut query, |range| query_pairs.push(range));
        Self {
            request: checked.request.clone().with_key(""),
            expires_in: checked.expires_in,
            url_head,
            path_start,
            query,
            query_pairs,
            header_block,
            signed_headers,
        }
    }
}

impl Signer {
    /// A signer for `credentials`.
    ///
    /// # Errors
    /// [`PresignError::InvalidAccessKeyId`], [`PresignError::InvalidSecretAccessKey`]
    /// or [`PresignError::InvalidSessionToken`] when a part cannot be used in
    /// SigV4.
    pub fn new(credentials: Credentials) -> Result<Self, PresignError> {
        credentials.validate()?;
        Ok(Self {
            encoded_access_key_id: encode::query(credentials.access_key_id()),
            encoded_session_token: credentials
                .session_token()
                .map(|token| Zeroizing::new(encode::query(token))),
            credentials,
            sigv4a_key: OnceLock::new(),
            cache: Mutex::new(Cache::default()),
        })
    }

    /// The credentials this signer signs with.
    #[must_use]
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Appends the presigned URL for `request` as of `now` to `out`. Nothing
    /// is appended when the request is refused.
    ///
    /// # Errors
    /// The [`PresignError`]s of [`crate::presign()`] for the request and the
    /// instant.
    pub fn sign_into(
        &self,
        request: &PresignRequest,
        now: SystemTime,
        out: &mut String,
    ) -> Result<(), PresignError> {
        let batch = match self.cached(request, now) {
            Found::Stamped(batch) => batch,
            Found::Partly {
                shape,
                key,
                instant,
                second,
            } => {
                let shape = match shape {
                    Some(shape) => shape,
                    None => self.remember_shape(Shape::new(&Checked::new(request, None)?)),
                };
                // The checks presign() makes after those of the shape, in its
                // order (the key's below).
                let signed_at = instant?;
                check_expiry(signed_at, shape.expires_in)?;
                let key = if request.region_set.is_some() {
                    BatchKey::Ecdsa(self.sigv4a_key()?)
                } else {
                    let key = match key {
                        Some(key) => key,
                        None => self.remember_key(signed_at, &request.region, &request.service),
                    };
                    BatchKey::Hmac((*key).clone())
                };
                let batch = Arc::new(self.stamp(&shape, key, signed_at));
                if let Some(second) = second {
                    self.remember_stamped(&shape, second, &batch);
                }
                batch
            }
        };
        request.check_key()?;
        batch.sign_checked_into(&request.key, out);
        Ok(())
    }

    /// The presigned URL for `request` as of `now`, as a new string.
    ///
    /// # Errors
    /// As [`Signer::sign_into`].
    pub fn sign(&self, request: &PresignRequest, now: SystemTime) -> Result<String, PresignError> {
        let mut url = String::with_capacity(
            request.endpoint.len() + request.bucket.len() + request.key.len() * 3 + 320,
        );
        self.sign_into(request, now, &mut url)?;
        Ok(url)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // Nothing panics while the lock is held; were it poisoned, the
        // cache would still be consistent.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The batch signer kept for `request`'s shape in the second of `now`;
    /// else the kept shape, the key for its region on the day of `now` where
    /// known, and `now` as an `X-Amz-Date` (kept too: calls come many to the
    /// second).
    fn cached(&self, request: &PresignRequest, now: SystemTime) -> Found {
        let mut cache = self.lock();
        // The second `now` falls in (the fraction is dropped, as botocore does).
        let second = now
            .duration_since(UNIX_EPOCH)
            .ok()
            .map(|since| since.as_secs());
        let cached = cache
            .shapes
            .iter()
            .rev()
            .find(|cached| cached.shape.request.same_but_key(request));
        if let (Some((stamped_second, batch)), Some(second)) =
            (cached.and_then(|cached| cached.stamped.as_ref()), second)
            && *stamped_second == second
        {
            return Found::Stamped(Arc::clone(batch));
        }
        let shape = cached.map(|cached| Arc::clone(&cached.shape));
        let instant = match cache.last_instant {
            Some((last, date)) if Some(last) == second => Ok(date),
            _ => AmzDate::from_system_time(now),
        };
        if let (Ok(date), Some(second)) = (&instant, second) {
            let date = *date;
            cache.last_instant = Some((second, date));
        }
        let key = instant.as_ref().ok().and_then(|instant| {
            let date_stamp = instant.date_stamp().as_bytes();
            cache
                .keys
                .iter()
                .find(|cached| {
                    cached.date_stamp.as_slice() == date_stamp
                        && cached.region == request.region
                        && cached.service == request.service
                })
                .map(|cached| Arc::clone(&cached.hmac))
        });
        Found::Partly {
            shape,
            key,
            instant,
            second,
        }
    }

    fn remember_shape(&self, shape: Shape) -> Arc<Shape> {
        let shape = Arc::new(shape);
        let mut cache = self.lock();
        if cache.shapes.len() == CACHED_SHAPES {
            cache.shapes.remove(0);
        }
        cache.shapes.push(CachedShape {
            shape: Arc::clone(&shape),
            stamped: None,
        });
        shape
    }

    /// Keeps `batch` as `shape`'s for `second`.
    fn remember_stamped(&self, shape: &Arc<Shape>, second: u64, batch: &Arc<BatchSigner>) {
        let mut cache = self.lock();
        if let Some(cached) = cache
            .shapes
            .iter_mut()
            .find(|cached| Arc::ptr_eq(&cached.shape, shape))
        {
            cached.stamped = Some((second, Arc::clone(batch)));
        }
    }

    /// The batch signer of `shape` at `signed_at`, written into one string:
    /// the URL's head, its query with the auth parameters (written by the
    /// functions `presign()` uses), and the canonical request's tail with
    /// that query sorted (copied from the URL's); and the key's HMAC after
    /// the head of the string to sign.
    fn stamp(&self, shape: &Shape, key: BatchKey, signed_at: AmzDate) -> BatchSigner {
        let mut text = String::with_capacity(
            shape.url_head.len() + 2 * shape.query.len() + shape.header_block.len() + 640,
        );
        text.push_str(&shape.url_head);
        let query_start = text.len();
        text.push('?');
        let pairs_start = text.len();
        text.push_str(&shape.query);
        let mut ranges: SmallVec<[PairRange; 12]> = shape
            .query_pairs
            .iter()
            .map(|range| range.offset(pairs_start))
            .collect();
        let auth = AuthQuery {
            encoded_access_key_id: &self.encoded_access_key_id,
            region: &shape.request.region,
            service: &shape.request.service,
            region_set: shape.request.region_set.as_deref(),
            token_name: token_name(&shape.request),
            date: signed_at.as_str(),
            expires_in: shape.expires_in,
            signed_headers: &shape.signed_headers,
            encoded_session_token: self.encoded_session_token.as_deref().map(String::as_str),
        };
        auth.write(&mut text, shape.query.is_empty(), |range| {
            ranges.push(range);
        });
        sort_query(&mut ranges, |range| range.in_text(&text));
        text.push_str(SIGNATURE_NAME);
        let tail_start = text.len();
        write_after_path(
            &mut text,
            |text| copy_pair_runs(text, &ranges),
            |text| text.put(&shape.header_block),
            &shape.signed_headers,
            UNSIGNED_PAYLOAD,
        );
        BatchSigner::from_parts(
            Parts {
                method: shape.request.method,
                text,
                path_start: shape.path_start,
                query_start,
                tail_start,
                signed_at,
                expires_in: shape.expires_in,
            },
            key,
            auth.algorithm(),
            &auth.scope_parts(),
        )
    }

    /// The credentials' SigV4A key pair, derived once.
    fn sigv4a_key(&self) -> Result<Arc<SigV4aKey>, PresignError> {
        self.sigv4a_key
            .get_or_init(|| {
                SigV4aKey::derive(
                    self.credentials.access_key_id(),
                    self.credentials.secret_access_key(),
                )
                .map(Arc::new)
            })
            .clone()
    }

    /// Derives the signing key for `region` on the day of `signed_at`, and
    /// keeps it.
    fn remember_key(&self, signed_at: AmzDate, region: &str, service: &str) -> Arc<PreparedHmac> {
        let hmac = Arc::new(
            SigningKey::derive(
                self.credentials.secret_access_key(),
                signed_at.date_stamp(),
                region,
                service,
            )
            .prepared_hmac(),
        );
        let mut date_stamp = [0u8; 8];
        date_stamp.copy_from_slice(signed_at.date_stamp().as_bytes());
        let mut cache = self.lock();
        if cache.keys.len() == CACHED_KEYS {
            cache.keys.remove(0);
        }
        cache.keys.push(CachedKey {
            date_stamp,
            region: region.to_owned(),
            service: service.to_owned(),
            hmac: Arc::clone(&hmac),
        });
        hmac
    }
}

/// Appends the pairs at `ranges` of `text` to `text` itself, joined with
/// `&`. Pairs that follow each other in the URL too are copied as one run,
/// `&` included: without extra parameters or a session token the whole
/// canonical query is the URL's query as it stands.
fn copy_pair_runs(text: &mut String, ranges: &[PairRange]) {
    let mut run: Option<(usize, usize)> = None;
    for range in ranges {
        run = match run {
            Some((start, end)) if range.start == end + 1 => Some((start, range.end)),
            Some((start, end)) => {
                text.extend_from_within(start..end);
                text.push('&');
                Some((range.start, range.end))
            }
            None => Some((range.start, range.end)),
        };
    }
    if let Some((start, end)) = run {
        text.extend_from_within(start..end);
    }
}

impl Clone for Signer {
    fn clone(&self) -> Self {
        Self {
            credentials: self.credentials.clone(),
            encoded_access_key_id: self.encoded_access_key_id.clone(),
            encoded_session_token: self.encoded_session_token.clone(),
            sigv4a_key: self.sigv4a_key.clone(),
            cache: Mutex::new(self.lock().clone()),
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credentials", &self.credentials)
            .field("signing_keys", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::presign::presign;
    use crate::request::Method;

    fn credentials() -> Credentials {
        Credentials::new("AKIDEXAMPLE", "SECRETSECRET").with_session_token("tok/en+")
    }

    #[test]
    fn signs_the_aws_documentation_example() {
        let request = PresignRequest::new(
            Method::Get,
            "https://s3.amazonaws.com",
            "examplebucket",
            "test.txt",
        )
        .expires_in(Duration::from_secs(86_400));
        let signer = Signer::new(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ))
        .unwrap();
        let now = crate::AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")
            .unwrap()
            .to_system_time();
        assert_eq!(
            signer.sign(&request, now).unwrap(),
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
    }

    #[test]
    fn keys_for_other_days_and_regions_are_derived_and_kept() {
        let signer = Signer::new(credentials()).unwrap();
        let mut day = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for step in 0..20u64 {
            let region = ["eu-de", "", "us-east-1"][usize::try_from(step % 3).unwrap()];
            let request = PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "k")
                .region(region);
            assert_eq!(
                signer.sign(&request, day).unwrap(),
                presign(&request, &credentials(), day).unwrap().url(),
                "step {step}"
            );
            day += Duration::from_secs(40_000);
        }
        assert_eq!(signer.lock().keys.len(), CACHED_KEYS);
    }

    /// Requests that differ in one field each must not share a kept shape.
    #[test]
    fn requests_differing_in_any_field_but_the_key_get_their_own_url() {
        let signer = Signer::new(credentials()).unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let base = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "bucket", "k");
        let variants = [
            base.clone(),
            base.clone().with_key("other"),
            PresignRequest::new(Method::Put, "https://s3.amazonaws.com", "bucket", "k"),
            PresignRequest::new(Method::Get, "https://s3.amazonaws.com:443", "bucket", "k"),
            PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "bucket2", "k"),
            base.clone().region("eu-de"),
            base.clone().expires_in(Duration::from_secs(60)),
            base.clone().addressing(crate::Addressing::Path),
            base.clone().query("versionId", "1"),
            base.clone().query("versionId", "2"),
            base.clone().header("Content-Type", "a/b"),
            base.clone().header("Content-Type", "a/c"),
            base.clone()
                .expires_in(Duration::from_secs(700_000))
                .allow_long_expiry(true),
            PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "Bucket", "k")
                .legacy_bucket_names(true),
            base.clone().legacy_bucket_names(true),
            base.clone().with_key("").bucket_operation(true),
            PresignRequest::new(Method::Get, "http://127.0.0.1:9000", "bucket", "")
                .bucket_operation(true)
                .query("list-type", "2"),
        ];
        for round in 0..2 {
            for request in &variants {
                assert_eq!(
                    signer.sign(request, now).unwrap(),
                    presign(request, &credentials(), now).unwrap().url(),
                    "round {round}: {request:?}"
                );
            }
        }
    }

    #[test]
    fn refused_requests_leave_the_buffer_untouched() {
        let signer = Signer::new(credentials()).unwrap();
        let now = UNIX_EPOCH;
        let mut out = String::from("kept");
        for request in [
            PresignRequest::new(Method::Get, "ftp://h", "bucket", "k"),
            PresignRequest::new(Method::Get, "http://h", "bucket", ""),
            PresignRequest::new(Method::Get, "http://h", "b", "k"),
            PresignRequest::new(Method::Get, "http://h", "bucket", "k").region("EU"),
            PresignRequest::new(Method::Get, "http://h", "bucket", "k").header("Host", "x"),
            PresignRequest::new(Method::Get, "http://h", "bucket", "k").query("X-Amz-Date", "x"),
            PresignRequest::new(Method::Get, "http://h", "bucket", "k").expires_in(Duration::ZERO),
        ] {
            let expected = presign(&request, &credentials(), now).unwrap_err();
            assert_eq!(signer.sign_into(&request, now, &mut out), Err(expected));
            assert_eq!(out, "kept");
        }
    }

    #[test]
    fn invalid_credentials_are_refused_up_front() {
        assert_eq!(
            Signer::new(Credentials::new("AKID/X", "secret")).unwrap_err(),
            PresignError::InvalidAccessKeyId
        );
    }

    #[test]
    fn debug_shows_no_secret() {
        let signer = Signer::new(credentials()).unwrap();
        signer
            .sign(
                &PresignRequest::new(Method::Get, "http://h", "bucket", "k"),
                UNIX_EPOCH,
            )
            .unwrap();
        let debug = format!("{signer:?}");
        assert!(
            !debug.contains("SECRETSECRET") && !debug.contains("tok/en+"),
            "{debug}"
        );
    }
}
