//! Helpers shared by the CLI's integration tests: an isolated command (no
//! `AWS_*` variable of the real machine, a private HOME, shared files in a
//! temporary directory) and the AWS documentation example.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub(crate) mod container;
pub(crate) mod host_forms;
pub(crate) mod net;
pub(crate) mod serve;
pub(crate) mod servers;
pub(crate) mod stub;

/// The AWS documentation example (Amazon S3 API Reference, "Authenticating
/// Requests: Using Query Parameters (AWS Signature Version 4)").
pub(crate) const AWS_ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub(crate) const AWS_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub(crate) const AWS_AT: &str = "2013-05-24T00:00:00Z";
pub(crate) const AWS_SIGNATURE: &str =
    "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
/// The signing key derived from the example secret for 20130524/us-east-1/s3.
pub(crate) const AWS_SIGNING_KEY: &str =
    "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378";
pub(crate) const AWS_URL: &str = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

/// The arguments of the AWS example, without credentials (those come from the
/// environment).
pub(crate) const AWS_ARGS: [&str; 7] = [
    "--at",
    AWS_AT,
    "--expires-in",
    "86400",
    "--region",
    "us-east-1",
    "s3://examplebucket/test.txt",
];

/// A private directory for one test: HOME, the shared credentials file and
/// the shared config file all live in it (the files exist only once written).
pub(crate) struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        std::fs::create_dir(dir.path().join("home")).expect("create HOME");
        std::fs::create_dir(dir.path().join("aws")).expect("create the shared-files folder");
        Self { dir }
    }

    /// A path inside the sandbox (not created).
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn home(&self) -> PathBuf {
        self.path("home")
    }

    /// What `AWS_SHARED_CREDENTIALS_FILE` points at.
    pub(crate) fn credentials_file(&self) -> PathBuf {
        self.path("aws/credentials")
    }

    /// What `AWS_CONFIG_FILE` points at.
    pub(crate) fn config_file(&self) -> PathBuf {
        self.path("aws/config")
    }

    /// Writes `text` to `name` inside the sandbox and returns its path.
    pub(crate) fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write a sandbox file");
        path
    }

    pub(crate) fn write_credentials(&self, text: &str) -> PathBuf {
        write_file(&self.credentials_file(), text)
    }

    pub(crate) fn write_config(&self, text: &str) -> PathBuf {
        write_file(&self.config_file(), text)
    }

    /// The `presign` binary, cut off from the real machine: every `AWS_*`
    /// and proxy variable removed, HOME in the sandbox, the shared files in the sandbox.
    /// PATH and the rest of the environment are kept. No credentials.
    pub(crate) fn command(&self) -> Command {
        Command::from_std(self.std_command())
    }

    /// [`Self::command`] as a plain `std::process::Command`, for tests that
    /// wire up stdio themselves.
    pub(crate) fn std_command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_presign"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                command.env_remove(&name);
            }
        }
        // Keep clap's help text independent of the terminal running the
        // tests, and requests off the machine's proxies.
        for name in [
            "COLUMNS",
            "CLICOLOR_FORCE",
            "CLICOLOR",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            command.env_remove(name);
        }
        command
            .env("HOME", self.home())
            .env("AWS_SHARED_CREDENTIALS_FILE", self.credentials_file())
            .env("AWS_CONFIG_FILE", self.config_file())
            .current_dir(self.dir.path());
        command
    }

    /// [`Self::command`] with the AWS example keys in the environment.
    pub(crate) fn aws_command(&self) -> Command {
        let mut command = self.command();
        command
            .env("AWS_ACCESS_KEY_ID", AWS_ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", AWS_SECRET_ACCESS_KEY);
        command
    }
}

fn write_file(path: &Path, text: &str) -> PathBuf {
    std::fs::write(path, text).expect("write a shared file");
    path.to_owned()
}

/// What one run printed, and how it ended.
#[derive(Debug)]
pub(crate) struct Run {
    /// `None` when a signal ended the process.
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// The stdout of a run that must have succeeded; panics with stderr
    /// otherwise.
    pub(crate) fn ok(self) -> String {
        assert_eq!(
            self.code,
            Some(0),
            "expected success; stderr:\n{}\nstdout:\n{}",
            self.stderr,
            self.stdout
        );
        self.stdout
    }

    /// The stderr of a run that must have failed with exit code 2 and nothing
    /// on stdout, with a message.
    pub(crate) fn refused(self) -> String {
        assert_eq!(
            self.code,
            Some(2),
            "expected exit code 2; stderr:\n{}\nstdout:\n{}",
            self.stderr,
            self.stdout
        );
        assert_eq!(self.stdout, "", "a refused run prints nothing on stdout");
        assert!(
            !self.stderr.trim().is_empty(),
            "a refused run explains itself on stderr"
        );
        self.stderr
    }
}

/// `presign args...` with nothing of the machine: an empty environment but
/// PATH, HOME and the variables of `home`; stdin closed.
pub(crate) fn presign_in(home: &presign_test_support::Home, args: &[&str]) -> Run {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_presign"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .envs(home.vars().iter().map(|(k, v)| (k, v)))
        .current_dir(home.path());
    run(&mut Command::from_std(command))
}

/// Runs `command` to completion, stdin closed.
pub(crate) fn run(command: &mut Command) -> Run {
    let output = command.output().expect("run presign");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// The single line of a `--output url` run, without its newline; panics
/// unless stdout is exactly one line.
pub(crate) fn only_line(stdout: &str) -> &str {
    let line = stdout
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("stdout must end with a newline: {stdout:?}"));
    assert!(
        !line.contains('\n'),
        "stdout must hold one line only: {stdout:?}"
    );
    line
}

/// The value of query parameter `name` in `url`, as written (still encoded).
pub(crate) fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let (_, query) = url.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then_some(value)
    })
}

/// The names of the query parameters of `url`, in order.
pub(crate) fn query_names(url: &str) -> Vec<&str> {
    url.split_once('?')
        .map(|(_, query)| {
            query
                .split('&')
                .map(|pair| pair.split_once('=').map_or(pair, |(key, _)| key))
                .collect()
        })
        .unwrap_or_default()
}

/// `text` percent-encoded the way SigV4 encodes query values (every byte
/// except the unreserved ones), for searching URLs for a value.
pub(crate) fn uri_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            write!(out, "%{byte:02X}").expect("writing to a String cannot fail");
        }
    }
    out
}
