//! Defence in depth: every string is scrubbed again with the library's own anonymizer and cut
//! to the library's bounds, so a client that does not scrub (an old version, a hand-written
//! one) still cannot store personal data here. Attribute keys that look secret are dropped, and
//! an `agent_id_hash` that is not a SHA-256 in hex (a raw identifier) is not kept.

use mycelium_telemetry::anonymize::limits::{
    MAX_MESSAGE_BYTES, MAX_NAME_BYTES, MAX_STACK_TRACE_BYTES,
};
use mycelium_telemetry::anonymize::{built_in_type, is_secret_key, scrub_bounded};
use mycelium_telemetry::Anonymizer;
use serde_json::{Map, Value};

use super::validate::Checked;
use super::wire::{Scalars, WireEvent};
use super::{Batch, Event};

pub fn scrub_batch(checked: Checked) -> Batch {
    Batch {
        batch_id: checked.batch_id,
        installation_id: checked.installation_id,
        deletion_request: checked.deletion_request,
        events: checked
            .events
            .into_iter()
            .map(|(event_type, event)| scrub_event(event_type, event))
            .collect(),
    }
}

fn name(text: Option<String>) -> Option<String> {
    bounded(text, MAX_NAME_BYTES)
}

fn bounded(text: Option<String>, max_bytes: usize) -> Option<String> {
    text.map(|text| scrub_bounded(&text, max_bytes))
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn scrub_event(event_type: &'static str, event: WireEvent) -> Event {
    let attributes = match event_type {
        "agent_usage" => event.metadata.map(metadata),
        "performance" => event.tags.map(tags),
        "error" => event.context.map(metadata),
        _ => None,
    };
    Event {
        event_type,
        timestamp: event.timestamp.unwrap_or_default(),
        agent_id_hash: event.agent_id_hash.filter(|hash| is_sha256_hex(hash)),
        operation: name(event.operation),
        metric_name: name(event.metric_name),
        value: event.value,
        unit: name(event.unit),
        error_type: name(event.error_type),
        error_message: bounded(event.error_message, MAX_MESSAGE_BYTES),
        stack_trace: bounded(event.stack_trace, MAX_STACK_TRACE_BYTES),
        attributes: attributes
            .filter(|map| !map.is_empty())
            .map(|map| Value::Object(map).to_string()),
        platform: name(event.platform),
        platform_version: name(event.platform_version),
        arch: name(event.arch),
        library_version: name(event.library_version),
        runtime: name(event.runtime),
    }
}

/// Metadata and error context through the library's typed allowlist: built-in keys must have
/// their built-in type; keys an application added (the collector cannot know them) are admitted
/// as "any scalar, strings scrubbed"; secret-looking keys are dropped.
fn metadata(fields: Scalars) -> Map<String, Value> {
    let added: Vec<String> = fields
        .0
        .keys()
        .filter(|key| built_in_type(key).is_none())
        .cloned()
        .collect();
    Anonymizer::with_metadata_keys(String::new(), added).filter_metadata(&fields.0)
}

/// Tags: the sender hashed identifier-like values already (hashing them again here would only
/// change them), so every string is scrubbed and bounded like a name, and secret-looking or
/// over-long keys are dropped.
fn tags(fields: Scalars) -> Map<String, Value> {
    fields
        .0
        .into_iter()
        .filter(|(key, _)| key.len() <= MAX_NAME_BYTES && !is_secret_key(key))
        .map(|(key, value)| match value {
            Value::String(text) => (key, Value::String(scrub_bounded(&text, MAX_NAME_BYTES))),
            other => (key, other),
        })
        .collect()
}
