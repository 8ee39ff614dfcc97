//! How one GraphQL request runs, whatever transport brought it: its persisted query is looked
//! up, its document parsed and checked (enum literals, aliases, depth and cost), the
//! per-request data attached (loaders, requester, accepted locales), then executed; every
//! error leaves with its `extensions.code`, and the data with its fields in query order.
//!
//! Errors get their codes where they arise: this module codes the refusals it makes itself,
//! resolvers code theirs, and what async-graphql refuses before execution begins is a
//! validation failure. An error raised during execution without a code is a bug: it is logged
//! and masked as `INTERNAL_SERVER_ERROR` with the request id.
//!
//! These steps run around the schema rather than as async-graphql extensions: an installed
//! extension puts every field resolution through its hooks, which costs more than the
//! resolvers of a page themselves.
//!
//! Whether a document is valid depends only on its text, its variables and the operation
//! named, the schema being fixed: a request exactly like one already accepted runs on the copy
//! of the schema that checks only the limits.

use std::{sync::Arc, time::Duration};

use async_graphql::{parser::types::ExecutableDocument, Request, Response, ServerError};
use futures_util::{
    stream::{self, BoxStream},
    StreamExt,
};
use sea_orm::DatabaseConnection;

use super::{
    context::{AcceptedLocales, Requester},
    document, enum_literals, error, field_order, limits,
    loaders::{Deferred, Loaders},
    persisted::PersistedQueries,
    shape::Shape,
    surrogate::SurrogateKeys,
    NewswireSchema, Schemas,
};
use crate::{
    budget::{Allowance, Balance, Charge, Ledger, Payer},
    config::Config,
    domain::access::Audience,
};

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
    /// The surrogate keys of what the answer shows, for a CDN to purge it by.
    pub surrogate_keys: Vec<String>,
    /// What the request cost and what its payer has left, once its cost was known.
    pub cost: Option<Metered>,
    /// It ran a mutation.
    pub mutation: bool,
    /// The name of the operation that ran, named in the request or the only one of its
    /// document; `None` for an anonymous one, or a request refused before it was parsed.
    pub operation: Option<String>,
}

/// A request's cost and its payer's bucket after paying (or refusing) it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metered {
    /// The cost computed before it ran.
    pub requested: u64,
    /// The payer's bucket afterwards.
    pub balance: Balance,
    /// The payer's allowance.
    pub allowance: Allowance,
    /// Whether the payer is charged at all.
    pub metered: bool,
    /// It was refused: its payer had less than it costs.
    pub refused: bool,
}

impl Outcome {
    fn rejected(errors: Vec<ServerError>) -> Self {
        Outcome {
            response: Response::from_errors(errors),
            rejected: true,
            surrogate_keys: Vec::new(),
            cost: None,
            mutation: false,
            operation: None,
        }
    }

    fn refused(code: &'static str, message: impl Into<String>) -> Self {
        Self::rejected(vec![error::refusal(code, message)])
    }
}

/// Gives `error` its code if it has none: a validation failure when the request was
/// `rejected` before it ran, else a masked internal error (logged with `request_id`), which
/// carries the request id like every internal error.
fn give_code(error: &mut ServerError, rejected: bool, request_id: &str) {
    if error::code_of(error).is_none() {
        if rejected {
            error::ensure_code(error, error::GRAPHQL_VALIDATION_FAILED);
        } else {
            tracing::error!(
                request_id,
                error = %error.message,
                path = ?error.path,
                "an error raised during execution carries no code"
            );
            error.message = "internal server error".into();
            error::ensure_code(error, error::INTERNAL_SERVER_ERROR);
        }
    }
    if error::code_of(error) == Some(error::INTERNAL_SERVER_ERROR) {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("requestId", request_id);
    }
}

/// A request that passed every step before execution.
struct Admitted {
    document: Arc<ExecutableDocument>,
    operation_name: Option<String>,
    key: RequestKey,
    /// It was known valid: it runs on the schema that checks only the limits.
    known: bool,
    requested: u64,
    cost: Metered,
    /// It runs a mutation.
    mutation: bool,
}

/// Who sent a request and what it accepts: what every transport hands the executor.
pub struct Caller {
    /// Who is asking.
    pub requester: Requester,
    /// The languages its `Accept-Language` names, best first.
    pub accepted: AcceptedLocales,
    /// Who pays for what it costs.
    pub payer: Payer,
    /// The caller says it has just written (the `newswire_primary` cookie): its reads go to
    /// the primary.
    pub fresh: bool,
}

/// A streaming replica of the database, and the page reads on it.
#[derive(Clone)]
pub struct Replica {
    /// The replica's pool.
    pub db: DatabaseConnection,
    /// Page reads on it.
    pub reads: crate::db::reads::Reads,
}

/// Who a request's loaders load for, and whether its reads must go to the primary.
struct Seat {
    audience: Audience,
    liker: String,
    fresh: bool,
}

/// The schema with the steps around it; clones share both.
#[derive(Clone)]
pub struct Executor {
    schema: NewswireSchema,
    checked: NewswireSchema,
    persisted: PersistedQueries,
    documents: moka::sync::Cache<String, Arc<ExecutableDocument>>,
    /// Requests known valid, with their cost.
    valid: moka::sync::Cache<RequestKey, u64>,
    ledger: Ledger,
    max_aliases: usize,
    max_depth: usize,
    max_cost: u64,
    shape: Arc<Shape>,
    db: DatabaseConnection,
    replica: Option<Replica>,
    /// Callers who wrote lately, whose reads go to the primary.
    writers: moka::sync::Cache<String, ()>,
    batch_delay: Duration,
}

impl Executor {
    /// Runs requests on `schemas` with the limits of `config`; the loaders of each request
    /// read `db`, or `replica` for a query whose caller has not just written.
    pub fn new(
        schemas: Schemas,
        config: &Config,
        db: DatabaseConnection,
        replica: Option<Replica>,
        ledger: Ledger,
    ) -> Self {
        let weight = |bytes: usize| u32::try_from(bytes).unwrap_or(u32::MAX);
        // The SDL async-graphql prints always parses (a test checks it does); were it not to,
        // the checks that read the shape would pass everything, so say so loudly.
        let shape = Shape::from_sdl(&schemas.strict.sdl()).unwrap_or_else(|| {
            tracing::error!(
                "the schema's SDL does not parse: enum literal and limit checks are off"
            );
            Shape::default()
        });
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
                .weigher(move |(query, variables, name): &RequestKey, _: &u64| {
                    weight(query.len() + variables.len() + name.as_ref().map_or(0, String::len))
                })
                .build(),
            max_aliases: config.max_aliases,
            max_depth: config.max_depth,
            max_cost: u64::try_from(config.max_complexity).unwrap_or(u64::MAX),
            shape: Arc::new(shape),
            db,
            replica,
            writers: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(Duration::from_secs(config.read_your_writes_secs))
                .build(),
            batch_delay: Duration::from_micros(config.batch_delay_micros),
            ledger,
        }
    }

    /// Runs `request` from `caller`; `queries_only` refuses mutations (the request came over
    /// GET), and `request_id` is added to internal errors so that they can be found in the
    /// log.
    pub async fn execute(
        &self,
        mut request: Request,
        caller: Caller,
        queries_only: bool,
        request_id: &str,
    ) -> Outcome {
        // Only answers over GET can be kept by a CDN: only they collect surrogate keys.
        let keys = queries_only.then(|| Arc::new(SurrogateKeys::default()));
        if let Some(keys) = &keys {
            request = request.data(keys.clone());
        }
        let seat = Seat {
            audience: Audience::of(caller.requester.principal.as_ref()),
            fresh: caller.fresh || self.writers.contains_key(&caller.requester.liker),
            liker: caller.requester.liker.clone(),
        };
        request = request.data(caller.accepted).data(caller.requester);
        let mut outcome = self.run(request, queries_only, &caller.payer, seat).await;
        outcome.surrogate_keys = keys.map(|k| k.take()).unwrap_or_default();
        for e in &mut outcome.response.errors {
            give_code(e, outcome.rejected, request_id);
        }
        outcome
    }

    /// The checks a document must pass before async-graphql validates it: enum literals,
    /// then the depth and cost limits (its variables count). Returns its cost.
    fn check(&self, document: &ExecutableDocument, request: &Request) -> Result<u64, ServerError> {
        if let Err(mut e) = enum_literals::check(&self.shape, document) {
            error::ensure_code(&mut e, error::GRAPHQL_VALIDATION_FAILED);
            return Err(e);
        }
        let measured = limits::measure(&self.shape, document, &request.variables);
        if measured.depth > self.max_depth {
            return Err(error::refusal(
                error::QUERY_TOO_COMPLEX,
                format!(
                    "Query is nested {} fields deep; at most {} are allowed.",
                    measured.depth, self.max_depth
                ),
            ));
        }
        if measured.cost > self.max_cost {
            return Err(error::refusal(
                error::QUERY_TOO_COMPLEX,
                format!(
                    "Query costs {} (objects by page size); at most {} is allowed.",
                    measured.cost, self.max_cost
                ),
            ));
        }
        Ok(measured.cost)
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

    /// Runs `request` from `caller` as a stream of responses: the events of a subscription,
    /// or the one answer of a query or mutation. It passes the same checks and pays the same
    /// cost, once, as [`Executor::execute`]; a refusal is the stream's only response. Errors
    /// leave with their codes, as there.
    pub async fn subscribe(
        &self,
        mut request: Request,
        caller: Caller,
        request_id: &str,
    ) -> BoxStream<'static, Response> {
        request = request
            .data(Deferred::new(
                &self.db,
                Audience::of(caller.requester.principal.as_ref()),
                &caller.requester.liker,
                self.batch_delay,
            ))
            .data(caller.accepted)
            .data(caller.requester);
        let admitted = match self.admit(&mut request, false, &caller.payer).await {
            Ok(admitted) => admitted,
            Err(outcome) => {
                let mut response = outcome.response;
                for e in &mut response.errors {
                    error::ensure_code(e, error::GRAPHQL_VALIDATION_FAILED);
                }
                return stream::once(async move { response }).boxed();
            }
        };
        let request = request.data(admitted.cost);
        let request_id = request_id.to_owned();
        let (document, operation_name) = (admitted.document, admitted.operation_name);
        self.schema
            .execute_stream(request)
            .map(move |mut response| {
                for e in &mut response.errors {
                    let rejected = e.path.is_empty();
                    give_code(e, rejected, &request_id);
                }
                field_order::restore(&mut response.data, &document, operation_name.as_deref());
                response
            })
            .boxed()
    }

    /// The steps before execution: the persisted query, parsing, the method, aliases, depth
    /// and cost, and the charge. A refusal is the outcome to answer with.
    async fn admit(
        &self,
        request: &mut Request,
        queries_only: bool,
        payer: &Payer,
    ) -> Result<Admitted, Outcome> {
        if let Err(e) = self.persisted.resolve(request) {
            return Err(Outcome::rejected(vec![e]));
        }
        let operation_name = request.operation_name.clone();
        let document = match self.parse(&request.query) {
            Ok(document) => document,
            Err(mut e) => {
                error::ensure_code(&mut e, error::GRAPHQL_PARSE_FAILED);
                return Err(Outcome::rejected(vec![e]));
            }
        };
        request.set_parsed_query(ExecutableDocument::clone(&document));
        let mutation = document::runs_mutation(&document, operation_name.as_deref());
        if queries_only && mutation {
            return Err(Outcome::refused(
                error::METHOD_NOT_ALLOWED,
                "mutations are only accepted over POST",
            ));
        }
        let aliases = document::aliases(&document);
        if aliases > self.max_aliases {
            return Err(Outcome::refused(
                error::QUERY_TOO_COMPLEX,
                format!(
                    "Query has {aliases} aliases; at most {} are allowed.",
                    self.max_aliases
                ),
            ));
        }
        let key: RequestKey = (
            request.query.clone(),
            serde_json::to_string(&request.variables).unwrap_or_default(),
            operation_name.clone(),
        );
        let known = self.valid.get(&key);
        let requested = match known {
            Some(cost) => cost,
            None => match self.check(&document, request) {
                Ok(cost) => cost,
                Err(refusal) => return Err(Outcome::rejected(vec![refusal])),
            },
        };
        let cost = self.charge(payer, requested).await;
        if cost.refused {
            let mut outcome = Outcome::rejected(vec![over_budget(&cost, payer)]);
            outcome.cost = Some(cost);
            return Err(outcome);
        }
        Ok(Admitted {
            document,
            operation_name,
            key,
            known: known.is_some(),
            requested,
            cost,
            mutation,
        })
    }

    async fn run(
        &self,
        mut request: Request,
        queries_only: bool,
        payer: &Payer,
        seat: Seat,
    ) -> Outcome {
        let Admitted {
            document,
            operation_name,
            key,
            known,
            requested,
            cost,
            mutation,
        } = match self.admit(&mut request, queries_only, payer).await {
            Ok(admitted) => admitted,
            Err(outcome) => return outcome,
        };
        // A query goes to the replica unless its caller has just written; a mutation, and
        // what it reads back, stay on the primary.
        let replica = self.replica.as_ref().filter(|_| !mutation && !seat.fresh);
        let db = replica.map_or(&self.db, |r| &r.db);
        request = request.data(cost).data(Loaders::new(
            db,
            &seat.audience,
            &seat.liker,
            self.batch_delay,
        ));
        if let Some(replica) = replica {
            request = request.data(replica.db.clone()).data(replica.reads.clone());
        }
        if mutation && self.replica.is_some() {
            self.writers.insert(seat.liker, ());
        }
        let mut response = if known {
            self.checked.execute(request).await
        } else {
            let response = self.schema.execute(request).await;
            if response.errors.is_empty() {
                self.valid.insert(key, requested);
            }
            response
        };
        // async-graphql answers a document that fails validation or a limit with null data
        // and errors that have no path; every error raised while executing has one.
        let rejected = matches!(response.data, async_graphql::Value::Null)
            && !response.errors.is_empty()
            && response.errors.iter().all(|e| e.path.is_empty());
        field_order::restore(&mut response.data, &document, operation_name.as_deref());
        Outcome {
            response,
            rejected,
            surrogate_keys: Vec::new(),
            cost: Some(cost),
            mutation,
            operation: document::operation_name(&document, operation_name.as_deref()),
        }
    }

    /// Charges `requested` to `payer`.
    async fn charge(&self, payer: &Payer, requested: u64) -> Metered {
        let (balance, refused) = match self.ledger.charge(payer, requested).await {
            Charge::Paid(balance) => (balance, false),
            Charge::Refused(balance) => (balance, true),
        };
        Metered {
            requested,
            balance,
            allowance: payer.allowance,
            metered: payer.metered,
            refused,
        }
    }
}

/// The refusal of a request that costs more than its payer has left.
fn over_budget(cost: &Metered, payer: &Payer) -> ServerError {
    let wait = cost.balance.seconds_until(cost.requested, payer.allowance);
    let mut refusal = error::refusal(
        error::RATE_LIMITED,
        format!(
            "This query costs {} and {} of {} are left; the budget refills {} a second: retry in {wait} s.",
            cost.requested, cost.balance.remaining, cost.balance.limit, payer.allowance.per_second
        ),
    );
    let extensions = refusal.extensions.get_or_insert_with(Default::default);
    extensions.set("retryAfter", wait);
    refusal
}
