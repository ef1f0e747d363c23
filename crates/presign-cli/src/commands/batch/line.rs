//! One input line in, one output line out: parsing the line (plain key or
//! JSON object), signing it, writing it in the chosen format.

use std::time::Duration;

use presign::{AmzDate, BatchSigner, Method, PresignRequest};
use serde::Deserialize;

use crate::cli::{InputFormat, OutputFormat};
use crate::duration::parse_expires_in;
use crate::resolve::Resolved;

/// What every line of a batch shares.
pub(crate) struct LineContext<'a> {
    pub(crate) signer: BatchSigner,
    pub(crate) resolved: &'a Resolved,
    pub(crate) prefix: &'a str,
    pub(crate) input_format: InputFormat,
    pub(crate) output_format: OutputFormat,
    /// `expires_at` of every URL, RFC 3339 (for jsonl output).
    pub(crate) expires_at: String,
}

/// A JSON input line: a key and optional per-key overrides.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLine {
    key: String,
    method: Option<String>,
    expires_in: Option<serde_json::Value>,
    headers: Option<serde_json::Map<String, serde_json::Value>>,
    query: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Reusable buffers of one worker.
#[derive(Default)]
pub(crate) struct Scratch {
    key: String,
    url: String,
}

impl LineContext<'_> {
    /// Signs one line (without its line break) and appends its output line.
    /// On error nothing is appended.
    pub(crate) fn sign_line(
        &self,
        line: &[u8],
        out: &mut String,
        scratch: &mut Scratch,
    ) -> Result<(), String> {
        let text =
            std::str::from_utf8(line).map_err(|_| "the line is not valid UTF-8".to_owned())?;
        scratch.key.clear();
        scratch.url.clear();
        let mut own_expiry = None;
        match self.input_format {
            InputFormat::Lines => {
                let key = text.strip_suffix('\r').unwrap_or(text);
                if key.is_empty() {
                    return Err("the line is empty: expected an object key".to_owned());
                }
                scratch.key.push_str(self.prefix);
                scratch.key.push_str(key);
                self.signer
                    .sign_into(&scratch.key, &mut scratch.url)
                    .map_err(|e| e.to_string())?;
            }
            InputFormat::Jsonl => {
                let parsed: JsonLine = serde_json::from_str(text).map_err(|e| json_error(&e))?;
                if parsed.key.is_empty() {
                    return Err("\"key\" is empty: expected an object key".to_owned());
                }
                scratch.key.push_str(self.prefix);
                scratch.key.push_str(&parsed.key);
                match self.request_for(&parsed, &scratch.key)? {
                    None => self
                        .signer
                        .sign_into(&scratch.key, &mut scratch.url)
                        .map_err(|e| e.to_string())?,
                    Some(request) => {
                        let presigned = presign::presign(
                            &request,
                            &self.resolved.credentials,
                            self.resolved.signed_at,
                        )
                        .map_err(|e| e.to_string())?;
                        scratch.url.push_str(presigned.url());
                        own_expiry = Some(
                            AmzDate::from_system_time(presigned.expires_at())
                                .map(|d| d.to_rfc3339())
                                .unwrap_or_default(),
                        );
                    }
                }
            }
        }
        let expires_at = own_expiry.as_deref().unwrap_or(&self.expires_at);
        write_output(
            self.output_format,
            &scratch.key,
            &scratch.url,
            expires_at,
            out,
        )
    }

    /// The request for a JSON line that overrides something, or `None` when
    /// the batch's own settings apply.
    fn request_for(&self, line: &JsonLine, key: &str) -> Result<Option<PresignRequest>, String> {
        if line.method.is_none()
            && line.expires_in.is_none()
            && line.headers.is_none()
            && line.query.is_none()
        {
            return Ok(None);
        }
        let template = &self.resolved.request;
        let method = match &line.method {
            Some(text) => text.parse::<Method>().map_err(|e| e.to_string())?,
            None => template.method(),
        };
        let expires_in = match &line.expires_in {
            None => template.expiry(),
            Some(serde_json::Value::Number(n)) => {
                let seconds = n
                    .as_u64()
                    .ok_or_else(|| format!("\"expires_in\" must be whole seconds, got {n}"))?;
                Duration::from_secs(seconds)
            }
            Some(serde_json::Value::String(text)) => Duration::from_secs(parse_expires_in(text)?),
            Some(other) => {
                return Err(format!(
                    "\"expires_in\" must be a number or a string such as \"10m\", got {other}"
                ));
            }
        };
        let query = match &line.query {
            Some(map) => string_pairs(map, "query")?,
            None => template.query_pairs().to_vec(),
        };
        let headers = match &line.headers {
            Some(map) => string_pairs(map, "headers")?,
            None => template.header_pairs().to_vec(),
        };
        Ok(Some(
            self.resolved
                .request_with(method, key, expires_in, &query, &headers),
        ))
    }
}

/// serde's message without its "at line 1 column N" (the line is the input
/// line, named by the caller; the column is kept).
fn json_error(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or_default();
    format!("invalid JSON line (column {}): {message}", error.column())
}

fn string_pairs(
    map: &serde_json::Map<String, serde_json::Value>,
    field: &str,
) -> Result<Vec<(String, String)>, String> {
    map.iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => Ok((name.clone(), text.clone())),
            other => Err(format!(
                "\"{field}\".\"{name}\" must be a string, got {other}"
            )),
        })
        .collect()
}

/// Appends one output line for `key` and its `url`.
fn write_output(
    format: OutputFormat,
    key: &str,
    url: &str,
    expires_at: &str,
    out: &mut String,
) -> Result<(), String> {
    match format {
        OutputFormat::Url => out.push_str(url),
        OutputFormat::Tsv => {
            if key.contains(['\t', '\n', '\r']) {
                return Err("the key holds a tab or a line break, which tsv cannot carry; use --output-format csv or jsonl".to_owned());
            }
            out.push_str(key);
            out.push('\t');
            out.push_str(url);
        }
        OutputFormat::Csv => {
            push_csv_field(out, key);
            out.push(',');
            push_csv_field(out, url);
        }
        OutputFormat::Jsonl => {
            #[derive(serde::Serialize)]
            struct JsonOut<'a> {
                key: &'a str,
                url: &'a str,
                expires_at: &'a str,
            }
            let json = serde_json::to_string(&JsonOut {
                key,
                url,
                expires_at,
            })
            .map_err(|e| e.to_string())?;
            out.push_str(&json);
        }
    }
    out.push('\n');
    Ok(())
}

/// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
fn push_csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut out = String::new();
        push_csv_field(&mut out, "plain/key.txt");
        out.push('|');
        push_csv_field(&mut out, "a,b \"c\"\nd");
        assert_eq!(out, "plain/key.txt|\"a,b \"\"c\"\"\nd\"");
    }

    #[test]
    fn tsv_refuses_keys_it_cannot_carry() {
        let mut out = String::new();
        assert!(write_output(OutputFormat::Tsv, "a\tb", "u", "t", &mut out).is_err());
        assert_eq!(out, "");
        write_output(OutputFormat::Tsv, "a b", "u", "t", &mut out).unwrap();
        assert_eq!(out, "a b\tu\n");
    }

    #[test]
    fn jsonl_output_escapes_the_key() {
        let mut out = String::new();
        write_output(
            OutputFormat::Jsonl,
            "a\"b\n",
            "https://h/x",
            "2013-05-25T00:00:00Z",
            &mut out,
        )
        .unwrap();
        assert_eq!(
            out,
            "{\"key\":\"a\\\"b\\n\",\"url\":\"https://h/x\",\"expires_at\":\"2013-05-25T00:00:00Z\"}\n"
        );
    }
}
