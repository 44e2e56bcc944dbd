//! Events as the caller hands them over, and their anonymized wire form.
//!
//! A caller's thread only builds an [`Event`] (copies its strings, stamps the time); turning it
//! into JSON, which scrubs and hashes, happens later on the sender thread. The wire format is the
//! Python module's, documented in `docs/protocol.md` with a JSON Schema in `docs/`.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

mod json_check;
mod object_writer;
mod packed;
mod standalone;
mod system;
mod wire;

pub(crate) use json_check::check_json_object;
pub use json_check::MAX_JSON_DEPTH;
pub(crate) use packed::Event;
pub use standalone::{anonymize_event, AnonymizeEventError};
pub(crate) use system::host_runtime;
pub use system::{set_host_runtime, MAX_RUNTIME_LEN};
pub(crate) use wire::BatchWriter;

/// The `version` field of every batch.
pub const PROTOCOL_VERSION: &str = "1.0";

/// Why a track call was refused. Nothing is queued when one of these is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackError {
    /// Metadata, tags or context is not a JSON object.
    InvalidJson,
    /// A value JSON cannot carry, such as a NaN or infinite metric value.
    InvalidArgument,
    /// The client was shut down.
    ShutDown,
}

impl fmt::Display for TrackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrackError::InvalidJson => "metadata, tags and context must be a JSON object",
            TrackError::InvalidArgument => "value must be a finite number",
            TrackError::ShutDown => "the client was shut down",
        })
    }
}

impl std::error::Error for TrackError {}

/// Seconds since the Unix epoch, with sub-second precision, as the Python module's `time.time()`.
pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

#[cfg(test)]
mod tests;
