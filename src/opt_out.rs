//! Recording a choice with what it entails: turning an entry from on to off (or forgetting it)
//! asks the collector, once, to delete what it received under that entry's installation id,
//! removes the local record and the sent log, and leaves the entry without an id, so that data
//! after a later opt-in is not linked to the old. A request not delivered is kept in the
//! consent file and retried by every later call, every run of the command and every client
//! that starts collecting (on its sender thread), until the collector accepts it, or refuses it
//! with an answer that would not change (the batch rules of docs/protocol.md: any answer but
//! `2xx`, `5xx`, `429` and `408`), after which it is dropped with one warning.
//!
//! One pass over the pending requests takes at most [`DELIVERY_BUDGET`], however many there are:
//! `mt_consent_set` waits for it, so the wait a user can see is bounded.
//!
//! The request is an empty batch, `{"version":"1.0","timestamp":…,"installation_id":"…",
//! "deletion_request":true,"events":[]}`, posted to the same endpoint as batches, with that
//! endpoint's ingest token when one is configured. It carries no `batch_id`: deleting is
//! idempotent, so a repeat needs no identity, and a collector must never skip a deletion as a
//! duplicate.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use crate::config::DEFAULT_ENDPOINT;
use crate::consent::records::{record_path, RecordKind};
use crate::consent::{self, Consent, ConsentError, ConsentFile, PendingDeletion};
use crate::event::{unix_now, PROTOCOL_VERSION};
use crate::transport::{normalize_endpoint, Delivery, HttpTransport, Token};

/// The longest one pass of deliveries may take, all pending requests together (each request
/// gets what is left, in whole seconds: the transport's granularity). A collector that does not
/// answer costs this much once; one that is down refuses the connection at once.
pub const DELIVERY_BUDGET: Duration = Duration::from_secs(5);

/// What recording a choice did besides recording it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChoiceOutcome {
    /// This change opted out of an entry that was on: a deletion request was queued.
    pub deletion_requested: bool,
    /// Deletion requests the collector accepted during this call.
    pub deletions_delivered: usize,
    /// Deletion requests still to deliver, retried next time.
    pub deletions_pending: usize,
    /// Deletion requests the collector refused for good during this call (each warned once).
    pub deletions_dropped: usize,
}

/// What one pass of deliveries did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deliveries {
    /// Accepted by the collector.
    pub delivered: usize,
    /// Refused for good and dropped, with one warning each.
    pub dropped: usize,
    /// Still pending, retried next time.
    pub pending: usize,
}

/// The ingest token configured for one endpoint: sent with deletion requests to that endpoint
/// only (a request recorded for another endpoint goes without it).
#[derive(Clone, Debug)]
pub struct Credentials {
    endpoint: String,
    token: Option<Token>,
}

impl Credentials {
    /// `token` for `endpoint` (already normalized).
    pub fn new(endpoint: &str, token: Option<Token>) -> Self {
        Credentials {
            endpoint: endpoint.to_owned(),
            token,
        }
    }

    /// `TELEMETRY_ENDPOINT` and `TELEMETRY_TOKEN` as clients read them (an invalid token is
    /// left out: the client would refuse it too).
    pub fn from_env() -> Self {
        let token = std::env::var("TELEMETRY_TOKEN")
            .ok()
            .and_then(|text| Token::parse(text.trim()));
        Credentials::new(&endpoint_from_env(), token)
    }

    fn token_for(&self, endpoint: &str) -> Option<Token> {
        (self.endpoint == endpoint)
            .then(|| self.token.clone())
            .flatten()
    }
}

/// Records `level` for `app` (`None`: the global default) in the environment's consent file,
/// with an opt-out's deletion request and clean-up, then delivers pending deletion requests
/// (waiting at most [`DELIVERY_BUDGET`]; a refusal is warned about on stderr, as the library's
/// warnings are without a log callback).
pub fn set_choice(app: Option<&str>, level: Consent) -> Result<ChoiceOutcome, ConsentError> {
    if app.is_some_and(|name| !consent::is_valid_app_name(name)) {
        return Err(ConsentError::InvalidAppName);
    }
    let path = consent::consent_path_from_env()?;
    let lock = consent::lock_for_change(&path)?;
    let mut file = consent::load_for_change(&path)?;
    let previous = file.set(app, level, consent::decision_time(SystemTime::now()));
    let was_on = previous
        .as_ref()
        .is_some_and(|entry| entry.level == Consent::On);
    let opted_out = was_on && matches!(level, Consent::Off | Consent::Undecided);
    let mut outcome = ChoiceOutcome::default();
    if opted_out {
        if let Some(installation_id) = previous.and_then(|entry| entry.installation_id) {
            file.add_pending_deletion(PendingDeletion {
                installation_id,
                endpoint: endpoint_from_env(),
            });
            outcome.deletion_requested = true;
        }
        remove_records(app);
        remove_spools(app, &file);
    }
    file.save(&path)?;
    // The network is not waited for under the lock.
    drop(lock);
    let deliveries = deliver(&path, file, &Credentials::from_env(), &warn_on_stderr)?;
    outcome.deletions_delivered = deliveries.delivered;
    outcome.deletions_pending = deliveries.pending;
    outcome.deletions_dropped = deliveries.dropped;
    Ok(outcome)
}

fn warn_on_stderr(message: &str) {
    crate::log::Logger::default().warn(message);
}

/// Delivers the deletion requests still pending in the environment's consent file (refusals
/// are warned about on stderr).
pub fn deliver_pending_deletions() -> Result<Deliveries, ConsentError> {
    deliver_pending_deletions_in(
        &consent::consent_path_from_env()?,
        &Credentials::from_env(),
        &warn_on_stderr,
    )
}

/// As [`deliver_pending_deletions`], for the consent file at `path` (a client's own), with the
/// client's own endpoint and token, warning through `warn`.
pub fn deliver_pending_deletions_in(
    path: &Path,
    credentials: &Credentials,
    warn: &dyn Fn(&str),
) -> Result<Deliveries, ConsentError> {
    let file = ConsentFile::load(path)?;
    if file.pending_deletions().is_empty() {
        return Ok(Deliveries::default());
    }
    deliver(path, file, credentials, warn)
}

/// The body of a deletion request for `installation_id`.
pub fn deletion_body(installation_id: &str) -> Vec<u8> {
    let body = serde_json::json!({
        "version": PROTOCOL_VERSION,
        "timestamp": unix_now(),
        "installation_id": installation_id,
        "deletion_request": true,
        "events": [],
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// Whether an answer settles a deletion request for good: accepted, or refused in a way that
/// would repeat. Down, busy (`5xx`, `429`) or timed out (`408`, no answer): next time.
fn settles(delivery: &Delivery) -> bool {
    match delivery {
        Delivery::Accepted | Delivery::PartlyAccepted { .. } => true,
        Delivery::Rejected { status } => *status != 408,
        Delivery::Retryable { .. } | Delivery::Refused { .. } => false,
    }
}

fn deliver(
    path: &Path,
    mut file: ConsentFile,
    credentials: &Credentials,
    warn: &dyn Fn(&str),
) -> Result<Deliveries, ConsentError> {
    let pending = file.pending_deletions().to_vec();
    let mut outcome = Deliveries::default();
    let deadline = Instant::now() + DELIVERY_BUDGET;
    for request in &pending {
        // Whole seconds left; under one, the rest waits for the next pass.
        let left =
            Duration::from_secs(deadline.saturating_duration_since(Instant::now()).as_secs());
        if left.is_zero() {
            break;
        }
        let transport = HttpTransport::new(request.endpoint.clone())
            .with_token(credentials.token_for(&request.endpoint));
        let delivery = transport.post(&deletion_body(&request.installation_id), left);
        if !settles(&delivery) {
            continue;
        }
        file.remove_pending_deletion(request);
        match delivery {
            Delivery::Rejected { status } => {
                outcome.dropped += 1;
                warn(&format!(
                    "the collector refused a deletion request with HTTP {status}; it is dropped, \
                     not retried (the same request would be refused again)"
                ));
            }
            _ => outcome.delivered += 1,
        }
    }
    if outcome.delivered + outcome.dropped > 0 {
        // Re-read, so that a choice recorded meanwhile by another process is kept.
        let _lock = consent::lock_for_change(path)?;
        let mut fresh = consent::load_for_change(path)?;
        for request in &pending {
            if !file.pending_deletions().contains(request) {
                fresh.remove_pending_deletion(request);
            }
        }
        fresh.save(path)?;
        file = fresh;
    }
    outcome.pending = file.pending_deletions().len();
    Ok(outcome)
}

/// `TELEMETRY_ENDPOINT` as clients read it, else the default collector.
fn endpoint_from_env() -> String {
    std::env::var("TELEMETRY_ENDPOINT")
        .ok()
        .and_then(|url| normalize_endpoint(url.trim()))
        .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned())
}

/// Removes `app`'s local record and sent log; what cannot be removed is left (the user sees it
/// with `mycelium-telemetry show`).
fn remove_records(app: Option<&str>) {
    let Some(folder) = consent::state_folder(|name| std::env::var_os(name)) else {
        return;
    };
    for kind in [RecordKind::Local, RecordKind::Sent] {
        let _ = std::fs::remove_file(record_path(&folder, app, kind));
    }
}

/// Removes what the offline spool keeps for `app`: its batches were made while the choice was
/// on and must not leave after it is off. The global default going off removes the spool of
/// every application without a choice of its own.
fn remove_spools(app: Option<&str>, file: &ConsentFile) {
    let Some(folder) = consent::state_folder(|name| std::env::var_os(name)) else {
        return;
    };
    match app {
        Some(app) => crate::spool::remove(&folder, app),
        None => {
            for spooled in crate::spool::applications(&folder) {
                if file.app(&spooled).is_none() {
                    crate::spool::remove(&folder, &spooled);
                }
            }
        }
    }
}
