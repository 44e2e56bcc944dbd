//! Turns what an application tracks into what may leave the machine.
//!
//! Everything here runs on the sender thread (or when a host calls the `mt_anonymize_*`
//! functions directly), never on a caller's tracking path. The rules start from the Python
//! module this library replaces, so that hashes and scrubbed text stay comparable:
//! `hash_identifier` is `sha256(identifier + salt)` exactly as it computed it.

use once_cell::sync::Lazy;
use regex_lite::{Captures, Regex};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Metadata (and error context) keys that may leave, when their value is a scalar.
pub const METADATA_ALLOWLIST: &[&str] = &[
    "duration_ms",
    "success",
    "retry_count",
    "cache_hit",
    "result_count",
    "status_code",
];

/// Hashes identifiers with a per-installation salt. The salt is never exposed.
#[derive(Clone)]
pub struct Anonymizer {
    salt: String,
}

impl std::fmt::Debug for Anonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Anonymizer { salt: <hidden> }")
    }
}

impl Anonymizer {
    pub fn new(salt: impl Into<String>) -> Self {
        Anonymizer { salt: salt.into() }
    }

    /// Lowercase hex SHA-256 of the identifier followed directly by the salt.
    pub fn hash_identifier(&self, identifier: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(identifier.as_bytes());
        hasher.update(self.salt.as_bytes());
        hex(&hasher.finalize())
    }

    /// Performance tags: values of identifier-like keys (ending in `_id`, or `user`, `agent`)
    /// are hashed, other scalar values are scrubbed like messages, nested values are dropped.
    pub fn anonymize_tags(&self, tags: &Map<String, Value>) -> Map<String, Value> {
        tags.iter()
            .filter_map(|(key, value)| {
                let value = if is_identifier_key(key) {
                    Value::String(self.hash_identifier(&scalar_text(value)?))
                } else {
                    scrub_scalar(value)?
                };
                Some((key.clone(), value))
            })
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

/// Scalars pass (strings scrubbed); arrays and objects are dropped.
fn scrub_scalar(value: &Value) -> Option<Value> {
    match value {
        Value::String(text) => Some(Value::String(anonymize_message(text))),
        Value::Array(_) | Value::Object(_) => None,
        scalar => Some(scalar.clone()),
    }
}

/// Metadata and error context: only allowlisted keys with scalar values survive.
pub fn filter_metadata(metadata: &Map<String, Value>) -> Map<String, Value> {
    metadata
        .iter()
        .filter(|(key, _)| METADATA_ALLOWLIST.contains(&key.as_str()))
        .filter_map(|(key, value)| Some((key.clone(), scrub_scalar(value)?)))
        .collect()
}

/// A home directory prefix (`/home/u`, `/Users/u`, `C:/Users/u`, `Users/u`, `/root`) on a path
/// whose separators are already `/`.
static HOME_PREFIX: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:(?:[a-z]:)?/?(?:home|users)/[^/]+|/root)(?:/|$)").expect("valid regex")
});

/// Removes the user from a path: home directories become `<user>/…`, separators become `/`, and
/// any other path keeps at most its last three components.
///
/// `/home/john/project/file.py` → `<user>/project/file.py`;
/// `C:\Users\jane\Documents\code.py` → `<user>/Documents/code.py`;
/// `/opt/company/team/app/main.py` → `team/app/main.py`.
pub fn anonymize_path(path: &str) -> String {
    let normalized = path.replace('\\', "/");
    if let Some(home) = HOME_PREFIX.find(&normalized) {
        let rest = &normalized[home.end()..];
        return if rest.is_empty() {
            "<user>".to_owned()
        } else {
            format!("<user>/{rest}")
        };
    }
    let components: Vec<&str> = normalized
        .split('/')
        .filter(|part| !part.is_empty() && !is_drive(part))
        .collect();
    components[components.len().saturating_sub(3)..].join("/")
}

fn is_drive(part: &str) -> bool {
    let bytes = part.as_bytes();
    bytes.len() == 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// `File "…"`, `at "…"`, `in "…"`: a quoted path in a trace or message.
static QUOTED_PATH: Lazy<Regex> =
    Lazy::new(|| Regex::new(r#"(?i)((?:File |at |in )")([^"]+)(")"#).expect("valid regex"));
/// An unquoted Unix home path, up to the next whitespace. It must start a word (not follow a
/// letter, digit, `/`, `:` or `.`), so `mysql://root:pw@` or `/srv/home/x` is not taken for one.
static UNIX_HOME_PATH: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(^|[^\w/:.])(/(?:home|users)/\S+|/root(?:/\S*)?)").expect("valid regex")
});
/// An unquoted Windows path, not preceded by a letter or digit (so `http://` is not one).
static WINDOWS_PATH: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(^|[^A-Za-z0-9])([A-Z]:[/\\]\S+)").expect("valid regex"));
/// `scheme://user:password@` in any URL or connection string.
static URL_CREDENTIALS: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"://[^\s:/@]+:[^\s@]+@").expect("valid regex"));
static EMAIL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b").expect("valid regex")
});

/// Scrubs free text: paths lose their user, URL credentials become `<user>:<password>`, email
/// addresses become `<email>`. File names, line numbers and error type names survive.
pub fn anonymize_message(message: &str) -> String {
    // Credentials first: a user name such as `root` in a URL must not be taken for a path.
    let text = URL_CREDENTIALS.replace_all(message, "://<user>:<password>@");
    let text = QUOTED_PATH.replace_all(&text, |caps: &Captures| {
        format!("{}{}{}", &caps[1], anonymize_path(&caps[2]), &caps[3])
    });
    let text = UNIX_HOME_PATH.replace_all(&text, |caps: &Captures| {
        format!("{}{}", &caps[1], anonymize_path(&caps[2]))
    });
    let text = WINDOWS_PATH.replace_all(&text, |caps: &Captures| {
        format!("{}{}", &caps[1], anonymize_path(&caps[2]))
    });
    EMAIL.replace_all(&text, "<email>").into_owned()
}

/// Scrubs a stack trace with the message rules; each frame keeps its file name, line number and
/// function name.
pub fn anonymize_stack_trace(trace: &str) -> String {
    anonymize_message(trace)
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
    fn home_directories_lose_the_user() {
        let cases = [
            ("/home/john/project/file.py", "<user>/project/file.py"),
            ("/Users/jane/src/app.js", "<user>/src/app.js"),
            (
                "C:\\Users\\jane\\Documents\\code.py",
                "<user>/Documents/code.py",
            ),
            ("d:/users/Bob/x/y.rs", "<user>/x/y.rs"),
            ("D:\\Users\\bob/mixed\\sep.txt", "<user>/mixed/sep.txt"),
            ("/root/.cache/pip/log.txt", "<user>/.cache/pip/log.txt"),
            ("/root", "<user>"),
            ("/home/john", "<user>"),
            ("/home/john/", "<user>"),
        ];
        for (input, expected) in cases {
            assert_eq!(anonymize_path(input), expected, "{input}");
        }
    }

    #[test]
    fn other_paths_keep_their_last_three_components() {
        assert_eq!(
            anonymize_path("/opt/company/team/app/main.py"),
            "team/app/main.py"
        );
        assert_eq!(anonymize_path("/usr/lib/x.so"), "usr/lib/x.so");
        assert_eq!(
            anonymize_path("C:\\Program Files\\Tool\\bin\\tool.exe"),
            "Tool/bin/tool.exe"
        );
        assert_eq!(anonymize_path("src/main.rs"), "src/main.rs");
        assert_eq!(anonymize_path("/rootfs/a/b/c/d"), "b/c/d");
    }

    #[test]
    fn python_trace_keeps_file_names_and_lines() {
        let trace = "Traceback (most recent call last):\n  File \"/home/alice/proj/app.py\", line 42, in main\n    run()\n  File \"/usr/lib/python3.11/json/decoder.py\", line 355, in raw_decode\nValueError: bad input from alice@example.com";
        let scrubbed = anonymize_stack_trace(trace);
        assert!(!scrubbed.contains("alice"), "{scrubbed}");
        assert!(scrubbed.contains("File \"<user>/proj/app.py\", line 42, in main"));
        assert!(scrubbed.contains("File \"python3.11/json/decoder.py\", line 355"));
        assert!(scrubbed.contains("ValueError: bad input from <email>"));
    }

    #[test]
    fn messages_lose_paths_credentials_and_emails() {
        let cases = [
            (
                "cannot open /home/bob/secret/notes.txt: denied",
                "cannot open <user>/secret/notes.txt: denied",
            ),
            (
                "failed at C:\\Users\\carol\\app\\x.cs:line 10",
                "failed at <user>/app/x.cs:line 10",
            ),
            (
                "connect postgres://admin:hunter2@db.internal:5432/x failed",
                "connect postgres://<user>:<password>@db.internal:5432/x failed",
            ),
            (
                "mail to first.last+tag@mail.example.co.uk bounced",
                "mail to <email> bounced",
            ),
            (
                "plain http://example.com/path stays",
                "plain http://example.com/path stays",
            ),
            ("ValueError at line 3", "ValueError at line 3"),
        ];
        for (input, expected) in cases {
            assert_eq!(anonymize_message(input), expected, "{input}");
        }
    }

    #[test]
    fn metadata_allowlist_drops_unknown_keys_and_nested_values() {
        let metadata = json!({
            "duration_ms": 12.5, "success": true, "retry_count": 2, "cache_hit": null,
            "result_count": {"nested": 1}, "status_code": [200],
            "prompt": "write my essay", "code": "fn main() {}", "user_email": "a@b.co"
        });
        let filtered = filter_metadata(metadata.as_object().unwrap());
        assert_eq!(
            Value::Object(filtered),
            json!({"duration_ms": 12.5, "success": true, "retry_count": 2, "cache_hit": null})
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
    }
}
