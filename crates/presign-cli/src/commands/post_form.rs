//! Reading a POST form from JSON: what `presign post --output json` prints,
//! what boto3's `generate_presigned_post` returns (`{"url": ..., "fields":
//! {...}}`), or the fields object alone. `presign upload --post` and
//! `presign verify --post` read it.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, anyhow};
use presign::PolicyValue;

/// A form: where it posts to (when the JSON says) and its fields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    pub(crate) url: Option<String>,
    pub(crate) fields: Vec<(String, String)>,
}

impl Form {
    /// Sets `name` to `value`: the field of that name (without regard to
    /// case) changes in place, or a new one goes last.
    pub(crate) fn set(&mut self, name: &str, value: &str) {
        match self
            .fields
            .iter_mut()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
        {
            Some((_, slot)) => value.clone_into(slot),
            None => self.fields.push((name.to_owned(), value.to_owned())),
        }
    }

    /// The value of the field `name` (without regard to case).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Reads the form in `path` (`-` for stdin).
pub(crate) fn read(path: &Path) -> anyhow::Result<Form> {
    let (text, source) = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the form from stdin")?;
        (text, "stdin".to_owned())
    } else {
        let mut text = String::new();
        crate::files::open(path, "the form ")?
            .read_to_string(&mut text)
            .with_context(|| format!("cannot read the form {}", path.display()))?;
        (text, path.display().to_string())
    };
    parse(&text).map_err(|message| anyhow!("the form {source} is not usable: {message}"))
}

/// The form in `text`.
fn parse(text: &str) -> Result<Form, String> {
    let value = PolicyValue::parse(text.trim_start_matches('\u{feff}'))
        .map_err(|error| format!("it is not JSON ({error})"))?;
    let PolicyValue::Object(members) = value else {
        return Err(
            "expected a JSON object: {\"url\": ..., \"fields\": {...}}, or the fields alone"
                .to_owned(),
        );
    };
    let member = |name: &str| {
        members
            .iter()
            .find(|(member, _)| member == name)
            .map(|(_, v)| v)
    };
    let (url, fields) = match member("fields") {
        Some(PolicyValue::Object(fields)) => {
            let url = match member("url") {
                None => None,
                Some(PolicyValue::String(url)) => Some(url.clone()),
                Some(_) => return Err("its \"url\" is not a string".to_owned()),
            };
            (url, fields)
        }
        Some(_) => return Err("its \"fields\" is not an object".to_owned()),
        None => (None, &members),
    };
    let fields = fields
        .iter()
        .map(|(name, value)| {
            field_text(value)
                .map(|text| (name.clone(), text))
                .ok_or_else(|| {
                    format!("the field {name:?} is not a string or a number (a form sends text)")
                })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Form { url, fields })
}

/// A field's text: strings as they are, numbers as JSON writes them (boto3
/// users pass `success_action_status` as `201`).
fn field_text(value: &PolicyValue) -> Option<String> {
    match value {
        PolicyValue::String(text) => Some(text.clone()),
        PolicyValue::Integer(number) => Some(number.to_string()),
        PolicyValue::Float(number) if number.is_finite() => Some(value.to_json()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_presigns_output_boto3s_answer_and_bare_fields_in_order() {
        let presign =
            parse(r#"{"url": "http://h/b", "fields": {"z": "1", "key": "k"}, "policy": {}}"#)
                .unwrap();
        assert_eq!(presign.url.as_deref(), Some("http://h/b"));
        assert_eq!(
            presign.fields,
            [
                ("z".to_owned(), "1".to_owned()),
                ("key".to_owned(), "k".to_owned())
            ]
        );
        let boto3 = parse(r#"{"fields": {"success_action_status": 201}, "url": "u"}"#).unwrap();
        assert_eq!(
            boto3.fields,
            [("success_action_status".to_owned(), "201".to_owned())]
        );
        let bare = parse(r#"{"key": "k", "policy": "p"}"#).unwrap();
        assert_eq!(bare.url, None);
        assert_eq!(bare.fields.len(), 2);
    }

    #[test]
    fn refuses_what_a_form_cannot_send() {
        for bad in [
            "",
            "[]",
            r#"{"fields": []}"#,
            r#"{"url": 1, "fields": {}}"#,
            r#"{"a": null}"#,
            r#"{"a": [1]}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn set_changes_a_field_in_place_or_adds_it() {
        let mut form = parse(r#"{"key": "k", "acl": "private"}"#).unwrap();
        form.set("KEY", "other");
        form.set("x-extra", "1");
        assert_eq!(form.get("key"), Some("other"));
        assert_eq!(form.fields[0].0, "key");
        assert_eq!(form.fields[2], ("x-extra".to_owned(), "1".to_owned()));
    }
}
