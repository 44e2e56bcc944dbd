//! A bug that panics while the sender scrubs an event (simulated with the test-only
//! `Config::inject_scrub_panic_for_tests`) must lose that event only: counted as failed so that
//! `enqueued = sent + dropped + failed` holds after a flush, reported with one log line that
//! quotes nothing of the event, no panic text on the host's stderr, and the next events sent.
//!
//! The scenario runs in a child process (this test binary, re-run with an environment variable)
//! so that its stderr can be read whole.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mycelium_telemetry::{Client, Config};
use serde_json::Value;

const CHILD: &str = "MT_SENDER_PANIC_CHILD_OUTPUT";
/// The agent id that makes scrubbing panic; it must never be printed.
const TRIGGER: &str = "agent-7f3c-panics-here";
const TEST_NAME: &str = "a_panic_while_scrubbing_loses_one_event_and_the_sender_goes_on";

#[test]
fn a_panic_while_scrubbing_loses_one_event_and_the_sender_goes_on() {
    if let Some(path) = std::env::var_os(CHILD) {
        run_scenario(Path::new(&path));
        return;
    }
    let path = std::env::temp_dir().join(format!("mt-sender-panic-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD, &path)
        .output()
        .expect("run the scenario in a child");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "scenario failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "the scenario did not run:\n{stdout}"
    );
    assert!(
        !stderr.contains("panicked"),
        "panic text reached stderr:\n{stderr}"
    );
    assert!(
        !stderr.contains(TRIGGER),
        "the event's data reached stderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("injected"),
        "the panic message reached stderr:\n{stderr}"
    );
    assert_eq!(
        stderr.matches("an internal error").count(),
        1,
        "one report for two lost events:\n{stderr}"
    );

    let operations = delivered_operations(&path);
    let _ = std::fs::remove_file(&path);
    assert_eq!(operations, ["op-1", "op-2", "op-3", "op-4"]);
}

/// The operations of every event in the local output file, in order.
fn delivered_operations(path: &PathBuf) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("the output file was written");
    let mut operations = Vec::new();
    for line in text.lines() {
        let batch: Value = serde_json::from_str(line).expect("each line is one batch");
        for event in batch["events"].as_array().expect("events") {
            operations.push(event["operation"].as_str().expect("operation").to_owned());
        }
    }
    operations
}

fn run_scenario(output: &Path) {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_salt("salt").unwrap();
    config.set_output_file(output).unwrap();
    config.set_batch_size(10).unwrap();
    config.set_flush_interval_ms(3_600_000).unwrap();
    config.inject_scrub_panic_for_tests(TRIGGER);
    let client = Client::new(&config);
    let flush = Duration::from_secs(10);

    client.track_agent_usage("agent", "op-1", None).unwrap();
    client
        .track_agent_usage(TRIGGER, "op-lost-1", None)
        .unwrap();
    client.track_agent_usage("agent", "op-2", None).unwrap();
    client
        .flush(flush)
        .expect("the flush completes: the lost event counts");
    let stats = client.stats();
    assert_eq!(
        (stats.enqueued, stats.sent, stats.failed),
        (3, 2, 1),
        "{stats:?}"
    );

    // A batch made only of a lost event, then the sender keeps going.
    client
        .track_agent_usage(TRIGGER, "op-lost-2", None)
        .unwrap();
    client
        .flush(flush)
        .expect("a batch with nothing left to send completes");
    client.track_agent_usage("agent", "op-3", None).unwrap();
    client.track_agent_usage("agent", "op-4", None).unwrap();
    client.flush(flush).expect("later events are sent");
    let stats = client.stats();
    assert_eq!(
        (stats.enqueued, stats.sent, stats.failed),
        (6, 4, 2),
        "{stats:?}"
    );
    assert_eq!(stats.enqueued, stats.sent + stats.dropped + stats.failed);
    assert!(
        client.shutdown(Duration::from_secs(5)),
        "the sender finished"
    );
}
