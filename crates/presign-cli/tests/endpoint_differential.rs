//! Endpoint differential test: presign against botocore on random endpoint
//! settings, regions, buckets, access point ARNs, keys and methods.
//!
//! Every run generates [`DEFAULT_CASES`] (at least [`MIN_CASES`]; more with
//! `PRESIGN_DIFF_CASES=N`) inputs from a seed (printed; `PRESIGN_DIFF_SEED=N`
//! replays a run; `PRESIGN_DIFF_DUMP=FILE` writes the helper's input there).
//! Each input is a client context (the endpoint settings of issue #19, each
//! in one of the places presign reads it: an environment variable, the
//! profile in `~/.aws/config`, its `s3` section, or a flag) and a request.
//!
//! presign signs it the way the CLI does: [`presign_config::resolve`] with an
//! [`Environment`] holding the variables and a temporary HOME with the config
//! file, then [`presign_config::ResolvedConfig::target`],
//! [`presign_config::Target::request`] and [`presign::presign`]. botocore
//! signs it through `scripts/botocore_presign.py`, with the same settings as
//! a program gives them (`Config(...)`, no `endpoint_url`) and its clock
//! frozen at the input's instant:
//! - SigV4 forms (buckets, access points, Object Lambda, Outposts, S3 Express
//!   with session auth off): `signature_version='s3v4'`, botocore's Python
//!   signer; the URLs must be byte-identical.
//! - Multi-Region Access Points: botocore's own choice of signer through
//!   awscrt (`PRESIGN_BOTOCORE_CRT=1`, SigV4A). ECDSA signatures differ from
//!   signer to signer, so the URL without `X-Amz-Signature` must be
//!   identical, botocore's signature must verify with the public key presign
//!   derives from the keys, over presign's string to sign, and presign's own
//!   signature must verify too.
//!
//! When botocore refuses an input (accelerate with a dotted bucket, FIPS in
//! China, a cross-partition ARN, ...), presign must refuse it too, with a
//! [`ConfigError`] before signing; both refusing counts as agreement and the
//! summary lists the reasons. A sample of the inputs also goes through the
//! `presign` binary (the same variables, HOME and flags), whose URL must be
//! the library's.
//!
//! botocore comes from `PRESIGN_PYTHON`, as in `differential.rs` (skipped
//! loudly without it, a failure under CI). Input classes left out on purpose
//! are listed in [`EXCLUSIONS`], each enforced where the generator makes
//! that part of the input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, UNIX_EPOCH};

use presign::{Addressing, Method, SigV4aKey};
use presign_config::{ConfigError, CredentialSource, Environment, Overrides};
use serde::Serialize;

/// What this test shares with `differential.rs`.
#[path = "common/botocore_diff.rs"]
mod botocore_diff;

use botocore_diff::{
    Failure, Rng, credentials, differing_parts, input_json_text, instant, key, python_or_skip,
    report, rfc3339, run_helper_with_env, seed, seeded_sample,
};

/// The test's name, for the replay command in reports.
const TEST: &str = "endpoint_differential";
/// SigV4 inputs per run unless `PRESIGN_DIFF_CASES` asks for more.
const DEFAULT_CASES: usize = 700;
/// The fewest SigV4 inputs a run compares.
const MIN_CASES: usize = 600;
/// SigV4A inputs per run (Multi-Region Access Points, signed
/// by botocore through awscrt).
const SIGV4A_CASES: usize = 200;
/// How many inputs also go through the `presign` binary.
const CLI_SAMPLE: usize = 20;

/// Input classes the generator leaves out, and why.
const EXCLUSIONS: &[(&str, &str)] = &[
    (
        "addressing auto, no dualstack or accelerate, an aws-partition region other than \
         us-east-1, an ordinary virtual-hostable bucket",
        "botocore's presigner moves such requests to the global endpoint (signers.py \
         _should_use_global_endpoint, handlers.py customize_endpoint_resolver_builtins): \
         bucket.s3.amazonaws.com with the scope still the region, where presign uses the \
         regional host (the FINDING of differential.rs); with FIPS on, botocore even signs \
         for the region on bucket.s3-fips.us-east-1.amazonaws.com, a host of another region \
         (a botocore bug). Such contexts get the other bucket kinds",
    ),
    (
        "S3 Express directory buckets without s3_disable_express_session_auth",
        "session auth needs a CreateSession call over the network; the session itself is \
         tested against a loopback stub elsewhere",
    ),
    (
        "Outposts ARNs in the SigV4A run",
        "the S3 rules offer SigV4A then SigV4 for Outposts; presign signs SigV4 (every signer \
         speaks it; botocore without awscrt signs it too), so Outposts ARNs are compared in \
         the s3v4 run, byte for byte",
    ),
    (
        "other buckets than MRAP ARNs in the SigV4A run",
        "that run uses botocore's default signer, which presigns ordinary buckets with SigV2 \
         in some cases (AWSAccessKeyId/Signature/Expires); they are compared in the s3v4 run",
    ),
    (
        "dualstack in the aws-iso-e and aws-iso-f partitions",
        "botocore refuses it when it makes the client (EndpointVariantError from its legacy \
         endpoints.json, which lists no dualstack variant for S3 there), before the S3 rules \
         run; the rules and partitions.json (supportsDualStack) give \
         BUCKET.s3.dualstack.REGION.cloud.adc-e.uk / .csp.hci.ic.gov, as presign does",
    ),
    (
        "NUL in a key, for the binary sample only",
        "a command-line argument cannot hold NUL",
    ),
    (
        "ARNs with a part after the access point's name (EXTRA_PART), for the binary sample only",
        "an s3:// URI cannot tell that part from the key: `s3://ARN/NAME/extra/KEY` is the \
         access point NAME and the key `extra/KEY` (the CLI's s3_uri.rs), a valid request, \
         where the library and botocore are given the whole ARN as the bucket and both refuse it",
    ),
];

/// What [`bad_arn`] appends to an access point ARN to give it one resource
/// part too many.
const EXTRA_PART: &str = "/extra";

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

#[test]
fn endpoint_settings_match_botocore_on_random_inputs() {
    let Some(python) = python_or_skip(TEST) else {
        return;
    };
    let seed = seed();
    let cases = case_count();
    eprintln!(
        "{TEST}: seed {seed} (replay with PRESIGN_DIFF_SEED={seed}), {cases} SigV4 inputs, \
         {SIGV4A_CASES} SigV4A inputs (Multi-Region Access Points), {} documented exclusions",
        EXCLUSIONS.len()
    );
    let started = Instant::now();
    let sigv4 = generate(seed, cases, Run::SigV4);
    let sigv4a = generate(seed ^ 0x6d72_6170, SIGV4A_CASES, Run::SigV4a);
    eprintln!(
        "{TEST}: {} contexts, {} inputs ({})",
        sigv4.contexts.len() + sigv4a.contexts.len(),
        sigv4.inputs.len() + sigv4a.inputs.len(),
        coverage(&[&sigv4, &sigv4a])
    );
    if let Some(path) = std::env::var_os("PRESIGN_DIFF_DUMP") {
        let all: Vec<&Input> = sigv4.inputs.iter().chain(&sigv4a.inputs).collect();
        std::fs::write(&path, serde_json::to_vec(&all).unwrap()).unwrap();
    }

    let mut tally = Tally::default();
    let mut failures = Vec::new();
    let ours = sign_all(&sigv4);
    let theirs = sign_with_botocore(&python, &sigv4.inputs, &[]);
    compare_sigv4(&sigv4, &ours, &theirs, &mut tally, &mut failures);

    let ours_sigv4a = sign_all(&sigv4a);
    let theirs_sigv4a =
        sign_with_botocore(&python, &sigv4a.inputs, &[("PRESIGN_BOTOCORE_CRT", "1")]);
    compare_sigv4a(
        &sigv4a,
        &ours_sigv4a,
        &theirs_sigv4a,
        &mut tally,
        &mut failures,
    );

    let cli_checked = check_cli_sample(
        seed,
        &[(&sigv4, &ours), (&sigv4a, &ours_sigv4a)],
        &mut failures,
    );
    eprintln!("{TEST}: {cli_checked} inputs through the presign binary (half with flags)");
    eprintln!("{TEST}: {}", tally.summary());
    eprintln!(
        "{TEST}: {} failures, {:.2?} in all",
        failures.len(),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", report(TEST, seed, &failures));
}

#[test]
fn generation_is_deterministic_per_seed() {
    let json = |batch: &Batch| serde_json::to_string(&batch.inputs).unwrap();
    let first = generate(7, 80, Run::SigV4);
    assert_eq!(json(&first), json(&generate(7, 80, Run::SigV4)));
    assert_ne!(json(&first), json(&generate(8, 80, Run::SigV4)));
    let config = |batch: &Batch| {
        batch
            .contexts
            .iter()
            .map(|context| (context.env_vars(), context.config_file()))
            .collect::<Vec<_>>()
    };
    assert_eq!(config(&first), config(&generate(7, 80, Run::SigV4)));
}

/// The generator makes every bucket kind and every setting place, so a run
/// never silently stops covering one.
#[test]
fn generation_covers_every_bucket_kind_and_setting_place() {
    let batch = generate(11, MIN_CASES, Run::SigV4);
    let kinds: BTreeMap<&str, usize> =
        batch.inputs.iter().fold(BTreeMap::new(), |mut map, input| {
            *map.entry(input.kind.name()).or_default() += 1;
            map
        });
    for kind in BucketKind::SIGV4 {
        assert!(
            kinds.contains_key(kind.name()),
            "no {} in {kinds:?}",
            kind.name()
        );
    }
    let mut places = [false; 4];
    for context in &batch.contexts {
        for (_, _, place) in context.settings() {
            places[place.index()] = true;
        }
    }
    assert_eq!(places, [true; 4], "flag, env, profile, s3 section");
}

fn case_count() -> usize {
    std::env::var("PRESIGN_DIFF_CASES")
        .map_or(DEFAULT_CASES, |text| {
            text.trim()
                .parse()
                .unwrap_or_else(|_| panic!("PRESIGN_DIFF_CASES must be a number, got {text:?}"))
        })
        .max(MIN_CASES)
}

// ---------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------

/// What presign made of an input.
#[derive(Debug)]
enum Outcome {
    /// The URL and the string to sign behind it.
    Signed { url: String, string_to_sign: String },
    /// Configuration refused it (a [`ConfigError`]).
    Refused(String),
    /// Anything else went wrong: resolution of the configuration itself or
    /// signing. Never an agreement.
    Failed(String),
}

impl Outcome {
    fn show(&self) -> String {
        match self {
            Self::Signed { url, .. } => url.clone(),
            Self::Refused(message) => format!("REFUSED (ConfigError): {message}"),
            Self::Failed(message) => format!("FAILED: {message}"),
        }
    }
}

/// Agreements by kind, and both sides' refusals by botocore's reason.
#[derive(Default)]
struct Tally {
    identical: BTreeMap<&'static str, usize>,
    refused: BTreeMap<String, usize>,
}

impl Tally {
    fn summary(&self) -> String {
        let identical: usize = self.identical.values().sum();
        let refused: usize = self.refused.values().sum();
        let mut out = format!(
            "{identical} URLs agree ({:?}); {refused} inputs refused by both:",
            self.identical
        );
        for (reason, count) in &self.refused {
            write!(out, "\n    {count:4} x {reason}").unwrap();
        }
        out
    }
}

/// botocore's refusal without the parts that vary per input (ARNs, regions),
/// to group refusals in the summary.
fn refusal_reason(error: &str) -> String {
    let mut reason: String = error.chars().take(160).collect();
    if let Some(at) = reason.find(['`', '(', '"']) {
        reason.truncate(at);
    }
    reason.trim_end().to_owned()
}

fn compare_sigv4(
    batch: &Batch,
    ours: &[Outcome],
    theirs: &[String],
    tally: &mut Tally,
    failures: &mut Vec<Failure>,
) {
    for (index, ((input, ours), theirs)) in batch.inputs.iter().zip(ours).zip(theirs).enumerate() {
        let problem = match (ours, theirs.strip_prefix("ERROR: ")) {
            (Outcome::Signed { url, .. }, None) if url == theirs => {
                *tally.identical.entry(input.kind.name()).or_default() += 1;
                continue;
            }
            (Outcome::Refused(_), Some(error)) => {
                *tally.refused.entry(refusal_reason(error)).or_default() += 1;
                continue;
            }
            (Outcome::Signed { url, .. }, None) => format!(
                "presign's URL differs from botocore's in {}",
                differing_parts(url, theirs)
            ),
            (Outcome::Signed { .. }, Some(_)) => "botocore refused, presign signed".to_owned(),
            (Outcome::Refused(_), None) => "presign refused, botocore signed".to_owned(),
            (Outcome::Failed(_), _) => "presign failed outside configuration".to_owned(),
        };
        failures.push(failure(batch, index, problem, ours.show(), theirs.clone()));
    }
}

fn compare_sigv4a(
    batch: &Batch,
    ours: &[Outcome],
    theirs: &[String],
    tally: &mut Tally,
    failures: &mut Vec<Failure>,
) {
    let offset = 1_000_000;
    for (index, ((input, ours), theirs)) in batch.inputs.iter().zip(ours).zip(theirs).enumerate() {
        let problem = match (ours, theirs.strip_prefix("ERROR: ")) {
            (
                Outcome::Signed {
                    url,
                    string_to_sign,
                },
                None,
            ) => match sigv4a_problem(input, url, string_to_sign, theirs) {
                None => {
                    *tally.identical.entry(input.kind.name()).or_default() += 1;
                    continue;
                }
                Some(problem) => problem,
            },
            (Outcome::Refused(_), Some(error)) => {
                *tally.refused.entry(refusal_reason(error)).or_default() += 1;
                continue;
            }
            (Outcome::Signed { .. }, Some(_)) => "botocore refused, presign signed".to_owned(),
            (Outcome::Refused(_), None) => "presign refused, botocore signed".to_owned(),
            (Outcome::Failed(_), _) => "presign failed outside configuration".to_owned(),
        };
        let mut failure = failure(batch, index, problem, ours.show(), theirs.clone());
        failure.index += offset;
        failures.push(failure);
    }
}

/// What is wrong with a SigV4A pair, if anything: the URLs without their
/// signatures differ, or a signature does not verify with the public key
/// derived from the input's keys over presign's string to sign.
fn sigv4a_problem(input: &Input, ours: &str, string_to_sign: &str, theirs: &str) -> Option<String> {
    let split = |url: &str| -> (String, String) {
        match url.rsplit_once("&X-Amz-Signature=") {
            Some((rest, signature)) => (rest.to_owned(), signature.to_owned()),
            None => (url.to_owned(), String::new()),
        }
    };
    let ((our_rest, our_signature), (their_rest, their_signature)) = (split(ours), split(theirs));
    if our_rest != their_rest {
        return Some(format!(
            "presign's SigV4A URL (signature aside) differs from botocore's in {}",
            differing_parts(ours, theirs)
        ));
    }
    let key = match SigV4aKey::derive(&input.access_key, &input.secret_key) {
        Ok(key) => key,
        Err(error) => return Some(format!("no SigV4A key: {error}")),
    };
    if !key.verify(string_to_sign.as_bytes(), &their_signature) {
        return Some("botocore's SigV4A signature does not verify with presign's key".to_owned());
    }
    if !key.verify(string_to_sign.as_bytes(), &our_signature) {
        return Some("presign's SigV4A signature does not verify".to_owned());
    }
    None
}

fn failure(batch: &Batch, index: usize, problem: String, ours: String, theirs: String) -> Failure {
    let input = &batch.inputs[index];
    Failure {
        index,
        problem,
        input: describe(&batch.contexts[input.context], input),
        ours,
        theirs,
    }
}

/// The input and its context as one line of ASCII JSON: what presign read
/// (variables, config file, flags) and what botocore was given.
fn describe(context: &Context, input: &Input) -> String {
    let json = serde_json::json!({
        "presign": {
            "env": context.env_vars(),
            "config": context.config_file(),
            "flags": context.cli_flags(),
        },
        "botocore": input,
    });
    input_json_text(&json.to_string())
}

// ---------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------

fn sign_all(batch: &Batch) -> Vec<Outcome> {
    let homes: Vec<tempfile::TempDir> = batch.contexts.iter().map(Context::home).collect();
    batch
        .inputs
        .iter()
        .map(|input| {
            sign_with_library(
                &batch.contexts[input.context],
                homes[input.context].path(),
                input,
            )
        })
        .collect()
}

/// presign as the CLI signs: resolve the configuration from the variables
/// and HOME, the target of the bucket, the request, the signature.
fn sign_with_library(context: &Context, home: &Path, input: &Input) -> Outcome {
    let env = Environment::from_vars(context.env_vars(), Some(home.to_path_buf()));
    let config = match presign_config::resolve(&context.overrides(), &env) {
        Ok(config) => config,
        Err(error) => return Outcome::Failed(format!("resolve: {error}")),
    };
    let target = match config.target(&input.bucket, context.addressing_flag()) {
        Ok(target) => target,
        Err(error @ ConfigError::Endpoint { .. }) => return Outcome::Refused(error.to_string()),
        Err(error) => return Outcome::Failed(format!("target: {error}")),
    };
    let CredentialSource::Static(keys) = &config.credentials else {
        return Outcome::Failed(format!("credentials: {}", config.credentials.describe()));
    };
    let method: Method = input.method.parse().unwrap();
    let request = target.request(
        method,
        &input.key,
        Duration::from_secs(input.expires),
        &[],
        &[],
    );
    let now = UNIX_EPOCH + Duration::from_secs(input.unix_time);
    match presign::presign(&request, &keys.to_credentials(), now) {
        Ok(presigned) => Outcome::Signed {
            url: presigned.url().to_owned(),
            string_to_sign: presigned.string_to_sign().to_string(),
        },
        Err(error) => Outcome::Failed(format!("presign: {error}")),
    }
}

fn sign_with_botocore(python: &Path, inputs: &[Input], env: &[(&str, &str)]) -> Vec<String> {
    let started = Instant::now();
    let payload = serde_json::to_vec(inputs).unwrap();
    let urls: Vec<String> = run_helper_with_env(python, "botocore_presign.py", payload, env);
    assert_eq!(urls.len(), inputs.len(), "one botocore result per input");
    eprintln!(
        "{TEST}: botocore signed {} inputs in {:.2?}",
        urls.len(),
        started.elapsed()
    );
    urls
}

/// Signs a sample with the `presign` binary (the context's variables, HOME
/// and flags, no other `AWS_*` variable): half of it from contexts with
/// flags (`--dualstack`, `--fips`, `--accelerate`, `--addressing-style`).
/// Each URL must be the library's; an input the library refuses must exit
/// 2 (a usage or input error). Returns how many were checked.
fn check_cli_sample(
    seed: u64,
    batches: &[(&Batch, &[Outcome])],
    failures: &mut Vec<Failure>,
) -> usize {
    let mut rng = Rng::new(seed ^ 0x0e0d_c11e);
    let mut with_flags: Vec<(usize, usize)> = Vec::new();
    let mut without: Vec<(usize, usize)> = Vec::new();
    for (which, (batch, outcomes)) in batches.iter().enumerate() {
        for (index, input) in batch.inputs.iter().enumerate() {
            // A command-line argument cannot hold NUL, nor an s3:// URI a part
            // after an access point's name (see EXCLUSIONS).
            if matches!(outcomes[index], Outcome::Failed(_))
                || input.key.contains('\0')
                || (input.bucket.starts_with("arn:") && input.bucket.ends_with(EXTRA_PART))
            {
                continue;
            }
            if batch.contexts[input.context].cli_flags().is_empty() {
                without.push((which, index));
            } else {
                with_flags.push((which, index));
            }
        }
    }
    let mut sample: Vec<(usize, usize)> = Vec::new();
    for pool in [&with_flags, &without] {
        let mut order: Vec<usize> = (0..pool.len()).collect();
        let wanted = CLI_SAMPLE / 2 + CLI_SAMPLE % 2 * usize::from(sample.is_empty());
        sample.extend(
            seeded_sample(&mut rng, &mut order, wanted)
                .iter()
                .map(|&at| pool[at]),
        );
    }
    for &(which, index) in &sample {
        let (batch, outcomes) = batches[which];
        let input = &batch.inputs[index];
        let context = &batch.contexts[input.context];
        let home = context.home();
        let binary = run_binary(context, home.path(), input);
        let ours = outcomes[index].show();
        let agrees = match &outcomes[index] {
            Outcome::Refused(_) => binary.starts_with("ERROR: exit 2:"),
            _ => binary == ours,
        };
        if !agrees {
            failures.push(failure(
                batch,
                index,
                "the presign binary disagrees with the library".to_owned(),
                ours,
                format!("(binary) {binary}"),
            ));
        }
    }
    sample.len()
}

/// The binary's URL, or `ERROR: exit CODE: STDERR`.
fn run_binary(context: &Context, home: &Path, input: &Input) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_presign"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    command
        .env("HOME", home)
        .envs(context.env_vars())
        .stdin(Stdio::null());
    command
        .arg(format!("-X={}", input.method))
        .args(context.cli_flags())
        .arg(format!("--at={}", input.timestamp))
        .arg(format!("--expires-in={}", input.expires))
        .arg("--output=json")
        .arg(format!("s3://{}/{}", input.bucket, input.key));
    let output = command.output().expect("run the presign binary");
    if !output.status.success() {
        let code = output
            .status
            .code()
            .map_or_else(|| "signal".to_owned(), |code| code.to_string());
        return format!(
            "ERROR: exit {code}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    serde_json::from_slice::<serde_json::Value>(&output.stdout)
        .ok()
        .and_then(|json| json.get("url")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| {
            format!(
                "ERROR: no url in {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
}

// ---------------------------------------------------------------------------
// Contexts: the endpoint settings and where presign reads each
// ---------------------------------------------------------------------------

/// Where a setting is given to presign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// A command-line flag (`Overrides` in the library).
    Flag,
    /// An environment variable.
    Env(&'static str),
    /// A key of the profile.
    Profile(&'static str),
    /// A key of the profile's `s3` section.
    S3(&'static str),
}

impl Place {
    fn index(self) -> usize {
        match self {
            Self::Flag => 0,
            Self::Env(_) => 1,
            Self::Profile(_) => 2,
            Self::S3(_) => 3,
        }
    }
}

/// One setting: its name in botocore's `Config`, its value, where presign
/// reads it.
#[derive(Clone, Debug)]
struct Setting {
    value: serde_json::Value,
    /// The text presign reads (`true`, `True`, `regional`, ...).
    text: String,
    place: Place,
}

/// What one botocore client is made for, and the configuration presign reads.
#[derive(Clone, Debug)]
struct Context {
    region: String,
    /// `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's `region`.
    region_place: Place,
    /// `None`: the default profile; else `AWS_PROFILE` names it.
    profile: Option<String>,
    /// botocore's name (`use_dualstack_endpoint`, `s3.use_arn_region`, ...)
    /// to the setting.
    settings: BTreeMap<&'static str, Setting>,
    /// `auto`, `path` or `virtual`, with where it is given (`None`: nowhere,
    /// auto).
    addressing: Option<(&'static str, Place)>,
    access_key: String,
    secret_key: String,
    session_token: Option<String>,
}

impl Context {
    /// Every setting with botocore's name and the place presign reads it.
    fn settings(&self) -> Vec<(&'static str, &Setting, Place)> {
        self.settings
            .iter()
            .map(|(name, setting)| (*name, setting, setting.place))
            .collect()
    }

    fn addressing_style(&self) -> &'static str {
        self.addressing.map_or("auto", |(style, _)| style)
    }

    /// The environment presign sees: keys, region, profile and the
    /// settings given as variables.
    fn env_vars(&self) -> Vec<(String, String)> {
        let mut vars = vec![
            ("AWS_ACCESS_KEY_ID".to_owned(), self.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY".to_owned(), self.secret_key.clone()),
        ];
        if let Some(token) = &self.session_token {
            vars.push(("AWS_SESSION_TOKEN".to_owned(), token.clone()));
        }
        if let Some(profile) = &self.profile {
            vars.push(("AWS_PROFILE".to_owned(), profile.clone()));
        }
        if let Place::Env(name) = self.region_place {
            vars.push((name.to_owned(), self.region.clone()));
        }
        for (_, setting, place) in self.settings() {
            if let Place::Env(name) = place {
                vars.push((name.to_owned(), setting.text.clone()));
            }
        }
        vars
    }

    /// `~/.aws/config`: the profile with the region and the settings given
    /// there, its `s3` section nested as botocore writes it.
    fn config_file(&self) -> String {
        let mut top = Vec::new();
        let mut s3 = Vec::new();
        if let Place::Profile(key) = self.region_place {
            top.push(format!("{key} = {}", self.region));
        }
        for (_, setting, place) in self.settings() {
            match place {
                Place::Profile(key) => top.push(format!("{key} = {}", setting.text)),
                Place::S3(key) => s3.push(format!("    {key} = {}", setting.text)),
                Place::Flag | Place::Env(_) => {}
            }
        }
        if let Some((style, Place::S3(key))) = self.addressing {
            s3.push(format!("    {key} = {style}"));
        }
        let header = match &self.profile {
            Some(name) => format!("[profile {name}]"),
            None => "[default]".to_owned(),
        };
        let mut text = format!("[profile unrelated]\nregion = ap-south-1\n\n{header}\n");
        for line in top {
            text.push_str(&line);
            text.push('\n');
        }
        if !s3.is_empty() {
            text.push_str("s3 =\n");
            for line in s3 {
                text.push_str(&line);
                text.push('\n');
            }
        }
        text
    }

    /// A HOME with this context's `~/.aws/config`.
    fn home(&self) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        std::fs::write(home.path().join(".aws/config"), self.config_file()).unwrap();
        home
    }

    fn flag_on(&self, name: &str) -> Option<bool> {
        let setting = self.settings.get(name)?;
        (setting.place == Place::Flag).then(|| setting.value == serde_json::Value::Bool(true))
    }

    /// The flags, as the library's `Overrides` (the CLI's `--dualstack`,
    /// `--fips` and `--accelerate` only switch on).
    fn overrides(&self) -> Overrides {
        Overrides {
            dualstack: self.flag_on("use_dualstack_endpoint"),
            fips: self.flag_on("use_fips_endpoint"),
            accelerate: self.flag_on("s3.use_accelerate_endpoint"),
            ..Overrides::default()
        }
    }

    fn addressing_flag(&self) -> Option<Addressing> {
        match self.addressing {
            Some((style, Place::Flag)) => Some(match style {
                "path" => Addressing::Path,
                "virtual" => Addressing::VirtualHost,
                _ => Addressing::Auto,
            }),
            _ => None,
        }
    }

    /// The same flags on the command line.
    fn cli_flags(&self) -> Vec<String> {
        let mut flags = Vec::new();
        for (name, flag) in [
            ("use_dualstack_endpoint", "--dualstack"),
            ("use_fips_endpoint", "--fips"),
            ("s3.use_accelerate_endpoint", "--accelerate"),
        ] {
            if self.flag_on(name) == Some(true) {
                flags.push(flag.to_owned());
            }
        }
        if let Some((style, Place::Flag)) = self.addressing {
            flags.push(format!("--addressing-style={style}"));
        }
        flags
    }

    /// botocore's `Config` for these settings (the helper's `client_config`).
    fn client_config(&self, run: Run) -> serde_json::Value {
        let mut config = serde_json::Map::new();
        let mut s3 = serde_json::Map::new();
        for (name, setting, place) in self.settings() {
            // Dualstack from the profile's s3 section is botocore's
            // `s3={"use_dualstack_endpoint": ...}`.
            let in_s3_section = matches!(place, Place::S3(key) if key == name);
            let (map, key) = match name.strip_prefix("s3.") {
                Some(s3_name) => (&mut s3, s3_name),
                None if in_s3_section => (&mut s3, name),
                None => (&mut config, name),
            };
            map.insert(key.to_owned(), setting.value.clone());
        }
        config.insert("s3".to_owned(), serde_json::Value::Object(s3));
        if run == Run::SigV4a {
            config.insert("signature_version".to_owned(), serde_json::Value::Null);
        }
        serde_json::Value::Object(config)
    }
}

// ---------------------------------------------------------------------------
// One input, as the Python helper reads it
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize)]
struct Input {
    method: &'static str,
    /// Unused: botocore resolves the endpoint itself.
    endpoint: String,
    botocore_default_endpoint: bool,
    addressing_style: &'static str,
    bucket: String,
    key: String,
    region: String,
    access_key: String,
    secret_key: String,
    session_token: Option<String>,
    timestamp: String,
    expires: u64,
    query: Vec<(String, String)>,
    signed_headers: BTreeMap<String, String>,
    client_config: serde_json::Value,
    #[serde(skip)]
    unix_time: u64,
    /// Index of the context in its batch.
    #[serde(skip)]
    context: usize,
    #[serde(skip)]
    kind: BucketKind,
}

/// Contexts and the inputs made in them.
struct Batch {
    contexts: Vec<Context>,
    inputs: Vec<Input>,
}

/// Which comparison a batch is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Run {
    /// `signature_version='s3v4'`: byte-identical URLs.
    SigV4,
    /// Multi-Region Access Points: botocore's own signer
    /// through awscrt, SigV4A.
    SigV4a,
}

fn coverage(batches: &[&Batch]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for batch in batches {
        for input in &batch.inputs {
            *counts.entry(input.kind.name().to_owned()).or_default() += 1;
            *counts.entry(input.method.to_owned()).or_default() += 1;
        }
        for context in &batch.contexts {
            for (name, setting, _) in context.settings() {
                *counts
                    .entry(format!("{name}={}", setting.value))
                    .or_default() += 1;
            }
        }
    }
    counts
        .iter()
        .map(|(name, count)| format!("{name} {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/// Partitions and the regions generated in each.
const PARTITIONS: &[(&str, &[&str])] = &[
    (
        "aws",
        &[
            "us-east-1",
            "us-east-2",
            "us-west-2",
            "eu-central-1",
            "eu-west-1",
            "ap-southeast-1",
            "ap-northeast-3",
            "sa-east-1",
            "ca-central-1",
            "il-central-1",
            "me-south-1",
        ],
    ),
    ("aws-cn", &["cn-north-1", "cn-northwest-1"]),
    ("aws-us-gov", &["us-gov-west-1", "us-gov-east-1"]),
    ("aws-iso", &["us-iso-east-1", "us-iso-west-1"]),
    ("aws-iso-b", &["us-isob-east-1"]),
    ("aws-iso-e", &["eu-isoe-west-1"]),
    ("aws-iso-f", &["us-isof-south-1", "us-isof-east-1"]),
    ("aws-eusc", &["eusc-de-east-1"]),
];

/// The kinds of bucket the generator makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BucketKind {
    Plain,
    Dotted,
    AccessPoint,
    ObjectLambda,
    Outposts,
    Express,
    /// A malformed ARN: both must refuse it.
    BadArn,
    Mrap,
}

impl BucketKind {
    const SIGV4: [Self; 6] = [
        Self::Plain,
        Self::Dotted,
        Self::AccessPoint,
        Self::ObjectLambda,
        Self::Express,
        Self::BadArn,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Dotted => "dotted",
            Self::AccessPoint => "access-point",
            Self::ObjectLambda => "object-lambda",
            Self::Outposts => "outposts",
            Self::Express => "express",
            Self::BadArn => "bad-arn",
            Self::Mrap => "mrap",
        }
    }
}

fn generate(seed: u64, cases: usize, run: Run) -> Batch {
    let mut rng = Rng::new(seed);
    let mut batch = Batch {
        contexts: Vec::new(),
        inputs: Vec::with_capacity(cases + 16),
    };
    while batch.inputs.len() < cases {
        let context = context(&mut rng, run);
        let index = batch.contexts.len();
        for _ in 0..=rng.below(12) {
            let (kind, bucket) = bucket(&mut rng, &context, run);
            batch
                .inputs
                .push(request(&mut rng, &context, index, kind, bucket, run));
        }
        batch.contexts.push(context);
    }
    batch
}

/// `Some(value)` with `percent` chance.
fn maybe<T>(rng: &mut Rng, percent: u64, value: impl FnOnce(&mut Rng) -> T) -> Option<T> {
    rng.chance(percent).then(|| value(rng))
}

fn bool_text(rng: &mut Rng, value: bool) -> String {
    let text = if value { "true" } else { "false" };
    match rng.below(6) {
        0 => text.to_ascii_uppercase(),
        1 => format!("{}{}", text[..1].to_ascii_uppercase(), &text[1..]),
        _ => text.to_owned(),
    }
}

/// A switch given in one of `places`; a flag only switches on.
fn switch(rng: &mut Rng, places: &[Place], percent_on: u64) -> Setting {
    let value = rng.chance(percent_on);
    let usable: Vec<Place> = places
        .iter()
        .copied()
        .filter(|place| value || *place != Place::Flag)
        .collect();
    Setting {
        value: serde_json::Value::Bool(value),
        text: bool_text(rng, value),
        place: rng.pick(&usable),
    }
}

fn context(rng: &mut Rng, run: Run) -> Context {
    // Multi-Region Access Points are all in the aws partition: other
    // partitions only make cross-partition refusals, so fewer there.
    let aws_percent = if run == Run::SigV4a { 80 } else { 55 };
    let (_, regions) = if rng.chance(aws_percent) {
        PARTITIONS[0]
    } else {
        rng.pick(PARTITIONS)
    };
    let region = rng.pick(regions).to_owned();
    // Dualstack, FIPS and acceleration refuse every MRAP ARN:
    // rarer there, so that most SigV4A inputs get signed.
    let rare = if run == Run::SigV4a { 3 } else { 1 };
    let mut settings = BTreeMap::new();
    let mut put = |name: &'static str, setting: Option<Setting>| {
        if let Some(setting) = setting {
            settings.insert(name, setting);
        }
    };
    let dualstack = [
        Place::Flag,
        Place::Env("AWS_USE_DUALSTACK_ENDPOINT"),
        Place::Profile("use_dualstack_endpoint"),
        // botocore reads the s3 section's only when true; its false falls
        // through to the others (none here), off on both sides.
        Place::S3("use_dualstack_endpoint"),
    ];
    put(
        "use_dualstack_endpoint",
        maybe(rng, 30 / rare, |rng| {
            // EXCLUSION: botocore has no dualstack S3 endpoint in these.
            let stale = ["eu-isoe-west-1", "us-isof-south-1", "us-isof-east-1"];
            let on = if stale.contains(&region.as_str()) {
                0
            } else {
                60
            };
            switch(rng, &dualstack, on)
        }),
    );
    let fips = [
        Place::Flag,
        Place::Env("AWS_USE_FIPS_ENDPOINT"),
        Place::Profile("use_fips_endpoint"),
    ];
    put(
        "use_fips_endpoint",
        maybe(rng, 20 / rare, |rng| switch(rng, &fips, 60)),
    );
    let accelerate = [Place::Flag, Place::S3("use_accelerate_endpoint")];
    put(
        "s3.use_accelerate_endpoint",
        maybe(rng, 12 / rare, |rng| switch(rng, &accelerate, 60)),
    );
    let arn_region = [
        Place::Env("AWS_S3_USE_ARN_REGION"),
        Place::Profile("s3_use_arn_region"),
        Place::S3("use_arn_region"),
    ];
    put(
        "s3.use_arn_region",
        maybe(rng, 35, |rng| switch(rng, &arn_region, 50)),
    );
    put("s3.us_east_1_regional_endpoint", maybe(rng, 35, us_east_1));
    if run == Run::SigV4 {
        // Express buckets need it (see EXCLUSIONS); one in five contexts
        // leaves it unset and gets no Express buckets.
        let express = [
            Place::Env("AWS_S3_DISABLE_EXPRESS_SESSION_AUTH"),
            Place::Profile("s3_disable_express_session_auth"),
        ];
        put(
            "s3.disable_s3_express_session_auth",
            maybe(rng, 80, |rng| switch(rng, &express, 100)),
        );
    } else {
        let mrap = [
            Place::Env("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS"),
            Place::S3("s3_disable_multiregion_access_points"),
        ];
        put(
            "s3.s3_disable_multiregion_access_points",
            maybe(rng, 15, |rng| switch(rng, &mrap, 50)),
        );
    }
    let addressing = maybe(rng, 70, |rng| {
        let style = rng.pick(&["auto", "path", "virtual"]);
        (
            style,
            rng.pick(&[Place::Flag, Place::S3("addressing_style")]),
        )
    });
    let (access_key, secret_key, session_token) = credentials(rng);
    Context {
        region,
        region_place: rng.pick(&[
            Place::Env("AWS_REGION"),
            Place::Env("AWS_DEFAULT_REGION"),
            Place::Profile("region"),
        ]),
        profile: maybe(rng, 40, |rng| {
            rng.pick(&["dev", "team-a", "prod.eu"]).to_owned()
        }),
        settings,
        addressing,
        access_key,
        secret_key,
        session_token,
    }
}

fn us_east_1(rng: &mut Rng) -> Setting {
    let value = rng.pick(&["legacy", "regional"]);
    Setting {
        value: serde_json::Value::String(value.to_owned()),
        text: if rng.chance(20) {
            value.to_ascii_uppercase()
        } else {
            value.to_owned()
        },
        place: rng.pick(&[
            Place::Env("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"),
            Place::Profile("s3_us_east_1_regional_endpoint"),
            Place::S3("us_east_1_regional_endpoint"),
        ]),
    }
}

impl Context {
    fn on(&self, name: &str) -> bool {
        self.settings
            .get(name)
            .is_some_and(|setting| setting.value == serde_json::Value::Bool(true))
    }

    /// EXCLUSION (the global host): whether botocore would presign an
    /// ordinary bucket on `bucket.s3.amazonaws.com` here.
    fn global_host_for_plain_buckets(&self) -> bool {
        let aws = PARTITIONS[0].1.contains(&self.region.as_str());
        aws && self.region != "us-east-1"
            && self.addressing_style() == "auto"
            && !self.on("use_dualstack_endpoint")
            && !self.on("s3.use_accelerate_endpoint")
    }
}

fn dns_name(rng: &mut Rng, min: usize, max: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-";
    let length = min + rng.below(max - min + 1);
    let mut name = String::new();
    name.push(char::from(rng.pick(FIRST)));
    while name.len() < length - 1 {
        name.push(char::from(rng.pick(REST)));
    }
    name.push(char::from(rng.pick(FIRST)));
    name.replace("--", "-a")
}

fn bucket(rng: &mut Rng, context: &Context, run: Run) -> (BucketKind, String) {
    if run == Run::SigV4a {
        return (BucketKind::Mrap, mrap_arn(rng));
    }
    loop {
        // Weighted: bad ARNs and Express buckets less often.
        let kind = rng.pick(&[
            BucketKind::Plain,
            BucketKind::Plain,
            BucketKind::Dotted,
            BucketKind::AccessPoint,
            BucketKind::AccessPoint,
            BucketKind::AccessPoint,
            BucketKind::ObjectLambda,
            BucketKind::ObjectLambda,
            BucketKind::Outposts,
            BucketKind::Express,
            BucketKind::Express,
            BucketKind::BadArn,
        ]);
        let name = match kind {
            BucketKind::Plain if context.global_host_for_plain_buckets() => continue,
            BucketKind::Plain => dns_name(rng, 3, 30),
            BucketKind::Dotted => format!("{}.{}", dns_name(rng, 1, 12), dns_name(rng, 1, 12)),
            BucketKind::Express if !context.on("s3.disable_s3_express_session_auth") => continue,
            BucketKind::Express => express_bucket(rng),
            BucketKind::AccessPoint | BucketKind::ObjectLambda | BucketKind::Outposts => {
                access_point_arn(rng, context, kind)
            }
            BucketKind::BadArn => bad_arn(rng),
            BucketKind::Mrap => unreachable!("only in the SigV4A run"),
        };
        return (kind, name);
    }
}

fn express_bucket(rng: &mut Rng) -> String {
    const ZONES: &[&str] = &[
        "usw2-az1",
        "usw2-az12",
        "use1-az4",
        "apne1-az4",
        "usaz1",
        "test1-az1",
        "abcd-ab1",
        "test-zone-ab1",
        "test1-zone-ab1",
        "test1-long1-zone-ab1",
    ];
    let name = if rng.chance(15) {
        format!("{}.{}", dns_name(rng, 1, 8), dns_name(rng, 1, 8))
    } else {
        dns_name(rng, 3, 20)
    };
    format!("{name}--{}--x-s3", rng.pick(ZONES))
}

fn account(rng: &mut Rng) -> String {
    (0..12)
        .map(|_| char::from(rng.pick(b"0123456789")))
        .collect()
}

/// The ARN's region: the client's, another of its partition, or one of
/// another partition (with that partition's name, or sometimes the client's:
/// a partition that does not match the region).
fn arn_region(rng: &mut Rng, context: &Context) -> (String, String) {
    let (own, regions) = PARTITIONS
        .iter()
        .find(|(_, regions)| regions.contains(&context.region.as_str()))
        .copied()
        .unwrap();
    match rng.below(20) {
        0..=10 => (own.to_owned(), context.region.clone()),
        11..=17 => (own.to_owned(), rng.pick(regions).to_owned()),
        18 => {
            let (partition, regions) = rng.pick(PARTITIONS);
            (partition.to_owned(), rng.pick(regions).to_owned())
        }
        _ => {
            let (_, regions) = rng.pick(PARTITIONS);
            (own.to_owned(), rng.pick(regions).to_owned())
        }
    }
}

fn access_point_arn(rng: &mut Rng, context: &Context, kind: BucketKind) -> String {
    let (partition, region) = arn_region(rng, context);
    let account = account(rng);
    let name = dns_name(rng, 3, 20);
    let sep = if rng.chance(25) { ':' } else { '/' };
    match kind {
        BucketKind::ObjectLambda => {
            format!("arn:{partition}:s3-object-lambda:{region}:{account}:accesspoint{sep}{name}")
        }
        BucketKind::Outposts => {
            let outpost: String = (0..17)
                .map(|_| char::from(rng.pick(b"0123456789abcdef")))
                .collect();
            format!(
                "arn:{partition}:s3-outposts:{region}:{account}:outpost{sep}op-{outpost}{sep}accesspoint{sep}{name}"
            )
        }
        _ => format!("arn:{partition}:s3:{region}:{account}:accesspoint{sep}{name}"),
    }
}

/// An ARN the rules refuse: missing parts, a wrong service or resource
/// type, a name that is no host label, too many parts.
fn bad_arn(rng: &mut Rng) -> String {
    let account = account(rng);
    let name = dns_name(rng, 3, 12);
    // No `arn:aws:s3::ACCOUNT:accesspoint/NAME`: an empty region makes a
    // Multi-Region Access Point (the SigV4A run), not a bad ARN.
    match rng.below(9) {
        0 | 1 => format!("arn:aws:s3:us-west-2::accesspoint/{name}"),
        2 => format!("arn:aws:sqs:us-west-2:{account}:accesspoint/{name}"),
        3 => format!("arn:aws:s3:us-west-2:{account}:bucket_name/{name}"),
        4 => format!("arn:aws:s3:us-west-2:{account}:accesspoint/{name}{EXTRA_PART}"),
        5 => format!("arn:aws:s3:us-west-2:{account}:accesspoint/my_ap.{name}"),
        6 => format!("arn:aws:s3-outposts:us-west-2:{account}:outpost/op-01234567890123456"),
        7 => format!("arn:aws:s3-object-lambda:us-west-2:{account}:accesspoint"),
        _ => format!("arn:aws:s3:us-west-2:{account}:accesspoint/{name}/object{EXTRA_PART}"),
    }
}

fn mrap_arn(rng: &mut Rng) -> String {
    let partition = if rng.chance(85) {
        "aws"
    } else {
        rng.pick(PARTITIONS).0
    };
    let alias: String = (0..13)
        .map(|_| char::from(rng.pick(b"abcdefghijklmnopqrstuvwxyz234567")))
        .collect();
    let sep = if rng.chance(25) { ':' } else { '/' };
    // The rules take any access point without a region for an MRAP; the
    // `.mrap` suffix is only the usual alias form.
    let suffix = if rng.chance(80) { ".mrap" } else { "" };
    format!(
        "arn:{partition}:s3::{}:accesspoint{sep}{alias}{suffix}",
        account(rng)
    )
}

fn request(
    rng: &mut Rng,
    context: &Context,
    index: usize,
    kind: BucketKind,
    bucket: String,
    run: Run,
) -> Input {
    let unix_time = instant(rng);
    Input {
        method: rng.pick(&["GET", "PUT", "HEAD", "DELETE"]),
        endpoint: String::new(),
        botocore_default_endpoint: true,
        addressing_style: context.addressing_style(),
        bucket,
        key: key(rng),
        region: context.region.clone(),
        access_key: context.access_key.clone(),
        secret_key: context.secret_key.clone(),
        session_token: context.session_token.clone(),
        timestamp: rfc3339(unix_time),
        expires: rng.range(1, 604_800),
        query: Vec::new(),
        signed_headers: BTreeMap::new(),
        client_config: context.client_config(run),
        unix_time,
        context: index,
        kind,
    }
}
