//! The calls the service makes to the storage service itself: multipart
//! create, complete, abort and list. Each is a URL the service presigns for
//! itself and sends through the shared HTTP agent (`presign-http`: the
//! system's trust store plus CA bundles, proxies from the environment), so
//! the service needs no other S3 client.
//!
//! They run on tokio's blocking pool (the agent is synchronous) with a
//! deadline per call (`storage.timeout`, shorter than `request_timeout`),
//! at most `storage.max_concurrent_calls` at once: a hung storage service
//! holds that many threads, never the whole pool, and a request that finds
//! every slot busy for [`SLOT_WAIT`] is answered 503 with `Retry-After`
//! (issue 20, finding 9). A slot is held until the call's thread returns,
//! not just until the request gives up on it. A call that fails is a 502 naming the operation and
//! the reason (the storage service's S3 error code and request id, its
//! message in the log only; or why it could not be reached); the URL's
//! query, which holds the signature, is never part of it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use presign::multipart::{
    CompleteMultipartUploadResult, CompletedPart, InitiateMultipartUploadResult, ListPartsResult,
    ListedPart, MultipartUpload, PartNumber, complete_multipart_upload_body,
    create_multipart_upload,
};
use presign::{AnswerError, PresignRequest, S3Error, Signer};
use presign_config::sources::shorten;
use presign_http::Http;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;

/// Sends presigned requests to the storage service.
#[derive(Debug)]
pub(crate) struct StorageCaller {
    http: Http,
    timeout: Duration,
    /// One permit per call that may be in flight.
    slots: Arc<Semaphore>,
    max_calls: usize,
}

/// How long a request waits for a free storage call slot before it is
/// answered 503.
pub(crate) const SLOT_WAIT: Duration = Duration::from_millis(500);

/// The longest a connection to the storage service may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

struct Answer {
    status: u16,
    body: String,
}

impl StorageCaller {
    /// A caller with the agent `http`, giving up on a call after `timeout`,
    /// with at most `max_calls` calls in flight.
    pub(crate) fn new(http: Http, timeout: Duration, max_calls: usize) -> Self {
        Self {
            http,
            timeout,
            slots: Arc::new(Semaphore::new(max_calls)),
            max_calls,
        }
    }

    /// Sends `request` (presigned as of `now`) with `body`.
    async fn send(
        &self,
        operation: &'static str,
        request: &PresignRequest,
        signer: &Signer,
        now: SystemTime,
        body: Option<String>,
    ) -> Result<Answer, ApiError> {
        let url = signer
            .sign(request, now)
            .map_err(|e| ApiError::from_presign(&e))?;
        let method = request.method().as_str();
        let headers = request.header_pairs().to_vec();
        let agent = self.http.agent(&url).clone();
        let timeout = self.timeout;
        let slot = self.slot(operation).await?;
        let call = tokio::task::spawn_blocking(move || {
            // Held until this thread is done, even when the request has
            // given up waiting for it.
            let _slot = slot;
            let mut builder = ureq::http::Request::builder().method(method).uri(&url);
            for (name, value) in &headers {
                builder = builder.header(name, value);
            }
            let request = builder
                .body(body.unwrap_or_default())
                .map_err(|e| e.to_string())?;
            let config = agent
                .configure_request(request)
                .timeout_global(Some(timeout))
                .timeout_connect(Some(timeout.min(CONNECT_TIMEOUT)))
                .build();
            let mut response = agent.run(config).map_err(|error| describe(&error))?;
            let status = response.status().as_u16();
            let body = response
                .body_mut()
                .with_config()
                .limit(16 << 20)
                .read_to_string()
                .map_err(|error| describe(&error))?;
            Ok::<_, String>(Answer { status, body })
        });
        match call.await {
            Ok(Ok(answer)) if (200..300).contains(&answer.status) => Ok(answer),
            Ok(Ok(answer)) => Err(refusal(operation, &answer)),
            Ok(Err(reason)) => Err(ApiError::storage(format!(
                "{operation}: the storage service could not be reached: {reason}"
            ))),
            Err(_) => Err(ApiError::internal(format!(
                "{operation}: the call was cancelled"
            ))),
        }
    }

    /// A free call slot, waited for at most [`SLOT_WAIT`].
    ///
    /// # Errors
    /// 503 naming `storage.max_concurrent_calls` when none frees in time.
    async fn slot(&self, operation: &'static str) -> Result<OwnedSemaphorePermit, ApiError> {
        let slot = tokio::time::timeout(SLOT_WAIT, Arc::clone(&self.slots).acquire_owned()).await;
        let Ok(Ok(slot)) = slot else {
            return Err(ApiError::unavailable(
                "storage.max_concurrent_calls",
                format!(
                    "{operation}: all {} calls to the storage service (storage.max_concurrent_calls) are in flight; retry later",
                    self.max_calls
                ),
            ));
        };
        Ok(slot)
    }

    /// Runs `work`, a blocking call to storage that is no presigned request
    /// (S3 Express's `CreateSession`, which bounds its own time), on
    /// tokio's blocking pool in one of the call slots, as [`Self::send`]
    /// runs its calls.
    ///
    /// # Errors
    /// 503 when no slot frees in time; 500 when the call's thread ended
    /// without an answer.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        operation: &'static str,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let slot = self.slot(operation).await?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work()
        })
        .await
        .map_err(|_| ApiError::internal(format!("{operation}: the call was cancelled")))
    }

    /// CreateMultipartUpload: `object`'s headers (content type, metadata)
    /// become the object's. Answers the upload id.
    pub(crate) async fn create(
        &self,
        object: &PresignRequest,
        signer: &Signer,
        now: SystemTime,
    ) -> Result<String, ApiError> {
        const OPERATION: &str = "CreateMultipartUpload";
        let answer = self
            .send(
                OPERATION,
                &create_multipart_upload(object),
                signer,
                now,
                None,
            )
            .await?;
        InitiateMultipartUploadResult::parse(&answer.body)
            .map(|result| result.upload_id)
            .map_err(|error| unreadable(OPERATION, answer.status, &error))
    }

    /// Every part uploaded so far, following the pages.
    pub(crate) async fn list_parts(
        &self,
        upload: &MultipartUpload,
        signer: &Signer,
        now: SystemTime,
    ) -> Result<Vec<ListedPart>, ApiError> {
        const OPERATION: &str = "ListParts";
        let mut parts = Vec::new();
        let mut request = upload.list_parts();
        // 10,000 parts at most, 1,000 a page: 10 pages, and a guard.
        for _ in 0..20 {
            let answer = self.send(OPERATION, &request, signer, now, None).await?;
            let page = ListPartsResult::parse(&answer.body)
                .map_err(|error| unreadable(OPERATION, answer.status, &error))?;
            parts.extend(page.parts);
            match (page.is_truncated, page.next_part_number_marker) {
                (true, Some(marker)) => {
                    let marker = PartNumber::new(marker)
                        .map_err(|error| ApiError::storage(format!("{OPERATION}: {error}")))?;
                    request = upload.list_parts_after(marker);
                }
                _ => return Ok(parts),
            }
        }
        Err(ApiError::storage(format!(
            "{OPERATION}: the storage service kept answering more pages"
        )))
    }

    /// CompleteMultipartUpload with `parts`.
    pub(crate) async fn complete(
        &self,
        upload: &MultipartUpload,
        parts: &[CompletedPart],
        signer: &Signer,
        now: SystemTime,
    ) -> Result<CompleteMultipartUploadResult, ApiError> {
        const OPERATION: &str = "CompleteMultipartUpload";
        let body = complete_multipart_upload_body(parts)
            .map_err(|error| ApiError::bad_request("parts", error.to_string()))?;
        let answer = self
            .send(OPERATION, &upload.complete(), signer, now, Some(body))
            .await?;
        CompleteMultipartUploadResult::parse(&answer.body)
            .map_err(|error| unreadable(OPERATION, answer.status, &error))
    }

    /// AbortMultipartUpload.
    pub(crate) async fn abort(
        &self,
        upload: &MultipartUpload,
        signer: &Signer,
        now: SystemTime,
    ) -> Result<(), ApiError> {
        self.send("AbortMultipartUpload", &upload.abort(), signer, now, None)
            .await
            .map(|_| ())
    }
}

impl StorageCaller {
    /// The size of the object `object` names (a GET request of it), from a
    /// ListObjectsV2 of its key as prefix, or `None` when there is none:
    /// the check after CompleteMultipartUpload on storages that neither
    /// list part ETags nor check them (issue 20, finding 4).
    pub(crate) async fn object_size(
        &self,
        object: &PresignRequest,
        signer: &Signer,
        now: SystemTime,
    ) -> Result<Option<u64>, ApiError> {
        const OPERATION: &str = "ListObjectsV2";
        let key = object.key().to_owned();
        let list = object
            .clone()
            .with_key("")
            .bucket_operation(true)
            .query("list-type", "2")
            .query("max-keys", "1")
            .query("prefix", key.as_str());
        let answer = self.send(OPERATION, &list, signer, now, None).await?;
        Ok(listed_size(&answer.body, &key))
    }

    /// DeleteObject with `request` (a DELETE of the object).
    pub(crate) async fn delete_object(
        &self,
        request: &PresignRequest,
        signer: &Signer,
        now: SystemTime,
    ) -> Result<(), ApiError> {
        self.send("DeleteObject", request, signer, now, None)
            .await
            .map(|_| ())
    }
}

/// The size of `key` in a ListObjectsV2 answer, when it is listed first.
fn listed_size(body: &str, key: &str) -> Option<u64> {
    presign::listed_objects(body)
        .ok()?
        .into_iter()
        .next()
        .filter(|object| object.key == key)
        .map(|object| object.size)
}

/// The 502 for a call the storage service refused: the answer names the
/// operation, the status, the S3 error code and the storage's request id;
/// the storage's message goes to the log only, for the operator. The
/// answer reaches anonymous browsers too, and S3's `AccessDenied` message
/// names the caller (`User: arn:aws:sts::123456789012:assumed-role/...`)
/// and the policy that denied it (finding 25).
pub(crate) fn refused(operation: &str, status: u16, error: Option<&S3Error>) -> ApiError {
    let quote = |text: Option<&String>, limit| text.map(|text| shorten(text.trim(), limit));
    let code = quote(error.and_then(|error| error.code.as_ref()), 100);
    let request_id = quote(error.and_then(|error| error.request_id.as_ref()), 200);
    tracing::warn!(
        operation,
        status,
        code = ?code,
        message = ?quote(error.and_then(|error| error.message.as_ref()), 1024),
        storage_request_id = ?request_id,
        "the storage service refused a call"
    );
    ApiError::storage(format!(
        "{operation}: the storage service answered {status}{}{}; the service's log has the \
         storage's message",
        code.map(|code| format!(": {code}")).unwrap_or_default(),
        request_id
            .map(|id| format!(" (its request id: {id})"))
            .unwrap_or_default()
    ))
}

/// A refusal: the S3 error the body holds, if any ([`refused`]).
fn refusal(operation: &str, answer: &Answer) -> ApiError {
    refused(
        operation,
        answer.status,
        S3Error::parse(&answer.body).ok().as_ref(),
    )
}

/// An answer of `status` that is not the document `operation` expects: an
/// S3 error inside (CompleteMultipartUpload may send one with 200) is a
/// refusal; else what is wrong with it.
fn unreadable(operation: &str, status: u16, error: &AnswerError) -> ApiError {
    match error {
        AnswerError::Service(error) => refused(operation, status, Some(error)),
        other => ApiError::storage(format!("{operation}: {other}")),
    }
}

/// A transport error without the URL's query (it holds the signature).
fn describe(error: &impl std::fmt::Display) -> String {
    let text = error.to_string();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find('?') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}
