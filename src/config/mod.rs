//! Settings, from the environment or set one by one, each validated.
//!
//! Whether a client collects is decided by the order of `consent::decision` (`DO_NOT_TRACK`,
//! `TELEMETRY_ENABLED`, the recorded choice, the host's `set_enabled`); a config keeps what the
//! environment said. When the environment says off, nothing else is read: no variable, no salt
//! file.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::anonymize::{built_in_type, is_secret_key, AllowedField, ErrorDetail, ValueType};
use crate::log::Logger;
use crate::transport::{normalize_endpoint, PrivateRoots, Token};

mod app;
mod delivery;
mod env;
mod protocol;
mod setting;
mod settings;

pub use app::EnvironmentRows;
pub use setting::{ConfigError, Setting};
pub use settings::{SettingInfo, SettingKind, SETTINGS};

/// The collector used when `TELEMETRY_ENDPOINT` is not set.
pub const DEFAULT_ENDPOINT: &str = "https://mycelium-telemetry.sornsen.io";
/// Seconds a request may take, by default.
pub const DEFAULT_TIMEOUT_SECS: u32 = 5;
/// Events per batch, by default.
pub const DEFAULT_BATCH_SIZE: u32 = 100;
/// Retries after a failed attempt, by default.
pub const DEFAULT_RETRY_ATTEMPTS: u32 = 3;
/// Factor between successive retry delays, by default.
pub const DEFAULT_RETRY_BACKOFF: f64 = 2.0;
/// A partial batch waits at most this long before it is sent.
pub const DEFAULT_FLUSH_INTERVAL_MS: u32 = 5_000;
/// Events held while the sender is busy or the collector is down; the oldest go first.
pub const DEFAULT_QUEUE_CAPACITY: u32 = 8_192;
/// Delay before the first retry; later ones grow by the backoff factor.
pub const DEFAULT_RETRY_INITIAL_DELAY: Duration = Duration::from_secs(1);

/// Everything a [`crate::Client`] needs to know. `Config::default()` is disabled.
#[derive(Clone)]
pub struct Config {
    enabled: bool,
    endpoint: String,
    timeout: Duration,
    batch_size: u32,
    retry_attempts: u32,
    retry_backoff: f64,
    retry_initial_delay: Duration,
    salt: Option<String>,
    salt_file: Option<PathBuf>,
    flush_interval: Duration,
    queue_capacity: u32,
    debug: bool,
    output_file: Option<PathBuf>,
    extra_metadata_fields: Vec<AllowedField>,
    error_detail: ErrorDetail,
    ca_file: Option<PathBuf>,
    private_roots: Option<PrivateRoots>,
    token: Option<Token>,
    spool_max_bytes: u32,
    spool_max_age_days: u32,
    scrub_panic_trigger: Option<Arc<str>>,
    app_name: Option<String>,
    consent_file: Option<PathBuf>,
    environment_rows: Option<EnvironmentRows>,
    protocol: protocol::ProtocolSettings,
    pub(crate) logger: Logger,
}

/// How many keys an application may add to the metadata allowlist.
pub const MAX_EXTRA_METADATA_KEYS: usize = 32;

impl Default for Config {
    fn default() -> Self {
        Config {
            enabled: false,
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            timeout: Duration::from_secs(u64::from(DEFAULT_TIMEOUT_SECS)),
            batch_size: DEFAULT_BATCH_SIZE,
            retry_attempts: DEFAULT_RETRY_ATTEMPTS,
            retry_backoff: DEFAULT_RETRY_BACKOFF,
            retry_initial_delay: DEFAULT_RETRY_INITIAL_DELAY,
            salt: None,
            salt_file: None,
            flush_interval: Duration::from_millis(u64::from(DEFAULT_FLUSH_INTERVAL_MS)),
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            debug: false,
            output_file: None,
            extra_metadata_fields: Vec::new(),
            error_detail: ErrorDetail::Full,
            ca_file: None,
            private_roots: None,
            token: None,
            spool_max_bytes: crate::spool::DEFAULT_MAX_BYTES,
            spool_max_age_days: crate::spool::DEFAULT_MAX_AGE_DAYS,
            scrub_panic_trigger: None,
            app_name: None,
            consent_file: None,
            environment_rows: None,
            protocol: protocol::ProtocolSettings::default(),
            logger: Logger::default(),
        }
    }
}

impl fmt::Debug for Config {
    // Hand-written so that the salt can never reach a log line through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("enabled", &self.enabled)
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .field("batch_size", &self.batch_size)
            .field("retry_attempts", &self.retry_attempts)
            .field("retry_backoff", &self.retry_backoff)
            .field("salt", &self.salt.as_ref().map(|_| "<set>"))
            .field("salt_file", &self.salt_file)
            .field("flush_interval", &self.flush_interval)
            .field("queue_capacity", &self.queue_capacity)
            .field("debug", &self.debug)
            .field("output_file", &self.output_file)
            .field("extra_metadata_fields", &self.extra_metadata_fields)
            .field("error_detail", &self.error_detail)
            .field("ca_file", &self.ca_file)
            .field("token", &self.token)
            .field("spool_max_bytes", &self.spool_max_bytes)
            .field("spool_max_age_days", &self.spool_max_age_days)
            .field("app_name", &self.app_name)
            .field("consent_file", &self.consent_file)
            // The OTLP headers are API keys: only the protocol and their names show.
            .field("protocol", &self.protocol())
            .field("otlp_headers", self.otlp_headers())
            .finish()
    }
}

impl Config {
    /// A disabled configuration with every default.
    pub fn new() -> Self {
        Config::default()
    }

    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
    }

    /// Accepts `https://host[:port][/path]`; a URL without a scheme gets `https://`. Plain
    /// `http://` is accepted only for loopback hosts; a user or password in the URL is refused.
    pub fn set_endpoint(&mut self, url: &str) -> Result<(), ConfigError> {
        self.endpoint = normalize_endpoint(url).ok_or(ConfigError {
            setting: Setting::Endpoint,
        })?;
        Ok(())
    }

    pub fn set_timeout_secs(&mut self, secs: u32) -> Result<(), ConfigError> {
        check_range(secs, Setting::Timeout)?;
        self.timeout = Duration::from_secs(u64::from(secs));
        Ok(())
    }

    pub fn set_batch_size(&mut self, size: u32) -> Result<(), ConfigError> {
        self.batch_size = check_range(size, Setting::BatchSize)?;
        Ok(())
    }

    pub fn set_retry_attempts(&mut self, attempts: u32) -> Result<(), ConfigError> {
        self.retry_attempts = check_range(attempts, Setting::RetryAttempts)?;
        Ok(())
    }

    pub fn set_retry_backoff(&mut self, factor: f64) -> Result<(), ConfigError> {
        // `contains` is false for NaN, so NaN is refused here too.
        let range = Setting::RetryBackoff.info().number_range();
        if !range.is_some_and(|range| range.contains(&factor)) {
            return Err(ConfigError {
                setting: Setting::RetryBackoff,
            });
        }
        self.retry_backoff = factor;
        Ok(())
    }

    /// Delay before the first retry (default 1 s). Rust-only: it exists so that tests and
    /// embedders with tight shutdown budgets can shorten the schedule.
    pub fn set_retry_initial_delay(&mut self, delay: Duration) {
        self.retry_initial_delay = delay;
    }

    /// Salt for hashing identifiers. Without one, the per-installation salt file is used.
    pub fn set_salt(&mut self, salt: &str) -> Result<(), ConfigError> {
        if salt.is_empty() {
            return Err(ConfigError {
                setting: Setting::Salt,
            });
        }
        self.salt = Some(salt.to_owned());
        Ok(())
    }

    /// Where the per-installation salt lives, instead of the default location.
    pub fn set_salt_file(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        let path = path.into();
        if path.as_os_str().is_empty() {
            return Err(ConfigError {
                setting: Setting::SaltFile,
            });
        }
        self.salt_file = Some(path);
        Ok(())
    }

    pub fn set_flush_interval_ms(&mut self, millis: u32) -> Result<(), ConfigError> {
        check_range(millis, Setting::FlushInterval)?;
        self.flush_interval = Duration::from_millis(u64::from(millis));
        Ok(())
    }

    pub fn set_queue_capacity(&mut self, capacity: u32) -> Result<(), ConfigError> {
        self.queue_capacity = check_range(capacity, Setting::QueueCapacity)?;
        Ok(())
    }

    /// Logs each outgoing batch, exactly as sent, at debug level (stderr by default).
    pub fn set_debug(&mut self, debug: bool) {
        self.debug = debug;
    }

    /// Local-only mode: append each batch, as one JSON line of exactly the bytes the HTTP
    /// transport would send, to `path` (created with mode 0600), and open no socket.
    pub fn set_output_file(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        let path = path.into();
        if path.as_os_str().is_empty() {
            return Err(ConfigError {
                setting: Setting::Output,
            });
        }
        self.output_file = Some(path);
        Ok(())
    }

    /// Trusts the CA certificates in the PEM file at `path`, besides the bundled Mozilla roots,
    /// for an `https://` endpoint: for self-hosters with a private CA. The file is read now.
    pub fn set_ca_file(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        let path = path.into();
        let refused = ConfigError {
            setting: Setting::CaFile,
        };
        let text = std::fs::read_to_string(&path).map_err(|_| refused)?;
        let roots = PrivateRoots::from_pem(&text).ok_or(refused)?;
        self.ca_file = Some(path);
        self.private_roots = Some(roots);
        Ok(())
    }

    /// Lets metadata and error-context values under `key` leave, beyond the built-in allowlist,
    /// with any scalar value; strings are scrubbed. Same as
    /// `allow_metadata_field(key, ValueType::Any)`.
    pub fn allow_metadata_key(&mut self, key: &str) -> Result<(), ConfigError> {
        self.allow_metadata_field(key, ValueType::Any)
    }

    /// Lets metadata and error-context values under `key` leave when they have `value_type`;
    /// values of another type are dropped. Secret-looking keys (password, token, session, …)
    /// are refused here and dropped anyway. A built-in key (`duration_ms`, …) keeps its own
    /// type: naming it again with that type or [`ValueType::Any`] is accepted and changes
    /// nothing, any other type is refused. Naming a key again replaces its type.
    pub fn allow_metadata_field(
        &mut self,
        key: &str,
        value_type: ValueType,
    ) -> Result<(), ConfigError> {
        let well_formed = (1..=64).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        let refused = ConfigError {
            setting: Setting::MetadataKey,
        };
        if !well_formed || is_secret_key(key) {
            return Err(refused);
        }
        if let Some(built_in) = built_in_type(key) {
            return if value_type == built_in || value_type == ValueType::Any {
                Ok(())
            } else {
                Err(refused)
            };
        }
        let fields = &mut self.extra_metadata_fields;
        if let Some(field) = fields.iter_mut().find(|field| field.key == key) {
            field.value_type = value_type;
        } else if fields.len() < MAX_EXTRA_METADATA_KEYS {
            fields.push(AllowedField {
                key: key.to_owned(),
                value_type,
            });
        } else {
            return Err(refused);
        }
        Ok(())
    }

    /// How much of each error leaves: the message and trace (`Full`, the default), the trace's
    /// frames only, or the error type only. See [`ErrorDetail`].
    pub fn set_error_detail(&mut self, detail: ErrorDetail) {
        self.error_detail = detail;
    }

    /// Test-only fault injection, not part of the API: the sender panics while scrubbing any
    /// event whose agent id, metric name or error type is `trigger`, so that tests can show a
    /// bug there loses only that event (counted as failed) and reaches neither the host's stderr
    /// nor the collector. No C function or environment variable reaches it.
    #[doc(hidden)]
    pub fn inject_scrub_panic_for_tests(&mut self, trigger: &str) {
        self.scrub_panic_trigger = Some(Arc::from(trigger));
    }

    pub(crate) fn scrub_panic_trigger(&self) -> Option<Arc<str>> {
        self.scrub_panic_trigger.clone()
    }

    /// Where warnings go instead of stderr. The function may be called from the sender thread.
    pub fn set_logger(&mut self, log: impl Fn(crate::LogLevel, &str) + Send + Sync + 'static) {
        self.logger = Logger::custom(Arc::new(log));
    }

    /// Sends warnings to stderr again.
    pub fn reset_logger(&mut self) {
        self.logger = Logger::default();
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    pub fn batch_size(&self) -> u32 {
        self.batch_size
    }
    pub fn retry_attempts(&self) -> u32 {
        self.retry_attempts
    }
    pub fn retry_backoff(&self) -> f64 {
        self.retry_backoff
    }
    pub fn retry_initial_delay(&self) -> Duration {
        self.retry_initial_delay
    }
    pub fn flush_interval(&self) -> Duration {
        self.flush_interval
    }
    pub fn queue_capacity(&self) -> u32 {
        self.queue_capacity
    }
    pub fn debug(&self) -> bool {
        self.debug
    }
    pub fn output_file(&self) -> Option<&PathBuf> {
        self.output_file.as_ref()
    }
    pub fn ca_file(&self) -> Option<&PathBuf> {
        self.ca_file.as_ref()
    }
    pub(crate) fn private_roots(&self) -> Option<&PrivateRoots> {
        self.private_roots.as_ref()
    }
    /// The keys added to the allowlist, with their types (built-in keys are not listed).
    pub fn extra_metadata_fields(&self) -> &[AllowedField] {
        &self.extra_metadata_fields
    }
    pub fn error_detail(&self) -> ErrorDetail {
        self.error_detail
    }
    pub(crate) fn salt(&self) -> Option<&str> {
        self.salt.as_deref()
    }
    pub(crate) fn salt_file(&self) -> Option<&PathBuf> {
        self.salt_file.as_ref()
    }
}

/// `value` if it is within the range the table of settings gives `setting`.
pub(super) fn check_range(value: u32, setting: Setting) -> Result<u32, ConfigError> {
    if setting
        .info()
        .whole_range()
        .is_some_and(|range| range.contains(&value))
    {
        Ok(value)
    } else {
        Err(ConfigError { setting })
    }
}

#[cfg(test)]
mod tests;
