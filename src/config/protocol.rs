//! `TELEMETRY_PROTOCOL` and the OpenTelemetry variables it brings in: where OTLP batches go
//! (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT`) and which headers they
//! carry (`OTEL_EXPORTER_OTLP_HEADERS`).
//!
//! The `OTEL_*` variables are read with the other settings, that is only once the consent order
//! says this process collects: they never turn sending on. They are checked only when the
//! protocol is `otlp`, so an environment set up for some other OpenTelemetry exporter (a gRPC
//! endpoint on another host, say) never disables the default protocol.

use super::{Config, ConfigError, Setting, DEFAULT_ENDPOINT};
use crate::otlp::{logs_url_from_base, ExportHeaders, Protocol, DEFAULT_OTLP_ENDPOINT};
use crate::transport::normalize_endpoint;

/// The protocol and, for OTLP, what the environment said about the endpoint and headers.
#[derive(Clone, Default)]
pub(super) struct ProtocolSettings {
    protocol: Protocol,
    /// The `OTEL_*` values as the environment gave them, checked when the protocol is OTLP.
    logs_endpoint_variable: Option<String>,
    endpoint_variable: Option<String>,
    headers_variable: Option<String>,
    /// Resolved from those when the protocol is OTLP.
    otel_endpoint: Option<String>,
    headers: ExportHeaders,
}

impl Config {
    /// Sends batches as wire format 1.0 (`Protocol::Mycelium`, the default) or as OTLP/HTTP JSON
    /// logs (`Protocol::Otlp`). Choosing OTLP checks the `OTEL_EXPORTER_OTLP_*` values read from
    /// the environment; one that breaks the rules refuses the choice (naming that variable, never
    /// its value) and leaves the protocol as it was.
    pub fn set_protocol(&mut self, protocol: Protocol) -> Result<(), ConfigError> {
        let before = std::mem::replace(&mut self.protocol.protocol, protocol);
        let resolved = self.resolve_otlp();
        if resolved.is_err() {
            self.protocol.protocol = before;
        }
        resolved
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol.protocol
    }

    /// The headers of `OTEL_EXPORTER_OTLP_HEADERS`, sent with every OTLP request.
    pub fn otlp_headers(&self) -> &ExportHeaders {
        &self.protocol.headers
    }

    /// Where batches go. For OTLP: `TELEMETRY_ENDPOINT` (or the endpoint setter) when it names
    /// another URL than the reference collector's, else `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` as
    /// it is, else `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/logs` appended, else
    /// `http://localhost:4318/v1/logs`.
    pub fn endpoint(&self) -> &str {
        if self.protocol.protocol == Protocol::Mycelium || self.endpoint != DEFAULT_ENDPOINT {
            return &self.endpoint;
        }
        self.protocol
            .otel_endpoint
            .as_deref()
            .unwrap_or(DEFAULT_OTLP_ENDPOINT)
    }

    /// Keeps one `OTEL_*` variable's value, checked at once when the protocol is already OTLP.
    pub(super) fn set_otel_variable(
        &mut self,
        setting: Setting,
        value: &str,
    ) -> Result<(), ConfigError> {
        let slot = match setting {
            Setting::OtlpLogsEndpoint => &mut self.protocol.logs_endpoint_variable,
            Setting::OtlpEndpoint => &mut self.protocol.endpoint_variable,
            _ => &mut self.protocol.headers_variable,
        };
        *slot = Some(value.to_owned());
        self.resolve_otlp()
    }

    /// For OTLP, the endpoint and headers from the kept `OTEL_*` values; nothing otherwise.
    fn resolve_otlp(&mut self) -> Result<(), ConfigError> {
        let settings = &mut self.protocol;
        if settings.protocol != Protocol::Otlp {
            return Ok(());
        }
        // The signal-specific variable wins and is used as it is (no path appended).
        let endpoint = match (
            &settings.logs_endpoint_variable,
            &settings.endpoint_variable,
        ) {
            (Some(url), _) => Some(normalize_endpoint(url).ok_or(ConfigError {
                setting: Setting::OtlpLogsEndpoint,
            })?),
            (None, Some(base)) => Some(normalize_endpoint(&logs_url_from_base(base)).ok_or(
                ConfigError {
                    setting: Setting::OtlpEndpoint,
                },
            )?),
            (None, None) => None,
        };
        let headers = match &settings.headers_variable {
            Some(text) => ExportHeaders::parse(text).map_err(|_| ConfigError {
                setting: Setting::OtlpHeaders,
            })?,
            None => ExportHeaders::default(),
        };
        settings.otel_endpoint = endpoint;
        settings.headers = headers;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .chain([("TELEMETRY_ENABLED".to_owned(), "1".to_owned())])
            .collect();
        Config::try_from_lookup(move |name| {
            vars.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn endpoint_follows_the_specified_order() {
        let base = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/");
        let logs = (
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
            "http://localhost:9/custom",
        );
        let otlp = ("TELEMETRY_PROTOCOL", "OTLP");
        let own = ("TELEMETRY_ENDPOINT", "http://[::1]:7/x");
        let endpoint = |vars: &[(&str, &str)]| from(vars).unwrap().endpoint().to_owned();
        assert_eq!(endpoint(&[otlp]), DEFAULT_OTLP_ENDPOINT);
        assert_eq!(endpoint(&[otlp, base]), "http://127.0.0.1:4318/v1/logs");
        assert_eq!(endpoint(&[otlp, base, logs]), "http://localhost:9/custom");
        assert_eq!(endpoint(&[otlp, base, logs, own]), "http://[::1]:7/x");
        // Without OTLP, the OpenTelemetry variables change nothing.
        assert_eq!(endpoint(&[base, logs]), DEFAULT_ENDPOINT);
    }

    #[test]
    fn otel_variables_are_checked_only_for_otlp() {
        let remote = (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://collector.example.com:4317",
        );
        let headers = ("OTEL_EXPORTER_OTLP_HEADERS", "no-equals-sign");
        assert!(from(&[remote, headers]).is_ok());
        let otlp = ("TELEMETRY_PROTOCOL", "otlp");
        assert_eq!(
            from(&[otlp, remote]).unwrap_err().setting,
            Setting::OtlpEndpoint
        );
        assert_eq!(
            from(&[otlp, headers]).unwrap_err().setting,
            Setting::OtlpHeaders
        );
    }

    #[test]
    fn otel_variables_never_enable_sending() {
        let config = Config::try_from_lookup(|name| match name {
            "TELEMETRY_PROTOCOL" => Some("otlp".into()),
            "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://127.0.0.1:4318".into()),
            "OTEL_EXPORTER_OTLP_HEADERS" => Some("api-key=x".into()),
            _ => None,
        })
        .unwrap();
        assert!(!config.enabled());
    }

    #[test]
    fn set_protocol_refuses_bad_otel_values_and_keeps_the_old_protocol() {
        let mut config = from(&[("OTEL_EXPORTER_OTLP_HEADERS", "planted-secret")]).unwrap();
        let error = config.set_protocol(Protocol::Otlp).unwrap_err();
        assert_eq!(error.setting, Setting::OtlpHeaders);
        assert!(!error.to_string().contains("planted-secret"), "{error}");
        assert_eq!(config.protocol(), Protocol::Mycelium);
        let mut config = from(&[("OTEL_EXPORTER_OTLP_HEADERS", "api-key=planted-secret")]).unwrap();
        config.set_protocol(Protocol::Otlp).unwrap();
        let pairs: Vec<_> = config.otlp_headers().iter().collect();
        assert_eq!(pairs, [("api-key", "planted-secret")]);
        assert!(!format!("{config:?}").contains("planted-secret"));
    }
}
