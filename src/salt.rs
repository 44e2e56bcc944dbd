//! The per-installation salt: one random value per user account, kept in a file, so that the
//! same identifier hashes the same way in every process and every run, and never leaves.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::log::Logger;
use crate::private_file;

/// Bytes of OS randomness in a new salt; written as twice as many hex characters.
const SALT_BYTES: usize = 32;

/// The salt a client hashes with: the configured one, else the installation's file, else (when
/// the file can be neither read nor written) a random one for this process alone, with a warning.
pub(crate) fn resolve(config: &Config, logger: &Logger) -> String {
    if let Some(salt) = config.salt() {
        return salt.to_owned();
    }
    let path = config
        .salt_file()
        .cloned()
        .or_else(|| default_salt_path(|name| std::env::var_os(name)));
    let from_file = match &path {
        Some(path) => load_or_create(path),
        None => Err(io::Error::new(
            io::ErrorKind::NotFound,
            "neither XDG_CONFIG_HOME nor HOME is set",
        )),
    };
    match from_file {
        Ok(salt) => salt,
        Err(error) => {
            // The path may contain the user's name, so only the kind of error is reported.
            let reason = match crate::private_file::refusal_of(&error) {
                Some(refusal) => refusal.to_string(),
                None => error.kind().to_string(),
            };
            logger.warn(&format!(
                "cannot use the per-installation salt file ({reason}); hashes in this process \
                 use a random salt and will not match other runs"
            ));
            random_hex(SALT_BYTES).unwrap_or_else(|_| fallback_entropy_hex())
        }
    }
}

/// The salt `config` already has: its own, else the per-installation file's if it exists. Never
/// creates the file (used where nothing may be written, such as anonymizing one event).
pub(crate) fn existing(config: &Config) -> Option<String> {
    if let Some(salt) = config.salt() {
        return Some(salt.to_owned());
    }
    let path = config
        .salt_file()
        .cloned()
        .or_else(|| default_salt_path(|name| std::env::var_os(name)))?;
    read_salt(&path).ok()
}

/// `$XDG_CONFIG_HOME/mycelium/telemetry_salt`, else `~/.config/mycelium/telemetry_salt`.
pub fn default_salt_path(lookup: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let non_empty = |name: &str| lookup(name).filter(|value| !value.is_empty());
    let config_home = non_empty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(config_home.join("mycelium").join("telemetry_salt"))
}

/// Reads the salt at `path`, creating it first if it does not exist.
///
/// Creation is atomic and never overwrites: the new salt is written to a private temporary file
/// and hard-linked into place, which fails if another process got there first, in which case its
/// salt is the one used. Two processes starting together therefore agree.
pub fn load_or_create(path: &Path) -> io::Result<String> {
    match read_salt(path) {
        Ok(salt) => return Ok(salt),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "salt path has no folder"))?;
    private_file::create_folder(dir)?;

    let salt = random_hex(SALT_BYTES)?;
    let temp = dir.join(format!(
        ".telemetry_salt.{}.{}",
        std::process::id(),
        random_hex(8)?
    ));
    let written = write_private(&temp, &salt).and_then(|()| fs::hard_link(&temp, path));
    let _ = fs::remove_file(&temp);
    match written {
        Ok(()) => Ok(salt),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => read_salt(path),
        Err(error) => Err(error),
    }
}

fn write_private(path: &Path, salt: &str) -> io::Result<()> {
    let mut file = private_file::create_new(path)?;
    file.write_all(salt.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

fn read_salt(path: &Path) -> io::Result<String> {
    let mut text = String::new();
    private_file::open_read(path)?.read_to_string(&mut text)?;
    let salt = text.trim();
    if salt.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "salt file is empty",
        ));
    }
    Ok(salt.to_owned())
}

/// `len` bytes from the OS's randomness, as lowercase hex.
pub(crate) fn random_hex(len: usize) -> io::Result<String> {
    let mut bytes = vec![0u8; len];
    crate::sys::fill_random(&mut bytes)?;
    Ok(crate::anonymize::hex(&bytes))
}

/// Only reached if getrandom(2) itself fails: better a weak process-local salt than none.
fn fallback_entropy_hex() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    for _ in 0..4 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        out.push_str(&format!("{:016x}", hasher.finish()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "mt-salt-{name}-{}-{}",
            std::process::id(),
            random_hex(4).unwrap()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn creates_64_hex_chars_with_mode_0600_and_reuses_it() {
        let dir = temp_dir("create");
        let path = dir.join("nested").join("telemetry_salt");
        let first = load_or_create(&path).unwrap();
        assert_eq!(first.len(), 64);
        assert!(first
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load_or_create(&path).unwrap(), first);
        // No temporary files are left behind.
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn racing_creators_agree_on_one_salt() {
        for round in 0..20 {
            let dir = temp_dir(&format!("race{round}"));
            let path = dir.join("telemetry_salt");
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let (path, barrier) = (path.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        load_or_create(&path).unwrap()
                    })
                })
                .collect();
            let salts: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            assert!(salts.iter().all(|s| s == &salts[0]), "{salts:?}");
            assert_eq!(fs::read_to_string(&path).unwrap().trim(), salts[0]);
            fs::remove_dir_all(dir).unwrap();
        }
    }

    #[test]
    fn default_path_prefers_xdg_then_home() {
        let both = |name: &str| match name {
            "XDG_CONFIG_HOME" => Some(OsString::from("/x")),
            "HOME" => Some(OsString::from("/h")),
            _ => None,
        };
        assert_eq!(
            default_salt_path(both).unwrap(),
            PathBuf::from("/x/mycelium/telemetry_salt")
        );
        let home_only = |name: &str| (name == "HOME").then(|| OsString::from("/h"));
        assert_eq!(
            default_salt_path(home_only).unwrap(),
            PathBuf::from("/h/.config/mycelium/telemetry_salt")
        );
        assert_eq!(default_salt_path(|_| None), None);
    }

    #[test]
    fn unwritable_location_falls_back_to_a_random_salt_with_a_warning() {
        let dir = temp_dir("unwritable");
        // A regular file where a folder should be makes creation fail even for root.
        let blocker = dir.join("not-a-dir");
        fs::write(&blocker, b"x").unwrap();
        let mut config = Config::new();
        config
            .set_salt_file(blocker.join("telemetry_salt"))
            .unwrap();
        let warnings = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let sink = warnings.clone();
        let logger = Logger::custom(std::sync::Arc::new(move |_, m: &str| {
            sink.lock().unwrap().push(m.to_owned())
        }));
        let a = resolve(&config, &logger);
        let b = resolve(&config, &logger);
        assert_eq!(a.len(), 64);
        assert_ne!(a, b, "the fallback salt is random per process/client");
        let warnings = warnings.lock().unwrap();
        assert_eq!(warnings.len(), 2);
        assert!(!warnings[0].contains(&a));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_salt_file_that_is_a_link_is_not_used() {
        let dir = temp_dir("link");
        let planted = dir.join("planted");
        fs::write(&planted, b"known-to-someone-else\n").unwrap();
        let path = dir.join("telemetry_salt");
        std::os::unix::fs::symlink(&planted, &path).unwrap();
        let mut config = Config::new();
        config.set_salt_file(&path).unwrap();
        let salt = resolve(&config, &Logger::default());
        assert_ne!(salt, "known-to-someone-else");
        assert_eq!(salt.len(), 64);
        assert!(load_or_create(&path).is_err());
        assert_eq!(fs::read(&planted).unwrap(), b"known-to-someone-else\n");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn configured_salt_wins_and_no_file_is_touched() {
        let dir = temp_dir("configured");
        let mut config = Config::new();
        config.set_salt("pepper").unwrap();
        config.set_salt_file(dir.join("telemetry_salt")).unwrap();
        assert_eq!(resolve(&config, &Logger::default()), "pepper");
        assert!(!dir.join("telemetry_salt").exists());
        fs::remove_dir_all(dir).unwrap();
    }
}
