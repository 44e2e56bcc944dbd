//! See `mycelium_telemetry_fuzz::c_track`: arbitrary bytes through the exported C functions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mycelium_telemetry_fuzz::c_track::check(data);
});
