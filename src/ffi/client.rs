//! `mt_client`: tracking, flushing, stats and shutdown, plus the process-wide client.

use std::ffi::c_char;
use std::time::Duration;

use super::config::mt_config;
use super::handles::{borrow, into_handle, non_null, optional_str, required_str, Handle};
use super::status::{mt_status, status_of};
use crate::client::Client;
use crate::config::Config;

/// A telemetry client. Created by `mt_client_new` and freed by `mt_client_free` (or
/// `mt_shutdown`, which closes and frees), or obtained from `mt_global` (never freed).
/// Thread-safe: every function taking an `mt_client` may be called from any number of threads
/// at once, `mt_client_close` included, except `mt_client_free` and `mt_shutdown` (they free
/// the client).
pub struct mt_client {
    _opaque: [u8; 0],
}

impl Handle for mt_client {
    type Target = Client;
}

ffi_fn! {
    /// Creates a client. With telemetry disabled it starts nothing and every track call returns
    /// `MT_OK` without doing anything. Enabled, it resolves the salt and starts one sender thread.
    ///
    /// `config`: borrowed and copied; NULL means "from the environment", as `mt_config_from_env`.
    /// Ownership: the caller owns the result and releases it with `mt_client_close` then
    /// `mt_client_free`, or with `mt_shutdown`, which does both.
    /// Returns NULL only if memory is exhausted. Threads: any thread.
    fn mt_client_new(config: *const mt_config) -> *mut mt_client {
        let client = if config.is_null() {
            Client::from_env()
        } else {
            // SAFETY: documented contract: a live config from mt_config_new/_from_env.
            let config: &Config = try_arg!(unsafe { borrow(config) });
            Client::new(config)
        };
        into_handle(client)
    }
}

ffi_fn! {
    /// True when the client is collecting: telemetry was enabled and the client is not shut down.
    /// Bindings may ask once and skip building events when it is false.
    ///
    /// Ownership: `client` is borrowed. NULL gives false. Threads: any thread.
    fn mt_client_is_enabled(client: *const mt_client) -> bool {
        // SAFETY: documented contract: NULL or a live client.
        let client = try_arg!(unsafe { borrow(client) });
        client.is_enabled()
    }
}

/// Checks the client and the required pointers, then says whether to go on: shut down gives
/// `MT_ERR_SHUT_DOWN`, disabled gives `MT_OK` at once (the strings are not even read).
///
/// # Safety
/// `client` is NULL or a live client.
unsafe fn client_for_tracking<'a>(
    client: *mut mt_client,
    required: &[*const c_char],
) -> Result<Option<&'a Client>, mt_status> {
    // SAFETY: forwarded from the caller.
    let client = unsafe { borrow(client) }?;
    for &pointer in required {
        non_null(pointer)?;
    }
    match client.accepting() {
        Ok(true) => Ok(Some(client)),
        Ok(false) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

ffi_fn! {
    /// Records that an agent ran an operation. `agent_id` is hashed with the salt before it leaves;
    /// `metadata_json`, if not NULL, must be one JSON object, of which only allowlisted keys with
    /// scalar values leave. Never blocks on I/O: the event is queued for the sender thread.
    ///
    /// Ownership: all arguments borrowed and copied before return. `metadata_json` may be NULL.
    /// Threads: any thread, concurrently.
    /// Returns `MT_OK` (also when telemetry is disabled), `MT_ERR_NULL_ARGUMENT`,
    /// `MT_ERR_INVALID_UTF8`, `MT_ERR_INVALID_JSON` or `MT_ERR_SHUT_DOWN`; nothing is queued unless
    /// it returns `MT_OK`.
    fn mt_track_agent_usage(
        client: *mut mt_client,
        agent_id: *const c_char,
        operation: *const c_char,
        metadata_json: *const c_char,
    ) -> mt_status {
        // SAFETY: documented contract: NULL or a live client.
        let Some(client) = try_arg!(unsafe { client_for_tracking(client, &[agent_id, operation]) })
        else {
            return mt_status::MT_OK;
        };
        // SAFETY (all three): documented contract: NULL or NUL-terminated strings alive during
        // the call.
        let agent_id = try_arg!(unsafe { required_str(agent_id) });
        let operation = try_arg!(unsafe { required_str(operation) });
        let metadata = try_arg!(unsafe { optional_str(metadata_json) });
        status_of(client.track_agent_usage(agent_id, operation, metadata))
    }
}

ffi_fn! {
    /// Records a measurement. `unit` NULL means "ms". `tags_json`, if not NULL, must be one JSON
    /// object; identifier-like tags (keys ending in `_id`, `user`, `agent`) are hashed. `value` must
    /// be finite. Never blocks on I/O.
    ///
    /// Ownership: all arguments borrowed and copied before return. `unit` and `tags_json` may be
    /// NULL. Threads: any thread, concurrently.
    /// Returns `MT_OK` (also when disabled), `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8`,
    /// `MT_ERR_INVALID_JSON`, `MT_ERR_INVALID_ARGUMENT` (NaN or infinite value) or
    /// `MT_ERR_SHUT_DOWN`; nothing is queued unless it returns `MT_OK`.
    fn mt_track_performance(
        client: *mut mt_client,
        metric_name: *const c_char,
        value: f64,
        unit: *const c_char,
        tags_json: *const c_char,
    ) -> mt_status {
        // SAFETY: documented contract: NULL or a live client.
        let Some(client) = try_arg!(unsafe { client_for_tracking(client, &[metric_name]) }) else {
            return mt_status::MT_OK;
        };
        // SAFETY (all three): documented contract: NULL or NUL-terminated strings alive during
        // the call.
        let metric_name = try_arg!(unsafe { required_str(metric_name) });
        let unit = try_arg!(unsafe { optional_str(unit) });
        let tags = try_arg!(unsafe { optional_str(tags_json) });
        status_of(client.track_performance(metric_name, value, unit, tags))
    }
}

ffi_fn! {
    /// Records an error. `error_message` and `stack_trace` are scrubbed of paths, credentials and
    /// emails before they leave; `context_json`, if not NULL, must be one JSON object and is
    /// filtered like metadata. Never blocks on I/O.
    ///
    /// Ownership: all arguments borrowed and copied before return. `stack_trace` and
    /// `context_json` may be NULL. Threads: any thread, concurrently.
    /// Returns `MT_OK` (also when disabled), `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8`,
    /// `MT_ERR_INVALID_JSON` or `MT_ERR_SHUT_DOWN`; nothing is queued unless it returns `MT_OK`.
    fn mt_track_error(
        client: *mut mt_client,
        error_type: *const c_char,
        error_message: *const c_char,
        stack_trace: *const c_char,
        context_json: *const c_char,
    ) -> mt_status {
        // SAFETY: documented contract: NULL or a live client.
        let Some(client) =
            try_arg!(unsafe { client_for_tracking(client, &[error_type, error_message]) })
        else {
            return mt_status::MT_OK;
        };
        // SAFETY (all four): documented contract: NULL or NUL-terminated strings alive during
        // the call.
        let error_type = try_arg!(unsafe { required_str(error_type) });
        let error_message = try_arg!(unsafe { required_str(error_message) });
        let stack_trace = try_arg!(unsafe { optional_str(stack_trace) });
        let context = try_arg!(unsafe { optional_str(context_json) });
        status_of(client.track_error(error_type, error_message, stack_trace, context))
    }
}

ffi_fn! {
    /// Records the platform, its version, the CPU architecture and this library's version.
    ///
    /// Ownership: `client` is borrowed. Threads: any thread, concurrently.
    /// Returns `MT_OK` (also when disabled), `MT_ERR_NULL_ARGUMENT` or `MT_ERR_SHUT_DOWN`.
    fn mt_track_system_info(client: *mut mt_client) -> mt_status {
        // SAFETY: documented contract: NULL or a live client.
        let Some(client) = try_arg!(unsafe { client_for_tracking(client, &[]) }) else {
            return mt_status::MT_OK;
        };
        status_of(client.track_system_info())
    }
}

ffi_fn! {
    /// Waits until every event tracked before this call has been sent or given up, or until
    /// `timeout_ms` passes. Blocks the calling thread (only it); sending happens on the sender.
    ///
    /// Ownership: `client` is borrowed. Threads: any thread, concurrently.
    /// Returns `MT_OK` (also when disabled), `MT_ERR_NULL_ARGUMENT`, `MT_ERR_TIMEOUT` or
    /// `MT_ERR_SHUT_DOWN`.
    fn mt_flush(client: *mut mt_client, timeout_ms: u32) -> mt_status {
        // SAFETY: documented contract: NULL or a live client.
        let client = try_arg!(unsafe { borrow(client) });
        status_of(client.flush(Duration::from_millis(u64::from(timeout_ms))))
    }
}

// The C functions that end a client and read its counters live in `client_lifecycle`; Rust callers
// (the fuzz targets, tests) keep finding them here. `mt_stats` is `Stats` under its C name.
pub use super::client_lifecycle::{
    mt_client_close, mt_client_counter, mt_client_free, mt_client_free_nowait, mt_client_stats,
    mt_global, mt_global_shutdown, mt_shutdown,
};
pub use crate::client::Stats as mt_stats;
