//! `presign`: create, explain, check and use presigned URLs for S3-compatible
//! storage.
//!
//! This binary is the only place that reads the clock, the environment and
//! files; the `presign` library computes.
//!
//! Where things are: parse, then resolve, then run. `cli/` defines the
//! flags and help, one file per command group, and gathers the extra query
//! parameters and headers in command-line order; `resolve.rs` turns a
//! command's flags into a signable request through `presign-config` (the
//! one resolver the service and Python share) and `s3_uri.rs` splits
//! `s3://BUCKET/KEY`; `commands/` has one module per command, each run with
//! its own flags, the environment and the instant (`main` dispatches once);
//! `output/` renders what a command made (url, json, curl, explain) into
//! one string, so nothing is printed half-way. `http.rs`, `files.rs`,
//! `interrupt.rs` and `mfa.rs` are the I/O the commands share.

mod cli;
mod commands;
mod duration;
mod files;
mod http;
mod interrupt;
mod mfa;
mod output;
mod resolve;
mod s3_uri;
mod size;

use std::io::Write;
use std::process::ExitCode;
use std::time::SystemTime;

use cli::{Command, Invocation};
use commands::batch::{self, Outcome};

/// Some input lines were refused (`presign batch --keep-going`).
const EXIT_SOME_REFUSED: u8 = 1;
/// The server refused a request sent through a presigned URL.
const EXIT_REJECTED: u8 = 1;
/// `presign verify` rejected a well-formed presigned URL.
const EXIT_INVALID: u8 = 1;
/// `presign doctor`: a check failed.
const EXIT_CHECK_FAILED: u8 = 1;
/// Bad input or usage (also clap's code).
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let invocation = match cli::parse(std::env::args_os()) {
        Ok(invocation) => invocation,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(EXIT_USAGE));
        }
    };
    match run(invocation) {
        Ok(code) => code,
        // A closed pipe (`presign ... | head -c 10`) means the reader has what
        // it wanted: exit quietly and successfully.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("presign: error: {}", describe(&error));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Runs the command: each gets its own flags (and, when it signs, the
/// extras its request flags add), the environment and the clock's reading.
fn run(invocation: Invocation) -> anyhow::Result<ExitCode> {
    let (cli, extras) = invocation.into_parts();
    let env = presign_config::Environment::from_process();
    match &cli.command {
        Some(Command::Batch(args)) => run_batch(args, &extras, &env),
        Some(Command::Download(args)) => {
            transfer_exit(commands::transfer::download::run(args, SystemTime::now()))
        }
        Some(Command::Upload(args)) => {
            transfer_exit(commands::transfer::upload::run(args, SystemTime::now()))
        }
        Some(Command::Multipart(args)) => transfer_exit(commands::multipart::run(
            args,
            &extras,
            &env,
            SystemTime::now(),
        )),
        Some(Command::Send(args)) => {
            transfer_exit(commands::transfer::send::run(args, SystemTime::now()))
        }
        Some(Command::Inspect(args)) => {
            let text = commands::inspect::run(args, SystemTime::now())?;
            print_all(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Doctor(args)) => {
            let report = commands::doctor::run(args, &extras, &env, SystemTime::now())?;
            let text = match args.output {
                cli::InspectOutput::Text => report.text(),
                cli::InspectOutput::Json => report.json(),
            };
            print_all(&text)?;
            Ok(if report.failed() {
                ExitCode::from(EXIT_CHECK_FAILED)
            } else {
                ExitCode::SUCCESS
            })
        }
        Some(Command::Completions(args)) => {
            commands::shell::completions(args.shell, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man(_)) => {
            commands::shell::man(&mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Serve(args)) => {
            commands::serve::run(args, &env)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Verify(args)) => Ok(verify_exit(commands::verify::run(
            args,
            &env,
            SystemTime::now(),
        )?)?),
        Some(Command::Post(args)) => {
            let signed = commands::post::run(args, &env, SystemTime::now())?;
            let text = output::post::render(args.output, &signed);
            for warning in commands::post::warnings(&signed) {
                eprintln!("presign: {warning}");
            }
            print_all(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        None => run_sign(&cli.sign, &extras, &env),
    }
}

/// `presign batch`: keys from the input (a file or stdin), URLs to stdout.
fn run_batch(
    args: &cli::BatchArgs,
    extras: &cli::RequestExtras,
    env: &presign_config::Environment,
) -> anyhow::Result<ExitCode> {
    let input: Box<dyn std::io::Read> = match &args.input {
        Some(path) => Box::new(files::open(path, "--input ")?),
        None => Box::new(std::io::stdin().lock()),
    };
    let streams = batch::Streams {
        input,
        output: Box::new(std::io::BufWriter::with_capacity(
            1 << 20,
            std::io::stdout(),
        )),
        errors: Box::new(std::io::stderr()),
    };
    Ok(
        match batch::run(args, extras, env, SystemTime::now(), streams)? {
            Outcome::AllSigned => ExitCode::SUCCESS,
            Outcome::SkippedLines(_) => ExitCode::from(EXIT_SOME_REFUSED),
        },
    )
}

/// `presign S3_URI`: one URL, in the chosen output, warnings on stderr.
fn run_sign(
    args: &cli::SignArgs,
    extras: &cli::RequestExtras,
    env: &presign_config::Environment,
) -> anyhow::Result<ExitCode> {
    let (text, warnings) = match commands::sign::run(args, extras, env, SystemTime::now())? {
        commands::sign::Outcome::V4(signed) => (
            output::render(args.output, &signed),
            commands::sign::warnings(&signed),
        ),
        commands::sign::Outcome::V2(signed) => (
            output::sigv2::render(args.output, &signed),
            commands::sign_v2::warnings(&signed),
        ),
    };
    for warning in warnings {
        eprintln!("presign: {warning}");
    }
    print_all(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to stdout and flushes it (a closed pipe is an error the
/// caller treats as success).
fn print_all(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// 0 when the server accepted the request (download, upload, multipart,
/// send), 1 when it refused it.
fn transfer_exit(outcome: anyhow::Result<commands::transfer::Outcome>) -> anyhow::Result<ExitCode> {
    Ok(match outcome? {
        commands::transfer::Outcome::Accepted => ExitCode::SUCCESS,
        commands::transfer::Outcome::Rejected => ExitCode::from(EXIT_REJECTED),
    })
}

/// 0 with the summary on stdout when the URL is valid; 1 with the reason on
/// stderr (and nothing on stdout) when it is rejected.
fn verify_exit(verdict: commands::verify::Verdict) -> anyhow::Result<ExitCode> {
    match verdict {
        commands::verify::Verdict::Valid(summary) => {
            print_all(&format!("{summary}\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        commands::verify::Verdict::Rejected(reason) => {
            eprintln!("presign: rejected: {reason}");
            Ok(ExitCode::from(EXIT_INVALID))
        }
    }
}

/// The error and its causes joined by ": ", each cause once. Our errors put
/// the cause in their message and return no source, but some library errors
/// do both; a cause whose text is already in the line is not repeated
/// (issue 13.8: "...: No such file or directory (os error 2): No such file
/// or directory (os error 2)").
fn describe(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

#[cfg(test)]
mod tests {
    use super::describe;

    /// An error that both prints its cause and returns it as its source.
    #[derive(Debug, thiserror::Error)]
    #[error("cannot read settings.json: {cause}")]
    struct Doubled {
        #[source]
        cause: std::io::Error,
    }

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let cause = std::io::Error::from(std::io::ErrorKind::NotFound);
        let cause_text = cause.to_string();
        let error = anyhow::Error::new(Doubled { cause }).context("cannot start");
        let line = describe(&error);
        assert_eq!(
            line,
            format!("cannot start: cannot read settings.json: {cause_text}")
        );
        assert_eq!(format!("{error:#}").matches(&cause_text).count(), 2);
    }

    #[test]
    fn distinct_causes_are_all_kept_in_order() {
        let error = anyhow::anyhow!("no route")
            .context("connecting")
            .context("download");
        assert_eq!(describe(&error), "download: connecting: no route");
    }
}
