//! Refusing, on the caller's thread, JSON the sender could not read.

use std::fmt;

use super::TrackError;

/// Deeper JSON than this is refused at the door: the sender's parser would refuse it anyway
/// (serde_json stops at 128), and metadata worth sending is flat.
pub const MAX_JSON_DEPTH: usize = 64;

/// Checks, without building it, that `text` is one JSON object nested at most
/// [`MAX_JSON_DEPTH`] deep that the sender will be able to read: the same parser runs over it,
/// so a number out of range or a lone surrogate escape is refused now rather than dropped later.
pub(crate) fn check_json_object(text: &str) -> Result<(), TrackError> {
    let is_object = text.trim_start().starts_with('{');
    if !is_object || !nesting_within(text, MAX_JSON_DEPTH) {
        return Err(TrackError::InvalidJson);
    }
    serde_json::from_str::<Readable>(text)
        .map(|_| ())
        .map_err(|_| TrackError::InvalidJson)
}

/// Any JSON value serde_json can read, visited without being built (no allocation but for
/// strings with escapes).
struct Readable;

impl<'de> serde::Deserialize<'de> for Readable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReadableVisitor)
    }
}

struct ReadableVisitor;

impl<'de> serde::de::Visitor<'de> for ReadableVisitor {
    type Value = Readable;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_str<E>(self, _: &str) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_unit<E>(self) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Readable, A::Error> {
        while items.next_element::<Readable>()?.is_some() {}
        Ok(Readable)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Readable, A::Error> {
        while entries.next_entry::<Readable, Readable>()?.is_some() {}
        Ok(Readable)
    }
}

/// True when no bracket in `text` (outside strings) is nested deeper than `limit`. Malformed
/// input may pass; the parser that runs next rejects it.
fn nesting_within(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}
