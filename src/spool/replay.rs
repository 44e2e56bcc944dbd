//! The pace of replay: spooled batches go out one at a time, at most
//! [`REPLAY_BATCHES_PER_SECOND`], only while the client's own queue is idle, and after a failure
//! not before the retry policy's delay. An empty spool is looked at again every
//! [`RECHECK_EMPTY`], so a long-running client also sends what it spooled while its collector
//! was down.

use std::time::{Duration, Instant};

/// The most spooled batches a client sends per second (documented in
/// docs/telemetry-configuration.md).
pub const REPLAY_BATCHES_PER_SECOND: u32 = 20;

/// How long an empty spool is left alone before it is looked at again.
const RECHECK_EMPTY: Duration = Duration::from_secs(30);

/// When the next spooled batch may go.
#[derive(Debug)]
pub(crate) struct Pacer {
    next: Instant,
    failures: u32,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer {
            next: Instant::now(),
            failures: 0,
        }
    }
}

impl Pacer {
    /// Whether a batch may be sent now.
    pub(crate) fn due(&self, now: Instant) -> bool {
        now >= self.next
    }

    /// When the sender should wake up to send the next one.
    pub(crate) fn next(&self) -> Instant {
        self.next
    }

    /// Failures in a row, for the retry policy's delay.
    pub(crate) fn failures(&self) -> u32 {
        self.failures
    }

    /// A batch left the spool (sent, or refused for good).
    pub(crate) fn sent(&mut self, now: Instant) {
        self.failures = 0;
        self.next = now + Duration::from_secs(1) / REPLAY_BATCHES_PER_SECOND;
    }

    /// A batch could not be delivered: wait `delay` before the next try.
    pub(crate) fn failed(&mut self, now: Instant, delay: Duration) {
        self.failures = self.failures.saturating_add(1);
        self.next = now + delay;
    }

    /// Nothing to send.
    pub(crate) fn empty(&mut self, now: Instant) {
        self.next = now + RECHECK_EMPTY;
    }

    /// This client just spooled a batch: its collector is down, so the next look waits as a
    /// retry would.
    pub(crate) fn spooled(&mut self, now: Instant, delay: Duration) {
        self.next = self.next.max(now + delay);
    }
}
