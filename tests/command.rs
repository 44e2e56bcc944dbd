//! The `mycelium-telemetry` command, run as built, with a home of its own: each subcommand does
//! what it says to the files, and bad arguments fail with a message and exit status 2.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mycelium_telemetry::consent::records::{append_bounded, record_path, RecordKind};

struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Home {
        let path = std::env::temp_dir().join(format!("mt-command-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Home(path)
    }

    fn run(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mycelium-telemetry"));
        command
            .args(args)
            .env_clear()
            .env("HOME", &self.0)
            .env("XDG_CONFIG_HOME", self.0.join("config"))
            .env("XDG_STATE_HOME", self.0.join("state"))
            // Never the real collector: a deletion request goes to a closed loopback port
            // unless a test points it at its own collector.
            .env("TELEMETRY_ENDPOINT", "http://127.0.0.1:9/v1/events");
        for (name, value) in extra {
            command.env(name, value);
        }
        command.output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_with(args, &[])
    }

    fn ok_with(&self, args: &[&str], extra: &[(&str, &str)]) -> String {
        let output = self.run(args, extra);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{args:?}: {stderr}");
        String::from_utf8(output.stdout).unwrap()
    }

    fn consent_file(&self) -> PathBuf {
        self.0.join("config/mycelium/telemetry_consent.json")
    }

    fn state(&self) -> PathBuf {
        self.0.join("state/mycelium/telemetry")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn bad_arguments_fail_with_a_message_and_status_2() {
    let home = Home::new("bad");
    for args in [
        &[][..],
        &["bogus"],
        &["status", "--app"],
        &["status", "--app", "../x"],
        &["on", "--app", "a", "--app", "b"],
        &["on", "--sent"],
        &["show", "--sent", "--local"],
        &["status", "--verbose"],
    ] {
        let output = home.run(args, &[]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("usage: mycelium-telemetry"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!home.consent_file().exists(), "nothing was recorded");
}

#[test]
fn choices_are_recorded_and_explained() {
    let home = Home::new("choices");
    let status = home.ok(&["status"]);
    assert!(status.contains("off: nothing is collected"), "{status}");
    assert!(status.contains("rule 5"), "{status}");

    let on = home.ok(&["on", "--app", "tool"]);
    assert!(
        on.contains(mycelium_telemetry::consent::NOTICE),
        "the notice is shown: {on}"
    );
    let mode = std::fs::metadata(home.consent_file())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let status = home.ok(&["status", "--app", "tool"]);
    assert!(status.contains("on: events are sent"), "{status}");
    assert!(
        status.contains("recorded for this application (rule 3)"),
        "{status}"
    );
    assert!(status.contains("tool: on (decided "), "{status}");
    assert!(
        home.ok(&["status"]).contains("rule 5"),
        "the global default is still undecided"
    );

    let refused = home.run(&["status", "--app", "tool"], &[("DO_NOT_TRACK", "1")]);
    let refused = String::from_utf8(refused.stdout).unwrap();
    assert!(
        refused.contains("off") && refused.contains("rule 1"),
        "{refused}"
    );
    let by_env = home.run(&["status", "--app", "tool"], &[("TELEMETRY_ENABLED", "0")]);
    assert!(String::from_utf8(by_env.stdout).unwrap().contains("rule 2"));

    home.ok(&["local"]);
    let other = home.ok(&["status", "--app", "other"]);
    assert!(other.contains("local: events are recorded"), "{other}");
    assert!(other.contains("global choice"), "{other}");

    home.ok(&["off", "--app", "tool"]);
    assert!(home
        .ok(&["status", "--app", "tool"])
        .contains("off: nothing"));
    home.ok(&["reset", "--app", "tool"]);
    let after = home.ok(&["status", "--app", "tool"]);
    assert!(
        after.contains("local: events") && after.contains("global choice"),
        "{after}"
    );
}

#[test]
fn show_prints_the_records_and_reset_removes_them() {
    let home = Home::new("show");
    let state = home.state();
    let local = record_path(&state, Some("tool"), RecordKind::Local);
    let sent = record_path(&state, Some("tool"), RecordKind::Sent);
    append_bounded(
        &local,
        br#"{"version":"1.0","events":[{"operation":"kept-here"}]}"#,
        1 << 20,
    )
    .unwrap();
    append_bounded(
        &sent,
        br#"{"version":"1.0","events":[{"operation":"went-out"}]}"#,
        1 << 20,
    )
    .unwrap();
    let only_local = home.ok(&["show", "--app", "tool", "--local"]);
    assert!(
        only_local.contains("\"operation\": \"kept-here\""),
        "pretty: {only_local}"
    );
    assert!(!only_local.contains("went-out"));
    let only_sent = home.ok(&["show", "--app", "tool", "--sent"]);
    assert!(only_sent.contains("went-out") && !only_sent.contains("kept-here"));
    let both = home.ok(&["show", "--app", "tool"]);
    assert!(both.contains("went-out") && both.contains("kept-here"));
    assert!(
        home.ok(&["show"]).contains("(nothing)"),
        "another file, empty"
    );

    home.ok(&["on", "--app", "tool"]);
    home.ok(&["reset", "--app", "tool"]);
    assert!(!Path::new(&local).exists() && !Path::new(&sent).exists());
    let text = std::fs::read_to_string(home.consent_file()).unwrap();
    assert!(!text.contains("\"tool\""), "{text}");
}

fn installation_id(home: &Home, app: &str) -> Option<String> {
    let text = std::fs::read_to_string(home.consent_file()).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    file["apps"][app]["installation_id"]
        .as_str()
        .map(str::to_owned)
}

#[test]
fn opting_out_asks_once_for_deletion_and_forgets_the_id() {
    let home = Home::new("deletion");
    let collector = collector::Collector::start();
    let endpoint = collector.url();
    let env = [("TELEMETRY_ENDPOINT", endpoint.as_str())];
    home.ok_with(&["on", "--app", "tool"], &env);
    let id = installation_id(&home, "tool").expect("on gives an installation id");
    assert_eq!(id.len(), 32);
    assert!(collector.requests().is_empty(), "turning on sends nothing");
    let local = record_path(&home.state(), Some("tool"), RecordKind::Local);
    let sent = record_path(&home.state(), Some("tool"), RecordKind::Sent);
    append_bounded(&local, b"{}", 1 << 20).unwrap();
    append_bounded(&sent, b"{}", 1 << 20).unwrap();

    let off = home.ok_with(&["off", "--app", "tool"], &env);
    assert!(off.contains("asked the collector to delete"), "{off}");
    let requests = collector.requests();
    assert_eq!(requests.len(), 1, "exactly one deletion request");
    let body = requests[0].json();
    assert_eq!(body["deletion_request"], true);
    assert_eq!(body["installation_id"], id.as_str());
    assert_eq!(body["events"], serde_json::json!([]));
    assert_eq!(body["version"], "1.0");
    assert!(!local.exists() && !sent.exists(), "the records are removed");
    assert_eq!(installation_id(&home, "tool"), None);

    // Off again, or local then off, is no opt-out from on: nothing more is sent.
    home.ok_with(&["off", "--app", "tool"], &env);
    home.ok_with(&["local", "--app", "tool"], &env);
    home.ok_with(&["off", "--app", "tool"], &env);
    assert_eq!(collector.requests().len(), 1);

    // A later opt-in gets a new id; an opt-out the collector cannot hear is retried later.
    home.ok_with(&["on", "--app", "tool"], &env);
    let second = installation_id(&home, "tool").unwrap();
    assert_ne!(second, id);
    collector.stop();
    let off = home.ok_with(&["off", "--app", "tool"], &env);
    assert!(off.contains("not delivered yet"), "{off}");
    assert!(std::fs::read_to_string(home.consent_file())
        .unwrap()
        .contains(&second));
    collector.restart();
    let status = home.ok_with(&["status"], &env);
    assert!(
        status.contains("deletion requests delivered: 1"),
        "{status}"
    );
    let requests = collector.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].json()["installation_id"], second.as_str());
    assert!(!std::fs::read_to_string(home.consent_file())
        .unwrap()
        .contains(&second));
    home.ok_with(&["status"], &env);
    assert_eq!(collector.requests().len(), 2, "delivered once only");
}

/// Three opt-outs the collector could not hear, each with its own installation id.
fn three_pending_deletions(home: &Home, collector: &collector::Collector) {
    let env = [("TELEMETRY_ENDPOINT", collector.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    collector.stop();
    for _ in 0..3 {
        home.ok_with(&["on", "--app", "tool"], &env);
        let off = home.ok_with(&["off", "--app", "tool"], &env);
        assert!(off.contains("not delivered yet"), "{off}");
    }
    collector.restart();
}

#[test]
fn a_deletion_request_refused_for_good_is_dropped_with_one_warning() {
    let home = Home::new("refused");
    let collector = collector::Collector::start();
    let endpoint = collector.url();
    let env = [("TELEMETRY_ENDPOINT", endpoint.as_str())];
    // A timeout answer (408) is worth another try, like a busy collector's 429.
    collector.script([collector::Reply::Status(408)]);
    home.ok_with(&["on", "--app", "tool"], &env);
    let off = home.ok_with(&["off", "--app", "tool"], &env);
    assert!(off.contains("not delivered yet"), "{off}");
    // 400: the collector will never take it. Dropped, warned about once, never sent again.
    collector.set_default_reply(collector::Reply::Status(400));
    let output = home.run(&["status"], &env);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr
            .matches("refused a deletion request with HTTP 400")
            .count(),
        1,
        "{stderr}"
    );
    assert_eq!(collector.requests().len(), 2);
    let file = std::fs::read_to_string(home.consent_file()).unwrap();
    assert!(!file.contains("pending"), "{file}");
    let again = home.run(&["status"], &env);
    assert!(String::from_utf8_lossy(&again.stderr).is_empty());
    assert_eq!(
        collector.requests().len(),
        2,
        "a dropped request is not retried"
    );
}

#[test]
fn one_delivery_pass_waits_at_most_its_budget_however_many_requests_are_pending() {
    let home = Home::new("budget");
    let collector = collector::Collector::start();
    three_pending_deletions(&home, &collector);
    // A collector that reads each request and never answers: before the budget, each of the
    // three requests waited its own 5 s.
    collector.set_default_reply(collector::Reply::Hang);
    let started = std::time::Instant::now();
    let status = home.ok_with(&["status"], &[("TELEMETRY_ENDPOINT", &collector.url())]);
    let waited = started.elapsed();
    eprintln!("one pass over three pending requests to a silent collector: {waited:?}");
    collector.hang_up();
    let budget = mycelium_telemetry::opt_out::DELIVERY_BUDGET;
    assert!(
        waited < budget + std::time::Duration::from_secs(2),
        "waited {waited:?}"
    );
    assert!(
        status.contains("deletion requests not delivered yet (retried next time): 3"),
        "{status}"
    );
    // The next pass, with the collector answering, delivers all three.
    collector.set_default_reply(collector::Reply::Status(200));
    let status = home.ok_with(&["status"], &[("TELEMETRY_ENDPOINT", &collector.url())]);
    assert!(
        status.contains("deletion requests delivered: 3"),
        "{status}"
    );
}
