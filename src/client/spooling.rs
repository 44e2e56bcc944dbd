//! The client's side of the offline spool (`crate::spool`): what the sender writes there when a
//! batch cannot be delivered, what a closer with no time to wait writes there itself, and the
//! replay of spooled batches when the client's own queue is idle.
//!
//! A client spools only with an application name (the spool is per application), to the
//! collector (not in local-only output mode), and while the user's decision is `on`.
//!
//! The batch being sent is shared with a closer: the sender publishes it before a request and
//! takes it back after. `shutdown(0)` takes it instead and spools it with the rest of the queue,
//! on the caller's thread, without touching the network; the sender then finds it gone and
//! leaves it alone. Should the sender's request still succeed, the batch is both delivered and
//! spooled, and its `batch_id` lets the collector store it once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::sender::{Outcome, SenderState};
use super::shared::{lock, Shared};
use super::Blueprint;
use crate::consent::Effective;
use crate::log::LogLevel;
use crate::spool::{Claimed, Spool};

/// A batch on its way to the collector.
pub(super) struct InFlight {
    pub(super) body: Arc<Vec<u8>>,
    pub(super) events: u64,
    pub(super) batch_id: Option<String>,
}

/// What a client keeps for its spool.
pub(super) struct Spooling {
    spool: Option<Spool>,
    /// Held by whoever takes events from the queue to build a batch (the sender, or a closer
    /// spooling what is left), so that a closer never misses a batch half built.
    pub(super) batch_lock: Mutex<()>,
    in_flight: Mutex<Option<InFlight>>,
    /// Whether a failure to write the spool was warned about: once per client.
    warned: AtomicBool,
}

impl Spooling {
    pub(super) fn new(blueprint: &Blueprint) -> Self {
        let config = &blueprint.config;
        let spool = match (config.app_name(), &blueprint.state_folder) {
            // The local output file replaces the network: nothing is undelivered.
            (Some(app), Some(state)) if config.output_file().is_none() => Spool::new(
                crate::spool::folder(state, app),
                config.endpoint(),
                config.spool_max_bytes(),
                config.spool_max_age_days(),
            ),
            _ => None,
        };
        Spooling {
            spool,
            batch_lock: Mutex::new(()),
            in_flight: Mutex::new(None),
            warned: AtomicBool::new(false),
        }
    }

    pub(super) fn active(&self) -> bool {
        self.spool.is_some()
    }

    pub(super) fn publish(&self, flight: InFlight) {
        *lock(&self.in_flight) = Some(flight);
    }

    /// The published batch, unless a closer took it.
    pub(super) fn take(&self) -> Option<InFlight> {
        lock(&self.in_flight).take()
    }
}

impl Shared {
    /// Writes an undeliverable batch to the spool; true when it is kept there. Its events are
    /// counted as spooled, or as failed (and dropped by the spool) when it cannot be written.
    pub(super) fn spool_batch(&self, flight: &InFlight) -> bool {
        let written = match (&self.spooling.spool, &flight.batch_id) {
            (Some(spool), Some(id)) => spool.write(&flight.body, flight.events, id),
            _ => {
                self.counters
                    .failed
                    .fetch_add(flight.events, Ordering::SeqCst);
                return false;
            }
        };
        match written {
            Ok(written) => {
                self.counters
                    .spooled
                    .fetch_add(flight.events, Ordering::SeqCst);
                self.count_spool_dropped(written.evicted_events);
                true
            }
            Err(error) => {
                self.counters
                    .failed
                    .fetch_add(flight.events, Ordering::SeqCst);
                self.count_spool_dropped(flight.events);
                if !self.spooling.warned.swap(true, Ordering::SeqCst) {
                    let reason = crate::private_file::refusal_of(&error)
                        .map_or_else(|| error.to_string(), |refusal| refusal.to_string());
                    self.log(
                        LogLevel::Warn,
                        &format!("an undelivered batch could not be kept in the telemetry spool ({reason}); it was discarded"),
                    );
                }
                false
            }
        }
    }

    fn count_spool_dropped(&self, events: u64) {
        if events > 0 {
            self.counters
                .spool_dropped
                .fetch_add(events, Ordering::SeqCst);
        }
    }

    /// Whether an undelivered batch may be spooled now: a spool, and the user's choice on.
    pub(super) fn may_spool(&self) -> bool {
        self.spooling.active() && lock(&self.consent).current().effective == Effective::On
    }

    /// For a closer that cannot wait (`shutdown(0)`, or a deadline that passed): spools the
    /// batch being sent and everything still queued, on the caller's thread, without touching
    /// the network. True when everything was kept.
    pub(super) fn spool_everything_now(&self) -> bool {
        if !self.may_spool() {
            return false;
        }
        let _building = lock(&self.spooling.batch_lock);
        let mut kept = true;
        if let Some(flight) = self.spooling.take() {
            kept &= self.spool_batch(&flight);
        }
        let mut state = SenderState::new();
        let (decision, installation_id) = self.current_decision();
        loop {
            let taken = self.take_batch(&mut state, true, decision, installation_id.as_deref());
            if taken.written == 0 {
                break;
            }
            kept &= self.spool_batch(&taken.into_flight());
        }
        self.signal_progress();
        kept
    }

    /// At the sender's start: removes leftovers and what is past the bounds, with one warning.
    pub(super) fn clean_spool(&self) {
        let Some(spool) = &self.spooling.spool else {
            return;
        };
        // A client closed before its sender even started (a quick `shutdown(0)`) leaves the
        // cleaning to the next run rather than racing the process's exit.
        if self.closing_deadline().is_some()
            || lock(&self.consent).current().effective != Effective::On
        {
            return;
        }
        let Ok(cleaned) = spool.clean() else {
            return;
        };
        self.count_spool_dropped(cleaned.dropped_events);
        let removed = cleaned.leftovers + cleaned.unreadable;
        if removed > 0 {
            self.log(
                LogLevel::Warn,
                &format!("removed {removed} leftover or unreadable files from the telemetry spool"),
            );
        }
    }

    /// With the queue idle: sends the oldest spooled batch if one is due. Returns when the
    /// sender should look again, `None` when there is no spool to look at.
    pub(super) fn replay_when_idle(&self, state: &mut SenderState) -> Option<Instant> {
        let spool = self.spooling.spool.as_ref()?;
        let now = Instant::now();
        if !state.pacer.due(now) {
            return Some(state.pacer.next());
        }
        let decision = lock(&self.consent).current();
        if decision.effective != Effective::On {
            // Not sent under off or local; an opt-out removes the spool itself.
            state.pacer.empty(now);
            return Some(state.pacer.next());
        }
        let since = decision.upload_since.map(|at| {
            at.duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_micros() as u64)
        });
        let claim = spool.claim_oldest(since);
        self.count_spool_dropped(claim.dropped_events);
        match claim.batch {
            None => state.pacer.empty(now),
            Some(batch) => self.replay(batch, state),
        }
        Some(state.pacer.next())
    }

    fn replay(&self, batch: Claimed, state: &mut SenderState) {
        match self.deliver_guarded(&batch.body, state) {
            Outcome::Accepted => {
                self.counters
                    .replayed
                    .fetch_add(batch.events, Ordering::SeqCst);
                batch.remove();
                state.pacer.sent(Instant::now());
            }
            Outcome::Refused => {
                // Another 4xx: it would be refused again. The warning was logged by deliver.
                self.count_spool_dropped(batch.events);
                batch.remove();
                state.pacer.sent(Instant::now());
            }
            Outcome::Undelivered => {
                batch.release();
                let failures = state.pacer.failures() + 1;
                let delay = self.retry.delay(failures, &mut state.jitter);
                state
                    .pacer
                    .failed(Instant::now(), delay.max(Duration::from_millis(100)));
            }
        }
    }
}
