//! Prometheus metrics, served at `/metrics`: requests by operation and outcome, SQL
//! statements, the pools, the response cache, and live updates.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use prometheus::{
    core::Collector, Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::DatabaseConnection;

/// How many operation names get a series of their own; later ones are counted as `other`,
/// so that clients naming their operations cannot grow the metrics without bound.
const MAX_OPERATIONS: usize = 200;

/// The longest operation name with a series of its own.
const MAX_OPERATION_LEN: usize = 64;

/// The server's metrics; clones share the same counters.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// GraphQL requests answered, from the response cache or executed.
    pub graphql_requests: IntCounter,
    /// GraphQL requests answered from the response cache.
    pub response_cache_hits: IntCounter,
    /// Anonymous GraphQL requests the response cache did not hold.
    pub response_cache_misses: IntCounter,
    /// SQL statements sent to the database.
    pub sql_statements: IntCounter,
    /// Time to answer a GraphQL request, by operation name and outcome.
    graphql_seconds: HistogramVec,
    /// Time a read waited for a connection of its pool.
    pub pool_wait_seconds: Histogram,
    /// Connections of the pools, by pool and state; set when the metrics are read.
    pool_connections: IntGaugeVec,
    /// Subscriptions open on this instance.
    pub subscriptions: IntGauge,
    /// WebSocket connections open on this instance.
    pub websockets: IntGauge,
    /// Events passed on to a subscriber.
    pub events_delivered: IntCounter,
    /// Like counts heard from the database's channel (every instance's, this one's too).
    pub events_heard: IntCounter,
    /// Changes signalled to the other instances.
    pub signals_sent: IntCounter,
    /// Times the listener for other instances' changes lost its connection.
    pub listener_reconnects: IntCounter,
    /// Operation names with a series of their own.
    operations: Arc<Mutex<HashSet<String>>>,
}

/// How a GraphQL request ended, for the `outcome` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered from the response cache.
    Cached,
    /// Executed without errors.
    Ok,
    /// Executed, with errors in the response.
    Errors,
    /// Refused before execution (parse, validation, limits, budget).
    Rejected,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Cached => "cached",
            Outcome::Ok => "ok",
            Outcome::Errors => "errors",
            Outcome::Rejected => "rejected",
        }
    }
}

impl Metrics {
    /// Fresh counters, registered.
    pub fn new() -> Metrics {
        // The names and buckets are constants Prometheus accepts: construction cannot fail.
        const VALID: &str = "a constant, valid metric definition";
        let registry = Registry::new_custom(Some("newswire".into()), None).expect(VALID);
        let counter = |name: &str, help: &str| {
            let counter = IntCounter::new(name, help).expect(VALID);
            registry.register(Box::new(counter.clone())).expect(VALID);
            counter
        };
        let gauge = |name: &str, help: &str| {
            let gauge = IntGauge::new(name, help).expect(VALID);
            registry.register(Box::new(gauge.clone())).expect(VALID);
            gauge
        };
        let buckets = vec![
            0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
        ];
        let graphql_seconds = HistogramVec::new(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "Time to answer a GraphQL request, by operation name and outcome",
            )
            .buckets(buckets.clone()),
            &["operation", "outcome"],
        )
        .expect(VALID);
        let pool_wait_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "db_pool_wait_seconds",
                "Time a read waited for a connection of its pool",
            )
            .buckets(buckets),
        )
        .expect(VALID);
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Connections of the database pools, by pool and state (idle, busy, max, waiting)",
            ),
            &["pool", "state"],
        )
        .expect(VALID);
        for collector in [
            Box::new(graphql_seconds.clone()) as Box<dyn Collector>,
            Box::new(pool_wait_seconds.clone()),
            Box::new(pool_connections.clone()),
        ] {
            registry.register(collector).expect(VALID);
        }
        Metrics {
            graphql_requests: counter("graphql_requests_total", "GraphQL requests answered"),
            response_cache_hits: counter(
                "response_cache_hits_total",
                "GraphQL requests answered from the response cache",
            ),
            response_cache_misses: counter(
                "response_cache_misses_total",
                "Anonymous GraphQL requests the response cache did not hold",
            ),
            sql_statements: counter(
                "sql_statements_total",
                "SQL statements sent to the database",
            ),
            subscriptions: gauge("subscriptions", "Subscriptions open on this instance"),
            websockets: gauge(
                "websocket_connections",
                "WebSocket connections open on this instance",
            ),
            events_delivered: counter("events_delivered_total", "Events passed on to a subscriber"),
            events_heard: counter(
                "events_heard_total",
                "Like counts heard on the database's channel",
            ),
            signals_sent: counter(
                "signals_sent_total",
                "Changes signalled to the other instances",
            ),
            listener_reconnects: counter(
                "listener_reconnects_total",
                "Times the listener for other instances' changes lost its connection",
            ),
            graphql_seconds,
            pool_wait_seconds,
            pool_connections,
            operations: Arc::default(),
            registry,
        }
    }

    /// Counts every statement `db` sends.
    pub fn observe(&self, db: &mut DatabaseConnection) {
        let statements = self.sql_statements.clone();
        db.set_metric_callback(move |_| statements.inc());
    }

    /// Records a GraphQL request named `operation` that ended so after `elapsed`.
    pub fn answered(&self, operation: Option<&str>, outcome: Outcome, elapsed: Duration) {
        let name = self.operation_label(operation);
        self.graphql_seconds
            .with_label_values(&[name.as_str(), outcome.label()])
            .observe(elapsed.as_secs_f64());
    }

    /// The label of an operation name: the name, if it is a plain one and either known or
    /// one of the first few; `anonymous` for none and `other` for the rest.
    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation else {
            return "anonymous".into();
        };
        let plain = !name.is_empty()
            && name.len() <= MAX_OPERATION_LEN
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !plain {
            return "other".into();
        }
        let mut known = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        if known.contains(name) || known.len() < MAX_OPERATIONS {
            known.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    /// Sets the connections of `pool` as they are now.
    pub fn pool(&self, pool: &str, idle: usize, busy: usize, max: usize, waiting: usize) {
        for (state, value) in [
            ("idle", idle),
            ("busy", busy),
            ("max", max),
            ("waiting", waiting),
        ] {
            self.pool_connections
                .with_label_values(&[pool, state])
                .set(i64::try_from(value).unwrap_or(i64::MAX));
        }
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::warn!(%error, "metrics could not be encoded");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_cannot_grow_the_series_without_bound() {
        let metrics = Metrics::new();
        assert_eq!(metrics.operation_label(None), "anonymous");
        assert_eq!(metrics.operation_label(Some("Home")), "Home");
        assert_eq!(metrics.operation_label(Some("bad name!")), "other");
        for n in 0..MAX_OPERATIONS * 2 {
            metrics.operation_label(Some(&format!("Op{n}")));
        }
        assert_eq!(metrics.operation_label(Some("Home")), "Home", "known stays");
        assert_eq!(metrics.operation_label(Some("Latecomer")), "other");
    }
}
