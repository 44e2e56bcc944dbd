//! `--print-stored`: each stored batch as one JSON line on standard output, in the wire format's
//! shape (what was stored, after scrubbing), for tests that only need to see what arrived.

use serde_json::{json, Map, Value};

use super::{Batch, Event};

impl Batch {
    pub fn to_wire_json(&self) -> Value {
        let mut batch = json!({"version": "1.0", "events": self.events.iter().map(Event::to_wire_json).collect::<Vec<_>>()});
        for (key, value) in [
            ("batch_id", &self.batch_id),
            ("installation_id", &self.installation_id),
        ] {
            if let Some(value) = value {
                batch[key] = json!(value);
            }
        }
        batch
    }
}

impl Event {
    pub fn to_wire_json(&self) -> Value {
        let mut event = Map::new();
        event.insert("event_type".into(), json!(self.event_type));
        event.insert("timestamp".into(), json!(self.timestamp));
        let texts = [
            ("agent_id_hash", &self.agent_id_hash),
            ("operation", &self.operation),
            ("metric_name", &self.metric_name),
            ("unit", &self.unit),
            ("error_type", &self.error_type),
            ("error_message", &self.error_message),
            ("stack_trace", &self.stack_trace),
            ("platform", &self.platform),
            ("platform_version", &self.platform_version),
            ("arch", &self.arch),
            ("library_version", &self.library_version),
            ("runtime", &self.runtime),
        ];
        for (key, text) in texts {
            if let Some(text) = text {
                event.insert(key.into(), json!(text));
            }
        }
        if let Some(value) = self.value {
            event.insert("value".into(), json!(value));
        }
        if let Some(attributes) = &self.attributes {
            let key = match self.event_type {
                "performance" => "tags",
                "error" => "context",
                _ => "metadata",
            };
            let parsed = serde_json::from_str(attributes).unwrap_or(Value::Null);
            event.insert(key.into(), parsed);
        }
        Value::Object(event)
    }
}
