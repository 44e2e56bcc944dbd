//! The client: a bounded lock-free queue filled by callers, drained by one sender thread.
//!
//! A caller's track call copies its inputs, stamps the time and pushes; it never takes a lock
//! unless the sender is asleep and must be woken, and never touches the network. When the queue
//! is full the oldest event is displaced and counted. The sender sleeps until there is work or a
//! deadline (no polling), sends batches, retries with backoff, and on shutdown sends what is left
//! within the caller's time budget.
//!
//! Accounting holds at every moment: `enqueued = sent + dropped + failed + pending`, where pending
//! counts events still queued or in a batch being sent.

use std::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use std::time::{Duration, Instant};

use crossbeam_queue::ArrayQueue;

use crate::anonymize::{Anonymizer, Memo};
use crate::config::Config;
use crate::event::{BatchWriter, Event, TrackError};
use crate::fork::ForkSlot;
use crate::log::{LogLevel, Logger};
use crate::transport::{Delivery, Transport};

/// How long dropping a [`Client`] waits for queued events to be sent.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

/// The queue-full warning is repeated at most this often while events keep being dropped.
const DROP_WARNING_INTERVAL: Duration = Duration::from_secs(60);

/// Counters since the client was created. See the module docs for how they add up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Events accepted by track calls.
    pub enqueued: u64,
    /// Events the collector accepted.
    pub sent: u64,
    /// Events displaced from a full queue (the oldest go first).
    pub dropped: u64,
    /// Events given up on: refused by the collector, out of retries, or out of shutdown time.
    pub failed: u64,
    /// Repeated attempts to deliver a batch.
    pub retries: u64,
    /// Batches the collector accepted.
    pub batches_sent: u64,
}

/// Why a flush returned before everything was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlushError {
    Timeout,
    ShutDown,
}

impl std::fmt::Display for FlushError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FlushError::Timeout => "events were still pending when the timeout passed",
            FlushError::ShutDown => "the client was shut down",
        })
    }
}

impl std::error::Error for FlushError {}

/// A telemetry client. Disabled clients hold nothing and do nothing. Enabled clients own a queue
/// and a sender thread. Every method may be called from any number of threads at once.
///
/// After `fork()`, a client used in the child gets a queue and a sender thread of its own; the
/// events the parent had queued stay the parent's to send (see `fork.rs`).
pub struct Client {
    core: Option<Core>,
    shut_down: AtomicBool,
}

/// What an enabled client has: the running machinery, and what it takes to start it again in a
/// forked child.
struct Core {
    slot: ForkSlot<Shared>,
    blueprint: Blueprint,
}

struct Blueprint {
    config: Config,
    anonymizer: Anonymizer,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("enabled", &self.is_enabled())
            .field("stats", &self.stats())
            .finish()
    }
}

impl Client {
    /// Starts a client. Only an enabled config resolves the salt and starts the sender thread.
    pub fn new(config: &Config) -> Self {
        if !config.enabled() {
            return Client::inert(false);
        }
        let salt = crate::salt::resolve(config, &config.logger);
        let anonymizer =
            Anonymizer::with_metadata_fields(salt, config.extra_metadata_fields().to_vec())
                .with_error_detail(config.error_detail());
        let blueprint = Blueprint {
            config: config.clone(),
            anonymizer,
        };
        match Shared::start(&blueprint) {
            Ok(shared) => {
                crate::fork::watch_forks();
                Client {
                    core: Some(Core {
                        slot: ForkSlot::new(shared),
                        blueprint,
                    }),
                    shut_down: AtomicBool::new(false),
                }
            }
            Err(error) => {
                config.logger.warn(&format!(
                    "telemetry disabled: cannot start the sender thread ({})",
                    error.kind()
                ));
                Client::inert(false)
            }
        }
    }

    /// A client from the process environment (see [`Config::from_env`]).
    pub fn from_env() -> Self {
        Client::new(&Config::from_env())
    }

    /// A client with no queue and no thread; `shut_down` says whether it refuses calls.
    pub(crate) fn inert(shut_down: bool) -> Self {
        Client {
            core: None,
            shut_down: AtomicBool::new(shut_down),
        }
    }

    /// The machinery of this process: after a fork, the child's own, started on first use.
    fn shared(&self) -> Option<&Shared> {
        let core = self.core.as_ref()?;
        if core.slot.is_stale() {
            core.slot.refresh_after_fork(|| {
                Shared::start(&core.blueprint).unwrap_or_else(|error| {
                    core.blueprint.config.logger.warn(&format!(
                        "cannot start a sender thread after fork ({}); events will not be sent",
                        error.kind()
                    ));
                    Arc::new(Shared::new(&core.blueprint))
                })
            });
        }
        Some(core.slot.get())
    }

    /// True when events are being collected: enabled by configuration and not shut down.
    pub fn is_enabled(&self) -> bool {
        self.core.is_some() && !self.shut_down.load(Ordering::Acquire)
    }

    /// Whether a track call would queue its event: `Ok(true)` enabled, `Ok(false)` disabled (the
    /// call would do nothing), `Err` shut down. Lets a caller skip preparing an event.
    pub fn accepting(&self) -> Result<bool, TrackError> {
        self.active().map(|shared| shared.is_some())
    }

    fn active(&self) -> Result<Option<&Shared>, TrackError> {
        if self.shut_down.load(Ordering::Acquire) {
            return Err(TrackError::ShutDown);
        }
        Ok(self.shared())
    }

    /// Records that an agent ran an operation. `metadata`, if given, is a JSON object; only
    /// allowlisted keys with scalar values will leave.
    pub fn track_agent_usage(
        &self,
        agent_id: &str,
        operation: &str,
        metadata: Option<&str>,
    ) -> Result<(), TrackError> {
        self.enqueue(|| Event::agent_usage(agent_id, operation, metadata))
    }

    /// Records a measurement. `unit` defaults to `ms`; `tags`, if given, is a JSON object.
    pub fn track_performance(
        &self,
        metric_name: &str,
        value: f64,
        unit: Option<&str>,
        tags: Option<&str>,
    ) -> Result<(), TrackError> {
        self.enqueue(|| Event::performance(metric_name, value, unit, tags))
    }

    /// Records an error. Message and trace are scrubbed on the sender thread; `context`, if
    /// given, is a JSON object filtered like metadata.
    pub fn track_error(
        &self,
        error_type: &str,
        error_message: &str,
        stack_trace: Option<&str>,
        context: Option<&str>,
    ) -> Result<(), TrackError> {
        self.enqueue(|| Event::error(error_type, error_message, stack_trace, context))
    }

    /// Records the platform, its version, the architecture and this library's version.
    pub fn track_system_info(&self) -> Result<(), TrackError> {
        self.enqueue(Event::system_info)
    }

    /// The caller's whole cost: refuse after shutdown, do nothing when disabled, else build the
    /// event (one allocation) and push it. `event` runs only when enabled, so a disabled client
    /// allocates nothing.
    fn enqueue(&self, event: impl FnOnce() -> Result<Event, TrackError>) -> Result<(), TrackError> {
        if let Some(shared) = self.active()? {
            shared.push(event()?);
        }
        Ok(())
    }

    /// Waits until everything tracked before this call is sent or given up, or `timeout` passes.
    pub fn flush(&self, timeout: Duration) -> Result<(), FlushError> {
        if self.shut_down.load(Ordering::Acquire) {
            return Err(FlushError::ShutDown);
        }
        let Some(shared) = self.shared() else {
            return Ok(());
        };
        let target = shared.counters.enqueued.load(Ordering::SeqCst);
        if shared.counters.completed() >= target {
            return Ok(());
        }
        shared.flush_target.fetch_max(target, Ordering::SeqCst);
        shared.wake_sender();
        let deadline = Instant::now() + timeout;
        if shared.wait_for_progress(deadline, || shared.counters.completed() >= target) {
            Ok(())
        } else {
            Err(FlushError::Timeout)
        }
    }

    /// Sends what is queued, stops the sender and refuses further calls. Returns within
    /// `timeout` even if the collector never answers; a request still in flight then finishes
    /// (bounded by the request timeout) on the detached sender thread, which then exits.
    /// Returns true when the sender finished in time. Later calls do nothing and return true.
    pub fn shutdown(&self, timeout: Duration) -> bool {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return true;
        }
        match &self.core {
            // In a forked child that never used the client, there is nothing of its own to
            // send; what was queued before the fork is the parent's.
            Some(core) if !core.slot.is_stale() => core.slot.get().close(timeout),
            _ => true,
        }
    }

    /// A snapshot of the counters. All zero for a disabled client.
    pub fn stats(&self) -> Stats {
        match &self.core {
            Some(core) if !core.slot.is_stale() => core.slot.get().counters.snapshot(),
            // Disabled, or a forked child that has not tracked anything yet.
            _ => Stats::default(),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.shutdown(DEFAULT_SHUTDOWN_TIMEOUT);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding one of these locks leaves plain flags behind, which are
    // still meaningful; telemetry must keep going rather than propagate the poison.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Default)]
struct Counters {
    enqueued: AtomicU64,
    sent: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
    retries: AtomicU64,
    batches_sent: AtomicU64,
}

impl Counters {
    fn completed(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
            + self.dropped.load(Ordering::SeqCst)
            + self.failed.load(Ordering::SeqCst)
    }

    fn snapshot(&self) -> Stats {
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
const SENDER_RUNNING: u8 = 0;
/// Asleep with an empty queue: any push wakes it.
const SENDER_IDLE: u8 = 1;
/// Asleep with a partial batch until the flush interval ends: only a full batch wakes it early.
const SENDER_WAITING_FOR_BATCH: u8 = 2;

struct Wake {
    /// Set by whoever wakes the sender; cleared when it wakes.
    pending: bool,
    /// Set by shutdown: send what is left, then stop, by this instant.
    closing_deadline: Option<Instant>,
}

struct Shared {
    /// The sender thread, joined by `close` when it finishes in time.
    sender: Mutex<Option<JoinHandle<()>>>,
    queue: ArrayQueue<Event>,
    counters: Counters,
    /// Flushes wait for `completed()` to reach this; while it is ahead, partial batches go now.
    flush_target: AtomicU64,
    sender_state: AtomicU8,
    sender_finished: AtomicBool,
    wake: Mutex<Wake>,
    wake_signal: Condvar,
    progress: Mutex<()>,
    progress_signal: Condvar,
    batch_size: usize,
    flush_interval: Duration,
    request_timeout: Duration,
    retry_attempts: u32,
    retry_backoff: f64,
    retry_initial_delay: Duration,
    anonymizer: Anonymizer,
    transport: Transport,
    /// `TELEMETRY_DEBUG`: log each outgoing batch as sent.
    debug: bool,
    logger: Logger,
    /// True once `close` gave up waiting: from then on the host's log callback is never called
    /// (the host may free it as soon as shutdown returns). Held while a message is logged.
    silenced: Mutex<bool>,
}

impl Shared {
    /// The queue and counters, with a sender thread running.
    fn start(blueprint: &Blueprint) -> std::io::Result<Arc<Shared>> {
        let shared = Arc::new(Shared::new(blueprint));
        let worker = shared.clone();
        let handle = std::thread::Builder::new()
            .name("mycelium-telemetry".into())
            .spawn(move || worker.run())?;
        *lock(&shared.sender) = Some(handle);
        Ok(shared)
    }

    /// The queue and counters without a sender thread (callers start one).
    fn new(blueprint: &Blueprint) -> Self {
        let Blueprint { config, anonymizer } = blueprint;
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
            retry_attempts: config.retry_attempts(),
            retry_backoff: config.retry_backoff(),
            retry_initial_delay: config.retry_initial_delay(),
            anonymizer: anonymizer.clone(),
            transport: Transport::from_config(config),
            debug: config.debug(),
            logger: config.logger.clone(),
            silenced: Mutex::new(false),
        }
    }

    // ---- the caller's side -------------------------------------------------------------

    fn push(&self, event: Event) {
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

    fn wake_sender(&self) {
        lock(&self.wake).pending = true;
        self.wake_signal.notify_one();
    }

    /// Logs through the host's logger unless `close` has silenced it.
    fn log(&self, level: LogLevel, message: &str) {
        let silenced = lock(&self.silenced);
        if !*silenced {
            self.logger.log(level, message);
        }
    }

    /// Sends what is left and stops the sender, waiting until `timeout` at most. True when the
    /// sender finished in time (it is then joined); otherwise it is left to finish its request.
    fn close(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        self.begin_closing(deadline);
        let finished =
            self.wait_for_progress(deadline, || self.sender_finished.load(Ordering::Acquire));
        if !finished {
            // The sender may still log when its request ends; the host must not hear of it.
            *lock(&self.silenced) = true;
        }
        let handle = lock(&self.sender).take();
        match handle {
            Some(handle) if finished => {
                let _ = handle.join();
                true
            }
            Some(_) => false,
            // No sender ever ran: nothing was sent, nothing is pending on a thread.
            None => true,
        }
    }

    fn begin_closing(&self, deadline: Instant) {
        let mut wake = lock(&self.wake);
        wake.closing_deadline = Some(deadline);
        wake.pending = true;
        drop(wake);
        self.wake_signal.notify_one();
    }

    /// Waits, up to `deadline`, until `done()` holds. The sender signals after every batch.
    fn wait_for_progress(&self, deadline: Instant, done: impl Fn() -> bool) -> bool {
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

    fn signal_progress(&self) {
        drop(lock(&self.progress));
        self.progress_signal.notify_all();
    }

    // ---- the sender thread -------------------------------------------------------------

    fn run(&self) {
        let mut jitter = Jitter::new();
        let mut failures_in_a_row = 0u32;
        let mut memo = Memo::default();
        let mut drop_warning = DropWarning::default();
        // When the sender first saw the oldest event of the current partial batch.
        let mut batch_started: Option<Instant> = None;
        loop {
            drop_warning.check(&self.counters, |message| self.log(LogLevel::Warn, message));
            let closing = self.closing_deadline();
            let pending = self.queue.len();
            if pending == 0 {
                batch_started = None;
                if closing.is_some() {
                    break;
                }
                self.sleep(SENDER_IDLE, None);
                continue;
            }
            let started = *batch_started.get_or_insert_with(Instant::now);
            let due = pending >= self.batch_size
                || closing.is_some()
                || self.flush_requested()
                || started.elapsed() >= self.flush_interval;
            if !due {
                self.sleep(
                    SENDER_WAITING_FOR_BATCH,
                    Some(started + self.flush_interval),
                );
                continue;
            }
            if self.send_one_batch(&mut jitter, &mut memo) {
                failures_in_a_row = 0;
            } else {
                // A collector that refuses every batch (or keeps failing) must not be sent the
                // next one at once: wait as before a retry, longer while failures continue.
                failures_in_a_row = failures_in_a_row.saturating_add(1);
                self.pause(self.backoff(failures_in_a_row, &mut jitter));
            }
        }
        self.sender_finished.store(true, Ordering::Release);
        self.signal_progress();
    }

    fn closing_deadline(&self) -> Option<Instant> {
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

    /// Sends the next batch; true when the collector accepted it.
    fn send_one_batch(&self, jitter: &mut Jitter, memo: &mut Memo) -> bool {
        let deadline = self.closing_deadline();
        let out_of_time = deadline.is_some_and(|deadline| Instant::now() >= deadline);
        let mut batch = BatchWriter::new();
        let mut count = 0u64;
        while count < self.batch_size as u64 {
            let Some(event) = self.queue.pop() else {
                break;
            };
            // Past the shutdown deadline nothing more can be sent: skip the scrubbing.
            if !out_of_time {
                batch.add(&event, &self.anonymizer, memo);
            }
            count += 1;
        }
        let delivered = !out_of_time && self.deliver(&batch.finish(), jitter);
        if delivered {
            self.counters.sent.fetch_add(count, Ordering::SeqCst);
            self.counters.batches_sent.fetch_add(1, Ordering::SeqCst);
        } else {
            self.counters.failed.fetch_add(count, Ordering::SeqCst);
        }
        self.signal_progress();
        delivered
    }

    /// Delivers one batch, retrying what is worth retrying. False when it was given up.
    fn deliver(&self, body: &[u8], jitter: &mut Jitter) -> bool {
        if self.debug {
            self.log(
                LogLevel::Debug,
                &format!("outgoing batch: {}", String::from_utf8_lossy(body)),
            );
        }
        let mut attempt = 0;
        loop {
            let Some(timeout) = self.time_left(self.request_timeout) else {
                return false;
            };
            match self.transport.deliver(body, timeout) {
                Delivery::Accepted => return true,
                Delivery::Rejected { status } => {
                    self.log(
                        LogLevel::Warn,
                        &format!("the collector refused a batch (HTTP {status}); it was discarded"),
                    );
                    return false;
                }
                Delivery::Refused { warning } => {
                    if let Some(warning) = warning {
                        self.log(LogLevel::Warn, &warning);
                    }
                    return false;
                }
                Delivery::Retryable { retry_after } => {
                    if attempt >= self.retry_attempts {
                        self.log(
                            LogLevel::Warn,
                            &format!(
                            "a batch could not be delivered after {} attempts; it was discarded",
                            attempt + 1
                        ),
                        );
                        return false;
                    }
                    attempt += 1;
                    self.counters.retries.fetch_add(1, Ordering::SeqCst);
                    // Retry-After can lengthen the wait, never shorten it below the backoff:
                    // `Retry-After: 0` must not turn retries into a hot loop.
                    let backoff = self.backoff(attempt, jitter);
                    let delay = retry_after.map_or(backoff, |asked| asked.max(backoff));
                    if !self.pause(delay) {
                        return false;
                    }
                }
            }
        }
    }

    /// `initial × backoff^(attempt-1)`, scaled by a random factor in [0.5, 1] so that many
    /// clients failing together do not retry together.
    fn backoff(&self, attempt: u32, jitter: &mut Jitter) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let factor = self.retry_backoff.powi(exponent) * jitter.next_factor();
        self.retry_initial_delay
            .mul_f64(factor.min(1e6))
            .min(crate::transport::MAX_RETRY_AFTER)
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

/// xorshift64*, seeded from the OS: only spreads retries, so it need not be cryptographic.
struct Jitter(u64);

impl Jitter {
    fn new() -> Self {
        let mut seed = [0u8; 8];
        let _ = crate::sys::fill_random(&mut seed);
        Jitter(u64::from_le_bytes(seed) | 1)
    }

    /// Uniform in [0.5, 1].
    fn next_factor(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let unit = (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64;
        0.5 + unit / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_client_accepts_and_does_nothing() {
        let client = Client::new(&Config::new());
        assert!(!client.is_enabled());
        assert!(client.track_agent_usage("a", "b", Some("not json")).is_ok());
        assert!(client.track_performance("m", f64::NAN, None, None).is_ok());
        assert_eq!(client.flush(Duration::from_millis(1)), Ok(()));
        assert_eq!(client.stats(), Stats::default());
        assert!(client.shutdown(Duration::from_millis(1)));
        assert_eq!(
            client.track_system_info().unwrap_err(),
            TrackError::ShutDown
        );
    }

    #[test]
    fn jitter_stays_in_range() {
        let mut jitter = Jitter::new();
        for _ in 0..10_000 {
            let factor = jitter.next_factor();
            assert!((0.5..=1.0).contains(&factor), "{factor}");
        }
    }
}
