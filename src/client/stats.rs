//! What a client counts. `Stats` is also the C struct `mt_stats` (renamed by cbindgen), so its
//! layout is part of the ABI and frozen: counters added later are read one at a time with
//! [`Counter`] (`mt_client_counter` in C), which compiled callers never have to know about.

/// Counters since the client was created. At every moment
/// `enqueued = sent + dropped + failed + (events still queued or being sent)`.
///
/// Frozen: this is also the C struct `mt_stats`, whose size compiled callers rely on. Later
/// counters are read one at a time with `mt_client_counter` (in Rust, `Client::counter`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Events accepted by track calls.
    pub enqueued: u64,
    /// Events the collector accepted.
    pub sent: u64,
    /// Events displaced from a full queue (oldest first).
    pub dropped: u64,
    /// Events given up on: refused by the collector, out of retries, out of shutdown time, or
    /// lost to an internal error while being scrubbed.
    pub failed: u64,
    /// Repeated delivery attempts.
    pub retries: u64,
    /// Batches the collector accepted.
    pub batches_sent: u64,
}

/// cbindgen:rename-all=QualifiedScreamingSnakeCase
/// One counter, for `mt_client_counter`. Numbers are stable and never reused; new counters get
/// new numbers, and a library too old to know one returns `MT_ERR_INVALID_ARGUMENT`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Counter {
    /// `mt_stats.enqueued`.
    Enqueued = 1,
    /// `mt_stats.sent`.
    Sent = 2,
    /// `mt_stats.dropped`.
    Dropped = 3,
    /// `mt_stats.failed`.
    Failed = 4,
    /// `mt_stats.retries`.
    Retries = 5,
    /// `mt_stats.batches_sent`.
    BatchesSent = 6,
    /// Events this client wrote to the offline spool instead of sending them (the collector
    /// unreachable, retries exhausted, the shutdown deadline first, or a zero shutdown timeout).
    /// Not in `mt_stats`: `enqueued = sent + dropped + failed + spooled + pending`.
    Spooled = 7,
    /// Events this client sent from the spool (written there by an earlier run or another
    /// process of the same application) and the collector accepted.
    Replayed = 8,
    /// Events the spool let go of unsent: removed for its size or age bound, in files that did
    /// not parse, refused for good by the collector on replay, or not written at all (a full
    /// disk, a read-only folder; those are counted as failed too).
    SpoolDropped = 9,
}

impl Counter {
    /// Every counter, in number order.
    pub const ALL: [Counter; 9] = [
        Counter::Enqueued,
        Counter::Sent,
        Counter::Dropped,
        Counter::Failed,
        Counter::Retries,
        Counter::BatchesSent,
        Counter::Spooled,
        Counter::Replayed,
        Counter::SpoolDropped,
    ];

    /// The counter with this number, if there is one.
    pub fn from_number(number: i64) -> Option<Counter> {
        Counter::ALL
            .into_iter()
            .find(|counter| *counter as i64 == number)
    }
}

impl Stats {
    /// One counter of the snapshot; `None` for a counter added after `Stats` was frozen (read
    /// those with `Client::counter`).
    pub fn get(&self, counter: Counter) -> Option<u64> {
        Some(match counter {
            Counter::Enqueued => self.enqueued,
            Counter::Sent => self.sent,
            Counter::Dropped => self.dropped,
            Counter::Failed => self.failed,
            Counter::Retries => self.retries,
            Counter::BatchesSent => self.batches_sent,
            Counter::Spooled | Counter::Replayed | Counter::SpoolDropped => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_unknown_ones_are_refused() {
        for (index, counter) in Counter::ALL.into_iter().enumerate() {
            assert_eq!(counter as i64, index as i64 + 1);
            assert_eq!(Counter::from_number(counter as i64), Some(counter));
        }
        assert_eq!(Counter::from_number(0), None);
        assert_eq!(Counter::from_number(10), None);
        assert_eq!(Counter::from_number(-1), None);
    }

    #[test]
    fn the_c_layout_is_six_counters() {
        assert_eq!(std::mem::size_of::<Stats>(), 48);
        assert_eq!(std::mem::align_of::<Stats>(), 8);
    }
}
