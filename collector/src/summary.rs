//! The JSON of `GET /api/summary?days=N` (agreed with the dashboard, which renders it): the
//! answers of `docs/queries.sql` over the last `days` days, today (UTC) included.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::day::format_day;
use crate::queries;
use crate::storage::{Cell, Result, Store};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub days: u32,
    pub from: String,
    pub to: String,
    pub installations: i64,
    pub events_by_type: BTreeMap<String, i64>,
    pub daily_active_installations: Vec<DailyInstallations>,
    pub events_per_type_per_day: Vec<DailyEvents>,
    pub top_operations: Vec<Operation>,
    pub error_rate: Vec<ErrorRate>,
    pub performance: Vec<Performance>,
    pub platforms: Vec<Platform>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DailyInstallations {
    pub day: String,
    pub installations: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DailyEvents {
    pub day: String,
    pub event_type: String,
    pub events: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub operation: String,
    pub events: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorRate {
    pub library_version: String,
    pub platform: String,
    pub errors: i64,
    pub events: i64,
    pub rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Performance {
    pub metric_name: String,
    pub unit: String,
    pub samples: i64,
    pub p50: f64,
    pub p95: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Platform {
    pub platform: String,
    pub runtime: String,
    pub installations: i64,
}

/// The summary of the `days` days ending with `today` (a day number).
pub async fn summarize(store: &dyn Store, days: u32, today: i64) -> Result<Summary> {
    let from = today - i64::from(days) + 1;
    let mut answers = Vec::with_capacity(queries::NAMES.len());
    for name in queries::NAMES {
        answers.push(store.query(queries::query(name), from, today).await?);
    }
    let mut answers = answers.into_iter();
    let mut next = move || answers.next().unwrap_or_default();
    let installations = next()
        .into_iter()
        .next()
        .and_then(|row| row.first().map(Cell::as_i64));
    Ok(Summary {
        days,
        from: format_day(from),
        to: format_day(today),
        installations: installations.unwrap_or(0),
        events_by_type: rows(next(), |[t, n]: [Cell; 2]| (t.into_text(), n.as_i64())).collect(),
        daily_active_installations: rows(next(), |[d, n]: [Cell; 2]| DailyInstallations {
            day: format_day(d.as_i64()),
            installations: n.as_i64(),
        })
        .collect(),
        events_per_type_per_day: rows(next(), |[d, t, n]: [Cell; 3]| DailyEvents {
            day: format_day(d.as_i64()),
            event_type: t.into_text(),
            events: n.as_i64(),
        })
        .collect(),
        top_operations: rows(next(), |[o, n]: [Cell; 2]| Operation {
            operation: o.into_text(),
            events: n.as_i64(),
        })
        .collect(),
        error_rate: rows(next(), |[v, p, e, n, r]: [Cell; 5]| ErrorRate {
            library_version: v.into_text(),
            platform: p.into_text(),
            errors: e.as_i64(),
            events: n.as_i64(),
            rate: r.as_f64(),
        })
        .collect(),
        performance: rows(next(), |[m, u, s, p50, p95]: [Cell; 5]| Performance {
            metric_name: m.into_text(),
            unit: u.into_text(),
            samples: s.as_i64(),
            p50: p50.as_f64(),
            p95: p95.as_f64(),
        })
        .collect(),
        platforms: rows(next(), |[p, r, n]: [Cell; 3]| Platform {
            platform: p.into_text(),
            runtime: r.into_text(),
            installations: n.as_i64(),
        })
        .collect(),
    })
}

/// Rows of exactly `N` cells, each made into a `T` (rows of another width are skipped: the
/// queries' shapes are fixed and tested).
fn rows<const N: usize, T>(
    rows: Vec<Vec<Cell>>,
    make: impl Fn([Cell; N]) -> T,
) -> impl Iterator<Item = T> {
    rows.into_iter()
        .filter_map(|row| <[Cell; N]>::try_from(row).ok())
        .map(make)
}
