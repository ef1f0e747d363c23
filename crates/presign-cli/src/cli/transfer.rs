//! The commands that send a request through a presigned URL: `download`,
//! `upload` (its four ways, [`UploadMode`]) and `send`, with what they all
//! take: extra headers ([`TransferArgs`]), trust ([`TlsArgs`]) and retries
//! ([`RetryArgs`]); `doctor` and `multipart` take the last two as well.

use std::path::PathBuf;

use clap::Args;

use super::request::{parse_header, parse_pair};
use super::{MethodArg, SigningArgs};
use crate::size::parse_size;

/// What every request through a presigned URL may add.
#[derive(Debug, Args)]
pub(crate) struct TransferArgs {
    /// A header to send, 'Name: value'; every header the URL signs must be
    /// given with the value it was signed with. Repeatable.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub(crate) headers: Vec<(String, String)>,

    /// Shorthand for --header 'content-type: TYPE'.
    #[arg(long, value_name = "TYPE")]
    pub(crate) content_type: Option<String>,

    /// Shorthand for --header 'x-amz-meta-KEY: VALUE', with a non-ASCII value
    /// RFC 2047-encoded as when signing with --meta. Repeatable.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub(crate) meta: Vec<(String, String)>,

    /// No progress bar and no status line on success.
    #[arg(short, long)]
    pub(crate) quiet: bool,

    #[command(flatten)]
    pub(crate) tls: TlsArgs,
}

/// Whom presign trusts when it connects over TLS.
#[derive(Debug, Args)]
pub(crate) struct TlsArgs {
    /// Also trust the certificate authorities in this PEM file (a private
    /// CA, as MinIO, Ceph or IBM COS private endpoints often use), besides
    /// the system's trust store. Default: AWS_CA_BUNDLE, else the profile's
    /// ca_bundle.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_bundle: Option<PathBuf>,

    /// Do not verify server certificates (warned on every use; anyone on
    /// the network path can then read and change requests). Prefer
    /// --ca-bundle.
    #[arg(long)]
    pub(crate) no_verify_ssl: bool,
}

/// How often a failed request is tried again.
#[derive(Debug, Args)]
pub(crate) struct RetryArgs {
    /// Tries again after a dropped or reset connection or a 5xx answer, this
    /// many times, waiting longer each time (0.5 s, 1 s, 2 s, ... up to 8 s).
    /// A 4xx answer is never retried: it would be refused again.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub(crate) retries: u32,
}

const DOWNLOAD_AFTER_HELP: &str = "\
Until every byte has arrived, the object goes to FILE.presign-partial (and
what --continue needs to check it, to FILE.presign-partial.json); FILE
appears only when complete. After an interruption (Ctrl-C, a dropped
connection, retries used up) both are kept and the message names them: run
the same command with --continue to resume. presign resumes only if the
object is unchanged (If-Range with its ETag), else starts again and says why.

Exit codes: 0 downloaded; 1 the server refused (its error is explained) or the
connection failed; 2 bad input (not a presigned URL, a signed header not
given, an existing file); 130 interrupted.

Examples:
  presign download \"$URL\" -o report.pdf
  presign download \"$URL\" -o big.iso --continue    # resume where it stopped
  presign download \"$URL\" -o - | tar x";

/// `presign download`.
#[derive(Debug, Args)]
#[command(after_help = DOWNLOAD_AFTER_HELP)]
pub(crate) struct DownloadArgs {
    /// The presigned GET URL (quote it: it holds '&').
    #[arg(value_name = "URL")]
    pub(crate) url: String,

    /// Where to write: a file, or - for stdout. Default: the key's last path
    /// segment, in the current folder. A file appears only when complete
    /// (through FILE.presign-partial); a symbolic link is followed (the file
    /// it points to is replaced, the link stays); an existing FIFO or device
    /// (e.g. /dev/null) is written into directly, with --force, and cannot
    /// be resumed.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<std::path::PathBuf>,

    /// Overwrite an existing file (or write into an existing FIFO or device).
    #[arg(long)]
    pub(crate) force: bool,

    /// Resume an interrupted download from FILE.presign-partial, if the
    /// object is unchanged (else start again, saying why).
    #[arg(short = 'c', long = "continue")]
    pub(crate) resume: bool,

    #[command(flatten)]
    pub(crate) retry: RetryArgs,

    #[command(flatten)]
    pub(crate) transfer: TransferArgs,
}

const UPLOAD_AFTER_HELP: &str = "\
Four ways:
  presign upload URL FILE
      one PUT through a presigned URL
  presign upload --plan PLAN.json FILE
      in parts through a plan made by presign multipart create
      (no credentials needed)
  presign upload --multipart s3://BUCKET/KEY FILE
      in parts, with your credentials (create, upload, complete)
  presign upload --post FORM_JSON FILE
      through a POST form (presign post --output json, or boto3's
      generate_presigned_post answer)

In parts: --parallel parts at a time, each retried (--retries) after a dropped
connection or a 5xx answer; then the upload is completed. FILE must have the
size the plan was made for. When a part fails for good, an upload that
--resume can continue (a dropped connection, a 5xx) is kept and the message
says how to resume; any other (a refusal such as an expired URL) is aborted
and the message says so. --resume asks the server which parts it has
(ListParts) and uploads only the others; a server without ListParts gets
every part again. With --multipart there is no plan to resume with, so an
upload that fails for good is aborted.

With --post, the form's fields go in order, then the file, as
multipart/form-data; --content-type, --meta (verbatim) and --field set fields
the policy lets the uploader choose.

Exit codes: 0 uploaded; 1 the server refused (its error is explained) or the
connection failed; 2 bad input (not a presigned URL, plan or form, a signed
header not given, no such file, a file of another size than the plan's); 130
interrupted.

Examples:
  presign upload \"$PUT_URL\" photo.png --content-type image/png
  presign post s3://bucket/in/ --max-size 10MB --content-type 'image/*' > form.json
  presign upload --post form.json photo.png --content-type image/png
  presign multipart create s3://bucket/video.mp4 --size $(stat -c %s video.mp4) > plan.json
  presign upload --plan plan.json video.mp4 --parallel 8
  presign upload --plan plan.json video.mp4 --resume
  presign upload --multipart s3://bucket/video.mp4 video.mp4 --endpoint-url http://127.0.0.1:9000";

/// `presign upload`.
#[derive(Debug, Args)]
#[command(
    allow_missing_positional = true,
    override_usage = "presign upload [OPTIONS] <URL> <FILE>\n       \
                      presign upload [OPTIONS] --plan <PLAN.json> <FILE>\n       \
                      presign upload [OPTIONS] --multipart <S3_URI> <FILE>\n       \
                      presign upload [OPTIONS] --post <FORM_JSON> <FILE>",
    after_help = UPLOAD_AFTER_HELP
)]
pub(crate) struct UploadArgs {
    /// The presigned PUT URL (quote it: it holds '&'). Not given with
    /// --plan, --multipart or --post.
    #[arg(
        value_name = "URL",
        required_unless_present_any = ["post", "plan", "multipart"],
        conflicts_with_all = ["post", "plan", "multipart"]
    )]
    pub(crate) url: Option<String>,

    /// Upload through a POST form instead of a PUT URL: the form as JSON
    /// (presign post --output json, or boto3's generate_presigned_post
    /// answer), from a file or - for stdin.
    #[arg(long = "post", value_name = "FORM_JSON", conflicts_with_all = ["plan", "multipart"])]
    pub(crate) post: Option<PathBuf>,

    /// With --post: a form field, NAME=VALUE, set (changed or added) before
    /// sending, for fields the policy lets the uploader choose. Repeatable.
    // (`requires = "post"` is not enforced beside an optional positional,
    // so the other modes are named instead.)
    #[arg(long = "field", value_name = "NAME=VALUE", conflicts_with_all = ["url", "plan", "multipart"], value_parser = parse_pair)]
    pub(crate) fields: Vec<(String, String)>,

    /// The file to upload.
    #[arg(value_name = "FILE")]
    pub(crate) file: std::path::PathBuf,

    /// Upload FILE in parts through this plan (made by presign multipart
    /// create; no credentials needed), then complete the upload.
    #[arg(long, value_name = "PLAN.json", conflicts_with_all = ["multipart", "post"])]
    pub(crate) plan: Option<PathBuf>,

    /// Upload FILE in parts to this object, s3://BUCKET/KEY, with your
    /// credentials: create the upload, upload the parts, complete it.
    #[arg(long, value_name = "S3_URI")]
    pub(crate) multipart: Option<String>,

    /// How many parts are uploaded at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) parallel: u16,

    /// With --plan: ask the server which parts it already has (ListParts) and
    /// upload only the others.
    #[arg(long, conflicts_with_all = ["url", "multipart", "post"])]
    pub(crate) resume: bool,

    /// With --multipart: the size of every part but the last, 5MiB to 5GiB.
    /// Default: 16MiB, more for files above 10,000 such parts.
    #[arg(long, value_name = "SIZE", conflicts_with_all = ["url", "plan", "post"], value_parser = parse_size)]
    pub(crate) part_size: Option<u64>,

    /// With --multipart: continue this upload (from `presign multipart
    /// uploads`, or the message of an interrupted upload) instead of
    /// creating one: the server lists the parts it has (ListParts), the
    /// others are uploaded, then it is completed. The part size must be the
    /// one it was started with (the same --part-size, or none both times).
    #[arg(long, value_name = "ID", requires = "multipart")]
    pub(crate) upload_id: Option<String>,

    #[command(flatten)]
    pub(crate) retry: RetryArgs,

    #[command(flatten)]
    pub(crate) transfer: TransferArgs,

    /// Where and as whom, with --multipart.
    #[command(flatten, next_help_heading = "With --multipart (your credentials)")]
    pub(crate) signing: SigningArgs,
}

/// What `presign upload` does, from its flags.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UploadMode<'a> {
    /// `URL FILE`: one PUT.
    Url(&'a str),
    /// `--plan PLAN FILE`.
    Plan(&'a std::path::Path),
    /// `--multipart S3_URI FILE`.
    Multipart(&'a str),
    /// `--post FORM_JSON FILE`.
    Post(&'a std::path::Path),
}

impl UploadArgs {
    /// The mode; clap has made sure exactly one of URL, --plan, --multipart
    /// and --post is given.
    pub(crate) fn mode(&self) -> UploadMode<'_> {
        match (&self.plan, &self.multipart, &self.post) {
            (Some(plan), _, _) => UploadMode::Plan(plan),
            (_, Some(uri), _) => UploadMode::Multipart(uri),
            (_, _, Some(form)) => UploadMode::Post(form),
            (None, None, None) => UploadMode::Url(self.url.as_deref().unwrap_or_default()),
        }
    }
}

/// `presign send`.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The presigned URL (quote it: it holds '&').
    #[arg(value_name = "URL")]
    pub(crate) url: String,

    /// The method the URL was signed for.
    #[arg(short = 'X', long, value_enum, default_value_t = MethodArg::Get, ignore_case = false)]
    pub(crate) method: MethodArg,

    #[command(flatten)]
    pub(crate) transfer: TransferArgs,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::cli::{Command, parse};

    #[test]
    fn upload_takes_a_url_and_a_file_or_a_file_with_plan_multipart_or_post() {
        let upload = |args: &[&str]| {
            let invocation = parse([&["presign", "upload"], args].concat())?;
            let Some(Command::Upload(upload)) = invocation.cli.command else {
                panic!("not an upload")
            };
            Ok::<_, clap::Error>((format!("{:?}", upload.mode()), upload.file))
        };
        assert_eq!(
            upload(&["http://u", "f.bin"]).unwrap(),
            (r#"Url("http://u")"#.to_owned(), "f.bin".into())
        );
        assert_eq!(
            upload(&["--plan", "p.json", "f.bin"]).unwrap(),
            (r#"Plan("p.json")"#.to_owned(), "f.bin".into())
        );
        assert_eq!(
            upload(&["--multipart", "s3://b/k", "f.bin"]).unwrap(),
            (r#"Multipart("s3://b/k")"#.to_owned(), "f.bin".into())
        );
        assert_eq!(
            upload(&["--post", "form.json", "f.bin"]).unwrap(),
            (r#"Post("form.json")"#.to_owned(), "f.bin".into())
        );
        for bad in [
            &["f.bin"][..],
            &["--plan", "p.json", "u", "f.bin"],
            &["--plan", "p", "--multipart", "s3://b/k", "f"],
            &["--plan", "p", "--post", "form.json", "f"],
            &["--resume", "u", "f"],
            &["--part-size", "5MiB", "u", "f"],
            &["--field", "a=b", "u", "f"],
        ] {
            let error = upload(bad).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{bad:?}");
        }
    }
}
