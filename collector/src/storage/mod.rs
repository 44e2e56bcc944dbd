//! Where batches go: one trait, two backends. SQLite ([`sqlite`]) is the default and needs no
//! setup; PostgreSQL ([`postgres`]) lets several collectors share one database. Both keep the
//! same tables (`events`, `batches` for deduplication, `installations` for where each one runs)
//! with a `day` column of whole UTC days, so `docs/queries.sql` runs unchanged on both.
//!
//! No table has a column for the client's address: it is never stored.

pub mod postgres;
pub mod sqlite;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::ingest::Batch;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
pub type SharedStore = Arc<dyn Store>;
/// A query's answer, row by row.
pub type Rows = Vec<Vec<Cell>>;

/// What storing one batch did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// Stored this many events.
    Accepted(usize),
    /// Its `batch_id` was stored before: nothing stored again.
    Duplicate,
}

/// One value of a query's answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Cell {
    pub fn as_i64(&self) -> i64 {
        match self {
            Cell::Int(n) => *n,
            Cell::Real(x) => *x as i64,
            _ => 0,
        }
    }

    pub fn as_f64(&self) -> f64 {
        match self {
            Cell::Int(n) => *n as f64,
            Cell::Real(x) => *x,
            _ => 0.0,
        }
    }

    pub fn into_text(self) -> String {
        match self {
            Cell::Text(text) => text,
            Cell::Null => String::new(),
            Cell::Int(n) => n.to_string(),
            Cell::Real(x) => x.to_string(),
        }
    }
}

/// The storage is unreachable or failed: the collector answers `503` and the client retries.
#[derive(Debug)]
pub struct StorageError(pub String);

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl std::error::Error for StorageError {}

pub type Result<T> = std::result::Result<T, StorageError>;

pub trait Store: Send + Sync + 'static {
    /// Stores `batch` as received at `received` (Unix seconds; the `day` of every row), unless
    /// its `batch_id` was stored before.
    fn ingest(&self, batch: Batch, received: f64) -> BoxFuture<'_, Result<Stored>>;

    /// Deletes everything stored under `installation_id`; returns the events deleted.
    fn delete_installation(&self, installation_id: String) -> BoxFuture<'_, Result<u64>>;

    /// Deletes every row of a day before `first_kept_day`; returns the events deleted.
    fn retain(&self, first_kept_day: i64) -> BoxFuture<'_, Result<u64>>;

    /// Runs one query of `docs/queries.sql` with `$1` = first day and `$2` = last day.
    fn query(&self, sql: &'static str, from_day: i64, to_day: i64) -> BoxFuture<'_, Result<Rows>>;

    /// True when the storage answers.
    fn healthy(&self) -> BoxFuture<'_, bool>;

    /// Finishes what was handed over, then closes.
    fn close(&self) -> BoxFuture<'_, ()>;
}

/// Opens the storage a `--storage` URL names: `sqlite:PATH` or `postgres://…`.
pub async fn open(url: &str, pool_size: usize) -> Result<SharedStore> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::open(path)?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::open(url, pool_size).await?))
    } else {
        Err(StorageError(format!(
            "unknown storage {url:?}: use sqlite:PATH or postgres://…"
        )))
    }
}

/// The columns of `events` in the order both backends insert them.
pub const EVENT_COLUMNS: &str = "day, ts, installation_id, event_type, operation, agent_id_hash, \
     metric_name, value, unit, error_type, error_message, stack_trace, attributes, platform, \
     platform_version, arch, library_version, runtime";

/// The tables both backends keep, with `{int}` and `{real}` for the dialect's whole-number and
/// floating-point types and `{events_suffix}` for what follows `events` (its partitioning).
const TABLES: &str = "
CREATE TABLE IF NOT EXISTS events (
    day {int} NOT NULL,
    ts {real} NOT NULL,
    installation_id TEXT,
    event_type TEXT NOT NULL,
    operation TEXT,
    agent_id_hash TEXT,
    metric_name TEXT,
    value {real},
    unit TEXT,
    error_type TEXT,
    error_message TEXT,
    stack_trace TEXT,
    attributes TEXT,
    platform TEXT,
    platform_version TEXT,
    arch TEXT,
    library_version TEXT,
    runtime TEXT
){events_suffix};
CREATE INDEX IF NOT EXISTS events_installation ON events (installation_id)
    WHERE installation_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    day {int} NOT NULL
){keyed_suffix};
CREATE INDEX IF NOT EXISTS batches_day ON batches (day);
CREATE TABLE IF NOT EXISTS installations (
    installation_id TEXT PRIMARY KEY,
    platform TEXT,
    library_version TEXT,
    runtime TEXT,
    day {int} NOT NULL
){keyed_suffix};
";

/// [`TABLES`] in one dialect: `keyed_suffix` follows the tables with a text primary key.
pub fn tables(int: &str, real: &str, events_suffix: &str, keyed_suffix: &str) -> String {
    TABLES
        .replace("{int}", int)
        .replace("{real}", real)
        .replace("{events_suffix}", events_suffix)
        .replace("{keyed_suffix}", keyed_suffix)
}
