//! # mycelium-telemetry
//!
//! Privacy-first, opt-in usage telemetry with a C ABI, so that programs in any language can link
//! one reviewed core.
//!
//! - **Off unless opted in**: the user's recorded choice ([`consent`], set with the
//!   `mycelium-telemetry` command), `TELEMETRY_ENABLED` for one process, or a host that asked its
//!   user; `DO_NOT_TRACK` always wins, and a disabled [`Client`] starts no thread and opens no
//!   socket. Turning `on` back `off` asks the collector to delete what it got ([`opt_out`]).
//! - **Nothing personal leaves**: identifiers are hashed with a per-installation salt, paths,
//!   messages and traces are scrubbed, metadata passes an allowlist ([`anonymize`]).
//! - **Never hurts the host**: track calls only queue; one sender thread batches, retries and
//!   sends; shutdown is bounded ([`client`]).
//!
//! ```no_run
//! use mycelium_telemetry::{Client, Config};
//!
//! let mut config = Config::new();
//! config.set_enabled(true);
//! config.set_endpoint("https://telemetry.example.com/v1/events").unwrap();
//! let client = Client::new(&config);
//! client.track_agent_usage("agent-7", "summarize", Some(r#"{"duration_ms": 41}"#)).unwrap();
//! client.shutdown(std::time::Duration::from_secs(2));
//! ```

pub mod anonymize;
pub mod client;
pub mod config;
pub mod consent;
pub mod event;
pub mod ffi;
mod fork;
mod log;
pub mod opt_out;
pub mod otlp;
mod private_file;
pub mod salt;
pub mod spool;
mod sys;
pub mod transport;

pub use anonymize::{AllowedField, Anonymizer, ErrorDetail, ValueType};
pub use client::{Client, Counter, FlushError, Stats};
pub use config::{Config, ConfigError, Setting};
pub use event::{anonymize_event, set_host_runtime, AnonymizeEventError, TrackError};
pub use log::LogLevel;
pub use otlp::Protocol;

/// This library's version, as in `Cargo.toml`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
