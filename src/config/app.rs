//! The settings that say whose choice applies: the application's name, where the recorded
//! choices are kept, and what the environment said about this process.

use std::ffi::OsString;
use std::path::PathBuf;

use super::{Config, ConfigError, Setting};
use crate::consent::is_valid_app_name;

/// What the environment says before any recorded choice (rows 1 and 2 of the order in
/// `consent::decision`), as read by [`Config::from_env`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EnvironmentRows {
    /// `DO_NOT_TRACK` is set to anything but empty or `0`.
    pub do_not_track: bool,
    /// `TELEMETRY_ENABLED`, when set.
    pub enabled: Option<bool>,
}

impl EnvironmentRows {
    /// Reads `DO_NOT_TRACK` and `TELEMETRY_ENABLED` through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Self {
        let text = |name: &str| {
            lookup(name)
                .map(|value| value.to_string_lossy().into_owned())
                .filter(|value| !value.trim().is_empty())
        };
        if super::env::do_not_track(text(Setting::DoNotTrack.env_var()).as_deref()) {
            return EnvironmentRows {
                do_not_track: true,
                enabled: None,
            };
        }
        EnvironmentRows {
            do_not_track: false,
            enabled: text(Setting::Enabled.env_var()).map(|value| super::env::parse_yes(&value)),
        }
    }
}

impl Config {
    /// Names the application, so that its own recorded choice applies (else the global one):
    /// 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or digit.
    pub fn set_app_name(&mut self, name: &str) -> Result<(), ConfigError> {
        if !is_valid_app_name(name) {
            return Err(ConfigError {
                setting: Setting::App,
            });
        }
        self.app_name = Some(name.to_owned());
        Ok(())
    }

    /// Where the recorded choices are kept, instead of `TELEMETRY_CONSENT_FILE` or the default
    /// beside the salt file.
    pub fn set_consent_file(&mut self, path: impl Into<PathBuf>) -> Result<(), ConfigError> {
        let path = path.into();
        if path.as_os_str().is_empty() {
            return Err(ConfigError {
                setting: Setting::ConsentFile,
            });
        }
        self.consent_file = Some(path);
        Ok(())
    }

    /// What the environment said about this process, when the config was read from it; `None`
    /// for a config built in code (the client then reads the process environment itself).
    pub fn environment_rows(&self) -> Option<EnvironmentRows> {
        self.environment_rows
    }

    pub(crate) fn set_environment_rows(&mut self, rows: EnvironmentRows) {
        self.environment_rows = Some(rows);
    }

    pub fn app_name(&self) -> Option<&str> {
        self.app_name.as_deref()
    }

    pub fn consent_file(&self) -> Option<&PathBuf> {
        self.consent_file.as_ref()
    }
}
