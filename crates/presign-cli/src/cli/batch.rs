//! `presign batch`'s flags, input and output formats, and help.

use clap::{Args, ValueEnum};

use super::{RequestArgs, SignatureVersionArgs};

const BATCH_AFTER_HELP: &str = "\
Input (--input-format):
  lines  one key per line, verbatim (a trailing \\r is dropped; use jsonl for keys
         holding line breaks)
  jsonl  one JSON object per line: {\"key\": \"a.png\"} and optionally \"method\",
         \"expires_in\" (seconds or \"10m\"), \"headers\" {\"name\": \"value\"},
         \"query\" {\"name\": \"value\"}, which override the command line for that key

Output (--output-format), one line per input line, in input order:
  url    the URL
  tsv    key, a tab, the URL (keys holding a tab or line break are refused)
  csv    key,url with RFC 4180 quoting (no header row)
  jsonl  {\"key\": ..., \"url\": ..., \"expires_at\": ...}

A bad line stops the batch with an error naming its line number (exit 2);
with --keep-going it is reported on stderr, the rest is signed, and the exit
code is 1. Lines before a stopping error have been written already.

Examples:
  aws s3 ls s3://bucket/data/ --recursive | awk '{print $4}' | presign batch s3://bucket
  presign batch s3://bucket/photos/ --input names.txt --output-format csv > links.csv
  presign batch --bucket bucket --input-format jsonl --input uploads.jsonl -X PUT";

/// `presign batch`: many keys, one bucket, one signing instant.
#[derive(Debug, Args)]
#[command(after_long_help = BATCH_AFTER_HELP)]
pub(crate) struct BatchArgs {
    /// The bucket and an optional key prefix, s3://BUCKET[/PREFIX]. Each input
    /// key is appended to PREFIX verbatim (s3://b/photos/ + a.jpg = photos/a.jpg).
    #[arg(
        value_name = "S3_URI",
        required_unless_present = "bucket",
        conflicts_with = "bucket"
    )]
    pub(crate) target: Option<String>,

    /// The bucket, instead of s3://BUCKET.
    #[arg(long, value_name = "BUCKET")]
    pub(crate) bucket: Option<String>,

    /// Read keys from FILE instead of stdin.
    #[arg(long, value_name = "FILE")]
    pub(crate) input: Option<std::path::PathBuf>,

    /// How input lines are read.
    #[arg(long, value_enum, default_value_t = InputFormat::Lines)]
    pub(crate) input_format: InputFormat,

    /// What each output line holds.
    #[arg(long, value_enum, default_value_t = OutputFormat::Url)]
    pub(crate) output_format: OutputFormat,

    /// Report bad lines on stderr and go on; exit 1 at the end if any.
    #[arg(long)]
    pub(crate) keep_going: bool,

    /// Signing threads (default: the number of cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) jobs: Option<u16>,

    #[command(flatten)]
    pub(crate) request: RequestArgs,

    #[command(flatten)]
    pub(crate) version: SignatureVersionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormat {
    Lines,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    Url,
    Tsv,
    Csv,
    Jsonl,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::cli::{Command, MethodArg, parse};

    #[test]
    fn batch_takes_the_request_options_after_the_subcommand() {
        let invocation = parse([
            "presign",
            "batch",
            "s3://bucket/prefix/",
            "-X",
            "PUT",
            "--query",
            "a=1",
            "--content-type",
            "text/csv",
        ])
        .unwrap();
        let Some(Command::Batch(batch)) = &invocation.cli.command else {
            panic!("not a batch")
        };
        assert_eq!(batch.target.as_deref(), Some("s3://bucket/prefix/"));
        assert_eq!(invocation.request_args().method, MethodArg::Put);
        assert_eq!(invocation.query, [("a".to_owned(), "1".to_owned())]);
        assert_eq!(
            invocation.headers,
            [("content-type".to_owned(), "text/csv".to_owned())]
        );
    }

    #[test]
    fn batch_needs_a_bucket_and_signing_needs_an_object() {
        assert_eq!(parse(["presign", "batch"]).unwrap_err().exit_code(), 2);
        assert!(parse(["presign", "batch", "--bucket", "b"]).is_ok());
        assert_eq!(parse(["presign"]).unwrap_err().exit_code(), 2);
    }
}
