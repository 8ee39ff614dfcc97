//! Telling caches outside the process what a write changed: each write's [`Purge`] (the
//! surrogate keys of what it touched, which the answers that showed it carry) is logged and,
//! when `NEWSWIRE_PURGE_URL` names a hook, posted to it as `{"keys": [...]}`: a purge relay
//! next to the server (Varnish, or a service holding the CDN's credentials) purges by them.

use std::time::Duration;

use axum::body::Bytes;
use http_body_util::Full;
use hyper_util::{
    client::legacy::{connect::HttpConnector, Client},
    rt::TokioExecutor,
};
use tokio::sync::broadcast::error::RecvError;

use crate::domain::changes::{Changes, Purge};

/// How long the hook may take to answer one purge.
const HOOK_TIMEOUT: Duration = Duration::from_secs(5);

type HookClient = Client<HttpConnector, Full<Bytes>>;

/// Follows the purges of `changes` until every holder of them is gone, on the current
/// runtime; does nothing outside one.
pub fn spawn(changes: &Changes, hook: Option<String>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let mut purges = changes.purges();
    let hook = hook.map(|url| {
        let client: HookClient = Client::builder(TokioExecutor::new()).build_http();
        (url, client)
    });
    runtime.spawn(async move {
        loop {
            match purges.recv().await {
                Ok(purge) => {
                    tracing::info!(keys = %purge.keys.join(" "), "purge");
                    if let Some((url, client)) = &hook {
                        post(client, url, &purge).await;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(
                        missed,
                        "purges were dropped while the hook was slow: caches outside may hold \
                         those answers until they expire"
                    );
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

async fn post(client: &HookClient, url: &str, purge: &Purge) {
    let body = serde_json::json!({ "keys": purge.keys }).to_string();
    let request = match http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
    {
        Ok(request) => request,
        Err(error) => {
            tracing::warn!(%error, url, "the purge hook URL is not usable");
            return;
        }
    };
    match tokio::time::timeout(HOOK_TIMEOUT, client.request(request)).await {
        Ok(Ok(response)) if response.status().is_success() => {}
        Ok(Ok(response)) => {
            tracing::warn!(status = %response.status(), url, "the purge hook refused a purge");
        }
        Ok(Err(error)) => tracing::warn!(%error, url, "the purge hook is unreachable"),
        Err(_) => tracing::warn!(url, "the purge hook did not answer in time"),
    }
}
