//! Every answer of `POST /v1/events` on a real collector process (SQLite) over loopback: 200,
//! 400, 401, 413, 415 and 503 (429 is in rate_limits.rs), duplicates, deletion requests, and
//! the read endpoints.

mod support;

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use support::{agent_usage, batch, get, hex_id, post, post_json, sqlite_collector, system_info};

fn count(path: &str, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

#[test]
fn a_batch_is_stored_once_however_often_it_is_retried() {
    let (_dir, path, collector) = sqlite_collector(&[]);
    let sent = batch(vec![agent_usage("summarize"), agent_usage("translate")]);
    let (status, answer) = post_json(&collector.events_url(), &sent);
    assert_eq!(
        (status, answer),
        (200, json!({"accepted": 2, "duplicate": false}))
    );
    for _ in 0..3 {
        let (status, answer) = post_json(&collector.events_url(), &sent);
        assert_eq!(
            (status, answer),
            (200, json!({"accepted": 0, "duplicate": true}))
        );
    }
    assert_eq!(count(&path, "SELECT COUNT(*) FROM events"), 2);
    // A batch without a batch_id (an older client) is stored each time: nothing to tell.
    let mut old = batch(vec![agent_usage("summarize")]);
    old.as_object_mut().unwrap().remove("batch_id");
    for _ in 0..2 {
        assert_eq!(post_json(&collector.events_url(), &old).0, 200);
    }
    assert_eq!(count(&path, "SELECT COUNT(*) FROM events"), 4);
}

#[test]
fn gzip_bodies_are_accepted() {
    let (_dir, path, collector) = sqlite_collector(&[]);
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(batch(vec![agent_usage("zipped")]).to_string().as_bytes())
        .unwrap();
    let body = encoder.finish().unwrap();
    let (status, text, _) = post(
        &collector.events_url(),
        &body,
        &[("Content-Encoding", "gzip")],
    );
    assert_eq!(
        (status, text.as_str()),
        (200, r#"{"accepted":1,"duplicate":false}"#)
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM events WHERE operation = 'zipped'"
        ),
        1
    );
}

fn assert_400(url: &str, body: &[u8], headers: &[(&str, &str)], reason_part: &str) {
    let (status, text, _) = post(url, body, headers);
    assert_eq!(status, 400, "{text}");
    let reason: Value = serde_json::from_str(&text).unwrap();
    let reason = reason["error"].as_str().unwrap();
    assert!(
        reason.contains(reason_part),
        "{reason:?} lacks {reason_part:?}"
    );
    assert!(reason.len() <= 200);
}

#[test]
fn bodies_that_are_not_batches_get_400_with_a_reason() {
    let (_dir, path, collector) = sqlite_collector(&[]);
    let url = collector.events_url();
    let with = |change: &dyn Fn(&mut Value)| {
        let mut body = batch(vec![agent_usage("x")]);
        change(&mut body);
        body.to_string().into_bytes()
    };
    assert_400(&url, b"not json", &[], "not a valid batch");
    assert_400(
        &url,
        &with(&|b| b["version"] = json!("2.0")),
        &[],
        "version",
    );
    assert_400(
        &url,
        &with(&|b| b["timestamp"] = json!("yesterday")),
        &[],
        "invalid type",
    );
    assert_400(
        &url,
        &with(&|b| b["events"] = json!({"a": 1})),
        &[],
        "invalid type",
    );
    assert_400(
        &url,
        &with(&|b| b["events"] = json!([])),
        &[],
        "at least one event",
    );
    assert_400(
        &url,
        &with(&|b| b["batch_id"] = json!("ABC")),
        &[],
        "batch_id",
    );
    assert_400(
        &url,
        &with(&|b| b["installation_id"] = json!("x")),
        &[],
        "installation_id",
    );
    assert_400(
        &url,
        &with(&|b| b["events"][0]["event_type"] = json!("x")),
        &[],
        "event_type",
    );
    assert_400(
        &url,
        &with(&|b| b["events"][0]["operation"] = json!(7)),
        &[],
        "invalid type",
    );
    assert_400(
        &url,
        &with(&|b| b["events"][0]["metadata"] = json!([1])),
        &[],
        "invalid type",
    );
    assert_400(
        &url,
        &with(&|b| b["events"][0]["timestamp"] = json!(null)),
        &[],
        "timestamp",
    );
    let performance = json!({"event_type": "performance", "timestamp": 1.0, "metric_name": "m"});
    assert_400(
        &url,
        &with(&|b| b["events"][0] = performance.clone()),
        &[],
        "needs value",
    );
    assert_400(
        &url,
        &with(&|b| b["deletion_request"] = json!(true)),
        &[],
        "installation_id",
    );
    let many = vec![agent_usage("x"); 1001];
    assert_400(
        &url,
        batch(many).to_string().as_bytes(),
        &[],
        "more than 1000 events",
    );
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_batch = format!(r#"{{"version":"1.0","timestamp":1,"events":{deep}}}"#);
    assert_400(&url, deep_batch.as_bytes(), &[], "not a valid batch");
    let deep_value =
        format!(r#"{{"version":"1.0","timestamp":1,"events":[{{"metadata":{{"a":{deep}}}}}]}}"#);
    assert_400(&url, deep_value.as_bytes(), &[], "event 0: event_type");
    assert_400(&url, deep.as_bytes(), &[], "not a valid batch");
    assert_400(
        &url,
        b"\x1f\x8b\x08garbage",
        &[("Content-Encoding", "gzip")],
        "gzip",
    );
    assert_eq!(count(&path, "SELECT COUNT(*) FROM events"), 0);
}

#[test]
fn a_missing_or_wrong_ingest_token_gets_401() {
    let (_dir, _path, collector) =
        sqlite_collector(&["--ingest-token", "first", "--ingest-token", "second"]);
    let body = batch(vec![agent_usage("x")]).to_string();
    let url = collector.events_url();
    for headers in [
        vec![],
        vec![("Authorization", "Bearer third")],
        vec![("Authorization", "first")],
    ] {
        let (status, _, response) = post(&url, body.as_bytes(), &headers);
        assert_eq!(status, 401);
        assert_eq!(
            response.headers.get("www-authenticate").map(String::as_str),
            Some("Bearer")
        );
    }
    for token in ["Bearer first", "Bearer second"] {
        let fresh = batch(vec![agent_usage("x")]).to_string();
        assert_eq!(
            post(&url, fresh.as_bytes(), &[("Authorization", token)]).0,
            200
        );
    }
}

#[test]
fn the_summary_needs_the_dashboard_token_when_one_is_set() {
    let (_dir, _path, collector) = sqlite_collector(&["--dashboard-token", "look"]);
    let url = format!("{}/api/summary", collector.url);
    assert_eq!(get(&url).0, 401);
    let response = minreq::get(&url)
        .with_header("Authorization", "Bearer look")
        .send()
        .unwrap();
    assert_eq!(response.status_code, 200);
    let (_open_dir, _, open) = sqlite_collector(&[]);
    assert_eq!(get(&format!("{}/api/summary?days=7", open.url)).0, 200);
    for days in ["0", "abc", "-1", "3651"] {
        assert_eq!(
            get(&format!("{}/api/summary?days={days}", open.url)).0,
            400,
            "{days}"
        );
    }
}

#[test]
fn bodies_over_the_size_bounds_get_413() {
    let (_dir, _path, collector) = sqlite_collector(&[]);
    let url = collector.events_url();
    let huge = format!(
        r#"{{"version":"1.0","timestamp":1,"events":[],"pad":"{}"}}"#,
        "a".repeat(1024 * 1024)
    );
    assert_eq!(post(&url, huge.as_bytes(), &[]).0, 413);
    // A gzip bomb: 64 MiB of zeros in about 64 KiB.
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..64 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 1024 * 1024);
    assert_eq!(post(&url, &bomb, &[("Content-Encoding", "gzip")]).0, 413);
}

#[test]
fn other_content_types_and_encodings_get_415() {
    let (_dir, _path, collector) = sqlite_collector(&[]);
    let url = collector.events_url();
    let body = batch(vec![agent_usage("x")]).to_string();
    for content_type in ["text/plain", "application/x-www-form-urlencoded", ""] {
        let (status, _, _) = post(&url, body.as_bytes(), &[("Content-Type", content_type)]);
        assert_eq!(status, 415, "{content_type}");
    }
    let (status, _, _) = post(&url, body.as_bytes(), &[("Content-Encoding", "br")]);
    assert_eq!(status, 415);
    let charset = [("Content-Type", "application/json; charset=utf-8")];
    assert_eq!(post(&url, body.as_bytes(), &charset).0, 200);
}

#[test]
fn a_failing_storage_gets_503_with_retry_after() {
    let (_dir, path, collector) = sqlite_collector(&[]);
    let url = collector.events_url();
    assert_eq!(post_json(&url, &batch(vec![agent_usage("x")])).0, 200);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("DROP TABLE events")
        .unwrap();
    let (status, _, response) = post(
        &url,
        batch(vec![agent_usage("x")]).to_string().as_bytes(),
        &[],
    );
    assert_eq!(status, 503);
    assert_eq!(
        response.headers.get("retry-after").map(String::as_str),
        Some("5")
    );
    let (status, text) = get(&format!("{}/metrics", collector.url));
    assert_eq!(status, 200);
    assert!(
        text.contains(r#"mycelium_collector_rejected_total{reason="storage_unavailable"} 1"#),
        "{text}"
    );
}

#[test]
fn a_deletion_request_deletes_the_installation() {
    let (_dir, path, collector) = sqlite_collector(&[]);
    let url = collector.events_url();
    let (gone, kept) = (hex_id(), hex_id());
    for id in [&gone, &kept] {
        let mut body = batch(vec![
            system_info("Linux", "0.1.0", "python 3.11.7"),
            agent_usage("x"),
        ]);
        body["installation_id"] = json!(id);
        assert_eq!(post_json(&url, &body).0, 200);
    }
    let request = json!({"version": "1.0", "timestamp": 1795634410.12, "installation_id": gone,
                         "deletion_request": true, "events": []});
    assert_eq!(
        post_json(&url, &request),
        (200, json!({"accepted": 0, "duplicate": false}))
    );
    let sql = |id: &str| format!("SELECT COUNT(*) FROM events WHERE installation_id = '{id}'");
    assert_eq!(count(&path, &sql(&gone)), 0);
    assert_eq!(count(&path, &sql(&kept)), 2);
    let sql = format!("SELECT COUNT(*) FROM installations WHERE installation_id = '{gone}'");
    assert_eq!(count(&path, &sql), 0);
}

#[test]
fn healthz_metrics_and_summary_answer() {
    let (_dir, _path, collector) = sqlite_collector(&[]);
    assert_eq!(
        get(&format!("{}/healthz", collector.url)),
        (200, "ok\n".to_owned())
    );
    let sent = batch(vec![agent_usage("summarize"), agent_usage("summarize")]);
    post_json(&collector.events_url(), &sent);
    post_json(&collector.events_url(), &sent);
    post(&collector.events_url(), b"{}", &[]);
    let (status, text) = get(&format!("{}/metrics", collector.url));
    assert_eq!(status, 200);
    for line in [
        "mycelium_collector_batches_accepted_total 1",
        "mycelium_collector_events_accepted_total 2",
        "mycelium_collector_duplicate_batches_total 1",
        r#"mycelium_collector_rejected_total{reason="invalid"} 1"#,
        "mycelium_collector_storage_seconds_count 2",
        "# TYPE mycelium_collector_ingest_request_seconds histogram",
    ] {
        assert!(
            text.lines().any(|l| l == line || l.starts_with(line)),
            "{line} in {text}"
        );
    }
    let (status, text) = get(&format!("{}/api/summary?days=1", collector.url));
    assert_eq!(status, 200);
    let summary: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(summary["events_by_type"], json!({"agent_usage": 2}));
    assert_eq!(
        summary["top_operations"],
        json!([{"operation": "summarize", "events": 2}])
    );
    assert_eq!(summary["days"], json!(1));
    assert_eq!(summary["from"], summary["to"]);
}
