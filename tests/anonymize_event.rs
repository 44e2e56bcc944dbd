//! `anonymize_event` (and `mt_config_anonymize_event` over it): one event's wire form without a
//! client, which must be exactly what a client with the same config sends to a collector.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::time::Duration;

use collector::Collector;
use mycelium_telemetry::{
    anonymize_event, AnonymizeEventError, Client, Config, ErrorDetail, ValueType,
};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(10);
const TRACE: &str = "Traceback (most recent call last):\n  File \"/home/ivan/app/db.py\", line 7, in connect\n    password = \"hunter2\"\nDatabaseError: postgres://ivan:hunter2@db/x";

fn configured() -> Config {
    let mut config = Config::new();
    config.set_salt("salt-for-the-comparison").unwrap();
    config
        .allow_metadata_field("output_count", ValueType::NonNegativeInteger)
        .unwrap();
    config.set_error_detail(ErrorDetail::Frames);
    config
}

fn without_timestamp(mut event: Value) -> Value {
    let timestamp = event.as_object_mut().unwrap().remove("timestamp");
    assert!(timestamp.is_some_and(|t| t.as_f64().is_some_and(|t| t > 1.0e9)));
    event
}

#[test]
fn each_event_is_what_a_client_with_the_same_config_sends() {
    let collector = Collector::start();
    let mut config = configured();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    let client = Client::new(&config);
    let metadata =
        r#"{"duration_ms": 9, "output_count": 3, "prompt": "ivan@example.com", "success": true}"#;
    let tags = r#"{"session_id": "s-1", "user": "alice", "api_key": "sk-123", "model": "m"}"#;
    let context = r#"{"status_code": 503, "path": "/home/ivan/x"}"#;
    client
        .track_agent_usage("ivan@example.com", "plan /home/ivan", Some(metadata))
        .unwrap();
    client
        .track_performance("latency", 12.5, None, Some(tags))
        .unwrap();
    client
        .track_error(
            "DatabaseError",
            "password hunter2",
            Some(TRACE),
            Some(context),
        )
        .unwrap();
    client.flush(WAIT).unwrap();
    let sent: Vec<Value> = collector
        .events()
        .into_iter()
        .map(without_timestamp)
        .collect();

    let inputs = [
        json!({"event_type": "agent_usage", "agent_id": "ivan@example.com",
               "operation": "plan /home/ivan",
               "metadata": serde_json::from_str::<Value>(metadata).unwrap()}),
        json!({"event_type": "performance", "metric_name": "latency", "value": 12.5,
               "tags": serde_json::from_str::<Value>(tags).unwrap()}),
        json!({"event_type": "error", "error_type": "DatabaseError",
               "error_message": "password hunter2", "stack_trace": TRACE,
               "context": serde_json::from_str::<Value>(context).unwrap()}),
    ];
    // A disabled copy: consent and `enabled` do not apply to anonymizing.
    let mut disabled = configured();
    disabled.set_enabled(false);
    let anonymized: Vec<Value> = inputs
        .iter()
        .map(|input| {
            let wire = anonymize_event(&disabled, &input.to_string()).unwrap();
            without_timestamp(serde_json::from_str(&wire).unwrap())
        })
        .collect();
    assert_eq!(sent.len(), 3);
    assert_eq!(anonymized, sent);
    assert!(!anonymized[0].to_string().contains("ivan"));
}

#[test]
fn bad_events_are_refused_with_a_reason() {
    let config = configured();
    let refused = |text: &str| anonymize_event(&config, text).unwrap_err();
    assert_eq!(refused("not json"), AnonymizeEventError::InvalidJson);
    assert_eq!(refused("[1]"), AnonymizeEventError::InvalidJson);
    assert_eq!(refused("{}"), AnonymizeEventError::UnknownEventType);
    assert_eq!(
        refused(r#"{"event_type": "system_info"}"#),
        AnonymizeEventError::UnknownEventType
    );
    assert_eq!(
        refused(r#"{"event_type": "agent_usage", "agent_id": "a"}"#),
        AnonymizeEventError::MissingField("operation")
    );
    assert_eq!(
        refused(r#"{"event_type": "performance", "metric_name": "m", "value": "1"}"#),
        AnonymizeEventError::InvalidJson
    );
    assert_eq!(
        refused(
            r#"{"event_type": "error", "error_type": "E", "error_message": "m", "context": [1]}"#
        ),
        AnonymizeEventError::InvalidJson
    );
    assert_eq!(
        refused(r#"{"event_type": "performance", "metric_name": "m"}"#),
        AnonymizeEventError::MissingField("value")
    );
}

#[test]
fn the_salt_file_is_read_but_never_created() {
    let folder = std::env::temp_dir().join(format!("mt-anonymize-event-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    let salt_file = folder.join("telemetry_salt");
    let mut config = Config::new();
    config.set_salt_file(&salt_file).unwrap();
    let event = r#"{"event_type": "agent_usage", "agent_id": "a", "operation": "run"}"#;
    assert_eq!(
        anonymize_event(&config, event),
        Err(AnonymizeEventError::NoSalt)
    );
    assert!(!salt_file.exists(), "anonymizing writes nothing");

    std::fs::write(&salt_file, "salt-on-file\n").unwrap();
    let wire: Value = serde_json::from_str(&anonymize_event(&config, event).unwrap()).unwrap();
    let expected = mycelium_telemetry::Anonymizer::new("salt-on-file").hash_identifier("a");
    assert_eq!(wire["agent_id_hash"], expected.as_str());
    std::fs::remove_dir_all(&folder).unwrap();
}
