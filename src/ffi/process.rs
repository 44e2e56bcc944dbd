//! Process-wide functions: the anonymizer (for hosts that scrub or hash on their own), the
//! host runtime's name, the version and freeing returned strings.

use std::ffi::c_char;

use super::handles::{required_str, string_to_c};
use super::status::{mt_status, status_of};
use crate::anonymize::{anonymize_message, anonymize_path, anonymize_stack_trace, Anonymizer};
use crate::event::set_host_runtime;

ffi_fn! {
    /// Hashes `identifier` with `salt`: lowercase hex SHA-256 of the identifier followed directly by
    /// the salt, 64 characters (the same as the Python module's `hash_identifier`).
    ///
    /// Ownership: arguments borrowed; the caller owns the returned string and frees it with
    /// `mt_string_free`. Returns NULL if an argument is NULL or not valid UTF-8.
    /// Threads: any thread.
    fn mt_hash_identifier(
        salt: *const c_char,
        identifier: *const c_char,
    ) -> *mut c_char {
        // SAFETY (both): documented contract: NULL or NUL-terminated strings alive during the call.
        let salt = try_arg!(unsafe { required_str(salt) });
        let identifier = try_arg!(unsafe { required_str(identifier) });
        string_to_c(Anonymizer::new(salt).hash_identifier(identifier))
    }
}

ffi_fn! {
    /// Removes the user from a path: home directories become `<user>/…`, separators become `/`,
    /// other paths keep at most their last three components.
    ///
    /// Ownership: `path` borrowed; the caller owns the returned string and frees it with
    /// `mt_string_free`. Returns NULL if `path` is NULL or not valid UTF-8. Threads: any thread.
    fn mt_anonymize_path(path: *const c_char) -> *mut c_char {
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let path = try_arg!(unsafe { required_str(path) });
        string_to_c(anonymize_path(path))
    }
}

ffi_fn! {
    /// Scrubs free text as error messages are scrubbed before they leave: paths lose their user,
    /// URL credentials become `<user>:<password>`, email addresses become `<email>`.
    ///
    /// Ownership: `message` borrowed; the caller owns the returned string and frees it with
    /// `mt_string_free`. Returns NULL if `message` is NULL or not valid UTF-8. Threads: any thread.
    fn mt_anonymize_message(message: *const c_char) -> *mut c_char {
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let message = try_arg!(unsafe { required_str(message) });
        string_to_c(anonymize_message(message))
    }
}

ffi_fn! {
    /// Scrubs a stack trace as error events scrub theirs; file names, line numbers and function
    /// names survive.
    ///
    /// Ownership: `trace` borrowed; the caller owns the returned string and frees it with
    /// `mt_string_free`. Returns NULL if `trace` is NULL or not valid UTF-8. Threads: any thread.
    fn mt_anonymize_stack_trace(trace: *const c_char) -> *mut c_char {
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let trace = try_arg!(unsafe { required_str(trace) });
        string_to_c(anonymize_stack_trace(trace))
    }
}

ffi_fn! {
    /// Frees a string returned by this library. NULL does nothing.
    ///
    /// Ownership: takes `text`, which must have come from an `mt_*` function documented as "the
    /// caller owns the returned string" and must not be used again. Threads: any thread.
    fn mt_string_free(text: *mut c_char) {
        if !text.is_null() {
            // SAFETY: documented contract: a string from string_to_c (CString::into_raw), once.
            drop(unsafe { std::ffi::CString::from_raw(text) });
        }
    }
}

ffi_fn! {
    /// Names the language runtime hosting the library, for example `python 3.11.7` or
    /// `node 20.20.2`; every later `system_info` event, from every client in the process, reports
    /// it as `runtime`. Bindings call this once when they load.
    ///
    /// Ownership: `runtime` borrowed and copied. Threads: any thread.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8` or `MT_ERR_INVALID_ARGUMENT`
    /// (empty, longer than 64 bytes, or not printable ASCII).
    fn mt_set_runtime(runtime: *const c_char) -> mt_status {
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let runtime = try_arg!(unsafe { required_str(runtime) });
        status_of(set_host_runtime(runtime))
    }
}

ffi_fn! {
    /// The library's version, `MAJOR.MINOR.PATCH`, the same as the `MT_VERSION_*` macros of the
    /// header it was built with.
    ///
    /// Ownership: static; do not free. Never NULL. Threads: any thread.
    fn mt_version() -> *const c_char {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    }
}
