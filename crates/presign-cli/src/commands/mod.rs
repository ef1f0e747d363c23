//! One module per command.

pub(crate) mod batch;
pub(crate) mod sign;
pub(crate) mod transfer;
