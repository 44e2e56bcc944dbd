//! The main job, end to end: start a collector on loopback, enable telemetry at it, track sample
//! events full of personal data, flush, and print exactly what the collector received.
//!
//!     cargo run --example quickstart            # readable report
//!     cargo run --example quickstart -- --raw   # each received body as one JSON line
//!     cargo run --example quickstart -- --endpoint http://127.0.0.1:8080/v1/events
//!                                               # send to a running mycelium-collector instead
//!
//! The salt here is fixed so the output is reproducible; real installations get a random
//! per-installation salt (see docs/telemetry-configuration.md).

#[path = "support/collector.rs"]
mod collector;

use std::time::Duration;

use mycelium_telemetry::{Client, Config};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let raw = args.iter().any(|arg| arg == "--raw");
    // The reference collector (`cargo run -p mycelium-collector`) or any other endpoint.
    let endpoint = args
        .iter()
        .position(|arg| arg == "--endpoint")
        .and_then(|at| args.get(at + 1).cloned());
    let collector = collector::Collector::start();

    let mut config = Config::new();
    config.set_enabled(true);
    config.set_endpoint(endpoint.as_deref().unwrap_or(&collector.url()))?;
    config.set_salt("quickstart-salt")?;
    config.set_logger(|level, message| eprintln!("[{level:?}] {message}"));
    let client = Client::new(&config);

    let tracked = [
        "agent_usage: agent id alice@example.com, metadata with a prompt and nested data",
        "performance: tags with a session id and a user name",
        "error: message and Python stack trace with home paths, an email and a DB password",
        "system_info",
    ];
    client.track_agent_usage(
        "alice@example.com",
        "summarize",
        Some(
            r#"{"duration_ms": 812, "success": true, "prompt": "Summarize my medical notes",
                 "code": "password = 'hunter2'", "nested": {"file": "/home/alice/notes.txt"}}"#,
        ),
    )?;
    client.track_performance(
        "response_time",
        812.5,
        Some("ms"),
        Some(r#"{"session_id": "sess-42", "user": "alice", "model": "small"}"#),
    )?;
    client.track_error(
        "ConnectionError",
        "could not reach postgres://admin:hunter2@db.internal:5432/app for alice@example.com",
        Some(concat!(
            "Traceback (most recent call last):\n",
            "  File \"/home/alice/projects/agent/app.py\", line 42, in main\n",
            "    connect()\n",
            "  File \"/home/alice/projects/agent/db.py\", line 7, in connect\n",
            "ConnectionError: refused for alice@example.com"
        )),
        Some(r#"{"retry_count": 3, "host": "db.internal", "user_email": "alice@example.com"}"#),
    )?;
    client.track_system_info()?;
    client.flush(Duration::from_secs(10))?;
    let stats = client.stats();
    client.shutdown(Duration::from_secs(2));

    if let Some(endpoint) = endpoint {
        println!(
            "Sent {} of {} events to {endpoint} in {} batches (failed {}, retries {}).",
            stats.sent, stats.enqueued, stats.batches_sent, stats.failed, stats.retries
        );
        return if stats.sent == stats.enqueued {
            Ok(())
        } else {
            Err("not every event was accepted".into())
        };
    }
    let requests = collector.requests();
    if raw {
        for request in &requests {
            println!("{}", request.body_text());
        }
        return Ok(());
    }
    println!("Tracked {} events containing personal data:", tracked.len());
    for line in tracked {
        println!("  - {line}");
    }
    println!("\nThe collector at {} received:", collector.url());
    for request in &requests {
        println!(
            "\n{} {}  (Content-Type: {}, User-Agent: {})",
            request.method,
            request.path,
            request.header("content-type").unwrap_or("-"),
            request.header("user-agent").unwrap_or("-")
        );
        println!("{}", serde_json::to_string_pretty(&request.json())?);
    }
    println!(
        "\nStats: enqueued {}, sent {}, dropped {}, failed {}, retries {}, batches {}",
        stats.enqueued, stats.sent, stats.dropped, stats.failed, stats.retries, stats.batches_sent
    );
    let leaked: Vec<&str> = ["alice", "hunter2", "medical", "/home/"]
        .into_iter()
        .filter(|secret| requests.iter().any(|r| r.body_text().contains(secret)))
        .collect();
    if leaked.is_empty() {
        println!("None of alice, hunter2, medical or /home/ left the process.");
        Ok(())
    } else {
        Err(format!("leaked: {leaked:?}").into())
    }
}
