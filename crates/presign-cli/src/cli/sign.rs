//! `presign S3_URI`: the top level's own flags, which sign one object, and
//! `--show-secrets` ([`ShowSecretsArgs`], which `presign post` takes too).

use clap::{Args, ValueEnum};

use super::{RequestArgs, SignatureVersionArgs};

/// `presign [OPTIONS] <S3_URI>`: one object, signed (flattened into
/// [`super::Cli`], so these are the top level's flags).
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
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

    #[command(flatten)]
    pub(crate) secrets: ShowSecretsArgs,

    #[command(flatten)]
    pub(crate) version: SignatureVersionArgs,
}

/// `--show-secrets`, of `presign` and `presign post`.
#[derive(Debug, Args)]
pub(crate) struct ShowSecretsArgs {
    /// Show the secret access key and the derived signing key in explain and
    /// json output. Off by default: they sign anything.
    #[arg(long)]
    pub(crate) show_secrets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputArg {
    Url,
    Json,
    Curl,
    Explain,
}
