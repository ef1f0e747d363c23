//! Property tests: what must hold for every input, not just for the vectors.
//!
//! URLs are taken apart here by hand (scheme, authority, path, query split on
//! the first `://`, `/` and `?`) and percent-decoded with the
//! `percent-encoding` crate, never through a normalising URL parser, so `..`,
//! `//` and every encoded byte are checked as they are sent. `url` is used
//! only as a second opinion on the query, which the encoder never writes a
//! `+` into.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use percent_encoding::percent_decode_str;
use presign::{
    Addressing, Credentials, Method, PresignError, PresignRequest, Presigned, encode, presign,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use unicode_normalization::UnicodeNormalization;

#[path = "support/strategies.rs"]
mod strategies;
use strategies::{
    AUTH_PARAMETERS, HEADER_NAMES, any_text, atom_or_char, header_pairs, header_value,
    is_auth_parameter,
};

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Unix seconds and the `X-Amz-Date` they must give (checked independently).
/// The last is the latest instant from which every expiry up to 7 days still
/// ends by 9999-12-31T23:59:59Z.
const INSTANTS: [(u64, &str); 7] = [
    (0, "19700101T000000Z"),
    (951_868_800, "20000301T000000Z"),
    (1_369_353_600, "20130524T000000Z"),
    (1_700_000_000, "20231114T221320Z"),
    (1_709_251_199, "20240229T235959Z"),
    (4_102_444_800, "21000101T000000Z"),
    (253_401_695_999, "99991224T235959Z"),
];

/// An endpoint as given, the authority it must keep in the URL, and its base
/// path (without the trailing `/`).
#[derive(Clone, Copy, Debug)]
struct Target {
    endpoint: &'static str,
    scheme: &'static str,
    authority: &'static str,
    base_path: &'static str,
}

const TARGETS: [Target; 3] = [
    Target {
        endpoint: "https://s3.amazonaws.com",
        scheme: "https",
        authority: "s3.amazonaws.com",
        base_path: "",
    },
    Target {
        endpoint: "http://127.0.0.1:9000",
        scheme: "http",
        authority: "127.0.0.1:9000",
        base_path: "",
    },
    Target {
        endpoint: "https://gateway.example.com:8443/base",
        scheme: "https",
        authority: "gateway.example.com:8443",
        base_path: "/base",
    },
];

/// Valid buckets; the dotted one cannot be virtual-hosted over https.
const BUCKETS: [&str; 4] = ["examplebucket", "my-bucket-01", "dotted.bucket.name", "abc"];

/// Pieces of object keys: everything the URL syntax cares about, dot
/// segments, blanks and line breaks, and Unicode in both normal forms.
const KEY_ATOMS: &[&str] = &[
    "a",
    "Z",
    "k",
    "photos",
    "2024",
    " ",
    "+",
    "%",
    "%20",
    "%2F",
    "%%",
    "~",
    "/",
    "//",
    ".",
    "..",
    "./",
    "../",
    "/../",
    "?",
    "#",
    "&",
    "=",
    ";",
    ":",
    "@",
    "$",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "*",
    "'",
    "!",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\0",
    "\u{7f}",
    "\u{e9}",
    "e\u{301}",
    "\u{c5}",
    "A\u{30a}",
    "\u{212b}",
    "\u{f1}",
    "caf\u{e9}",
    "\u{d55c}\u{ad6d}\u{c5b4}",
    "\u{65e5}\u{672c}",
    "\u{fb01}",
    "\u{1f600}",
    "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}",
    "\u{1f1eb}\u{1f1f7}",
    "\u{feff}",
    "\u{200b}",
    "\u{fffd}",
];

/// Precomposed characters: NFC keeps them, NFD splits them.
const COMPOSED: &[&str] = &[
    "\u{e9}", "\u{c5}", "\u{f1}", "\u{fc}", "\u{e7}", "\u{f6}", "\u{ac00}", "\u{d55c}", "\u{1d6}",
    "\u{1ebf}",
];

/// Query parameter names S3 uses, none of them an auth parameter.
const SAFE_NAMES: &[&str] = &[
    "versionId",
    "response-content-disposition",
    "x-id",
    "partNumber",
    "uploadId",
    "response-content-type",
    "response-cache-control",
    "uploads",
];

/// Pieces of query values: the characters with a meaning in a query string.
const VALUE_ATOMS: &[&str] = &[
    "&",
    "=",
    "+",
    "%",
    "%2B",
    "%20",
    "/",
    " ",
    "?",
    "#",
    ";",
    "a",
    "Z",
    "0",
    "-",
    "_",
    ".",
    "~",
    "\t",
    "\n",
    "\u{e9}",
    "\u{1f600}",
    "attachment; filename=\"a b.txt\"",
    "text/plain; charset=utf-8",
];

/// Names whose byte order differs from their encoded byte order, mixed case.
const NAME_ATOMS: &[&str] = &[
    "a",
    "A",
    "b",
    "B",
    "z",
    "Z",
    "_",
    "-",
    ".",
    "~",
    "%",
    "%41",
    " ",
    "+",
    "=",
    "&",
    "/",
    "\u{e9}",
    "e\u{301}",
    "\u{1f600}",
    "X-Amz-Foo",
    "X-Amz-Date ",
    "x-amz-meta",
    "versionId",
    "uploads",
    "partNumber",
];

/// Characters a header value must never hold.
const BAD_HEADER_CHARS: &[&str] = &[
    "\r",
    "\n",
    "\r\n",
    "\0",
    "\u{b}",
    "\u{c}",
    "\u{1b}",
    "\u{7f}",
    "\u{80}",
    "\u{a0}",
    "\u{e9}",
    "\u{2028}",
    "\u{1f600}",
];

// ---------------------------------------------------------------- helpers

fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET)
}

fn at(unix_seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix_seconds)
}

/// The longest prefix of `text` of at most `max` bytes ending on a char
/// boundary.
fn truncate_to(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// A URL cut by hand: nothing normalised, nothing decoded.
#[derive(Debug)]
struct UrlParts<'a> {
    scheme: &'a str,
    authority: &'a str,
    path: &'a str,
    query: &'a str,
}

fn split_url(url: &str) -> UrlParts<'_> {
    let (scheme, rest) = url.split_once("://").expect("the URL has a scheme");
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(authority_end);
    let (path, query) = rest.split_once('?').expect("a presigned URL has a query");
    UrlParts {
        scheme,
        authority,
        path,
        query,
    }
}

fn decode_bytes(text: &str) -> Vec<u8> {
    percent_decode_str(text).collect()
}

/// The query split on `&` and the first `=`, still encoded.
fn raw_pairs(query: &str) -> Vec<(&str, &str)> {
    query
        .split('&')
        .map(|pair| pair.split_once('=').expect("every parameter has '='"))
        .collect()
}

/// The query split on `&` and the first `=`, each side percent-decoded.
fn decoded_pairs(query: &str) -> Vec<(String, String)> {
    raw_pairs(query)
        .into_iter()
        .map(|(name, value)| {
            let name = String::from_utf8(decode_bytes(name)).expect("name is UTF-8");
            let value = String::from_utf8(decode_bytes(value)).expect("value is UTF-8");
            (name, value)
        })
        .collect()
}

/// SigV4's header value rule, written independently of the library: drop
/// leading and trailing blanks, turn every inner run of blanks into one space.
fn collapse_blanks(value: &str) -> String {
    let mut out = String::new();
    let mut pending_blank = false;
    for c in value.trim_matches([' ', '\t']).chars() {
        if c == ' ' || c == '\t' {
            pending_blank = true;
        } else {
            if pending_blank {
                out.push(' ');
                pending_blank = false;
            }
            out.push(c);
        }
    }
    out
}

/// The header lines of a canonical request (after method, path and query,
/// up to the blank line).
fn canonical_header_lines(canonical: &str) -> Vec<&str> {
    canonical
        .split('\n')
        .skip(3)
        .take_while(|line| !line.is_empty())
        .collect()
}

/// RFC 3986 unreserved, plus `/` in a path.
fn may_stay_unencoded(byte: u8, keep_slash: bool) -> bool {
    byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) || (keep_slash && byte == b'/')
}

/// The object key the URL of `presigned` addresses, decoded to bytes, after
/// checking scheme, authority and the path prefix for the addressing used.
fn key_bytes_from_url(
    presigned: &Presigned,
    target: Target,
    bucket: &str,
) -> Result<Vec<u8>, TestCaseError> {
    let url = presigned.url();
    prop_assert!(!url.contains('#'), "raw '#' in {url}");
    prop_assert_eq!(url.matches('?').count(), 1, "raw '?' in {}", url);
    let parts = split_url(url);
    prop_assert_eq!(parts.scheme, target.scheme);
    let prefix = if presigned.addressing() == Addressing::VirtualHost {
        prop_assert_eq!(parts.authority, format!("{bucket}.{}", target.authority));
        format!("{}/", target.base_path)
    } else {
        prop_assert_eq!(parts.authority, target.authority);
        format!("{}/{bucket}/", target.base_path)
    };
    let decoded = decode_bytes(parts.path);
    let Some(key) = decoded.strip_prefix(prefix.as_bytes()) else {
        return Err(TestCaseError::fail(format!(
            "decoded path {:?} does not start with {prefix:?}",
            String::from_utf8_lossy(&decoded)
        )));
    };
    Ok(key.to_vec())
}

/// Checks that `encoded` uses only the allowed alphabet with upper-case
/// `%XX`, and returns the bytes of every `%XX`.
fn check_alphabet(encoded: &str, keep_slash: bool) -> Result<Vec<u8>, TestCaseError> {
    const HEX_UPPER: &[u8] = b"0123456789ABCDEF";
    let bytes = encoded.as_bytes();
    let mut escaped = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let hex = bytes.get(index + 1..index + 3);
            prop_assert!(
                hex.is_some_and(|hex| hex.iter().all(|b| HEX_UPPER.contains(b))),
                "'%' at {} of {:?} is not followed by two upper-case hex digits",
                index,
                encoded
            );
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).expect("ASCII");
            escaped.push(u8::from_str_radix(hex, 16).expect("hex"));
            index += 3;
        } else {
            prop_assert!(
                may_stay_unencoded(byte, keep_slash),
                "byte {:#04x} emitted unencoded in {:?}",
                byte,
                encoded
            );
            index += 1;
        }
    }
    Ok(escaped)
}

// ------------------------------------------------------------- strategies

fn atoms(count: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    vec(atom_or_char(KEY_ATOMS), count).prop_map(|parts| parts.concat())
}

#[derive(Clone, Copy, Debug)]
enum Form {
    AsGenerated,
    Nfc,
    Nfd,
}

/// Non-empty keys of at most 1024 UTF-8 bytes, short or long, raw, NFC or NFD.
fn object_key() -> impl Strategy<Value = String> {
    let text = prop_oneof![3 => atoms(1..40), 1 => atoms(40..400)];
    let form = prop_oneof![Just(Form::AsGenerated), Just(Form::Nfc), Just(Form::Nfd)];
    (text, form).prop_map(|(text, form)| {
        let text = match form {
            Form::AsGenerated => text,
            Form::Nfc => text.nfc().collect(),
            Form::Nfd => text.nfd().collect(),
        };
        truncate_to(text, presign::MAX_KEY_BYTES)
    })
}

/// A key that holds at least one precomposed character.
fn decomposable_key() -> impl Strategy<Value = String> {
    (atoms(0..16), select(COMPOSED), atoms(0..16))
        .prop_map(|(before, composed, after)| format!("{before}{composed}{after}"))
}

fn target() -> impl Strategy<Value = Target> {
    select(TARGETS.to_vec())
}

fn bucket() -> impl Strategy<Value = &'static str> {
    select(BUCKETS.to_vec())
}

fn addressing() -> impl Strategy<Value = Addressing> {
    select(vec![Addressing::Path, Addressing::VirtualHost])
}

fn query_value() -> impl Strategy<Value = String> {
    vec(atom_or_char(VALUE_ATOMS), 0..12).prop_map(|parts| parts.concat())
}

/// Distinct safe names in random order, each with an arbitrary value.
fn safe_query() -> impl Strategy<Value = Vec<(String, String)>> {
    subsequence(SAFE_NAMES.to_vec(), 0..=SAFE_NAMES.len())
        .prop_shuffle()
        .prop_flat_map(|names| {
            let count = names.len();
            (Just(names), vec(query_value(), count))
        })
        .prop_map(|(names, values)| names.into_iter().map(String::from).zip(values).collect())
}

fn query_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => vec(select(NAME_ATOMS), 1..4).prop_map(|parts| parts.concat()),
        1 => "[ -~]{1,8}",
        1 => "\\PC{1,6}",
    ]
}

/// Arbitrary distinct names that are not auth parameters, with arbitrary values.
fn any_query() -> impl Strategy<Value = Vec<(String, String)>> {
    vec((query_name(), query_value()), 0..10).prop_map(|pairs| {
        let mut seen = HashSet::new();
        pairs
            .into_iter()
            .filter(|(name, _)| !is_auth_parameter(name) && seen.insert(name.clone()))
            .collect()
    })
}

/// 1 to 5 distinct header names in random order, each with a value.
fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    header_pairs(1..=5)
}

// The `any_*` strategies feed `presign_never_panics`. Each is mostly valid
// (weight 8 or 9 of 10) so that most cases get past the first checks and
// reach the later ones, and the signing itself; the rest is broken on purpose
// or arbitrary text.

/// Endpoints: valid ones, ones broken in one part, arbitrary text.
fn any_endpoint() -> impl Strategy<Value = String> {
    let valid = select(vec![
        "https://s3.amazonaws.com",
        "http://127.0.0.1:9000",
        "https://gateway.example.com:8443/base",
        "HTTPS://S3.EU-WEST-1.AMAZONAWS.COM:443/",
        "https://s3.cn-north-1.amazonaws.com.cn",
        "http://[::1]:9000",
        "http://localhost",
        "http://minio.local:65535/a/%zz/..//./",
        "https://h_o-st.:1",
    ]);
    let scheme = select(vec![
        "https://", "http://", "HTTPS://", "Http://", "ftp://", "", "https:/", "://",
    ]);
    let userinfo = select(vec!["", "", "", "user:pw@", "@", "us\u{e9}r@"]);
    let host = prop_oneof![
        select(vec![
            "s3.amazonaws.com",
            "127.0.0.1",
            "999.999.999.999",
            "[::1]",
            "[::1",
            "[]",
            "[",
            "]",
            "[\u{e9}]",
            "[\u{e9}",
            "a]b",
            "",
            ".",
            "\u{e9}.com",
            "a b",
        ])
        .prop_map(String::from),
        any_text(),
    ];
    let port = select(vec![
        "",
        "",
        ":",
        ":0",
        ":1",
        ":80",
        ":443",
        ":65535",
        ":65536",
        ":99999999999999999999999",
        ":-1",
        ":+1",
        ":\u{e9}",
        "::",
    ]);
    let path = prop_oneof![
        select(vec![
            "", "", "/", "/base", "/base/", "//", "/a b", "/%", "/%zz", "/\u{e9}", "/?q=1", "/#f",
            "/..", "/./a/../", "?", "#",
        ])
        .prop_map(String::from),
        any_text().prop_map(|text| format!("/{text}")),
    ];
    prop_oneof![
        7 => valid.prop_map(String::from),
        2 => (scheme, userinfo, host, port, path).prop_map(
            |(scheme, userinfo, host, port, path)| format!("{scheme}{userinfo}{host}{port}{path}")
        ),
        1 => any_text(),
    ]
}

fn any_bucket() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(vec![
            "examplebucket",
            "dotted.bucket.name",
            "abc",
            "xn--bucket",
            "a-b-c",
        ])
        .prop_map(String::from),
        2 => "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
        1 => prop_oneof![
            select(vec![
                "My_Bucket",
                "ab",
                "a..b",
                "-a-",
                "192.168.5.4",
                "a/b",
                "",
                "b\u{e9}cket",
            ])
            .prop_map(String::from),
            "[A-Za-z0-9._-]{1,260}",
        ],
        1 => any_text(),
    ]
}

fn any_key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => object_key(),
        1 => any_text(),
        1 => prop_oneof![
            Just(String::new()),
            Just("a".repeat(presign::MAX_KEY_BYTES)),
            Just("a".repeat(presign::MAX_KEY_BYTES + 1)),
            Just("\u{e9}".repeat(presign::MAX_KEY_BYTES / 2 + 1)),
        ],
    ]
}

fn any_region() -> impl Strategy<Value = String> {
    prop_oneof![9 => "[a-z0-9-]{0,16}", 1 => any_text()]
}

/// Access key ids: printable ASCII without `/`, mostly.
fn any_access_key() -> impl Strategy<Value = String> {
    prop_oneof![9 => "[!-.0-~]{1,24}", 1 => any_text()]
}

fn any_secret() -> impl Strategy<Value = String> {
    prop_oneof![9 => "[!-~]{1,40}", 1 => any_text()]
}

fn any_expiry() -> impl Strategy<Value = Duration> {
    prop_oneof![
        8 => (1..=presign::MAX_EXPIRES_SECS).prop_map(Duration::from_secs),
        2 => prop_oneof![
            (0..=u64::from(u32::MAX) + 1).prop_map(Duration::from_secs),
            any::<u64>().prop_map(Duration::from_secs),
            (any::<u64>(), 0..1_000_000_000u32)
                .prop_map(|(secs, nanos)| Duration::new(secs, nanos)),
            Just(Duration::ZERO),
            Just(Duration::MAX),
        ],
    ]
}

/// Instants from before 1970 to as far in the future as `SystemTime` goes.
fn any_time() -> impl Strategy<Value = SystemTime> {
    let far = u64::try_from(i64::MAX).expect("fits");
    prop_oneof![
        8 => (0..253_402_300_800u64, 0..1_000_000_000u32)
            .prop_map(|(secs, nanos)| UNIX_EPOCH + Duration::new(secs, nanos)),
        2 => prop_oneof![
            (0..=far).prop_map(|secs| UNIX_EPOCH
                .checked_add(Duration::from_secs(secs))
                .unwrap_or(UNIX_EPOCH)),
            (0..=far).prop_map(|secs| UNIX_EPOCH
                .checked_sub(Duration::from_secs(secs))
                .unwrap_or(UNIX_EPOCH)),
            Just(at(253_402_300_799)),
            Just(at(253_402_300_800)),
            Just(
                UNIX_EPOCH
                    .checked_add(Duration::new(far, 999_999_999))
                    .unwrap_or(UNIX_EPOCH)
            ),
        ],
    ]
}

fn any_method() -> impl Strategy<Value = Method> {
    select(vec![
        Method::Get,
        Method::Put,
        Method::Head,
        Method::Delete,
        Method::Post,
    ])
}

fn any_addressing() -> impl Strategy<Value = Addressing> {
    select(vec![
        Addressing::Auto,
        Addressing::Path,
        Addressing::VirtualHost,
    ])
}

fn any_query_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        9 => query_name(),
        1 => prop_oneof![
            select(AUTH_PARAMETERS.to_vec()).prop_map(str::to_ascii_lowercase),
            Just(String::new()),
            any_text(),
        ],
    ];
    vec((name, prop_oneof![query_value(), any_text()]), 0..4)
}

fn any_header_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        9 => select(HEADER_NAMES).prop_map(String::from),
        1 => prop_oneof![
            select(vec!["host", "Host", "Authorization", "x amz", ""]).prop_map(String::from),
            any_text(),
        ],
    ];
    let value = prop_oneof![9 => header_value(), 1 => any_text()];
    vec((name, value), 0..3)
}

// ------------------------------------------------------------- properties

// 256 cases per property (proptest's default); set PROPTEST_CASES for a
// longer hunt, e.g. `PROPTEST_CASES=50000 cargo test --release -p presign
// --test properties`.
proptest! {
    #![proptest_config(ProptestConfig::default())]

    /// 1. Any valid key, any addressing, any of three endpoints: the URL path,
    /// decoded by hand, is the base path, the bucket (path style) and exactly
    /// the key's bytes.
    #[test]
    fn arbitrary_keys_round_trip_through_the_url_path(
        key in object_key(),
        target in target(),
        bucket in bucket(),
        addressing in addressing(),
    ) {
        let request = PresignRequest::new(Method::Get, target.endpoint, bucket, key.as_str())
            .addressing(addressing);
        let presigned = presign(&request, &credentials(), at(1_700_000_000));
        prop_assert!(presigned.is_ok(), "{:?}", presigned);
        let presigned = presigned.unwrap();
        let bytes = key_bytes_from_url(&presigned, target, bucket)?;
        let decoded = String::from_utf8(bytes);
        prop_assert!(decoded.is_ok(), "decoded key is not UTF-8: {:?}", decoded);
        let decoded = decoded.unwrap();
        prop_assert_eq!(decoded.as_bytes(), key.as_bytes());
    }

    /// 1b. The same text in NFC and NFD is two keys: two URLs, each of which
    /// decodes back to its own form.
    #[test]
    fn nfc_and_nfd_keys_give_different_urls(
        text in decomposable_key(),
        target in target(),
        bucket in bucket(),
        addressing in addressing(),
    ) {
        let nfc: String = text.nfc().collect();
        let nfd: String = text.nfd().collect();
        prop_assume!(nfd.len() <= presign::MAX_KEY_BYTES && nfc.len() <= presign::MAX_KEY_BYTES);
        prop_assert_ne!(&nfc, &nfd);
        let sign = |key: &str| {
            let request = PresignRequest::new(Method::Get, target.endpoint, bucket, key)
                .addressing(addressing);
            presign(&request, &credentials(), at(1_700_000_000)).expect("valid request")
        };
        let (signed_nfc, signed_nfd) = (sign(&nfc), sign(&nfd));
        prop_assert_ne!(signed_nfc.url(), signed_nfd.url());
        prop_assert_eq!(key_bytes_from_url(&signed_nfc, target, bucket)?, nfc.as_bytes());
        prop_assert_eq!(key_bytes_from_url(&signed_nfd, target, bucket)?, nfd.as_bytes());
    }

    /// 2. The query decodes (by hand and with `url`) to the extra parameters
    /// as given, in order, then the auth parameters in SigV4 order; the URL is
    /// ASCII, without a raw space, and its query has no `+`.
    #[test]
    fn query_decodes_to_the_given_parameters_then_the_auth_parameters(
        query in safe_query(),
        token in option::of("[!-~]{1,40}"),
        access_key in "[!-.0-~]{1,24}",
        region in "[a-z0-9-]{0,16}",
        instant in select(INSTANTS.to_vec()),
        expires in 1..=presign::MAX_EXPIRES_SECS,
        content_type in option::of(header_value()),
        target in target(),
        bucket in bucket(),
        addressing in addressing(),
    ) {
        let (unix_seconds, amz_date) = instant;
        let mut request = PresignRequest::new(Method::Get, target.endpoint, bucket, "a b/c")
            .region(region.as_str())
            .expires_in(Duration::from_secs(expires))
            .addressing(addressing);
        for (name, value) in &query {
            request = request.query(name.as_str(), value.as_str());
        }
        if let Some(value) = &content_type {
            request = request.header("Content-Type", value.as_str());
        }
        let mut credentials = Credentials::new(access_key.as_str(), SECRET);
        if let Some(token) = &token {
            credentials = credentials.with_session_token(token.as_str());
        }
        let presigned = presign(&request, &credentials, at(unix_seconds));
        prop_assert!(presigned.is_ok(), "{:?}", presigned);
        let presigned = presigned.unwrap();

        let signature = presigned.signature();
        prop_assert!(
            signature.len() == 64
                && signature.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "signature {:?}", signature
        );
        let owned = |name: &str, value: &str| (name.to_owned(), value.to_owned());
        let mut expected = query.clone();
        expected.push(owned("X-Amz-Algorithm", "AWS4-HMAC-SHA256"));
        expected.push(owned(
            "X-Amz-Credential",
            &format!("{access_key}/{}/{region}/s3/aws4_request", &amz_date[..8]),
        ));
        expected.push(owned("X-Amz-Date", amz_date));
        expected.push(owned("X-Amz-Expires", &expires.to_string()));
        let signed_headers = if content_type.is_some() { "content-type;host" } else { "host" };
        expected.push(owned("X-Amz-SignedHeaders", signed_headers));
        if let Some(token) = &token {
            expected.push(owned("X-Amz-Security-Token", token));
        }
        expected.push(owned("X-Amz-Signature", signature));

        let url = presigned.url();
        prop_assert!(url.is_ascii(), "non-ASCII byte in {}", url);
        prop_assert!(!url.contains(' '), "raw space in {}", url);
        let parts = split_url(url);
        prop_assert!(!parts.query.contains('+'), "'+' in the query of {}", url);
        prop_assert_eq!(&decoded_pairs(parts.query), &expected);

        let parsed = url::Url::parse(url);
        prop_assert!(parsed.is_ok(), "url rejects {}: {:?}", url, parsed);
        let by_url: Vec<(String, String)> = parsed
            .unwrap()
            .query_pairs()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        prop_assert_eq!(&by_url, &expected);
    }

    /// 3. Printable ASCII header values with any blanks sign; `headers()`
    /// returns them as given; the canonical request holds `name:` plus the
    /// value trimmed with inner runs of blanks collapsed.
    #[test]
    fn header_values_are_kept_as_given_and_canonicalised_trimmed_and_collapsed(
        headers in headers(),
        target in target(),
    ) {
        let mut request = PresignRequest::new(Method::Put, target.endpoint, "examplebucket", "k");
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let presigned = presign(&request, &credentials(), at(1_700_000_000));
        prop_assert!(presigned.is_ok(), "{:?}", presigned);
        let presigned = presigned.unwrap();

        let expected: Vec<(String, String)> = headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
            .collect();
        prop_assert_eq!(presigned.headers(), expected.as_slice());

        let canonical = presigned.canonical_request().as_str();
        let lines = canonical_header_lines(canonical);
        for (name, value) in &headers {
            let line = format!("{}:{}", name.to_ascii_lowercase(), collapse_blanks(value));
            prop_assert_eq!(
                lines.iter().filter(|l| **l == line).count(),
                1,
                "{:?} not once among {:?}", line, lines
            );
        }
    }

    /// 3b. A header value with a line break, another control character or a
    /// non-ASCII character is refused with an error naming the header.
    #[test]
    fn header_values_with_line_breaks_controls_or_non_ascii_are_refused(
        name in select(HEADER_NAMES),
        before in header_value(),
        bad in select(BAD_HEADER_CHARS),
        after in header_value(),
    ) {
        let value = format!("{before}{bad}{after}");
        let request = PresignRequest::new(Method::Put, "https://s3.amazonaws.com", "examplebucket", "k")
            .header(name, value.as_str());
        let result = presign(&request, &credentials(), at(1_700_000_000));
        prop_assert!(
            matches!(&result, Err(PresignError::InvalidHeader { name: refused, .. }) if refused == name),
            "{:?} for value {:?}", result, value
        );
    }

    /// 4. Whatever is in any field, `presign` returns (`Ok` or `Err`, whose
    /// message can be written) and never panics.
    #[test]
    fn presign_never_panics(
        method in any_method(),
        endpoint in any_endpoint(),
        bucket in any_bucket(),
        key in any_key(),
        region in any_region(),
        access_key in any_access_key(),
        secret in any_secret(),
        token in option::of(any_secret()),
        query in any_query_pairs(),
        headers in any_header_pairs(),
        expires in any_expiry(),
        allow_long_expiry in any::<bool>(),
        legacy_bucket_names in any::<bool>(),
        addressing in any_addressing(),
        now in any_time(),
    ) {
        let mut request = PresignRequest::new(method, endpoint, bucket, key)
            .region(region)
            .expires_in(expires)
            .allow_long_expiry(allow_long_expiry)
            .legacy_bucket_names(legacy_bucket_names)
            .addressing(addressing);
        for (name, value) in query {
            request = request.query(name, value);
        }
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let mut credentials = Credentials::new(access_key, secret);
        if let Some(token) = token {
            credentials = credentials.with_session_token(token);
        }
        match presign(&request, &credentials, now) {
            Ok(presigned) => prop_assert!(!presigned.url().is_empty()),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    /// 5a. Extra headers given in any order give the same signature.
    #[test]
    fn signature_does_not_depend_on_header_order(
        (headers, shuffled) in headers().prop_flat_map(|h| (Just(h.clone()), Just(h).prop_shuffle())),
        target in target(),
    ) {
        let sign = |headers: &[(String, String)]| {
            let mut request = PresignRequest::new(Method::Put, target.endpoint, "examplebucket", "k");
            for (name, value) in headers {
                request = request.header(name.as_str(), value.as_str());
            }
            presign(&request, &credentials(), at(1_700_000_000)).expect("valid request")
        };
        let (first, second) = (sign(&headers), sign(&shuffled));
        prop_assert_eq!(first.signature(), second.signature());
    }

    /// 5b. Extra query parameters appear in the URL in the order given,
    /// before the auth parameters, whatever that order is.
    #[test]
    fn url_query_keeps_the_order_of_extra_parameters(
        query in any_query(),
        target in target(),
    ) {
        let mut request = PresignRequest::new(Method::Get, target.endpoint, "examplebucket", "k");
        for (name, value) in &query {
            request = request.query(name.as_str(), value.as_str());
        }
        let presigned = presign(&request, &credentials(), at(1_700_000_000));
        prop_assert!(presigned.is_ok(), "{:?}", presigned);
        let presigned = presigned.unwrap();
        let pairs = decoded_pairs(split_url(presigned.url()).query);
        prop_assert_eq!(&pairs[..query.len()], query.as_slice());
        prop_assert_eq!(pairs[query.len()].0.as_str(), "X-Amz-Algorithm");
    }

    /// 5c. Extra query parameters given in any order give the same signature
    /// (the canonical query is sorted).
    #[test]
    fn signature_does_not_depend_on_query_order(
        (query, shuffled) in any_query().prop_flat_map(|q| (Just(q.clone()), Just(q).prop_shuffle())),
        target in target(),
    ) {
        let sign = |query: &[(String, String)]| {
            let mut request = PresignRequest::new(Method::Get, target.endpoint, "examplebucket", "k");
            for (name, value) in query {
                request = request.query(name.as_str(), value.as_str());
            }
            presign(&request, &credentials(), at(1_700_000_000)).expect("valid request")
        };
        let (first, second) = (sign(&query), sign(&shuffled));
        prop_assert_eq!(first.signature(), second.signature());
    }

    /// 5d. The canonical query line is the URL's query without the signature,
    /// sorted by encoded name, then encoded value, in byte order.
    #[test]
    fn canonical_query_line_is_sorted_by_encoded_name_then_value(
        query in any_query(),
        token in option::of("[!-~]{1,40}"),
        target in target(),
    ) {
        let mut request = PresignRequest::new(Method::Get, target.endpoint, "examplebucket", "k");
        for (name, value) in &query {
            request = request.query(name.as_str(), value.as_str());
        }
        let mut credentials = credentials();
        if let Some(token) = &token {
            credentials = credentials.with_session_token(token.as_str());
        }
        let presigned = presign(&request, &credentials, at(1_700_000_000));
        prop_assert!(presigned.is_ok(), "{:?}", presigned);
        let presigned = presigned.unwrap();

        let canonical = presigned.canonical_request().as_str();
        let line = canonical.split('\n').nth(2).expect("a query line");
        let canonical_pairs = raw_pairs(line);
        prop_assert!(
            // `str` orders by bytes; tuples by name, then value.
            canonical_pairs.is_sorted(),
            "not in byte order: {:?}", canonical_pairs
        );
        let mut url_pairs = raw_pairs(split_url(presigned.url()).query);
        let signature = url_pairs.pop().expect("the signature");
        prop_assert_eq!(signature.0, "X-Amz-Signature");
        url_pairs.sort_unstable();
        prop_assert_eq!(canonical_pairs, url_pairs);
    }

    /// 6a. The encoders emit only the unreserved set (and `/` in paths) plus
    /// `%XX` with upper-case hex, and decoding gives the input bytes back.
    #[test]
    fn encoder_emits_only_unreserved_and_upper_hex_and_decodes_to_the_input(
        input in prop_oneof![any::<String>(), atoms(0..32), query_value()],
    ) {
        for (encoded, keep_slash) in [(encode::path(&input), true), (encode::query(&input), false)] {
            check_alphabet(&encoded, keep_slash)?;
            prop_assert_eq!(decode_bytes(&encoded), input.as_bytes());
        }
    }

    /// 6b. The encoders escape only bytes outside the unreserved set (and
    /// never `/` in a path): nothing is encoded that need not be.
    #[test]
    fn encoder_escapes_only_reserved_bytes(
        input in prop_oneof![any::<String>(), atoms(0..32), query_value()],
    ) {
        for (encoded, keep_slash) in [(encode::path(&input), true), (encode::query(&input), false)] {
            for byte in check_alphabet(&encoded, keep_slash)? {
                prop_assert!(
                    !may_stay_unencoded(byte, keep_slash),
                    "{:#04x} needlessly escaped in {:?}", byte, encoded
                );
            }
        }
    }

    /// 7. The batch signer, one key at a time or two side by side, writes
    /// exactly `presign()`'s URL for any key of any length, and refuses
    /// exactly the keys `presign()` refuses, leaving their buffers as they were.
    #[test]
    fn batch_signer_alone_or_two_at_once_agrees_with_presign(
        first_key in any_key(),
        second_key in any_key(),
        target in target(),
        bucket in bucket(),
        addressing in addressing(),
        query in safe_query(),
        headers in option::of(headers()),
        time in select(INSTANTS.map(|(seconds, _)| seconds).to_vec()),
    ) {
        let mut template = PresignRequest::new(Method::Put, target.endpoint, bucket, "")
            .addressing(addressing);
        for (name, value) in &query {
            template = template.query(name, value);
        }
        for (name, value) in headers.iter().flatten() {
            template = template.header(name, value);
        }
        let now = at(time);
        let signer = presign::BatchSigner::new(&template, &credentials(), now);
        prop_assert!(signer.is_ok(), "{:?}", signer);
        let signer = signer.unwrap();
        let expected = [&first_key, &second_key].map(|key| {
            presign(&template.clone().with_key(key.as_str()), &credentials(), now)
                .map(|presigned| presigned.url().to_owned())
        });
        let (mut first, mut second) = (String::from("<"), String::from("<"));
        let results = signer.sign_two_into([&first_key, &second_key], [&mut first, &mut second]);
        for ((result, out), expected) in results.into_iter().zip([&first, &second]).zip(&expected) {
            match expected {
                Ok(url) => {
                    prop_assert!(result.is_ok(), "{:?}", result);
                    prop_assert_eq!(&out[1..], url.as_str());
                }
                Err(error) => {
                    prop_assert_eq!(result.as_ref().err(), Some(error));
                    prop_assert_eq!(out.as_str(), "<");
                }
            }
        }
        for (key, expected) in [&first_key, &second_key].into_iter().zip(&expected) {
            let mut alone = String::new();
            let result = signer.sign_into(key, &mut alone).map(|()| alone);
            prop_assert_eq!(&result, expected);
        }
    }

    /// 8. The one-URL signer, reused across requests, writes exactly
    /// `presign()`'s URL for any input, and refuses exactly what
    /// `presign()` refuses, with the same error, leaving the buffer as it
    /// was. Invalid credentials are refused when the signer is made.
    #[test]
    fn one_url_signer_agrees_with_presign_on_any_input(
        requests in vec((
            any_method(),
            any_endpoint(),
            any_bucket(),
            any_key(),
            any_region(),
            any_query_pairs(),
            any_header_pairs(),
            any_expiry(),
            any::<bool>(),
            any::<bool>(),
            (any_addressing(), any::<bool>()),
            any_time(),
        ), 1..4),
        access_key in any_access_key(),
        secret in any_secret(),
        token in option::of(any_secret()),
    ) {
        let mut credentials = Credentials::new(access_key, secret);
        if let Some(token) = token {
            credentials = credentials.with_session_token(token);
        }
        let signer = match presign::Signer::new(credentials.clone()) {
            Ok(signer) => signer,
            Err(error) => {
                // Only credentials are checked up front, with presign's error.
                let probe = PresignRequest::new(Method::Get, "https://s3.amazonaws.com", "bucket", "k");
                prop_assert_eq!(Err(error), presign(&probe, &credentials, at(1_700_000_000)).map(|_| ()));
                return Ok(());
            }
        };
        for (method, endpoint, bucket, key, region, query, headers, expires, long, legacy, (addressing, on_bucket), now) in requests {
            let mut request = PresignRequest::new(method, endpoint, bucket, key)
                .region(region)
                .expires_in(expires)
                .allow_long_expiry(long)
                .legacy_bucket_names(legacy)
                .addressing(addressing)
                .bucket_operation(on_bucket);
            for (name, value) in query {
                request = request.query(name, value);
            }
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let expected = presign(&request, &credentials, now).map(|presigned| presigned.url().to_owned());
            let mut out = String::from("<");
            let result = signer.sign_into(&request, now, &mut out).map(|()| out[1..].to_owned());
            prop_assert_eq!(&result, &expected);
            if result.is_err() {
                prop_assert_eq!(out.as_str(), "<");
            }
        }
    }

    /// 9. The same on valid inputs only (every case signs): one signer, any
    /// method, key, query, headers, region and instant, URL for URL.
    #[test]
    fn one_url_signer_writes_presigns_url_for_valid_requests(
        requests in vec((
            any_method(),
            target(),
            bucket(),
            object_key(),
            select(vec!["us-east-1", "eu-de", "", "ap-southeast-2", "auto"]),
            any_query(),
            option::of(headers()),
            addressing(),
            any_time(),
            any::<bool>(),
        ), 1..6),
        token in option::of("[!-~]{1,300}"),
    ) {
        let credentials = match token {
            Some(token) => credentials().with_session_token(token),
            None => credentials(),
        };
        let signer = presign::Signer::new(credentials.clone()).unwrap();
        for (method, target, bucket, key, region, query, headers, addressing, now, on_bucket) in requests {
            // A bucket operation (a listing) has no key.
            let key = if on_bucket { String::new() } else { key };
            let mut request = PresignRequest::new(method, target.endpoint, bucket, key)
                .region(region)
                .addressing(addressing)
                .bucket_operation(on_bucket);
            for (name, value) in query {
                request = request.query(name, value);
            }
            for (name, value) in headers.into_iter().flatten() {
                request = request.header(name, value);
            }
            let expected = presign(&request, &credentials, now);
            prop_assume!(!matches!(expected, Err(PresignError::TimeOutOfRange)));
            prop_assert!(expected.is_ok(), "{:?}", expected);
            let expected = expected.unwrap();
            let url = signer.sign(&request, now);
            prop_assert_eq!(url.as_deref(), Ok(expected.url()));
        }
    }

    /// 10. Within a second the one-URL signer reuses what it wrote for a
    /// shape (its batch signer of that second): many keys of a few shapes,
    /// interleaved, some in the same second and some in the next ones, and
    /// now and then a key S3 refuses: URL for URL and error for error.
    #[test]
    fn one_url_signer_reuses_a_shape_within_a_second_without_mixing_them_up(
        shapes in vec((
            any_method(),
            target(),
            bucket(),
            select(vec!["us-east-1", "eu-de", ""]),
            any_query(),
            option::of(headers()),
            addressing(),
        ), 1..4),
        steps in vec((0..3usize, prop_oneof![
            8 => object_key(),
            1 => Just(String::new()),
            1 => Just("k".repeat(1025)),
        ], 0..3u64, 0..1000u32), 1..40),
        start in 1_600_000_000u64..1_800_000_000,
    ) {
        let signer = presign::Signer::new(credentials()).unwrap();
        let mut second = start;
        for (shape, key, later, millis) in steps {
            let (method, target, bucket, region, query, headers, addressing) = &shapes[shape % shapes.len()];
            let mut request = PresignRequest::new(*method, target.endpoint, *bucket, key)
                .region(*region)
                .addressing(*addressing);
            for (name, value) in query {
                request = request.query(name.clone(), value.clone());
            }
            for (name, value) in headers.iter().flatten() {
                request = request.header(name.clone(), value.clone());
            }
            second += later;
            let now = at(second) + Duration::from_millis(u64::from(millis));
            let expected = presign(&request, &credentials(), now).map(|presigned| presigned.url().to_owned());
            prop_assert_eq!(signer.sign(&request, now), expected);
        }
    }
}
