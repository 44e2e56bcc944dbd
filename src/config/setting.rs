//! The settings by name, and the error that names a refused one.

use std::fmt;

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
    ErrorDetail,
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
            Setting::ErrorDetail => "TELEMETRY_ERROR_DETAIL",
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
                "1 to 64 characters of A-Z a-z 0-9 _ . -, not secret-looking, at most 32 keys, \
                 a built-in key only with its own type"
            }
            Setting::CaFile => "a readable PEM file with at least one CA certificate",
            Setting::ErrorDetail => "full, frames or type",
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
