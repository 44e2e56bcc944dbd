//! What a client's callers and its sender thread share: the queue, the counters and the wake-up
//! state machine, with the caller's side of it (push, wake, close, wait).

use std::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_queue::ArrayQueue;

use super::consent_watch::ConsentWatch;
use super::retry::RetryPolicy;
use super::{Blueprint, Counter, Stats};
use crate::anonymize::Anonymizer;
use crate::consent::records::{self, RecordKind};
use crate::event::Event;
use crate::log::{LogLevel, Logger};
use crate::otlp::Encoder;
use crate::transport::Transport;
use std::path::PathBuf;

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding one of these locks leaves plain flags behind, which are
    // still meaningful; telemetry must keep going rather than propagate the poison.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Default)]
pub(super) struct Counters {
    pub(super) enqueued: AtomicU64,
    pub(super) sent: AtomicU64,
    pub(super) dropped: AtomicU64,
    pub(super) failed: AtomicU64,
    pub(super) retries: AtomicU64,
    pub(super) batches_sent: AtomicU64,
    pub(super) spooled: AtomicU64,
    pub(super) replayed: AtomicU64,
    pub(super) spool_dropped: AtomicU64,
}

impl Counters {
    /// Events this client is done with: sent, dropped, failed, or kept in the spool.
    pub(super) fn completed(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
            + self.dropped.load(Ordering::SeqCst)
            + self.failed.load(Ordering::SeqCst)
            + self.spooled.load(Ordering::SeqCst)
    }

    pub(super) fn get(&self, counter: Counter) -> u64 {
        let cell = match counter {
            Counter::Enqueued => &self.enqueued,
            Counter::Sent => &self.sent,
            Counter::Dropped => &self.dropped,
            Counter::Failed => &self.failed,
            Counter::Retries => &self.retries,
            Counter::BatchesSent => &self.batches_sent,
            Counter::Spooled => &self.spooled,
            Counter::Replayed => &self.replayed,
            Counter::SpoolDropped => &self.spool_dropped,
        };
        cell.load(Ordering::SeqCst)
    }

    pub(super) fn snapshot(&self) -> Stats {
        // Read the outcomes before `enqueued`: every event is counted as enqueued before it can
        // be sent, dropped or failed, so this order never shows more outcomes than events.
        let sent = self.sent.load(Ordering::SeqCst);
        let dropped = self.dropped.load(Ordering::SeqCst);
        let failed = self.failed.load(Ordering::SeqCst);
        let retries = self.retries.load(Ordering::SeqCst);
        let batches_sent = self.batches_sent.load(Ordering::SeqCst);
        Stats {
            enqueued: self.enqueued.load(Ordering::SeqCst),
            sent,
            dropped,
            failed,
            retries,
            batches_sent,
        }
    }
}

/// What the sender is doing, so that a push wakes it only when it needs waking.
pub(super) const SENDER_RUNNING: u8 = 0;
/// Asleep with an empty queue: any push wakes it.
pub(super) const SENDER_IDLE: u8 = 1;
/// Asleep with a partial batch until the flush interval ends: only a full batch wakes it early.
pub(super) const SENDER_WAITING_FOR_BATCH: u8 = 2;

pub(super) struct Wake {
    /// Set by whoever wakes the sender; cleared when it wakes.
    pub(super) pending: bool,
    /// Set by shutdown: send what is left, then stop, by this instant.
    pub(super) closing_deadline: Option<Instant>,
}

pub(super) struct Shared {
    /// The sender thread, joined by `close` when it finishes in time.
    sender: Mutex<Option<JoinHandle<()>>>,
    pub(super) queue: ArrayQueue<Event>,
    pub(super) counters: Counters,
    /// Flushes wait for `completed()` to reach this; while it is ahead, partial batches go now.
    pub(super) flush_target: AtomicU64,
    pub(super) sender_state: AtomicU8,
    pub(super) sender_finished: AtomicBool,
    pub(super) wake: Mutex<Wake>,
    pub(super) wake_signal: Condvar,
    progress: Mutex<()>,
    progress_signal: Condvar,
    pub(super) batch_size: usize,
    pub(super) flush_interval: Duration,
    pub(super) request_timeout: Duration,
    pub(super) retry: RetryPolicy,
    pub(super) anonymizer: Anonymizer,
    pub(super) transport: Transport,
    /// Set for OTLP: re-encodes each wire-format batch before it is sent.
    pub(super) encoder: Option<Encoder>,
    /// The offline spool, and the batch being sent, shared with a closer that cannot wait.
    pub(super) spooling: super::spooling::Spooling,
    /// The endpoint and token pending deletion requests to that endpoint are sent with.
    pub(super) deletion_credentials: crate::opt_out::Credentials,
    /// `TELEMETRY_DEBUG`: log each outgoing batch as sent.
    pub(super) debug: bool,
    /// Test-only: scrubbing an event whose first field is this panics (see
    /// `Config::inject_scrub_panic_for_tests`).
    pub(super) scrub_panic_trigger: Option<Arc<str>>,
    /// Decides again when the consent file changes; used by the sender thread only.
    pub(super) consent: Mutex<ConsentWatch>,
    /// Set when the user's choice became off: track calls queue nothing from then on.
    pub(super) revoked: AtomicBool,
    /// The local record (local mode) and the sent log (on), when a state folder is known.
    pub(super) local_record: Option<PathBuf>,
    pub(super) sent_log: Option<PathBuf>,
    logger: Logger,
    /// True once `close` gave up waiting: from then on the host's log callback is never called
    /// (the host may free it as soon as shutdown returns). Held while a message is logged.
    silenced: Mutex<bool>,
}

impl Shared {
    /// The queue and counters, with a sender thread running.
    pub(super) fn start(blueprint: &Blueprint) -> std::io::Result<Arc<Shared>> {
        let shared = Arc::new(Shared::new(blueprint));
        let worker = shared.clone();
        super::quiet_panic::install();
        let handle = std::thread::Builder::new()
            .name("mycelium-telemetry".into())
            .spawn(move || worker.run())?;
        *lock(&shared.sender) = Some(handle);
        Ok(shared)
    }

    /// The queue and counters without a sender thread (callers start one).
    pub(super) fn new(blueprint: &Blueprint) -> Self {
        let Blueprint {
            config,
            anonymizer,
            decision,
            consent_file,
            state_folder,
            installation_id,
        } = blueprint;
        let record = |kind| {
            let folder = state_folder.as_ref()?;
            Some(records::record_path(folder, config.app_name(), kind))
        };
        Shared {
            sender: Mutex::new(None),
            queue: ArrayQueue::new(config.queue_capacity() as usize),
            counters: Counters::default(),
            flush_target: AtomicU64::new(0),
            sender_state: AtomicU8::new(SENDER_RUNNING),
            sender_finished: AtomicBool::new(false),
            wake: Mutex::new(Wake {
                pending: false,
                closing_deadline: None,
            }),
            wake_signal: Condvar::new(),
            progress: Mutex::new(()),
            progress_signal: Condvar::new(),
            batch_size: config.batch_size() as usize,
            flush_interval: config.flush_interval(),
            request_timeout: config.timeout(),
            retry: RetryPolicy::from_config(config),
            anonymizer: anonymizer.clone(),
            transport: super::protocol::transport_for(config).with_token(config.token().cloned()),
            encoder: super::protocol::encoder_for(config),
            spooling: super::spooling::Spooling::new(blueprint),
            deletion_credentials: crate::opt_out::Credentials::new(
                config.endpoint(),
                config.token().cloned(),
            ),
            debug: config.debug(),
            scrub_panic_trigger: config.scrub_panic_trigger(),
            consent: Mutex::new(ConsentWatch::new(
                config,
                *decision,
                consent_file.clone(),
                installation_id.clone(),
            )),
            revoked: AtomicBool::new(false),
            local_record: record(RecordKind::Local),
            // Kept when the user's recorded choice decided: a user who chose with the command
            // looks there. (A process enabled by TELEMETRY_ENABLED or a host writes no file in
            // the user's state folder; TELEMETRY_DEBUG or TELEMETRY_OUTPUT shows its batches.)
            sent_log: decision
                .rule
                .is_a_recorded_choice()
                .then(|| record(RecordKind::Sent))
                .flatten(),
            logger: config.logger.clone(),
            silenced: Mutex::new(false),
        }
    }

    pub(super) fn push(&self, event: Event) {
        if self.revoked.load(Ordering::Relaxed) {
            return;
        }
        // Counted before it is visible to the sender, so outcomes never outrun `enqueued`.
        self.counters.enqueued.fetch_add(1, Ordering::SeqCst);
        if self.queue.force_push(event).is_some() {
            self.counters.dropped.fetch_add(1, Ordering::SeqCst);
        }
        // Pairs with the fence in `sleep`: either the sender sees this event when it re-checks
        // the queue, or this thread sees the sender's sleeping state and wakes it.
        fence(Ordering::SeqCst);
        match self.sender_state.load(Ordering::SeqCst) {
            SENDER_IDLE => self.wake_from(SENDER_IDLE),
            SENDER_WAITING_FOR_BATCH if self.queue.len() >= self.batch_size => {
                self.wake_from(SENDER_WAITING_FOR_BATCH)
            }
            _ => {}
        }
    }

    /// Only the caller that moves the sender out of `state` takes the lock to wake it.
    fn wake_from(&self, state: u8) {
        if self
            .sender_state
            .compare_exchange(state, SENDER_RUNNING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            self.wake_sender();
        }
    }

    pub(super) fn wake_sender(&self) {
        lock(&self.wake).pending = true;
        self.wake_signal.notify_one();
    }

    /// Logs through the host's logger unless `close` has silenced it.
    pub(super) fn log(&self, level: LogLevel, message: &str) {
        let silenced = lock(&self.silenced);
        if !*silenced {
            self.logger.log(level, message);
        }
    }

    /// Sends what is left and stops the sender, waiting until `timeout` at most. True when the
    /// sender finished in time (it is then joined); otherwise it is left to finish its request.
    pub(super) fn close(&self, timeout: Duration) -> bool {
        // No time at all: what is left goes to the spool first, from this thread, without
        // touching the network, before the sender is woken to contend for the queue.
        let spooling_now = timeout.is_zero() && self.may_spool();
        let spooled_first = spooling_now && self.spool_everything_now();
        let deadline = Instant::now() + timeout;
        self.begin_closing(deadline);
        let finished =
            self.wait_for_progress(deadline, || self.sender_finished.load(Ordering::Acquire));
        // Out of time: what the deadline cut off goes to the spool too, so the next run sends it.
        let spooled_the_rest = if spooling_now {
            spooled_first
        } else {
            !finished && self.spool_everything_now()
        };
        if !finished {
            // The sender may still log when its request ends; the host must not hear of it.
            *lock(&self.silenced) = true;
        }
        let handle = lock(&self.sender).take();
        match handle {
            Some(handle) if finished => {
                let _ = handle.join();
                // With no time, "done" means kept: a spool that could not be written loses it.
                !spooling_now || spooled_first
            }
            Some(_) => spooled_the_rest,
            // No sender ever ran: nothing was sent, nothing is pending on a thread.
            None => true,
        }
    }

    /// Asks the sender to send what is left within `timeout` and stop, without waiting for it:
    /// the logger is silenced now (the host may free it next) and the thread is detached.
    pub(super) fn close_detached(&self, timeout: Duration) {
        *lock(&self.silenced) = true;
        self.begin_closing(Instant::now() + timeout);
        drop(lock(&self.sender).take());
    }

    /// Asks the sender to send what is left and stop by `deadline`, without waiting for it.
    pub(super) fn begin_closing(&self, deadline: Instant) {
        let mut wake = lock(&self.wake);
        wake.closing_deadline = Some(deadline);
        wake.pending = true;
        drop(wake);
        self.wake_signal.notify_one();
    }

    /// Waits, up to `deadline`, until `done()` holds. The sender signals after every batch.
    pub(super) fn wait_for_progress(&self, deadline: Instant, done: impl Fn() -> bool) -> bool {
        let mut guard = lock(&self.progress);
        loop {
            if done() {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            guard = self
                .progress_signal
                .wait_timeout(guard, deadline - now)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    pub(super) fn signal_progress(&self) {
        drop(lock(&self.progress));
        self.progress_signal.notify_all();
    }
}
