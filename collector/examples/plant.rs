//! Plants events over the last 30 days into a collector's storage, for the dashboard's browser
//! test and its million-event timing. Batches go through the real path (wire format parsed by
//! `ingest::parse_batch`, scrubbed and stored by `Store::ingest`); only the day they were
//! received is chosen, which a batch POSTed to a running collector cannot do (it is stored on
//! the day it arrives).
//!
//!     cargo run -p mycelium-collector --example plant -- sqlite:/tmp/d.db 5000 [--expect FILE]
//!
//! The data is the same on every run (a fixed pseudo-random sequence). Among it are hostile
//! strings a user's event could carry: an operation `<script>…</script>` and a runtime
//! `<img … onerror=…>`. `--expect FILE` writes the installations and events per type planted,
//! as `/api/summary?days=30` must answer them. Prints the count and the time taken.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use mycelium_collector::day::{day_of, now_seconds};
use mycelium_collector::ingest::parse_batch;
use mycelium_collector::storage::{self, Stored};
use serde_json::{json, Value};

const DAYS: i64 = 30;
const INSTALLATIONS: u64 = 40;
/// The wire format's most events per batch, so a million takes a thousand batches.
const PER_BATCH: u64 = 1_000;
const OPERATIONS: [&str; 7] = [
    "summarize",
    "translate",
    "classify",
    "embed",
    "search",
    "<script>alert(1)</script>",
    "rerank",
];
const PLATFORMS: [(&str, &str); 4] = [
    ("Linux", "python 3.11.7"),
    ("Darwin", "node 20.11.0"),
    ("Windows", "go 1.22.1"),
    ("Linux", "<img src=x onerror=alert(1)>"),
];

/// A small fixed-seed generator (xorshift): the data only needs to look varied.
struct Sequence(u64);

impl Sequence {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn event(seq: &mut Sequence) -> Value {
    match seq.below(100) {
        0..=77 => {
            // Skewed so the top operations differ in size.
            let op = OPERATIONS[(seq.below(7) * seq.below(7) / 6) as usize];
            json!({"event_type": "agent_usage", "timestamp": 1.0, "operation": op,
                   "metadata": {"duration_ms": seq.below(900), "success": true}})
        }
        78..=96 => {
            let (name, unit, scale) =
                [("latency", "ms", 40.0), ("memory", "MB", 300.0)][seq.below(2) as usize];
            let value = scale * (0.5 + seq.below(1000) as f64 / 1000.0);
            json!({"event_type": "performance", "timestamp": 1.0, "metric_name": name,
                   "unit": unit, "value": value})
        }
        _ => json!({"event_type": "error", "timestamp": 1.0, "error_type": "ValueError",
                    "error_message": ""}),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(total)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok()))
    else {
        eprintln!("usage: plant STORAGE_URL EVENTS [--expect FILE]");
        std::process::exit(2);
    };
    let expect = args
        .iter()
        .position(|a| a == "--expect")
        .and_then(|i| args.get(i + 1));
    let store = storage::open(url, 4).await.expect("open the storage");
    let today = day_of(now_seconds());
    let mut seq = Sequence(0x9e37_79b9_7f4a_7c15);
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    let mut installations = BTreeSet::new();
    let started = Instant::now();
    let mut planted = 0;
    let mut batch_number = 0u64;
    // Enough batches to spread over every day and installation, as large as the format allows.
    let largest = (total / 300).clamp(10, PER_BATCH);
    while planted < total {
        batch_number += 1;
        let installation = seq.below(INSTALLATIONS);
        // Later days get more installations, so the daily chart has a shape.
        let days_ago = (seq.below(DAYS as u64) * seq.below(DAYS as u64) / (DAYS as u64 - 1)) as i64;
        let (platform, runtime) = PLATFORMS[(installation % 4) as usize];
        let mut events = vec![json!({"event_type": "system_info", "timestamp": 1.0,
            "platform": platform, "platform_version": "6.1.0", "arch": "x86_64",
            "library_version": format!("0.{}.0", 1 + installation % 2), "runtime": runtime})];
        let size = (total - planted).min(1 + seq.below(largest));
        events.extend((1..size).map(|_| event(&mut seq)));
        for e in &events {
            *by_type
                .entry(e["event_type"].as_str().unwrap().into())
                .or_default() += 1;
        }
        let id = format!("{:032x}", 0x1_0000_0000u64 * (installation + 1));
        installations.insert(id.clone());
        let body = json!({"version": "1.0", "timestamp": 1.0, "installation_id": id,
            "batch_id": format!("{:032x}", (today as u64) << 40 | batch_number), "events": events});
        let batch = parse_batch(body.to_string().as_bytes()).expect("a valid batch");
        let received = ((today - days_ago) * 86_400 + 3_600) as f64;
        match store.ingest(batch, received).await.expect("stored") {
            Stored::Accepted(n) => planted += n as u64,
            Stored::Duplicate => panic!("batch {batch_number} was planted before in this storage"),
        }
    }
    store.close().await;
    let seconds = started.elapsed().as_secs_f64();
    println!("planted {planted} events in {seconds:.1} s");
    if let Some(file) = expect {
        let expected = json!({"installations": installations.len(), "events_by_type": by_type});
        std::fs::write(file, expected.to_string()).expect("write the expectation");
    }
}
