//! Ending a client without waiting (`Client::shutdown_detached`, `mt_client_free_nowait` in C),
//! and reading counters one by one (`Client::counter`, `mt_client_counter`), against a real
//! HTTP collector on 127.0.0.1.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use collector::{Collector, Reply};
use mycelium_telemetry::{Client, Config, Counter};

fn config_for(collector: &Collector) -> Config {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt("salt").unwrap();
    config.set_flush_interval_ms(60_000).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(10));
    config
}

#[test]
fn a_detached_shutdown_returns_at_once_and_still_sends_what_was_queued() {
    let collector = Collector::start();
    let client = Client::new(&config_for(&collector));
    for index in 0..5 {
        let operation = format!("op-{index}");
        client.track_agent_usage("agent", &operation, None).unwrap();
    }
    client.shutdown_detached(Duration::from_secs(10));
    // Nothing was sent before the call (the flush interval is a minute): whatever arrives now
    // was sent by the detached sender on its own.
    assert!(collector.wait_for_requests(1, Duration::from_secs(10)));
    assert_eq!(collector.events().len(), 5);
    assert!(
        client.track_system_info().is_err(),
        "the client is shut down"
    );
    drop(client);
}

#[test]
fn after_a_detached_shutdown_the_logger_is_never_called() {
    let collector = Collector::start();
    // Every attempt is refused with a retryable status: the sender will warn when it gives up.
    collector.set_default_reply(Reply::Status(503));
    let mut config = config_for(&collector);
    config.set_retry_attempts(2).unwrap();
    // Retries take at least 0.5 s + 1 s: far longer than a call that does not wait for them.
    config.set_retry_initial_delay(Duration::from_secs(1));
    let calls_after = Arc::new(Mutex::new(Vec::new()));
    let detached = Arc::new(Mutex::new(false));
    let (calls, flag) = (calls_after.clone(), detached.clone());
    config.set_logger(move |_, message| {
        if *flag.lock().unwrap() {
            calls.lock().unwrap().push(message.to_owned());
        }
    });
    let client = Client::new(&config);
    client.track_agent_usage("agent", "op", None).unwrap();

    let started = Instant::now();
    client.shutdown_detached(Duration::from_secs(10));
    *detached.lock().unwrap() = true;
    drop(client);
    let waited = started.elapsed();
    // The sender retries, then gives up with a warning, after the calls above returned.
    assert!(collector.wait_for_requests(3, Duration::from_secs(15)));
    std::thread::sleep(Duration::from_millis(500));
    assert!(calls_after.lock().unwrap().is_empty(), "{calls_after:?}");
    assert!(
        waited < Duration::from_secs(1),
        "did not wait for the retries: {waited:?}"
    );
}

#[test]
fn counters_read_one_by_one_agree_with_the_snapshot() {
    let collector = Collector::start();
    collector.script([Reply::Status(503)]);
    let client = Client::new(&config_for(&collector));
    for _ in 0..3 {
        client.track_agent_usage("agent", "op", None).unwrap();
    }
    client.flush(Duration::from_secs(10)).unwrap();
    let stats = client.stats();
    assert_eq!((stats.sent, stats.retries), (3, 1), "{stats:?}");
    for counter in Counter::ALL {
        // The spool's counters are not in the frozen snapshot; nothing was spooled here.
        let expected = stats.get(counter).unwrap_or(0);
        assert_eq!(client.counter(counter), expected, "{counter:?}");
    }
    assert_eq!(Client::new(&Config::new()).counter(Counter::Sent), 0);
}
