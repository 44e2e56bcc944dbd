//! Overflow: millions of events flooded into a small queue while the collector hangs. Memory
//! must stay bounded, every displaced event must be counted, and the ones that finally leave
//! must be the newest. A binary of its own, with one test, so that the process's peak memory
//! belongs to the flood alone.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

use collector::{Collector, Reply};
use mycelium_telemetry::{Client, Config, FlushError};

const THREADS: usize = 2;
const EACH: usize = 1_000_000;
const CAPACITY: usize = 1_000;
const AGENT_ID: &str = "5f0c6a1e-8d2b-4c47-9a35-2e7b1f0d9c44";
const METADATA: &str = r#"{"duration_ms": 12, "success": true}"#;
const MIB: u64 = 1 << 20;
const WAIT: Duration = Duration::from_secs(30);

/// A `kB` line of /proc/self/status, in bytes.
fn proc_status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|value| value.parse().ok())
        .unwrap();
    kib * 1024
}

fn operation(thread: usize, index: usize) -> String {
    format!("t{thread}-{index:07}")
}

#[test]
fn a_flood_into_a_small_queue_keeps_memory_bounded_counts_every_drop_and_keeps_the_newest() {
    let collector = Collector::start();
    collector.set_default_reply(Reply::Hang);
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt("flood-salt").unwrap();
    config.set_queue_capacity(CAPACITY as u32).unwrap();
    config.set_flush_interval_ms(60_000).unwrap();
    config.set_timeout_secs(30).unwrap();
    // However long the flood takes, the sender keeps retrying its first batch rather than
    // taking events from the queue: then what is queued at the end is exactly the newest.
    config.set_retry_attempts(10).unwrap();
    config.set_retry_backoff(1.0).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(50));
    config.set_logger(|_, _| {});
    let client = Client::new(&config);

    // Put the sender inside a request the collector will never answer.
    client.track_agent_usage(AGENT_ID, "warm-up", None).unwrap();
    assert_eq!(
        client.flush(Duration::from_millis(50)),
        Err(FlushError::Timeout)
    );
    assert!(collector.wait_for_requests(1, WAIT));

    // Peak after minus resident before: if an earlier peak was higher, this overstates the
    // flood's growth, never understates it.
    let rss_before = proc_status_bytes("VmRSS:");
    let started = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let client = &client;
            scope.spawn(move || {
                let mut operation = String::new();
                for index in 0..EACH {
                    operation.clear();
                    write!(operation, "t{thread}-{index:07}").unwrap();
                    client
                        .track_agent_usage(AGENT_ID, &operation, Some(METADATA))
                        .unwrap();
                }
            });
        }
    });
    let flood_took = started.elapsed();
    let peak_growth = proc_status_bytes("VmHWM:").saturating_sub(rss_before);

    let total = (THREADS * EACH) as u64 + 1;
    let stats = client.stats();
    assert_eq!(
        collector.requests().len(),
        1,
        "the sender was stuck all along"
    );
    assert_eq!((stats.enqueued, stats.sent, stats.failed), (total, 0, 0));
    // Pending: a full queue and the warm-up event in the hung request.
    let pending = CAPACITY as u64 + 1;
    assert_eq!(stats.dropped, stats.enqueued - pending, "{stats:?}");

    // A queue that kept everything would hold at least each event's text and timestamp.
    let per_event = (AGENT_ID.len() + METADATA.len() + operation(0, 0).len() + 8) as u64;
    let unbounded_need = per_event * (THREADS * EACH) as u64;
    let bound = 64 * MIB;
    assert!(unbounded_need > 2 * bound, "the bound proves nothing");
    assert!(
        peak_growth < bound,
        "peak memory grew {} MiB during the flood",
        peak_growth / MIB
    );

    // Let the collector answer: it hangs up on the stuck request and takes everything after.
    collector.set_default_reply(Reply::Status(200));
    collector.hang_up();
    client.flush(WAIT).unwrap();
    let stats = client.stats();
    assert_eq!(
        (stats.sent, stats.dropped, stats.failed),
        (pending, total - pending, 0),
        "{stats:?}"
    );

    let received: Vec<String> = collector
        .accepted_events()
        .iter()
        .map(|event| event["operation"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(received[0], "warm-up");
    let survivors = &received[1..];
    assert_eq!(survivors.len(), CAPACITY);
    // Each thread's survivors are its newest events, in the order it tracked them: the queue
    // kept the last CAPACITY pushes of the flood, whichever thread made them.
    let mut accounted = 0;
    for thread in 0..THREADS {
        let own: Vec<&String> = survivors
            .iter()
            .filter(|op| op.starts_with(&format!("t{thread}-")))
            .collect();
        let newest: Vec<String> = (EACH - own.len()..EACH)
            .map(|index| operation(thread, index))
            .collect();
        assert!(
            own.iter().zip(&newest).all(|(got, want)| *got == want),
            "thread {thread}: not its newest {} events in order",
            own.len()
        );
        accounted += own.len();
    }
    assert_eq!(accounted, CAPACITY, "only flood events survive");

    let _ = std::io::stderr().write_all(
        format!(
            "\n[flood] {} events from {THREADS} threads into a queue of {CAPACITY} in \
             {flood_took:?} ({:.1} M calls/s) while the collector hung\n\
             \x20   dropped {} (= enqueued {} - pending {pending}), then sent {} (the newest)\n\
             \x20   peak memory growth {:.1} MiB (bound {} MiB); keeping every event would need \
             at least {} MiB\n",
            THREADS * EACH,
            (THREADS * EACH) as f64 / flood_took.as_secs_f64() / 1e6,
            total - pending,
            total,
            stats.sent,
            peak_growth as f64 / MIB as f64,
            bound / MIB,
            unbounded_need / MIB,
        )
        .as_bytes(),
    );
}
