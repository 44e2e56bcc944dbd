//! Turns what an application tracks into what may leave the machine.
//!
//! Everything here runs on the sender thread (or when a host calls the `mt_anonymize_*`
//! functions directly), never on a caller's tracking path. The rules start from the Python
//! module this library replaces, so that hashes and scrubbed text stay comparable:
//! `hash_identifier` is `sha256(identifier + salt)` exactly as it computed it. On top of it:
//! many more kinds of secrets and personal data ([`scrub`]), bounded field sizes ([`limits`]),
//! a typed metadata allowlist that an application may extend but never weaken
//! ([`allowlist`]), and a detail level for errors ([`frames`]).

pub mod allowlist;
mod checks;
mod finding;
pub mod frames;
mod identity;
pub mod limits;
mod memo;
mod paths;
mod personal;
mod repeats;
mod scrub;
mod secrets;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use allowlist::Allowlist;
pub use allowlist::{
    built_in_type, is_secret_key, AllowedField, ValueType, BUILT_IN_FIELDS, METADATA_ALLOWLIST,
};
pub use frames::ErrorDetail;
pub use identity::Identity;
pub(crate) use memo::Memo;
pub use scrub::Scrubber;

/// Hashes identifiers with a per-installation salt, filters structured fields through the
/// typed allowlist ([`allowlist`]) and says how much of an error may leave ([`ErrorDetail`]).
/// The salt is never exposed.
#[derive(Clone)]
pub struct Anonymizer {
    salt: String,
    allowlist: Allowlist,
    error_detail: ErrorDetail,
}

impl std::fmt::Debug for Anonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Anonymizer { salt: <hidden> }")
    }
}

impl Anonymizer {
    pub fn new(salt: impl Into<String>) -> Self {
        Anonymizer::with_metadata_fields(salt, Vec::new())
    }

    /// An anonymizer whose allowlist also admits `extra_keys` with any scalar value, strings
    /// scrubbed (secret-looking keys are still dropped).
    pub fn with_metadata_keys(salt: impl Into<String>, extra_keys: Vec<String>) -> Self {
        let fields = extra_keys
            .into_iter()
            .map(|key| AllowedField {
                key,
                value_type: ValueType::Any,
            })
            .collect();
        Anonymizer::with_metadata_fields(salt, fields)
    }

    /// An anonymizer whose allowlist also admits `extra_fields`, each with its own type
    /// (secret-looking keys are still dropped; built-in keys keep their built-in type).
    pub fn with_metadata_fields(salt: impl Into<String>, extra_fields: Vec<AllowedField>) -> Self {
        Anonymizer {
            salt: salt.into(),
            allowlist: Allowlist::new(extra_fields),
            error_detail: ErrorDetail::default(),
        }
    }

    /// The same anonymizer, sending errors at `detail`.
    pub fn with_error_detail(mut self, detail: ErrorDetail) -> Self {
        self.error_detail = detail;
        self
    }

    pub fn error_detail(&self) -> ErrorDetail {
        self.error_detail
    }

    /// Lowercase hex SHA-256 of the identifier followed directly by the salt.
    pub fn hash_identifier(&self, identifier: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(identifier.as_bytes());
        hasher.update(self.salt.as_bytes());
        hex(&hasher.finalize())
    }

    /// Metadata and error context: only allowlisted, not secret-looking keys whose value has the
    /// key's type survive, at most [`limits::MAX_FIELDS`] of them; strings (under keys of any
    /// type) are scrubbed and bounded.
    pub fn filter_metadata(&self, metadata: &Map<String, Value>) -> Map<String, Value> {
        self.allowlist.filter(metadata, &mut Memo::default())
    }

    /// [`Anonymizer::filter_metadata`] of a JSON object's text, as the sender writes it (see
    /// `Allowlist::filter_text`); `None` when `text` is not a JSON object.
    pub(crate) fn filter_metadata_text<'t>(
        &self,
        text: &'t str,
        memo: &mut Memo,
    ) -> Option<Vec<(std::borrow::Cow<'t, str>, Value)>> {
        self.allowlist.filter_text(text, memo)
    }

    /// Performance tags: identifier-like values hashed, secret-looking keys dropped, the rest
    /// scrubbed (see [`allowlist`] for why tags have no allowlist).
    pub fn anonymize_tags(&self, tags: &Map<String, Value>) -> Map<String, Value> {
        self.anonymize_tags_with(tags, &mut Memo::default())
    }

    pub(crate) fn anonymize_tags_with(
        &self,
        tags: &Map<String, Value>,
        memo: &mut Memo,
    ) -> Map<String, Value> {
        allowlist::filter_tags(tags, memo, |memo, text| memo.hash(self, text))
    }
}

/// Scrubs `text` and bounds the result to `max_bytes`. Very long input is cut (at a word
/// boundary, well beyond what can be kept) before scrubbing, so a 10 MB message costs little.
pub fn scrub_bounded(text: &str, max_bytes: usize) -> String {
    // Messages and traces repeat in an error loop: the last few are remembered (names are
    // remembered by the sender's memo).
    if text.len() > limits::MAX_NAME_BYTES {
        return repeats::remembered(text, max_bytes, || scrub_and_bound(text, max_bytes));
    }
    scrub_and_bound(text, max_bytes)
}

fn scrub_and_bound(text: &str, max_bytes: usize) -> String {
    let head = limits::pre_cut(text, max_bytes);
    let scrubbed = Scrubber::for_this_process().scrub(head);
    if head.len() < text.len() {
        // Cut before scrubbing: the marker must show even if what is left fits.
        limits::cut_with_marker(&scrubbed, max_bytes)
    } else {
        limits::bounded(&scrubbed, max_bytes)
    }
}

/// What may leave of one path: home directories under any prefix become `<user>/…`, macOS temp
/// folders `<tmp>/…`, UNC shares lose host and share, other paths of more than three components
/// keep their last three (shorter ones stay whole, leading `/` included); no kept component
/// holds a user's name.
pub fn anonymize_path(path: &str) -> String {
    Scrubber::for_this_process().scrub_path(path)
}

/// Scrubs free text: secrets, personal numbers, network identifiers, emails, paths and this
/// user's own login, home and host name each become a placeholder (see [`Scrubber`]).
pub fn anonymize_message(message: &str) -> String {
    Scrubber::for_this_process().scrub(message)
}

/// Scrubs a stack trace with the message rules; each frame keeps its file name, line and column
/// numbers and function name, in the trace formats of Python, Node.js, Go, Rust, Java, Ruby and
/// .NET.
pub fn anonymize_stack_trace(trace: &str) -> String {
    Scrubber::for_this_process().scrub(trace)
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0xf)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_of_identifier_then_salt() {
        let anonymizer = Anonymizer::new("test_salt");
        // sha256("agent-42test_salt"), computed independently with Python's hashlib.
        assert_eq!(
            anonymizer.hash_identifier("agent-42"),
            "f48cf14137e4d6fd49bd5c906a3c81424ab9410985563d95725a599b4d8943fc"
        );
    }

    #[test]
    fn hashes_are_consistent_64_hex_and_salt_dependent() {
        let a = Anonymizer::new("salt-a");
        let b = Anonymizer::new("salt-b");
        let hash = a.hash_identifier("user@example.com");
        assert_eq!(hash.len(), 64);
        assert!(hash.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_eq!(hash, a.hash_identifier("user@example.com"));
        assert_ne!(hash, b.hash_identifier("user@example.com"));
        assert_ne!(hash, a.hash_identifier("user@example.org"));
    }

    #[test]
    fn python_trace_keeps_file_names_and_lines() {
        let trace = "Traceback (most recent call last):\n  File \"/home/alice/proj/app.py\", line 42, in main\n    run()\n  File \"/usr/lib/python3.11/json/decoder.py\", line 355, in raw_decode\nValueError: bad input from alice@example.com";
        let scrubbed = anonymize_stack_trace(trace);
        assert!(!scrubbed.contains("alice"), "{scrubbed}");
        assert!(scrubbed.contains("File \"<user>/proj/app.py\", line 42, in main"));
        assert!(scrubbed.contains("File \"/usr/lib/python3.11/json/decoder.py\", line 355"));
        assert!(scrubbed.contains("ValueError: bad input from <email>"));
    }
}
