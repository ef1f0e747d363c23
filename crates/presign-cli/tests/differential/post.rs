//! POST policies against botocore's `generate_presigned_post`, on random
//! inputs: the form's URL and every field (the base64 policy, so the policy
//! document byte for byte, and the signature) must be identical.
//!
//! Every run signs [`DEFAULT_CASES`] (at least [`MIN_CASES`]; more with
//! `PRESIGN_DIFF_POST_CASES=N`) policies made from the same seed as the URL
//! test (`PRESIGN_DIFF_SEED` replays both), in client contexts made by the
//! same generator (endpoints, addressing styles, regions including `""`,
//! buckets, credentials with and without session tokens), so every URL
//! exclusion of [`super::EXCLUSIONS`] holds here too; the ones particular
//! to POST are in [`EXCLUSIONS`]. Keys are exact, `PREFIX${filename}`, or hold
//! `${filename}` elsewhere; form fields (repeated names included) and
//! conditions come both from the typed setters and as raw JSON values of
//! every kind (strings of every character class, integers beyond 64 bits,
//! floats of every exponent, NaN and the infinities, nested lists and
//! objects). `PRESIGN_DIFF_POST_DUMP=FILE` writes the helper's input.

use std::time::{Duration, Instant, UNIX_EPOCH};

use presign::{Condition, Credentials, PolicyValue, PostPolicy};
use serde::{Deserialize, Serialize};

use super::{
    ClientContext, Failure, Rng, client_context, from_alphabet, input_json_text, instant, key,
    presign_command, python_or_skip, report, rfc3339, run_helper, seed, seeded_sample, text,
};

/// Policies per run unless `PRESIGN_DIFF_POST_CASES` asks for more.
const DEFAULT_CASES: usize = 400;
/// The fewest policies a run compares.
const MIN_CASES: usize = 300;
/// How many of them also go through `presign post`.
const CLI_SAMPLE: usize = 30;

/// Input classes left out of the POST comparison (besides the URL test's,
/// which the shared client contexts keep), and why.
const EXCLUSIONS: &[(&str, &str)] = &[
    (
        "an empty key",
        "botocore signs {\"key\": \"\"}, which S3 refuses; presign refuses it by design \
         (a key of 1..=1024 bytes, or a prefix followed by ${filename})",
    ),
    (
        "ExpiresIn below 1 s, fractional, or beyond 7 days without allow_long_expiry",
        "botocore signs any timedelta (an already expired policy too); presign takes whole \
         seconds, 1 s to 7 days, longer only when asked (compared here with \
         allow_long_expiry, up to ten years)",
    ),
    (
        "a dict condition naming a field twice",
        "a Python dict cannot hold a name twice (json.loads keeps the last value in the \
         first place); Condition::Raw can, and writes both",
    ),
    (
        "Fields values that are not strings",
        "presign's form fields are strings; the Python package hands other values back \
         itself",
    ),
];

/// One policy as the helper reads it, with the library's own input beside it.
#[derive(Clone, Debug, Serialize)]
struct PostInput {
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
    fields: Vec<(String, String)>,
    conditions_json: String,
    #[serde(skip)]
    unix_time: u64,
    #[serde(skip)]
    policy: PostPolicy,
}

/// What botocore's `generate_presigned_post` returned (or `ERROR: ...`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Answer {
    Form {
        url: String,
        fields: Vec<(String, String)>,
    },
    Error(String),
}

/// The form: URL and fields in order.
type Form = (String, Vec<(String, String)>);

#[test]
fn post_policies_match_botocore_on_random_inputs() {
    let Some(python) = python_or_skip() else {
        return;
    };
    let seed = seed();
    let cases = case_count();
    eprintln!(
        "differential (POST): seed {seed} (replay with PRESIGN_DIFF_SEED={seed}), {cases} \
         policies, {} documented exclusions besides the URL test's",
        EXCLUSIONS.len()
    );
    let started = Instant::now();
    let inputs = generate(seed, cases);
    if let Some(path) = std::env::var_os("PRESIGN_DIFF_POST_DUMP") {
        std::fs::write(
            &path,
            serde_json::to_vec(&inputs).expect("serialise the inputs"),
        )
        .expect("write PRESIGN_DIFF_POST_DUMP");
    }
    let ours: Vec<Result<Form, String>> = inputs.iter().map(sign_with_library).collect();
    let payload = serde_json::to_vec(&inputs).expect("serialise the inputs");
    let theirs: Vec<Answer> = run_helper(&python, "botocore_post.py", payload);
    assert_eq!(theirs.len(), inputs.len(), "one botocore result per input");

    let mut failures = Vec::new();
    for (index, ((input, ours), theirs)) in inputs.iter().zip(&ours).zip(&theirs).enumerate() {
        let problem = match (ours, theirs) {
            (
                Ok((url, fields)),
                Answer::Form {
                    url: their_url,
                    fields: their_fields,
                },
            ) => {
                if url == their_url && fields == their_fields {
                    continue;
                }
                differing(url, fields, their_url, their_fields)
            }
            (Err(_), Answer::Form { .. }) => "presign refused a policy botocore signs".to_owned(),
            (Ok(_), Answer::Error(_)) => "botocore failed on a policy (a generator bug)".to_owned(),
            (Err(_), Answer::Error(_)) => "both refused a policy (a generator bug)".to_owned(),
        };
        failures.push(Failure {
            index,
            problem,
            input: input_json_text(&serde_json::to_string(input).expect("serialise an input")),
            ours: match ours {
                Ok(form) => format!("{form:?}"),
                Err(error) => format!("ERROR: {error}"),
            },
            theirs: match theirs {
                Answer::Form { url, fields } => format!("{:?}", (url, fields)),
                Answer::Error(error) => error.clone(),
            },
        });
    }
    let compared = inputs.len() - failures.len();
    let cli_checked = check_cli_sample(seed, &inputs, &ours, &mut failures);
    eprintln!(
        "differential (POST): {compared} of {} forms identical to botocore's ({}), {cli_checked} \
         through presign post, {:.2?} in all",
        inputs.len(),
        summary(&inputs),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", report(seed, &failures));
}

/// `PRESIGN_DIFF_POST_CASES`, else [`DEFAULT_CASES`]; never fewer than
/// [`MIN_CASES`].
fn case_count() -> usize {
    std::env::var("PRESIGN_DIFF_POST_CASES")
        .map_or(DEFAULT_CASES, |text| {
            text.trim().parse().unwrap_or_else(|_| {
                panic!("PRESIGN_DIFF_POST_CASES must be a number, got {text:?}")
            })
        })
        .max(MIN_CASES)
}

fn sign_with_library(input: &PostInput) -> Result<Form, String> {
    let mut credentials = Credentials::new(&input.access_key, &input.secret_key);
    if let Some(token) = &input.session_token {
        credentials = credentials.with_session_token(token);
    }
    let now = UNIX_EPOCH + Duration::from_secs(input.unix_time);
    presign::presign_post(&input.policy, &credentials, now)
        .map(|post| (post.url().to_owned(), post.fields().to_vec()))
        .map_err(|error| error.to_string())
}

/// Signs a sample of the policies with `presign post`, each condition given
/// as `--condition JSON` (so without the form-only fields, which are not
/// signed), and checks that the binary's URL, key, policy and signature are
/// the library's. Returns how many were checked.
fn check_cli_sample(
    seed: u64,
    inputs: &[PostInput],
    library: &[Result<Form, String>],
    failures: &mut Vec<Failure>,
) -> usize {
    let home = tempfile::tempdir().expect("a temporary HOME");
    let mut rng = Rng::new(seed ^ 0x0c11_9057_5a3b_1e00);
    let mut candidates: Vec<usize> = (0..inputs.len())
        .filter(|&index| cli_can_express(&inputs[index]) && library[index].is_ok())
        .collect();
    let sample = seeded_sample(&mut rng, &mut candidates, CLI_SAMPLE);
    for &index in sample {
        let input = &inputs[index];
        let mut command = presign_command(
            home.path(),
            &input.access_key,
            &input.secret_key,
            input.session_token.as_deref(),
        );
        command.arg("post");
        // Without --endpoint-url the CLI resolves the region's AWS endpoint,
        // which must be the one the library was given.
        if !input.botocore_default_endpoint {
            command.arg(format!("--endpoint-url={}", input.endpoint));
        }
        command
            .arg(format!("--region={}", input.region))
            .arg(format!("--addressing-style={}", input.addressing_style))
            .arg(format!("--at={}", input.timestamp))
            .arg(format!("--expires-in={}", input.expires))
            .arg("--output=json");
        if input.expires > 604_800 {
            command.arg("--allow-long-expiry");
        }
        for condition in input.policy.conditions() {
            command.arg(format!("--condition={}", condition.to_json()));
        }
        command.arg(format!("s3://{}/{}", input.bucket, input.key));
        let output = command.output().expect("run the presign binary");
        let binary = if output.status.success() {
            serde_json::from_slice::<serde_json::Value>(&output.stdout)
                .ok()
                .map(|json| signed_parts(&json))
                .unwrap_or_default()
        } else {
            format!(
                "ERROR: exit {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )
        };
        let ours = match &library[index] {
            Ok((url, fields)) => {
                let field = |name: &str| {
                    fields
                        .iter()
                        .find(|(field, _)| field == name)
                        .map_or("", |(_, value)| value.as_str())
                };
                format!(
                    "{url} {} {} {}",
                    field("key"),
                    field("policy"),
                    field("x-amz-signature")
                )
            }
            Err(error) => format!("ERROR: {error}"),
        };
        if binary != ours {
            failures.push(Failure {
                index,
                problem: "presign post's form differs from the library's".to_owned(),
                input: input_json_text(&serde_json::to_string(input).expect("serialise an input")),
                ours,
                theirs: format!("(binary) {binary}"),
            });
        }
    }
    sample.len()
}

/// Whether `presign post` can be given this policy: no NUL in the key (an
/// argument cannot hold one), an exact key not ending in `/` (the CLI reads
/// that as a prefix), no NaN or infinity in a condition (JSON has none, so
/// `--condition` cannot take one), no integer beyond 64 bits (serde_json
/// reads those as floats).
fn cli_can_express(input: &PostInput) -> bool {
    let key = input.policy.key();
    let exact_key_like_a_prefix = input.policy.key_prefix().is_none() && key.ends_with('/');
    let unreadable = input
        .policy
        .conditions()
        .iter()
        .any(|condition| !json_reads_back(&condition.to_value()));
    !key.contains('\0') && !exact_key_like_a_prefix && !unreadable
}

/// Whether serde_json reads `value`'s JSON back as written.
fn json_reads_back(value: &PolicyValue) -> bool {
    match value {
        PolicyValue::Float(number) => number.is_finite(),
        PolicyValue::Integer(number) => {
            i64::try_from(*number).is_ok() || u64::try_from(*number).is_ok()
        }
        PolicyValue::Array(items) => items.iter().all(json_reads_back),
        PolicyValue::Object(members) => members.iter().all(|(_, value)| json_reads_back(value)),
        _ => true,
    }
}

/// URL, key, policy and signature of `presign post --output json`.
fn signed_parts(json: &serde_json::Value) -> String {
    let text = |value: Option<&serde_json::Value>| {
        value
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let fields = json.get("fields");
    format!(
        "{} {} {} {}",
        text(json.get("url")),
        text(fields.and_then(|f| f.get("key"))),
        text(fields.and_then(|f| f.get("policy"))),
        text(fields.and_then(|f| f.get("x-amz-signature")))
    )
}

/// Which parts differ: the URL, the field names or order, the policy, the
/// signature, other field values.
fn differing(
    url: &str,
    fields: &[(String, String)],
    their_url: &str,
    their_fields: &[(String, String)],
) -> String {
    let mut parts = Vec::new();
    if url != their_url {
        parts.push("url");
    }
    let names = |fields: &[(String, String)]| -> Vec<String> {
        fields.iter().map(|(name, _)| name.clone()).collect()
    };
    if names(fields) == names(their_fields) {
        for ((name, ours), (_, theirs)) in fields.iter().zip(their_fields) {
            if ours != theirs {
                parts.push(match name.as_str() {
                    "policy" => "policy",
                    "x-amz-signature" => "signature",
                    _ => "a field value",
                });
            }
        }
    } else {
        parts.push("field names or order");
    }
    parts.dedup();
    format!(
        "presign's form differs from botocore's in {}",
        parts.join("+")
    )
}

fn summary(inputs: &[PostInput]) -> String {
    let count = |test: &dyn Fn(&PostInput) -> bool| inputs.iter().filter(|i| test(i)).count();
    format!(
        "{} with a key prefix, {} with a session token, {} in the empty region, {} with \
         raw conditions, {} with a long expiry",
        count(&|i| i.policy.key_prefix().is_some()),
        count(&|i| i.session_token.is_some()),
        count(&|i| i.region.is_empty()),
        count(&|i| {
            i.policy
                .conditions()
                .iter()
                .any(|c| matches!(c, Condition::Raw(_)))
        }),
        count(&|i| i.expires > 604_800),
    )
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

fn generate(seed: u64, cases: usize) -> Vec<PostInput> {
    // Another stream than the URL test's, from the same printed seed.
    let mut rng = Rng::new(seed ^ 0x9057_9057_9057_9057);
    let mut inputs = Vec::with_capacity(cases + 8);
    while inputs.len() < cases {
        let context = client_context(&mut rng);
        for _ in 0..=rng.below(6) {
            inputs.push(policy_input(&mut rng, &context));
        }
    }
    inputs
}

fn policy_input(rng: &mut Rng, context: &ClientContext) -> PostInput {
    let bucket = context.buckets[rng.below(context.buckets.len())].clone();
    let endpoint = context.endpoint.clone();
    let mut policy = match rng.below(10) {
        0..=4 => PostPolicy::new(&endpoint, &bucket, key(rng)),
        5..=8 => {
            let mut prefix = if rng.chance(15) {
                String::new()
            } else {
                key(rng)
            };
            while prefix.len() > presign::MAX_KEY_BYTES - presign::FILENAME_PLACEHOLDER.len() {
                prefix.pop();
            }
            PostPolicy::with_key_prefix(&endpoint, &bucket, &prefix)
        }
        _ => PostPolicy::new(
            &endpoint,
            &bucket,
            format!("{}${{filename}}.{}", text(rng, 2), text(rng, 1)),
        ),
    };
    let unix_time = instant(rng);
    let (expires, long) = expires(rng, unix_time);
    policy = policy
        .region(&context.region)
        .expires_in(Duration::from_secs(expires))
        .allow_long_expiry(long)
        .addressing(match context.style {
            "path" => presign::Addressing::Path,
            "virtual" => presign::Addressing::VirtualHost,
            _ => presign::Addressing::Auto,
        });
    for _ in 0..rng.below(7) {
        policy = rule(rng, policy);
    }
    let mut conditions_json = String::from("[");
    for (index, condition) in policy.conditions().iter().enumerate() {
        if index > 0 {
            conditions_json.push_str(", ");
        }
        condition.write_json(&mut conditions_json);
    }
    conditions_json.push(']');
    PostInput {
        endpoint,
        botocore_default_endpoint: context.botocore_default_endpoint,
        addressing_style: context.style,
        bucket,
        key: policy.key().to_owned(),
        region: context.region.clone(),
        access_key: context.access_key.clone(),
        secret_key: context.secret_key.clone(),
        session_token: context.session_token.clone(),
        timestamp: rfc3339(unix_time),
        expires,
        fields: policy.fields().to_vec(),
        conditions_json,
        unix_time,
        policy,
    }
}

/// The expiry in seconds and whether it needs allow_long_expiry: mostly
/// within 7 days, sometimes up to ten years (never past 9999-12-31).
fn expires(rng: &mut Rng, unix_time: u64) -> (u64, bool) {
    const END_OF_9999: u64 = 253_402_300_799;
    let expires = match rng.below(12) {
        0 => 1,
        1 => 604_800,
        2 => rng.pick(&[60, 900, 3600, 86_400]),
        3 => rng.range(604_801, 10 * 365 * 86_400),
        _ => rng.range(1, 604_800),
    };
    let expires = expires.min(END_OF_9999 - unix_time).max(1);
    (expires, expires > 604_800)
}

/// Adds one random rule to `policy`: a typed setter, a form field alone, or a
/// condition alone (typed or raw JSON).
fn rule(rng: &mut Rng, policy: PostPolicy) -> PostPolicy {
    match rng.below(16) {
        0 => policy.content_type(field_text(rng)),
        1 => policy.content_type_starts_with(field_text(rng)),
        2 => policy.meta(
            &from_alphabet(rng, b"abcdefghijklmnopqrstuvwxyz0123456789-_", 1, 12),
            field_text(rng),
        ),
        3 => policy.acl(rng.pick(&["private", "public-read", "bucket-owner-full-control", ""])),
        4 => policy.success_action_status(rng.pick(&[200, 201, 204])),
        5 => {
            policy.success_action_redirect(format!("https://example.com/done?{}", field_text(rng)))
        }
        6 => policy.cache_control(field_text(rng)),
        7 => policy.content_disposition(format!("attachment; filename=\"{}\"", field_text(rng))),
        8 => {
            let any = rng.range(0, 1 << 20);
            let min = rng.pick(&[0, 1, any]);
            let any = rng.range(min, 5 << 30);
            let max = rng.pick(&[min, min + 1, any, u64::MAX]);
            policy.content_length_range(min, max)
        }
        9 => policy.field_equals(field_name(rng), field_text(rng)),
        10 => policy.field_starts_with(field_name(rng), field_text(rng)),
        11 => policy.form_field(field_name(rng), field_text(rng)),
        12 => policy.condition(Condition::eq(field_name(rng), field_text(rng))),
        _ => policy.condition(Condition::from_value(raw_condition(rng))),
    }
}

/// A form field name: the names S3 knows (presign's own included, to check
/// that they are overwritten in place), or text of every kind.
fn field_name(rng: &mut Rng) -> String {
    if rng.chance(50) {
        rng.pick(&[
            "acl",
            "Content-Type",
            "key",
            "policy",
            "x-amz-signature",
            "x-amz-date",
            "success_action_status",
            "x-amz-meta-tag",
            "Expires",
            "x-ignore-me",
        ])
        .to_owned()
    } else {
        text(rng, 3)
    }
}

fn field_text(rng: &mut Rng) -> String {
    if rng.chance(8) {
        String::new()
    } else {
        text(rng, 4)
    }
}

/// A condition as boto3 takes one: a dict (distinct names) or a list, of
/// values of every JSON kind.
fn raw_condition(rng: &mut Rng) -> PolicyValue {
    match rng.below(4) {
        0 => object(rng, 2),
        1 => PolicyValue::Array(vec![
            rng.pick(&["eq", "starts-with", "in", "content-length-range"])
                .into(),
            format!("${}", field_name(rng)).into(),
            value(rng, 1),
        ]),
        2 => PolicyValue::Array(vec![
            "content-length-range".into(),
            number(rng),
            number(rng),
        ]),
        _ => PolicyValue::Array((0..rng.below(4)).map(|_| value(rng, 2)).collect()),
    }
}

fn object(rng: &mut Rng, depth: u32) -> PolicyValue {
    let mut members: Vec<(String, PolicyValue)> = Vec::new();
    for _ in 0..rng.below(4) {
        let name = field_name(rng);
        if members.iter().any(|(existing, _)| *existing == name) {
            continue; // EXCLUSION: a Python dict holds a name once.
        }
        let value = value(rng, depth);
        members.push((name, value));
    }
    PolicyValue::Object(members)
}

fn value(rng: &mut Rng, depth: u32) -> PolicyValue {
    match rng.below(if depth == 0 { 5 } else { 7 }) {
        0 | 1 => field_text(rng).into(),
        2 => number(rng),
        3 => [PolicyValue::Null, true.into(), false.into()][rng.below(3)].clone(),
        4 => PolicyValue::Float(float(rng)),
        5 => object(rng, depth - 1),
        _ => PolicyValue::Array((0..rng.below(4)).map(|_| value(rng, depth - 1)).collect()),
    }
}

fn number(rng: &mut Rng) -> PolicyValue {
    match rng.below(6) {
        0 => PolicyValue::Integer(i128::from(rng.next_u64()) * rng.pick(&[1, -1, 1 << 40])),
        1 => PolicyValue::Float(float(rng)),
        2 => PolicyValue::Integer(-i128::from(rng.range(0, 1000))),
        _ => PolicyValue::Integer(i128::from(rng.range(0, 10 << 30))),
    }
}

/// Floats of every kind: special values, round decimals, and any bit pattern.
fn float(rng: &mut Rng) -> f64 {
    match rng.below(5) {
        0 => rng.pick(&[
            0.0,
            -0.0,
            0.1,
            1.5e16,
            1e16,
            1e15,
            1e-5,
            1e-4,
            123.456,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
        ]),
        1 => {
            #[allow(clippy::cast_precision_loss)]
            let whole = rng.range(0, 1 << 53) as f64;
            whole / 10_f64.powi(i32::try_from(rng.range(0, 20)).unwrap_or(0))
        }
        _ => f64::from_bits(rng.next_u64()),
    }
}

#[test]
fn post_generation_is_deterministic_per_seed() {
    let json = |inputs: &[PostInput]| serde_json::to_string(inputs).unwrap();
    assert_eq!(json(&generate(7, 40)), json(&generate(7, 40)));
    assert_ne!(json(&generate(7, 40)), json(&generate(8, 40)));
}
