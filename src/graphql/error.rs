//! GraphQL errors: the `extensions.code` values clients branch on, and the mapping from
//! domain errors to them.
//!
//! Layers and their error types: the domain returns [`DomainError`]; resolvers turn it into an
//! `async_graphql::Error` with a code here; document-level errors (parse, validation, limits)
//! get their codes in [`super::executor`]; transport errors (body, content type, method) are
//! answered by the HTTP layer in the same JSON shape. Internal errors are logged inside the
//! request's span (which carries the request id) and reach the client only as
//! `INTERNAL_SERVER_ERROR` with that id.

use async_graphql::{Error, ErrorExtensions, ServerError, Value};

use crate::domain::DomainError;

/// The document could not be parsed.
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// The document is not valid against the schema.
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
/// An argument or input value was refused.
pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
/// The object does not exist or is not visible to the caller.
pub const NOT_FOUND: &str = "NOT_FOUND";
/// The request carries credentials that are not valid.
pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
/// The caller may not do this.
pub const FORBIDDEN: &str = "FORBIDDEN";
/// The caller sent too many requests.
pub const RATE_LIMITED: &str = "RATE_LIMITED";
/// The document exceeds the depth, complexity or alias limits.
pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
/// A persisted query hash is not known.
pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
/// A mutation was sent over GET, which only runs queries.
pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
/// A change feed checkpoint is older than the feed keeps: resync from the start.
pub const CHECKPOINT_EXPIRED: &str = "CHECKPOINT_EXPIRED";
/// The database is not answering; the request may be sent again in a moment.
pub const SERVICE_UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";
/// Something failed on the server; details are in its log under the request id.
pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";

/// An error with `extensions.code` set.
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, ext| ext.set("code", code))
}

/// A `BAD_USER_INPUT` error naming the argument at fault in `extensions.field`.
pub fn bad_input(field: &str, message: impl Into<String>) -> Error {
    let field = field.to_owned();
    coded(BAD_USER_INPUT, message).extend_with(move |_, ext| ext.set("field", field.as_str()))
}

/// The `extensions.code` of a document-level error, if it has one.
pub fn code_of(error: &ServerError) -> Option<&str> {
    match error.extensions.as_ref().and_then(|ext| ext.get("code")) {
        Some(Value::String(code)) => Some(code),
        _ => None,
    }
}

/// Gives a document-level error `code`, unless it already has a code.
pub fn ensure_code(error: &mut ServerError, code: &'static str) {
    if code_of(error).is_none() {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

/// A document-level error (one refused before any resolver ran) with `code`.
pub fn refusal(code: &'static str, message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    ensure_code(&mut error, code);
    error
}

/// The GraphQL error for a domain error; database failures are logged and masked.
pub fn from_domain(error: &DomainError) -> Error {
    match error {
        DomainError::NotFound { .. } => coded(NOT_FOUND, error.to_string()),
        DomainError::InvalidInput { field, message } => bad_input(field, message.clone()),
        DomainError::Unauthenticated(message) => coded(UNAUTHENTICATED, message.clone()),
        DomainError::Forbidden(message) => coded(FORBIDDEN, message.clone()),
        DomainError::Expired(message) => coded(CHECKPOINT_EXPIRED, message.clone()),
        DomainError::Database(db) if crate::db::is_unavailable(db) => {
            tracing::warn!(error = %db, "the database could not serve a request");
            unavailable()
        }
        DomainError::Database(db) => {
            tracing::error!(error = %db, "database error while resolving a request");
            internal()
        }
    }
}

/// The error for a request the database could not answer.
pub fn unavailable() -> Error {
    coded(
        SERVICE_UNAVAILABLE,
        "the database is not answering; try again in a moment",
    )
}

/// The masked error for a failure on the server's side.
pub fn internal() -> Error {
    coded(INTERNAL_SERVER_ERROR, "internal server error")
}

/// Turns domain results into GraphQL results.
pub trait DomainResultExt<T> {
    /// The GraphQL result, with the error coded.
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> DomainResultExt<T> for Result<T, DomainError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| from_domain(&e))
    }
}

impl<T> DomainResultExt<T> for Result<T, std::sync::Arc<DomainError>> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| from_domain(&e))
    }
}
