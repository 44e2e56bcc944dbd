//! The collector's load benchmark: the real library, in several client processes on loopback,
//! sending batches of 100 to a release-built `mycelium-collector`; prints one JSON line per
//! figure (benches/report.py collects them into docs/performance.md).
//!
//!     cargo build --release -p mycelium-collector --examples
//!     target/release/examples/load sqlite|postgres [--seconds N] [--processes N]
//!
//! Two phases per backend: as fast as the clients can track (events/s stored, from the
//! collector's own counter), then paced at 50,000 events/s in all (p99 of the collector's
//! ingest request time, from its histogram: the bucket bound at or above the 99th percentile).
//! PostgreSQL runs with its default durability settings (fsync on), from `.ci/postgres.sh`;
//! `MT_LOAD_POSTGRES_OPTIONS="-c synchronous_commit=off"` (say) passes options to its server.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mycelium_telemetry::{Client, Config};

const HALF_RATE: u64 = 50_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--client") {
        return client(&args[2], args[3].parse().unwrap(), args[4].parse().unwrap());
    }
    let backend = args.get(1).cloned().unwrap_or_else(|| "sqlite".into());
    let flag = |name: &str, default: u64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1)?.parse().ok())
            .unwrap_or(default)
    };
    let seconds = flag("--seconds", 10);
    let processes = flag("--processes", 4);

    let dir = tempfile::tempdir().unwrap();
    let (storage, _postgres) = match backend.as_str() {
        "sqlite" => (
            format!("sqlite:{}", dir.path().join("load.db").display()),
            None,
        ),
        "postgres" => {
            let (url, server) = postgres();
            (url, Some(server))
        }
        other => panic!("unknown backend {other}: sqlite or postgres"),
    };
    let exe = std::env::current_exe().unwrap();
    let collector_exe = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("mycelium-collector");
    let mut collector = Command::new(&collector_exe)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--rate-per-address",
            "0",
            "--storage",
            &storage,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", collector_exe.display()));
    let mut line = String::new();
    BufReader::new(collector.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    let url = format!("{base}/v1/events");

    let (stored, p99_flat_out) = phase(&base, &url, processes, 0, seconds);
    println!(
        r#"{{"name": "collector/{backend}/throughput", "value": {stored:.0}, "unit": "events/s", "processes": {processes}, "seconds": {seconds}, "p99_ms": {p99_flat_out}}}"#
    );
    let (paced, p99) = phase(&base, &url, processes, HALF_RATE / processes, seconds);
    println!(
        r#"{{"name": "collector/{backend}/p99_half_rate", "value": {p99}, "unit": "ms", "offered": {HALF_RATE}, "stored": {paced:.0}}}"#
    );
    unsafe { libc::kill(collector.id() as i32, libc::SIGTERM) };
    collector.wait().unwrap();
}

/// One phase: `processes` clients for `seconds`, each at `rate` events/s (0: as fast as it
/// can). Returns (events stored per second, p99 request time in ms as a bucket bound).
fn phase(base: &str, url: &str, processes: u64, rate: u64, seconds: u64) -> (f64, f64) {
    let before = metrics(base);
    let started = Instant::now();
    let exe = std::env::current_exe().unwrap();
    let clients: Vec<Child> = (0..processes)
        .map(|_| {
            Command::new(&exe)
                .args(["--client", url, &rate.to_string(), &seconds.to_string()])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut client in clients {
        assert!(client.wait().unwrap().success());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let after = metrics(base);
    let stored = after.events - before.events;
    let buckets: Vec<(f64, f64)> = after
        .buckets
        .iter()
        .zip(&before.buckets)
        .map(|((le, a), (_, b))| (*le, a - b))
        .collect();
    let total = buckets.last().map_or(0.0, |(_, n)| *n);
    let p99 = buckets
        .iter()
        .find(|(_, n)| *n >= total * 0.99)
        .map_or(f64::INFINITY, |(le, _)| le * 1000.0);
    (stored / elapsed, p99)
}

struct Snapshot {
    events: f64,
    buckets: Vec<(f64, f64)>,
}

fn metrics(base: &str) -> Snapshot {
    let text = minreq::get(format!("{base}/metrics")).send().unwrap();
    let text = text.as_str().unwrap().to_owned();
    let mut snapshot = Snapshot {
        events: 0.0,
        buckets: Vec::new(),
    };
    for line in text.lines() {
        let Some((name, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let value: f64 = value.parse().unwrap_or(0.0);
        if name == "mycelium_collector_events_accepted_total" {
            snapshot.events = value;
        } else if let Some(rest) =
            name.strip_prefix("mycelium_collector_ingest_request_seconds_bucket{le=\"")
        {
            let le = rest.trim_end_matches("\"}");
            snapshot
                .buckets
                .push((le.parse().unwrap_or(f64::INFINITY), value));
        }
    }
    snapshot
}

/// A client process: the library tracking `agent_usage` events for `seconds`.
fn client(url: &str, rate: u64, seconds: u64) {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(url).unwrap();
    config.set_salt("load-salt").unwrap();
    config.set_batch_size(100).unwrap();
    config.set_queue_capacity(10_000).unwrap();
    let client = Client::new(&config);
    let started = Instant::now();
    let mut tracked = 0u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        for _ in 0..100 {
            client
                .track_agent_usage(
                    "agent-7",
                    "summarize",
                    Some(r#"{"duration_ms": 41, "success": true}"#),
                )
                .unwrap();
        }
        tracked += 100;
        if rate > 0 {
            let due = Duration::from_secs_f64(tracked as f64 / rate as f64);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        } else {
            // Unpaced: keep the queue from overflowing (displaced events are not the point).
            loop {
                let stats = client.stats();
                let backlog = stats.enqueued - stats.sent - stats.dropped - stats.failed;
                if backlog < 5_000 {
                    break;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    }
    let _ = client.flush(Duration::from_secs(10));
    client.shutdown(Duration::from_secs(2));
}

/// A throwaway PostgreSQL server from `.ci/postgres.sh` (default durability); its URL and the
/// script, which stops the server when dropped (its stdin closes).
fn postgres() -> (String, Child) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/postgres.sh");
    let options = std::env::var("MT_LOAD_POSTGRES_OPTIONS").unwrap_or_default();
    let mut child = Command::new("bash")
        .args([script, "-c", "max_wal_size=4GB"])
        .args(options.split_whitespace())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("postgres://"), "postgres.sh: {line:?}");
    (line.trim().to_owned(), child)
}
