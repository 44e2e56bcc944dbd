//! Live revocation: a running client notices the user's new choice before its next upload (the
//! sender looks at the consent file at most once a second) and, turned local, writes to the
//! local record instead of the collector; turned off, discards what is queued and sends nothing.
//!
//! One test function in its own binary, because it points `XDG_STATE_HOME` at a temporary folder.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use mycelium_telemetry::consent::records::{read_record, record_path, RecordKind};
use mycelium_telemetry::consent::{Consent, ConsentFile, PendingDeletion};
use mycelium_telemetry::opt_out::set_choice;
use mycelium_telemetry::{Client, Config};

/// Longer than the sender's interval between two looks at the consent file.
const NOTICE_DELAY: Duration = Duration::from_millis(1300);

fn record(path: &Path, level: Consent, at: SystemTime) {
    let mut file = ConsentFile::load(path).unwrap();
    file.set(Some("live"), level, at);
    file.save(path).unwrap();
}

fn operations(collector: &collector::Collector) -> Vec<String> {
    collector
        .events()
        .iter()
        .filter_map(|event| event["operation"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_running_client_follows_the_users_new_choice() {
    let folder: PathBuf =
        std::env::temp_dir().join(format!("mt-consent-live-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    std::env::set_var("XDG_STATE_HOME", folder.join("state"));
    std::env::remove_var("TELEMETRY_ENABLED");
    std::env::remove_var("DO_NOT_TRACK");
    let consent_file = folder.join("telemetry_consent.json");
    record(
        &consent_file,
        Consent::On,
        SystemTime::now() - Duration::from_secs(10),
    );

    let collector = collector::Collector::start();
    // An earlier opt-out whose deletion request was never delivered: the next client that
    // starts collecting delivers it, from its sender thread.
    let mut file = ConsentFile::load(&consent_file).unwrap();
    file.add_pending_deletion(PendingDeletion {
        installation_id: "0123456789abcdef0123456789abcdef".to_owned(),
        endpoint: collector.url(),
    });
    file.save(&consent_file).unwrap();
    let mut config = Config::new();
    config.set_app_name("live").unwrap();
    config.set_consent_file(&consent_file).unwrap();
    config.set_endpoint(&collector.url()).unwrap();
    config.set_salt("salt").unwrap();
    config.set_flush_interval_ms(20).unwrap();
    // The host did not enable it: the recorded `on` does.
    let client = Client::new(&config);
    assert!(client.is_enabled());
    client.track_agent_usage("a", "while-on", None).unwrap();
    client.flush(Duration::from_secs(5)).unwrap();
    assert_eq!(operations(&collector), ["while-on"]);
    let recorded = ConsentFile::load(&consent_file).unwrap();
    let id = recorded
        .app("live")
        .unwrap()
        .installation_id
        .clone()
        .unwrap();
    let requests = collector.requests();
    assert_eq!(
        requests.len(),
        2,
        "the pending deletion request, then the batch"
    );
    let deletion = requests[0].json();
    assert_eq!(deletion["deletion_request"], true);
    assert_eq!(
        deletion["installation_id"],
        "0123456789abcdef0123456789abcdef"
    );
    assert!(ConsentFile::load(&consent_file)
        .unwrap()
        .pending_deletions()
        .is_empty());
    let batch = requests[1].json();
    assert_eq!(
        batch["installation_id"],
        id.as_str(),
        "sent only when on, at batch level"
    );
    let sent_log = record_path(
        &folder.join("state/mycelium/telemetry"),
        Some("live"),
        RecordKind::Sent,
    );
    assert!(
        read_record(&sent_log).unwrap().contains("while-on"),
        "the sent log shows it"
    );

    record(&consent_file, Consent::Local, SystemTime::now());
    std::thread::sleep(NOTICE_DELAY);
    client.track_agent_usage("a", "while-local", None).unwrap();
    client.flush(Duration::from_secs(5)).unwrap();
    assert_eq!(
        operations(&collector),
        ["while-on"],
        "nothing uploaded in local mode"
    );
    let local_record = record_path(
        &folder.join("state/mycelium/telemetry"),
        Some("live"),
        RecordKind::Local,
    );
    let local = read_record(&local_record).unwrap();
    assert!(local.contains("while-local"), "{local}");
    assert!(!local.contains("while-on"));
    assert!(
        !local.contains("installation_id"),
        "never kept with local batches"
    );

    record(&consent_file, Consent::Off, SystemTime::now());
    std::thread::sleep(NOTICE_DELAY);
    let dropped_before = client.stats().dropped;
    client.track_agent_usage("a", "while-off", None).unwrap();
    client.flush(Duration::from_secs(5)).unwrap();
    assert_eq!(
        client.stats().dropped,
        dropped_before + 1,
        "queued events are discarded"
    );
    let enqueued = client.stats().enqueued;
    client.track_agent_usage("a", "after-off", None).unwrap();
    assert_eq!(client.stats().enqueued, enqueued, "nothing more is queued");
    client.shutdown(Duration::from_secs(2));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        operations(&collector),
        ["while-on"],
        "nothing uploaded after off"
    );
    assert!(!read_record(&local_record).unwrap().contains("while-off"));

    // Choices recorded at once by many callers are all kept (the file is changed under a lock).
    std::env::set_var("TELEMETRY_CONSENT_FILE", &consent_file);
    let recorders: Vec<_> = (0..8)
        .map(|index| {
            std::thread::spawn(move || {
                let app = format!("concurrent-{index}");
                set_choice(Some(&app), Consent::Local).unwrap();
            })
        })
        .collect();
    for recorder in recorders {
        recorder.join().unwrap();
    }
    let file = ConsentFile::load(&consent_file).unwrap();
    for index in 0..8 {
        let entry = file.app(&format!("concurrent-{index}"));
        assert_eq!(
            entry.map(|entry| entry.level),
            Some(Consent::Local),
            "{index}"
        );
    }
    std::fs::remove_dir_all(folder).unwrap();
}
