//! Data minimization: every field that leaves has a size bound, and a cut is visible.

/// Error messages are cut to this many bytes.
pub const MAX_MESSAGE_BYTES: usize = 1024;
/// Stack traces are cut to this many bytes.
pub const MAX_STACK_TRACE_BYTES: usize = 8 * 1024;
/// Names (operation, metric, error type, unit, keys) and string values of metadata and tags.
pub const MAX_NAME_BYTES: usize = 128;
/// Metadata, context and tags keep at most this many keys.
pub const MAX_FIELDS: usize = 32;
/// Appended where text was cut, inside the bound.
pub const TRUNCATION_MARKER: &str = "…[truncated]";

/// `text` cut to at most `max_bytes` on a UTF-8 boundary, ending with [`TRUNCATION_MARKER`]
/// when anything was cut.
pub fn bounded(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_owned();
    }
    cut_with_marker(text, max_bytes)
}

/// `text` cut so that it and [`TRUNCATION_MARKER`] fit in `max_bytes`, marker appended.
pub fn cut_with_marker(text: &str, max_bytes: usize) -> String {
    let keep = floor_char_boundary(text, max_bytes.saturating_sub(TRUNCATION_MARKER.len()));
    format!("{}{TRUNCATION_MARKER}", &text[..keep])
}

/// Input longer than four times what can be kept is cut before scrubbing, back to the last
/// whitespace so that no half-token is left for the scrubber to miss; the scrubbed result is
/// then bounded again, far before this cut.
pub(crate) fn pre_cut(text: &str, max_bytes: usize) -> &str {
    let budget = max_bytes.saturating_mul(4);
    if text.len() <= budget {
        return text;
    }
    let head = &text[..floor_char_boundary(text, budget)];
    match head.rfind(char::is_whitespace) {
        Some(space) => &head[..space],
        None => "",
    }
}

fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_untouched() {
        assert_eq!(bounded("hello", 5), "hello");
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary_with_a_marker() {
        let text = "é".repeat(100); // 200 bytes
        let cut = bounded(&text, 64);
        assert!(cut.len() <= 64, "{}", cut.len());
        assert!(cut.ends_with(TRUNCATION_MARKER));
        assert!(cut
            .trim_end_matches(TRUNCATION_MARKER)
            .chars()
            .all(|c| c == 'é'));
    }

    #[test]
    fn a_cut_is_always_visible() {
        assert_eq!(cut_with_marker("", 64), TRUNCATION_MARKER);
        assert_eq!(
            cut_with_marker("abc", 64),
            format!("abc{TRUNCATION_MARKER}")
        );
        assert!(cut_with_marker(&"x".repeat(100), 64).len() <= 64);
    }

    #[test]
    fn pre_cut_keeps_whole_words() {
        let text = format!("{} secret-token-that-is-long", "word ".repeat(100));
        let cut = pre_cut(&text, 100);
        assert!(cut.len() <= 400);
        assert!(!cut.contains("secret"));
        assert!(cut.ends_with("word") || cut.ends_with("word "));
        assert_eq!(
            pre_cut(&"x".repeat(1000), 10),
            "",
            "no whitespace: nothing is safe to keep"
        );
    }
}
