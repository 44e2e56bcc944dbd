//! `fork()`: a child that tracks gets a client of its own (its own sender thread); events queued
//! in the parent before the fork are sent once, by the parent; and a fork while the sender is in
//! the middle of a request does not deadlock the child.
//!
//! One test function in its own binary: forking a process that runs other tests' threads would
//! copy their state into the child for no reason.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::time::Duration;

use collector::{Collector, Reply};
use mycelium_telemetry::{Client, Config};

const WAIT: Duration = Duration::from_secs(10);

/// Runs `child` in a forked child process and returns its exit code. The child leaves with
/// `_exit`, so nothing of the parent's (test harness, destructors) runs twice.
fn in_child(child: impl FnOnce() -> bool) -> i32 {
    // SAFETY: the child only uses the telemetry client (which is fork-aware) and then _exits.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(false);
        // SAFETY: _exit is async-signal-safe and ends the child without unwinding.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: `pid` is our child; `status` is a valid out-pointer.
    let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(waited, pid);
    assert!(
        libc::WIFEXITED(status),
        "child did not exit normally: {status}"
    );
    libc::WEXITSTATUS(status)
}

fn operations(collector: &Collector) -> Vec<String> {
    let mut ops: Vec<String> = collector
        .events()
        .iter()
        .map(|e| e["operation"].as_str().unwrap().to_owned())
        .collect();
    ops.sort();
    ops
}

#[test]
fn a_forked_child_gets_its_own_client_and_nothing_is_sent_twice() {
    // Part 1: events queued (not yet sent) when the process forks.
    let collector = Collector::start();
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt("s").unwrap();
    config.set_flush_interval_ms(60_000).unwrap();
    config.set_timeout_secs(1).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(50));
    let client = Client::new(&config);
    for i in 0..5 {
        client
            .track_agent_usage("a", &format!("parent-{i}"), None)
            .unwrap();
    }
    let child_exit = in_child(|| {
        // The parent's five events are not the child's: its counters start empty.
        let fresh = client.stats().enqueued == 0;
        let tracked = (0..3).all(|i| {
            client
                .track_agent_usage("a", &format!("child-{i}"), None)
                .is_ok()
        });
        let flushed = client.flush(WAIT).is_ok();
        let stats = client.stats();
        fresh && tracked && flushed && stats.enqueued == 3 && stats.sent == 3
    });
    assert_eq!(child_exit, 0, "the child's own client sent its events");
    client.flush(WAIT).unwrap();
    assert_eq!(
        operations(&collector),
        [
            "child-0", "child-1", "child-2", "parent-0", "parent-1", "parent-2", "parent-3",
            "parent-4"
        ],
        "each event exactly once"
    );
    for request in collector.requests() {
        let body = request.body_text();
        assert!(
            !(body.contains("parent-") && body.contains("child-")),
            "parent and child never share a batch"
        );
    }

    // Part 2: fork while the parent's sender is stuck in a request that never gets an answer.
    let stuck = Collector::start();
    stuck.script([Reply::Hang]);
    config.set_endpoint(&stuck.url()).unwrap();
    let client = Client::new(&config);
    client.track_agent_usage("a", "parent-stuck", None).unwrap();
    assert!(
        client.flush(Duration::from_millis(200)).is_err(),
        "the request hangs"
    );
    assert!(stuck.wait_for_requests(1, WAIT));
    let child_exit = in_child(|| {
        client
            .track_agent_usage("a", "child-after-stuck-fork", None)
            .is_ok()
            && client.flush(WAIT).is_ok()
            && client.shutdown(WAIT)
    });
    assert_eq!(child_exit, 0, "no deadlock in the child");
    // The parent's request times out after 1 s and its retry is answered.
    client.flush(WAIT).unwrap();
    let ops: Vec<String> = stuck
        .requests()
        .iter()
        .skip(1) // the hung request
        .flat_map(|r| {
            r.json()["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["operation"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut ops = ops;
    ops.sort();
    assert_eq!(ops, ["child-after-stuck-fork", "parent-stuck"]);
    assert!(client.shutdown(WAIT));
}
