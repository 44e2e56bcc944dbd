//! The one status enum of the C ABI and its text.

use std::ffi::{c_char, c_int};

use crate::client::FlushError;
use crate::config::ConfigError;
use crate::event::TrackError;

/// The result of a call. Numbers are stable and never reused; gaps leave room for new members of
/// a family: 1-9 bad arguments, 10-19 configuration, 20-29 lifecycle, 30-39 files, 90-99 the library itself.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mt_status {
    /// Success.
    MT_OK = 0,
    /// A required pointer argument was NULL.
    MT_ERR_NULL_ARGUMENT = 1,
    /// A string argument was not valid UTF-8.
    MT_ERR_INVALID_UTF8 = 2,
    /// Metadata, tags or context was not a single JSON object.
    MT_ERR_INVALID_JSON = 3,
    /// A value was outside what the call accepts (for example a NaN or infinite metric value, or
    /// a number that is not a member of the enum the parameter takes).
    MT_ERR_INVALID_ARGUMENT = 4,
    /// A configuration value was out of range or malformed; the setting was left unchanged.
    MT_ERR_INVALID_CONFIG_VALUE = 10,
    /// The client was shut down; nothing was done.
    MT_ERR_SHUT_DOWN = 20,
    /// The timeout passed before the work was done.
    MT_ERR_TIMEOUT = 21,
    /// A file the library keeps (the consent file) could not be read or written: a symbolic
    /// link, a file of another user, a folder others can change, malformed content, or no
    /// `HOME` to find it from.
    MT_ERR_IO = 30,
    /// A bug in the library was caught at the boundary; the call had no effect on the host.
    MT_ERR_INTERNAL = 99,
}

impl From<TrackError> for mt_status {
    fn from(error: TrackError) -> Self {
        match error {
            TrackError::InvalidJson => mt_status::MT_ERR_INVALID_JSON,
            TrackError::InvalidArgument => mt_status::MT_ERR_INVALID_ARGUMENT,
            TrackError::ShutDown => mt_status::MT_ERR_SHUT_DOWN,
        }
    }
}

impl From<FlushError> for mt_status {
    fn from(error: FlushError) -> Self {
        match error {
            FlushError::Timeout => mt_status::MT_ERR_TIMEOUT,
            FlushError::ShutDown => mt_status::MT_ERR_SHUT_DOWN,
        }
    }
}

impl From<ConfigError> for mt_status {
    fn from(_: ConfigError) -> Self {
        mt_status::MT_ERR_INVALID_CONFIG_VALUE
    }
}

/// `Ok(())` → `MT_OK`, an error → its status.
pub(crate) fn status_of<E: Into<mt_status>>(result: Result<(), E>) -> mt_status {
    result.map_or_else(Into::into, |()| mt_status::MT_OK)
}

ffi_fn! {
    /// A short English description of a status, for logs.
    ///
    /// `status` is an `int` rather than `mt_status` so that any value a C program holds is safe to
    /// pass: values that are not statuses give "unknown status". An `mt_status` converts implicitly.
    ///
    /// Ownership: the returned string is static; do not free it. Never NULL.
    /// Threads: any thread, any time.
    fn mt_status_message(status: c_int) -> *const c_char {
        let text: &'static str = match status {
            0 => "ok\0",
            1 => "a required argument was NULL\0",
            2 => "a string argument was not valid UTF-8\0",
            3 => "metadata, tags and context must be a JSON object\0",
            4 => "an argument was out of range (a metric value that is not finite, an unknown enum value)\0",
            10 => "invalid configuration value; the setting was left unchanged\0",
            20 => "the client was shut down\0",
            21 => "the timeout passed before everything was sent\0",
            30 => "a file the library keeps (the consent file) could not be read or written\0",
            99 => "internal error in mycelium-telemetry (a bug; please report it)\0",
            _ => "unknown status\0",
        };
        text.as_ptr().cast()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn every_status_has_its_own_message() {
        let all = [
            mt_status::MT_OK,
            mt_status::MT_ERR_NULL_ARGUMENT,
            mt_status::MT_ERR_INVALID_UTF8,
            mt_status::MT_ERR_INVALID_JSON,
            mt_status::MT_ERR_INVALID_ARGUMENT,
            mt_status::MT_ERR_INVALID_CONFIG_VALUE,
            mt_status::MT_ERR_SHUT_DOWN,
            mt_status::MT_ERR_TIMEOUT,
            mt_status::MT_ERR_IO,
            mt_status::MT_ERR_INTERNAL,
        ];
        let unknown = unsafe { CStr::from_ptr(mt_status_message(12345)) };
        let mut seen = std::collections::HashSet::new();
        for status in all {
            // SAFETY: mt_status_message returns a static NUL-terminated string.
            let text = unsafe { CStr::from_ptr(mt_status_message(status as c_int)) };
            assert_ne!(text, unknown, "{status:?}");
            assert!(seen.insert(text.to_owned()), "{status:?} repeats a message");
        }
        assert_eq!(unknown.to_str().unwrap(), "unknown status");
        // SAFETY: as above.
        assert_eq!(unsafe { CStr::from_ptr(mt_status_message(-1)) }, unknown);
    }
}
