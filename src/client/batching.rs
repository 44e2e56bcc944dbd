//! Taking a batch from the queue: the events popped, scrubbed into the wire form (on the sender
//! thread, or on a closer's that spools what is left), events tracked before the user chose `on`
//! diverted to the local record, and an event lost to a scrubbing bug counted as failed.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::diversion::unix_seconds;
use super::quiet_panic;
use super::sender::SenderState;
use super::shared::{lock, Shared};
use super::spooling::InFlight;
use crate::anonymize::Memo;
use crate::consent::{Decision, Effective};
use crate::event::{BatchWriter, Event};

/// A batch taken from the queue and scrubbed (see [`Shared::take_batch`]).
pub(super) struct TakenBatch {
    batch: BatchWriter,
    pub(super) written: u64,
}

impl TakenBatch {
    pub(super) fn into_flight(self) -> InFlight {
        InFlight {
            batch_id: self.batch.batch_id().map(str::to_owned),
            events: self.written,
            body: Arc::new(self.batch.finish()),
        }
    }
}

impl Shared {
    /// The user's choice now, and the installation id batches to the collector carry under it.
    pub(super) fn current_decision(&self) -> (Decision, Option<String>) {
        let mut watch = lock(&self.consent);
        let decision = watch.current();
        (decision, watch.installation_id().map(str::to_owned))
    }

    /// Takes up to a batch of events from the queue into a batch for the destination of the
    /// current decision, scrubbing them (unless `scrub` is false, past the deadline, when they
    /// are only counted). Events tracked before the user chose `on` go to the local record
    /// instead; events lost to a scrubbing bug are counted as failed.
    pub(super) fn take_batch(
        &self,
        state: &mut SenderState,
        scrub: bool,
        decision: Decision,
        installation_id: Option<&str>,
    ) -> TakenBatch {
        // Events tracked before the user chose `on` are never uploaded: they stay local.
        let upload_since = decision.upload_since.map(unix_seconds);
        // The installation id is sent only to the collector, never kept in the local record.
        let mut batch = match decision.effective {
            Effective::On => BatchWriter::for_installation(installation_id),
            _ => BatchWriter::new(),
        };
        let mut held_back = BatchWriter::new();
        let (mut written, mut lost, mut kept_local) = (0u64, 0u64, 0u64);
        while written + lost < self.batch_size as u64 {
            let Some(event) = self.queue.pop() else {
                break;
            };
            if upload_since.is_some_and(|since| event.timestamp() < since) {
                if self.add_to_batch(&mut held_back, &event, state) {
                    kept_local += 1;
                } else {
                    lost += 1;
                }
                continue;
            }
            if !scrub || self.add_to_batch(&mut batch, &event, state) {
                written += 1;
            } else {
                lost += 1;
            }
        }
        if kept_local > 0 {
            self.keep_locally(held_back.finish(), kept_local);
        }
        if lost > 0 {
            self.counters.failed.fetch_add(lost, Ordering::SeqCst);
        }
        TakenBatch { batch, written }
    }

    /// Scrubs `event` into `batch`. False when scrubbing panicked: the batch is then as it was
    /// before, the memo is started afresh (a panic may have left it half-updated), and the event
    /// is lost, which the caller counts.
    fn add_to_batch(
        &self,
        batch: &mut BatchWriter,
        event: &Event,
        state: &mut SenderState,
    ) -> bool {
        let mark = batch.mark();
        let memo = &mut state.memo;
        let added = quiet_panic::catch(|| {
            if let Some(trigger) = &self.scrub_panic_trigger {
                if event.first_field() == Some(&**trigger) {
                    panic!("injected scrubber panic on {trigger}");
                }
            }
            batch.add(event, &self.anonymizer, memo);
        });
        if added.is_ok() {
            return true;
        }
        batch.rewind(mark);
        state.memo = Memo::default();
        self.report_internal_error(state, "an event was being scrubbed (it was lost)");
        false
    }
}
