//! Off unless opted in, and then it costs nothing: no thread, no file, no socket.
//!
//! One test function in its own binary, because it changes the process environment and counts
//! the process's threads, which other tests running alongside would disturb.

#[path = "../examples/support/collector.rs"]
mod collector;

use std::path::Path;
use std::time::Duration;

use mycelium_telemetry::{Client, Config};

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count()
}

fn track_everything(client: &Client) {
    client
        .track_agent_usage("alice@example.com", "op", Some(r#"{"duration_ms":1}"#))
        .unwrap();
    client.track_performance("m", 1.0, None, None).unwrap();
    client.track_error("E", "m", Some("trace"), None).unwrap();
    client.track_system_info().unwrap();
    client.flush(Duration::from_secs(1)).unwrap();
}

#[test]
fn nothing_happens_unless_opted_in_and_do_not_track_always_wins() {
    let collector = collector::Collector::start();
    let home = std::env::temp_dir().join(format!("mt-disabled-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    for name in [
        "TELEMETRY_ENABLED",
        "DO_NOT_TRACK",
        "TELEMETRY_SALT",
        "TELEMETRY_SALT_FILE",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("HOME", &home);
    std::env::set_var("XDG_CONFIG_HOME", home.join("xdg"));
    // Everything else points at a live collector, so a leak would be seen.
    std::env::set_var("TELEMETRY_ENDPOINT", collector.url());
    std::env::set_var("TELEMETRY_FLUSH_INTERVAL_MS", "10");

    let threads_before = thread_count();
    let sockets_before = open_sockets();
    let cases: [(&str, Option<&str>, Option<&str>); 5] = [
        ("nothing set", None, None),
        ("TELEMETRY_ENABLED=false", Some("false"), None),
        ("TELEMETRY_ENABLED=maybe", Some("maybe"), None),
        ("DO_NOT_TRACK=1 wins", Some("true"), Some("1")),
        ("DO_NOT_TRACK=true wins", Some("1"), Some("true")),
    ];
    for (case, enabled, do_not_track) in cases {
        match enabled {
            Some(value) => std::env::set_var("TELEMETRY_ENABLED", value),
            None => std::env::remove_var("TELEMETRY_ENABLED"),
        }
        match do_not_track {
            Some(value) => std::env::set_var("DO_NOT_TRACK", value),
            None => std::env::remove_var("DO_NOT_TRACK"),
        }
        let client = Client::from_env();
        assert!(!client.is_enabled(), "{case}");
        track_everything(&client);
        assert_eq!(thread_count(), threads_before, "{case}: no thread started");
        assert_eq!(open_sockets(), sockets_before, "{case}: no socket opened");
        assert_eq!(client.stats().enqueued, 0, "{case}");
        drop(client);
    }
    std::thread::sleep(Duration::from_millis(100));
    assert!(collector.requests().is_empty(), "nothing was sent");
    assert!(
        !Path::new(&home).join("xdg").exists() && !home.join(".config").exists(),
        "no salt file was read or created"
    );

    // The same environment, opted in: exactly one sender thread, the salt file, and delivery.
    std::env::set_var("TELEMETRY_ENABLED", "yes");
    std::env::remove_var("DO_NOT_TRACK");
    let client = Client::new(&Config::from_env());
    assert!(client.is_enabled());
    assert_eq!(thread_count(), threads_before + 1, "one sender thread");
    track_everything(&client);
    assert!(home.join("xdg/mycelium/telemetry_salt").exists());
    assert_eq!(collector.events().len(), 4);
    client.shutdown(Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(thread_count(), threads_before, "the sender thread ended");
    std::fs::remove_dir_all(home).unwrap();
}
