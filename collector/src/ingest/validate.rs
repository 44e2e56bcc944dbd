//! What makes a parsed body a batch of wire format 1.0: the version, a finite timestamp, ids of
//! the documented shape, 1 to 1,000 events (none for a deletion request), and each event of a
//! known type with the fields its type requires. The first failure is the `400`'s reason.

use super::wire::{WireBatch, WireEvent};
use super::EVENT_TYPES;

/// A batch that passed every check, events paired with their known type.
pub struct Checked {
    pub batch_id: Option<String>,
    pub installation_id: Option<String>,
    pub deletion_request: bool,
    pub events: Vec<(&'static str, WireEvent)>,
}

/// 32 lowercase hex digits: the shape of `installation_id` and `batch_id`.
pub fn is_hex32(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub fn check(batch: WireBatch) -> Result<Checked, String> {
    if batch.version != "1.0" {
        return Err("version must be \"1.0\"".into());
    }
    if !batch.timestamp.is_finite() {
        return Err("timestamp must be a finite number".into());
    }
    for (name, id) in [
        ("installation_id", &batch.installation_id),
        ("batch_id", &batch.batch_id),
    ] {
        if id.as_deref().is_some_and(|id| !is_hex32(id)) {
            return Err(format!("{name} must be 32 lowercase hex digits"));
        }
    }
    let deletion_request = batch.deletion_request.unwrap_or(false);
    if deletion_request && batch.installation_id.is_none() {
        return Err("a deletion request needs an installation_id".into());
    }
    if batch.events.is_empty() && !deletion_request {
        return Err("events must hold at least one event".into());
    }
    let mut events = Vec::with_capacity(batch.events.len());
    for (index, event) in batch.events.into_iter().enumerate() {
        let event_type = check_event(&event).map_err(|why| format!("event {index}: {why}"))?;
        events.push((event_type, event));
    }
    Ok(Checked {
        batch_id: batch.batch_id,
        installation_id: batch.installation_id,
        deletion_request,
        events,
    })
}

fn check_event(event: &WireEvent) -> Result<&'static str, String> {
    let event_type = event
        .event_type
        .as_deref()
        .and_then(|name| EVENT_TYPES.iter().find(|known| **known == name))
        .copied()
        .ok_or("event_type must be agent_usage, performance, error or system_info")?;
    if !event.timestamp.is_some_and(f64::is_finite) {
        return Err("timestamp must be a finite number".into());
    }
    let required: &[(&str, bool)] = match event_type {
        "agent_usage" => &[("operation", event.operation.is_some())],
        "performance" => &[
            ("metric_name", event.metric_name.is_some()),
            ("value", event.value.is_some_and(f64::is_finite)),
        ],
        "error" => &[("error_type", event.error_type.is_some())],
        _ => &[],
    };
    match required.iter().find(|(_, present)| !present) {
        Some((field, _)) => Err(format!("{event_type} needs {field}")),
        None => Ok(event_type),
    }
}
