//! The settings by name, and the error that names a refused one.

use std::fmt;

use super::settings::SettingInfo;

/// One setting, named as in the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Enabled,
    /// `DO_NOT_TRACK`: read from the environment only, never set in code.
    DoNotTrack,
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
    /// `TELEMETRY_TOKEN`: a private collector's ingest token.
    Token,
    /// `TELEMETRY_SPOOL_MAX_BYTES`: the offline spool's bound in bytes (0: no spool).
    SpoolMaxBytes,
    /// `TELEMETRY_SPOOL_MAX_AGE_DAYS`: the offline spool's bound in days (0: no spool).
    SpoolMaxAgeDays,
    ErrorDetail,
    /// `TELEMETRY_APP`: whose recorded choice applies.
    App,
    /// `TELEMETRY_CONSENT_FILE`: where recorded choices are kept.
    ConsentFile,
    /// `TELEMETRY_PROTOCOL`: wire format 1.0 or OTLP.
    Protocol,
    /// `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT` and
    /// `OTEL_EXPORTER_OTLP_HEADERS`: read only for OTLP.
    OtlpLogsEndpoint,
    OtlpEndpoint,
    OtlpHeaders,
}

impl Setting {
    /// Every setting, in the order of [`super::SETTINGS`].
    pub const ALL: [Setting; 25] = [
        Setting::Enabled,
        Setting::DoNotTrack,
        Setting::App,
        Setting::ConsentFile,
        Setting::Endpoint,
        Setting::Protocol,
        Setting::OtlpLogsEndpoint,
        Setting::OtlpEndpoint,
        Setting::OtlpHeaders,
        Setting::Timeout,
        Setting::BatchSize,
        Setting::RetryAttempts,
        Setting::RetryBackoff,
        Setting::FlushInterval,
        Setting::QueueCapacity,
        Setting::Salt,
        Setting::SaltFile,
        Setting::CaFile,
        Setting::Token,
        Setting::SpoolMaxBytes,
        Setting::SpoolMaxAgeDays,
        Setting::ErrorDetail,
        Setting::Debug,
        Setting::Output,
        Setting::MetadataKey,
    ];

    /// This setting's row in the table of settings.
    pub fn info(self) -> &'static SettingInfo {
        super::settings::info(self)
    }

    /// The environment variable that carries this setting (for the metadata allowlist, which
    /// has none, its name in words).
    pub fn env_var(self) -> &'static str {
        self.info().env_var.unwrap_or("metadata allowlist key")
    }

    /// What a valid value looks like, for warnings and docs.
    pub fn valid_values(self) -> &'static str {
        self.info().valid_values
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
