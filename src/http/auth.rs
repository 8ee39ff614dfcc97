//! Who a request is from: `Authorization: Bearer <API key>`, or nobody.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};

use super::problem::problem;
use crate::{
    domain::{access::Principal, api_keys, DomainError},
    graphql::error,
    state::AppState,
};

/// The principal of a request, `None` for anonymous readers.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Option<Principal>);

fn unauthenticated(message: &str) -> Response {
    let mut response = problem(StatusCode::UNAUTHORIZED, error::UNAUTHENTICATED, message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"newswire\""),
    );
    response
}

/// Resolves the bearer key. A request without one is anonymous; a malformed, unknown or
/// revoked key is refused with 401, never served as anonymous.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let principal = match request.headers().get(header::AUTHORIZATION) {
        None => None,
        Some(value) => {
            let Some(secret) = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
            else {
                return unauthenticated("send the API key as `Authorization: Bearer <key>`");
            };
            match api_keys::authenticate(&state.db, secret).await {
                Ok(principal) => Some(principal),
                Err(DomainError::Unauthenticated(message)) => return unauthenticated(&message),
                Err(DomainError::Database(e)) if crate::db::is_unavailable(&e) => {
                    if crate::db::is_gone(&e) {
                        state.availability.lost();
                    }
                    return super::graphql::unavailable();
                }
                Err(other) => {
                    tracing::error!(error = %other, "could not check an API key");
                    return problem(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        error::INTERNAL_SERVER_ERROR,
                        "internal server error",
                    );
                }
            }
        }
    };
    request.extensions_mut().insert(Authenticated(principal));
    next.run(request).await
}
