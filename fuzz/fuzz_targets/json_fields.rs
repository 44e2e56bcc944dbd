//! See `mycelium_telemetry_fuzz::json_fields`: arbitrary text as metadata, tags and context.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    mycelium_telemetry_fuzz::json_fields::check(data);
});
