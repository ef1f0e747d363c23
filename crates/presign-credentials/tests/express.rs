//! S3 Express One Zone sessions (`ExpressSessions`) against loopback stubs
//! that answer `CreateSession` as S3 documents it, and against botocore as
//! the oracle (`PRESIGN_PYTHON`, from `scripts/setup-python.sh`): boto3,
//! pointed at the same stub at the same fixed time with the same keys,
//! sends the same `CreateSession` request, and its presigned URL is the one
//! the session's keys give.
//!
//! Without `PRESIGN_PYTHON` the oracle tests are skipped with a notice;
//! under CI (`CI` set) they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use common::{Python, Reply, Request, Stub};
use presign::{AmzDate, Credentials};
use presign_config::{Environment, TransportOverrides, resolve_transport};
use presign_credentials::{CredentialsError, ExpressSessions, Fetcher};

const BUCKET: &str = "mybucket--usw2-az1--x-s3";
const REGION: &str = "us-west-2";
const IAM_KEY: &str = "AKIDEXAMPLE";
const IAM_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The fixed instant both sides sign at.
const NOW: &str = "2026-12-06T16:04:05Z";
/// `CreateSession`'s payload hash: the SHA-256 of the empty body.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn now() -> SystemTime {
    AmzDate::parse_rfc3339(NOW).unwrap().to_system_time()
}

fn iam() -> Credentials {
    Credentials::new(IAM_KEY, IAM_SECRET)
}

fn sessions() -> ExpressSessions {
    let env = Environment::from_vars(Vec::<(String, String)>::new(), None);
    ExpressSessions::new(Fetcher::new(
        resolve_transport(&TransportOverrides::default(), &env).unwrap(),
    ))
}

/// A `CreateSession` answer as S3 sends it.
fn session_xml(key: &str, secret: &str, token: &str, expiration: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateSessionResult \
         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Credentials>\
         <SessionToken>{token}</SessionToken><SecretAccessKey>{secret}</SecretAccessKey>\
         <AccessKeyId>{key}</AccessKeyId><Expiration>{expiration}</Expiration>\
         </Credentials></CreateSessionResult>"
    )
}

/// The bucket named by a path-style `CreateSession` target
/// (`/BUCKET?session`).
fn bucket_of(request: &Request) -> String {
    request.path().trim_start_matches('/').to_owned()
}

/// A stub that answers each request with a new session for the bucket, numbered per call
/// (`ASIA<n>-<bucket>`), expiring five minutes after [`NOW`].
fn session_stub() -> Stub {
    let calls = AtomicUsize::new(0);
    Stub::start(move |request| {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        let bucket = bucket_of(request);
        Reply::xml(
            200,
            &session_xml(
                &format!("ASIA{n}-{bucket}"),
                &format!("secret{n}"),
                &format!("token{n}"),
                "2026-12-06T16:09:05Z",
            ),
        )
    })
}

/// What every `CreateSession` call for `bucket` signed at `amz_date` has:
/// GET `/BUCKET?session` (path style, as botocore sends it to a custom
/// endpoint), the empty body's hash, signed for service `s3express` with
/// `host`, `x-amz-content-sha256` and `x-amz-date`. (That the signature is
/// botocore's is the oracle test's part.)
fn assert_create_session_shape(request: &Request, bucket: &str, amz_date: &str) {
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, format!("/{bucket}?session"));
    assert_eq!(request.header("x-amz-content-sha256"), Some(EMPTY_SHA256));
    assert_eq!(request.header("x-amz-date"), Some(amz_date));
    assert_eq!(request.header("x-amz-security-token"), None);
    let authorization = request.header("authorization").unwrap();
    assert!(
        authorization.starts_with(&format!(
            "AWS4-HMAC-SHA256 Credential={IAM_KEY}/{}/{REGION}/s3express/aws4_request, \
             SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=",
            &amz_date[..8]
        )),
        "{authorization}"
    );
    assert!(request.body.is_empty());
}

fn url_of(stub: &Stub, bucket: &str) -> String {
    format!("{}/{bucket}", stub.url())
}

// ---------------------------------------------------------------- stubs

#[test]
fn the_session_credentials_come_back_and_are_kept_until_45_s_before_expiry() {
    let stub = session_stub();
    let sessions = sessions();
    let url = url_of(&stub, BUCKET);
    let first = sessions
        .credentials_for(BUCKET, &url, REGION, &iam(), now())
        .unwrap();
    assert_eq!(first.access_key_id(), format!("ASIA1-{BUCKET}"));
    assert_eq!(first.reveal_secret_access_key(), "secret1");
    assert_eq!(first.session_token(), Some("token1"));
    assert_create_session_shape(&stub.requests()[0], BUCKET, "20261206T160405Z");
    // 46 s left: kept, no call.
    let later = now() + Duration::from_secs(254);
    let again = sessions
        .credentials_for(BUCKET, &url, REGION, &iam(), later)
        .unwrap();
    assert_eq!(again.access_key_id(), first.access_key_id());
    assert_eq!(stub.requests().len(), 1, "a fresh session was asked again");
    // 44 s left: inside botocore's advisory window, refreshed, the call
    // signed at that instant.
    let inside = now() + Duration::from_secs(256);
    let refreshed = sessions
        .credentials_for(BUCKET, &url, REGION, &iam(), inside)
        .unwrap();
    assert_eq!(refreshed.access_key_id(), format!("ASIA2-{BUCKET}"));
    assert_eq!(refreshed.session_token(), Some("token2"));
    let requests = stub.requests();
    assert_eq!(requests.len(), 2);
    assert_create_session_shape(&requests[1], BUCKET, "20261206T160821Z");
    assert_eq!(sessions.cached_buckets(), 1);
}

/// `session_for` answers the session's `<Expiration>` with its keys;
/// `fresh_session` answers the kept session, without a call, only while it
/// has more than 45 s left, and nothing for a bucket never asked for.
#[test]
fn the_session_comes_with_its_expiry_and_a_fresh_one_is_found_without_a_call() {
    let stub = session_stub();
    let sessions = sessions();
    let url = url_of(&stub, BUCKET);
    assert!(
        sessions
            .fresh_session(BUCKET, &url, &iam(), now())
            .is_none()
    );
    let (credentials, expires_at) = sessions
        .session_for(BUCKET, &url, REGION, &iam(), now())
        .unwrap();
    assert_eq!(credentials.access_key_id(), format!("ASIA1-{BUCKET}"));
    assert_eq!(
        expires_at,
        AmzDate::parse_rfc3339("2026-12-06T16:09:05Z")
            .unwrap()
            .to_system_time()
    );
    let (kept, kept_expiry) = sessions
        .fresh_session(BUCKET, &url, &iam(), now() + Duration::from_secs(254))
        .unwrap();
    assert_eq!(kept.access_key_id(), credentials.access_key_id());
    assert_eq!(kept.session_token(), Some("token1"));
    assert_eq!(kept_expiry, expires_at);
    assert!(
        sessions
            .fresh_session(BUCKET, &url, &iam(), now() + Duration::from_secs(256))
            .is_none(),
        "inside the advisory window a refresh is due"
    );
    let other = Credentials::new("AKIDOTHER", IAM_SECRET);
    assert!(
        sessions
            .fresh_session(BUCKET, &url, &other, now())
            .is_none()
    );
    assert_eq!(stub.requests().len(), 1);
}

/// A stub whose `n`th answer is `answers(n)` (from 1), recording calls.
fn scripted_stub(answers: impl Fn(usize, &Request) -> Reply + Send + Sync + 'static) -> Stub {
    let calls = AtomicUsize::new(0);
    Stub::start(move |request| {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        answers(n, request)
    })
}

fn numbered_session(n: usize, expiration: &str) -> Reply {
    Reply::xml(
        200,
        &session_xml(
            &format!("ASIA{n}"),
            &format!("secret{n}"),
            &format!("token{n}"),
            expiration,
        ),
    )
}

fn access_denied() -> Reply {
    Reply::xml(
        403,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>\
         <Message>Access Denied</Message><RequestId>R1</RequestId><HostId>H1</HostId></Error>",
    )
}

#[test]
fn a_failed_advisory_refresh_keeps_the_session_a_failed_mandatory_one_is_an_error() {
    let stub = scripted_stub(|n, _| match n {
        1 => numbered_session(1, "2026-12-06T16:09:05Z"),
        _ => access_denied(),
    });
    let sessions = sessions();
    let url = url_of(&stub, BUCKET);
    sessions
        .credentials_for(BUCKET, &url, REGION, &iam(), now())
        .unwrap();
    // 30 s left: a refresh is tried, fails, and the session still serves.
    let advisory = now() + Duration::from_secs(270);
    let kept = sessions
        .credentials_for(BUCKET, &url, REGION, &iam(), advisory)
        .unwrap();
    assert_eq!(kept.access_key_id(), "ASIA1");
    assert_eq!(stub.requests().len(), 2);
    // 5 s left: the refresh must succeed; its error is the caller's.
    let mandatory = now() + Duration::from_secs(295);
    let error = sessions
        .credentials_for(BUCKET, &url, REGION, &iam(), mandatory)
        .unwrap_err();
    assert!(
        matches!(&error, CredentialsError::ExpressRefused { code, status: 403, .. } if code == "AccessDenied"),
        "{error}"
    );
    assert_eq!(stub.requests().len(), 3);
}

#[test]
fn two_buckets_are_two_sessions_and_two_iam_keys_too() {
    let stub = session_stub();
    let sessions = sessions();
    let other = "other--usw2-az1--x-s3";
    let a = sessions
        .credentials_for(BUCKET, &url_of(&stub, BUCKET), REGION, &iam(), now())
        .unwrap();
    let b = sessions
        .credentials_for(other, &url_of(&stub, other), REGION, &iam(), now())
        .unwrap();
    assert_eq!(a.access_key_id(), format!("ASIA1-{BUCKET}"));
    assert_eq!(b.access_key_id(), format!("ASIA2-{other}"));
    let requests = stub.requests();
    assert_eq!(requests.len(), 2);
    assert_create_session_shape(&requests[0], BUCKET, "20261206T160405Z");
    assert_create_session_shape(&requests[1], other, "20261206T160405Z");
    assert_eq!(sessions.cached_buckets(), 2);
    // Each bucket's session is kept apart.
    let a_again = sessions
        .credentials_for(BUCKET, &url_of(&stub, BUCKET), REGION, &iam(), now())
        .unwrap();
    assert_eq!(a_again.access_key_id(), a.access_key_id());
    assert_eq!(stub.requests().len(), 2);
}

#[test]
fn another_iam_identity_gets_its_own_session() {
    let stub = scripted_stub(|n, _| numbered_session(n, "2026-12-06T16:09:05Z"));
    let sessions = sessions();
    let url = url_of(&stub, BUCKET);
    let mine = sessions
        .credentials_for(BUCKET, &url, REGION, &iam(), now())
        .unwrap();
    let theirs = Credentials::new("AKIDOTHER", "other-secret");
    let other = sessions
        .credentials_for(BUCKET, &url, REGION, &theirs, now())
        .unwrap();
    assert_eq!(
        (mine.access_key_id(), other.access_key_id()),
        ("ASIA1", "ASIA2")
    );
    let authorization = stub.requests()[1]
        .header("authorization")
        .unwrap()
        .to_owned();
    assert!(
        authorization.contains("Credential=AKIDOTHER/"),
        "{authorization}"
    );
}

#[test]
fn an_error_answer_names_the_bucket_and_endpoint_and_is_not_kept() {
    let stub = scripted_stub(|_, _| {
        Reply::xml(
            404,
            "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>\
             <BucketName>mybucket--usw2-az1--x-s3</BucketName></Error>",
        )
    });
    let sessions = sessions();
    let url = url_of(&stub, BUCKET);
    let error = sessions
        .credentials_for(BUCKET, &url, REGION, &iam(), now())
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "S3 Express refused a session for bucket {BUCKET} at {url} (HTTP 404): NoSuchBucket: \
             The specified bucket does not exist; check the bucket's name"
        )),
        "{message}"
    );
    assert!(!message.contains(IAM_SECRET));
    assert_eq!(sessions.cached_buckets(), 0, "a failed bucket was kept");
    // Nothing was kept: the next call asks again (as botocore's lru_cache,
    // which does not keep exceptions).
    sessions
        .credentials_for(BUCKET, &url, REGION, &iam(), now())
        .unwrap_err();
    assert_eq!(stub.requests().len(), 2);
}

#[test]
fn a_session_that_has_already_expired_is_refused_with_the_clock_named() {
    let stub = scripted_stub(|n, _| numbered_session(n, "2026-12-06T16:04:00Z"));
    let error = sessions()
        .credentials_for(BUCKET, &url_of(&stub, BUCKET), REGION, &iam(), now())
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, CredentialsError::ExpressAnswer { .. }),
        "{message}"
    );
    assert!(
        message.contains("expired at 2026-12-06T16:04:00Z, before now (2026-12-06T16:04:05Z)")
            && message.contains("clock"),
        "{message}"
    );
    assert!(!message.contains("secret1") && !message.contains("token1"));
}

#[test]
fn a_hanging_endpoint_times_out_and_names_the_bucket() {
    let stub = Stub::start(|_| Reply::stall());
    let sessions = sessions().with_timeout(Duration::from_secs(1));
    let started = Instant::now();
    let error = sessions
        .credentials_for(BUCKET, &url_of(&stub, BUCKET), REGION, &iam(), now())
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    let message = error.to_string();
    assert!(
        matches!(error, CredentialsError::ExpressUnreachable { .. }),
        "{message}"
    );
    assert!(
        message.contains(BUCKET) && message.contains("no answer within 1 s"),
        "{message}"
    );
}

#[test]
fn a_slow_bucket_does_not_hold_callers_for_another() {
    let slow = "slow--usw2-az1--x-s3";
    let stub = Stub::start(move |request| {
        if bucket_of(request) == slow {
            thread::sleep(Duration::from_secs(3));
        }
        numbered_session(1, "2026-12-06T16:09:05Z")
    });
    let sessions = Arc::new(sessions());
    let slow_call = {
        let sessions = Arc::clone(&sessions);
        let url = url_of(&stub, slow);
        thread::spawn(move || sessions.credentials_for(slow, &url, REGION, &iam(), now()))
    };
    // Wait until the slow call is in progress.
    let deadline = Instant::now() + Duration::from_secs(5);
    while stub.requests().is_empty() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    let started = Instant::now();
    sessions
        .credentials_for(BUCKET, &url_of(&stub, BUCKET), REGION, &iam(), now())
        .unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_millis(1500),
        "the second bucket waited {elapsed:?}"
    );
    slow_call.join().unwrap().unwrap();
}

#[test]
fn callers_waiting_for_the_same_bucket_share_one_call() {
    let stub = Stub::start(|_| {
        thread::sleep(Duration::from_millis(300));
        numbered_session(1, "2026-12-06T16:09:05Z")
    });
    let sessions = Arc::new(sessions());
    let url = url_of(&stub, BUCKET);
    let callers: Vec<_> = (0..8)
        .map(|_| {
            let sessions = Arc::clone(&sessions);
            let url = url.clone();
            thread::spawn(move || sessions.credentials_for(BUCKET, &url, REGION, &iam(), now()))
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.join().unwrap().unwrap().access_key_id(), "ASIA1");
    }
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn the_table_is_bounded_and_drops_the_least_recently_used_bucket() {
    let stub = session_stub();
    let sessions = sessions().with_capacity(2);
    let names = [
        "a--usw2-az1--x-s3",
        "b--usw2-az1--x-s3",
        "c--usw2-az1--x-s3",
    ];
    let get = |name: &str| {
        sessions
            .credentials_for(name, &url_of(&stub, name), REGION, &iam(), now())
            .unwrap()
    };
    get(names[0]);
    get(names[1]);
    get(names[0]); // a is now more recent than b
    get(names[2]); // b is dropped
    assert_eq!(sessions.cached_buckets(), 2);
    assert_eq!(stub.requests().len(), 3);
    get(names[0]); // still kept
    assert_eq!(stub.requests().len(), 3);
    get(names[1]); // asked again
    assert_eq!(stub.requests().len(), 4);
    assert_eq!(sessions.cached_buckets(), 2);
}

#[test]
fn a_name_longer_than_a_bucket_is_refused_without_a_call() {
    let stub = session_stub();
    let sessions = sessions();
    let long = "x".repeat(64);
    let error = sessions
        .credentials_for(&long, &url_of(&stub, &long), REGION, &iam(), now())
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("at most 63 characters, this one 64"),
        "{error}"
    );
    assert!(stub.requests().is_empty());
    assert_eq!(sessions.cached_buckets(), 0);
    // Counted in characters, as the message says.
    let wide = "é".repeat(64);
    let error = sessions
        .credentials_for(&wide, &url_of(&stub, "x"), REGION, &iam(), now())
        .unwrap_err();
    assert!(error.to_string().contains("this one 64"), "{error}");
}

#[test]
fn debug_output_holds_no_session_secret() {
    let stub = session_stub();
    let sessions = sessions();
    sessions
        .credentials_for(BUCKET, &url_of(&stub, BUCKET), REGION, &iam(), now())
        .unwrap();
    let shown = format!("{sessions:?}");
    assert!(shown.contains("cached_buckets: 1"), "{shown}");
    for secret in ["secret1", "token1", IAM_SECRET] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

// ---------------------------------------------------------------- botocore

/// boto3 presigns `get_object` for [`BUCKET`] through the stub at
/// `sys.argv[1]` (its `CreateSession` goes there first), at [`NOW`], with
/// the IAM keys and, when `sys.argv[2]` is not empty, that session token.
/// The SDK's own telemetry headers are left as they are: they are not
/// signed (see the comparison).
const BOTO3_PRESIGN: &str = r#"
import datetime, sys
from unittest import mock
import boto3
endpoint, token = sys.argv[1], sys.argv[2] or None
s3 = boto3.client("s3", region_name="us-west-2", endpoint_url=endpoint,
                  aws_access_key_id="AKIDEXAMPLE",
                  aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                  aws_session_token=token)
with mock.patch("botocore.auth.get_current_datetime",
                return_value=datetime.datetime(2026, 12, 6, 16, 4, 5)):
    print(s3.generate_presigned_url("get_object",
          Params={"Bucket": "mybucket--usw2-az1--x-s3", "Key": "a b/c.txt"}, ExpiresIn=300))
"#;

/// Headers the two HTTP clients add for themselves, outside the signature
/// (botocore's `User-Agent`, which it never signs; its retry telemetry
/// `amz-sdk-invocation-id` and `amz-sdk-request`, added after signing;
/// `Accept-Encoding`/`Accept`).
const CLIENT_HEADERS: [&str; 5] = [
    "user-agent",
    "accept",
    "accept-encoding",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
];

fn protocol_headers(request: &Request) -> Vec<(String, String)> {
    request
        .headers
        .iter()
        .filter(|(name, _)| !CLIENT_HEADERS.contains(&name.as_str()))
        .cloned()
        .collect()
}

/// The stub for the oracle: the session expires in 2099, since botocore
/// times it by the real clock.
fn oracle_stub() -> Stub {
    Stub::start(|_| {
        Reply::xml(
            200,
            &session_xml(
                "ASIASESSIONEXAMPLE",
                "session/Secret+Key=",
                "session+token/with=chars",
                "2099-12-06T16:09:05Z",
            ),
        )
    })
}

#[test]
fn botocore_sends_the_same_create_session_request() {
    let Some(python) = Python::find() else { return };
    for token in [None, Some("iam-session/token+==")] {
        let stub = oracle_stub();
        let url = python.run(
            BOTO3_PRESIGN,
            &[stub.url(), token.unwrap_or("")],
            Vec::<(String, String)>::new(),
        );
        let mut base = iam();
        if let Some(token) = token {
            base = base.with_session_token(token);
        }
        let ours = sessions()
            .credentials_for(BUCKET, &url_of(&stub, BUCKET), REGION, &base, now())
            .unwrap();
        let requests = stub.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        let (theirs, mine) = (&requests[0], &requests[1]);
        assert_eq!(mine.method, theirs.method);
        assert_eq!(mine.target, theirs.target);
        assert_eq!(mine.body, theirs.body);
        assert_eq!(protocol_headers(mine), protocol_headers(theirs));
        // The session boto3 signed its URL with is the one returned here.
        let url = url.trim();
        assert!(
            url.contains("X-Amz-Credential=ASIASESSIONEXAMPLE%2F20261206%2Fus-west-2%2Fs3express%2Faws4_request"),
            "{url}"
        );
        assert!(
            url.contains(&format!(
                "X-Amz-S3session-Token={}",
                presign::encode::query(ours.session_token().unwrap())
            )),
            "{url}"
        );
        assert_eq!(ours.access_key_id(), "ASIASESSIONEXAMPLE");
        assert_eq!(ours.reveal_secret_access_key(), "session/Secret+Key=");
    }
}

/// The URL boto3 presigns with the session is the SigV4 query signature of
/// the session's keys for service `s3express`, with the session token in
/// `X-Amz-S3session-Token` (signed, and placed after
/// `X-Amz-SignedHeaders`, before `X-Amz-Signature`) and no
/// `X-Amz-Security-Token`. It is built here from the core's public stages,
/// as an executable statement of what `presign()` must write for an Express
/// bucket with session auth; once `PresignRequest` signs Express sessions
/// itself, the same expected URL is `presign()`'s.
#[test]
fn botocore_presigns_with_the_session_keys_and_token() {
    let Some(python) = Python::find() else { return };
    let stub = oracle_stub();
    let url = python.run(
        BOTO3_PRESIGN,
        &[stub.url(), ""],
        Vec::<(String, String)>::new(),
    );
    let session = sessions()
        .credentials_for(BUCKET, &url_of(&stub, BUCKET), REGION, &iam(), now())
        .unwrap();
    let expected = express_url(
        stub.url(),
        &format!("/{BUCKET}/{}", presign::encode::path("a b/c.txt")),
        &session,
        300,
    );
    assert_eq!(url.trim(), expected);
}

/// boto3 with its default endpoint (the zonal host over https), every
/// request caught before it is sent (botocore's `before-send` event) and
/// answered with the session `sys.argv[1]`: prints the requests it would
/// have sent and the presigned URL, as JSON.
const BOTO3_ZONAL: &str = r#"
import datetime, json, sys
from unittest import mock
import boto3
from botocore.awsrequest import AWSResponse
class Raw:
    def __init__(self, body): self.body = body
    def stream(self, *args, **kwargs): yield self.body
sent = []
def before_send(request, **kwargs):
    sent.append({"method": request.method, "url": request.url,
                 "headers": [[name, value.decode() if isinstance(value, bytes) else value]
                             for name, value in request.headers.items()]})
    return AWSResponse(request.url, 200, {"Content-Type": "application/xml"}, Raw(sys.argv[1].encode()))
s3 = boto3.client("s3", region_name="us-west-2", aws_access_key_id="AKIDEXAMPLE",
                  aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                  aws_session_token=sys.argv[2] or None)
s3.meta.events.register("before-send", before_send)
with mock.patch("botocore.auth.get_current_datetime",
                return_value=datetime.datetime(2026, 12, 6, 16, 4, 5)):
    url = s3.generate_presigned_url("get_object",
          Params={"Bucket": "mybucket--usw2-az1--x-s3", "Key": "a b/c.txt"}, ExpiresIn=300)
print(json.dumps({"sent": sent, "url": url}))
"#;

/// The zonal host botocore's endpoint rules give [`BUCKET`] in us-west-2.
const ZONAL_URL: &str =
    "https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com";

#[test]
fn botocore_signs_the_same_create_session_for_the_zonal_host() {
    let Some(python) = Python::find() else { return };
    let answer = session_xml(
        "ASIASESSIONEXAMPLE",
        "session/Secret+Key=",
        "session+token/with=chars",
        "2099-12-06T16:09:05Z",
    );
    for token in [None, Some("iam-session/token+==")] {
        let out = python.run(
            BOTO3_ZONAL,
            &[&answer, token.unwrap_or("")],
            Vec::<(String, String)>::new(),
        );
        let boto: serde_json::Value = serde_json::from_str(&out).unwrap();
        let sent = boto["sent"].as_array().unwrap();
        assert_eq!(sent.len(), 1, "{out}");
        let mut base = iam();
        if let Some(token) = token {
            base = base.with_session_token(token);
        }
        let call =
            presign_config::sources::create_session_call(ZONAL_URL, REGION, &base, now()).unwrap();
        assert_eq!(sent[0]["method"], "GET");
        assert_eq!(sent[0]["url"].as_str(), Some(call.url()));
        let theirs: Vec<(String, String)> = sent[0]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap().to_owned(),
                    pair[1].as_str().unwrap().to_owned(),
                )
            })
            .filter(|(name, _)| !CLIENT_HEADERS.contains(&name.to_ascii_lowercase().as_str()))
            .collect();
        let ours: Vec<(String, String)> = call
            .headers()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        assert_eq!(ours, theirs);
        // And the URL boto3 presigns with that session.
        let session = presign::CreateSessionResult::parse(&answer).unwrap();
        let expected = express_url(
            ZONAL_URL,
            &format!("/{}", presign::encode::path("a b/c.txt")),
            &session.credentials,
            300,
        );
        assert_eq!(boto["url"].as_str(), Some(expected.as_str()));
    }
}

/// The session-signed presigned GET URL at [`NOW`], from the core's stages.
fn express_url(origin: &str, encoded_path: &str, session: &Credentials, expires: u64) -> String {
    let date = AmzDate::from_system_time(now()).unwrap();
    let scope = presign::CredentialScope::new(date.date_stamp(), REGION, "s3express");
    let token = session.session_token().unwrap();
    let params = [
        ("X-Amz-Algorithm", presign::ALGORITHM.to_owned()),
        (
            "X-Amz-Credential",
            presign::encode::query(&format!("{}/{}", session.access_key_id(), scope.as_str())),
        ),
        ("X-Amz-Date", date.as_str().to_owned()),
        ("X-Amz-Expires", expires.to_string()),
        ("X-Amz-SignedHeaders", "host".to_owned()),
        ("X-Amz-S3session-Token", presign::encode::query(token)),
    ];
    let query: Vec<(String, String)> = params
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    let host = origin
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let headers = presign::canonical::CanonicalHeaders::new([("host", host)]);
    let canonical = presign::canonical::CanonicalRequest::new(
        "GET",
        encoded_path,
        &query,
        &headers,
        presign::UNSIGNED_PAYLOAD,
    );
    let string_to_sign = presign::StringToSign::new(date, &scope, &canonical);
    let signature = presign::SigningKey::derive(
        session.reveal_secret_access_key(),
        date.date_stamp(),
        REGION,
        "s3express",
    )
    .sign(string_to_sign.as_str().as_bytes());
    let query: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    format!(
        "{origin}{encoded_path}?{}&X-Amz-Signature={signature}",
        query.join("&")
    )
}
