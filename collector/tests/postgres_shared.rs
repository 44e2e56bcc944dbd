//! Two collector processes on different ports sharing one PostgreSQL database: a batch retried
//! to the other one is stored once (also when both get it at the same moment), and deletion and
//! retention work from either.

mod support;

use std::sync::Arc;

use mycelium_collector::day::{day_of, now_seconds};
use mycelium_collector::ingest::parse_batch;
use mycelium_collector::storage::{self, SharedStore};
use serde_json::json;
use support::{agent_usage, batch, eventually, hex_id, post_json, Collector};

fn count(runtime: &tokio::runtime::Runtime, store: &SharedStore, sql: &'static str) -> i64 {
    runtime.block_on(store.query(sql, 0, i64::MAX)).unwrap()[0][0].as_i64()
}

const ALL_EVENTS: &str = "SELECT COUNT(*) FROM events WHERE day BETWEEN $1 AND $2";
const OLD_PARTITIONS: &str = "SELECT COUNT(*) FROM pg_class
    WHERE relkind = 'r' AND relname LIKE 'events_day_%' AND CAST(substr(relname, 12) AS BIGINT) BETWEEN $1 AND $2
      AND CAST(substr(relname, 12) AS BIGINT) < CAST(floor(extract(epoch FROM now()) / 86400) AS BIGINT) - 89";

#[test]
fn two_collectors_share_one_database() {
    let url = support::postgres_database();
    let args = ["--storage", url.as_str(), "--retention-interval", "1"];
    let mut first = Collector::start(&args);
    let second = Collector::start(&args);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = runtime.block_on(storage::open(&url, 2)).unwrap();

    // A retry to the other collector.
    let sent = batch(vec![agent_usage("x"), agent_usage("y")]);
    assert_eq!(
        post_json(&first.events_url(), &sent).1,
        json!({"accepted": 2, "duplicate": false})
    );
    assert_eq!(
        post_json(&second.events_url(), &sent).1,
        json!({"accepted": 0, "duplicate": true})
    );

    // The same batches sent to both at the same moment: each stored once.
    let batches: Arc<Vec<_>> = Arc::new(
        (0..40)
            .map(|_| batch(vec![agent_usage("race"); 10]))
            .collect(),
    );
    let racers: Vec<_> = [first.events_url(), second.events_url()]
        .into_iter()
        .map(|url| {
            let batches = batches.clone();
            std::thread::spawn(move || {
                batches
                    .iter()
                    .map(|b| post_json(&url, b).1["accepted"].as_i64().unwrap())
                    .sum::<i64>()
            })
        })
        .collect();
    let accepted: i64 = racers.into_iter().map(|r| r.join().unwrap()).sum();
    assert_eq!(accepted, 400);
    assert_eq!(count(&runtime, &store, ALL_EVENTS), 402);

    // Deletion through the collector that did not store the data.
    let installation = hex_id();
    let mut mine = batch(vec![agent_usage("mine"); 3]);
    mine["installation_id"] = json!(installation);
    assert_eq!(post_json(&first.events_url(), &mine).0, 200);
    let request = json!({"version": "1.0", "timestamp": 1.0, "installation_id": installation,
                         "deletion_request": true, "events": []});
    assert_eq!(post_json(&second.events_url(), &request).0, 200);
    assert_eq!(count(&runtime, &store, ALL_EVENTS), 402);

    // Retention from either, then from the second alone: old days' partitions are dropped.
    let plant_old = || {
        let today = day_of(now_seconds());
        for days_ago in [100, 120] {
            let old = batch(vec![agent_usage("old")]);
            let parsed = parse_batch(old.to_string().as_bytes()).unwrap();
            let received = ((today - days_ago) * 86_400) as f64;
            runtime.block_on(store.ingest(parsed, received)).unwrap();
        }
        assert_eq!(count(&runtime, &store, OLD_PARTITIONS), 2);
    };
    plant_old();
    assert!(eventually(|| count(&runtime, &store, OLD_PARTITIONS) == 0));
    assert!(first.terminate());
    plant_old();
    assert!(eventually(|| count(&runtime, &store, OLD_PARTITIONS) == 0));
    assert_eq!(count(&runtime, &store, ALL_EVENTS), 402);
    drop(second);
}
