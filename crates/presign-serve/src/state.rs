//! The state every handler shares: the settings, the signing credentials,
//! the clients, the audit log, the metrics and the storage caller.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use presign::{Credentials, PresignRequest, Signer};
use presign_config::Target;

use crate::audit::{Audit, AuditRecord};
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::settings::{Client, Settings};
use crate::storage::StorageCaller;
use crate::upload_id::UploadIds;

/// Cheap to clone: every part is shared.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The checked configuration.
    pub(crate) settings: Arc<Settings>,
    /// The core's reusable signer over the storage credentials, for one URL
    /// at a time (it keeps the day's signing key and the request shapes);
    /// [`AppState::credentials`] gives them to batches and POST policies.
    pub(crate) signer: Arc<Signer>,
    /// The native API's clients.
    pub(crate) clients: Arc<[Arc<Client>]>,
    /// The audit log.
    pub(crate) audit: Arc<Audit>,
    /// The metrics.
    pub(crate) metrics: Arc<Metrics>,
    /// Sends the calls the service makes to storage itself.
    pub(crate) storage: Arc<StorageCaller>,
    /// Binds multipart upload ids to their keys, keyed once at start from
    /// `upload_id_secret_file` or the storage secret.
    pub(crate) upload_ids: Arc<UploadIds>,
}

impl AppState {
    /// The state for `settings`, with the audit log opened.
    ///
    /// # Errors
    /// When the audit log file cannot be opened, the HTTP agent for the
    /// storage calls cannot be built (a CA bundle without certificates), or
    /// the credentials cannot sign (a key SigV4 cannot use).
    pub fn new(settings: Settings) -> Result<Self, crate::LaunchError> {
        let metrics = Metrics::default();
        let audit = Audit::open(
            &settings.audit_log,
            settings.audit_overflow,
            settings.audit_queue,
            metrics.audit_dropped.clone(),
            metrics.audit_refused.clone(),
        )
        .map_err(|source| crate::LaunchError::AuditLog {
            config: settings.file.clone(),
            path: match &settings.audit_log {
                crate::AuditLog::File(path) => path.display().to_string(),
                _ => "stdout".to_owned(),
            },
            source,
        })?;
        let http = presign_http::Http::new(&settings.storage.transport)
            .map_err(|error| crate::LaunchError::Http(error.to_string()))?;
        let storage = StorageCaller::new(
            http,
            settings.storage.timeout,
            settings.storage.max_concurrent_calls,
        );
        let credentials = settings.storage.config.credentials.to_credentials();
        let signer = Signer::new(credentials)
            .map_err(|error| crate::LaunchError::Http(error.to_string()))?;
        let clients: Vec<Arc<Client>> = settings.clients.iter().cloned().map(Arc::new).collect();
        let upload_ids = settings
            .companion
            .as_ref()
            .and_then(|companion| companion.upload_ids.clone())
            .unwrap_or_else(|| {
                UploadIds::new(signer.credentials().reveal_secret_access_key().as_bytes())
            });
        Ok(Self {
            upload_ids: Arc::new(upload_ids),
            settings: Arc::new(settings),
            signer: Arc::new(signer),
            clients: clients.into(),
            audit: Arc::new(audit),
            metrics: Arc::new(metrics),
            storage: Arc::new(storage),
        })
    }

    /// The storage credentials (secrets wiped on drop, never printed): the
    /// signer's own, kept once.
    pub(crate) fn credentials(&self) -> &Credentials {
        self.signer.credentials()
    }

    /// Records what a request issued: one audit line per record, and as
    /// many in the metrics under `kind` (`url`, `part_url`, `post_policy`).
    /// Every handler that issues reports here, so log and count agree.
    pub(crate) fn issued(&self, kind: &'static str, records: &[AuditRecord<'_>]) {
        self.audit.write(records);
        self.metrics
            .issued(kind, records.iter().map(|record| record.urls).sum());
    }

    /// The storage target for `bucket`.
    #[must_use]
    pub fn target(&self, bucket: &str) -> Target {
        self.settings.storage.target.with_bucket(bucket)
    }

    /// One URL for `request` as of `now`, with the core's [`Signer`]: the
    /// URL and when it stops working.
    pub(crate) fn sign(
        &self,
        request: &PresignRequest,
        now: SystemTime,
    ) -> Result<(String, SystemTime), ApiError> {
        let url = self
            .signer
            .sign(request, now)
            .map_err(|e| ApiError::from_presign(&e))?;
        // X-Amz-Date has whole seconds: the URL expires counted from there.
        let signed_at = now.duration_since(UNIX_EPOCH).map_or(now, |since| {
            UNIX_EPOCH + Duration::from_secs(since.as_secs())
        });
        Ok((url, signed_at + request.expiry()))
    }

    /// The instant to sign as of. The service is a shell: it reads the clock
    /// here and passes it to the pure core.
    #[must_use]
    pub fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}
