//! The privacy settings of `mt_config` that take an enum: the typed metadata allowlist and the
//! detail level of errors. Enums arrive as `int`, so that a value C made up is refused with a
//! status instead of being undefined behaviour in Rust. And the one function that shows what
//! those settings let leave: `mt_config_anonymize_event`.

use std::ffi::{c_char, c_int};

use super::config::mt_config;
use super::handles::{borrow, borrow_mut, required_str, string_to_c};
use super::status::{mt_status, status_of};
use crate::anonymize::{ErrorDetail, ValueType};
use crate::event::anonymize_event;

/// The type an allowlisted metadata or context key accepts (`mt_config_allow_metadata_field`).
/// A value of another type is dropped, never converted.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mt_value_type {
    /// Any scalar: booleans, numbers and null as they are, strings scrubbed and cut to 128
    /// bytes (what `mt_config_allow_metadata_key` allows).
    MT_VALUE_ANY = 0,
    /// `true` or `false`.
    MT_VALUE_BOOLEAN = 1,
    /// A whole number from 0 up (`3` or `3.0`).
    MT_VALUE_NON_NEGATIVE_INTEGER = 2,
    /// Any number from 0 up.
    MT_VALUE_NON_NEGATIVE_NUMBER = 3,
    /// A whole number from 100 to 599.
    MT_VALUE_HTTP_STATUS_CODE = 4,
}

/// How much of each error event leaves (`mt_config_set_error_detail`, `TELEMETRY_ERROR_DETAIL`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mt_error_detail {
    /// The error type, the scrubbed message and the scrubbed stack trace (the default).
    MT_ERROR_DETAIL_FULL = 0,
    /// The error type and the trace reduced to its frames, one `file:line in function` per
    /// line (file base name only; no message, source lines or locals). `error_message` is sent
    /// as `""`.
    MT_ERROR_DETAIL_FRAMES = 1,
    /// The error type only: `error_message` is sent as `""` and no stack trace is sent.
    MT_ERROR_DETAIL_TYPE = 2,
}

fn value_type_from_c(value: c_int) -> Option<ValueType> {
    Some(match value {
        0 => ValueType::Any,
        1 => ValueType::Boolean,
        2 => ValueType::NonNegativeInteger,
        3 => ValueType::NonNegativeNumber,
        4 => ValueType::HttpStatusCode,
        _ => return None,
    })
}

fn error_detail_from_c(value: c_int) -> Option<ErrorDetail> {
    Some(match value {
        0 => ErrorDetail::Full,
        1 => ErrorDetail::Frames,
        2 => ErrorDetail::Type,
        _ => return None,
    })
}

ffi_fn! {
    /// Lets metadata and error-context values under `key` leave when they have the type
    /// `value_type` (an `mt_value_type`); a value of another type is dropped. Built-in keys keep
    /// their types: `duration_ms` a non-negative number, `success` and `cache_hit` booleans,
    /// `retry_count` and `result_count` non-negative integers, `status_code` 100 to 599; naming one
    /// with its own type or `MT_VALUE_ANY` is accepted and changes nothing. Naming a key again
    /// replaces its type. Secret-looking keys (containing password, token, secret, session, auth,
    /// …) are refused. At most 32 keys may be added.
    ///
    /// `value_type` is an `int` rather than `mt_value_type` so that any value a C program holds is
    /// safe to pass; an `mt_value_type` converts implicitly.
    ///
    /// Ownership: both borrowed; `key` is copied. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8`, `MT_ERR_INVALID_ARGUMENT`
    /// (`value_type` is not an `mt_value_type`) or `MT_ERR_INVALID_CONFIG_VALUE` (empty, over 64
    /// bytes, characters other than `A-Z a-z 0-9 _ . -`, secret-looking, a built-in key with
    /// another type, or one key too many).
    fn mt_config_allow_metadata_field(
        config: *mut mt_config,
        key: *const c_char,
        value_type: c_int,
    ) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let key = try_arg!(unsafe { required_str(key) });
        let Some(value_type) = value_type_from_c(value_type) else {
            return mt_status::MT_ERR_INVALID_ARGUMENT;
        };
        status_of(config.allow_metadata_field(key, value_type))
    }
}

ffi_fn! {
    /// Sets how much of each error event leaves (like `TELEMETRY_ERROR_DETAIL`): `detail` is an
    /// `mt_error_detail`. `MT_ERROR_DETAIL_FULL` (the default) sends the scrubbed message and
    /// trace, `MT_ERROR_DETAIL_FRAMES` the trace's frames only, `MT_ERROR_DETAIL_TYPE` the error
    /// type only. Below full, `error_message` is sent as `""`.
    ///
    /// `detail` is an `int` rather than `mt_error_detail` so that any value a C program holds is
    /// safe to pass; an `mt_error_detail` converts implicitly.
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_ARGUMENT` (`detail` is not an
    /// `mt_error_detail`; the setting is left unchanged).
    fn mt_config_set_error_detail(config: *mut mt_config, detail: c_int) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        let Some(detail) = error_detail_from_c(detail) else {
            return mt_status::MT_ERR_INVALID_ARGUMENT;
        };
        config.set_error_detail(detail);
        mt_status::MT_OK
    }
}

ffi_fn! {
    /// Anonymizes one event as a client made from `config` would send it, without a client: the
    /// same packing and wire writer, the config's salt, typed metadata allowlist and error detail.
    /// `event_json` is one JSON object: `{"event_type": "agent_usage", "agent_id", "operation",
    /// "metadata"}`, `{"event_type": "performance", "metric_name", "value", "unit", "tags"}` or
    /// `{"event_type": "error", "error_type", "error_message", "stack_trace", "context"}`
    /// (`metadata`, `tags`, `context` objects, `unit` and `stack_trace` may be absent or null;
    /// `unit` defaults to `"ms"`). The result is the event's wire form, one JSON object, with
    /// `timestamp` (now) included, as it would appear in a batch's `events`.
    ///
    /// The salt is the config's (`mt_config_set_salt`, `TELEMETRY_SALT`), else the
    /// per-installation salt file's if that file already exists; it is never created. Nothing is
    /// sent, queued or written, and no thread or socket is used, so consent (`DO_NOT_TRACK`,
    /// `TELEMETRY_ENABLED`, the recorded choice, `mt_config_set_enabled`) does not apply.
    ///
    /// Ownership: both borrowed; the caller owns the returned string and frees it with
    /// `mt_string_free`. Threads: any thread, as long as no other thread changes `config`.
    /// Returns NULL if an argument is NULL or not valid UTF-8, if `event_json` is not a JSON
    /// object of one of those shapes (unknown `event_type`, missing or mistyped field, a
    /// non-finite value), or if there is no salt (none set and no salt file yet).
    fn mt_config_anonymize_event(
        config: *const mt_config,
        event_json: *const c_char,
    ) -> *mut c_char {
        // SAFETY: documented contract: NULL or a live config no other thread changes meanwhile.
        let config = try_arg!(unsafe { borrow(config) });
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let event_json = try_arg!(unsafe { required_str(event_json) });
        match anonymize_event(config, event_json) {
            Ok(wire) => string_to_c(wire),
            Err(_) => std::ptr::null_mut(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_c_enumerator_converts_and_nothing_else_does() {
        use mt_error_detail::*;
        use mt_value_type::*;
        let types = [
            (MT_VALUE_ANY, ValueType::Any),
            (MT_VALUE_BOOLEAN, ValueType::Boolean),
            (MT_VALUE_NON_NEGATIVE_INTEGER, ValueType::NonNegativeInteger),
            (MT_VALUE_NON_NEGATIVE_NUMBER, ValueType::NonNegativeNumber),
            (MT_VALUE_HTTP_STATUS_CODE, ValueType::HttpStatusCode),
        ];
        for (c, rust) in types {
            assert_eq!(value_type_from_c(c as c_int), Some(rust));
        }
        let details = [
            (MT_ERROR_DETAIL_FULL, ErrorDetail::Full),
            (MT_ERROR_DETAIL_FRAMES, ErrorDetail::Frames),
            (MT_ERROR_DETAIL_TYPE, ErrorDetail::Type),
        ];
        for (c, rust) in details {
            assert_eq!(error_detail_from_c(c as c_int), Some(rust));
        }
        for bad in [-1, 5, 99, c_int::MAX, c_int::MIN] {
            assert_eq!(value_type_from_c(bad), None);
        }
        for bad in [-1, 3, c_int::MAX, c_int::MIN] {
            assert_eq!(error_detail_from_c(bad), None);
        }
    }
}
