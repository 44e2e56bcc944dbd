//! Queries of `docs/queries.sql` on SQLite, answers as [`Cell`]s.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::storage::{Cell, Result, StorageError};

/// Runs `sql` on a read-only connection of its own to the database file.
pub fn query_file(path: &str, sql: &str, from: i64, to: i64) -> Result<Vec<Vec<Cell>>> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| StorageError(e.to_string()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| StorageError(e.to_string()))?;
    query(&conn, sql, from, to).map_err(|e| StorageError(e.to_string()))
}

/// Runs `sql`, binding `$1` and `$2` (when it has them) to the first and last day.
pub fn query(conn: &Connection, sql: &str, from: i64, to: i64) -> rusqlite::Result<Vec<Vec<Cell>>> {
    let mut statement = conn.prepare(sql)?;
    let days = [from, to];
    let wanted = statement.parameter_count();
    let mut rows = statement.query(rusqlite::params_from_iter(days.iter().take(wanted)))?;
    let mut answer = Vec::new();
    while let Some(row) = rows.next()? {
        let width = row.as_ref().column_count();
        let mut cells = Vec::with_capacity(width);
        for index in 0..width {
            cells.push(match row.get_ref(index)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(n) => Cell::Int(n),
                ValueRef::Real(x) => Cell::Real(x),
                ValueRef::Text(text) | ValueRef::Blob(text) => {
                    Cell::Text(String::from_utf8_lossy(text).into_owned())
                }
            });
        }
        answer.push(cells);
    }
    Ok(answer)
}
