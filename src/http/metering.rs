//! Who pays for a request, and what the answer tells it about its budget: `RateLimit-*`
//! headers (and `Retry-After` on a refusal) and `extensions.cost`.

use axum::{
    body::Bytes,
    http::{header, HeaderName, HeaderValue},
};
use chrono::Utc;

use super::rate_limit::ClientAddress;
use crate::{budget::Payer, config::Config, domain::access::Principal, graphql::executor::Metered};

const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// The payer of a request: its API key, else its client's address. Anonymous callers on
/// loopback (a test suite, a benchmark, a tool on the server's machine) are not charged
/// unless `NEWSWIRE_RATE_LIMIT_LOOPBACK` says so.
pub fn payer(config: &Config, principal: Option<&Principal>, address: ClientAddress) -> Payer {
    match principal {
        Some(principal) => Payer {
            bucket: format!("key:{}", principal.key_id),
            allowance: config.budgets.of(Some(principal.role)),
            metered: true,
        },
        None => Payer {
            bucket: format!("address:{}", address.0),
            allowance: config.budgets.of(None),
            metered: !address.0.is_loopback() || config.rate_limit_loopback,
        },
    }
}

/// The headers that tell a charged caller its budget: its size, what is left, seconds until
/// it is full (the IETF `RateLimit` fields), and on a refusal when to come back.
pub fn headers(cost: &Metered) -> Vec<(HeaderName, HeaderValue)> {
    if !cost.metered {
        return Vec::new();
    }
    let balance = cost.balance;
    let reset = (balance.reset_at - Utc::now()).num_seconds().max(0);
    let mut headers = vec![
        (LIMIT, HeaderValue::from(balance.limit)),
        (REMAINING, HeaderValue::from(balance.remaining)),
        (RESET, HeaderValue::from(reset)),
    ];
    if cost.refused {
        let wait = balance.seconds_until(cost.requested, cost.allowance);
        headers.push((header::RETRY_AFTER, HeaderValue::from(wait)));
    }
    headers
}

/// `extensions.cost`: what the query costs, computed before it ran, and the objects it
/// answered with; with `charged`, also what its payer has left and when the budget is full
/// again. Without, the report is the same for every reader of the same answer.
pub fn report(cost: &Metered, data: &async_graphql::Value, charged: bool) -> async_graphql::Value {
    let mut report = async_graphql::indexmap::IndexMap::new();
    let name = async_graphql::Name::new;
    report.insert(
        name("requested"),
        async_graphql::Value::from(cost.requested),
    );
    report.insert(name("actual"), async_graphql::Value::from(objects(data)));
    if charged {
        report.insert(
            name("remaining"),
            async_graphql::Value::from(cost.balance.remaining),
        );
        report.insert(
            name("resetAt"),
            async_graphql::Value::String(cost.balance.reset_at.to_rfc3339()),
        );
    }
    async_graphql::Value::Object(report)
}

/// `body` (a serialized answer, a JSON object without `extensions`) with `report` as its
/// `extensions.cost`.
pub fn with_cost(body: &Bytes, report: &async_graphql::Value) -> Bytes {
    let Some(open) = body.strip_suffix(b"}") else {
        return body.clone();
    };
    let mut out = Vec::with_capacity(body.len() + 128);
    out.extend_from_slice(open);
    if open.len() > 1 {
        out.push(b',');
    }
    out.extend_from_slice(br#""extensions":{"cost":"#);
    if serde_json::to_writer(&mut out, report).is_err() {
        return body.clone();
    }
    out.extend_from_slice(b"}}");
    Bytes::from(out)
}

/// The objects in an answer: what it actually cost to build.
fn objects(value: &async_graphql::Value) -> u64 {
    match value {
        async_graphql::Value::Object(fields) => 1 + fields.values().map(objects).sum::<u64>(),
        async_graphql::Value::List(items) => items.iter().map(objects).sum(),
        _ => 0,
    }
}
