//! `mt_config`: settings built up by the host, then handed (by reference) to `mt_client_new`.

use std::ffi::{c_char, c_int, c_void, CString};

use super::handles::{borrow_mut, into_handle, required_str, take, Handle};
use super::status::{mt_status, status_of};
use crate::config::Config;
use crate::log::LogLevel;

/// Settings for a client. Created by `mt_config_new` or `mt_config_from_env`, freed by
/// `mt_config_free`. Not thread-safe: use one config from one thread at a time. A client copies
/// what it needs, so a config may be changed or freed as soon as `mt_client_new` returns.
pub struct mt_config {
    _opaque: [u8; 0],
}

impl Handle for mt_config {
    type Target = Config;
}

/// Severity passed as the first argument of an `mt_log_callback`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mt_log_level {
    MT_LOG_ERROR = 1,
    MT_LOG_WARN = 2,
    MT_LOG_INFO = 3,
    MT_LOG_DEBUG = 4,
}

impl From<LogLevel> for mt_log_level {
    fn from(level: LogLevel) -> Self {
        match level {
            LogLevel::Error => mt_log_level::MT_LOG_ERROR,
            LogLevel::Warn => mt_log_level::MT_LOG_WARN,
            LogLevel::Info => mt_log_level::MT_LOG_INFO,
            LogLevel::Debug => mt_log_level::MT_LOG_DEBUG,
        }
    }
}

/// Receives the library's warnings instead of stderr. `level` is an `mt_log_level`; `message`
/// is one line of UTF-8, valid only during the call; `user_data` is what was registered. It may
/// be called from the library's sender thread or from the thread creating a client, so it must
/// be thread-safe. Messages never contain the salt or unscrubbed tracked data.
pub type mt_log_callback =
    Option<unsafe extern "C" fn(level: c_int, message: *const c_char, user_data: *mut c_void)>;

/// A registered C callback with its context pointer.
struct CLogger {
    callback: unsafe extern "C" fn(c_int, *const c_char, *mut c_void),
    user_data: *mut c_void,
}

// SAFETY: `mt_config_set_log_callback` documents that the callback and its user_data must be
// usable from any thread; the library only passes the pointer back, it never dereferences it.
unsafe impl Send for CLogger {}
// SAFETY: as above.
unsafe impl Sync for CLogger {}

impl CLogger {
    fn log(&self, level: LogLevel, message: &str) {
        let Ok(message) = CString::new(message) else {
            return;
        };
        // SAFETY: the host registered this callback for exactly this signature; `message` is a
        // valid NUL-terminated string that outlives the call.
        unsafe {
            (self.callback)(
                mt_log_level::from(level) as c_int,
                message.as_ptr(),
                self.user_data,
            )
        };
    }
}

/// Applies `setter` to a config with a string argument: the shared NULL and UTF-8 checks of
/// every string setter.
///
/// # Safety
/// `config` is NULL or a live config used by this thread only; `value` is NULL or a
/// NUL-terminated string alive during the call.
unsafe fn set_text<E: Into<mt_status>>(
    config: *mut mt_config,
    value: *const c_char,
    setter: impl FnOnce(&mut Config, &str) -> Result<(), E>,
) -> mt_status {
    // SAFETY: forwarded from the caller.
    let config = try_arg!(unsafe { borrow_mut(config) });
    // SAFETY: forwarded from the caller.
    let value = try_arg!(unsafe { required_str(value) });
    status_of(setter(config, value))
}

/// Applies `setter` to a config with a plain value: the shared NULL check of the other setters.
///
/// # Safety
/// `config` is NULL or a live config used by this thread only.
unsafe fn set_value<T, E: Into<mt_status>>(
    config: *mut mt_config,
    value: T,
    setter: impl FnOnce(&mut Config, T) -> Result<(), E>,
) -> mt_status {
    // SAFETY: forwarded from the caller.
    let config = try_arg!(unsafe { borrow_mut(config) });
    status_of(setter(config, value))
}

ffi_fn! {
    /// Creates a config with every default, telemetry disabled.
    ///
    /// Ownership: the caller owns the result and frees it with `mt_config_free`.
    /// Returns NULL only if memory is exhausted. Threads: any thread.
    fn mt_config_new() -> *mut mt_config {
        into_handle(Config::new())
    }
}

ffi_fn! {
    /// Creates a config from the environment: `TELEMETRY_ENABLED` must say yes (true/1/yes/on) and
    /// `DO_NOT_TRACK` must be unset, empty or `0`; the other `TELEMETRY_*` variables are read only
    /// then. An invalid value disables telemetry and writes one warning line to stderr naming the
    /// variable and its valid range (see docs/telemetry-configuration.md).
    ///
    /// Ownership: the caller owns the result and frees it with `mt_config_free`.
    /// Returns NULL only if memory is exhausted. Threads: any thread.
    fn mt_config_from_env() -> *mut mt_config {
        into_handle(Config::from_env())
    }
}

ffi_fn! {
    /// Frees a config. NULL does nothing. Clients created from it are not affected.
    ///
    /// Ownership: takes `config`, which must not be used again.
    /// Threads: any thread, but not while another thread uses the same config.
    fn mt_config_free(config: *mut mt_config) {
        // SAFETY: documented contract: NULL or a config from mt_config_new/_from_env, freed once.
        drop(unsafe { take(config) });
    }
}

ffi_fn! {
    /// Turns telemetry on or off. Turning it on here overrides `TELEMETRY_ENABLED`; `DO_NOT_TRACK`
    /// is honoured by `mt_config_from_env` and `mt_client_new(NULL)`, not by this setter, because a
    /// host that calls it has asked its user itself.
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK` or `MT_ERR_NULL_ARGUMENT`.
    fn mt_config_set_enabled(config: *mut mt_config, enabled: bool) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        config.set_enabled(enabled);
        mt_status::MT_OK
    }
}

ffi_fn! {
    /// Sets the collector URL. No scheme means `https://`; `http://` is accepted only for loopback
    /// hosts (127.0.0.0/8, ::1, localhost); a user or password in the URL is refused.
    ///
    /// Ownership: both borrowed; `url` is copied. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8` or
    /// `MT_ERR_INVALID_CONFIG_VALUE` (the endpoint is then unchanged).
    fn mt_config_set_endpoint(config: *mut mt_config, url: *const c_char) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only, and
        // NULL or a NUL-terminated string alive during the call.
        unsafe { set_text(config, url, Config::set_endpoint) }
    }
}

ffi_fn! {
    /// Sets the request timeout in whole seconds, 1 to 30 (default 5).
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_CONFIG_VALUE`.
    fn mt_config_set_timeout_secs(config: *mut mt_config, secs: u32) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        unsafe { set_value(config, secs, Config::set_timeout_secs) }
    }
}

ffi_fn! {
    /// Sets how many events make a full batch, 1 to 1000 (default 100).
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_CONFIG_VALUE`.
    fn mt_config_set_batch_size(config: *mut mt_config, size: u32) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        unsafe { set_value(config, size, Config::set_batch_size) }
    }
}

ffi_fn! {
    /// Sets how many times a failed batch is retried, 0 to 10 (default 3).
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_CONFIG_VALUE`.
    fn mt_config_set_retry_attempts(config: *mut mt_config, attempts: u32) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        unsafe { set_value(config, attempts, Config::set_retry_attempts) }
    }
}

ffi_fn! {
    /// Sets the factor between successive retry delays, 1.0 to 10.0 (default 2.0). NaN is refused.
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_CONFIG_VALUE`.
    fn mt_config_set_retry_backoff(config: *mut mt_config, factor: f64) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        unsafe { set_value(config, factor, Config::set_retry_backoff) }
    }
}

ffi_fn! {
    /// Sets the salt identifiers are hashed with, instead of the per-installation salt file. It is
    /// never sent and never logged.
    ///
    /// Ownership: both borrowed; `salt` is copied. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8` or
    /// `MT_ERR_INVALID_CONFIG_VALUE` (empty salt).
    fn mt_config_set_salt(config: *mut mt_config, salt: *const c_char) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only, and
        // NULL or a NUL-terminated string alive during the call.
        unsafe { set_text(config, salt, Config::set_salt) }
    }
}

ffi_fn! {
    /// Sets where the per-installation salt is kept (like `TELEMETRY_SALT_FILE`), instead of
    /// `$XDG_CONFIG_HOME/mycelium/telemetry_salt` or `~/.config/mycelium/telemetry_salt`.
    ///
    /// Ownership: both borrowed; `path` is copied. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8` or
    /// `MT_ERR_INVALID_CONFIG_VALUE` (empty path).
    fn mt_config_set_salt_file(
        config: *mut mt_config,
        path: *const c_char,
    ) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only, and
        // NULL or a NUL-terminated string alive during the call.
        unsafe { set_text(config, path, |config, path| config.set_salt_file(path)) }
    }
}

ffi_fn! {
    /// Sets the longest a partial batch waits before it is sent, 10 to 3600000 ms (default 5000).
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_CONFIG_VALUE`.
    fn mt_config_set_flush_interval_ms(
        config: *mut mt_config,
        millis: u32,
    ) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        unsafe { set_value(config, millis, Config::set_flush_interval_ms) }
    }
}

ffi_fn! {
    /// Sets how many events the queue holds, 1 to 1000000 (default 8192). When it is full, each new
    /// event displaces the oldest, which is counted as dropped.
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_CONFIG_VALUE`.
    fn mt_config_set_queue_capacity(config: *mut mt_config, capacity: u32) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        unsafe { set_value(config, capacity, Config::set_queue_capacity) }
    }
}

ffi_fn! {
    /// Sends the library's warnings to `callback` instead of stderr; NULL restores stderr.
    /// The callback must be thread-safe (see `mt_log_callback`) and, with `user_data`, must stay
    /// valid for as long as any client created from this config exists.
    ///
    /// Ownership: `config` is borrowed; `user_data` is passed back untouched, never freed.
    /// Threads: one thread at a time per config.
    /// Returns `MT_OK` or `MT_ERR_NULL_ARGUMENT` (for `config`).
    fn mt_config_set_log_callback(
        config: *mut mt_config,
        callback: mt_log_callback,
        user_data: *mut c_void,
    ) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        match callback {
            Some(callback) => {
                let logger = CLogger { callback, user_data };
                config.set_logger(move |level, message| logger.log(level, message));
            }
            None => config.reset_logger(),
        }
        mt_status::MT_OK
    }
}

ffi_fn! {
    /// Lets metadata and error-context values under `key` leave with any scalar value (same as
    /// `mt_config_allow_metadata_field(config, key, MT_VALUE_ANY)`), beyond the built-in allowlist
    /// (`duration_ms`, `success`, `retry_count`, `cache_hit`, `result_count`, `status_code`). The
    /// scrubber still runs on every value; an application can extend the allowlist, never weaken
    /// the scrubber. Secret-looking keys (containing password, token, secret, session, auth, …)
    /// are refused. At most 32 keys may be added; naming one again makes it `MT_VALUE_ANY` (a
    /// built-in key keeps its type).
    ///
    /// Ownership: both borrowed; `key` is copied. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8` or
    /// `MT_ERR_INVALID_CONFIG_VALUE` (empty, over 64 bytes, characters other than
    /// `A-Z a-z 0-9 _ . -`, secret-looking, or one key too many).
    fn mt_config_allow_metadata_key(
        config: *mut mt_config,
        key: *const c_char,
    ) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only, and
        // NULL or a NUL-terminated string alive during the call.
        unsafe { set_text(config, key, Config::allow_metadata_key) }
    }
}

ffi_fn! {
    /// Local-only mode (like `TELEMETRY_OUTPUT=file:<path>`): each batch is appended to `path` as
    /// one JSON line holding exactly the bytes the HTTP transport would have sent, and no socket is
    /// ever opened. The file is created with mode 0600. Use it to inspect what would leave.
    ///
    /// Ownership: both borrowed; `path` is copied. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8` or
    /// `MT_ERR_INVALID_CONFIG_VALUE` (empty path).
    fn mt_config_set_output_file(
        config: *mut mt_config,
        path: *const c_char,
    ) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only, and
        // NULL or a NUL-terminated string alive during the call.
        unsafe { set_text(config, path, |config, path| config.set_output_file(path)) }
    }
}

ffi_fn! {
    /// Logs each outgoing batch, exactly as sent, at `MT_LOG_DEBUG` (like `TELEMETRY_DEBUG=1`):
    /// one line on stderr, or to the log callback if one is set.
    ///
    /// Ownership: `config` is borrowed. Threads: one thread at a time per config.
    /// Returns `MT_OK` or `MT_ERR_NULL_ARGUMENT`.
    fn mt_config_set_debug(config: *mut mt_config, debug: bool) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        config.set_debug(debug);
        mt_status::MT_OK
    }
}

ffi_fn! {
    /// Trusts the CA certificates in the PEM file at `path` (like `TELEMETRY_CA_FILE`), besides the
    /// bundled Mozilla roots, for an `https://` endpoint: for self-hosters with a private CA. The
    /// file is read during this call. Certificates are always verified; there is no way to turn
    /// verification off.
    ///
    /// Ownership: both borrowed; `path` is copied. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8` or
    /// `MT_ERR_INVALID_CONFIG_VALUE` (unreadable, or no usable certificate in it).
    fn mt_config_set_ca_file(config: *mut mt_config, path: *const c_char) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only, and
        // NULL or a NUL-terminated string alive during the call.
        unsafe { set_text(config, path, |config, path| config.set_ca_file(path)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `mt_log_level` stays a C-only twin of `LogLevel`: cbindgen 0.29 can rename a type but not
    /// give its variants names of their own (`MT_LOG_ERROR` from `Error`), and the header's
    /// names are kept. So the two are held together here: same members, same numbers.
    #[test]
    fn log_levels_have_the_same_numbers_in_c_and_rust() {
        let all = [
            LogLevel::Error,
            LogLevel::Warn,
            LogLevel::Info,
            LogLevel::Debug,
        ];
        for level in all {
            assert_eq!(mt_log_level::from(level) as i32, level as i32, "{level:?}");
        }
        let c_levels = [
            mt_log_level::MT_LOG_ERROR,
            mt_log_level::MT_LOG_WARN,
            mt_log_level::MT_LOG_INFO,
            mt_log_level::MT_LOG_DEBUG,
        ];
        let converted: Vec<_> = all.into_iter().map(mt_log_level::from).collect();
        assert_eq!(converted, c_levels);
    }
}
