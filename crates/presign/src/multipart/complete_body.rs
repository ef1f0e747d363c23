//! The body of CompleteMultipartUpload: every part's number and ETag, in
//! ascending order.

use std::fmt::Write;

use super::error::MultipartError;
use super::requests::PartNumber;

/// S3's XML namespace, on the root element as botocore writes it.
const S3_NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// A part that was uploaded: its number and the `ETag` its UploadPart answer
/// (or ListParts) gave, as given (usually with its double quotes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletedPart {
    /// The part number.
    pub number: PartNumber,
    /// The ETag, verbatim.
    pub etag: String,
}

impl CompletedPart {
    /// A part and its ETag.
    pub fn new(number: PartNumber, etag: impl Into<String>) -> Self {
        Self {
            number,
            etag: etag.into(),
        }
    }
}

/// The CompleteMultipartUpload XML body for `parts` (in any order: they are
/// sorted by number, as S3 requires).
///
/// # Errors
/// [`MultipartError::NoParts`] for an empty list,
/// [`MultipartError::DuplicatePart`] when a number appears twice and
/// [`MultipartError::EmptyEtag`] for a part without ETag.
///
/// # Example
/// ```
/// use presign::multipart::{complete_multipart_upload_body, CompletedPart, PartNumber};
///
/// let body = complete_multipart_upload_body(&[
///     CompletedPart::new(PartNumber::new(2)?, "\"b2\""),
///     CompletedPart::new(PartNumber::new(1)?, "\"a1\""),
/// ])?;
/// assert_eq!(
///     body,
///     "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
///      <Part><PartNumber>1</PartNumber><ETag>\"a1\"</ETag></Part>\
///      <Part><PartNumber>2</PartNumber><ETag>\"b2\"</ETag></Part>\
///      </CompleteMultipartUpload>"
/// );
/// # Ok::<(), presign::multipart::MultipartError>(())
/// ```
pub fn complete_multipart_upload_body(parts: &[CompletedPart]) -> Result<String, MultipartError> {
    if parts.is_empty() {
        return Err(MultipartError::NoParts);
    }
    let mut sorted: Vec<&CompletedPart> = parts.iter().collect();
    sorted.sort_by_key(|part| part.number);
    if let Some(pair) = sorted
        .windows(2)
        .find(|pair| pair[0].number == pair[1].number)
    {
        return Err(MultipartError::DuplicatePart {
            number: pair[0].number.get(),
        });
    }
    let mut body = format!("<CompleteMultipartUpload xmlns=\"{S3_NAMESPACE}\">");
    for part in sorted {
        if part.etag.is_empty() {
            return Err(MultipartError::EmptyEtag {
                number: part.number.get(),
            });
        }
        let _ = write!(
            body,
            "<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>",
            part.number,
            escape_text(&part.etag)
        );
    }
    body.push_str("</CompleteMultipartUpload>");
    Ok(body)
}

/// XML text content: `&`, `<` and `>` escaped (quotes may stay).
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn part(number: u64, etag: &str) -> CompletedPart {
        CompletedPart::new(PartNumber::new(number).unwrap(), etag)
    }

    #[test]
    fn the_body_reads_back_as_xml_with_the_parts_in_order() {
        let body =
            complete_multipart_upload_body(&[part(3, "\"c\""), part(1, "a&<b>"), part(2, "\"b\"")])
                .unwrap();
        let document = roxmltree::Document::parse(&body).unwrap();
        let root = document.root_element();
        assert_eq!(root.tag_name().namespace(), Some(S3_NAMESPACE));
        let read: Vec<(String, String)> = root
            .children()
            .filter(roxmltree::Node::is_element)
            .map(|p| {
                let text = |name| {
                    p.children()
                        .find(|c| c.tag_name().name() == name)
                        .and_then(|c| c.text())
                        .unwrap()
                        .to_owned()
                };
                (text("PartNumber"), text("ETag"))
            })
            .collect();
        assert_eq!(
            read,
            [
                ("1".to_owned(), "a&<b>".to_owned()),
                ("2".to_owned(), "\"b\"".to_owned()),
                ("3".to_owned(), "\"c\"".to_owned())
            ]
        );
    }

    #[test]
    fn empty_duplicate_and_etagless_parts_are_refused() {
        assert_eq!(
            complete_multipart_upload_body(&[]),
            Err(MultipartError::NoParts)
        );
        assert_eq!(
            complete_multipart_upload_body(&[part(2, "x"), part(1, "y"), part(2, "z")]),
            Err(MultipartError::DuplicatePart { number: 2 })
        );
        assert_eq!(
            complete_multipart_upload_body(&[part(1, "")]),
            Err(MultipartError::EmptyEtag { number: 1 })
        );
    }
}
