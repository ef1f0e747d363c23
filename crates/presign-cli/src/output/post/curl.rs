//! `presign post --output curl`: a curl command that uploads a file with the
//! form. Fields go with `--form-string`, which sends a value as it is (with
//! `-F`, a value starting with `@` or `<` would name a file), and the file
//! goes last, as S3 requires.

use std::fmt::Write;

use presign::PresignedPost;

use crate::output::curl::shell_quote;

pub(super) fn render(post: &PresignedPost) -> String {
    let chosen = super::chosen_fields(post);
    let file = local_file(post);
    let mut out = String::new();
    if file == "FILE" {
        out.push_str("# Replace FILE with the file to upload.\n");
    }
    for field in &chosen {
        let _ = writeln!(
            out,
            "# The uploader chooses {} (starting with {:?}): complete its value below.",
            field.name, field.prefix
        );
    }
    let mut words = vec!["curl".to_owned()];
    for (name, value) in post.fields() {
        words.push(format!(
            "--form-string {}",
            shell_quote(&format!("{name}={value}"))
        ));
    }
    for field in &chosen {
        words.push(format!(
            "--form-string {}",
            shell_quote(&format!("{}={}", field.name, field.prefix))
        ));
    }
    let mut file_part = format!("file=@{file}");
    if let Some(content_type) = post.field("Content-Type")
        && is_plain(content_type)
    {
        let _ = write!(file_part, ";type={content_type}");
    }
    words.push(format!("-F {}", shell_quote(&file_part)));
    words.push(shell_quote(post.url()));
    out.push_str(&words.join(" \\\n  "));
    out.push('\n');
    out
}

/// The file to name in the command: the key's last segment when the key is
/// fixed and the name needs no escaping in curl's `-F` syntax, else `FILE`.
fn local_file(post: &PresignedPost) -> String {
    let key = post.key();
    if key.contains(presign::FILENAME_PLACEHOLDER) {
        return "FILE".to_owned();
    }
    match key.rsplit('/').next() {
        Some(name) if is_plain(name) && name != "." && name != ".." => name.to_owned(),
        _ => "FILE".to_owned(),
    }
}

/// Letters, digits and `._-/+`: safe inside curl's `-F name=@file;type=...`.
fn is_plain(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/+".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use presign::{AmzDate, Credentials, PostPolicy};

    fn post(policy: &PostPolicy) -> PresignedPost {
        let credentials = Credentials::new("AKIDEXAMPLE", "secret");
        let now = AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")
            .unwrap()
            .to_system_time();
        presign::presign_post(policy, &credentials, now).unwrap()
    }

    #[test]
    fn fields_are_sent_as_strings_and_the_file_last() {
        let text = render(&post(
            &PostPolicy::new("http://h:9000", "bucket", "in/a.png").content_type("image/png"),
        ));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "curl \\");
        assert_eq!(lines[1], "  --form-string Content-Type=image/png \\");
        assert_eq!(lines[2], "  --form-string key=in/a.png \\");
        assert_eq!(
            lines[lines.len() - 2],
            "  -F 'file=@a.png;type=image/png' \\"
        );
        assert_eq!(lines[lines.len() - 1], "  http://h:9000/bucket");
    }

    #[test]
    fn prefix_keys_and_chosen_fields_are_explained_in_comments() {
        let text = render(&post(
            &PostPolicy::with_key_prefix("http://h:9000", "bucket", "in/")
                .content_type_starts_with("image/"),
        ));
        assert!(text.starts_with("# Replace FILE with the file to upload.\n# The uploader chooses Content-Type (starting with \"image/\")"), "{text}");
        assert!(
            text.contains("--form-string 'key=in/${filename}'"),
            "{text}"
        );
        assert!(
            text.contains("--form-string Content-Type=image/ \\\n  -F file=@FILE"),
            "{text}"
        );
    }
}
