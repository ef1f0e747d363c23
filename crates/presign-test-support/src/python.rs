//! botocore as the oracle: the interpreter `PRESIGN_PYTHON` names (the
//! venv `scripts/setup-python.sh` makes, whose last line prints it), running
//! snippets in a clean environment, so that nothing of the machine (its
//! profiles, keys, region) reaches botocore.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::Home;

/// A Python interpreter with botocore (and boto3 where installed).
#[derive(Debug, Clone)]
pub struct Python {
    path: PathBuf,
}

impl Python {
    /// The interpreter of `PRESIGN_PYTHON`, or `None` after a notice that
    /// the oracle is skipped; under CI (`CI` set) a missing one fails.
    pub fn find() -> Option<Self> {
        if let Some(path) = std::env::var_os("PRESIGN_PYTHON").filter(|value| !value.is_empty()) {
            return Some(Self {
                path: PathBuf::from(path),
            });
        }
        crate::skip_or_fail(
            "PRESIGN_PYTHON (botocore as the oracle)",
            "PRESIGN_PYTHON=\"$(bash scripts/setup-python.sh | tail -n 1)\" cargo test \
             (bash scripts/servers/install.sh moto adds boto3 and moto to that venv)",
        );
        None
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `python -c script args...` with stdin closed and an environment of
    /// PATH alone plus `vars`.
    pub fn command<K, V>(
        &self,
        script: &str,
        args: &[&str],
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let mut command = Command::new(&self.path);
        command
            .arg("-c")
            .arg(script)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            // The CRT signer (when awscrt is importable) is another
            // implementation; the reference is botocore's own.
            .env("BOTO_DISABLE_CRT", "true")
            .envs(vars)
            .stdin(Stdio::null());
        command
    }

    /// Runs `script` with `args` and only `vars` (and PATH) set; its stdout.
    /// Panics with its stderr when it fails.
    pub fn run<K, V>(
        &self,
        script: &str,
        args: &[&str],
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> String
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let output = self.command(script, args, vars).output().unwrap();
        assert!(
            output.status.success(),
            "python failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs `script` with HOME = `home` and `home`'s variables; its stdout.
    pub fn run_in(&self, home: &Home, script: &str, args: &[&str]) -> String {
        let home_var = ("HOME".to_owned(), home.path().display().to_string());
        self.run(
            script,
            args,
            std::iter::once(home_var).chain(home.vars().iter().cloned()),
        )
    }
}
