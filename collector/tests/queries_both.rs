//! `docs/queries.sql` on planted data, on SQLite and on PostgreSQL: every answer of the summary
//! checked, and retention and deletion on both backends (through the storage API, with batches
//! parsed by the real ingest path and received on chosen days).

mod support;

use mycelium_collector::day::{day_of, format_day, now_seconds};
use mycelium_collector::ingest::parse_batch;
use mycelium_collector::storage::{self, SharedStore, Stored};
use mycelium_collector::summary::{summarize, Summary};
use serde_json::{json, Value};
use support::{agent_usage, system_info};

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const C: &str = "cccccccccccccccccccccccccccccccc";

fn performance(name: &str, unit: &str, value: f64) -> Value {
    json!({"event_type": "performance", "timestamp": 1.0, "metric_name": name, "unit": unit, "value": value})
}

fn error() -> Value {
    json!({"event_type": "error", "timestamp": 1.0, "error_type": "ValueError", "error_message": ""})
}

async fn plant(
    store: &SharedStore,
    today: i64,
    installation: Option<&str>,
    days_ago: i64,
    events: Vec<Value>,
) {
    let mut body = json!({"version": "1.0", "timestamp": 1.0, "batch_id": support::hex_id(), "events": events});
    if let Some(id) = installation {
        body["installation_id"] = json!(id);
    }
    let batch = parse_batch(body.to_string().as_bytes()).unwrap();
    let received = ((today - days_ago) * 86_400 + 3_600) as f64;
    assert!(matches!(
        store.ingest(batch, received).await.unwrap(),
        Stored::Accepted(_)
    ));
}

async fn plant_all(store: &SharedStore, today: i64) {
    let mut a = vec![system_info("Linux", "0.2.0", "python 3.11.7")];
    a.extend(vec![agent_usage("summarize"); 3]);
    a.push(error());
    a.extend([10.0, 40.0, 20.0, 30.0].map(|v| performance("latency", "ms", v)));
    plant(store, today, Some(A), 2, a).await;
    let mut b = vec![system_info("Darwin", "0.2.0", "node 20.11.0")];
    b.extend([
        agent_usage("translate"),
        agent_usage("translate"),
        agent_usage("summarize"),
    ]);
    b.extend([
        performance("latency", "ms", 50.0),
        performance("memory", "MB", 100.0),
    ]);
    plant(store, today, Some(B), 1, b).await;
    let mut c = system_info("Linux", "0.1.0", "");
    c.as_object_mut().unwrap().remove("runtime");
    plant(
        store,
        today,
        Some(C),
        0,
        vec![c, error(), agent_usage("classify")],
    )
    .await;
    // No system_info in this batch: A's is looked up.
    plant(
        store,
        today,
        Some(A),
        0,
        vec![error(), agent_usage("summarize")],
    )
    .await;
    // Outside a 30-day window.
    plant(store, today, Some(A), 40, vec![agent_usage("old"); 5]).await;
    // No installation id (the user's choice is not recorded as on).
    plant(store, today, None, 0, vec![agent_usage("anon")]).await;
}

fn expected(today: i64) -> Summary {
    let day = |ago: i64| format_day(today - ago);
    serde_json::from_value(json!({
        "days": 30, "from": day(29), "to": day(0), "installations": 3,
        "events_by_type": {"agent_usage": 9, "error": 3, "performance": 6, "system_info": 3},
        "daily_active_installations": [
            {"day": day(2), "installations": 1}, {"day": day(1), "installations": 1},
            {"day": day(0), "installations": 2}],
        "events_per_type_per_day": [
            {"day": day(2), "event_type": "agent_usage", "events": 3},
            {"day": day(2), "event_type": "error", "events": 1},
            {"day": day(2), "event_type": "performance", "events": 4},
            {"day": day(2), "event_type": "system_info", "events": 1},
            {"day": day(1), "event_type": "agent_usage", "events": 3},
            {"day": day(1), "event_type": "performance", "events": 2},
            {"day": day(1), "event_type": "system_info", "events": 1},
            {"day": day(0), "event_type": "agent_usage", "events": 3},
            {"day": day(0), "event_type": "error", "events": 2},
            {"day": day(0), "event_type": "system_info", "events": 1}],
        "top_operations": [
            {"operation": "summarize", "events": 5}, {"operation": "translate", "events": 2},
            {"operation": "anon", "events": 1}, {"operation": "classify", "events": 1}],
        "error_rate": [
            {"library_version": "0.1.0", "platform": "Linux", "errors": 1, "events": 3, "rate": 1.0 / 3.0},
            {"library_version": "0.2.0", "platform": "Darwin", "errors": 0, "events": 6, "rate": 0.0},
            {"library_version": "0.2.0", "platform": "Linux", "errors": 2, "events": 11, "rate": 2.0 / 11.0},
            {"library_version": "unknown", "platform": "unknown", "errors": 0, "events": 1, "rate": 0.0}],
        "performance": [
            {"metric_name": "latency", "unit": "ms", "samples": 5, "p50": 30.0, "p95": 50.0},
            {"metric_name": "memory", "unit": "MB", "samples": 1, "p50": 100.0, "p95": 100.0}],
        "platforms": [
            {"platform": "Darwin", "runtime": "node 20.11.0", "installations": 1},
            {"platform": "Linux", "runtime": "python 3.11.7", "installations": 1},
            {"platform": "Linux", "runtime": "unknown", "installations": 1}]
    }))
    .unwrap()
}

async fn events(store: &SharedStore, today: i64) -> i64 {
    let sql = "SELECT COUNT(*) FROM events WHERE day BETWEEN $1 AND $2";
    store.query(sql, today - 100, today).await.unwrap()[0][0].as_i64()
}

async fn check_backend(url: &str) {
    let store = storage::open(url, 4).await.unwrap();
    let today = day_of(now_seconds());
    plant_all(&store, today).await;
    assert_eq!(
        summarize(store.as_ref(), 30, today).await.unwrap(),
        expected(today)
    );
    let one_day = summarize(store.as_ref(), 1, today).await.unwrap();
    assert_eq!(one_day.installations, 2);
    assert_eq!(one_day.events_by_type.values().sum::<i64>(), 6);

    // Retention: the last 30 days kept, the batch of 40 days ago gone (and nothing else).
    assert_eq!(events(&store, today).await, 26);
    assert_eq!(store.retain(today - 29).await.unwrap(), 5);
    assert_eq!(events(&store, today).await, 21);
    assert_eq!(
        summarize(store.as_ref(), 30, today).await.unwrap(),
        expected(today)
    );

    // Deletion: everything of A, nothing of the others.
    assert_eq!(store.delete_installation(A.to_owned()).await.unwrap(), 11);
    let after = summarize(store.as_ref(), 30, today).await.unwrap();
    assert_eq!(after.installations, 2);
    assert_eq!(events(&store, today).await, 10);
    let left = store.query("SELECT COUNT(*) FROM installations WHERE installation_id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' AND day BETWEEN $1 AND $2", 0, today).await.unwrap();
    assert_eq!(left[0][0].as_i64(), 0);
    store.close().await;
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn sqlite_answers_every_query_keeps_90_days_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("q.db").display());
    runtime().block_on(check_backend(&url));
    runtime().block_on(check_backend("sqlite::memory:"));
}

#[test]
fn postgres_answers_every_query_keeps_90_days_and_deletes() {
    let url = support::postgres_database();
    runtime().block_on(async {
        check_backend(&url).await;
        // Retention dropped the old day's partition whole; today's is there.
        let store = storage::open(&url, 1).await.unwrap();
        let today = day_of(now_seconds());
        let sql = "SELECT COUNT(*) FROM pg_class WHERE relname = 'events_day_' || CAST(CAST($1 AS BIGINT) AS TEXT) OR (relname = 'events_day_' || CAST(CAST($2 AS BIGINT) AS TEXT))";
        let partitions = store.query(sql, today - 40, today).await.unwrap();
        assert_eq!(partitions[0][0].as_i64(), 1);
    });
}
