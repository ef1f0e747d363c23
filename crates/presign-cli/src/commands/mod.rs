//! One module per command.

pub(crate) mod batch;
pub(crate) mod doctor;
pub(crate) mod inspect;
pub(crate) mod multipart;
pub(crate) mod post;
pub(crate) mod post_form;
pub(crate) mod serve;
pub(crate) mod shell;
pub(crate) mod sign;
pub(crate) mod sign_v2;
pub(crate) mod transfer;
pub(crate) mod verify;
pub(crate) mod verify_post;
