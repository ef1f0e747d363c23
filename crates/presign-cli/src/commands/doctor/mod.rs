//! `presign doctor [s3://BUCKET[/KEY]]`: the checks people otherwise do by
//! hand after a 403, run before: configuration, endpoint, clock,
//! credentials and region, and an object. Each check says what it found
//! and, when it fails, the flag or setting to change.

mod answer;
mod clock;
mod report;

use std::io::Read;
use std::time::{Duration, Instant, SystemTime};

use anyhow::anyhow;
use presign::{Addressing, Method, Presigned};
use presign_config::{Environment, Target};
use presign_http::{Failure, Http, Probe};

use crate::cli::{DoctorArgs, RequestExtras};
use crate::resolve::{self, RequestFlags, Resolved};
use crate::s3_uri;
pub(crate) use report::Report;
use report::{Check, Status};

/// How long the URLs doctor sends stay valid.
const PROBE_EXPIRY: Duration = Duration::from_secs(300);
/// The largest answer body read: S3 errors are small XML documents.
const MAX_BODY: u64 = 64 * 1024;
/// How long each request waits for its answer (and then its body): S3
/// answers these in milliseconds, and a server that took the connection and
/// says nothing must not leave doctor waiting for ever.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// Signs requests when no bucket is given (nothing is sent for it).
const NO_BUCKET: &str = "presign-doctor-no-bucket";

const CONFIGURATION: &str = "configuration";
const ENDPOINT: &str = "endpoint";
const OBJECT: &str = "object";

/// Runs every check. `extras` are the query parameters and headers of
/// `args`' request flags, in command-line order. `Err` is bad usage (a
/// malformed S3 URI or `--at`).
pub(crate) fn run(
    args: &DoctorArgs,
    extras: &RequestExtras,
    env: &Environment,
    now: SystemTime,
) -> anyhow::Result<Report> {
    let (bucket, key) = match args.target.as_deref() {
        Some(uri) => {
            let (bucket, key) = s3_uri::parse_bucket_prefix(uri).map_err(|m| anyhow!(m))?;
            if bucket.is_empty() {
                return Err(anyhow!(
                    "{uri:?} names no bucket: expected s3://BUCKET[/KEY]"
                ));
            }
            (Some(bucket), key)
        }
        None => (None, ""),
    };
    let clock_base = resolve::instant(args.request.signing.at.as_deref(), now)?;
    let started = Instant::now();
    let local_clock = || clock_base + started.elapsed();
    let mut checks = Vec::new();

    let setup = configuration(args, extras, env, bucket.unwrap_or(NO_BUCKET), key, now);
    let (resolved, http) = match setup {
        Ok((check, resolved, http)) => {
            checks.push(check);
            (resolved, http)
        }
        Err(check) => {
            checks.push(check);
            for name in [ENDPOINT, clock::NAME, answer::NAME, OBJECT] {
                checks.push(Check::skip(
                    name,
                    "skipped: the configuration is incomplete",
                ));
            }
            return Ok(Report::new(args.target.clone(), checks));
        }
    };
    let endpoint = resolved.target().endpoint.clone();

    let (endpoint_check, date) = endpoint_check(&http, &endpoint, &local_clock);
    let reachable = endpoint_check.status != Status::Fail;
    checks.push(endpoint_check);
    if !reachable {
        for name in [clock::NAME, answer::NAME, OBJECT] {
            checks.push(Check::skip(name, "skipped: the endpoint cannot be reached"));
        }
        return Ok(Report::new(args.target.clone(), checks));
    }
    let (date, local) = date;
    checks.push(clock::check(
        date.as_deref(),
        local,
        args.request.signing.at.is_some(),
    ));

    let Some(bucket) = bucket else {
        checks.push(Check::skip(
            answer::NAME,
            "skipped: give s3://BUCKET to check credentials and region against a bucket",
        ));
        checks.push(Check::skip(
            OBJECT,
            "skipped: give s3://BUCKET/KEY to check an object",
        ));
        return Ok(Report::new(args.target.clone(), checks));
    };
    let bucket_check = bucket_check(&http, &resolved, bucket)?;
    let credentials_ok = bucket_check.status != Status::Fail;
    checks.push(bucket_check);
    checks.push(if key.is_empty() {
        Check::skip(OBJECT, "skipped: give s3://BUCKET/KEY to check an object")
    } else if !credentials_ok {
        Check::skip(OBJECT, "skipped: the credentials and region check failed")
    } else {
        object_check(&http, &resolved, key)?
    });
    Ok(Report::new(args.target.clone(), checks))
}

/// The configuration check: resolves everything presigning resolves, plus
/// the HTTP agent (trust, proxy).
fn configuration(
    args: &DoctorArgs,
    extras: &RequestExtras,
    env: &Environment,
    bucket: &str,
    key: &str,
    now: SystemTime,
) -> Result<(Check, Resolved, Http), Check> {
    let fix = "see the message: it names the setting to change";
    let flags = RequestFlags {
        args: &args.request,
        extras,
        signature_version: None,
    };
    let resolved = resolve::resolve(flags, bucket, key, env, now)
        .map_err(|error| Check::fail(CONFIGURATION, format!("{error:#}"), fix))?;
    let http = crate::http::client(&args.tls, args.request.signing.profile.as_deref(), env)
        .map_err(|error| Check::fail(CONFIGURATION, format!("{error:#}"), fix))?;
    let target = resolved.target();
    let region = if target.region.is_empty() {
        "\"\" (empty)"
    } else {
        &target.region
    };
    let addressing = match presign_url(&resolved, target, Method::Get, "") {
        Ok(presigned) if bucket != NO_BUCKET => presigned.addressing().as_str().to_owned(),
        _ => format!("{} (decided per bucket)", target.addressing.as_str()),
    };
    let proxy = http.proxy_for(&target.endpoint).map_or_else(
        || "none".to_owned(),
        |p| format!("{} (from {})", p.url, p.source),
    );
    let mut check = Check::new(
        CONFIGURATION,
        Status::Pass,
        "credentials, region and endpoint resolved",
    )
    .detail(
        "access key id",
        format!(
            "{} ({})",
            resolved.credentials.access_key_id(),
            resolved.credentials_source
        ),
    )
    .detail("region", format!("{region} ({})", resolved.region_source))
    .detail(
        "endpoint",
        format!("{} ({})", target.endpoint, resolved.endpoint_source),
    )
    .detail("addressing style", addressing)
    .detail("trusted certificates", http.trust().to_string())
    .detail("proxy", proxy);
    if resolved.credentials.session_token().is_some() {
        let signed_at = resolved.signed_at;
        match resolved
            .credentials_expire_at
            .map(|expires| (resolve::rfc3339(expires), expires))
        {
            Some((text, expires)) if expires <= signed_at => {
                check = check
                    .detail("session token", format!("expired at {text}"))
                    .with_fix(
                        "get fresh temporary credentials (e.g. `aws sso login`, then eval \
                         \"$(aws configure export-credentials --format env)\")",
                    );
                check.status = Status::Fail;
                check.summary = format!("the session token expired at {text}");
            }
            Some((text, _)) => check = check.detail("session token", format!("expires at {text}")),
            None => check = check.detail("session token", "yes (expiry unknown)"),
        }
    } else {
        check = check.detail("session token", "none");
    }
    Ok((check, resolved, http))
}

/// A request sent and its answer.
struct Exchange {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: String,
    took: Duration,
}

/// Sends `method` to `url` (no body) and reads at most [`MAX_BODY`] of the
/// answer, waiting at most [`ANSWER_TIMEOUT`] for it; `Err` is the failure
/// in words, with the fix.
fn send(http: &Http, method: &str, url: &str) -> Result<Exchange, Failure> {
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .body(())
        .map_err(|error| Failure {
            problem: format!("cannot build a request for {url}: {error}"),
            fix: "check the endpoint URL (--endpoint-url)".to_owned(),
        })?;
    let agent = http.agent(url);
    let request = agent
        .configure_request(request)
        .timeout_recv_response(Some(ANSWER_TIMEOUT))
        .timeout_recv_body(Some(ANSWER_TIMEOUT))
        .build();
    let started = Instant::now();
    let mut response = agent
        .run(request)
        .map_err(|error| http.failure(url, &error))?;
    let took = started.elapsed();
    let mut body = Vec::new();
    let _ = response
        .body_mut()
        .as_reader()
        .take(MAX_BODY)
        .read_to_end(&mut body);
    Ok(Exchange {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(&body).into_owned(),
        took,
    })
}

fn header(exchange: &Exchange, name: &str) -> Option<String> {
    exchange
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn millis(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}

/// The endpoint check (DNS, TCP, proxy, TLS, an unsigned GET), and the
/// server's `Date` with what the local clock read when it came.
fn endpoint_check(
    http: &Http,
    endpoint: &str,
    local_clock: &dyn Fn() -> SystemTime,
) -> (Check, (Option<String>, SystemTime)) {
    let probe = http.probe(endpoint);
    let mut check = probe_details(Check::new(ENDPOINT, Status::Pass, ""), &probe);
    let failure = [
        probe.dns.result.as_ref().err(),
        probe.tcp.as_ref().and_then(|s| s.result.as_ref().err()),
        probe.tunnel.as_ref().and_then(|s| s.result.as_ref().err()),
        probe
            .tls
            .as_ref()
            .and_then(|t| t.step.result.as_ref().err()),
    ]
    .into_iter()
    .flatten()
    .next();
    if let Some(failure) = failure {
        check.status = Status::Fail;
        check.summary.clone_from(&failure.problem);
        check.fix = Some(failure.fix.clone());
        return (check, (None, local_clock()));
    }
    match send(http, "GET", endpoint) {
        Ok(exchange) => {
            let local = local_clock() - exchange.took / 2;
            check.summary = format!(
                "{} answered HTTP {} in {}",
                probe.target,
                exchange.status,
                millis(exchange.took)
            );
            check = check.detail(
                "http",
                format!(
                    "GET {endpoint}: HTTP {} in {}",
                    exchange.status,
                    millis(exchange.took)
                ),
            );
            (check, (header(&exchange, "date"), local))
        }
        Err(failure) => {
            check.status = Status::Fail;
            check.summary = failure.problem;
            check.fix = Some(failure.fix);
            (check, (None, local_clock()))
        }
    }
}

/// DNS, TCP, proxy and TLS details of a probe.
fn probe_details(mut check: Check, probe: &Probe) -> Check {
    if let Ok(addresses) = &probe.dns.result {
        let list: Vec<String> = addresses.iter().map(|a| a.ip().to_string()).collect();
        check = check.detail(
            "dns",
            format!("{} in {}", list.join(", "), millis(probe.dns.took)),
        );
    }
    if let Some(Step {
        took,
        result: Ok(address),
    }) = &probe.tcp
    {
        check = check.detail(
            "tcp",
            format!("connected to {address} in {}", millis(*took)),
        );
    }
    check = check.detail(
        "proxy",
        match (&probe.proxy, &probe.tunnel) {
            (Some(proxy), Some(tunnel)) if tunnel.result.is_ok() => format!(
                "{} (from {}): CONNECT {} in {}",
                proxy.url,
                proxy.source,
                probe.target,
                millis(tunnel.took)
            ),
            (Some(proxy), _) => format!("{} (from {})", proxy.url, proxy.source),
            (None, _) => "none (direct connection)".to_owned(),
        },
    );
    if let Some(tls) = &probe.tls {
        if let Ok(version) = &tls.step.result {
            check = check.detail("tls", format!("{version} in {}", millis(tls.step.took)));
        }
        if let Some(peer) = &tls.peer {
            check = check.detail(
                "certificate",
                format!(
                    "{} for {}, issued by {}, valid until {}",
                    peer.subject,
                    peer.names.join(", "),
                    peer.issuer,
                    peer.not_after
                ),
            );
        }
    }
    check
}

use presign_http::Step;

/// A URL for `key` of the target's bucket, signed as presigning would.
fn presign_url(
    resolved: &Resolved,
    target: &Target,
    method: Method,
    key: &str,
) -> anyhow::Result<Presigned> {
    let query = if key.is_empty() && method == Method::Get {
        vec![
            ("list-type".to_owned(), "2".to_owned()),
            ("max-keys".to_owned(), "0".to_owned()),
        ]
    } else {
        Vec::new()
    };
    let request = target
        .request(method, key, PROBE_EXPIRY, &query, &[])
        .bucket_operation(key.is_empty());
    presign::presign(&request, &resolved.credentials, resolved.signed_at)
        .map_err(resolve::with_cli_hint)
}

/// Sends the presigned bucket request (a zero-key listing) with `target`'s
/// addressing style.
fn try_bucket(
    http: &Http,
    resolved: &Resolved,
    target: &Target,
) -> anyhow::Result<(Presigned, Result<answer::Answer, Failure>)> {
    let presigned = presign_url(resolved, target, Method::Get, "")?;
    let answer = send(http, "GET", presigned.url()).map(|exchange| {
        answer::Answer::new(
            exchange.status,
            header(&exchange, "x-amz-bucket-region"),
            header(&exchange, "content-type").as_deref(),
            &exchange.body,
        )
    });
    Ok((presigned, answer))
}

/// Credentials and region: one presigned request for the bucket; when it
/// fails for a reason other than keys, region or clock, the other
/// addressing style is tried.
fn bucket_check(http: &Http, resolved: &Resolved, bucket: &str) -> anyhow::Result<Check> {
    let target = resolved.target();
    let (presigned, first) = try_bucket(http, resolved, target)?;
    let signed = answer::Signed {
        bucket,
        access_key_id: resolved.credentials.access_key_id(),
        credentials_source: &resolved.credentials_source,
        region: &target.region,
        region_source: &resolved.region_source,
        endpoint: &target.endpoint,
        endpoint_configured: !resolved.endpoint_source.starts_with("AWS default"),
    };
    let used = presigned.addressing();
    let check = match &first {
        Ok(answer) => answer::bucket_check(answer, &signed),
        Err(failure) => Check::fail(
            answer::NAME,
            format!("the bucket request failed: {}", failure.problem),
            &failure.fix,
        ),
    };
    let blames_setup = first.as_ref().is_ok_and(|answer| {
        matches!(
            answer.code(),
            Some("InvalidAccessKeyId" | "NotSignedUp" | "SignatureDoesNotMatch")
        ) || answer.expected_region().is_some()
            || answer::blames_clock(answer)
    });
    if check.status != Status::Fail || blames_setup {
        return Ok(check);
    }
    let other = match used {
        Addressing::VirtualHost => Addressing::Path,
        _ => Addressing::VirtualHost,
    };
    let mut other_target = target.clone();
    other_target.addressing = other;
    let Ok((other_presigned, Ok(other_answer))) = try_bucket(http, resolved, &other_target) else {
        return Ok(check);
    };
    if other_presigned.addressing() == used || !(200..300).contains(&other_answer.status) {
        return Ok(check);
    }
    let flag = if other == Addressing::Path {
        "path"
    } else {
        "virtual"
    };
    Ok(Check::fail(
        answer::NAME,
        format!(
            "bucket {bucket} fails with {} addressing ({}) but answers with {} addressing",
            used.as_str(),
            check.summary,
            other.as_str()
        ),
        format!(
            "pass --addressing-style {flag} (or set addressing_style = {flag} in the profile's s3 section)"
        ),
    ))
}

/// The object check: a presigned HEAD of the key.
fn object_check(http: &Http, resolved: &Resolved, key: &str) -> anyhow::Result<Check> {
    let presigned = presign_url(resolved, resolved.target(), Method::Head, key)?;
    let exchange = match send(http, "HEAD", presigned.url()) {
        Ok(exchange) => exchange,
        Err(failure) => {
            return Ok(Check::fail(
                OBJECT,
                format!("HEAD {key:?} failed: {}", failure.problem),
                failure.fix,
            ));
        }
    };
    Ok(match exchange.status {
        200..=299 => {
            let size = header(&exchange, "content-length").unwrap_or_else(|| "?".to_owned());
            let content_type =
                header(&exchange, "content-type").unwrap_or_else(|| "no content type".to_owned());
            let mut check = Check::new(
                OBJECT,
                Status::Pass,
                format!("{key:?} exists: {size} bytes, {content_type}"),
            );
            if let Some(modified) = header(&exchange, "last-modified") {
                check = check.detail("last modified", modified);
            }
            if let Some(etag) = header(&exchange, "etag") {
                check = check.detail("etag", etag);
            }
            check
        }
        404 => Check::fail(
            OBJECT,
            format!(
                "there is no object {key:?} in bucket {} (HTTP 404)",
                presigned.bucket()
            ),
            "check the key: everything after s3://BUCKET/ is the key, verbatim (case, slashes, spaces)",
        ),
        403 => Check::fail(
            OBJECT,
            format!("HEAD {key:?} was refused (HTTP 403)"),
            "these credentials may not read the object (grant s3:GetObject); some servers also \
             answer 403 for a missing key when listing is not allowed",
        ),
        status => Check::fail(
            OBJECT,
            format!("HEAD {key:?} answered HTTP {status}"),
            "see the server's logs",
        ),
    })
}
