//! The PostgreSQL tables. `events` is partitioned by day so that retention drops whole
//! partitions (no vacuum debt, no long deletes); `batches` is not, because its primary key
//! (the duplicate check across collectors) must hold across all days.

/// Taken while creating the schema and partitions, so that collectors starting together do not
/// race on `CREATE … IF NOT EXISTS` (which is not atomic in PostgreSQL).
pub const DDL_LOCK: i64 = 0x6d79_6365_6c69;

/// The tables (`storage::tables`) in PostgreSQL's types, `events` partitioned by day.
pub fn schema() -> String {
    crate::storage::tables(
        "BIGINT",
        "DOUBLE PRECISION",
        " PARTITION BY RANGE (day)",
        "",
    )
}

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

pub const UPSERT_INSTALLATION: &str = "INSERT INTO installations
    (installation_id, platform, library_version, runtime, day) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (installation_id) DO UPDATE SET platform = excluded.platform,
      library_version = excluded.library_version, runtime = excluded.runtime, day = excluded.day";

/// One statement for a whole batch, atomic on its own: claims the `batch_id` (`$19`; a second
/// collector claiming the same id waits for the first to commit, then finds it taken, and no
/// event is inserted), then inserts the events from column arrays (`$3` to `$18`, unnested).
/// Where an event does not say where its installation runs, the batch's own `system_info`
/// (`$20` to `$22`, when `$23`) or else the installation's recorded one says it.
pub const INSERT_EVENTS: &str = "WITH claimed AS (
        INSERT INTO batches (batch_id, day) SELECT $19::text, $1::bigint WHERE $19::text IS NOT NULL
        ON CONFLICT DO NOTHING RETURNING 1),
    known AS (
        SELECT platform, library_version, runtime FROM installations
        WHERE installation_id = $2::text)
    INSERT INTO events (day, ts, installation_id, event_type, operation, agent_id_hash,
        metric_name, value, unit, error_type, error_message, stack_trace, attributes, platform,
        platform_version, arch, library_version, runtime)
    SELECT $1::bigint, u.ts, $2::text, u.event_type, u.operation, u.agent_id_hash, u.metric_name,
        u.value, u.unit, u.error_type, u.error_message, u.stack_trace, u.attributes,
        COALESCE(u.platform, CASE WHEN $23::bool THEN $20::text
                                  ELSE (SELECT platform FROM known) END),
        u.platform_version, u.arch,
        COALESCE(u.library_version, CASE WHEN $23::bool THEN $21::text
                                         ELSE (SELECT library_version FROM known) END),
        COALESCE(u.runtime, CASE WHEN $23::bool THEN $22::text
                                 ELSE (SELECT runtime FROM known) END)
    FROM unnest($3::float8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[],
        $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
        $16::text[], $17::text[], $18::text[])
    AS u(ts, event_type, operation, agent_id_hash, metric_name, value, unit, error_type,
        error_message, stack_trace, attributes, platform, platform_version, arch,
        library_version, runtime)
    WHERE $19::text IS NULL OR EXISTS (SELECT 1 FROM claimed)";
