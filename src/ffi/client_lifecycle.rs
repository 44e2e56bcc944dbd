//! How a client ends (close, free, shutdown, the non-blocking free for finalizers), its
//! counters, and the process-wide client.

use std::ffi::c_int;
use std::time::Duration;

use once_cell::sync::OnceCell;

use super::client::mt_client;
use super::handles::{borrow, non_null, take};
use super::status::mt_status;
use crate::client::{Client, Counter, Stats};

static GLOBAL: OnceCell<Client> = OnceCell::new();

fn global_handle(client: &'static Client) -> *mut mt_client {
    (client as *const Client).cast_mut().cast()
}

fn is_global(client: *const mt_client) -> bool {
    GLOBAL
        .get()
        .is_some_and(|global| std::ptr::eq(global_handle(global), client))
}

ffi_fn! {
    /// Copies the client's counters into `*out`. All zero for a disabled client.
    ///
    /// Ownership: `client` is borrowed; `out` is written only on success.
    /// Threads: any thread, concurrently.
    /// Returns `MT_OK` or `MT_ERR_NULL_ARGUMENT`. Works after shutdown too (for the global client).
    fn mt_client_stats(client: *const mt_client, out: *mut Stats) -> mt_status {
        // SAFETY: documented contract: NULL or a live client.
        let client = try_arg!(unsafe { borrow(client) });
        try_arg!(non_null(out));
        let stats = client.stats();
        // SAFETY: `out` is non-NULL and, by contract, points to writable memory for an mt_stats.
        unsafe { out.write(stats) };
        mt_status::MT_OK
    }
}

ffi_fn! {
    /// Copies one counter into `*out`: `counter` is an `mt_counter`. `mt_stats` keeps its six
    /// counters forever (its size is part of the ABI); counters added later are read only this
    /// way, so a program built against an older header never needs to know about them, and a
    /// program asking an older library for a counter it does not have gets
    /// `MT_ERR_INVALID_ARGUMENT`. Zero for a disabled client.
    ///
    /// `counter` is an `int` rather than `mt_counter` so that any value a C program holds is safe
    /// to pass; an `mt_counter` converts implicitly.
    ///
    /// Ownership: `client` is borrowed; `out` is written only on success.
    /// Threads: any thread, concurrently. Works after shutdown too (for the global client).
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` or `MT_ERR_INVALID_ARGUMENT` (`counter` is not an
    /// `mt_counter` this library knows).
    fn mt_client_counter(client: *const mt_client, counter: c_int, out: *mut u64) -> mt_status {
        // SAFETY: documented contract: NULL or a live client.
        let client = try_arg!(unsafe { borrow(client) });
        try_arg!(non_null(out));
        let Some(counter) = Counter::from_number(i64::from(counter)) else {
            return mt_status::MT_ERR_INVALID_ARGUMENT;
        };
        let value = client.counter(counter);
        // SAFETY: `out` is non-NULL and, by contract, points to a writable uint64_t.
        unsafe { out.write(value) };
        mt_status::MT_OK
    }
}

ffi_fn! {
    /// Sends what is still queued and stops the sender thread, returning within `timeout_ms` even
    /// if the collector never answers (a request still in flight then finishes, bounded by the
    /// request timeout, on the detached sender thread, which never calls the log callback after
    /// this returns). Unlike `mt_shutdown`, the client is not freed: other threads may still be
    /// using it (their calls then return `MT_ERR_SHUT_DOWN`), and its final counters stay readable
    /// with `mt_client_stats`. Free it with `mt_client_free` once no thread uses it. On the global
    /// client it is `mt_global_shutdown`. Calling it again returns `MT_OK` at once.
    ///
    /// Ownership: `client` is borrowed. Threads: any thread, concurrently with any call on the same
    /// client except `mt_client_free` and `mt_shutdown`.
    /// Returns `MT_OK` (everything queued was sent or given up in time, or there was nothing to
    /// do), `MT_ERR_TIMEOUT` (the timeout passed first) or `MT_ERR_NULL_ARGUMENT`.
    fn mt_client_close(client: *mut mt_client, timeout_ms: u32) -> mt_status {
        // SAFETY: documented contract: NULL or a live client.
        let client = try_arg!(unsafe { borrow(client) });
        if client.shutdown(Duration::from_millis(u64::from(timeout_ms))) {
            mt_status::MT_OK
        } else {
            mt_status::MT_ERR_TIMEOUT
        }
    }
}

ffi_fn! {
    /// Frees a client from `mt_client_new`. If it was not closed, it is closed first, waiting at
    /// most 2000 ms: use `mt_client_free_nowait` where blocking is not allowed (a garbage
    /// collector's finalizer). NULL does nothing; so does the global client, which is never freed.
    ///
    /// Ownership: takes `client`, which must not be used again.
    /// Threads: any thread, but no other thread may be using this client.
    fn mt_client_free(client: *mut mt_client) {
        if is_global(client) {
            return;
        }
        // SAFETY: documented contract: NULL or a client from mt_client_new, not used again.
        drop(unsafe { take(client) });
    }
}

ffi_fn! {
    /// Frees a client from `mt_client_new` without blocking, for garbage-collected bindings'
    /// finalizers and other callers that must not wait. If the client was not closed, its sender
    /// thread is asked to send what is still queued within `timeout_ms` and then exits on its own;
    /// this call returns at once. From the moment it returns, the log callback is never called
    /// for this client, so the callback and its user data may be freed next. NULL does nothing;
    /// so does the global client, which is never freed.
    ///
    /// Ownership: takes `client`, which must not be used again.
    /// Threads: any thread, but no other thread may be using this client.
    fn mt_client_free_nowait(client: *mut mt_client, timeout_ms: u32) {
        if is_global(client) {
            return;
        }
        // SAFETY: documented contract: NULL or a client from mt_client_new, not used again.
        if let Some(client) = unsafe { take(client) } {
            client.shutdown_detached(Duration::from_millis(u64::from(timeout_ms)));
            // Dropping a shut-down client does not wait.
            drop(client);
        }
    }
}

ffi_fn! {
    /// Sends what is still queued, stops the sender thread and frees the client: `mt_client_close`
    /// then `mt_client_free`, for callers that need neither the final counters nor a separate
    /// close. Returns within `timeout_ms` even if the collector never answers. Given the global
    /// client, it shuts it down like `mt_global_shutdown` but does not free it.
    ///
    /// Ownership: takes `client`, which must not be used again (except the global one, which then
    /// returns `MT_ERR_SHUT_DOWN` from track and flush calls).
    /// Threads: any thread, but no other thread may be using this client (from `mt_client_new`).
    /// Returns `MT_OK` (everything queued was sent or given up in time, or there was nothing to
    /// do), `MT_ERR_TIMEOUT` (the timeout passed first; the client is freed all the same) or
    /// `MT_ERR_NULL_ARGUMENT`. Earlier versions returned `void`; callers that ignore the result are
    /// unaffected.
    fn mt_shutdown(client: *mut mt_client, timeout_ms: u32) -> mt_status {
        try_arg!(non_null(client));
        let status = mt_client_close(client, timeout_ms);
        mt_client_free(client);
        status
    }
}

ffi_fn! {
    /// The process-wide client, configured from the environment the first time it is asked for.
    /// Every call returns the same pointer, which stays valid until the process exits, also after
    /// `mt_global_shutdown` (calls on it then return `MT_ERR_SHUT_DOWN`).
    ///
    /// Ownership: the library owns it; never pass it to anything that frees.
    /// Returns NULL only if memory is exhausted. Threads: any thread, concurrently.
    fn mt_global() -> *mut mt_client {
        global_handle(GLOBAL.get_or_init(Client::from_env))
    }
}

ffi_fn! {
    /// Shuts the process-wide client down: sends what is queued within `timeout_ms`, then stops its
    /// sender. Later calls on it, from any thread, return `MT_ERR_SHUT_DOWN` safely; calling this
    /// again does nothing. If `mt_global` was never called, none is created and later `mt_global`
    /// calls return a client that is already shut down.
    ///
    /// Threads: any thread, concurrently with calls on the global client.
    /// Returns `MT_OK` (everything queued was sent or given up in time, or there was nothing to
    /// do) or `MT_ERR_TIMEOUT` (the timeout passed first). Earlier versions returned `void`; callers
    /// that ignore the result are unaffected.
    fn mt_global_shutdown(timeout_ms: u32) -> mt_status {
        let global = GLOBAL.get_or_init(|| Client::inert(true));
        if global.shutdown(Duration::from_millis(u64::from(timeout_ms))) {
            mt_status::MT_OK
        } else {
            mt_status::MT_ERR_TIMEOUT
        }
    }
}
