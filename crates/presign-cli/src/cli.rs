//! The command line, defined with clap's derive API. Parsing only checks
//! shapes (a flag's value, `Name: value`, `name=value`); meaning is checked
//! once, by the signing core.

use std::path::PathBuf;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::duration::{parse_duration, parse_expires_in};
use crate::size::parse_size;

const AFTER_HELP: &str = "\
Credentials (never taken as command-line values):
  --ibm-credentials FILE, else --profile NAME, else AWS_ACCESS_KEY_ID /
  AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, else the profile AWS_PROFILE or
  'default' in ~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE,
  AWS_CONFIG_FILE). Region: --region, AWS_REGION, AWS_DEFAULT_REGION, profile,
  else the region in a known provider's endpoint host (s3.eu-de.cloud-object-
  storage.appdomain.cloud: eu-de; Cloudflare R2: auto), else us-east-1.
  Endpoint: --endpoint-url, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, profile
  endpoint_url, else AWS S3's host for the region and bucket as botocore's S3
  endpoint rules build it, with --dualstack, --fips, --accelerate (or
  AWS_USE_DUALSTACK_ENDPOINT, AWS_USE_FIPS_ENDPOINT, the profile's settings).
  The bucket may be an access point ARN (s3://arn:aws:s3:REGION:ACCOUNT:
  accesspoint/NAME/KEY; Object Lambda, Outposts and Multi-Region Access
  Points too) or an S3 Express directory bucket (NAME--ZONE--x-s3).
  docs/endpoints.md has every form.

Exit codes:
  0  success (the URL, or the chosen output, on stdout)
  1  the server refused a download, upload, send or multipart request (its
     error is explained) or the transfer failed, presign verify rejected the
     URL (the reason on stderr), presign batch --keep-going refused some lines
     (each named on stderr), or a presign doctor check failed
  2  bad input or usage; the message names the field and what is allowed
  130  a transfer interrupted by Ctrl-C (what it leaves behind is named)

Examples:
  presign s3://bucket/report.pdf
  presign -X PUT --expires-in 10m --content-type image/png s3://bucket/in/a.png
  presign --endpoint-url https://s3.eu-de.cloud-object-storage.appdomain.cloud \\
          --region eu-de --ibm-credentials cos.json s3://bucket/file.csv
  presign --endpoint-url http://127.0.0.1:9000 --output curl s3://bucket/a.txt
  presign --output explain s3://bucket/key   # every signing step
  presign s3://arn:aws:s3:us-west-2:123456789012:accesspoint/reports/q1.csv
  presign post s3://bucket/uploads/ --max-size 10MB --output html > upload.html
                                             # a browser upload form (POST policy)
  presign download \"$URL\" -o big.iso --continue   # resume an interrupted download
  presign multipart create s3://bucket/big.iso --size 7GiB --expires-in 12h > plan.json
  presign upload --plan plan.json big.iso        # in parts, no credentials needed";

/// Create SigV4 presigned URLs for S3-compatible object storage (AWS S3, IBM
/// COS, MinIO, Ceph, Cloudflare R2, Backblaze B2, ...), byte-identical to the
/// AWS SDKs.
///
/// A presigned URL lets anyone without credentials download (GET) or upload
/// (PUT) one object until it expires. The URL alone goes to stdout, so
/// `curl "$(presign s3://bucket/key)"` works.
#[derive(Debug, Parser)]
#[command(
    name = "presign",
    version,
    after_long_help = AFTER_HELP,
    max_term_width = 100,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,

    /// The object, as s3://BUCKET/KEY. Everything after BUCKET/ is the key,
    /// verbatim: no decoding (`s3://bucket//x` is the key `/x`, `s3://bucket/a?b#c` is the
    /// key `a?b#c`).
    #[arg(value_name = "S3_URI", required = true)]
    pub(crate) uri: Option<String>,

    #[command(flatten)]
    pub(crate) request: RequestArgs,

    /// What to print: url (the URL alone), json (one object with every
    /// value), curl (a ready-to-run command), explain (every signing step).
    #[arg(long, value_enum, default_value_t = OutputArg::Url)]
    pub(crate) output: OutputArg,

    /// Show the secret access key and the derived signing key in explain and
    /// json output. Off by default: they sign anything.
    #[arg(long)]
    pub(crate) show_secrets: bool,

    #[command(flatten)]
    pub(crate) version: SignatureVersionArgs,
}

/// The signature of presigned URLs: `presign` and `presign batch`.
#[derive(Debug, Args)]
pub(crate) struct SignatureVersionArgs {
    /// s3v4: SigV4 (X-Amz-Signature). s3: SigV2 (AWSAccessKeyId, Signature,
    /// Expires), for stores that still document it; AWS refuses it in newer
    /// regions (docs/sigv2.md). Default: the profile's s3 signature_version,
    /// else s3v4.
    #[arg(long, value_enum, value_name = "VERSION")]
    pub(crate) signature_version: Option<SignatureVersionArg>,
}

/// `--signature-version`, in botocore's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SignatureVersionArg {
    /// SigV2 query-string authentication.
    #[value(name = "s3")]
    S3,
    /// SigV4, the default.
    #[value(name = "s3v4")]
    S3v4,
}

impl From<SignatureVersionArg> for presign_config::SignatureVersion {
    fn from(version: SignatureVersionArg) -> Self {
        match version {
            SignatureVersionArg::S3 => Self::S3,
            SignatureVersionArg::S3v4 => Self::S3v4,
        }
    }
}

/// Subcommands; without one, presign signs the S3_URI it is given.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Presign many keys of one bucket, one per input line, as of one instant
    /// (every URL of a batch expires together), using every core.
    Batch(Box<BatchArgs>),
    /// Download an object through a presigned GET URL, to a file (never left
    /// truncated; --continue resumes) or to stdout.
    Download(DownloadArgs),
    /// Upload a file through a presigned PUT URL, or in parts through a
    /// multipart plan (--plan) or with your credentials (--multipart).
    Upload(UploadArgs),
    /// Multipart uploads through presigned URLs: create one and print its
    /// plan (part URLs for someone without credentials), list or abort one.
    Multipart(MultipartArgs),
    /// Send any method through a presigned URL (HEAD, DELETE, POST, ...) and
    /// print the answer.
    Send(SendArgs),
    /// Show what a presigned URL holds: bucket, key, signer, region, expiry,
    /// signed headers. Needs no credentials.
    Inspect(InspectArgs),
    /// Check a presigned URL as a server would: signature, expiry, method and
    /// signed headers, with your credentials.
    Verify(VerifyArgs),
    /// Check the set-up before a URL fails: configuration, endpoint (DNS,
    /// TCP, TLS, HTTP), clock, credentials and region for a bucket, and an
    /// object; each check with its result and, when it fails, the fix.
    Doctor(Box<DoctorArgs>),
    /// Print the shell completion script for bash, zsh, fish, powershell or
    /// elvish.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) of presign and its subcommands.
    Man(ManArgs),
    /// Sign a POST policy: the URL and form fields a browser (or curl) uploads
    /// a file with, straight to the bucket, within the limits you set.
    Post(Box<PostArgs>),
    /// Run the signing service: presigned URLs and POST policies for browsers
    /// and apps over HTTP, per-client policies, Uppy Companion-compatible /s3
    /// routes, an audit log. Stops gracefully on SIGTERM or SIGINT.
    Serve(ServeArgs),
}

/// `presign serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example config and the routes: see the README, section 'presign serve'. \
    Logs are JSON lines on stderr; the audit log (one JSON line per URL issued) goes to stdout \
    unless audit_log names a file. Token digests for [[clients]]: printf %s \"$TOKEN\" | sha256sum.\n\n\
    Exit codes: 0 stopped by SIGTERM or SIGINT after finishing the requests in flight; 2 a bad \
    config (the message names the file, the key and the reason) or the address cannot be bound."
)]
pub(crate) struct ServeArgs {
    /// The TOML configuration: listen, [storage], [companion], [[clients]].
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,

    /// Listen on this address instead of the config's `listen`
    /// (IP:PORT; port 0 picks a free one, printed in the first log line).
    #[arg(long, value_name = "ADDR")]
    pub(crate) listen: Option<std::net::SocketAddr>,
}

const DOCTOR_AFTER_HELP: &str = "\
Checks, in order (a failed one skips those that need it):
  configuration  where credentials, region, endpoint and addressing style come
                 from (as --output explain shows them), a session token's expiry
  endpoint       DNS, TCP, proxy, TLS (certificate valid for the host), HTTP
                 answer, each with the time taken
  clock          this machine's clock against the server's Date header: warn
                 over 1 minute, fail over 15 minutes (--at sets what this
                 machine's clock reads)
  credentials    one presigned request for the bucket (a zero-key listing):
                 unknown key id, wrong secret, the region or endpoint the bucket
                 wants, no such bucket, an addressing style that fails
  object         with a key: a presigned HEAD (exists, size, content type)
Each request waits at most 10 s for its answer, connecting at most 30 s.

Exit codes: 0 every check passed (warnings allowed); 1 a check failed; 2 bad
usage.

Examples:
  presign doctor s3://my-bucket
  presign doctor --endpoint-url https://s3.eu-de.cloud-object-storage.appdomain.cloud \\
                 --ibm-credentials cos.json s3://my-bucket/data.csv
  presign doctor --output json s3://my-bucket | jq '.checks[] | select(.status == \"fail\")'";

/// `presign doctor`.
#[derive(Debug, Args)]
#[command(after_long_help = DOCTOR_AFTER_HELP)]
pub(crate) struct DoctorArgs {
    /// The bucket to check credentials and region against, and optionally an
    /// object: s3://BUCKET or s3://BUCKET/KEY. Without it, configuration,
    /// endpoint and clock are checked.
    #[arg(value_name = "S3_URI")]
    pub(crate) target: Option<String>,

    /// text (one check a line, details and fixes indented) or json (one
    /// object: {"checks": [{"name", "status", "summary", "details", "fix"}],
    /// "status"}).
    #[arg(long, value_enum, default_value_t = DoctorOutput::Text)]
    pub(crate) output: DoctorOutput,

    #[command(flatten)]
    pub(crate) tls: TlsArgs,

    #[command(flatten)]
    pub(crate) request: RequestArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DoctorOutput {
    Text,
    Json,
}

/// `presign completions`.
#[derive(Debug, Args)]
#[command(after_help = "Install, for example:
  bash:  presign completions bash > ~/.local/share/bash-completion/completions/presign
  zsh:   presign completions zsh > \"${fpath[1]}/_presign\"
  fish:  presign completions fish > ~/.config/fish/completions/presign.fish")]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
}

/// `presign man`.
#[derive(Debug, Args)]
#[command(after_help = "Read it with: presign man | man -l -
Install it with: presign man > ~/.local/share/man/man1/presign.1")]
pub(crate) struct ManArgs {}

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
    mut_arg("method", |arg| arg.hide(true)),
    mut_arg("queries", |arg| arg.hide(true)),
    mut_arg("version_id", |arg| arg.hide(true)),
    mut_arg("response_content_disposition", |arg| arg.hide(true)),
    mut_arg("response_content_type", |arg| arg.hide(true)),
    mut_arg("response_cache_control", |arg| arg.hide(true)),
    mut_arg("response_expires", |arg| arg.hide(true)),
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

    /// Reject URLs whose X-Amz-Expires is longer than this: seconds, or a
    /// number with unit s, m, h or d. Default: 7d (604800 s, the SigV4 limit).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) max_expires: Option<u64>,

    /// How far in the future X-Amz-Date may be (the signer's clock ahead):
    /// seconds, or a number with unit s, m, h or d.
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_duration)]
    pub(crate) clock_skew: u64,

    /// Accept only this scope region (repeatable; '' is the empty region).
    /// Default: any region.
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

/// What every presigned URL is made of, besides bucket and key.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// HTTP method the URL is valid for.
    #[arg(short = 'X', long, value_enum, default_value_t = MethodArg::Get, ignore_case = false)]
    pub(crate) method: MethodArg,

    #[command(flatten)]
    pub(crate) signing: SigningArgs,

    /// An extra signed header, 'Name: value'. The client must send it with
    /// exactly this value. Repeatable.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub(crate) headers: Vec<(String, String)>,

    /// Shorthand for --header 'content-type: TYPE'.
    #[arg(long, value_name = "TYPE")]
    pub(crate) content_type: Option<String>,

    /// Shorthand for --header 'content-md5: BASE64'.
    #[arg(long, value_name = "BASE64")]
    pub(crate) content_md5: Option<String>,

    /// Shorthand for --header 'x-amz-meta-KEY: VALUE'. A value that is not
    /// ASCII is signed RFC 2047-encoded (=?UTF-8?B?...?=), as S3 and Uppy
    /// Companion expect; the client sends that encoded value. Repeatable.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_pair)]
    pub(crate) meta: Vec<(String, String)>,

    /// An extra query parameter, 'name=value' (split at the first '='; the
    /// value raw, not encoded). Signed; repeatable; order kept.
    #[arg(long = "query", value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub(crate) queries: Vec<(String, String)>,

    /// Shorthand for --query versionId=ID.
    #[arg(long, value_name = "ID")]
    pub(crate) version_id: Option<String>,

    /// Shorthand for --query response-content-disposition=VALUE (e.g.
    /// 'attachment; filename="report.pdf"').
    #[arg(long, value_name = "VALUE")]
    pub(crate) response_content_disposition: Option<String>,

    /// Shorthand for --query response-content-type=VALUE.
    #[arg(long, value_name = "VALUE")]
    pub(crate) response_content_type: Option<String>,

    /// Shorthand for --query response-cache-control=VALUE.
    #[arg(long, value_name = "VALUE")]
    pub(crate) response_cache_control: Option<String>,

    /// Shorthand for --query response-expires=VALUE.
    #[arg(long, value_name = "VALUE")]
    pub(crate) response_expires: Option<String>,
}

/// Which of AWS's S3 host forms to use (each also set by the environment or
/// the profile, as the AWS CLI reads it).
#[derive(Debug, Args, Clone, Copy, Default)]
pub(crate) struct EndpointFlags {
    /// Use AWS's dualstack (IPv4 and IPv6) hosts, e.g.
    /// bucket.s3.dualstack.us-west-2.amazonaws.com. Default: the profile's
    /// s3 use_dualstack_endpoint, AWS_USE_DUALSTACK_ENDPOINT, the profile's
    /// use_dualstack_endpoint. Not with a custom --endpoint-url.
    #[arg(long)]
    pub(crate) dualstack: bool,

    /// Use AWS's FIPS 140 hosts, e.g. bucket.s3-fips.us-west-2.amazonaws.com.
    /// Default: AWS_USE_FIPS_ENDPOINT, the profile's use_fips_endpoint. Not in
    /// China regions, nor with a custom --endpoint-url.
    #[arg(long)]
    pub(crate) fips: bool,

    /// Use S3 Transfer Acceleration: bucket.s3-accelerate.amazonaws.com.
    /// Default: the profile's s3 use_accelerate_endpoint. Not for bucket names
    /// with dots, access points or FIPS.
    #[arg(long)]
    pub(crate) accelerate: bool,
}

/// Where and as whom a URL is signed, and for how long: what every command
/// that signs takes, besides the method, headers and query.
#[derive(Debug, Args)]
pub(crate) struct SigningArgs {
    /// How long the URL stays valid: seconds, or a number with unit s, m, h
    /// or d (90, 15m, 12h, 7d). Range 1 s to 7 days (604800 s).
    #[arg(long, value_name = "DURATION", default_value = "3600", value_parser = parse_expires_in, allow_hyphen_values = true)]
    pub(crate) expires_in: u64,

    /// Allow --expires-in beyond 7 days. AWS rejects such URLs; IBM COS and some
    /// other stores do not enforce the limit.
    #[arg(long)]
    pub(crate) allow_long_expiry: bool,

    /// The service endpoint, without the bucket, e.g. http://127.0.0.1:9000 or
    /// https://s3.eu-de.cloud-object-storage.appdomain.cloud.
    #[arg(long, value_name = "URL")]
    pub(crate) endpoint_url: Option<String>,

    /// The signing region. The empty string is valid (IBM COS treats the region
    /// as a wildcard).
    #[arg(long, value_name = "REGION")]
    pub(crate) region: Option<String>,

    /// A profile of ~/.aws/credentials and ~/.aws/config.
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,

    /// Dualstack, FIPS and acceleration.
    #[command(flatten)]
    pub(crate) endpoint: EndpointFlags,

    /// Credentials from an IBM COS service-credentials JSON file (its
    /// cos_hmac_keys object).
    #[arg(long, value_name = "FILE")]
    pub(crate) ibm_credentials: Option<PathBuf>,

    /// Bucket in the host name (virtual) or in the path. auto: virtual-hosted
    /// for AWS endpoints when the bucket allows it, path style for custom
    /// endpoints, IP hosts and localhost. virtual falls back to path style for
    /// buckets that cannot be a host name (dots over https, upper case) and on
    /// IP hosts. Default: the profile's s3 addressing_style, else auto.
    #[arg(long, value_enum, value_name = "STYLE")]
    pub(crate) addressing_style: Option<AddressingArg>,

    /// Accept legacy bucket names with upper case or '_' (old S3 regions and
    /// some S3-compatible stores still serve them); they use path style.
    #[arg(long)]
    pub(crate) allow_legacy_bucket_names: bool,

    /// Sign as of this instant, RFC 3339 UTC (2013-05-24T00:00:00Z).
    /// Default: now.
    #[arg(long, value_name = "TIMESTAMP")]
    pub(crate) at: Option<String>,
}

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

    /// Show the secret access key and the derived signing key in explain and
    /// json output. Off by default: they sign anything.
    #[arg(long)]
    pub(crate) show_secrets: bool,

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

/// `-X` values: upper case only, as sent on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub(crate) enum MethodArg {
    Get,
    Put,
    Head,
    Delete,
    Post,
}

impl From<MethodArg> for presign::Method {
    fn from(method: MethodArg) -> Self {
        match method {
            MethodArg::Get => Self::Get,
            MethodArg::Put => Self::Put,
            MethodArg::Head => Self::Head,
            MethodArg::Delete => Self::Delete,
            MethodArg::Post => Self::Post,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AddressingArg {
    Auto,
    Path,
    Virtual,
}

impl From<AddressingArg> for presign::Addressing {
    fn from(style: AddressingArg) -> Self {
        match style {
            AddressingArg::Auto => Self::Auto,
            AddressingArg::Path => Self::Path,
            AddressingArg::Virtual => Self::VirtualHost,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputArg {
    Url,
    Json,
    Curl,
    Explain,
}

/// `Name: value` -> (`Name`, `value` without leading blanks).
fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("expected 'Name: value', got {text:?} (no ':')"))?;
    Ok((
        name.trim().to_owned(),
        value.trim_start_matches([' ', '\t']).to_owned(),
    ))
}

/// `name=value`, split at the first `=`.
fn parse_pair(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected 'name=value', got {text:?} (no '=')"))?;
    Ok((name.to_owned(), value.to_owned()))
}

/// The parsed command line, with the extra query parameters and headers in
/// the order they were given (across --query and its shorthands).
#[derive(Debug)]
pub(crate) struct Invocation {
    pub(crate) cli: Cli,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
}

impl Invocation {
    /// `--signature-version` of the command that signs with it (`presign`
    /// and `presign batch`); `None` when not given.
    pub(crate) fn signature_version(&self) -> Option<presign_config::SignatureVersion> {
        let flag = match &self.cli.command {
            Some(Command::Batch(batch)) => batch.version.signature_version,
            None => self.cli.version.signature_version,
            Some(_) => None,
        };
        flag.map(Into::into)
    }

    /// The request options of whichever command runs.
    pub(crate) fn request_args(&self) -> &RequestArgs {
        match &self.cli.command {
            Some(Command::Batch(batch)) => &batch.request,
            Some(Command::Doctor(doctor)) => &doctor.request,
            Some(Command::Multipart(multipart)) => match &multipart.command {
                MultipartCommand::Create(create) => &create.request,
                MultipartCommand::List(_)
                | MultipartCommand::Abort(_)
                | MultipartCommand::Uploads(_) => &self.cli.request,
            },
            // Transfer, inspect, verify and post take no request options; the top level's
            // (all defaults, since they conflict with subcommands) stand in.
            Some(
                Command::Download(_)
                | Command::Upload(_)
                | Command::Send(_)
                | Command::Inspect(_)
                | Command::Verify(_)
                | Command::Completions(_)
                | Command::Man(_)
                | Command::Post(_)
                | Command::Serve(_),
            )
            | None => &self.cli.request,
        }
    }
}

/// Parses `args` (the program name first).
pub(crate) fn parse<I, T>(args: I) -> Result<Invocation, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = Cli::command().try_get_matches_from(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    // The request options live on the subcommand's matches when there is
    // one; transfer commands have none.
    let request_matches = match matches.subcommand() {
        None => Some(&matches),
        Some(("batch" | "doctor", sub)) => Some(sub),
        Some(("multipart", sub)) => match sub.subcommand() {
            Some(("create", create)) => {
                refuse_for_multipart_create(create)?;
                Some(create)
            }
            _ => None,
        },
        Some(_) => None,
    };
    let ordered = |args: &[(&str, Option<&str>)]| {
        request_matches
            .map(|m| in_command_line_order(m, args))
            .unwrap_or_default()
    };
    let query = ordered(&[
        ("queries", None),
        ("version_id", Some("versionId")),
        (
            "response_content_disposition",
            Some("response-content-disposition"),
        ),
        ("response_content_type", Some("response-content-type")),
        ("response_cache_control", Some("response-cache-control")),
        ("response_expires", Some("response-expires")),
    ]);
    let mut invocation = Invocation {
        cli,
        query,
        headers: Vec::new(),
    };
    let mut headers = ordered(&[
        ("headers", None),
        ("content_type", Some("content-type")),
        ("content_md5", Some("content-md5")),
    ]);
    let meta = &invocation.request_args().meta;
    headers.extend(meta.iter().map(|(key, value)| meta_header(key, value)));
    invocation.headers = headers;
    Ok(invocation)
}

/// The header `--meta KEY=VALUE` stands for: `x-amz-meta-KEY`, its value
/// RFC 2047-encoded unless it is ASCII ([`presign::encode_metadata_value`]).
pub(crate) fn meta_header(key: &str, value: &str) -> (String, String) {
    (
        format!("x-amz-meta-{key}"),
        presign::encode_metadata_value(value).into_owned(),
    )
}

/// `multipart create` signs several requests, each with its own method and
/// query: the request options that would change them are refused.
fn refuse_for_multipart_create(matches: &ArgMatches) -> Result<(), clap::Error> {
    let refused = [
        ("method", "-X/--method"),
        ("queries", "--query"),
        ("version_id", "--version-id"),
        (
            "response_content_disposition",
            "--response-content-disposition",
        ),
        ("response_content_type", "--response-content-type"),
        ("response_cache_control", "--response-cache-control"),
        ("response_expires", "--response-expires"),
    ];
    for (id, flag) in refused {
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

/// Name/value pairs from several arguments, sorted by their position on the
/// command line. An argument with a fixed name (`Some`) holds plain values; one
/// without holds already split pairs.
fn in_command_line_order(
    matches: &ArgMatches,
    args: &[(&str, Option<&str>)],
) -> Vec<(String, String)> {
    let mut found: Vec<(usize, (String, String))> = Vec::new();
    for (id, fixed_name) in args {
        let Some(indices) = matches.indices_of(id) else {
            continue;
        };
        if let Some(name) = fixed_name {
            let values = matches.get_many::<String>(id).into_iter().flatten();
            found.extend(
                indices
                    .zip(values)
                    .map(|(at, value)| (at, ((*name).to_owned(), value.clone()))),
            );
        } else {
            let pairs = matches
                .get_many::<(String, String)>(id)
                .into_iter()
                .flatten();
            found.extend(indices.zip(pairs).map(|(at, pair)| (at, pair.clone())));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, pair)| pair).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn query_parameters_keep_command_line_order_across_shorthands() {
        let invocation = parse([
            "presign",
            "--response-content-type",
            "text/plain",
            "--query",
            "partNumber=2",
            "--version-id",
            "v1",
            "--query",
            "a=b=c",
            "s3://b/k",
        ])
        .unwrap();
        let names: Vec<_> = invocation
            .query
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        assert_eq!(
            names,
            [
                "response-content-type=text/plain",
                "partNumber=2",
                "versionId=v1",
                "a=b=c"
            ]
        );
    }

    #[test]
    fn header_shorthands_become_signed_headers() {
        let invocation = parse([
            "presign",
            "--content-type",
            "image/png",
            "--meta",
            "author=Jane Doe",
            "-H",
            "x-amz-acl:   private",
            "s3://b/k",
        ])
        .unwrap();
        assert_eq!(
            invocation.headers,
            [
                ("content-type".to_owned(), "image/png".to_owned()),
                ("x-amz-acl".to_owned(), "private".to_owned()),
                ("x-amz-meta-author".to_owned(), "Jane Doe".to_owned()),
            ]
        );
    }

    #[test]
    fn meta_values_beyond_ascii_are_rfc_2047_encoded_and_header_values_are_not() {
        let invocation = parse([
            "presign",
            "--meta",
            "owner=\u{e5}lice",
            "--meta",
            "team=ops",
            "-H",
            "x-amz-meta-raw: =?UTF-8?B?w6k=?=",
            "s3://b/k",
        ])
        .unwrap();
        assert_eq!(
            invocation.headers,
            [
                ("x-amz-meta-raw".to_owned(), "=?UTF-8?B?w6k=?=".to_owned()),
                (
                    "x-amz-meta-owner".to_owned(),
                    "=?UTF-8?B?w6VsaWNl?=".to_owned()
                ),
                ("x-amz-meta-team".to_owned(), "ops".to_owned()),
            ]
        );
    }

    #[test]
    fn method_must_be_upper_case() {
        assert!(parse(["presign", "-X", "PUT", "s3://b/k"]).is_ok());
        let error = parse(["presign", "-X", "put", "s3://b/k"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(parse(["presign", "-X", "PATCH", "s3://b/k"]).is_err());
    }

    #[test]
    fn malformed_header_and_query_flags_are_usage_errors() {
        assert_eq!(
            parse(["presign", "--header", "no-colon", "s3://b/k"])
                .unwrap_err()
                .exit_code(),
            2
        );
        assert_eq!(
            parse(["presign", "--query", "no-equals", "s3://b/k"])
                .unwrap_err()
                .exit_code(),
            2
        );
    }

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

    #[test]
    fn empty_region_is_accepted() {
        let invocation = parse(["presign", "--region", "", "s3://b/k"]).unwrap();
        assert_eq!(
            invocation.request_args().signing.region.as_deref(),
            Some("")
        );
    }
}
