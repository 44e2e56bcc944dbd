//! One event anonymized on the caller's thread, without a client: the same packing and wire
//! writer the sender uses, so a binding can show what would leave without tracking anything.
//! Anonymizing is not tracking (nothing is sent, queued or written), so consent does not apply.

use std::fmt;

use serde_json::{Map, Value};

use super::packed::Event;
use super::TrackError;
use crate::anonymize::{Anonymizer, Memo};
use crate::config::Config;

/// Why [`anonymize_event`] gave no event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnonymizeEventError {
    /// The event is not a JSON object, or a field has the wrong JSON type, or metadata, tags or
    /// context is not a JSON object.
    InvalidJson,
    /// `event_type` is missing or not `agent_usage`, `performance` or `error`.
    UnknownEventType,
    /// A required field is missing (`agent_id`, `operation`, `metric_name`, `value`,
    /// `error_type`, `error_message`).
    MissingField(&'static str),
    /// A value JSON cannot carry or an event too large to pack.
    InvalidArgument,
    /// The config has no salt and no per-installation salt file exists yet.
    NoSalt,
}

impl fmt::Display for AnonymizeEventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidJson => f.write_str("the event is not valid JSON of the expected shape"),
            Self::UnknownEventType => {
                f.write_str("event_type must be agent_usage, performance or error")
            }
            Self::MissingField(field) => write!(f, "the event has no {field}"),
            Self::InvalidArgument => f.write_str("value must be a finite number"),
            Self::NoSalt => f.write_str("the config has no salt and no salt file exists"),
        }
    }
}

impl std::error::Error for AnonymizeEventError {}

impl From<TrackError> for AnonymizeEventError {
    fn from(error: TrackError) -> Self {
        match error {
            TrackError::InvalidJson => Self::InvalidJson,
            TrackError::InvalidArgument | TrackError::ShutDown => Self::InvalidArgument,
        }
    }
}

/// The wire form of one event, exactly as a client made from `config` would send it (its salt,
/// typed metadata allowlist and error detail), `timestamp` (now) included.
///
/// `event_json` is `{"event_type": "agent_usage", "agent_id", "operation", "metadata"}`,
/// `{"event_type": "performance", "metric_name", "value", "unit", "tags"}` or
/// `{"event_type": "error", "error_type", "error_message", "stack_trace", "context"}`; the
/// object fields and `unit` and `stack_trace` may be absent or null.
///
/// The salt is the config's, else the per-installation salt file's if it already exists (read,
/// never created); without either this is [`AnonymizeEventError::NoSalt`]. Nothing is sent,
/// queued or written, no thread is started, and consent (`DO_NOT_TRACK`, `TELEMETRY_ENABLED`,
/// the recorded choice) does not apply.
pub fn anonymize_event(config: &Config, event_json: &str) -> Result<String, AnonymizeEventError> {
    let fields: Map<String, Value> =
        serde_json::from_str(event_json).map_err(|_| AnonymizeEventError::InvalidJson)?;
    let event = event_from(&fields)?;
    let salt = crate::salt::existing(config).ok_or(AnonymizeEventError::NoSalt)?;
    let anonymizer =
        Anonymizer::with_metadata_fields(salt, config.extra_metadata_fields().to_vec())
            .with_error_detail(config.error_detail());
    let mut wire = Vec::with_capacity(256);
    event.write_wire(&anonymizer, &mut Memo::default(), &mut wire);
    // The writer emits serde_json's output and its own ASCII keys only.
    String::from_utf8(wire).map_err(|_| AnonymizeEventError::InvalidArgument)
}

fn event_from(fields: &Map<String, Value>) -> Result<Event, AnonymizeEventError> {
    let required = |name: &'static str| -> Result<&str, AnonymizeEventError> {
        match fields.get(name) {
            None | Some(Value::Null) => Err(AnonymizeEventError::MissingField(name)),
            Some(Value::String(text)) => Ok(text),
            Some(_) => Err(AnonymizeEventError::InvalidJson),
        }
    };
    let optional = |name: &str| -> Result<Option<&str>, AnonymizeEventError> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(AnonymizeEventError::InvalidJson),
        }
    };
    let object = |name: &str| -> Result<Option<String>, AnonymizeEventError> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value @ Value::Object(_)) => Ok(Some(value.to_string())),
            Some(_) => Err(AnonymizeEventError::InvalidJson),
        }
    };
    let event_type = match fields.get("event_type") {
        Some(Value::String(text)) => text.as_str(),
        _ => return Err(AnonymizeEventError::UnknownEventType),
    };
    let event = match event_type {
        "agent_usage" => Event::agent_usage(
            required("agent_id")?,
            required("operation")?,
            object("metadata")?.as_deref(),
        ),
        "performance" => {
            let value = match fields.get("value") {
                None | Some(Value::Null) => return Err(AnonymizeEventError::MissingField("value")),
                Some(value) => value.as_f64().ok_or(AnonymizeEventError::InvalidJson)?,
            };
            Event::performance(
                required("metric_name")?,
                value,
                optional("unit")?,
                object("tags")?.as_deref(),
            )
        }
        "error" => Event::error(
            required("error_type")?,
            required("error_message")?,
            optional("stack_trace")?,
            object("context")?.as_deref(),
        ),
        _ => return Err(AnonymizeEventError::UnknownEventType),
    };
    Ok(event?)
}
