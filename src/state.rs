//! What every request handler shares.

use std::{sync::Arc, time::Duration};

use sea_orm::DatabaseConnection;

use crate::{
    budget::Ledger,
    config::Config,
    db::reads::Reads,
    domain::changes::Changes,
    graphql::executor::Executor,
    http::{rate_limit::Limiter, response_cache::ResponseCache},
    live::Live,
    metrics::Metrics,
};

/// Shared application state; clones share one [`Shared`], so every middleware and handler
/// of a request takes it for the price of one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] holds.
pub struct Shared {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// Runs GraphQL requests on the schema, which has the database and configuration attached.
    pub graphql: Executor,
    /// The write generations every cache follows, moved on by the domain's writes.
    pub changes: Changes,
    /// Responses to anonymous queries; `None` when the response cache is off.
    pub responses: Option<ResponseCache>,
    /// Per-client request limiter; `None` when rate limiting is off.
    pub limiter: Option<Limiter>,
    /// Prometheus counters.
    pub metrics: Metrics,
    /// Page reads, whose pool `/metrics` reports.
    pub reads: Reads,
    /// Subscribers and the events that reach them.
    pub live: Live,
}

impl AppState {
    /// State for serving `db` with `config`; every statement `db` sends is counted.
    pub fn new(mut db: DatabaseConnection, config: Config) -> Self {
        let metrics = Metrics::new();
        metrics.observe(&mut db);
        let config = Arc::new(config);
        let reads = Reads::new(
            db.clone(),
            metrics.sql_statements.clone(),
            metrics.pool_wait_seconds.clone(),
        );
        let changes = Changes::default();
        crate::purge::spawn(&changes, config.purge_url.clone());
        let live = Live::start(&db, &config, &changes, &metrics);
        let ledger = Ledger::new(config.redis_url.as_deref(), &config.redis_prefix).unwrap_or_else(
            |error| {
                tracing::error!(%error, "budgets are kept in this process");
                Ledger::in_process()
            },
        );
        let graphql = Executor::new(
            crate::graphql::schemas(
                config.clone(),
                db.clone(),
                crate::graphql::Served {
                    reads: reads.clone(),
                    changes: changes.clone(),
                    live: live.clone(),
                    metrics: metrics.clone(),
                },
            ),
            &config,
            db.clone(),
            ledger,
        );
        let limiter = Limiter::from_config(&config);
        let responses = ResponseCache::new(
            Duration::from_millis(config.response_cache_ttl_ms),
            config.response_cache_mib * 1024 * 1024,
        );
        AppState(Arc::new(Shared {
            db,
            config,
            graphql,
            changes,
            responses,
            limiter,
            metrics,
            reads,
            live,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
