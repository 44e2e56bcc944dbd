//! The `mt_config` setters of how batches reach the collector beyond its URL: the ingest token
//! and the offline spool's bounds.

use std::ffi::c_char;

use super::config::mt_config;
use super::handles::{borrow_mut, optional_str};
use super::status::{mt_status, status_of};
use crate::config::Config;

ffi_fn! {
    /// Sets a private collector's ingest token (like `TELEMETRY_TOKEN`), sent with every request
    /// to the endpoint as `Authorization: Bearer <token>`; NULL clears it. The endpoint rules
    /// keep it to https (or plain http on loopback). It is never logged, never in the debug
    /// output, and never written to the local record, the sent log or the spool.
    ///
    /// Ownership: both borrowed; `token` is copied. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` (for `config`), `MT_ERR_INVALID_UTF8` or
    /// `MT_ERR_INVALID_CONFIG_VALUE` (empty, over 4096 bytes, or a space or control character;
    /// the token is then unchanged).
    fn mt_config_set_token(config: *mut mt_config, token: *const c_char) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let token = try_arg!(unsafe { optional_str(token) });
        status_of(config.set_token(token))
    }
}

ffi_fn! {
    /// Sets the most the offline spool of this application keeps (like
    /// `TELEMETRY_SPOOL_MAX_BYTES`), 0 to 1073741824 bytes (default 5242880); the oldest batches
    /// are removed first. 0 turns the spool off. The spool is kept only for a client with an
    /// application name (`mt_config_set_app_name`) whose decision is on.
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_CONFIG_VALUE`.
    fn mt_config_set_spool_max_bytes(config: *mut mt_config, bytes: u32) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        status_of(Config::set_spool_max_bytes(config, bytes))
    }
}

ffi_fn! {
    /// Sets how long a spooled batch is kept before it is removed unsent (like
    /// `TELEMETRY_SPOOL_MAX_AGE_DAYS`), 0 to 365 days (default 7). 0 turns the spool off.
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_CONFIG_VALUE`.
    fn mt_config_set_spool_max_age_days(config: *mut mt_config, days: u32) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        status_of(Config::set_spool_max_age_days(config, days))
    }
}
