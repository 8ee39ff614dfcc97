//! Whole responses to anonymous queries, kept for a short time and dropped by every write.
//!
//! A response is kept only when it answered an anonymous request (staff may see drafts)
//! without errors, and only when no mutation ran on this instance while it was computed.
//! Entries are keyed by the write generation of the GraphQL executor: a mutation moves the
//! generation on, so every older entry stops being found at once. What this instance cannot
//! see (a write by another instance or by the command line, a scheduled article reaching its
//! publish time) shows within the time to live.
//!
//! The key is everything a response depends on: the query text or persisted-query hash, the
//! operation name, the variables and `Accept-Language`; and the reader, when the query asks
//! for `viewerHasLiked` (or names its text by hash only, which could).

use std::{
    collections::BTreeMap,
    sync::{Arc, OnceLock},
    time::Duration,
};

use async_graphql::Request;
use axum::body::Bytes;

use super::gzip;

/// Everything a cached response depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    generation: u64,
    query: String,
    operation_name: Option<String>,
    variables: String,
    extensions: String,
    accept_language: String,
    viewer: Option<String>,
}

impl Key {
    /// The key of `request` from `viewer` with this `Accept-Language`, at write generation
    /// `generation`; `None` for a request whose key could not be written down.
    pub fn new(
        generation: u64,
        request: &Request,
        accept_language: &str,
        viewer: &str,
    ) -> Option<Key> {
        let depends_on_viewer =
            request.query.is_empty() || request.query.contains("viewerHasLiked");
        Some(Key {
            generation,
            query: request.query.clone(),
            operation_name: request.operation_name.clone(),
            variables: serde_json::to_string(&request.variables).ok()?,
            extensions: serde_json::to_string(
                &request.extensions.0.iter().collect::<BTreeMap<_, _>>(),
            )
            .ok()?,
            accept_language: accept_language.to_owned(),
            viewer: depends_on_viewer.then(|| viewer.to_owned()),
        })
    }

    fn weight(&self) -> usize {
        self.query.len()
            + self.variables.len()
            + self.extensions.len()
            + self.accept_language.len()
            + self.operation_name.as_ref().map_or(0, String::len)
            + self.viewer.as_ref().map_or(0, String::len)
    }
}

/// A kept response: its body, and the `Cache-Control` value a GET of it is answered with.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The serialized GraphQL response.
    pub body: Bytes,
    /// `Cache-Control` for the response when it was asked for over GET.
    pub cache_control: Option<String>,
    /// The body gzipped, made by the first reader that accepts gzip and shared by the rest.
    gzip: Arc<OnceLock<Option<Bytes>>>,
}

impl Entry {
    /// An entry for `body`.
    pub fn new(body: Bytes, cache_control: Option<String>) -> Entry {
        Entry {
            body,
            cache_control,
            gzip: Arc::default(),
        }
    }

    /// The body in gzip, compressed once per entry; `None` for a body too short to be worth
    /// it (see [`gzip::compress`]) or if compression failed.
    pub fn gzipped(&self) -> Option<Bytes> {
        self.gzip
            .get_or_init(|| gzip::compress(&self.body, flate2::Compression::default()))
            .clone()
    }
}

/// The cache; clones share the entries.
#[derive(Clone)]
pub struct ResponseCache {
    entries: moka::sync::Cache<Key, Entry>,
}

impl ResponseCache {
    /// A cache keeping entries for `ttl` within about `bytes` of keys and bodies; `None`
    /// when `ttl` is zero (the cache is off).
    pub fn new(ttl: Duration, bytes: u64) -> Option<ResponseCache> {
        if ttl.is_zero() {
            return None;
        }
        let entries = moka::sync::Cache::builder()
            .time_to_live(ttl)
            .max_capacity(bytes)
            .weigher(|key: &Key, entry: &Entry| {
                u32::try_from(key.weight() + entry.body.len()).unwrap_or(u32::MAX)
            })
            .build();
        Some(ResponseCache { entries })
    }

    /// The response kept under `key`.
    pub fn get(&self, key: &Key) -> Option<Entry> {
        self.entries.get(key)
    }

    /// Keeps `entry` under `key`, unless a write has happened since the key was made
    /// (`generation` is the executor's write generation now).
    pub fn insert(&self, key: Key, entry: Entry, generation: u64) {
        if key.generation == generation {
            self.entries.insert(key, entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Entry {
        Entry::new(Bytes::from(text.to_owned()), None)
    }

    #[test]
    fn the_gzipped_body_inflates_to_the_body() {
        use std::io::Read;
        let kept = entry(&"{\"data\":{\"title\":\"news\"}}".repeat(50));
        let gzip = kept.gzipped().expect("compressed");
        assert!(gzip.len() < kept.body.len() / 4);
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_end(&mut inflated)
            .expect("valid gzip");
        assert_eq!(inflated, kept.body);
        assert_eq!(
            kept.clone().gzipped(),
            Some(gzip),
            "made once, shared by clones"
        );
    }

    #[test]
    fn an_answer_computed_across_a_write_is_not_kept() {
        let cache = ResponseCache::new(Duration::from_secs(60), 1 << 20).expect("cache is on");
        let request = Request::new("{ locales { code } }");
        let key = Key::new(3, &request, "", "client:a").expect("a key");
        cache.insert(key.clone(), entry("old"), 4);
        assert!(cache.get(&key).is_none());
        cache.insert(key.clone(), entry("fresh"), 3);
        assert_eq!(cache.get(&key).map(|e| e.body), Some(Bytes::from("fresh")));
        let next = Key::new(4, &request, "", "client:a").expect("a key");
        assert!(cache.get(&next).is_none(), "a write moves every key on");
    }

    #[test]
    fn only_answers_about_the_viewer_are_keyed_by_the_viewer() {
        let shared = Request::new("{ articles { nodes { slug } } }");
        let personal = Request::new("{ articles { nodes { viewerHasLiked } } }");
        assert_eq!(
            Key::new(0, &shared, "", "client:a"),
            Key::new(0, &shared, "", "client:b")
        );
        assert_ne!(
            Key::new(0, &personal, "", "client:a"),
            Key::new(0, &personal, "", "client:b")
        );
        assert!(ResponseCache::new(Duration::ZERO, 1 << 20).is_none());
    }
}
