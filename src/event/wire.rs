//! The wire writer: an event's anonymized JSON form, and batches of them.

use super::object_writer::{parse_object, ObjectWriter};
use super::packed::{Event, Fields};
use super::system::{host_runtime, SYSTEM};
use super::{unix_now, PROTOCOL_VERSION};
use crate::anonymize::frames::frames_only;
use crate::anonymize::limits::{MAX_MESSAGE_BYTES, MAX_STACK_TRACE_BYTES};
use crate::anonymize::{scrub_bounded, Anonymizer, ErrorDetail, Memo};

impl Event {
    /// Appends the anonymized wire form, one JSON object, to `out`. Runs on the sender thread.
    /// Written straight into the batch: no intermediate tree of values.
    pub(crate) fn write_wire(&self, anonymizer: &Anonymizer, memo: &mut Memo, out: &mut Vec<u8>) {
        let mut object = ObjectWriter::start(out);
        match self.fields() {
            Fields::AgentUsage {
                agent_id,
                operation,
                metadata,
            } => {
                object.string("event_type", "agent_usage");
                object.string("agent_id_hash", &memo.hash(anonymizer, agent_id));
                object.string("operation", &memo.name(operation));
                object.filtered(anonymizer, memo, "metadata", metadata);
            }
            Fields::Performance {
                metric_name,
                value,
                unit,
                tags,
            } => {
                object.string("event_type", "performance");
                object.string("metric_name", &memo.name(metric_name));
                object.number("value", value);
                object.string("unit", &memo.name(unit.unwrap_or("ms")));
                if let Some(tags) = parse_object(tags) {
                    object.object("tags", &anonymizer.anonymize_tags_with(&tags, memo));
                }
            }
            Fields::Error {
                error_type,
                message,
                stack_trace,
                context,
            } => {
                object.string("event_type", "error");
                object.string("error_type", &memo.name(error_type));
                let detail = anonymizer.error_detail();
                // Wire format 1.0 requires `error_message`: below `full` it is present and empty.
                let message = match detail {
                    ErrorDetail::Full => scrub_bounded(message, MAX_MESSAGE_BYTES),
                    ErrorDetail::Frames | ErrorDetail::Type => String::new(),
                };
                object.string("error_message", &message);
                let trace = match (detail, stack_trace.filter(|t| !t.is_empty())) {
                    (ErrorDetail::Full, Some(trace)) => scrub_bounded(trace, MAX_STACK_TRACE_BYTES),
                    (ErrorDetail::Frames, Some(trace)) => frames_only(trace),
                    _ => String::new(),
                };
                if !trace.is_empty() {
                    object.string("stack_trace", &trace);
                }
                object.filtered(anonymizer, memo, "context", context);
            }
            Fields::SystemInfo => {
                let system = &*SYSTEM;
                object.string("event_type", "system_info");
                object.string("platform", &system.platform);
                object.string("platform_version", &system.platform_version);
                object.string("arch", &system.arch);
                object.string("library_version", crate::VERSION);
                if let Some(runtime) = host_runtime() {
                    object.string("runtime", &runtime);
                }
            }
        }
        object.number("timestamp", self.timestamp());
        object.finish();
    }
}

/// A point in a [`BatchWriter`] to rewind to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BatchMark {
    length: usize,
    events: usize,
}

/// Builds a batch body, `{"version":"1.0","timestamp":…,"batch_id":"…","events":[…]}`, one
/// event at a time.
pub(crate) struct BatchWriter {
    body: Vec<u8>,
    events: usize,
    batch_id: Option<String>,
}

impl BatchWriter {
    pub(crate) fn new() -> Self {
        Self::for_installation(None)
    }

    /// A batch that carries `installation_id` at batch level (only batches sent while the
    /// user's choice is on do). Every batch carries a new random `batch_id`: the body is built
    /// once and sent as it is on every retry, and spooled and replayed as it is, so a collector
    /// that saw the id before knows the batch is a repeat.
    pub(crate) fn for_installation(installation_id: Option<&str>) -> Self {
        let mut body = Vec::with_capacity(16 * 1024);
        body.extend_from_slice(b"{\"version\":\"");
        body.extend_from_slice(PROTOCOL_VERSION.as_bytes());
        body.extend_from_slice(b"\",\"timestamp\":");
        let _ = serde_json::to_writer(&mut body, &unix_now());
        let batch_id = new_batch_id();
        if let Some(id) = &batch_id {
            body.extend_from_slice(b",\"batch_id\":\"");
            body.extend_from_slice(id.as_bytes());
            body.push(b'"');
        }
        if let Some(id) = installation_id {
            body.extend_from_slice(b",\"installation_id\":");
            let _ = serde_json::to_writer(&mut body, id);
        }
        body.extend_from_slice(b",\"events\":[");
        BatchWriter {
            body,
            events: 0,
            batch_id,
        }
    }

    /// The batch's id, 32 lowercase hex digits (`None` only if the system had no randomness).
    #[cfg_attr(not(test), allow(dead_code))] // The spool names its files with it.
    pub(crate) fn batch_id(&self) -> Option<&str> {
        self.batch_id.as_deref()
    }

    /// Where the batch stands now, to [`BatchWriter::rewind`] to if adding an event fails.
    pub(crate) fn mark(&self) -> BatchMark {
        BatchMark {
            length: self.body.len(),
            events: self.events,
        }
    }

    /// Forgets everything added since `mark` (a half-written event included).
    pub(crate) fn rewind(&mut self, mark: BatchMark) {
        self.body.truncate(mark.length);
        self.events = mark.events;
    }

    pub(crate) fn add(&mut self, event: &Event, anonymizer: &Anonymizer, memo: &mut Memo) {
        if self.events > 0 {
            self.body.push(b',');
        }
        event.write_wire(anonymizer, memo, &mut self.body);
        self.events += 1;
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.body.extend_from_slice(b"]}");
        self.body
    }
}

/// 128 random bits as 32 lowercase hex digits. Without randomness (getrandom failing, which
/// Linux does not do once booted) the batch simply has no id: a made-up one could collide.
fn new_batch_id() -> Option<String> {
    let mut bytes = [0u8; 16];
    crate::sys::fill_random(&mut bytes).ok()?;
    let mut id = String::with_capacity(32);
    for byte in bytes {
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    Some(id)
}

const HEX: &[u8; 16] = b"0123456789abcdef";
