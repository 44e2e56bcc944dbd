//! The SQLite tables. WAL lets the summary's reads run beside the writer; `synchronous=NORMAL`
//! in WAL mode loses at most the last commits on a power cut, never the database's integrity.

pub const PRAGMAS: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA busy_timeout = 5000;
";

pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    day INTEGER NOT NULL,
    ts REAL NOT NULL,
    installation_id TEXT,
    event_type TEXT NOT NULL,
    operation TEXT,
    agent_id_hash TEXT,
    metric_name TEXT,
    value REAL,
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
);
CREATE INDEX IF NOT EXISTS events_day ON events (day);
CREATE INDEX IF NOT EXISTS events_installation ON events (installation_id)
    WHERE installation_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    day INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS batches_day ON batches (day);
CREATE TABLE IF NOT EXISTS installations (
    installation_id TEXT PRIMARY KEY,
    platform TEXT,
    library_version TEXT,
    runtime TEXT,
    day INTEGER NOT NULL
) WITHOUT ROWID;
";

/// Rows deleted per retention step: small enough that a step takes milliseconds, so ingest
/// (which shares the writer) never waits long.
pub const RETENTION_CHUNK: i64 = 2_000;
