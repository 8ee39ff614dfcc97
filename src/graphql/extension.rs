//! Document-level checks and error codes: parse and validation errors get their
//! `extensions.code`, the alias limit is enforced, and internal errors carry the request id.

use std::sync::Arc;

use async_graphql::{
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
        NextValidation,
    },
    parser::types::{
        DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
    },
    Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};

use super::{
    context::{QueriesOnly, RequestId},
    error,
};

/// Installs [`ErrorCodesExtension`] on a schema.
pub struct ErrorCodes {
    /// Most aliased fields one document may have.
    pub max_aliases: usize,
}

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension {
            max_aliases: self.max_aliases,
        })
    }
}

/// Gives every error of a request its code; see the module documentation.
struct ErrorCodesExtension {
    max_aliases: usize,
}

fn code_of(error: &ServerError) -> Option<&Value> {
    error.extensions.as_ref().and_then(|ext| ext.get("code"))
}

fn with_code(mut error: ServerError, code: &'static str) -> ServerError {
    if code_of(&error).is_none() {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
    error
}

fn aliases_in(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + aliases_in(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => aliases_in(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Whether the operation `name` picks (or the only one) is a mutation.
fn runs_mutation(doc: &ExecutableDocument, name: Option<&str>) -> bool {
    let ty = match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| op.node.ty)
        }
        _ => None,
    };
    ty == Some(OperationType::Mutation)
}

fn aliases_in_document(doc: &ExecutableDocument) -> usize {
    let in_operations: usize = doc
        .operations
        .iter()
        .map(|(_, op)| aliases_in(&op.node.selection_set.node))
        .sum();
    let in_fragments: usize = doc
        .fragments
        .values()
        .map(|f| aliases_in(&f.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next
            .run(ctx, query, variables)
            .await
            .map_err(|e| with_code(e, error::GRAPHQL_PARSE_FAILED))?;
        if let Some(only) = ctx.data_opt::<QueriesOnly>() {
            if runs_mutation(&doc, only.operation_name.as_deref()) {
                return Err(with_code(
                    ServerError::new("mutations are only accepted over POST", None),
                    error::METHOD_NOT_ALLOWED,
                ));
            }
        }
        let aliases = aliases_in_document(&doc);
        if aliases > self.max_aliases {
            return Err(with_code(
                ServerError::new(
                    format!(
                        "Query has {aliases} aliases; at most {} are allowed.",
                        self.max_aliases
                    ),
                    None,
                ),
                error::QUERY_TOO_COMPLEX,
            ));
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    let code =
                        if e.message.contains("too complex") || e.message.contains("too deep") {
                            error::QUERY_TOO_COMPLEX
                        } else {
                            error::GRAPHQL_VALIDATION_FAILED
                        };
                    with_code(e, code)
                })
                .collect()
        })
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        if let Some(id) = ctx.data_opt::<RequestId>() {
            for e in &mut response.errors {
                if matches!(code_of(e), Some(Value::String(c)) if c == error::INTERNAL_SERVER_ERROR)
                {
                    e.extensions
                        .get_or_insert_with(Default::default)
                        .set("requestId", id.0.as_str());
                }
            }
        }
        response
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(|e| {
                // What reaches here uncoded is a persisted-query miss, an operation-level
                // refusal (unknown operation name) or an argument value that did not coerce.
                let fallback = if e.message == "PersistedQueryNotFound" {
                    error::PERSISTED_QUERY_NOT_FOUND
                } else if e.path.is_empty() {
                    error::GRAPHQL_VALIDATION_FAILED
                } else {
                    error::BAD_USER_INPUT
                };
                with_code(e, fallback)
            })
            .collect();
        response
    }
}
