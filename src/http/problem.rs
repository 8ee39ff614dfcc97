//! Transport-level refusals (method, media type, body), in the GraphQL response shape so that
//! clients read every failure the same way.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

/// A response with one error, its `extensions.code`, and `status`.
pub fn problem(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = json!({
        "errors": [{ "message": message.into(), "extensions": { "code": code } }]
    });
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}
