//! Atom and RSS feeds: `GET /feeds/{code}.xml` and `GET /feeds/{code}/{category}.xml`, Atom
//! unless `?format=rss`. A feed is the newest articles readable in its language, of one
//! category with its subcategories or of all, as the caller (a reader, or a partner by its
//! key) would see them through the API. Each carries an `ETag` (a client that holds it gets
//! `304`), `Cache-Control`, and the surrogate keys a CDN purges it by.

mod query;
mod render;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use serde::Deserialize;

use super::{
    auth::Authenticated, caching, graphql::accepts_gzip, gzip, metering, problem::problem,
    rate_limit::ClientAddress, REQUEST_ID,
};
use crate::{
    budget::Payer,
    domain::{
        categories,
        locale::{self, Locale},
    },
    graphql::{
        context::{AcceptedLocales, Requester},
        error,
        executor::{Caller, Outcome},
    },
    state::AppState,
};

/// Whom a feed's query reads for: feeds show nothing about their reader (no like state), so
/// every anonymous feed reader is the same one.
const FEED_READER: &str = "feeds";

/// How long a feed may be kept: as long as the articles it lists (their schema hint).
const FEED_MAX_AGE_SECS: u32 = 60;

/// The query string of a feed.
#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    /// `atom` (the default) or `rss`.
    format: Option<String>,
}

/// A feed's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Atom,
    Rss,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Rss => "application/rss+xml; charset=utf-8",
        }
    }
}

/// `GET /feeds/{code}.xml`: every category.
pub async fn of_locale(
    State(state): State<AppState>,
    Extension(Authenticated(principal)): Extension<Authenticated>,
    Extension(address): Extension<ClientAddress>,
    Path(file): Path<String>,
    Query(query): Query<FeedQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(code) = file.strip_suffix(".xml") else {
        return not_found("feeds are named `{locale}.xml`");
    };
    let payer = metering::payer(&state.config, principal.as_ref(), address);
    let requester = Requester::new(principal, FEED_READER);
    serve(&state, (requester, payer), code, None, query, &headers).await
}

/// `GET /feeds/{code}/{category}.xml`: one category, with its subcategories.
pub async fn of_category(
    State(state): State<AppState>,
    Extension(Authenticated(principal)): Extension<Authenticated>,
    Extension(address): Extension<ClientAddress>,
    Path((code, file)): Path<(String, String)>,
    Query(query): Query<FeedQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(slug) = file.strip_suffix(".xml") else {
        return not_found("category feeds are named `{locale}/{category}.xml`");
    };
    let payer = metering::payer(&state.config, principal.as_ref(), address);
    let requester = Requester::new(principal, FEED_READER);
    serve(
        &state,
        (requester, payer),
        &code,
        Some(slug),
        query,
        &headers,
    )
    .await
}

fn not_found(message: impl Into<String>) -> Response {
    problem(StatusCode::NOT_FOUND, "NOT_FOUND", message)
}

async fn serve(
    state: &AppState,
    (requester, payer): (Requester, Payer),
    code: &str,
    category: Option<&str>,
    query: FeedQuery,
    headers: &HeaderMap,
) -> Response {
    let format = match query.format.as_deref() {
        None | Some("atom") => Format::Atom,
        Some("rss") => Format::Rss,
        Some(other) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("`{other}` is not a feed format: ask for `atom` or `rss`"),
            )
        }
    };
    let Some(language) = Locale::from_code(code) else {
        return not_found(format!("`{code}` is not a language of this newsroom"));
    };
    if let Some(licence) = requester
        .principal
        .as_ref()
        .and_then(|p| p.licence.as_deref())
    {
        // What a partner does not license does not exist for it.
        if !licence.has_locale(language) {
            return not_found(format!("`{code}` is not a language of your licence"));
        }
        if let Some(slug) = category {
            match categories::by_slug(&state.db, slug).await {
                Ok(Some(found)) if licence.has_category(found.id) => {}
                Ok(_) => return not_found("no such category"),
                Err(e) => {
                    tracing::error!(error = %e, "could not read a feed's category");
                    return problem(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        error::INTERNAL_SERVER_ERROR,
                        "internal server error",
                    );
                }
            }
        }
    }
    let anonymous = requester.principal.is_none();
    let caller = Caller {
        requester,
        accepted: AcceptedLocales(Vec::new()),
        payer,
        fresh: false,
    };
    let request_id = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let config = &state.config;
    let Outcome {
        response,
        surrogate_keys: surrogate_keys_shown,
        cost,
        ..
    } = state
        .graphql
        .execute(
            query::request(language, category, config.feed_size),
            caller,
            true,
            request_id,
        )
        .await;
    if let Some(e) = response.errors.first() {
        let code = error::code_of(e).unwrap_or(error::INTERNAL_SERVER_ERROR);
        if code == error::BAD_USER_INPUT && category.is_some() {
            return not_found("no such category");
        }
        if code == error::RATE_LIMITED {
            let mut refusal = problem(StatusCode::TOO_MANY_REQUESTS, code, e.message.clone());
            for (name, value) in cost.as_ref().map(metering::headers).unwrap_or_default() {
                refusal.headers_mut().insert(name, value);
            }
            return refusal;
        }
        let status = if code == error::INTERNAL_SERVER_ERROR {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        return problem(status, code, e.message.clone());
    }
    let reply: query::Reply = match response.data.into_json().and_then(serde_json::from_value) {
        Ok(reply) => reply,
        Err(e) => {
            tracing::error!(error = %e, "a feed's query did not answer in its shape");
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                error::INTERNAL_SERVER_ERROR,
                "internal server error",
            );
        }
    };
    let site = config.site_url.trim_end_matches('/');
    let (title, page_url) = match (category, &reply.category) {
        (None, _) => (
            format!("{} · {}", config.publisher, locale::names(language).0),
            format!("{site}/{code}"),
        ),
        (Some(slug), Some(named)) => (
            format!("{} · {}", config.publisher, named.name),
            format!("{site}/{code}/categories/{slug}"),
        ),
        (Some(_), None) => return not_found("no such category"),
    };
    let language_code = language.code();
    let feed = render::Feed {
        title,
        self_url: feed_url(site, language_code, category),
        page_url,
        language: language_code,
        translations: Locale::ALL
            .into_iter()
            .filter(|l| *l != language)
            .map(|l| (l.code(), feed_url(site, l.code(), category)))
            .collect(),
        site_url: site,
        publisher: &config.publisher,
        entries: &reply.articles.nodes,
    };
    let body = Bytes::from(match format {
        Format::Atom => render::atom(&feed),
        Format::Rss => render::rss(&feed),
    });
    let keys = surrogate_keys(language_code, category, surrogate_keys_shown);
    let max_age = FEED_MAX_AGE_SECS.min(config.http_max_age_secs);
    let cache_control = if anonymous {
        caching::public(config, max_age)
    } else {
        format!("private, max-age={max_age}")
    };
    respond(body, format, headers, &cache_control, &keys)
}

/// The address of the feed of language `code`, of `category` if given.
fn feed_url(site: &str, code: &str, category: Option<&str>) -> String {
    match category {
        Some(slug) => format!("{site}/feeds/{code}/{slug}.xml"),
        None => format!("{site}/feeds/{code}.xml"),
    }
}

/// The keys a CDN can purge this feed by: every feed, this language's feeds, this feed, and
/// the keys of what it shows (its articles, their categories and tags, and the list of
/// articles itself), as the feed's query collected them.
fn surrogate_keys(code: &str, category: Option<&str>, shown: Vec<String>) -> Vec<String> {
    let mut keys = vec!["feeds".to_owned(), format!("feeds/{code}")];
    if let Some(slug) = category {
        keys.push(format!("feeds/{code}/{slug}"));
    }
    keys.extend(shown);
    keys
}

fn respond(
    body: Bytes,
    format: Format,
    request: &HeaderMap,
    cache_control: &str,
    keys: &[String],
) -> Response {
    let gzipped = accepts_gzip(request)
        .then(|| gzip::compress(&body, flate2::Compression::fast()))
        .flatten();
    let etag = caching::etag(&body, gzipped.is_some());
    let cache =
        HeaderValue::from_str(cache_control).unwrap_or(HeaderValue::from_static("no-store"));
    let vary = HeaderValue::from_static("Accept-Encoding, Authorization");
    let mut validators = vec![(header::CACHE_CONTROL, cache), (header::VARY, vary)];
    validators.extend(caching::surrogate_keys(keys));
    if caching::matches(request, &etag) {
        return caching::not_modified(etag, validators);
    }
    let mut response = (StatusCode::OK, gzipped.clone().unwrap_or(body)).into_response();
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if gzipped.is_some() {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    out.insert(header::ETAG, etag);
    for (name, value) in validators {
        out.insert(name, value);
    }
    response
}
