//! The offline spool: batches that could not be delivered (the collector unreachable, retries
//! exhausted on a retryable answer, the shutdown deadline first, or `shutdown(0)`), kept on disk
//! for the next client of the same application to send.
//!
//! One folder per application, `$XDG_STATE_HOME/mycelium/telemetry/spool/<app>/` (mode 0700),
//! one file per batch (mode 0600) holding exactly the bytes that would have been sent: already
//! scrubbed, with their `batch_id`. A file is written under a temporary name, then renamed, so
//! a partial file is never visible under a final name (`store.rs`). A sender claims a file with
//! an exclusive `flock`, which the kernel releases if the process dies, so two processes never
//! send the same file at once (`claim.rs`). Bounded in bytes and age, oldest removed first, both
//! when writing and when a client starts. This module knows files, never the network: the
//! client's sender decides what to spool and replays what it claims (`replay.rs` paces it).
//!
//! File names: `<unix µs, 16 digits>-<endpoint tag>-<events>-<batch_id>.json`. The endpoint tag
//! (8 hex digits of the endpoint's SHA-256) keeps a batch for the collector it was made for: a
//! later run pointed elsewhere leaves it (and it ages out). The event count lets counters count
//! events without reading the file.

use std::path::{Path, PathBuf};
use std::time::Duration;

mod claim;
mod name;
mod replay;
mod store;

pub(crate) use claim::Claimed;
pub(crate) use replay::Pacer;
pub use replay::REPLAY_BATCHES_PER_SECOND;

/// The default bound on a spool's bytes, per application (`TELEMETRY_SPOOL_MAX_BYTES`).
pub const DEFAULT_MAX_BYTES: u32 = 5 * 1024 * 1024;
/// The default bound on a spooled batch's age, in days (`TELEMETRY_SPOOL_MAX_AGE_DAYS`).
pub const DEFAULT_MAX_AGE_DAYS: u32 = 7;

/// `state_folder/spool/<app>`: where `app`'s spool is kept.
pub fn folder(state_folder: &Path, app: &str) -> PathBuf {
    state_folder.join("spool").join(app)
}

/// The spool of one application, for batches to one endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Spool {
    folder: PathBuf,
    max_bytes: u64,
    max_age: Duration,
    tag: String,
}

impl Spool {
    /// The spool in `folder` for batches to `endpoint`; `None` when a bound is 0 (spool off).
    pub(crate) fn new(
        folder: PathBuf,
        endpoint: &str,
        max_bytes: u32,
        max_age_days: u32,
    ) -> Option<Spool> {
        if max_bytes == 0 || max_age_days == 0 {
            return None;
        }
        Some(Spool {
            folder,
            max_bytes: u64::from(max_bytes),
            max_age: Duration::from_secs(u64::from(max_age_days) * 86_400),
            tag: name::endpoint_tag(endpoint),
        })
    }
}

/// What a cleaning pass removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cleaned {
    /// Temporary files of writers that died, and entries that are not spool files (links
    /// among them).
    pub(crate) leftovers: u64,
    /// Spool files whose content did not parse as a batch.
    pub(crate) unreadable: u64,
    /// Events in files removed for the bounds or because they did not parse.
    pub(crate) dropped_events: u64,
}

/// Removes `app`'s spool (the consent issue's deletion step on opt-out). What cannot be removed
/// is left; nothing is followed through a link.
pub fn remove(state_folder: &Path, app: &str) {
    let _ = std::fs::remove_dir_all(folder(state_folder, app));
}

/// The applications that have a spool folder under `state_folder`.
pub fn applications(state_folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(state_folder.join("spool")) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect()
}
