//! The interop servers `scripts/test.sh` started (see `scripts/servers/`):
//! `PRESIGN_INTEROP_SERVERS` names the folder of their `NAME.env` files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One server, as `scripts/servers/start.sh` described it.
#[derive(Debug)]
pub(crate) struct Server {
    pub(crate) name: String,
    pub(crate) endpoint: String,
    pub(crate) access_key: String,
    pub(crate) secret_key: String,
    pub(crate) bucket: String,
}

/// Every server started for this run, or `None` (with a message) when the
/// interop environment is not set up outside CI.
pub(crate) fn servers() -> Option<Vec<Server>> {
    let Some(folder) = std::env::var_os("PRESIGN_INTEROP_SERVERS") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "PRESIGN_INTEROP_SERVERS is not set: under CI the interop servers must run \
             (bash scripts/test.sh starts them)"
        );
        eprintln!(
            "SKIPPED interop tests: start servers with scripts/servers/start.sh NAME DIR and set \
             PRESIGN_INTEROP_SERVERS=DIR (bash scripts/test.sh does both)"
        );
        return None;
    };
    let mut servers: Vec<Server> = std::fs::read_dir(&folder)
        .expect("PRESIGN_INTEROP_SERVERS is a folder")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "env"))
        .map(|path| read_env_file(&path))
        .collect();
    servers.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(
        !servers.is_empty(),
        "no NAME.env file in {}",
        PathBuf::from(folder).display()
    );
    Some(servers)
}

fn read_env_file(path: &Path) -> Server {
    let text = std::fs::read_to_string(path).unwrap();
    let values: HashMap<&str, String> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| {
            (
                name.trim(),
                value.trim().trim_matches(['\'', '"']).to_owned(),
            )
        })
        .collect();
    let get = |name: &str| {
        values
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("{} has no {name}", path.display()))
    };
    Server {
        name: get("PRESIGN_TEST_SERVER"),
        endpoint: get("PRESIGN_TEST_ENDPOINT"),
        access_key: get("PRESIGN_TEST_ACCESS_KEY"),
        secret_key: get("PRESIGN_TEST_SECRET_KEY"),
        bucket: get("PRESIGN_TEST_BUCKET"),
    }
}
