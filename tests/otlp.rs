//! The OTLP exporter's delivery rules against a real loopback HTTP server (the scripted
//! collector every suite uses): where requests go and with which headers, which answers are
//! retried, how a `partialSuccess` is counted, and that header values never reach a log line.
//! tests/otel/test.sh checks the same exporter against a real OpenTelemetry Collector.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::ffi::OsString;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use collector::{Collector, Reply};
use mycelium_telemetry::{Client, Config, Protocol};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(10);
const PLANTED_KEY: &str = "planted-key-42";

/// An OTLP config read from an environment with telemetry on, the collector's address as
/// `OTEL_EXPORTER_OTLP_ENDPOINT` and an API key in `OTEL_EXPORTER_OTLP_HEADERS`; every log line,
/// debug output included, lands in the returned list.
fn otlp_config(collector: &Collector) -> (Config, Arc<Mutex<Vec<String>>>) {
    let base = format!("http://{}", collector.addr());
    let mut config = Config::try_from_lookup(|name| match name {
        "TELEMETRY_ENABLED" => Some(OsString::from("1")),
        "TELEMETRY_PROTOCOL" => Some(OsString::from("otlp")),
        "TELEMETRY_SALT" => Some(OsString::from("s")),
        "TELEMETRY_DEBUG" => Some(OsString::from("1")),
        "TELEMETRY_APP" => Some(OsString::from("otlp-test")),
        "OTEL_EXPORTER_OTLP_ENDPOINT" => Some(OsString::from(&base)),
        "OTEL_EXPORTER_OTLP_HEADERS" => Some(OsString::from(format!("x-api-key={PLANTED_KEY}"))),
        _ => None,
    })
    .expect("a valid environment");
    config.set_retry_initial_delay(Duration::from_millis(10));
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    config.set_logger(move |_, message| sink.lock().unwrap().push(message.to_owned()));
    (config, lines)
}

fn track_every_type(client: &Client) {
    client
        .track_agent_usage("agent-1", "summarize", Some(r#"{"duration_ms": 5}"#))
        .unwrap();
    client
        .track_performance("latency", 2.5, None, None)
        .unwrap();
    client.track_error("ValueError", "bad", None, None).unwrap();
    client.track_system_info().unwrap();
}

#[test]
fn batches_go_to_v1_logs_as_otlp_json_with_the_configured_headers() {
    let collector = Collector::start();
    let (config, lines) = otlp_config(&collector);
    assert_eq!(config.protocol(), Protocol::Otlp);
    let client = Client::new(&config);
    track_every_type(&client);
    client.flush(WAIT).unwrap();
    let requests = collector.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.path, "/v1/logs");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("x-api-key"), Some(PLANTED_KEY));
    let body: Value = request.json();
    let records = body["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
        .as_array()
        .expect("log records");
    let names: Value = records.iter().map(|r| r["eventName"].clone()).collect();
    let every_type = ["agent_usage", "performance", "error", "system_info"];
    assert_eq!(
        names,
        json!(every_type.map(|kind| format!("mycelium.{kind}")))
    );
    let stats = client.stats();
    assert_eq!((stats.sent, stats.failed), (4, 0));
    let lines = lines.lock().unwrap();
    // Debug output shows the OTLP body as sent.
    assert!(lines
        .iter()
        .any(|l| l.contains("outgoing batch") && l.contains("resourceLogs")));
    assert!(lines.iter().all(|l| !l.contains(PLANTED_KEY)), "{lines:?}");
}

#[test]
fn rejected_records_of_a_partial_success_are_failed_not_retried() {
    let collector = Collector::start();
    let answer = r#"{"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"planted-reason"}}"#;
    collector.script([Reply::Json(200, answer.to_owned())]);
    let (config, lines) = otlp_config(&collector);
    let client = Client::new(&config);
    track_every_type(&client);
    client.flush(WAIT).unwrap();
    let stats = client.stats();
    assert_eq!(
        (stats.sent, stats.failed, stats.retries, stats.batches_sent),
        (1, 3, 0, 1)
    );
    assert_eq!(collector.requests().len(), 1);
    let lines = lines.lock().unwrap();
    assert!(
        lines.iter().any(|l| l.contains("rejected 3 log record(s)")),
        "{lines:?}"
    );
    // The Collector's message may quote the records: it is not repeated.
    assert!(
        lines.iter().all(|l| !l.contains("planted-reason")),
        "{lines:?}"
    );
}

#[test]
fn only_429_502_503_504_are_retried_with_retry_after_honoured() {
    for status in [429u16, 502, 503, 504] {
        let collector = Collector::start();
        collector.script([Reply::RetryAfter(status, 0), Reply::Status(200)]);
        let (config, _) = otlp_config(&collector);
        let client = Client::new(&config);
        client.track_system_info().unwrap();
        client.flush(WAIT).unwrap();
        let stats = client.stats();
        assert_eq!((stats.sent, stats.retries), (1, 1), "HTTP {status}");
    }
    for status in [400u16, 401, 403, 500, 501] {
        let collector = Collector::start();
        collector.script([Reply::Status(status)]);
        let (config, lines) = otlp_config(&collector);
        let client = Client::new(&config);
        client.track_system_info().unwrap();
        let _ = client.flush(WAIT);
        let stats = client.stats();
        assert_eq!(
            (stats.sent, stats.failed, stats.retries),
            (0, 1, 0),
            "HTTP {status}"
        );
        assert_eq!(collector.requests().len(), 1, "HTTP {status}");
        let lines = lines.lock().unwrap();
        assert!(lines.iter().all(|l| !l.contains(PLANTED_KEY)), "{lines:?}");
    }
}

#[test]
fn the_default_protocol_ignores_the_opentelemetry_variables() {
    let collector = Collector::start();
    let mut config = Config::try_from_lookup(|name| match name {
        "TELEMETRY_ENABLED" => Some(OsString::from("1")),
        "TELEMETRY_SALT" => Some(OsString::from("s")),
        "OTEL_EXPORTER_OTLP_HEADERS" => Some(OsString::from(format!("x-api-key={PLANTED_KEY}"))),
        _ => None,
    })
    .expect("valid");
    config.set_endpoint(&collector.url()).unwrap();
    let client = Client::new(&config);
    client.track_system_info().unwrap();
    client.flush(WAIT).unwrap();
    let requests = collector.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("x-api-key"), None);
    assert_eq!(requests[0].json()["version"], "1.0");
}
