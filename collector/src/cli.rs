//! Flags, each also read from `MYCELIUM_COLLECTOR_<FLAG>` (clap's env support), so a container
//! or a service file can configure the collector without a command line.

use std::net::SocketAddr;

use clap::Parser;

/// The reference collector for mycelium-telemetry: receives batches on `POST /v1/events`,
/// deduplicates, stores (SQLite by default, PostgreSQL for several instances), keeps
/// `--retention-days`, answers `GET /api/summary`, `GET /healthz` and `GET /metrics`.
#[derive(Clone, Debug, Parser)]
#[command(name = "mycelium-collector", version)]
pub struct Config {
    /// Address to listen on.
    #[arg(
        long,
        env = "MYCELIUM_COLLECTOR_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,

    /// Where to store: `sqlite:PATH` (`sqlite::memory:` keeps nothing on disk) or
    /// `postgres://user@host:port/database`.
    #[arg(
        long,
        env = "MYCELIUM_COLLECTOR_STORAGE",
        default_value = "sqlite:mycelium-telemetry.db"
    )]
    pub storage: String,

    /// A token clients must send as `Authorization: Bearer <token>`; repeat the flag (or
    /// separate tokens with commas in the environment variable) to accept several. Without one
    /// the ingest endpoint is open.
    #[arg(long, env = "MYCELIUM_COLLECTOR_INGEST_TOKEN", value_delimiter = ',')]
    pub ingest_token: Vec<String>,

    /// A token `GET /` and `/api/summary` require (`Authorization: Bearer <token>`, or HTTP Basic
    /// with the token as the password).
    #[arg(long, env = "MYCELIUM_COLLECTOR_DASHBOARD_TOKEN")]
    pub dashboard_token: Option<String>,

    /// Stored data older than this many days is deleted (checked at start and hourly).
    #[arg(long, env = "MYCELIUM_COLLECTOR_RETENTION_DAYS", default_value_t = 90,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub retention_days: u32,

    /// Ingest requests per second allowed from one client address (a burst of twice as many is
    /// allowed); 0 turns the limit off. Behind a proxy every client has the proxy's address.
    #[arg(
        long,
        env = "MYCELIUM_COLLECTOR_RATE_PER_ADDRESS",
        default_value_t = 100
    )]
    pub rate_per_address: u32,

    /// Ingest requests per second allowed for one ingest token (all its clients together);
    /// 0 turns the limit off.
    #[arg(
        long,
        env = "MYCELIUM_COLLECTOR_RATE_PER_TOKEN",
        default_value_t = 2000
    )]
    pub rate_per_token: u32,

    /// Seconds between retention runs (hourly by default).
    #[arg(long, env = "MYCELIUM_COLLECTOR_RETENTION_INTERVAL", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub retention_interval: u64,

    /// Print each stored batch as one JSON line on standard output (what was stored, after
    /// scrubbing): a receiver for tests, with `--storage sqlite::memory:`.
    #[arg(long, env = "MYCELIUM_COLLECTOR_PRINT_STORED")]
    pub print_stored: bool,

    /// Connections to PostgreSQL kept by this instance.
    #[arg(long, env = "MYCELIUM_COLLECTOR_POOL_SIZE", default_value_t = 16)]
    pub pool_size: usize,
}
