//! PostgreSQL, for several collectors sharing one database: the duplicate check is the
//! `batches` primary key, claimed in the same statement that inserts the events (a second
//! collector claiming the same `batch_id` waits for the first to commit, then sees the
//! conflict), and retention drops whole daily partitions of `events`.

mod read;
mod schema;

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Mutex;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::{BoxFuture, Result, Rows, StorageError, Store, Stored};
use crate::day::day_of;
use crate::ingest::Batch;

type Param<'a> = &'a (dyn tokio_postgres::types::ToSql + Sync);

pub struct PgStore {
    pool: Pool,
    /// Partitions known to exist (created here or seen), so each request does not ask.
    partitions: Mutex<HashSet<i64>>,
}

fn failed(error: impl std::error::Error) -> StorageError {
    // tokio-postgres says only "db error" at the top; the server's message is the source.
    match error.source() {
        Some(source) => StorageError(format!("{error}: {source}")),
        None => StorageError(error.to_string()),
    }
}

impl PgStore {
    pub async fn open(url: &str, pool_size: usize) -> Result<Self> {
        let config = tokio_postgres::Config::from_str(url).map_err(failed)?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .build()
            .map_err(failed)?;
        let store = PgStore {
            pool,
            partitions: Mutex::new(HashSet::new()),
        };
        let mut client = store.pool.get().await.map_err(failed)?;
        let tx = client.transaction().await.map_err(failed)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&schema::DDL_LOCK])
            .await
            .map_err(failed)?;
        tx.batch_execute(&schema::schema()).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(store)
    }

    async fn ensure_partition(
        &self,
        client: &mut deadpool_postgres::Client,
        day: i64,
    ) -> Result<()> {
        if self
            .partitions
            .lock()
            .expect("partitions lock")
            .contains(&day)
        {
            return Ok(());
        }
        let tx = client.transaction().await.map_err(failed)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&schema::DDL_LOCK])
            .await
            .map_err(failed)?;
        let ddl = format!(
            "CREATE TABLE IF NOT EXISTS {} PARTITION OF events FOR VALUES FROM ({day}) TO ({})",
            schema::partition_name(day),
            day + 1
        );
        tx.batch_execute(&ddl).await.map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        self.partitions.lock().expect("partitions lock").insert(day);
        Ok(())
    }

    async fn ingest_batch(&self, batch: Batch, received: f64) -> Result<Stored> {
        let day = day_of(received);
        match self.ingest_once(&batch, day).await {
            // Another collector's retention dropped a partition this one remembered (only a
            // day past the retention, so only when batches are stored as received long ago).
            Err(error) if error.0.contains("no partition of relation") => {
                self.partitions
                    .lock()
                    .expect("partitions lock")
                    .remove(&day);
                self.ingest_once(&batch, day).await
            }
            other => other,
        }
    }

    /// One statement stores the batch (the duplicate check, the installation's origin and the
    /// events: one round trip, atomic without an explicit transaction); a batch with a
    /// `system_info` and an installation id also records where that installation runs.
    async fn ingest_once(&self, batch: &Batch, day: i64) -> Result<Stored> {
        let mut client = self.pool.get().await.map_err(failed)?;
        self.ensure_partition(&mut client, day).await?;
        let origin = batch.origin();
        if let (Some(origin), Some(id)) = (&origin, &batch.installation_id) {
            let statement = client
                .prepare_cached(schema::UPSERT_INSTALLATION)
                .await
                .map_err(failed)?;
            let values: [Param; 5] = [
                id,
                &origin.platform,
                &origin.library_version,
                &origin.runtime,
                &day,
            ];
            client.execute(&statement, &values).await.map_err(failed)?;
        }
        let statement = client
            .prepare_cached(schema::INSERT_EVENTS)
            .await
            .map_err(failed)?;
        let columns = read::Columns::of(&batch.events);
        let known = origin.unwrap_or_default();
        let has_origin = batch.origin().is_some();
        let mut values: Vec<Param> = vec![&day, &batch.installation_id];
        values.extend(columns.as_params());
        values.extend([
            &batch.batch_id as Param,
            &known.platform,
            &known.library_version,
            &known.runtime,
            &has_origin,
        ]);
        let inserted = client.execute(&statement, &values).await.map_err(failed)?;
        if inserted == 0 && batch.batch_id.is_some() {
            return Ok(Stored::Duplicate);
        }
        Ok(Stored::Accepted(batch.events.len()))
    }

    async fn retain_days(&self, first_kept_day: i64) -> Result<u64> {
        let client = self.pool.get().await.map_err(failed)?;
        let mut deleted = 0u64;
        for row in client
            .query(schema::LIST_PARTITIONS, &[])
            .await
            .map_err(failed)?
        {
            let name: String = row.get(0);
            let Some(day) = schema::partition_day(&name) else {
                continue;
            };
            if day >= first_kept_day {
                continue;
            }
            let count: i64 = client
                .query_one(&format!("SELECT COUNT(*) FROM {name}"), &[])
                .await
                .map_err(failed)?
                .get(0);
            // Another collector may drop it at the same moment: IF EXISTS.
            client
                .batch_execute(&format!("DROP TABLE IF EXISTS {name}"))
                .await
                .map_err(failed)?;
            self.partitions
                .lock()
                .expect("partitions lock")
                .remove(&day);
            deleted += count as u64;
        }
        client
            .execute("DELETE FROM batches WHERE day < $1", &[&first_kept_day])
            .await
            .map_err(failed)?;
        client
            .execute(
                "DELETE FROM installations WHERE day < $1",
                &[&first_kept_day],
            )
            .await
            .map_err(failed)?;
        Ok(deleted)
    }
}

impl Store for PgStore {
    fn ingest(&self, batch: Batch, received: f64) -> BoxFuture<'_, Result<Stored>> {
        Box::pin(self.ingest_batch(batch, received))
    }

    fn delete_installation(&self, id: String) -> BoxFuture<'_, Result<u64>> {
        Box::pin(async move {
            let mut client = self.pool.get().await.map_err(failed)?;
            let tx = client.transaction().await.map_err(failed)?;
            let events = tx
                .execute("DELETE FROM events WHERE installation_id = $1", &[&id])
                .await
                .map_err(failed)?;
            tx.execute(
                "DELETE FROM installations WHERE installation_id = $1",
                &[&id],
            )
            .await
            .map_err(failed)?;
            tx.commit().await.map_err(failed)?;
            Ok(events)
        })
    }

    fn retain(&self, first_kept_day: i64) -> BoxFuture<'_, Result<u64>> {
        Box::pin(self.retain_days(first_kept_day))
    }

    fn query(&self, sql: &'static str, from: i64, to: i64) -> BoxFuture<'_, Result<Rows>> {
        Box::pin(async move {
            let client = self.pool.get().await.map_err(failed)?;
            read::query(&client, sql, from, to).await
        })
    }

    fn healthy(&self) -> BoxFuture<'_, bool> {
        Box::pin(async move {
            match self.pool.get().await {
                Ok(client) => client.simple_query("SELECT 1").await.is_ok(),
                Err(_) => false,
            }
        })
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move { self.pool.close() })
    }
}
