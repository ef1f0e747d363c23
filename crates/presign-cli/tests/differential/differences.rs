//! The deliberate differences from botocore that `docs/botocore-differences.md`
//! lists, each checked side by side: the `presign` binary (as a user runs
//! it) and botocore (`scripts/botocore_presign.py`) get the same request, and
//! each must do what the document says it does. The document's rows and the
//! rows here must be the same list, so a row cannot go unchecked and a
//! checked difference cannot go undocumented.

use std::process::Command;

use serde_json::{Value, json};

use super::{python_or_skip, repo_root, run_helper};

const DOCUMENT: &str = "docs/botocore-differences.md";
const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const AT: &str = "2013-05-24T00:00:00Z";
const IBM_ENDPOINT: &str = "https://s3.us-south.cloud-object-storage.appdomain.cloud";
/// A custom endpoint (never contacted: presigning is local).
const LOCAL: &str = "http://127.0.0.1:9000";

/// What one side does with a request.
#[derive(Debug, Clone, Copy)]
enum Does {
    /// Signs a URL that starts with the prefix and holds each text.
    Signs(&'static str, &'static [&'static str]),
    /// Signs as [`Does::Signs`], and warns on stderr with the text.
    SignsWarning(&'static str, &'static [&'static str], &'static str),
    /// Refuses, with a message that holds the text.
    Refuses(&'static str),
}

/// One request both sides get.
struct Example {
    /// `presign` arguments before the `s3://` operand (credentials and the
    /// signing instant come from here).
    presign: &'static [&'static str],
    /// The operand, `s3://BUCKET/KEY`.
    object: &'static str,
    /// Fields that differ from [`botocore_base`] in botocore's input.
    botocore: Value,
    presign_does: Does,
    botocore_does: Does,
}

/// A row of the document: its first cell, and the requests that show it.
struct Row {
    title: &'static str,
    examples: Vec<Example>,
}

/// The request of the AWS documentation example, as botocore's input.
fn botocore_base() -> Value {
    json!({
        "method": "GET",
        "endpoint": "https://s3.amazonaws.com",
        "botocore_default_endpoint": false,
        "addressing_style": "auto",
        "bucket": "examplebucket",
        "key": "test.txt",
        "region": "us-east-1",
        "access_key": ACCESS_KEY,
        "secret_key": SECRET,
        "session_token": null,
        "timestamp": AT,
        "expires": 3600,
        "query": [],
        "signed_headers": {},
    })
}

#[allow(clippy::too_many_lines)] // one table, read top to bottom like the document
fn rows() -> Vec<Row> {
    let example = |presign: &'static [&'static str],
                   object: &'static str,
                   botocore: Value,
                   presign_does: Does,
                   botocore_does: Does| Example {
        presign,
        object,
        botocore,
        presign_does,
        botocore_does,
    };
    vec![
        Row {
            title: "No endpoint, a region other than us-east-1",
            examples: vec![example(
                &["--region", "eu-west-1"],
                "s3://examplebucket/test.txt",
                json!({"botocore_default_endpoint": true, "region": "eu-west-1"}),
                Does::Signs(
                    "https://examplebucket.s3.eu-west-1.amazonaws.com/test.txt?",
                    &["%2Feu-west-1%2Fs3%2F"],
                ),
                Does::Signs(
                    "https://examplebucket.s3.amazonaws.com/test.txt?",
                    &["%2Feu-west-1%2Fs3%2F"],
                ),
            )],
        },
        Row {
            title: "An AWS endpoint given explicitly, addressing style auto",
            examples: vec![example(
                &[
                    "--region",
                    "eu-west-1",
                    "--endpoint-url",
                    "https://s3.eu-west-1.amazonaws.com",
                ],
                "s3://examplebucket/test.txt",
                json!({"endpoint": "https://s3.eu-west-1.amazonaws.com", "region": "eu-west-1"}),
                Does::Signs(
                    "https://examplebucket.s3.eu-west-1.amazonaws.com/test.txt?",
                    &[],
                ),
                Does::Signs(
                    "https://s3.eu-west-1.amazonaws.com/examplebucket/test.txt?",
                    &[],
                ),
            )],
        },
        Row {
            title: "Virtual-hosted style on an IP address, bucket with dots",
            examples: vec![example(
                &["--endpoint-url", LOCAL, "--addressing-style", "virtual"],
                "s3://my.bucket/test.txt",
                json!({"endpoint": LOCAL, "addressing_style": "virtual", "bucket": "my.bucket"}),
                Does::Signs("http://127.0.0.1:9000/my.bucket/test.txt?", &[]),
                Does::Signs("http://my.bucket.127.0.0.1:9000/test.txt?", &[]),
            )],
        },
        Row {
            title: "An empty region with virtual-hosted style",
            examples: vec![example(
                &[
                    "--region",
                    "",
                    "--endpoint-url",
                    IBM_ENDPOINT,
                    "--addressing-style",
                    "virtual",
                ],
                "s3://examplebucket/test.txt",
                json!({"endpoint": IBM_ENDPOINT, "region": "", "addressing_style": "virtual"}),
                Does::Signs(
                    "https://examplebucket.s3.us-south.cloud-object-storage.appdomain.cloud/test.txt?",
                    &["%2F20130524%2F%2Fs3%2F"],
                ),
                Does::Refuses("Invalid region"),
            )],
        },
        Row {
            title: "A region of digits only, or with '-' at either end",
            examples: vec![
                example(
                    &["--region", "123", "--endpoint-url", LOCAL],
                    "s3://examplebucket/test.txt",
                    json!({"endpoint": LOCAL, "region": "123", "addressing_style": "path"}),
                    Does::Signs(
                        "http://127.0.0.1:9000/examplebucket/test.txt?",
                        &["%2F123%2Fs3%2F"],
                    ),
                    Does::Refuses("InvalidRegionError"),
                ),
                example(
                    &["--region", "eu-", "--endpoint-url", LOCAL],
                    "s3://examplebucket/test.txt",
                    json!({"endpoint": LOCAL, "region": "eu-", "addressing_style": "path"}),
                    Does::Signs(
                        "http://127.0.0.1:9000/examplebucket/test.txt?",
                        &["%2Feu-%2Fs3%2F"],
                    ),
                    Does::Refuses("InvalidRegionError"),
                ),
            ],
        },
        Row {
            title: "A FIPS pseudo-region",
            examples: vec![
                example(
                    &[
                        "--region",
                        "us-east-1-fips",
                        "--endpoint-url",
                        "https://s3.example.com",
                        "--addressing-style",
                        "path",
                    ],
                    "s3://examplebucket/test.txt",
                    json!({"endpoint": "https://s3.example.com", "region": "us-east-1-fips", "addressing_style": "path"}),
                    Does::Signs(
                        "https://s3.example.com/examplebucket/test.txt?",
                        &["%2Fus-east-1-fips%2Fs3%2F"],
                    ),
                    Does::Signs(
                        "https://s3.example.com/examplebucket/test.txt?",
                        &["%2Fus-east-1%2Fs3%2F"],
                    ),
                ),
                example(
                    &["--region", "us-east-1-fips"],
                    "s3://examplebucket/test.txt",
                    json!({"botocore_default_endpoint": true, "region": "us-east-1-fips"}),
                    Does::SignsWarning(
                        "https://examplebucket.s3.us-east-1-fips.amazonaws.com/test.txt?",
                        &["%2Fus-east-1-fips%2Fs3%2F"],
                        "--endpoint-url",
                    ),
                    Does::Signs(
                        "https://examplebucket.s3-fips.us-east-1.amazonaws.com/test.txt?",
                        &["%2Fus-east-1%2Fs3%2F"],
                    ),
                ),
            ],
        },
        Row {
            title: "The pseudo-region s3-external-1",
            examples: vec![example(
                &["--region", "s3-external-1"],
                "s3://examplebucket/test.txt",
                json!({"botocore_default_endpoint": true, "region": "s3-external-1"}),
                Does::SignsWarning(
                    "https://examplebucket.s3.s3-external-1.amazonaws.com/test.txt?",
                    &[],
                    "--endpoint-url",
                ),
                Does::Signs(
                    "https://examplebucket.s3.amazonaws.com/test.txt?",
                    &["%2Fus-east-1%2Fs3%2F"],
                ),
            )],
        },
        Row {
            title: "FIPS in a region other than us-east-1, addressing style auto",
            examples: vec![example(
                &["--region", "us-west-2", "--fips"],
                "s3://examplebucket/test.txt",
                json!({
                    "botocore_default_endpoint": true,
                    "region": "us-west-2",
                    "client_config": {"use_fips_endpoint": true},
                }),
                Does::Signs(
                    "https://examplebucket.s3-fips.us-west-2.amazonaws.com/test.txt?",
                    &["%2Fus-west-2%2Fs3%2F"],
                ),
                Does::Signs(
                    "https://examplebucket.s3-fips.us-east-1.amazonaws.com/test.txt?",
                    &["%2Fus-west-2%2Fs3%2F"],
                ),
            )],
        },
        Row {
            title: "No endpoint, a region AWS does not have",
            examples: vec![
                example(
                    &["--region", "auto"],
                    "s3://examplebucket/test.txt",
                    json!({"botocore_default_endpoint": true, "region": "auto"}),
                    Does::SignsWarning(
                        "https://examplebucket.s3.auto.amazonaws.com/test.txt?",
                        &["%2Fauto%2Fs3%2F"],
                        "--endpoint-url",
                    ),
                    Does::Signs(
                        "https://examplebucket.s3.amazonaws.com/test.txt?",
                        &["%2Fauto%2Fs3%2F"],
                    ),
                ),
                example(
                    &["--region", "eu-de"],
                    "s3://examplebucket/test.txt",
                    json!({"botocore_default_endpoint": true, "region": "eu-de"}),
                    Does::SignsWarning(
                        "https://examplebucket.s3.eu-de.amazonaws.com/test.txt?",
                        &["%2Feu-de%2Fs3%2F"],
                        "--endpoint-url",
                    ),
                    Does::Signs(
                        "https://examplebucket.s3.amazonaws.com/test.txt?",
                        &["%2Feu-de%2Fs3%2F"],
                    ),
                ),
            ],
        },
        Row {
            title: "An endpoint host with '_'",
            examples: vec![example(
                &["--endpoint-url", "http://my_minio:9000"],
                "s3://examplebucket/test.txt",
                json!({"endpoint": "http://my_minio:9000", "addressing_style": "path"}),
                Does::Signs("http://my_minio:9000/examplebucket/test.txt?", &[]),
                Does::Refuses("Invalid endpoint"),
            )],
        },
        Row {
            title: "Content-Type application/x-www-form-urlencoded; charset=utf-8",
            examples: vec![example(
                &[
                    "-X",
                    "PUT",
                    "--content-type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                    "--endpoint-url",
                    LOCAL,
                ],
                "s3://examplebucket/test.txt",
                json!({
                    "method": "PUT",
                    "endpoint": LOCAL,
                    "signed_headers": {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                }),
                Does::Signs(
                    "http://127.0.0.1:9000/examplebucket/test.txt?",
                    &["&X-Amz-SignedHeaders=content-type%3Bhost&"],
                ),
                Does::Signs(
                    "http://127.0.0.1:9000/examplebucket/test.txt?",
                    &["&X-Amz-SignedHeaders=host&"],
                ),
            )],
        },
        Row {
            title: "An endpoint base path, path style",
            examples: vec![
                example(
                    &["--endpoint-url", "http://127.0.0.1:9000/a%20b"],
                    "s3://examplebucket/test.txt",
                    json!({"endpoint": "http://127.0.0.1:9000/a%20b", "addressing_style": "path"}),
                    Does::Signs("http://127.0.0.1:9000/a%20b/examplebucket/test.txt?", &[]),
                    Does::Signs("http://127.0.0.1:9000/a%2520b/examplebucket/test.txt?", &[]),
                ),
                example(
                    &["--endpoint-url", "http://127.0.0.1:9000/a/./b"],
                    "s3://examplebucket/test.txt",
                    json!({"endpoint": "http://127.0.0.1:9000/a/./b", "addressing_style": "path"}),
                    Does::Signs("http://127.0.0.1:9000/a/./b/examplebucket/test.txt?", &[]),
                    Does::Signs("http://127.0.0.1:9000/a/b/examplebucket/test.txt?", &[]),
                ),
            ],
        },
        Row {
            title: "An endpoint base path not written as S3 canonicalises it",
            examples: ["/+", "/%7e", "/a;b"]
                .into_iter()
                .map(|path| {
                    let (endpoint, botocore_url) = match path {
                        "/+" => (
                            "http://127.0.0.1:9000/+",
                            "http://127.0.0.1:9000/%2B/examplebucket/test.txt?",
                        ),
                        "/%7e" => (
                            "http://127.0.0.1:9000/%7e",
                            "http://127.0.0.1:9000/%257e/examplebucket/test.txt?",
                        ),
                        _ => (
                            "http://127.0.0.1:9000/a;b",
                            "http://127.0.0.1:9000/a/examplebucket/test.txt?",
                        ),
                    };
                    example(
                        match path {
                            "/+" => &["--endpoint-url", "http://127.0.0.1:9000/+"],
                            "/%7e" => &["--endpoint-url", "http://127.0.0.1:9000/%7e"],
                            _ => &["--endpoint-url", "http://127.0.0.1:9000/a;b"],
                        },
                        "s3://examplebucket/test.txt",
                        json!({"endpoint": endpoint, "addressing_style": "path"}),
                        Does::Refuses("the base path must be written as S3 canonicalises it"),
                        Does::Signs(botocore_url, &[]),
                    )
                })
                .collect(),
        },
        Row {
            title: "An endpoint base path ending in several '/'",
            examples: vec![example(
                &[
                    "--endpoint-url",
                    "https://s3.example.com/a//",
                    "--addressing-style",
                    "virtual",
                ],
                "s3://examplebucket/test.txt",
                json!({"endpoint": "https://s3.example.com/a//", "addressing_style": "virtual"}),
                Does::Signs("https://examplebucket.s3.example.com/a/test.txt?", &[]),
                Does::Signs("https://examplebucket.s3.example.com/a//test.txt?", &[]),
            )],
        },
        Row {
            title: "response-expires",
            examples: vec![example(
                &[
                    "--response-expires",
                    "2024-01-01T00:00:00Z",
                    "--endpoint-url",
                    LOCAL,
                ],
                "s3://examplebucket/test.txt",
                json!({
                    "endpoint": LOCAL,
                    "query": [["response-expires", "2024-01-01T00:00:00Z"]],
                    "raw_params": true,
                }),
                Does::Signs(
                    "http://127.0.0.1:9000/examplebucket/test.txt?response-expires=2024-01-01T00%3A00%3A00Z&",
                    &[],
                ),
                Does::Signs(
                    "http://127.0.0.1:9000/examplebucket/test.txt?response-expires=Mon%2C%2001%20Jan%202024%2000%3A00%3A00%20GMT&",
                    &[],
                ),
            )],
        },
        Row {
            title: "A query parameter or header the operation does not have",
            examples: vec![
                example(
                    &["--query", "x-id=GetObject", "--endpoint-url", LOCAL],
                    "s3://examplebucket/test.txt",
                    json!({"endpoint": LOCAL, "query": [["x-id", "GetObject"]], "raw_params": true}),
                    Does::Signs(
                        "http://127.0.0.1:9000/examplebucket/test.txt?x-id=GetObject&",
                        &[],
                    ),
                    Does::Refuses("Unknown parameter"),
                ),
                example(
                    &["-H", "x-custom: 1", "--endpoint-url", LOCAL],
                    "s3://examplebucket/test.txt",
                    json!({"endpoint": LOCAL, "signed_headers": {"x-custom": "1"}, "raw_params": true}),
                    Does::Signs(
                        "http://127.0.0.1:9000/examplebucket/test.txt?",
                        &["&X-Amz-SignedHeaders=host%3Bx-custom&"],
                    ),
                    Does::Refuses("Unknown parameter"),
                ),
            ],
        },
        Row {
            title: "An expiry of 0 s or beyond 7 days",
            examples: vec![
                example(
                    &["--expires-in", "700000", "--endpoint-url", LOCAL],
                    "s3://examplebucket/test.txt",
                    json!({"endpoint": LOCAL, "expires": 700_000}),
                    Does::Refuses("expires-in must be within 1..=604800 seconds"),
                    Does::Signs(
                        "http://127.0.0.1:9000/examplebucket/test.txt?",
                        &["&X-Amz-Expires=700000&"],
                    ),
                ),
                example(
                    &["--expires-in", "0", "--endpoint-url", LOCAL],
                    "s3://examplebucket/test.txt",
                    json!({"endpoint": LOCAL, "expires": 0}),
                    Does::Refuses("expires-in must be within 1..=604800 seconds"),
                    Does::Signs(
                        "http://127.0.0.1:9000/examplebucket/test.txt?",
                        &["&X-Amz-Expires=0&"],
                    ),
                ),
            ],
        },
        Row {
            title: "A legacy bucket name (upper case, '_')",
            examples: vec![example(
                &["--endpoint-url", LOCAL],
                "s3://My_Bucket/test.txt",
                json!({"endpoint": LOCAL, "bucket": "My_Bucket"}),
                Does::Refuses("--allow-legacy-bucket-names"),
                Does::Signs("http://127.0.0.1:9000/My_Bucket/test.txt?", &[]),
            )],
        },
        Row {
            title: "A key longer than 1024 bytes",
            examples: vec![example(
                &["--endpoint-url", LOCAL],
                LONG_KEY_OBJECT,
                json!({"endpoint": LOCAL, "key": &LONG_KEY_OBJECT["s3://examplebucket/".len()..]}),
                Does::Refuses("S3 allows 1..=1024"),
                Does::Signs("http://127.0.0.1:9000/examplebucket/kkkk", &[]),
            )],
        },
        Row {
            title: "A metadata value beyond ASCII",
            examples: vec![example(
                &[
                    "-X",
                    "PUT",
                    "--meta",
                    "owner=\u{e5}lice",
                    "--endpoint-url",
                    LOCAL,
                ],
                "s3://examplebucket/test.txt",
                json!({"method": "PUT", "endpoint": LOCAL, "signed_headers": {"x-amz-meta-owner": "\u{e5}lice"}}),
                Does::Signs(
                    "http://127.0.0.1:9000/examplebucket/test.txt?",
                    &["&X-Amz-SignedHeaders=host%3Bx-amz-meta-owner&"],
                ),
                Does::Refuses("Non ascii characters found in S3 metadata"),
            )],
        },
    ]
}

/// `s3://examplebucket/` and a key of 1025 bytes.
const LONG_KEY_OBJECT: &str = concat!(
    "s3://examplebucket/k",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
);

/// What the `presign` binary did: exit code, stdout, stderr.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the `presign` binary with the example's arguments, the example
/// credentials and signing instant, and nothing from this machine.
fn run_presign(example: &Example) -> Ran {
    let home = tempfile::tempdir().expect("a temporary HOME");
    let mut command = Command::new(env!("CARGO_BIN_EXE_presign"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    let missing = home.path().join("no-such-dir");
    let output = command
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", missing.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", missing.join("credentials"))
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .args(["--at", AT])
        .args(example.presign)
        .arg(example.object)
        .output()
        .expect("run the presign binary");
    Ran {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_owned(),
        stderr: String::from_utf8_lossy(&output.stderr)
            .trim_end()
            .to_owned(),
    }
}

/// Whether a URL starts with `prefix` and holds every text of `parts`.
fn url_matches(url: &str, prefix: &str, parts: &[&str]) -> bool {
    url.starts_with(prefix) && parts.iter().all(|part| url.contains(part))
}

/// Checks presign's run against `does`; `Err` says what it did instead.
fn check_presign(ran: &Ran, does: Does) -> Result<(), String> {
    let fits = match does {
        Does::Signs(prefix, parts) => {
            ran.code == Some(0) && ran.stderr.is_empty() && url_matches(&ran.stdout, prefix, parts)
        }
        Does::SignsWarning(prefix, parts, warning) => {
            ran.code == Some(0)
                && ran.stderr.starts_with("presign: warning: ")
                && ran.stderr.contains(warning)
                && url_matches(&ran.stdout, prefix, parts)
        }
        Does::Refuses(text) => {
            ran.code == Some(2) && ran.stdout.is_empty() && ran.stderr.contains(text)
        }
    };
    if fits {
        Ok(())
    } else {
        Err(format!(
            "presign was to do {does:?} but exited {:?}\n    stdout: {}\n    stderr: {}",
            ran.code, ran.stdout, ran.stderr
        ))
    }
}

/// Checks botocore's answer (a URL or `ERROR: ...`) against `does`.
fn check_botocore(answer: &str, does: Does) -> Result<(), String> {
    let fits = match (does, answer.strip_prefix("ERROR: ")) {
        (Does::Signs(prefix, parts), None) => url_matches(answer, prefix, parts),
        (Does::Refuses(text), Some(error)) => error.contains(text),
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(format!(
            "botocore was to do {does:?} but answered\n    {answer}"
        ))
    }
}

/// The first cell of every row of the document's table.
fn documented_titles() -> Vec<String> {
    let path = repo_root().join(DOCUMENT);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    text.lines()
        .filter_map(|line| line.strip_prefix("| "))
        .filter_map(|row| row.split(" | ").next())
        .filter(|cell| !cell.starts_with("case") && !cell.starts_with("---"))
        .map(|cell| cell.trim().trim_matches('*').to_owned())
        .collect()
}

#[test]
fn every_documented_difference_from_botocore_holds_side_by_side() {
    let rows = rows();
    let titles: Vec<&str> = rows.iter().map(|row| row.title).collect();
    assert_eq!(
        documented_titles(),
        titles,
        "the rows of {DOCUMENT} (first cells, in order) and the rows checked here must be the same"
    );
    let Some(python) = python_or_skip() else {
        return;
    };
    let examples: Vec<(&str, &Example)> = rows
        .iter()
        .flat_map(|row| row.examples.iter().map(move |example| (row.title, example)))
        .collect();
    let inputs: Vec<Value> = examples
        .iter()
        .map(|(_, example)| {
            let mut input = botocore_base();
            for (name, value) in example.botocore.as_object().expect("an object of fields") {
                input[name] = value.clone();
            }
            input
        })
        .collect();
    let payload = serde_json::to_vec(&inputs).expect("serialise the inputs");
    let answers: Vec<String> = run_helper(&python, "botocore_presign.py", payload);
    assert_eq!(
        answers.len(),
        examples.len(),
        "one botocore answer per input"
    );
    let mut failures = Vec::new();
    for ((title, example), answer) in examples.iter().zip(&answers) {
        let ran = run_presign(example);
        let mut problems: Vec<String> = [
            check_presign(&ran, example.presign_does),
            check_botocore(answer, example.botocore_does),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        if ran.code == Some(0) && ran.stdout == *answer {
            problems.push("presign and botocore give the same URL: no difference".to_owned());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{title} (presign {} {}):\n  {}",
                example.presign.join(" "),
                example.object,
                problems.join("\n  ")
            ));
        }
    }
    eprintln!(
        "differences: {} rows, {} examples checked against presign and botocore",
        rows.len(),
        examples.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} examples do not hold as {DOCUMENT} says:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
}
