//! Less free text leaves: typed allowlist values, error detail levels, and bounded, scrubbed
//! names, checked on what a real loopback collector receives from a real client.

#[path = "../examples/support/collector.rs"]
mod collector;
#[path = "support/received.rs"]
mod received;

use mycelium_telemetry::anonymize::limits::{MAX_NAME_BYTES, TRUNCATION_MARKER};
use mycelium_telemetry::{Config, ErrorDetail, ValueType};
use received::received;
use serde_json::{json, Value};

#[test]
fn typed_keys_keep_right_typed_values_and_drop_the_rest() {
    let mut config = Config::new();
    config
        .allow_metadata_field("output_count", ValueType::NonNegativeInteger)
        .unwrap();
    config
        .allow_metadata_field("upstream_status", ValueType::HttpStatusCode)
        .unwrap();
    config.allow_metadata_key("model").unwrap();
    let events = received(config, |client| {
        let right = r#"{"duration_ms": 41.5, "success": true, "status_code": 201,
            "output_count": 7, "upstream_status": 503, "model": "m by ann@example.com"}"#;
        let wrong = r#"{"duration_ms": "41", "success": "true", "status_code": 42,
            "output_count": -7, "upstream_status": "503",
            "retry_count": "2 tries, token ghp_0123456789abcdefghijABCDEFGHIJ012345"}"#;
        client.track_agent_usage("a", "op", Some(right)).unwrap();
        client.track_agent_usage("a", "op", Some(wrong)).unwrap();
        client
            .track_error(
                "E",
                "m",
                None,
                Some(r#"{"status_code": 500, "cache_hit": 1}"#),
            )
            .unwrap();
    });
    assert_eq!(
        events[0]["metadata"],
        json!({"duration_ms": 41.5, "success": true, "status_code": 201, "output_count": 7,
               "upstream_status": 503, "model": "m by <email>"})
    );
    assert!(events[1].get("metadata").is_none(), "{}", events[1]);
    assert_eq!(events[2]["context"], json!({"status_code": 500}));
}

const PYTHON_TRACE: &str = "Traceback (most recent call last):\n  File \"/home/ann/svc/main.py\", line 42, in handle\n    connect(password='hunter2')\nValueError: bad input from ann@example.com";

fn error_event(detail: ErrorDetail, trace: Option<&str>) -> Value {
    let mut config = Config::new();
    config.set_error_detail(detail);
    let events = received(config, |client| {
        client
            .track_error(
                "ValueError",
                "bad input from ann@example.com",
                trace,
                Some(r#"{"retry_count": 1}"#),
            )
            .unwrap();
    });
    events.into_iter().next().expect("one event")
}

#[test]
fn each_error_detail_level_changes_what_arrives() {
    let full = error_event(ErrorDetail::Full, Some(PYTHON_TRACE));
    assert_eq!(full["error_message"], "bad input from <email>");
    let trace = full["stack_trace"].as_str().unwrap();
    assert!(
        trace.contains("File \"<user>/svc/main.py\", line 42, in handle"),
        "{trace}"
    );

    let frames = error_event(ErrorDetail::Frames, Some(PYTHON_TRACE));
    assert_eq!(frames["error_type"], "ValueError");
    assert_eq!(
        frames["error_message"], "",
        "wire format 1.0 keeps the field, empty"
    );
    assert_eq!(frames["stack_trace"], "main.py:42 in handle");
    assert_eq!(frames["context"], json!({"retry_count": 1}));

    let unknown = error_event(ErrorDetail::Frames, Some("opaque dump: password=hunter2"));
    assert!(unknown.get("stack_trace").is_none(), "{unknown}");

    let only_type = error_event(ErrorDetail::Type, Some(PYTHON_TRACE));
    assert_eq!(only_type["error_type"], "ValueError");
    assert_eq!(only_type["error_message"], "");
    assert!(only_type.get("stack_trace").is_none(), "{only_type}");
    assert_eq!(only_type["context"], json!({"retry_count": 1}));
    for event in [&frames, &only_type] {
        let text = event.to_string();
        for leaked in ["ann", "hunter2", "bad input", "/home"] {
            assert!(!text.contains(leaked), "{leaked} in {text}");
        }
    }
}

#[test]
fn names_callers_pass_are_scrubbed_and_bounded() {
    let secret = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    let events = received(Config::new(), |client| {
        client
            .track_agent_usage("a", &format!("deploy for ann@example.com {secret}"), None)
            .unwrap();
        client
            .track_performance(
                "latency of ann@example.com",
                1.0,
                Some(&format!("ms token={secret}")),
                Some(r#"{"ann@example.com": 1, "region": "eu", "note": "ann@example.com"}"#),
            )
            .unwrap();
        client
            .track_error(&format!("Error at /home/ann/x.py {secret}"), "", None, None)
            .unwrap();
        let long = "word ".repeat(100);
        client.track_agent_usage("a", &long, None).unwrap();
        client
            .track_performance(&long, 1.0, Some(&long), Some(&format!("{{\"{long}\": 1}}")))
            .unwrap();
        client.track_error(&long, "", None, None).unwrap();
    });
    let text = |index: usize, key: &str| events[index][key].as_str().unwrap().to_owned();
    for (index, key) in [
        (0, "operation"),
        (1, "metric_name"),
        (1, "unit"),
        (2, "error_type"),
    ] {
        let value = text(index, key);
        assert!(
            !value.contains("ann") && !value.contains(secret),
            "{key}: {value}"
        );
    }
    assert_eq!(
        events[1]["tags"],
        json!({"region": "eu", "note": "<email>"})
    );
    for (index, key) in [
        (3, "operation"),
        (4, "metric_name"),
        (4, "unit"),
        (5, "error_type"),
    ] {
        let value = text(index, key);
        assert!(
            value.len() <= MAX_NAME_BYTES,
            "{key}: {} bytes",
            value.len()
        );
        assert!(value.ends_with(TRUNCATION_MARKER), "{key}: {value}");
    }
    assert_eq!(
        events[4]["tags"],
        json!({}),
        "a tag name over {MAX_NAME_BYTES} bytes is dropped"
    );
}
