//! Secrets recognised by what precedes them: the value after a secret-bearing name, whatever
//! the syntax. `k=v`, `k: v`, `"k": "v"`, `k := v`, `k => v`, shell assignments in sh
//! (`export K='v'`), PowerShell (`$env:K = "v"`) and cmd (`set K=v`), HTTP header lines,
//! connection strings (`Password=v;` keeps the fields after it), query strings, and command-line
//! flags (`--password v`, `--token=v`, `-p v`, `-u user:pass`). `Authorization` keeps its scheme
//! word and loses the rest; `Cookie` and `Set-Cookie` lose their whole value. A bare `Bearer`,
//! `Basic` or `token` followed by something random-looking is a credential too.

use super::super::checks::entropy;
use super::super::finding::Finding;
use super::values::{list_goes_on, push, skip_blanks, token_end, value_is_secret, value_span};
use super::words::{classify, Strength};
use super::{commands, markup};

/// Words after which a random-looking value is a credential without any separator.
const SCHEME_WORDS: &[&str] = &["bearer", "basic", "token", "ssws", "apikey"];

/// Looks at what follows the name `text[start..end]` and reports a secret value after it.
/// Returns where scanning may resume (past the value) when it reported one.
/// Whether the name `bytes[start..end]` could be followed by a value at all: a separator, a
/// quote, an element's `>`, or blanks then one of those, or blanks after a flag, a word of a
/// scheme's length or a name that starts a line. Most words are turned away here, inline in
/// the scan, before [`after_name`] is called.
#[inline]
pub(crate) fn may_have_value(bytes: &[u8], start: usize, end: usize) -> bool {
    let before = start.checked_sub(1).map(|i| bytes[i]);
    match bytes.get(end) {
        Some(b'=' | b':' | b'"' | b'\'' | b'>') => true,
        _ if before == Some(b'-') => true,
        Some(b' ' | b'\t') => {
            (4..=6).contains(&(end - start))
                || matches!(
                    bytes.get(skip_blanks(bytes, end)),
                    Some(b'=' | b':' | b'"' | b'\'')
                )
                || starts_line(bytes, start)
        }
        _ => false,
    }
}

pub(crate) fn after_name(
    text: &str,
    start: usize,
    end: usize,
    out: &mut Vec<Finding>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let before = start.checked_sub(1).map(|i| bytes[i]);
    let next = bytes.get(end).copied();
    if before == Some(b'-') {
        if let Some((value_start, value_end)) = commands::glued_password(bytes, start, end) {
            return Some(push(out, value_start, value_end));
        }
    }
    // `<password>v</password>`, `<credential>v</credential>`
    if before == Some(b'<') && next == Some(b'>') {
        return markup::element(text, start, end, out);
    }
    if !may_have_value(bytes, start, end) {
        return None;
    }
    let mut at = end;
    let opening_quote = start.checked_sub(1).map(|i| bytes[i]);
    if let Some(quote @ (b'"' | b'\'')) = opening_quote {
        if bytes.get(at) == Some(&quote) {
            at += 1;
        }
    }
    let after_name = at;
    at = skip_blanks(bytes, at);
    let name = &text[start..end];
    let separator = separator_len(bytes, at);
    let strength = if separator > 0 {
        at = skip_blanks(bytes, at + separator);
        if name.eq_ignore_ascii_case("key") || name.eq_ignore_ascii_case("name") {
            if let Some(resume) = markup::named_value(text, at, out) {
                return Some(resume);
            }
        }
        name_strength(bytes, start, name)?
    } else if at > after_name && at < bytes.len() {
        if let Some(strength) = commands::flag_strength(bytes, start, name) {
            if bytes[at] == b'-' {
                return None;
            }
            strength
        } else if is_environment_name(name) && matches!(bytes[at], b'"' | b'\'') {
            // `setx NAME "value"`
            classify(name)?
        } else if starts_line(bytes, start)
            && matches!(bytes.get(token_end(bytes, at)), None | Some(b'\n' | b'\r'))
            && classify(name) == Some(Strength::Strong)
        {
            // A configuration line `password value` (.netrc, redis.conf `requirepass`).
            Strength::Strong
        } else if SCHEME_WORDS.iter().any(|w| name.eq_ignore_ascii_case(w)) {
            let value_end = token_end(bytes, at);
            let value = &text[at..value_end];
            return (looks_random(value) && !value.starts_with('<'))
                .then(|| push(out, at, value_end));
        } else {
            return None;
        }
    } else {
        return None;
    };
    match strength {
        Strength::Authorization => authorization(text, at, out),
        Strength::Cookie => {
            let (value_start, value_end) = value_span(bytes, at, true);
            let value = &text[value_start..value_end];
            (!value.is_empty() && !value.starts_with('<'))
                .then(|| push(out, value_start, value_end))
        }
        _ => {
            let (value_start, value_end) = value_span(bytes, at, false);
            // `password=get_password()` is code calling a function, not a password.
            if bytes.get(value_end) == Some(&b'(') {
                return None;
            }
            let value = &text[value_start..value_end];
            let secret = if name.eq_ignore_ascii_case("u") || name.eq_ignore_ascii_case("user") {
                value.contains(':')
            } else if name == "p" {
                !value.bytes().all(|b| b.is_ascii_digit() || b == b':')
            } else {
                value_is_secret(strength, value)
            };
            secret.then(|| push(out, value_start, value_end))
        }
    }
}

/// `=`, `:`, `:=`, `=>` (not `==`, `::` or `://`): the separator's length, or 0.
fn separator_len(bytes: &[u8], at: usize) -> usize {
    let next = bytes.get(at + 1).copied();
    match (bytes.get(at), next) {
        (Some(b'='), Some(b'>')) | (Some(b':'), Some(b'=')) => 2,
        (Some(b'='), Some(b'=')) | (Some(b':'), Some(b':' | b'/')) => 0,
        (Some(b'=' | b':'), _) => 1,
        _ => 0,
    }
}

/// How secret-bearing a name before a separator is; `code` counts inside a query string
/// (OAuth authorization codes).
fn name_strength(bytes: &[u8], start: usize, name: &str) -> Option<Strength> {
    if let Some(strength) = classify(name) {
        return Some(strength);
    }
    let in_query = start > 0 && matches!(bytes[start - 1], b'?' | b'&');
    (in_query && (name.eq_ignore_ascii_case("code") || name.eq_ignore_ascii_case("otp")))
        .then_some(Strength::Weak)
}

/// Whether only blanks stand between the line's start and `at`. Looks back over the blanks
/// only, so that asking for every word of a long line stays linear.
fn starts_line(bytes: &[u8], at: usize) -> bool {
    let blanks = bytes[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    at == blanks || matches!(bytes[at - blanks - 1], b'\n' | b'\r')
}

/// `NAME` as environment variables are spelled: capitals, digits and `_`.
fn is_environment_name(name: &str) -> bool {
    name.len() >= 3
        && name.bytes().any(|b| b.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// `Authorization: <scheme> <credentials>`: the scheme word stays, the rest goes, including
/// parameter lists (`Digest username="a", response="…"`, `AWS4-HMAC-SHA256 Credential=…,
/// Signature=…`). Without a scheme word the whole value goes.
fn authorization(text: &str, at: usize, out: &mut Vec<Finding>) -> Option<usize> {
    let bytes = text.as_bytes();
    let (start, limit) = match bytes.get(at) {
        Some(b'"' | b'\'') => value_span(bytes, at, false),
        _ => (at, bytes.len()),
    };
    let mut scheme_end = start;
    while scheme_end < limit
        && (bytes[scheme_end].is_ascii_alphanumeric() || matches!(bytes[scheme_end], b'-' | b'_'))
    {
        scheme_end += 1;
    }
    let after_scheme = skip_blanks(bytes, scheme_end);
    let has_scheme = scheme_end > start
        && after_scheme > scheme_end
        && after_scheme < limit
        && !matches!(bytes[after_scheme], b'\n' | b'\r');
    let credential_start = if has_scheme { after_scheme } else { start };
    if bytes.get(credential_start) == Some(&b'<') {
        return None;
    }
    let mut end = credential_start;
    while end < limit {
        match bytes[end] {
            b'\n' | b'\r' | b'\'' | b'`' => break,
            // `\"` inside a JSON string: part of the header value.
            b'\\' if bytes.get(end + 1) == Some(&b'"') => end += 2,
            b'"' if end > 0 && bytes[end - 1] == b'=' => {
                // A quoted parameter value: skip to its closing quote.
                end += 1;
                while end < limit && !matches!(bytes[end], b'"' | b'\n') {
                    end += 1;
                }
                end += usize::from(end < limit);
            }
            b'"' => break,
            b' ' | b'\t' if end > 0 && bytes[end - 1] != b',' => break,
            b'&' if list_goes_on(bytes, end + 1) => break,
            _ => end += 1,
        }
    }
    let end = end.min(limit);
    (end > credential_start).then(|| push(out, credential_start, end))
}

/// Letters mixed with digits, or long and random: a credential rather than a word.
fn looks_random(value: &str) -> bool {
    let letters = value.bytes().any(|b| b.is_ascii_alphabetic());
    let digits = value.bytes().any(|b| b.is_ascii_digit());
    value.len() >= 8 && ((letters && digits) || (value.len() >= 20 && entropy(value) >= 3.5))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The secret values found in `text`, scanning every name the way the scanner does.
    fn values(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at].is_ascii_alphanumeric()
                && (at == 0 || !bytes[at - 1].is_ascii_alphanumeric())
            {
                let mut end = at;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric()
                        || matches!(bytes[end], b'_' | b'-' | b'.'))
                {
                    end += 1;
                }
                if let Some(resume) = after_name(text, at, end, &mut out) {
                    at = resume;
                    continue;
                }
            }
            at += 1;
        }
        out.iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn every_syntax_for_a_secret_after_its_name() {
        let cases = [
            ("password=hunter2", "hunter2"),
            ("DB_PASS: s3cr3t!", "s3cr3t!"),
            (r#"{"signing_key": "k3y-M4t3r1al"}"#, "k3y-M4t3r1al"),
            ("export GITHUB_TOKEN='abcDEF123456'", "abcDEF123456"),
            (r#"$env:API_KEY = "abcDEF123456""#, "abcDEF123456"),
            ("set DB_PASSWORD=letmein", "letmein"),
            ("set DB_PASS=Tr0ub4dor&3", "Tr0ub4dor&3"),
            ("?authorization=abc123XY&page=2", "abc123XY"),
            ("mysql --password hunter2 -h db", "hunter2"),
            ("tool --token=abcDEF123456", "abcDEF123456"),
            ("mysql -u root -p hunter2", "hunter2"),
            ("curl -u alice:wonderland https://x", "alice:wonderland"),
            (
                "Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef",
                "0123456789abcdef0123456789abcdef",
            ),
            ("Server=db;Password=pa55;Encrypt=true", "pa55"),
            ("/cb?code=AbC123xyz&state=1", "AbC123xyz"),
            (
                "Cookie: sessionid=abc; csrftoken=def",
                "sessionid=abc; csrftoken=def",
            ),
            (
                "Set-Cookie: PHPSESSID=abc123; Path=/",
                "PHPSESSID=abc123; Path=/",
            ),
            (
                "Authorization: Digest username=\"a\", response=\"6629fae4\" next",
                "username=\"a\", response=\"6629fae4\"",
            ),
            ("Authorization: SSWS 00abcDEF", "00abcDEF"),
            (
                "authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=fe5f",
                "Credential=AKIA/x, Signature=fe5f",
            ),
            ("Authorization: opaque123", "opaque123"),
            ("retry with bearer abcDEF123456", "abcDEF123456"),
            ("PWD=hunter2", "hunter2"),
            (
                "machine x\n  login bot\n  password 5CQt4U!2Lg",
                "5CQt4U!2Lg",
            ),
            (
                "port 6379\nrequirepass Ember1846$\nmaxmemory 256mb",
                "Ember1846$",
            ),
        ];
        for (text, secret) in cases {
            assert_eq!(values(text), [secret], "{text}");
        }
    }

    #[test]
    fn over_scrubs_that_must_not_happen() {
        for text in [
            "PWD=/some/dir",
            "SHELL=/bin/zsh",
            "token_count=5",
            "token=true",
            "token validation failed",
            "bearer authentication required",
            "primary key violation",
            "key=primary",
            "docker run -p 8080:80 app",
            "password=get_password()",
            "password=${DB_PASSWORD}",
            "password: <secret>",
            "Authorization: Bearer <secret>",
            "std::token::Token",
            "tests passed, bypass=1",
            "password policy requires 12 characters",
        ] {
            assert!(values(text).is_empty(), "{text}: {:?}", values(text));
        }
    }
}
