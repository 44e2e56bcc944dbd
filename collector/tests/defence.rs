//! Defence in depth and robustness on a real collector process: strings scrubbed again, unknown
//! fields dropped, lengths bounded, no client address stored, memory bounded under a flood of
//! hostile bodies, a graceful SIGTERM, and the real library client as the sender.

mod support;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use support::{agent_usage, batch, get, post_json, sqlite_collector};

/// Every text value stored in every table, one string.
fn everything_stored(path: &str) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut all = String::new();
    for table in ["events", "batches", "installations"] {
        let mut statement = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let width = statement.column_count();
        let mut rows = statement.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for index in 0..width {
                if let Ok(text) = row.get::<_, String>(index) {
                    all.push_str(&text);
                    all.push('\n');
                }
            }
        }
    }
    all
}

#[test]
fn strings_are_scrubbed_again_unknown_fields_dropped_and_lengths_bounded() {
    let (_dir, path, collector) = sqlite_collector(&[]);
    let long = "word ".repeat(40_000);
    let mut body = batch(vec![
        json!({"event_type": "agent_usage", "timestamp": 1.5, "agent_id_hash": "alice@example.com",
               "operation": "mail alice@example.com", "client_address": "203.0.113.9",
               "metadata": {"duration_ms": 5, "password": "hunter2", "nested": {"a": "b"},
                            "note": "from /home/alice/notes.txt", "success": "yes"}}),
        json!({"event_type": "error", "timestamp": 1.5, "error_type": "ValueError",
               "error_message": format!("postgres://admin:hunter2@db.internal/app {long}"),
               "stack_trace": long, "context": {"retry_count": 2}}),
        json!({"event_type": "performance", "timestamp": 1.5, "metric_name": "latency",
               "value": 3.5, "tags": {"api_token": "hunter2", "user_id": "a".repeat(64),
                                      "region": "eu alice@example.com"}}),
    ]);
    body["sender_host"] = json!("alice-laptop.example.com");
    assert_eq!(post_json(&collector.events_url(), &body).0, 200);

    let stored = everything_stored(&path);
    for secret in [
        "alice",
        "hunter2",
        "203.0.113.9",
        "127.0.0.1",
        "/home/",
        "client_address",
    ] {
        assert!(!stored.contains(secret), "{secret} stored: {stored}");
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (hash, operation, metadata): (Option<String>, String, String) = conn
        .query_row(
            "SELECT agent_id_hash, operation, attributes FROM events WHERE event_type = 'agent_usage'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(hash, None, "a raw identifier is not a hash");
    assert_eq!(operation, "mail <email>");
    let metadata: Value = serde_json::from_str(&metadata).unwrap();
    assert_eq!(metadata["duration_ms"], json!(5));
    assert!(metadata.get("password").is_none() && metadata.get("nested").is_none());
    assert!(
        metadata.get("success").is_none(),
        "a built-in key of the wrong type"
    );
    let (message, trace): (String, String) = conn
        .query_row(
            "SELECT error_message, stack_trace FROM events WHERE event_type = 'error'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert!(message.len() <= 1024 && trace.len() <= 8 * 1024);
    assert!(message.ends_with("…[truncated]"));
    let tags: String = conn
        .query_row(
            "SELECT attributes FROM events WHERE event_type = 'performance'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let tags: Value = serde_json::from_str(&tags).unwrap();
    assert!(tags.get("api_token").is_none());
    assert_eq!(
        tags["user_id"],
        json!("a".repeat(64)),
        "a hashed tag stays as it was"
    );
}

/// Extra request headers.
type Headers = Vec<(&'static str, &'static str)>;

/// Peak resident memory of a process, in KiB.
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_flood_of_hostile_bodies_gets_4xx_in_bounded_memory() {
    let (_dir, _path, collector) = sqlite_collector(&["--rate-per-address", "0"]);
    let url = Arc::new(collector.events_url());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &vec![b'['; 16 * 1024 * 1024]).unwrap();
    let bodies: Arc<Vec<(Vec<u8>, Headers)>> = Arc::new(vec![
        (
            format!("[{}]", "0,".repeat(500_000) + "0").into_bytes(),
            vec![],
        ),
        ("[".repeat(1_000_000).into_bytes(), vec![]),
        (
            format!(
                r#"{{"version":"1.0","timestamp":1,"events":[{}{{}}]}}"#,
                "{},".repeat(300_000)
            )
            .into_bytes(),
            vec![],
        ),
        (
            format!(
                r#"{{"version":"1.0","timestamp":1,"events":[],"s":"{}"}}"#,
                "x".repeat(1_000_000)
            )
            .into_bytes(),
            vec![],
        ),
        (gz.finish().unwrap(), vec![("Content-Encoding", "gzip")]),
        (vec![b'x'; 2 * 1024 * 1024], vec![]),
    ]);
    let threads: Vec<_> = (0..8)
        .map(|thread| {
            let (url, bodies) = (url.clone(), bodies.clone());
            std::thread::spawn(move || {
                for round in 0..12 {
                    let (body, headers) = &bodies[(thread + round) % bodies.len()];
                    let mut request = minreq::post(url.as_str())
                        .with_header("Content-Type", "application/json")
                        .with_body(body.clone())
                        .with_timeout(30);
                    for (name, value) in headers {
                        request = request.with_header(*name, *value);
                    }
                    match request.send() {
                        Ok(response) => {
                            let status = response.status_code;
                            assert!((400..500).contains(&status), "status {status}");
                        }
                        // A body declared over 1 MiB is refused before it is read; the
                        // connection may then close while the client is still writing.
                        Err(error) => assert!(body.len() > 1024 * 1024, "{error:?}"),
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    // Still serving, and the peak stayed far below what the bodies would cost unbounded
    // (96 requests of up to 16 MiB decoded each).
    assert_eq!(post_json(&url, &batch(vec![agent_usage("after")])).0, 200);
    let peak = peak_kib(collector.child.id());
    assert!(peak < 400 * 1024, "peak resident memory {peak} KiB");
}

#[test]
fn sigterm_stops_accepting_and_finishes_what_it_accepted() {
    let (_dir, path, mut collector) = sqlite_collector(&["--rate-per-address", "0"]);
    let url = collector.events_url();
    let accepted = Arc::new(AtomicI64::new(0));
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let (url, accepted) = (url.clone(), accepted.clone());
            std::thread::spawn(move || {
                for _ in 0..10_000 {
                    let events = vec![agent_usage("x"); 50];
                    let body = batch(events).to_string();
                    match minreq::post(&url)
                        .with_header("Content-Type", "application/json")
                        .with_body(body)
                        .with_timeout(10)
                        .send()
                    {
                        Ok(response) if response.status_code == 200 => {
                            accepted.fetch_add(50, Ordering::SeqCst);
                        }
                        _ => return,
                    }
                }
            })
        })
        .collect();
    assert!(support::eventually(
        || accepted.load(Ordering::SeqCst) >= 2_000
    ));
    assert!(collector.terminate(), "exit status after SIGTERM");
    for sender in senders {
        sender.join().unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        stored,
        accepted.load(Ordering::SeqCst),
        "every acknowledged event is stored"
    );
}

#[test]
fn the_library_client_sends_to_it() {
    let (_dir, _path, collector) = sqlite_collector(&[]);
    let mut config = mycelium_telemetry::Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.events_url()).unwrap();
    config.set_salt("collector-test").unwrap();
    let client = mycelium_telemetry::Client::new(&config);
    for _ in 0..3 {
        client
            .track_agent_usage(
                "alice@example.com",
                "summarize",
                Some(r#"{"duration_ms": 5}"#),
            )
            .unwrap();
    }
    client
        .track_performance("latency", 12.5, Some("ms"), None)
        .unwrap();
    client
        .track_error("ValueError", "bad input from alice@example.com", None, None)
        .unwrap();
    client.track_system_info().unwrap();
    client.flush(Duration::from_secs(10)).unwrap();
    client.shutdown(Duration::from_secs(2));
    let (status, text) = get(&format!("{}/api/summary?days=1", collector.url));
    assert_eq!(status, 200);
    let summary: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        summary["events_by_type"],
        json!({"agent_usage": 3, "performance": 1, "error": 1, "system_info": 1})
    );
    assert_eq!(summary["performance"][0]["p50"], json!(12.5));
}

#[test]
fn print_stored_shows_each_stored_batch_as_a_line() {
    let mut collector =
        support::Collector::start(&["--storage", "sqlite::memory:", "--print-stored"]);
    let mut sent = batch(vec![agent_usage("mail alice@example.com")]);
    sent["installation_id"] = json!("0123456789abcdef0123456789abcdef");
    assert_eq!(post_json(&collector.events_url(), &sent).0, 200);
    assert_eq!(
        post_json(&collector.events_url(), &sent).1["duplicate"],
        json!(true)
    );
    let mut line = String::new();
    std::io::BufRead::read_line(&mut collector.stdout, &mut line).unwrap();
    let printed: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(printed["batch_id"], sent["batch_id"]);
    assert_eq!(printed["installation_id"], sent["installation_id"]);
    assert_eq!(printed["events"][0]["operation"], json!("mail <email>"));
    assert_eq!(
        printed["events"][0]["metadata"],
        json!({"duration_ms": 12, "success": true})
    );
    // The duplicate printed nothing: the next line is the next stored batch.
    assert_eq!(
        post_json(&collector.events_url(), &batch(vec![agent_usage("next")])).0,
        200
    );
    line.clear();
    std::io::BufRead::read_line(&mut collector.stdout, &mut line).unwrap();
    assert!(line.contains(r#""operation":"next""#), "{line}");
}
