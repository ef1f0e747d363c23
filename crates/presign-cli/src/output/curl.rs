//! `--output curl`: a ready-to-run command that sends exactly the signed
//! headers.

use presign::{Method, Presigned};

pub(super) fn render(presigned: &Presigned) -> String {
    render_parts(
        presigned.method(),
        presigned.headers(),
        presigned.key(),
        presigned.url(),
    )
}

/// The command for a URL of `method` on `key` that needs `headers` sent.
pub(super) fn render_parts(
    method: Method,
    headers: &[(String, String)],
    key: &str,
    url: &str,
) -> String {
    let mut words: Vec<String> = vec!["curl".to_owned()];
    match method {
        Method::Get => {}
        Method::Head => words.push("-I".to_owned()),
        method => words.extend(["-X".to_owned(), method.as_str().to_owned()]),
    }
    for (name, value) in headers {
        words.extend(["-H".to_owned(), shell_quote(&format!("{name}: {value}"))]);
    }
    let file = shell_quote(&local_file_name(key));
    match method {
        Method::Get => words.extend(["-o".to_owned(), file]),
        Method::Put => words.extend(["--upload-file".to_owned(), file]),
        _ => {}
    }
    // curl rewrites `.`/`..` segments unless told not to, which would change
    // the signed path.
    if has_dot_segment(url) {
        words.push("--path-as-is".to_owned());
    }
    words.push(shell_quote(url));
    let mut line = words.join(" ");
    line.push('\n');
    line
}

/// The key's last segment, as a local file name (`download` when it has none).
fn local_file_name(key: &str) -> String {
    match key.rsplit('/').next() {
        Some(name) if !name.is_empty() && name != "." && name != ".." => name.to_owned(),
        _ => "download".to_owned(),
    }
}

fn has_dot_segment(url: &str) -> bool {
    let path = url.split('?').next().unwrap_or_default();
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    path.split('/')
        .skip(1)
        .any(|segment| segment == "." || segment == "..")
}

/// `text` as one POSIX shell word: as it is when it is plainly safe, else in
/// single quotes (with `'` written as `'\''`).
pub(crate) fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b));
    if safe {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_quoting() {
        assert_eq!(shell_quote("a.png"), "a.png");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("https://h/k?a=1&b=2"), "'https://h/k?a=1&b=2'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn local_file_name_is_the_last_key_segment() {
        assert_eq!(local_file_name("in/a.png"), "a.png");
        assert_eq!(local_file_name("dir/"), "download");
        assert_eq!(local_file_name(".."), "download");
    }

    #[test]
    fn dot_segments_are_detected_in_the_path_only() {
        assert!(has_dot_segment("https://h/b/a/../c?x=1"));
        assert!(has_dot_segment("https://h/b/."));
        assert!(!has_dot_segment("https://h/b/a..b?x=../"));
    }
}
