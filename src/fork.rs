//! Fork awareness.
//!
//! `fork()` copies the process with only the calling thread. In the child, a client's sender
//! thread does not exist, its locks may be held by threads that vanished, and its queue holds the
//! parent's events, which the parent will send. So a client in a child must not touch what it had
//! before the fork: it leaks it and starts afresh (an empty queue and a sender thread of its own)
//! the first time it is used there.
//!
//! A `pthread_atfork` child handler bumps a process-wide generation; each [`ForkSlot`] remembers
//! the generation its value was made in, so noticing a fork costs one atomic load per call.
//! Besides `sys.rs` and the C layer, this is the one place with `unsafe`.

use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Once};

static GENERATION: AtomicU64 = AtomicU64::new(0);
static WATCHING: Once = Once::new();

extern "C" fn after_fork_in_child() {
    // Only an atomic add: the child of a multi-threaded process may only do async-signal-safe
    // work until it execs or settles.
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// Starts counting forks (once per process; enabled clients call it when they start).
pub(crate) fn watch_forks() {
    WATCHING.call_once(|| {
        // SAFETY: registering a handler that only performs an atomic add, with no prepare or
        // parent handler, is valid at any time; the function lives for the whole program.
        unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    });
}

fn current_generation() -> u64 {
    GENERATION.load(Ordering::Relaxed)
}

/// Holds an `Arc<T>` made in the current process. After a fork, the value made before it is
/// stale: it is never touched again (its memory is leaked on purpose, since its locks and
/// threads belong to the parent) and a new one takes its place.
pub(crate) struct ForkSlot<T> {
    value: AtomicPtr<T>,
    /// The generation `value` was made in.
    generation: AtomicU64,
    /// The generation for which a thread has claimed the replacement; the claim makes sure
    /// that only one thread of a child builds the new value.
    claimed: AtomicU64,
}

impl<T> ForkSlot<T> {
    pub(crate) fn new(value: Arc<T>) -> Self {
        let generation = current_generation();
        ForkSlot {
            value: AtomicPtr::new(Arc::into_raw(value).cast_mut()),
            generation: AtomicU64::new(generation),
            claimed: AtomicU64::new(generation),
        }
    }

    /// True when the value was made before a fork of this process (we are in the child).
    pub(crate) fn is_stale(&self) -> bool {
        self.generation.load(Ordering::Acquire) != current_generation()
    }

    /// The current value. Callers check [`ForkSlot::is_stale`] first where it matters.
    pub(crate) fn get(&self) -> &T {
        // SAFETY: the pointer came from `Arc::into_raw` and this slot owns one strong count for
        // as long as it exists; replaced values are leaked, never released, so every reference
        // handed out stays valid for the slot's lifetime.
        unsafe { &*self.value.load(Ordering::Acquire) }
    }

    /// In a forked child, replaces the stale value by one from `make`; the stale one is leaked.
    /// One thread builds it; others wait until it is in place. Does nothing if not stale.
    pub(crate) fn refresh_after_fork(&self, make: impl FnOnce() -> Arc<T>) {
        let generation = current_generation();
        loop {
            if self.generation.load(Ordering::Acquire) == generation {
                return;
            }
            let claimed = self.claimed.load(Ordering::Acquire);
            if claimed == generation {
                // Another thread of this child is building it.
                std::thread::yield_now();
                continue;
            }
            if self
                .claimed
                .compare_exchange(claimed, generation, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                let fresh = Arc::into_raw(make()).cast_mut();
                self.value.store(fresh, Ordering::Release);
                self.generation.store(generation, Ordering::Release);
                return;
            }
        }
    }
}

impl<T> Drop for ForkSlot<T> {
    fn drop(&mut self) {
        if self.is_stale() {
            // The value belongs to the parent's world; releasing it could run destructors that
            // wait on the parent's threads.
            return;
        }
        // SAFETY: the pointer came from `Arc::into_raw` and this slot still owns its count;
        // `&mut self` means no reference from `get` outlives this point.
        drop(unsafe { Arc::from_raw(self.value.load(Ordering::Acquire)) });
    }
}

// SAFETY: the slot only hands out `&T` and moves `Arc<T>`s; it is as thread-safe as `Arc<T>`.
unsafe impl<T: Send + Sync> Send for ForkSlot<T> {}
// SAFETY: as above.
unsafe impl<T: Send + Sync> Sync for ForkSlot<T> {}
