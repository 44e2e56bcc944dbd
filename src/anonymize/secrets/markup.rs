//! Secrets in markup and configuration formats where the name is not right before the value:
//! XML elements (`<password>v</password>`) and name/value pairs (`.NET <add key="ApiToken"
//! value="v"/>`, Kubernetes `- name: DB_PASSWORD` / `value: v`, JSON `{"name": "TOKEN",
//! "value": "v"}`).

use super::super::finding::Finding;
use super::values::{push, value_is_secret, value_span};
use super::words::classify;

/// `<name>value</name>` where `name` (at `start..end`, right after `<`) is secret-bearing.
pub(crate) fn element(
    text: &str,
    start: usize,
    end: usize,
    out: &mut Vec<Finding>,
) -> Option<usize> {
    let strength = classify(&text[start..end])?;
    let bytes = text.as_bytes();
    let value_start = end + 1;
    let value_end = value_start
        + bytes[value_start..]
            .iter()
            .take_while(|&&b| b != b'<' && b != b'\n')
            .count();
    // Only an element that closes (`</password>`): `<secret> already redacted` is a placeholder.
    let closing = bytes[value_end..].strip_prefix(b"</")?;
    if !closing.starts_with(&bytes[start..end]) {
        return None;
    }
    let value = text[value_start..value_end].trim();
    value_is_secret(strength, value).then(|| push(out, value_start, value_end))
}

/// After `key=` or `name:` at `at`: if the name it gives is secret-bearing and a `value`
/// follows, that value's span is a secret. Returns where scanning resumes (past the secret,
/// or past the name when the value is scanned like any other text), or `None` when
/// this is not a name/value pair (the caller then treats `key=` as an ordinary name).
pub(crate) fn named_value(text: &str, at: usize, out: &mut Vec<Finding>) -> Option<usize> {
    let bytes = text.as_bytes();
    let (name_start, name_end) = value_span(bytes, at, false);
    let named = &text[name_start..name_end];
    // Past the closing quote, blanks, a comma and one line break with its indentation.
    let mut next = name_end + usize::from(matches!(bytes.get(name_end), Some(b'"' | b'\'')));
    while next < bytes.len() && matches!(bytes[next], b' ' | b'\t' | b',' | b'\n' | b'\r' | b'-') {
        next += 1;
    }
    next += usize::from(matches!(bytes.get(next), Some(b'"' | b'\'')));
    let label = bytes.get(next..next + 5)?;
    if !label.eq_ignore_ascii_case(b"value") {
        return None;
    }
    let mut value_at = next + 5;
    value_at += usize::from(matches!(bytes.get(value_at), Some(b'"' | b'\'')));
    while value_at < bytes.len() && matches!(bytes[value_at], b' ' | b'\t') {
        value_at += 1;
    }
    if !matches!(bytes.get(value_at), Some(b'=' | b':')) {
        return None;
    }
    value_at += 1;
    while value_at < bytes.len() && matches!(bytes[value_at], b' ' | b'\t') {
        value_at += 1;
    }
    let (value_start, value_end) = value_span(bytes, value_at, false);
    let secret = classify(named)
        .is_some_and(|strength| value_is_secret(strength, &text[value_start..value_end]));
    // Past the name only: a value that is not secret by its name is still scanned.
    Some(if secret {
        push(out, value_start, value_end)
    } else {
        name_end
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, out: &[Finding]) -> Vec<String> {
        out.iter()
            .map(|f| text[f.start..f.end].to_owned())
            .collect()
    }

    #[test]
    fn elements_and_name_value_pairs() {
        let text = "<refreshToken>Amber3955$</refreshToken>";
        let mut out = Vec::new();
        element(text, 1, 13, &mut out);
        assert_eq!(found(text, &out), ["Amber3955$"]);

        let text = r#"<add key="authToken" value="Quiver7927?" />"#;
        let mut out = Vec::new();
        named_value(text, 9, &mut out);
        assert_eq!(found(text, &out), ["Quiver7927?"]);

        let text = "- name: DB_PASSWORD\n  value: hunter2";
        let mut out = Vec::new();
        named_value(text, 8, &mut out);
        assert_eq!(found(text, &out), ["hunter2"]);

        let text = r#"<add key="Region" value="eu-west-1" />"#;
        let mut out = Vec::new();
        assert!(named_value(text, 9, &mut out).is_some());
        assert!(out.is_empty());
    }
}
