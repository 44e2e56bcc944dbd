//! Keeps a panic on the sender thread out of the host's stderr.
//!
//! The sender catches a panic around each event it scrubs (see `sender.rs`), but the standard
//! panic hook prints its message, which may quote unscrubbed data, before the catch runs. The
//! hook is process-wide, so it is not replaced: the hook in place when the first client starts
//! (the host's own, or the default) is wrapped, and still runs for every panic except those the
//! sender raises while it has asked for quiet. A hook the host installs later replaces this
//! wrapper, and then sender panics are reported the host's way.

use std::cell::Cell;
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the current panic hook once per process. Called when a sender thread starts.
pub(super) fn install() {
    static INSTALL: Once = Once::new();
    // `take_hook` must not run on a panicking thread; a client created while unwinding (in a
    // destructor) simply leaves the hook alone.
    if std::thread::panicking() {
        return;
    }
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `work` on this thread with the panic hook silenced, catching a panic. `Err(())` says
/// that it panicked; the payload is dropped unread, since it may hold unscrubbed data.
pub(super) fn catch<T>(work: impl FnOnce() -> T) -> Result<T, ()> {
    let was_quiet = QUIET.with(|quiet| quiet.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    QUIET.with(|quiet| quiet.set(was_quiet));
    result.map_err(drop)
}
