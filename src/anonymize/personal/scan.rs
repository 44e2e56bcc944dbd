//! Byte and character tests the detectors share.

/// A letter, digit or `_`: what `\w` means in ASCII.
pub(super) fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The character before byte offset `at`, if any.
pub(super) fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at)?.chars().next_back()
}

/// The character at byte offset `at`, if any.
pub(super) fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

/// Whether a word (letter, digit, `_`, any script) touches byte offset `at` from the left.
pub(super) fn word_before(text: &str, at: usize) -> bool {
    char_before(text, at).is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Whether a word (letter, digit, `_`, any script) starts at byte offset `at`.
pub(super) fn word_at(text: &str, at: usize) -> bool {
    char_at(text, at).is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Byte offset where the run of characters accepted by `accept` that ends at `end` starts.
pub(super) fn run_start(text: &str, end: usize, accept: impl Fn(char) -> bool) -> usize {
    let mut start = end;
    for c in text[..end].chars().rev() {
        if !accept(c) {
            break;
        }
        start -= c.len_utf8();
    }
    start
}

/// Byte offset where the run of characters accepted by `accept` that starts at `start` ends.
pub(super) fn run_end(text: &str, start: usize, accept: impl Fn(char) -> bool) -> usize {
    let mut end = start;
    for c in text[start..].chars() {
        if !accept(c) {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// Whether `bytes[at..]` starts with `needle`, ignoring ASCII case.
pub(super) fn starts_with_ignore_case(bytes: &[u8], at: usize, needle: &str) -> bool {
    bytes
        .get(at..at + needle.len())
        .is_some_and(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether `bytes[..end]` ends with `needle`, ignoring ASCII case.
pub(super) fn ends_with_ignore_case(bytes: &[u8], end: usize, needle: &str) -> bool {
    end >= needle.len() && bytes[end - needle.len()..end].eq_ignore_ascii_case(needle.as_bytes())
}

/// [`run_start`] for a set of ASCII bytes: no `char` decoding, and since no byte of a multi-byte
/// character is ASCII, the run still starts on a `char` boundary.
pub(super) fn ascii_run_start(bytes: &[u8], end: usize, accept: impl Fn(u8) -> bool) -> usize {
    bytes[..end]
        .iter()
        .rposition(|&b| !accept(b))
        .map_or(0, |i| i + 1)
}

/// [`run_end`] for a set of ASCII bytes.
pub(super) fn ascii_run_end(bytes: &[u8], start: usize, accept: impl Fn(u8) -> bool) -> usize {
    bytes[start..]
        .iter()
        .position(|&b| !accept(b))
        .map_or(bytes.len(), |i| start + i)
}
