//! `presign`: create and explain SigV4 presigned URLs for S3-compatible storage.
//!
//! This binary is the only place that reads the clock, the environment and
//! files; the `presign` library computes.

mod cli;
mod config;
mod duration;
mod output;
mod s3_uri;
mod sign;

use std::io::Write;
use std::process::ExitCode;
use std::time::SystemTime;

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
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`presign ... | head -c 10`) means the reader has what
        // it wanted: exit quietly and successfully.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("presign: error: {error:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(invocation: &cli::Invocation) -> anyhow::Result<()> {
    let env = config::Environment::from_process();
    let signed = sign::run(invocation, &env, SystemTime::now())?;
    let text = output::render(invocation.cli.output, &signed);
    for warning in sign::warnings(&signed) {
        eprintln!("presign: {warning}");
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
