//! `presign inspect URL`: what a presigned URL holds, read without
//! credentials. Nothing here is checked against a secret; the session token
//! is reported as present or absent, never shown.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::anyhow;
use presign::{AmzDate, PresignedUrl};
use serde::Serialize;

use crate::cli::{InspectArgs, InspectOutput};
use crate::commands::transfer::human_duration;
use crate::resolve;

/// Everything `inspect` shows, as `--output json` writes it.
#[derive(Debug, Serialize)]
struct Inspection {
    endpoint: String,
    host: String,
    /// `path` or `virtual`.
    addressing_style: &'static str,
    addressing_style_guessed: bool,
    bucket: String,
    key: String,
    access_key_id: String,
    region: String,
    service: String,
    signed_at: String,
    expires_in: u64,
    expires_at: String,
    /// The instant the time left is counted from (`--at`, else now).
    now: String,
    expired: bool,
    /// Seconds from `now` to the expiry; negative once expired.
    time_left_seconds: i64,
    signed_headers: Vec<String>,
    session_token: bool,
    /// The query parameters besides the SigV4 ones, decoded, in URL order.
    query: Vec<(String, String)>,
}

/// The text to print for `presign inspect`.
pub(crate) fn run(args: &InspectArgs, now: SystemTime) -> anyhow::Result<String> {
    let now = resolve::instant(args.at.as_deref(), now)?;
    let url = PresignedUrl::parse(&args.url)
        .map_err(|error| anyhow!("this is not a presigned URL: {error}"))?;
    let inspection = inspect(&url, now);
    Ok(match args.output {
        InspectOutput::Json => {
            let mut text = serde_json::to_string_pretty(&inspection)?;
            text.push('\n');
            text
        }
        InspectOutput::Text => render_text(&inspection),
    })
}

fn inspect(url: &PresignedUrl, now: SystemTime) -> Inspection {
    let location = url.location();
    let now_unix = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let expires_at = url.expires_at_unix();
    let time_left_seconds = if expires_at >= now_unix {
        i64::try_from(expires_at - now_unix).unwrap_or(i64::MAX)
    } else {
        i64::try_from(now_unix - expires_at).map_or(i64::MIN, |ago| -ago)
    };
    Inspection {
        endpoint: format!("{}://{}", url.scheme().to_ascii_lowercase(), url.host()),
        host: url.host().to_owned(),
        addressing_style: location.addressing().as_str(),
        addressing_style_guessed: location.is_guess(),
        bucket: location.bucket().to_owned(),
        key: location.key().to_owned(),
        access_key_id: url.access_key_id().to_owned(),
        region: url.scope().region().to_owned(),
        service: url.scope().service().to_owned(),
        signed_at: url.signed_at().to_rfc3339(),
        expires_in: url.expires_in(),
        expires_at: rfc3339(expires_at),
        now: rfc3339(now_unix),
        expired: now_unix >= expires_at,
        time_left_seconds,
        signed_headers: url.signed_headers().to_vec(),
        session_token: url.has_session_token(),
        query: url.extra_query().cloned().collect(),
    }
}

fn render_text(inspection: &Inspection) -> String {
    let mut lines: Vec<(&str, String)> = vec![("endpoint", inspection.endpoint.clone())];
    let style = match inspection.addressing_style {
        "virtual" => "virtual-hosted",
        other => other,
    };
    lines.push((
        "addressing",
        if inspection.addressing_style_guessed {
            format!(
                "{style} (a guess: {} is not a known S3 service host, so bucket and key may be \
                 split differently)",
                display(&inspection.host)
            )
        } else {
            style.to_owned()
        },
    ));
    lines.push(("bucket", display(&inspection.bucket)));
    lines.push(("key", display(&inspection.key)));
    lines.push(("access key id", display(&inspection.access_key_id)));
    lines.push(("region", display(&inspection.region)));
    if inspection.service != "s3" {
        lines.push(("service", display(&inspection.service)));
    }
    lines.push(("signed at", inspection.signed_at.clone()));
    lines.push((
        "expires at",
        format!(
            "{} ({} after signing)",
            inspection.expires_at,
            human_duration(Duration::from_secs(inspection.expires_in))
        ),
    ));
    let left = Duration::from_secs(inspection.time_left_seconds.unsigned_abs());
    lines.push((
        "time left",
        if inspection.expired {
            format!(
                "none: expired {} ago (as of {})",
                human_duration(left),
                inspection.now
            )
        } else {
            format!("{} (as of {})", human_duration(left), inspection.now)
        },
    ));
    lines.push(("signed headers", inspection.signed_headers.join(", ")));
    lines.push((
        "session token",
        if inspection.session_token {
            "present (not shown)"
        } else {
            "none"
        }
        .to_owned(),
    ));
    if inspection.query.is_empty() {
        lines.push(("query", "none besides the signature's".to_owned()));
    }
    for (name, value) in &inspection.query {
        lines.push(("query", format!("{}={}", display(name), display(value))));
    }
    let mut text = String::new();
    for (label, value) in lines {
        let _ = writeln!(text, "{label:<15} {value}");
    }
    text
}

/// `text` as is, or quoted and escaped when it is empty, has blanks at
/// either end or holds control characters (which would garble a terminal).
fn display(text: &str) -> String {
    if text.is_empty() || text.trim() != text || text.chars().any(char::is_control) {
        format!("{text:?}")
    } else {
        text.to_owned()
    }
}

/// RFC 3339 of a Unix time, or the number when it is past the year 9999.
fn rfc3339(unix_seconds: u64) -> String {
    AmzDate::from_unix_seconds(unix_seconds).map_or_else(
        |_| format!("{unix_seconds} s after 1970 (past the year 9999)"),
        |date| date.to_rfc3339(),
    )
}

#[cfg(test)]
mod tests {
    use super::display;

    #[test]
    fn empty_padded_and_control_character_values_are_quoted() {
        assert_eq!(display("us-east-1"), "us-east-1");
        assert_eq!(display("a b.txt"), "a b.txt");
        assert_eq!(display(""), "\"\"");
        assert_eq!(display(" a"), "\" a\"");
        assert_eq!(display("a\nb\u{1b}[31m"), "\"a\\nb\\u{1b}[31m\"");
    }
}
