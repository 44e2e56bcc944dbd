//! Live revocation: the sender thread looks at the consent file before each upload, cheaply (its
//! modification time, size and inode, at most once a second), and decides again when it
//! changed. Never on a caller's thread.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use super::gate::decide_for;
use crate::config::Config;
use crate::consent::Decision;

/// The least time between two looks at the consent file.
pub(crate) const CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// What identifies one version of the file: replaced atomically, a new version has a new
/// inode, and a file edited in place a new modification time or size.
type Fingerprint = Option<(SystemTime, u64, u64)>;

pub(super) struct ConsentWatch {
    config: Config,
    /// `None` when the environment decided (rows 1-2): the file cannot change anything.
    path: Option<PathBuf>,
    /// The consent file, watched or not: pending deletion requests are read from it.
    file: Option<PathBuf>,
    fingerprint: Fingerprint,
    last_look: Instant,
    decision: Decision,
    installation_id: Option<String>,
}

impl ConsentWatch {
    /// Watches for `config` (whose environment rows are fixed), starting from `decision`.
    pub(super) fn new(
        config: &Config,
        decision: Decision,
        path: Option<PathBuf>,
        installation_id: Option<String>,
    ) -> Self {
        let file = path.clone();
        let watched = path.filter(|_| decision.rule.comes_from_a_recorded_choice_or_later());
        ConsentWatch {
            config: config.clone(),
            fingerprint: watched.as_ref().and_then(|path| fingerprint(path)),
            path: watched,
            file,
            last_look: Instant::now(),
            decision,
            installation_id,
        }
    }

    /// The decision now: the one before unless a second has passed and the file changed.
    pub(super) fn current(&mut self) -> Decision {
        let Some(path) = &self.path else {
            return self.decision;
        };
        if self.last_look.elapsed() < CHECK_INTERVAL {
            return self.decision;
        }
        self.last_look = Instant::now();
        let now = fingerprint(path);
        if now != self.fingerprint {
            self.fingerprint = now;
            let report = decide_for(&self.config);
            self.decision = report.decision;
            self.installation_id = report.installation_id;
        }
        self.decision
    }
}

impl ConsentWatch {
    /// The id batches to the collector carry under the current decision, if any.
    pub(super) fn installation_id(&self) -> Option<&str> {
        self.installation_id.as_deref()
    }

    /// The consent file, if one is known.
    pub(super) fn consent_file(&self) -> Option<PathBuf> {
        self.file.clone()
    }
}

fn fingerprint(path: &std::path::Path) -> Fingerprint {
    // Not following a link: a planted link is refused when read, and its target's changes are
    // not the user's choice.
    let metadata = fs::symlink_metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len(), metadata.ino()))
}
