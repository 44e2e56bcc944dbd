//! What an enabled client costs while it is not being called: wake-ups and CPU when idle,
//! resident memory, and how long shutdown takes with nothing to send (issue #6,
//! docs/performance.md). Linux only: it reads `/proc`.
//!
//! Prints one JSON object per line, `{"name", "value", "unit"}` or `{"name", "median_ns", …}`,
//! for `benches/report.py`. Run by `cargo bench --bench lifecycle`; a short version runs when
//! `MT_BENCH_QUICK` is set or when cargo runs it as a test (without `--bench`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mycelium_telemetry::{Client, Config};
use serde_json::json;

#[path = "../examples/support/collector.rs"]
mod collector;
mod support;

/// The sender thread's name as `/proc` shows it: Linux keeps the first 15 bytes.
const SENDER_THREAD_COMM: &str = "mycelium-teleme";

/// Asks this program, run again, for [`scrubber_memory`] alone: in a fresh process, so that
/// nothing this one did is counted.
const SCRUBBER_ONLY: &str = "--scrubber-memory-only";

fn main() {
    if std::env::args().any(|arg| arg == SCRUBBER_ONLY) {
        scrubber_memory();
        return;
    }
    let quick = std::env::var_os("MT_BENCH_QUICK").is_some_and(|value| value != "0")
        || !std::env::args().any(|arg| arg == "--bench");
    // Memory first, while the process has allocated little else.
    memory();
    let scrubber = std::process::Command::new(std::env::current_exe().expect("own path"))
        .arg(SCRUBBER_ONLY)
        .output()
        .expect("run again for the scrubber's memory");
    assert!(scrubber.status.success(), "{scrubber:?}");
    print!("{}", String::from_utf8_lossy(&scrubber.stdout));
    shutdown_latency(if quick { 10 } else { 50 });
    idle(if quick {
        Duration::from_secs(2)
    } else {
        Duration::from_secs(10)
    });
}

fn emit(record: serde_json::Value) {
    println!("{record}");
}

/// A line of `/proc/self/status` or `/proc/self/task/<tid>/status`, as a number.
fn status_field(status: &str, field: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in the status file"))
}

fn resident_kib() -> u64 {
    status_field(&own_status(), "VmRSS")
}

fn own_status() -> String {
    std::fs::read_to_string("/proc/self/status").expect("/proc/self/status")
}

/// How much of the growth from `before` to `after` (two status files) is heap and stacks, and
/// how much pages of the program's code and tables read from the file.
fn split(before: &str, after: &str) -> String {
    let added =
        |field: &str| status_field(after, field).saturating_sub(status_field(before, field));
    format!(
        "{} KiB of it heap and stacks, {} KiB pages of code and tables read from the file",
        added("RssAnon"),
        added("RssFile")
    )
}

/// Settles allocations and the sender thread before memory is read.
fn settle() {
    std::thread::sleep(Duration::from_millis(100));
}

fn memory() {
    settle();
    let status_before = own_status();
    let before = status_field(&status_before, "VmRSS");
    // Default settings but two: a fixed salt (no salt file in the home directory) and batches
    // written to a local file (no network).
    let client = Client::new(&support::local_config());
    for _ in 0..10 {
        client
            .track_agent_usage("agent-7", "summarize", Some(support::METADATA))
            .expect("track");
    }
    client.track_system_info().expect("track");
    settle();
    // Less than a batch and the flush interval: nothing has been anonymized or sent yet.
    let before_first_batch = resident_kib();
    client.flush(support::FLUSH_TIMEOUT).expect("flush");
    settle();
    let status_after = own_status();
    let after_first_batch = status_field(&status_after, "VmRSS");
    emit(json!({
        "name": "lifecycle/rss_added_by_enabled_client",
        "value": after_first_batch.saturating_sub(before),
        "unit": "KiB",
        "detail": format!(
            "default settings, 11 events tracked and flushed to a local file; {}",
            split(&status_before, &status_after)
        ),
    }));
    emit(json!({
        "name": "lifecycle/rss_added_before_first_batch",
        "value": before_first_batch.saturating_sub(before),
        "unit": "KiB",
        "detail": "the same client before its first batch: queue, sender thread, 11 queued events",
    }));
    client.shutdown(Duration::from_secs(5));

    // A queue that cannot drain: its memory must stop growing once it is full.
    let down = collector::Collector::start();
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_salt(support::SALT).expect("salt");
    config.set_endpoint(&down.url()).expect("endpoint");
    config.set_retry_initial_delay(Duration::from_secs(3600));
    config.set_logger(|_, _| {});
    down.stop();
    let capacity = u64::from(config.queue_capacity());
    let stalled = Client::new(&config);
    let track = |count: u64| {
        for _ in 0..count {
            stalled
                .track_agent_usage("agent-7", "summarize", Some(support::METADATA))
                .expect("track");
        }
    };
    track(capacity);
    settle();
    let full = resident_kib();
    track(3 * capacity);
    settle();
    let four_times_over = resident_kib();
    let stats = stalled.stats();
    assert!(
        stats.dropped >= 2 * capacity,
        "the queue never filled: {stats:?}"
    );
    emit(json!({
        "name": "lifecycle/rss_growth_full_queue_4x_capacity",
        "value": four_times_over as i64 - full as i64,
        "unit": "KiB",
        "detail": format!(
            "collector down, {} events tracked into a full queue of {capacity}, {} displaced",
            3 * capacity, stats.dropped
        ),
    }));
    stalled.shutdown(Duration::ZERO);
}

/// The scrubber's first use, on the sender thread of the first client that sends something:
/// its tables are static, so what it adds is the process-wide scrubber (identity, a few
/// strings) and the allocator's first pages for scrubbing a trace.
fn scrubber_memory() {
    settle();
    let before = own_status();
    std::hint::black_box(mycelium_telemetry::anonymize::anonymize_stack_trace(
        support::PYTHON_TRACE,
    ));
    settle();
    let after = own_status();
    emit(json!({
        "name": "lifecycle/rss_added_by_scrubber",
        "value": status_field(&after, "VmRSS").saturating_sub(status_field(&before, "VmRSS")),
        "unit": "KiB",
        "detail": format!(
            "first scrub in a fresh process: one trace scrubbed; {}",
            split(&before, &after)
        ),
    }));
}

fn shutdown_latency(clients: usize) {
    let mut latencies: Vec<Duration> = (0..clients)
        .map(|_| {
            let client = Client::new(&support::local_config());
            // Long enough for the sender to be asleep, as it is in an idle client.
            std::thread::sleep(Duration::from_millis(20));
            let start = Instant::now();
            assert!(
                client.shutdown(Duration::from_secs(5)),
                "shutdown timed out"
            );
            start.elapsed()
        })
        .collect();
    latencies.sort();
    let at = |fraction: f64| latencies[((latencies.len() - 1) as f64 * fraction).round() as usize];
    emit(json!({
        "name": "lifecycle/shutdown_empty_queue",
        "median_ns": at(0.5).as_nanos() as u64,
        "p99_ns": at(0.99).as_nanos() as u64,
        "max_ns": at(1.0).as_nanos() as u64,
        "detail": format!("{clients} clients, each asleep 20 ms before Client::shutdown"),
    }));
}

fn sender_threads() -> Vec<PathBuf> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|task| {
            std::fs::read_to_string(task.join("comm"))
                .is_ok_and(|comm| comm.trim_end() == SENDER_THREAD_COMM)
        })
        .collect()
}

/// Context switches the thread made by waiting (each one is a wake-up later), and its CPU time
/// in clock ticks.
fn thread_activity(task: &Path) -> (u64, u64) {
    let status = std::fs::read_to_string(task.join("status")).expect("task status");
    let stat = std::fs::read_to_string(task.join("stat")).expect("task stat");
    // Fields after the parenthesized name: state is the 3rd field, utime and stime the 14th and
    // 15th.
    let after_name = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<u64> = after_name
        .split_whitespace()
        .map(|field| field.parse().unwrap_or(0))
        .collect();
    (
        status_field(&status, "voluntary_ctxt_switches"),
        fields[11] + fields[12],
    )
}

fn idle(window: Duration) {
    let others = sender_threads();
    let client = Client::new(&support::local_config());
    settle();
    let ours: Vec<PathBuf> = sender_threads()
        .into_iter()
        .filter(|task| !others.contains(task))
        .collect();
    let [sender] = ours.as_slice() else {
        panic!("expected one new sender thread, found {ours:?}");
    };
    let (switches_before, ticks_before) = thread_activity(sender);
    std::thread::sleep(window);
    let (switches_after, ticks_after) = thread_activity(sender);
    let per_10s = 10.0 / window.as_secs_f64();
    let ticks_per_second = 100.0; // USER_HZ on Linux
    emit(json!({
        "name": "lifecycle/idle_wakeups",
        "value": (switches_after - switches_before) as f64 * per_10s,
        "unit": "wake-ups per 10 s",
        "detail": format!(
            "sender thread of an enabled client with nothing queued, watched {} s",
            window.as_secs_f64()
        ),
    }));
    emit(json!({
        "name": "lifecycle/idle_cpu",
        "value": (ticks_after - ticks_before) as f64 * 1000.0 / ticks_per_second * per_10s,
        "unit": "ms CPU per 10 s",
        "detail": "same thread, user + system time, 10 ms resolution",
    }));
    client.shutdown(Duration::from_secs(5));
}
