//! What every request handler shares.

use std::{sync::Arc, time::Duration};

use sea_orm::DatabaseConnection;

use crate::{
    budget::Ledger,
    config::Config,
    db::{availability::Availability, reads::Reads},
    domain::changes::Changes,
    graphql::executor::Executor,
    http::{rate_limit::Limiter, response_cache::ResponseCache},
    live::Live,
    metrics::Metrics,
};

pub use crate::graphql::executor::Replica;

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
    /// Whether the database answers; requests are refused at once while it does not.
    pub availability: Availability,
    /// The replica that reads go to, if there is one.
    pub replica: Option<DatabaseConnection>,
    /// Subscribers and the events that reach them.
    pub live: Live,
}

impl AppState {
    /// State for serving `db` with `config`; every statement `db` sends is counted.
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        Self::with_replica(db, None, config)
    }

    /// State for serving `db` with `config`, with the reads that may go to `replica` sent
    /// there; every statement either sends is counted.
    pub fn with_replica(
        mut db: DatabaseConnection,
        replica: Option<DatabaseConnection>,
        config: Config,
    ) -> Self {
        let metrics = Metrics::new();
        metrics.observe(&mut db);
        let replica = replica.map(|mut replica| {
            metrics.observe(&mut replica);
            let reads = Reads::new(
                replica.clone(),
                metrics.sql_statements.clone(),
                metrics.pool_wait_seconds.clone(),
            );
            Replica { db: replica, reads }
        });
        let config = Arc::new(config);
        let reads = Reads::new(
            db.clone(),
            metrics.sql_statements.clone(),
            metrics.pool_wait_seconds.clone(),
        );
        let changes = Changes::default();
        crate::purge::spawn(&changes, config.purge_url.clone());
        let availability = Availability::new(db.clone());
        let live = Live::start(&db, &config, &changes, &metrics, &availability);
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
            replica.clone(),
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
            replica: replica.map(|r| r.db),
            availability,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
