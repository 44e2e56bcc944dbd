//! See `mycelium_telemetry_fuzz::collector_ingest`: arbitrary bodies through the collector's
//! ingest parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mycelium_telemetry_fuzz::collector_ingest::check(data);
});
