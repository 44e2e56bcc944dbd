//! The protocol setting of `mt_config`: wire format 1.0 or OTLP/HTTP JSON logs. The enum
//! arrives as `int`, so that a value C made up is refused with a status instead of being
//! undefined behaviour in Rust.

use std::ffi::c_int;

use super::config::mt_config;
use super::handles::borrow_mut;
use super::status::{mt_status, status_of};
use crate::otlp::Protocol;

/// What batches are sent as (`mt_config_set_protocol`, `TELEMETRY_PROTOCOL`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mt_protocol {
    /// Wire format 1.0 (docs/protocol.md), for the reference collector (the default).
    MT_PROTOCOL_MYCELIUM = 0,
    /// OTLP/HTTP JSON logs, for an OpenTelemetry Collector (docs/opentelemetry.md).
    MT_PROTOCOL_OTLP = 1,
}

fn protocol_from_c(value: c_int) -> Option<Protocol> {
    Some(match value {
        0 => Protocol::Mycelium,
        1 => Protocol::Otlp,
        _ => return None,
    })
}

ffi_fn! {
    /// Sets what batches are sent as (like `TELEMETRY_PROTOCOL`): `protocol` is an
    /// `mt_protocol`. `MT_PROTOCOL_MYCELIUM` (the default) sends wire format 1.0 to the
    /// endpoint; `MT_PROTOCOL_OTLP` sends the same scrubbed events as OTLP/HTTP JSON logs. With
    /// OTLP, an endpoint left at the default is taken from `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`,
    /// else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`, else `http://localhost:4318/v1/logs`,
    /// and `OTEL_EXPORTER_OTLP_HEADERS` is sent with each request, for a config from
    /// `mt_config_from_env` that collects (a config from `mt_config_new` reads no variable).
    /// Choosing a protocol never enables telemetry.
    ///
    /// `protocol` is an `int` rather than `mt_protocol` so that any value a C program holds is
    /// safe to pass; an `mt_protocol` converts implicitly.
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_ARGUMENT` (`protocol` is not an
    /// `mt_protocol`) or `MT_ERR_INVALID_CONFIG_VALUE` (an `OTEL_EXPORTER_OTLP_*` value the
    /// environment gave breaks its rules); on an error the setting is left unchanged.
    fn mt_config_set_protocol(config: *mut mt_config, protocol: c_int) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        let Some(protocol) = protocol_from_c(protocol) else {
            return mt_status::MT_ERR_INVALID_ARGUMENT;
        };
        status_of(config.set_protocol(protocol))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_c_value_maps_and_others_are_refused() {
        use mt_protocol::*;
        for (c, rust) in [
            (MT_PROTOCOL_MYCELIUM, Protocol::Mycelium),
            (MT_PROTOCOL_OTLP, Protocol::Otlp),
        ] {
            assert_eq!(protocol_from_c(c as c_int), Some(rust));
        }
        for bad in [-1, 2, c_int::MAX] {
            assert_eq!(protocol_from_c(bad), None);
        }
        let config = super::super::config::mt_config_new();
        assert_eq!(mt_config_set_protocol(config, 1), mt_status::MT_OK);
        assert_eq!(
            mt_config_set_protocol(config, 7),
            mt_status::MT_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            mt_config_set_protocol(std::ptr::null_mut(), 1),
            mt_status::MT_ERR_NULL_ARGUMENT
        );
        super::super::config::mt_config_free(config);
    }
}
