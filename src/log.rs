//! Where the library's own warnings go: a host-supplied function, or one line on stderr.
//!
//! Nothing here is called on a caller's tracking path; warnings are raised on the sender thread
//! or while a client is being created. Messages never carry the salt or unscrubbed input.

use std::io::Write;
use std::sync::Arc;

/// How serious a message is. The numbers are part of the C ABI (`MT_LOG_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(C)]
pub enum LogLevel {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

impl LogLevel {
    fn label(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warning",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

type LogFn = dyn Fn(LogLevel, &str) + Send + Sync;

/// A cheap-to-clone handle on the log destination.
#[derive(Clone, Default)]
pub(crate) struct Logger {
    custom: Option<Arc<LogFn>>,
}

impl Logger {
    pub(crate) fn custom(log: Arc<LogFn>) -> Self {
        Logger { custom: Some(log) }
    }

    pub(crate) fn log(&self, level: LogLevel, message: &str) {
        match &self.custom {
            Some(log) => log(level, message),
            None => {
                // One write of one line, so lines from several threads do not interleave.
                let line = format!("mycelium-telemetry: {}: {message}\n", level.label());
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
        }
    }

    pub(crate) fn warn(&self, message: &str) {
        self.log(LogLevel::Warn, message);
    }
}
