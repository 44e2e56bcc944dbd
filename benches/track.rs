//! What a track call costs the thread that makes it (issue #6, docs/performance.md).
//!
//! Enabled cases use local clients (batches go to a local file) whose sender sleeps while calls
//! are timed, so the figures are the caller's own cost: checking the strings, one allocation,
//! one push. What the sender does with the events is measured in `pipeline.rs`.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use mycelium_telemetry::{Client, Config};

#[path = "../examples/support/collector.rs"]
mod collector;
mod support;

use collector::Collector;
use support::{ERROR_CONTEXT, ERROR_MESSAGE, METADATA, PYTHON_TRACE};

/// Calls timed on one client (per thread). Two threads together stay below one batch (1,000),
/// so the sender, woken by the first event, sleeps through the stretch instead of competing
/// with the callers for the two cores.
const CALLS_PER_CLIENT: u64 = 400;

/// Times `iters` calls of `track` (per thread), in stretches of [`CALLS_PER_CLIENT`] on fresh
/// quiet clients. Returns the mean time one thread spent on its calls.
fn time_on_quiet_clients(iters: u64, threads: u32, track: &(impl Fn(&Client) + Sync)) -> Duration {
    let mut total = Duration::ZERO;
    let mut remaining = iters;
    while remaining > 0 {
        let calls = remaining.min(CALLS_PER_CLIENT);
        remaining -= calls;
        let client = Client::new(&support::quiet_local_config(calls as u32 * threads + 1));
        // Untimed: wakes the sender once, which finds less than a batch and goes back to sleep.
        track(&client);
        let barrier = Barrier::new(threads as usize);
        let time_calls = || {
            barrier.wait();
            let start = Instant::now();
            for _ in 0..calls {
                track(&client);
            }
            start.elapsed()
        };
        let spent: Duration = std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(time_calls)).collect();
            let mine = time_calls();
            helpers
                .into_iter()
                .map(|helper| helper.join().expect("benchmark thread"))
                .sum::<Duration>()
                + mine
        });
        total += spent / threads;
        // No time left: the sender discards the events without scrubbing or sending them.
        client.shutdown(Duration::ZERO);
    }
    total
}

fn track_short(client: &Client) {
    let _ = black_box(client.track_agent_usage(black_box("agent-7"), black_box("summarize"), None));
}

fn track_calls(c: &mut Criterion) {
    let mut group = c.benchmark_group("track");

    let disabled = Client::new(&Config::new());
    group.bench_function("disabled", |b| {
        b.iter(|| {
            disabled.track_agent_usage(
                black_box("agent-7"),
                black_box("summarize"),
                Some(black_box(METADATA)),
            )
        })
    });

    group.bench_function("enabled_short", |b| {
        b.iter_custom(|iters| time_on_quiet_clients(iters, 1, &track_short))
    });

    let long_agent = format!("agent-{}", "7".repeat(1018));
    let long_operation = format!("summarize-{}", "x".repeat(1014));
    let track_long = |client: &Client| {
        let _ = black_box(client.track_agent_usage(
            black_box(&long_agent),
            black_box(&long_operation),
            None,
        ));
    };
    group.bench_function("enabled_long_2x1KiB", |b| {
        b.iter_custom(|iters| time_on_quiet_clients(iters, 1, &track_long))
    });

    let track_metadata = |client: &Client| {
        let _ = black_box(client.track_agent_usage(
            black_box("agent-7"),
            black_box("summarize"),
            Some(black_box(METADATA)),
        ));
    };
    group.bench_function("enabled_short_metadata", |b| {
        b.iter_custom(|iters| time_on_quiet_clients(iters, 1, &track_metadata))
    });

    let track_error = |client: &Client| {
        let _ = black_box(client.track_error(
            black_box("OperationalError"),
            black_box(ERROR_MESSAGE),
            Some(black_box(PYTHON_TRACE)),
            Some(black_box(ERROR_CONTEXT)),
        ));
    };
    group.bench_function("error_with_trace", |b| {
        b.iter_custom(|iters| time_on_quiet_clients(iters, 1, &track_error))
    });

    group.bench_function("enabled_short_two_threads", |b| {
        b.iter_custom(|iters| time_on_quiet_clients(iters, 2, &track_short))
    });

    let down = Collector::start();
    let stalled = stalled_client(&down.url());
    down.stop();
    fill_until_displacing(&stalled);
    let before = stalled.stats();
    group.bench_function("full_queue_collector_down", |b| {
        b.iter(|| track_short(&stalled))
    });
    let after = stalled.stats();
    // Every call measured displaced an older event; none was sent or newly given up.
    assert_eq!(
        after.enqueued - before.enqueued,
        after.dropped - before.dropped,
        "the queue was not full during the whole measurement: {before:?} → {after:?}"
    );
    assert_eq!((after.sent, after.failed), (before.sent, before.failed));
    stalled.shutdown(Duration::ZERO);

    group.finish();
}

const STALLED_CAPACITY: u32 = 1024;

/// A client whose collector refuses connections and which waits an hour before retrying: once
/// its sender holds a failed batch, nothing leaves the queue.
fn stalled_client(endpoint: &str) -> Client {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_salt(support::SALT).expect("salt");
    config.set_endpoint(endpoint).expect("endpoint");
    config
        .set_queue_capacity(STALLED_CAPACITY)
        .expect("capacity");
    config.set_retry_initial_delay(Duration::from_secs(3600));
    config.set_logger(|_, _| {});
    Client::new(&config)
}

/// Tracks until the sender is stuck waiting to retry its first batch, then fills the queue.
fn fill_until_displacing(client: &Client) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.stats().retries == 0 {
        assert!(
            Instant::now() < deadline,
            "the sender never tried the refusing collector"
        );
        for _ in 0..200 {
            track_short(client);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..STALLED_CAPACITY {
        track_short(client);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = track_calls
}
criterion_main!(benches);
