use super::packed::Fields;
use super::*;
use crate::anonymize::{Anonymizer, Memo};
use serde_json::{json, Value};

/// The wire form as a value, for assertions.
fn wire_of(event: &Event, anonymizer: &Anonymizer) -> Value {
    let mut out = Vec::new();
    event.write_wire(anonymizer, &mut Memo::default(), &mut out);
    serde_json::from_slice(&out).expect("an event is one JSON object")
}

fn agent_usage(metadata: Option<&str>) -> Result<Event, TrackError> {
    Event::agent_usage("agent-1", "run", metadata)
}

#[test]
fn json_must_be_one_object() {
    assert!(agent_usage(Some(r#"{"a":1}"#)).is_ok());
    assert!(agent_usage(Some(" { } ")).is_ok());
    for bad in [
        "[1]",
        "1",
        "\"x\"",
        "null",
        "{",
        "{\"a\":1} x",
        "",
        "{'a':1}",
        // Well-formed, but not readable into a map: refused now, not dropped later.
        r#"{"retry_count":2,"duration_ms":1e999}"#,
        r#"{"a":"\ud800"}"#,
    ] {
        assert_eq!(
            agent_usage(Some(bad)).unwrap_err(),
            TrackError::InvalidJson,
            "{bad:?}"
        );
    }
    let nested = |depth: usize| {
        format!(
            "{{\"a\":{}{}}}",
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
    };
    assert!(agent_usage(Some(&nested(MAX_JSON_DEPTH))).is_ok());
    for depth in [MAX_JSON_DEPTH + 1, 100_000] {
        assert!(matches!(
            agent_usage(Some(&nested(depth))),
            Err(TrackError::InvalidJson)
        ));
    }
    // Brackets inside strings do not count.
    let in_string = format!("{{\"a\":\"{}\\\"\"}}", "[".repeat(1000));
    assert!(agent_usage(Some(&in_string)).is_ok(), "{in_string}");
}

#[test]
fn fields_share_one_buffer_and_keep_their_boundaries() {
    let event = Event::error("E", "message", None, Some("{}")).unwrap();
    let named = Fields::Error {
        error_type: "E",
        message: "message",
        stack_trace: None,
        context: Some("{}"),
    };
    assert_eq!(event.fields(), named);
    assert_eq!(event.packed_text(), "Emessage{}");
    let empty = Event::agent_usage("", "", Some("")).err();
    assert_eq!(
        empty,
        Some(TrackError::InvalidJson),
        "empty JSON is not an object"
    );
    let blank = Event::agent_usage("", "", None).unwrap();
    let named = Fields::AgentUsage {
        agent_id: "",
        operation: "",
        metadata: None,
    };
    assert_eq!(blank.fields(), named);
    // A queue slot holds the pointer and length of one buffer (the queue reserves every slot).
    assert!(std::mem::size_of::<Event>() <= 16, "queue slots stay small");
}

#[test]
fn metric_values_must_be_finite() {
    for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let event = Event::performance("latency", value, None, None);
        assert_eq!(event.unwrap_err(), TrackError::InvalidArgument);
    }
}

#[test]
fn agent_usage_wire_form() {
    let anonymizer = Anonymizer::new("salt");
    let event = agent_usage(Some(r#"{"duration_ms":5,"prompt":"secret"}"#)).unwrap();
    let wire = wire_of(&event, &anonymizer);
    assert_eq!(wire["event_type"], "agent_usage");
    assert_eq!(wire["agent_id_hash"], anonymizer.hash_identifier("agent-1"));
    assert_eq!(wire["operation"], "run");
    assert_eq!(wire["metadata"], json!({"duration_ms": 5}));
    assert!(wire["timestamp"].as_f64().unwrap() > 1.6e9);
    // Nothing survives the allowlist: no metadata key at all.
    let wire = wire_of(
        &agent_usage(Some(r#"{"prompt":"x"}"#)).unwrap(),
        &anonymizer,
    );
    assert!(wire.get("metadata").is_none());
}

#[test]
fn a_batch_is_one_json_document_with_every_event() {
    let anonymizer = Anonymizer::new("s");
    let mut memo = Memo::default();
    let empty: Value = serde_json::from_slice(&BatchWriter::new().finish()).unwrap();
    assert_eq!(empty["events"], json!([]));
    let mut batch = BatchWriter::new();
    batch.add(&agent_usage(None).unwrap(), &anonymizer, &mut memo);
    let tricky = Event::error("E\"\n\u{1}", "quote \" and \\ and ünï", None, None).unwrap();
    batch.add(&tricky, &anonymizer, &mut memo);
    let body: Value = serde_json::from_slice(&batch.finish()).unwrap();
    assert_eq!(body["version"], "1.0");
    assert!(body["timestamp"].as_f64().unwrap() > 1.6e9);
    let events = body["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["error_type"], "E\"\n\u{1}");
    assert_eq!(events[1]["error_message"], "quote \" and \\ and ünï");
}

#[test]
fn every_batch_has_its_own_random_batch_id() {
    let first = BatchWriter::new();
    let id = first.batch_id().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id}"
    );
    let body: Value = serde_json::from_slice(&first.finish()).unwrap();
    assert_eq!(body["batch_id"], id.as_str());
    let second = BatchWriter::for_installation(Some("0123456789abcdef0123456789abcdef"));
    assert_ne!(second.batch_id().unwrap(), id);
}

#[test]
fn system_info_names_the_platform() {
    let wire = wire_of(&Event::system_info().unwrap(), &Anonymizer::new("s"));
    assert_eq!(wire["platform"], "Linux");
    assert_eq!(wire["arch"], std::env::consts::ARCH);
    assert!(!wire["platform_version"].as_str().unwrap().is_empty());
    assert_eq!(wire["library_version"], crate::VERSION);
}

#[test]
fn host_runtime_is_validated_and_reported() {
    for bad in ["", "   ", "python\n3.11", "ünïcode 1.0", &"x".repeat(65)] {
        assert_eq!(
            set_host_runtime(bad),
            Err(TrackError::InvalidArgument),
            "{bad:?}"
        );
    }
    set_host_runtime("python 3.11.7").unwrap();
    let wire = wire_of(&Event::system_info().unwrap(), &Anonymizer::new("s"));
    assert_eq!(wire["runtime"], "python 3.11.7");
}
