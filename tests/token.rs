//! Batch identity and a private collector's ingest token, against a real loopback collector:
//! every batch carries a random `batch_id` that stays the same on each retry; the token goes in
//! the `Authorization` header of batches and deletion requests to its endpoint, and nowhere
//! else: not the body, not a warning, not the debug output, not the output file.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use collector::{Collector, Reply};
use mycelium_telemetry::consent::{ConsentFile, PendingDeletion};
use mycelium_telemetry::opt_out::{deliver_pending_deletions_in, Credentials};
use mycelium_telemetry::transport::Token;
use mycelium_telemetry::{Client, Config};

const TOKEN: &str = "ingest-7Hq.x~s3cret";
const WAIT: Duration = Duration::from_secs(10);

fn config_for(collector: &Collector) -> Config {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt("s").unwrap();
    config.set_flush_interval_ms(60_000).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(10));
    config.set_token(Some(TOKEN)).unwrap();
    config
}

fn is_batch_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[test]
fn a_retried_batch_keeps_its_batch_id_and_carries_the_token_each_time() {
    let collector = Collector::start();
    collector.script([Reply::Status(503), Reply::Status(503)]);
    let client = Client::new(&config_for(&collector));
    client.track_agent_usage("agent", "first", None).unwrap();
    client.flush(WAIT).unwrap();
    client.track_agent_usage("agent", "second", None).unwrap();
    client.flush(WAIT).unwrap();

    let requests = collector.requests();
    assert_eq!(requests.len(), 4, "two refusals, then two batches");
    let ids: Vec<String> = requests
        .iter()
        .map(|request| request.json()["batch_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.iter().all(|id| is_batch_id(id)), "{ids:?}");
    assert_eq!(ids[0], ids[1], "a retry is the same batch");
    assert_eq!(ids[1], ids[2]);
    assert_ne!(ids[2], ids[3], "another batch has another id");
    for request in &requests {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert!(!request.body_text().contains(TOKEN));
    }
}

#[test]
fn a_client_without_a_token_sends_no_authorization_header() {
    let collector = Collector::start();
    let mut config = config_for(&collector);
    config.set_token(None).unwrap();
    assert!(!config.has_token());
    let client = Client::new(&config);
    client.track_agent_usage("agent", "op", None).unwrap();
    client.flush(WAIT).unwrap();
    assert_eq!(collector.requests()[0].header("authorization"), None);
}

#[test]
fn the_token_reaches_no_warning_no_debug_line_and_no_file() {
    let messages = Arc::new(Mutex::new(Vec::<String>::new()));
    let collector = Collector::start();
    // Refused, then down: the client warns about both.
    collector.script([Reply::Status(401)]);
    let mut config = config_for(&collector);
    config.set_debug(true);
    config.set_retry_attempts(1).unwrap();
    let seen = messages.clone();
    config.set_logger(move |_, message| seen.lock().unwrap().push(message.to_owned()));
    assert!(!format!("{config:?}").contains(TOKEN));
    let client = Client::new(&config);
    client.track_agent_usage("agent", "refused", None).unwrap();
    client.flush(WAIT).unwrap();
    collector.stop();
    client
        .track_agent_usage("agent", "unreachable", None)
        .unwrap();
    let _ = client.flush(WAIT);
    client.shutdown(WAIT);

    let folder = std::env::temp_dir().join(format!("mt-token-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let output = folder.join("batches.jsonl");
    let mut local = config_for(&collector);
    local.set_output_file(&output).unwrap();
    let client = Client::new(&local);
    client.track_agent_usage("agent", "local", None).unwrap();
    client.flush(WAIT).unwrap();
    let written = std::fs::read_to_string(&output).unwrap();
    std::fs::remove_dir_all(&folder).unwrap();

    let messages = messages.lock().unwrap();
    assert!(
        messages.iter().any(|m| m.contains("outgoing batch")),
        "debug output was on: {messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("HTTP 401")),
        "the refusal was warned about: {messages:?}"
    );
    for message in messages.iter() {
        assert!(!message.contains(TOKEN), "{message}");
    }
    assert!(written.contains("\"operation\":\"local\""), "{written}");
    assert!(!written.contains(TOKEN), "{written}");

    let refused = Config::new().set_token(Some("bad token")).unwrap_err();
    assert!(refused.to_string().contains("TELEMETRY_TOKEN"), "{refused}");
    assert!(!refused.to_string().contains("bad token"), "{refused}");
}

#[test]
fn a_deletion_request_carries_the_token_of_its_endpoint_only() {
    let private = Collector::start();
    let other = Collector::start();
    let folder = std::env::temp_dir().join(format!("mt-token-deletion-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let consent_file = folder.join("telemetry_consent.json");
    let mut file = ConsentFile::default();
    for (id, collector) in [("1", &private), ("2", &other)] {
        file.add_pending_deletion(PendingDeletion {
            installation_id: id.repeat(32),
            endpoint: collector.url(),
        });
    }
    file.save(&consent_file).unwrap();
    let credentials = Credentials::new(&private.url(), Token::parse(TOKEN));
    let deliveries = deliver_pending_deletions_in(&consent_file, &credentials, &|_| {}).unwrap();
    assert_eq!((deliveries.delivered, deliveries.pending), (2, 0));
    std::fs::remove_dir_all(&folder).unwrap();

    let to_private = &private.requests()[0];
    assert_eq!(to_private.json()["deletion_request"], true);
    assert_eq!(
        to_private.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        to_private.json().get("batch_id").is_none(),
        "a deletion is never skipped as a duplicate"
    );
    assert_eq!(other.requests()[0].header("authorization"), None);
}
