//! Writing spool files crash-safely, keeping the spool within its bounds, and cleaning it when a
//! client starts.
//!
//! A batch is written to `.tmp-<pid>-<batch_id>` (created with `O_EXCL|O_NOFOLLOW`, mode
//! 0600), then renamed to its final name: a process killed while writing leaves only a
//! temporary file, never a partial file under a final name. The write is not fsynced: a
//! process crash cannot lose data the kernel already has, and after a power loss a file that
//! did not reach the disk whole fails to parse and is removed by the next clean, which costs at
//! most that batch; an fsync would cost the caller of `shutdown(0)` milliseconds on every exit.
//! Writers and cleaners hold the spool's lock file, so two processes never evict around each
//! other's writes and the bounds hold.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::name::{temp_pid, FileName, LOCK_NAME, TEMP_PREFIX};
use super::{Cleaned, Spool};
use crate::private_file;

/// A temporary file older than this is a dead writer's even if its pid was reused.
const STALE_TEMP: Duration = Duration::from_secs(600);

/// What writing a batch did besides writing it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Written {
    /// Events in older files removed to stay within the bounds.
    pub(crate) evicted_events: u64,
}

/// One final spool file.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) path: PathBuf,
    pub(super) name: FileName,
    pub(super) size: u64,
}

impl Spool {
    /// Writes one batch (`events` events, id `batch_id`), removing the oldest files first if
    /// it would not fit. Fails, writing nothing, when the batch alone is over the byte bound or
    /// the folder cannot be written (a full disk, a read-only or unsafe folder).
    pub(crate) fn write(&self, body: &[u8], events: u64, batch_id: &str) -> io::Result<Written> {
        let size = body.len() as u64;
        if size > self.max_bytes {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the batch is larger than the spool's bound",
            ));
        }
        private_file::create_folder(&self.folder)?;
        let _lock = self.lock()?;
        let now = now_micros();
        let evicted_events = self.enforce_bounds(size, now);
        let name = FileName {
            micros: now,
            tag: self.tag.clone(),
            events,
            batch_id: batch_id.to_owned(),
        };
        let temp = self
            .folder
            .join(format!("{TEMP_PREFIX}{}-{batch_id}", std::process::id()));
        let written = private_file::create_new(&temp).and_then(|mut file| file.write_all(body));
        // rename replaces a link at the final name rather than writing through it.
        let renamed = written.and_then(|()| fs::rename(&temp, self.folder.join(name.text())));
        if renamed.is_err() {
            let _ = fs::remove_file(&temp);
        }
        renamed.map(|()| Written { evicted_events })
    }

    /// At a client's start: removes dead writers' temporary files, entries that are not spool
    /// files (links among them, never followed), files that do not parse, and what is past the
    /// bounds. Creates nothing: a missing folder is an empty spool.
    pub(crate) fn clean(&self) -> io::Result<Cleaned> {
        let mut cleaned = Cleaned::default();
        if fs::symlink_metadata(&self.folder).is_err() {
            return Ok(cleaned);
        }
        // Checks that the folder is ours and private before reading anything from it.
        private_file::create_folder(&self.folder)?;
        let _lock = self.lock()?;
        for entry in fs::read_dir(&self.folder)?.flatten() {
            let Ok(name) = entry.file_name().into_string() else {
                cleaned.leftovers += u64::from(fs::remove_file(entry.path()).is_ok());
                continue;
            };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if name == LOCK_NAME || kind.is_dir() {
                continue;
            }
            if let Some(pid) = temp_pid(&name) {
                if kind.is_file() && !is_abandoned(&entry.path(), pid) {
                    continue;
                }
            }
            let parsed = FileName::parse(&name).filter(|_| kind.is_file());
            let Some(parsed) = parsed else {
                cleaned.leftovers += u64::from(fs::remove_file(entry.path()).is_ok());
                continue;
            };
            let unreadable = read_batch(&entry.path(), &parsed.batch_id).is_none();
            if unreadable && fs::remove_file(entry.path()).is_ok() {
                cleaned.unreadable += 1;
                cleaned.dropped_events += parsed.events;
            }
        }
        cleaned.dropped_events += self.enforce_bounds(0, now_micros());
        Ok(cleaned)
    }

    /// The final spool files, oldest first. Links and other entries are not listed.
    pub(super) fn entries(&self) -> Vec<Entry> {
        let Ok(listing) = fs::read_dir(&self.folder) else {
            return Vec::new();
        };
        let mut entries: Vec<Entry> = listing
            .flatten()
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
            .filter_map(|entry| {
                let name = FileName::parse(entry.file_name().to_str()?)?;
                let size = entry.metadata().ok()?.len();
                Some(Entry {
                    path: entry.path(),
                    name,
                    size,
                })
            })
            .collect();
        entries.sort_by(|a, b| (a.name.micros, &a.path).cmp(&(b.name.micros, &b.path)));
        entries
    }

    /// Whether a batch spooled at `micros` is past the age bound at `now`.
    pub(super) fn too_old(&self, micros: u64, now: u64) -> bool {
        now.saturating_sub(micros) > self.max_age.as_micros() as u64
    }

    /// Removes files past the age bound, then the oldest until `extra` more bytes fit within
    /// the byte bound. Returns the events removed.
    fn enforce_bounds(&self, extra: u64, now: u64) -> u64 {
        let mut dropped = 0;
        let mut kept = Vec::new();
        for entry in self.entries() {
            if self.too_old(entry.name.micros, now) {
                if fs::remove_file(&entry.path).is_ok() {
                    dropped += entry.name.events;
                }
            } else {
                kept.push(entry);
            }
        }
        let mut total: u64 = kept.iter().map(|entry| entry.size).sum();
        for entry in kept {
            if total + extra <= self.max_bytes {
                break;
            }
            if fs::remove_file(&entry.path).is_ok() {
                dropped += entry.name.events;
            }
            total -= entry.size;
        }
        dropped
    }

    /// The spool's lock, held until the returned file is dropped.
    fn lock(&self) -> io::Result<File> {
        let lock = private_file::open_append(&self.folder.join(LOCK_NAME))?;
        crate::sys::lock_exclusive(&lock)?;
        Ok(lock)
    }
}

/// Whether the temporary file at `path` of process `pid` was left by a writer that is gone.
fn is_abandoned(path: &Path, pid: i32) -> bool {
    if pid == std::process::id() as i32 {
        return false;
    }
    let stale = fs::symlink_metadata(path).is_ok_and(|metadata| {
        let modified = UNIX_EPOCH + Duration::from_secs(metadata.mtime().max(0) as u64);
        SystemTime::now()
            .duration_since(modified)
            .is_ok_and(|age| age > STALE_TEMP)
    });
    stale || !crate::sys::process_alive(pid)
}

/// The batch in the spool file at `path` (never through a link), if it parses as one with
/// events and the `batch_id` its name says.
pub(super) fn read_batch(path: &Path, batch_id: &str) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    private_file::open_read(path)
        .ok()?
        .read_to_end(&mut body)
        .ok()?;
    is_batch(&body, batch_id).then_some(body)
}

/// Whether `body` is a batch with at least one event and this `batch_id`.
pub(super) fn is_batch(body: &[u8], batch_id: &str) -> bool {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    value["batch_id"] == batch_id && value["events"].as_array().is_some_and(|e| !e.is_empty())
}

pub(super) fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_micros() as u64)
}
