//! newswire: a multilingual GraphQL news backend.
//!
//! Data flows one way: [`http`] (axum) → [`graphql`] (async-graphql, thin resolvers) →
//! [`domain`] (plain functions) → `entity` (SeaORM) → the database. [`app`] builds the same
//! router for the binary and for the tests.

pub mod budget;
pub mod config;
pub mod db;
pub mod domain;
pub mod graphql;
pub mod http;
pub mod live;
pub mod metrics;
pub mod purge;
pub mod seed;
pub mod state;
pub mod telemetry;

use axum::Router;

pub use config::Config;
pub use state::AppState;

/// The HTTP application for `state`.
pub fn app(state: AppState) -> Router {
    http::router(state)
}

/// Serves `config` until SIGINT or SIGTERM; requests in flight then finish, and WebSockets
/// are closed (1001, going away), before it returns.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let db = db::connect(&config).await?;
    db::migrate(&db).await?;
    seed::on_start(&db, config.seed, &config.site_url).await?;
    let replica = db::connect_replica(&config).await?;
    let bind = config.bind;
    let state = AppState::with_replica(db, replica, config);
    let live = state.live.clone();
    if !live.until_listening(WEBSOCKET_PATIENCE).await {
        tracing::warn!("serving before the other instances' changes can be heard");
    }
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tracing::info!("serving GraphQL at http://{bind}/graphql");
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    // Requests in flight have ended; WebSockets are told the server is going away.
    live.stop(WEBSOCKET_PATIENCE).await;
    tracing::info!("stopped");
    Ok(())
}

/// How long WebSockets have to close at shutdown.
const WEBSOCKET_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
