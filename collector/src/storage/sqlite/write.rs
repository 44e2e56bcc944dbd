//! The statements of the writer thread, each run inside a transaction it opened.

use rusqlite::{params, Connection, OptionalExtension};

use super::schema::RETENTION_CHUNK;
use crate::day::day_of;
use crate::ingest::{Batch, Origin};
use crate::storage::{Stored, EVENT_COLUMNS};

/// Stores one batch inside the caller's transaction (under a savepoint, so a failure undoes
/// this batch only).
pub fn ingest(conn: &Connection, mut batch: Batch, received: f64) -> rusqlite::Result<Stored> {
    let day = day_of(received);
    conn.execute_batch("SAVEPOINT batch")?;
    let result = ingest_inner(conn, &mut batch, day);
    match result {
        Ok(_) => conn.execute_batch("RELEASE batch")?,
        Err(_) => conn.execute_batch("ROLLBACK TO batch; RELEASE batch")?,
    }
    result
}

fn ingest_inner(conn: &Connection, batch: &mut Batch, day: i64) -> rusqlite::Result<Stored> {
    if let Some(batch_id) = &batch.batch_id {
        let inserted = conn
            .prepare_cached(
                "INSERT INTO batches (batch_id, day) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?
            .execute(params![batch_id, day])?;
        if inserted == 0 {
            return Ok(Stored::Duplicate);
        }
    }
    let origin = match (batch.origin(), &batch.installation_id) {
        (Some(origin), Some(id)) => {
            conn.prepare_cached(
                "INSERT INTO installations (installation_id, platform, library_version, runtime, day)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (installation_id) DO UPDATE SET platform = excluded.platform,
                   library_version = excluded.library_version, runtime = excluded.runtime,
                   day = excluded.day",
            )?
            .execute(params![id, origin.platform, origin.library_version, origin.runtime, day])?;
            Some(origin)
        }
        (Some(origin), None) => Some(origin),
        (None, Some(id)) => conn
            .prepare_cached(
                "SELECT platform, library_version, runtime FROM installations WHERE installation_id = ?1",
            )?
            .query_row([id], |row| {
                Ok(Origin {
                    platform: row.get(0)?,
                    library_version: row.get(1)?,
                    runtime: row.get(2)?,
                })
            })
            .optional()?,
        (None, None) => None,
    };
    if let Some(origin) = origin {
        batch.apply_origin(&origin);
    }
    let mut insert = conn.prepare_cached(&format!(
        "INSERT INTO events ({EVENT_COLUMNS}) VALUES \
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
    ))?;
    for event in &batch.events {
        insert.execute(params![
            day,
            event.timestamp,
            batch.installation_id,
            event.event_type,
            event.operation,
            event.agent_id_hash,
            event.metric_name,
            event.value,
            event.unit,
            event.error_type,
            event.error_message,
            event.stack_trace,
            event.attributes,
            event.platform,
            event.platform_version,
            event.arch,
            event.library_version,
            event.runtime,
        ])?;
    }
    Ok(Stored::Accepted(batch.events.len()))
}

pub fn delete_installation(conn: &Connection, id: &str) -> rusqlite::Result<u64> {
    let events = conn.execute("DELETE FROM events WHERE installation_id = ?1", [id])?;
    conn.execute("DELETE FROM installations WHERE installation_id = ?1", [id])?;
    Ok(events as u64)
}

/// One bounded retention step: deletes at most [`RETENTION_CHUNK`] old rows of each table.
/// Returns (events deleted, whether anything old is left).
pub fn retain_chunk(conn: &Connection, first_kept_day: i64) -> rusqlite::Result<(u64, bool)> {
    let events = conn.execute(
        "DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE day < ?1 LIMIT ?2)",
        params![first_kept_day, RETENTION_CHUNK],
    )?;
    let batches = conn.execute(
        "DELETE FROM batches WHERE batch_id IN (SELECT batch_id FROM batches WHERE day < ?1 LIMIT ?2)",
        params![first_kept_day, RETENTION_CHUNK],
    )?;
    let installations = conn.execute(
        "DELETE FROM installations WHERE installation_id IN
           (SELECT installation_id FROM installations WHERE day < ?1 LIMIT ?2)",
        params![first_kept_day, RETENTION_CHUNK],
    )?;
    let chunk = RETENTION_CHUNK as usize;
    let more = events == chunk || batches == chunk || installations == chunk;
    Ok((events as u64, more))
}
