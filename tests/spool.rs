//! The offline spool, end to end, with real short-lived processes (this test binary run again,
//! see `spool/child.rs`) and the loopback collector of `examples/support/collector.rs`, which
//! counts what it accepted by `batch_id`: a deduplicating collector stores each batch once.
//!
//! Processes exit with `shutdown(0)` while the collector is down; their batches are spooled
//! under `$XDG_STATE_HOME/mycelium/telemetry/spool/<app>/`; a later process replays them.

#[path = "spool/child.rs"]
mod child;
#[path = "../examples/support/collector.rs"]
mod collector;
#[path = "support/reference_collector.rs"]
mod reference_collector;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use collector::Collector;
use reference_collector::ReferenceCollector;
use serde_json::Value;

const APP: &str = "spooltool";

#[test]
fn child_entry() {
    if let Ok(what) = std::env::var(child::CHILD) {
        child::run(&what);
    }
}

/// A throwaway home: the state folder and the consent file of the children.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Home {
        let root = std::env::temp_dir().join(format!("mt-spool-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Home(root)
    }

    fn spool(&self) -> PathBuf {
        mycelium_telemetry::spool::folder(&self.0.join("state/mycelium/telemetry"), APP)
    }

    fn consent_file(&self) -> PathBuf {
        self.0.join("config/mycelium/telemetry_consent.json")
    }

    /// This binary as a child doing `what` for `APP` against `endpoint`, with `vars`.
    fn child(&self, what: &str, endpoint: &str, vars: &[(&str, String)]) -> Command {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "child_entry", "--nocapture", "--test-threads=1"])
            .env(child::CHILD, what)
            .env("HOME", &self.0)
            .env("XDG_CONFIG_HOME", self.0.join("config"))
            .env("XDG_STATE_HOME", self.0.join("state"))
            .env("MT_SPOOL_APP", APP)
            .env("MT_SPOOL_ENDPOINT", endpoint)
            .env("MT_SPOOL_FOLDER", self.spool())
            .env_remove("DO_NOT_TRACK")
            .env_remove("TELEMETRY_ENABLED")
            .env_remove("TELEMETRY_CONSENT_FILE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in vars {
            command.env(name, value);
        }
        command
    }

    /// Final spool files, oldest first.
    fn batches(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.spool())
            .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
            .unwrap_or_default();
        files.retain(|path| path.extension().is_some_and(|ext| ext == "json"));
        files.sort();
        files
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The JSON lines a finished child printed; fails with its output if it failed.
fn lines_of(child: Child) -> Vec<Value> {
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    json_lines(&stdout)
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter_map(|line| line.split_once(child::MARK))
        .map(|(_, json)| serde_json::from_str(json).unwrap())
        .collect()
}

fn run(mut command: Command) -> Vec<Value> {
    lines_of(command.spawn().unwrap())
}

/// One process spooling `rounds` batches of 10 events, one client per round.
fn spool_rounds(home: &Home, collector: &Collector, rounds: u32) -> Vec<Value> {
    let rounds = [("MT_SPOOL_ROUNDS", rounds.to_string())];
    run(home.child("spool", &collector.url(), &rounds))
}

/// A collector that is down: its port refuses connections until `restart`.
fn down_collector() -> Collector {
    let collector = Collector::start();
    collector.stop();
    collector
}

fn total(lines: &[Value], counter: &str) -> u64 {
    lines
        .iter()
        .map(|line| {
            line.get("counters").unwrap_or(line)[counter]
                .as_u64()
                .unwrap()
        })
        .sum()
}

/// Every accepted batch once, and the events they held.
fn stored_once(collector: &Collector) -> (usize, usize) {
    let batches = collector.accepted_batch_ids();
    for (id, (times, _)) in &batches {
        assert_eq!(*times, 1, "batch {id} was accepted {times} times");
    }
    let events = batches.values().map(|(_, events)| events).sum();
    (batches.len(), events)
}

/// A hundred processes, ten groups of ten at once, each tracking 10 events and exiting with
/// shutdown(0) while nothing answers at `url`; every event must be spooled, one batch each.
fn spool_a_hundred_processes(home: &Home, url: &str) {
    let mut spooled = 0;
    for group in 0..10 {
        let children: Vec<Child> = (0..10)
            .map(|n| {
                let label = [("MT_SPOOL_LABEL", format!("p{group}-{n}"))];
                home.child("spool", url, &label).spawn().unwrap()
            })
            .collect();
        for child in children {
            let lines = lines_of(child);
            assert_eq!(lines.len(), 1);
            assert_eq!(
                lines[0]["shutdown"], true,
                "everything was kept: {}",
                lines[0]
            );
            assert_eq!(lines[0]["sent"], 0);
            spooled += total(&lines, "spooled");
        }
    }
    assert_eq!(spooled, 1000, "every event spooled");
    assert_eq!(home.batches().len(), 100, "one batch per process");
}

#[test]
fn a_hundred_processes_exit_at_once_and_the_next_run_delivers_every_event_once() {
    let home = Home::new("hundred");
    let collector = down_collector();
    spool_a_hundred_processes(&home, &collector.url());
    assert!(
        collector.requests().is_empty(),
        "nothing reached the network"
    );

    collector.restart();
    let replay = run(home.child(
        "replay",
        &collector.url(),
        &[("MT_SPOOL_EXPECT", "1000".into())],
    ));
    assert_eq!(total(&replay, "replayed"), 1000, "{replay:?}");
    assert_eq!(stored_once(&collector), (100, 1000));
    let operations: std::collections::BTreeSet<String> = collector
        .accepted_events()
        .iter()
        .map(|event| event["operation"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(operations.len(), 1000, "each event once, none missing");
    assert!(
        home.batches().is_empty(),
        "the spool is empty once delivered"
    );
}

/// The same against the real reference collector (`mycelium-collector`, in-memory SQLite): its
/// own counters must agree with the client's, and a batch replayed again (a process that died
/// after sending it, before removing its file) is stored once and counted as a duplicate.
#[test]
fn the_reference_collector_stores_every_spooled_event_once() {
    let home = Home::new("reference");
    let port = reference_collector::free_port();
    spool_a_hundred_processes(&home, &reference_collector::endpoint(port));
    let survivor = home.batches().remove(0);
    let survivor_text = std::fs::read(&survivor).unwrap();

    let collector = ReferenceCollector::start_on(port);
    let replay = run(home.child(
        "replay",
        &collector.url(),
        &[("MT_SPOOL_EXPECT", "1000".into())],
    ));
    assert_eq!(total(&replay, "replayed"), 1000, "{replay:?}");
    assert_eq!(total(&replay, "failed"), 0, "{replay:?}");
    assert!(
        home.batches().is_empty(),
        "the spool is empty once delivered"
    );
    let stored = collector.wait_stored(100, Duration::from_secs(10));
    let operations: std::collections::BTreeSet<&str> = stored
        .iter()
        .flat_map(|batch| batch["events"].as_array().unwrap())
        .map(|event| event["operation"].as_str().unwrap())
        .collect();
    assert_eq!(stored.len(), 100, "one stored batch per process");
    assert_eq!(operations.len(), 1000, "each event once, none missing");
    let counted = |name: &str| collector.metric(&format!("mycelium_collector_{name}_total"));
    assert_eq!(counted("batches_accepted"), 100);
    assert_eq!(counted("events_accepted"), 1000);
    assert_eq!(counted("duplicate_batches"), 0);

    // Put the sent batch back, as a process killed between sending and removing leaves it.
    std::fs::write(&survivor, survivor_text).unwrap();
    let again = run(home.child("replay", &collector.url(), &[]));
    assert_eq!(
        total(&again, "replayed"),
        10,
        "the client sent it again: {again:?}"
    );
    assert!(
        home.batches().is_empty(),
        "an answered duplicate is removed"
    );
    assert_eq!(
        counted("duplicate_batches"),
        1,
        "the collector saw it again"
    );
    assert_eq!(counted("events_accepted"), 1000, "and stored nothing twice");
    assert_eq!(collector.stored().len(), 100);
}

#[test]
fn a_kill_during_spool_writes_leaves_only_whole_batches_and_loses_at_most_one() {
    let home = Home::new("kill");
    let collector = down_collector();
    for delay_ms in [40u64, 75, 110] {
        let before = home.batches().len();
        let mut child = home
            .child(
                "spool",
                &collector.url(),
                &[("MT_SPOOL_ROUNDS", "0".into())],
            )
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        let output = child.wait_with_output().unwrap();
        let finished = json_lines(&String::from_utf8_lossy(&output.stdout)).len();
        let written = home.batches().len() - before;
        // Every round that reported its end left a batch; the one killed may or may not have.
        assert!(
            written == finished || written == finished + 1,
            "{written} batches for {finished} finished rounds"
        );
        for path in home.batches() {
            let body: Value = serde_json::from_slice(&std::fs::read(&path).unwrap())
                .unwrap_or_else(|error| panic!("{} does not parse: {error}", path.display()));
            assert!(body["batch_id"].is_string());
        }
    }
    // The next run sends every whole batch and removes any temporary file left behind.
    let expected = 10 * home.batches().len() as u64;
    collector.restart();
    let replay = run(home.child("replay", &collector.url(), &[]));
    assert_eq!(total(&replay, "replayed"), expected);
    assert_eq!(stored_once(&collector).1 as u64, expected);
    let left: Vec<_> = std::fs::read_dir(home.spool()).unwrap().flatten().collect();
    assert!(
        left.iter().all(|entry| entry.file_name() == ".lock"),
        "{left:?}"
    );
}

#[test]
fn the_spool_stays_within_its_size_bound_dropping_the_oldest() {
    let home = Home::new("size");
    let collector = down_collector();
    let lines = run(home.child(
        "spool",
        &collector.url(),
        &[
            ("MT_SPOOL_ROUNDS", "12".into()),
            ("MT_SPOOL_MAX_BYTES", "6000".into()),
        ],
    ));
    let sizes: u64 = home
        .batches()
        .iter()
        .map(|path| std::fs::metadata(path).unwrap().len())
        .sum();
    assert!(sizes <= 6000, "{sizes} bytes kept");
    let kept = home.batches().len();
    assert!((2..12).contains(&kept), "{kept} batches kept");
    assert_eq!(total(&lines, "spool_dropped"), 10 * (12 - kept as u64));
    // The newest rounds are the ones kept.
    let newest = std::fs::read_to_string(home.batches().last().unwrap()).unwrap();
    assert!(newest.contains("op-11-"), "{newest}");
    let oldest = std::fs::read_to_string(&home.batches()[0]).unwrap();
    assert!(oldest.contains(&format!("op-{}-", 12 - kept)), "{oldest}");
}

#[test]
fn a_batch_past_the_age_bound_is_removed_unsent_and_counted() {
    let home = Home::new("age");
    let collector = down_collector();
    spool_rounds(&home, &collector, 2);
    // Make the first batch eight days old (its name says when it was spooled).
    let old = &home.batches()[0];
    let name = old.file_name().unwrap().to_str().unwrap().to_owned();
    let (micros, rest) = name.split_at(16);
    let aged: u64 = micros.parse::<u64>().unwrap() - 8 * 86_400_000_000;
    std::fs::rename(old, home.spool().join(format!("{aged:016}{rest}"))).unwrap();

    collector.restart();
    let replay = run(home.child(
        "replay",
        &collector.url(),
        &[("MT_SPOOL_MAX_AGE_DAYS", "7".into())],
    ));
    assert_eq!(total(&replay, "replayed"), 10);
    assert_eq!(total(&replay, "spool_dropped"), 10);
    assert!(collector
        .accepted_events()
        .iter()
        .all(|e| e["operation"].as_str().unwrap().starts_with("op-1-")));
    assert!(home.batches().is_empty());
}

#[test]
fn spool_files_are_private_and_hold_only_the_scrubbed_batch() {
    let home = Home::new("private");
    let collector = down_collector();
    let token = "ingest-7Hq.x~s3cret";
    let mut command = home.child(
        "spool",
        &collector.url(),
        &[("MT_SPOOL_TOKEN", token.into())],
    );
    command.env("MT_SPOOL_LABEL", "alice@example.com");
    run(command);
    let spool = home.spool();
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&spool), 0o700);
    assert_eq!(mode(spool.parent().unwrap()), 0o700);
    let files = home.batches();
    assert_eq!(files.len(), 1);
    assert_eq!(mode(&files[0]), 0o600);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains(token), "the token is never in the spool");
    assert!(!text.contains("alice"), "only scrubbed bytes: {text}");
    assert!(text.contains("<user>"), "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    let id = body["batch_id"].as_str().unwrap();
    assert!(files[0]
        .to_str()
        .unwrap()
        .ends_with(&format!("-10-{id}.json")));
}

#[test]
fn a_link_planted_in_the_spool_is_never_followed() {
    let home = Home::new("link");
    let collector = down_collector();
    run(home.child("spool", &collector.url(), &[]));
    let real = home.batches()[0].clone();
    // A copy of a real batch outside the spool, under a new id, and a link to it in the spool
    // named like a batch: the link must not be read, sent or written through.
    let victim = home.0.join("victim.json");
    let text = std::fs::read_to_string(&real).unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    let id = body["batch_id"].as_str().unwrap();
    let planted_id = "ab".repeat(16);
    std::fs::write(&victim, text.replace(id, &planted_id)).unwrap();
    let name = real
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .replace(id, &planted_id);
    std::os::unix::fs::symlink(&victim, home.spool().join(name)).unwrap();

    collector.restart();
    let replay = run(home.child("replay", &collector.url(), &[]));
    assert_eq!(total(&replay, "replayed"), 10);
    let stored = collector.accepted_batch_ids();
    assert_eq!(
        stored.keys().collect::<Vec<_>>(),
        vec![id],
        "the link's batch was not sent"
    );
    assert!(victim.exists(), "the link's target is left alone");
    assert!(home.batches().is_empty(), "the link was removed");
}

#[test]
fn two_processes_replaying_at_once_send_each_batch_once() {
    let home = Home::new("two");
    let collector = down_collector();
    spool_rounds(&home, &collector, 30);
    assert_eq!(home.batches().len(), 30);
    collector.restart();
    let children: Vec<Child> = (0..2)
        .map(|_| home.child("replay", &collector.url(), &[]).spawn().unwrap())
        .collect();
    let lines: Vec<Value> = children.into_iter().flat_map(lines_of).collect();
    assert_eq!(total(&lines, "replayed"), 300, "{lines:?}");
    assert_eq!(stored_once(&collector), (30, 300));
    assert_eq!(collector.requests().len(), 30, "no batch was sent twice");
}

#[test]
fn opting_out_removes_the_spool_and_a_spool_is_not_sent_once_the_choice_is_not_on() {
    let home = Home::new("consent");
    let collector = down_collector();
    let recorded = [("MT_SPOOL_RECORDED", "1".to_owned())];
    let choose = |level: &str| {
        let vars = [("MT_SPOOL_LEVEL", level.to_owned())];
        run(home.child("choose", &collector.url(), &vars));
        // Events tracked in the second a choice of on was made count as before it (the file
        // keeps whole seconds, rounded up) and are never uploaded, so never spooled.
        std::thread::sleep(Duration::from_millis(1100));
    };
    // A client of the recorded choice that runs half a second, sending what it may.
    let replay_briefly = || {
        let vars = [("MT_SPOOL_WAIT_MS", "500".to_owned()), recorded[0].clone()];
        run(home.child("replay", &collector.url(), &vars))
    };
    choose("on");
    run(home.child("spool", &collector.url(), &recorded));
    assert_eq!(home.batches().len(), 1, "spooled under a recorded on");

    // Local: the spool stays, and is not sent.
    choose("local");
    collector.restart();
    let local = replay_briefly();
    assert_eq!(total(&local, "replayed"), 0);
    assert!(collector.requests().is_empty(), "nothing sent under local");
    assert_eq!(home.batches().len(), 1);

    // Off by hand (no command, no deletion step): the client is off and sends nothing.
    let mut file = mycelium_telemetry::consent::ConsentFile::load(&home.consent_file()).unwrap();
    file.set(
        Some(APP),
        mycelium_telemetry::consent::Consent::Off,
        std::time::SystemTime::now(),
    );
    file.save(&home.consent_file()).unwrap();
    let off = replay_briefly();
    assert_eq!(off[0]["enabled"], false);
    assert!(collector.requests().is_empty(), "nothing sent under off");

    // On, then off with the command: the deletion step removes the spool.
    choose("on");
    collector.stop();
    run(home.child("spool", &collector.url(), &recorded));
    assert!(!home.batches().is_empty());
    choose("off");
    assert!(!home.spool().exists(), "opting out removes the spool");
}

#[test]
fn a_spool_that_cannot_be_written_is_counted_and_warned_about_once() {
    let home = Home::new("unwritable");
    let collector = down_collector();
    // A file where the spool's folder should be: every write fails, as on a full disk or a
    // read-only folder (root ignores permission bits, so a mode would not stop the tests).
    let spools = home.spool().parent().unwrap().to_owned();
    std::fs::create_dir_all(spools.parent().unwrap()).unwrap();
    std::fs::write(&spools, b"not a folder").unwrap();
    let output = home
        .child(
            "spool",
            &collector.url(),
            &[("MT_SPOOL_EVENTS", "150".into())],
        )
        .output()
        .unwrap();
    assert!(output.status.success());
    let lines = json_lines(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(lines[0]["shutdown"], false, "nothing could be kept");
    assert_eq!(lines[0]["failed"], 150);
    assert_eq!(lines[0]["spool_dropped"], 150);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings = stderr
        .matches("could not be kept in the telemetry spool")
        .count();
    assert_eq!(warnings, 1, "two batches, one warning:\n{stderr}");
}
