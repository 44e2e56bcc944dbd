//! Users can see exactly what leaves: debug output shows each batch as sent, and local-only
//! mode writes those very bytes to a file without opening a socket. Also: data minimization.

#[path = "../examples/support/collector.rs"]
mod collector;
#[path = "support/received.rs"]
mod received;

use std::sync::{Arc, Mutex};

use collector::Collector;
use mycelium_telemetry::anonymize::limits::{
    MAX_FIELDS, MAX_MESSAGE_BYTES, MAX_NAME_BYTES, MAX_STACK_TRACE_BYTES, TRUNCATION_MARKER,
};
use mycelium_telemetry::{Client, Config, LogLevel};
use received::{received, WAIT};
use serde_json::Value;

fn debug_lines(config: &mut Config) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    config.set_debug(true);
    config.set_logger(move |level, message| {
        if level == LogLevel::Debug {
            sink.lock().unwrap().push(message.to_owned());
        }
    });
    lines
}

/// The batches debug output printed, without their prefix.
fn printed_batches(lines: &Mutex<Vec<String>>) -> Vec<String> {
    lines
        .lock()
        .unwrap()
        .iter()
        .map(|line| line.strip_prefix("outgoing batch: ").unwrap().to_owned())
        .collect()
}

fn track_sample(client: &Client) {
    client
        .track_agent_usage("ivan@example.com", "plan", Some(r#"{"duration_ms": 9}"#))
        .unwrap();
    client
        .track_error(
            "E",
            "token=ghp_0123456789abcdefghijABCDEFGHIJ012345",
            None,
            None,
        )
        .unwrap();
    client.flush(WAIT).unwrap();
}

#[test]
fn debug_output_is_exactly_what_the_collector_received() {
    let collector = Collector::start();
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt("s").unwrap();
    let lines = debug_lines(&mut config);
    track_sample(&Client::new(&config));
    let printed = printed_batches(&lines);
    let received: Vec<String> = collector.requests().iter().map(|r| r.body_text()).collect();
    assert_eq!(printed, received);
    assert!(!printed[0].contains("ivan") && !printed[0].contains("ghp_"));
}

#[test]
fn local_only_mode_writes_the_bytes_that_would_be_sent_and_nothing_goes_out() {
    let path = std::env::temp_dir().join(format!("mt-local-only-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    // A live collector as the endpoint: in local-only mode it must never hear from us.
    let collector = Collector::start();
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_output_file(&path).unwrap();
    config.set_salt("s").unwrap();
    let lines = debug_lines(&mut config);
    let client = Client::new(&config);
    track_sample(&client);
    track_sample(&client);
    assert!(
        collector.requests().is_empty(),
        "nothing went to the network"
    );

    let written = std::fs::read_to_string(&path).unwrap();
    let printed = printed_batches(&lines);
    let file_lines: Vec<String> = written.lines().map(str::to_owned).collect();
    assert_eq!(file_lines, printed, "each batch, as sent, one JSON line");
    for line in &file_lines {
        let batch: Value = serde_json::from_str(line).unwrap();
        assert_eq!(batch["version"], "1.0");
    }
    let stats = client.stats();
    assert_eq!((stats.sent, stats.failed, stats.retries), (4, 0, 0));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn fields_are_bounded_with_a_visible_marker() {
    let long_message = "x ".repeat(10_000);
    let long_trace = "  File \"app.py\", line 1, in f\n".repeat(2_000);
    let long_name = "n".repeat(500);
    let events = received(Config::new(), |c| {
        c.track_error(&long_name, &long_message, Some(&long_trace), None)
            .unwrap();
        c.track_performance(&long_name, 1.0, Some(&long_name), None)
            .unwrap();
    });
    let text = |event: &Value, key: &str| event[key].as_str().unwrap().to_owned();
    let message = text(&events[0], "error_message");
    assert!(message.len() <= MAX_MESSAGE_BYTES && message.ends_with(TRUNCATION_MARKER));
    let trace = text(&events[0], "stack_trace");
    assert!(trace.len() <= MAX_STACK_TRACE_BYTES && trace.ends_with(TRUNCATION_MARKER));
    assert!(trace.starts_with("  File \"app.py\", line 1, in f\n"));
    for (event, key) in [
        (&events[0], "error_type"),
        (&events[1], "metric_name"),
        (&events[1], "unit"),
    ] {
        let value = text(event, key);
        assert!(
            value.len() <= MAX_NAME_BYTES && value.ends_with(TRUNCATION_MARKER),
            "{key}"
        );
    }
}

#[test]
fn an_application_can_extend_the_allowlist_but_never_with_secrets() {
    let mut config = Config::new();
    config.allow_metadata_key("model_name").unwrap();
    assert!(config.allow_metadata_key("api_token").is_err());
    let many: String = (0..40)
        .map(|i| format!("\"k{i}\": {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    for i in 0..40 {
        let _ = config.allow_metadata_key(&format!("k{i}"));
    }
    let events = received(config, |c| {
        c.track_agent_usage(
            "a",
            "op",
            Some(r#"{"model_name": "small by jo@example.com", "api_token": "abc", "duration_ms": 1}"#),
        )
        .unwrap();
        c.track_agent_usage("a", "op", Some(&format!("{{{many}}}")))
            .unwrap();
    });
    let metadata = &events[0]["metadata"];
    assert_eq!(
        metadata["model_name"], "small by <email>",
        "extended key, still scrubbed"
    );
    assert!(metadata.get("api_token").is_none());
    assert_eq!(metadata["duration_ms"], 1);
    assert!(events[1]["metadata"].as_object().unwrap().len() <= MAX_FIELDS);
}

#[test]
fn text_too_long_to_keep_whole_still_shows_it_was_cut() {
    // No whitespace to cut back to: nothing of it can be kept, but the cut must show.
    let long_token = "x".repeat(5_000);
    let events = received(Config::new(), |c| {
        c.track_error("E", &long_token, None, None).unwrap();
        c.track_agent_usage("a", &"y".repeat(600), None).unwrap();
    });
    assert_eq!(events[0]["error_message"], TRUNCATION_MARKER);
    assert_eq!(events[1]["operation"], TRUNCATION_MARKER);
}
