//! The reference collector of mycelium-telemetry (`mycelium-collector`): receives the batches
//! the library sends, deduplicates them by `batch_id`, scrubs them again, stores them (SQLite by
//! default, PostgreSQL for several instances), deletes on request and after the retention, and
//! answers the usual questions (`docs/queries.sql`, `GET /api/summary`).

#[cfg(feature = "server")]
pub mod auth;
#[cfg(feature = "server")]
pub mod cli;
#[cfg(feature = "server")]
pub mod dashboard;
pub mod day;
#[cfg(feature = "server")]
pub mod http;
pub mod ingest;
#[cfg(feature = "server")]
pub mod metrics;
#[cfg(feature = "server")]
pub mod queries;
#[cfg(feature = "server")]
pub mod retention;
#[cfg(feature = "server")]
pub mod storage;
#[cfg(feature = "server")]
pub mod summary;

#[cfg(feature = "server")]
pub use server::serve;

#[cfg(feature = "server")]
mod server {
    use std::future::Future;
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::net::TcpListener;

    use crate::{cli, http, metrics, retention, storage};

    /// Serves on `listener` until `shutdown` completes, then stops accepting, finishes the requests
    /// in flight and what storage was handed, and returns.
    pub async fn serve(
        config: cli::Config,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let store = storage::open(&config.storage, config.pool_size).await?;
        let metrics = Arc::new(metrics::Metrics::new());
        retention::spawn(
            store.clone(),
            metrics.clone(),
            config.retention_days,
            Duration::from_secs(config.retention_interval),
        );
        let state = Arc::new(http::AppState::new(&config, store.clone(), metrics));
        println!(
            "mycelium-collector listening on http://{}",
            listener.local_addr()?
        );
        axum::serve(listener, http::service(state))
            .with_graceful_shutdown(shutdown)
            .await?;
        store.close().await;
        Ok(())
    }
}
