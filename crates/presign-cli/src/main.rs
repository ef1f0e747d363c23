//! `presign`: create and explain SigV4 presigned URLs for S3-compatible storage.
//!
//! This binary is the only place that reads the clock, the environment and
//! files; the `presign` library computes.

mod cli;
mod commands;
mod duration;
mod output;
mod resolve;
mod s3_uri;

use std::io::Write;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Context;

use cli::{Command, Invocation};
use commands::batch::{self, Outcome};

/// Some input lines were refused (`presign batch --keep-going`).
const EXIT_SOME_REFUSED: u8 = 1;
/// The server refused a request sent through a presigned URL.
const EXIT_REJECTED: u8 = 1;
/// `presign verify` rejected a well-formed presigned URL.
const EXIT_INVALID: u8 = 1;
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
    match run(&invocation) {
        Ok(code) => code,
        // A closed pipe (`presign ... | head -c 10`) means the reader has what
        // it wanted: exit quietly and successfully.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("presign: error: {error:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(invocation: &Invocation) -> anyhow::Result<ExitCode> {
    let env = presign_config::Environment::from_process();
    match &invocation.cli.command {
        Some(Command::Batch(args)) => {
            let input: Box<dyn std::io::Read> = match &args.input {
                Some(path) => Box::new(
                    std::fs::File::open(path)
                        .with_context(|| format!("cannot open --input {}", path.display()))?,
                ),
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
                match batch::run(invocation, args, &env, SystemTime::now(), streams)? {
                    Outcome::AllSigned => ExitCode::SUCCESS,
                    Outcome::SkippedLines(_) => ExitCode::from(EXIT_SOME_REFUSED),
                },
            )
        }
        Some(Command::Download(args)) => Ok(transfer_exit(commands::transfer::download::run(
            args,
            SystemTime::now(),
        )?)),
        Some(Command::Upload(args)) => Ok(transfer_exit(commands::transfer::upload::run(
            args,
            SystemTime::now(),
        )?)),
        Some(Command::Send(args)) => Ok(transfer_exit(commands::transfer::send::run(
            args,
            SystemTime::now(),
        )?)),
        Some(Command::Inspect(args)) => {
            let text = commands::inspect::run(args, SystemTime::now())?;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Verify(args)) => Ok(verify_exit(commands::verify::run(
            args,
            &env,
            SystemTime::now(),
        )?)?),
        None => {
            let uri = invocation.cli.uri.as_deref().unwrap_or_default();
            let signed = commands::sign::run(invocation, uri, &env, SystemTime::now())?;
            let text = output::render(invocation.cli.output, &signed);
            for warning in commands::sign::warnings(&signed) {
                eprintln!("presign: {warning}");
            }
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// 0 when the server accepted the request, 1 when it refused it.
fn transfer_exit(outcome: commands::transfer::Outcome) -> ExitCode {
    match outcome {
        commands::transfer::Outcome::Accepted => ExitCode::SUCCESS,
        commands::transfer::Outcome::Rejected => ExitCode::from(EXIT_REJECTED),
    }
}

/// 0 with the summary on stdout when the URL is valid; 1 with the reason on
/// stderr (and nothing on stdout) when it is rejected.
fn verify_exit(verdict: commands::verify::Verdict) -> anyhow::Result<ExitCode> {
    match verdict {
        commands::verify::Verdict::Valid(summary) => {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{summary}")?;
            stdout.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        commands::verify::Verdict::Rejected(reason) => {
            eprintln!("presign: rejected: {reason}");
            Ok(ExitCode::from(EXIT_INVALID))
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
