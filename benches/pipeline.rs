//! The sender's side: what it costs to turn queued events into a sent batch, per event kind
//! (issue #6, docs/performance.md). Three views, from the narrowest to the whole path:
//!
//! - `pipeline_steps`: the anonymization steps of each event kind, run on one thread through
//!   the public API (hash, scrub, allowlist, tag hashing), then one batch encoded with
//!   serde_json, 1,000 events at a time. The crate's own `Event::to_wire` and `encode_batch`
//!   are private; these are the same public functions they call, in the same order.
//! - `pipeline_client`: the real thing through a client writing to a local file: 1,000 track
//!   calls, then a flush that returns when the sender has anonymized, encoded and written them.
//!   `error` repeats one event (an error loop, which the sender's memory of its last messages
//!   and traces makes cheap); `error_new` tracks 1,000 different errors, each new to the sender.
//! - `delivery`: the same through HTTP to the loopback collector of the examples, batches of
//!   1,000. The collector runs in this process and competes for the same cores.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mycelium_telemetry::anonymize::limits::{
    MAX_MESSAGE_BYTES, MAX_NAME_BYTES, MAX_STACK_TRACE_BYTES,
};
use mycelium_telemetry::anonymize::scrub_bounded;
use mycelium_telemetry::{Anonymizer, Client, Config};
use serde_json::{json, Map, Value};

#[path = "../examples/support/collector.rs"]
mod collector;
mod support;

use collector::Collector;
use support::{ERROR_CONTEXT, ERROR_MESSAGE, FLUSH_TIMEOUT, METADATA, PYTHON_TRACE, TAGS};

const BATCH: u64 = 1000;

#[derive(Clone, Copy)]
enum Kind {
    AgentUsage,
    Performance,
    Error,
}

const KINDS: [(Kind, &str); 3] = [
    (Kind::AgentUsage, "agent_usage"),
    (Kind::Performance, "performance"),
    (Kind::Error, "error"),
];

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

fn parse_object(text: &str) -> Option<Map<String, Value>> {
    serde_json::from_str(text).ok()
}

/// One event's wire form, built with the steps the sender applies to that kind.
fn wire_event(kind: Kind, anonymizer: &Anonymizer) -> Value {
    let mut fields = Map::new();
    let event_type = match kind {
        Kind::AgentUsage => {
            fields.insert(
                "agent_id_hash".into(),
                anonymizer.hash_identifier("agent-7").into(),
            );
            fields.insert(
                "operation".into(),
                scrub_bounded("summarize", MAX_NAME_BYTES).into(),
            );
            insert_allowed(anonymizer, &mut fields, "metadata", METADATA);
            "agent_usage"
        }
        Kind::Performance => {
            fields.insert(
                "metric_name".into(),
                scrub_bounded("latency", MAX_NAME_BYTES).into(),
            );
            fields.insert("value".into(), json!(41.5));
            fields.insert("unit".into(), scrub_bounded("ms", MAX_NAME_BYTES).into());
            if let Some(tags) = parse_object(TAGS) {
                fields.insert(
                    "tags".into(),
                    Value::Object(anonymizer.anonymize_tags(&tags)),
                );
            }
            "performance"
        }
        Kind::Error => {
            fields.insert(
                "error_type".into(),
                scrub_bounded("OperationalError", MAX_NAME_BYTES).into(),
            );
            fields.insert(
                "error_message".into(),
                scrub_bounded(ERROR_MESSAGE, MAX_MESSAGE_BYTES).into(),
            );
            fields.insert(
                "stack_trace".into(),
                scrub_bounded(PYTHON_TRACE, MAX_STACK_TRACE_BYTES).into(),
            );
            insert_allowed(anonymizer, &mut fields, "context", ERROR_CONTEXT);
            "error"
        }
    };
    fields.insert("event_type".into(), event_type.into());
    fields.insert("timestamp".into(), json!(now()));
    Value::Object(fields)
}

fn insert_allowed(anonymizer: &Anonymizer, fields: &mut Map<String, Value>, key: &str, text: &str) {
    if let Some(object) = parse_object(text) {
        let allowed = anonymizer.filter_metadata(&object);
        if !allowed.is_empty() {
            fields.insert(key.into(), Value::Object(allowed));
        }
    }
}

fn encode_batch(events: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"version": "1.0", "timestamp": now(), "events": events}))
        .expect("a batch encodes")
}

fn track(client: &Client, kind: Kind) {
    let result = match kind {
        Kind::AgentUsage => client.track_agent_usage("agent-7", "summarize", Some(METADATA)),
        Kind::Performance => client.track_performance("latency", 41.5, Some("ms"), Some(TAGS)),
        Kind::Error => client.track_error(
            "OperationalError",
            ERROR_MESSAGE,
            Some(PYTHON_TRACE),
            Some(ERROR_CONTEXT),
        ),
    };
    result.expect("track call");
}

/// 1,000 error messages and traces that differ from each other (an attempt number, a line
/// number), so that every one is new to the sender: more than it remembers (its last 8).
fn new_errors() -> Vec<(String, String)> {
    (0..BATCH)
        .map(|i| {
            let message = format!("{ERROR_MESSAGE} (attempt {i})");
            let trace = PYTHON_TRACE.replace("line 42,", &format!("line {},", 1000 + i));
            (message, trace)
        })
        .collect()
}

/// A client that sends exactly when a batch of [`BATCH`] is queued (or on flush).
fn batching(mut config: Config) -> Client {
    config.set_batch_size(BATCH as u32).expect("batch size");
    config
        .set_queue_capacity(2 * BATCH as u32)
        .expect("capacity");
    config
        .set_flush_interval_ms(3_600_000)
        .expect("flush interval");
    Client::new(&config)
}

/// Tracks and flushes `iters` batches of `kind`; checks that every event was delivered.
fn time_batches(client: &Client, kind: Kind, iters: u64) -> Duration {
    time_batches_of(client, iters, |_| track(client, kind))
}

/// Tracks `track_one(i)` for `i` in `0..BATCH`, then flushes, `iters` times; checks that every
/// event was delivered.
fn time_batches_of(client: &Client, iters: u64, track_one: impl Fn(usize)) -> Duration {
    let sent_before = client.stats().sent;
    let start = Instant::now();
    for _ in 0..iters {
        for i in 0..BATCH as usize {
            track_one(i);
        }
        client.flush(FLUSH_TIMEOUT).expect("flush");
        support::empty_output();
    }
    let elapsed = start.elapsed();
    let stats = client.stats();
    assert_eq!(stats.sent - sent_before, iters * BATCH, "{stats:?}");
    assert_eq!(stats.dropped, 0, "{stats:?}");
    elapsed
}

fn sender_pipeline(c: &mut Criterion) {
    let anonymizer = Anonymizer::new(support::SALT);
    let mut steps = c.benchmark_group("pipeline_steps");
    steps.throughput(Throughput::Elements(BATCH));
    for (kind, name) in KINDS {
        steps.bench_function(name, |b| {
            b.iter(|| {
                let events = (0..BATCH).map(|_| wire_event(kind, &anonymizer)).collect();
                black_box(encode_batch(events))
            })
        });
    }
    steps.finish();

    let mut whole = c.benchmark_group("pipeline_client");
    whole.throughput(Throughput::Elements(BATCH));
    for (kind, name) in KINDS {
        whole.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let client = batching(support::local_config());
                time_batches(&client, kind, iters)
            })
        });
    }
    let errors = new_errors();
    whole.bench_function("error_new", |b| {
        b.iter_custom(|iters| {
            let client = batching(support::local_config());
            time_batches_of(&client, iters, |i| {
                let (message, trace) = &errors[i];
                client
                    .track_error(
                        "OperationalError",
                        message,
                        Some(trace),
                        Some(ERROR_CONTEXT),
                    )
                    .expect("track call");
            })
        })
    });
    whole.finish();

    let mut delivery = c.benchmark_group("delivery");
    delivery.throughput(Throughput::Elements(BATCH));
    delivery.bench_function("loopback_batches_of_1000", |b| {
        b.iter_custom(|iters| {
            // A fresh collector each time: it keeps every body it receives.
            let collector = Collector::start();
            let mut config = Config::new();
            config.set_enabled(true);
            config.set_salt(support::SALT).expect("salt");
            config.set_endpoint(&collector.url()).expect("endpoint");
            config.set_logger(|_, _| {});
            let client = batching(config);
            time_batches(&client, Kind::AgentUsage, iters)
        })
    });
    delivery.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = sender_pipeline
}
criterion_main!(benches);
