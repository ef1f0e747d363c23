//! moto's server, as `scripts/servers/start.sh moto DIR` leaves it: its
//! address and the IAM user's keys in `DIR/moto.sts-env`, with signature
//! checking on (every request must be signed by that user).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// moto of `PRESIGN_INTEROP_SERVERS`.
#[derive(Debug, Clone)]
pub struct Moto {
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
}

/// One test at a time uses moto: lifting signature checking for one action
/// must not let another test's action through.
static MOTO: Mutex<()> = Mutex::new(());

impl Moto {
    /// moto of `PRESIGN_INTEROP_SERVERS`, or `None` after a notice; under
    /// CI (`CI` set) a missing one fails.
    pub fn find() -> Option<Self> {
        let Some(folder) = std::env::var_os("PRESIGN_INTEROP_SERVERS") else {
            crate::skip_or_fail(
                "PRESIGN_INTEROP_SERVERS (moto's server)",
                "bash scripts/servers/install.sh moto && bash scripts/servers/start.sh moto DIR, \
                 then PRESIGN_INTEROP_SERVERS=DIR cargo test",
            );
            return None;
        };
        let path = PathBuf::from(folder).join("moto.sts-env");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "{}: {error} (start moto with scripts/servers/start.sh moto DIR)",
                path.display()
            )
        });
        let values: HashMap<&str, &str> = text
            .lines()
            .filter_map(|line| line.split_once('='))
            .collect();
        let get = |name: &str| {
            (*values
                .get(name)
                .unwrap_or_else(|| panic!("{name} missing from {}", path.display())))
            .to_owned()
        };
        Some(Self {
            endpoint: get("PRESIGN_TEST_ENDPOINT"),
            access_key: get("PRESIGN_TEST_ACCESS_KEY"),
            secret_key: get("PRESIGN_TEST_SECRET_KEY"),
        })
    }

    /// Held for the whole test; taken through the `Moto` a test got, so
    /// that only tests that use moto wait for it.
    #[allow(clippy::unused_self)]
    pub fn lock(&self) -> MutexGuard<'static, ()> {
        MOTO.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `call` with moto's signature checking lifted for one action
    /// (an unsigned call such as AssumeRoleWithWebIdentity), then on again.
    pub fn without_auth_for_one_action<T>(&self, call: impl FnOnce() -> T) -> T {
        let reset = |count: &str| {
            ureq::post(format!("{}/moto-api/reset-auth", self.endpoint))
                .send(count)
                .unwrap();
        };
        reset("1");
        let result = call();
        reset("0");
        result
    }
}
