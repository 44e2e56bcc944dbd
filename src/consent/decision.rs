//! Who decides whether a client collects: one order, written once, with a test per row.
//!
//! 1. `DO_NOT_TRACK` (anything but empty or `0`): off.
//! 2. `TELEMETRY_ENABLED` when set: its value, for this process only.
//! 3. The recorded choice: the application's entry, else the global one.
//! 4. The host's `set_enabled(true)` when nothing is recorded (the host asked its user itself).
//! 5. Otherwise off. Undecided never uploads.

use std::ffi::CStr;
use std::time::SystemTime;

use super::{Consent, ConsentEntry};

/// What a client does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effective {
    /// Collects nothing.
    Off,
    /// Records events on this machine only.
    Local,
    /// Sends events.
    On,
}

/// Which row of the order decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    DoNotTrack,
    EnvironmentVariable,
    AppChoice,
    GlobalChoice,
    Host,
    Default,
    /// The consent file exists but cannot be read: off until it can (it may say off).
    UnreadableChoice,
}

impl Rule {
    /// Whether the user's recorded choice decided.
    pub fn is_a_recorded_choice(self) -> bool {
        matches!(self, Rule::AppChoice | Rule::GlobalChoice)
    }

    /// Whether a change of the consent file can change a decision made by this rule: not when
    /// the environment decided, which holds for the whole process.
    pub fn comes_from_a_recorded_choice_or_later(self) -> bool {
        !matches!(self, Rule::DoNotTrack | Rule::EnvironmentVariable)
    }

    /// The reason in words, for `mycelium-telemetry status` and every binding's explanation.
    pub fn explain(self) -> &'static str {
        // The texts are ASCII, written once as C strings for `mt_consent_source_message`.
        self.explanation().to_str().unwrap_or_default()
    }

    /// [`Rule::explain`] as a static C string.
    pub fn explanation(self) -> &'static CStr {
        match self {
            Rule::DoNotTrack => c"DO_NOT_TRACK is set (rule 1)",
            Rule::EnvironmentVariable => c"TELEMETRY_ENABLED is set for this process (rule 2)",
            Rule::AppChoice => c"the choice recorded for this application (rule 3)",
            Rule::GlobalChoice => c"the global choice recorded for every application (rule 3)",
            Rule::Host => c"the host program enabled it and nothing is recorded (rule 4)",
            Rule::Default => c"nothing decided: off by default (rule 5)",
            Rule::UnreadableChoice => c"the consent file cannot be read: off until it can (rule 3)",
        }
    }

    /// Every rule, in the order they are tried (the unreadable file stands in for rule 3).
    pub const ALL: [Rule; 7] = [
        Rule::DoNotTrack,
        Rule::EnvironmentVariable,
        Rule::AppChoice,
        Rule::GlobalChoice,
        Rule::UnreadableChoice,
        Rule::Host,
        Rule::Default,
    ];
}

/// The answer: what to do, why, and (when a recorded `on` decided) from when events may leave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub effective: Effective,
    pub rule: Rule,
    /// Events tracked before this time are never uploaded (the user chose `on` then).
    pub upload_since: Option<SystemTime>,
}

/// Everything the order looks at.
#[derive(Clone, Debug, Default)]
pub struct DecisionInputs<'a> {
    /// `DO_NOT_TRACK` is set to anything but empty or `0`.
    pub do_not_track: bool,
    /// `TELEMETRY_ENABLED`, when set: yes or no.
    pub environment: Option<bool>,
    /// The application's own recorded entry.
    pub app_entry: Option<&'a ConsentEntry>,
    /// The global recorded entry.
    pub global_entry: Option<&'a ConsentEntry>,
    /// The host called `set_enabled(true)`.
    pub host_enabled: bool,
}

/// Applies the order to `inputs`.
pub fn decide(inputs: &DecisionInputs<'_>) -> Decision {
    let decided = |effective, rule| Decision {
        effective,
        rule,
        upload_since: None,
    };
    if inputs.do_not_track {
        return decided(Effective::Off, Rule::DoNotTrack);
    }
    if let Some(enabled) = inputs.environment {
        let effective = if enabled {
            Effective::On
        } else {
            Effective::Off
        };
        return decided(effective, Rule::EnvironmentVariable);
    }
    let recorded = match (inputs.app_entry, inputs.global_entry) {
        (Some(entry), _) => Some((entry, Rule::AppChoice)),
        (None, Some(entry)) => Some((entry, Rule::GlobalChoice)),
        (None, None) => None,
    };
    if let Some((entry, rule)) = recorded {
        return match entry.level {
            Consent::On => Decision {
                effective: Effective::On,
                rule,
                upload_since: Some(entry.decided_at),
            },
            Consent::Local => decided(Effective::Local, rule),
            Consent::Off | Consent::Undecided => decided(Effective::Off, rule),
        };
    }
    if inputs.host_enabled {
        return decided(Effective::On, Rule::Host);
    }
    decided(Effective::Off, Rule::Default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn entry(level: Consent) -> ConsentEntry {
        ConsentEntry {
            level,
            decided_at: UNIX_EPOCH + Duration::from_secs(1_795_773_613),
            notice_version: 1,
            installation_id: None,
        }
    }

    #[test]
    fn rule_1_do_not_track_wins_over_everything() {
        let on = entry(Consent::On);
        let decision = decide(&DecisionInputs {
            do_not_track: true,
            environment: Some(true),
            app_entry: Some(&on),
            global_entry: Some(&on),
            host_enabled: true,
        });
        assert_eq!(
            (decision.effective, decision.rule),
            (Effective::Off, Rule::DoNotTrack)
        );
    }

    #[test]
    fn rule_2_the_environment_variable_wins_over_records_and_host() {
        let (on, off) = (entry(Consent::On), entry(Consent::Off));
        let yes = decide(&DecisionInputs {
            environment: Some(true),
            app_entry: Some(&off),
            ..Default::default()
        });
        assert_eq!(
            (yes.effective, yes.rule),
            (Effective::On, Rule::EnvironmentVariable)
        );
        assert_eq!(yes.upload_since, None);
        let no = decide(&DecisionInputs {
            environment: Some(false),
            app_entry: Some(&on),
            host_enabled: true,
            ..Default::default()
        });
        assert_eq!(
            (no.effective, no.rule),
            (Effective::Off, Rule::EnvironmentVariable)
        );
    }

    #[test]
    fn rule_3_the_app_entry_else_the_global_one_wins_over_the_host() {
        let (on, off, local) = (
            entry(Consent::On),
            entry(Consent::Off),
            entry(Consent::Local),
        );
        let app = decide(&DecisionInputs {
            app_entry: Some(&local),
            global_entry: Some(&on),
            host_enabled: true,
            ..Default::default()
        });
        assert_eq!(
            (app.effective, app.rule),
            (Effective::Local, Rule::AppChoice)
        );
        let global = decide(&DecisionInputs {
            global_entry: Some(&off),
            host_enabled: true,
            ..Default::default()
        });
        assert_eq!(
            (global.effective, global.rule),
            (Effective::Off, Rule::GlobalChoice)
        );
        let recorded_on = decide(&DecisionInputs {
            global_entry: Some(&on),
            ..Default::default()
        });
        assert_eq!(recorded_on.effective, Effective::On);
        assert_eq!(
            recorded_on.upload_since,
            Some(on.decided_at),
            "nothing from before"
        );
    }

    #[test]
    fn rule_4_the_host_decides_when_nothing_is_recorded() {
        let decision = decide(&DecisionInputs {
            host_enabled: true,
            ..Default::default()
        });
        assert_eq!(
            (decision.effective, decision.rule),
            (Effective::On, Rule::Host)
        );
    }

    #[test]
    fn rule_5_otherwise_off_and_undecided_never_uploads() {
        let decision = decide(&DecisionInputs::default());
        assert_eq!(
            (decision.effective, decision.rule),
            (Effective::Off, Rule::Default)
        );
        // An entry that somehow says undecided is no consent.
        let undecided = entry(Consent::Undecided);
        let decision = decide(&DecisionInputs {
            app_entry: Some(&undecided),
            ..Default::default()
        });
        assert_eq!(decision.effective, Effective::Off);
    }
}
