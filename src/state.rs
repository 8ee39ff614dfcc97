//! What every request handler shares.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    config::Config, graphql::executor::Executor, http::rate_limit::Limiter, metrics::Metrics,
};

/// Shared application state; clones are cheap.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// Runs GraphQL requests on the schema, which has the database and configuration attached.
    pub graphql: Executor,
    /// Per-client request limiter; `None` when rate limiting is off.
    pub limiter: Option<Limiter>,
    /// Prometheus counters.
    pub metrics: Metrics,
}

impl AppState {
    /// State for serving `db` with `config`; every statement `db` sends is counted.
    pub fn new(mut db: DatabaseConnection, config: Config) -> Self {
        let metrics = Metrics::new();
        metrics.observe(&mut db);
        let config = Arc::new(config);
        let graphql = Executor::new(crate::graphql::schema(config.clone(), db.clone()), &config);
        let limiter = Limiter::from_config(&config);
        AppState {
            db,
            config,
            graphql,
            limiter,
            metrics,
        }
    }
}
