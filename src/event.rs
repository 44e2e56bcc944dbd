//! Events as the caller hands them over, and their anonymized wire form.
//!
//! A caller's thread only builds an [`Event`] (copies its strings, stamps the time); turning it
//! into JSON, which scrubs and hashes, happens later on the sender thread. The wire format is the
//! Python module's, documented in `docs/protocol.md` with a JSON Schema in `docs/`.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use once_cell::sync::Lazy;
use serde_json::{Map, Value};

use crate::anonymize::frames::frames_only;
use crate::anonymize::limits::{MAX_MESSAGE_BYTES, MAX_STACK_TRACE_BYTES};
use crate::anonymize::{scrub_bounded, Anonymizer, ErrorDetail, Memo};

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

/// Deeper JSON than this is refused at the door: the sender's parser would refuse it anyway
/// (serde_json stops at 128), and metadata worth sending is flat.
pub const MAX_JSON_DEPTH: usize = 64;

/// Checks, without building it, that `text` is one JSON object nested at most
/// [`MAX_JSON_DEPTH`] deep that the sender will be able to read: the same parser runs over it,
/// so a number out of range or a lone surrogate escape is refused now rather than dropped later.
pub(crate) fn check_json_object(text: &str) -> Result<(), TrackError> {
    let is_object = text.trim_start().starts_with('{');
    if !is_object || !nesting_within(text, MAX_JSON_DEPTH) {
        return Err(TrackError::InvalidJson);
    }
    serde_json::from_str::<Readable>(text)
        .map(|_| ())
        .map_err(|_| TrackError::InvalidJson)
}

/// Any JSON value serde_json can read, visited without being built (no allocation but for
/// strings with escapes).
struct Readable;

impl<'de> serde::Deserialize<'de> for Readable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReadableVisitor)
    }
}

struct ReadableVisitor;

impl<'de> serde::de::Visitor<'de> for ReadableVisitor {
    type Value = Readable;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_str<E>(self, _: &str) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_unit<E>(self) -> Result<Readable, E> {
        Ok(Readable)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Readable, A::Error> {
        while items.next_element::<Readable>()?.is_some() {}
        Ok(Readable)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Readable, A::Error> {
        while entries.next_entry::<Readable, Readable>()?.is_some() {}
        Ok(Readable)
    }
}

/// True when no bracket in `text` (outside strings) is nested deeper than `limit`. Malformed
/// input may pass; the parser that runs next rejects it.
fn nesting_within(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
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

fn parse_object(text: Option<&str>) -> Option<Map<String, Value>> {
    serde_json::from_str(text?).ok()
}

/// Writes one JSON object field by field. Keys are this module's own ASCII names; values go
/// through serde_json, which escapes them.
struct ObjectWriter<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> ObjectWriter<'a> {
    fn start(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        ObjectWriter { out, empty: true }
    }

    fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    fn value(&mut self, key: &str, value: &impl serde::Serialize) {
        self.key(key);
        // Writing into a Vec cannot fail, and every value here is serializable (numbers are
        // finite: checked when tracked).
        let _ = serde_json::to_writer(&mut *self.out, value);
    }

    fn string(&mut self, key: &str, value: &str) {
        self.value(key, &value);
    }

    fn number(&mut self, key: &str, value: f64) {
        self.value(key, &value);
    }

    fn object(&mut self, key: &str, value: &Map<String, Value>) {
        self.value(key, value);
    }

    /// Metadata or context: present only when something survives the allowlist, as the Python
    /// module did.
    fn filtered(
        &mut self,
        anonymizer: &Anonymizer,
        memo: &mut Memo,
        key: &str,
        text: Option<&str>,
    ) {
        if let Some(object) = parse_object(text) {
            let filtered = anonymizer.filter_metadata_with(&object, memo);
            if !filtered.is_empty() {
                self.object(key, &filtered);
            }
        }
    }

    fn finish(self) {
        self.out.push(b'}');
    }
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

/// The longest runtime description [`set_host_runtime`] accepts.
pub const MAX_RUNTIME_LEN: usize = 64;

static HOST_RUNTIME: Mutex<Option<String>> = Mutex::new(None);

/// Names the language runtime hosting this library (for example `python 3.11.7`), reported by
/// every later `system_info` event of every client in the process. Bindings call it once when
/// they load. Refused unless it is 1 to [`MAX_RUNTIME_LEN`] printable ASCII characters, which
/// keeps anything but a name and a version out.
pub fn set_host_runtime(runtime: &str) -> Result<(), TrackError> {
    let printable = runtime.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if runtime.trim().is_empty() || runtime.len() > MAX_RUNTIME_LEN || !printable {
        return Err(TrackError::InvalidArgument);
    }
    *HOST_RUNTIME.lock().unwrap_or_else(PoisonError::into_inner) = Some(runtime.to_owned());
    Ok(())
}

fn host_runtime() -> Option<String> {
    HOST_RUNTIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// What `system_info` reports, read once: the names Python's `platform` module gives.
struct SystemInfo {
    platform: String,
    platform_version: String,
    arch: String,
}

static SYSTEM: Lazy<SystemInfo> = Lazy::new(|| {
    let (release, machine) = crate::sys::kernel_release_and_machine();
    SystemInfo {
        platform: match std::env::consts::OS {
            "linux" => "Linux",
            "macos" => "Darwin",
            "windows" => "Windows",
            "freebsd" => "FreeBSD",
            other => other,
        }
        .to_owned(),
        platform_version: release,
        arch: if machine.is_empty() {
            std::env::consts::ARCH.to_owned()
        } else {
            machine
        },
    }
});

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The wire form as a value, for assertions.
    fn wire_of(event: &Event, anonymizer: &Anonymizer) -> Value {
        let mut out = Vec::new();
        event.write_wire(anonymizer, &mut Memo::default(), &mut out);
        serde_json::from_slice(&out).expect("an event is one JSON object")
    }

    fn agent_usage(metadata: Option<&str>) -> Result<Event, TrackError> {
        Event::agent_usage("agent-1", "run", metadata)
    }

    #[test]
    fn json_must_be_one_object() {
        assert!(agent_usage(Some(r#"{"a":1}"#)).is_ok());
        assert!(agent_usage(Some(" { } ")).is_ok());
        for bad in [
            "[1]",
            "1",
            "\"x\"",
            "null",
            "{",
            "{\"a\":1} x",
            "",
            "{'a':1}",
            // Well-formed, but not readable into a map: refused now, not dropped later.
            r#"{"retry_count":2,"duration_ms":1e999}"#,
            r#"{"a":"\ud800"}"#,
        ] {
            assert_eq!(
                agent_usage(Some(bad)).unwrap_err(),
                TrackError::InvalidJson,
                "{bad:?}"
            );
        }
        let nested = |depth: usize| {
            format!(
                "{{\"a\":{}{}}}",
                "[".repeat(depth - 1),
                "]".repeat(depth - 1)
            )
        };
        assert!(agent_usage(Some(&nested(MAX_JSON_DEPTH))).is_ok());
        for depth in [MAX_JSON_DEPTH + 1, 100_000] {
            assert!(matches!(
                agent_usage(Some(&nested(depth))),
                Err(TrackError::InvalidJson)
            ));
        }
        // Brackets inside strings do not count.
        let in_string = format!("{{\"a\":\"{}\\\"\"}}", "[".repeat(1000));
        assert!(agent_usage(Some(&in_string)).is_ok(), "{in_string}");
    }

    #[test]
    fn fields_share_one_buffer_and_keep_their_boundaries() {
        let event = Event::error("E", "message", None, Some("{}")).unwrap();
        assert_eq!(event.field(0), Some("E"));
        assert_eq!(event.field(1), Some("message"));
        assert_eq!(event.field(2), None);
        assert_eq!(event.field(3), Some("{}"));
        assert_eq!(&*event.text, "Emessage{}");
        let empty = Event::agent_usage("", "", Some("")).err();
        assert_eq!(
            empty,
            Some(TrackError::InvalidJson),
            "empty JSON is not an object"
        );
        let blank = Event::agent_usage("", "", None).unwrap();
        assert_eq!((blank.field(0), blank.field(1)), (Some(""), Some("")));
        assert!(std::mem::size_of::<Event>() <= 64, "queue slots stay small");
    }

    #[test]
    fn metric_values_must_be_finite() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let event = Event::performance("latency", value, None, None);
            assert_eq!(event.unwrap_err(), TrackError::InvalidArgument);
        }
    }

    #[test]
    fn agent_usage_wire_form() {
        let anonymizer = Anonymizer::new("salt");
        let event = agent_usage(Some(r#"{"duration_ms":5,"prompt":"secret"}"#)).unwrap();
        let wire = wire_of(&event, &anonymizer);
        assert_eq!(wire["event_type"], "agent_usage");
        assert_eq!(wire["agent_id_hash"], anonymizer.hash_identifier("agent-1"));
        assert_eq!(wire["operation"], "run");
        assert_eq!(wire["metadata"], json!({"duration_ms": 5}));
        assert!(wire["timestamp"].as_f64().unwrap() > 1.6e9);
        // Nothing survives the allowlist: no metadata key at all.
        let wire = wire_of(
            &agent_usage(Some(r#"{"prompt":"x"}"#)).unwrap(),
            &anonymizer,
        );
        assert!(wire.get("metadata").is_none());
    }

    #[test]
    fn a_batch_is_one_json_document_with_every_event() {
        let anonymizer = Anonymizer::new("s");
        let mut memo = Memo::default();
        let empty: Value = serde_json::from_slice(&BatchWriter::new().finish()).unwrap();
        assert_eq!(empty["events"], json!([]));
        let mut batch = BatchWriter::new();
        batch.add(&agent_usage(None).unwrap(), &anonymizer, &mut memo);
        let tricky = Event::error("E\"\n\u{1}", "quote \" and \\ and ünï", None, None).unwrap();
        batch.add(&tricky, &anonymizer, &mut memo);
        let body: Value = serde_json::from_slice(&batch.finish()).unwrap();
        assert_eq!(body["version"], "1.0");
        assert!(body["timestamp"].as_f64().unwrap() > 1.6e9);
        let events = body["events"].as_array().unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1]["error_type"], "E\"\n\u{1}");
        assert_eq!(events[1]["error_message"], "quote \" and \\ and ünï");
    }

    #[test]
    fn system_info_names_the_platform() {
        let wire = wire_of(&Event::system_info().unwrap(), &Anonymizer::new("s"));
        assert_eq!(wire["platform"], "Linux");
        assert_eq!(wire["arch"], std::env::consts::ARCH);
        assert!(!wire["platform_version"].as_str().unwrap().is_empty());
        assert_eq!(wire["library_version"], crate::VERSION);
    }

    #[test]
    fn host_runtime_is_validated_and_reported() {
        for bad in ["", "   ", "python\n3.11", "ünïcode 1.0", &"x".repeat(65)] {
            assert_eq!(
                set_host_runtime(bad),
                Err(TrackError::InvalidArgument),
                "{bad:?}"
            );
        }
        set_host_runtime("python 3.11.7").unwrap();
        let wire = wire_of(&Event::system_info().unwrap(), &Anonymizer::new("s"));
        assert_eq!(wire["runtime"], "python 3.11.7");
    }
}
