//! A private collector's ingest token (`TELEMETRY_TOKEN`), sent as `Authorization: Bearer …`.
//!
//! It is a secret: it goes into the header of requests to the configured endpoint (which the
//! endpoint rules already keep to https, or plain http on loopback) and nowhere else. It has no
//! `Display`, its `Debug` says only that one is set, and the batch body never holds it, so it
//! cannot reach a warning, the debug output, the local record, the sent log or the spool.

use std::sync::Arc;

/// The longest token accepted.
pub const MAX_TOKEN_LEN: usize = 4096;

/// An ingest token: 1 to 4096 visible ASCII characters (no spaces, no control characters, so
/// that it can never end the header line it is written on).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Arc<str>);

impl Token {
    /// The token in `text`, `None` when it is empty, too long or holds a character a header
    /// value must not.
    pub fn parse(text: &str) -> Option<Token> {
        let valid = (1..=MAX_TOKEN_LEN).contains(&text.len())
            && text.bytes().all(|byte| byte.is_ascii_graphic());
        valid.then(|| Token(Arc::from(text)))
    }

    /// The value of the `Authorization` header.
    pub(crate) fn header_value(&self) -> String {
        format!("Bearer {}", self.0)
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<set>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_header_safe_tokens_are_accepted() {
        assert!(Token::parse("abc.DEF-123_~+/=").is_some());
        for bad in ["", "has space", "line\r\nX-Injected: 1", "tab\t", "ünï"] {
            assert!(Token::parse(bad).is_none(), "{bad:?}");
        }
        assert!(Token::parse(&"a".repeat(MAX_TOKEN_LEN)).is_some());
        assert!(Token::parse(&"a".repeat(MAX_TOKEN_LEN + 1)).is_none());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let token = Token::parse("s3cret-token").unwrap();
        assert_eq!(format!("{token:?}"), "Token(<set>)");
        assert_eq!(token.header_value(), "Bearer s3cret-token");
    }
}
