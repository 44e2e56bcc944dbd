//! The SQLite tables. WAL lets the summary's reads run beside the writer; `synchronous=NORMAL`
//! in WAL mode loses at most the last commits on a power cut, never the database's integrity.

pub const PRAGMAS: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA busy_timeout = 5000;
";

/// The tables (`storage::tables`) in SQLite's types, plus an index on `day` for retention and
/// the window of every query (PostgreSQL partitions by day instead).
pub fn schema() -> String {
    let tables = crate::storage::tables("INTEGER", "REAL", "", " WITHOUT ROWID");
    tables + "CREATE INDEX IF NOT EXISTS events_day ON events (day);\n"
}

/// Rows deleted per retention step: small enough that a step takes milliseconds, so ingest
/// (which shares the writer) never waits long.
pub const RETENTION_CHUNK: i64 = 2_000;
