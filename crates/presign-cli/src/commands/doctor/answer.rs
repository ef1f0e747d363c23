//! Reading a server's answer to the presigned bucket request: which part of
//! the set-up it blames (key id, secret, region, endpoint, bucket, clock) and
//! the flag that fixes it.

use std::collections::HashMap;

use presign_config::{Provider, region_from_endpoint, region_from_host};

use super::report::{Check, Status};

pub(crate) const NAME: &str = "credentials and region";

/// An HTTP answer, as far as the checks need it.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// `x-amz-bucket-region`.
    pub(crate) bucket_region: Option<String>,
    /// The children of an `<Error>` document (`Code`, `Message`, `Region`,
    /// `Endpoint`, ...); empty when the body is not one.
    pub(crate) error: HashMap<String, String>,
    /// What came instead of an S3 answer (an `<Error>` or a bucket listing):
    /// the content type and the start of the body, e.g. `text/html
    /// "<!DOCTYPE html><html>..."`; `None` for an S3 answer, or an error
    /// without a body.
    pub(crate) not_s3: Option<String>,
}

/// The root elements of the S3 answers to the bucket request.
const S3_ROOTS: [&str; 2] = ["Error", "ListBucketResult"];

impl Answer {
    pub(crate) fn new(
        status: u16,
        bucket_region: Option<String>,
        content_type: Option<&str>,
        body: &str,
    ) -> Self {
        let is_s3 = roxmltree::Document::parse(body)
            .is_ok_and(|document| S3_ROOTS.contains(&document.root_element().tag_name().name()));
        let bodiless_error = !(200..300).contains(&status) && body.trim().is_empty();
        Self {
            status,
            bucket_region: bucket_region.filter(|r| !r.is_empty()),
            error: error_fields(body),
            not_s3: (!is_s3 && !bodiless_error).then(|| seen(content_type, body)),
        }
    }

    pub(crate) fn code(&self) -> Option<&str> {
        self.error.get("Code").map(String::as_str)
    }

    fn message(&self) -> &str {
        self.error.get("Message").map_or("", String::as_str)
    }

    /// The region the server says the bucket is in: `x-amz-bucket-region`,
    /// else `<Region>`, else the message's "expecting 'R'", else the region
    /// of `<Endpoint>`'s host.
    pub(crate) fn expected_region(&self) -> Option<String> {
        self.bucket_region
            .clone()
            .or_else(|| self.error.get("Region").cloned())
            .or_else(|| {
                let (_, rest) = self.message().split_once("expecting '")?;
                rest.split_once('\'').map(|(region, _)| region.to_owned())
            })
            .or_else(|| {
                let endpoint = self.error.get("Endpoint")?;
                region_from_host(endpoint).map(|found| found.region)
            })
            .filter(|region| !region.is_empty())
    }
}

/// A short, printable account of an answer that is not S3's.
fn seen(content_type: Option<&str>, body: &str) -> String {
    const SHOWN: usize = 60;
    let kind = content_type.map_or_else(|| "no content type".to_owned(), str::to_owned);
    let text: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return format!("{kind} and an empty body");
    }
    let mut start: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(SHOWN)
        .collect();
    if text.chars().count() > SHOWN {
        start.push_str("...");
    }
    format!("{kind} {start:?}")
}

/// The child elements of an S3 `<Error>` document, by name.
fn error_fields(body: &str) -> HashMap<String, String> {
    let Ok(document) = roxmltree::Document::parse(body) else {
        return HashMap::new();
    };
    let root = document.root_element();
    if root.tag_name().name() != "Error" {
        return HashMap::new();
    }
    root.children()
        .filter(roxmltree::Node::is_element)
        .map(|child| {
            (
                child.tag_name().name().to_owned(),
                child.text().unwrap_or_default().trim().to_owned(),
            )
        })
        .collect()
}

/// What the bucket request was signed with.
#[derive(Debug)]
pub(crate) struct Signed<'a> {
    pub(crate) bucket: &'a str,
    pub(crate) access_key_id: &'a str,
    pub(crate) credentials_source: &'a str,
    pub(crate) region: &'a str,
    pub(crate) region_source: &'a str,
    /// The endpoint URL and whether it was configured (not AWS's default).
    pub(crate) endpoint: &'a str,
    pub(crate) endpoint_configured: bool,
}

/// The flags that point presign at `region` (and the endpoint that goes
/// with it on AWS).
fn region_fix(signed: &Signed<'_>, region: &str) -> String {
    let aws_endpoint = region_from_endpoint(signed.endpoint)
        .is_some_and(|found| found.provider == Provider::AwsS3);
    if signed.endpoint_configured && aws_endpoint {
        format!(
            "pass --region {region} --endpoint-url https://s3.{region}.amazonaws.com (or set \
             region = {region} and that endpoint_url in the profile)"
        )
    } else {
        format!(
            "pass --region {region} (or set AWS_REGION={region}, or region = {region} in the profile)"
        )
    }
}

/// Whether a failed answer is about the clock (the URL's X-Amz-Date).
pub(crate) fn blames_clock(answer: &Answer) -> bool {
    let message = answer.message().to_ascii_lowercase();
    answer.code() == Some("RequestTimeTooSkewed")
        || message.contains("request has expired")
        || message.contains("not yet valid")
        || message.contains("not valid yet")
        || message.contains("in the future")
}

/// The answers that blame the access key id or the secret.
fn key_check(answer: &Answer, signed: &Signed<'_>, server_says: &str) -> Option<Check> {
    let code = answer.code().unwrap_or_default();
    // s3s answers NotSignedUp for a key id it does not know.
    if code == "InvalidAccessKeyId" || code == "NotSignedUp" {
        return Some(Check::fail(
            NAME,
            format!(
                "the server does not know the access key id {} (from {}): {}",
                signed.access_key_id, signed.credentials_source, server_says
            ),
            "use keys issued for this server and account: check the access key id in that \
             source, or pick others with --profile NAME or --ibm-credentials FILE",
        ));
    }
    if code == "SignatureDoesNotMatch" {
        return Some(Check::fail(
            NAME,
            format!(
                "the server computed another signature: the secret access key is not the one \
                 paired with {} (from {}), or something on the way (a proxy, a load balancer) \
                 changes the request's host or path",
                signed.access_key_id, signed.credentials_source
            ),
            format!(
                "correct the secret key paired with {} in {}; if it is right, send a presigned \
                 URL with `presign send` to see where the server's canonical request differs",
                signed.access_key_id, signed.credentials_source
            ),
        ));
    }
    None
}

/// An answer that is not S3's (a web page, a console): the endpoint is
/// wrong, whatever the status.
fn not_s3_check(answer: &Answer, signed: &Signed<'_>) -> Option<Check> {
    let seen = answer.not_s3.as_ref()?;
    Some(Check::fail(
        NAME,
        format!(
            "the endpoint {} does not answer as S3 does: the request for bucket {} got HTTP {} \
             with {seen}, not an S3 XML document",
            signed.endpoint, signed.bucket, answer.status
        ),
        "check the endpoint (--endpoint-url, AWS_ENDPOINT_URL or endpoint_url in the profile): \
         it must be the address of the S3 API, not of a web page or a console (MinIO's console \
         port is not its API port)",
    ))
}

/// The credentials-and-region check from the answer to the bucket request.
pub(crate) fn bucket_check(answer: &Answer, signed: &Signed<'_>) -> Check {
    let code = answer.code().unwrap_or_default();
    let server_says = || {
        if code.is_empty() {
            format!("HTTP {}", answer.status)
        } else {
            format!("HTTP {} {code}: {}", answer.status, answer.message())
        }
    };
    if let Some(check) = not_s3_check(answer, signed) {
        return check;
    }
    if (200..300).contains(&answer.status) {
        return Check::new(
            NAME,
            Status::Pass,
            format!(
                "the server accepted a request for bucket {} signed by {} for region {:?} (HTTP {})",
                signed.bucket, signed.access_key_id, signed.region, answer.status
            ),
        );
    }
    if let Some(check) = key_check(answer, signed, &server_says()) {
        return check;
    }
    if let Some(expected) = answer.expected_region()
        && expected != signed.region
    {
        return Check::fail(
            NAME,
            format!(
                "bucket {} is in region {expected}, not {:?} (from {}): {}",
                signed.bucket,
                signed.region,
                signed.region_source,
                server_says()
            ),
            region_fix(signed, &expected),
        );
    }
    if code == "PermanentRedirect" || answer.error.contains_key("Endpoint") {
        let endpoint = answer.error.get("Endpoint").cloned().unwrap_or_default();
        let host = endpoint
            .strip_prefix(&format!("{}.", signed.bucket))
            .unwrap_or(&endpoint);
        return Check::fail(
            NAME,
            format!(
                "bucket {} must be addressed at {endpoint}: {}",
                signed.bucket,
                server_says()
            ),
            format!("pass --endpoint-url https://{host}"),
        );
    }
    if code == "NoSuchBucket" {
        return Check::fail(
            NAME,
            format!(
                "there is no bucket {} at {}: {}",
                signed.bucket,
                signed.endpoint,
                server_says()
            ),
            "check the bucket name (s3://BUCKET/...), or the endpoint and region it lives in \
             (--endpoint-url, --region)",
        );
    }
    if blames_clock(answer) {
        return Check::fail(
            NAME,
            format!("the server refused the request's time: {}", server_says()),
            "set this machine's clock right (enable NTP, e.g. `timedatectl set-ntp true`); see \
             the clock check",
        );
    }
    if code == "AccessDenied" && answer.status == 403 {
        return Check::new(
            NAME,
            Status::Warn,
            format!(
                "the signature was accepted, but {} may not list bucket {}: {}",
                signed.access_key_id,
                signed.bucket,
                server_says()
            ),
        )
        .with_fix(
            "nothing to fix if these keys only read or write objects; give a key to check it \
             (s3://BUCKET/KEY), or grant s3:ListBucket",
        );
    }
    Check::fail(
        NAME,
        format!(
            "the server refused the request for bucket {}: {}",
            signed.bucket,
            server_says()
        ),
        "read the server's message above; `presign --output explain` shows what was signed",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed() -> Signed<'static> {
        Signed {
            bucket: "ant-lab",
            access_key_id: "AKIDEXAMPLE",
            credentials_source: "AWS_ACCESS_KEY_ID",
            region: "us-east-1",
            region_source: "default",
            endpoint: "https://s3.us-east-1.amazonaws.com",
            endpoint_configured: false,
        }
    }

    /// A PermanentRedirect as AWS sends it for a bucket in another region:
    /// the headers and body recorded in yanganto/s3rs issue #18 ("Handler
    /// 301 redirect from different region"), request and host ids shortened.
    #[test]
    fn a_permanent_redirect_names_the_region_to_use() {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message><Endpoint>ant-lab.s3-ap-northeast-1.amazonaws.com</Endpoint><Bucket>ant-lab</Bucket><RequestId>24035885437204DC</RequestId><HostId>rfhhIFBaGS2t</HostId></Error>";
        let with_header = Answer::new(301, Some("ap-northeast-1".to_owned()), None, body);
        let check = bucket_check(&with_header, &signed());
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.contains(
                "bucket ant-lab is in region ap-northeast-1, not \"us-east-1\" (from default)"
            ),
            "{}",
            check.summary
        );
        assert_eq!(
            check.fix.as_deref(),
            Some(
                "pass --region ap-northeast-1 (or set AWS_REGION=ap-northeast-1, or region = ap-northeast-1 in the profile)"
            )
        );
        // Without the header, the region comes from <Endpoint>'s host.
        let body_only = Answer::new(301, None, None, body);
        assert_eq!(
            body_only.expected_region().as_deref(),
            Some("ap-northeast-1")
        );
        // With a configured AWS endpoint, the endpoint moves too.
        let configured = Signed {
            endpoint_configured: true,
            ..signed()
        };
        assert!(
            bucket_check(&with_header, &configured)
                .fix
                .unwrap()
                .contains("--endpoint-url https://s3.ap-northeast-1.amazonaws.com")
        );
    }

    #[test]
    fn answers_name_the_part_to_fix() {
        let error = |code: &str, message: &str| {
            format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>")
        };
        let check =
            |status, body: &str| bucket_check(&Answer::new(status, None, None, body), &signed());
        let listing =
            "<ListBucketResult><Name>ant-lab</Name><KeyCount>0</KeyCount></ListBucketResult>";
        assert_eq!(check(200, listing).status, Status::Pass);
        assert!(
            check(403, &error("InvalidAccessKeyId", "x"))
                .summary
                .contains("does not know the access key id AKIDEXAMPLE")
        );
        assert!(
            check(403, &error("SignatureDoesNotMatch", "x"))
                .summary
                .contains("secret access key")
        );
        assert!(
            check(404, &error("NoSuchBucket", "x"))
                .summary
                .contains("there is no bucket ant-lab")
        );
        assert_eq!(
            check(403, &error("AccessDenied", "Access Denied")).status,
            Status::Warn
        );
        let skewed = check(403, &error("AccessDenied", "Request has expired"));
        assert_eq!(skewed.status, Status::Fail);
        assert!(skewed.fix.unwrap().contains("clock"));
        assert_eq!(check(500, "oops").status, Status::Fail);
        assert_eq!(check(500, "").status, Status::Fail);
    }

    #[test]
    fn an_answer_that_is_not_s3s_says_what_came_instead() {
        let page =
            "<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body>hello</body></html>";
        for status in [200, 404] {
            let answer = Answer::new(status, None, Some("text/html"), page);
            let check = bucket_check(&answer, &signed());
            assert_eq!(check.status, Status::Fail);
            assert!(
                check.summary.contains("does not answer as S3 does")
                    && check
                        .summary
                        .contains(&format!("HTTP {status} with text/html"))
                    && check.summary.contains("<!DOCTYPE html> <html><head>"),
                "{}",
                check.summary
            );
            assert!(check.fix.unwrap().contains("--endpoint-url"));
        }
        let empty = Answer::new(200, None, None, "");
        assert!(empty.not_s3.unwrap().contains("empty body"));
        let other_xml = Answer::new(200, None, Some("application/xml"), "<feed/>");
        assert!(other_xml.not_s3.is_some());
        assert!(Answer::new(403, None, None, "").not_s3.is_none());
    }
}
