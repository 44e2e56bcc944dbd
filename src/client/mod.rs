//! The client: a bounded lock-free queue filled by callers, drained by one sender thread. This
//! file is the caller's side; `shared.rs` holds the queue, counters and wake-up state machine,
//! `sender.rs` the sender loop and `retry.rs` the retry policy.
//!
//! A caller's track call copies its inputs, stamps the time and pushes; it never takes a lock
//! unless the sender is asleep and must be woken, and never touches the network. When the queue
//! is full the oldest event is displaced and counted. The sender sleeps until there is work or a
//! deadline (no polling), sends batches, retries with backoff, and on shutdown sends what is left
//! within the caller's time budget.
//!
//! Accounting holds at every moment: `enqueued = sent + dropped + failed + pending`, where pending
//! counts events still queued or in a batch being sent.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::anonymize::Anonymizer;
use crate::config::Config;
use crate::consent::{Decision, Effective};
use crate::event::{Event, TrackError};
use crate::fork::ForkSlot;
use std::path::PathBuf;

mod batching;
mod consent_watch;
mod diversion;
mod gate;
mod protocol;
mod quiet_panic;
mod retry;
mod sender;
mod shared;
mod spooling;
mod stats;

pub use gate::{decide_for, DecisionReport};
use shared::Shared;
pub use stats::{Counter, Stats};

/// How long dropping a [`Client`] waits for queued events to be sent.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

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
    /// The decision the client started with; the sender decides again when the file changes.
    decision: Decision,
    consent_file: Option<PathBuf>,
    /// Where the local record and the sent log are kept.
    state_folder: Option<PathBuf>,
    /// Carried by batches to the collector while a recorded `on` decides.
    installation_id: Option<String>,
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
    /// Starts a client. Whether it collects is decided by the order of [`decide_for`]
    /// (`DO_NOT_TRACK`, `TELEMETRY_ENABLED`, the recorded choice, the host's `set_enabled`); only
    /// a client that collects resolves the salt and starts the sender thread. In local mode its
    /// batches go to the local record instead of the collector.
    pub fn new(config: &Config) -> Self {
        let report = decide_for(config);
        if let Some(problem) = &report.problem {
            config
                .logger
                .warn(&format!("telemetry disabled: {problem}"));
        }
        let decision = report.decision;
        if decision.effective == Effective::Off {
            return Client::inert(false);
        }
        let state_folder = crate::consent::state_folder(|name| std::env::var_os(name));
        if decision.effective == Effective::Local && state_folder.is_none() {
            config.logger.warn(
                "telemetry disabled: local mode needs XDG_STATE_HOME or HOME for its local record",
            );
            return Client::inert(false);
        }
        // What the environment said now holds for the client's life, also when it decides again.
        let mut config = config.clone();
        config.set_environment_rows(report.rows);
        let config = &config;
        let salt = crate::salt::resolve(config, &config.logger);
        let anonymizer =
            Anonymizer::with_metadata_fields(salt, config.extra_metadata_fields().to_vec())
                .with_error_detail(config.error_detail());
        let blueprint = Blueprint {
            config: config.clone(),
            anonymizer,
            decision,
            consent_file: report.consent_file,
            state_folder,
            installation_id: report.installation_id,
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

    /// As [`Client::shutdown`], without waiting: the sender gets `timeout` to send what is
    /// queued, then exits, on its own. From the moment this returns the logger is never called
    /// again. For finalizers and other places that must not block. Later calls do nothing.
    pub fn shutdown_detached(&self, timeout: Duration) {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Some(core) = &self.core {
            if !core.slot.is_stale() {
                core.slot.get().close_detached(timeout);
            }
        }
    }

    /// One counter by name, including counters added after [`Stats`] was frozen. Zero for a
    /// disabled client.
    pub fn counter(&self, counter: Counter) -> u64 {
        match &self.core {
            Some(core) if !core.slot.is_stale() => core.slot.get().counters.get(counter),
            _ => 0,
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
}
