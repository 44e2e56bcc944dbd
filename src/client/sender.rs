//! The sender thread: sleeps until there is work or a deadline (no polling), builds and sends
//! batches, retries with the retry policy, and on shutdown sends what is left in time.
//!
//! A panic while an event is scrubbed (a bug) loses that event only: it is counted as failed,
//! so `enqueued = sent + dropped + failed + pending` still holds, one warning is logged (without
//! the panic's text, which may quote unscrubbed data), and the sender goes on with the next.

use std::sync::atomic::{fence, Ordering};
use std::time::{Duration, Instant};

use super::diversion::Destination;
use super::protocol::partly_rejected_warning;
use super::quiet_panic;
use super::retry::Jitter;
use super::shared::{
    lock, Counters, Shared, SENDER_IDLE, SENDER_RUNNING, SENDER_WAITING_FOR_BATCH,
};
use crate::anonymize::Memo;
use crate::consent::Effective;
use crate::log::LogLevel;
use crate::transport::Delivery;

/// The queue-full warning is repeated at most this often while events keep being dropped.
const DROP_WARNING_INTERVAL: Duration = Duration::from_secs(60);

/// State the sender thread keeps between batches (a closer spooling the queue makes its own).
pub(super) struct SenderState {
    pub(super) jitter: Jitter,
    pub(super) memo: Memo,
    failures_in_a_row: u32,
    drop_warning: DropWarning,
    /// Whether an internal error has been reported: once per client is enough to show the bug.
    reported_internal_error: bool,
    /// Records of the last delivered batch that an OTLP `partialSuccess` rejected.
    rejected: u64,
    /// When the next spooled batch may be replayed.
    pub(super) pacer: crate::spool::Pacer,
}

impl SenderState {
    pub(super) fn new() -> Self {
        SenderState {
            jitter: Jitter::new(),
            memo: Memo::default(),
            failures_in_a_row: 0,
            drop_warning: DropWarning::default(),
            reported_internal_error: false,
            rejected: 0,
            pacer: crate::spool::Pacer::default(),
        }
    }
}

/// What delivering one batch came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Accepted,
    /// Out of retries on retryable answers, or out of time: worth keeping in the spool.
    Undelivered,
    /// The collector will never take it (another 4xx, 3xx), or a bug stopped it.
    Refused,
}

impl Shared {
    pub(super) fn run(&self) {
        // Marks the sender finished however the loop ends, a panic that escaped every catch
        // included, so that close never waits for a thread that is gone.
        let _finished = FinishedOnExit(self);
        let mut state = SenderState::new();
        // An opt-out whose deletion request was not delivered yet is retried first, off the
        // caller's thread (a file that does not exist or lists none costs one failed open).
        let consent_file = lock(&self.consent).consent_file();
        if let Some(path) = consent_file {
            let warn = |message: &str| self.log(LogLevel::Warn, message);
            let _ = quiet_panic::catch(|| {
                crate::opt_out::deliver_pending_deletions_in(
                    &path,
                    &self.deletion_credentials,
                    &warn,
                )
            });
        }
        let _ = quiet_panic::catch(|| self.clean_spool());
        // When the sender first saw the oldest event of the current partial batch.
        let mut batch_started: Option<Instant> = None;
        loop {
            let warn = |message: &str| self.log(LogLevel::Warn, message);
            state.drop_warning.check(&self.counters, warn);
            let closing = self.closing_deadline();
            let pending = self.queue.len();
            if pending == 0 {
                batch_started = None;
                if closing.is_some() {
                    break;
                }
                // An idle queue is when spooled batches of earlier runs go, paced.
                let look_again = quiet_panic::catch(|| self.replay_when_idle(&mut state));
                self.sleep(SENDER_IDLE, look_again.ok().flatten());
                continue;
            }
            let started = *batch_started.get_or_insert_with(Instant::now);
            let due = pending >= self.batch_size
                || closing.is_some()
                || self.flush_requested()
                || started.elapsed() >= self.flush_interval;
            if !due {
                let until = started + self.flush_interval;
                self.sleep(SENDER_WAITING_FOR_BATCH, Some(until));
                continue;
            }
            if self.send_one_batch(&mut state) {
                state.failures_in_a_row = 0;
            } else {
                // A collector that refuses every batch (or keeps failing) must not be sent the
                // next one at once: wait as before a retry, longer while failures continue.
                state.failures_in_a_row = state.failures_in_a_row.saturating_add(1);
                let delay = self.retry.delay(state.failures_in_a_row, &mut state.jitter);
                self.pause(delay);
            }
        }
    }

    pub(super) fn closing_deadline(&self) -> Option<Instant> {
        lock(&self.wake).closing_deadline
    }

    fn flush_requested(&self) -> bool {
        self.flush_target.load(Ordering::SeqCst) > self.counters.completed()
    }

    /// Sleeps in `state` until woken or `until`, unless a reason to run appeared meanwhile.
    fn sleep(&self, state: u8, until: Option<Instant>) {
        let mut wake = lock(&self.wake);
        self.sender_state.store(state, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        let queued = self.queue.len();
        let reason_to_run = match state {
            SENDER_IDLE => queued > 0,
            _ => queued >= self.batch_size,
        } || wake.closing_deadline.is_some()
            || self.flush_requested();
        while !wake.pending && !reason_to_run {
            match until {
                None => {
                    wake = self
                        .wake_signal
                        .wait(wake)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                }
                Some(until) => {
                    let now = Instant::now();
                    if now >= until {
                        break;
                    }
                    wake = self
                        .wake_signal
                        .wait_timeout(wake, until - now)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0;
                }
            }
        }
        wake.pending = false;
        self.sender_state.store(SENDER_RUNNING, Ordering::SeqCst);
    }

    /// Sends the next batch where the user's current choice says; true when it was accepted
    /// (or nothing was left to send).
    fn send_one_batch(&self, state: &mut SenderState) -> bool {
        let (decision, installation_id) = self.current_decision();
        let destination = match (decision.effective, &self.local_record) {
            (Effective::On, _) => Destination::Collector,
            (Effective::Local, Some(path)) => Destination::LocalRecord(path),
            (Effective::Off, _) | (Effective::Local, None) => {
                let discarded = self.discard_everything();
                // Counted as dropped, but the user asked for it: no "queue full" warning.
                state.drop_warning.reported += discarded;
                return true;
            }
        };
        let deadline = self.closing_deadline();
        let out_of_time = deadline.is_some_and(|deadline| Instant::now() >= deadline);
        let spooling = matches!(destination, Destination::Collector) && self.spooling.active();
        // Held while taking events, so that a closer spooling the queue never misses a batch.
        let building = lock(&self.spooling.batch_lock);
        // Past the shutdown deadline nothing more can be sent: skip the scrubbing, unless the
        // batch can still be kept in the spool.
        let scrub = !out_of_time || spooling;
        let taken = self.take_batch(state, scrub, decision, installation_id.as_deref());
        if taken.written == 0 {
            self.signal_progress();
            return true;
        }
        let written = taken.written;
        let delivered = match destination {
            Destination::LocalRecord(path) => self.append_record(path, &taken.into_flight().body),
            Destination::Collector => {
                let flight = taken.into_flight();
                if out_of_time {
                    // Written before the batch lock is let go: a closer of `shutdown(0)` waits
                    // for it, so the process cannot exit with this batch half written.
                    if spooling {
                        self.spool_batch(&flight);
                    } else {
                        self.counters.failed.fetch_add(written, Ordering::SeqCst);
                    }
                    drop(building);
                    self.signal_progress();
                    return false;
                }
                let body = flight.body.clone();
                self.spooling.publish(flight);
                drop(building);
                let outcome = self.deliver_guarded(&body, state);
                let Some(flight) = self.spooling.take() else {
                    // A closer with no time to wait took it and spooled it.
                    self.signal_progress();
                    return outcome == Outcome::Accepted;
                };
                if outcome == Outcome::Undelivered && self.may_spool() {
                    let kept = self.spool_batch(&flight);
                    if kept {
                        state
                            .pacer
                            .spooled(Instant::now(), self.retry.delay(1, &mut state.jitter));
                    }
                    self.signal_progress();
                    return false;
                }
                outcome == Outcome::Accepted
            }
        };
        if delivered {
            let rejected = std::mem::take(&mut state.rejected).min(written);
            self.counters
                .sent
                .fetch_add(written - rejected, Ordering::SeqCst);
            self.counters.failed.fetch_add(rejected, Ordering::SeqCst);
            self.counters.batches_sent.fetch_add(1, Ordering::SeqCst);
        } else {
            self.counters.failed.fetch_add(written, Ordering::SeqCst);
        }
        self.signal_progress();
        delivered
    }

    /// [`Shared::deliver`], with a panic there (a bug, in this crate or one it uses) turned into
    /// a batch given up: its events are then counted as failed like any other.
    pub(super) fn deliver_guarded(&self, body: &[u8], state: &mut SenderState) -> Outcome {
        let delivered = quiet_panic::catch(|| self.deliver(body, state));
        delivered.unwrap_or_else(|()| {
            self.report_internal_error(state, "a batch was being sent");
            Outcome::Refused
        })
    }

    /// Logs an internal error once per client: once is enough to show the bug, and the message
    /// says nothing of the data involved.
    pub(super) fn report_internal_error(&self, state: &mut SenderState, while_doing: &str) {
        if !std::mem::replace(&mut state.reported_internal_error, true) {
            self.log(
                LogLevel::Error,
                &format!(
                    "an internal error (a bug in mycelium-telemetry) happened while {while_doing}; \
                     the events involved were counted as failed and nothing of them was logged. \
                     Please report it."
                ),
            );
        }
    }

    /// Delivers one batch, retrying what is worth retrying.
    fn deliver(&self, wire: &[u8], state: &mut SenderState) -> Outcome {
        // The batch in the configured protocol (OTLP re-encodes it: client/protocol.rs).
        let Some(body) = self.encode_for_protocol(wire) else {
            self.report_internal_error(state, "a batch was being encoded");
            return Outcome::Refused;
        };
        let body = &body[..];
        if self.debug {
            let text = String::from_utf8_lossy(body);
            self.log(LogLevel::Debug, &format!("outgoing batch: {text}"));
        }
        let mut attempt = 0;
        loop {
            let Some(timeout) = self.time_left(self.request_timeout) else {
                return Outcome::Undelivered;
            };
            match self.transport.deliver(body, timeout) {
                Delivery::Accepted => {
                    self.keep_sent(wire);
                    return Outcome::Accepted;
                }
                Delivery::PartlyAccepted { rejected } => {
                    self.keep_sent(wire);
                    state.rejected = rejected;
                    self.log(LogLevel::Warn, &partly_rejected_warning(rejected));
                    return Outcome::Accepted;
                }
                Delivery::Rejected { status } => {
                    self.log(
                        LogLevel::Warn,
                        &format!("the collector refused a batch (HTTP {status}); it was discarded"),
                    );
                    return Outcome::Refused;
                }
                Delivery::Refused { warning } => {
                    if let Some(warning) = warning {
                        self.log(LogLevel::Warn, &warning);
                    }
                    return Outcome::Refused;
                }
                Delivery::Retryable { retry_after } => {
                    if !self.retry.may_retry(attempt) {
                        let tries = attempt + 1;
                        let fate = if self.may_spool() {
                            "kept in the offline spool for a later run"
                        } else {
                            "discarded"
                        };
                        self.log(
                            LogLevel::Warn,
                            &format!(
                                "a batch could not be delivered after {tries} attempts; it was \
                                 {fate}"
                            ),
                        );
                        return Outcome::Undelivered;
                    }
                    attempt += 1;
                    self.counters.retries.fetch_add(1, Ordering::SeqCst);
                    let delay = self
                        .retry
                        .delay_honouring(attempt, retry_after, &mut state.jitter);
                    if !self.pause(delay) {
                        return Outcome::Undelivered;
                    }
                }
            }
        }
    }

    /// `wanted`, cut to what is left before the shutdown deadline; `None` if nothing is left.
    fn time_left(&self, wanted: Duration) -> Option<Duration> {
        match self.closing_deadline() {
            None => Some(wanted),
            Some(deadline) => {
                let left = deadline.checked_duration_since(Instant::now())?;
                (!left.is_zero()).then(|| wanted.min(left))
            }
        }
    }

    /// Sleeps `delay` between retries, cut short by a shutdown deadline. False if that deadline
    /// has passed, so the batch must be given up.
    fn pause(&self, delay: Duration) -> bool {
        let end = Instant::now() + delay;
        let mut wake = lock(&self.wake);
        loop {
            let stop = wake
                .closing_deadline
                .map_or(end, |deadline| deadline.min(end));
            let now = Instant::now();
            if now >= stop {
                return wake
                    .closing_deadline
                    .map_or(true, |deadline| now < deadline);
            }
            wake = self
                .wake_signal
                .wait_timeout(wake, stop - now)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }
}

/// Sets `sender_finished` and wakes whoever waits for it when the sender thread ends.
struct FinishedOnExit<'a>(&'a Shared);

impl Drop for FinishedOnExit<'_> {
    fn drop(&mut self) {
        self.0.sender_finished.store(true, Ordering::Release);
        self.0.signal_progress();
    }
}

/// The rate-limited "queue full" warning, raised on the sender thread so that callers never
/// write to stderr.
#[derive(Default)]
struct DropWarning {
    reported: u64,
    last_warned: Option<Instant>,
}

impl DropWarning {
    fn check(&mut self, counters: &Counters, warn: impl FnOnce(&str)) {
        let dropped = counters.dropped.load(Ordering::Relaxed);
        if dropped == self.reported {
            return;
        }
        if self
            .last_warned
            .is_some_and(|at| at.elapsed() < DROP_WARNING_INTERVAL)
        {
            return;
        }
        warn(&format!(
            "telemetry queue full: {dropped} events dropped so far (oldest first)"
        ));
        self.reported = dropped;
        self.last_warned = Some(Instant::now());
    }
}
