//! The table of settings (`mycelium_telemetry::config::SETTINGS`) is the one place a setting's
//! variable, range and default are written: these tests hold the setters, the defaults, the C
//! header and `docs/telemetry-configuration.md` to it. `MT_UPDATE_DOCS=1 cargo test --test
//! settings_table` rewrites the generated part of the docs.

use std::ffi::OsString;
use std::path::Path;

use mycelium_telemetry::config::{Setting, SettingKind, SETTINGS};
use mycelium_telemetry::Config;

const BEGIN: &str = "<!-- settings table: generated from src/config/settings.rs; \
                     MT_UPDATE_DOCS=1 cargo test --test settings_table -->\n";
const END: &str = "<!-- end of settings table -->\n";

fn markdown_table() -> String {
    let mut out = String::from(
        "| variable | default | valid values | what it does | in C |\n|---|---|---|---|---|\n",
    );
    for row in SETTINGS {
        let Some(var) = row.env_var else { continue };
        let setter = row
            .c_setter
            .map_or("environment only".to_owned(), |name| format!("`{name}`"));
        out.push_str(&format!(
            "| `{var}` | `{}` | {} | {} | {setter} |\n",
            row.default, row.valid_values, row.description
        ));
    }
    out
}

#[test]
fn docs_show_the_table_of_settings() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/telemetry-configuration.md");
    let docs = std::fs::read_to_string(&path).expect("docs readable");
    let start = docs.find(BEGIN).expect("docs carry the begin marker") + BEGIN.len();
    let end = start + docs[start..].find(END).expect("docs carry the end marker");
    let fresh = markdown_table();
    if std::env::var_os("MT_UPDATE_DOCS").is_some() {
        let updated = format!("{}{fresh}{}", &docs[..start], &docs[end..]);
        std::fs::write(&path, updated).expect("write docs");
        return;
    }
    assert!(
        docs[start..end] == fresh,
        "docs/telemetry-configuration.md is stale: run `MT_UPDATE_DOCS=1 cargo test --test settings_table`"
    );
}

#[test]
fn every_setting_has_exactly_one_row() {
    for setting in Setting::ALL {
        let rows = SETTINGS.iter().filter(|row| row.setting == setting).count();
        assert_eq!(rows, 1, "{setting:?}");
        assert_eq!(setting.info().setting, setting);
    }
    assert_eq!(SETTINGS.len(), Setting::ALL.len());
}

#[test]
fn every_c_setter_is_in_the_header() {
    let header = include_str!("../include/mycelium_telemetry.h");
    for row in SETTINGS {
        if let Some(name) = row.c_setter {
            assert!(
                header.contains(&format!(" {name}(")),
                "{name} not in the header"
            );
        }
    }
}

#[test]
fn messages_state_the_ranges_of_the_table() {
    for row in SETTINGS {
        match row.kind {
            SettingKind::WholeNumber { min, max, .. } => {
                let bounds = format!("from {min} to {max}");
                assert!(row.valid_values.contains(&bounds), "{:?}", row.setting);
            }
            SettingKind::Number { min, max } => {
                let bounds = format!("from {min:.1} to {max:.1}");
                assert!(row.valid_values.contains(&bounds), "{:?}", row.setting);
            }
            SettingKind::Choice(words) => {
                for word in words {
                    assert!(row.valid_values.contains(word), "{:?}", row.setting);
                }
            }
            _ => {}
        }
    }
}

/// Enables telemetry and sets one variable, through the same path as `from_env`.
fn from_env_with(var: &str, value: &str) -> Result<Config, mycelium_telemetry::ConfigError> {
    let (var, value) = (var.to_owned(), value.to_owned());
    Config::try_from_lookup(move |name| match name {
        "TELEMETRY_ENABLED" => Some(OsString::from("1")),
        name if name == var => Some(OsString::from(&value)),
        _ => None,
    })
}

/// As `from_env_with`, with `TELEMETRY_PROTOCOL=otlp` too.
fn from_env_with_otlp(var: &str, value: &str) -> Result<Config, mycelium_telemetry::ConfigError> {
    let (var, value) = (var.to_owned(), value.to_owned());
    Config::try_from_lookup(move |name| match name {
        "TELEMETRY_ENABLED" => Some(OsString::from("1")),
        "TELEMETRY_PROTOCOL" => Some(OsString::from("otlp")),
        name if name == var => Some(OsString::from(&value)),
        _ => None,
    })
}

#[test]
fn environment_and_setters_accept_exactly_the_range_of_the_table() {
    let mut checked = 0;
    for row in SETTINGS {
        let (Some(var), Some(range)) = (row.env_var, row.info_range()) else {
            continue;
        };
        let (min, max) = range;
        for (value, accepted) in [(min, true), (max, true), (max + 1, false)] {
            let result = from_env_with(var, &value.to_string());
            assert_eq!(result.is_ok(), accepted, "{var}={value}");
            if let Err(error) = result {
                assert_eq!(error.setting, row.setting);
                assert!(error.to_string().contains(row.valid_values));
            }
        }
        if min > 0 {
            assert!(from_env_with(var, &(min - 1).to_string()).is_err(), "{var}");
        }
        checked += 1;
    }
    assert_eq!(checked, 7, "whole-number settings checked");
    let backoff = Setting::RetryBackoff.info().number_range().unwrap();
    let mut config = Config::new();
    assert!(config.set_retry_backoff(*backoff.start()).is_ok());
    assert!(config.set_retry_backoff(*backoff.end()).is_ok());
    assert!(config.set_retry_backoff(backoff.end() + 0.001).is_err());
    assert!(config.set_retry_backoff(f64::NAN).is_err());
}

trait WholeRange {
    fn info_range(&self) -> Option<(u32, u32)>;
}

impl WholeRange for mycelium_telemetry::config::SettingInfo {
    fn info_range(&self) -> Option<(u32, u32)> {
        self.whole_range()
            .map(|range| (*range.start(), *range.end()))
    }
}

#[test]
fn defaults_in_the_table_are_the_defaults() {
    let config = Config::new();
    let shown = |setting: Setting| setting.info().default;
    assert_eq!(shown(Setting::Enabled), config.enabled().to_string());
    assert_eq!(shown(Setting::Endpoint), config.endpoint());
    assert_eq!(
        shown(Setting::Timeout),
        config.timeout().as_secs().to_string()
    );
    assert_eq!(shown(Setting::BatchSize), config.batch_size().to_string());
    assert_eq!(
        shown(Setting::RetryAttempts),
        config.retry_attempts().to_string()
    );
    assert_eq!(
        shown(Setting::RetryBackoff),
        format!("{:.1}", config.retry_backoff())
    );
    assert_eq!(
        shown(Setting::FlushInterval),
        config.flush_interval().as_millis().to_string()
    );
    assert_eq!(
        shown(Setting::QueueCapacity),
        config.queue_capacity().to_string()
    );
    assert_eq!(shown(Setting::Debug), config.debug().to_string());
    assert_eq!(
        shown(Setting::SpoolMaxBytes),
        config.spool_max_bytes().to_string()
    );
    assert_eq!(
        shown(Setting::SpoolMaxAgeDays),
        config.spool_max_age_days().to_string()
    );
    let detail = format!("{:?}", config.error_detail()).to_ascii_lowercase();
    assert_eq!(shown(Setting::ErrorDetail), detail);
    assert_eq!(shown(Setting::Protocol), config.protocol().name());
}

#[test]
fn the_environment_reads_every_variable_of_the_table() {
    let invalid = |setting: Setting| -> Option<&'static str> {
        match setting.info().kind {
            SettingKind::WholeNumber { .. } | SettingKind::Number { .. } => Some("many"),
            SettingKind::Url => Some("http://collector.example.com/"),
            SettingKind::Choice(_) => Some("everything"),
            SettingKind::Path if setting == Setting::CaFile => Some("/nonexistent/ca.pem"),
            SettingKind::Text if setting == Setting::Output => Some("ftp:somewhere"),
            SettingKind::Text if setting == Setting::OtlpHeaders => Some("api-key"),
            SettingKind::Text if setting == Setting::Token => Some("two words"),
            // Any value is valid: flags, salts, salt file paths.
            _ => None,
        }
    };
    // The OpenTelemetry variables are checked only when they are used, for OTLP.
    let otlp_only = [
        Setting::OtlpLogsEndpoint,
        Setting::OtlpEndpoint,
        Setting::OtlpHeaders,
    ];
    let mut checked = 0;
    for row in SETTINGS {
        let (Some(var), Some(value)) = (row.env_var, invalid(row.setting)) else {
            continue;
        };
        let error = if otlp_only.contains(&row.setting) {
            assert!(from_env_with(var, value).is_ok(), "{var} without OTLP");
            from_env_with_otlp(var, value).expect_err(var)
        } else {
            from_env_with(var, value).expect_err(var)
        };
        assert_eq!(error.setting, row.setting, "{var}");
        checked += 1;
    }
    assert_eq!(checked, 17, "variables with a value to refuse");
}

/// The doc comment the header carries above `name(`.
fn header_doc_of(name: &str) -> String {
    let header = include_str!("../include/mycelium_telemetry.h");
    let at = header
        .find(&format!(" {name}("))
        .unwrap_or_else(|| panic!("{name} not in the header"));
    let before = &header[..at];
    let start = before.rfind("/**").expect("a doc comment");
    before[start..].to_owned()
}

#[test]
fn the_c_setters_document_the_ranges_and_defaults_of_the_table() {
    let mut checked = 0;
    for row in SETTINGS {
        let Some(setter) = row.c_setter else { continue };
        let bounds = match row.kind {
            SettingKind::WholeNumber { min, max, .. } => format!("{min} to {max}"),
            SettingKind::Number { min, max } => format!("{min:.1} to {max:.1}"),
            _ => continue,
        };
        let doc = header_doc_of(setter);
        assert!(doc.contains(&bounds), "{setter}: no `{bounds}` in {doc}");
        let default = format!("(default {})", row.default);
        assert!(doc.contains(&default), "{setter}: no `{default}` in {doc}");
        checked += 1;
    }
    assert_eq!(checked, 8, "numeric settings with a C setter");
}
