//! Reading the settings from the environment (or a stand-in for it, in tests).

use std::ffi::OsString;
use std::path::PathBuf;

use super::{Config, ConfigError, Setting, SETTINGS};
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
        if text.is_empty() && !matches!(setting, Setting::SaltFile | Setting::CaFile) {
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
            Setting::CaFile => self.set_ca_file(PathBuf::from(raw)),
            Setting::ErrorDetail => {
                self.set_error_detail(ErrorDetail::parse(text).ok_or(refused)?);
                Ok(())
            }
            Setting::Debug => {
                self.set_debug(parse_yes(text));
                Ok(())
            }
            Setting::Output => match text.strip_prefix("file:") {
                Some(path) => self.set_output_file(path.trim()),
                None if text.eq_ignore_ascii_case("http") => Ok(()),
                None => Err(refused),
            },
        }
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
