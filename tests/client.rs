//! The client against a real HTTP collector on 127.0.0.1: payloads, batching, retries, flush,
//! shutdown, overflow and concurrency.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use collector::{Collector, Reply};
use mycelium_telemetry::{Anonymizer, Client, Config, FlushError, Stats, TrackError};
use serde_json::{json, Value};

const SALT: &str = "test-salt";
const WAIT: Duration = Duration::from_secs(10);

fn config_for(collector: &Collector) -> Config {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt(SALT).unwrap();
    config.set_flush_interval_ms(60_000).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(10));
    config
}

fn hash(identifier: &str) -> String {
    Anonymizer::new(SALT).hash_identifier(identifier)
}

/// Events without their timestamps, which the tests cannot know.
fn without_timestamps(events: Vec<Value>) -> Vec<Value> {
    events
        .into_iter()
        .map(|mut event| {
            let timestamp = event.as_object_mut().unwrap().remove("timestamp");
            assert!(timestamp.unwrap().as_f64().unwrap() > 1.6e9);
            event
        })
        .collect()
}

fn assert_accounting_holds(stats: Stats) {
    assert!(
        stats.enqueued >= stats.sent + stats.dropped + stats.failed,
        "{stats:?}"
    );
}

#[test]
fn payload_is_exactly_the_anonymized_events() {
    let collector = Collector::start();
    let client = Client::new(&config_for(&collector));
    client
        .track_agent_usage(
            "alice@example.com",
            "summarize",
            Some(r#"{"duration_ms": 12, "success": true, "prompt": "secret prompt", "nested": {"a": 1}}"#),
        )
        .unwrap();
    client
        .track_performance(
            "latency",
            41.5,
            None,
            Some(r#"{"session_id": "s-1", "model": "m"}"#),
        )
        .unwrap();
    client
        .track_error(
            "ValueError",
            "bad input from alice@example.com via postgres://admin:hunter2@db/x",
            Some("  File \"/home/alice/project/app.py\", line 42, in main"),
            Some(r#"{"status_code": 500, "user": "alice"}"#),
        )
        .unwrap();
    client.flush(WAIT).unwrap();

    let requests = collector.requests();
    assert_eq!(requests.len(), 1, "one batch");
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/events");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("user-agent"),
        Some(concat!("mycelium-telemetry/", env!("CARGO_PKG_VERSION")))
    );
    let body = request.json();
    assert_eq!(body["version"], "1.0");
    assert!(body["timestamp"].as_f64().unwrap() > 1.6e9);
    let events = without_timestamps(body["events"].as_array().unwrap().clone());
    assert_eq!(
        events,
        vec![
            json!({"event_type": "agent_usage", "agent_id_hash": hash("alice@example.com"),
                   "operation": "summarize", "metadata": {"duration_ms": 12, "success": true}}),
            json!({"event_type": "performance", "metric_name": "latency", "value": 41.5,
                   "unit": "ms", "tags": {"session_id": hash("s-1"), "model": "m"}}),
            json!({"event_type": "error", "error_type": "ValueError",
                   "error_message": "bad input from <email> via postgres://<user>:<password>@db/x",
                   "stack_trace": "  File \"<user>/project/app.py\", line 42, in main",
                   "context": {"status_code": 500}}),
        ]
    );
    let text = request.body_text();
    for secret in ["alice", "hunter2", "secret prompt", SALT] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let stats = client.stats();
    assert_eq!(
        (
            stats.enqueued,
            stats.sent,
            stats.dropped,
            stats.failed,
            stats.batches_sent
        ),
        (3, 3, 0, 0, 1)
    );
}

#[test]
fn full_batches_go_without_waiting_for_the_interval() {
    let collector = Collector::start();
    let mut config = config_for(&collector);
    config.set_batch_size(3).unwrap();
    let client = Client::new(&config);
    for i in 0..7 {
        client
            .track_agent_usage(&format!("a{i}"), "op", None)
            .unwrap();
    }
    // Two full batches leave on their own; the seventh event waits for the 60 s interval.
    assert!(collector.wait_for_requests(2, WAIT));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(collector.requests().len(), 2);
    client.flush(WAIT).unwrap();
    let sizes: Vec<usize> = collector
        .requests()
        .iter()
        .map(|r| r.json()["events"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(client.stats().batches_sent, 3);
}

#[test]
fn a_partial_batch_leaves_after_the_flush_interval() {
    let collector = Collector::start();
    let mut config = config_for(&collector);
    config.set_flush_interval_ms(100).unwrap();
    let client = Client::new(&config);
    client.track_system_info().unwrap();
    // No flush call: only the interval can send it.
    assert!(collector.wait_for_requests(1, WAIT));
    assert_eq!(collector.events()[0]["event_type"], "system_info");
}

#[test]
fn server_errors_are_retried_then_delivered_once() {
    let collector = Collector::start();
    collector.script([Reply::Status(503), Reply::Status(500)]);
    let client = Client::new(&config_for(&collector));
    client.track_agent_usage("a", "op", None).unwrap();
    client.flush(WAIT).unwrap();
    assert_eq!(collector.requests().len(), 3);
    let bodies: Vec<String> = collector.requests().iter().map(|r| r.body_text()).collect();
    assert!(
        bodies.iter().all(|b| b == &bodies[0]),
        "the same batch each time"
    );
    let stats = client.stats();
    assert_eq!((stats.sent, stats.failed, stats.retries), (1, 0, 2));
}

#[test]
fn rate_limits_are_retried() {
    let collector = Collector::start();
    collector.script([Reply::Status(429)]);
    let client = Client::new(&config_for(&collector));
    client.track_agent_usage("a", "op", None).unwrap();
    client.flush(WAIT).unwrap();
    assert_eq!(collector.requests().len(), 2);
    assert_eq!(client.stats().sent, 1);
}

#[test]
fn client_errors_other_than_429_are_not_retried() {
    for status in [400, 401, 404, 413] {
        let collector = Collector::start();
        collector.script([Reply::Status(status)]);
        let client = Client::new(&config_for(&collector));
        client.track_agent_usage("a", "op", None).unwrap();
        client.flush(WAIT).unwrap();
        assert_eq!(collector.requests().len(), 1, "HTTP {status}");
        let stats = client.stats();
        assert_eq!((stats.sent, stats.failed, stats.retries), (0, 1, 0));
    }
}

#[test]
fn a_batch_that_exhausts_its_retries_is_counted_failed() {
    let collector = Collector::start();
    collector.script([Reply::Status(500), Reply::Status(502), Reply::Status(503)]);
    let mut config = config_for(&collector);
    config.set_retry_attempts(2).unwrap();
    let client = Client::new(&config);
    for _ in 0..5 {
        client.track_agent_usage("a", "op", None).unwrap();
    }
    client.flush(WAIT).unwrap();
    assert_eq!(collector.requests().len(), 3, "1 attempt + 2 retries");
    let stats = client.stats();
    assert_eq!((stats.sent, stats.failed, stats.retries), (0, 5, 2));
}

#[test]
fn retry_after_is_honoured() {
    let collector = Collector::start();
    collector.script([Reply::RetryAfter(503, 1)]);
    let client = Client::new(&config_for(&collector));
    client.track_agent_usage("a", "op", None).unwrap();
    client.flush(WAIT).unwrap();
    let requests = collector.requests();
    assert_eq!(requests.len(), 2);
    // The configured backoff is 10 ms; only Retry-After explains a gap of a second or more.
    let gap = requests[1].received_at - requests[0].received_at;
    assert!(gap >= Duration::from_millis(950), "retried after {gap:?}");
}

#[test]
fn connection_refused_is_retried_and_never_reaches_the_caller() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = Config::new();
    config.set_enabled(true);
    config
        .set_endpoint(&format!("http://127.0.0.1:{port}/"))
        .unwrap();
    config.set_salt(SALT).unwrap();
    config.set_retry_attempts(1).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(10));
    let client = Client::new(&config);
    assert_eq!(client.track_agent_usage("a", "op", None), Ok(()));
    assert_eq!(client.flush(WAIT), Ok(()));
    let stats = client.stats();
    assert_eq!((stats.failed, stats.retries), (1, 1));
}

#[test]
fn a_full_queue_drops_the_oldest_and_counts_them() {
    let collector = Collector::start();
    let mut config = config_for(&collector);
    config.set_queue_capacity(4).unwrap();
    config.set_batch_size(1000).unwrap();
    let client = Client::new(&config);
    for i in 0..10 {
        client
            .track_agent_usage(&format!("agent-{i}"), "op", None)
            .unwrap();
    }
    client.flush(WAIT).unwrap();
    let received: Vec<Value> = collector
        .events()
        .iter()
        .map(|e| e["agent_id_hash"].clone())
        .collect();
    let newest: Vec<Value> = (6..10)
        .map(|i| json!(hash(&format!("agent-{i}"))))
        .collect();
    assert_eq!(received, newest, "the newest four survive, in order");
    let stats = client.stats();
    assert_eq!((stats.enqueued, stats.dropped, stats.sent), (10, 6, 4));
}

#[test]
fn dropping_warns_once_not_per_event() {
    let collector = Collector::start();
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut config = config_for(&collector);
    let sink = warnings.clone();
    config.set_logger(move |_, message| sink.lock().unwrap().push(message.to_owned()));
    config.set_queue_capacity(2).unwrap();
    let client = Client::new(&config);
    for _ in 0..1000 {
        client.track_agent_usage("a", "op", None).unwrap();
    }
    client.flush(WAIT).unwrap();
    for _ in 0..1000 {
        client.track_agent_usage("a", "op", None).unwrap();
    }
    client.flush(WAIT).unwrap();
    let warnings = warnings.lock().unwrap();
    let drop_warnings = warnings.iter().filter(|w| w.contains("queue full")).count();
    assert_eq!(drop_warnings, 1, "{warnings:?}");
    assert!(client.stats().dropped >= 1996);
}

#[test]
fn shutdown_sends_everything_still_queued() {
    let collector = Collector::start();
    let client = Client::new(&config_for(&collector));
    for i in 0..25 {
        client
            .track_agent_usage(&format!("a{i}"), "op", None)
            .unwrap();
    }
    // The 60 s interval has not passed: only shutdown can send these.
    assert!(client.shutdown(WAIT));
    assert_eq!(collector.events().len(), 25);
    assert_eq!(client.stats().sent, 25);
    assert_eq!(
        client.track_agent_usage("late", "op", None),
        Err(TrackError::ShutDown)
    );
    assert_eq!(client.flush(WAIT), Err(FlushError::ShutDown));
}

#[test]
fn dropping_the_client_sends_what_is_queued() {
    let collector = Collector::start();
    {
        let client = Client::new(&config_for(&collector));
        client.track_system_info().unwrap();
    }
    assert_eq!(collector.events().len(), 1);
}

#[test]
fn shutdown_and_flush_return_in_time_when_the_collector_never_answers() {
    let collector = Collector::start();
    collector.script([Reply::Hang, Reply::Hang, Reply::Hang]);
    let mut config = config_for(&collector);
    config.set_timeout_secs(30).unwrap();
    let client = Client::new(&config);
    client.track_agent_usage("a", "op", None).unwrap();

    let started = Instant::now();
    assert_eq!(
        client.flush(Duration::from_millis(300)),
        Err(FlushError::Timeout)
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(collector.wait_for_requests(1, WAIT));

    // Events tracked while the sender is stuck in a request still return at once.
    for _ in 0..10_000 {
        client.track_agent_usage("b", "op", None).unwrap();
    }
    let stats = client.stats();
    assert_eq!(stats.enqueued, 10_001);
    assert_accounting_holds(stats);

    let started = Instant::now();
    assert!(
        !client.shutdown(Duration::from_millis(300)),
        "not finished in time"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "shutdown took {:?}",
        started.elapsed()
    );
}

#[test]
fn many_threads_tracking_while_others_flush_and_read_stats_lose_nothing() {
    const THREADS: usize = 8;
    const EACH: usize = 2_000;
    let collector = Collector::start();
    let mut config = config_for(&collector);
    config.set_queue_capacity(100_000).unwrap();
    config.set_flush_interval_ms(20).unwrap();
    let client = Arc::new(Client::new(&config));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));

    let observer = {
        let (client, done) = (client.clone(), done.clone());
        std::thread::spawn(move || {
            let mut reads = 0u64;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                assert_accounting_holds(client.stats());
                let _ = client.flush(Duration::from_millis(5));
                reads += 1;
            }
            reads
        })
    };
    let trackers: Vec<_> = (0..THREADS)
        .map(|t| {
            let client = client.clone();
            std::thread::spawn(move || {
                for i in 0..EACH {
                    client
                        .track_agent_usage("agent", &format!("t{t}-{i}"), None)
                        .unwrap();
                }
            })
        })
        .collect();
    for tracker in trackers {
        tracker.join().unwrap();
    }
    client.flush(WAIT).unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(observer.join().unwrap() > 0);

    let mut operations: Vec<String> = collector
        .events()
        .iter()
        .map(|e| e["operation"].as_str().unwrap().to_owned())
        .collect();
    let total = operations.len();
    operations.sort();
    operations.dedup();
    assert_eq!(total, THREADS * EACH, "nothing lost");
    assert_eq!(operations.len(), total, "nothing duplicated");
    let stats = client.stats();
    assert_eq!(
        (stats.enqueued, stats.sent, stats.dropped, stats.failed),
        ((THREADS * EACH) as u64, (THREADS * EACH) as u64, 0, 0)
    );
}

#[test]
fn warnings_go_to_the_logger_and_never_carry_the_salt_or_data() {
    let collector = Collector::start();
    collector.script([Reply::Status(400)]);
    let warnings = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut config = config_for(&collector);
    let sink = warnings.clone();
    config.set_logger(move |_, message| sink.lock().unwrap().push(message.to_owned()));
    let client = Client::new(&config);
    client
        .track_error("E", "alice@example.com failed", None, None)
        .unwrap();
    client.flush(WAIT).unwrap();
    let warnings = warnings.lock().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("refused") && w.contains("400")),
        "{warnings:?}"
    );
    for warning in warnings.iter() {
        assert!(
            !warning.contains(SALT) && !warning.contains("alice"),
            "{warning}"
        );
    }
}

#[test]
fn invalid_input_is_refused_and_nothing_is_queued() {
    let collector = Collector::start();
    let client = Client::new(&config_for(&collector));
    assert_eq!(
        client.track_agent_usage("a", "op", Some("[1, 2]")),
        Err(TrackError::InvalidJson)
    );
    assert_eq!(
        client.track_error("E", "m", None, Some("{")),
        Err(TrackError::InvalidJson)
    );
    assert_eq!(
        client.track_performance("m", f64::INFINITY, None, None),
        Err(TrackError::InvalidArgument)
    );
    assert_eq!(client.stats().enqueued, 0);
    client.flush(WAIT).unwrap();
    assert!(collector.requests().is_empty());
}

#[test]
fn the_per_installation_salt_file_gives_stable_hashes_across_clients() {
    let collector = Collector::start();
    let dir = std::env::temp_dir().join(format!("mt-salt-it-{}", std::process::id()));
    let salt_file = dir.join("mycelium").join("telemetry_salt");
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt_file(&salt_file).unwrap();
    for _ in 0..2 {
        let client = Client::new(&config);
        client.track_agent_usage("same-agent", "op", None).unwrap();
        client.shutdown(WAIT);
    }
    let salt = std::fs::read_to_string(&salt_file).unwrap();
    let salt = salt.trim();
    assert_eq!(salt.len(), 64);
    let hashes: Vec<Value> = collector
        .events()
        .iter()
        .map(|e| e["agent_id_hash"].clone())
        .collect();
    let expected = Anonymizer::new(salt).hash_identifier("same-agent");
    assert_eq!(hashes, [json!(expected), json!(expected)]);
    for request in collector.requests() {
        assert!(
            !request.body_text().contains(salt),
            "the salt is never sent"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_logger_is_never_called_after_a_timed_out_shutdown_returns() {
    let collector = Collector::start();
    collector.script([Reply::Hang]);
    let after_shutdown = Arc::new(Mutex::new(Vec::<String>::new()));
    let returned = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut config = config_for(&collector);
    config.set_timeout_secs(1).unwrap();
    config.set_retry_attempts(0).unwrap();
    let (sink, flag) = (after_shutdown.clone(), returned.clone());
    config.set_logger(move |_, message| {
        if flag.load(std::sync::atomic::Ordering::SeqCst) {
            sink.lock().unwrap().push(message.to_owned());
        }
    });
    let client = Client::new(&config);
    client.track_agent_usage("a", "op", None).unwrap();
    let _ = client.flush(Duration::from_millis(100));
    assert!(collector.wait_for_requests(1, WAIT));
    assert!(
        !client.shutdown(Duration::from_millis(200)),
        "the request still hangs"
    );
    returned.store(true, std::sync::atomic::Ordering::SeqCst);
    // The hung request times out after 1 s on the detached sender, which would warn about the
    // undelivered batch; the host may already have freed its callback.
    std::thread::sleep(Duration::from_millis(1_500));
    assert!(
        after_shutdown.lock().unwrap().is_empty(),
        "logged after shutdown returned: {:?}",
        after_shutdown.lock().unwrap()
    );
}
