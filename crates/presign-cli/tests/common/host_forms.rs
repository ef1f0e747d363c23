//! The AWS host forms (access points, Object Lambda, Outposts, Multi-Region
//! Access Points, directory buckets) as the `presign` binary signs them, for
//! the tests that read its URLs back (`inspect.rs`, `verify.rs`).

/// The instant the host form URLs are signed at.
pub(crate) const FORMS_AT: &str = "2026-12-06T12:00:00Z";
pub(crate) const ACCOUNT_AP: &str = "arn:aws:s3:us-west-2:123456789012:accesspoint/reports";
pub(crate) const OBJECT_LAMBDA_AP: &str =
    "arn:aws:s3-object-lambda:us-west-2:123456789012:accesspoint/banner";
pub(crate) const OUTPOSTS_AP: &str =
    "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01234567890123456/accesspoint/reports";
pub(crate) const MRAP: &str = "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap";
pub(crate) const DIRECTORY_BUCKET: &str = "reports--usw2-az1--x-s3";

/// A `CreateSession` answer as S3 sends it (the form of the S3 API
/// reference's example; the keys are the session's).
pub(crate) const EXPRESS_SESSION_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateSessionResult \
     xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Credentials>\
     <SessionToken>session+token/with=chars</SessionToken>\
     <SecretAccessKey>session/Secret+Key=</SecretAccessKey>\
     <AccessKeyId>ASIASESSIONEXAMPLE</AccessKeyId>\
     <Expiration>2099-12-06T16:09:05Z</Expiration></Credentials></CreateSessionResult>";

/// A loopback S3 Express zonal endpoint: `GET /BUCKET?session` answers
/// [`EXPRESS_SESSION_XML`] (`CreateSession`), anything else 400.
pub(crate) fn create_session_stub() -> presign_test_support::Stub {
    use presign_test_support::{Reply, Stub};
    Stub::start(|request| {
        if request.query() == "session" && request.method == "GET" {
            Reply::xml(200, EXPRESS_SESSION_XML)
        } else {
            Reply::xml(400, "<Error><Code>InvalidRequest</Code></Error>")
        }
    })
}

/// The URL `presign --at FORMS_AT [--region us-west-2] [flags] s3://BUCKET/k.txt`
/// prints with the keys `(id, secret)` and `vars` in the environment
/// (`--region us-west-2` unless `flags` give a region).
pub(crate) fn presigned_as(
    (id, secret): (&str, &str),
    bucket: &str,
    flags: &[&str],
    vars: &[(&str, &str)],
) -> String {
    let mut home = presign_test_support::Home::new();
    home.set("AWS_ACCESS_KEY_ID", id)
        .set("AWS_SECRET_ACCESS_KEY", secret);
    for (name, value) in vars {
        home.set(name, value);
    }
    let uri = format!("s3://{bucket}/k.txt");
    let mut args = vec!["--at", FORMS_AT];
    if !flags.contains(&"--region") {
        args.extend(["--region", "us-west-2"]);
    }
    args.extend_from_slice(flags);
    args.push(&uri);
    super::only_line(&super::presign_in(&home, &args).ok()).to_owned()
}

/// `url` with its credential scope's `/from/` part replaced by `/to/`.
pub(crate) fn rescoped(url: &str, from: &str, to: &str) -> String {
    let changed = url.replacen(&format!("%2F{from}%2F"), &format!("%2F{to}%2F"), 1);
    assert_ne!(changed, url, "no %2F{from}%2F in {url}");
    changed
}
