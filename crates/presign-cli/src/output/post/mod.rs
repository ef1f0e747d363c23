//! The outputs of `presign post`, one file each. Like the URL outputs, each
//! renders the whole text first, so nothing is written half-way.

mod curl;
mod explain;
mod html;
mod json;

use presign::{Condition, PresignedPost};

use crate::cli::PostOutput;
use crate::commands::post::SignedPost;

/// The text to print on stdout for `format`.
pub(crate) fn render(format: PostOutput, signed: &SignedPost) -> String {
    match format {
        PostOutput::Json => json::render(signed),
        PostOutput::Curl => curl::render(&signed.post),
        PostOutput::Html => html::render(&signed.post),
        PostOutput::Explain => explain::render(signed),
    }
}

/// A form field the uploader fills in: the policy constrains it with
/// `starts-with` but no field of the form fixes it (`Content-Type` under
/// `--content-type 'image/*'`, `--condition 'x-amz-meta-tag^='`).
#[derive(Debug, PartialEq, Eq)]
struct ChosenField<'a> {
    name: &'a str,
    prefix: &'a str,
}

/// The fields the uploader fills in, in policy order (the key, which the
/// form already holds, and the bucket, which is not a field, left out).
fn chosen_fields(post: &PresignedPost) -> Vec<ChosenField<'_>> {
    let mut chosen: Vec<ChosenField<'_>> = Vec::new();
    for condition in post.conditions() {
        if let Condition::StartsWith { field, prefix } = condition
            && !matches!(field.as_str(), "key" | "bucket")
            && post.field(field).is_none()
            && !chosen.iter().any(|seen| seen.name == field)
        {
            chosen.push(ChosenField {
                name: field,
                prefix,
            });
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use presign::{AmzDate, Credentials, PostPolicy};

    #[test]
    fn starts_with_conditions_on_unfixed_fields_are_left_to_the_uploader() {
        let policy = PostPolicy::with_key_prefix("http://h", "bucket", "in/")
            .content_type_starts_with("image/")
            .acl("private")
            .field_starts_with("acl", "p")
            .field_starts_with("x-amz-meta-tag", "");
        let credentials = Credentials::new("AKIDEXAMPLE", "secret");
        let now = AmzDate::parse_rfc3339("2013-05-24T00:00:00Z")
            .unwrap()
            .to_system_time();
        let post = presign::presign_post(&policy, &credentials, now).unwrap();
        assert_eq!(
            chosen_fields(&post),
            [
                ChosenField {
                    name: "Content-Type",
                    prefix: "image/"
                },
                ChosenField {
                    name: "x-amz-meta-tag",
                    prefix: ""
                },
            ]
        );
    }
}
