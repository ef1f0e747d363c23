//! The state every handler shares: the settings, the signing credentials,
//! the clients, the audit log, the metrics and the storage caller.

use std::sync::Arc;
use std::time::SystemTime;

use presign::{BatchSigner, PostPolicy, PresignRequest, PresignedPost, Signer, presign_post};
use presign_config::Target;
use presign_credentials::{CredentialsError, ExpressSessions, Fetcher};

use crate::audit::{Audit, AuditRecord};
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::settings::{Client, Settings};
use crate::signing::{CurrentSigner, Signing};
use crate::storage::StorageCaller;
use crate::upload_id::UploadIds;

/// Cheap to clone: every part is shared.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The checked configuration.
    pub(crate) settings: Arc<Settings>,
    /// The core's reusable signer over the storage credentials as of now
    /// (it keeps the day's signing key and the request shapes), replaced
    /// when temporary credentials are refreshed: [`AppState::signer`].
    pub(crate) signing: Arc<Signing>,
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
    /// S3 Express sessions per directory bucket, made with the storage
    /// credentials and kept until they near their expiry.
    pub(crate) express: Arc<ExpressSessions>,
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
        let signing = Signing::start(
            settings.storage.config.credentials.clone(),
            settings.storage.transport.clone(),
        )
        .map_err(crate::LaunchError::Credentials)?;
        let first = signing
            .at(SystemTime::now())
            .map_err(|error| crate::LaunchError::Credentials(error.to_string()))?;
        let clients: Vec<Arc<Client>> = settings.clients.iter().cloned().map(Arc::new).collect();
        let upload_ids = settings
            .companion
            .as_ref()
            .and_then(|companion| companion.upload_ids.clone())
            .unwrap_or_else(|| {
                UploadIds::new(
                    first
                        .signer
                        .credentials()
                        .reveal_secret_access_key()
                        .as_bytes(),
                )
            });
        let express = ExpressSessions::new(Fetcher::new(settings.storage.transport.clone()))
            .with_timeout(settings.storage.timeout);
        Ok(Self {
            express: Arc::new(express),
            upload_ids: Arc::new(upload_ids),
            settings: Arc::new(settings),
            signing,
            clients: clients.into(),
            audit: Arc::new(audit),
            metrics: Arc::new(metrics),
            storage: Arc::new(storage),
        })
    }

    /// The signer over the storage credentials at `now` (their secrets
    /// wiped on drop, never printed), and when they expire.
    ///
    /// # Errors
    /// 503 when the credentials expired and could not be refreshed.
    pub(crate) fn signer(&self, now: SystemTime) -> Result<Arc<CurrentSigner>, ApiError> {
        self.signing.at(now)
    }

    /// Records what a request issued: one audit line per record, and as
    /// many in the metrics under `kind` (`url`, `part_url`, `post_policy`).
    /// Every handler that issues reports here, so log and count agree.
    pub(crate) fn issued(&self, kind: &'static str, records: &[AuditRecord<'_>]) {
        self.audit.write(records);
        self.metrics
            .issued(kind, records.iter().map(|record| record.urls).sum());
    }

    /// The storage target for `bucket`: its host as the storage's endpoint
    /// settings build it (every configured bucket was resolved once at
    /// start, so this fails only for a bucket no setting names).
    ///
    /// # Errors
    /// 400 naming the bucket when the endpoint rules refuse it.
    pub fn target(&self, bucket: &str) -> Result<Target, ApiError> {
        self.settings
            .storage
            .target
            .with_bucket(bucket)
            .map_err(|error| ApiError::bad_request("bucket", error.to_string()))
    }

    /// The signer for `request` at `now`: the storage credentials', or
    /// for an S3 Express directory bucket (session auth, botocore's
    /// default) one over the bucket's `CreateSession` session, made with
    /// the storage credentials, expiring with the session. A kept session
    /// is found without leaving the task; a call runs on the blocking pool
    /// in one of the storage call slots ([`StorageCaller::blocking`]).
    ///
    /// # Errors
    /// 503 when the credentials expired or no call slot is free; 502 when
    /// `CreateSession` failed (naming the bucket and endpoint).
    pub(crate) async fn signer_for(
        &self,
        request: &PresignRequest,
        now: SystemTime,
    ) -> Result<Arc<CurrentSigner>, ApiError> {
        let current = self.signer(now)?;
        if !request.is_express_session() {
            return Ok(current);
        }
        let target = self.target(request.bucket())?;
        let Some(session) = target.host.express_session else {
            return Ok(current);
        };
        let base = current.signer.credentials().clone();
        let bucket = target.bucket;
        let found = self
            .express
            .fresh_session(&bucket, &session.endpoint, &base, now);
        let (keys, expires_at) = if let Some(found) = found {
            found
        } else {
            let express = Arc::clone(&self.express);
            self.storage
                .blocking("CreateSession", move || {
                    express.session_for(&bucket, &session.endpoint, &session.region, &base, now)
                })
                .await?
                .map_err(|error| create_session_failed(&error))?
        };
        Ok(Arc::new(CurrentSigner {
            signer: Signer::new(keys).map_err(|e| ApiError::from_presign(&e))?,
            expires_at: Some(expires_at),
        }))
    }

    /// One URL for `request` as of `now` ([`Self::signer_for`],
    /// [`Self::sign_with`]).
    pub(crate) async fn sign(
        &self,
        request: &PresignRequest,
        now: SystemTime,
    ) -> Result<(String, SystemTime), ApiError> {
        let current = self.signer_for(request, now).await?;
        current.sign(request, now)
    }

    /// A POST policy signed as of `now`, its expiry shortened to what the
    /// credentials have left ([`CurrentSigner::clamp_expiry`]).
    pub(crate) fn sign_post(
        &self,
        policy: PostPolicy,
        now: SystemTime,
    ) -> Result<PresignedPost, ApiError> {
        let current = self.signer(now)?;
        let expiry = current.clamp_expiry(now, policy.expiry())?;
        presign_post(
            &policy.expires_in(expiry),
            current.signer.credentials(),
            now,
        )
        .map_err(|e| ApiError::from_presign(&e))
    }

    /// A batch signer for `template` as of `now`, its expiry shortened to
    /// what the credentials (or the S3 Express session) have left
    /// ([`CurrentSigner::clamp_expiry`]).
    pub(crate) async fn batch_signer(
        &self,
        template: PresignRequest,
        now: SystemTime,
    ) -> Result<BatchSigner, ApiError> {
        let current = self.signer_for(&template, now).await?;
        let expiry = current.clamp_expiry(now, template.expiry())?;
        BatchSigner::new(
            &template.expires_in(expiry),
            current.signer.credentials(),
            now,
        )
        .map_err(|e| ApiError::from_presign(&e))
    }

    /// The instant to sign as of. The service is a shell: it reads the clock
    /// here and passes it to the pure core.
    #[must_use]
    pub fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The 502 for a failed `CreateSession`: a refusal as every storage
/// refusal ([`crate::storage::refused`]: code in the answer, message in the
/// log); a call that could not be made or read, as the error says it.
fn create_session_failed(error: &CredentialsError) -> ApiError {
    match error {
        CredentialsError::ExpressRefused {
            bucket,
            status,
            code,
            message,
            ..
        } => {
            let mut refusal = presign::S3Error::default();
            refusal.code = Some(code.clone());
            refusal.message = Some(message.clone());
            let operation = format!("CreateSession for bucket {bucket}");
            crate::storage::refused(&operation, *status, Some(&refusal))
        }
        other => ApiError::storage(format!("CreateSession: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_create_session_shows_its_code_not_its_message() {
        let error = CredentialsError::ExpressRefused {
            bucket: "b--usw2-az1--x-s3".to_owned(),
            endpoint: "https://b--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com"
                .to_owned(),
            status: 403,
            code: "AccessDenied".to_owned(),
            message: "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized"
                .to_owned(),
            hint: None,
        };
        let answer = create_session_failed(&error);
        assert_eq!(answer.status, axum::http::StatusCode::BAD_GATEWAY);
        assert_eq!(
            answer.message,
            "CreateSession for bucket b--usw2-az1--x-s3: the storage service answered 403: \
             AccessDenied; the service's log has the storage's message"
        );
    }
}
