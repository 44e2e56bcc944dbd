//! Where batches go instead of the collector when the user's choice says so: nowhere (off:
//! everything queued is discarded), or the local record (local mode, and events tracked before
//! the user chose `on`).

use std::sync::atomic::Ordering;

use super::shared::Shared;
use crate::consent::records;
use crate::log::LogLevel;

impl Shared {
    /// The user turned telemetry off: everything queued is discarded (counted as dropped) and
    /// track calls queue nothing more. Returns how many were discarded.
    pub(super) fn discard_everything(&self) -> u64 {
        self.revoked.store(true, Ordering::SeqCst);
        let mut discarded = 0u64;
        while self.queue.pop().is_some() {
            discarded += 1;
        }
        if discarded > 0 {
            self.counters.dropped.fetch_add(discarded, Ordering::SeqCst);
        }
        self.signal_progress();
        discarded
    }

    /// Events tracked before the user chose `on`: to the local record, never to the collector.
    /// Without a local record they are dropped.
    pub(super) fn keep_locally(&self, body: Vec<u8>, count: u64) {
        let kept = self
            .local_record
            .as_deref()
            .is_some_and(|path| self.append_record(path, &body));
        let counter = if kept {
            &self.counters.sent
        } else {
            &self.counters.dropped
        };
        counter.fetch_add(count, Ordering::SeqCst);
    }

    /// Appends a batch to a bounded record file; false (with a warning) when it cannot be kept.
    pub(super) fn append_record(&self, path: &std::path::Path, body: &[u8]) -> bool {
        match records::append_bounded(path, body, records::MAX_RECORD_BYTES) {
            Ok(()) => true,
            Err(error) => {
                let reason = crate::private_file::refusal_of(&error)
                    .map_or_else(|| error.kind().to_string(), |refusal| refusal.to_string());
                self.log(
                    LogLevel::Warn,
                    &format!("a batch could not be written to the telemetry record ({reason})"),
                );
                false
            }
        }
    }
}

/// Where a batch goes under the user's current choice.
pub(super) enum Destination<'a> {
    Collector,
    LocalRecord(&'a std::path::Path),
}

/// `time` as the events' timestamps are: seconds since the Unix epoch.
pub(super) fn unix_seconds(time: std::time::SystemTime) -> f64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}
