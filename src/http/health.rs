//! Liveness and readiness probes, and metrics.

use axum::{extract::State, http::StatusCode};

use crate::state::AppState;

/// Liveness: the process answers.
pub async fn live() -> &'static str {
    "ok"
}

/// Readiness: the database answers too.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "database is not answering");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Prometheus metrics in text format.
pub async fn metrics(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
