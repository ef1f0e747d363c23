//! The AWS shared `credentials` and `config` files: locating them, and a
//! small parser for their INI-like format with nested sub-sections
//! (`s3 =` followed by indented `key = value` lines), which no INI crate reads.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::environment::{ENV_CONFIG_FILE, ENV_SHARED_CREDENTIALS_FILE, Environment};
use crate::error::ConfigError;
use crate::overrides::DEFAULT_PROFILE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `~/.aws/credentials`: sections are `[NAME]`, no inline comments.
    Credentials,
    /// `~/.aws/config`: sections are `[profile NAME]` and `[default]`;
    /// inline comments allowed.
    Config,
}

/// One loaded shared file: its profiles by name.
pub(crate) struct SharedFile {
    kind: FileKind,
    /// `None` when the path is unknown (no override and no home directory).
    path: Option<PathBuf>,
    exists: bool,
    profiles: HashMap<String, Section>,
    /// The config file's `[sso-session NAME]` sections.
    sso_sessions: HashMap<String, Section>,
    /// The config file's `[services NAME]` sections.
    services: HashMap<String, Section>,
}

impl SharedFile {
    pub(crate) fn load(kind: FileKind, path: Option<PathBuf>) -> Result<Self, ConfigError> {
        let mut file = Self {
            kind,
            path,
            exists: false,
            profiles: HashMap::new(),
            sso_sessions: HashMap::new(),
            services: HashMap::new(),
        };
        let Some(path) = &file.path else {
            return Ok(file);
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => Zeroizing::new(text),
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(file),
            Err(cause) => {
                return Err(ConfigError::ReadFile {
                    path: path.clone(),
                    cause,
                });
            }
        };
        file.exists = true;
        let sections =
            parse_ini(&text, kind == FileKind::Config).map_err(|error| ConfigError::Malformed {
                path: path.clone(),
                line: error.line,
                problem: error.problem,
            })?;
        for (header, section) in sections {
            let (map, name) = match kind {
                FileKind::Credentials => (&mut file.profiles, Some(header.as_str())),
                FileKind::Config => match named_section(&header, "sso-session") {
                    Some(name) => (&mut file.sso_sessions, Some(name)),
                    None => match named_section(&header, "services") {
                        Some(name) => (&mut file.services, Some(name)),
                        None => (&mut file.profiles, config_profile_name(&header)),
                    },
                },
            };
            if let Some(name) = name {
                map.entry(name.to_owned())
                    .or_default()
                    .entries
                    .extend(section.entries);
            }
        }
        Ok(file)
    }

    /// The file's path for messages.
    pub(crate) fn label(&self) -> String {
        match (&self.path, self.kind) {
            (Some(path), _) => path.display().to_string(),
            (None, FileKind::Credentials) => "~/.aws/credentials (no home directory)".to_owned(),
            (None, FileKind::Config) => "~/.aws/config (no home directory)".to_owned(),
        }
    }

    /// The file's path for "looked in" lists, noting a missing file.
    pub(crate) fn describe(&self) -> String {
        if self.exists || self.path.is_none() {
            self.label()
        } else {
            format!("{} (does not exist)", self.label())
        }
    }
}

/// The profile a config-file section header names: `[default]`,
/// `[profile default]`, `[profile NAME]`; `None` for other sections
/// (`[sso-session ...]`, `[services ...]`, ...).
pub(crate) fn config_profile_name(header: &str) -> Option<&str> {
    if header == DEFAULT_PROFILE {
        return Some(DEFAULT_PROFILE);
    }
    let rest = header.strip_prefix("profile")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let name = rest.trim();
    (!name.is_empty()).then_some(name)
}

/// The name of a `[KIND NAME]` header (`[sso-session my-sso]`).
fn named_section<'a>(header: &'a str, kind: &str) -> Option<&'a str> {
    let rest = header.strip_prefix(kind)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let name = rest.trim();
    (!name.is_empty()).then_some(name)
}

/// The credentials file and the config file; for the same key the
/// credentials file wins.
pub(crate) struct SharedFiles {
    credentials: SharedFile,
    config: SharedFile,
}

impl SharedFiles {
    pub(crate) fn load(env: &Environment) -> Result<Self, ConfigError> {
        let default_path = |name: &str| env.home.as_ref().map(|home| home.join(".aws").join(name));
        let credentials_path = env
            .path_var(ENV_SHARED_CREDENTIALS_FILE)
            .or_else(|| default_path("credentials"));
        let config_path = env
            .path_var(ENV_CONFIG_FILE)
            .or_else(|| default_path("config"));
        Ok(Self {
            credentials: SharedFile::load(FileKind::Credentials, credentials_path)?,
            config: SharedFile::load(FileKind::Config, config_path)?,
        })
    }

    /// The profile's sections, credentials file first.
    pub(crate) fn profile_sections<'a>(
        &'a self,
        profile: &str,
    ) -> impl Iterator<Item = (&'a SharedFile, &'a Section)> {
        [&self.credentials, &self.config]
            .into_iter()
            .filter_map(move |file| Some((file, file.profiles.get(profile)?)))
    }

    pub(crate) fn profile_exists(&self, profile: &str) -> bool {
        self.profile_sections(profile).next().is_some()
    }

    /// A top-level key of the profile, and the file it came from.
    pub(crate) fn setting(&self, profile: &str, key: &str) -> Option<(&str, &SharedFile)> {
        self.profile_sections(profile)
            .find_map(|(file, section)| Some((section.value(key)?, file)))
    }

    /// A key of one of the profile's nested sub-sections (e.g. `s3`).
    pub(crate) fn nested_setting(
        &self,
        profile: &str,
        sub_section: &str,
        key: &str,
    ) -> Option<(&str, &SharedFile)> {
        self.profile_sections(profile)
            .find_map(|(file, section)| Some((section.nested_value(sub_section, key)?, file)))
    }

    /// The config file's `[sso-session NAME]` section.
    pub(crate) fn sso_session(&self, name: &str) -> Option<(&Section, &SharedFile)> {
        Some((self.config.sso_sessions.get(name)?, &self.config))
    }

    /// The config file's `[services NAME]` section.
    pub(crate) fn services(&self, name: &str) -> Option<(&Section, &SharedFile)> {
        Some((self.config.services.get(name)?, &self.config))
    }

    /// The profile's section in the credentials file only.
    pub(crate) fn credentials_file_section(
        &self,
        profile: &str,
    ) -> Option<(&SharedFile, &Section)> {
        Some((&self.credentials, self.credentials.profiles.get(profile)?))
    }

    /// The profile's section in the config file only.
    pub(crate) fn config_file_section(&self, profile: &str) -> Option<(&SharedFile, &Section)> {
        Some((&self.config, self.config.profiles.get(profile)?))
    }

    pub(crate) fn describe(&self) -> String {
        format!(
            "{} and {}",
            self.credentials.describe(),
            self.config.describe()
        )
    }
}

// ---------------------------------------------------------------------------
// INI-like parser
// ---------------------------------------------------------------------------

/// One `[section]` of a shared file. Keys are lower-case.
#[derive(Default)]
pub(crate) struct Section {
    pub(crate) entries: HashMap<String, Entry>,
}

pub(crate) enum Entry {
    Value(Zeroizing<String>),
    /// `key =` followed by more-indented `key = value` lines.
    Nested(HashMap<String, Zeroizing<String>>),
}

impl Section {
    /// A non-empty top-level value.
    pub(crate) fn value(&self, key: &str) -> Option<&str> {
        match self.entries.get(key)? {
            Entry::Value(value) if !value.is_empty() => Some(value.as_str()),
            Entry::Value(_) | Entry::Nested(_) => None,
        }
    }

    /// A non-empty value inside a nested sub-section.
    pub(crate) fn nested_value(&self, sub_section: &str, key: &str) -> Option<&str> {
        match self.entries.get(sub_section)? {
            Entry::Nested(entries) => entries
                .get(key)
                .map(|value| value.as_str())
                .filter(|value| !value.is_empty()),
            Entry::Value(_) => None,
        }
    }
}

/// A syntax error: the line number and what is wrong, never the content.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) line: usize,
    pub(crate) problem: &'static str,
}

pub(crate) const PROBLEM_NOT_KEY_VALUE: &str =
    "expected `key = value`, a `[section]` header or a comment";
pub(crate) const PROBLEM_EMPTY_KEY: &str = "expected `key = value` but the key is empty";
pub(crate) const PROBLEM_UNCLOSED_HEADER: &str = "section header is missing its closing `]`";
pub(crate) const PROBLEM_EMPTY_HEADER: &str = "section header has an empty name";
pub(crate) const PROBLEM_OUTSIDE_SECTION: &str = "setting appears before any `[section]` header";
pub(crate) const PROBLEM_CONTINUATION: &str = "indented line after a key with a value; only a key with an empty value (`key =`) can be followed by an indented sub-section";
pub(crate) const PROBLEM_SUB_SECTION_LINE: &str =
    "expected `key = value` inside the indented sub-section";

/// A key whose value may still be followed by an indented sub-section.
pub(crate) struct OpenKey {
    key: String,
    indent: usize,
    value: Zeroizing<String>,
    nested: HashMap<String, Zeroizing<String>>,
}

impl OpenKey {
    pub(crate) fn close(self, sections: &mut [(String, Section)]) {
        let entry = if self.value.is_empty() && !self.nested.is_empty() {
            Entry::Nested(self.nested)
        } else {
            Entry::Value(self.value)
        };
        if let Some((_, section)) = sections.last_mut() {
            section.entries.insert(self.key, entry);
        }
    }
}

/// Parses an AWS shared config/credentials file into its sections, in
/// order (a header may repeat). `#` and `;` start comment lines; with
/// `inline_comments` they also start a comment when preceded by whitespace.
/// Keys are lower-cased; keys and values are trimmed. A key with an empty
/// value followed by more-indented `key = value` lines is a nested
/// sub-section.
pub(crate) fn parse_ini(
    text: &str,
    inline_comments: bool,
) -> Result<Vec<(String, Section)>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<(String, Section)> = Vec::new();
    let mut open: Option<OpenKey> = None;
    for (index, raw) in text.lines().enumerate() {
        let error = |problem| ParseError {
            line: index + 1,
            problem,
        };
        let body = raw.trim_start();
        if body.is_empty() || body.starts_with(['#', ';']) {
            continue;
        }
        let indent = raw.len() - body.len();
        let body = if inline_comments {
            strip_inline_comment(body)
        } else {
            body
        }
        .trim_end();

        if let Some(key) = open.as_mut()
            && indent > key.indent
        {
            if !key.value.is_empty() {
                return Err(error(PROBLEM_CONTINUATION));
            }
            let (name, value) =
                split_key_value(body).map_err(|_| error(PROBLEM_SUB_SECTION_LINE))?;
            key.nested.insert(name, Zeroizing::new(value.to_owned()));
            continue;
        }
        if let Some(key) = open.take() {
            key.close(&mut sections);
        }

        if let Some(rest) = body.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| error(PROBLEM_UNCLOSED_HEADER))?
                .trim();
            if name.is_empty() {
                return Err(error(PROBLEM_EMPTY_HEADER));
            }
            sections.push((name.to_owned(), Section::default()));
            continue;
        }
        let (key, value) = split_key_value(body).map_err(error)?;
        if sections.is_empty() {
            return Err(error(PROBLEM_OUTSIDE_SECTION));
        }
        open = Some(OpenKey {
            key,
            indent,
            value: Zeroizing::new(value.to_owned()),
            nested: HashMap::new(),
        });
    }
    if let Some(key) = open.take() {
        key.close(&mut sections);
    }
    Ok(sections)
}

/// Splits `key = value` at the first `=`; the key is trimmed and
/// lower-cased, the value trimmed.
pub(crate) fn split_key_value(body: &str) -> Result<(String, &str), &'static str> {
    let (key, value) = body.split_once('=').ok_or(PROBLEM_NOT_KEY_VALUE)?;
    let key = key.trim();
    if key.is_empty() {
        return Err(PROBLEM_EMPTY_KEY);
    }
    // Setting names are identifiers. Anything else means the `=` was not the
    // separator (e.g. `aws_secret_access_key abc=def`), and the "name" may be
    // part of a secret: refuse the line rather than carry it around.
    if !key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
    {
        return Err(PROBLEM_NOT_KEY_VALUE);
    }
    Ok((key.to_lowercase(), value.trim()))
}

/// Cuts a line at the first `#` or `;` that follows whitespace.
pub(crate) fn strip_inline_comment(body: &str) -> &str {
    let mut previous_is_space = false;
    for (index, character) in body.char_indices() {
        if previous_is_space && (character == '#' || character == ';') {
            return &body[..index];
        }
        previous_is_space = character.is_whitespace();
    }
    body
}
