//! The PostgreSQL tables. `events` is partitioned by day so that retention drops whole
//! partitions (no vacuum debt, no long deletes); `batches` is not, because its primary key
//! (the duplicate check across collectors) must hold across all days.

/// Taken while creating the schema and partitions, so that collectors starting together do not
/// race on `CREATE … IF NOT EXISTS` (which is not atomic in PostgreSQL).
pub const DDL_LOCK: i64 = 0x6d79_6365_6c69;

pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    day BIGINT NOT NULL,
    ts DOUBLE PRECISION NOT NULL,
    installation_id TEXT,
    event_type TEXT NOT NULL,
    operation TEXT,
    agent_id_hash TEXT,
    metric_name TEXT,
    value DOUBLE PRECISION,
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
) PARTITION BY RANGE (day);
CREATE INDEX IF NOT EXISTS events_installation ON events (installation_id)
    WHERE installation_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    day BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_day ON batches (day);
CREATE TABLE IF NOT EXISTS installations (
    installation_id TEXT PRIMARY KEY,
    platform TEXT,
    library_version TEXT,
    runtime TEXT,
    day BIGINT NOT NULL
);
";

/// The name of the partition holding `day`.
pub fn partition_name(day: i64) -> String {
    format!("events_day_{day}")
}

/// The day of a partition's name, `None` for any other table.
pub fn partition_day(name: &str) -> Option<i64> {
    name.strip_prefix("events_day_")?.parse().ok()
}

/// Every partition of `events`.
pub const LIST_PARTITIONS: &str = "SELECT child.relname::text FROM pg_inherits
    JOIN pg_class child ON child.oid = pg_inherits.inhrelid
    JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
    WHERE parent.relname = 'events'";

/// One statement for a whole batch: the events' columns as arrays, unnested (one round trip and
/// one plan however many events).
pub const INSERT_EVENTS: &str = "INSERT INTO events (day, ts, installation_id, event_type,
    operation, agent_id_hash, metric_name, value, unit, error_type, error_message, stack_trace,
    attributes, platform, platform_version, arch, library_version, runtime)
    SELECT $1::bigint, u.ts, $2::text, u.event_type, u.operation, u.agent_id_hash, u.metric_name,
        u.value, u.unit, u.error_type, u.error_message, u.stack_trace, u.attributes, u.platform,
        u.platform_version, u.arch, u.library_version, u.runtime
    FROM unnest($3::float8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[],
        $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
        $16::text[], $17::text[], $18::text[])
    AS u(ts, event_type, operation, agent_id_hash, metric_name, value, unit, error_type,
        error_message, stack_trace, attributes, platform, platform_version, arch,
        library_version, runtime)";
