//! `presign post --output html`: a minimal page whose form uploads one file
//! with the policy. Hidden inputs carry the fields, in order; a field the
//! uploader chooses is a text input holding its required prefix; the file
//! input comes last.

use std::fmt::Write;

use presign::PresignedPost;

pub(super) fn render(post: &PresignedPost) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<title>Upload to {}</title>\n</head>\n<body>",
        escape(post.bucket())
    );
    let _ = writeln!(
        out,
        "<form action=\"{}\" method=\"post\" enctype=\"multipart/form-data\">",
        escape(post.url())
    );
    for (name, value) in post.fields() {
        let _ = writeln!(
            out,
            "  <input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        );
    }
    let chosen = super::chosen_fields(post);
    for field in &chosen {
        let _ = writeln!(
            out,
            "  <p><label>{} (starts with \u{201c}{}\u{201d}) <input type=\"text\" name=\"{}\" value=\"{}\" required></label></p>",
            escape(field.name),
            escape(field.prefix),
            escape(field.name),
            escape(field.prefix)
        );
    }
    let accept = chosen
        .iter()
        .find(|field| field.name.eq_ignore_ascii_case("Content-Type") && !field.prefix.is_empty())
        .map(|field| format!(" accept=\"{}*\"", escape(field.prefix)))
        .or_else(|| {
            post.field("Content-Type")
                .map(|value| format!(" accept=\"{}\"", escape(value)))
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  <p><input type=\"file\" name=\"file\"{accept} required></p>\n  <p><button type=\"submit\">Upload</button></p>\n</form>"
    );
    let _ = writeln!(
        out,
        "<p>This form works until {}.</p>\n</body>\n</html>",
        post.expiration().to_rfc3339()
    );
    out
}

/// Text for an HTML attribute value or element content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use presign::{AmzDate, Credentials, PostPolicy};

    #[test]
    fn the_form_holds_every_field_escaped_and_the_file_last() {
        let policy = PostPolicy::with_key_prefix("http://h:9000", "bucket", "a&b/")
            .content_type_starts_with("image/")
            .meta("note", "\"quoted\" <tag>");
        let credentials = Credentials::new("AKIDEXAMPLE", "secret");
        let now = AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")
            .unwrap()
            .to_system_time();
        let post = presign::presign_post(&policy, &credentials, now).unwrap();
        let html = render(&post);
        assert!(html.contains("<form action=\"http://h:9000/bucket\" method=\"post\" enctype=\"multipart/form-data\">"), "{html}");
        assert!(html.contains("<input type=\"hidden\" name=\"x-amz-meta-note\" value=\"&quot;quoted&quot; &lt;tag&gt;\">"), "{html}");
        assert!(
            html.contains("<input type=\"hidden\" name=\"key\" value=\"a&amp;b/${filename}\">"),
            "{html}"
        );
        assert!(
            html.contains("name=\"Content-Type\" value=\"image/\" required>"),
            "{html}"
        );
        let file = html
            .find("type=\"file\" name=\"file\" accept=\"image/*\"")
            .unwrap();
        assert!(html.rfind("type=\"hidden\"").unwrap() < file);
    }
}
