//! Every input kept in `fuzz/regressions/<target>/` replayed through that fuzz target's own
//! checks, on stable Rust, so that `cargo test` guards them without nightly or libFuzzer.
//! The checks are the fuzz crate's source files, included as they are.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

#[path = "../fuzz/src/anonymizer.rs"]
mod anonymizer;
#[path = "../fuzz/src/c_track.rs"]
mod c_track;
#[path = "../fuzz/src/json_fields.rs"]
mod json_fields;
#[path = "../fuzz/src/wire.rs"]
mod wire;

const TARGETS: [&str; 3] = ["anonymizer", "c_track", "json_fields"];
/// Targets of the collector's ingest parser: replayed by collector/tests/fuzz_regressions.rs
/// (the library's tests cannot depend on the collector, which depends on the library).
const COLLECTOR_TARGETS: [&str; 1] = ["collector_ingest"];

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions")
}

fn kept_inputs(target: &str) -> Vec<PathBuf> {
    let dir = regressions_dir().join(target);
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .filter(|path| path.is_file())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} holds no input", dir.display());
    inputs
}

/// Runs every kept input of `target`, and names all that fail, not just the first. Returns what
/// `check` returned for each input that passed.
fn replay<T>(target: &str, check: impl Fn(&[u8]) -> T) -> Vec<T> {
    let mut passed = Vec::new();
    let mut failed = Vec::new();
    for path in kept_inputs(target) {
        let data = fs::read(&path).expect("a readable input");
        match catch_unwind(AssertUnwindSafe(|| check(&data))) {
            Ok(outcome) => passed.push(outcome),
            Err(_) => failed.push(path.display().to_string()),
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: these kept inputs fail (panic messages above):\n{}",
        failed.join("\n")
    );
    passed
}

#[test]
fn every_regression_folder_is_a_fuzz_target() {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for entry in fs::read_dir(regressions_dir()).expect("fuzz/regressions exists") {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // A folder no test below replays would be a regression guard in name only.
        assert!(
            TARGETS.contains(&name.as_str()) || COLLECTOR_TARGETS.contains(&name.as_str()),
            "unknown target folder {name}"
        );
    }
    for target in TARGETS.iter().chain(&COLLECTOR_TARGETS) {
        let source = fuzz_dir.join(format!("fuzz_targets/{target}.rs"));
        assert!(source.is_file(), "{} is missing", source.display());
    }
}

#[test]
fn anonymizer_regressions() {
    replay("anonymizer", anonymizer::check);
}

#[test]
fn json_fields_regressions() {
    let verified = replay("json_fields", json_fields::check);
    // The kept inputs include accepted objects, so written events really were compared.
    eprintln!("VERIFIED {verified:?}");
    assert!(verified.iter().sum::<usize>() > 0, "{verified:?}");
}

#[test]
fn c_track_regressions() {
    let verified = replay("c_track", c_track::check);
    eprintln!("VERIFIED {verified:?}");
    assert!(verified.iter().sum::<usize>() > 0, "{verified:?}");
}
