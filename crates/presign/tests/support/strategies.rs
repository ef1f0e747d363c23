//! Generators and names shared by the two property-test files
//! (`properties.rs` for presign, `verify_properties.rs` for verify), which
//! include this file with `#[path]`.
#![allow(dead_code, unreachable_pub)]

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// The SigV4 query parameters a signer writes itself, written out here
/// independently of the library.
pub const AUTH_PARAMETERS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// Whether `name` is one of [`AUTH_PARAMETERS`], in any case.
pub fn is_auth_parameter(name: &str) -> bool {
    AUTH_PARAMETERS
        .iter()
        .any(|auth| auth.eq_ignore_ascii_case(name))
}

/// Signed header names, mixed case so sorting has to lower-case first.
pub const HEADER_NAMES: &[&str] = &[
    "Content-Type",
    "content-disposition",
    "x-amz-meta-note",
    "X-Amz-Meta-Multi-Word",
    "Cache-Control",
    "x-amz-server-side-encryption",
    "If-Match",
    "x-amz-acl",
    "X-Amz-Meta-B",
    "x-amz-meta-a",
];

/// Runs of blanks a header value may carry, inside or around it.
pub const BLANKS: &[&str] = &[" ", "\t", "  ", "\t\t", " \t ", "   "];

/// Mostly one of `atoms`, sometimes any character.
pub fn atom_or_char(atoms: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        8 => select(atoms).prop_map(String::from),
        2 => any::<char>().prop_map(String::from),
    ]
}

/// Any string: arbitrary Unicode, printable ASCII or printable Unicode.
pub fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ -~]{0,24}", "\\PC{0,24}"]
}

/// Printable ASCII with leading, trailing and inner runs of spaces and tabs.
pub fn header_value() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            select(BLANKS).prop_map(String::from),
            "[!-~]{1,6}".prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

/// `count` distinct header names from [`HEADER_NAMES`] in random order, each
/// with a [`header_value`].
pub fn header_pairs(
    count: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Vec<(String, String)>> {
    subsequence(HEADER_NAMES.to_vec(), count)
        .prop_shuffle()
        .prop_flat_map(|names| {
            let count = names.len();
            (Just(names), vec(header_value(), count))
        })
        .prop_map(|(names, values)| names.into_iter().map(String::from).zip(values).collect())
}
