//! The one table of settings: for each, its environment variable, C setter, type, range, default
//! and meaning. `from_env`, the setters' range checks, the error messages and the table in
//! `docs/telemetry-configuration.md` (checked by `tests/settings_table.rs`) all read it, so a
//! range or default is written once. Bindings and their contract read it too.

use super::setting::Setting;

/// What kind of value a setting takes, with its bounds where it has them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SettingKind {
    /// Yes or no: `true`, `1`, `yes`, `on` (any case) mean yes, anything else no.
    Flag,
    /// A whole number from `min` to `max` inclusive, in `unit` ("" when it has none).
    WholeNumber {
        min: u32,
        max: u32,
        unit: &'static str,
    },
    /// A finite number from `min` to `max` inclusive.
    Number { min: f64, max: f64 },
    /// The collector URL (rules in `transport::normalize_endpoint`).
    Url,
    /// A non-empty string.
    Text,
    /// A non-empty file path.
    Path,
    /// One of these words, in any case.
    Choice(&'static [&'static str]),
}

/// One row of [`SETTINGS`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SettingInfo {
    pub setting: Setting,
    /// The environment variable, or `None` for a setting made only in code.
    pub env_var: Option<&'static str>,
    /// The C function that sets it, or `None` when only the environment can.
    pub c_setter: Option<&'static str>,
    /// The `Config` method that sets it, or `None` when only the environment can.
    pub rust_setter: Option<&'static str>,
    pub kind: SettingKind,
    /// The value when nothing sets it, as a user would write it.
    pub default: &'static str,
    /// What a valid value looks like, as the error message and the docs say it.
    pub valid_values: &'static str,
    /// What the setting does, one sentence for the docs.
    pub description: &'static str,
}

/// Every setting, in the order the docs list them.
pub const SETTINGS: &[SettingInfo] = &[
    SettingInfo {
        setting: Setting::Enabled,
        env_var: Some("TELEMETRY_ENABLED"),
        c_setter: Some("mt_config_set_enabled"),
        rust_setter: Some("set_enabled"),
        kind: SettingKind::Flag,
        default: "false",
        valid_values: "true/1/yes/on enables, anything else disables",
        description: "for this process only: yes opts in, anything else opts out, over any recorded choice (see Who decides)",
    },
    SettingInfo {
        setting: Setting::DoNotTrack,
        env_var: Some("DO_NOT_TRACK"),
        c_setter: None,
        rust_setter: None,
        kind: SettingKind::Flag,
        default: "unset",
        valid_values: "anything but empty or 0 forces telemetry off",
        description: "the user's global opt-out; wins over everything else wherever the environment is read",
    },
    SettingInfo {
        setting: Setting::App,
        env_var: Some("TELEMETRY_APP"),
        c_setter: Some("mt_config_set_app_name"),
        rust_setter: Some("set_app_name"),
        kind: SettingKind::Text,
        default: "unset",
        valid_values: "1 to 64 of A-Z a-z 0-9 - _ ., starting with a letter or digit",
        description: "the application's name: its own recorded choice applies, else the global one",
    },
    SettingInfo {
        setting: Setting::ConsentFile,
        env_var: Some("TELEMETRY_CONSENT_FILE"),
        c_setter: None,
        rust_setter: Some("set_consent_file"),
        kind: SettingKind::Path,
        default: "see below",
        valid_values: "a non-empty file path",
        description: "where the recorded choices are kept (telemetry_consent.json beside the salt file by default)",
    },
    SettingInfo {
        setting: Setting::Endpoint,
        env_var: Some("TELEMETRY_ENDPOINT"),
        c_setter: Some("mt_config_set_endpoint"),
        rust_setter: Some("set_endpoint"),
        kind: SettingKind::Url,
        default: super::DEFAULT_ENDPOINT,
        valid_values: "an https:// URL without user or password (http:// only for 127.0.0.0/8, ::1 or localhost)",
        description: "the collector; no scheme means https://",
    },
    SettingInfo {
        setting: Setting::Protocol,
        env_var: Some("TELEMETRY_PROTOCOL"),
        c_setter: Some("mt_config_set_protocol"),
        rust_setter: Some("set_protocol"),
        kind: SettingKind::Choice(&["mycelium", "otlp"]),
        default: "mycelium",
        valid_values: "mycelium or otlp",
        description: "what batches are sent as: wire format 1.0 for the reference collector, or OTLP/HTTP JSON logs for an OpenTelemetry Collector (see docs/opentelemetry.md)",
    },
    SettingInfo {
        setting: Setting::OtlpLogsEndpoint,
        env_var: Some("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"),
        c_setter: None,
        rust_setter: None,
        kind: SettingKind::Url,
        default: "unset",
        valid_values: "the OTLP logs URL, used as it is, with the rules of TELEMETRY_ENDPOINT",
        description: "OTLP only, read only when telemetry is on: where batches go when TELEMETRY_ENDPOINT is not set",
    },
    SettingInfo {
        setting: Setting::OtlpEndpoint,
        env_var: Some("OTEL_EXPORTER_OTLP_ENDPOINT"),
        c_setter: None,
        rust_setter: None,
        kind: SettingKind::Url,
        default: "http://localhost:4318",
        valid_values: "the OTLP base URL, /v1/logs is appended, with the rules of TELEMETRY_ENDPOINT",
        description: "OTLP only, read only when telemetry is on: the Collector, when neither TELEMETRY_ENDPOINT nor OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is set",
    },
    SettingInfo {
        setting: Setting::OtlpHeaders,
        env_var: Some("OTEL_EXPORTER_OTLP_HEADERS"),
        c_setter: None,
        rust_setter: None,
        kind: SettingKind::Text,
        default: "unset",
        valid_values: "name=value pairs separated by commas, values %-encoded, no control characters",
        description: "OTLP only: headers sent with every request (an API key); the values never appear in a warning or debug output",
    },
    SettingInfo {
        setting: Setting::Timeout,
        env_var: Some("TELEMETRY_TIMEOUT"),
        c_setter: Some("mt_config_set_timeout_secs"),
        rust_setter: Some("set_timeout_secs"),
        kind: SettingKind::WholeNumber { min: 1, max: 30, unit: "seconds" },
        default: "5",
        valid_values: "whole seconds from 1 to 30",
        description: "the longest one request may take",
    },
    SettingInfo {
        setting: Setting::BatchSize,
        env_var: Some("TELEMETRY_BATCH_SIZE"),
        c_setter: Some("mt_config_set_batch_size"),
        rust_setter: Some("set_batch_size"),
        kind: SettingKind::WholeNumber { min: 1, max: 1000, unit: "" },
        default: "100",
        valid_values: "a whole number from 1 to 1000",
        description: "events per batch",
    },
    SettingInfo {
        setting: Setting::RetryAttempts,
        env_var: Some("TELEMETRY_RETRY_ATTEMPTS"),
        c_setter: Some("mt_config_set_retry_attempts"),
        rust_setter: Some("set_retry_attempts"),
        kind: SettingKind::WholeNumber { min: 0, max: 10, unit: "" },
        default: "3",
        valid_values: "a whole number from 0 to 10",
        description: "retries after a failed attempt",
    },
    SettingInfo {
        setting: Setting::RetryBackoff,
        env_var: Some("TELEMETRY_RETRY_BACKOFF"),
        c_setter: Some("mt_config_set_retry_backoff"),
        rust_setter: Some("set_retry_backoff"),
        kind: SettingKind::Number { min: 1.0, max: 10.0 },
        default: "2.0",
        valid_values: "a number from 1.0 to 10.0",
        description: "factor between successive retry delays",
    },
    SettingInfo {
        setting: Setting::FlushInterval,
        env_var: Some("TELEMETRY_FLUSH_INTERVAL_MS"),
        c_setter: Some("mt_config_set_flush_interval_ms"),
        rust_setter: Some("set_flush_interval_ms"),
        kind: SettingKind::WholeNumber { min: 10, max: 3_600_000, unit: "milliseconds" },
        default: "5000",
        valid_values: "whole milliseconds from 10 to 3600000",
        description: "the longest a partial batch waits before it is sent",
    },
    SettingInfo {
        setting: Setting::QueueCapacity,
        env_var: Some("TELEMETRY_QUEUE_CAPACITY"),
        c_setter: Some("mt_config_set_queue_capacity"),
        rust_setter: Some("set_queue_capacity"),
        kind: SettingKind::WholeNumber { min: 1, max: 1_000_000, unit: "" },
        default: "8192",
        valid_values: "a whole number from 1 to 1000000",
        description: "events held in memory; when full, the oldest is dropped and counted",
    },
    SettingInfo {
        setting: Setting::Salt,
        env_var: Some("TELEMETRY_SALT"),
        c_setter: Some("mt_config_set_salt"),
        rust_setter: Some("set_salt"),
        kind: SettingKind::Text,
        default: "per-installation file",
        valid_values: "any non-empty string",
        description: "the salt identifiers are hashed with; never sent, never logged",
    },
    SettingInfo {
        setting: Setting::SaltFile,
        env_var: Some("TELEMETRY_SALT_FILE"),
        c_setter: Some("mt_config_set_salt_file"),
        rust_setter: Some("set_salt_file"),
        kind: SettingKind::Path,
        default: "see below",
        valid_values: "a non-empty file path",
        description: "where the per-installation salt is kept",
    },
    SettingInfo {
        setting: Setting::CaFile,
        env_var: Some("TELEMETRY_CA_FILE"),
        c_setter: Some("mt_config_set_ca_file"),
        rust_setter: Some("set_ca_file"),
        kind: SettingKind::Path,
        default: "unset",
        valid_values: "a readable PEM file with at least one CA certificate",
        description: "CA certificates trusted besides the bundled Mozilla roots, for a self-hosted collector with a private CA; read when set",
    },
    SettingInfo {
        setting: Setting::Token,
        env_var: Some("TELEMETRY_TOKEN"),
        c_setter: Some("mt_config_set_token"),
        rust_setter: Some("set_token"),
        kind: SettingKind::Text,
        default: "unset",
        valid_values: "1 to 4096 visible ASCII characters (no spaces)",
        description: "a private collector's ingest token, sent as Authorization: Bearer <token> to the endpoint only; never logged or written to a file",
    },
    SettingInfo {
        setting: Setting::SpoolMaxBytes,
        env_var: Some("TELEMETRY_SPOOL_MAX_BYTES"),
        c_setter: Some("mt_config_set_spool_max_bytes"),
        rust_setter: Some("set_spool_max_bytes"),
        kind: SettingKind::WholeNumber { min: 0, max: 1_073_741_824, unit: "bytes" },
        default: "5242880",
        valid_values: "whole bytes from 0 to 1073741824 (0 turns the spool off)",
        description: "the most the offline spool of one application keeps; the oldest batches are removed first (see The offline spool)",
    },
    SettingInfo {
        setting: Setting::SpoolMaxAgeDays,
        env_var: Some("TELEMETRY_SPOOL_MAX_AGE_DAYS"),
        c_setter: Some("mt_config_set_spool_max_age_days"),
        rust_setter: Some("set_spool_max_age_days"),
        kind: SettingKind::WholeNumber { min: 0, max: 365, unit: "days" },
        default: "7",
        valid_values: "whole days from 0 to 365 (0 turns the spool off)",
        description: "how long a spooled batch is kept before it is removed unsent",
    },
    SettingInfo {
        setting: Setting::ErrorDetail,
        env_var: Some("TELEMETRY_ERROR_DETAIL"),
        c_setter: Some("mt_config_set_error_detail"),
        rust_setter: Some("set_error_detail"),
        kind: SettingKind::Choice(&["full", "frames", "type"]),
        default: "full",
        valid_values: "full, frames or type",
        description: "how much of each error leaves (see Error detail below)",
    },
    SettingInfo {
        setting: Setting::Debug,
        env_var: Some("TELEMETRY_DEBUG"),
        c_setter: Some("mt_config_set_debug"),
        rust_setter: Some("set_debug"),
        kind: SettingKind::Flag,
        default: "false",
        valid_values: "true/1/yes/on prints each outgoing batch to stderr",
        description: "logs each outgoing batch, as sent, at debug level (stderr or the log callback)",
    },
    SettingInfo {
        setting: Setting::Output,
        env_var: Some("TELEMETRY_OUTPUT"),
        c_setter: Some("mt_config_set_output_file"),
        rust_setter: Some("set_output_file"),
        kind: SettingKind::Text,
        default: "http",
        valid_values: "file:<path> to write batches to a local file instead of sending them",
        description: "local-only mode: append each batch as one JSON line to the file (mode 0600) and open no socket; a symbolic link, a file of another user, or a folder others can change (unless sticky, like /tmp) is refused with one warning",
    },
    SettingInfo {
        setting: Setting::MetadataKey,
        env_var: None,
        c_setter: Some("mt_config_allow_metadata_field"),
        rust_setter: Some("allow_metadata_field"),
        kind: SettingKind::Text,
        default: "none added",
        valid_values: "1 to 64 characters of A-Z a-z 0-9 _ . -, not secret-looking, at most 32 keys, \
                       a built-in key only with its own type",
        description: "a metadata key allowed beyond the built-in allowlist, with its value type",
    },
];

/// The row of `setting`. Every `Setting` has exactly one (checked by a test).
pub fn info(setting: Setting) -> &'static SettingInfo {
    SETTINGS
        .iter()
        .find(|row| row.setting == setting)
        .unwrap_or(&SETTINGS[0])
}

impl SettingInfo {
    /// The bounds of a whole-number setting, `None` for other kinds.
    pub fn whole_range(&self) -> Option<std::ops::RangeInclusive<u32>> {
        match self.kind {
            SettingKind::WholeNumber { min, max, .. } => Some(min..=max),
            _ => None,
        }
    }

    /// The bounds of a real-number setting, `None` for other kinds.
    pub fn number_range(&self) -> Option<std::ops::RangeInclusive<f64>> {
        match self.kind {
            SettingKind::Number { min, max } => Some(min..=max),
            _ => None,
        }
    }
}
