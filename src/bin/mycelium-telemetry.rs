//! `mycelium-telemetry`: see and change the user's recorded telemetry choice.
//!
//! ```text
//! mycelium-telemetry status [--app NAME]          the effective decision, why, and the files
//! mycelium-telemetry on|off|local [--app NAME]    record a choice (on prints the notice)
//! mycelium-telemetry show [--app NAME] [--sent|--local]   what was recorded or sent
//! mycelium-telemetry reset [--app NAME]           forget the choice and the records
//! ```
//!
//! Without `--app`, the global default (followed by every application without a choice of its
//! own). Exits 0 on success, 1 when a file cannot be used, 2 on a bad argument. Opens no socket
//! but to deliver a deletion request (after `off` or `reset` of a choice that was `on`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mycelium_telemetry::client::decide_for;
use mycelium_telemetry::consent::records::{read_record, record_path, RecordKind};
use mycelium_telemetry::consent::{
    self, format_utc, is_valid_app_name, Consent, ConsentEntry, ConsentFile, Effective,
};
use mycelium_telemetry::opt_out::{deliver_pending_deletions, set_choice, ChoiceOutcome};
use mycelium_telemetry::Config;

const USAGE: &str = "usage: mycelium-telemetry status|on|off|local|show|reset [--app NAME] \
                     [--sent|--local]";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Command {
    Status,
    Record(Consent),
    Show,
    Reset,
}

struct Arguments {
    command: Command,
    app: Option<String>,
    /// For `show`: only this file; both when `None`.
    only: Option<RecordKind>,
}

fn parse(mut words: impl Iterator<Item = std::ffi::OsString>) -> Result<Arguments, String> {
    let mut next_word = || -> Result<Option<String>, String> {
        match words.next() {
            None => Ok(None),
            Some(word) => word
                .into_string()
                .map(Some)
                .map_err(|_| "arguments must be valid UTF-8".to_owned()),
        }
    };
    let command = match next_word()?.as_deref() {
        Some("status") => Command::Status,
        Some("on") => Command::Record(Consent::On),
        Some("off") => Command::Record(Consent::Off),
        Some("local") => Command::Record(Consent::Local),
        Some("show") => Command::Show,
        Some("reset") => Command::Reset,
        Some(other) => return Err(format!("unknown command {other:?}")),
        None => return Err("a command is required".to_owned()),
    };
    let mut arguments = Arguments {
        command,
        app: None,
        only: None,
    };
    while let Some(word) = next_word()? {
        match word.as_str() {
            "--app" => {
                let name = next_word()?.ok_or("--app needs a name")?;
                if !is_valid_app_name(&name) {
                    return Err(format!(
                        "invalid application name {name:?}: 1 to 64 letters, digits, '-', '_' \
                         or '.', starting with a letter or digit"
                    ));
                }
                if arguments.app.replace(name).is_some() {
                    return Err("--app given twice".to_owned());
                }
            }
            "--sent" | "--local" if command == Command::Show => {
                let kind = if word == "--sent" {
                    RecordKind::Sent
                } else {
                    RecordKind::Local
                };
                if arguments.only.replace(kind).is_some() {
                    return Err("give at most one of --sent and --local".to_owned());
                }
            }
            "--sent" | "--local" => return Err(format!("{word} goes with show only")),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(arguments)
}

fn main() -> ExitCode {
    let arguments = match parse(std::env::args_os().skip(1)) {
        Ok(arguments) => arguments,
        Err(message) => {
            eprintln!("mycelium-telemetry: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let app = arguments.app.as_deref();
    let result = match arguments.command {
        Command::Status => status(app),
        Command::Record(level) => record(app, level),
        Command::Show => show(app, arguments.only),
        Command::Reset => reset(app),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("mycelium-telemetry: {message}");
            ExitCode::from(1)
        }
    }
}

fn state_folder() -> Result<PathBuf, String> {
    consent::state_folder(|name| std::env::var_os(name))
        .ok_or_else(|| "neither XDG_STATE_HOME nor HOME is set".to_owned())
}

fn describe(entry: Option<&ConsentEntry>) -> String {
    match entry {
        Some(entry) => format!(
            "{} (decided {}, notice version {})",
            entry.level,
            format_utc(entry.decided_at),
            entry.notice_version
        ),
        None => "nothing recorded".to_owned(),
    }
}

fn status(app: Option<&str>) -> Result<(), String> {
    let mut config = Config::from_env();
    if let Some(app) = app {
        config
            .set_app_name(app)
            .map_err(|error| error.to_string())?;
    }
    let app = config.app_name().map(str::to_owned);
    // A later run delivers what an earlier opt-out could not.
    if let Ok(deliveries) = deliver_pending_deletions() {
        report_deletions(&ChoiceOutcome {
            deletion_requested: false,
            deletions_delivered: deliveries.delivered,
            deletions_pending: deliveries.pending,
            deletions_dropped: deliveries.dropped,
        });
    }
    let report = decide_for(&config);
    let effective = match report.decision.effective {
        Effective::On => "on: events are sent",
        Effective::Local => "local: events are recorded on this machine only",
        Effective::Off => "off: nothing is collected",
    };
    println!("telemetry:    {effective}");
    println!("because:      {}", report.decision.rule.explain());
    if let Some(problem) = &report.problem {
        println!("problem:      {problem}");
    }
    println!(
        "application:  {}",
        app.as_deref().unwrap_or("(none: the global default)")
    );
    match &report.consent_file {
        Some(path) => {
            println!("consent file: {}", path.display());
            if let Ok(file) = ConsentFile::load(path) {
                if let Some(app) = &app {
                    println!("  {app}: {}", describe(file.app(app)));
                }
                println!("  global: {}", describe(file.global()));
            }
        }
        None => println!("consent file: none (set HOME or TELEMETRY_CONSENT_FILE)"),
    }
    println!("endpoint:     {}", config.endpoint());
    if let Ok(folder) = state_folder() {
        let app = app.as_deref();
        let local = record_path(&folder, app, RecordKind::Local);
        println!("local record: {}", local.display());
        println!(
            "sent log:     {}",
            record_path(&folder, app, RecordKind::Sent).display()
        );
    }
    Ok(())
}

fn record(app: Option<&str>, level: Consent) -> Result<(), String> {
    if level == Consent::On {
        println!("{}\n", consent::NOTICE);
    }
    let outcome = set_choice(app, level).map_err(|error| error.to_string())?;
    report_deletions(&outcome);
    let whom = app.map_or(
        "every application without a choice of its own".to_owned(),
        |app| app.to_owned(),
    );
    println!("telemetry {level} for {whom}");
    Ok(())
}

fn report_deletions(outcome: &ChoiceOutcome) {
    if outcome.deletion_requested {
        println!("asked the collector to delete what it received from this installation");
    }
    if outcome.deletions_delivered > 0 {
        println!(
            "deletion requests delivered: {}",
            outcome.deletions_delivered
        );
    }
    if outcome.deletions_pending > 0 {
        println!(
            "deletion requests not delivered yet (retried next time): {}",
            outcome.deletions_pending
        );
    }
}

fn show(app: Option<&str>, only: Option<RecordKind>) -> Result<(), String> {
    let folder = state_folder()?;
    let kinds = match only {
        Some(kind) => vec![kind],
        None => vec![RecordKind::Local, RecordKind::Sent],
    };
    for kind in kinds {
        let path = record_path(&folder, app, kind);
        let title = match kind {
            RecordKind::Local => "kept on this machine (local record)",
            RecordKind::Sent => "sent (sent log)",
        };
        println!("== {title}: {}", path.display());
        print_batches(&path)?;
    }
    Ok(())
}

fn print_batches(path: &Path) -> Result<(), String> {
    let text =
        read_record(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    if text.trim().is_empty() {
        println!("(nothing)");
    }
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(batch) => println!(
                "{}",
                serde_json::to_string_pretty(&batch).unwrap_or_else(|_| line.to_owned())
            ),
            Err(_) => println!("{line}"),
        }
    }
    Ok(())
}

fn reset(app: Option<&str>) -> Result<(), String> {
    let outcome = set_choice(app, Consent::Undecided).map_err(|error| error.to_string())?;
    report_deletions(&outcome);
    if let Ok(folder) = state_folder() {
        for kind in [RecordKind::Local, RecordKind::Sent] {
            let path = record_path(&folder, app, kind);
            match std::fs::remove_file(&path) {
                Ok(()) => println!("removed {}", path.display()),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(format!("cannot remove {}: {error}", path.display())),
            }
        }
    }
    println!(
        "choice forgotten for {}",
        app.unwrap_or("the global default")
    );
    Ok(())
}
