//! Deletes what is older than `--retention-days`, at start and then every
//! `--retention-interval` seconds (hourly by default).

use std::sync::Arc;
use std::time::Duration;

use crate::day::{day_of, now_seconds};
use crate::metrics::Metrics;
use crate::storage::SharedStore;

/// The first day kept when today is `today`: the last `retention_days` days, today included.
pub fn first_kept_day(today: i64, retention_days: u32) -> i64 {
    today - i64::from(retention_days) + 1
}

/// Runs retention until the runtime stops.
pub fn spawn(store: SharedStore, metrics: Arc<Metrics>, retention_days: u32, every: Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let first_kept = first_kept_day(day_of(now_seconds()), retention_days);
            match store.retain(first_kept).await {
                Ok(deleted) => metrics.retention_deleted.inc_by(deleted),
                Err(error) => eprintln!("mycelium-collector: retention failed: {error}"),
            }
        }
    });
}
