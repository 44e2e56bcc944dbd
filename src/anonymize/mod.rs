//! Turns what an application tracks into what may leave the machine.
//!
//! Everything here runs on the sender thread (or when a host calls the `mt_anonymize_*`
//! functions directly), never on a caller's tracking path. The rules start from the Python
//! module this library replaces, so that hashes and scrubbed text stay comparable:
//! `hash_identifier` is `sha256(identifier + salt)` exactly as it computed it. On top of it:
//! many more kinds of secrets and personal data ([`scrub`]), bounded field sizes ([`limits`]),
//! and a metadata allowlist that an application may extend but never weaken.

mod checks;
mod finding;
mod identity;
pub mod limits;
mod memo;
mod paths;
mod personal;
mod repeats;
mod scrub;
mod secrets;

use std::sync::Arc;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub use identity::Identity;
pub(crate) use memo::Memo;
pub use scrub::Scrubber;

/// Metadata (and error context) keys that may leave, when their value is a scalar.
pub const METADATA_ALLOWLIST: &[&str] = &[
    "duration_ms",
    "success",
    "retry_count",
    "cache_hit",
    "result_count",
    "status_code",
];

/// Words that make a metadata key secret-looking: its value never leaves, allowlisted or not.
const SECRET_KEY_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "api_key",
    "private_key",
    "access_key",
    "credential",
    "auth",
    "cookie",
    "session",
    "signature",
];

/// True when a metadata key's name says its value is a secret (any case; `-` counts as `_`).
pub fn is_secret_key(key: &str) -> bool {
    // Compared byte by byte rather than on a lowered copy: it runs for every tag of every event.
    let fold = |byte: u8| match byte {
        b'-' => b'_',
        other => other.to_ascii_lowercase(),
    };
    let key = key.as_bytes();
    SECRET_KEY_WORDS.iter().any(|word| {
        let word = word.as_bytes();
        key.windows(word.len())
            .any(|window| window.iter().zip(word).all(|(&k, &w)| fold(k) == w))
    })
}

/// Hashes identifiers with a per-installation salt and filters structured fields. The salt is
/// never exposed.
#[derive(Clone)]
pub struct Anonymizer {
    salt: String,
    /// The built-in allowlist plus the application's keys, minus anything secret-looking:
    /// worked out once, so filtering an event is a lookup per key.
    allowed_metadata_keys: Arc<[String]>,
}

impl std::fmt::Debug for Anonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Anonymizer { salt: <hidden> }")
    }
}

impl Anonymizer {
    pub fn new(salt: impl Into<String>) -> Self {
        Anonymizer::with_metadata_keys(salt, Vec::new())
    }

    /// An anonymizer whose metadata allowlist also admits `extra_keys` (secret-looking keys
    /// are still dropped).
    pub fn with_metadata_keys(salt: impl Into<String>, extra_keys: Vec<String>) -> Self {
        let allowed: Vec<String> = METADATA_ALLOWLIST
            .iter()
            .map(|key| key.to_string())
            .chain(extra_keys)
            .filter(|key| !is_secret_key(key))
            .collect();
        Anonymizer {
            salt: salt.into(),
            allowed_metadata_keys: allowed.into(),
        }
    }

    /// Lowercase hex SHA-256 of the identifier followed directly by the salt.
    pub fn hash_identifier(&self, identifier: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(identifier.as_bytes());
        hasher.update(self.salt.as_bytes());
        hex(&hasher.finalize())
    }

    /// Metadata and error context: only allowlisted, not secret-looking keys with scalar values
    /// survive, at most [`limits::MAX_FIELDS`] of them; strings are scrubbed and bounded.
    pub fn filter_metadata(&self, metadata: &Map<String, Value>) -> Map<String, Value> {
        self.filter_metadata_with(metadata, &mut Memo::default())
    }

    pub(crate) fn filter_metadata_with(
        &self,
        metadata: &Map<String, Value>,
        memo: &mut Memo,
    ) -> Map<String, Value> {
        metadata
            .iter()
            .filter(|(key, _)| self.is_allowed_key(key))
            .filter_map(|(key, value)| Some((key.clone(), scrub_scalar(value, memo)?)))
            .take(limits::MAX_FIELDS)
            .collect()
    }

    fn is_allowed_key(&self, key: &str) -> bool {
        self.allowed_metadata_keys
            .iter()
            .any(|allowed| allowed == key)
    }

    /// Performance tags: values of identifier-like keys (ending in `_id`, or `user`, `agent`)
    /// are hashed, other secret-looking keys are dropped, other scalar values are scrubbed like
    /// messages, nested values are dropped, and so are tags whose name holds anything the
    /// scrubber would change or is longer than 128 bytes; at most [`limits::MAX_FIELDS`] tags.
    pub fn anonymize_tags(&self, tags: &Map<String, Value>) -> Map<String, Value> {
        self.anonymize_tags_with(tags, &mut Memo::default())
    }

    pub(crate) fn anonymize_tags_with(
        &self,
        tags: &Map<String, Value>,
        memo: &mut Memo,
    ) -> Map<String, Value> {
        tags.iter()
            .filter_map(|(key, value)| {
                // Identifier-like keys are hashed, even `session_id`; other secret-looking
                // keys have nothing worth keeping.
                let value = if is_identifier_key(key) {
                    Value::String(memo.hash(self, &scalar_text(value)?))
                } else if is_secret_key(key) {
                    return None;
                } else {
                    scrub_scalar(value, memo)?
                };
                // A tag name is a plain word. One the scrubber would change (it holds an email,
                // a path, a credential) or that is too long is not a name: the tag is dropped,
                // rather than sent under a rewritten name.
                (memo.name(key) == *key).then(|| (key.clone(), value))
            })
            .take(limits::MAX_FIELDS)
            .collect()
    }
}

fn is_identifier_key(key: &str) -> bool {
    key.ends_with("_id") || key == "user" || key == "agent"
}

/// The text a scalar is hashed as; `None` for arrays and objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    }
}

/// Scalars pass (strings scrubbed and bounded like names); arrays and objects are dropped.
fn scrub_scalar(value: &Value, memo: &mut Memo) -> Option<Value> {
    match value {
        Value::String(text) => Some(Value::String(memo.name(text))),
        Value::Array(_) | Value::Object(_) => None,
        scalar => Some(scalar.clone()),
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
    use serde_json::json;

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

    #[test]
    fn metadata_allowlist_drops_unknown_keys_and_nested_values() {
        let metadata = json!({
            "duration_ms": 12.5, "success": true, "retry_count": 2, "cache_hit": null,
            "result_count": {"nested": 1}, "status_code": [200],
            "prompt": "write my essay", "code": "fn main() {}", "user_email": "a@b.co"
        });
        let filtered = Anonymizer::new("s").filter_metadata(metadata.as_object().unwrap());
        assert_eq!(
            Value::Object(filtered),
            json!({"duration_ms": 12.5, "success": true, "retry_count": 2, "cache_hit": null})
        );
    }

    #[test]
    fn secret_looking_keys_in_any_case_or_spelling() {
        for key in [
            "password",
            "DB_PASSWORD",
            "api-key",
            "Api_Key",
            "x-auth-token",
            "SessionID",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["duration_ms", "model_name", "status_code", "pass", ""] {
            assert!(!is_secret_key(key), "{key}");
        }
        let anonymizer =
            Anonymizer::with_metadata_keys("s", vec!["auth_mode".into(), "model".into()]);
        let metadata = json!({"auth_mode": "x", "model": "m", "success": true});
        assert_eq!(
            Value::Object(anonymizer.filter_metadata(metadata.as_object().unwrap())),
            json!({"model": "m", "success": true}),
            "an allowlisted secret-looking key is still dropped"
        );
    }

    #[test]
    fn identifier_like_tags_are_hashed() {
        let anonymizer = Anonymizer::new("s");
        let tags = json!({"session_id": "abc", "user": "bob", "agent": "coder", "model": "m1",
                          "count_id": 7, "nested": {"x": 1}});
        let out = anonymizer.anonymize_tags(tags.as_object().unwrap());
        assert_eq!(out["session_id"], anonymizer.hash_identifier("abc"));
        assert_eq!(out["user"], anonymizer.hash_identifier("bob"));
        assert_eq!(out["agent"], anonymizer.hash_identifier("coder"));
        assert_eq!(out["count_id"], anonymizer.hash_identifier("7"));
        assert_eq!(out["model"], "m1");
        assert!(!out.contains_key("nested"));
        let odd = json!({"https://user:pass@example.com/u": "x", "me@example.com": 1,
                         "k".repeat(200): 2, "region": "eu"});
        assert_eq!(
            Value::Object(anonymizer.anonymize_tags(odd.as_object().unwrap())),
            json!({"region": "eu"}),
            "tags named with personal data or secrets are dropped"
        );
    }
}
