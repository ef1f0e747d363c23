//! One input line in, one output line out: parsing the line (plain key or
//! JSON object), signing it, writing it in the chosen format.

use std::time::{Duration, SystemTime};

use presign::{BatchSigner, Credentials, Method, PresignError, PresignRequest};
use serde::Deserialize;

use crate::cli::{InputFormat, OutputFormat};
use crate::duration::parse_expires_in;
use crate::resolve::Resolved;

/// What the lines of a batch share while its credentials stay the same.
pub(crate) struct LineContext<'a> {
    pub(crate) signer: BatchSigner,
    /// The credentials and signing instant of the signer, for lines with
    /// overrides of their own.
    pub(crate) credentials: Credentials,
    pub(crate) signed_at: SystemTime,
    pub(crate) resolved: &'a Resolved,
    pub(crate) prefix: &'a str,
    pub(crate) input_format: InputFormat,
    pub(crate) output_format: OutputFormat,
    /// `expires_at` of every URL, RFC 3339 (for jsonl output).
    pub(crate) expires_at: String,
    /// `--signature-version s3` (or the profile's): every line is signed
    /// with SigV2, one at a time.
    sigv2: bool,
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

/// Reusable buffers of one worker: two lines' keys and URLs, so that lines
/// using the batch's settings are signed two at a time
/// ([`BatchSigner::sign_two_into`], which overlaps the two hashes).
#[derive(Default)]
pub(crate) struct Scratch {
    slots: [Slot; 2],
}

#[derive(Default)]
struct Slot {
    key: String,
    url: String,
}

/// How a parsed line gets its URL.
enum Parsed {
    /// With the batch's own settings, by the shared signer; not signed yet.
    Shared,
    /// With overrides of its own: already signed into the slot's URL.
    Own { expires_at: String },
}

/// Bad lines of a chunk: `(line number, message)`.
pub(crate) type LineErrors = Vec<(u64, String)>;

impl<'a> LineContext<'a> {
    /// The context for the batch's request in `resolved`, signed with
    /// `credentials` as of `signed_at`.
    pub(crate) fn new(
        resolved: &'a Resolved,
        prefix: &'a str,
        (input_format, output_format): (InputFormat, OutputFormat),
        credentials: Credentials,
        signed_at: SystemTime,
    ) -> Result<Self, PresignError> {
        let signer = BatchSigner::new(&resolved.request, &credentials, signed_at)?;
        let sigv2 = resolved.signature_version.value == presign_config::SignatureVersion::S3;
        if sigv2 {
            // What SigV2 cannot sign is refused before the first line, as
            // every other bad option is (the key is the lines' own).
            presign::presign_v2(
                &resolved.request.clone().with_key("key"),
                &credentials,
                signed_at,
            )?;
        }
        Ok(Self {
            sigv2,
            expires_at: presign::rfc3339(signer.expires_at()),
            signer,
            credentials,
            signed_at,
            resolved,
            prefix,
            input_format,
            output_format,
        })
    }

    /// The same context with other credentials, as of `signed_at`.
    pub(crate) fn renewed(
        &self,
        credentials: Credentials,
        signed_at: SystemTime,
    ) -> Result<Self, PresignError> {
        Self::new(
            self.resolved,
            self.prefix,
            (self.input_format, self.output_format),
            credentials,
            signed_at,
        )
    }
}

impl LineContext<'_> {
    /// Signs `lines` (numbered, without their line breaks) and appends their
    /// output lines, in input order. A bad line is recorded in `errors` and
    /// nothing is written for it; unless `keep_going`, it is the chunk's last.
    pub(crate) fn sign_lines<'l>(
        &self,
        lines: impl Iterator<Item = (u64, &'l [u8])>,
        keep_going: bool,
        out: &mut String,
        scratch: &mut Scratch,
        errors: &mut LineErrors,
    ) {
        let mut record = |number: u64, result: Result<(), String>| match result {
            Ok(()) => true,
            Err(message) => {
                errors.push((number, message));
                keep_going
            }
        };
        // The line number of a parsed key waiting in slot 0 for a partner.
        let mut waiting: Option<u64> = None;
        for (number, line) in lines {
            let index = usize::from(waiting.is_some());
            let parsed = self.parse(line, &mut scratch.slots[index]);
            if !matches!(parsed, Ok(Parsed::Shared))
                && let Some(first_number) = waiting.take()
                && !record(first_number, self.sign_alone(&mut scratch.slots[0], out))
            {
                // This line cannot be paired, so the waiting one went first,
                // alone, and was bad.
                return;
            }
            let result = match parsed {
                Ok(Parsed::Shared) => {
                    let Some(first_number) = waiting.take() else {
                        waiting = Some(number);
                        continue;
                    };
                    let [first, second] = self.sign_two(scratch);
                    let first =
                        first.and_then(|()| self.write(&scratch.slots[0], &self.expires_at, out));
                    if !record(first_number, first) {
                        return;
                    }
                    second.and_then(|()| self.write(&scratch.slots[1], &self.expires_at, out))
                }
                Ok(Parsed::Own { expires_at }) => {
                    self.write(&scratch.slots[index], &expires_at, out)
                }
                Err(message) => Err(message),
            };
            if !record(number, result) {
                return;
            }
        }
        if let Some(number) = waiting {
            record(number, self.sign_alone(&mut scratch.slots[0], out));
        }
    }

    /// Fills `slot` from one input line: the key (with the batch's prefix)
    /// and, for a JSON line with overrides, its URL.
    fn parse(&self, line: &[u8], slot: &mut Slot) -> Result<Parsed, String> {
        let text =
            std::str::from_utf8(line).map_err(|_| "the line is not valid UTF-8".to_owned())?;
        slot.key.clear();
        slot.url.clear();
        match self.input_format {
            InputFormat::Lines => {
                let key = text.strip_suffix('\r').unwrap_or(text);
                if key.is_empty() {
                    return Err("the line is empty: expected an object key".to_owned());
                }
                slot.key.push_str(self.prefix);
                slot.key.push_str(key);
                if self.sigv2 {
                    return self.sign_v2(None, slot);
                }
                Ok(Parsed::Shared)
            }
            InputFormat::Jsonl => {
                let parsed: JsonLine =
                    serde_json::from_str(text).map_err(|e| json_error(&e, text))?;
                if parsed.key.is_empty() {
                    return Err("\"key\" is empty: expected an object key".to_owned());
                }
                slot.key.push_str(self.prefix);
                slot.key.push_str(&parsed.key);
                if self.sigv2 {
                    let request = self.request_for(&parsed, &slot.key)?;
                    return self.sign_v2(request, slot);
                }
                let Some(request) = self.request_for(&parsed, &slot.key)? else {
                    return Ok(Parsed::Shared);
                };
                let presigned = presign::presign(&request, &self.credentials, self.signed_at)
                    .map_err(|e| e.to_string())?;
                slot.url.push_str(presigned.url());
                let expires_at = presign::rfc3339(presigned.expires_at());
                Ok(Parsed::Own { expires_at })
            }
        }
    }

    /// Signs the slot's key with SigV2 into its URL: with `request` (a JSON
    /// line's overrides), else with the batch's request.
    fn sign_v2(&self, request: Option<PresignRequest>, slot: &mut Slot) -> Result<Parsed, String> {
        let request =
            request.unwrap_or_else(|| self.resolved.request.clone().with_key(slot.key.as_str()));
        let presigned = presign::presign_v2(&request, &self.credentials, self.signed_at)
            .map_err(|e| e.to_string())?;
        slot.url.push_str(presigned.url());
        let expires_at = presign::rfc3339(presigned.expires_at());
        Ok(Parsed::Own { expires_at })
    }

    /// Signs the keys of both slots side by side, into their URLs.
    fn sign_two(&self, scratch: &mut Scratch) -> [Result<(), String>; 2] {
        let [first, second] = &mut scratch.slots;
        self.signer
            .sign_two_into([&first.key, &second.key], [&mut first.url, &mut second.url])
            .map(|result| result.map_err(|e| e.to_string()))
    }

    /// Signs the key of one slot and writes its line.
    fn sign_alone(&self, slot: &mut Slot, out: &mut String) -> Result<(), String> {
        self.signer
            .sign_into(&slot.key, &mut slot.url)
            .map_err(|e| e.to_string())?;
        self.write(slot, &self.expires_at, out)
    }

    fn write(&self, slot: &Slot, expires_at: &str, out: &mut String) -> Result<(), String> {
        write_output(self.output_format, &slot.key, &slot.url, expires_at, out)
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
                .target()
                .request(method, key, expires_in, &query, &headers),
        ))
    }
}

/// serde's message without its "at line 1 column N" (the line is the input
/// line, named by the caller; the column is kept).
/// The shape of a JSON input line, for messages.
const JSON_LINE_SHAPE: &str = "an object such as {\"key\": \"a.png\"}, with optional \
     \"method\", \"expires_in\", \"headers\" and \"query\"";

/// Why `text` is not a JSON input line: a line of valid JSON that is not an
/// object is named for what it is (serde's own words would speak of a
/// struct and its element count), with the shape that is accepted.
fn json_error(error: &serde_json::Error, text: &str) -> String {
    let kind = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(_)) => Some("an array"),
        Ok(serde_json::Value::String(_)) => Some("a string"),
        Ok(serde_json::Value::Number(_)) => Some("a number"),
        Ok(serde_json::Value::Bool(_)) => Some("a boolean"),
        Ok(serde_json::Value::Null) => Some("null"),
        Ok(serde_json::Value::Object(_)) | Err(_) => None,
    };
    if let Some(kind) = kind {
        return format!("the JSON line is {kind}; each line must be {JSON_LINE_SHAPE}");
    }
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or_default();
    let message = message.replace("struct JsonLine", JSON_LINE_SHAPE);
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
