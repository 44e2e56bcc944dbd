//! The short-lived processes of the spool tests: this test binary run again with
//! `MT_SPOOL_CHILD` naming what to do, in an environment (XDG_STATE_HOME, the consent file)
//! the parent prepared. Each prints one JSON line with what it saw.

use std::io::Write;
use std::time::{Duration, Instant};

use mycelium_telemetry::consent::Consent;
use mycelium_telemetry::opt_out::set_choice;
use mycelium_telemetry::{Client, Config, Counter};
use serde_json::json;

pub const CHILD: &str = "MT_SPOOL_CHILD";
/// Marks a child's JSON line: the test harness may print on the same line before it.
pub const MARK: &str = "MTJSON ";

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn number(name: &str, default: u64) -> u64 {
    var(name).map_or(default, |value| value.parse().expect(name))
}

/// The client every child uses: its application, its endpoint, salt "s", and whatever the
/// parent set. Enabled by its host unless `MT_SPOOL_RECORDED` says the recorded choice decides.
fn client() -> Client {
    let mut config = Config::new();
    config.set_enabled(var("MT_SPOOL_RECORDED").is_none());
    config.set_app_name(&var("MT_SPOOL_APP").unwrap()).unwrap();
    config
        .set_endpoint(&var("MT_SPOOL_ENDPOINT").unwrap())
        .unwrap();
    config.set_salt("s").unwrap();
    config.set_retry_attempts(0).unwrap();
    config.set_retry_initial_delay(Duration::from_millis(50));
    if let Some(bytes) = var("MT_SPOOL_MAX_BYTES") {
        config.set_spool_max_bytes(bytes.parse().unwrap()).unwrap();
    }
    if let Some(days) = var("MT_SPOOL_MAX_AGE_DAYS") {
        config
            .set_spool_max_age_days(days.parse().unwrap())
            .unwrap();
    }
    if let Some(token) = var("MT_SPOOL_TOKEN") {
        config.set_token(Some(&token)).unwrap();
    }
    config.set_logger(|_, message| eprintln!("[child] {message}"));
    Client::new(&config)
}

fn counters(client: &Client) -> serde_json::Value {
    json!({
        "enqueued": client.counter(Counter::Enqueued),
        "sent": client.counter(Counter::Sent),
        "failed": client.counter(Counter::Failed),
        "spooled": client.counter(Counter::Spooled),
        "replayed": client.counter(Counter::Replayed),
        "spool_dropped": client.counter(Counter::SpoolDropped),
    })
}

fn say(line: serde_json::Value) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{MARK}{line}").unwrap();
    out.flush().unwrap();
}

/// Runs what `MT_SPOOL_CHILD` names.
pub fn run(what: &str) {
    match what {
        // Track `MT_SPOOL_EVENTS` events, `MT_SPOOL_ROUNDS` times (a client per round), each
        // round ending with shutdown(0); rounds are printed as they end. 0 rounds: forever.
        "spool" => {
            let events = number("MT_SPOOL_EVENTS", 10);
            let rounds = number("MT_SPOOL_ROUNDS", 1);
            let label = var("MT_SPOOL_LABEL").unwrap_or_else(|| "op".into());
            let mut round = 0;
            while rounds == 0 || round < rounds {
                let client = client();
                for index in 0..events {
                    let operation = format!("{label}-{round}-{index}");
                    client.track_agent_usage("agent", &operation, None).unwrap();
                }
                let started = Instant::now();
                let done = client.shutdown(Duration::ZERO);
                let took = started.elapsed();
                let mut line = counters(&client);
                line["round"] = json!(round);
                line["shutdown"] = json!(done);
                line["shutdown_us"] = json!(took.as_micros() as u64);
                say(line);
                round += 1;
            }
        }
        // Keep a client running until it replayed `MT_SPOOL_EXPECT` events or the spool folder
        // holds no batch, at most `MT_SPOOL_WAIT_MS`.
        "replay" => {
            let expect = number("MT_SPOOL_EXPECT", u64::MAX);
            let deadline =
                Instant::now() + Duration::from_millis(number("MT_SPOOL_WAIT_MS", 20_000));
            let folder = var("MT_SPOOL_FOLDER");
            let client = client();
            // Give the sender a moment to start and claim its first batch.
            std::thread::sleep(Duration::from_millis(100));
            while Instant::now() < deadline {
                if client.counter(Counter::Replayed) >= expect {
                    break;
                }
                let empty = folder
                    .as_ref()
                    .is_some_and(|folder| batches_in(folder) == 0);
                if expect == u64::MAX && empty {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            // A batch claimed when the folder emptied is being sent: let it finish.
            client.flush(Duration::from_secs(2)).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            say(json!({"enabled": client.is_enabled(), "counters": counters(&client)}));
            client.shutdown(Duration::from_secs(2));
        }
        "choose" => {
            let app = var("MT_SPOOL_APP").unwrap();
            let level = Consent::from_word(&var("MT_SPOOL_LEVEL").unwrap()).unwrap();
            set_choice(Some(&app), level).unwrap();
            say(json!({"chose": level.word()}));
        }
        other => panic!("unknown child {other}"),
    }
}

/// Final spool files (not temporary ones, not the lock) in `folder`.
pub fn batches_in(folder: &str) -> usize {
    std::fs::read_dir(folder).map_or(0, |entries| {
        entries
            .flatten()
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".json"))
            .count()
    })
}
