//! The files the library writes cannot be redirected by whoever prepared their path: a symbolic
//! link planted where `TELEMETRY_OUTPUT` points is refused (one warning, the output stays off,
//! the link's target untouched), and so is a salt file that is a link.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mycelium_telemetry::{Client, Config, LogLevel};

fn temp_folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("mt-files-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&folder);
    fs::create_dir_all(&folder).unwrap();
    folder
}

fn warnings_of(config: &mut Config) -> Arc<Mutex<Vec<String>>> {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = warnings.clone();
    config.set_logger(move |level, message| {
        if level == LogLevel::Warn {
            sink.lock().unwrap().push(message.to_owned());
        }
    });
    warnings
}

fn output_to(path: &PathBuf) -> (Config, Arc<Mutex<Vec<String>>>) {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_salt("s").unwrap();
    config.set_output_file(path).unwrap();
    let warnings = warnings_of(&mut config);
    (config, warnings)
}

fn track_three_batches(client: &Client) {
    for round in 0..3 {
        client
            .track_agent_usage("a", &format!("op-{round}"), None)
            .unwrap();
        // Each flush ends one batch, so the refusal is met three times.
        let _ = client.flush(Duration::from_secs(5));
    }
}

#[test]
fn an_output_file_that_is_a_link_is_refused_once_and_its_target_untouched() {
    let folder = temp_folder("output-link");
    let victim = folder.join("victim.txt");
    fs::write(&victim, b"precious\n").unwrap();
    let planted = folder.join("telemetry.jsonl");
    symlink(&victim, &planted).unwrap();

    let (config, warnings) = output_to(&planted);
    let client = Client::new(&config);
    track_three_batches(&client);

    assert_eq!(fs::read(&victim).unwrap(), b"precious\n");
    let warnings = warnings.lock().unwrap();
    assert_eq!(
        warnings.len(),
        1,
        "one warning, not one per batch: {warnings:?}"
    );
    assert!(warnings[0].contains("symbolic link"), "{}", warnings[0]);
    assert!(
        !warnings[0].contains(folder.to_str().unwrap()),
        "the path is not repeated"
    );
    let stats = client.stats();
    assert_eq!((stats.sent, stats.failed, stats.retries), (0, 3, 0));
    fs::remove_dir_all(folder).unwrap();
}

#[test]
fn a_dangling_link_does_not_create_its_target() {
    let folder = temp_folder("output-dangling");
    let target = folder.join("created-by-link");
    let planted = folder.join("telemetry.jsonl");
    symlink(&target, &planted).unwrap();

    let (config, _warnings) = output_to(&planted);
    let client = Client::new(&config);
    track_three_batches(&client);
    assert!(!target.exists());
    fs::remove_dir_all(folder).unwrap();
}

#[test]
fn a_plain_output_file_still_works_beside_the_checks() {
    let folder = temp_folder("output-plain");
    let path = folder.join("telemetry.jsonl");
    let (config, warnings) = output_to(&path);
    let client = Client::new(&config);
    track_three_batches(&client);
    assert_eq!(fs::read_to_string(&path).unwrap().lines().count(), 3);
    assert!(warnings.lock().unwrap().is_empty());
    fs::remove_dir_all(folder).unwrap();
}
