//! Reading the settings from the environment (or a stand-in for it, in tests).

use std::ffi::OsString;
use std::path::PathBuf;

use super::{Config, ConfigError, EnvironmentRows, Setting, SETTINGS};
use crate::anonymize::ErrorDetail;
use crate::consent::{consent_path, Consent, ConsentFile};
use crate::log::Logger;

impl Config {
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
                // Disabled for this process, as TELEMETRY_ENABLED=no would: no recorded choice
                // or host flag can turn on a config whose settings were refused.
                let mut config = Config::default();
                config.set_environment_rows(EnvironmentRows {
                    do_not_track: false,
                    enabled: Some(false),
                });
                config
            }
        }
    }

    /// Reads settings through `lookup` (a stand-in for the environment). `Err` names the first
    /// invalid variable.
    ///
    /// `DO_NOT_TRACK`, or `TELEMETRY_ENABLED` set to anything but yes, give a disabled config and
    /// nothing else is read. With `TELEMETRY_ENABLED` unset, only what finds the recorded choice
    /// is read (`TELEMETRY_APP`, `TELEMETRY_CONSENT_FILE`, `XDG_CONFIG_HOME`, `HOME`), and the
    /// other settings only when that choice is `on` or `local`. The client applies the whole
    /// order (`consent::decision`); the config keeps what the environment said.
    pub fn try_from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, ConfigError> {
        let mut config = Config::default();
        let rows = EnvironmentRows::from_lookup(&lookup);
        config.set_environment_rows(rows);
        if rows.do_not_track {
            return Ok(config);
        }
        let enabled = rows.enabled;
        match enabled {
            Some(false) => return Ok(config),
            Some(true) => config.enabled = true,
            None => {
                // The recorded choice may say on or local: find it before reading anything else.
                for setting in [Setting::App, Setting::ConsentFile] {
                    if let Some(raw) = lookup(setting.env_var()).filter(|value| !value.is_empty()) {
                        config.apply_env(setting, raw)?;
                    }
                }
                if !recorded_choice_collects(&config, &lookup) {
                    return Ok(config);
                }
            }
        }
        // In the table's order, so that the first invalid variable is the one named.
        for row in SETTINGS {
            let Some(var) = row.env_var else { continue };
            let Some(raw) = lookup(var).filter(|value| !value.is_empty()) else {
                continue;
            };
            config.apply_env(row.setting, raw)?;
        }
        Ok(config)
    }

    /// Applies one variable's value, through the same setter code would call. Every setting is
    /// named here (the match is exhaustive), so a new row in the table cannot be left unread.
    fn apply_env(&mut self, setting: Setting, raw: OsString) -> Result<(), ConfigError> {
        let refused = ConfigError { setting };
        // As in the Python module, a variable set to blanks counts as unset; paths are taken
        // as they are (they may legitimately hold spaces, or bytes that are not UTF-8).
        let untrimmed = raw.to_string_lossy().into_owned();
        let text = untrimmed.trim();
        if text.is_empty()
            && !matches!(
                setting,
                Setting::SaltFile | Setting::CaFile | Setting::ConsentFile
            )
        {
            return Ok(());
        }
        match setting {
            // Read before everything else by `try_from_lookup`; only code adds metadata keys.
            Setting::Enabled | Setting::DoNotTrack | Setting::MetadataKey => Ok(()),
            Setting::Endpoint => self.set_endpoint(text),
            Setting::Timeout => self.set_timeout_secs(parse_number(text, setting)?),
            Setting::BatchSize => self.set_batch_size(parse_number(text, setting)?),
            Setting::RetryAttempts => self.set_retry_attempts(parse_number(text, setting)?),
            Setting::RetryBackoff => self.set_retry_backoff(parse_number(text, setting)?),
            Setting::FlushInterval => self.set_flush_interval_ms(parse_number(text, setting)?),
            Setting::QueueCapacity => self.set_queue_capacity(parse_number(text, setting)?),
            // The salt is used exactly as given: trimming it would change every hash.
            Setting::Salt => self.set_salt(&untrimmed),
            Setting::SaltFile => self.set_salt_file(PathBuf::from(raw)),
            Setting::ConsentFile => self.set_consent_file(PathBuf::from(raw)),
            Setting::App => self.set_app_name(text),
            Setting::CaFile => self.set_ca_file(PathBuf::from(raw)),
            Setting::Token => self.set_token(Some(text)),
            Setting::SpoolMaxBytes => self.set_spool_max_bytes(parse_number(text, setting)?),
            Setting::SpoolMaxAgeDays => self.set_spool_max_age_days(parse_number(text, setting)?),
            Setting::ErrorDetail => {
                self.set_error_detail(ErrorDetail::parse(text).ok_or(refused)?);
                Ok(())
            }
            Setting::Debug => {
                self.set_debug(parse_yes(text));
                Ok(())
            }
            Setting::Protocol => {
                self.set_protocol(crate::otlp::Protocol::parse(text).ok_or(refused)?)
            }
            Setting::OtlpLogsEndpoint | Setting::OtlpEndpoint | Setting::OtlpHeaders => {
                self.set_otel_variable(setting, text)
            }
            Setting::Output => match text.strip_prefix("file:") {
                Some(path) => self.set_output_file(path.trim()),
                None if text.eq_ignore_ascii_case("http") => Ok(()),
                None => Err(refused),
            },
        }
    }
}

/// Whether the choice recorded for the config's application (else the global one) is `on` or
/// `local`. A file that cannot be read counts as no choice: the client reports it.
fn recorded_choice_collects(config: &Config, lookup: &impl Fn(&str) -> Option<OsString>) -> bool {
    let path = config
        .consent_file()
        .cloned()
        .or_else(|| consent_path(lookup));
    let Some(file) = path.and_then(|path| ConsentFile::load(&path).ok()) else {
        return false;
    };
    let entry = config
        .app_name()
        .and_then(|app| file.app(app))
        .or_else(|| file.global());
    entry.is_some_and(|entry| matches!(entry.level, Consent::On | Consent::Local))
}

/// `DO_NOT_TRACK` set to anything but empty or `0` turns telemetry off.
pub(super) fn do_not_track(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        !v.is_empty() && v != "0"
    })
}

pub(super) fn parse_yes(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

fn parse_number<T: std::str::FromStr>(value: &str, setting: Setting) -> Result<T, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError { setting })
}
