//! Events as the caller hands them over, and their anonymized wire form.
//!
//! A caller's thread only builds an [`Event`] (copies its strings, stamps the time); turning it
//! into JSON, which scrubs and hashes, happens later on the sender thread. The wire format is the
//! Python module's, documented in `docs/protocol.md` with a JSON Schema in `docs/`.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::anonymize::frames::frames_only;
use crate::anonymize::limits::{MAX_MESSAGE_BYTES, MAX_STACK_TRACE_BYTES};
use crate::anonymize::{scrub_bounded, Anonymizer, ErrorDetail, Memo};

mod json_check;
mod object_writer;
mod system;

pub(crate) use json_check::check_json_object;
pub use json_check::MAX_JSON_DEPTH;
use object_writer::{parse_object, ObjectWriter};
use system::{host_runtime, SYSTEM};
pub use system::{set_host_runtime, MAX_RUNTIME_LEN};

/// The `version` field of every batch.
pub const PROTOCOL_VERSION: &str = "1.0";

/// Why a track call was refused. Nothing is queued when one of these is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackError {
    /// Metadata, tags or context is not a JSON object.
    InvalidJson,
    /// A value JSON cannot carry, such as a NaN or infinite metric value.
    InvalidArgument,
    /// The client was shut down.
    ShutDown,
}

impl fmt::Display for TrackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrackError::InvalidJson => "metadata, tags and context must be a JSON object",
            TrackError::InvalidArgument => "value must be a finite number",
            TrackError::ShutDown => "the client was shut down",
        })
    }
}

impl std::error::Error for TrackError {}

/// One tracked event, exactly as the caller gave it: nothing is scrubbed yet.
///
/// All its strings share one buffer, so tracking an event costs one allocation, and a queue
/// slot stays small (the queue reserves every slot up front).
#[derive(Debug)]
pub(crate) struct Event {
    timestamp: f64,
    kind: Kind,
    /// The metric value of a performance event.
    value: f64,
    /// The event's strings, one after another.
    text: Box<str>,
    /// Where each of up to four fields ends in `text` (each starts where the previous ends).
    ends: [u32; 4],
    /// Bit `i` set when field `i` was given (optional fields may be absent).
    present: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Fields: agent id, operation, metadata JSON.
    AgentUsage,
    /// Fields: metric name, unit, tags JSON.
    Performance,
    /// Fields: error type, message, stack trace, context JSON.
    Error,
    SystemInfo,
}

/// Seconds since the Unix epoch, with sub-second precision, as the Python module's `time.time()`.
pub(crate) fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

impl Event {
    pub(crate) fn agent_usage(
        agent_id: &str,
        operation: &str,
        metadata: Option<&str>,
    ) -> Result<Self, TrackError> {
        check_optional_object(metadata)?;
        Event::pack(
            Kind::AgentUsage,
            0.0,
            [Some(agent_id), Some(operation), metadata, None],
        )
    }

    pub(crate) fn performance(
        metric_name: &str,
        value: f64,
        unit: Option<&str>,
        tags: Option<&str>,
    ) -> Result<Self, TrackError> {
        if !value.is_finite() {
            return Err(TrackError::InvalidArgument);
        }
        check_optional_object(tags)?;
        Event::pack(
            Kind::Performance,
            value,
            [Some(metric_name), unit, tags, None],
        )
    }

    pub(crate) fn error(
        error_type: &str,
        error_message: &str,
        stack_trace: Option<&str>,
        context: Option<&str>,
    ) -> Result<Self, TrackError> {
        check_optional_object(context)?;
        Event::pack(
            Kind::Error,
            0.0,
            [Some(error_type), Some(error_message), stack_trace, context],
        )
    }

    pub(crate) fn system_info() -> Result<Self, TrackError> {
        Event::pack(Kind::SystemInfo, 0.0, [None; 4])
    }

    /// Copies the fields into one buffer and stamps the time.
    fn pack(kind: Kind, value: f64, fields: [Option<&str>; 4]) -> Result<Self, TrackError> {
        let total: usize = fields.iter().flatten().map(|field| field.len()).sum();
        if u32::try_from(total).is_err() {
            return Err(TrackError::InvalidArgument);
        }
        let mut text = String::with_capacity(total);
        let mut ends = [0u32; 4];
        let mut present = 0u8;
        for (index, field) in fields.iter().enumerate() {
            if let Some(field) = field {
                text.push_str(field);
                present |= 1 << index;
            }
            // Cannot truncate: the total fits in u32, checked above.
            ends[index] = text.len() as u32;
        }
        Ok(Event {
            timestamp: unix_now(),
            kind,
            value,
            text: text.into_boxed_str(),
            ends,
            present,
        })
    }

    /// Field `index`, if it was given.
    fn field(&self, index: usize) -> Option<&str> {
        if self.present & (1 << index) == 0 {
            return None;
        }
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        Some(&self.text[start as usize..self.ends[index] as usize])
    }

    fn required(&self, index: usize) -> &str {
        self.field(index).unwrap_or_default()
    }

    /// Appends the anonymized wire form, one JSON object, to `out`. Runs on the sender thread.
    /// Written straight into the batch: no intermediate tree of values.
    pub(crate) fn write_wire(&self, anonymizer: &Anonymizer, memo: &mut Memo, out: &mut Vec<u8>) {
        let mut object = ObjectWriter::start(out);
        match self.kind {
            Kind::AgentUsage => {
                object.string("event_type", "agent_usage");
                object.string("agent_id_hash", &memo.hash(anonymizer, self.required(0)));
                object.string("operation", &memo.name(self.required(1)));
                object.filtered(anonymizer, memo, "metadata", self.field(2));
            }
            Kind::Performance => {
                object.string("event_type", "performance");
                object.string("metric_name", &memo.name(self.required(0)));
                object.number("value", self.value);
                object.string("unit", &memo.name(self.field(1).unwrap_or("ms")));
                if let Some(tags) = parse_object(self.field(2)) {
                    object.object("tags", &anonymizer.anonymize_tags_with(&tags, memo));
                }
            }
            Kind::Error => {
                object.string("event_type", "error");
                object.string("error_type", &memo.name(self.required(0)));
                let detail = anonymizer.error_detail();
                // Wire format 1.0 requires `error_message`: below `full` it is present and empty.
                let message = match detail {
                    ErrorDetail::Full => scrub_bounded(self.required(1), MAX_MESSAGE_BYTES),
                    ErrorDetail::Frames | ErrorDetail::Type => String::new(),
                };
                object.string("error_message", &message);
                let trace = match (detail, self.field(2).filter(|t| !t.is_empty())) {
                    (ErrorDetail::Full, Some(trace)) => scrub_bounded(trace, MAX_STACK_TRACE_BYTES),
                    (ErrorDetail::Frames, Some(trace)) => frames_only(trace),
                    _ => String::new(),
                };
                if !trace.is_empty() {
                    object.string("stack_trace", &trace);
                }
                object.filtered(anonymizer, memo, "context", self.field(3));
            }
            Kind::SystemInfo => {
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
        object.number("timestamp", self.timestamp);
        object.finish();
    }
}

fn check_optional_object(text: Option<&str>) -> Result<(), TrackError> {
    text.map_or(Ok(()), check_json_object)
}

/// Builds a batch body, `{"version":"1.0","timestamp":…,"events":[…]}`, one event at a time.
pub(crate) struct BatchWriter {
    body: Vec<u8>,
    events: usize,
}

impl BatchWriter {
    pub(crate) fn new() -> Self {
        let mut body = Vec::with_capacity(16 * 1024);
        body.extend_from_slice(b"{\"version\":\"");
        body.extend_from_slice(PROTOCOL_VERSION.as_bytes());
        body.extend_from_slice(b"\",\"timestamp\":");
        let _ = serde_json::to_writer(&mut body, &unix_now());
        body.extend_from_slice(b",\"events\":[");
        BatchWriter { body, events: 0 }
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

#[cfg(test)]
mod tests;
