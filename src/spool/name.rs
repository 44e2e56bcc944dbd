//! The names of spool files: what a final name says, and the temporary names of writers.

use sha2::{Digest, Sha256};

/// Suffix of every final spool file.
const SUFFIX: &str = ".json";
/// Prefix of a temporary file: `.tmp-<pid>-<batch_id>`.
pub(super) const TEMP_PREFIX: &str = ".tmp-";
/// The spool's lock file, held while writing or cleaning.
pub(super) const LOCK_NAME: &str = ".lock";

/// What a final name says about its batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileName {
    /// When it was spooled, Unix microseconds (fine enough that batches one process spools in
    /// a row keep their order).
    pub(super) micros: u64,
    pub(super) tag: String,
    pub(super) events: u64,
    pub(super) batch_id: String,
}

impl FileName {
    pub(super) fn text(&self) -> String {
        format!(
            "{:016}-{}-{}-{}{SUFFIX}",
            self.micros, self.tag, self.events, self.batch_id
        )
    }

    /// The parts of a final name, `None` for any other name.
    pub(super) fn parse(name: &str) -> Option<FileName> {
        let stem = name.strip_suffix(SUFFIX)?;
        let mut parts = stem.split('-');
        let micros = parts
            .next()
            .filter(|p| is_digits(p, 16..=20))?
            .parse()
            .ok()?;
        let tag = parts.next().filter(|p| is_hex(p, 8))?.to_owned();
        let events = parts.next().filter(|p| is_digits(p, 1..=7))?.parse().ok()?;
        let batch_id = parts.next().filter(|p| is_hex(p, 32))?.to_owned();
        if parts.next().is_some() {
            return None;
        }
        Some(FileName {
            micros,
            tag,
            events,
            batch_id,
        })
    }
}

/// The pid in a temporary name, if `name` is one.
pub(super) fn temp_pid(name: &str) -> Option<i32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?;
    rest.split('-').next()?.parse().ok()
}

/// 8 hex digits of the endpoint's SHA-256: which collector a batch was made for.
pub(super) fn endpoint_tag(endpoint: &str) -> String {
    let digest = Sha256::digest(endpoint.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

fn is_digits(text: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_hex(text: &str, length: usize) -> bool {
    text.len() == length && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_others_are_refused() {
        let name = FileName {
            micros: 1_795_634_410_120_000,
            tag: endpoint_tag("http://127.0.0.1:1/v1/events"),
            events: 10,
            batch_id: "0f".repeat(16),
        };
        assert_eq!(FileName::parse(&name.text()), Some(name.clone()));
        assert!(name.text().starts_with("1795634410120000-"));
        for bad in [
            "x.json",
            ".tmp-1-2",
            ".lock",
            "1795634410120000-0000000g-1-0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f.json",
            "1795634410120000-00000000-1-0f0f.json",
            "1795634410120000-00000000-1-0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f.json.tmp",
        ] {
            assert_eq!(FileName::parse(bad), None, "{bad}");
        }
        assert_eq!(temp_pid(".tmp-4242-abc"), Some(4242));
        assert_eq!(temp_pid("4242.json"), None);
    }
}
