//! A wire-format 1.0 batch, re-encoded as one OTLP `ExportLogsServiceRequest` in the OTLP/HTTP
//! JSON encoding: lowerCamelCase field names, 64-bit integers as decimal strings, enums as
//! numbers, attribute values as `AnyValue` objects.
//!
//! It reads the batch the sender already built, so the OTLP form carries exactly the fields
//! that wire format 1.0 does, after the same scrubbing and hashing, and nothing more. One
//! `ResourceLogs` per batch, one `LogRecord` per event.

use serde_json::{json, Map, Value};

use super::resource::{self, DEFAULT_SERVICE_NAME, SDK_NAME};

/// `SeverityNumber` values of the OTLP logs data model.
const SEVERITY_INFO: u8 = 9;
const SEVERITY_ERROR: u8 = 17;

/// Turns wire-format batches into OTLP/HTTP JSON requests for one client.
#[derive(Clone, Debug)]
pub struct Encoder {
    service_name: String,
}

impl Encoder {
    /// `app_name` (`TELEMETRY_APP`) becomes `service.name`; without one, `mycelium-telemetry`.
    pub fn new(app_name: Option<&str>) -> Self {
        Encoder {
            service_name: app_name.unwrap_or(DEFAULT_SERVICE_NAME).to_owned(),
        }
    }

    /// The OTLP request for one wire-format batch; `runtime` is what a binding gave
    /// `mt_set_runtime`, for `telemetry.sdk.language`. `None` if `wire_batch` is not a batch (it
    /// always is when the sender built it).
    pub fn encode(&self, wire_batch: &[u8], runtime: Option<&str>) -> Option<Vec<u8>> {
        let batch: Map<String, Value> = serde_json::from_slice(wire_batch).ok()?;
        let sent_at = batch.get("timestamp").and_then(Value::as_f64);
        let installation_id = batch.get("installation_id").and_then(Value::as_str);
        let records = batch
            .get("events")?
            .as_array()?
            .iter()
            .map(|event| log_record(event, sent_at))
            .collect::<Option<Vec<Value>>>()?;
        let request = json!({
            "resourceLogs": [{
                "resource": {
                    "attributes": resource::attributes(&self.service_name, runtime, installation_id),
                },
                "scopeLogs": [{
                    "scope": {"name": SDK_NAME, "version": crate::VERSION},
                    "logRecords": records,
                }],
            }],
        });
        serde_json::to_vec(&request).ok()
    }
}

/// One event as a `LogRecord`; `None` if it has no `event_type`.
fn log_record(event: &Value, sent_at: Option<f64>) -> Option<Value> {
    let event = event.as_object()?;
    let kind = event.get("event_type")?.as_str()?;
    let tracked_at = event
        .get("timestamp")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let mut attributes = Vec::new();
    for (field, value) in event {
        if field != "event_type" && field != "timestamp" {
            push_attribute(&attribute_name(kind, field), kind, value, &mut attributes);
        }
    }
    let (severity_number, severity_text) = if kind == "error" {
        (SEVERITY_ERROR, "ERROR")
    } else {
        (SEVERITY_INFO, "INFO")
    };
    let mut record = json!({
        "timeUnixNano": unix_nanos(tracked_at),
        "severityNumber": severity_number,
        "severityText": severity_text,
        "eventName": format!("mycelium.{kind}"),
        "attributes": attributes,
    });
    if let Some(sent_at) = sent_at {
        record["observedTimeUnixNano"] = Value::String(unix_nanos(sent_at));
    }
    Some(record)
}

/// The attribute a wire field becomes: error fields take the semantic conventions' `exception.*`
/// names, everything else keeps its wire name under `mycelium.`.
fn attribute_name(kind: &str, field: &str) -> String {
    match (kind, field) {
        ("error", "error_type") => "exception.type".to_owned(),
        ("error", "error_message") => "exception.message".to_owned(),
        ("error", "stack_trace") => "exception.stacktrace".to_owned(),
        _ => format!("mycelium.{field}"),
    }
}

/// Appends `value` under `key`; an object's members (metadata, tags, context) each become
/// `key.member`. Nulls, and the empty message sent below error detail `full`, are left out.
fn push_attribute(key: &str, kind: &str, value: &Value, out: &mut Vec<Value>) {
    let any_value = match value {
        Value::Null => return,
        Value::Object(members) => {
            for (member, value) in members {
                push_attribute(&format!("{key}.{member}"), kind, value, out);
            }
            return;
        }
        Value::String(text) if text.is_empty() && key == "exception.message" => return,
        Value::String(text) => json!({"stringValue": text}),
        Value::Bool(flag) => json!({"boolValue": flag}),
        // A metric's value is a double even when it happens to be whole.
        Value::Number(number) if kind == "performance" && key == "mycelium.value" => {
            json!({"doubleValue": number.as_f64()})
        }
        Value::Number(number) => match number.as_i64() {
            // OTLP JSON writes 64-bit integers as decimal strings.
            Some(whole) => json!({"intValue": whole.to_string()}),
            None => json!({"doubleValue": number.as_f64()}),
        },
        // The wire format never sends arrays; should one appear, it is kept as its JSON text.
        Value::Array(_) => json!({"stringValue": value.to_string()}),
    };
    out.push(json!({"key": key, "value": any_value}));
}

/// Unix seconds with a fraction as nanoseconds, a decimal string (`fixed64` in OTLP JSON).
pub(super) fn unix_nanos(seconds: f64) -> String {
    if !seconds.is_finite() || seconds <= 0.0 {
        return "0".to_owned();
    }
    // Whole seconds and the fraction apart, so the seconds keep every digit.
    let whole = seconds.trunc() as u64;
    let fraction = ((seconds - seconds.trunc()) * 1e9).round() as u64;
    whole
        .saturating_mul(1_000_000_000)
        .saturating_add(fraction.min(999_999_999))
        .to_string()
}
