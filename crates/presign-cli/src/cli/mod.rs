//! The command line, defined with clap's derive API. Parsing only checks
//! shapes (a flag's value, `Name: value`, `name=value`); meaning is checked
//! once, by the signing core.
//!
//! This file holds the top level: [`Cli`] (`presign [OPTIONS] <S3_URI>`),
//! the [`Command`] list, and [`parse`], which also gathers the extra query
//! parameters and headers in command-line order ([`RequestExtras`], which
//! each command that signs takes beside its own flags). Each command
//! group's flags live beside it, as `commands/` is split: [`sign`] (the top
//! level's own), [`request`] (what every signed URL is made of),
//! [`transfer`] (download, upload, send), [`multipart`], [`post`],
//! [`check`] (inspect, verify), [`batch`], [`doctor`], [`serve`] and
//! [`shell`] (completions, man).

mod batch;
mod check;
mod doctor;
mod multipart;
mod post;
mod request;
mod serve;
mod shell;
mod sign;
mod transfer;

use multipart::refuse_for_multipart_create;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};

pub(crate) use batch::{BatchArgs, InputFormat, OutputFormat};
pub(crate) use check::{InspectArgs, InspectOutput, VerifyArgs, VerifyPostArgs};
pub(crate) use doctor::DoctorArgs;
pub(crate) use multipart::{
    MultipartArgs, MultipartCommand, MultipartCreateArgs, MultipartUploadArgs, MultipartUploadsArgs,
};
pub(crate) use post::{ConditionArg, PostArgs, PostOutput};
pub(crate) use request::{
    MethodArg, RequestArgs, SignatureVersionArg, SignatureVersionArgs, SigningArgs, meta_header,
};
pub(crate) use serve::ServeArgs;
pub(crate) use shell::{CompletionsArgs, ManArgs};
pub(crate) use sign::{OutputArg, ShowSecretsArgs, SignArgs};
pub(crate) use transfer::{
    DownloadArgs, RetryArgs, SendArgs, TlsArgs, TransferArgs, UploadArgs, UploadMode,
};

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

    /// The top level's own flags: one object to sign.
    #[command(flatten)]
    pub(crate) sign: SignArgs,
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

/// The parsed command line, with the extra query parameters and headers in
/// the order they were given (across --query and its shorthands).
#[derive(Debug)]
pub(crate) struct Invocation {
    pub(crate) cli: Cli,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
}

/// The extra query parameters and signed headers a command line adds to
/// the request it signs, each list in the order given (--query and its
/// shorthands; -H, --content-type and --content-md5, then --meta). Empty
/// for the commands without request flags.
#[derive(Debug, Default)]
pub(crate) struct RequestExtras {
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
}

impl Invocation {
    /// The command line, and the extras its request flags add (what each
    /// command that signs takes beside its own flags).
    pub(crate) fn into_parts(self) -> (Cli, RequestExtras) {
        let Self {
            cli,
            query,
            headers,
        } = self;
        (cli, RequestExtras { query, headers })
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
                | MultipartCommand::Uploads(_) => &self.cli.sign.request,
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
            | None => &self.cli.sign.request,
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
    let query = ordered(&request::QUERY_FLAGS);
    let mut invocation = Invocation {
        cli,
        query,
        headers: Vec::new(),
    };
    let mut headers = ordered(&request::HEADER_FLAGS);
    let meta = &invocation.request_args().meta;
    headers.extend(meta.iter().map(|(key, value)| meta_header(key, value)));
    invocation.headers = headers;
    Ok(invocation)
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
}
