//! The commands that check a presigned URL or form: `inspect` (needs no
//! credentials) and `verify` (a URL, or a POST form with `--post`).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::MethodArg;
use super::request::{parse_header, parse_pair};
use crate::duration::parse_duration;
use crate::size::parse_size;

/// `presign inspect`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 shown; 2 not a presigned URL (the message names the part that is \
    wrong) or a bad --at."
)]
pub(crate) struct InspectArgs {
    /// The presigned URL (quote it: it holds '&').
    #[arg(value_name = "URL")]
    pub(crate) url: String,

    /// text (one field a line) or json (one object with the same fields).
    #[arg(long, value_enum, default_value_t = InspectOutput::Text)]
    pub(crate) output: InspectOutput,

    /// Count the time left from this instant, RFC 3339 UTC
    /// (2013-05-24T00:00:00Z). Default: now.
    #[arg(long, value_name = "TIMESTAMP")]
    pub(crate) at: Option<String>,
}

/// `--output text|json`: of `inspect`, and of `doctor` and `multipart
/// list|uploads` too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InspectOutput {
    Text,
    Json,
}

/// `presign verify`.
#[derive(Debug, Args)]
#[command(
    override_usage = "presign verify [OPTIONS] <URL>\n       \
                      presign verify [OPTIONS] --post <FORM_JSON> (--file <FILE> | --size <SIZE>)",
    after_help = "Exit codes: 0 valid (a one-line summary on stdout); 1 rejected (the reason on \
    stderr, nothing on stdout); 2 bad input (not a presigned URL, a malformed auth parameter, a \
    form without the fields of a signed POST upload, a bad flag, no credentials).\n\nCredentials: \
    --ibm-credentials FILE, else --profile NAME, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, \
    else the AWS_PROFILE or default profile. A URL or form signed by another access key id is \
    rejected.\n\nA form upload (--post): FORM_JSON is what presign post --output json prints, or \
    boto3's generate_presigned_post answer ({\"url\": ..., \"fields\": {...}}), or the fields \
    object alone; - reads stdin. --field sets a field as the browser would send it (changed or \
    added), --content-type the Content-Type field; --file gives the file's size and name (for ${filename}), or --size and --file-name \
    without a file. The bucket is the one the form's url names, or --bucket. Checked as S3 does: \
    signature, expiry, every condition, and no field the policy does not name.\n\nExamples:\n  \
    presign verify \"$URL\" -X GET\n  presign post s3://bucket/in/ --max-size 10MB > form.json\n  \
    presign verify --post form.json --file photo.png\n  presign verify --post form.json --size \
    20MB --file-name big.png        # rejected: too large\n  presign verify --post form.json \
    --file a.png --field key=out/a.png   # rejected: not under in/"
)]
pub(crate) struct VerifyArgs {
    /// The presigned URL (quote it: it holds '&'). Not given with --post.
    #[arg(
        value_name = "URL",
        required_unless_present = "post",
        conflicts_with = "post"
    )]
    pub(crate) url: Option<String>,

    /// The method the request is sent with.
    #[arg(short = 'X', long, value_enum, default_value_t = MethodArg::Get, ignore_case = false,
          conflicts_with = "post", help_heading = "A request with the URL")]
    pub(crate) method: MethodArg,

    /// A header the request is sent with, 'Name: value'; every header the URL
    /// signs (but host) must be given. Repeatable.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header,
          help_heading = "A request with the URL")]
    pub(crate) headers: Vec<(String, String)>,

    /// Shorthand for --header 'content-type: TYPE' (with --post: the form's
    /// Content-Type field).
    #[arg(long, value_name = "TYPE")]
    pub(crate) content_type: Option<String>,

    /// Verify as of this instant, RFC 3339 UTC (2013-05-24T00:00:00Z).
    /// Default: now.
    #[arg(long, value_name = "TIMESTAMP")]
    pub(crate) at: Option<String>,

    /// Reject URLs whose X-Amz-Expires is longer than this (a SigV2 URL: whose
    /// Expires is further ahead, the clock skew added): seconds, or a number
    /// with unit s, m, h or d. Default: 7d (604800 s, the SigV4 limit).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) max_expires: Option<u64>,

    /// How far in the future X-Amz-Date may be (the signer's clock ahead):
    /// seconds, or a number with unit s, m, h or d.
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_duration)]
    pub(crate) clock_skew: u64,

    /// Accept only this scope region (repeatable; '' is the empty region).
    /// Default: any region. SigV2 URLs have no region: not checked.
    #[arg(long = "region", value_name = "REGION")]
    pub(crate) regions: Vec<String>,

    /// A profile of ~/.aws/credentials and ~/.aws/config.
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,

    /// Credentials from an IBM COS service-credentials JSON file (its
    /// cos_hmac_keys object).
    #[arg(long, value_name = "FILE")]
    pub(crate) ibm_credentials: Option<PathBuf>,

    // Last, so that its heading covers its own options only.
    #[command(flatten, next_help_heading = "A form upload (POST policy)")]
    pub(crate) form: VerifyPostArgs,
}

/// `presign verify --post`: the form upload to check.
#[derive(Debug, Args)]
pub(crate) struct VerifyPostArgs {
    /// Verify a form upload instead of a URL: the form as JSON (presign post
    /// --output json, or boto3's generate_presigned_post answer, or the
    /// fields object alone), from a file or - for stdin.
    #[arg(long = "post", value_name = "FORM_JSON")]
    pub(crate) post: Option<PathBuf>,

    /// The uploaded file: its size and name (S3 puts the name in place of
    /// ${filename} in the key).
    #[arg(long, value_name = "FILE", requires = "post", conflicts_with = "size")]
    pub(crate) file: Option<PathBuf>,

    /// The uploaded file's size, without the file: bytes, or a number with
    /// unit (KB, MB, GB, TB; KiB, MiB, GiB, TiB).
    #[arg(long, value_name = "SIZE", requires = "post", value_parser = parse_size)]
    pub(crate) size: Option<u64>,

    /// The uploaded file's name, without the file.
    #[arg(long, value_name = "NAME", requires = "size")]
    pub(crate) file_name: Option<String>,

    /// A form field as the browser sends it, NAME=VALUE: replaces the form's
    /// field of that name (without regard to case) or adds one. Repeatable.
    #[arg(long = "field", value_name = "NAME=VALUE", requires = "post", value_parser = parse_pair)]
    pub(crate) fields: Vec<(String, String)>,

    /// The bucket the form is posted to. Default: the one the form's url
    /// names.
    #[arg(long, value_name = "BUCKET", requires = "post")]
    pub(crate) bucket: Option<String>,
}
