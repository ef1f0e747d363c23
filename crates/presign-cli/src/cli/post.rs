//! `presign post`: the flags of a POST policy, and `--condition`'s parser.

use clap::{Args, ValueEnum};

use super::request::parse_pair;
use super::{ShowSecretsArgs, SigningArgs};
use crate::size::parse_size;

const POST_AFTER_HELP: &str = "\
The form: POST the fields, in order, as multipart/form-data to the URL, with
the file last (a field named file). S3 checks the signature, the expiry and
every condition, and refuses a field the policy does not name.

The key: s3://BUCKET/KEY fixes it. With --key-prefix, or an S3_URI ending in
'/', the uploader chooses the rest: the key field is PREFIX${filename}, which
S3 completes with the uploaded file's name, and a form may set any key
starting with PREFIX.

Conditions, in this order: the size (--min-size/--max-size), --content-type,
--acl, --success-status, --redirect, --meta, --condition; then presign's own
(bucket, key, x-amz-algorithm, x-amz-credential, x-amz-date and, with
temporary credentials, x-amz-security-token).

Output (--output):
  json     {\"url\", \"fields\", \"policy\", ...}: the form for a program (the url and
           fields that boto3's generate_presigned_post returns, and the decoded
           policy); presign upload --post reads it
  curl     a curl command that uploads FILE (fields with --form-string, the file last)
  html     a minimal HTML page with a working upload form
  explain  the policy document, the string to sign (the base64 policy), the
           credential scope, the signing key chain and the signature

Exit codes: 0 signed (the output on stdout); 2 bad input (the message names the
flag or field and what is allowed).

Examples:
  presign post s3://bucket/uploads/ --max-size 10MB --content-type 'image/*' > form.json
  presign upload --post form.json photo.png
  presign post s3://bucket/report.pdf --content-type application/pdf --output curl
  presign post s3://bucket/in/ --acl private --success-status 201 --meta owner=alice \\
               --condition 'x-amz-meta-tag^=' --expires-in 15m --output html > upload.html
  presign post s3://bucket/k --output explain --at 2013-05-24T00:00:00Z";

/// `presign post`.
#[derive(Debug, Args)]
#[command(after_long_help = POST_AFTER_HELP)]
pub(crate) struct PostArgs {
    /// Where uploads go: s3://BUCKET/KEY (exactly this key), or
    /// s3://BUCKET/PREFIX/ (the uploader chooses the rest of the key, as with
    /// --key-prefix). The key is verbatim.
    #[arg(value_name = "S3_URI")]
    pub(crate) uri: String,

    /// The key of S3_URI is a prefix: the uploader chooses the rest (the
    /// form's key field is PREFIX${filename}). Implied when S3_URI ends in
    /// '/'.
    #[arg(long)]
    pub(crate) key_prefix: bool,

    /// The largest file accepted: bytes, or a number with unit (KB, MB, GB,
    /// TB; KiB, MiB, GiB, TiB), e.g. 10MB, 1GiB.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub(crate) max_size: Option<u64>,

    /// The smallest file accepted (same units as --max-size). Without
    /// --max-size, the largest is 5GiB (S3's limit for one POST).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub(crate) min_size: Option<u64>,

    /// The object's Content-Type, fixed; with a trailing '*' (image/*) the
    /// uploader chooses any type starting with what comes before it.
    #[arg(long, value_name = "TYPE")]
    pub(crate) content_type: Option<String>,

    /// User metadata x-amz-meta-KEY, fixed to VALUE. Repeatable.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub(crate) meta: Vec<(String, String)>,

    /// The canned ACL of the object (private, public-read, ...), fixed.
    #[arg(long, value_name = "ACL")]
    pub(crate) acl: Option<String>,

    /// The status S3 answers a successful upload with: 200, 201 (with an XML
    /// document naming the object) or 204 (S3's default).
    #[arg(long, value_name = "STATUS", value_parser = ["200", "201", "204"])]
    pub(crate) success_status: Option<String>,

    /// Where S3 redirects the browser after a successful upload
    /// (success_action_redirect), fixed.
    #[arg(long, value_name = "URL")]
    pub(crate) redirect: Option<String>,

    /// Any other condition: NAME=VALUE fixes the form field NAME (the field
    /// and an exact condition), NAME^=PREFIX lets the uploader choose a value
    /// starting with PREFIX (empty: any value), and a JSON condition as S3
    /// writes them (`["starts-with", "$Cache-Control", "max-age="]`) is signed
    /// as given. Repeatable.
    #[arg(long = "condition", value_name = "CONDITION", value_parser = parse_condition)]
    pub(crate) conditions: Vec<ConditionArg>,

    /// What to print: json, curl, html or explain (see below).
    #[arg(long, value_enum, default_value_t = PostOutput::Json)]
    pub(crate) output: PostOutput,

    #[command(flatten)]
    pub(crate) secrets: ShowSecretsArgs,

    #[command(flatten)]
    pub(crate) signing: SigningArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PostOutput {
    Json,
    Curl,
    Html,
    Explain,
}

/// One `--condition`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ConditionArg {
    /// `NAME=VALUE`: the field fixed.
    Equals(String, String),
    /// `NAME^=PREFIX`: the uploader's value starts with PREFIX.
    StartsWith(String, String),
    /// A JSON condition, signed as given.
    Json(presign::Condition),
}

/// `NAME=VALUE`, `NAME^=PREFIX` or a JSON list or object.
fn parse_condition(text: &str) -> Result<ConditionArg, String> {
    if text.starts_with(['[', '{']) {
        let value = presign::PolicyValue::parse(text)
            .map_err(|error| format!("{text:?} is not a JSON condition: {error}"))?;
        return Ok(ConditionArg::Json(presign::Condition::from_value(value)));
    }
    let (name, value) = text.split_once('=').ok_or_else(|| {
        format!(
            "expected NAME=VALUE, NAME^=PREFIX or a JSON condition such as \
             '[\"starts-with\", \"$key\", \"uploads/\"]', got {text:?}"
        )
    })?;
    let (name, starts_with) = match name.strip_suffix('^') {
        Some(name) => (name, true),
        None => (name, false),
    };
    if name.is_empty() {
        return Err(format!("the condition {text:?} names no form field"));
    }
    Ok(if starts_with {
        ConditionArg::StartsWith(name.to_owned(), value.to_owned())
    } else {
        ConditionArg::Equals(name.to_owned(), value.to_owned())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::cli::{Command, parse};

    #[test]
    fn conditions_are_fixed_fields_prefixes_or_json() {
        assert_eq!(
            parse_condition("Cache-Control=no-cache"),
            Ok(ConditionArg::Equals(
                "Cache-Control".to_owned(),
                "no-cache".to_owned()
            ))
        );
        assert_eq!(
            parse_condition("x-amz-meta-tag^="),
            Ok(ConditionArg::StartsWith(
                "x-amz-meta-tag".to_owned(),
                String::new()
            ))
        );
        assert_eq!(
            parse_condition("a=b=c"),
            Ok(ConditionArg::Equals("a".to_owned(), "b=c".to_owned()))
        );
        assert_eq!(
            parse_condition(r#"["starts-with", "$key", "in/"]"#),
            Ok(ConditionArg::Json(presign::Condition::starts_with(
                "key", "in/"
            )))
        );
        for bad in ["no-equals", "=x", "^=x", "[1,", "{\"a\": }"] {
            assert!(parse_condition(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn post_takes_signing_options_and_sizes() {
        let invocation = parse([
            "presign",
            "post",
            "s3://b/in/",
            "--max-size",
            "10MB",
            "--region",
            "",
            "--at",
            "2013-05-24T00:00:00Z",
            "--success-status",
            "201",
        ])
        .unwrap();
        let Some(Command::Post(post)) = &invocation.cli.command else {
            panic!("not post")
        };
        assert_eq!(post.max_size, Some(10_000_000));
        assert_eq!(post.signing.region.as_deref(), Some(""));
        assert_eq!(post.success_status.as_deref(), Some("201"));
        let error = parse(["presign", "post", "s3://b/k", "--success-status", "202"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
    }
}
