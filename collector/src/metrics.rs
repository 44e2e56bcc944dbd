//! `GET /metrics`, in the Prometheus text format (the `prometheus` crate's encoder).

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    pub batches_accepted: IntCounter,
    pub events_accepted: IntCounter,
    pub duplicates: IntCounter,
    pub deletions: IntCounter,
    pub rejected: IntCounterVec,
    pub retention_deleted: IntCounter,
    pub storage_seconds: Histogram,
    pub request_seconds: Histogram,
}

/// Bucket bounds from 0.25 ms to 2.5 s: p99 under 50 ms must be readable from them.
const LATENCY_BUCKETS: [f64; 14] = [
    0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.25, 1.0, 2.5,
];

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let counter = |name: &str, help: &str| {
            let counter = IntCounter::new(name, help).expect("valid metric");
            registry
                .register(Box::new(counter.clone()))
                .expect("unique metric");
            counter
        };
        let histogram = |name: &str, help: &str| {
            let opts = HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec());
            let histogram = Histogram::with_opts(opts).expect("valid metric");
            registry
                .register(Box::new(histogram.clone()))
                .expect("unique metric");
            histogram
        };
        let rejected = IntCounterVec::new(
            Opts::new(
                "mycelium_collector_rejected_total",
                "Ingest requests rejected, by reason",
            ),
            &["reason"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(rejected.clone()))
            .expect("unique metric");
        Metrics {
            batches_accepted: counter(
                "mycelium_collector_batches_accepted_total",
                "Batches stored",
            ),
            events_accepted: counter("mycelium_collector_events_accepted_total", "Events stored"),
            duplicates: counter(
                "mycelium_collector_duplicate_batches_total",
                "Batches acknowledged without storing: their batch_id was stored before",
            ),
            deletions: counter(
                "mycelium_collector_deletion_requests_total",
                "Deletion requests carried out",
            ),
            retention_deleted: counter(
                "mycelium_collector_retention_deleted_events_total",
                "Events deleted for being older than the retention",
            ),
            storage_seconds: histogram(
                "mycelium_collector_storage_seconds",
                "Time to store one batch or carry out one deletion",
            ),
            request_seconds: histogram(
                "mycelium_collector_ingest_request_seconds",
                "Time from an ingest request's headers to its answer",
            ),
            rejected,
            registry,
        }
    }

    pub fn reject(&self, reason: &str) {
        self.rejected.with_label_values(&[reason]).inc();
    }

    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding our own registered families into memory cannot fail.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
