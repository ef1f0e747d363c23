//! A profile's `credential_process`: its command line split into words the
//! way botocore does on POSIX systems (Python's `shlex.split`, which follows
//! the shell's quoting but runs no shell: no variables, globs, pipes or
//! redirections), and the JSON it prints.
//!
//! The splitting rules, from `shlex` in POSIX mode:
//! - words are separated by spaces, tabs, CR and LF;
//! - outside quotes a backslash takes the next character literally;
//! - inside single quotes every character is literal;
//! - inside double quotes a backslash escapes only `"` and `\`, and is kept
//!   before any other character (`"a\b"` is `a\b`);
//! - quotes join with the text around them (`a"b c"d` is one word) and an
//!   empty pair (`''`) is an empty word;
//! - a quote left open or a backslash at the end is an error.

use crate::credentials::ResolvedCredentials;

use super::json_answer::{self, JsonAnswerError, KeyNames};

/// Why a `credential_process` command line cannot be split into words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitError {
    /// A quote is never closed (shlex: "No closing quotation").
    #[error("its {0} quote is never closed")]
    UnclosedQuote(char),
    /// The line ends in a backslash (shlex: "No escaped character").
    #[error("it ends in a backslash that escapes nothing")]
    TrailingBackslash,
    /// There is no word at all.
    #[error("it is empty")]
    Empty,
}

/// Where the splitter is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between words.
    Between,
    /// In a word, outside quotes.
    Word,
    /// Inside a quote (`'` or `"`).
    Quoted(char),
    /// After a backslash; `in_quote` is the quote it appeared in.
    Escaped { in_quote: Option<char> },
}

/// The words of `command`, as botocore's `compat_shell_split` gives them on
/// POSIX systems.
///
/// # Example
/// ```
/// use presign_config::sources::split_command_line;
///
/// let words = split_command_line(r#"/opt/bin/creds --profile "my team" it\'s"#)?;
/// assert_eq!(words, ["/opt/bin/creds", "--profile", "my team", "it's"]);
/// # Ok::<(), presign_config::sources::SplitError>(())
/// ```
pub fn split_command_line(command: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether the current word had a quote: `''` is a word, nothing is not.
    let mut quoted = false;
    let mut state = State::Between;
    for c in command.chars() {
        state = match state {
            State::Between | State::Word => match c {
                ' ' | '\t' | '\r' | '\n' => {
                    if state == State::Word && (!word.is_empty() || quoted) {
                        words.push(std::mem::take(&mut word));
                    }
                    quoted = false;
                    State::Between
                }
                '\\' => State::Escaped { in_quote: None },
                '\'' | '"' => State::Quoted(c),
                _ => {
                    word.push(c);
                    State::Word
                }
            },
            State::Quoted(quote) => {
                quoted = true;
                if c == quote {
                    State::Word
                } else if c == '\\' && quote == '"' {
                    State::Escaped {
                        in_quote: Some(quote),
                    }
                } else {
                    word.push(c);
                    state
                }
            }
            State::Escaped { in_quote } => {
                if let Some(quote) = in_quote
                    && c != quote
                    && c != '\\'
                {
                    word.push('\\');
                }
                word.push(c);
                in_quote.map_or(State::Word, State::Quoted)
            }
        };
    }
    match state {
        State::Quoted(quote) => return Err(SplitError::UnclosedQuote(quote)),
        State::Escaped { .. } => return Err(SplitError::TrailingBackslash),
        State::Word if !word.is_empty() || quoted => words.push(word),
        State::Word | State::Between => {}
    }
    if words.is_empty() {
        return Err(SplitError::Empty);
    }
    Ok(words)
}

/// The credentials a `credential_process` printed: a JSON object with
/// `Version: 1`, `AccessKeyId`, `SecretAccessKey` and optionally
/// `SessionToken` and `Expiration` (long-term keys have neither).
///
/// `Version` is compared as a number, as botocore does (`1` and `1.0` are
/// accepted; `"1"` is not).
///
/// # Example
/// ```
/// use presign_config::sources::parse_process_output;
///
/// let out = br#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s", "SessionToken": "t",
///               "Expiration": "2026-12-06T16:04:00Z"}"#;
/// let credentials = parse_process_output(out, "credential_process of profile 'dev'".to_owned())?;
/// assert_eq!(credentials.access_key_id, "AKID");
/// assert!(credentials.expires_at.is_some());
/// assert!(parse_process_output(br#"{"Version": 2}"#, String::new()).is_err());
/// # Ok::<(), presign_config::sources::JsonAnswerError>(())
/// ```
pub fn parse_process_output(
    stdout: &[u8],
    source: String,
) -> Result<ResolvedCredentials, JsonAnswerError> {
    let map = json_answer::parse_object(stdout)?;
    match map.get("Version") {
        Some(version) if version.as_f64() == Some(1.0) => {}
        Some(version) => {
            return Err(JsonAnswerError::UnsupportedVersion {
                found: json_answer::cut(&version.to_string()),
            });
        }
        None => {
            return Err(JsonAnswerError::UnsupportedVersion {
                found: "<Version key not provided>".to_owned(),
            });
        }
    }
    json_answer::credentials(
        &map,
        &KeyNames {
            token: "SessionToken",
            token_required: false,
            expiration_required: false,
        },
        source,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Vec<String> {
        split_command_line(line).unwrap()
    }

    #[test]
    fn words_are_separated_by_any_run_of_blanks() {
        assert_eq!(split("  a \t b\r\nc  "), ["a", "b", "c"]);
    }

    #[test]
    fn backslash_outside_quotes_takes_the_next_character() {
        assert_eq!(split(r"a\ b c\\d \'e"), ["a b", r"c\d", "'e"]);
    }

    #[test]
    fn single_quotes_keep_everything() {
        assert_eq!(split(r"'a \b $HOME' x"), [r"a \b $HOME", "x"]);
    }

    #[test]
    fn double_quotes_escape_only_quote_and_backslash() {
        assert_eq!(
            split(r#""a\"b" "c\\d" "e\f" "$x""#),
            [r#"a"b"#, r"c\d", r"e\f", "$x"]
        );
    }

    #[test]
    fn quotes_join_with_neighbouring_text_and_empty_quotes_are_words() {
        assert_eq!(split(r#"a"b c"d '' """#), ["ab cd", "", ""]);
    }

    #[test]
    fn no_shell_syntax_is_interpreted() {
        assert_eq!(split("a|b >c; $(d) #e"), ["a|b", ">c;", "$(d)", "#e"]);
    }

    #[test]
    fn open_quotes_and_trailing_backslashes_are_refused() {
        assert_eq!(
            split_command_line("a 'b").unwrap_err(),
            SplitError::UnclosedQuote('\'')
        );
        assert_eq!(
            split_command_line("a \"b\\\"").unwrap_err(),
            SplitError::UnclosedQuote('"')
        );
        assert_eq!(
            split_command_line("a\\").unwrap_err(),
            SplitError::TrailingBackslash
        );
        assert_eq!(split_command_line(" \t").unwrap_err(), SplitError::Empty);
    }

    #[test]
    fn output_without_version_is_refused_as_botocore_words_it() {
        let error = parse_process_output(br#"{"AccessKeyId": "a"}"#, String::new()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "an answer with unsupported version '<Version key not provided>' for credential \
             process provider, supported versions: 1"
        );
    }

    #[test]
    fn version_must_be_the_number_one() {
        for version in ["2", "\"1\"", "null", "true"] {
            let out =
                format!(r#"{{"Version": {version}, "AccessKeyId": "a", "SecretAccessKey": "b"}}"#);
            let error = parse_process_output(out.as_bytes(), String::new()).unwrap_err();
            assert!(
                matches!(error, JsonAnswerError::UnsupportedVersion { .. }),
                "{version}: {error}"
            );
        }
        let out = br#"{"Version": 1.0, "AccessKeyId": "a", "SecretAccessKey": "b"}"#;
        assert!(parse_process_output(out, String::new()).is_ok());
    }

    #[test]
    fn long_term_keys_have_no_token_or_expiry() {
        let out =
            br#"{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "SessionToken": null}"#;
        let credentials = parse_process_output(out, "src".to_owned()).unwrap();
        assert_eq!(credentials.access_key_id, "a");
        assert_eq!(credentials.secret_access_key.as_str(), "b");
        assert!(credentials.session_token.is_none());
        assert!(credentials.expires_at.is_none());
        assert_eq!(credentials.source, "src");
    }

    #[test]
    fn a_missing_secret_is_named() {
        let out = br#"{"Version": 1, "AccessKeyId": "a"}"#;
        assert_eq!(
            parse_process_output(out, String::new()).unwrap_err(),
            JsonAnswerError::MissingKey {
                key: "SecretAccessKey"
            }
        );
    }

    #[test]
    fn a_bad_expiration_is_named() {
        let out =
            br#"{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b", "Expiration": "soon"}"#;
        assert_eq!(
            parse_process_output(out, String::new()).unwrap_err(),
            JsonAnswerError::BadExpiration {
                key: "Expiration",
                value: "soon".to_owned()
            }
        );
    }
}
