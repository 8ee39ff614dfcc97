//! Prometheus metrics, served at `/metrics`: requests, SQL statements, and their latency.

use prometheus::{Encoder, Histogram, HistogramOpts, IntCounter, Registry, TextEncoder};
use sea_orm::DatabaseConnection;

/// The server's metrics; clones share the same counters.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// GraphQL requests answered, from the response cache or executed.
    pub graphql_requests: IntCounter,
    /// GraphQL requests answered from the response cache.
    pub response_cache_hits: IntCounter,
    /// SQL statements sent to the database.
    pub sql_statements: IntCounter,
    /// Time to execute a GraphQL request, in seconds.
    pub graphql_seconds: Histogram,
}

impl Metrics {
    /// Fresh counters, registered.
    pub fn new() -> Metrics {
        // The names and buckets are constants Prometheus accepts: construction cannot fail.
        const VALID: &str = "a constant, valid metric definition";
        let registry = Registry::new_custom(Some("newswire".into()), None).expect(VALID);
        let graphql_requests =
            IntCounter::new("graphql_requests_total", "GraphQL requests answered").expect(VALID);
        let response_cache_hits = IntCounter::new(
            "response_cache_hits_total",
            "GraphQL requests answered from the response cache",
        )
        .expect(VALID);
        let sql_statements = IntCounter::new(
            "sql_statements_total",
            "SQL statements sent to the database",
        )
        .expect(VALID);
        let graphql_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "Time to execute a GraphQL request",
            )
            .buckets(vec![
                0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0,
            ]),
        )
        .expect(VALID);
        registry
            .register(Box::new(graphql_requests.clone()))
            .expect(VALID);
        registry
            .register(Box::new(response_cache_hits.clone()))
            .expect(VALID);
        registry
            .register(Box::new(sql_statements.clone()))
            .expect(VALID);
        registry
            .register(Box::new(graphql_seconds.clone()))
            .expect(VALID);
        Metrics {
            registry,
            graphql_requests,
            response_cache_hits,
            sql_statements,
            graphql_seconds,
        }
    }

    /// Counts every statement `db` sends.
    pub fn observe(&self, db: &mut DatabaseConnection) {
        let statements = self.sql_statements.clone();
        db.set_metric_callback(move |_| statements.inc());
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
