//! How one GraphQL request runs: its persisted query is looked up, its document parsed and
//! checked against the limits the schema itself does not know, then executed; every error
//! leaves with its `extensions.code`, and the data with its fields in query order.
//!
//! These steps run around the schema rather than as async-graphql extensions: an installed
//! extension puts every field resolution through its hooks, which costs more than the
//! resolvers of a page themselves.
//!
//! Whether a document is valid depends only on its text, its variables and the operation
//! named, the schema being fixed: a request exactly like one already accepted runs on the copy
//! of the schema that checks only the limits.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use async_graphql::{parser::types::ExecutableDocument, Request, Response, ServerError};

use super::{
    document, enum_literals::InputTypes, error, field_order, persisted::PersistedQueries,
    NewswireSchema, Schemas,
};
use crate::config::Config;

/// Bytes of query text whose parsed documents are kept: clients send the same few queries
/// again and again.
const PARSED_DOCUMENT_BYTES: u64 = 4 * 1024 * 1024;

/// Bytes of requests (text, variables, operation name) remembered as valid.
const VALID_REQUEST_BYTES: u64 = 4 * 1024 * 1024;

/// What a document's validity depends on: its text, its variables and the operation named.
type RequestKey = (String, String, Option<String>);

/// What running a request came to.
pub struct Outcome {
    /// The GraphQL response.
    pub response: Response,
    /// The request was refused before execution began (a request error, in the words of
    /// GraphQL over HTTP): its response has no `data` entry at all.
    pub rejected: bool,
}

impl Outcome {
    fn rejected(errors: Vec<ServerError>) -> Self {
        Outcome {
            response: Response::from_errors(errors),
            rejected: true,
        }
    }

    fn refused(code: &'static str, message: impl Into<String>) -> Self {
        Self::rejected(vec![error::refusal(code, message)])
    }
}

/// The code of an error the schema returned without one. Resolvers code their own errors;
/// what is left are document errors (validation, limits, an unknown operation name), which
/// have no path, and argument values that did not coerce, which have one.
fn fallback_code(error: &ServerError) -> &'static str {
    let limit = ["too complex", "too deep", "recursion depth"];
    if limit.iter().any(|words| error.message.contains(words)) {
        error::QUERY_TOO_COMPLEX
    } else if error.path.is_empty() {
        error::GRAPHQL_VALIDATION_FAILED
    } else {
        error::BAD_USER_INPUT
    }
}

/// Moves the write generation on when dropped: after a mutation, also one cut short.
struct Write<'a>(&'a AtomicU64);

impl Drop for Write<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

/// The schema with the steps around it; clones share both.
#[derive(Clone)]
pub struct Executor {
    schema: NewswireSchema,
    checked: NewswireSchema,
    persisted: PersistedQueries,
    documents: moka::sync::Cache<String, Arc<ExecutableDocument>>,
    valid: moka::sync::Cache<RequestKey, ()>,
    max_aliases: usize,
    input_types: Arc<InputTypes>,
    writes: Arc<AtomicU64>,
}

impl Executor {
    /// Runs requests on `schemas` with the limits of `config`.
    pub fn new(schemas: Schemas, config: &Config) -> Self {
        let weight = |bytes: usize| u32::try_from(bytes).unwrap_or(u32::MAX);
        let input_types = InputTypes::from_sdl(&schemas.strict.sdl()).unwrap_or_default();
        Executor {
            schema: schemas.strict,
            checked: schemas.checked,
            persisted: PersistedQueries::default(),
            documents: moka::sync::Cache::builder()
                .max_capacity(PARSED_DOCUMENT_BYTES)
                .weigher(move |query: &String, _| weight(query.len()))
                .build(),
            valid: moka::sync::Cache::builder()
                .max_capacity(VALID_REQUEST_BYTES)
                .weigher(move |(query, variables, name): &RequestKey, _| {
                    weight(query.len() + variables.len() + name.as_ref().map_or(0, String::len))
                })
                .build(),
            max_aliases: config.max_aliases,
            input_types: Arc::new(input_types),
            writes: Arc::default(),
        }
    }

    /// The write generation: how many mutation operations this instance has run. It moves
    /// on when a mutation has finished, so that what was read before is known to be old.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    /// Runs `request`; `queries_only` refuses mutations (the request came over GET), and
    /// `request_id` is added to internal errors so that they can be found in the log.
    pub async fn execute(&self, request: Request, queries_only: bool, request_id: &str) -> Outcome {
        let mut outcome = self.run(request, queries_only).await;
        for e in &mut outcome.response.errors {
            error::ensure_code(e, fallback_code(e));
            if error::code_of(e) == Some(error::INTERNAL_SERVER_ERROR) {
                e.extensions
                    .get_or_insert_with(Default::default)
                    .set("requestId", request_id);
            }
        }
        outcome
    }

    /// The document of `query`, parsed once and then reused while it is asked for.
    fn parse(&self, query: &str) -> Result<Arc<ExecutableDocument>, ServerError> {
        if let Some(document) = self.documents.get(query) {
            return Ok(document);
        }
        let document = Arc::new(async_graphql::parser::parse_query(query)?);
        self.documents.insert(query.to_owned(), document.clone());
        Ok(document)
    }

    async fn run(&self, mut request: Request, queries_only: bool) -> Outcome {
        if let Err(e) = self.persisted.resolve(&mut request) {
            return Outcome::rejected(vec![e]);
        }
        let operation_name = request.operation_name.clone();
        let document = match self.parse(&request.query) {
            Ok(document) => document,
            Err(mut e) => {
                error::ensure_code(&mut e, error::GRAPHQL_PARSE_FAILED);
                return Outcome::rejected(vec![e]);
            }
        };
        request.set_parsed_query(ExecutableDocument::clone(&document));
        let mutation = document::runs_mutation(&document, operation_name.as_deref());
        if queries_only && mutation {
            return Outcome::refused(
                error::METHOD_NOT_ALLOWED,
                "mutations are only accepted over POST",
            );
        }
        let aliases = document::aliases(&document);
        if aliases > self.max_aliases {
            return Outcome::refused(
                error::QUERY_TOO_COMPLEX,
                format!(
                    "Query has {aliases} aliases; at most {} are allowed.",
                    self.max_aliases
                ),
            );
        }
        let key: RequestKey = (
            request.query.clone(),
            serde_json::to_string(&request.variables).unwrap_or_default(),
            operation_name.clone(),
        );
        let known_valid = self.valid.contains_key(&key);
        if !known_valid {
            if let Err(mut e) = self.input_types.check(&document) {
                error::ensure_code(&mut e, error::GRAPHQL_VALIDATION_FAILED);
                return Outcome::rejected(vec![e]);
            }
        }
        let _write = mutation.then(|| Write(&self.writes));
        let mut response = if known_valid {
            self.checked.execute(request).await
        } else {
            let response = self.schema.execute(request).await;
            if response.errors.is_empty() {
                self.valid.insert(key, ());
            }
            response
        };
        // async-graphql answers a document that fails validation or a limit with null data
        // and errors that have no path; every error raised while executing has one.
        let rejected = matches!(response.data, async_graphql::Value::Null)
            && !response.errors.is_empty()
            && response.errors.iter().all(|e| e.path.is_empty());
        field_order::restore(&mut response.data, &document, operation_name.as_deref());
        Outcome { response, rejected }
    }
}
