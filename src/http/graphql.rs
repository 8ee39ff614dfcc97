//! GraphQL over HTTP (https://graphql.github.io/graphql-over-http/): POST and GET, the two
//! response media types, and their status codes; GraphiQL for browsers.

use std::sync::Arc;

use async_graphql::Response as GqlResponse;
use axum::{
    body::{to_bytes, Body, Bytes},
    extract::{RawQuery, State},
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};

use super::{
    auth::Authenticated,
    caching,
    client_id::ClientId,
    gzip, metering, playground,
    problem::problem,
    rate_limit::ClientAddress,
    response_cache::{Entry, Key},
    REQUEST_ID,
};
use crate::{
    budget::Payer,
    domain::locale,
    graphql::{
        context::{AcceptedLocales, Requester},
        error,
        executor::{Caller, Outcome as Executed},
    },
    metrics::Outcome,
    state::AppState,
};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const APPLICATION_JSON: &str = "application/json";

/// The response media type a client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    /// `application/graphql-response+json`: status codes follow the outcome.
    GraphqlResponse,
    /// `application/json`: every well-formed request gets 200.
    Json,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the response type from `Accept`, by the client's quality values (a tie goes to
/// `application/graphql-response+json`, as the specification recommends); no header means
/// `application/json`, as the spec says for legacy clients.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    if !headers.contains_key(header::ACCEPT) {
        return Some(MediaType::Json);
    }
    let mut best: Option<(f32, MediaType)> = None;
    for (media, quality) in preferences(headers, header::ACCEPT) {
        let offered = match media.as_str() {
            GRAPHQL_RESPONSE_JSON => MediaType::GraphqlResponse,
            APPLICATION_JSON | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        let better = best.is_none_or(|(q, chosen)| {
            quality > q
                || (quality == q && offered == MediaType::GraphqlResponse && chosen != offered)
        });
        if quality > 0.0 && better {
            best = Some((quality, offered));
        }
    }
    best.map(|(_, media)| media)
}

/// The items of an `Accept`-style header (`name`), lowercased, each with its quality (1 when
/// none is given).
fn preferences(headers: &HeaderMap, name: header::HeaderName) -> Vec<(String, f32)> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|item| {
            let mut parts = item.split(';');
            let token = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| {
                    p.replace(' ', "")
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            (token, quality)
        })
        .collect()
}

fn not_acceptable() -> Response {
    problem(
        StatusCode::NOT_ACCEPTABLE,
        "NOT_ACCEPTABLE",
        "accept application/graphql-response+json or application/json",
    )
}

/// `POST /graphql` with a JSON body.
pub async fn post(
    State(state): State<AppState>,
    Extension(client): Extension<ClientId>,
    Extension(Authenticated(principal)): Extension<Authenticated>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case(APPLICATION_JSON) {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request as Content-Type: application/json",
        );
    }
    let bytes = match to_bytes(body, state.config.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!(
                    "the request body is larger than {} bytes",
                    state.config.max_body_bytes
                ),
            )
        }
    };
    let request: async_graphql::Request = match serde_json::from_slice(&bytes) {
        Ok(request) => request,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("the body is not a GraphQL request: {e}"),
            )
        }
    };
    if let Some(refusal) = without_query(&request) {
        return refusal;
    }
    let payer = metering::payer(&state.config, principal.as_ref(), address);
    let requester = Requester::new(principal, &client.0);
    execute(&state, request, &headers, (requester, payer), media, false).await
}

/// `GET /graphql`: queries from the URL, or GraphiQL for a browser.
pub async fn get(
    State(state): State<AppState>,
    Extension(client): Extension<ClientId>,
    Extension(Authenticated(principal)): Extension<Authenticated>,
    Extension(address): Extension<ClientAddress>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let has_query = query.as_deref().is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.starts_with("query=") || pair.starts_with("extensions="))
    });
    if wants_html && !has_query {
        return playground::page();
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let request = match async_graphql::http::parse_query_string(query.as_deref().unwrap_or("")) {
        Ok(request) => request,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("the query string is not a GraphQL request: {e}"),
            )
        }
    };
    if let Some(refusal) = without_query(&request) {
        return refusal;
    }
    let payer = metering::payer(&state.config, principal.as_ref(), address);
    let requester = Requester::new(principal, &client.0);
    execute(&state, request, &headers, (requester, payer), media, true).await
}

/// The refusal of a request that names no document: neither a `query` nor a persisted
/// query's hash (a misspelt parameter, say). It is not a well-formed GraphQL-over-HTTP
/// request, so it is answered 400 whatever the media type.
fn without_query(request: &async_graphql::Request) -> Option<Response> {
    (request.query.is_empty() && !request.extensions.contains_key("persistedQuery")).then(|| {
        problem(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the request has no `query` parameter (nor a persisted query's hash)",
        )
    })
}

/// Whether `Accept-Encoding` takes gzip (named, or as `*`, with a quality above zero).
pub(super) fn accepts_gzip(headers: &HeaderMap) -> bool {
    let codings = preferences(headers, header::ACCEPT_ENCODING);
    let named = codings
        .iter()
        .find(|(coding, _)| coding == "gzip" || coding == "x-gzip");
    match named {
        Some((_, quality)) => *quality > 0.0,
        None => codings
            .iter()
            .any(|(coding, quality)| coding == "*" && *quality > 0.0),
    }
}

/// Whether any error of `response` has one of `codes`.
fn has_code(response: &GqlResponse, codes: &[&str]) -> bool {
    response
        .errors
        .iter()
        .any(|e| error::code_of(e).is_some_and(|c| codes.contains(&c)))
}

/// The body of a request error: its errors alone.
#[derive(serde::Serialize)]
struct Rejection<'a> {
    errors: &'a [async_graphql::ServerError],
}

/// A response ready to be sent, before its headers.
struct Answer {
    status: StatusCode,
    body: Bytes,
    /// The body is gzipped.
    gzip: bool,
    /// `Cache-Control` when the request came over GET; `None` means `no-store`.
    cache_control: Option<String>,
    /// The answer depends on its reader, whom `Cookie` or `X-Client-Id` names.
    per_viewer: bool,
    /// The strong entity tag of a successful answer over GET.
    etag: Option<HeaderValue>,
    /// The surrogate keys of a public answer over GET.
    surrogate_keys: Arc<[String]>,
    /// The caller's budget, for a charged caller.
    budget: Vec<(HeaderName, HeaderValue)>,
}

async fn execute(
    state: &AppState,
    request: async_graphql::Request,
    headers: &HeaderMap,
    (requester, payer): (Requester, Payer),
    media: MediaType,
    over_get: bool,
) -> Response {
    let accept_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let started = std::time::Instant::now();
    let operation = request.operation_name.clone();
    // What staff see (drafts, scheduled articles) must never be shared.
    let anonymous = requester.principal.is_none();
    let mut cached = state
        .responses
        .as_ref()
        .filter(|_| anonymous)
        .and_then(|cache| {
            Some((
                cache,
                Key::new(state.changes.all(), &request, accept_language)?,
            ))
        });
    state.metrics.graphql_requests.inc();
    if let Some(entry) = cached
        .as_mut()
        .and_then(|(cache, key)| cache.get(key, &requester.liker))
    {
        state.metrics.response_cache_hits.inc();
        state.metrics.answered(
            entry.operation.as_deref().or(operation.as_deref()),
            Outcome::Cached,
            started.elapsed(),
        );
        let gzip = accepts_gzip(headers).then(|| entry.gzipped()).flatten();
        let etag = over_get.then(|| caching::etag(&entry.body, gzip.is_some()));
        let answer = Answer {
            status: StatusCode::OK,
            gzip: gzip.is_some(),
            body: gzip.unwrap_or(entry.body),
            cache_control: entry.cache_control.filter(|_| over_get),
            per_viewer: entry.per_viewer,
            etag,
            surrogate_keys: entry.surrogate_keys,
            // A kept answer runs nothing and is not charged.
            budget: Vec::new(),
        };
        return respond(answer, media, headers);
    }
    if cached.is_some() {
        state.metrics.response_cache_misses.inc();
    }
    if state.availability.is_lost() {
        state
            .metrics
            .answered(operation.as_deref(), Outcome::Rejected, started.elapsed());
        return unavailable();
    }
    let liker = requester.liker.clone();

    let caller = Caller {
        requester,
        accepted: AcceptedLocales(locale::from_accept_language(accept_language)),
        payer,
        fresh: has_cookie(headers, PRIMARY_COOKIE),
    };
    let request_id = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let executed = state
        .graphql
        .execute(request, caller, over_get, &request_id)
        .await;
    let ended = if executed.rejected {
        Outcome::Rejected
    } else if executed.response.errors.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Errors
    };
    state.metrics.answered(
        executed.operation.as_deref().or(operation.as_deref()),
        ended,
        started.elapsed(),
    );
    let Executed {
        response,
        rejected,
        surrogate_keys,
        cost,
        mutation,
        operation: ran,
    } = executed;
    let surrogate_keys: Arc<[String]> = surrogate_keys.into();

    let status = if has_code(&response, &[error::SERVICE_UNAVAILABLE]) {
        StatusCode::SERVICE_UNAVAILABLE
    } else if has_code(&response, &[error::METHOD_NOT_ALLOWED]) {
        StatusCode::METHOD_NOT_ALLOWED
    } else if has_code(&response, &[error::RATE_LIMITED]) {
        StatusCode::TOO_MANY_REQUESTS
    } else if rejected && media == MediaType::GraphqlResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    // Fields marked `cache_control(private)` make an answer depend on its reader.
    let per_viewer = !response.cache_control.public;
    // A public answer is kept by shared caches for the schema's hint, capped by the
    // configured ceiling, and may be served stale while they ask again.
    let cache_control = if response.errors.is_empty() {
        let mut control = response.cache_control;
        control.public &= anonymous;
        match u32::try_from(control.max_age) {
            Ok(max_age) if max_age > 0 && control.public => {
                Some(caching::public(&state.config, max_age))
            }
            _ => control.value(),
        }
    } else {
        None
    };
    // A public answer over GET is one a shared cache keeps and gives to everyone: it says
    // nothing about its caller's budget. Every other answer to a charged caller tells it
    // its budget, in headers and in `extensions.cost`.
    let public = over_get
        && cache_control
            .as_deref()
            .is_some_and(|control| control.starts_with("public"));
    let charged = cost.as_ref().is_some_and(|c| c.metered) && !public;
    let budget = match &cost {
        Some(cost) if charged => metering::headers(cost),
        _ => Vec::new(),
    };
    let Some(plain) = serialize(&response, rejected) else {
        return problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            error::INTERNAL_SERVER_ERROR,
            "internal server error",
        );
    };
    let with_cost = |charged: bool| match &cost {
        Some(cost) if response.extensions.is_empty() => {
            metering::with_cost(&plain, &metering::report(cost, &response.data, charged))
        }
        _ => plain.clone(),
    };
    let body = with_cost(charged);
    // A kept answer tells what it costs, not what anyone has left: later readers of it run
    // nothing and pay nothing.
    if let Some((cache, key)) = cached.filter(|_| response.errors.is_empty()) {
        let shared = if charged {
            with_cost(false)
        } else {
            body.clone()
        };
        let entry = Entry::new(
            shared,
            cache_control.clone(),
            per_viewer,
            surrogate_keys.clone(),
        )
        .named(ran.as_deref());
        cache.insert(key, entry, &liker, state.changes.all());
    }
    let gzipped = accepts_gzip(headers)
        .then(|| gzip::compress(&body, flate2::Compression::fast()))
        .flatten();
    let etag = (over_get && status == StatusCode::OK && response.errors.is_empty())
        .then(|| caching::etag(&body, gzipped.is_some()));
    let answer = Answer {
        status,
        gzip: gzipped.is_some(),
        body: gzipped.unwrap_or(body),
        cache_control: cache_control.filter(|_| over_get),
        per_viewer,
        etag,
        surrogate_keys,
        budget,
    };
    let mut response = respond(answer, media, headers);
    if mutation && state.config.database_read_url.is_some() {
        // Its next reads, on any instance, go to the primary while the replica may lag.
        let cookie = format!(
            "{PRIMARY_COOKIE}=1; Path=/; Max-Age={}; HttpOnly; SameSite=Lax",
            state.config.read_your_writes_secs
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The refusal of a request while the database is not answering: at once, with when to try
/// again.
pub(super) fn unavailable() -> Response {
    let mut response = problem(
        StatusCode::SERVICE_UNAVAILABLE,
        error::SERVICE_UNAVAILABLE,
        "the database is not answering; try again in a moment",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// The cookie a mutation sets when reads go to a replica: while it lasts, the client's reads
/// go to the primary, whichever instance serves them.
pub const PRIMARY_COOKIE: &str = "newswire_primary";

/// Whether the request carries the cookie `name`.
fn has_cookie(headers: &HeaderMap, name: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(n, _)| n == name)
}

/// The body of `response`; a request refused before execution has no `data` entry at all,
/// not `"data": null`. `None` if it cannot be serialized (logged).
fn serialize(response: &GqlResponse, rejected: bool) -> Option<Bytes> {
    let serialized = if rejected {
        serde_json::to_vec(&Rejection {
            errors: &response.errors,
        })
    } else {
        serde_json::to_vec(response)
    };
    match serialized {
        Ok(body) => Some(Bytes::from(body)),
        Err(e) => {
            tracing::error!(error = %e, "could not serialize a response");
            None
        }
    }
}

/// The answer with its headers; `304 Not Modified` instead when the client holds it already.
fn respond(answer: Answer, media: MediaType, request: &HeaderMap) -> Response {
    // A CDN keeps only public answers: those name what they show.
    let keys = if answer
        .cache_control
        .as_deref()
        .is_some_and(|control| control.starts_with("public"))
    {
        caching::surrogate_keys(&answer.surrogate_keys)
    } else {
        Vec::new()
    };
    let cache = answer
        .cache_control
        .and_then(|value| HeaderValue::from_str(&value).ok())
        .unwrap_or(HeaderValue::from_static("no-store"));
    // Only an answer about its reader varies with who the reader is: a shared cache may
    // serve every other anonymous answer to everyone.
    let vary = HeaderValue::from_static(if answer.per_viewer {
        "Accept, Accept-Encoding, Accept-Language, Authorization, Cookie, X-Client-Id"
    } else {
        "Accept, Accept-Encoding, Accept-Language, Authorization"
    });
    if let Some(etag) = answer
        .etag
        .as_ref()
        .filter(|tag| caching::matches(request, tag))
    {
        let mut headers = vec![(header::CACHE_CONTROL, cache), (header::VARY, vary)];
        headers.extend(keys);
        headers.extend(answer.budget);
        return caching::not_modified(etag.clone(), headers);
    }
    let mut http = (answer.status, answer.body).into_response();
    let out = http.headers_mut();
    if let Some(etag) = answer.etag {
        out.insert(header::ETAG, etag);
    }
    if answer.gzip {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if answer.status == StatusCode::METHOD_NOT_ALLOWED {
        out.insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    out.insert(header::CACHE_CONTROL, cache);
    out.insert(header::VARY, vary);
    for (name, value) in keys.into_iter().chain(answer.budget) {
        out.insert(name, value);
    }
    http
}
