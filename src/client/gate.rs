//! Applies the order of `consent::decision` to a config: what the environment said, then the
//! recorded choice (read only when the environment did not decide), then the host's flag.

use std::path::PathBuf;

use crate::config::{Config, EnvironmentRows};
use crate::consent::{self, decide, ConsentError, ConsentFile, Decision, DecisionInputs, Rule};

/// The decision for a config, with the files it involves, as `mycelium-telemetry status` shows.
#[derive(Debug)]
pub struct DecisionReport {
    pub decision: Decision,
    /// What the environment said (rows 1 and 2).
    pub rows: EnvironmentRows,
    /// The consent file consulted (or that would have been, had rows 1-2 not decided).
    pub consent_file: Option<PathBuf>,
    /// The installation id of the recorded entry that decided, if one did and it says on.
    pub installation_id: Option<String>,
    /// Why the recorded choice could not be read, if it could not; the decision is then off.
    pub problem: Option<ConsentError>,
}

/// Decides whether a client made from `config` collects, and how.
pub fn decide_for(config: &Config) -> DecisionReport {
    let rows = config
        .environment_rows()
        .unwrap_or_else(|| EnvironmentRows::from_lookup(|name| std::env::var_os(name)));
    let consent_file = config
        .consent_file()
        .cloned()
        .or_else(|| consent::consent_path(|name| std::env::var_os(name)));
    let mut inputs = DecisionInputs {
        do_not_track: rows.do_not_track,
        environment: rows.enabled,
        host_enabled: config.enabled(),
        ..Default::default()
    };
    let environment_decides = inputs.do_not_track || inputs.environment.is_some();
    if environment_decides {
        return DecisionReport {
            decision: decide(&inputs),
            rows,
            consent_file,
            installation_id: None,
            problem: None,
        };
    }
    let loaded = match &consent_file {
        Some(path) => ConsentFile::load(path),
        None => Ok(ConsentFile::default()),
    };
    match loaded {
        Ok(file) => {
            inputs.app_entry = config.app_name().and_then(|app| file.app(app));
            inputs.global_entry = file.global();
            let decision = decide(&inputs);
            let deciding_entry = match decision.rule {
                Rule::AppChoice => inputs.app_entry,
                Rule::GlobalChoice => inputs.global_entry,
                _ => None,
            };
            DecisionReport {
                decision,
                rows,
                consent_file,
                installation_id: deciding_entry.and_then(|entry| entry.installation_id.clone()),
                problem: None,
            }
        }
        // A choice that cannot be read may be `off`: nothing is collected until it can be.
        Err(problem) => DecisionReport {
            decision: Decision {
                effective: consent::Effective::Off,
                rule: consent::Rule::UnreadableChoice,
                upload_since: None,
            },
            rows,
            consent_file,
            installation_id: None,
            problem: Some(problem),
        },
    }
}
