//! The checks of the fuzz targets: any bytes in, no panic out.
//!
//! Shared by the cargo-fuzz targets (`fuzz/fuzz_targets/`) and the seed smoke
//! test `crates/presign/tests/fuzz_seeds.rs`, which includes this file with
//! `#[path]`, so the fuzzers and CI run exactly the same checks. Beyond "no
//! panic", the checks assert a few properties that must hold for every input:
//! a canonical request starts with its method, a string to sign ends with the
//! hash of its canonical request, `verify` accepts only a URL whose signature
//! is the one recomputed here, unexpired and within the policy, and no error
//! message holds the expected signature.
//!
//! # Input format (both targets)
//! Bytes that are not UTF-8 are read lossily (valid UTF-8 is taken as it is).
//! The first line, up to the first `\n`, is the URL; each further line is a
//! directive, and lines that are none are ignored:
//! - `method M`: the method (`verify`: M if it is GET, PUT, HEAD, DELETE or
//!   POST, else GET; `parse`: M verbatim, besides GET and PUT);
//! - `header NAME: VALUE`: a request header (repeatable);
//! - `now N`, `now +N`, `now -N`: the verifier's clock, in Unix seconds or in
//!   seconds after or before the URL's `X-Amz-Date` (default: one second after
//!   it, so a real URL verifies);
//! - `max-expires N`, `skew N`, `region R` (repeatable: the allowed regions),
//!   `service S`: the policy (default: `VerifyPolicy::default()`);
//! - `resign`: put the right signature for the URL's credentials in place of
//!   its `X-Amz-Signature` value (the first one written as such), so that the
//!   fuzzer reaches what follows a correct signature.
//!
//! The `parse` target also parses the whole input as one URL, newlines and all.
#![allow(dead_code, unreachable_pub)]

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presign::{
    AmzDate, Credentials, Method, PresignedUrl, SigningKey, VerifyError, VerifyPolicy, verify,
};

/// The credentials the lookup knows: those of the conformance vectors
/// (`crates/presign/tests/vectors/presign-vectors.json`), so the seeds verify,
/// and one access key id with a `/` and non-ASCII letters.
pub const KEYS: [(&str, &str); 7] = [
    (
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    ("minioadmin", "minioadmin"),
    (
        "ASIAEXAMPLEKEY12345",
        "s3cr3t+With/Slash=AndPlus+/+/+/+/+/+/+/+",
    ),
    (
        "0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef0123456789abcdef",
    ),
    ("ANOTREAL", "notrealrnrELgWzOk3IfjzDKtFBhDby"),
    ("clé/ü", "sécret"),
];

/// The clock when the URL does not parse and no `now` is given:
/// 2013-05-24T00:00:01Z.
const FALLBACK_NOW: u64 = 1_369_353_601;

/// The secret access key of `access_key_id`, if the lookup knows it.
fn secret_of(access_key_id: &str) -> Option<&'static str> {
    KEYS.iter()
        .find(|(id, _)| *id == access_key_id)
        .map(|(_, secret)| *secret)
}

/// The lookup `verify` is given; temporary credentials for the `ASIA` key.
fn lookup(access_key_id: &str) -> Option<Credentials> {
    let credentials = Credentials::new(access_key_id, secret_of(access_key_id)?);
    Some(if access_key_id.starts_with("ASIA") {
        credentials.with_session_token("FwoGZXIvYXdzEXAMPLE")
    } else {
        credentials
    })
}

/// The verifier's clock as a directive gives it.
#[derive(Clone, Copy, Debug)]
enum Clock {
    At(u64),
    After(u64),
    Before(u64),
}

/// One fuzz input, read as the module documentation says.
#[derive(Debug, Default)]
pub struct Input {
    /// The whole input, read lossily.
    pub whole: String,
    /// Its first line.
    pub url: String,
    /// `method`.
    pub method: Option<String>,
    /// `header`, in order.
    pub headers: Vec<(String, String)>,
    /// `now`.
    clock: Option<Clock>,
    /// `max-expires`.
    pub max_expires: Option<u64>,
    /// `skew`.
    pub skew: Option<u64>,
    /// `region`, if any.
    pub regions: Option<Vec<String>>,
    /// `service`.
    pub service: Option<String>,
    /// `resign`.
    pub resign: bool,
}

impl Input {
    /// Reads `data`; never fails.
    #[must_use]
    pub fn read(data: &[u8]) -> Self {
        let whole = String::from_utf8_lossy(data).into_owned();
        let mut lines = whole.split('\n');
        let mut input = Self {
            url: lines.next().unwrap_or_default().to_owned(),
            ..Self::default()
        };
        for line in lines {
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            let number = || rest.trim().parse::<u64>().ok();
            match word {
                "method" => input.method = Some(rest.to_owned()),
                "header" => {
                    let (name, value) = rest.split_once(':').unwrap_or((rest, ""));
                    input.headers.push((name.to_owned(), value.to_owned()));
                }
                "now" => {
                    let relative = |text: &str| text.trim().parse::<u64>().ok();
                    input.clock = if let Some(after) = rest.strip_prefix('+') {
                        relative(after).map(Clock::After)
                    } else if let Some(before) = rest.strip_prefix('-') {
                        relative(before).map(Clock::Before)
                    } else {
                        number().map(Clock::At)
                    };
                }
                "max-expires" => input.max_expires = number(),
                "skew" => input.skew = number(),
                "region" => input
                    .regions
                    .get_or_insert_with(Vec::new)
                    .push(rest.to_owned()),
                "service" => input.service = Some(rest.to_owned()),
                "resign" => input.resign = true,
                _ => {}
            }
        }
        input.whole = whole;
        input
    }

    /// The headers as `verify` and `canonical_request` take them.
    fn header_refs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect()
    }

    /// The verifier's clock, relative to `url`'s `X-Amz-Date` where it parsed.
    /// Out-of-range instants fall back to 1970 rather than panic here.
    fn now(&self, url: Option<&PresignedUrl>) -> SystemTime {
        let signed_at = url.map_or(FALLBACK_NOW - 1, |url| url.signed_at().unix_seconds());
        let at = |seconds: u64| UNIX_EPOCH.checked_add(Duration::from_secs(seconds));
        let now = match self.clock {
            None => at(signed_at).and_then(|t| t.checked_add(Duration::from_secs(1))),
            Some(Clock::At(seconds)) => at(seconds),
            Some(Clock::After(seconds)) => {
                at(signed_at).and_then(|t| t.checked_add(Duration::from_secs(seconds)))
            }
            Some(Clock::Before(seconds)) => {
                at(signed_at).and_then(|t| t.checked_sub(Duration::from_secs(seconds)))
            }
        };
        now.unwrap_or(UNIX_EPOCH)
    }

    /// The policy the directives describe.
    fn policy(&self) -> VerifyPolicy {
        let mut policy = VerifyPolicy::default();
        if let Some(seconds) = self.max_expires {
            policy = policy.max_expires(seconds);
        }
        if let Some(seconds) = self.skew {
            policy = policy.clock_skew(Duration::from_secs(seconds));
        }
        if let Some(regions) = &self.regions {
            policy = policy.allowed_regions(regions.iter().cloned());
        }
        if let Some(service) = &self.service {
            policy = policy.service(service.clone());
        }
        policy
    }
}

/// The `parse` target: parses the first line and the whole input; for each
/// URL that parses, reads every part (what `inspect` prints) and computes the
/// canonical request and the string to sign with GET, PUT and the `method`
/// directive, with the `header` directives alone and with a value added for
/// every signed header. Returns how many of the (one or two) URLs parsed.
///
/// # Panics
/// Only where the library breaks one of the properties in the module
/// documentation (or panics itself): that is a finding.
#[must_use]
pub fn check_parse(data: &[u8]) -> usize {
    let input = Input::read(data);
    let mut candidates = vec![input.url.as_str()];
    if input.whole != input.url {
        candidates.push(input.whole.as_str());
    }
    let mut parsed = 0;
    for candidate in candidates {
        match PresignedUrl::parse(candidate) {
            Ok(url) => {
                parsed += 1;
                inspect(&url);
                canonicalise(&url, &input);
            }
            Err(error) => describe(&error),
        }
    }
    parsed
}

/// Reads every part of a parsed URL, as `inspect` shows it.
fn inspect(url: &PresignedUrl) {
    let described = format!(
        "{} {} {} {:?} {} {} {} {} {:?} {} {} {:?}",
        url.scheme(),
        url.host(),
        url.path(),
        url.query(),
        url.access_key_id(),
        url.scope(),
        url.signed_at(),
        url.signed_at().to_rfc3339(),
        url.signed_at().to_system_time(),
        url.expires_in(),
        url.expires_at_unix(),
        url,
    );
    assert!(!described.is_empty());
    let scope = url.scope();
    let _ = (
        scope.date_stamp(),
        scope.region(),
        scope.service(),
        scope.as_str(),
    );
    let _ = url.signed_at().date_stamp();
    let _ = AmzDate::from_unix_seconds(url.expires_at_unix()).map(|at| at.to_rfc3339());
    assert_eq!(
        url.signature().len(),
        64,
        "a parsed signature is 64 hex digits"
    );
    assert!(!url.signed_headers().is_empty());
    assert!(
        url.query()
            .iter()
            .all(|(name, _)| name != "X-Amz-Signature"),
        "the signature is not part of the canonical query"
    );
    let _ = url.has_session_token();
}

/// Canonical request and string to sign of `url` for a few methods and
/// header sets; checks that the two agree.
fn canonicalise(url: &PresignedUrl, input: &Input) {
    let given = input.header_refs();
    let mut filled = given.clone();
    filled.extend(
        url.signed_headers()
            .iter()
            .map(|name| (name.as_str(), name.as_str())),
    );
    let mut methods = vec!["GET", "PUT"];
    if let Some(method) = &input.method {
        methods.push(method.as_str());
    }
    for method in methods {
        for headers in [&given, &filled] {
            let canonical = url.canonical_request(method, headers);
            let string_to_sign = url.string_to_sign(method, headers);
            match (canonical, string_to_sign) {
                (Ok(canonical), Ok(string_to_sign)) => {
                    assert!(
                        canonical
                            .as_str()
                            .strip_prefix(method)
                            .is_some_and(|rest| rest.starts_with('\n')),
                        "the canonical request starts with its method"
                    );
                    assert!(
                        string_to_sign.as_str().starts_with("AWS4-HMAC-SHA256\n")
                            && string_to_sign.as_str().ends_with(&canonical.sha256_hex()),
                        "the string to sign ends with the canonical request's hash"
                    );
                    let _ = format!("{canonical}{string_to_sign}");
                }
                (Err(first), Err(second)) => {
                    assert_eq!(first, second, "both fail the same way");
                    describe(&first);
                }
                (canonical, string_to_sign) => panic!(
                    "canonical_request and string_to_sign disagree: {:?} / {:?}",
                    canonical.map(|c| c.as_str().to_owned()),
                    string_to_sign.map(|s| s.as_str().to_owned())
                ),
            }
        }
    }
}

/// Formats an error both ways, as the CLI does.
fn describe(error: &VerifyError) {
    let message = format!("{error} {error:?}");
    assert!(!message.is_empty());
}

/// The signature `url` should carry for `method` and `headers`, where its
/// access key is known and its signed headers have values.
fn expected_signature(
    url: &PresignedUrl,
    method: Method,
    headers: &[(&str, &str)],
) -> Option<String> {
    let secret = secret_of(url.access_key_id())?;
    let string_to_sign = url.string_to_sign(method.as_str(), headers).ok()?;
    let scope = url.scope();
    let key = SigningKey::derive(secret, scope.date_stamp(), scope.region(), scope.service());
    Some(key.sign(string_to_sign.as_str().as_bytes()))
}

/// Replaces the 64 hex digits after the first `X-Amz-Signature=` of `raw`
/// (if there are) with `signature`.
fn put_signature(raw: &mut String, signature: &str) {
    const PARAM: &str = "X-Amz-Signature=";
    let Some(at) = raw.find(PARAM) else {
        return;
    };
    let start = at + PARAM.len();
    let range = start..start + 64;
    if raw
        .get(range.clone())
        .is_some_and(|old| old.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        raw.replace_range(range, signature);
    }
}

/// The `verify` target: verifies the first line with the method, headers,
/// clock and policy of the directives (re-signed first if asked), with a
/// lookup that knows [`KEYS`]. On success reads every part of the result and
/// checks it against the policy and a signature recomputed here; on failure,
/// that the message does not hold the expected signature. Returns whether the
/// URL verified.
///
/// # Panics
/// Only where the library breaks one of the properties in the module
/// documentation (or panics itself): that is a finding.
#[must_use]
pub fn check_verify(data: &[u8]) -> bool {
    let input = Input::read(data);
    let method = input
        .method
        .as_deref()
        .and_then(|method| Method::from_str(method).ok())
        .unwrap_or(Method::Get);
    let headers = input.header_refs();
    let first = PresignedUrl::parse(&input.url).ok();
    let now = input.now(first.as_ref());
    let policy = input.policy();
    let mut raw = input.url.clone();
    if input.resign
        && let Some(signature) = first
            .as_ref()
            .and_then(|url| expected_signature(url, method, &headers))
    {
        put_signature(&mut raw, &signature);
    }
    let expected = PresignedUrl::parse(&raw)
        .ok()
        .and_then(|url| expected_signature(&url, method, &headers));
    match verify(&raw, method, &headers, lookup, now, &policy) {
        Ok(verified) => {
            let url = verified.url();
            inspect(url);
            assert_eq!(
                Some(url.signature()),
                expected.as_deref(),
                "verify accepted a signature other than the one recomputed here"
            );
            let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            assert!(now_secs < url.expires_at_unix(), "accepted an expired URL");
            assert!(url.expires_in() <= policy.max_expires_secs());
            assert!(verified.signed_headers().iter().any(|name| name == "host"));
            if let Some(regions) = &input.regions {
                assert!(regions.iter().any(|region| region == verified.region()));
            }
            let _ = (
                verified.access_key_id(),
                verified.path(),
                verified.signed_at().to_rfc3339(),
            );
            // F1 (docs/fuzzing.md, fixed): an accepted URL's expiry always
            // fits, so this must not panic.
            let _ = verified.expires_at();
            true
        }
        Err(error) => {
            describe(&error);
            if let Some(expected) = expected {
                assert!(
                    !error.to_string().contains(&expected),
                    "the error message holds the expected signature: {error}"
                );
            }
            false
        }
    }
}
