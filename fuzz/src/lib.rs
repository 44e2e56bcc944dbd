//! The checks behind each fuzz target. They live here, not in `fuzz_targets/`, so that
//! `tests/fuzz_regressions.rs` can replay every kept input through the very same checks on
//! stable Rust, without libFuzzer.

pub mod anonymizer;
pub mod c_track;
pub mod collector_ingest;
pub mod json_fields;
pub mod wire;
