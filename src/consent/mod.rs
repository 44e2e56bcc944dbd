//! The user's recorded choice: per application, with a global default, kept in
//! `telemetry_consent.json` beside the salt file, and the one order that decides whether a
//! client collects ([`decision`]).
//!
//! The file is written atomically (a private temporary file in the same folder, renamed into
//! place), mode 0600, never through a link, and as indented JSON a person can read.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::SystemTime;

mod clock;
pub mod decision;
pub mod records;
mod store;

pub use clock::{format_utc, parse_utc};
pub use decision::{decide, Decision, DecisionInputs, Effective, Rule};
pub use store::{lock_for_change, ConsentEntry, ConsentFile, PendingDeletion};

/// The variable that names the consent file instead of the default location.
pub const CONSENT_FILE_VAR: &str = "TELEMETRY_CONSENT_FILE";

/// The notice a host shows before asking, and the choice records which version the user saw.
pub const NOTICE: &str = "This program can send anonymous usage telemetry (which features run, \
how long they take, scrubbed error types) to help its developers. Identifiers are hashed, paths \
and secrets are removed, and nothing is sent unless you turn it on. Choose: on (send), local \
(record on this machine only, never send) or off. Change it any time with `mycelium-telemetry \
on|local|off`, and see what was recorded or sent with `mycelium-telemetry show`. Turning it off \
after it was on asks the collector to delete what it received.";

/// Bumped whenever [`NOTICE`] changes in substance.
pub const NOTICE_VERSION: u32 = 1;

/// A recorded level. The numbers are those of the C enum `mt_consent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consent {
    /// Nothing recorded: the next rule of the order decides, and undecided never uploads.
    Undecided = 0,
    /// Nothing is collected.
    Off = 1,
    /// Events are recorded on this machine only, viewable, never uploaded.
    Local = 2,
    /// Events are sent.
    On = 3,
}

impl Consent {
    /// The word written in the file and typed at the command line.
    pub fn word(self) -> &'static str {
        match self {
            Consent::Undecided => "undecided",
            Consent::Off => "off",
            Consent::Local => "local",
            Consent::On => "on",
        }
    }

    /// The level a word names (any case), `None` for anything else.
    pub fn from_word(word: &str) -> Option<Consent> {
        [
            Consent::Undecided,
            Consent::Off,
            Consent::Local,
            Consent::On,
        ]
        .into_iter()
        .find(|level| level.word().eq_ignore_ascii_case(word))
    }

    /// The level of a C `mt_consent` value, `None` for a number that is not one.
    pub fn from_number(number: i64) -> Option<Consent> {
        Some(match number {
            0 => Consent::Undecided,
            1 => Consent::Off,
            2 => Consent::Local,
            3 => Consent::On,
            _ => return None,
        })
    }
}

impl fmt::Display for Consent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// The longest application name.
pub const MAX_APP_NAME_LEN: usize = 64;

/// Whether `name` is a valid application name: 1 to 64 ASCII letters, digits, `-`, `_` or `.`,
/// starting with a letter or digit (names become parts of file names, so never `..`).
pub fn is_valid_app_name(name: &str) -> bool {
    (1..=MAX_APP_NAME_LEN).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Why the recorded choice could not be read or written.
#[derive(Debug)]
pub enum ConsentError {
    /// The application name is not a short identifier (see [`is_valid_app_name`]).
    InvalidAppName,
    /// Neither `TELEMETRY_CONSENT_FILE`, `XDG_CONFIG_HOME` nor `HOME` says where the file is.
    NoLocation,
    /// The file exists but is not a consent file this library wrote.
    Malformed,
    /// Reading or writing failed (a link refused, a folder others can change, a full disk).
    Io(io::Error),
}

impl fmt::Display for ConsentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsentError::InvalidAppName => write!(
                f,
                "an application name is 1 to {MAX_APP_NAME_LEN} letters, digits, '-', '_' or \
                 '.', starting with a letter or digit"
            ),
            ConsentError::NoLocation => f.write_str(
                "no place for the consent file: set TELEMETRY_CONSENT_FILE, XDG_CONFIG_HOME or HOME",
            ),
            ConsentError::Malformed => f.write_str("the consent file is not valid"),
            ConsentError::Io(error) => match crate::private_file::refusal_of(error) {
                Some(refusal) => write!(f, "the consent file was refused: {refusal}"),
                None => write!(f, "the consent file cannot be used: {}", error.kind()),
            },
        }
    }
}

impl std::error::Error for ConsentError {}

impl From<io::Error> for ConsentError {
    fn from(error: io::Error) -> Self {
        ConsentError::Io(error)
    }
}

/// `TELEMETRY_CONSENT_FILE`, else `$XDG_CONFIG_HOME/mycelium/telemetry_consent.json`, else
/// `~/.config/mycelium/telemetry_consent.json`, as `lookup` (a stand-in for the environment)
/// says. Empty values count as unset.
pub fn consent_path(lookup: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let non_empty = |name: &str| lookup(name).filter(|value| !value.is_empty());
    if let Some(path) = non_empty(CONSENT_FILE_VAR) {
        return Some(PathBuf::from(path));
    }
    // The salt file's folder (see `salt::default_salt_path`), found the same way.
    let config_home = non_empty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(config_home.join("mycelium").join("telemetry_consent.json"))
}

/// `bytes` random bytes from the OS, in hex: for temporary names and installation ids.
pub(crate) fn random_hex(bytes: usize) -> io::Result<String> {
    let mut random = vec![0u8; bytes];
    crate::sys::fill_random(&mut random)?;
    Ok(random.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// The consent file of this process's environment.
pub fn consent_path_from_env() -> Result<PathBuf, ConsentError> {
    consent_path(|name| std::env::var_os(name)).ok_or(ConsentError::NoLocation)
}

/// The level recorded for `app` (`None`: the global default) in the environment's consent file;
/// [`Consent::Undecided`] when nothing is recorded for it. An application without an entry of
/// its own follows the global one, which [`decide`] applies: this reads one entry only.
pub fn recorded(app: Option<&str>) -> Result<Consent, ConsentError> {
    let file = ConsentFile::load(&consent_path_from_env()?)?;
    let entry = match app {
        Some(name) if !is_valid_app_name(name) => return Err(ConsentError::InvalidAppName),
        Some(name) => file.app(name),
        None => file.global(),
    };
    Ok(entry.map_or(Consent::Undecided, |entry| entry.level))
}

/// `$XDG_STATE_HOME/mycelium/telemetry/`, else `~/.local/state/mycelium/telemetry/`: where the
/// local record and the sent log are kept.
pub fn state_folder(lookup: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let non_empty = |name: &str| lookup(name).filter(|value| !value.is_empty());
    let state_home = non_empty("XDG_STATE_HOME").map(PathBuf::from).or_else(|| {
        non_empty("HOME").map(|home| PathBuf::from(home).join(".local").join("state"))
    })?;
    Some(state_home.join("mycelium").join("telemetry"))
}

/// The name files of `app` carry: the application's name, or `default` without one (a valid
/// name never holds `/`, and the global record's name cannot be taken by an app because app
/// files are `app-<name>`).
pub fn record_stem(app: Option<&str>) -> String {
    match app {
        Some(app) => format!("app-{app}"),
        None => "default".to_owned(),
    }
}

/// `now` rounded up to the next whole second: the file keeps seconds, and rounding down would
/// let an event tracked just before the choice count as after it.
pub(crate) fn decision_time(now: SystemTime) -> SystemTime {
    let since_epoch = now
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or(std::time::Duration::ZERO);
    let whole = since_epoch.as_secs() + u64::from(since_epoch.subsec_nanos() > 0);
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(whole)
}

/// The file at `path`, to change and save back. A choice must always be recordable: a file that
/// is not valid, or a link planted in its place (replaced by the rename, never written
/// through), is started afresh.
pub fn load_for_change(path: &std::path::Path) -> Result<ConsentFile, ConsentError> {
    match ConsentFile::load(path) {
        Ok(file) => Ok(file),
        Err(ConsentError::Malformed) => Ok(ConsentFile::default()),
        Err(ConsentError::Io(error))
            if crate::private_file::refusal_of(&error)
                == Some(crate::private_file::Refusal::SymbolicLink) =>
        {
            Ok(ConsentFile::default())
        }
        Err(error) => Err(error),
    }
}
