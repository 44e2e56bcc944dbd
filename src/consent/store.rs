//! `telemetry_consent.json`: reading it, changing an entry, writing it back atomically.
//!
//! ```json
//! {
//!   "about": "…",
//!   "global": { "level": "local", "decided_at": "2026-12-02T10:40:13Z", "notice_version": 1 },
//!   "apps": { "mytool": { "level": "on", "decided_at": "…", "notice_version": 1 } }
//! }
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::SystemTime;

use serde_json::{json, Map, Value};

use super::{format_utc, parse_utc, Consent, ConsentError, NOTICE_VERSION};
use crate::private_file;

/// The longest consent file read: far more than any real one, small enough to never hurt.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// What the file says to a person who opens it.
const ABOUT: &str = "Telemetry choices recorded by mycelium-telemetry. Change them with \
                     `mycelium-telemetry on|local|off|reset [--app NAME]`.";

/// One recorded choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentEntry {
    pub level: Consent,
    /// When the user decided, to the second.
    pub decided_at: SystemTime,
    /// The version of the notice the user was shown.
    pub notice_version: u32,
    /// The random id batches carry while this entry says on; a new one after each opt-out.
    pub installation_id: Option<String>,
}

/// A deletion request not yet delivered: retried until the collector accepts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingDeletion {
    pub installation_id: String,
    pub endpoint: String,
}

/// The whole file: the global default and each application's own entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsentFile {
    global: Option<ConsentEntry>,
    apps: BTreeMap<String, ConsentEntry>,
    pending_deletions: Vec<PendingDeletion>,
}

impl ConsentFile {
    /// Reads `path`; a file that does not exist records nothing. Opened without following a
    /// link; a file of another user (root aside) is refused.
    pub fn load(path: &Path) -> Result<ConsentFile, ConsentError> {
        let mut file = match private_file::open_read(path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(ConsentFile::default())
            }
            Err(error) => return Err(error.into()),
        };
        let mut text = String::new();
        Read::by_ref(&mut file)
            .take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|_| ConsentError::Malformed)?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(ConsentError::Malformed);
        }
        Self::parse(&text).ok_or(ConsentError::Malformed)
    }

    fn parse(text: &str) -> Option<ConsentFile> {
        let value: Value = serde_json::from_str(text).ok()?;
        let object = value.as_object()?;
        let global = match object.get("global") {
            None | Some(Value::Null) => None,
            Some(entry) => Some(parse_entry(entry)?),
        };
        let mut apps = BTreeMap::new();
        if let Some(listed) = object.get("apps") {
            for (name, entry) in listed.as_object()? {
                if !super::is_valid_app_name(name) {
                    return None;
                }
                apps.insert(name.clone(), parse_entry(entry)?);
            }
        }
        let mut pending_deletions = Vec::new();
        if let Some(listed) = object.get("pending_deletions") {
            for pending in listed.as_array()? {
                pending_deletions.push(PendingDeletion {
                    installation_id: installation_id(pending.get("installation_id")?)?,
                    endpoint: pending.get("endpoint")?.as_str()?.to_owned(),
                });
            }
        }
        Some(ConsentFile {
            global,
            apps,
            pending_deletions,
        })
    }

    /// The global default, if one is recorded.
    pub fn global(&self) -> Option<&ConsentEntry> {
        self.global.as_ref()
    }

    /// `app`'s own entry, if one is recorded.
    pub fn app(&self, app: &str) -> Option<&ConsentEntry> {
        self.apps.get(app)
    }

    /// The entry for `app` (`None`: global), without falling back.
    pub fn entry(&self, app: Option<&str>) -> Option<&ConsentEntry> {
        match app {
            Some(app) => self.app(app),
            None => self.global(),
        }
    }

    /// Every application with an entry of its own.
    pub fn apps(&self) -> impl Iterator<Item = (&str, &ConsentEntry)> {
        self.apps.iter().map(|(name, entry)| (name.as_str(), entry))
    }

    /// Records `level` for `app` (`None`: global), decided `at`; `Undecided` forgets the entry.
    /// The name is assumed valid (the public functions check it). An entry set to on keeps its
    /// installation id or gets a new random one; off or undecided drops it. Returns the entry
    /// this one replaced.
    pub fn set(
        &mut self,
        app: Option<&str>,
        level: Consent,
        at: SystemTime,
    ) -> Option<ConsentEntry> {
        let previous = self.entry(app).cloned();
        let installation_id = match level {
            Consent::On => previous
                .as_ref()
                .and_then(|entry| entry.installation_id.clone())
                .or_else(|| super::random_hex(16).ok()),
            Consent::Local => previous
                .as_ref()
                .and_then(|entry| entry.installation_id.clone()),
            Consent::Off | Consent::Undecided => None,
        };
        let entry = (level != Consent::Undecided).then_some(ConsentEntry {
            level,
            decided_at: at,
            notice_version: NOTICE_VERSION,
            installation_id,
        });
        match (app, entry) {
            (None, entry) => self.global = entry,
            (Some(app), Some(entry)) => {
                self.apps.insert(app.to_owned(), entry);
            }
            (Some(app), None) => {
                self.apps.remove(app);
            }
        }
        previous
    }

    /// Deletion requests still to deliver.
    pub fn pending_deletions(&self) -> &[PendingDeletion] {
        &self.pending_deletions
    }

    /// Adds a deletion request to deliver.
    pub fn add_pending_deletion(&mut self, pending: PendingDeletion) {
        if !self.pending_deletions.contains(&pending) {
            self.pending_deletions.push(pending);
        }
    }

    /// Forgets a delivered deletion request.
    pub fn remove_pending_deletion(&mut self, delivered: &PendingDeletion) {
        self.pending_deletions
            .retain(|pending| pending != delivered);
    }

    /// The file's text: indented JSON, entries in name order.
    pub fn to_text(&self) -> String {
        let mut apps = Map::new();
        for (name, entry) in &self.apps {
            apps.insert(name.clone(), entry_value(entry));
        }
        let pending: Vec<Value> = self
            .pending_deletions
            .iter()
            .map(|pending| {
                json!({ "installation_id": pending.installation_id, "endpoint": pending.endpoint })
            })
            .collect();
        let mut document = json!({
            "about": ABOUT,
            "global": self.global.as_ref().map(entry_value),
            "apps": apps,
        });
        if !pending.is_empty() {
            document["pending_deletions"] = Value::Array(pending);
        }
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes the file atomically: a private temporary file in the same folder (created with
    /// mode 0600, never through a link), synced, then renamed over `path`. Readers see the old
    /// file or the new one, never half of one. The folder is created (mode 0700) if missing.
    pub fn save(&self, path: &Path) -> Result<(), ConsentError> {
        write_atomically(path, self.to_text().as_bytes())?;
        Ok(())
    }
}

/// The folder of `path` (created private if missing) and the file's own name, for the files
/// kept beside it (a lock, a temporary copy).
fn private_folder_and_name(path: &Path) -> io::Result<(&Path, String)> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    private_file::create_folder(folder)?;
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((folder, name))
}

/// Held while a process reads, changes and writes back the consent file at `path`, so that two
/// processes recording choices at once do not lose one: an exclusive lock on a private file
/// beside it (`.<name>.lock`), released when the returned file is dropped.
pub fn lock_for_change(path: &Path) -> io::Result<fs::File> {
    let (folder, name) = private_folder_and_name(path)?;
    let lock = private_file::open_append(&folder.join(format!(".{name}.lock")))?;
    crate::sys::lock_exclusive(&lock)?;
    Ok(lock)
}

/// Replaces `path` with `bytes` through a private temporary file in the same folder.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (folder, name) = private_folder_and_name(path)?;
    let random = super::random_hex(8)?;
    let temp = folder.join(format!(".{name}.{}.{random}", std::process::id()));
    let written = private_file::create_new(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    // rename replaces a link at `path` itself rather than writing through it.
    let renamed = written.and_then(|()| fs::rename(&temp, path));
    if renamed.is_err() {
        let _ = fs::remove_file(&temp);
    }
    renamed
}

fn entry_value(entry: &ConsentEntry) -> Value {
    let mut value = json!({
        "level": entry.level.word(),
        "decided_at": format_utc(entry.decided_at),
        "notice_version": entry.notice_version,
    });
    if let Some(id) = &entry.installation_id {
        value["installation_id"] = Value::String(id.clone());
    }
    value
}

/// A well-formed installation id: 32 lowercase hex digits.
fn installation_id(value: &Value) -> Option<String> {
    let id = value.as_str()?;
    let well_formed = id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    well_formed.then(|| id.to_owned())
}

fn parse_entry(value: &Value) -> Option<ConsentEntry> {
    let level = Consent::from_word(value.get("level")?.as_str()?)?;
    if level == Consent::Undecided {
        return None;
    }
    let decided_at = parse_utc(value.get("decided_at")?.as_str()?)?;
    let notice_version = u32::try_from(value.get("notice_version")?.as_u64()?).ok()?;
    let installation_id = match value.get("installation_id") {
        None => None,
        Some(id) => Some(installation_id(id)?),
    };
    Some(ConsentEntry {
        level,
        decided_at,
        notice_version,
        installation_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::time::{Duration, UNIX_EPOCH};

    fn temp_folder(name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!(
            "mt-consent-{name}-{}-{}",
            std::process::id(),
            super::super::random_hex(4).unwrap()
        ));
        private_file::create_folder(&folder).unwrap();
        folder
    }

    #[test]
    fn entries_round_trip_through_a_private_readable_file() {
        let folder = temp_folder("round-trip");
        let path = folder.join("sub/telemetry_consent.json");
        assert_eq!(ConsentFile::load(&path).unwrap(), ConsentFile::default());
        let at = UNIX_EPOCH + Duration::from_secs(1_795_773_613);
        let mut file = ConsentFile::default();
        file.set(None, Consent::Local, at);
        file.set(Some("my-tool.cli"), Consent::On, at);
        file.set(Some("other"), Consent::Off, at);
        file.set(Some("other"), Consent::Undecided, at);
        file.save(&path).unwrap();
        let loaded = ConsentFile::load(&path).unwrap();
        assert_eq!(loaded, file);
        assert_eq!(loaded.global().unwrap().level, Consent::Local);
        assert_eq!(loaded.app("my-tool.cli").unwrap().decided_at, at);
        assert!(loaded.app("other").is_none());
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("\"decided_at\": \"2026-11-27T10:00:13Z\""),
            "{text}"
        );
        assert!(text.contains("\"notice_version\": 1"), "{text}");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let leftovers = fs::read_dir(folder.join("sub")).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
        fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn a_link_is_neither_read_nor_written_through() {
        let folder = temp_folder("link");
        let target = folder.join("elsewhere.json");
        let mut planted = ConsentFile::default();
        planted.set(None, Consent::On, SystemTime::now());
        planted.save(&target).unwrap();
        let before = fs::read(&target).unwrap();
        let path = folder.join("telemetry_consent.json");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        assert!(matches!(
            ConsentFile::load(&path),
            Err(ConsentError::Io(error))
                if private_file::refusal_of(&error) == Some(private_file::Refusal::SymbolicLink)
        ));
        let mut file = ConsentFile::default();
        file.set(None, Consent::Off, SystemTime::now());
        file.save(&path).unwrap();
        assert_eq!(
            fs::read(&target).unwrap(),
            before,
            "the link's target is untouched"
        );
        assert!(!fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink());
        fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn a_malformed_file_is_an_error_not_a_choice() {
        let folder = temp_folder("malformed");
        let path = folder.join("telemetry_consent.json");
        for text in [
            "not json",
            "[]",
            r#"{"global": {"level": "yes", "decided_at": "2026-11-27T10:00:13Z", "notice_version": 1}}"#,
            r#"{"global": {"level": "on", "decided_at": "yesterday", "notice_version": 1}}"#,
            r#"{"apps": {"../x": {"level": "on", "decided_at": "2026-11-27T10:00:13Z", "notice_version": 1}}}"#,
        ] {
            fs::write(&path, text).unwrap();
            assert!(
                matches!(ConsentFile::load(&path), Err(ConsentError::Malformed)),
                "{text}"
            );
        }
        fs::remove_dir_all(folder).unwrap();
    }
}
