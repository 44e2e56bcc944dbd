//! The user's recorded choice from C: name the application, read and record its level, explain
//! which rule decides, show the standard notice. The rules themselves live in `consent` (the
//! order in `consent::decision`, applied to a config by `client::decide_for`); this file only
//! converts.

use std::ffi::{c_char, c_int};

use super::config::mt_config;
use super::handles::{borrow, borrow_mut, optional_str, required_str};
use super::status::{mt_status, status_of};
use crate::client::decide_for;
use crate::config::Config;
use crate::consent::{self, Consent, ConsentError, Effective, Rule};

/// A level of consent (`mt_consent_get`, `mt_consent_set`). The numbers are stable.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mt_consent {
    /// Nothing recorded: the next rule of the order decides; undecided never uploads.
    MT_CONSENT_UNDECIDED = 0,
    /// Nothing is collected.
    MT_CONSENT_OFF = 1,
    /// Events are recorded on this machine only (viewable with `mycelium-telemetry show`),
    /// never uploaded.
    MT_CONSENT_LOCAL = 2,
    /// Events are sent.
    MT_CONSENT_ON = 3,
}

impl From<Consent> for mt_consent {
    fn from(level: Consent) -> Self {
        match level {
            Consent::Undecided => mt_consent::MT_CONSENT_UNDECIDED,
            Consent::Off => mt_consent::MT_CONSENT_OFF,
            Consent::Local => mt_consent::MT_CONSENT_LOCAL,
            Consent::On => mt_consent::MT_CONSENT_ON,
        }
    }
}

impl From<Effective> for mt_consent {
    fn from(effective: Effective) -> Self {
        match effective {
            Effective::Off => mt_consent::MT_CONSENT_OFF,
            Effective::Local => mt_consent::MT_CONSENT_LOCAL,
            Effective::On => mt_consent::MT_CONSENT_ON,
        }
    }
}

/// Which rule of the order decided (`mt_consent_explain`). The numbers are stable and follow
/// the order in which the rules are tried.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mt_consent_source {
    /// Rule 1: `DO_NOT_TRACK` is set to anything but empty or `0`: off.
    MT_CONSENT_SOURCE_DO_NOT_TRACK = 1,
    /// Rule 2: `TELEMETRY_ENABLED` is set: its value, for this process only.
    MT_CONSENT_SOURCE_TELEMETRY_ENABLED = 2,
    /// Rule 3: the choice recorded for the config's application.
    MT_CONSENT_SOURCE_APP_CHOICE = 3,
    /// Rule 3: the global choice (the application has no entry of its own).
    MT_CONSENT_SOURCE_GLOBAL_CHOICE = 4,
    /// Rule 3: the consent file exists but cannot be read (a link, another user's file,
    /// malformed): off until it can be, since it may say off.
    MT_CONSENT_SOURCE_UNREADABLE_CHOICE = 5,
    /// Rule 4: nothing is recorded and the host called `mt_config_set_enabled(config, true)`.
    MT_CONSENT_SOURCE_HOST = 6,
    /// Rule 5: nothing decided: off.
    MT_CONSENT_SOURCE_DEFAULT = 7,
}

impl From<Rule> for mt_consent_source {
    fn from(rule: Rule) -> Self {
        match rule {
            Rule::DoNotTrack => mt_consent_source::MT_CONSENT_SOURCE_DO_NOT_TRACK,
            Rule::EnvironmentVariable => mt_consent_source::MT_CONSENT_SOURCE_TELEMETRY_ENABLED,
            Rule::AppChoice => mt_consent_source::MT_CONSENT_SOURCE_APP_CHOICE,
            Rule::GlobalChoice => mt_consent_source::MT_CONSENT_SOURCE_GLOBAL_CHOICE,
            Rule::UnreadableChoice => mt_consent_source::MT_CONSENT_SOURCE_UNREADABLE_CHOICE,
            Rule::Host => mt_consent_source::MT_CONSENT_SOURCE_HOST,
            Rule::Default => mt_consent_source::MT_CONSENT_SOURCE_DEFAULT,
        }
    }
}

impl From<ConsentError> for mt_status {
    fn from(error: ConsentError) -> Self {
        match error {
            ConsentError::InvalidAppName => mt_status::MT_ERR_INVALID_ARGUMENT,
            ConsentError::NoLocation | ConsentError::Malformed | ConsentError::Io(_) => {
                mt_status::MT_ERR_IO
            }
        }
    }
}

ffi_fn! {
    /// Names the application (like `TELEMETRY_APP`), so that the choice recorded for it applies,
    /// else the global one. A name is 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting
    /// with a letter or digit.
    ///
    /// Ownership: both borrowed; `name` is copied. Threads: one thread at a time per config.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT`, `MT_ERR_INVALID_UTF8` or
    /// `MT_ERR_INVALID_CONFIG_VALUE` (not such a name; the setting is left unchanged).
    fn mt_config_set_app_name(config: *mut mt_config, name: *const c_char) -> mt_status {
        // SAFETY: documented contract: NULL or a live config used by this thread only.
        let config = try_arg!(unsafe { borrow_mut(config) });
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let name = try_arg!(unsafe { required_str(name) });
        status_of(config.set_app_name(name))
    }
}

ffi_fn! {
    /// Reads the level recorded for `app_name` (NULL: the global default) in the consent file
    /// (`TELEMETRY_CONSENT_FILE`, else `telemetry_consent.json` beside the salt file) into `*out`.
    /// `MT_CONSENT_UNDECIDED` means nothing is recorded for that name: an application without an
    /// entry of its own follows the global one.
    ///
    /// Ownership: `app_name` is borrowed; `out` is written only on success.
    /// Threads: any thread.
    /// Returns `MT_OK`, `MT_ERR_NULL_ARGUMENT` (`out`), `MT_ERR_INVALID_UTF8`,
    /// `MT_ERR_INVALID_ARGUMENT` (not a valid application name) or `MT_ERR_IO` (the file cannot
    /// be read: a link, another user's file, malformed, or no `HOME`).
    fn mt_consent_get(app_name: *const c_char, out: *mut mt_consent) -> mt_status {
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let app_name = try_arg!(unsafe { optional_str(app_name) });
        if out.is_null() {
            return mt_status::MT_ERR_NULL_ARGUMENT;
        }
        match consent::recorded(app_name) {
            Ok(level) => {
                // SAFETY: non-NULL, and the caller guarantees it points to a writable mt_consent.
                unsafe { out.write(level.into()) };
                mt_status::MT_OK
            }
            Err(error) => error.into(),
        }
    }
}

ffi_fn! {
    /// Records `level` (an `mt_consent`) for `app_name` (NULL: the global default), decided now,
    /// with the version of the notice `mt_consent_notice` returns. `MT_CONSENT_UNDECIDED` forgets
    /// the entry. The file is replaced atomically, mode 0600, never written through a link.
    /// Clients already running notice the change before their next upload.
    ///
    /// Turning an entry that was `MT_CONSENT_ON` to `MT_CONSENT_OFF` (or undecided) opts out:
    /// the collector is asked, once, to delete what it received under the entry's installation
    /// id (an empty batch with `"deletion_request": true`, to `TELEMETRY_ENDPOINT` or the
    /// default), the local record and sent log are removed, and a later `on` gets a new id. A
    /// request that cannot be delivered now is kept and retried by later calls; one the
    /// collector refuses for good (a `4xx` other than `408` and `429`, a `3xx`) is dropped with
    /// one warning on stderr. This call may therefore wait for the network: at most 5 seconds in
    /// all, however many requests are pending (a collector that is down refuses at once; one
    /// that never answers costs the whole 5 seconds). Nothing is waited for under the file's
    /// lock.
    ///
    /// `level` is an `int` rather than `mt_consent` so that any value a C program holds is safe
    /// to pass; an `mt_consent` converts implicitly.
    ///
    /// Ownership: `app_name` is borrowed. Threads: any thread.
    /// Returns `MT_OK`, `MT_ERR_INVALID_UTF8`, `MT_ERR_INVALID_ARGUMENT` (`level` is not an
    /// `mt_consent`, or not a valid application name; nothing is changed) or `MT_ERR_IO`.
    fn mt_consent_set(app_name: *const c_char, level: c_int) -> mt_status {
        // SAFETY: documented contract: NULL or a NUL-terminated string alive during the call.
        let app_name = try_arg!(unsafe { optional_str(app_name) });
        let Some(level) = Consent::from_number(i64::from(level)) else {
            return mt_status::MT_ERR_INVALID_ARGUMENT;
        };
        status_of(crate::opt_out::set_choice(app_name, level).map(|_| ()))
    }
}

ffi_fn! {
    /// Explains what a client made from `config` would do now: `*level_out` is what it does
    /// (`MT_CONSENT_OFF`, `MT_CONSENT_LOCAL` or `MT_CONSENT_ON`, never undecided) and
    /// `*source_out` which rule of the order decided (docs/telemetry-configuration.md):
    /// `DO_NOT_TRACK`, `TELEMETRY_ENABLED`, the choice recorded for the config's application
    /// (`mt_config_set_app_name`, `TELEMETRY_APP` for `mt_config_from_env`), the global choice,
    /// the host's `mt_config_set_enabled`, or the default. This is the function `mt_client_new`
    /// and the `mycelium-telemetry status` command decide with, so the three always agree.
    ///
    /// `config`: NULL means "from the environment", as for `mt_client_new(NULL)`. Reads the
    /// environment and the consent file; never opens a socket, never changes a file. A consent
    /// file that cannot be read is not an error here: the answer is then `MT_CONSENT_OFF` with
    /// `MT_CONSENT_SOURCE_UNREADABLE_CHOICE`, which is what a client does (`mt_consent_get` says
    /// why the file cannot be read).
    ///
    /// Ownership: `config` is borrowed; both outputs are written only on success.
    /// Threads: any thread; one thread at a time per config.
    /// Returns `MT_OK` or `MT_ERR_NULL_ARGUMENT` (`level_out` or `source_out`).
    fn mt_consent_explain(
        config: *const mt_config,
        level_out: *mut mt_consent,
        source_out: *mut mt_consent_source,
    ) -> mt_status {
        if level_out.is_null() || source_out.is_null() {
            return mt_status::MT_ERR_NULL_ARGUMENT;
        }
        let report = if config.is_null() {
            decide_for(&Config::from_env())
        } else {
            // SAFETY: documented contract: a live config from mt_config_new/_from_env.
            let config: &Config = try_arg!(unsafe { borrow(config) });
            decide_for(config)
        };
        // SAFETY: both non-NULL, and the caller guarantees they point to writable values.
        unsafe {
            level_out.write(report.decision.effective.into());
            source_out.write(report.decision.rule.into());
        }
        mt_status::MT_OK
    }
}

ffi_fn! {
    /// The reason a source stands for, in words, as `mycelium-telemetry status` prints it after
    /// "because:" (for example "the choice recorded for this application (rule 3)").
    ///
    /// `source` is an `int` rather than `mt_consent_source` so that any value a C program holds
    /// is safe to pass: other values give "unknown source".
    ///
    /// Ownership: the returned string is static; do not free it. Never NULL.
    /// Threads: any thread, any time.
    fn mt_consent_source_message(source: c_int) -> *const c_char {
        let rule = Rule::ALL
            .into_iter()
            .find(|rule| mt_consent_source::from(*rule) as c_int == source);
        match rule {
            Some(rule) => rule.explanation().as_ptr(),
            None => c"unknown source".as_ptr(),
        }
    }
}

ffi_fn! {
    /// A short standard notice a host can show at first run, before asking for a choice: what is
    /// collected, the three choices and how to change them.
    ///
    /// Ownership: the returned string is static; do not free it. Never NULL.
    /// Threads: any thread, any time.
    fn mt_consent_notice() -> *const c_char {
        NOTICE_C.as_ptr().cast()
    }
}

/// [`consent::NOTICE`] with its NUL, built at compile time so that the two cannot differ.
const NOTICE_C: &[u8] = concat_notice().as_slice();

const fn concat_notice() -> [u8; consent::NOTICE.len() + 1] {
    let mut out = [0u8; consent::NOTICE.len() + 1];
    let text = consent::NOTICE.as_bytes();
    let mut index = 0;
    while index < text.len() {
        out[index] = text[index];
        index += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_c_enum_has_the_numbers_of_the_rust_levels() {
        for number in 0..4 {
            let level = Consent::from_number(number).unwrap();
            assert_eq!(mt_consent::from(level) as i64, number);
            assert_eq!(level as i64, number);
        }
        for bad in [-1, 4, i64::from(c_int::MAX)] {
            assert_eq!(Consent::from_number(bad), None);
        }
    }

    #[test]
    fn every_rule_has_its_own_source_number_and_message() {
        let mut numbers: Vec<c_int> = Rule::ALL
            .iter()
            .map(|rule| mt_consent_source::from(*rule) as c_int)
            .collect();
        // Numbered in the order the rules are tried, from 1.
        assert_eq!(numbers, (1..=7).collect::<Vec<_>>());
        numbers.dedup();
        assert_eq!(numbers.len(), Rule::ALL.len());
        for rule in Rule::ALL {
            // SAFETY: mt_consent_source_message returns a static NUL-terminated string.
            let text = unsafe {
                std::ffi::CStr::from_ptr(mt_consent_source_message(
                    mt_consent_source::from(rule) as c_int
                ))
            };
            assert_eq!(text.to_str().unwrap(), rule.explain());
        }
        for bad in [0, 8, -1, c_int::MAX] {
            // SAFETY: as above.
            let text = unsafe { std::ffi::CStr::from_ptr(mt_consent_source_message(bad)) };
            assert_eq!(text.to_str().unwrap(), "unknown source");
        }
    }

    #[test]
    fn the_notice_is_the_rust_notice() {
        // SAFETY: mt_consent_notice returns a static NUL-terminated string.
        let text = unsafe { std::ffi::CStr::from_ptr(mt_consent_notice()) };
        assert_eq!(text.to_str().unwrap(), consent::NOTICE);
    }
}
