//! OpenTelemetry's way in: the same scrubbed batches, encoded as OTLP/HTTP JSON logs
//! (`TELEMETRY_PROTOCOL=otlp`), for teams whose pipeline is an OpenTelemetry Collector.
//!
//! This module only encodes and decodes: the batch the sender built in wire format 1.0 (already
//! scrubbed and hashed, so nothing here sees raw data) becomes one `ExportLogsServiceRequest`;
//! the headers of `OTEL_EXPORTER_OTLP_HEADERS` are parsed and kept out of every log line; and a
//! Collector's answer is read for `partialSuccess`. Sending stays with `transport`, choosing the
//! protocol with `config`. The mapping is documented in `docs/protocol.md` and
//! `docs/opentelemetry.md`.

use std::fmt;

mod encode;
mod headers;
mod resource;
mod response;

pub use encode::Encoder;
pub use headers::{ExportHeaders, HeadersError};
pub use response::{is_retryable_status, rejected_log_records};

/// The path OTLP/HTTP appends to `OTEL_EXPORTER_OTLP_ENDPOINT` for logs.
pub const LOGS_PATH: &str = "/v1/logs";

/// Where OTLP batches go when no endpoint is configured: a Collector on this machine, as the
/// OpenTelemetry specification's default.
pub const DEFAULT_OTLP_ENDPOINT: &str = "http://localhost:4318/v1/logs";

/// What batches are sent as (`TELEMETRY_PROTOCOL`, `mt_config_set_protocol`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// Wire format 1.0 (`docs/protocol.md`), for the reference collector. The default.
    #[default]
    Mycelium,
    /// OTLP/HTTP JSON logs, for an OpenTelemetry Collector.
    Otlp,
}

impl Protocol {
    /// `mycelium` or `otlp`, in any case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "mycelium" => Some(Protocol::Mycelium),
            "otlp" => Some(Protocol::Otlp),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Protocol::Mycelium => "mycelium",
            Protocol::Otlp => "otlp",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `OTEL_EXPORTER_OTLP_ENDPOINT` made into the logs URL: the base with `/v1/logs` appended, as
/// the specification says (a trailing slash is not doubled).
pub fn logs_url_from_base(base: &str) -> String {
    format!("{}{LOGS_PATH}", base.trim().trim_end_matches('/'))
}

#[cfg(test)]
mod encode_tests;
