//! The privacy guarantees the Python module claimed, each checked on what a real collector
//! receives. ("Nothing at all when disabled" lives in tests/disabled.rs.)

#[path = "../examples/support/collector.rs"]
mod collector;

use std::time::Duration;

use collector::Collector;
use mycelium_telemetry::{Anonymizer, Client, Config};
use serde_json::{json, Value};

/// Runs `track` on an enabled client with `salt` and returns the events and raw bodies received.
fn received_with_salt(salt: &str, track: impl FnOnce(&Client)) -> (Vec<Value>, String) {
    let collector = Collector::start();
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt(salt).unwrap();
    let client = Client::new(&config);
    track(&client);
    client.flush(Duration::from_secs(10)).unwrap();
    let bodies: String = collector.requests().iter().map(|r| r.body_text()).collect();
    (collector.events(), bodies)
}

fn received(track: impl FnOnce(&Client)) -> (Vec<Value>, String) {
    received_with_salt("privacy-salt", track)
}

fn assert_absent(body: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !body.contains(secret),
            "{secret:?} left the process: {body}"
        );
    }
}

#[test]
fn no_pii_in_agent_usage() {
    let (events, body) = received(|c| {
        c.track_agent_usage("jane.doe@corp.example", "review", None)
            .unwrap();
    });
    assert_absent(&body, &["jane", "corp.example"]);
    assert_eq!(events[0]["agent_id_hash"].as_str().unwrap().len(), 64);
    assert!(events[0].get("agent_id").is_none());
}

#[test]
fn no_code_content() {
    let code = "def transfer(amount):\\n    return api.send(amount)";
    let metadata =
        format!(r#"{{"code": "{code}", "source": "{code}", "diff": "+x", "duration_ms": 3}}"#);
    let (events, body) = received(|c| c.track_agent_usage("a", "edit", Some(&metadata)).unwrap());
    assert_absent(&body, &["transfer", "api.send", "diff"]);
    assert_eq!(events[0]["metadata"], json!({"duration_ms": 3}));
}

#[test]
fn no_prompts() {
    let (events, body) = received(|c| {
        c.track_agent_usage(
            "a",
            "chat",
            Some(r#"{"prompt": "my diagnosis is", "messages": ["hi"], "response": "ok", "success": true}"#),
        )
        .unwrap();
    });
    assert_absent(&body, &["diagnosis", "messages", "response"]);
    assert_eq!(events[0]["metadata"], json!({"success": true}));
}

#[test]
fn paths_are_sanitized() {
    let (events, body) = received(|c| {
        c.track_error(
            "FileNotFoundError",
            "missing /home/bob/work/plan.txt",
            None,
            None,
        )
        .unwrap();
        c.track_error(
            "IOError",
            r"cannot open C:\Users\bob\Desktop\tax.pdf",
            None,
            None,
        )
        .unwrap();
        c.track_error("IOError", "denied: /Users/bob/Library/keys.db", None, None)
            .unwrap();
    });
    assert_absent(&body, &["bob", "/home/", "Users"]);
    assert_eq!(events[0]["error_message"], "missing <user>/work/plan.txt");
    assert_eq!(
        events[1]["error_message"],
        "cannot open <user>/Desktop/tax.pdf"
    );
    assert_eq!(events[2]["error_message"], "denied: <user>/Library/keys.db");
}

#[test]
fn stack_traces_are_sanitized_but_stay_useful() {
    let trace = "Traceback (most recent call last):\n  File \"/home/carol/app/main.py\", line 10, in run\n    handler()\n  File \"/home/carol/app/handler.py\", line 99, in handler\nKeyError: 'carol@mail.example'";
    let (events, body) = received(|c| {
        c.track_error("KeyError", "boom", Some(trace), None)
            .unwrap()
    });
    assert_absent(&body, &["carol", "/home/"]);
    let scrubbed = events[0]["stack_trace"].as_str().unwrap();
    for kept in [
        "main.py\", line 10, in run",
        "handler.py\", line 99, in handler",
        "KeyError",
    ] {
        assert!(scrubbed.contains(kept), "{kept:?} lost: {scrubbed}");
    }
}

#[test]
fn error_messages_are_sanitized() {
    let (events, body) = received(|c| {
        c.track_error(
            "OperationalError",
            "could not connect to mysql://root:s3cr3t@10.1.2.3/db as dave@example.org",
            None,
            None,
        )
        .unwrap();
    });
    assert_absent(&body, &["s3cr3t", "dave", "root:", "10.1.2.3"]);
    assert_eq!(
        events[0]["error_message"],
        "could not connect to mysql://<user>:<password>@<ip>/db as <email>"
    );
}

#[test]
fn hashing_is_consistent_and_64_hex_characters() {
    let (events, _) = received(|c| {
        c.track_agent_usage("agent-x", "a", None).unwrap();
        c.track_agent_usage("agent-x", "b", None).unwrap();
    });
    let first = events[0]["agent_id_hash"].as_str().unwrap();
    assert_eq!(first, events[1]["agent_id_hash"].as_str().unwrap());
    assert_eq!(first.len(), 64);
    assert!(first.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
    assert_eq!(
        first,
        Anonymizer::new("privacy-salt").hash_identifier("agent-x")
    );
}

#[test]
fn different_salts_give_different_hashes() {
    let (with_a, _) = received_with_salt("salt-a", |c| {
        c.track_agent_usage("agent-x", "a", None).unwrap()
    });
    let (with_b, _) = received_with_salt("salt-b", |c| {
        c.track_agent_usage("agent-x", "a", None).unwrap()
    });
    assert_ne!(with_a[0]["agent_id_hash"], with_b[0]["agent_id_hash"]);
}

#[test]
fn metadata_passes_only_the_allowlist() {
    let (events, _) = received(|c| {
        c.track_agent_usage(
            "a",
            "op",
            Some(
                r#"{"duration_ms": 1, "success": false, "retry_count": 0, "cache_hit": true,
                    "result_count": 7, "status_code": 200, "hostname": "box", "email": "x@y.zz"}"#,
            ),
        )
        .unwrap();
    });
    assert_eq!(
        events[0]["metadata"],
        json!({"duration_ms": 1, "success": false, "retry_count": 0, "cache_hit": true,
               "result_count": 7, "status_code": 200})
    );
}

#[test]
fn nested_data_is_dropped() {
    let (events, body) = received(|c| {
        c.track_agent_usage(
            "a",
            "op",
            Some(r#"{"duration_ms": {"user": "erin"}, "success": ["erin"], "result_count": 2}"#),
        )
        .unwrap();
        c.track_performance(
            "m",
            1.0,
            None,
            Some(r#"{"model": "m", "extra": {"user": "erin"}}"#),
        )
        .unwrap();
    });
    assert_absent(&body, &["erin"]);
    assert_eq!(events[0]["metadata"], json!({"result_count": 2}));
    assert_eq!(events[1]["tags"], json!({"model": "m"}));
}

#[test]
fn emails_are_replaced() {
    let (events, body) = received(|c| {
        c.track_error(
            "E",
            "notify frank+alerts@sub.example.co.uk and g.h@x.io",
            None,
            None,
        )
        .unwrap();
    });
    assert_absent(&body, &["frank", "g.h@"]);
    assert_eq!(events[0]["error_message"], "notify <email> and <email>");
}

#[test]
fn identifier_like_tags_are_hashed() {
    let (events, body) = received(|c| {
        c.track_performance(
            "latency",
            5.0,
            Some("ms"),
            Some(
                r#"{"request_id": "req-123", "user": "grace", "agent": "helper", "region": "eu"}"#,
            ),
        )
        .unwrap();
    });
    assert_absent(&body, &["req-123", "grace", "helper"]);
    let anonymizer = Anonymizer::new("privacy-salt");
    assert_eq!(
        events[0]["tags"],
        json!({"request_id": anonymizer.hash_identifier("req-123"),
               "user": anonymizer.hash_identifier("grace"),
               "agent": anonymizer.hash_identifier("helper"),
               "region": "eu"})
    );
}

#[test]
fn everything_at_once() {
    let secrets = [
        "heidi",
        "hunter2",
        "/home/",
        "diagnosis",
        "fn main",
        "heidi@example.com",
    ];
    let (events, body) = received(|c| {
        c.track_agent_usage(
            "heidi@example.com",
            "run",
            Some(
                r#"{"prompt": "my diagnosis", "code": "fn main() {}", "duration_ms": 5,
                    "nested": {"user": "heidi"}, "success": true}"#,
            ),
        )
        .unwrap();
        c.track_performance(
            "t",
            2.0,
            None,
            Some(r#"{"user_id": "heidi", "user": "heidi"}"#),
        )
        .unwrap();
        c.track_error(
            "DatabaseError",
            "postgres://heidi:hunter2@10.0.0.5:5432/db failed for heidi@example.com in /home/heidi/app/db.py",
            Some("  File \"/home/heidi/app/db.py\", line 3, in connect\nDatabaseError: heidi@example.com"),
            Some(r#"{"retry_count": 2, "user": "heidi", "path": "/home/heidi"}"#),
        )
        .unwrap();
        c.track_system_info().unwrap();
    });
    assert_absent(&body, &secrets);
    assert_eq!(events.len(), 4);
    assert_eq!(
        events[0]["metadata"],
        json!({"duration_ms": 5, "success": true})
    );
    assert_eq!(events[2]["context"], json!({"retry_count": 2}));
    assert!(events[2]["stack_trace"]
        .as_str()
        .unwrap()
        .contains("db.py\", line 3"));
}
