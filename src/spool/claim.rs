//! Claiming a spooled batch to send it: an exclusive, non-blocking `flock` on the open file.
//!
//! Only one process holds it; the kernel releases it when the holder closes the file or dies,
//! so a process killed while sending leaves the batch for the next one (which sends it again:
//! the `batch_id` lets the collector store it once). A claim is checked after locking: a file
//! removed by its sender between our open and our lock has no links left and is skipped.

use std::fs::{self, File};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

use super::store::{is_batch, now_micros};
use super::Spool;
use crate::private_file::{self, Refusal};

/// A spooled batch this process holds until it is removed or released (dropped).
#[derive(Debug)]
pub(crate) struct Claimed {
    /// Holds the lock.
    _file: File,
    path: PathBuf,
    pub(crate) body: Vec<u8>,
    pub(crate) events: u64,
}

impl Claimed {
    /// The batch was delivered, or will never be accepted: it leaves the spool.
    pub(crate) fn remove(self) {
        let _ = fs::remove_file(&self.path);
    }

    /// The batch could not be delivered now: it stays for a later try, by any process.
    pub(crate) fn release(self) {}
}

/// What looking for a batch to send found.
#[derive(Debug, Default)]
pub(crate) struct Claim {
    pub(crate) batch: Option<Claimed>,
    /// Events in files removed on the way: past the age bound, spooled before the user's
    /// current choice of `on`, or not a batch.
    pub(crate) dropped_events: u64,
    /// Entries refused on the way (links, files of another user), removed.
    pub(crate) refused: u64,
}

impl Spool {
    /// Claims the oldest batch for this spool's endpoint that no other process holds. Files
    /// spooled before `since_micros` (when the user's current `on` was chosen) are removed
    /// unsent, as are files past the age bound and files that are not batches.
    pub(crate) fn claim_oldest(&self, since_micros: Option<u64>) -> Claim {
        let mut claim = Claim::default();
        let now = now_micros();
        for entry in self.entries() {
            if entry.name.tag != self.tag {
                continue;
            }
            let stale = self.too_old(entry.name.micros, now)
                || since_micros.is_some_and(|since| entry.name.micros < since);
            if stale {
                if fs::remove_file(&entry.path).is_ok() {
                    claim.dropped_events += entry.name.events;
                }
                continue;
            }
            let mut file = match private_file::open_read(&entry.path) {
                Ok(file) => file,
                Err(error) => {
                    // A link planted since the listing, or a file of another user: never read,
                    // removed (the link itself, not what it names).
                    let refused = private_file::refusal_of(&error)
                        .is_some_and(|refusal| refusal != Refusal::UnsafeFolder);
                    if refused && fs::remove_file(&entry.path).is_ok() {
                        claim.refused += 1;
                    }
                    continue;
                }
            };
            if !crate::sys::try_lock_exclusive(&file).unwrap_or(false) {
                continue;
            }
            if file
                .metadata()
                .map_or(true, |metadata| metadata.nlink() == 0)
            {
                continue;
            }
            let mut body = Vec::new();
            if file.read_to_end(&mut body).is_err() || !is_batch(&body, &entry.name.batch_id) {
                if fs::remove_file(&entry.path).is_ok() {
                    claim.dropped_events += entry.name.events;
                }
                continue;
            }
            claim.batch = Some(Claimed {
                _file: file,
                path: entry.path,
                body,
                events: entry.name.events,
            });
            break;
        }
        claim
    }
}
