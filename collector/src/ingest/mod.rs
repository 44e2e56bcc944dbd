//! What a request body becomes before it is stored: wire format 1.0 parsed with every size
//! bounded ([`wire`]), checked ([`validate`]) and every string scrubbed again with the
//! library's own anonymizer ([`scrub`]).

mod body;
mod print;
mod scrub;
mod validate;
pub mod wire;

pub use body::{decode_body, BodyError, MAX_COMPRESSED_BYTES, MAX_DECOMPRESSED_BYTES};

/// The event types of wire format 1.0.
pub const EVENT_TYPES: [&str; 4] = ["agent_usage", "performance", "error", "system_info"];

/// One event as it is stored: known fields only, every string scrubbed and bounded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Event {
    pub event_type: &'static str,
    pub timestamp: f64,
    pub agent_id_hash: Option<String>,
    pub operation: Option<String>,
    pub metric_name: Option<String>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
    pub stack_trace: Option<String>,
    /// `metadata`, `tags` or `context` as a JSON object, scalar values only.
    pub attributes: Option<String>,
    pub platform: Option<String>,
    pub platform_version: Option<String>,
    pub arch: Option<String>,
    pub library_version: Option<String>,
    pub runtime: Option<String>,
}

/// Where an installation runs, as its `system_info` said: copied onto every event of a batch so
/// that errors can be counted per library version and platform.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Origin {
    pub platform: Option<String>,
    pub library_version: Option<String>,
    pub runtime: Option<String>,
}

/// A valid batch, ready to store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    pub batch_id: Option<String>,
    pub installation_id: Option<String>,
    pub deletion_request: bool,
    pub events: Vec<Event>,
}

impl Batch {
    /// The origin named by the batch's first `system_info` event, if it has one.
    pub fn origin(&self) -> Option<Origin> {
        self.events
            .iter()
            .find(|event| event.event_type == "system_info")
            .map(|event| Origin {
                platform: event.platform.clone(),
                library_version: event.library_version.clone(),
                runtime: event.runtime.clone(),
            })
    }
}

/// Parses, checks and scrubs one decoded body. The error is a short reason for a `400`.
pub fn parse_batch(body: &[u8]) -> Result<Batch, String> {
    let wire: wire::WireBatch = serde_json::from_slice(body).map_err(|error| {
        let reason = format!("not a valid batch: {error}");
        // serde's message quotes the body, which may be any UTF-8: cut on a character boundary.
        let mut end = reason.len().min(200);
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason[..end].to_owned()
    })?;
    let checked = validate::check(wire)?;
    Ok(scrub::scrub_batch(checked))
}

impl Batch {
    /// Fills in where each event's installation runs, from `origin`, for events that do not say
    /// it themselves.
    pub fn apply_origin(&mut self, origin: &Origin) {
        for event in &mut self.events {
            if event.platform.is_none() {
                event.platform.clone_from(&origin.platform);
            }
            if event.library_version.is_none() {
                event.library_version.clone_from(&origin.library_version);
            }
            if event.runtime.is_none() {
                event.runtime.clone_from(&origin.runtime);
            }
        }
    }
}
