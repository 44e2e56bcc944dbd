//! Settings, from the environment or set one by one, each validated.
//!
//! Telemetry is off unless `TELEMETRY_ENABLED` says yes, and `DO_NOT_TRACK` always wins. When it
//! is off, nothing else is read: no variable, no salt file.

use std::ffi::OsString;
use std::fmt;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::log::Logger;

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

/// One setting, named as in the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Enabled,
    Endpoint,
    Timeout,
    BatchSize,
    RetryAttempts,
    RetryBackoff,
    Salt,
    SaltFile,
    FlushInterval,
    QueueCapacity,
    Debug,
    Output,
    MetadataKey,
    CaFile,
}

impl Setting {
    /// The environment variable that carries this setting.
    pub fn env_var(self) -> &'static str {
        match self {
            Setting::Enabled => "TELEMETRY_ENABLED",
            Setting::Endpoint => "TELEMETRY_ENDPOINT",
            Setting::Timeout => "TELEMETRY_TIMEOUT",
            Setting::BatchSize => "TELEMETRY_BATCH_SIZE",
            Setting::RetryAttempts => "TELEMETRY_RETRY_ATTEMPTS",
            Setting::RetryBackoff => "TELEMETRY_RETRY_BACKOFF",
            Setting::Salt => "TELEMETRY_SALT",
            Setting::SaltFile => "TELEMETRY_SALT_FILE",
            Setting::FlushInterval => "TELEMETRY_FLUSH_INTERVAL_MS",
            Setting::QueueCapacity => "TELEMETRY_QUEUE_CAPACITY",
            Setting::Debug => "TELEMETRY_DEBUG",
            Setting::Output => "TELEMETRY_OUTPUT",
            Setting::MetadataKey => "metadata allowlist key",
            Setting::CaFile => "TELEMETRY_CA_FILE",
        }
    }

    /// What a valid value looks like, for warnings and docs.
    pub fn valid_values(self) -> &'static str {
        match self {
            Setting::Enabled => "true/1/yes/on enables, anything else disables",
            Setting::Endpoint => {
                "an https:// URL without user or password (http:// only for 127.0.0.0/8, ::1 or localhost)"
            }
            Setting::Timeout => "whole seconds from 1 to 30",
            Setting::BatchSize => "a whole number from 1 to 1000",
            Setting::RetryAttempts => "a whole number from 0 to 10",
            Setting::RetryBackoff => "a number from 1.0 to 10.0",
            Setting::Salt => "any non-empty string",
            Setting::SaltFile => "a non-empty file path",
            Setting::FlushInterval => "whole milliseconds from 10 to 3600000",
            Setting::QueueCapacity => "a whole number from 1 to 1000000",
            Setting::Debug => "true/1/yes/on prints each outgoing batch to stderr",
            Setting::Output => "file:<path> to write batches to a local file instead of sending them",
            Setting::MetadataKey => {
                "1 to 64 characters of A-Z a-z 0-9 _ . -, not secret-looking, at most 32 keys"
            }
            Setting::CaFile => "a readable PEM file with at least one CA certificate",
        }
    }
}

/// A value that was refused. It names the setting and its valid range, never the value itself,
/// which may be a secret (a salt, or a URL carrying a password).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub setting: Setting,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {}: expected {}",
            self.setting.env_var(),
            self.setting.valid_values()
        )
    }
}

impl std::error::Error for ConfigError {}

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
    extra_metadata_keys: Vec<String>,
    ca_file: Option<PathBuf>,
    tls_config: Option<Arc<rustls::ClientConfig>>,
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
            extra_metadata_keys: Vec::new(),
            ca_file: None,
            tls_config: None,
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
            .field("extra_metadata_keys", &self.extra_metadata_keys)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

impl Config {
    /// A disabled configuration with every default.
    pub fn new() -> Self {
        Config::default()
    }

    /// Reads the process environment. An invalid value leaves telemetry disabled and writes one
    /// warning line to stderr naming the variable and its valid range.
    pub fn from_env() -> Self {
        Self::from_lookup_or_warn(|name| std::env::var_os(name), &Logger::default())
    }

    /// As [`Config::from_env`], reading variables through `lookup` and warning through `logger`.
    pub(crate) fn from_lookup_or_warn(
        lookup: impl Fn(&str) -> Option<OsString>,
        logger: &Logger,
    ) -> Self {
        match Self::try_from_lookup(lookup) {
            Ok(config) => config,
            Err(error) => {
                logger.warn(&format!("telemetry disabled: {error}"));
                Config::default()
            }
        }
    }

    /// Reads settings through `lookup` (a stand-in for the environment). `Ok` with a disabled
    /// config when telemetry is not opted into; `Err` names the first invalid variable.
    pub fn try_from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, ConfigError> {
        // As in the Python module, a variable set to the empty string counts as unset.
        let text = |name: &str| {
            lookup(name)
                .map(|value| value.to_string_lossy().into_owned())
                .filter(|value| !value.trim().is_empty())
        };
        if do_not_track(text("DO_NOT_TRACK").as_deref()) {
            return Ok(Config::default());
        }
        let enabled = text(Setting::Enabled.env_var()).is_some_and(|v| parse_yes(&v));
        if !enabled {
            return Ok(Config::default());
        }

        let mut config = Config {
            enabled: true,
            ..Config::default()
        };
        if let Some(value) = text(Setting::Endpoint.env_var()) {
            config.set_endpoint(&value)?;
        }
        if let Some(value) = text(Setting::Timeout.env_var()) {
            config.set_timeout_secs(parse_number(&value, Setting::Timeout)?)?;
        }
        if let Some(value) = text(Setting::BatchSize.env_var()) {
            config.set_batch_size(parse_number(&value, Setting::BatchSize)?)?;
        }
        if let Some(value) = text(Setting::RetryAttempts.env_var()) {
            config.set_retry_attempts(parse_number(&value, Setting::RetryAttempts)?)?;
        }
        if let Some(value) = text(Setting::RetryBackoff.env_var()) {
            config.set_retry_backoff(parse_number(&value, Setting::RetryBackoff)?)?;
        }
        if let Some(value) = text(Setting::FlushInterval.env_var()) {
            config.set_flush_interval_ms(parse_number(&value, Setting::FlushInterval)?)?;
        }
        if let Some(value) = text(Setting::QueueCapacity.env_var()) {
            config.set_queue_capacity(parse_number(&value, Setting::QueueCapacity)?)?;
        }
        if let Some(value) = text(Setting::Salt.env_var()) {
            config.set_salt(&value)?;
        }
        if let Some(value) = lookup(Setting::SaltFile.env_var()).filter(|v| !v.is_empty()) {
            config.set_salt_file(PathBuf::from(value))?;
        }
        if let Some(value) = lookup(Setting::CaFile.env_var()).filter(|v| !v.is_empty()) {
            config.set_ca_file(PathBuf::from(value))?;
        }
        config.debug = text(Setting::Debug.env_var()).is_some_and(|v| parse_yes(&v));
        if let Some(value) = text(Setting::Output.env_var()) {
            match value.trim().strip_prefix("file:") {
                Some(path) => config.set_output_file(path.trim())?,
                None if value.trim().eq_ignore_ascii_case("http") => {}
                None => {
                    return Err(ConfigError {
                        setting: Setting::Output,
                    })
                }
            }
        }
        Ok(config)
    }

    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
    }

    /// Accepts `https://host[:port][/path]`; a URL without a scheme gets `https://`. Plain
    /// `http://` is accepted only for loopback hosts; a user or password in the URL is refused.
    pub fn set_endpoint(&mut self, url: &str) -> Result<(), ConfigError> {
        self.endpoint = normalize_endpoint(url)?;
        Ok(())
    }

    pub fn set_timeout_secs(&mut self, secs: u32) -> Result<(), ConfigError> {
        check_range(secs, 1..=30, Setting::Timeout)?;
        self.timeout = Duration::from_secs(u64::from(secs));
        Ok(())
    }

    pub fn set_batch_size(&mut self, size: u32) -> Result<(), ConfigError> {
        self.batch_size = check_range(size, 1..=1000, Setting::BatchSize)?;
        Ok(())
    }

    pub fn set_retry_attempts(&mut self, attempts: u32) -> Result<(), ConfigError> {
        self.retry_attempts = check_range(attempts, 0..=10, Setting::RetryAttempts)?;
        Ok(())
    }

    pub fn set_retry_backoff(&mut self, factor: f64) -> Result<(), ConfigError> {
        // `contains` is false for NaN, so NaN is refused here too.
        if !(1.0..=10.0).contains(&factor) {
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
        check_range(millis, 10..=3_600_000, Setting::FlushInterval)?;
        self.flush_interval = Duration::from_millis(u64::from(millis));
        Ok(())
    }

    pub fn set_queue_capacity(&mut self, capacity: u32) -> Result<(), ConfigError> {
        self.queue_capacity = check_range(capacity, 1..=1_000_000, Setting::QueueCapacity)?;
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
        let certificates = crate::transport::pem::blocks(&text, "CERTIFICATE");
        let tls = crate::transport::tls_config_with_extra_roots(&certificates).ok_or(refused)?;
        self.ca_file = Some(path);
        self.tls_config = Some(tls);
        Ok(())
    }

    /// Lets metadata and error-context values under `key` leave, beyond the built-in allowlist.
    /// Secret-looking keys (password, token, session, …) are refused here and dropped anyway;
    /// the scrubber still runs on every value. Adding a key twice is harmless.
    pub fn allow_metadata_key(&mut self, key: &str) -> Result<(), ConfigError> {
        let well_formed = (1..=64).contains(&key.len())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        let refused = ConfigError {
            setting: Setting::MetadataKey,
        };
        if !well_formed || crate::anonymize::is_secret_key(key) {
            return Err(refused);
        }
        if !self.extra_metadata_keys.iter().any(|k| k == key) {
            if self.extra_metadata_keys.len() >= MAX_EXTRA_METADATA_KEYS {
                return Err(refused);
            }
            self.extra_metadata_keys.push(key.to_owned());
        }
        Ok(())
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
    pub fn endpoint(&self) -> &str {
        &self.endpoint
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
    pub(crate) fn tls_config(&self) -> Option<&Arc<rustls::ClientConfig>> {
        self.tls_config.as_ref()
    }
    pub fn extra_metadata_keys(&self) -> &[String] {
        &self.extra_metadata_keys
    }
    pub(crate) fn salt(&self) -> Option<&str> {
        self.salt.as_deref()
    }
    pub(crate) fn salt_file(&self) -> Option<&PathBuf> {
        self.salt_file.as_ref()
    }
}

/// `DO_NOT_TRACK` set to anything but empty or `0` turns telemetry off.
fn do_not_track(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        !v.is_empty() && v != "0"
    })
}

fn parse_yes(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

fn parse_number<T: std::str::FromStr>(value: &str, setting: Setting) -> Result<T, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError { setting })
}

fn check_range(
    value: u32,
    range: std::ops::RangeInclusive<u32>,
    setting: Setting,
) -> Result<u32, ConfigError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ConfigError { setting })
    }
}

/// Normalizes an endpoint URL and enforces the transport rules: https everywhere, http only on
/// loopback, no credentials in the authority.
fn normalize_endpoint(raw: &str) -> Result<String, ConfigError> {
    let invalid = ConfigError {
        setting: Setting::Endpoint,
    };
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid);
    }
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_owned(), raw),
    };
    if scheme != "https" && scheme != "http" {
        return Err(invalid);
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(invalid);
    }
    let host = host_of(authority).ok_or(invalid)?;
    if scheme == "http" && !is_loopback_host(host) {
        return Err(invalid);
    }
    Ok(format!("{scheme}://{authority}{path}"))
}

/// The host part of `host[:port]` or `[v6][:port]`, checking the port if there is one.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        let port: u16 = port.parse().ok()?;
        if port == 0 {
            return None;
        }
    }
    Some(host)
}

fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).map(OsString::from)
    }

    #[test]
    fn disabled_unless_opted_in() {
        let config = Config::try_from_lookup(lookup(&[])).unwrap();
        assert!(!config.enabled());
        for no in ["false", "0", "no", "off", "", "enable", "2"] {
            let config = Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", no)])).unwrap();
            assert!(!config.enabled(), "{no:?} must not enable");
        }
        for yes in ["true", "TRUE", "1", "yes", "Yes", "on", "ON", " true "] {
            let config = Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", yes)])).unwrap();
            assert!(config.enabled(), "{yes:?} must enable");
        }
    }

    #[test]
    fn do_not_track_always_wins() {
        for dnt in ["1", "true", "yes", "anything"] {
            let config = Config::try_from_lookup(lookup(&[
                ("TELEMETRY_ENABLED", "true"),
                ("DO_NOT_TRACK", dnt),
            ]))
            .unwrap();
            assert!(!config.enabled(), "DO_NOT_TRACK={dnt:?} must disable");
        }
        for not_set in ["", "0"] {
            let config = Config::try_from_lookup(lookup(&[
                ("TELEMETRY_ENABLED", "true"),
                ("DO_NOT_TRACK", not_set),
            ]))
            .unwrap();
            assert!(
                config.enabled(),
                "DO_NOT_TRACK={not_set:?} must not disable"
            );
        }
    }

    #[test]
    fn nothing_else_is_read_when_disabled() {
        // An invalid value in a variable that is never read cannot disable or warn.
        let read = std::cell::RefCell::new(Vec::new());
        let config = Config::try_from_lookup(|name: &str| {
            read.borrow_mut().push(name.to_owned());
            None
        })
        .unwrap();
        assert!(!config.enabled());
        assert_eq!(*read.borrow(), ["DO_NOT_TRACK", "TELEMETRY_ENABLED"]);
    }

    #[test]
    fn defaults_match_the_python_module() {
        let config = Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", "1")])).unwrap();
        assert_eq!(config.endpoint(), "https://mycelium-telemetry.sornsen.io");
        assert_eq!(config.timeout(), Duration::from_secs(5));
        assert_eq!(config.batch_size(), 100);
        assert_eq!(config.retry_attempts(), 3);
        assert_eq!(config.retry_backoff(), 2.0);
        assert_eq!(config.flush_interval(), Duration::from_millis(5000));
        assert_eq!(config.queue_capacity(), 8192);
        assert!(config.salt().is_none());
    }

    #[test]
    fn ranges_are_enforced_at_both_ends() {
        let cases: &[(&str, &str, &str, &str)] = &[
            ("TELEMETRY_TIMEOUT", "1", "30", "0"),
            ("TELEMETRY_TIMEOUT", "1", "30", "31"),
            ("TELEMETRY_BATCH_SIZE", "1", "1000", "0"),
            ("TELEMETRY_BATCH_SIZE", "1", "1000", "1001"),
            ("TELEMETRY_RETRY_ATTEMPTS", "0", "10", "11"),
            ("TELEMETRY_RETRY_ATTEMPTS", "0", "10", "-1"),
            ("TELEMETRY_RETRY_BACKOFF", "1.0", "10.0", "0.99"),
            ("TELEMETRY_RETRY_BACKOFF", "1.0", "10.0", "10.5"),
            ("TELEMETRY_RETRY_BACKOFF", "1.0", "10.0", "NaN"),
            ("TELEMETRY_FLUSH_INTERVAL_MS", "10", "3600000", "9"),
            ("TELEMETRY_QUEUE_CAPACITY", "1", "1000000", "0"),
            ("TELEMETRY_QUEUE_CAPACITY", "1", "1000000", "1000001"),
            ("TELEMETRY_TIMEOUT", "1", "30", "five"),
        ];
        for (var, low, high, bad) in cases {
            for good in [low, high] {
                let config =
                    Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", "1"), (var, good)]))
                        .unwrap();
                assert!(config.enabled(), "{var}={good} is valid");
            }
            let error = Config::try_from_lookup(lookup(&[("TELEMETRY_ENABLED", "1"), (var, bad)]))
                .err()
                .unwrap_or_else(|| panic!("{var}={bad} must be refused"));
            assert_eq!(error.setting.env_var(), *var);
        }
    }

    #[test]
    fn invalid_value_disables_with_one_warning_naming_variable_and_range() {
        let lines = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let sink = lines.clone();
        let logger = Logger::custom(Arc::new(move |_, line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        }));
        let config = Config::from_lookup_or_warn(
            lookup(&[
                ("TELEMETRY_ENABLED", "1"),
                ("TELEMETRY_BATCH_SIZE", "5000"),
                ("TELEMETRY_TIMEOUT", "99"),
            ]),
            &logger,
        );
        assert!(!config.enabled());
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("TELEMETRY_") && lines[0].contains(" to "));
    }

    #[test]
    fn endpoint_scheme_and_loopback_rules() {
        let mut config = Config::new();
        let accepted = [
            ("example.com", "https://example.com"),
            ("example.com/v1/events", "https://example.com/v1/events"),
            ("HTTPS://example.com:8443/x", "https://example.com:8443/x"),
            ("http://127.0.0.1:8080/c", "http://127.0.0.1:8080/c"),
            ("http://127.5.6.7", "http://127.5.6.7"),
            ("http://localhost:9/", "http://localhost:9/"),
            ("http://LOCALHOST", "http://LOCALHOST"),
            ("http://[::1]:9000/ingest", "http://[::1]:9000/ingest"),
        ];
        for (input, normalized) in accepted {
            config.set_endpoint(input).unwrap();
            assert_eq!(config.endpoint(), normalized);
        }
        let refused = [
            "http://example.com",
            "http://10.0.0.1/x",
            "http://128.0.0.1",
            "http://localhost.evil.com",
            "ftp://example.com",
            "https://user:pass@example.com",
            "https://token@example.com",
            "https://",
            "https://example.com:0",
            "https://example.com:99999",
            "https://exa mple.com",
            "",
        ];
        for input in refused {
            let before = config.endpoint().to_owned();
            assert!(
                config.set_endpoint(input).is_err(),
                "{input:?} must be refused"
            );
            assert_eq!(config.endpoint(), before, "a refused value changes nothing");
        }
    }

    #[test]
    fn warning_never_contains_the_value() {
        let error = Config::try_from_lookup(lookup(&[
            ("TELEMETRY_ENABLED", "1"),
            ("TELEMETRY_ENDPOINT", "http://hunter2@example.com"),
        ]))
        .err()
        .unwrap();
        assert!(!error.to_string().contains("hunter2"));
        assert!(error.to_string().contains("TELEMETRY_ENDPOINT"));
    }

    #[test]
    fn salt_settings() {
        let config = Config::try_from_lookup(lookup(&[
            ("TELEMETRY_ENABLED", "1"),
            ("TELEMETRY_SALT", "pepper"),
            ("TELEMETRY_SALT_FILE", "/tmp/x/salt"),
        ]))
        .unwrap();
        assert_eq!(config.salt(), Some("pepper"));
        assert_eq!(config.salt_file(), Some(&PathBuf::from("/tmp/x/salt")));
        assert!(!format!("{config:?}").contains("pepper"));
        assert!(Config::new().set_salt("").is_err());
    }

    #[test]
    fn debug_and_local_only_output() {
        let config = Config::try_from_lookup(lookup(&[
            ("TELEMETRY_ENABLED", "1"),
            ("TELEMETRY_DEBUG", "1"),
            ("TELEMETRY_OUTPUT", "file:/tmp/mt-batches.jsonl"),
        ]))
        .unwrap();
        assert!(config.debug());
        assert_eq!(
            config.output_file(),
            Some(&PathBuf::from("/tmp/mt-batches.jsonl"))
        );
        for bad in ["file:", "ftp:/x", "stdout"] {
            let error = Config::try_from_lookup(lookup(&[
                ("TELEMETRY_ENABLED", "1"),
                ("TELEMETRY_OUTPUT", bad),
            ]))
            .err();
            assert_eq!(error.map(|e| e.setting), Some(Setting::Output), "{bad}");
        }
        let http = Config::try_from_lookup(lookup(&[
            ("TELEMETRY_ENABLED", "1"),
            ("TELEMETRY_OUTPUT", "http"),
        ]))
        .unwrap();
        assert_eq!(http.output_file(), None);
    }

    #[test]
    fn the_metadata_allowlist_can_grow_but_not_with_secrets() {
        let mut config = Config::new();
        config.allow_metadata_key("model_name").unwrap();
        config.allow_metadata_key("model_name").unwrap();
        assert_eq!(config.extra_metadata_keys(), ["model_name"]);
        for bad in [
            "",
            "api_token",
            "user_password",
            "SessionId",
            "has space",
            &"k".repeat(65),
        ] {
            assert!(config.allow_metadata_key(bad).is_err(), "{bad:?}");
        }
        for i in 1..MAX_EXTRA_METADATA_KEYS {
            config.allow_metadata_key(&format!("k{i}")).unwrap();
        }
        assert!(config.allow_metadata_key("one_too_many").is_err());
    }
}
