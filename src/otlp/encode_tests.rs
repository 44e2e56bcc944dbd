//! The OTLP/HTTP JSON encoding of each event type, checked field by field against the
//! specification's rules: lowerCamelCase names, int64/fixed64 as decimal strings, enums as
//! numbers, `AnyValue` wrappers.

use serde_json::{json, Value};

use super::encode::unix_nanos;
use super::Encoder;

const BATCH: &str = r#"{"version":"1.0","timestamp":1795634411.5,"installation_id":"3f2a9c1e0b7d4f6a8c5e2d1b0a9f8e7d","events":[
 {"event_type":"agent_usage","agent_id_hash":"089d4a2c","operation":"summarize","metadata":{"duration_ms":812,"success":true,"ratio":0.5},"timestamp":1795634410.125},
 {"event_type":"performance","metric_name":"latency","value":3.0,"unit":"ms","tags":{"region":"eu","agent":"a1b2"},"timestamp":1795634410.25},
 {"event_type":"error","error_type":"ValueError","error_message":"bad input at <user>/x.py","stack_trace":"x.py:3 in f","context":{"retry_count":2},"timestamp":1795634410.5},
 {"event_type":"error","error_type":"KeyError","error_message":"","timestamp":1795634410.75},
 {"event_type":"system_info","platform":"Linux","platform_version":"6.1","arch":"x86_64","library_version":"0.1.0","runtime":"python 3.11.7","timestamp":1795634411.0}
]}"#;

fn encoded(app: Option<&str>, runtime: Option<&str>) -> Value {
    let body = Encoder::new(app)
        .encode(BATCH.as_bytes(), runtime)
        .expect("a batch encodes");
    serde_json::from_slice(&body).expect("the encoding is JSON")
}

/// `key -> value` of a list of OTLP `KeyValue`s.
fn attributes(list: &Value) -> serde_json::Map<String, Value> {
    list.as_array()
        .expect("attributes are a list")
        .iter()
        .map(|kv| {
            let key = kv["key"].as_str().expect("a key").to_owned();
            (key, kv["value"].clone())
        })
        .collect()
}

#[test]
fn one_resource_logs_per_batch_with_the_resource_attributes() {
    let request = encoded(Some("my-app"), Some("python 3.11.7"));
    let resource_logs = request["resourceLogs"].as_array().expect("resourceLogs");
    assert_eq!(resource_logs.len(), 1);
    let resource = attributes(&resource_logs[0]["resource"]["attributes"]);
    let text = |key: &str| resource[key]["stringValue"].as_str().unwrap_or("<missing>");
    assert_eq!(text("service.name"), "my-app");
    assert_eq!(text("telemetry.sdk.name"), "mycelium-telemetry");
    assert_eq!(text("telemetry.sdk.language"), "python");
    assert_eq!(text("telemetry.sdk.version"), crate::VERSION);
    assert_eq!(text("os.type"), "linux");
    assert!(!text("host.arch").is_empty());
    assert_eq!(
        text("mycelium.installation_id"),
        "3f2a9c1e0b7d4f6a8c5e2d1b0a9f8e7d"
    );
    let scope = &resource_logs[0]["scopeLogs"][0];
    assert_eq!(scope["scope"]["name"], "mycelium-telemetry");
    assert_eq!(scope["logRecords"].as_array().map(Vec::len), Some(5));
}

#[test]
fn service_name_defaults_and_installation_id_only_when_the_batch_has_one() {
    let request = encoded(None, None);
    let resource = attributes(&request["resourceLogs"][0]["resource"]["attributes"]);
    assert_eq!(
        resource["service.name"]["stringValue"],
        "mycelium-telemetry"
    );
    assert_eq!(resource["telemetry.sdk.language"]["stringValue"], "c");
    let without = BATCH.replace(
        r#""installation_id":"3f2a9c1e0b7d4f6a8c5e2d1b0a9f8e7d","#,
        "",
    );
    let body = Encoder::new(None)
        .encode(without.as_bytes(), None)
        .expect("encodes");
    let request: Value = serde_json::from_slice(&body).expect("JSON");
    let resource = attributes(&request["resourceLogs"][0]["resource"]["attributes"]);
    assert!(!resource.contains_key("mycelium.installation_id"));
}

#[test]
fn each_event_type_becomes_a_named_log_record() {
    let request = encoded(None, None);
    let records = request["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
        .as_array()
        .expect("records")
        .clone();
    let names: Vec<&str> = records
        .iter()
        .filter_map(|r| r["eventName"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "mycelium.agent_usage",
            "mycelium.performance",
            "mycelium.error",
            "mycelium.error",
            "mycelium.system_info"
        ]
    );
    // Enums are numbers; 64-bit times are decimal strings of nanoseconds.
    assert_eq!(records[0]["severityNumber"], json!(9));
    assert_eq!(records[0]["severityText"], "INFO");
    assert_eq!(records[0]["timeUnixNano"], "1795634410125000000");
    assert_eq!(records[0]["observedTimeUnixNano"], "1795634411500000000");
    assert_eq!(records[2]["severityNumber"], json!(17));
    assert_eq!(records[2]["severityText"], "ERROR");

    let expect = |record: &Value, wanted: &[(&str, Value)]| {
        let found = attributes(&record["attributes"]);
        for (key, value) in wanted {
            assert_eq!(found.get(*key), Some(value), "{key}");
        }
    };
    expect(
        &records[0],
        &[
            ("mycelium.agent_id_hash", json!({"stringValue": "089d4a2c"})),
            ("mycelium.operation", json!({"stringValue": "summarize"})),
            ("mycelium.metadata.duration_ms", json!({"intValue": "812"})),
            ("mycelium.metadata.success", json!({"boolValue": true})),
            ("mycelium.metadata.ratio", json!({"doubleValue": 0.5})),
        ],
    );
    expect(
        &records[1],
        &[
            ("mycelium.metric_name", json!({"stringValue": "latency"})),
            ("mycelium.value", json!({"doubleValue": 3.0})),
            ("mycelium.unit", json!({"stringValue": "ms"})),
            ("mycelium.tags.region", json!({"stringValue": "eu"})),
        ],
    );
    expect(
        &records[2],
        &[
            ("exception.type", json!({"stringValue": "ValueError"})),
            (
                "exception.message",
                json!({"stringValue": "bad input at <user>/x.py"}),
            ),
            (
                "exception.stacktrace",
                json!({"stringValue": "x.py:3 in f"}),
            ),
            ("mycelium.context.retry_count", json!({"intValue": "2"})),
        ],
    );
    // Below error detail `full` the message is empty on the wire: no attribute at all here.
    let bare = attributes(&records[3]["attributes"]);
    assert!(!bare.contains_key("exception.message"));
    assert_eq!(bare["exception.type"], json!({"stringValue": "KeyError"}));

    let system = attributes(&records[4]["attributes"]);
    for key in [
        "mycelium.platform",
        "mycelium.platform_version",
        "mycelium.arch",
        "mycelium.library_version",
        "mycelium.runtime",
    ] {
        assert!(system[key]["stringValue"].is_string(), "{key}");
    }
}

#[test]
fn field_names_are_lower_camel_case() {
    fn check(value: &Value, path: &str) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    assert!(
                        !key.contains('_') && key.starts_with(|c: char| c.is_ascii_lowercase()),
                        "{path}.{key} is not lowerCamelCase"
                    );
                    // Attribute keys are data, not field names.
                    if key != "key" {
                        check(inner, &format!("{path}.{key}"));
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| check(item, path)),
            _ => {}
        }
    }
    check(&encoded(Some("app"), None), "");
}

#[test]
fn nanoseconds_keep_every_digit_of_the_seconds() {
    assert_eq!(unix_nanos(1.5), "1500000000");
    assert_eq!(unix_nanos(0.0), "0");
    assert_eq!(unix_nanos(f64::NAN), "0");
    assert_eq!(unix_nanos(-3.0), "0");
    assert_eq!(unix_nanos(1_795_634_410.0), "1795634410000000000");
}

#[test]
fn what_is_not_a_batch_is_refused() {
    let encoder = Encoder::new(None);
    assert!(encoder.encode(b"not json", None).is_none());
    assert!(encoder.encode(br#"{"version":"1.0"}"#, None).is_none());
    assert!(encoder
        .encode(br#"{"events":[{"no_type":1}]}"#, None)
        .is_none());
    let empty = encoder
        .encode(br#"{"events":[]}"#, None)
        .expect("an empty batch encodes");
    assert!(String::from_utf8_lossy(&empty).contains("\"logRecords\":[]"));
}
