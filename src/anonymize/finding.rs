//! What every detector reports: a byte range of the scanned text and what replaces it.
//!
//! The scrubber runs its detectors in passes over the text (secrets first, then personal data:
//! network identifiers, numbers, paths and names). A detector never rewrites the text itself;
//! it pushes [`Finding`]s, and the pass applies them once, left to right, so that a text with
//! nothing to scrub is scanned and never copied piece by piece.

use std::borrow::Cow;

/// One span of the text to replace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    /// Byte offset of the first replaced byte (on a `char` boundary).
    pub start: usize,
    /// Byte offset one past the last replaced byte (on a `char` boundary).
    pub end: usize,
    /// What the span becomes: a placeholder such as `<secret>`, or rewritten text such as a
    /// path without its user (`<user>/src/app.py`).
    pub replacement: Cow<'static, str>,
}

impl Finding {
    pub(crate) fn placeholder(start: usize, end: usize, placeholder: &'static str) -> Self {
        Finding {
            start,
            end,
            replacement: Cow::Borrowed(placeholder),
        }
    }

    pub(crate) fn rewritten(start: usize, end: usize, text: String) -> Self {
        Finding {
            start,
            end,
            replacement: Cow::Owned(text),
        }
    }
}

/// Applies `findings` to `text`. Findings are sorted by start; where two overlap, the one that
/// starts first wins, and of two that start together the longer one, so a replacement never
/// leaves part of what another detector found.
pub(crate) fn apply(text: &str, findings: &mut [Finding]) -> String {
    if findings.is_empty() {
        return text.to_owned();
    }
    findings.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for finding in findings.iter() {
        if finding.start < copied {
            // Overlaps a finding already applied: extend past it if it reaches further, so
            // nothing it covered is copied out unscrubbed.
            if finding.end > copied {
                copied = finding.end;
            }
            continue;
        }
        out.push_str(&text[copied..finding.start]);
        out.push_str(&finding.replacement);
        copied = finding.end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_found_is_the_text_itself() {
        assert_eq!(apply("plain text", &mut []), "plain text");
    }

    #[test]
    fn overlapping_findings_never_leave_a_piece_behind() {
        let text = "key abcdef123456 and bob@example.com";
        let mut findings = vec![
            Finding::placeholder(21, 36, "<email>"),
            Finding::placeholder(4, 16, "<secret>"),
            // Overlaps the secret and reaches further: its tail is dropped, not copied.
            Finding::placeholder(10, 20, "<x>"),
        ];
        assert_eq!(apply(text, &mut findings), "key <secret> <email>");
    }
}
