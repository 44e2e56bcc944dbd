//! tests/tools/fault_collector, the collector every suite starts as a program, driven as the
//! bindings drive it: over its stdin and stdout, with a real client sending to it.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use mycelium_telemetry::{Client, Config};
use serde_json::Value;

/// tests/tools/fault_collector, built as the suites build it (`build_fault_collector` in
/// .ci/lib.sh), once per run: a stale build would be tested instead of the source.
fn program() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let target = root.join("target/fault_collector");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--release", "--quiet", "--manifest-path"])
                .arg(root.join("tests/tools/fault_collector/Cargo.toml"))
                .arg("--target-dir")
                .arg(&target)
                .status()
                .expect("cargo runs");
            assert!(
                status.success(),
                "building tests/tools/fault_collector failed"
            );
            target.join("release/fault_collector")
        })
        .clone()
}

struct Running {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    url: String,
}

impl Running {
    fn start(arguments: &[&str]) -> Self {
        let mut child = Command::new(program())
            .args(arguments)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the collector starts");
        let input = child.stdin.take().expect("stdin");
        let mut output = BufReader::new(child.stdout.take().expect("stdout"));
        let ready = read_json(&mut output);
        let url = ready["url"].as_str().expect("a url").to_owned();
        Running {
            child,
            input,
            output,
            url,
        }
    }

    fn send(&mut self, command: &str) -> Value {
        writeln!(self.input, "{command}").expect("write a command");
        read_json(&mut self.output)
    }

    fn requests(&mut self) -> Vec<Value> {
        self.send("requests")["requests"]
            .as_array()
            .cloned()
            .expect("a list")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = writeln!(self.input, "quit");
        let _ = self.child.wait();
    }
}

fn read_json(output: &mut impl BufRead) -> Value {
    let mut line = String::new();
    output
        .read_line(&mut line)
        .expect("a line from the collector");
    serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line:?}"))
}

fn client_for(url: &str) -> Client {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(url).expect("a loopback endpoint");
    config.set_salt("fault-collector-salt").expect("a salt");
    config.set_retry_initial_delay(Duration::from_millis(10));
    config.set_flush_interval_ms(10).expect("an interval");
    Client::new(&config)
}

#[test]
fn a_scripted_failure_then_the_default_reply_is_what_the_client_sees() {
    let mut collector = Running::start(&["503", "retry-after:429:0"]);
    let client = client_for(&collector.url);
    client
        .track_agent_usage("agent", "scripted", None)
        .expect("queued");
    assert!(client.flush(Duration::from_secs(20)).is_ok());
    let answers: Vec<Value> = collector
        .requests()
        .iter()
        .map(|request| request["answer"].clone())
        .collect();
    assert_eq!(answers, [503, 429, 200]);
    let stats = client.stats();
    assert_eq!((stats.sent, stats.retries, stats.failed), (1, 2, 0));
    let last = &collector.requests()[2];
    assert_eq!(last["method"], "POST");
    assert_eq!(last["headers"]["content-type"], "application/json");
    assert!(last["body"].as_str().expect("text").contains("scripted"));
    client.shutdown(Duration::from_secs(2));
}

#[test]
fn commands_change_the_script_and_a_stopped_collector_refuses_connections() {
    let mut collector = Running::start(&["--default", "500"]);
    assert_eq!(
        collector.send("script 200"),
        serde_json::json!({"ok": true})
    );
    let client = client_for(&collector.url);
    client.track_system_info().expect("queued");
    assert!(client.flush(Duration::from_secs(20)).is_ok());
    assert_eq!(client.stats().sent, 1);

    assert_eq!(collector.send("stop")["ok"], true);
    client.track_system_info().expect("queued");
    let _ = client.flush(Duration::from_secs(20));
    assert_eq!(
        collector.requests().len(),
        1,
        "nothing reached a stopped collector"
    );
    assert_eq!(client.stats().failed, 1);

    assert_eq!(collector.send("count")["count"], 1);
    assert_eq!(collector.send("field 0 method")["value"], "POST");
    assert_eq!(
        collector.send("field 0 header:Content-Type")["value"],
        "application/json"
    );
    assert_eq!(collector.send("field 0 header:x-missing")["value"], "");
    assert!(collector.send("field 1 body")["error"].is_string());
    assert!(collector.send("field 0 colour")["error"].is_string());

    assert_eq!(collector.send("restart")["ok"], true);
    assert_eq!(collector.send("wait 1 10")["ok"], true);
    assert_eq!(collector.send("wait 5 10")["ok"], false);
    client.shutdown(Duration::from_secs(2));
}

#[test]
fn bad_lines_get_an_error_and_change_nothing() {
    let mut collector = Running::start(&[]);
    for line in [
        "script 99",
        "script delay:x:200",
        "default",
        "wait one 10",
        "fly",
    ] {
        let answer = collector.send(line);
        assert!(answer["error"].is_string(), "{line}: {answer}");
    }
    assert_eq!(collector.requests().len(), 0);
    let refused = Command::new(program())
        .arg("nonsense")
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("nonsense"));
}
