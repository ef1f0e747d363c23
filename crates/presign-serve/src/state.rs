//! The state every handler shares: the settings, the signing credentials,
//! the clients, the audit log, the metrics and the storage caller.

use std::sync::Arc;
use std::time::SystemTime;

use presign::Credentials;
use presign_config::Target;

use crate::audit::Audit;
use crate::metrics::Metrics;
use crate::settings::{Client, Settings};
use crate::storage::StorageCaller;

/// Cheap to clone: every part is shared.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The checked configuration.
    pub(crate) settings: Arc<Settings>,
    /// The storage credentials (secrets wiped on drop, never printed).
    pub(crate) credentials: Arc<Credentials>,
    /// The native API's clients.
    pub(crate) clients: Arc<[Arc<Client>]>,
    /// The audit log.
    pub(crate) audit: Arc<Audit>,
    /// The metrics.
    pub(crate) metrics: Arc<Metrics>,
    /// Sends the calls the service makes to storage itself.
    pub(crate) storage: Arc<StorageCaller>,
}

impl AppState {
    /// The state for `settings`, with the audit log opened.
    ///
    /// # Errors
    /// When the audit log file cannot be opened or the HTTP agent for the
    /// storage calls cannot be built (a CA bundle without certificates).
    pub fn new(settings: Settings) -> Result<Self, crate::LaunchError> {
        let audit =
            Audit::open(&settings.audit_log).map_err(|source| crate::LaunchError::AuditLog {
                path: match &settings.audit_log {
                    crate::AuditLog::File(path) => path.display().to_string(),
                    _ => "stdout".to_owned(),
                },
                source,
            })?;
        let http = presign_http::Http::new(&settings.storage.transport)
            .map_err(|error| crate::LaunchError::Http(error.to_string()))?;
        let storage = StorageCaller::new(http, settings.storage.timeout);
        let credentials = settings.storage.config.credentials.to_credentials();
        let clients: Vec<Arc<Client>> = settings.clients.iter().cloned().map(Arc::new).collect();
        Ok(Self {
            settings: Arc::new(settings),
            credentials: Arc::new(credentials),
            clients: clients.into(),
            audit: Arc::new(audit),
            metrics: Arc::new(Metrics::default()),
            storage: Arc::new(storage),
        })
    }

    /// The storage target for `bucket`.
    #[must_use]
    pub fn target(&self, bucket: &str) -> Target {
        self.settings.storage.target.with_bucket(bucket)
    }

    /// The instant to sign as of. The service is a shell: it reads the clock
    /// here and passes it to the pure core.
    #[must_use]
    pub fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}
