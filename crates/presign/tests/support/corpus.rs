//! Loading the conformance corpora in `tests/vectors/`.
//!
//! Shared by the library's tests and the CLI's (which include this file with
//! `#[path]`), so both read the data the same way. Files are discovered by
//! listing the folder; nothing here names a case.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The folder holding the JSON corpora.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../presign/tests/vectors")
}

/// Every `*.json` file of the folder, parsed, with its file name.
fn json_files() -> Vec<(String, serde_json::Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("tests/vectors is readable")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("vector file is readable");
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (
                name,
                serde_json::from_str(&text).expect("vector file is JSON"),
            )
        })
        .collect()
}

/// A presign corpus: `cases` with expected URLs, and `negative` inputs.
#[derive(Debug, Deserialize)]
pub struct PresignCorpus {
    pub cases: Vec<Case>,
    pub negative: Vec<Negative>,
}

#[derive(Debug, Deserialize)]
pub struct Case {
    pub id: String,
    pub inputs: Inputs,
    pub expected: Expected,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Inputs {
    pub method: String,
    pub endpoint: String,
    pub addressing_style: String,
    pub bucket: String,
    pub key: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
    pub session_token: Option<String>,
    pub timestamp: String,
    /// A number; negative cases hold -1 and 1.5 too.
    pub expires: serde_json::Number,
    pub query: Vec<(String, String)>,
    pub signed_headers: serde_json::Map<String, serde_json::Value>,
}

impl Inputs {
    /// The credentials as the `presign` command reads them from the
    /// environment (no token variable when the case has none).
    pub fn cli_env(&self) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("AWS_ACCESS_KEY_ID", self.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_key.clone()),
        ];
        if let Some(token) = &self.session_token {
            env.push(("AWS_SESSION_TOKEN", token.clone()));
        }
        env
    }

    /// Every input but credentials, bucket and key as `presign` flags,
    /// written `--flag=value` so values that start with '-' stay values (the
    /// expiry as the corpus writes it: 1.5 and -1 reach the parser as typed).
    pub fn cli_flags(&self) -> Vec<String> {
        let mut flags = vec![
            "-X".to_owned(),
            self.method.clone(),
            format!("--endpoint-url={}", self.endpoint),
            format!("--region={}", self.region),
            format!("--addressing-style={}", self.addressing_style),
            format!("--at={}", self.timestamp),
            format!("--expires-in={}", self.expires),
        ];
        flags.extend(
            self.query
                .iter()
                .map(|(name, value)| format!("--query={name}={value}")),
        );
        flags.extend(
            self.headers()
                .into_iter()
                .map(|(name, value)| format!("--header={name}: {value}")),
        );
        flags
    }

    /// The extra signed headers as name/value pairs, in file order.
    pub fn headers(&self) -> Vec<(String, String)> {
        self.signed_headers
            .iter()
            .map(|(name, value)| {
                (
                    name.clone(),
                    value.as_str().expect("header value is a string").to_owned(),
                )
            })
            .collect()
    }
}

#[derive(Debug, Deserialize)]
pub struct Expected {
    pub url: String,
    #[serde(default)]
    pub alt_urls: Vec<String>,
    pub effective_addressing_style: String,
    pub host: String,
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    pub signing_key: String,
}

impl Expected {
    /// Whether `url` is the expected URL or one of its equally correct forms.
    pub fn accepts_url(&self, url: &str) -> bool {
        url == self.url || self.alt_urls.iter().any(|alt| alt == url)
    }
}

#[derive(Debug, Deserialize)]
pub struct Negative {
    pub id: String,
    pub inputs: Inputs,
    pub why: String,
}

/// Every presign corpus in the folder (files with `cases` and `negative`).
pub fn presign_corpora() -> Vec<(String, PresignCorpus)> {
    let corpora: Vec<_> = json_files()
        .into_iter()
        .filter(|(_, json)| json.get("negative").is_some())
        .map(|(name, json)| {
            (
                name,
                serde_json::from_value(json).expect("presign corpus schema"),
            )
        })
        .collect();
    assert!(
        !corpora.is_empty(),
        "no presign corpus found in {}",
        vectors_dir().display()
    );
    corpora
}

/// A case of the generic SigV4 query-signing suite.
#[derive(Debug, Deserialize)]
pub struct SuiteCase {
    pub id: String,
    pub applies_to_s3_presign: String,
    #[serde(default)]
    pub note: String,
    pub inputs: SuiteInputs,
    pub expected: SuiteExpected,
}

#[derive(Debug, Deserialize)]
pub struct SuiteInputs {
    pub method: String,
    pub request_target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub service: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
    pub session_token: Option<String>,
    pub timestamp: String,
    pub expires: u64,
    pub omit_session_token: bool,
}

#[derive(Debug, Deserialize)]
pub struct SuiteExpected {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
}

/// Every suite case in the folder (files whose cases carry `applies_to_s3_presign`).
pub fn suite_cases() -> Vec<SuiteCase> {
    let cases: Vec<SuiteCase> = json_files()
        .into_iter()
        .filter(|(_, json)| {
            json["cases"].as_array().is_some_and(|cases| {
                cases
                    .first()
                    .is_some_and(|case| case.get("applies_to_s3_presign").is_some())
            })
        })
        .flat_map(|(_, json)| {
            serde_json::from_value::<Vec<SuiteCase>>(json["cases"].clone()).expect("suite schema")
        })
        .collect();
    assert!(
        !cases.is_empty(),
        "no SigV4 suite found in {}",
        vectors_dir().display()
    );
    cases
}

/// Collects mismatches so one run reports every failing case, each with a diff.
#[derive(Default)]
pub struct Failures {
    lines: Vec<String>,
    ids: Vec<String>,
}

impl Failures {
    /// Records a mismatch between `expected` and `actual` for `field` of case `id`.
    pub fn check(&mut self, id: &str, field: &str, expected: &str, actual: &str) {
        if expected != actual {
            self.fail(
                id,
                format!(
                    "{field}:\n{}",
                    pretty_assertions::StrComparison::new(expected, actual)
                ),
            );
        }
    }

    /// Records a failure of case `id`.
    pub fn fail(&mut self, id: &str, message: impl Into<String>) {
        let message = message.into();
        self.lines.push(format!("--- {id}: {message}"));
        if self.ids.last().map(String::as_str) != Some(id) {
            self.ids.push(id.to_owned());
        }
    }

    /// Panics with every recorded failure, naming each failing case.
    pub fn finish(self, total: usize, what: &str) {
        assert!(
            self.ids.is_empty(),
            "{} of {total} {what} failed: {}\n\n{}",
            self.ids.len(),
            self.ids.join(", "),
            self.lines.join("\n\n")
        );
    }
}
