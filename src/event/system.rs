//! What `system_info` events report: the platform, read once, and the host runtime a binding
//! names.

use std::sync::{Mutex, PoisonError};

use once_cell::sync::Lazy;

use super::TrackError;

/// The longest runtime description [`set_host_runtime`] accepts.
pub const MAX_RUNTIME_LEN: usize = 64;

static HOST_RUNTIME: Mutex<Option<String>> = Mutex::new(None);

/// Names the language runtime hosting this library (for example `python 3.11.7`), reported by
/// every later `system_info` event of every client in the process. Bindings call it once when
/// they load. Refused unless it is 1 to [`MAX_RUNTIME_LEN`] printable ASCII characters, which
/// keeps anything but a name and a version out.
pub fn set_host_runtime(runtime: &str) -> Result<(), TrackError> {
    let printable = runtime.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if runtime.trim().is_empty() || runtime.len() > MAX_RUNTIME_LEN || !printable {
        return Err(TrackError::InvalidArgument);
    }
    *HOST_RUNTIME.lock().unwrap_or_else(PoisonError::into_inner) = Some(runtime.to_owned());
    Ok(())
}

pub(crate) fn host_runtime() -> Option<String> {
    HOST_RUNTIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// What `system_info` reports, read once: the names Python's `platform` module gives.
pub(super) struct SystemInfo {
    pub(super) platform: String,
    pub(super) platform_version: String,
    pub(super) arch: String,
}

pub(super) static SYSTEM: Lazy<SystemInfo> = Lazy::new(|| {
    let (release, machine) = crate::sys::kernel_release_and_machine();
    SystemInfo {
        platform: match std::env::consts::OS {
            "linux" => "Linux",
            "macos" => "Darwin",
            "windows" => "Windows",
            "freebsd" => "FreeBSD",
            other => other,
        }
        .to_owned(),
        platform_version: release,
        arch: if machine.is_empty() {
            std::env::consts::ARCH.to_owned()
        } else {
            machine
        },
    }
});
