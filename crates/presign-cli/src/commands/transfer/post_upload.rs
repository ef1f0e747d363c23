//! `presign upload --post FORM_JSON FILE`: upload a file through a POST form,
//! as a browser submits it: `multipart/form-data` with the form's fields in
//! order and the file last (S3 ignores anything after the file), streamed
//! with its Content-Length. A refusal is explained with the server's S3
//! error. Redirects are not followed: a `success_action_redirect` answer (303)
//! is the upload's success, and its target is the web page's business.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::{Cursor, Read};
use std::path::Path;

use anyhow::{Context, anyhow};

use super::{Outcome, progress, status_line};
use crate::cli::UploadArgs;
use crate::commands::post_form::{self, Form};

/// The largest answer body read: S3's answers to a form are small XML.
const MAX_ANSWER_BODY: u64 = 64 * 1024;

/// Uploads `args.file` with the form in `form_path`; `Rejected` when the
/// server did not accept it.
pub(crate) fn run(args: &UploadArgs, form_path: &Path) -> anyhow::Result<Outcome> {
    let mut form = post_form::read(form_path)?;
    if let Some(content_type) = &args.transfer.content_type {
        form.set("Content-Type", content_type);
    }
    // As the form's own fields: verbatim (a policy signs the value as given).
    for (name, value) in &args.transfer.meta {
        form.set(&format!("x-amz-meta-{name}"), value);
    }
    for (name, value) in &args.fields {
        form.set(name, value);
    }
    if !args.transfer.headers.is_empty() {
        return Err(anyhow!(
            "--header does not apply to a form upload: the form's fields are what S3 checks; \
             set one with --field NAME=VALUE"
        ));
    }
    let url = form.url.clone().ok_or_else(|| {
        anyhow!("the form has no url to post to (presign post --output json writes one)")
    })?;
    let file = crate::files::open(&args.file, "")?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    let file_name = args.file.file_name().map_or_else(
        || "file".to_owned(),
        |name| name.to_string_lossy().into_owned(),
    );
    let body = FormBody::new(&form, &file_name, boundary());
    let length = body.length(size);

    let http = crate::http::client(
        &args.transfer.tls,
        None,
        &presign_config::Environment::from_process(),
    )?;
    let bar = progress::bar(Some(size), args.transfer.quiet);
    let stream = FullReads(
        Cursor::new(body.head)
            .chain(bar.wrap_read(file))
            .chain(Cursor::new(body.tail)),
    );
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(&url)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={}", body.boundary),
        )
        .header("content-length", length.to_string())
        .body(ureq::SendBody::from_owned_reader(stream))
        .context("cannot build the request")?;
    let agent = http.agent(&url);
    let request = agent.configure_request(request).max_redirects(0).build();
    let answer = agent.run(request);
    bar.finish_and_clear();
    let mut response = match answer {
        Ok(response) => response,
        Err(error) => {
            eprintln!("presign: error: {}", http.explain(&url, &error));
            return Ok(Outcome::Rejected);
        }
    };
    let status = response.status();
    let mut text = String::new();
    let _ = response
        .body_mut()
        .as_reader()
        .take(MAX_ANSWER_BODY)
        .read_to_string(&mut text);
    if status.is_success() || status == ureq::http::StatusCode::SEE_OTHER {
        if !args.transfer.quiet {
            eprintln!("presign: {}", status_line(status));
            let location = response
                .headers()
                .get("location")
                .and_then(|value| value.to_str().ok());
            match location {
                Some(location) if status == ureq::http::StatusCode::SEE_OTHER => {
                    eprintln!("presign: the form redirects the browser to {location}");
                }
                Some(location) => eprintln!("presign: the object is at {location}"),
                None => {}
            }
            if let Some(stored) = stored_as(&text) {
                eprintln!("presign: stored as {stored}");
            }
        }
        return Ok(Outcome::Accepted);
    }
    eprintln!("presign: {}", status_line(status));
    explain(&text);
    Ok(Outcome::Rejected)
}

/// The S3 error of a refused form, or the answer's start.
fn explain(text: &str) {
    match presign::S3Error::parse(text) {
        Ok(error) => {
            for (label, value) in [
                ("Code", &error.code),
                ("Message", &error.message),
                ("RequestId", &error.request_id),
            ] {
                if let Some(value) = value {
                    eprintln!("  {label:<10} {value}");
                }
            }
            if error.code.as_deref() == Some("SignatureDoesNotMatch") {
                eprintln!(
                    "  The policy or x-amz-signature field differs from what was signed, or the \
                     server has another secret for this access key (check with presign verify --post)."
                );
            }
        }
        Err(_) if !text.trim().is_empty() => {
            eprintln!("  {}", text.trim().chars().take(500).collect::<String>());
        }
        Err(_) => {}
    }
}

/// A reader that fills the buffer it is given, as far as the data goes.
///
/// The fields come first, and a server checks them as soon as it reaches the
/// file's part: it may refuse (and close the connection) while the client is
/// still writing. Reading the fields, the file's start and, for a small file,
/// its end in one go makes the request one write whenever it fits the HTTP
/// client's buffer, so the refusal is read instead of a broken pipe.
struct FullReads<R>(R);

impl<R: Read> Read for FullReads<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let mut filled = 0;
        while filled < buffer.len() {
            match self.0.read(&mut buffer[filled..]) {
                Ok(0) => break,
                Ok(read) => filled += read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) if filled == 0 => return Err(error),
                Err(_) => break,
            }
        }
        Ok(filled)
    }
}

/// `BUCKET/KEY` of a 201 answer (`<PostResponse>` with `<Bucket>` and `<Key>`).
fn stored_as(text: &str) -> Option<String> {
    let document = roxmltree::Document::parse(text.trim_start_matches('\u{feff}')).ok()?;
    let element = |name: &str| {
        document
            .descendants()
            .find(|node| node.is_element() && node.tag_name().name() == name)
            .and_then(|node| node.text())
    };
    Some(format!("{}/{}", element("Bucket")?, element("Key")?))
}

/// A boundary that no field or file holds (in practice: 128 random bits).
fn boundary() -> String {
    let random = || RandomState::new().hash_one(std::time::SystemTime::now());
    format!("presign-{:016x}{:016x}", random(), random())
}

/// The `multipart/form-data` body around the file's bytes: every field
/// before it, the closing boundary after it.
#[derive(Debug)]
struct FormBody {
    boundary: String,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl FormBody {
    fn new(form: &Form, file_name: &str, boundary: String) -> Self {
        let mut head = Vec::new();
        for (name, value) in &form.fields {
            head.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
                    quoted(name)
                )
                .as_bytes(),
            );
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        let content_type = form
            .get("Content-Type")
            .filter(|value| !value.is_empty() && !value.contains(['\r', '\n']))
            .unwrap_or("application/octet-stream");
        head.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: {content_type}\r\n\r\n",
                quoted(file_name)
            )
            .as_bytes(),
        );
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        Self {
            boundary,
            head,
            tail,
        }
    }

    /// The body's length with a file of `size` bytes.
    fn length(&self, size: u64) -> u64 {
        self.head.len() as u64 + size + self.tail.len() as u64
    }
}

/// A name or file name inside `"..."` of a part header, as browsers write it
/// (WHATWG: `"` as `%22`, CR as `%0D`, LF as `%0A`).
fn quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_go_in_order_and_the_file_last() {
        let form = Form {
            url: None,
            fields: vec![
                ("key".to_owned(), "in/${filename}".to_owned()),
                ("Content-Type".to_owned(), "image/png".to_owned()),
                ("x-amz-meta-note".to_owned(), "two\r\nlines".to_owned()),
            ],
        };
        let body = FormBody::new(&form, "a \"b\".png", "B".to_owned());
        let mut whole = body.head.clone();
        whole.extend_from_slice(b"PNG");
        whole.extend_from_slice(&body.tail);
        assert_eq!(
            String::from_utf8(whole.clone()).unwrap(),
            "--B\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nin/${filename}\r\n\
             --B\r\nContent-Disposition: form-data; name=\"Content-Type\"\r\n\r\nimage/png\r\n\
             --B\r\nContent-Disposition: form-data; name=\"x-amz-meta-note\"\r\n\r\ntwo\r\nlines\r\n\
             --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a %22b%22.png\"\r\nContent-Type: image/png\r\n\r\n\
             PNG\r\n--B--\r\n"
        );
        assert_eq!(body.length(3), whole.len() as u64);
    }

    #[test]
    fn boundaries_differ_each_time() {
        assert_ne!(boundary(), boundary());
        assert!(boundary().starts_with("presign-"));
    }

    #[test]
    fn a_201_answer_names_the_object() {
        let answer = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>http://h/b/k</Location><Bucket>b</Bucket><Key>in/a.png</Key><ETag>\"e\"</ETag></PostResponse>";
        assert_eq!(stored_as(answer).as_deref(), Some("b/in/a.png"));
        assert_eq!(stored_as(""), None);
    }
}
