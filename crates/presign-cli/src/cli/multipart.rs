//! `presign multipart create | list | abort | uploads`: the flags, and the
//! request options `create` refuses (each multipart request has its own
//! method and query).

use std::path::PathBuf;

use clap::{ArgMatches, Args, CommandFactory, Subcommand};

use super::request::QUERY_FLAGS;
use super::{Cli, InspectOutput, RequestArgs, RetryArgs, SigningArgs, TlsArgs};
use crate::size::parse_size;

const MULTIPART_AFTER_HELP: &str = "\
A multipart upload through presigned URLs splits the work: whoever has the
credentials creates the upload and a plan (one presigned PUT URL per part,
and URLs to complete, list and abort it); whoever has the file uploads it with
the plan, no credentials needed.

  presign multipart create s3://bucket/video.mp4 --size 7340032000 --expires-in 12h > plan.json
  presign upload --plan plan.json video.mp4          # anywhere, no credentials
  presign upload --plan plan.json video.mp4 --resume # after an interruption
  presign multipart list --plan plan.json            # the parts the server has
  presign multipart abort --plan plan.json           # give up; the parts are deleted

The plan is JSON: format, bucket, key, upload_id, size, part_size,
part_count, expires_at, parts (part_number, offset, length, url),
complete_url, list_urls (one per 1000 parts), abort_url. Its URLs work until
expires_at (--expires-in, default 1 hour): give it the time the upload needs.
S3's limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most
10,000 parts.";

/// `presign multipart`.
#[derive(Debug, Args)]
#[command(after_long_help = MULTIPART_AFTER_HELP, subcommand_required = true)]
pub(crate) struct MultipartArgs {
    #[command(subcommand)]
    pub(crate) command: MultipartCommand,
}

/// `presign multipart` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum MultipartCommand {
    /// Start a multipart upload (CreateMultipartUpload, with your
    /// credentials) and print its plan as JSON: the upload id, one presigned
    /// PUT URL per part with its byte range, and presigned complete, list and
    /// abort URLs.
    Create(Box<MultipartCreateArgs>),
    /// List the parts an upload holds so far (ListParts), through a plan's
    /// URLs or with your credentials.
    List(Box<MultipartUploadArgs>),
    /// Abort an upload (AbortMultipartUpload): the server deletes its parts.
    Abort(Box<MultipartUploadArgs>),
    /// List the uploads in progress in a bucket (ListMultipartUploads), under
    /// a key prefix if given: key, upload id and when it started, one a
    /// line. An interrupted `upload --multipart` shows here; abort it with
    /// `multipart abort S3_URI --upload-id ID`.
    Uploads(Box<MultipartUploadsArgs>),
}

/// `presign multipart uploads`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 listed (none in progress is a list of none); 1 the server refused \
    (its error is explained) or the connection failed; 2 bad input.\n\nExample:\n  presign \
    multipart uploads s3://bucket/videos/"
)]
pub(crate) struct MultipartUploadsArgs {
    /// The bucket, and a key prefix: s3://BUCKET or s3://BUCKET/PREFIX.
    #[arg(value_name = "S3_URI")]
    pub(crate) uri: String,

    /// text (one upload a line: key, upload id, start, tab-separated) or
    /// json.
    #[arg(long, value_enum, default_value_t = InspectOutput::Text)]
    pub(crate) output: InspectOutput,

    #[command(flatten)]
    pub(crate) retry: RetryArgs,

    #[command(flatten)]
    pub(crate) tls: TlsArgs,

    #[command(flatten)]
    pub(crate) signing: SigningArgs,
}

/// `presign multipart create`.
#[derive(Debug, Args)]
#[command(
    after_help = "Headers given here (--content-type, --meta, --header) are the object's: they \
    are signed into the create request, not the parts. Exit codes: 0 created (the plan on stdout or \
    in -o FILE); 1 the server refused (its error is explained) or the connection failed; 2 bad \
    input (a size or part size out of range, no credentials).\n\nExample:\n  presign multipart \
    create s3://bucket/video.mp4 --size 7340032000 --part-size 64MiB --expires-in 12h > plan.json",
    // Each multipart request has its own method and query: these request
    // options are refused (refuse_for_multipart_create), so help omits them.
    hide_refused_by_create(),
)]
pub(crate) struct MultipartCreateArgs {
    /// The object, as s3://BUCKET/KEY (the key verbatim).
    #[arg(value_name = "S3_URI")]
    pub(crate) uri: String,

    /// The size of the file that will be uploaded: bytes, or a number with
    /// unit (KB, MB, GB, TB; KiB, MiB, GiB, TiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub(crate) size: u64,

    /// The size of every part but the last, 5MiB to 5GiB. Default: 16MiB,
    /// more for files above 10,000 such parts.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub(crate) part_size: Option<u64>,

    /// Write the plan to this file instead of stdout.
    #[arg(short = 'o', long = "plan-file", value_name = "FILE")]
    pub(crate) plan_file: Option<PathBuf>,

    /// No status line on success.
    #[arg(short, long)]
    pub(crate) quiet: bool,

    #[command(flatten)]
    pub(crate) request: RequestArgs,

    #[command(flatten)]
    pub(crate) tls: TlsArgs,
}

/// `presign multipart list` and `abort`: one upload, through a plan or with
/// credentials.
#[derive(Debug, Args)]
pub(crate) struct MultipartUploadArgs {
    /// The object, as s3://BUCKET/KEY, with --upload-id (and your
    /// credentials); not given with --plan.
    #[arg(
        value_name = "S3_URI",
        required_unless_present = "plan",
        conflicts_with = "plan",
        requires = "upload_id"
    )]
    pub(crate) uri: Option<String>,

    /// The upload id (from CreateMultipartUpload or a plan).
    #[arg(long, value_name = "ID", requires = "uri")]
    pub(crate) upload_id: Option<String>,

    /// Use the URLs of this plan (made by presign multipart create); no
    /// credentials needed.
    #[arg(long, value_name = "PLAN.json")]
    pub(crate) plan: Option<PathBuf>,

    /// text (one part a line: number, size, ETag) or json.
    #[arg(long, value_enum, default_value_t = InspectOutput::Text)]
    pub(crate) output: InspectOutput,

    #[command(flatten)]
    pub(crate) retry: RetryArgs,

    #[command(flatten)]
    pub(crate) tls: TlsArgs,

    /// Where and as whom, with S3_URI.
    #[command(flatten, next_help_heading = "With S3_URI (your credentials)")]
    pub(crate) signing: SigningArgs,
}

/// The request flags `multipart create` refuses (clap ids): the method and
/// every flag that adds a query parameter.
fn refused_by_create() -> impl Iterator<Item = &'static str> {
    std::iter::once("method").chain(QUERY_FLAGS.iter().map(|(id, _)| *id))
}

/// `multipart create`'s help omits the request flags it refuses.
trait HideRefusedByCreate {
    fn hide_refused_by_create(self) -> Self;
}

impl HideRefusedByCreate for clap::Command {
    /// Hides each refused flag with `mut_arg`, one at a time: `mut_arg`
    /// moves the flag to the end of the list the completion scripts are
    /// written from, so their order is this one.
    fn hide_refused_by_create(self) -> Self {
        refused_by_create().fold(self, |command, id| {
            command.mut_arg(id, |arg| arg.hide(true))
        })
    }
}

/// `multipart create` signs several requests, each with its own method and
/// query: the request options that would change them are refused.
pub(super) fn refuse_for_multipart_create(matches: &ArgMatches) -> Result<(), clap::Error> {
    for id in refused_by_create() {
        if matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
            // The error shows multipart create's usage, not the top level's.
            let mut command = Cli::command();
            command.build();
            let command = command
                .find_subcommand_mut("multipart")
                .and_then(|multipart| multipart.find_subcommand_mut("create"))
                .ok_or_else(|| {
                    Cli::command().error(clap::error::ErrorKind::InvalidSubcommand, "create")
                })?;
            let flag = command
                .get_arguments()
                .find(|arg| arg.get_id() == id)
                .map_or_else(|| id.to_owned(), flag_name);
            return Err(command.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "{flag} cannot be used with multipart create: each multipart request has its \
                     own method and query parameters (headers such as --content-type and --meta \
                     are the object's, and allowed)"
                ),
            ));
        }
    }
    Ok(())
}

/// A flag as help writes it: `-X/--method`, `--query`.
fn flag_name(arg: &clap::Arg) -> String {
    match (arg.get_short(), arg.get_long()) {
        (Some(short), Some(long)) => format!("-{short}/--{long}"),
        (None, Some(long)) => format!("--{long}"),
        (Some(short), None) => format!("-{short}"),
        (None, None) => arg.get_id().to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::cli::parse;

    #[test]
    fn multipart_create_refuses_method_and_query_but_takes_object_headers() {
        let ok = parse([
            "presign",
            "multipart",
            "create",
            "s3://b/k",
            "--size",
            "1GiB",
            "--content-type",
            "video/mp4",
            "--meta",
            "a=b",
        ])
        .unwrap();
        assert_eq!(
            ok.headers,
            [
                ("content-type".to_owned(), "video/mp4".to_owned()),
                ("x-amz-meta-a".to_owned(), "b".to_owned())
            ]
        );
        for refused in [
            &["-X", "PUT"][..],
            &["--query", "a=b"],
            &["--version-id", "v"],
        ] {
            let args = [
                &["presign", "multipart", "create", "s3://b/k", "--size", "1"],
                refused,
            ]
            .concat();
            let error = parse(args).unwrap_err();
            assert_eq!(error.exit_code(), 2);
            assert!(
                error
                    .to_string()
                    .contains("cannot be used with multipart create"),
                "{error}"
            );
        }
    }
}
