//! A temporary HOME with an `.aws` folder, and the environment presign and
//! botocore are both given in it: the shared files inside HOME (named
//! through `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`, so that a
//! test never reads the machine's own) and the instance metadata service
//! off unless a test turns it on (outside EC2 it would cost a timeout).

use std::path::{Path, PathBuf};

/// A temporary HOME, removed on drop, with the variables of its tests.
#[derive(Debug)]
pub struct Home {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

impl Home {
    /// An empty HOME with `.aws/` and the default variables.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        let mut home = Self {
            dir,
            vars: Vec::new(),
        };
        let config = home.aws_file("config").display().to_string();
        let credentials = home.aws_file("credentials").display().to_string();
        home.set("AWS_CONFIG_FILE", &config)
            .set("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .set("AWS_EC2_METADATA_DISABLED", "true");
        home
    }

    /// A HOME whose `~/.aws/config` and `~/.aws/credentials` hold these.
    pub fn with_files(config: &str, credentials: &str) -> Self {
        let home = Self::new();
        home.write_config(config);
        home.write_credentials(credentials);
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `~/.aws/<name>` (not necessarily there).
    pub fn aws_file(&self, name: &str) -> PathBuf {
        self.path().join(".aws").join(name)
    }

    pub fn write_config(&self, text: &str) {
        self.write(".aws/config", text);
    }

    pub fn write_credentials(&self, text: &str) {
        self.write(".aws/credentials", text);
    }

    /// Writes `text` to `relative` inside HOME, creating its folders;
    /// returns the path.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// An executable `/bin/sh` script `name` in HOME running `body`.
    #[cfg(unix)]
    pub fn script(&self, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt as _;
        let path = self.write(name, &format!("#!/bin/sh\n{body}\n"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// Sets (or replaces) a variable.
    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        self.remove(name);
        self.vars.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Removes a variable.
    pub fn remove(&mut self, name: &str) -> &mut Self {
        self.vars.retain(|(key, _)| key != name);
        self
    }

    /// The variables, in the order set (HOME is not among them).
    pub fn vars(&self) -> &[(String, String)] {
        &self.vars
    }

    /// The variables plus `extra` (which win), for a call that needs a few
    /// more without changing the home.
    pub fn vars_with(&self, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = self
            .vars
            .iter()
            .filter(|(key, _)| !extra.iter().any(|(name, _)| name == key))
            .cloned()
            .collect();
        vars.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        vars
    }
}
