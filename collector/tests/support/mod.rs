//! What the collector's tests share: a throwaway PostgreSQL server (`.ci/postgres.sh`, one per
//! test binary, a fresh database per test), a collector process on a free loopback port, and
//! wire-format batches.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde_json::{json, Value};

/// The server's URL. The script stops the server and removes its folder when this process
/// exits (its standard input, held here, closes).
fn postgres_server() -> &'static str {
    static SERVER: OnceLock<(String, Option<Mutex<ChildStdin>>)> = OnceLock::new();
    &SERVER
        .get_or_init(|| {
            // A server started by the caller (a suite sharing one across test binaries).
            if let Ok(url) = std::env::var("MYCELIUM_TEST_POSTGRES") {
                return (url, None);
            }
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/postgres.sh");
            let mut child = Command::new("bash")
                .args([script, "-c", "fsync=off", "-c", "synchronous_commit=off"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("bash .ci/postgres.sh");
            let mut line = String::new();
            BufReader::new(child.stdout.take().expect("stdout"))
                .read_line(&mut line)
                .expect("the server's URL");
            assert!(
                line.starts_with("postgres://"),
                "postgres.sh failed: {line:?}"
            );
            let stdin = child.stdin.take().expect("stdin");
            // Reaped by the OS after exit; the script outlives this process only to clean up.
            std::mem::forget(child);
            (line.trim().to_owned(), Some(Mutex::new(stdin)))
        })
        .0
}

/// A new, empty database on the test server; its URL.
pub fn postgres_database() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let server = postgres_server();
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(server, tokio_postgres::NoTls)
            .await
            .expect("connect to the test server");
        tokio::spawn(connection);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
    });
    format!(
        "{}/{name}",
        server.rsplit_once('/').expect("URL with a database").0
    )
}

/// A `mycelium-collector` process on a free loopback port, stopped (SIGTERM) when dropped.
pub struct Collector {
    pub child: Child,
    pub url: String,
    /// The rest of its standard output (`--print-stored` lines).
    pub stdout: BufReader<std::process::ChildStdout>,
}

impl Collector {
    /// Starts the collector with `args` (besides `--listen 127.0.0.1:0`).
    pub fn start(args: &[&str]) -> Collector {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mycelium-collector"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start mycelium-collector");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut line).expect("the listening line");
        let Some(address) = line.trim().strip_prefix("mycelium-collector listening on ") else {
            let _ = child.kill();
            panic!("the collector did not start: {line:?}");
        };
        Collector {
            child,
            url: address.to_owned(),
            stdout,
        }
    }

    pub fn events_url(&self) -> String {
        format!("{}/v1/events", self.url)
    }

    /// Sends SIGTERM and waits for the exit; returns whether it exited successfully.
    pub fn terminate(&mut self) -> bool {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.child
            .wait()
            .map(|status| status.success())
            .unwrap_or(false)
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.terminate();
        }
    }
}

/// A collector on a new SQLite file: (its folder, the file's path, the collector).
pub fn sqlite_collector(extra: &[&str]) -> (tempfile::TempDir, String, Collector) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db").display().to_string();
    let storage = format!("sqlite:{path}");
    let mut args = vec!["--storage", storage.as_str()];
    args.extend_from_slice(extra);
    let collector = Collector::start(&args);
    (dir, path, collector)
}

/// A POST of `body` to `url` as JSON with `headers`; (status, body, headers).
pub fn post(url: &str, body: &[u8], headers: &[(&str, &str)]) -> (i32, String, minreq::Response) {
    let mut request = minreq::post(url).with_timeout(30).with_body(body.to_vec());
    let mut typed = false;
    for (name, value) in headers {
        typed |= name.eq_ignore_ascii_case("content-type");
        request = request.with_header(*name, *value);
    }
    if !typed {
        request = request.with_header("Content-Type", "application/json");
    }
    let response = request.send().expect("POST");
    let text = response.as_str().unwrap_or("").to_owned();
    (response.status_code, text, response)
}

pub fn post_json(url: &str, batch: &Value) -> (i32, Value) {
    let (status, text, _) = post(url, batch.to_string().as_bytes(), &[]);
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub fn get(url: &str) -> (i32, String) {
    let response = minreq::get(url).with_timeout(30).send().expect("GET");
    (
        response.status_code,
        response.as_str().unwrap_or("").to_owned(),
    )
}

/// A random 32-hex id (good enough for tests: time and a counter).
pub fn hex_id() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{:016x}{:08x}{:08x}",
        nanos as u64,
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed) as u32
    )
}

pub fn agent_usage(operation: &str) -> Value {
    json!({"event_type": "agent_usage", "timestamp": 1795634410.12,
           "agent_id_hash": "089d4a2c0000000000000000000000000000000000000000000000000000799d",
           "operation": operation, "metadata": {"duration_ms": 12, "success": true}})
}

pub fn system_info(platform: &str, version: &str, runtime: &str) -> Value {
    json!({"event_type": "system_info", "timestamp": 1795634410.12, "platform": platform,
           "platform_version": "6.1.0", "arch": "x86_64", "library_version": version,
           "runtime": runtime})
}

/// A wire-format batch of `events`, with a fresh `batch_id`.
pub fn batch(events: Vec<Value>) -> Value {
    json!({"version": "1.0", "timestamp": 1795634410.12, "batch_id": hex_id(), "events": events})
}

/// Waits until `check` holds (up to 10 s).
pub fn eventually(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}
