//! Automatic persisted queries (Apollo's `persistedQuery` request extension, version 1): a
//! client sends a query once with its SHA-256, then only the hash, which fits in a GET URL
//! and a CDN's cache key.

use std::sync::Arc;

use async_graphql::{Request, ServerError, Value};
use sha2::{Digest, Sha256};

use super::error;

/// Bytes of hashes and texts kept per instance, whatever the number of queries (a count alone
/// would let a few clients fill memory with texts as large as the body limit); a client
/// whose hash was evicted is told `PERSISTED_QUERY_NOT_FOUND` and sends the full query once
/// more.
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;

/// The query texts this instance has been sent, by their SHA-256 in lowercase hex.
#[derive(Clone)]
pub struct PersistedQueries {
    texts: moka::sync::Cache<String, Arc<str>>,
}

impl Default for PersistedQueries {
    fn default() -> Self {
        PersistedQueries {
            texts: moka::sync::Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|hash: &String, text: &Arc<str>| {
                    u32::try_from(hash.len() + text.len()).unwrap_or(u32::MAX)
                })
                .build(),
        }
    }
}

/// The `sha256Hash` of a version 1 `persistedQuery` extension value.
fn hash_of(value: Value) -> Result<String, ServerError> {
    let invalid = || {
        error::refusal(
            error::GRAPHQL_VALIDATION_FAILED,
            "the persistedQuery extension needs a version and a sha256Hash",
        )
    };
    let Value::Object(mut fields) = value else {
        return Err(invalid());
    };
    match fields.get("version") {
        Some(Value::Number(n)) if n.as_i64() == Some(1) => {}
        Some(Value::Number(n)) => {
            return Err(error::refusal(
                error::GRAPHQL_VALIDATION_FAILED,
                format!("persistedQuery version {n} is not supported; use version 1"),
            ))
        }
        _ => return Err(invalid()),
    }
    match fields.shift_remove("sha256Hash") {
        Some(Value::String(hash)) => Ok(hash.to_ascii_lowercase()),
        _ => Err(invalid()),
    }
}

impl PersistedQueries {
    /// Fills in the query of a request that names one by hash, and remembers the query of a
    /// request that sends both; requests without the extension pass unchanged.
    pub fn resolve(&self, request: &mut Request) -> Result<(), ServerError> {
        let Some(value) = request.extensions.remove("persistedQuery") else {
            return Ok(());
        };
        let hash = hash_of(value)?;
        if request.query.is_empty() {
            let text = self.texts.get(&hash).ok_or_else(|| {
                error::refusal(error::PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")
            })?;
            request.query = text.to_string();
            return Ok(());
        }
        let actual = format!("{:x}", Sha256::digest(request.query.as_bytes()));
        if actual != hash {
            return Err(error::refusal(
                error::GRAPHQL_VALIDATION_FAILED,
                "provided sha does not match query",
            ));
        }
        self.texts.insert(hash, Arc::from(request.query.as_str()));
        Ok(())
    }
}
