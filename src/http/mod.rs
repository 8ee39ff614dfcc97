//! The HTTP layer: routing, limits, CORS, compression, request ids and tracing.

mod auth;
mod caching;
mod client_id;
mod feeds;
mod graphql;
mod gzip;
mod health;
mod metering;
mod playground;
mod problem;
pub mod rate_limit;
pub mod response_cache;
pub mod ws;

use std::time::Duration;

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::DefaultBodyLimit,
    http::{header, HeaderName, HeaderValue, Method, Request, StatusCode},
    middleware,
    response::Response,
    routing::get,
    BoxError, Router,
};
use tower::ServiceBuilder;
use tower_http::{
    compression::{
        predicate::{NotForContentType, Predicate, SizeAbove},
        CompressionLayer, CompressionLevel,
    },
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::state::AppState;

pub use client_id::CLIENT_COOKIE;

/// The header carrying the request id, set here when the client sends none.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole HTTP application.
///
/// Each stack of layers is one `ServiceBuilder`, outermost first: layered one `Router::layer`
/// at a time, every layer would box the routes it wraps, and every request would clone each
/// of those boxes over again at every level it passed.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    // Feeds set no client cookie: they show nothing about their reader, and a CDN keeps
    // only answers that set none. Both are rate limited and authenticated alike.
    let graphql = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/ws", get(ws::upgrade))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_id::identify,
        ));
    let api = Router::new()
        .merge(graphql)
        .route("/feeds/{file}", get(feeds::of_locale))
        .route("/feeds/{code}/{file}", get(feeds::of_category))
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    rate_limit::limit,
                ))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    auth::authenticate,
                )),
        );
    Router::new()
        .merge(api)
        .route(playground::ASSETS_PATH, get(playground::asset))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(health::metrics))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|request: &Request<_>| {
                            let id = request
                                .headers()
                                .get(REQUEST_ID)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-");
                            tracing::info_span!(
                                "request",
                                request_id = %id,
                                method = %request.method(),
                                path = %request.uri().path(),
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(middleware::map_response(coded_timeout))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(config.request_timeout_secs),
                ))
                .layer(cors(&config.cors_origins))
                // GraphQL answers come out of their handler already gzipped (see `gzip`), and
                // this layer leaves them be; it compresses the rest (GraphiQL, metrics,
                // problems) at the fastest level, the server's time being the scarcer, and
                // from the same size on.
                .layer(
                    CompressionLayer::new()
                        .quality(CompressionLevel::Fastest)
                        .compress_when(
                            SizeAbove::new(gzip::MIN_BYTES)
                                .and(NotForContentType::GRPC)
                                .and(NotForContentType::IMAGES)
                                .and(NotForContentType::SSE),
                        ),
                )
                .layer(DefaultBodyLimit::max(config.max_body_bytes)),
        )
}

/// The timeout layer answers 408 with an empty body; it gets the JSON error shape every other
/// refusal has. (The router boxes every body on its way out anyway; this boxes it first.)
async fn coded_timeout<B>(response: Response<B>) -> Response
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    if response.status() == StatusCode::REQUEST_TIMEOUT
        && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        return problem::problem(
            StatusCode::REQUEST_TIMEOUT,
            "REQUEST_TIMEOUT",
            "the request took longer than the server allows (NEWSWIRE_REQUEST_TIMEOUT_SECS)",
        );
    }
    response.map(Body::new)
}

fn cors(origins: &[String]) -> CorsLayer {
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim()).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::AUTHORIZATION,
            client_id::CLIENT_ID_HEADER,
        ])
        .expose_headers([REQUEST_ID])
        .max_age(Duration::from_secs(3600))
}
