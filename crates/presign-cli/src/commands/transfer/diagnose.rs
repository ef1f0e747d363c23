//! Explaining a server's error answer: the S3 XML error (Code, Message,
//! RequestId, read by [`presign::S3Error`]) and, when the server returns its
//! canonical request and string to sign (AWS and several others do on
//! `SignatureDoesNotMatch`), where they differ from what presign computes for
//! the same URL, with the likely cause.

use std::fmt::Write;

use presign::{AnyPresignedUrl, PresignedUrl, S3Error, SigV2Url};

/// The report for stderr: the error's fields, then, when the server showed
/// its canonical request or string to sign, the comparison with ours.
pub(super) fn report(
    error: &S3Error,
    url: &AnyPresignedUrl,
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
    match url {
        AnyPresignedUrl::V4(url) => out.push_str(&report_v4(error, url, method, headers)),
        AnyPresignedUrl::V2(url) => out.push_str(&report_v2(error, url, method, headers)),
    }
    out
}

/// How to tell a URL signed for another method from one signed with another
/// secret: only the signer's credentials can.
const VERIFY_HINT: &str =
    "`presign verify URL -X METHOD` with the signer's credentials tells which.";

/// A SigV2 URL's diagnosis: S3 shows its SigV2 string to sign on
/// `SignatureDoesNotMatch`, compared line by line with ours.
fn report_v2(
    error: &S3Error,
    url: &SigV2Url,
    method: &str,
    headers: &[(String, String)],
) -> String {
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let sent = signed_headers_sent(&url.signed_headers(), headers);
    let (Some(server), Ok(ours)) = (
        &error.string_to_sign,
        url.string_to_sign(method, &header_refs),
    ) else {
        return match sent {
            Some(sent) if error.code.as_deref() == Some("SignatureDoesNotMatch") => format!(
                "  This URL signs {sent}. A value other than the one it was signed with gives \
                 SignatureDoesNotMatch (as does a URL signed for another method than {method} or \
                 with another secret key).\n"
            ),
            _ if error.code.as_deref() == Some("SignatureDoesNotMatch")
                && error.string_to_sign.is_none() =>
            {
                format!(
                    "  The server did not show what it computed. A URL signed for another method \
                     than {method}, or with another secret key, gives SignatureDoesNotMatch. \
                     {VERIFY_HINT}\n"
                )
            }
            _ => String::new(),
        };
    };
    match first_difference(server, &ours) {
        Some((line, theirs, mine)) => {
            let cause = match line {
                0 => "the method: the URL was signed for another method (GET, PUT, HEAD, DELETE)",
                1 | 2 => {
                    "Content-MD5 or Content-Type: SigV2 signs both as sent, even unsigned ones"
                }
                3 => "Expires as the server read it",
                _ if mine.starts_with('/') || theirs.starts_with('/') => {
                    "the resource: bucket, key or sub-resources (path encoding, addressing style)"
                }
                _ => "an x-amz-* header: sent with another value, or one the URL did not sign",
            };
            format!(
                "  The server's SigV2 string to sign differs from presign's at line {}:\n    \
                 server:  {theirs:?}\n    presign: {mine:?}\n  Likely cause: {cause}\n",
                line + 1
            )
        }
        None => format!(
            "  The server's SigV2 string to sign matches presign's for the request sent, so \
             the URL was signed for another request (another method than {method}, or other \
             values of the headers it signs) or with another secret key. {VERIFY_HINT}\n"
        ),
    }
}

/// A SigV4 URL's diagnosis: the canonical request or string to sign the
/// server showed, compared with ours.
fn report_v4(
    error: &S3Error,
    url: &PresignedUrl,
    method: &str,
    headers: &[(String, String)],
) -> String {
    let mut out = String::new();
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
    } else if error.code.as_deref() == Some("SignatureDoesNotMatch")
        && let Some(sent) = signed_headers_sent(url.signed_headers(), headers)
    {
        let _ = writeln!(
            out,
            "  This URL signs {sent}. A value other than the one it was signed with gives \
             SignatureDoesNotMatch (as does a URL signed for another method than {method} or \
             with another secret key)."
        );
    } else if error.code.as_deref() == Some("SignatureDoesNotMatch")
        && error.canonical_request.is_none()
    {
        let _ = writeln!(
            out,
            "  The server did not show what it computed. A URL signed for another method than \
             {method}, or with another secret key, gives SignatureDoesNotMatch. {VERIFY_HINT}"
        );
    }
    out
}

/// The headers the URL signs besides host, with the values sent:
/// `content-type (sent "image/jpeg")`; `None` when it signs only host.
fn signed_headers_sent(signed: &[String], headers: &[(String, String)]) -> Option<String> {
    let named: Vec<String> = signed
        .iter()
        .filter(|name| *name != "host")
        .map(|name| {
            let sent = headers
                .iter()
                .find(|(given, _)| given.eq_ignore_ascii_case(name))
                .map_or_else(
                    || "none sent".to_owned(),
                    |(_, value)| format!("sent {value:?}"),
                );
            format!("{name} ({sent})")
        })
        .collect();
    (!named.is_empty()).then(|| named.join(", "))
}

fn string_to_sign_report(
    error: &S3Error,
    url: &PresignedUrl,
    method: &str,
    headers: &[(&str, &str)],
) -> String {
    let owned: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let (Some(server), Ok(ours)) = (&error.string_to_sign, url.string_to_sign(method, headers))
    else {
        return String::new();
    };
    match first_difference(server, ours.as_str()) {
        Some((line, theirs, mine)) => {
            let cause = match line {
                1 => "the signing time (X-Amz-Date) as the server read it",
                2 => {
                    "the credential scope: date, region or service (a region the server does not expect?)"
                }
                _ => "the canonical request (its hash differs)",
            };
            format!(
                "  The server's string to sign differs at line {}:\n    server:  {theirs:?}\n    presign: {mine:?}\n  Likely cause: {cause}\n",
                line + 1
            )
        }
        // The server computed what presign computes for the request sent
        // (this method, these header values); the signer computed it for
        // the request it was asked to sign. A URL does not name its method.
        None => match signed_headers_sent(url.signed_headers(), &owned) {
            Some(sent) => format!(
                "  The string to sign matches too: the URL was signed for another method than \
                 {method}, with another secret key, or with other values for the headers it \
                 signs: {sent}. Send each with exactly the value it was signed with. {VERIFY_HINT}\n"
            ),
            None => format!(
                "  The string to sign matches too, so the URL was signed for another method than \
                 {method} (`aws s3 presign` signs GET only) or with a different secret key (or \
                 for another access key's secret). {VERIFY_HINT}\n"
            ),
        },
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
    fn names_the_host_when_the_server_saw_another_one() {
        let url = PresignedUrl::parse(AWS_URL).unwrap();
        let ours = url.canonical_request("GET", &[]).unwrap();
        let server = ours
            .as_str()
            .replace("host:examplebucket.s3.amazonaws.com", "host:localhost:9000");
        let mut error = S3Error::default();
        error.code = Some("SignatureDoesNotMatch".into());
        error.canonical_request = Some(server);
        let text = report(&error, &AnyPresignedUrl::V4(url.clone()), "GET", &[]);
        assert!(text.contains("line 4"), "{text}");
        assert!(text.contains("host or port"), "{text}");
    }

    #[test]
    fn a_signature_mismatch_names_the_signed_headers_and_the_values_sent() {
        let signed = "http://127.0.0.1:9000/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=content-type%3Bhost&X-Amz-Signature=0000000000000000000000000000000000000000000000000000000000000000";
        let url = PresignedUrl::parse(signed).unwrap();
        let sent = [("content-type".to_owned(), "image/jpeg".to_owned())];
        let mut error = S3Error::default();
        error.code = Some("SignatureDoesNotMatch".into());
        let text = report(&error, &AnyPresignedUrl::V4(url.clone()), "PUT", &sent);
        assert!(
            text.contains("This URL signs content-type (sent \"image/jpeg\")"),
            "{text}"
        );
        // With the server's string to sign (s3rver sends it) and ours
        // alike, the signed header values are named besides the secret.
        error.string_to_sign = Some(
            url.string_to_sign("PUT", &[("content-type", "image/jpeg")])
                .unwrap()
                .as_str()
                .to_owned(),
        );
        let text = report(&error, &AnyPresignedUrl::V4(url.clone()), "PUT", &sent);
        assert!(
            text.contains("or with other values for the headers it signs"),
            "{text}"
        );
        // A URL that signs only host: only the secret is left.
        let mut plain = S3Error::default();
        plain.code = Some("SignatureDoesNotMatch".into());
        assert!(
            !report(
                &plain,
                &AnyPresignedUrl::V4(PresignedUrl::parse(AWS_URL).unwrap()),
                "GET",
                &[]
            )
            .contains("signs")
        );
    }

    #[test]
    fn names_the_path_the_method_and_the_secret() {
        let url = PresignedUrl::parse(AWS_URL).unwrap();
        let ours = url
            .canonical_request("GET", &[])
            .unwrap()
            .as_str()
            .to_owned();
        let with_canonical = |canonical: String| {
            let mut error = S3Error::default();
            error.canonical_request = Some(canonical);
            error
        };
        let path = with_canonical(ours.replace("/test.txt", "/test%2Etxt"));
        assert!(
            report(&path, &AnyPresignedUrl::V4(url.clone()), "GET", &[]).contains("path encoding")
        );
        let method = with_canonical(ours.replacen("GET", "PUT", 1));
        assert!(
            report(&method, &AnyPresignedUrl::V4(url.clone()), "GET", &[]).contains("the method")
        );
        let sts = url.string_to_sign("GET", &[]).unwrap().as_str().to_owned();
        let mut same = with_canonical(ours);
        same.string_to_sign = Some(sts);
        assert!(
            report(&same, &AnyPresignedUrl::V4(url.clone()), "GET", &[])
                .contains("different secret key")
        );
    }

    #[test]
    fn a_get_url_sent_as_put_names_the_method_besides_the_secret() {
        // `aws s3 presign` signs GET only; uploading with its URL gives
        // SignatureDoesNotMatch, and the server's canonical request and
        // string to sign (for the PUT it received) equal presign's for the
        // PUT sent, so the method is as likely as the secret.
        let url = PresignedUrl::parse(AWS_URL).unwrap();
        let mut error = S3Error::default();
        error.code = Some("SignatureDoesNotMatch".into());
        error.canonical_request = Some(
            url.canonical_request("PUT", &[])
                .unwrap()
                .as_str()
                .to_owned(),
        );
        error.string_to_sign = Some(url.string_to_sign("PUT", &[]).unwrap().as_str().to_owned());
        let text = report(&error, &AnyPresignedUrl::V4(url.clone()), "PUT", &[]);
        assert!(
            text.contains("signed for another method than PUT"),
            "{text}"
        );
        assert!(text.contains("presign verify URL -X METHOD"), "{text}");
        // A server that shows nothing (MinIO, SeaweedFS) gets the same two
        // causes named.
        let mut bare = S3Error::default();
        bare.code = Some("SignatureDoesNotMatch".into());
        let text = report(&bare, &AnyPresignedUrl::V4(url), "PUT", &[]);
        assert!(text.contains("another method than PUT"), "{text}");
        let v2 = AnyPresignedUrl::parse(
            "http://127.0.0.1:9000/photos/a.png?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=z%2Bxt33O%2FCx6gz%2F0wGzkoGNvyf3c%3D&Expires=1714565400",
        )
        .unwrap();
        let text = report(&bare, &v2, "PUT", &[]);
        assert!(text.contains("another method than PUT"), "{text}");
    }

    #[test]
    fn a_sigv2_string_to_sign_is_compared_line_by_line() {
        let url = AnyPresignedUrl::parse(
            "http://127.0.0.1:9000/photos/in/a.png?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=z%2Bxt33O%2FCx6gz%2F0wGzkoGNvyf3c%3D&content-type=image%2Fpng&Expires=1714565400",
        )
        .unwrap();
        let sent = [("content-type".to_owned(), "image/png".to_owned())];
        // The server read another Content-Type than the one sent, as a proxy
        // that rewrites it would make it.
        let error = S3Error::parse(
            "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>PUT\n\ntext/plain\n1714565400\n/photos/in/a.png</StringToSign></Error>",
        )
        .unwrap();
        let text = report(&error, &url, "PUT", &sent);
        assert!(
            text.contains(
                "differs from presign's at line 3:\n    server:  \"text/plain\"\n    presign: \"image/png\""
            ),
            "{text}"
        );
        assert!(text.contains("Content-MD5 or Content-Type"), "{text}");
        let same = S3Error::parse(
            "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>PUT\n\nimage/png\n1714565400\n/photos/in/a.png</StringToSign></Error>",
        )
        .unwrap();
        assert!(report(&same, &url, "PUT", &sent).contains("signed for another request"),);
        let bare = S3Error::parse("<Error><Code>SignatureDoesNotMatch</Code></Error>").unwrap();
        assert!(
            report(&bare, &url, "PUT", &sent)
                .contains("This URL signs content-type (sent \"image/png\")"),
        );
    }
}
