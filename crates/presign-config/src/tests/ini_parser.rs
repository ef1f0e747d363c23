//! The shared-file INI parser: sections, nested sub-sections, comments,
//! line endings and the line numbers of malformed lines.

use super::*;
use pretty_assertions::assert_eq;

fn parse(text: &str, inline_comments: bool) -> Vec<(String, Section)> {
    parse_ini(text, inline_comments).unwrap()
}

fn parse_error(text: &str, inline_comments: bool) -> ParseError {
    match parse_ini(text, inline_comments) {
        Ok(_) => panic!("expected a parse error"),
        Err(error) => error,
    }
}

#[test]
fn parser_reads_sections_keys_and_trims_whitespace() {
    let sections = parse(
        "[a]\n  key1   =   value one  \nKEY2=v2\n[ b ]\nk = x=y=z\n",
        false,
    );
    let names: Vec<&str> = sections.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(sections[0].1.value("key1"), Some("value one"));
    assert_eq!(
        sections[0].1.value("key2"),
        Some("v2"),
        "keys are lower-cased"
    );
    assert_eq!(
        sections[1].1.value("k"),
        Some("x=y=z"),
        "split at the first `=`"
    );
}

#[test]
fn parser_skips_comment_and_blank_lines() {
    let sections = parse(
        "# top\n; also\n\n[a]\n  # indented comment\nk = v\n\n; end\n",
        false,
    );
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0].1.entries.len(), 1);
    assert_eq!(sections[0].1.value("k"), Some("v"));
}

#[test]
fn parser_strips_inline_comments_only_when_enabled_and_after_whitespace() {
    let text = "[a] # header comment\nk = v # comment\nurl = http://h/x#frag;y ; comment\n";
    let with = parse(text, true);
    assert_eq!(with[0].0, "a");
    assert_eq!(with[0].1.value("k"), Some("v"));
    assert_eq!(with[0].1.value("url"), Some("http://h/x#frag;y"));

    let without = parse("[a]\nk = v # not a comment\n", false);
    assert_eq!(without[0].1.value("k"), Some("v # not a comment"));
}

#[test]
fn parser_reads_nested_sub_section() {
    let text = "[profile dev]\nregion = eu-de\ns3 =\n  addressing_style = path\n\n  Endpoint_URL = https://e.example\nafter = 1\n";
    let sections = parse(text, true);
    let section = &sections[0].1;
    assert_eq!(section.value("region"), Some("eu-de"));
    assert_eq!(section.nested_value("s3", "addressing_style"), Some("path"));
    assert_eq!(
        section.nested_value("s3", "endpoint_url"),
        Some("https://e.example")
    );
    assert_eq!(
        section.value("s3"),
        None,
        "a sub-section is not a plain value"
    );
    assert_eq!(
        section.value("after"),
        Some("1"),
        "a less-indented line closes the sub-section"
    );
    assert_eq!(section.nested_value("s3", "after"), None);
}

#[test]
fn parser_treats_empty_key_without_indented_lines_as_empty_value() {
    let sections = parse("[a]\ns3 =\nk = v\n", false);
    assert!(matches!(sections[0].1.entries.get("s3"), Some(Entry::Value(v)) if v.is_empty()));
    assert_eq!(sections[0].1.value("s3"), None);
    assert_eq!(sections[0].1.value("k"), Some("v"));
}

#[test]
fn parser_handles_crlf_and_byte_order_mark() {
    let sections = parse("\u{feff}[a]\r\nk = v\r\ns3 =\r\n  x = y\r\n", false);
    assert_eq!(sections[0].0, "a");
    assert_eq!(sections[0].1.value("k"), Some("v"));
    assert_eq!(sections[0].1.nested_value("s3", "x"), Some("y"));
}

#[test]
fn parser_reports_line_numbers_of_malformed_lines() {
    let cases: [(&str, ParseError); 7] = [
        (
            "[a]\nk = v\n\njust text\n",
            ParseError {
                line: 4,
                problem: PROBLEM_NOT_KEY_VALUE,
            },
        ),
        (
            "[a]\n= v\n",
            ParseError {
                line: 2,
                problem: PROBLEM_EMPTY_KEY,
            },
        ),
        (
            "# c\n[a\n",
            ParseError {
                line: 2,
                problem: PROBLEM_UNCLOSED_HEADER,
            },
        ),
        (
            "[  ]\n",
            ParseError {
                line: 1,
                problem: PROBLEM_EMPTY_HEADER,
            },
        ),
        (
            "\nk = v\n[a]\n",
            ParseError {
                line: 2,
                problem: PROBLEM_OUTSIDE_SECTION,
            },
        ),
        (
            "[a]\nk = v\n  more\n",
            ParseError {
                line: 3,
                problem: PROBLEM_CONTINUATION,
            },
        ),
        (
            "[a]\ns3 =\n  x = 1\n  nonsense\n",
            ParseError {
                line: 4,
                problem: PROBLEM_SUB_SECTION_LINE,
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_error(text, true), expected, "input: {text:?}");
    }
}

#[test]
fn config_profile_names_map_from_headers() {
    assert_eq!(config_profile_name("default"), Some("default"));
    assert_eq!(config_profile_name("profile default"), Some("default"));
    assert_eq!(config_profile_name("profile   dev"), Some("dev"));
    assert_eq!(config_profile_name("profiledev"), None);
    assert_eq!(config_profile_name("profile"), None);
    assert_eq!(config_profile_name("sso-session corp"), None);
    assert_eq!(config_profile_name("dev"), None);
}
