//! The wire format's shapes, deserialized with every allocation bounded: at most
//! [`MAX_EVENTS`] events and [`MAX_FIELDS`] scalar attributes per event are kept, nested
//! values and unknown fields are skipped without being built, and serde_json's recursion limit
//! turns deep nesting into an error. A hostile body therefore costs at most about its own size.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

/// The library sends at most 1,000 events per batch (`TELEMETRY_BATCH_SIZE`).
pub const MAX_EVENTS: usize = 1_000;
/// Attributes kept per event (the library sends at most 32).
pub const MAX_FIELDS: usize = mycelium_telemetry::anonymize::limits::MAX_FIELDS;

#[derive(Debug, Deserialize)]
pub struct WireBatch {
    pub version: String,
    pub timestamp: f64,
    #[serde(default)]
    pub installation_id: Option<String>,
    #[serde(default)]
    pub batch_id: Option<String>,
    #[serde(default)]
    pub deletion_request: Option<bool>,
    #[serde(deserialize_with = "bounded_events")]
    pub events: Vec<WireEvent>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WireEvent {
    pub event_type: Option<String>,
    pub timestamp: Option<f64>,
    pub agent_id_hash: Option<String>,
    pub operation: Option<String>,
    pub metadata: Option<Scalars>,
    pub metric_name: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub tags: Option<Scalars>,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
    pub stack_trace: Option<String>,
    pub context: Option<Scalars>,
    pub platform: Option<String>,
    pub platform_version: Option<String>,
    pub arch: Option<String>,
    pub library_version: Option<String>,
    pub runtime: Option<String>,
}

fn bounded_events<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<WireEvent>, D::Error> {
    struct Events;
    impl<'de> Visitor<'de> for Events {
        type Value = Vec<WireEvent>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "an array of at most {MAX_EVENTS} events")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut events = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_EVENTS));
            while let Some(event) = seq.next_element::<WireEvent>()? {
                if events.len() == MAX_EVENTS {
                    return Err(de::Error::custom(format!("more than {MAX_EVENTS} events")));
                }
                events.push(event);
            }
            Ok(events)
        }
    }
    deserializer.deserialize_seq(Events)
}

/// A JSON object of which only scalar values are kept (strings, numbers, booleans), at most
/// [`MAX_FIELDS`] of them; nested values and the rest are skipped unbuilt.
#[derive(Debug, Default, PartialEq)]
pub struct Scalars(pub Map<String, Value>);

impl<'de> Deserialize<'de> for Scalars {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ScalarsVisitor)
    }
}

struct ScalarsVisitor;

impl<'de> Visitor<'de> for ScalarsVisitor {
    type Value = Scalars;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalars, A::Error> {
        let mut kept = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<Scalar>()?;
            if kept.len() < MAX_FIELDS {
                if let Some(value) = value.0 {
                    kept.insert(key, value);
                }
            }
        }
        Ok(Scalars(kept))
    }
}

/// One attribute value: a scalar, or `None` for a nested value (skipped) or null.
struct Scalar(Option<Value>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(Some(Value::Bool(v))))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(Some(Value::from(v))))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(Some(Value::from(v))))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar(Number::from_f64(v).map(Value::Number)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(Some(Value::String(v.to_owned()))))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar(Some(Value::String(v))))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
}
