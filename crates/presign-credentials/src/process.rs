//! A profile's `credential_process`, run as botocore runs it (the command
//! line split into words, no shell) with what botocore lacks: stdin closed,
//! at most 1 MiB of output read, and a time limit
//! (`PRESIGN_CREDENTIAL_PROCESS_TIMEOUT`), after which the process is
//! killed.
//!
//! The process stays in presign's process group, so a program that asks for
//! a password on the terminal (`/dev/tty`) can still do so. When it is
//! killed, a program it started itself may live on; presign does not wait
//! for it.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use presign_config::sources::{parse_process_output, split_command_line};
use presign_config::{ProcessPlan, ResolvedCredentials};
use zeroize::Zeroizing;

use crate::error::CredentialsError;
use crate::files::read_at_most;

/// How much of the end of stderr a failure shows.
const STDERR_SHOWN: usize = 4096;
/// How often the process is looked at while it runs.
const POLL: Duration = Duration::from_millis(10);
/// How long stderr is waited for once the process has ended.
const STDERR_GRACE: Duration = Duration::from_millis(500);

/// stdout, or why it was not read in full.
enum Stdout {
    Read(Zeroizing<Vec<u8>>),
    TooLarge,
    Failed(std::io::Error),
}

/// Runs the plan's process and reads the credentials it prints.
pub(crate) fn fetch(
    plan: &ProcessPlan,
    source: String,
) -> Result<ResolvedCredentials, CredentialsError> {
    let words =
        split_command_line(&plan.command).map_err(|problem| CredentialsError::ProcessCommand {
            profile: plan.profile.clone(),
            problem,
        })?;
    let (program, args) = words.split_first().unwrap_or((&plan.command, &[]));
    let failed_to_run = |cause| CredentialsError::ProcessSpawn {
        profile: plan.profile.clone(),
        program: program.clone(),
        cause,
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(failed_to_run)?;
    let stdout = read_stdout(&mut child);
    let stderr = read_stderr_tail(&mut child);
    let (status, output) = match wait(&mut child, &stdout, plan.timeout) {
        Ok(done) => done,
        Err(error) => {
            stop(&mut child);
            return Err(match error {
                Waited::TimedOut => CredentialsError::ProcessTimeout {
                    profile: plan.profile.clone(),
                    program: program.clone(),
                    seconds: plan.timeout.as_secs(),
                },
                Waited::TooLarge => CredentialsError::ProcessOutputTooLarge {
                    profile: plan.profile.clone(),
                    program: program.clone(),
                },
                Waited::Io(cause) => failed_to_run(cause),
            });
        }
    };
    if !status.success() {
        let stderr = stderr.recv_timeout(STDERR_GRACE).unwrap_or_default();
        return Err(CredentialsError::ProcessFailed {
            profile: plan.profile.clone(),
            program: program.clone(),
            status: status.to_string(),
            stderr: shown(&stderr),
        });
    }
    parse_process_output(&output, source).map_err(|problem| CredentialsError::ProcessOutput {
        profile: plan.profile.clone(),
        program: program.clone(),
        problem,
    })
}

/// Why waiting for the process ended early.
enum Waited {
    TimedOut,
    TooLarge,
    Io(std::io::Error),
}

/// Waits until the process has exited and its stdout is closed, or the
/// time is up, or it printed too much.
fn wait(
    child: &mut Child,
    stdout: &Receiver<Stdout>,
    timeout: Duration,
) -> Result<(ExitStatus, Zeroizing<Vec<u8>>), Waited> {
    let deadline = Instant::now() + timeout;
    let mut output = None;
    let mut status = None;
    loop {
        if output.is_none() {
            match stdout.try_recv() {
                Ok(Stdout::Read(bytes)) => output = Some(bytes),
                Ok(Stdout::TooLarge) => return Err(Waited::TooLarge),
                Ok(Stdout::Failed(cause)) => return Err(Waited::Io(cause)),
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => output = Some(Zeroizing::new(Vec::new())),
            }
        }
        if status.is_none() {
            status = child.try_wait().map_err(Waited::Io)?;
        }
        if let (Some(status), Some(output)) = (status, output.as_ref()) {
            return Ok((status, output.clone()));
        }
        if Instant::now() >= deadline {
            return Err(Waited::TimedOut);
        }
        thread::sleep(POLL);
    }
}

/// Kills the process and reaps it.
fn stop(child: &mut Child) {
    // It may have exited already; either way it is gone after this.
    let _ = child.kill();
    let _ = child.wait();
}

/// Reads stdout on a thread: all of it, up to
/// [`MAX_ANSWER`](crate::bounded_http::MAX_ANSWER) bytes.
fn read_stdout(child: &mut Child) -> Receiver<Stdout> {
    let (sender, receiver) = mpsc::channel();
    if let Some(pipe) = child.stdout.take() {
        thread::spawn(move || {
            let result = match read_at_most(pipe) {
                Ok(Some(bytes)) => Stdout::Read(bytes),
                Ok(None) => Stdout::TooLarge,
                Err(cause) => Stdout::Failed(cause),
            };
            // The receiver is gone when presign stopped waiting.
            let _ = sender.send(result);
        });
    }
    receiver
}

/// Reads stderr on a thread to its end, keeping the last
/// [`STDERR_SHOWN`] bytes.
fn read_stderr_tail(child: &mut Child) -> Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel();
    if let Some(mut pipe) = child.stderr.take() {
        thread::spawn(move || {
            let mut tail = Vec::new();
            let mut buffer = [0_u8; 8192];
            while let Ok(read @ 1..) = pipe.read(&mut buffer) {
                tail.extend_from_slice(&buffer[..read]);
                if tail.len() > STDERR_SHOWN {
                    tail.drain(..tail.len() - STDERR_SHOWN);
                }
            }
            let _ = sender.send(tail);
        });
    }
    receiver
}

/// stderr's tail as text, trimmed, marked when cut.
fn shown(tail: &[u8]) -> String {
    let text = String::from_utf8_lossy(tail);
    let text = text.trim();
    if tail.len() >= STDERR_SHOWN {
        format!("...{text}")
    } else {
        text.to_owned()
    }
}
