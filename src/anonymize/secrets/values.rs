//! The values after secret-bearing names: where one ends, and whether it is a secret. Shared by
//! the context rules (`context.rs`), command-line flags (`commands.rs`) and markup
//! (`markup.rs`).

use super::super::finding::Finding;
use super::words::Strength;

/// Values that, after a secret-bearing name, are not secrets.
const NOT_SECRETS: &[&str] = &[
    "true",
    "false",
    "null",
    "none",
    "nil",
    "undefined",
    "redacted",
    "hidden",
    "masked",
    "empty",
    "required",
    "missing",
    "invalid",
    "expired",
    "yes",
    "no",
    // Prose after a name at the start of a line: `Password incorrect`.
    "incorrect",
    "wrong",
    "changed",
    "reset",
    "mismatch",
    "accepted",
    "rejected",
    "updated",
];

pub(crate) fn push(out: &mut Vec<Finding>, start: usize, end: usize) -> usize {
    out.push(Finding::placeholder(start, end, "<secret>"));
    end
}

pub(crate) fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t') {
        at += 1;
    }
    at
}

/// The end of an unquoted token at `at`. `&`, `;` and `,` end it only where a list goes on
/// (a space, the end, or another `name=`): `Tr0ub4dor&3` is one password, `a=1&b=2` two fields.
pub(crate) fn token_end(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
        match bytes[at] {
            b'"' | b'\'' | b'`' | b'<' | b'>' | b')' | b']' | b'}' | b'(' => break,
            b'&' | b';' | b',' if list_goes_on(bytes, at + 1) => break,
            _ => at += 1,
        }
    }
    at
}

/// After a list separator: the end, a space, or `name=`.
pub(crate) fn list_goes_on(bytes: &[u8], at: usize) -> bool {
    let name_end = at
        + bytes[at.min(bytes.len())..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            .count();
    match bytes.get(name_end) {
        None => name_end == at,
        Some(&b) if name_end == at => b.is_ascii_whitespace(),
        Some(&b) => b == b'=',
    }
}

/// The value at `at`: inside quotes if it is quoted, else one token, or for a whole header
/// (`whole_line`) everything up to the end of the line or a closing quote.
pub(crate) fn value_span(bytes: &[u8], at: usize, whole_line: bool) -> (usize, usize) {
    match bytes.get(at) {
        Some(&quote @ (b'"' | b'\'')) => {
            let start = at + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end] != quote && bytes[end] != b'\n' {
                end += usize::from(bytes[end] == b'\\') + 1;
            }
            (start, end.min(bytes.len()))
        }
        _ if whole_line => {
            let mut end = at;
            while end < bytes.len() && !matches!(bytes[end], b'\n' | b'\r' | b'"' | b'\'') {
                end += 1;
            }
            while end > at && bytes[end - 1] == b' ' {
                end -= 1;
            }
            (at, end)
        }
        _ => (at, token_end(bytes, at)),
    }
}

/// After a secret-bearing name, which values are secrets.
pub(crate) fn value_is_secret(strength: Strength, value: &str) -> bool {
    if value.is_empty()
        || value.starts_with('<')
        || value.starts_with("***")
        || value.starts_with("${")
        || value.starts_with("$(")
        || value.starts_with("{{")
        || value.starts_with("%(")
        || is_variable_reference(value)
        || NOT_SECRETS
            .iter()
            .any(|word| value.eq_ignore_ascii_case(word))
    {
        return false;
    }
    // `jwt: malformed: …`: a word ending with `:` labels what follows.
    if value.ends_with(':')
        && value[..value.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_alphabetic())
    {
        return false;
    }
    match strength {
        Strength::Strong | Strength::Authorization | Strength::Cookie => true,
        Strength::Pwd => !is_path(value),
        Strength::Weak => credential_like(value),
    }
}

/// `$NAME` or `%NAME%`: a reference to where the secret is, not the secret.
fn is_variable_reference(value: &str) -> bool {
    let name = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    value.strip_prefix('$').is_some_and(name)
        || value
            .strip_prefix('%')
            .and_then(|v| v.strip_suffix('%'))
            .is_some_and(name)
}

pub(crate) fn is_path(value: &str) -> bool {
    let bytes = value.as_bytes();
    value.starts_with(['/', '~', '.', '\\'])
        || (bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// A value that reads as a credential, not as a word, a number or a path: `token=abc123XY`
/// yes, `token=5`, `key=primary`, `--key ./client.pem` no.
fn credential_like(value: &str) -> bool {
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') || is_path(value) {
        return false;
    }
    let plain_word = value.bytes().all(|b| b.is_ascii_lowercase());
    (value.len() >= 6 && !plain_word) || value.len() >= 16
}
