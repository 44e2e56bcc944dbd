//! Render time of the dashboard page: the browser test's planted summary, and a summary at the
//! top of what 30 days of a busy collector gives (every day, eight event types, the ten top
//! operations, 60 version/platform rows, 30 metrics, 60 platform/runtime rows). The collector's
//! queries come before this and are measured with the collector.

use criterion::{criterion_group, criterion_main, Criterion};
use mycelium_collector::dashboard::render;
use serde_json::{json, Value};
use std::hint::black_box;

fn busy_month() -> Value {
    let days: Vec<String> = (3..=32)
        .map(|d| {
            if d <= 30 {
                format!("2026-11-{d:02}")
            } else {
                format!("2026-12-{:02}", d - 30)
            }
        })
        .collect();
    let types = [
        "agent_usage",
        "performance",
        "error",
        "system_info",
        "t5",
        "t6",
        "t7",
        "t8",
    ];
    let events_by_type: serde_json::Map<String, Value> = types
        .iter()
        .enumerate()
        .map(|(i, t)| ((*t).to_owned(), json!(1_000_000 / (i + 1))))
        .collect();
    let per_day: Vec<Value> =
        days.iter()
            .flat_map(|d| {
                types.iter().enumerate().map(
                    move |(i, t)| json!({"day": d, "event_type": t, "events": 33_000 / (i + 1)}),
                )
            })
            .collect();
    let row = |i: usize| json!({"library_version": format!("0.{i}.0"), "platform": "Linux", "errors": i, "events": 1000 + i, "rate": i as f64 / 1000.0});
    json!({
        "days": 30, "from": days[0], "to": days[29], "installations": 25_000,
        "events_by_type": events_by_type,
        "daily_active_installations": days.iter().enumerate().map(|(i, d)| json!({"day": d, "installations": 9000 + i})).collect::<Vec<_>>(),
        "events_per_type_per_day": per_day,
        "top_operations": (0..10).map(|i| json!({"operation": format!("operation <{i}>"), "events": 500_000 / (i + 1)})).collect::<Vec<_>>(),
        "error_rate": (0..60).map(row).collect::<Vec<_>>(),
        "performance": (0..30).map(|i| json!({"metric_name": format!("metric_{i}"), "unit": "ms", "samples": 10_000, "p50": i as f64 * 1.5, "p95": i as f64 * 4.25})).collect::<Vec<_>>(),
        "platforms": (0..60).map(|i| json!({"platform": "Linux", "runtime": format!("python 3.{i}"), "installations": 1000 - i})).collect::<Vec<_>>(),
    })
}

fn bench(c: &mut Criterion) {
    let planted: Value = serde_json::from_str(include_str!("../src/dashboard/sample-summary.json"))
        .expect("planted JSON");
    let busy = busy_month();
    let mut group = c.benchmark_group("dashboard");
    group.bench_function("render planted summary", |b| {
        b.iter(|| render(black_box(&planted)))
    });
    group.bench_function("render busy month", |b| b.iter(|| render(black_box(&busy))));
    group.bench_function("parse and render busy month", |b| {
        let text = busy.to_string();
        b.iter(|| render(&serde_json::from_str::<Value>(black_box(&text)).expect("JSON")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
