//! Paths inside URLs, and percent-encoded values.
//!
//! - `file:` URLs are paths: `file:///home/ann/x.html` → `file://<user>/x.html`.
//! - In a URL whose scheme is not a web one (`vscode://file/…`, `idea://open?file=…`,
//!   `sftp://host/…`, `smb://…`), the path is a file path: `vscode://file/home/ann/x.py:3` →
//!   `vscode://file/<user>/x.py:3`. Web URLs (`https://api.example.com/v1/users/42`) keep their
//!   paths; their query values are paths when they look like one (found by `paths`).
//! - A value with `%XX` escapes is decoded (twice-encoded values too) and the decoded text is
//!   scrubbed with every rule. When that changes anything, the scrubbed decoded text replaces
//!   the encoded value: `?f=%2Fhome%2Fann%2Fa.txt` → `?f=<user>/a.txt`,
//!   `alice%40example.com` → `<email>`. The decoded original never leaves.

use std::borrow::Cow;

use memchr::memchr_iter;
use memchr::memmem::Finder;
use once_cell::sync::Lazy;

use super::scan::{run_end, run_start};
use crate::anonymize::finding::Finding;

/// Schemes whose paths are web paths, not file paths.
const WEB_SCHEMES: &[&str] = &["http", "https", "ws", "wss"];

/// Reports the paths of `file:` URLs and of URLs with a non-web scheme that `rewrite` changes.
pub(super) fn find_paths(
    text: &str,
    rewrite: &dyn Fn(&str, bool) -> String,
    out: &mut Vec<Finding>,
) {
    static SCHEME_END: Lazy<Finder<'static>> = Lazy::new(|| Finder::new("://"));
    for at in SCHEME_END.find_iter(text.as_bytes()) {
        let start = run_start(text, at, |c| c.is_ascii_alphanumeric() || "+.-".contains(c));
        let scheme = &text[start..at];
        if !scheme.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        // `<` and `>` may be the secrets pass's placeholders (`sftp://<user>@host/…`); a URL in
        // angle brackets loses its closing one below.
        let end = run_end(text, at + 3, |c| !c.is_whitespace() && !"\"'`".contains(c));
        let end = end - text[..end].len()
            + text[..end]
                .trim_end_matches(['.', ',', ';', ')', '>'])
                .len();
        if scheme.eq_ignore_ascii_case("file") {
            let url = &text[start..end];
            let rewritten = rewrite(url, false);
            if rewritten != url {
                out.push(Finding::rewritten(start, end, rewritten));
            }
            continue;
        }
        if WEB_SCHEMES
            .iter()
            .any(|web| scheme.eq_ignore_ascii_case(web))
        {
            continue;
        }
        let Some(slash) = text[at + 3..end].find('/') else {
            continue;
        };
        if text[at + 3..at + 3 + slash].contains(['?', '=']) {
            // `idea://open?file=/…`: a query value, which `paths` looks at.
            continue;
        }
        let path_start = at + 3 + slash;
        let path_end = path_start + path_length(&text[path_start..end]);
        let path = &text[path_start..path_end];
        // Only a home goes: `webpack-internal:///./src/components/List.tsx` stays whole.
        let rewritten = rewrite(path, true);
        if rewritten != path {
            let rewritten = if rewritten.starts_with('/') {
                rewritten
            } else {
                format!("/{rewritten}")
            };
            out.push(Finding::rewritten(path_start, path_end, rewritten));
        }
    }
}

/// The length of a URL path: up to its query, fragment, or `:line` suffix.
fn path_length(path: &str) -> usize {
    let bytes = path.as_bytes();
    for (i, &byte) in bytes.iter().enumerate() {
        let line_number = byte == b':' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if byte == b'?' || byte == b'#' || line_number {
            return i;
        }
    }
    path.len()
}

/// A character that may be part of one percent-encoded value.
fn in_encoded_value(c: char) -> bool {
    // A drive's colon stays inside (`C:%5CUsers%5C…`); a `mailto:` prefix decodes harmlessly.
    !c.is_whitespace() && !"\"'`<>&=?#/\\;,()[]{}|".contains(c)
}

/// Reports each percent-encoded value whose decoded text `scrub` changes, replaced by the
/// scrubbed decoded text.
pub(super) fn find_percent_encoded(
    text: &str,
    scrub: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<Finding>,
) {
    let bytes = text.as_bytes();
    let mut searched_to = 0;
    for at in memchr_iter(b'%', bytes) {
        if at < searched_to || !is_escape(bytes, at) {
            continue;
        }
        let start = run_start(text, at, in_encoded_value);
        let end = run_end(text, at, |c| c == '%' || in_encoded_value(c));
        searched_to = end;
        let mut decoded = Cow::Borrowed(&text[start..end]);
        // Twice- and thrice-encoded values (`%252F`) are common in redirects.
        for _ in 0..3 {
            match percent_decode(&decoded) {
                Some(once) => decoded = Cow::Owned(once),
                None => break,
            }
        }
        if let Some(scrubbed) = scrub(&decoded) {
            out.push(Finding::rewritten(start, end, scrubbed));
        }
    }
}

fn is_escape(bytes: &[u8], at: usize) -> bool {
    bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit)
        && bytes.get(at + 2).is_some_and(u8::is_ascii_hexdigit)
}

/// `text` with its `%XX` escapes decoded, or `None` when it has none.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if !bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'%' && is_escape(bytes, i))
    {
        return None;
    }
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && is_escape(bytes, i) {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            decoded.push(hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]));
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    Some(String::from_utf8_lossy(&decoded).into_owned())
}

#[cfg(test)]
mod tests {
    use crate::anonymize::personal::tests::scrub;

    #[test]
    fn paths_in_urls() {
        let cases = [
            (
                "loaded file:///home/ann/site/index.html",
                "loaded file://<user>/site/index.html",
            ),
            (
                "open FILE://localhost/Users/ann/y.pdf now",
                "open file://<user>/y.pdf now",
            ),
            (
                "vscode://file/home/ann/app/main.py:12:4",
                "vscode://file/<user>/app/main.py:12:4",
            ),
            (
                "vscode://file/c:/Users/ann/app/x.ts:3",
                "vscode://file/<user>/app/x.ts:3",
            ),
            (
                "idea://open?file=/Users/ann/src/A.java&line=3",
                "idea://open?file=<user>/src/A.java&line=3",
            ),
            ("sftp://box/home/ann/a.tgz", "sftp://box/<user>/a.tgz"),
            (
                "vscode-remote://<user>@devbox/home/ann/app/main.py",
                "vscode-remote://<user>@<host>/<user>/app/main.py",
            ),
            ("<file:///home/ann/a.txt>", "<file://<user>/a.txt>"),
            (
                "see https://x.io/cb?path=/home/ann/a.txt&page=2",
                "see https://x.io/cb?path=<user>/a.txt&page=2",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn percent_encoded_values_are_decoded_and_scrubbed() {
        let cases = [
            (
                "x?f=%2Fhome%2Fann%2Fproj%2Fa.txt&n=1",
                "x?f=<user>/proj/a.txt&n=1",
            ),
            ("x?p=C%3A%5CUsers%5Cann%5Cdoc.pdf", "x?p=<user>/doc.pdf"),
            (
                "x?p=C%253A%255CUsers%255Cann%255Cdoc.pdf",
                "x?p=<user>/doc.pdf",
            ),
            ("to=alice%40example.com&x=1", "to=<email>&x=1"),
            (
                "open?path=C:%5CUsers%5Cj%C3%BCrgen%5Cx.txt",
                "open?path=<user>/x.txt",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "{input}");
        }
    }

    #[test]
    fn web_urls_and_harmless_escapes_are_kept() {
        for text in [
            "GET https://api.example.com/v1/users/42?page=2&q=a%20b",
            "50% of 100%, and a%20b",
            "postgres://<user>:<password>@db:5432/app",
            "at List (webpack-internal:///./src/components/List/index.tsx:42:18)",
            "https://registry.npmjs.org/@types%2fnode",
        ] {
            assert_eq!(scrub(text), text);
        }
    }
}
