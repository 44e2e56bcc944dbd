//! Who may see the dashboard when `--dashboard-token` is set: a request whose `Authorization`
//! carries the token, either as `Bearer <token>` (scripts, curl) or as the password of HTTP Basic
//! with any user name (the login prompt every browser shows on a 401 with a Basic challenge, so a
//! self-hoster needs no login page, cookie or script). A token in the address (`?token=`) is not
//! accepted: addresses end up in proxy logs, history and bookmarks.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The `WWW-Authenticate` value of the dashboard's 401 answers: it makes a browser ask for the
/// user name and password (any name, the token as the password).
pub const CHALLENGE: &str = "Basic realm=\"mycelium-collector dashboard\", charset=\"UTF-8\"";

/// Whether an `Authorization` header value (None when absent) carries the dashboard token.
pub fn token_accepted(authorization: Option<&str>, token: &str) -> bool {
    let Some((scheme, credentials)) = authorization.and_then(|h| h.trim().split_once(' ')) else {
        return false;
    };
    let credentials = credentials.trim();
    // Schemes are case-insensitive (RFC 9110, 11.1).
    if scheme.eq_ignore_ascii_case("bearer") {
        return same_secret(credentials.as_bytes(), token.as_bytes());
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(credentials) else {
        return false;
    };
    // user-id ":" password; a user id has no colon, the password may.
    match decoded.iter().position(|&b| b == b':') {
        Some(colon) => same_secret(&decoded[colon + 1..], token.as_bytes()),
        None => false,
    }
}

/// Compares the SHA-256 digests, in constant time, instead of the secrets: the time taken tells
/// an attacker timing the answers nothing about the token's characters or length.
fn same_secret(presented: &[u8], token: &[u8]) -> bool {
    !token.is_empty() && bool::from(Sha256::digest(presented).ct_eq(&Sha256::digest(token)))
}

#[cfg(test)]
mod tests {
    use super::token_accepted;

    fn basic(user_password: &str) -> String {
        use base64::Engine as _;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(user_password)
        )
    }

    #[test]
    fn the_token_opens_as_bearer_or_as_a_basic_password_with_any_user() {
        let token = "s3cret:with colon";
        for header in [
            "Bearer s3cret:with colon".to_owned(),
            "bearer  s3cret:with colon ".to_owned(),
            basic("admin:s3cret:with colon"),
            basic(":s3cret:with colon"),
            basic("anyone at all:s3cret:with colon").replace("Basic", "BASIC"),
        ] {
            assert!(token_accepted(Some(&header), token), "{header}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        let token = "s3cret";
        for header in [
            "".to_owned(),
            "Bearer".to_owned(),
            "Bearer ".to_owned(),
            "Bearer s3cre".to_owned(),
            "Bearer s3cret2".to_owned(),
            "Token s3cret".to_owned(),
            "s3cret".to_owned(),
            basic("s3cret"),
            basic("s3cret:"),
            basic("admin:S3CRET"),
            "Basic not base64!".to_owned(),
            "Basic czNjcmV0".to_owned(), // "s3cret" without a user part
        ] {
            assert!(!token_accepted(Some(&header), token), "{header:?}");
        }
        assert!(!token_accepted(None, token));
        // An empty token configured by mistake opens nothing, not everything.
        assert!(!token_accepted(Some("Bearer "), ""));
        assert!(!token_accepted(Some(&basic("a:")), ""));
    }
}
