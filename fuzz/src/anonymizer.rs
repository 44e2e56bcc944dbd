//! `anonymizer`: the scrubber never panics, and never lets a planted email, token or card
//! through, whatever text surrounds it.
//!
//! Input: one byte picks what to plant and where; the rest is arbitrary text (lossily UTF-8).

use mycelium_telemetry::anonymize::{anonymize_message, anonymize_path, anonymize_stack_trace};

/// Synthetic secrets of the kinds the scrubber promises to catch.
const PLANTS: &[&str] = &[
    "planted.person@example.com",
    "ghp_PLANTEDplantedPLANTEDplanted0123456789",
    "4111 1111 1111 1111",
    "sk_live_PLANTEDplanted0123456789",
    "AKIAPLANTEDPLANTED12",
    "eyJwbGFudGVkIjoxMjM0fQ.eyJwbGFudGVkIjoiYWJjZGVmIn0.c2lnbmF0dXJlcGxhbnRlZA",
];

pub fn check(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // Never panics on arbitrary text, whichever entry point is used.
    let _ = anonymize_path(&text);
    let _ = anonymize_stack_trace(&text);

    let plant = PLANTS[usize::from(selector) % PLANTS.len()];
    // If the fuzzer copied a plant into the surrounding text, that copy may be glued to other
    // characters into something that is no longer that kind of secret; only the plant's own
    // slot is under test.
    if PLANTS.iter().any(|p| text.contains(&p[..8])) {
        return;
    }
    // Split at a character boundary chosen by the selector; `|` keeps the plant a whole token.
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    let at = boundaries[usize::from(selector) % boundaries.len()];
    let message = format!("{} | {plant} | {}", &text[..at], &text[at..]);
    let scrubbed = anonymize_message(&message);
    assert!(
        !scrubbed.contains(plant),
        "planted {plant:?} survived in {scrubbed:?}"
    );
}
