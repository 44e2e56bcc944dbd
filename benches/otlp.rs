//! What the OTLP protocol adds on the sender thread: one wire-format batch of 100 events (the
//! default batch size, a mix of the four kinds, already scrubbed by `anonymize_event`) encoded
//! as an OTLP/HTTP JSON request. This is the whole cost of `TELEMETRY_PROTOCOL=otlp` before the
//! POST; it is what decided JSON over protobuf (docs/opentelemetry.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mycelium_telemetry::otlp::Encoder;
use mycelium_telemetry::{anonymize_event, Config};

const EVENTS: usize = 100;

fn wire_batch() -> Vec<u8> {
    let mut config = Config::new();
    config.set_salt("bench-salt").unwrap();
    let kinds = [
        r#"{"event_type":"agent_usage","agent_id":"agent-7","operation":"summarize","metadata":{"duration_ms":812,"success":true}}"#,
        r#"{"event_type":"performance","metric_name":"latency","value":41.5,"unit":"ms","tags":{"region":"eu","user_id":"u-1"}}"#,
        r#"{"event_type":"error","error_type":"ValueError","error_message":"cannot open /home/alice/x.txt","stack_trace":"Traceback:\n  File \"/home/alice/app.py\", line 12, in main","context":{"retry_count":2}}"#,
        r#"{"event_type":"agent_usage","agent_id":"agent-8","operation":"classify","metadata":{"duration_ms":41}}"#,
    ];
    let events: Vec<String> = (0..EVENTS)
        .map(|i| anonymize_event(&config, kinds[i % kinds.len()]).unwrap())
        .collect();
    format!(
        r#"{{"version":"1.0","timestamp":1795634411.5,"events":[{}]}}"#,
        events.join(",")
    )
    .into_bytes()
}

fn otlp_encode(c: &mut Criterion) {
    let wire = wire_batch();
    let encoder = Encoder::new(Some("bench-app"));
    let encoded = encoder.encode(&wire, Some("python 3.11.7")).unwrap();
    eprintln!(
        "otlp: a batch of {EVENTS} events is {} bytes in wire format 1.0, {} bytes as OTLP JSON",
        wire.len(),
        encoded.len()
    );
    let mut group = c.benchmark_group("otlp");
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.bench_function("encode_batch_of_100", |b| {
        b.iter(|| encoder.encode(black_box(&wire), Some("python 3.11.7")))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = otlp_encode
}
criterion_main!(benches);
