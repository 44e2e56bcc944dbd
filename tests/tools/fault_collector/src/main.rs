//! The one fault-injection collector for every test suite that needs a collector failing in
//! scripted ways: the C and C++ tests and each binding's tests start this program instead of
//! writing their own HTTP server. It is `examples/support/collector.rs` (a real HTTP/1.1 server on
//! 127.0.0.1, one thread per connection) driven over stdin and stdout, so any language that can
//! start a process can use it. A package of its own (see its Cargo.toml for why), built with
//! `build_fault_collector` in .ci/lib.sh:
//!
//! ```text
//! cargo build --release --manifest-path tests/tools/fault_collector/Cargo.toml --target-dir target/fault_collector
//! target/fault_collector/release/fault_collector [--port PORT] [--default REPLY] [REPLY ...]
//! ```
//!
//! It listens on 127.0.0.1, on PORT or a free port. The REPLYs on the command line answer the first requests, in order; after them every request
//! gets the default reply (200). A REPLY is one of:
//!
//! | REPLY                      | the collector                                              |
//! |----------------------------|------------------------------------------------------------|
//! | `200`, `503`, ...          | answers with that status                                   |
//! | `retry-after:<status>:<s>` | answers with the status and `Retry-After: <s>`             |
//! | `delay:<ms>:<status>`      | reads the request, waits, then answers                     |
//! | `hang`                     | reads the request and never answers (until `hang-up`/`stop`) |
//! | `close`                    | reads half the body, then drops the connection             |
//! | `slow-read:<bytes>:<ms>`   | reads the body a few bytes at a time, then answers 200     |
//!
//! It prints one JSON line when it listens, `{"url": "http://127.0.0.1:<port>/v1/events",
//! "port": <port>}`, then answers each command line on stdin with exactly one JSON line:
//!
//! | command                  | answer                                                      |
//! |--------------------------|-------------------------------------------------------------|
//! | `script REPLY ...`       | `{"ok": true}`; the replies answer the next requests        |
//! | `default REPLY`          | `{"ok": true}`; the reply once the script is used up        |
//! | `requests`               | `{"requests": [{"method", "path", "headers", "body", "complete", "answer"}]}` |
//! | `count`                  | `{"count": <requests recorded so far>}`                     |
//! | `batches`                | `{"batches": {"<batch_id>": {"accepted": <times answered 2xx>, "events": <n>}}}`: what a deduplicating collector stores once each |
//! | `field <index> <name>`   | `{"value": "<text>"}`: request `index`'s `method`, `path`, `body` or `header:<name>` ("" when not sent); for callers without a JSON parser beyond one string |
//! | `wait <count> <ms>`      | `{"ok": <whether that many requests arrived in time>}`      |
//! | `hang-up`                | `{"ok": true}`; drops the connections left hanging          |
//! | `stop` / `restart`       | `{"ok": true}`; the port refuses connections / listens again |
//! | `quit` (or end of input) | stops and exits                                             |
//!
//! A line it cannot read gets `{"error": "<why>"}` and changes nothing. `body` is the request
//! body as UTF-8 (invalid bytes replaced), `headers` an object of lower-cased names, `answer` the
//! status sent or `null`.

#[path = "../../../../examples/support/collector.rs"]
mod collector;

use std::io::{BufRead, Write};
use std::time::Duration;

use collector::{Collector, Reply, Request};
use serde_json::{json, Value};

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let port = match port(&arguments) {
        Ok(port) => port,
        Err(error) => {
            eprintln!("fault_collector: {error}");
            std::process::exit(2);
        }
    };
    let collector = Collector::start_on(port);
    if let Err(error) = configure(&collector, &arguments) {
        eprintln!("fault_collector: {error}");
        std::process::exit(2);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let ready = json!({"url": collector.url(), "port": collector.addr().port()});
    if writeln!(out, "{ready}").and_then(|()| out.flush()).is_err() {
        return;
    }
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let command: Vec<&str> = line.split_whitespace().collect();
        if command.first() == Some(&"quit") {
            break;
        }
        if command.is_empty() {
            continue;
        }
        let answer = run(&collector, &command).unwrap_or_else(|error| json!({ "error": error }));
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break; // whoever started us is gone
        }
    }
    collector.stop();
}

/// `--port PORT` from the command line, 0 (a free port) without it.
fn port(arguments: &[String]) -> Result<u16, String> {
    match arguments.iter().position(|argument| argument == "--port") {
        None => Ok(0),
        Some(at) => arguments
            .get(at + 1)
            .and_then(|port| port.parse().ok())
            .ok_or_else(|| "--port needs a port number".to_owned()),
    }
}

/// Applies the command line: `--default REPLY` and the initial script.
fn configure(collector: &Collector, arguments: &[String]) -> Result<(), String> {
    let mut script = Vec::new();
    let mut rest = arguments.iter();
    while let Some(argument) = rest.next() {
        if argument == "--port" {
            rest.next();
        } else if argument == "--default" {
            let reply = rest.next().ok_or("--default needs a REPLY")?;
            collector.set_default_reply(parse_reply(reply)?);
        } else {
            script.push(parse_reply(argument)?);
        }
    }
    collector.script(script);
    Ok(())
}

fn run(collector: &Collector, command: &[&str]) -> Result<Value, String> {
    let ok = json!({"ok": true});
    match command {
        ["script", replies @ ..] => {
            let replies = replies.iter().map(|reply| parse_reply(reply));
            collector.script(replies.collect::<Result<Vec<_>, _>>()?);
            Ok(ok)
        }
        ["default", reply] => {
            collector.set_default_reply(parse_reply(reply)?);
            Ok(ok)
        }
        ["count"] => Ok(json!({"count": collector.requests().len()})),
        ["batches"] => {
            let batches: serde_json::Map<String, Value> = collector
                .accepted_batch_ids()
                .into_iter()
                .map(|(id, (accepted, events))| {
                    (id, json!({"accepted": accepted, "events": events}))
                })
                .collect();
            Ok(json!({ "batches": batches }))
        }
        ["field", index, name] => {
            let index = number(index, "a request index")? as usize;
            let requests = collector.requests();
            let request = requests
                .get(index)
                .ok_or_else(|| format!("no request {index}: {} so far", requests.len()))?;
            let value = match *name {
                "method" => request.method.clone(),
                "path" => request.path.clone(),
                "body" => request.body_text(),
                _ => match name.strip_prefix("header:") {
                    Some(header) => request.header(header).unwrap_or("").to_owned(),
                    None => return Err(format!("no field {name:?}")),
                },
            };
            Ok(json!({ "value": value }))
        }
        ["requests"] => {
            Ok(json!({"requests": collector.requests().iter().map(describe).collect::<Vec<_>>()}))
        }
        ["wait", count, millis] => {
            let count = number(count, "a request count")?;
            let timeout = Duration::from_millis(number(millis, "milliseconds")?);
            Ok(json!({"ok": collector.wait_for_requests(count as usize, timeout)}))
        }
        ["hang-up"] => {
            collector.hang_up();
            Ok(ok)
        }
        ["stop"] => {
            collector.stop();
            Ok(ok)
        }
        ["restart"] => {
            collector.restart();
            Ok(ok)
        }
        _ => Err(format!("unknown command {:?}", command.join(" "))),
    }
}

fn describe(request: &Request) -> Value {
    let headers: serde_json::Map<String, Value> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), Value::from(value.as_str())))
        .collect();
    json!({
        "method": request.method,
        "path": request.path,
        "headers": headers,
        "body": request.body_text(),
        "complete": request.complete,
        "answer": request.answer,
    })
}

fn parse_reply(text: &str) -> Result<Reply, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let reply = match parts.as_slice() {
        ["hang"] => Reply::Hang,
        ["close"] => Reply::CloseMidRequest,
        [status] => Reply::Status(status_code(status)?),
        ["retry-after", status, secs] => {
            Reply::RetryAfter(status_code(status)?, number(secs, "seconds")?)
        }
        ["delay", millis, status] => Reply::Delay(
            Duration::from_millis(number(millis, "milliseconds")?),
            status_code(status)?,
        ),
        ["slow-read", bytes, millis] => Reply::SlowRead {
            chunk: number(bytes, "bytes")? as usize,
            pause: Duration::from_millis(number(millis, "milliseconds")?),
        },
        _ => return Err(format!("not a REPLY: {text:?}")),
    };
    Ok(reply)
}

fn status_code(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(status) if (100..=599).contains(&status) => Ok(status),
        _ => Err(format!("not an HTTP status: {text:?}")),
    }
}

fn number(text: &str, what: &str) -> Result<u64, String> {
    text.parse().map_err(|_| format!("{text:?} is not {what}"))
}
