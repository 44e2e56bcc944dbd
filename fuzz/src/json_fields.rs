//! `json_fields`: arbitrary text as the metadata, tags and context of the Rust API.
//!
//! Each input (lossily UTF-8) goes to all three track calls of one enabled, local-only client.
//! A call must accept exactly the texts that are one JSON object no deeper than the documented
//! limit and refuse the rest as invalid JSON; after a flush the file holds each accepted event
//! exactly as the public anonymizer renders it, with no key outside the allowlist and no nested
//! value. The anonymizer's filters are also run directly on any object, however deep.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use mycelium_telemetry::event::MAX_JSON_DEPTH;
use mycelium_telemetry::{Client, Config, TrackError};
use serde_json::{Map, Value};

use crate::wire::{acceptable_object, check_metadata, check_tags, LocalOutput, Tracked, SALT};

struct Fixture {
    client: Client,
    output: LocalOutput,
    /// Set while an input is being checked: if a check panicked (replayed on stable Rust), the
    /// next input starts by clearing what it left.
    interrupted: bool,
}

fn fixture() -> MutexGuard<'static, Fixture> {
    static FIXTURE: OnceLock<Mutex<Fixture>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let output = LocalOutput::new("json_fields", Vec::new());
            let mut config = Config::new();
            config.set_enabled(true);
            config.set_salt(SALT).unwrap();
            config.set_output_file(output.path()).unwrap();
            // Only the flush at the end of each input sends, so each input's events are checked
            // on their own.
            config.set_flush_interval_ms(3_600_000).unwrap();
            config.set_batch_size(1000).unwrap();
            Mutex::new(Fixture {
                client: Client::new(&config),
                output,
                interrupted: false,
            })
        })
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

const FLUSH_TIMEOUT: Duration = Duration::from_secs(10);

/// Checks one input; returns how many written events were verified.
pub fn check(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    let mut fixture = fixture();
    let fixture = &mut *fixture;
    if fixture.interrupted {
        let _ = fixture.client.flush(FLUSH_TIMEOUT);
        fixture.output.discard();
    }
    fixture.interrupted = true;

    if let Ok(object) = serde_json::from_str::<Map<String, Value>>(&text) {
        let anonymizer = fixture.output.anonymizer();
        check_metadata(&anonymizer.filter_metadata(&object), &[]);
        check_tags(&anonymizer.anonymize_tags(&object));
    }

    let acceptable = acceptable_object(&text).is_some();
    let enqueued_before = fixture.client.stats().enqueued;
    let json = Some(text.to_string());
    let client = &fixture.client;
    let calls = [
        (
            client.track_agent_usage("fuzz-agent", "fuzz-operation", Some(&text)),
            Tracked::AgentUsage {
                agent_id: "fuzz-agent".into(),
                operation: "fuzz-operation".into(),
                metadata: json.clone(),
            },
        ),
        (
            client.track_performance("fuzz-metric", 1.5, None, Some(&text)),
            Tracked::Performance {
                metric_name: "fuzz-metric".into(),
                value: 1.5,
                unit: None,
                tags: json.clone(),
            },
        ),
        (
            client.track_error("FuzzError", "fuzz message", None, Some(&text)),
            Tracked::Error {
                error_type: "FuzzError".into(),
                error_message: "fuzz message".into(),
                stack_trace: None,
                context: json,
            },
        ),
    ];
    let mut accepted = 0;
    for (result, tracked) in calls {
        match (result, acceptable) {
            (Ok(()), true) => {
                fixture.output.record(tracked);
                accepted += 1;
            }
            (Err(TrackError::InvalidJson), false) => {}
            (Ok(()), false) => panic!(
                "accepted {text:?}, which is not one object serde_json reads within \
                 {MAX_JSON_DEPTH} levels: the sender cannot parse it and drops every field"
            ),
            (result, _) => panic!("{result:?} for {text:?}"),
        }
    }
    let stats = fixture.client.stats();
    assert_eq!(stats.enqueued - enqueued_before, accepted);
    fixture
        .client
        .flush(FLUSH_TIMEOUT)
        .expect("a local-only client flushes");
    let verified = fixture.output.verify_all_sent();
    fixture.interrupted = false;
    verified
}
