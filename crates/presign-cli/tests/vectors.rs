//! The shared conformance corpus, through the `presign` binary.
//!
//! Every positive case is signed from the command line (credentials in the
//! environment, everything else as flags) and must reproduce the corpus's
//! canonical request, string to sign, signature and URL; every negative case
//! must be refused with exit code 2. Cases are discovered from the data, never
//! listed here. A few negative inputs mean something else on a command line;
//! [`CommandLineQuirk`] names each one and why.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../presign/tests/support/corpus.rs"]
mod corpus;

mod common;

use assert_cmd::Command;
use common::{Run, Sandbox, run};
use corpus::{Failures, Inputs};

/// The command for `inputs`: credentials in the environment, every other
/// input as a flag (`Inputs::cli_env`, `Inputs::cli_flags`), then `--output
/// OUTPUT` and the `s3://BUCKET/KEY` operand.
fn command_for(sandbox: &Sandbox, inputs: &Inputs, output: &str) -> Command {
    let mut command = sandbox.command();
    command
        .envs(inputs.cli_env())
        .args(inputs.cli_flags())
        .arg(format!("--output={output}"))
        .arg(format!("s3://{}/{}", inputs.bucket, inputs.key));
    command
}

fn sign(inputs: &Inputs, output: &str) -> Run {
    let sandbox = Sandbox::new();
    run(&mut command_for(&sandbox, inputs, output))
}

/// [`sign`] for every input, on a few threads (each run is its own process
/// with its own sandbox); results in input order.
fn sign_all<'a>(inputs: impl IntoIterator<Item = &'a Inputs>, output: &str) -> Vec<Run> {
    let inputs: Vec<&Inputs> = inputs.into_iter().collect();
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get().min(8));
    let chunk = inputs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|i| sign(i, output)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("signing thread"))
            .collect()
    })
}

#[test]
fn every_positive_case_is_reproduced_by_the_binary() {
    for (file, corpus) in corpus::presign_corpora() {
        let mut failures = Failures::default();
        let json_runs = sign_all(corpus.cases.iter().map(|case| &case.inputs), "json");
        let url_runs = sign_all(corpus.cases.iter().map(|case| &case.inputs), "url");
        for ((case, json_run), url_run) in corpus.cases.iter().zip(json_runs).zip(url_runs) {
            let id = case.id.as_str();
            if json_run.code != Some(0) {
                failures.fail(
                    id,
                    format!(
                        "--output json exited with {:?}; stderr: {}",
                        json_run.code, json_run.stderr
                    ),
                );
                continue;
            }
            let json: serde_json::Value = match serde_json::from_str(&json_run.stdout) {
                Ok(json) => json,
                Err(error) => {
                    failures.fail(
                        id,
                        format!("--output json is not JSON ({error}): {}", json_run.stdout),
                    );
                    continue;
                }
            };
            let field = |name: &str| json[name].as_str().unwrap_or("<missing>").to_owned();
            let expected = &case.expected;
            failures.check(
                id,
                "canonical_request",
                &expected.canonical_request,
                &field("canonical_request"),
            );
            failures.check(
                id,
                "string_to_sign",
                &expected.string_to_sign,
                &field("string_to_sign"),
            );
            failures.check(id, "signature", &expected.signature, &field("signature"));
            let url = field("url");
            if !expected.accepts_url(&url) {
                failures.check(id, "url", &expected.url, &url);
            }

            if url_run.code != Some(0) {
                failures.fail(
                    id,
                    format!(
                        "--output url exited with {:?}; stderr: {}",
                        url_run.code, url_run.stderr
                    ),
                );
                continue;
            }
            failures.check(
                id,
                "--output url (stdout)",
                &format!("{url}\n"),
                &url_run.stdout,
            );
        }
        failures.finish(corpus.cases.len(), &format!("positive cases of {file}"));
    }
}

/// A negative input that a command line expresses differently from the
/// library API, and what the CLI does with it instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CommandLineQuirk {
    /// `session_token: ""`: an empty AWS_SESSION_TOKEN counts as unset (as in
    /// botocore), so the CLI signs without a token instead of refusing.
    /// Checked by `empty_session_token_variable_signs_without_a_token`.
    EmptySessionToken,
    /// A bucket containing '/': in s3://BUCKET/KEY the first '/' ends the
    /// bucket, so the CLI sees the part before it as the bucket and the rest
    /// as part of the key. The case's bucket cannot be expressed; the CLI must
    /// still refuse (the corpus's "a/b" becomes the too-short bucket "a").
    BucketWithSlash,
    /// A fractional or negative expiry: `--expires-in=1.5` / `--expires-in=-1`
    /// is refused by the flag's parser (a usage error, exit 2) before the
    /// signing core sees a number.
    NotWholeSeconds,
    /// An empty access key id or secret: an empty environment variable counts
    /// as unset, so the refusal is "missing credentials" from configuration
    /// rather than the core's check; still exit 2.
    EmptyCredential,
}

fn quirk(inputs: &Inputs) -> Option<CommandLineQuirk> {
    if inputs.session_token.as_deref() == Some("") {
        return Some(CommandLineQuirk::EmptySessionToken);
    }
    if inputs.bucket.contains('/') {
        return Some(CommandLineQuirk::BucketWithSlash);
    }
    if inputs.expires.as_u64().is_none() {
        return Some(CommandLineQuirk::NotWholeSeconds);
    }
    if inputs.access_key.is_empty() || inputs.secret_key.is_empty() {
        return Some(CommandLineQuirk::EmptyCredential);
    }
    None
}

#[test]
fn every_negative_case_is_refused_with_exit_code_2() {
    for (file, corpus) in corpus::presign_corpora() {
        let mut failures = Failures::default();
        // Not a refusal on the command line: see the quirk's doc and
        // empty_session_token_variable_signs_without_a_token.
        let refused: Vec<_> = corpus
            .negative
            .iter()
            .filter(|case| quirk(&case.inputs) != Some(CommandLineQuirk::EmptySessionToken))
            .collect();
        let results = sign_all(refused.iter().map(|case| &case.inputs), "url");
        for (case, result) in refused.iter().zip(results) {
            let id = case.id.as_str();
            let quirk = quirk(&case.inputs);
            if result.code != Some(2) {
                failures.fail(
                    id,
                    format!(
                        "expected exit code 2 ({}), got {:?}; stdout: {:?}; stderr: {:?}",
                        case.why, result.code, result.stdout, result.stderr
                    ),
                );
                continue;
            }
            if !result.stdout.is_empty() {
                failures.fail(id, format!("stdout must be empty, got {:?}", result.stdout));
            }
            if result.stderr.trim().is_empty() {
                failures.fail(id, "stderr holds no message");
            }
            match quirk {
                Some(CommandLineQuirk::BucketWithSlash) => {
                    let (first, _) = case.inputs.bucket.split_once('/').unwrap();
                    if !result.stderr.contains(&format!("{first:?}")) {
                        failures.fail(
                            id,
                            format!(
                                "the bucket is {first:?} on the command line; stderr should name it: {}",
                                result.stderr
                            ),
                        );
                    }
                }
                Some(CommandLineQuirk::NotWholeSeconds) => {
                    if !result.stderr.contains("--expires-in") {
                        failures.fail(
                            id,
                            format!("stderr should name --expires-in: {}", result.stderr),
                        );
                    }
                }
                Some(CommandLineQuirk::EmptyCredential) => {
                    let empty = if case.inputs.access_key.is_empty() {
                        "AWS_ACCESS_KEY_ID"
                    } else {
                        "AWS_SECRET_ACCESS_KEY"
                    };
                    if !result.stderr.contains(empty) {
                        failures.fail(
                            id,
                            format!("stderr should name the empty {empty}: {}", result.stderr),
                        );
                    }
                }
                Some(CommandLineQuirk::EmptySessionToken) | None => {}
            }
        }
        failures.finish(refused.len(), &format!("negative cases of {file}"));
    }
}

/// The corpus refuses an empty session token; on the command line an empty
/// AWS_SESSION_TOKEN is unset (as in botocore), so the URL is signed without
/// one. Runs the corpus's empty-token cases and the AWS example.
#[test]
fn empty_session_token_variable_signs_without_a_token() {
    let aws_example = Inputs {
        method: "GET".to_owned(),
        endpoint: "https://s3.amazonaws.com".to_owned(),
        addressing_style: "virtual".to_owned(),
        bucket: "examplebucket".to_owned(),
        key: "test.txt".to_owned(),
        region: "us-east-1".to_owned(),
        access_key: common::AWS_ACCESS_KEY_ID.to_owned(),
        secret_key: common::AWS_SECRET_ACCESS_KEY.to_owned(),
        session_token: Some(String::new()),
        timestamp: common::AWS_AT.to_owned(),
        expires: 86_400.into(),
        query: Vec::new(),
        signed_headers: serde_json::Map::new(),
    };
    let mut all = vec![("aws-docs example".to_owned(), aws_example)];
    for (_, corpus) in corpus::presign_corpora() {
        all.extend(
            corpus
                .negative
                .into_iter()
                .filter(|case| quirk(&case.inputs) == Some(CommandLineQuirk::EmptySessionToken))
                .map(|case| (case.id, case.inputs)),
        );
    }
    for (id, inputs) in &all {
        let stdout = sign(inputs, "url").ok();
        let url = common::only_line(&stdout);
        assert!(
            !url.contains("X-Amz-Security-Token"),
            "{id}: an empty AWS_SESSION_TOKEN must not be signed: {url}"
        );
    }
    // The AWS example without a token is the documented URL.
    let stdout = sign(&all[0].1, "url").ok();
    assert_eq!(stdout, format!("{}\n", common::AWS_URL));
}

/// Negative cases refused only for their legacy bucket name (upper case,
/// '_'), found in the data.
fn legacy_bucket_cases() -> Vec<(String, Inputs)> {
    let cases: Vec<_> = corpus::presign_corpora()
        .into_iter()
        .flat_map(|(_, corpus)| corpus.negative)
        .filter(|case| {
            let bucket = &case.inputs.bucket;
            bucket.chars().any(|c| c.is_ascii_uppercase() || c == '_')
                && quirk(&case.inputs).is_none()
        })
        .map(|case| (case.id, case.inputs))
        .collect();
    assert!(
        cases.len() >= 2,
        "the corpus should hold the upper-case and underscore bucket negatives"
    );
    cases
}

#[test]
fn legacy_bucket_names_are_signed_path_style_with_the_flag() {
    for (id, mut inputs) in legacy_bucket_cases() {
        // Ask for virtual-hosted and auto: a legacy name cannot be a host
        // name, so both must fall back to path style.
        for style in ["virtual", "auto"] {
            inputs.addressing_style = style.to_owned();
            let sandbox = Sandbox::new();
            let mut command = command_for(&sandbox, &inputs, "json");
            command.arg("--allow-legacy-bucket-names");
            let stdout = run(&mut command).ok();
            let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            let url = json["url"].as_str().unwrap();
            let path_style = format!("{}/{}/{}?", inputs.endpoint, inputs.bucket, inputs.key);
            assert!(
                url.starts_with(&path_style),
                "{id} ({style}): expected a path-style URL starting {path_style}, got {url}"
            );
            assert_eq!(json["addressing_style"], "path", "{id} ({style})");
        }
    }
}

#[test]
fn legacy_bucket_names_are_still_refused_without_the_flag() {
    for (id, inputs) in legacy_bucket_cases() {
        let stderr = sign(&inputs, "url").refused();
        assert!(
            stderr.contains("--allow-legacy-bucket-names"),
            "{id}: the refusal should name the flag that allows it: {stderr}"
        );
    }
}

#[test]
fn expiry_over_seven_days_is_signed_with_allow_long_expiry() {
    let cases: Vec<_> = corpus::presign_corpora()
        .into_iter()
        .flat_map(|(_, corpus)| corpus.negative)
        .filter(|case| case.inputs.expires.as_u64().is_some_and(|n| n > 604_800))
        .collect();
    assert!(
        !cases.is_empty(),
        "the corpus should hold a 604801 s negative"
    );
    for case in cases {
        let seconds = case.inputs.expires.as_u64().unwrap();
        let sandbox = Sandbox::new();
        let mut command = command_for(&sandbox, &case.inputs, "url");
        command.arg("--allow-long-expiry");
        let stdout = run(&mut command).ok();
        let url = common::only_line(&stdout);
        assert_eq!(
            common::query_param(url, "X-Amz-Expires"),
            Some(seconds.to_string().as_str()),
            "{}: {url}",
            case.id
        );
    }
}
