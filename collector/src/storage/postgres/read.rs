//! Values in and out of PostgreSQL: a batch's events as column arrays for the unnest insert,
//! and query answers as [`Cell`]s.

use tokio_postgres::types::{ToSql, Type};

use crate::ingest::Event;
use crate::storage::{Cell, Result};

type Param<'a> = &'a (dyn ToSql + Sync);

/// The events of one batch, column by column.
pub struct Columns {
    ts: Vec<f64>,
    value: Vec<Option<f64>>,
    text: [Vec<Option<String>>; 14],
}

impl Columns {
    pub fn of(events: &[Event]) -> Self {
        let mut columns = Columns {
            ts: Vec::with_capacity(events.len()),
            value: Vec::with_capacity(events.len()),
            text: Default::default(),
        };
        for event in events {
            columns.ts.push(event.timestamp);
            columns.value.push(event.value);
            let texts = [
                Some(event.event_type.to_owned()),
                event.operation.clone(),
                event.agent_id_hash.clone(),
                event.metric_name.clone(),
                event.unit.clone(),
                event.error_type.clone(),
                event.error_message.clone(),
                event.stack_trace.clone(),
                event.attributes.clone(),
                event.platform.clone(),
                event.platform_version.clone(),
                event.arch.clone(),
                event.library_version.clone(),
                event.runtime.clone(),
            ];
            for (column, text) in columns.text.iter_mut().zip(texts) {
                column.push(text);
            }
        }
        columns
    }

    /// `$3` to `$18` of the insert, in its order.
    pub fn as_params(&self) -> Vec<Param<'_>> {
        let t = &self.text;
        vec![
            &self.ts,
            &t[0],
            &t[1],
            &t[2],
            &t[3],
            &self.value,
            &t[4],
            &t[5],
            &t[6],
            &t[7],
            &t[8],
            &t[9],
            &t[10],
            &t[11],
            &t[12],
            &t[13],
        ]
    }
}

pub async fn query(
    client: &tokio_postgres::Client,
    sql: &str,
    from: i64,
    to: i64,
) -> Result<Vec<Vec<Cell>>> {
    let statement = client.prepare(sql).await.map_err(super::failed)?;
    let days = [&from as Param, &to as Param];
    let wanted = statement.params().len();
    let rows = client
        .query(&statement, &days[..wanted])
        .await
        .map_err(super::failed)?;
    let mut answer = Vec::with_capacity(rows.len());
    for row in rows {
        let mut cells = Vec::with_capacity(row.len());
        for (index, column) in row.columns().iter().enumerate() {
            let cell = match *column.type_() {
                Type::INT8 => row.get::<_, Option<i64>>(index).map(Cell::Int),
                Type::INT4 => row
                    .get::<_, Option<i32>>(index)
                    .map(|n| Cell::Int(n.into())),
                Type::FLOAT8 => row.get::<_, Option<f64>>(index).map(Cell::Real),
                Type::FLOAT4 => row
                    .get::<_, Option<f32>>(index)
                    .map(|x| Cell::Real(x.into())),
                _ => row.get::<_, Option<String>>(index).map(Cell::Text),
            };
            cells.push(cell.unwrap_or(Cell::Null));
        }
        answer.push(cells);
    }
    Ok(answer)
}
