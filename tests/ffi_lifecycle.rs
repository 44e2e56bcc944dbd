//! The C ABI's client lifecycle: `mt_client_close` may run while other threads track and keeps
//! the final counters readable; `mt_client_free` frees; `mt_shutdown` is both.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::ffi::{c_char, CString};

use collector::{Collector, Reply};
use mycelium_telemetry::ffi::client::{
    mt_client_close, mt_client_free, mt_client_new, mt_client_stats, mt_flush, mt_stats,
    mt_track_agent_usage,
};
use mycelium_telemetry::ffi::config::{
    mt_config_free, mt_config_new, mt_config_set_enabled, mt_config_set_endpoint,
    mt_config_set_salt, mt_config_set_timeout_secs,
};
use mycelium_telemetry::ffi::mt_status;

fn c(text: &str) -> CString {
    CString::new(text).unwrap()
}

/// A client pointer that may cross threads (the C ABI says clients are thread-safe).
#[derive(Clone, Copy)]
struct Shared(*mut mycelium_telemetry::ffi::client::mt_client);
// SAFETY: mt_client is documented as usable from any number of threads at once.
unsafe impl Send for Shared {}

fn client_at(collector: &Collector) -> Shared {
    let config = mt_config_new();
    assert_eq!(mt_config_set_enabled(config, true), mt_status::MT_OK);
    assert_eq!(
        mt_config_set_endpoint(config, c(&collector.url()).as_ptr()),
        mt_status::MT_OK
    );
    assert_eq!(
        mt_config_set_salt(config, c("s").as_ptr()),
        mt_status::MT_OK
    );
    assert_eq!(mt_config_set_timeout_secs(config, 1), mt_status::MT_OK);
    let client = mt_client_new(config);
    mt_config_free(config);
    assert!(!client.is_null());
    Shared(client)
}

fn track(client: Shared, operation: &str) -> mt_status {
    let (agent, operation) = (c("agent"), c(operation));
    mt_track_agent_usage(
        client.0,
        agent.as_ptr(),
        operation.as_ptr(),
        std::ptr::null::<c_char>(),
    )
}

fn stats(client: Shared) -> mt_stats {
    let mut out = mt_stats::default();
    assert_eq!(mt_client_stats(client.0, &mut out), mt_status::MT_OK);
    out
}

#[test]
fn close_runs_alongside_tracking_threads_and_keeps_the_counters() {
    let collector = Collector::start();
    let client = client_at(&collector);
    let trackers: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let mut refused = 0;
                for i in 0..5_000 {
                    match track(client, &format!("t{t}-{i}")) {
                        mt_status::MT_OK => {}
                        mt_status::MT_ERR_SHUT_DOWN => refused += 1,
                        other => panic!("unexpected {other:?}"),
                    }
                }
                refused
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert_eq!(mt_client_close(client.0, 10_000), mt_status::MT_OK);
    let refused: usize = trackers.into_iter().map(|t| t.join().unwrap()).sum();

    // After close: refused calls, readable final counters, everything accepted accounted for.
    assert_eq!(track(client, "late"), mt_status::MT_ERR_SHUT_DOWN);
    assert_eq!(mt_flush(client.0, 10), mt_status::MT_ERR_SHUT_DOWN);
    let after = stats(client);
    assert_eq!(after.enqueued as usize + refused, 20_000);
    let completed = after.sent + after.dropped + after.failed;
    // A tracker that passed the shut-down check just before close may push after the sender's
    // last drain: at most one such event per thread stays pending (docs/c-api.md).
    assert!(
        completed <= after.enqueued && after.enqueued - completed <= 4,
        "{after:?}"
    );
    assert!(after.sent > 0);
    assert_eq!(
        mt_client_close(client.0, 0),
        mt_status::MT_OK,
        "closing twice is harmless"
    );
    mt_client_free(client.0);
}

#[test]
fn close_reports_a_timeout_when_the_collector_never_answers() {
    let collector = Collector::start();
    collector.script([Reply::Hang, Reply::Hang]);
    let client = client_at(&collector);
    assert_eq!(track(client, "stuck"), mt_status::MT_OK);
    assert_eq!(mt_flush(client.0, 100), mt_status::MT_ERR_TIMEOUT);
    let started = std::time::Instant::now();
    assert_eq!(mt_client_close(client.0, 200), mt_status::MT_ERR_TIMEOUT);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(stats(client).enqueued, 1);
    mt_client_free(client.0);
    mt_client_free(std::ptr::null_mut());
}
