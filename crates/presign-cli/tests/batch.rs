//! `presign batch` through the binary: the corpus, output formats, input
//! order, one signing instant, targets and input sources, errors and
//! `--keep-going`, per-line JSON overrides, and secrets.
//!
//! Every expected URL comes from the shared corpus or from the single-URL
//! command `presign s3://BUCKET/KEY` run with the same flags: a batch must be
//! byte-identical to it. Nothing here hard-codes a signature.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../presign/tests/support/corpus.rs"]
mod corpus;

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::{AWS_AT, Run, Sandbox, only_line, query_param, run, uri_encode};
use corpus::{Failures, Inputs};
use pretty_assertions::assert_eq;

/// The bucket of the hand-written tests.
const BUCKET: &str = "examplebucket";

/// Keys that need quoting, escaping or encoding somewhere, none holding a
/// tab or a line break (those are [`TAB_KEY`], [`LINE_BREAK_KEY`] and
/// [`CARRIAGE_RETURN_KEY`], which tsv refuses and only jsonl input carries
/// whole).
const TRICKY_KEYS: [&str; 9] = [
    "plain/report.pdf",
    "with space.txt",
    " leading and trailing ",
    "comma,separated,key.csv",
    "double\"quote\".txt",
    "unicodé/日本語/ファイル 😀.txt",
    "percent%20not-decoded%",
    "?query#fragment&amp=1",
    "back\\slash/'single'",
];
const TAB_KEY: &str = "tab\there.txt";
const LINE_BREAK_KEY: &str = "line\nbreak.txt";
const CARRIAGE_RETURN_KEY: &str = "carriage\rreturn.txt";

/// Signing flags shared by the hand-written tests (not the AWS default
/// expiry, so `expires_at` is tested against a non-default value).
const FLAGS: [&str; 2] = [AT_FLAG, "--expires-in=15m"];
/// `--at` [`AWS_AT`].
const AT_FLAG: &str = "--at=2013-05-24T00:00:00Z";
/// The expiry of [`FLAGS`], in seconds.
const FLAGS_EXPIRES_SECS: i64 = 15 * 60;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// `presign batch ARGS` with the AWS example keys in the environment and
/// `stdin` as its input.
fn batch(sandbox: &Sandbox, args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
    let mut command = sandbox.aws_command();
    command.arg("batch").args(args).write_stdin(stdin);
    run(&mut command)
}

/// The URL of the single-URL command `presign FLAGS s3://BUCKET/KEY` (AWS
/// example keys), which a batch with the same flags must reproduce.
fn single_url(sandbox: &Sandbox, flags: &[&str], bucket: &str, key: &str) -> String {
    let mut command = sandbox.aws_command();
    command.args(flags).arg(format!("s3://{bucket}/{key}"));
    let stdout = run(&mut command).ok();
    only_line(&stdout).to_owned()
}

/// [`single_url`] for each key, on a few threads; in key order.
fn single_urls<S: AsRef<str> + Sync>(
    sandbox: &Sandbox,
    flags: &[&str],
    bucket: &str,
    keys: &[S],
) -> Vec<String> {
    par_map(keys, |key| single_url(sandbox, flags, bucket, key.as_ref()))
}

/// `f` over `items` on a few threads; results in item order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get().clamp(2, 8));
    let chunk = items.len().div_ceil(threads).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("worker thread"))
            .collect()
    })
}

/// `{"key": KEY}` and a line break: one jsonl input line.
fn jsonl_line(key: &str) -> String {
    format!("{}\n", serde_json::json!({ "key": key }))
}

/// Every key as a jsonl input line.
fn jsonl_input<S: AsRef<str>>(keys: &[S]) -> String {
    keys.iter().map(|key| jsonl_line(key.as_ref())).collect()
}

/// Every key on its own line (`lines` input).
fn lines_input<S: AsRef<str>>(keys: &[S]) -> String {
    each_on_a_line(keys.iter().map(AsRef::as_ref))
}

/// Each item followed by a line break.
fn each_on_a_line<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items.into_iter().fold(String::new(), |mut text, item| {
        writeln!(text, "{item}").expect("writing to a String cannot fail");
        text
    })
}

/// `key TAB url` lines: the expected `tsv` output.
fn tsv_rows(keys: &[&str], urls: &[String]) -> String {
    each_on_a_line(
        keys.iter()
            .zip(urls)
            .map(|(key, url)| format!("{key}\t{url}")),
    )
}

/// Each URL followed by a line break: the expected `url` output.
fn url_lines(urls: &[String]) -> String {
    each_on_a_line(urls)
}

/// Whether `text` names input line `number` ("line 3", not "line 30").
fn names_line(text: &str, number: u64) -> bool {
    let needle = format!("line {number}");
    text.match_indices(&needle).any(|(at, _)| {
        !text[at + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// `AWS_AT` plus `seconds`, RFC 3339 UTC, computed independently of presign.
fn at_plus(seconds: i64) -> String {
    let at: jiff::Timestamp = AWS_AT.parse().expect("AWS_AT is RFC 3339");
    jiff::Timestamp::from_second(at.as_second() + seconds)
        .expect("in range")
        .to_string()
}

/// Waits for `child` at most `limit`; kills it and returns `None` when it
/// has not ended by then.
fn wait_at_most(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The whole of a child's pipe, read on its own thread (so a chatty child
/// never blocks on a full pipe while the test waits for it).
fn drain(pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut pipe = pipe;
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

// ---------------------------------------------------------------------------
// 1. The corpus through `presign batch`
// ---------------------------------------------------------------------------

/// `presign batch s3://BUCKET` with every input of `inputs` but the key as a
/// flag (credentials in the environment, as in `vectors.rs`), reading jsonl
/// (keys may hold line breaks) and writing URLs.
fn corpus_batch_command(sandbox: &Sandbox, inputs: &Inputs) -> Command {
    let mut command = sandbox.command();
    command
        .arg("batch")
        .envs(inputs.cli_env())
        .args(inputs.cli_flags())
        .arg("--input-format=jsonl")
        .arg(format!("s3://{}", inputs.bucket));
    command
}

#[test]
fn every_positive_corpus_case_is_reproduced_by_batch() {
    for (file, corpus) in corpus::presign_corpora() {
        let runs = par_map(&corpus.cases, |case| {
            let sandbox = Sandbox::new();
            let mut command = corpus_batch_command(&sandbox, &case.inputs);
            command.write_stdin(jsonl_line(&case.inputs.key));
            run(&mut command)
        });
        let mut failures = Failures::default();
        for (case, result) in corpus.cases.iter().zip(runs) {
            let id = case.id.as_str();
            if result.code != Some(0) {
                failures.fail(
                    id,
                    format!("exit code {:?}; stderr: {}", result.code, result.stderr),
                );
                continue;
            }
            let Some(line) = result.stdout.strip_suffix('\n') else {
                failures.fail(id, format!("stdout is not one line: {:?}", result.stdout));
                continue;
            };
            if line.contains('\n') {
                failures.fail(id, format!("stdout is not one line: {:?}", result.stdout));
            } else if !case.expected.accepts_url(line) {
                failures.check(id, "url", &case.expected.url, line);
            }
        }
        failures.finish(
            corpus.cases.len(),
            &format!("positive cases of {file} through presign batch"),
        );
    }
}

#[test]
fn corpus_cases_sharing_flags_are_reproduced_in_one_batch_in_input_order() {
    for (file, corpus) in corpus::presign_corpora() {
        // Cases whose inputs are equal but for the key, in corpus order.
        let mut groups: Vec<(String, Vec<&corpus::Case>)> = Vec::new();
        for case in &corpus.cases {
            let mut flags = case.inputs.clone();
            flags.key.clear();
            let flags = format!("{flags:?}");
            match groups.iter_mut().find(|(known, _)| *known == flags) {
                Some((_, members)) => members.push(case),
                None => groups.push((flags, vec![case])),
            }
        }
        let largest = groups.iter().map(|(_, cases)| cases.len()).max();
        assert!(
            largest.is_some_and(|n| n > 1),
            "{file}: no two cases share their flags, so no batch holds several keys"
        );
        let runs = par_map(&groups, |(_, cases)| {
            let sandbox = Sandbox::new();
            let mut command = corpus_batch_command(&sandbox, &cases[0].inputs);
            let keys: Vec<&str> = cases.iter().map(|case| case.inputs.key.as_str()).collect();
            command.write_stdin(jsonl_input(&keys));
            run(&mut command)
        });
        let mut failures = Failures::default();
        for ((_, cases), result) in groups.iter().zip(runs) {
            let ids: Vec<&str> = cases.iter().map(|case| case.id.as_str()).collect();
            let group = ids.join(" + ");
            if result.code != Some(0) {
                failures.fail(
                    &group,
                    format!("exit code {:?}; stderr: {}", result.code, result.stderr),
                );
                continue;
            }
            let lines: Vec<&str> = result.stdout.split_terminator('\n').collect();
            if lines.len() != cases.len() || !result.stdout.ends_with('\n') {
                failures.fail(
                    &group,
                    format!(
                        "expected {} lines, got {}: {:?}",
                        cases.len(),
                        lines.len(),
                        result.stdout
                    ),
                );
                continue;
            }
            for (position, (case, line)) in cases.iter().zip(lines).enumerate() {
                if !case.expected.accepts_url(line) {
                    failures.check(
                        &case.id,
                        &format!("line {} of the batch {group}", position + 1),
                        &case.expected.url,
                        line,
                    );
                }
            }
        }
        failures.finish(
            corpus.cases.len(),
            &format!("positive cases of {file}, grouped by flags"),
        );
    }
}

// ---------------------------------------------------------------------------
// 2. Output formats
// ---------------------------------------------------------------------------

/// [`TRICKY_KEYS`] and the keys with a tab or a line break.
fn every_tricky_key() -> Vec<&'static str> {
    let mut keys = TRICKY_KEYS.to_vec();
    keys.extend([TAB_KEY, LINE_BREAK_KEY, CARRIAGE_RETURN_KEY]);
    keys
}

#[test]
fn url_output_is_one_single_command_url_per_line_for_tricky_keys() {
    let sandbox = Sandbox::new();
    let keys = every_tricky_key();
    let expected = single_urls(&sandbox, &FLAGS, BUCKET, &keys);
    let target = format!("s3://{BUCKET}");

    let mut args = FLAGS.to_vec();
    args.extend(["--input-format", "jsonl", "--output-format", "url", &target]);
    let stdout = batch(&sandbox, &args, jsonl_input(&keys)).ok();
    assert_eq!(stdout, url_lines(&expected), "jsonl input");

    // The keys without line breaks, one per line: the same URLs.
    let line_keys: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|key| !key.contains(['\n', '\r']))
        .collect();
    let line_urls: Vec<String> = keys
        .iter()
        .zip(&expected)
        .filter(|(key, _)| !key.contains(['\n', '\r']))
        .map(|(_, url)| url.clone())
        .collect();
    let mut args = FLAGS.to_vec();
    args.push(&target);
    let stdout = batch(&sandbox, &args, lines_input(&line_keys)).ok();
    assert_eq!(stdout, url_lines(&line_urls), "lines input, default format");
}

#[test]
fn tsv_output_is_key_tab_url_for_tricky_keys() {
    let sandbox = Sandbox::new();
    let expected = single_urls(&sandbox, &FLAGS, BUCKET, &TRICKY_KEYS);
    let target = format!("s3://{BUCKET}");
    let mut args = FLAGS.to_vec();
    args.extend(["--output-format", "tsv", &target]);
    for (input_format, input) in [
        ("lines", lines_input(&TRICKY_KEYS)),
        ("jsonl", jsonl_input(&TRICKY_KEYS)),
    ] {
        let mut args = args.clone();
        args.extend(["--input-format", input_format]);
        let stdout = batch(&sandbox, &args, input).ok();
        let expected_tsv = tsv_rows(&TRICKY_KEYS, &expected);
        assert_eq!(stdout, expected_tsv, "--input-format {input_format}");
    }
}

#[test]
fn tsv_refuses_a_key_with_a_tab_or_line_break_naming_its_line() {
    let sandbox = Sandbox::new();
    let target = format!("s3://{BUCKET}");
    let first = TRICKY_KEYS[0];
    let first_url = single_url(&sandbox, &FLAGS, BUCKET, first);
    let cases = [
        ("lines", lines_input(&[first, TAB_KEY, "after.txt"])),
        ("jsonl", jsonl_input(&[first, TAB_KEY, "after.txt"])),
        ("jsonl", jsonl_input(&[first, LINE_BREAK_KEY, "after.txt"])),
        (
            "jsonl",
            jsonl_input(&[first, CARRIAGE_RETURN_KEY, "after.txt"]),
        ),
    ];
    for (input_format, input) in cases {
        let mut args = FLAGS.to_vec();
        args.extend([
            "--output-format",
            "tsv",
            "--input-format",
            input_format,
            &target,
        ]);
        let result = batch(&sandbox, &args, input.clone());
        let context = format!("--input-format {input_format}, input {input:?}");
        assert_eq!(result.code, Some(2), "{context}; stderr: {}", result.stderr);
        assert!(
            names_line(&result.stderr, 2),
            "{context}: stderr must name line 2: {}",
            result.stderr
        );
        assert_eq!(
            result.stdout,
            format!("{first}\t{first_url}\n"),
            "{context}: the line before is output, nothing after"
        );
    }
}

/// Records of an RFC 4180 text whose records end with `\n` (or `\r\n`):
/// fields split at commas, quoted fields unquoted with `""` as a quote.
/// Panics on anything RFC 4180 does not allow (a quote inside an unquoted
/// field, text after a closing quote, an unterminated quote).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    #[derive(PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        AfterQuote,
    }
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut state = State::FieldStart;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (&state, c) {
            (State::Quoted, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (State::Quoted, '"') => state = State::AfterQuote,
            (State::Quoted, c) => field.push(c),
            (State::FieldStart, '"') => state = State::Quoted,
            (_, ',') => {
                record.push(std::mem::take(&mut field));
                state = State::FieldStart;
            }
            (_, '\r') if chars.peek() == Some(&'\n') => {}
            (_, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                state = State::FieldStart;
            }
            (State::AfterQuote, c) => panic!("{c:?} after a closing quote in:\n{text}"),
            (_, '"') => panic!("a quote inside an unquoted field in:\n{text}"),
            (_, c) => {
                field.push(c);
                state = State::Unquoted;
            }
        }
    }
    assert!(state != State::Quoted, "an unterminated quote in:\n{text}");
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record does not end with a line break:\n{text}"
    );
    records
}

#[test]
fn csv_parser_of_these_tests_follows_rfc_4180() {
    assert_eq!(
        parse_csv("a,\"b,\"\"c\"\"\nd\"\r\n,x\n"),
        [vec!["a", "b,\"c\"\nd"], vec!["", "x"]]
    );
}

#[test]
fn csv_output_parses_back_to_each_key_and_its_url() {
    let sandbox = Sandbox::new();
    let keys = every_tricky_key();
    let expected = single_urls(&sandbox, &FLAGS, BUCKET, &keys);
    let target = format!("s3://{BUCKET}");
    let mut args = FLAGS.to_vec();
    args.extend(["--input-format", "jsonl", "--output-format", "csv", &target]);
    let stdout = batch(&sandbox, &args, jsonl_input(&keys)).ok();
    let records = parse_csv(&stdout);
    let expected_records: Vec<Vec<String>> = keys
        .iter()
        .zip(&expected)
        .map(|(key, url)| vec![(*key).to_owned(), url.clone()])
        .collect();
    assert_eq!(records, expected_records, "csv output:\n{stdout}");
}

#[test]
fn jsonl_output_holds_key_url_and_expires_at() {
    let sandbox = Sandbox::new();
    let keys = every_tricky_key();
    let expected = single_urls(&sandbox, &FLAGS, BUCKET, &keys);
    let expires_at = at_plus(FLAGS_EXPIRES_SECS);
    let target = format!("s3://{BUCKET}");
    let mut args = FLAGS.to_vec();
    args.extend([
        "--input-format",
        "jsonl",
        "--output-format",
        "jsonl",
        &target,
    ]);
    let stdout = batch(&sandbox, &args, jsonl_input(&keys)).ok();
    let lines: Vec<&str> = stdout.split_terminator('\n').collect();
    assert_eq!(lines.len(), keys.len(), "one line per key:\n{stdout}");
    for ((key, url), line) in keys.iter().zip(&expected).zip(lines) {
        let json: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|error| panic!("not JSON ({error}): {line}"));
        assert_eq!(
            json,
            serde_json::json!({ "key": key, "url": url, "expires_at": expires_at }),
            "key {key:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// 3. Input order and one signing instant
// ---------------------------------------------------------------------------

/// `count` distinct keys of varied length and characters, so lines cross
/// chunk boundaries at many places.
fn generated_keys(count: usize) -> Vec<String> {
    const ENDINGS: [&str; 5] = ["", ".txt", " copy.txt", "-é.bin", "/deeper/x,y"];
    (0..count)
        .map(|i| {
            format!(
                "gen/{:02}/object-{i:05}{}",
                i % 17,
                ENDINGS[i % ENDINGS.len()]
            )
        })
        .collect()
}

#[test]
fn twenty_thousand_keys_come_back_in_input_order() {
    let sandbox = Sandbox::new();
    let keys = generated_keys(20_000);
    let input = lines_input(&keys);
    let target = format!("s3://{BUCKET}");
    let spot_checks = [0, 1, 2_731, 9_999, 12_345, 19_999];
    let spot_urls: Vec<String> = single_urls(
        &sandbox,
        &FLAGS,
        BUCKET,
        &spot_checks.map(|i| keys[i].as_str()),
    );
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let mut args = FLAGS.to_vec();
        args.extend(["--jobs", jobs, "--output-format", "tsv", &target]);
        let tsv = batch(&sandbox, &args, input.clone()).ok();
        let rows: Vec<(&str, &str)> = tsv
            .split_terminator('\n')
            .map(|row| row.split_once('\t').expect("key TAB url"))
            .collect();
        assert_eq!(rows.len(), keys.len(), "--jobs {jobs}: one line per key");
        for (i, (key, _)) in rows.iter().enumerate() {
            assert_eq!(
                *key,
                keys[i],
                "--jobs {jobs}: line {} holds another key",
                i + 1
            );
        }
        for (&i, expected) in spot_checks.iter().zip(&spot_urls) {
            assert_eq!(rows[i].1, expected, "--jobs {jobs}: the URL of key {i}");
        }

        // The url format gives the same URLs, line for line.
        let mut args = FLAGS.to_vec();
        args.extend(["--jobs", jobs, &target]);
        let urls = batch(&sandbox, &args, input.clone()).ok();
        let tsv_urls: String = each_on_a_line(rows.iter().map(|(_, url)| url));
        assert!(
            urls == tsv_urls,
            "--jobs {jobs}: url output differs from the tsv URLs"
        );
        outputs.push(urls);
    }
    assert!(outputs[0] == outputs[1], "--jobs 1 and --jobs 2 differ");
}

#[test]
fn every_url_of_a_batch_has_the_same_signing_instant() {
    let sandbox = Sandbox::new();
    let keys = generated_keys(20_000);
    let (first, second) = keys.split_at(keys.len() / 2);
    let (first, second) = (lines_input(first), lines_input(second));
    let mut child = sandbox
        .std_command()
        .env("AWS_ACCESS_KEY_ID", common::AWS_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", common::AWS_SECRET_ACCESS_KEY)
        .args(["batch", "--jobs", "2", &format!("s3://{BUCKET}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start presign batch");
    // Half the input, a pause past the next second, the rest: a batch that
    // read the clock per line or per chunk would sign the halves apart.
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        stdin.write_all(first.as_bytes())?;
        stdin.flush()?;
        std::thread::sleep(Duration::from_millis(1_100));
        stdin.write_all(second.as_bytes())
    });
    let output = child.wait_with_output().expect("run presign batch");
    feeder.join().expect("feeder").expect("write the input");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dates: Vec<&str> = stdout
        .lines()
        .map(|url| query_param(url, "X-Amz-Date").expect("X-Amz-Date"))
        .collect();
    assert_eq!(dates.len(), keys.len());
    let distinct: BTreeSet<&str> = dates.iter().copied().collect();
    assert_eq!(distinct.len(), 1, "signing instants: {distinct:?}");
}

// ---------------------------------------------------------------------------
// 4. Targets and input sources
// ---------------------------------------------------------------------------

#[test]
fn prefix_of_the_target_is_prepended_to_each_key() {
    let sandbox = Sandbox::new();
    let expected = single_urls(
        &sandbox,
        &FLAGS,
        BUCKET,
        &["prefix/a.jpg", "prefix/sub/b c.png"],
    );
    let target = format!("s3://{BUCKET}/prefix/");
    let mut args = FLAGS.to_vec();
    args.push(&target);
    let stdout = batch(&sandbox, &args, "a.jpg\nsub/b c.png\n").ok();
    assert_eq!(stdout, url_lines(&expected), "lines input");
    args.extend(["--input-format", "jsonl"]);
    let stdout = batch(&sandbox, &args, jsonl_input(&["a.jpg", "sub/b c.png"])).ok();
    assert_eq!(stdout, url_lines(&expected), "jsonl input");
}

#[test]
fn bucket_flag_works_like_an_s3_uri_without_prefix() {
    let sandbox = Sandbox::new();
    let keys = ["a.jpg", "dir/b.txt", "x y"];
    let expected = single_urls(&sandbox, &FLAGS, BUCKET, &keys);
    let mut args = FLAGS.to_vec();
    args.extend(["--bucket", BUCKET]);
    let stdout = batch(&sandbox, &args, lines_input(&keys)).ok();
    assert_eq!(stdout, url_lines(&expected));
}

#[test]
fn input_file_is_read_instead_of_stdin() {
    let sandbox = Sandbox::new();
    let keys = ["from/file-1.txt", "from/file 2.txt"];
    let expected = single_urls(&sandbox, &FLAGS, BUCKET, &keys);
    let file = sandbox.write("keys.txt", &lines_input(&keys));
    let file = file.to_str().expect("UTF-8 path");
    let target = format!("s3://{BUCKET}");
    let mut args = FLAGS.to_vec();
    args.extend(["--input", file, &target]);
    // stdin holds other keys, which must not be signed.
    let stdout = batch(&sandbox, &args, "from/stdin.txt\n").ok();
    assert_eq!(stdout, url_lines(&expected));
}

#[test]
fn crlf_line_endings_are_not_part_of_the_key() {
    let sandbox = Sandbox::new();
    let keys = ["a.txt", "dir/b c.txt", "last-without-newline"];
    let expected = single_urls(&sandbox, &FLAGS, BUCKET, &keys);
    let target = format!("s3://{BUCKET}");
    let mut args = FLAGS.to_vec();
    args.extend(["--output-format", "tsv", &target]);
    let stdout = batch(
        &sandbox,
        &args,
        "a.txt\r\ndir/b c.txt\r\nlast-without-newline",
    )
    .ok();
    let expected_tsv = tsv_rows(&keys, &expected);
    assert_eq!(stdout, expected_tsv, "lines input");

    args.extend(["--input-format", "jsonl"]);
    let crlf_jsonl = jsonl_input(&keys).replace('\n', "\r\n");
    let stdout = batch(&sandbox, &args, crlf_jsonl).ok();
    assert_eq!(stdout, expected_tsv, "jsonl input");
}

// ---------------------------------------------------------------------------
// 5. Errors
// ---------------------------------------------------------------------------

/// Runs a batch of one or two good lines, then `bad`, then more good lines;
/// asserts it stops at `bad` with exit 2, names its line on stderr and has
/// printed the URLs of the lines before it, nothing after. (Lines are signed
/// two at a time, so the bad line is tried in both places of a pair.)
fn assert_stops_at_bad_line(input_format: &str, bad: &[u8]) {
    let sandbox = Sandbox::new();
    for good in [&["first.txt"][..], &["first.txt", "second.txt"]] {
        let expected = single_urls(&sandbox, &FLAGS, BUCKET, good);
        let encode = |key: &str| match input_format {
            "jsonl" => jsonl_line(key).into_bytes(),
            _ => format!("{key}\n").into_bytes(),
        };
        let mut input: Vec<u8> = good.iter().flat_map(|key| encode(key)).collect();
        input.extend_from_slice(bad);
        input.push(b'\n');
        input.extend(encode("after.txt"));
        input.extend(encode("after-that.txt"));
        let target = format!("s3://{BUCKET}");
        let mut args = FLAGS.to_vec();
        args.extend(["--input-format", input_format, &target]);
        let result = batch(&sandbox, &args, input);
        let bad_line = good.len() as u64 + 1;
        let context = format!("bad line {bad_line}: {:?}", String::from_utf8_lossy(bad));
        assert_eq!(result.code, Some(2), "{context}; stderr: {}", result.stderr);
        assert!(
            names_line(&result.stderr, bad_line),
            "{context}: stderr must name line {bad_line}: {}",
            result.stderr
        );
        assert_eq!(result.stdout, url_lines(&expected), "{context}: stdout");
    }
}

#[test]
fn empty_line_stops_the_batch_with_exit_2_naming_its_line() {
    assert_stops_at_bad_line("lines", b"");
    assert_stops_at_bad_line("lines", b"\r");
}

#[test]
fn key_over_1024_bytes_stops_the_batch_with_exit_2_naming_its_line() {
    assert_stops_at_bad_line("lines", "k".repeat(1025).as_bytes());
    assert_stops_at_bad_line("jsonl", jsonl_line(&"é".repeat(513)).trim_end().as_bytes());
}

#[test]
fn invalid_utf8_stops_the_batch_with_exit_2_naming_its_line() {
    assert_stops_at_bad_line("lines", b"bad-\xff\xfe-key");
    assert_stops_at_bad_line("jsonl", b"{\"key\": \"bad-\xff-key\"}");
}

#[test]
fn malformed_json_line_stops_the_batch_with_exit_2_naming_its_line() {
    assert_stops_at_bad_line("jsonl", b"{\"key\": ");
    assert_stops_at_bad_line("jsonl", b"plain-key.txt");
}

/// Lines of a `--keep-going` input: good keys with bad lines at `bad`
/// (1-based line numbers), cycling through the kinds of bad line.
fn input_with_bad_lines(keys: &[String], bad: &[u64]) -> Vec<u8> {
    let bad_kinds: [Vec<u8>; 4] = [
        Vec::new(),
        "k".repeat(1025).into_bytes(),
        b"bad-\xff-utf8".to_vec(),
        b"\r".to_vec(),
    ];
    let mut input = Vec::new();
    let mut keys = keys.iter();
    let total = keys.len() as u64 + bad.len() as u64;
    for line in 1..=total {
        match bad.iter().position(|&b| b == line) {
            Some(kind) => input.extend_from_slice(&bad_kinds[kind % bad_kinds.len()]),
            None => input.extend_from_slice(keys.next().expect("a good key").as_bytes()),
        }
        input.push(b'\n');
    }
    input
}

/// Asserts stderr has one line per bad line and names each.
fn assert_reports_each(stderr: &str, bad: &[u64], context: &str) {
    let reports: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        reports.len(),
        bad.len(),
        "{context}: one report per bad line, got:\n{stderr}"
    );
    for &line in bad {
        assert!(
            reports.iter().any(|report| names_line(report, line)),
            "{context}: line {line} is not reported:\n{stderr}"
        );
    }
}

#[test]
fn keep_going_reports_every_bad_line_outputs_every_good_line_and_exits_1() {
    let sandbox = Sandbox::new();
    let target = format!("s3://{BUCKET}");

    // Lines input, long enough for several chunks, bad lines in several.
    let keys = generated_keys(6_000);
    let bad = [1, 2, 3, 4, 2_000, 4_321, 6_003, 6_004];
    let mut args = FLAGS.to_vec();
    args.extend(["--keep-going", "--output-format", "tsv", &target]);
    let result = batch(&sandbox, &args, input_with_bad_lines(&keys, &bad));
    assert_eq!(result.code, Some(1), "lines; stderr: {}", result.stderr);
    assert_reports_each(&result.stderr, &bad, "lines");
    let rows: Vec<(&str, &str)> = result
        .stdout
        .split_terminator('\n')
        .map(|row| row.split_once('\t').expect("key TAB url"))
        .collect();
    let out_keys: Vec<&str> = rows.iter().map(|(key, _)| *key).collect();
    assert!(
        out_keys == keys,
        "lines: the good keys must come back in order"
    );
    let spot = [0, 1_995, 1_996, 4_316, 5_999];
    let expected = single_urls(&sandbox, &FLAGS, BUCKET, &spot.map(|i| keys[i].as_str()));
    for (&i, url) in spot.iter().zip(&expected) {
        assert_eq!(rows[i].1, url, "lines: the URL of good key {i}");
    }

    // jsonl input: malformed JSON, an unknown field, an empty key, a bad
    // override, each between good lines.
    let good = ["j1.txt", "j2 two.txt", "j3,three.txt", "j4.txt"];
    let input = [
        jsonl_line(good[0]),
        "{\"key\": \n".to_owned(),
        jsonl_line(good[1]),
        "{\"key\": \"x\", \"colour\": \"red\"}\n".to_owned(),
        "{\"key\": \"\"}\n".to_owned(),
        jsonl_line(good[2]),
        "{\"key\": \"y\", \"expires_in\": 0}\n".to_owned(),
        jsonl_line(good[3]),
    ]
    .concat();
    let mut args = FLAGS.to_vec();
    args.extend(["--keep-going", "--input-format", "jsonl", &target]);
    let result = batch(&sandbox, &args, input);
    assert_eq!(result.code, Some(1), "jsonl; stderr: {}", result.stderr);
    assert_reports_each(&result.stderr, &[2, 4, 5, 7], "jsonl");
    let expected = single_urls(&sandbox, &FLAGS, BUCKET, &good);
    assert_eq!(result.stdout, url_lines(&expected), "jsonl: stdout");
}

#[test]
fn a_batch_without_a_bucket_is_a_usage_error() {
    let sandbox = Sandbox::new();
    for args in [
        &[][..],
        &["--keep-going", "--at", AWS_AT][..],
        &["--input-format", "jsonl", "-X", "PUT"][..],
        &["s3://"][..],
    ] {
        let stderr = batch(&sandbox, args, "a.txt\nb.txt\n").refused();
        assert!(
            stderr.contains("S3_URI") || stderr.contains("s3://") || stderr.contains("bucket"),
            "{args:?}: the message should say a bucket is needed: {stderr}"
        );
    }
}

#[test]
fn bad_request_options_fail_with_exit_2_before_reading_input() {
    let sandbox = Sandbox::new();
    let target = format!("s3://{BUCKET}");
    let cases: [&[&str]; 9] = [
        &["--expires-in", "0"],
        &["--expires-in", "8d"],
        &["--expires-in", "1.5"],
        &["--at", "yesterday"],
        &["--region", ""],
        &["-X", "PATCH"],
        &["--header", "no-colon"],
        &["--query", "no-equals"],
        &["--jobs", "0"],
    ];
    let mut runs: Vec<(String, Child)> = Vec::new();
    for options in cases {
        let child = sandbox
            .std_command()
            .env("AWS_ACCESS_KEY_ID", common::AWS_ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", common::AWS_SECRET_ACCESS_KEY)
            .arg("batch")
            .args(options)
            .arg(&target)
            // Open and never written: a batch that read first would wait.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start presign batch");
        runs.push((format!("{options:?}"), child));
    }
    for (options, mut child) in runs {
        let status = wait_at_most(&mut child, Duration::from_secs(10));
        let stdin = child.stdin.take();
        let stdout = drain(child.stdout.take().expect("stdout")).join().unwrap();
        let stderr = drain(child.stderr.take().expect("stderr")).join().unwrap();
        drop(stdin);
        let stderr = String::from_utf8_lossy(&stderr);
        let status = status.unwrap_or_else(|| panic!("{options}: waited for input (killed)"));
        assert_eq!(status.code(), Some(2), "{options}: stderr: {stderr}");
        assert!(stdout.is_empty(), "{options}: stdout must be empty");
        assert!(!stderr.trim().is_empty(), "{options}: no message");
    }
}

/// Runs `presign batch ARGS` on `input` (written to a file) with stdout and
/// stderr drained; `None` when it does not end within `limit`.
fn batch_within(
    sandbox: &Sandbox,
    args: &[&str],
    input: &str,
    limit: Duration,
) -> Option<(ExitStatus, Vec<u8>, String)> {
    let file = sandbox.write("large-input.txt", input);
    let mut child = sandbox
        .std_command()
        .env("AWS_ACCESS_KEY_ID", common::AWS_ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", common::AWS_SECRET_ACCESS_KEY)
        .arg("batch")
        .args(args)
        .arg("--input")
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start presign batch");
    let stdout = drain(child.stdout.take().expect("stdout"));
    let stderr = drain(child.stderr.take().expect("stderr"));
    let status = wait_at_most(&mut child, limit);
    let stdout = stdout.join().unwrap();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap()).into_owned();
    status.map(|status| (status, stdout, stderr))
}

#[test]
fn a_stopping_error_deep_in_a_large_input_ends_the_process() {
    let sandbox = Sandbox::new();
    let keys = generated_keys(60_000);
    let (before, after) = keys.split_at(20_000);
    let input = format!("{}\n{}", lines_input(before), lines_input(after));
    let target = format!("s3://{BUCKET}");
    // Several tries: whether the reader is blocked at that moment is a race.
    for attempt in 1..=3 {
        let mut args = FLAGS.to_vec();
        args.extend(["--jobs", "1", &target]);
        let (status, stdout, stderr) =
            batch_within(&sandbox, &args, &input, Duration::from_secs(10)).unwrap_or_else(|| {
                panic!("attempt {attempt}: still running 10 s after an error at line 20001")
            });
        assert_eq!(status.code(), Some(2), "attempt {attempt}: {stderr}");
        assert!(names_line(&stderr, 20_001), "attempt {attempt}: {stderr}");
        let lines = String::from_utf8_lossy(&stdout).lines().count();
        assert_eq!(lines, before.len(), "attempt {attempt}: the lines before");
    }
}

#[test]
fn closing_stdout_early_ends_the_batch_quietly() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("many.txt", &lines_input(&generated_keys(100_000)));
    // Several thread counts: where each thread is when the pipe closes is a
    // race.
    for jobs in ["1", "2", "4"] {
        let mut child = sandbox
            .std_command()
            .env("AWS_ACCESS_KEY_ID", common::AWS_ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", common::AWS_SECRET_ACCESS_KEY)
            .args(["batch", "--at", AWS_AT, "--jobs", jobs, "--input"])
            .arg(&file)
            .arg(format!("s3://{BUCKET}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start presign batch");
        let stderr = drain(child.stderr.take().expect("stderr"));
        // Read one line, then close the pipe, as `| head -1` does.
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut first).expect("read stdout");
        drop(stdout);
        assert!(
            first.starts_with("https://"),
            "--jobs {jobs}: first line {first:?}"
        );
        let status = wait_at_most(&mut child, Duration::from_secs(10));
        let stderr = String::from_utf8_lossy(&stderr.join().unwrap()).into_owned();
        let status = status
            .unwrap_or_else(|| panic!("--jobs {jobs}: still running 10 s after stdout was closed"));
        assert!(
            status.success(),
            "--jobs {jobs}: exit {status}; stderr: {stderr}"
        );
        assert_eq!(stderr, "", "--jobs {jobs}: a closed pipe is not an error");
    }
}

// ---------------------------------------------------------------------------
// 6. Per-line overrides in jsonl input
// ---------------------------------------------------------------------------

/// The batch's own settings in the override tests (not the defaults, so a
/// line that ignored them would show).
const BATCH_SETTINGS: [&str; 4] = [AT_FLAG, "--expires-in=2h", "--content-type", "text/plain"];

#[test]
fn jsonl_overrides_give_the_single_command_url_of_the_same_flags() {
    let sandbox = Sandbox::new();
    let expected = single_url(
        &sandbox,
        &[
            "-X",
            "PUT",
            "--expires-in",
            "10m",
            "--header",
            "content-type: image/png",
            "--query",
            "x-id=PutObject",
            "--at",
            AWS_AT,
        ],
        BUCKET,
        "a.png",
    );
    let line = r#"{"key":"a.png","method":"PUT","expires_in":"10m","headers":{"content-type":"image/png"},"query":{"x-id":"PutObject"}}"#;
    let target = format!("s3://{BUCKET}");
    for settings in [&["--at", AWS_AT][..], &BATCH_SETTINGS[..]] {
        let mut args = settings.to_vec();
        args.extend([
            "--input-format",
            "jsonl",
            "--output-format",
            "jsonl",
            &target,
        ]);
        let stdout = batch(&sandbox, &args, format!("{line}\n")).ok();
        let json: serde_json::Value = serde_json::from_str(only_line(&stdout)).expect("JSON");
        assert_eq!(json["url"], expected, "batch settings {settings:?}");
        assert_eq!(
            json["expires_at"],
            at_plus(600),
            "batch settings {settings:?}: the override's expiry"
        );
    }
}

#[test]
fn jsonl_lines_without_overrides_use_the_command_line_settings() {
    let sandbox = Sandbox::new();
    let with = |extra: &[&'static str]| {
        let mut flags = BATCH_SETTINGS.to_vec();
        flags.extend_from_slice(extra);
        flags
    };
    let plain = single_url(&sandbox, &BATCH_SETTINGS, BUCKET, "plain.txt");
    let put = single_url(&sandbox, &with(&["-X", "PUT"]), BUCKET, "put.txt");
    // The batch's settings with the expiry of the line instead.
    let short = single_url(
        &sandbox,
        &[AT_FLAG, "--expires-in=90", "--content-type", "text/plain"],
        BUCKET,
        "short.txt",
    );
    let override_line =
        r#"{"key":"other.png","method":"PUT","headers":{"content-type":"image/png"}}"#;
    let input = [
        jsonl_line("plain.txt"),
        format!("{override_line}\n"),
        r#"{"key":"put.txt","method":"PUT"}"#.to_owned() + "\n",
        r#"{"key":"short.txt","expires_in":90}"#.to_owned() + "\n",
        jsonl_line("plain.txt"),
    ]
    .concat();
    let target = format!("s3://{BUCKET}");
    let mut args = BATCH_SETTINGS.to_vec();
    args.extend([
        "--input-format",
        "jsonl",
        "--output-format",
        "jsonl",
        &target,
    ]);
    let stdout = batch(&sandbox, &args, input).ok();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    let two_hours = at_plus(2 * 3600);
    for (i, url, expires_at) in [
        (0, &plain, &two_hours),
        (2, &put, &two_hours),
        (3, &short, &at_plus(90)),
        (4, &plain, &two_hours),
    ] {
        assert_eq!(lines[i]["url"], *url, "line {}", i + 1);
        assert_eq!(lines[i]["expires_at"], *expires_at, "line {}", i + 1);
    }
}

#[test]
fn jsonl_unknown_field_is_refused() {
    let sandbox = Sandbox::new();
    let target = format!("s3://{BUCKET}");
    let mut args = FLAGS.to_vec();
    args.extend(["--input-format", "jsonl", &target]);
    let input = r#"{"key":"a.png","content_type":"image/png"}"#.to_owned() + "\n";
    let stderr = batch(&sandbox, &args, input).refused();
    assert!(names_line(&stderr, 1), "stderr must name line 1: {stderr}");
    assert!(
        stderr.contains("content_type"),
        "stderr should name the unknown field: {stderr}"
    );
}

/// Issue 23, item 15: a line of JSON that is not an object is named for
/// what it is, with the accepted shape (serde's words spoke of "struct
/// JsonLine with 5 elements").
#[test]
fn jsonl_line_that_is_not_an_object_names_the_accepted_shape() {
    let sandbox = Sandbox::new();
    let target = format!("s3://{BUCKET}");
    let mut args = FLAGS.to_vec();
    args.extend(["--input-format", "jsonl", &target]);
    for (line, kind) in [
        (r#"["g.png"]"#, "an array"),
        (r#""g.png""#, "a string"),
        ("42", "a number"),
        ("null", "null"),
    ] {
        let stderr = batch(&sandbox, &args, format!("{line}\n")).refused();
        assert!(names_line(&stderr, 1), "{line}: {stderr}");
        assert!(
            stderr.contains(&format!("the JSON line is {kind}"))
                && stderr.contains(r#"{"key": "a.png"}"#)
                && !stderr.contains("JsonLine"),
            "{line}: {stderr}"
        );
    }
    let stderr = batch(&sandbox, &args, "{\"key\": 7}\n").refused();
    assert!(
        stderr.contains("invalid type") && !stderr.contains("JsonLine"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------
// 7. Secrets
// ---------------------------------------------------------------------------

/// A valid secret no output could hold by chance.
const SECRET: &str = "DistinctiveBatchSecret+Key/Qx72Lm=Fig";

/// Panics if `text` holds `SECRET`, raw, percent-encoded, or either half.
fn assert_no_secret(text: &str, context: &str) {
    let half = SECRET.len() / 2;
    for needle in [
        SECRET.to_owned(),
        uri_encode(SECRET),
        SECRET[..half].to_owned(),
        SECRET[half..].to_owned(),
    ] {
        assert!(
            !text.contains(&needle),
            "{context}: the secret access key (or {needle:?}) leaked into:\n{text}"
        );
    }
}

#[test]
fn secret_access_key_appears_on_no_stream_of_a_batch() {
    let sandbox = Sandbox::new();
    let target = format!("s3://{BUCKET}");
    // Good lines around an empty line, invalid UTF-8 and an overlong key.
    let mut bad_lines = b"ok.txt\n\nbad-\xff\n".to_vec();
    bad_lines.extend("k".repeat(1025).bytes());
    bad_lines.extend(b"\nok2.txt\n");
    // A good line and a good override, then refused overrides, an unknown
    // field and malformed JSON.
    let jsonl = [
        jsonl_line("ok.txt"),
        r#"{"key":"o.png","method":"PUT","headers":{"content-type":"image/png"}}"#.to_owned()
            + "\n",
        r#"{"key":"x","expires_in":0}"#.to_owned() + "\n",
        r#"{"key":"x","method":"PATCH"}"#.to_owned() + "\n",
        r#"{"key":"x","headers":{"a":1}}"#.to_owned() + "\n",
        r#"{"key":"x","nope":1}"#.to_owned() + "\n",
        "{\n".to_owned(),
    ]
    .concat()
    .into_bytes();
    let runs: [(&[&str], Vec<u8>, Option<i32>); 6] = [
        (
            &["--output-format", "jsonl"],
            b"a.txt\nb.txt\n".to_vec(),
            Some(0),
        ),
        (
            &["--keep-going", "--output-format", "tsv"],
            bad_lines.clone(),
            Some(1),
        ),
        (&["--output-format", "csv"], bad_lines, Some(2)),
        (
            &[
                "--keep-going",
                "--input-format",
                "jsonl",
                "--output-format",
                "jsonl",
            ],
            jsonl.clone(),
            Some(1),
        ),
        (&["--input-format", "jsonl"], jsonl, Some(2)),
        (&["--expires-in", "0"], b"a.txt\n".to_vec(), Some(2)),
    ];
    for (options, input, code) in runs {
        let mut command = sandbox.command();
        command
            .env("AWS_ACCESS_KEY_ID", common::AWS_ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .arg("batch")
            .args(FLAGS)
            .args(options)
            .arg(&target)
            .write_stdin(input);
        let result = run(&mut command);
        let context = format!("{options:?}");
        assert_eq!(result.code, code, "{context}: stderr: {}", result.stderr);
        assert_no_secret(&result.stdout, &format!("{context}, stdout"));
        assert_no_secret(&result.stderr, &format!("{context}, stderr"));
    }
}
