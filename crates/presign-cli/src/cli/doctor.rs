//! `presign doctor`'s flags and help.

use clap::Args;

use super::{InspectOutput, RequestArgs, TlsArgs};

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
    #[arg(long, value_enum, default_value_t = InspectOutput::Text)]
    pub(crate) output: InspectOutput,

    #[command(flatten)]
    pub(crate) tls: TlsArgs,

    #[command(flatten)]
    pub(crate) request: RequestArgs,
}
