//! Sizes on the command line: the core's one parser (`presign::units`),
//! shared with the service's configuration.

pub(crate) use presign::units::{human, parse_size};
