//! How much of an error leaves ([`ErrorDetail`]), and reducing a stack trace to its frames.
//!
//! A frame is a file's base name, a line number and, when the trace names it, a function: the
//! parts that locate a bug without carrying the message, source lines, local variables or the
//! directories around the file. Seven trace formats are read: Python, Node.js, Go, Rust, Java,
//! Ruby and .NET. A line in no known format yields no frame, never its raw text, so that an
//! unknown format costs detail rather than privacy.

use std::fmt::Write as _;

use super::limits::MAX_STACK_TRACE_BYTES;
use super::scrub_bounded;

/// How much of each error event leaves (`TELEMETRY_ERROR_DETAIL`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ErrorDetail {
    /// The error type, the scrubbed message and the scrubbed trace.
    #[default]
    Full,
    /// The error type and the trace's frames (`file:line in function`, one per line); the
    /// message leaves as `""`.
    Frames,
    /// The error type only; the message leaves as `""` and there is no trace.
    Type,
}

impl ErrorDetail {
    /// The name used by `TELEMETRY_ERROR_DETAIL` (`full`, `frames`, `type`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorDetail::Full => "full",
            ErrorDetail::Frames => "frames",
            ErrorDetail::Type => "type",
        }
    }

    /// Reads a `TELEMETRY_ERROR_DETAIL` value (any case, surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<ErrorDetail> {
        let text = text.trim();
        [ErrorDetail::Full, ErrorDetail::Frames, ErrorDetail::Type]
            .into_iter()
            .find(|detail| detail.name().eq_ignore_ascii_case(text))
    }
}

/// One frame of a trace, borrowed from it. Nothing here is scrubbed yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The file's base name: the directories never leave.
    pub file: &'a str,
    pub line: u32,
    pub function: Option<&'a str>,
}

/// The frames of `trace`, in the order the trace lists them.
pub fn extract_frames(trace: &str) -> Vec<Frame<'_>> {
    let mut frames = Vec::new();
    // Go and Rust name the function on one line and its location on the next.
    let mut previous: Option<&str> = None;
    for raw in trace.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let frame = python_frame(line)
            .or_else(|| dotnet_frame(line))
            .or_else(|| parenthesized_frame(line))
            .or_else(|| rust_location(line, previous))
            .or_else(|| ruby_frame(line))
            .or_else(|| go_location(raw, previous))
            .or_else(|| rust_panic_location(line));
        frames.extend(frame);
        previous = Some(line);
    }
    frames
}

/// `trace` reduced to its frames, one `file:line in function` per line (`file:line` when the
/// trace names no function), then scrubbed and bounded like any trace. Empty when no frame is
/// found.
pub fn frames_only(trace: &str) -> String {
    let mut text = String::new();
    for frame in extract_frames(trace) {
        if !text.is_empty() {
            text.push('\n');
        }
        let _ = write!(text, "{}:{}", frame.file, frame.line);
        if let Some(function) = frame.function {
            let _ = write!(text, " in {function}");
        }
        if text.len() > MAX_STACK_TRACE_BYTES * 2 {
            break;
        }
    }
    if text.is_empty() {
        return text;
    }
    scrub_bounded(&text, MAX_STACK_TRACE_BYTES)
}

/// The last component of a path, with either separator.
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `path:line` or `path:line:column` (the column is dropped), for a non-empty path.
fn path_and_line(location: &str) -> Option<(&str, u32)> {
    let (rest, last) = location.rsplit_once(':')?;
    let last: u32 = last.parse().ok()?;
    let (path, line) = match rest.rsplit_once(':') {
        Some((path, line)) if line.parse::<u32>().is_ok() => (path, line.parse().ok()?),
        _ => (rest, last),
    };
    let file = base_name(path);
    (!file.is_empty()).then_some((file, line))
}

fn non_empty(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

/// Python: `File "/srv/app.py", line 42, in handle`.
fn python_frame(line: &str) -> Option<Frame<'_>> {
    let rest = line.strip_prefix("File \"")?;
    let (path, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(", line ")?;
    let (number, function) = match rest.split_once(", in ") {
        Some((number, function)) => (number, non_empty(function)),
        None => (rest, None),
    };
    Some(Frame {
        file: non_empty(base_name(path))?,
        line: number.trim().parse().ok()?,
        function,
    })
}

/// .NET: `at App.Core.Run(String name) in C:\src\Core.cs:line 27`.
fn dotnet_frame(line: &str) -> Option<Frame<'_>> {
    let rest = line.strip_prefix("at ")?;
    let (call, location) = rest.rsplit_once(" in ")?;
    let (path, number) = location.rsplit_once(":line ")?;
    Some(Frame {
        file: non_empty(base_name(path))?,
        line: number.trim().parse().ok()?,
        function: non_empty(call.split('(').next().unwrap_or(call)),
    })
}

/// Node.js and Java, the location in brackets after the function:
/// `at handle (/srv/api.js:88:13)`, `at com.example.Service.run(Service.java:31)`. Frames
/// without a line (`Native Method`, `<anonymous>`) are left out.
fn parenthesized_frame(line: &str) -> Option<Frame<'_>> {
    let rest = line.strip_prefix("at ")?.strip_suffix(')')?;
    let (function, location) = rest.rsplit_once('(')?;
    let (file, line) = path_and_line(location)?;
    Some(Frame {
        file,
        line,
        function: non_empty(function),
    })
}

/// A location on its own after `at `: Rust backtraces name the function on the line before
/// (`0: app::run`), Node.js anonymous frames name none (`at /srv/index.js:10:5`).
fn rust_location<'a>(line: &'a str, previous: Option<&'a str>) -> Option<Frame<'a>> {
    let location = line.strip_prefix("at ")?;
    let (file, line) = path_and_line(location)?;
    let function = previous.and_then(|previous| {
        let (index, function) = previous.split_once(": ")?;
        index.parse::<u32>().ok()?;
        non_empty(strip_rust_hash(function))
    });
    Some(Frame {
        file,
        line,
        function,
    })
}

/// `app::run::h0123456789abcdef` → `app::run`: the hash says nothing to a reader.
fn strip_rust_hash(function: &str) -> &str {
    match function.rsplit_once("::h") {
        Some((name, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            name
        }
        _ => function,
    }
}

/// Ruby: `/app/models/order.rb:10:in 'save': invalid (ArgumentError)` or
/// ``from /app/bin/run.rb:3:in `<main>'``. The message after the frame never leaves.
fn ruby_frame(line: &str) -> Option<Frame<'_>> {
    let line = line.strip_prefix("from ").unwrap_or(line);
    let (location, rest) = line.split_once(":in ")?;
    let (path, number) = location.rsplit_once(':')?;
    let name = rest.strip_prefix(['\'', '`'])?;
    let (function, _) = name.split_once('\'')?;
    Some(Frame {
        file: non_empty(base_name(path))?,
        line: number.parse().ok()?,
        function: non_empty(function),
    })
}

/// Go: a tab-indented `/src/app/handler.go:42 +0x1d` after the line naming the function
/// (`main.handler(...)`, `created by main.main in goroutine 1`).
fn go_location<'a>(raw: &'a str, previous: Option<&'a str>) -> Option<Frame<'a>> {
    if !raw.starts_with('\t') {
        return None;
    }
    let location = raw.trim();
    let location = match location.rsplit_once(" +0x") {
        Some((location, _)) => location,
        None => location,
    };
    let (path, number) = location.rsplit_once(':')?;
    if !path.ends_with(".go") && !path.ends_with(".s") {
        return None;
    }
    let function = previous.and_then(|previous| {
        let previous = previous.strip_prefix("created by ").unwrap_or(previous);
        let previous = match previous.split_once(" in goroutine ") {
            Some((function, _)) => function,
            None => previous,
        };
        non_empty(match previous.rsplit_once('(') {
            Some((function, _)) if previous.ends_with(')') => function,
            _ => previous,
        })
    });
    Some(Frame {
        file: non_empty(base_name(path))?,
        line: number.parse().ok()?,
        function,
    })
}

/// Rust's panic line: `thread 'main' panicked at src/main.rs:5:9:` (a location, no function).
fn rust_panic_location(line: &str) -> Option<Frame<'_>> {
    let (_, location) = line.split_once(" panicked at ")?;
    let location = location.trim_end_matches(':');
    let location = location.split([',', ' ']).next().unwrap_or(location);
    let (file, line) = path_and_line(location)?;
    Some(Frame {
        file,
        line,
        function: None,
    })
}

#[cfg(test)]
#[path = "frames_tests.rs"]
mod tests;
