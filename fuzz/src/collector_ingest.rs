//! The collector's ingest parser on arbitrary bodies: a body (gunzipped first when it starts
//! like gzip) either is refused with a reason or becomes a batch within every bound, never a
//! panic, and what it becomes has only known event types and bounded strings.

use mycelium_collector::ingest::{decode_body, parse_batch, EVENT_TYPES};

const MAX_MESSAGE_BYTES: usize = 1024;
const MAX_STACK_TRACE_BYTES: usize = 8 * 1024;
const MAX_NAME_BYTES: usize = 128;

pub fn check(data: &[u8]) {
    let encoding = data.starts_with(&[0x1f, 0x8b]).then_some("gzip");
    let Ok(body) = decode_body(encoding, data) else {
        return;
    };
    let Ok(batch) = parse_batch(&body) else {
        return;
    };
    assert!(batch.events.len() <= 1_000);
    assert!(!batch.events.is_empty() || batch.deletion_request);
    for event in &batch.events {
        assert!(EVENT_TYPES.contains(&event.event_type));
        let names = [
            &event.operation,
            &event.metric_name,
            &event.unit,
            &event.error_type,
            &event.platform,
            &event.platform_version,
            &event.arch,
            &event.library_version,
            &event.runtime,
        ];
        for name in names.into_iter().flatten() {
            assert!(name.len() <= MAX_NAME_BYTES, "{name:?}");
        }
        assert!(event.error_message.as_ref().map_or(0, String::len) <= MAX_MESSAGE_BYTES);
        assert!(event.stack_trace.as_ref().map_or(0, String::len) <= MAX_STACK_TRACE_BYTES);
        if let Some(attributes) = &event.attributes {
            let parsed: serde_json::Value = serde_json::from_str(attributes).expect("JSON");
            let object = parsed.as_object().expect("an object");
            assert!(object.len() <= 32);
            assert!(object.values().all(|v| !v.is_object() && !v.is_array()));
        }
        if let Some(hash) = &event.agent_id_hash {
            assert_eq!(hash.len(), 64);
        }
    }
}
