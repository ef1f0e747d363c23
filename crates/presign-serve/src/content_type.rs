//! Allowed content types: exact (`image/png`), a family (`image/*`) or any
//! (`*/*`), compared without case and without parameters (`; charset=...`).
//!
//! A wildcard never admits a type a browser runs script in (SVG, HTML,
//! XHTML, XML, XSL, JavaScript): `image/*` admits `image/png` but not
//! `image/svg+xml`, which must be listed by name. No list is the widest
//! wildcard: it admits what `*/*` does (finding 19). The value compared is
//! one media type, parsed by [`crate::input::media_type`] first.

/// A list of allowed content types; empty allows any type but the
/// script-capable ones, as `*/*` does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentTypes(Vec<String>);

impl ContentTypes {
    /// Checks and lower-cases each pattern.
    ///
    /// # Errors
    /// The index of the first bad pattern and why.
    pub fn parse(patterns: &[String]) -> Result<Self, (usize, String)> {
        let mut out = Vec::with_capacity(patterns.len());
        for (index, pattern) in patterns.iter().enumerate() {
            let lower = pattern.trim().to_ascii_lowercase();
            let valid = match lower.split_once('/') {
                Some(("*", "*")) => true,
                Some((kind, "*")) => is_token(kind),
                Some((kind, subtype)) => is_token(kind) && is_token(subtype),
                None => false,
            };
            if !valid {
                return Err((
                    index,
                    format!("{pattern:?} is not a content type: use type/subtype, type/* or */*"),
                ));
            }
            out.push(lower);
        }
        Ok(Self(out))
    }

    /// Whether no list was given: any type but the script-capable ones is
    /// allowed, and an upload need not name one.
    #[must_use]
    pub fn allows_any(&self) -> bool {
        self.0.is_empty()
    }

    /// The patterns, lower-cased.
    #[must_use]
    pub fn patterns(&self) -> &[String] {
        &self.0
    }

    /// Whether `content_type` (one concrete media type; a wildcard or a
    /// list never is) is allowed.
    #[must_use]
    pub fn allows(&self, content_type: &str) -> bool {
        crate::input::media_type("content type", content_type)
            .is_ok_and(|parsed| self.allows_type(&parsed))
    }

    /// [`ContentTypes::allows`] for a media type already parsed.
    pub(crate) fn allows_type(&self, parsed: &crate::input::MediaType) -> bool {
        let essence = parsed.essence.as_str();
        let wildcard_may = !runs_script(essence);
        if self.0.is_empty() {
            return wildcard_may;
        }
        let Some((kind, _)) = essence.split_once('/') else {
            return false;
        };
        self.0.iter().any(|pattern| match pattern.split_once('/') {
            Some(("*", "*")) => wildcard_may,
            Some((family, "*")) => wildcard_may && family == kind,
            _ => *pattern == essence,
        })
    }
}

/// Types a browser runs script in when it opens them from the bucket's
/// origin: they are allowed only when listed by name. `text/xsl` is no
/// `+xml` type, but Chromium opens it as an XML document and runs the
/// script of an XHTML body (finding 16).
fn runs_script(essence: &str) -> bool {
    essence.ends_with("+xml")
        || essence.ends_with("/xml")
        || essence == "text/xsl"
        || essence.contains("html")
        || essence.contains("javascript")
        || essence.contains("ecmascript")
}

/// An RFC 9110 token ([`crate::input::is_token`]) that is not the wildcard.
fn is_token(text: &str) -> bool {
    crate::input::is_token(text) && text != "*"
}

#[cfg(test)]
mod tests {
    use super::ContentTypes;

    fn list(patterns: &[&str]) -> ContentTypes {
        let owned: Vec<String> = patterns.iter().map(|p| (*p).to_owned()).collect();
        ContentTypes::parse(&owned).unwrap_or_else(|(i, e)| unreachable!("{i}: {e}"))
    }

    #[test]
    fn exact_family_and_any() {
        let types = list(&["image/*", "application/pdf"]);
        assert!(types.allows("image/png"));
        assert!(types.allows("IMAGE/PNG; charset=x"));
        assert!(!types.allows("image/*"));
        assert!(!types.allows("image/png;,text/html"));
        assert!(!types.allows("image/svg+xml"));
        assert!(list(&["image/svg+xml"]).allows("image/svg+xml"));
        assert!(!list(&["*/*"]).allows("text/html"));
        assert!(list(&["text/html"]).allows("text/html"));
        assert!(!list(&["text/*"]).allows("text/xsl"));
        assert!(!list(&["*/*"]).allows("TEXT/XSL; charset=utf-8"));
        assert!(list(&["text/xsl"]).allows("text/xsl"));
        assert!(types.allows("application/pdf"));
        assert!(!types.allows("application/pdfx"));
        assert!(!types.allows("text/html"));
        assert!(!types.allows("*/*"));
        assert!(!types.allows(""));
        assert!(!types.allows("image"));
        assert!(list(&["*/*"]).allows("text/plain"));
        assert!(list(&[]).allows("any/thing"));
        assert!(!list(&[]).allows("text/html"));
        assert!(!list(&[]).allows("image/svg+xml"));
        assert!(!list(&[]).allows("anything"));
    }

    #[test]
    fn bad_patterns_are_refused_with_their_index() {
        for bad in ["image", "image/", "/png", "ima ge/png", "*/png"] {
            let owned = vec!["text/plain".to_owned(), bad.to_owned()];
            assert_eq!(
                ContentTypes::parse(&owned).map_err(|(i, _)| i),
                Err(1),
                "{bad}"
            );
        }
    }
}
