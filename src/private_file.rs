//! Files the library creates, reads back or appends to (the salt, the local-only output file),
//! opened so that nobody else can redirect them.
//!
//! A path such as `/tmp/t.jsonl` can be prepared by another user before the library opens it: a
//! symbolic link planted there would make the library append to whatever file the link names
//! (and a dangling link would create its target). So the last component is opened with
//! `O_NOFOLLOW`, the opened file must be a regular file owned by this user, and its folder must
//! be one that only this user (or root) can change: owned by them, or shared but sticky like
//! `/tmp`, where others cannot rename or remove what is ours. Anything else is refused with an
//! error that says which rule failed, and the caller turns that into one warning.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Mode of every file the library creates: readable and writable by the user alone.
const FILE_MODE: u32 = 0o600;
/// Mode of every folder the library creates.
const FOLDER_MODE: u32 = 0o700;
/// Group- or world-writable.
const WRITABLE_BY_OTHERS: u32 = 0o022;
const STICKY: u32 = 0o1000;

/// Why a path was refused; also an `io::Error` so callers can treat it like any other failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The path names a symbolic link.
    SymbolicLink,
    /// The path names something other than a regular file (a folder, a FIFO, a device).
    NotARegularFile,
    /// The file belongs to another user.
    OwnedByAnotherUser,
    /// Its folder belongs to another user, or others may write to it and it is not sticky.
    UnsafeFolder,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refusal::SymbolicLink => "it is a symbolic link",
            Refusal::NotARegularFile => "it is not a regular file",
            Refusal::OwnedByAnotherUser => "it belongs to another user",
            Refusal::UnsafeFolder => "its folder can be changed by another user",
        })
    }
}

impl std::error::Error for Refusal {}

impl From<Refusal> for io::Error {
    fn from(refusal: Refusal) -> Self {
        io::Error::new(io::ErrorKind::PermissionDenied, refusal)
    }
}

/// The refusal inside `error`, if this module refused the path.
pub fn refusal_of(error: &io::Error) -> Option<Refusal> {
    error.get_ref()?.downcast_ref::<Refusal>().copied()
}

/// Opens `path` for appending, creating it with mode 0600 if it does not exist.
pub fn open_append(path: &Path) -> io::Result<File> {
    check_folder(path)?;
    let file = with_refusals(
        OpenOptions::new()
            .append(true)
            .create(true)
            .mode(FILE_MODE)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(path),
    )?;
    check_opened(&file, Owner::ThisUser)?;
    Ok(file)
}

/// Opens an existing `path` for reading. A file root owns is accepted too, so that an
/// administrator can provide one (a shared salt file, say).
pub fn open_read(path: &Path) -> io::Result<File> {
    let file = with_refusals(
        OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(path),
    )?;
    check_opened(&file, Owner::ThisUserOrRoot)?;
    Ok(file)
}

/// Creates `path`, which must not exist yet (not even as a link), with mode 0600.
pub fn create_new(path: &Path) -> io::Result<File> {
    // O_EXCL already refuses an existing link, dangling or not.
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

/// Creates `folder` and its missing parents with mode 0700, then checks that it is safe to keep
/// private files in.
pub fn create_folder(folder: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(FOLDER_MODE)
        .create(folder)?;
    check_folder_itself(folder)
}

/// Checks the folder that holds `path`.
fn check_folder(path: &Path) -> io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    check_folder_itself(folder)
}

fn check_folder_itself(folder: &Path) -> io::Result<()> {
    // Links above the last component are followed on purpose: `/tmp` or a home folder is often
    // one, and what matters is who can change the folder the file is in.
    let metadata = fs::metadata(folder)?;
    if !metadata.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "the folder of the path is not a folder",
        ));
    }
    let mode = metadata.permissions().mode();
    let trusted_owner = metadata.uid() == crate::sys::effective_uid() || metadata.uid() == 0;
    let others_may_replace = mode & WRITABLE_BY_OTHERS != 0 && mode & STICKY == 0;
    if !trusted_owner || others_may_replace {
        return Err(Refusal::UnsafeFolder.into());
    }
    Ok(())
}

/// `O_NOFOLLOW` on a link fails with `ELOOP`; say why in words.
fn with_refusals(opened: io::Result<File>) -> io::Result<File> {
    opened.map_err(|error| match error.raw_os_error() {
        Some(libc::ELOOP) => Refusal::SymbolicLink.into(),
        _ => error,
    })
}

/// Who may own a file the library opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    ThisUser,
    ThisUserOrRoot,
}

fn check_opened(file: &File, owner: Owner) -> io::Result<()> {
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(Refusal::NotARegularFile.into());
    }
    let uid = metadata.uid();
    let root_accepted = owner == Owner::ThisUserOrRoot && uid == 0;
    if uid != crate::sys::effective_uid() && !root_accepted {
        return Err(Refusal::OwnedByAnotherUser.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::fs::symlink;

    fn temp_folder(name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!(
            "mt-private-file-{name}-{}-{}",
            std::process::id(),
            crate::salt::random_hex(4).unwrap()
        ));
        create_folder(&folder).unwrap();
        folder
    }

    #[test]
    fn creates_and_appends_a_private_file() {
        let folder = temp_folder("append");
        let path = folder.join("out.jsonl");
        open_append(&path).unwrap().write_all(b"one\n").unwrap();
        open_append(&path).unwrap().write_all(b"two\n").unwrap();
        let mut text = String::new();
        open_read(&path).unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, "one\ntwo\n");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, FILE_MODE);
        fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn a_link_is_refused_and_its_target_left_alone() {
        let folder = temp_folder("link");
        let target = folder.join("victim");
        fs::write(&target, b"precious\n").unwrap();
        let planted = folder.join("out.jsonl");
        symlink(&target, &planted).unwrap();
        let error = open_append(&planted).unwrap_err();
        assert_eq!(refusal_of(&error), Some(Refusal::SymbolicLink));
        assert_eq!(
            refusal_of(&open_read(&planted).unwrap_err()),
            Some(Refusal::SymbolicLink)
        );
        assert!(create_new(&planted).is_err());
        assert_eq!(fs::read(&target).unwrap(), b"precious\n");

        // A dangling link does not create its target.
        let dangling = folder.join("dangling.jsonl");
        let nowhere = folder.join("created-through-link");
        symlink(&nowhere, &dangling).unwrap();
        assert_eq!(
            refusal_of(&open_append(&dangling).unwrap_err()),
            Some(Refusal::SymbolicLink)
        );
        assert!(!nowhere.exists());
        fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn folders_others_can_change_are_refused_unless_sticky() {
        let folder = temp_folder("shared");
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o777)).unwrap();
        let error = open_append(&folder.join("out.jsonl")).unwrap_err();
        assert_eq!(refusal_of(&error), Some(Refusal::UnsafeFolder));
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(open_append(&folder.join("out.jsonl")).is_ok());
        fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn a_file_of_another_user_is_refused() {
        let folder = temp_folder("owner");
        let path = folder.join("out.jsonl");
        fs::write(&path, b"").unwrap();
        // Only root can give a file away; as anyone else the rule is exercised by the folder
        // test above and this one has nothing to show.
        if crate::sys::effective_uid() == 0 {
            std::os::unix::fs::chown(&path, Some(65534), None).unwrap();
            assert_eq!(
                refusal_of(&open_append(&path).unwrap_err()),
                Some(Refusal::OwnedByAnotherUser)
            );
            assert_eq!(
                refusal_of(&open_read(&path).unwrap_err()),
                Some(Refusal::OwnedByAnotherUser)
            );
        }
        fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn a_folder_is_not_a_file() {
        let folder = temp_folder("dir");
        fs::create_dir(folder.join("sub")).unwrap();
        assert!(open_append(&folder.join("sub")).is_err());
        assert_eq!(
            refusal_of(&open_read(&folder.join("sub")).unwrap_err()),
            Some(Refusal::NotARegularFile)
        );
        fs::remove_dir_all(folder).unwrap();
    }
}
