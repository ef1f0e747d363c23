//! The service's TOML configuration: read once at start, every value checked,
//! and a bad one reported with the file, the key and the reason.
//!
//! Credentials never appear in this file: they come from the same places as
//! the `presign` command's (environment, `~/.aws` profiles, an IBM COS
//! service-credentials file), resolved by `presign-config`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use presign::{Addressing, MAX_EXPIRES_SECS, Method};
use presign_config::{
    Environment, Overrides, ResolvedConfig, Target, TransportConfig, TransportOverrides,
};
use serde::Deserialize;

use crate::content_type::ContentTypes;
use crate::key_rules;
use crate::template::KeyTemplate;

/// Where the service listens unless `listen` or `--listen` says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Companion's default expiry of its URLs and policies (seconds).
pub const DEFAULT_COMPANION_EXPIRES_IN: u64 = 800;
/// A client's longest expiry unless `max_expires_in` says otherwise.
pub const DEFAULT_MAX_EXPIRES_IN: u64 = 3600;
/// The most threads `workers` may ask for.
pub(crate) const MAX_WORKERS: usize = 1024;

/// A configuration that cannot be used: the file, the key and why.
#[derive(Debug, thiserror::Error)]
#[error("{}: {key}: {reason}", file.display())]
pub struct SettingsError {
    /// The configuration file.
    pub file: PathBuf,
    /// The key, as a TOML path (`clients[1].token_sha256`), or `(file)` for
    /// the file as a whole.
    pub key: String,
    /// What is wrong and what is allowed.
    pub reason: String,
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
    /// audit writer (default 1024).
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
    /// `max_body_bytes`: larger request bodies are answered 413.
    pub max_body_bytes: usize,
    /// `header_timeout`: a client must send its request headers within this.
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
    /// `timeout`: for each call the service makes to the storage service
    /// (connecting: at most 5 s of it); shorter than `request_timeout`.
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
    /// `cors_origins`: the origins a browser may call from (`*`: any).
    pub cors_origins: Vec<String>,
    /// `key_template`.
    pub key_template: KeyTemplate,
    /// `max_size` in bytes.
    pub max_size: Option<u64>,
    /// `content_types`; empty: any.
    pub content_types: ContentTypes,
    /// `expires_in` in seconds.
    pub expires_in: u64,
    /// `bucket`, else the storage's.
    pub bucket: String,
    /// `acl`: a canned ACL set on every upload.
    pub acl: Option<String>,
}

/// One `[[clients]]` entry: who may sign what through the native API.
#[derive(Debug, Clone)]
pub struct Client {
    /// `name`: in the audit log and in `${client}`.
    pub name: String,
    /// `token_sha256`: the SHA-256 of the bearer token.
    pub token_sha256: [u8; 32],
    /// `buckets`; the first is the default.
    pub buckets: Vec<String>,
    /// `key_prefix` with `${client}` filled in; empty or ending in `/`.
    pub key_prefix: String,
    /// `methods`.
    pub methods: Vec<Method>,
    /// `max_expires_in` in seconds.
    pub max_expires_in: u64,
    /// `content_types`; empty: any.
    pub content_types: ContentTypes,
    /// `max_size` in bytes.
    pub max_size: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    listen: Option<String>,
    audit_log: Option<String>,
    workers: Option<u64>,
    max_body_bytes: Option<u64>,
    header_timeout: Option<u64>,
    body_timeout: Option<u64>,
    request_timeout: Option<u64>,
    shutdown_timeout: Option<u64>,
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
    timeout: Option<u64>,
    max_concurrent_calls: Option<u64>,
    ca_bundle: Option<PathBuf>,
    #[serde(default)]
    no_verify_ssl: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompanion {
    enabled: Option<bool>,
    #[serde(default)]
    cors_origins: Vec<String>,
    key_template: Option<String>,
    max_size: Option<u64>,
    #[serde(default)]
    content_types: Vec<String>,
    expires_in: Option<u64>,
    bucket: Option<String>,
    acl: Option<String>,
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
    max_expires_in: Option<u64>,
    #[serde(default)]
    content_types: Vec<String>,
    max_size: Option<u64>,
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
        })?;
        Self::parse(file, &text, env)
    }

    /// Checks the configuration `text`, as if read from `file`.
    ///
    /// # Errors
    /// As [`Settings::load`].
    pub fn parse(file: &Path, text: &str, env: &Environment) -> Result<Self, SettingsError> {
        let fail = |key: &str, reason: String| SettingsError {
            file: file.to_owned(),
            key: key.to_owned(),
            reason,
        };
        let raw: RawSettings = toml::from_str(text).map_err(|error| {
            let message = error.message().to_owned();
            let at = error
                .span()
                .map(|span| {
                    let line = text[..span.start].matches('\n').count() + 1;
                    format!(" (line {line})")
                })
                .unwrap_or_default();
            fail("(file)", format!("{message}{at}"))
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
    value: Option<u64>,
    default: Duration,
    key: &str,
    fail: &Fail,
) -> Result<Duration, SettingsError> {
    match value {
        None => Ok(default),
        Some(0) => Err(fail(key, "must be at least 1 second".into())),
        Some(seconds) => Ok(Duration::from_secs(seconds)),
    }
}

fn limits(raw: &RawSettings, fail: &Fail) -> Result<Limits, SettingsError> {
    let defaults = Limits::default();
    let max_body_bytes = match raw.max_body_bytes {
        None => defaults.max_body_bytes,
        Some(bytes @ 1..=0x4000_0000) => usize::try_from(bytes).unwrap_or(defaults.max_body_bytes),
        Some(_) => {
            return Err(fail(
                "max_body_bytes",
                "must be within 1..=1073741824 bytes".into(),
            ));
        }
    };
    Ok(Limits {
        max_body_bytes,
        header_timeout: seconds(
            raw.header_timeout,
            defaults.header_timeout,
            "header_timeout",
            fail,
        )?,
        body_timeout: seconds(
            raw.body_timeout,
            defaults.body_timeout,
            "body_timeout",
            fail,
        )?,
        request_timeout: seconds(
            raw.request_timeout,
            defaults.request_timeout,
            "request_timeout",
            fail,
        )?,
        shutdown_timeout: seconds(
            raw.shutdown_timeout,
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
    };
    let config = presign_config::resolve(&overrides, env)
        .map_err(|error| fail("storage", format!("credentials or settings: {error}")))?;
    let target = config
        .target(&bucket, addressing)
        .map_err(|error| fail("storage", error.to_string()))?;
    trial_signature(&target, &config, "storage", fail)?;
    let timeout = seconds(
        raw.timeout,
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
    value: Option<u64>,
    default: u64,
    key: &str,
    fail: &Fail,
) -> Result<u64, SettingsError> {
    match value.unwrap_or(default) {
        seconds @ 1..=MAX_EXPIRES_SECS => Ok(seconds),
        seconds => Err(fail(
            key,
            format!(
                "{seconds} is outside 1..={MAX_EXPIRES_SECS} seconds (7 days, the SigV4 maximum)"
            ),
        )),
    }
}

fn max_size(value: Option<u64>, key: &str, fail: &Fail) -> Result<Option<u64>, SettingsError> {
    match value {
        Some(0) => Err(fail(
            key,
            "must be at least 1 byte (leave it out for no limit)".into(),
        )),
        other => Ok(other),
    }
}

/// A trial signature for `target` with the credentials of `config`: checks
/// the endpoint, bucket name, region and credentials now, rather than on the
/// first request. A refusal is reported under `key`.
fn trial_signature(
    target: &Target,
    config: &ResolvedConfig,
    key: &str,
    fail: &Fail,
) -> Result<(), SettingsError> {
    let probe = target.request(Method::Get, "probe", Duration::from_secs(60), &[], &[]);
    presign::presign(
        &probe,
        &config.credentials.to_credentials(),
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
    trial_signature(
        &storage.target.with_bucket(bucket),
        &storage.config,
        key,
        fail,
    )
}

fn companion(
    raw: RawCompanion,
    storage: &Storage,
    fail: &Fail,
) -> Result<Companion, SettingsError> {
    for (index, origin) in raw.cors_origins.iter().enumerate() {
        let valid = origin == "*"
            || ((origin.starts_with("http://") || origin.starts_with("https://"))
                && !origin.ends_with('/')
                && origin.bytes().all(|b| b.is_ascii_graphic()));
        if !valid {
            return Err(fail(
                &format!("companion.cors_origins[{index}]"),
                format!(
                    "{origin:?} is not an origin: use \"*\" or scheme://host[:port] without a path, e.g. \"https://app.example.com\""
                ),
            ));
        }
    }
    let key_template = KeyTemplate::parse(
        raw.key_template
            .as_deref()
            .unwrap_or(KeyTemplate::COMPANION_DEFAULT),
    )
    .map_err(|reason| fail("companion.key_template", reason))?;
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
        max_size: max_size(raw.max_size, "companion.max_size", fail)?,
        content_types,
        expires_in: expires_in(
            raw.expires_in,
            DEFAULT_COMPANION_EXPIRES_IN,
            "companion.expires_in",
            fail,
        )?,
        bucket,
        acl: raw.acl,
    })
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
        key_rules::check_key(&key_prefix[..key_prefix.len() - 1]).map_err(|refusal| {
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
    Ok(Client {
        max_expires_in: expires_in(
            raw.max_expires_in,
            DEFAULT_MAX_EXPIRES_IN,
            &key("max_expires_in"),
            fail,
        )?,
        max_size: max_size(raw.max_size, &key("max_size"), fail)?,
        name,
        token_sha256,
        buckets,
        key_prefix,
        methods,
        content_types,
    })
}

/// 64 hex digits (either case) as 32 bytes.
fn parse_sha256(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}
