//! See `mycelium_telemetry_fuzz::anonymizer`: the scrubber never lets a planted secret through.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mycelium_telemetry_fuzz::anonymizer::check(data);
});
