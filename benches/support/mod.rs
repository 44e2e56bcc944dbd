//! What the benchmarks share: client configurations and realistic inputs.

#![allow(dead_code)] // Each benchmark uses a different part.

use std::path::PathBuf;
use std::time::Duration;

use mycelium_telemetry::Config;

/// A fixed salt, so that no benchmark reads or creates the per-installation salt file.
pub const SALT: &str = "bench-salt";

/// A small metadata object as an application would send it: four allowlisted keys and one
/// (`user`) that the allowlist removes on the sender.
pub const METADATA: &str = r#"{"duration_ms": 41, "success": true, "retry_count": 0, "result_count": 12, "user": "alice"}"#;

/// Performance tags: an identifier that gets hashed, a plain tag that gets scrubbed.
pub const TAGS: &str = r#"{"agent_id": "agent-7", "region": "eu-west-1", "cache": "warm"}"#;

pub const ERROR_CONTEXT: &str = r#"{"retry_count": 2, "status_code": 503}"#;

pub const ERROR_MESSAGE: &str =
    "connection to postgres://svc:S3cretPass@10.2.3.4:5432/agents failed for alice@example.com";

/// A Python traceback of about 1.3 KiB with what real ones carry: home paths, a credential URL,
/// an email and an IP address.
pub const PYTHON_TRACE: &str = r#"Traceback (most recent call last):
  File "/home/alice/projects/agent/app.py", line 42, in main
    result = run(config)
  File "/home/alice/projects/agent/runner.py", line 118, in run
    conn = pool.acquire(timeout=settings.db_timeout)
  File "/home/alice/.venvs/agent/lib/python3.11/site-packages/pool/core.py", line 311, in acquire
    return self._connect(self._dsn)
  File "/home/alice/.venvs/agent/lib/python3.11/site-packages/pool/core.py", line 356, in _connect
    raw = psycopg.connect("postgres://svc:S3cretPass@10.2.3.4:5432/agents", connect_timeout=5)
  File "/usr/lib/python3.11/site-packages/psycopg/connection.py", line 728, in connect
    raise ex.with_traceback(None)
psycopg.OperationalError: connection failed: server at 10.2.3.4 port 5432 refused
During handling of the above exception, another exception occurred:
Traceback (most recent call last):
  File "/home/alice/projects/agent/app.py", line 57, in main
    notify("alice@example.com", error)
  File "/home/alice/projects/agent/notify.py", line 23, in notify
    smtp.login(user, os.environ["SMTP_PASSWORD"])
  File "/usr/lib/python3.11/smtplib.py", line 750, in login
    raise last_exception
smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted for alice@example.com')
"#;

/// The file local clients write their batches to: a regular file in this process's own
/// folder under the temporary directory (the library refuses devices such as `/dev/null` and
/// links, see src/private_file.rs). [`empty_output`] keeps it from growing.
pub fn output_path() -> PathBuf {
    let folder = std::env::temp_dir().join(format!("mycelium-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("bench output folder");
    folder.join("batches.jsonl")
}

/// Empties the output file between timed stretches; the client appends, so its next write
/// starts the file again. Costs one system call per batch of 1,000 events.
pub fn empty_output() {
    if let Ok(file) = std::fs::OpenOptions::new().write(true).open(output_path()) {
        let _ = file.set_len(0);
    }
}

/// An enabled client that writes its batches to [`output_path`]: the whole sender pipeline
/// runs, but no socket is opened, and the file is emptied after each timed batch.
pub fn local_config() -> Config {
    let mut config = Config::new();
    config.set_enabled(true);
    config.set_salt(SALT).expect("salt");
    config.set_output_file(output_path()).expect("output file");
    // Queue-full warnings are expected in some benchmarks; they must not interleave with the
    // benchmark's output.
    config.set_logger(|_, _| {});
    config
}

/// A local client whose sender sleeps through a whole timed stretch of `calls` (below one batch
/// and the flush interval), so that only the callers' cost is measured.
pub fn quiet_local_config(calls: u32) -> Config {
    let mut config = local_config();
    config.set_batch_size(1000).expect("batch size");
    config
        .set_queue_capacity(calls.max(1000))
        .expect("capacity");
    config
        .set_flush_interval_ms(3_600_000)
        .expect("flush interval");
    config
}

/// Long enough for any flush in these benchmarks; a flush that needs longer is a failure.
pub const FLUSH_TIMEOUT: Duration = Duration::from_secs(30);
