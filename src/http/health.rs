//! Liveness and readiness probes, and metrics.

use std::time::Duration;

use axum::{extract::State, http::StatusCode};
use sea_orm::DbBackend;

use crate::state::AppState;

/// How long readiness waits for the database to answer.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// Liveness: the process answers.
pub async fn live() -> &'static str {
    "ok"
}

/// Readiness: the database answers too, within [`READY_TIMEOUT`], and so does its replica,
/// if reads go to one.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let both = async {
        state.db.ping().await?;
        match &state.replica {
            Some(replica) => replica.ping().await,
            None => Ok(()),
        }
    };
    match tokio::time::timeout(READY_TIMEOUT, both).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "database is not answering");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => {
            tracing::warn!("database did not answer in time");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Prometheus metrics in text format.
pub async fn metrics(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    let (idle, size, max) = match state.db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            let max = pool.options().get_max_connections();
            (pool.num_idle(), pool.size(), max)
        }
        _ => {
            let pool = state.db.get_sqlite_connection_pool();
            let max = pool.options().get_max_connections();
            (pool.num_idle(), pool.size(), max)
        }
    };
    let size = size as usize;
    state
        .metrics
        .pool("main", idle, size.saturating_sub(idle), max as usize, 0);
    if let Some(reads) = state.reads.status() {
        state
            .metrics
            .pool("reads", reads.idle, reads.busy, reads.max, reads.waiting);
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
