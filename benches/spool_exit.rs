//! What exiting without waiting costs a short-lived tool (issue 13): `Client::shutdown(0)` (the
//! C `mt_shutdown(client, 0)`) with 100 events queued and the collector down writes them to the
//! offline spool on the caller's thread and returns; the target is p99 ≤ 1 ms.
//!
//! Each sample is a fresh client of an application with a spool (in a temporary
//! `XDG_STATE_HOME`), 100 mixed events tracked (agent usage with metadata, performance with
//! tags, errors with a message and a Python traceback), a pause so the sender is asleep as in a
//! tool that just did its work, then the timed `shutdown(0)`. The spool is emptied between
//! samples (untimed), so each exit writes into the spool a tool usually finds: a few files.
//!
//! Prints one JSON object per line for `benches/report.py`. Run by
//! `cargo bench --bench spool_exit`; a short version runs when `MT_BENCH_QUICK` is set or when
//! cargo runs it as a test (without `--bench`).

use std::time::{Duration, Instant};

use mycelium_telemetry::{Client, Config, Counter};
use serde_json::json;

mod support;

const EVENTS: usize = 100;

fn main() {
    let quick = std::env::var_os("MT_BENCH_QUICK").is_some_and(|value| value != "0")
        || !std::env::args().any(|arg| arg == "--bench");
    let samples = if quick { 30 } else { 500 };
    let state = std::env::temp_dir().join(format!("mt-bench-spool-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    // Set before any client exists: the client reads it when it starts.
    std::env::set_var("XDG_STATE_HOME", &state);
    std::env::remove_var("DO_NOT_TRACK");
    std::env::remove_var("TELEMETRY_ENABLED");
    let spool = mycelium_telemetry::spool::folder(&state.join("mycelium/telemetry"), "bench");

    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        let client = Client::new(&config());
        for index in 0..EVENTS {
            track(&client, index);
        }
        // As in a tool that finished its work: the sender is asleep, waiting for a full batch.
        std::thread::sleep(Duration::from_millis(5));
        let start = Instant::now();
        let kept = client.shutdown(Duration::ZERO);
        latencies.push(start.elapsed());
        assert!(kept, "everything was spooled");
        assert_eq!(client.counter(Counter::Spooled), EVENTS as u64);
        drop(client);
        let _ = std::fs::remove_dir_all(&spool);
    }
    let _ = std::fs::remove_dir_all(&state);
    latencies.sort();
    let at = |fraction: f64| latencies[((latencies.len() - 1) as f64 * fraction).round() as usize];
    println!(
        "{}",
        json!({
            "name": "spool/shutdown_zero_100_events",
            "median_ns": at(0.5).as_nanos() as u64,
            "p99_ns": at(0.99).as_nanos() as u64,
            "max_ns": at(1.0).as_nanos() as u64,
            "detail": format!(
                "{samples} exits, each shutdown(0) with {EVENTS} queued events and the collector down"
            ),
        })
    );
}

fn config() -> Config {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_app_name("bench").unwrap();
    config.set_salt(support::SALT).unwrap();
    // A loopback port nothing listens on: the collector is down.
    config.set_endpoint("http://127.0.0.1:9/v1/events").unwrap();
    config.set_flush_interval_ms(60_000).unwrap();
    config
}

fn track(client: &Client, index: usize) {
    match index % 4 {
        0 => client.track_agent_usage("agent-7", "summarize", Some(support::METADATA)),
        1 => client.track_performance("latency", 41.5, None, Some(support::TAGS)),
        2 => client.track_error(
            "OperationalError",
            support::ERROR_MESSAGE,
            Some(support::PYTHON_TRACE),
            Some(support::ERROR_CONTEXT),
        ),
        _ => client.track_agent_usage("agent-9", "search", None),
    }
    .unwrap();
}
