//! `key_template`: how the Companion routes turn an uploaded file's name into
//! an object key (`${uuid}-${filename}` by default, as Companion does).

/// A checked key template with the placeholders `${uuid}` (a new random
/// UUID per upload) and `${filename}` (the name the browser sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTemplate(String);

impl KeyTemplate {
    /// Companion's default.
    pub const COMPANION_DEFAULT: &'static str = "${uuid}-${filename}";

    /// Checks that every `${...}` is a known placeholder and `${filename}`
    /// or `${uuid}` is present (else every upload would share one key).
    ///
    /// # Errors
    /// Why the template cannot be used.
    pub fn parse(template: &str) -> Result<Self, String> {
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(format!("{template:?} has an unclosed \"${{\""));
            };
            let name = &after[..end];
            if name != "uuid" && name != "filename" {
                return Err(format!(
                    "{template:?} uses ${{{name}}}: the placeholders are ${{uuid}} and ${{filename}}"
                ));
            }
            rest = &after[end + 1..];
        }
        if !template.contains("${uuid}") && !template.contains("${filename}") {
            return Err(format!(
                "{template:?} has neither ${{uuid}} nor ${{filename}}: every upload would get the same key"
            ));
        }
        Ok(Self(template.to_owned()))
    }

    /// The key for `filename`, with a new UUID.
    #[must_use]
    pub fn render(&self, filename: &str) -> String {
        let uuid = uuid::Uuid::new_v4().to_string();
        self.0
            .replace("${uuid}", &uuid)
            .replace("${filename}", filename)
    }
}

#[cfg(test)]
mod tests {
    use super::KeyTemplate;

    #[test]
    fn default_puts_a_uuid_before_the_name() {
        let template = KeyTemplate::parse(KeyTemplate::COMPANION_DEFAULT)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let key = template.render("cat.png");
        assert_eq!(key.len(), 36 + 1 + 7);
        assert!(key.ends_with("-cat.png"));
        assert_ne!(template.render("cat.png"), key, "a new uuid each time");
    }

    #[test]
    fn unknown_or_missing_placeholders_are_refused() {
        assert!(KeyTemplate::parse("uploads/${user}/${filename}").is_err());
        assert!(KeyTemplate::parse("uploads/fixed.bin").is_err());
        assert!(KeyTemplate::parse("uploads/${filename").is_err());
        assert!(KeyTemplate::parse("uploads/${uuid}").is_ok());
    }
}
