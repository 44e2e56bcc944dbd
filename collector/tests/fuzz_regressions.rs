//! Every input kept in `fuzz/regressions/collector_ingest/` replayed through the fuzz target's
//! own checks (`fuzz/src/collector_ingest.rs`), on stable Rust.

use std::path::Path;

#[path = "../../fuzz/src/collector_ingest.rs"]
mod collector_ingest;

#[test]
fn collector_ingest_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions/collector_ingest");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("the regressions folder") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| collector_ingest::check(&data));
        assert!(outcome.is_ok(), "{} fails", path.display());
        replayed += 1;
    }
    assert!(replayed >= 5, "only {replayed} inputs");
}
