//! Reading a server's error answer: the S3 XML error (Code, Message,
//! RequestId) and, when the server returns its canonical request and string
//! to sign (AWS and several others do on `SignatureDoesNotMatch`), where they
//! differ from what presign computes for the same URL, with the likely cause.

use std::fmt::Write;

use presign::PresignedUrl;

/// The fields of an S3 `<Error>` document that help a person.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct S3Error {
    pub(super) code: Option<String>,
    pub(super) message: Option<String>,
    pub(super) request_id: Option<String>,
    pub(super) canonical_request: Option<String>,
    pub(super) string_to_sign: Option<String>,
}

/// Parses an S3 XML error body; `None` when it is not one.
pub(super) fn parse_s3_error(body: &str) -> Option<S3Error> {
    let document = roxmltree::Document::parse(body.trim_start_matches('\u{feff}')).ok()?;
    let root = document.root_element();
    if root.tag_name().name() != "Error" {
        return None;
    }
    let text = |name: &str| {
        root.children()
            .find(|node| node.is_element() && node.tag_name().name() == name)
            .and_then(|node| node.text())
            .map(str::to_owned)
    };
    Some(S3Error {
        code: text("Code"),
        message: text("Message"),
        request_id: text("RequestId"),
        canonical_request: text("CanonicalRequest"),
        string_to_sign: text("StringToSign"),
    })
}

/// The report for stderr: the error's fields, then, when the server showed
/// its canonical request or string to sign, the comparison with ours.
pub(super) fn report(
    error: &S3Error,
    url: &PresignedUrl,
    method: &str,
    headers: &[(String, String)],
) -> String {
    let mut out = String::new();
    for (label, value) in [
        ("Code", &error.code),
        ("Message", &error.message),
        ("RequestId", &error.request_id),
    ] {
        if let Some(value) = value {
            let _ = writeln!(out, "  {label:<10} {value}");
        }
    }
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    if let Some(server) = &error.canonical_request
        && let Ok(ours) = url.canonical_request(method, &header_refs)
    {
        if let Some((line, theirs, mine)) = first_difference(server, ours.as_str()) {
            let _ = writeln!(
                out,
                "  The server's canonical request differs from presign's at line {}:",
                line + 1
            );
            let _ = writeln!(out, "    server:  {theirs:?}");
            let _ = writeln!(out, "    presign: {mine:?}");
            let _ = writeln!(
                out,
                "  Likely cause: {}",
                canonical_cause(line, server, ours.as_str())
            );
        } else {
            let _ = writeln!(out, "  The server's canonical request matches presign's.");
            out.push_str(&string_to_sign_report(error, url, method, &header_refs));
        }
    } else if error.string_to_sign.is_some() {
        out.push_str(&string_to_sign_report(error, url, method, &header_refs));
    }
    out
}

fn string_to_sign_report(
    error: &S3Error,
    url: &PresignedUrl,
    method: &str,
    headers: &[(&str, &str)],
) -> String {
    let (Some(server), Ok(ours)) = (&error.string_to_sign, url.string_to_sign(method, headers))
    else {
        return String::new();
    };
    match first_difference(server, ours.as_str()) {
        Some((line, theirs, mine)) => {
            let cause = match line {
                1 => "the signing time (X-Amz-Date) as the server read it",
                2 => "the credential scope: date, region or service (a region the server does not expect?)",
                _ => "the canonical request (its hash differs)",
            };
            format!(
                "  The server's string to sign differs at line {}:\n    server:  {theirs:?}\n    presign: {mine:?}\n  Likely cause: {cause}\n",
                line + 1
            )
        }
        None => "  The string to sign matches too, so the signature was made with a different secret key \
                 (or for another access key's secret).\n"
            .to_owned(),
    }
}

/// The first differing line: (index, server's, ours).
fn first_difference<'a>(server: &'a str, ours: &'a str) -> Option<(usize, &'a str, &'a str)> {
    let server_lines: Vec<&str> = server.lines().collect();
    let our_lines: Vec<&str> = ours.lines().collect();
    (0..server_lines.len().max(our_lines.len())).find_map(|index| {
        let theirs = server_lines.get(index).copied().unwrap_or("");
        let mine = our_lines.get(index).copied().unwrap_or("");
        (theirs != mine).then_some((index, theirs, mine))
    })
}

/// Which part of a canonical request a line is, and what usually causes it
/// to differ.
fn canonical_cause(line: usize, server: &str, ours: &str) -> &'static str {
    let differing = ours
        .lines()
        .nth(line)
        .or_else(|| server.lines().nth(line))
        .unwrap_or("");
    match line {
        0 => "the method: the URL was signed for another method (GET, PUT, HEAD, DELETE)",
        1 => {
            "path encoding: the server reads the object path differently (a proxy or client re-encoding or normalising the path, or the wrong addressing style)"
        }
        2 => "the query: a parameter added, removed or encoded differently",
        _ if differing.starts_with("host:") => {
            "host or port: the Host header the server saw is not the one signed (a proxy, a port, or virtual-hosted vs path style)"
        }
        _ if differing.contains(':') => {
            "a header: a signed header's value differs from what was signed, or an extra header was signed"
        }
        _ if differing.contains(';') || differing == "host" => {
            "the signed header list (X-Amz-SignedHeaders)"
        }
        _ => "the payload hash: presigned URLs sign UNSIGNED-PAYLOAD",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWS_URL: &str = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

    #[test]
    fn parses_an_s3_error_document() {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message><RequestId>R1</RequestId></Error>";
        let error = parse_s3_error(body).unwrap();
        assert_eq!(error.code.as_deref(), Some("AccessDenied"));
        assert_eq!(error.message.as_deref(), Some("Request has expired"));
        assert_eq!(error.request_id.as_deref(), Some("R1"));
        assert_eq!(parse_s3_error("<html>nope</html>"), None);
        assert_eq!(parse_s3_error("not xml"), None);
    }

    #[test]
    fn names_the_host_when_the_server_saw_another_one() {
        let url = PresignedUrl::parse(AWS_URL).unwrap();
        let ours = url.canonical_request("GET", &[]).unwrap();
        let server = ours
            .as_str()
            .replace("host:examplebucket.s3.amazonaws.com", "host:localhost:9000");
        let error = S3Error {
            code: Some("SignatureDoesNotMatch".into()),
            canonical_request: Some(server),
            ..S3Error::default()
        };
        let text = report(&error, &url, "GET", &[]);
        assert!(text.contains("line 4"), "{text}");
        assert!(text.contains("host or port"), "{text}");
    }

    #[test]
    fn names_the_path_the_method_and_the_secret() {
        let url = PresignedUrl::parse(AWS_URL).unwrap();
        let ours = url
            .canonical_request("GET", &[])
            .unwrap()
            .as_str()
            .to_owned();
        let path = S3Error {
            canonical_request: Some(ours.replace("/test.txt", "/test%2Etxt")),
            ..S3Error::default()
        };
        assert!(report(&path, &url, "GET", &[]).contains("path encoding"));
        let method = S3Error {
            canonical_request: Some(ours.replacen("GET", "PUT", 1)),
            ..S3Error::default()
        };
        assert!(report(&method, &url, "GET", &[]).contains("the method"));
        let sts = url.string_to_sign("GET", &[]).unwrap().as_str().to_owned();
        let same = S3Error {
            canonical_request: Some(ours),
            string_to_sign: Some(sts),
            ..S3Error::default()
        };
        assert!(report(&same, &url, "GET", &[]).contains("different secret key"));
    }
}
