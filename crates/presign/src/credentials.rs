//! Credentials: an access key id (public: it is in every URL), a secret access
//! key and an optional session token.
//!
//! The secret and the token are held in [`zeroize::Zeroizing`] buffers, wiped
//! when dropped, and `Debug` prints them as `<redacted>`, so a stray `{:?}` in a
//! log line cannot leak them. Signing reads the secret inside this crate; it is
//! handed out only through [`Credentials::reveal_secret_access_key`], for a user
//! who asked to see it, whose name makes a leak visible in review (as
//! [`SigningKey::reveal_hex`](crate::SigningKey::reveal_hex) does). The session
//! token is readable because it travels inside the presigned URL
//! (`X-Amz-Security-Token`).

use std::fmt;

use zeroize::Zeroizing;

use crate::error::PresignError;

/// The credentials a URL is signed with.
///
/// # Example
/// ```
/// use presign::Credentials;
///
/// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
///     .with_session_token("FwoGZXIvYXdzEXAMPLE");
/// assert_eq!(credentials.access_key_id(), "AKIAIOSFODNN7EXAMPLE");
/// assert!(!format!("{credentials:?}").contains("EXAMPLEKEY"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
}

impl Credentials {
    /// Long-term credentials: an access key id and its secret access key.
    /// They are checked when a URL is signed, not here.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: Zeroizing::new(secret_access_key.into()),
            session_token: None,
        }
    }

    /// Adds a session token (temporary credentials from STS, SSO or an IBM
    /// trusted profile). It is signed and sent as `X-Amz-Security-Token`; the
    /// URL stops working when the token expires.
    #[must_use]
    pub fn with_session_token(mut self, session_token: impl Into<String>) -> Self {
        self.session_token = Some(Zeroizing::new(session_token.into()));
        self
    }

    /// The access key id, as it appears in `X-Amz-Credential`.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The session token, if any. It is part of every URL signed with it.
    #[must_use]
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }

    /// The secret access key, for a user who asked to see it (`presign
    /// --show-secrets`); signing never needs it outside this crate. Keep a
    /// program's one copy of the secret here and read it through this, rather
    /// than a second copy beside it.
    ///
    /// # Example
    /// ```
    /// use presign::Credentials;
    ///
    /// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    /// assert_eq!(credentials.reveal_secret_access_key(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    /// ```
    #[must_use]
    pub fn reveal_secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub(crate) fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// Checks every part against what SigV4 can carry: the access key id goes
    /// into the credential scope (so no `/`), and all three must be non-empty
    /// printable ASCII.
    pub(crate) fn validate(&self) -> Result<(), PresignError> {
        if !is_printable_ascii(&self.access_key_id) || self.access_key_id.contains('/') {
            return Err(PresignError::InvalidAccessKeyId);
        }
        if !is_printable_ascii(&self.secret_access_key) {
            return Err(PresignError::InvalidSecretAccessKey);
        }
        if let Some(token) = &self.session_token
            && !is_printable_ascii(token)
        {
            return Err(PresignError::InvalidSessionToken);
        }
        Ok(())
    }
}

/// Non-empty, and only the characters `!` to `~`.
fn is_printable_ascii(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| (0x21..=0x7e).contains(&byte))
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

    #[test]
    fn debug_redacts_the_secret_and_the_token() {
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET).with_session_token(TOKEN);
        let debug = format!("{credentials:?}");
        assert!(debug.contains("AKIDEXAMPLE"), "{debug}");
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(!debug.contains(TOKEN), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }

    #[test]
    fn validation_rejects_what_sigv4_cannot_carry() {
        let cases = [
            Credentials::new("", SECRET),
            Credentials::new("AKIA/EXAMPLE", SECRET),
            Credentials::new("AKIA\u{c9}XAMPLE", SECRET),
            Credentials::new("AKIDEXAMPLE", ""),
            Credentials::new("AKIDEXAMPLE", "s\u{e9}cret"),
            Credentials::new("AKIDEXAMPLE", SECRET).with_session_token(""),
            Credentials::new("AKIDEXAMPLE", SECRET).with_session_token("a b"),
        ];
        for credentials in cases {
            assert!(credentials.validate().is_err(), "{credentials:?} accepted");
        }
        assert!(
            Credentials::new("AKIDEXAMPLE", SECRET)
                .with_session_token(TOKEN)
                .validate()
                .is_ok()
        );
    }
}
