//! The routes: `POST /v1/events` ([`ingest`]), `GET /api/summary`, `GET /healthz` and
//! `GET /metrics` ([`api`]), `GET /` the dashboard ([`page`]).

mod api;
mod ingest;
mod page;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use tokio::sync::Semaphore;

use crate::auth::{RateLimiter, Tokens};
use crate::cli::Config;
use crate::metrics::Metrics;
use crate::storage::SharedStore;

/// Whether a request may read the dashboard and the summary (no token set, or it carries it).
pub use page::dashboard_allowed;

/// Ingest requests decoded and parsed at once: with at most 1 MiB read and 8 MiB decoded each,
/// this bounds the memory a flood of large bodies can take.
const INGEST_AT_ONCE: usize = 32;

pub struct AppState {
    pub store: SharedStore,
    pub metrics: Arc<Metrics>,
    pub ingest_tokens: Tokens,
    /// `--dashboard-token`, when set and not empty (an empty one means none, as for ingest).
    pub dashboard_token: Option<String>,
    pub per_address: RateLimiter,
    pub per_token: RateLimiter,
    pub ingest_permits: Semaphore,
    pub print_stored: bool,
}

impl AppState {
    pub fn new(config: &Config, store: SharedStore, metrics: Arc<Metrics>) -> Self {
        AppState {
            store,
            metrics,
            ingest_tokens: Tokens::new(&config.ingest_token),
            dashboard_token: config.dashboard_token.clone().filter(|t| !t.is_empty()),
            per_address: RateLimiter::new(config.rate_per_address),
            per_token: RateLimiter::new(config.rate_per_token),
            ingest_permits: Semaphore::new(INGEST_AT_ONCE),
            print_stored: config.print_stored,
        }
    }
}

pub type State = Arc<AppState>;

pub fn router(state: State) -> Router {
    Router::new()
        .route("/v1/events", post(ingest::ingest))
        .route("/", get(page::dashboard))
        .route("/api/summary", get(api::summary))
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .with_state(state)
}

/// The service to serve: the router, with each connection's address available to the rate
/// limiter (and nowhere else).
pub fn service(
    state: State,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, SocketAddr> {
    router(state).into_make_service_with_connect_info::<SocketAddr>()
}
