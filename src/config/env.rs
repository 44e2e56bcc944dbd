//! Reading the settings from the environment (or a stand-in for it, in tests).

use std::ffi::OsString;
use std::path::PathBuf;

use super::{Config, ConfigError, Setting};
use crate::anonymize::ErrorDetail;
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
        if do_not_track(text(Setting::DoNotTrack.env_var()).as_deref()) {
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
        if let Some(value) = text(Setting::ErrorDetail.env_var()) {
            let detail = ErrorDetail::parse(&value).ok_or(ConfigError {
                setting: Setting::ErrorDetail,
            })?;
            config.set_error_detail(detail);
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
