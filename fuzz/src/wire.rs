//! What must hold for every batch a local-only client writes: each line is one valid batch, each
//! event is exactly what the public anonymizer makes of what was tracked, and nothing outside
//! the allowlist, no nested value and no oversized field ever appears.

use std::fs;
use std::path::{Path, PathBuf};

use mycelium_telemetry::anonymize::limits::{
    MAX_FIELDS, MAX_MESSAGE_BYTES, MAX_NAME_BYTES, MAX_STACK_TRACE_BYTES, TRUNCATION_MARKER,
};
use mycelium_telemetry::anonymize::{is_secret_key, scrub_bounded, METADATA_ALLOWLIST};
use mycelium_telemetry::event::MAX_JSON_DEPTH;
use mycelium_telemetry::Anonymizer;
use serde_json::{Map, Value};

/// The salt every fuzzed client hashes with, so that expected hashes can be computed.
pub const SALT: &str = "fuzz-salt-4b1d9e7c2a5f8036";

/// What a track call was given, kept until the sender has written it.
#[derive(Debug)]
pub enum Tracked {
    AgentUsage {
        agent_id: String,
        operation: String,
        metadata: Option<String>,
    },
    Performance {
        metric_name: String,
        value: f64,
        unit: Option<String>,
        tags: Option<String>,
    },
    Error {
        error_type: String,
        error_message: String,
        stack_trace: Option<String>,
        context: Option<String>,
    },
    SystemInfo,
}

/// The object a track call must accept `text` as: one JSON object nested at most
/// `MAX_JSON_DEPTH` deep. `None` means the call must answer "invalid JSON".
pub fn acceptable_object(text: &str) -> Option<Map<String, Value>> {
    let object: Map<String, Value> = serde_json::from_str(text).ok()?;
    let depth = 1 + object.values().map(depth).max().unwrap_or(0);
    (depth <= MAX_JSON_DEPTH).then_some(object)
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(fields) => 1 + fields.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// One client's local-only output file, with what was tracked on that client since the file
/// was last read. The file is removed when this is dropped.
pub struct LocalOutput {
    path: PathBuf,
    anonymizer: Anonymizer,
    extra_keys: Vec<String>,
    tracked: Vec<Tracked>,
}

impl LocalOutput {
    /// A fresh file named after `name` and this process, so parallel fuzz jobs never share one.
    pub fn new(name: &str, extra_keys: Vec<String>) -> Self {
        let path =
            std::env::temp_dir().join(format!("mycelium-fuzz-{name}-{}.jsonl", std::process::id()));
        let _ = fs::remove_file(&path);
        LocalOutput {
            path,
            anonymizer: Anonymizer::with_metadata_keys(SALT, extra_keys.clone()),
            extra_keys,
            tracked: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn anonymizer(&self) -> &Anonymizer {
        &self.anonymizer
    }

    /// Notes an event its track call accepted.
    pub fn record(&mut self, tracked: Tracked) {
        self.tracked.push(tracked);
    }

    /// Forgets what an interrupted check left behind: call after a flush.
    pub fn discard(&mut self) {
        self.tracked.clear();
        let _ = fs::remove_file(&self.path);
    }

    /// After a flush that nothing was dropped from: the file holds every recorded event, in
    /// order, each exactly as expected. Returns how many were checked.
    pub fn verify_all_sent(&mut self) -> usize {
        let events = self.take_events();
        assert_eq!(
            events.len(),
            self.tracked.len(),
            "events written != events accepted"
        );
        for (event, tracked) in events.iter().zip(&self.tracked) {
            check_invariants(event, &self.extra_keys);
            check_matches(event, tracked, &self.anonymizer);
        }
        self.tracked.clear();
        events.len()
    }

    /// After a flush on a client whose queue overflowed, which events survived depends on
    /// timing: every written event still keeps the invariants, and `sent` of them were written.
    pub fn verify_invariants_only(&mut self, sent: u64) -> usize {
        let events = self.take_events();
        assert_eq!(
            events.len() as u64,
            sent,
            "events written != events counted as sent"
        );
        for event in &events {
            check_invariants(event, &self.extra_keys);
        }
        self.tracked.clear();
        events.len()
    }

    /// Reads and removes the file (the client recreates it on its next batch).
    fn take_events(&self) -> Vec<Map<String, Value>> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => panic!("cannot read the output file: {error}"),
        };
        let _ = fs::remove_file(&self.path);
        text.lines().flat_map(batch_events).collect()
    }
}

impl Drop for LocalOutput {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

fn batch_events(line: &str) -> Vec<Map<String, Value>> {
    let batch: Value = serde_json::from_str(line)
        .unwrap_or_else(|error| panic!("a batch line is not JSON ({error}): {line}"));
    assert_eq!(batch["version"], "1.0", "{line}");
    assert!(batch["timestamp"].is_f64(), "{line}");
    let events = batch["events"].as_array().expect("events is an array");
    assert!(!events.is_empty(), "empty batch written: {line}");
    events
        .iter()
        .map(|event| event.as_object().expect("an event is an object").clone())
        .collect()
}

fn is_hash(value: &Value) -> bool {
    value.as_str().is_some_and(|hash| {
        hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn assert_string_within(event: &Map<String, Value>, key: &str, max_bytes: usize) {
    let text = event[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string: {event:?}"));
    assert!(text.len() <= max_bytes, "{key} is {} bytes", text.len());
}

/// Metadata and error context as they may leave: only allowlisted, not secret-looking keys
/// with scalar values, strings bounded, at most `MAX_FIELDS`.
pub fn check_metadata(metadata: &Map<String, Value>, extra_keys: &[String]) {
    assert!(metadata.len() <= MAX_FIELDS, "{} fields", metadata.len());
    for (key, value) in metadata {
        let listed =
            METADATA_ALLOWLIST.contains(&key.as_str()) || extra_keys.iter().any(|k| k == key);
        assert!(listed, "key {key:?} is not on the allowlist");
        assert!(!is_secret_key(key), "secret-looking key {key:?} left");
        assert!(is_scalar(value), "nested value under {key:?} left");
        if let Some(text) = value.as_str() {
            assert!(
                text.len() <= MAX_NAME_BYTES,
                "{key:?} is {} bytes",
                text.len()
            );
        }
    }
}

/// Performance tags as they may leave: identifier-like keys carry a hash, other secret-looking
/// keys are gone, values are scalars, keys and strings bounded, at most `MAX_FIELDS`.
pub fn check_tags(tags: &Map<String, Value>) {
    assert!(tags.len() <= MAX_FIELDS, "{} tags", tags.len());
    for (key, value) in tags {
        assert!(
            key.len() <= MAX_NAME_BYTES,
            "tag key is {} bytes",
            key.len()
        );
        assert!(is_scalar(value), "nested value under tag {key:?} left");
        if let Some(text) = value.as_str() {
            assert!(
                text.len() <= MAX_NAME_BYTES,
                "tag {key:?} is {} bytes",
                text.len()
            );
        }
        // A cut key may have lost the suffix that made it identifier-like.
        if key.ends_with(TRUNCATION_MARKER) {
            continue;
        }
        if key.ends_with("_id") || key == "user" || key == "agent" {
            assert!(is_hash(value), "identifier tag {key:?} left unhashed");
        } else {
            assert!(!is_secret_key(key), "secret-looking tag {key:?} left");
        }
    }
}

/// What holds for any event, whatever was tracked.
fn check_invariants(event: &Map<String, Value>, extra_keys: &[String]) {
    let timestamp = event["timestamp"].as_f64().expect("timestamp is a number");
    assert!(timestamp.is_finite() && timestamp > 1.6e9, "{timestamp}");
    for (key, value) in event {
        if !matches!(key.as_str(), "metadata" | "context" | "tags") {
            assert!(is_scalar(value), "nested value under {key:?}: {event:?}");
        }
    }
    match event["event_type"].as_str() {
        Some("agent_usage") => {
            assert!(is_hash(&event["agent_id_hash"]), "{event:?}");
            assert_string_within(event, "operation", MAX_NAME_BYTES);
            check_filtered_field(event, "metadata", extra_keys);
        }
        Some("performance") => {
            assert_string_within(event, "metric_name", MAX_NAME_BYTES);
            assert_string_within(event, "unit", MAX_NAME_BYTES);
            assert!(
                event["value"].as_f64().is_some_and(f64::is_finite),
                "{event:?}"
            );
            if let Some(tags) = event.get("tags") {
                check_tags(tags.as_object().expect("tags is an object"));
            }
        }
        Some("error") => {
            assert_string_within(event, "error_type", MAX_NAME_BYTES);
            assert_string_within(event, "error_message", MAX_MESSAGE_BYTES);
            if event.contains_key("stack_trace") {
                assert_string_within(event, "stack_trace", MAX_STACK_TRACE_BYTES);
            }
            check_filtered_field(event, "context", extra_keys);
        }
        Some("system_info") => {
            assert_eq!(event["library_version"], mycelium_telemetry::VERSION);
        }
        _ => panic!("unknown event: {event:?}"),
    }
}

fn check_filtered_field(event: &Map<String, Value>, key: &str, extra_keys: &[String]) {
    if let Some(field) = event.get(key) {
        let field = field
            .as_object()
            .unwrap_or_else(|| panic!("{key} is not an object: {event:?}"));
        assert!(!field.is_empty(), "empty {key} should have been left out");
        check_metadata(field, extra_keys);
    }
}

/// The event is exactly the public anonymizer's rendering of what was tracked.
fn check_matches(event: &Map<String, Value>, tracked: &Tracked, anonymizer: &Anonymizer) {
    let name = |text: &str| Value::from(scrub_bounded(text, MAX_NAME_BYTES));
    let mut expected = Map::new();
    match tracked {
        Tracked::AgentUsage {
            agent_id,
            operation,
            metadata,
        } => {
            expected.insert("event_type".into(), "agent_usage".into());
            expected.insert(
                "agent_id_hash".into(),
                anonymizer.hash_identifier(agent_id).into(),
            );
            expected.insert("operation".into(), name(operation));
            insert_filtered(&mut expected, "metadata", metadata, anonymizer);
        }
        Tracked::Performance {
            metric_name,
            value,
            unit,
            tags,
        } => {
            expected.insert("event_type".into(), "performance".into());
            expected.insert("metric_name".into(), name(metric_name));
            expected.insert("value".into(), round_trip(&Value::from(*value)));
            expected.insert("unit".into(), name(unit.as_deref().unwrap_or("ms")));
            let tags = parsed(tags).map(|tags| anonymizer.anonymize_tags(&tags));
            // Whether an empty tag object is written is not part of the contract.
            let written = event
                .get("tags")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            let tags = tags.unwrap_or_default();
            assert_eq!(
                written,
                round_trip(&Value::Object(tags)),
                "tags differ from the anonymizer's"
            );
        }
        Tracked::Error {
            error_type,
            error_message,
            stack_trace,
            context,
        } => {
            expected.insert("event_type".into(), "error".into());
            expected.insert("error_type".into(), name(error_type));
            expected.insert(
                "error_message".into(),
                scrub_bounded(error_message, MAX_MESSAGE_BYTES).into(),
            );
            if let Some(trace) = stack_trace.as_deref().filter(|trace| !trace.is_empty()) {
                expected.insert(
                    "stack_trace".into(),
                    scrub_bounded(trace, MAX_STACK_TRACE_BYTES).into(),
                );
            }
            insert_filtered(&mut expected, "context", context, anonymizer);
        }
        Tracked::SystemInfo => {
            assert_eq!(event["event_type"], "system_info");
            return;
        }
    }
    let mut written = event.clone();
    written.remove("timestamp");
    written.remove("tags");
    assert_eq!(Value::Object(written), Value::Object(expected));
}

fn parsed(text: &Option<String>) -> Option<Map<String, Value>> {
    let text = text.as_deref()?;
    Some(acceptable_object(text).expect("an accepted object parses"))
}

fn insert_filtered(
    expected: &mut Map<String, Value>,
    key: &str,
    text: &Option<String>,
    anonymizer: &Anonymizer,
) {
    if let Some(object) = parsed(text) {
        let filtered = anonymizer.filter_metadata(&object);
        if !filtered.is_empty() {
            expected.insert(key.into(), round_trip(&Value::Object(filtered)));
        }
    }
}

/// `value` after the same serialize-and-parse trip the written file took, so that a float's
/// parse (which may differ from the source text in its last bit) compares equal.
fn round_trip(value: &Value) -> Value {
    serde_json::from_str(&value.to_string()).expect("serde_json reads what it writes")
}
