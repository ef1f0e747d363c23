//! The service's TOML configuration: read once at start, every value checked,
//! and a bad one reported with the file, the key, the reason and its line.
//!
//! Every size (`max_body_bytes`, `max_size`) is a number of bytes or a string
//! with a unit (`"16MiB"`, `"10GB"`), every duration (`*_timeout`,
//! `expires_in`, `max_expires_in`, `storage.timeout`) a number of seconds or
//! a string with a unit (`"90s"`, `"10m"`, `"7d"`): the `presign` command's
//! parsers (`presign::units`).
//!
//! Credentials never appear in this file: they come from the same places as
//! the `presign` command's (environment, `~/.aws` profiles, an IBM COS
//! service-credentials file), resolved by `presign-config`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use presign::{Addressing, MAX_EXPIRES_SECS, Method};
use presign_config::{
    CredentialSource, Environment, Overrides, ResolvedConfig, Target, TransportConfig,
    TransportOverrides,
};
use serde::Deserialize;

use crate::content_type::ContentTypes;
use crate::input;
use crate::quantity::Quantity;
use crate::template::KeyTemplate;

/// Where the service listens unless `listen` or `--listen` says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Companion's default expiry of its URLs and policies (seconds).
pub const DEFAULT_COMPANION_EXPIRES_IN: u64 = 800;
/// A client's longest expiry unless `max_expires_in` says otherwise.
pub const DEFAULT_MAX_EXPIRES_IN: u64 = 3600;
/// The most threads `workers` may ask for.
pub(crate) const MAX_WORKERS: usize = 1024;

/// A configuration that cannot be used: the file, the key, why, and the
/// line of the file where the value (or its section) is.
#[derive(Debug, thiserror::Error)]
#[error("{}: {key}: {reason}{}", file.display(), line.map(|line| format!(" (line {line})")).unwrap_or_default())]
pub struct SettingsError {
    /// The configuration file.
    pub file: PathBuf,
    /// The key, as a TOML path (`clients[1].token_sha256`, `storage.foo`),
    /// or `(file)` for the file as a whole.
    pub key: String,
    /// What is wrong and what is allowed.
    pub reason: String,
    /// The line (from 1) of the value in the file; for a missing key, of the
    /// section it belongs in; `None` when the file has no such place.
    pub line: Option<usize>,
}

/// The checked configuration of one service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The file it was read from.
    pub file: PathBuf,
    /// `listen`.
    pub listen: SocketAddr,
    /// `audit_log`.
    pub audit_log: AuditLog,
    /// `workers`: the threads that serve requests; `None`, the default, is
    /// one per CPU.
    pub workers: Option<usize>,
    /// Body size and timeouts.
    pub limits: Limits,
    /// `[storage]`, with credentials resolved.
    pub storage: Storage,
    /// `[companion]`, when enabled.
    pub companion: Option<Companion>,
    /// `[[clients]]` of the native API.
    pub clients: Vec<Client>,
    /// `max_connections`: the most client connections open at once; one
    /// more is closed as soon as it is accepted (and a warning logged once
    /// until the count drops again). `None`, the default, derives it at
    /// start from the open-file limit (raised to its hard limit first):
    /// the limit less [`FD_RESERVE`] and `storage.max_concurrent_calls`.
    pub max_connections: Option<usize>,
    /// `audit_overflow`: what happens when the audit log cannot keep up
    /// (its reader stalls) and `audit_queue` lines wait.
    pub audit_overflow: AuditOverflow,
    /// `audit_queue`: how many requests' audit lines may wait for the
    /// audit writer (default 1024), and at most 64 KiB of lines for each
    /// (64 MiB by default).
    pub audit_queue: usize,
}

/// The file descriptors kept for everything but client connections (the
/// listener, the audit log, logs, the runtime) when `max_connections` is
/// derived from the open-file limit.
pub const FD_RESERVE: usize = 64;
/// The most `max_connections` may be.
pub(crate) const MAX_CONNECTIONS: u64 = 1 << 20;
/// `audit_queue` unless set.
pub const DEFAULT_AUDIT_QUEUE: usize = 1024;
/// `storage.max_concurrent_calls` unless set.
pub const DEFAULT_STORAGE_CALLS: usize = 32;

/// `audit_overflow`: when the audit queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditOverflow {
    /// `"refuse"` (the default): fail closed. Requests that would issue a
    /// URL are answered 503 with `Retry-After` and issue nothing, so no URL
    /// is ever handed out unaudited.
    Refuse,
    /// `"drop"`: fail open. The URL is issued, its audit lines are dropped,
    /// counted in `presign_serve_audit_dropped_lines` and logged (at most
    /// once a second).
    Drop,
}

/// Where the audit log goes: one JSON line per URL issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditLog {
    /// `"stdout"` (the default).
    Stdout,
    /// `"off"`.
    Off,
    /// Any other value: a file, appended to.
    File(PathBuf),
}

/// Request size and timeouts.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `max_body_bytes`: larger request bodies are answered 413 (a size:
    /// `1048576` or `"1MiB"`).
    pub max_body_bytes: usize,
    /// `header_timeout`: a client must send its request headers within this
    /// (each timeout a duration: `10` or `"10s"`).
    pub header_timeout: Duration,
    /// `body_timeout`: and its body within this.
    pub body_timeout: Duration,
    /// `request_timeout`: the whole request, storage calls included.
    pub request_timeout: Duration,
    /// `shutdown_timeout`: how long requests in flight may finish after
    /// SIGTERM or SIGINT.
    pub shutdown_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1 << 20,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}

/// `[storage]`: where objects live and as whom the service signs.
#[derive(Debug, Clone)]
pub struct Storage {
    /// The resolved credentials, region and endpoint.
    pub config: ResolvedConfig,
    /// The endpoint, region and addressing of the default bucket
    /// (`target.bucket`).
    pub target: Target,
    /// `timeout`: for each call the service makes to the storage service (a
    /// duration: `30` or `"30s"`; connecting: at most 5 s of it); shorter
    /// than `request_timeout`.
    pub timeout: Duration,
    /// `max_concurrent_calls`: the most calls to the storage service at
    /// once (default 32); a request that finds them all busy for half a
    /// second is answered 503 with `Retry-After`.
    pub max_concurrent_calls: usize,
    /// Trust and proxies for those calls (`ca_bundle`, `no_verify_ssl`, the
    /// environment's proxies), resolved as the command resolves them.
    pub transport: TransportConfig,
}

/// `[companion]`: the Uppy Companion-compatible routes under `/s3`.
#[derive(Debug, Clone)]
pub struct Companion {
    /// `cors_origins`: the origins a browser may call from, each exactly as a
    /// browser sends `Origin` (`scheme://host[:port]`, lower case, no path,
    /// no wildcard), or `*` alone: any.
    pub cors_origins: Vec<String>,
    /// `key_template`; its fixed parts pass the key rules (no `../`, leading
    /// `/` or `//`).
    pub key_template: KeyTemplate,
    /// `max_size` in bytes (a size: `104857600` or `"100MiB"`).
    pub max_size: Option<u64>,
    /// `content_types`; empty: any.
    pub content_types: ContentTypes,
    /// `expires_in` in seconds (a duration: `800` or `"13m"`).
    pub expires_in: u64,
    /// `bucket`, else the storage's.
    pub bucket: String,
    /// `acl`: a canned ACL set on every upload.
    pub acl: Option<String>,
    /// `upload_id_secret_file`: a file holding the secret (at least 32
    /// bytes) that binds the multipart upload ids the service answers to
    /// their bucket and key; `None`, the default: a key derived from the
    /// storage secret key (copies with the same credentials agree). Set it
    /// when the storage credentials are temporary or rotate.
    pub upload_ids: Option<crate::upload_id::UploadIds>,
}

/// One `[[clients]]` entry: who may sign what through the native API.
#[derive(Debug, Clone)]
pub struct Client {
    /// `name`: in the audit log and in `${client}`.
    pub name: String,
    /// `token_sha256`: the SHA-256 of the bearer token, 64 hex digits (not
    /// the empty token's).
    pub token_sha256: [u8; 32],
    /// `buckets`; the first is the default.
    pub buckets: Vec<String>,
    /// `key_prefix` with `${client}` filled in; empty or ending in `/`.
    pub key_prefix: String,
    /// `methods`.
    pub methods: Vec<Method>,
    /// `max_expires_in` in seconds (a duration: `900` or `"15m"`).
    pub max_expires_in: u64,
    /// `content_types`; empty: any.
    pub content_types: ContentTypes,
    /// `max_size` in bytes (a size: `1073741824` or `"1GiB"`).
    pub max_size: Option<u64>,
    /// `prefix_uploads`: whether `/v1/post` may sign a key ending in
    /// `${filename}`, a policy for every key under that prefix (default
    /// false: policies name one exact key).
    pub prefix_uploads: bool,
    /// `response_overrides`: the response headers (`content-disposition`,
    /// `content-type`, ...) a GET or HEAD URL may override with
    /// `response-NAME` (default none).
    pub response_overrides: Vec<String>,
    /// `delete_versions`: whether a DELETE URL may carry `versionId`, which
    /// deletes that version for good (default false).
    pub delete_versions: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    listen: Option<String>,
    audit_log: Option<String>,
    workers: Option<u64>,
    max_body_bytes: Option<Quantity>,
    header_timeout: Option<Quantity>,
    body_timeout: Option<Quantity>,
    request_timeout: Option<Quantity>,
    shutdown_timeout: Option<Quantity>,
    max_connections: Option<u64>,
    audit_overflow: Option<String>,
    audit_queue: Option<u64>,
    storage: Option<RawStorage>,
    companion: Option<RawCompanion>,
    #[serde(default)]
    clients: Vec<RawClient>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStorage {
    bucket: Option<String>,
    endpoint_url: Option<String>,
    region: Option<String>,
    addressing_style: Option<String>,
    profile: Option<String>,
    ibm_credentials: Option<PathBuf>,
    timeout: Option<Quantity>,
    max_concurrent_calls: Option<u64>,
    ca_bundle: Option<PathBuf>,
    #[serde(default)]
    no_verify_ssl: bool,
    dualstack: Option<bool>,
    fips: Option<bool>,
    accelerate: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompanion {
    enabled: Option<bool>,
    #[serde(default)]
    cors_origins: Vec<String>,
    key_template: Option<String>,
    max_size: Option<Quantity>,
    #[serde(default)]
    content_types: Vec<String>,
    expires_in: Option<Quantity>,
    bucket: Option<String>,
    acl: Option<String>,
    upload_id_secret_file: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClient {
    name: Option<String>,
    token_sha256: Option<String>,
    #[serde(default)]
    buckets: Vec<String>,
    key_prefix: Option<String>,
    methods: Option<Vec<String>>,
    max_expires_in: Option<Quantity>,
    #[serde(default)]
    content_types: Vec<String>,
    max_size: Option<Quantity>,
    #[serde(default)]
    prefix_uploads: bool,
    #[serde(default)]
    response_overrides: Vec<String>,
    #[serde(default)]
    delete_versions: bool,
}

impl Settings {
    /// Reads and checks `file`, resolving the storage credentials from `env`
    /// (and the files it points to) as the `presign` command does.
    ///
    /// # Errors
    /// A [`SettingsError`] naming the file, the key and the reason.
    pub fn load(file: &Path, env: &Environment) -> Result<Self, SettingsError> {
        let text = std::fs::read_to_string(file).map_err(|error| SettingsError {
            file: file.to_owned(),
            key: "(file)".to_owned(),
            reason: format!("cannot be read: {error}"),
            line: None,
        })?;
        Self::parse(file, &text, env)
    }

    /// Checks the configuration `text`, as if read from `file`.
    ///
    /// # Errors
    /// As [`Settings::load`].
    pub fn parse(file: &Path, text: &str, env: &Environment) -> Result<Self, SettingsError> {
        // The document with the place of every key and value, so that every
        // refusal below names the line of the value it refuses.
        let document = toml::de::DeTable::parse(text).ok();
        let fail = |key: &str, reason: String| SettingsError {
            file: file.to_owned(),
            key: key.to_owned(),
            reason,
            line: document
                .as_ref()
                .and_then(|document| place::line_of_key(document, key, text)),
        };
        let raw: RawSettings = toml::from_str(text).map_err(|error| {
            let message = error.message().to_owned();
            let span = error.span();
            let key = span
                .as_ref()
                .zip(document.as_ref())
                .and_then(|(span, document)| place::key_at(document, span.start))
                .unwrap_or_else(|| "(file)".to_owned());
            SettingsError {
                file: file.to_owned(),
                key,
                reason: message,
                line: span.map(|span| place::line(text, span.start)),
            }
        })?;

        let listen = raw.listen.as_deref().unwrap_or(DEFAULT_LISTEN);
        let listen = listen.parse().map_err(|_| {
            fail(
                "listen",
                format!("{listen:?} is not an address: use IP:PORT, e.g. 127.0.0.1:8080"),
            )
        })?;
        let audit_log = match raw.audit_log.as_deref() {
            None | Some("stdout") => AuditLog::Stdout,
            Some("off") => AuditLog::Off,
            Some("") => {
                return Err(fail(
                    "audit_log",
                    "use \"stdout\", \"off\" or a file path".into(),
                ));
            }
            Some(path) => AuditLog::File(PathBuf::from(path)),
        };
        let workers = match raw.workers {
            None => None,
            Some(count) => match usize::try_from(count) {
                Ok(count @ 1..=MAX_WORKERS) => Some(count),
                _ => {
                    return Err(fail(
                        "workers",
                        format!("{count} is outside 1..={MAX_WORKERS} threads"),
                    ));
                }
            },
        };
        let limits = limits(&raw, &fail)?;
        let (max_connections, audit_overflow, audit_queue) = resources(&raw, &fail)?;
        let storage = storage(raw.storage, env, &fail)?;
        storage_timeout(&storage, &limits, &fail)?;
        let companion = match raw.companion {
            Some(companion) if companion.enabled.unwrap_or(true) => {
                Some(self::companion(companion, &storage, &fail)?)
            }
            _ => None,
        };
        let mut clients = Vec::with_capacity(raw.clients.len());
        for (index, client) in raw.clients.into_iter().enumerate() {
            let client = self::client(client, index, &storage, &fail)?;
            if clients.iter().any(|c: &Client| c.name == client.name) {
                return Err(fail(
                    &format!("clients[{index}].name"),
                    format!(
                        "{:?} is used by another client; names must be unique",
                        client.name
                    ),
                ));
            }
            if clients
                .iter()
                .any(|c: &Client| c.token_sha256 == client.token_sha256)
            {
                return Err(fail(
                    &format!("clients[{index}].token_sha256"),
                    "is the same as another client's; give each client its own token".into(),
                ));
            }
            clients.push(client);
        }
        Ok(Self {
            file: file.to_owned(),
            listen,
            audit_log,
            workers,
            limits,
            storage,
            companion,
            clients,
            max_connections,
            audit_overflow,
            audit_queue,
        })
    }
}

/// `storage.timeout` must be shorter than `request_timeout`, so a hung
/// storage call fails before the request does.
fn storage_timeout(storage: &Storage, limits: &Limits, fail: &Fail) -> Result<(), SettingsError> {
    if storage.timeout >= limits.request_timeout {
        return Err(fail(
            "storage.timeout",
            format!(
                "{} s must be shorter than request_timeout ({} s), so a hung storage call fails before the request does",
                storage.timeout.as_secs(),
                limits.request_timeout.as_secs()
            ),
        ));
    }
    Ok(())
}

/// `max_connections`, `audit_overflow` and `audit_queue`.
fn resources(
    raw: &RawSettings,
    fail: &Fail,
) -> Result<(Option<usize>, AuditOverflow, usize), SettingsError> {
    let max_connections = match raw.max_connections {
        None => None,
        Some(count @ 1..=MAX_CONNECTIONS) => usize::try_from(count).ok(),
        Some(count) => {
            return Err(fail(
                "max_connections",
                format!("{count} is outside 1..={MAX_CONNECTIONS} connections"),
            ));
        }
    };
    let audit_overflow = match raw.audit_overflow.as_deref() {
        None | Some("refuse") => AuditOverflow::Refuse,
        Some("drop") => AuditOverflow::Drop,
        Some(other) => {
            return Err(fail(
                "audit_overflow",
                format!(
                    "{other:?} is not one of \"refuse\" (answer 503) or \"drop\" (issue, count the lost lines)"
                ),
            ));
        }
    };
    let audit_queue = match raw.audit_queue {
        None => DEFAULT_AUDIT_QUEUE,
        Some(count @ 1..=1_000_000) => usize::try_from(count).unwrap_or(DEFAULT_AUDIT_QUEUE),
        Some(count) => {
            return Err(fail(
                "audit_queue",
                format!("{count} is outside 1..=1000000 requests"),
            ));
        }
    };
    Ok((max_connections, audit_overflow, audit_queue))
}

type Fail<'a> = dyn Fn(&str, String) -> SettingsError + 'a;

fn seconds(
    value: Option<&Quantity>,
    default: Duration,
    key: &str,
    fail: &Fail,
) -> Result<Duration, SettingsError> {
    let Some(value) = value else {
        return Ok(default);
    };
    match value.seconds().map_err(|reason| fail(key, reason))? {
        0 => Err(fail(key, "must be at least 1 second".into())),
        seconds => Ok(Duration::from_secs(seconds)),
    }
}

fn limits(raw: &RawSettings, fail: &Fail) -> Result<Limits, SettingsError> {
    let defaults = Limits::default();
    let max_body_bytes = match raw
        .max_body_bytes
        .as_ref()
        .map(Quantity::bytes)
        .transpose()
        .map_err(|reason| fail("max_body_bytes", reason))?
    {
        None => defaults.max_body_bytes,
        Some(bytes @ 1..=0x4000_0000) => usize::try_from(bytes).unwrap_or(defaults.max_body_bytes),
        Some(_) => {
            return Err(fail(
                "max_body_bytes",
                "must be within 1..=1073741824 bytes (1GiB)".into(),
            ));
        }
    };
    Ok(Limits {
        max_body_bytes,
        header_timeout: seconds(
            raw.header_timeout.as_ref(),
            defaults.header_timeout,
            "header_timeout",
            fail,
        )?,
        body_timeout: seconds(
            raw.body_timeout.as_ref(),
            defaults.body_timeout,
            "body_timeout",
            fail,
        )?,
        request_timeout: seconds(
            raw.request_timeout.as_ref(),
            defaults.request_timeout,
            "request_timeout",
            fail,
        )?,
        shutdown_timeout: seconds(
            raw.shutdown_timeout.as_ref(),
            defaults.shutdown_timeout,
            "shutdown_timeout",
            fail,
        )?,
    })
}

fn storage(
    raw: Option<RawStorage>,
    env: &Environment,
    fail: &Fail,
) -> Result<Storage, SettingsError> {
    let raw = raw.ok_or_else(|| {
        fail(
            "storage",
            "the [storage] section is missing; it needs at least bucket".into(),
        )
    })?;
    let bucket = raw.bucket.ok_or_else(|| {
        fail(
            "storage.bucket",
            "is missing: name the bucket uploads go to".into(),
        )
    })?;
    let addressing = match raw.addressing_style.as_deref() {
        None => None,
        Some(style) => Some(style.parse::<Addressing>().map_err(|_| {
            fail(
                "storage.addressing_style",
                format!("{style:?} is not one of auto, path, virtual"),
            )
        })?),
    };
    let transport = presign_config::resolve_transport(
        &TransportOverrides {
            profile: raw.profile.clone(),
            ca_bundle: raw.ca_bundle,
            no_verify_ssl: raw.no_verify_ssl,
        },
        env,
    )
    .map_err(|error| fail("storage.ca_bundle", error.to_string()))?;
    let overrides = Overrides {
        profile: raw.profile,
        region: raw.region,
        endpoint_url: raw.endpoint_url,
        ibm_credentials: raw.ibm_credentials,
        credentials: None,
        dualstack: raw.dualstack,
        fips: raw.fips,
        accelerate: raw.accelerate,
        // The rest (ARN region, us-east-1, Express session auth) come from
        // the environment and the profile, as for the command.
        ..Overrides::default()
    };
    let config = presign_config::resolve(&overrides, env)
        .map_err(|error| fail("storage", format!("credentials or settings: {error}")))?;
    if let Some(version) = &config.signature_version
        && version.value == presign_config::SignatureVersion::S3
    {
        // Signing SigV4 where the profile asks for SigV2 would hand out
        // URLs the store was said not to take: refused, not ignored.
        return Err(fail(
            "storage.profile",
            format!(
                "s3.signature_version = s3 ({}) asks for SigV2 URLs, which presign serve does \
                 not sign (SigV4 only; the presign command and the Python Client sign SigV2): \
                 use a profile without it",
                version.source
            ),
        ));
    }
    let target = config
        .target(&bucket, addressing)
        .map_err(|error| fail("storage.bucket", error.to_string()))?;
    trial_signature(&target, &config, "storage.bucket", fail)?;
    let timeout = seconds(
        raw.timeout.as_ref(),
        Duration::from_secs(30),
        "storage.timeout",
        fail,
    )?;
    let max_concurrent_calls = match raw.max_concurrent_calls {
        None => DEFAULT_STORAGE_CALLS,
        Some(count @ 1..=4096) => usize::try_from(count).unwrap_or(DEFAULT_STORAGE_CALLS),
        Some(count) => {
            return Err(fail(
                "storage.max_concurrent_calls",
                format!("{count} is outside 1..=4096 calls"),
            ));
        }
    };
    Ok(Storage {
        config,
        target,
        timeout,
        max_concurrent_calls,
        transport,
    })
}

fn expires_in(
    value: Option<Quantity>,
    default: u64,
    key: &str,
    fail: &Fail,
) -> Result<u64, SettingsError> {
    let value = match value {
        None => default,
        Some(value) => value.seconds().map_err(|reason| fail(key, reason))?,
    };
    match value {
        seconds @ 1..=MAX_EXPIRES_SECS => Ok(seconds),
        seconds => Err(fail(
            key,
            format!(
                "{seconds} is outside 1..={MAX_EXPIRES_SECS} seconds (7 days, the SigV4 maximum)"
            ),
        )),
    }
}

fn max_size(
    value: Option<&Quantity>,
    key: &str,
    fail: &Fail,
) -> Result<Option<u64>, SettingsError> {
    let value = value
        .map(Quantity::bytes)
        .transpose()
        .map_err(|reason| fail(key, reason))?;
    match value {
        Some(0) => Err(fail(
            key,
            "must be at least 1 byte (leave it out for no limit)".into(),
        )),
        other => Ok(other),
    }
}

/// A trial signature for `target` with the credentials of `config` when they
/// are at hand (fetched credentials are checked when the service starts):
/// checks the endpoint, bucket name, region and keys now, rather than on
/// the first request. A refusal is reported under `key`.
fn trial_signature(
    target: &Target,
    config: &ResolvedConfig,
    key: &str,
    fail: &Fail,
) -> Result<(), SettingsError> {
    let probe = target.request(Method::Get, "probe", Duration::from_secs(60), &[], &[]);
    let credentials = match &config.credentials {
        CredentialSource::Static(keys) => keys.to_credentials(),
        _ => presign::Credentials::new("AKIDTRIALSIGNATURE", "trial-signature"),
    };
    presign::presign(
        &probe,
        &credentials,
        std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
    )
    .map(|_| ())
    .map_err(|error| fail(key, error.to_string()))
}

fn bucket_name(
    bucket: &str,
    storage: &Storage,
    key: &str,
    fail: &Fail,
) -> Result<(), SettingsError> {
    let target = storage
        .target
        .with_bucket(bucket)
        .map_err(|error| fail(key, error.to_string()))?;
    trial_signature(&target, &storage.config, key, fail)
}

fn companion(
    raw: RawCompanion,
    storage: &Storage,
    fail: &Fail,
) -> Result<Companion, SettingsError> {
    for (index, origin) in raw.cors_origins.iter().enumerate() {
        cors_origin(origin, raw.cors_origins.len())
            .map_err(|reason| fail(&format!("companion.cors_origins[{index}]"), reason))?;
    }
    let key_template = KeyTemplate::parse(
        raw.key_template
            .as_deref()
            .unwrap_or(KeyTemplate::COMPANION_DEFAULT),
    )
    .map_err(|reason| fail("companion.key_template", reason))?;
    template_keys(&key_template).map_err(|reason| fail("companion.key_template", reason))?;
    let content_types = ContentTypes::parse(&raw.content_types)
        .map_err(|(index, reason)| fail(&format!("companion.content_types[{index}]"), reason))?;
    let bucket = raw.bucket.unwrap_or_else(|| storage.target.bucket.clone());
    bucket_name(&bucket, storage, "companion.bucket", fail)?;
    if let Some(acl) = &raw.acl
        && (acl.is_empty() || !acl.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
    {
        return Err(fail(
            "companion.acl",
            format!("{acl:?} is not a canned ACL such as \"private\" or \"public-read\""),
        ));
    }
    Ok(Companion {
        cors_origins: raw.cors_origins,
        key_template,
        max_size: max_size(raw.max_size.as_ref(), "companion.max_size", fail)?,
        content_types,
        expires_in: expires_in(
            raw.expires_in,
            DEFAULT_COMPANION_EXPIRES_IN,
            "companion.expires_in",
            fail,
        )?,
        bucket,
        acl: raw.acl,
        upload_ids: match &raw.upload_id_secret_file {
            Some(path) => Some(upload_id_secret(path, fail)?),
            None => None,
        },
    })
}

/// The binder keyed with the secret in `path` (surrounding white space
/// dropped), which must hold at least 32 bytes.
fn upload_id_secret(
    path: &Path,
    fail: &Fail,
) -> Result<crate::upload_id::UploadIds, SettingsError> {
    const KEY: &str = "companion.upload_id_secret_file";
    let text = zeroize::Zeroizing::new(
        std::fs::read(path)
            .map_err(|error| fail(KEY, format!("cannot read {}: {error}", path.display())))?,
    );
    let secret = text.trim_ascii();
    if secret.len() < 32 {
        return Err(fail(
            KEY,
            format!(
                "{} holds {} bytes; the secret must be at least 32 bytes (e.g. openssl rand -hex 32)",
                path.display(),
                secret.len()
            ),
        ));
    }
    Ok(crate::upload_id::UploadIds::new(secret))
}

fn client(
    raw: RawClient,
    index: usize,
    storage: &Storage,
    fail: &Fail,
) -> Result<Client, SettingsError> {
    let key = |name: &str| format!("clients[{index}].{name}");
    let name = raw
        .name
        .ok_or_else(|| fail(&key("name"), "is missing".into()))?;
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(fail(
            &key("name"),
            format!("{name:?} must be 1..=64 of A-Z a-z 0-9 - _ ."),
        ));
    }
    let token = raw.token_sha256.ok_or_else(|| {
        fail(&key("token_sha256"), "is missing: the SHA-256 of the client's token in hex (printf %s \"$TOKEN\" | sha256sum)".into())
    })?;
    let token_sha256 = parse_sha256(&token).ok_or_else(|| {
        fail(&key("token_sha256"), "must be 64 hex digits, the SHA-256 of the token (printf %s \"$TOKEN\" | sha256sum), never the token itself".into())
    })?;
    if token_sha256 == EMPTY_SHA256 {
        return Err(fail(
            &key("token_sha256"),
            "is the SHA-256 of the empty token (e3b0c442...): an empty bearer token would pass; hash the client's real token".into(),
        ));
    }
    let buckets = if raw.buckets.is_empty() {
        vec![storage.target.bucket.clone()]
    } else {
        raw.buckets
    };
    for (i, bucket) in buckets.iter().enumerate() {
        bucket_name(bucket, storage, &key(&format!("buckets[{i}]")), fail)?;
    }
    let template = raw.key_prefix.unwrap_or_else(|| "${client}/".to_owned());
    let mut key_prefix = template.replace("${client}", &name);
    if key_prefix.contains("${") {
        return Err(fail(
            &key("key_prefix"),
            format!("{template:?}: the only placeholder is ${{client}}"),
        ));
    }
    if !key_prefix.is_empty() && !key_prefix.ends_with('/') {
        // A prefix is a folder: "user1" must not also cover "user10/...".
        key_prefix.push('/');
    }
    if !key_prefix.is_empty() {
        input::check_key(&key_prefix[..key_prefix.len() - 1]).map_err(|refusal| {
            fail(
                &key("key_prefix"),
                format!("{template:?}: {}", refusal.message),
            )
        })?;
    }
    let methods = match raw.methods {
        None => vec![Method::Get],
        Some(methods) => {
            let mut parsed = Vec::with_capacity(methods.len());
            for (i, method) in methods.iter().enumerate() {
                parsed.push(method.parse::<Method>().map_err(|_| {
                    fail(
                        &key(&format!("methods[{i}]")),
                        format!("{method:?} is not one of GET, PUT, HEAD, DELETE, POST"),
                    )
                })?);
            }
            parsed
        }
    };
    let content_types = ContentTypes::parse(&raw.content_types)
        .map_err(|(i, reason)| fail(&key(&format!("content_types[{i}]")), reason))?;
    for (i, name) in raw.response_overrides.iter().enumerate() {
        if !input::RESPONSE_OVERRIDES.contains(&name.as_str()) {
            return Err(fail(
                &key(&format!("response_overrides[{i}]")),
                format!(
                    "{name:?} is not one of {}",
                    input::RESPONSE_OVERRIDES.join(", ")
                ),
            ));
        }
    }
    Ok(Client {
        prefix_uploads: raw.prefix_uploads,
        response_overrides: raw.response_overrides,
        delete_versions: raw.delete_versions,
        max_expires_in: expires_in(
            raw.max_expires_in,
            DEFAULT_MAX_EXPIRES_IN,
            &key("max_expires_in"),
            fail,
        )?,
        max_size: max_size(raw.max_size.as_ref(), &key("max_size"), fail)?,
        name,
        token_sha256,
        buckets,
        key_prefix,
        methods,
        content_types,
    })
}

/// The SHA-256 of the empty string: a client with it would accept an empty
/// token.
const EMPTY_SHA256: [u8; 32] = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// 64 hex digits (either case) as 32 bytes; nothing else (no sign, no
/// spaces inside, no `0x`).
fn parse_sha256(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks(2)) {
        // Not u8::from_str_radix: it takes a leading '+' ("+f").
        let digit = |b: u8| char::from(b).to_digit(16);
        let high = digit(pair[0])?;
        let low = digit(*pair.get(1)?)?;
        *byte = u8::try_from(high << 4 | low).ok()?;
    }
    Some(out)
}

/// A CORS origin as tower-http compares it with the browser's `Origin`
/// header (byte for byte): `*` alone, or exactly `scheme://host[:port]` as a
/// browser writes it (lower case, no default port, no path, query, userinfo
/// or wildcard). Anything else could never match, and would only look like
/// it allows an origin.
fn cors_origin(origin: &str, count: usize) -> Result<(), String> {
    let allowed =
        "use \"*\" alone or scheme://host[:port] with no path, e.g. \"https://app.example.com\"";
    if origin == "*" {
        return if count == 1 {
            Ok(())
        } else {
            Err(format!("\"*\" allows every origin: {allowed}"))
        };
    }
    if origin.contains('*') {
        return Err(format!(
            "{origin:?} has a wildcard, which never matches (origins are compared exactly): list each origin, or {allowed}"
        ));
    }
    let parsed = url::Url::parse(origin)
        .map_err(|error| format!("{origin:?} is not an origin ({error}): {allowed}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "{origin:?} is not an http or https origin: {allowed}"
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "{origin:?} holds a user name or password: {allowed}"
        ));
    }
    if parsed.host().is_none() {
        return Err(format!("{origin:?} has no host: {allowed}"));
    }
    let serialized = parsed.origin().ascii_serialization();
    if serialized != origin {
        return Err(format!(
            "{origin:?} is not an origin as a browser sends it (a path, query, fragment, default port or upper case never matches): write {serialized:?}"
        ));
    }
    Ok(())
}

/// Refuses a key template whose fixed parts break the service's key rules
/// (`../${filename}`, `/${uuid}`, `a//${filename}`): every key it renders
/// would be refused, or escape where a file-backed store keeps objects.
/// Checked by rendering a harmless file name.
fn template_keys(template: &KeyTemplate) -> Result<(), String> {
    let key = template.render("file.txt");
    input::check_key(&key).map_err(|refusal| {
        format!(
            "renders keys such as {key:?}, which the service refuses: {}",
            refusal.message
        )
    })
}

/// Where keys and values are in the configuration's text: the line of a key
/// path (`clients[1].token_sha256`), and the key path at a place.
mod place {
    use toml::Spanned;
    use toml::de::{DeTable, DeValue};

    /// The line (from 1) of byte `offset` in `text`.
    pub(super) fn line(text: &str, offset: usize) -> usize {
        text.get(..offset).unwrap_or(text).matches('\n').count() + 1
    }

    /// The line of the value at `path` (`storage.timeout`,
    /// `clients[0].methods[1]`), or of the deepest part of the path that is
    /// in the file (the section of a missing key). `None` for `(file)` or a
    /// path not in the file at all.
    pub(super) fn line_of_key(
        document: &Spanned<DeTable<'_>>,
        path: &str,
        text: &str,
    ) -> Option<usize> {
        let mut span = None;
        let mut table = Some(document.get_ref());
        let mut value: Option<&Spanned<DeValue<'_>>> = None;
        for part in path.split('.') {
            let (name, indexes) = part
                .split_once('[')
                .map_or((part, ""), |(name, rest)| (name, rest));
            let found = match (table, value) {
                (Some(table), _) => table.get(name),
                (None, Some(value)) => value.get_ref().get(name),
                (None, None) => None,
            };
            let Some(mut found) = found else { break };
            span = Some(found.span());
            for index in indexes.split('[') {
                let Some(index) = index
                    .strip_suffix(']')
                    .and_then(|i| i.parse::<usize>().ok())
                else {
                    continue;
                };
                let Some(item) = found.get_ref().get(index) else {
                    break;
                };
                found = item;
                span = Some(found.span());
            }
            table = None;
            value = Some(found);
        }
        span.map(|span| line(text, span.start))
    }

    /// The key path (`storage.foo`) of the key or value at byte `offset`.
    pub(super) fn key_at(document: &Spanned<DeTable<'_>>, offset: usize) -> Option<String> {
        let mut path = String::new();
        in_table(document.get_ref(), offset, &mut path).then_some(path)
    }

    fn in_table(table: &DeTable<'_>, offset: usize, path: &mut String) -> bool {
        for (key, value) in table {
            let mut inner = if path.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{path}.{}", key.get_ref())
            };
            if in_value(value.get_ref(), offset, &mut inner)
                || key.span().contains(&offset)
                || value.span().contains(&offset)
            {
                *path = inner;
                return true;
            }
        }
        false
    }

    fn in_value(value: &DeValue<'_>, offset: usize, path: &mut String) -> bool {
        match value {
            DeValue::Table(table) => in_table(table, offset, path),
            DeValue::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let mut inner = format!("{path}[{index}]");
                    if in_value(item.get_ref(), offset, &mut inner) || item.span().contains(&offset)
                    {
                        *path = inner;
                        return true;
                    }
                }
                false
            }
            _ => false,
        }
    }
}
