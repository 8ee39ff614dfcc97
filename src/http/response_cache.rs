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
//! operation name, the variables and `Accept-Language`; and the reader, when the answer
//! depends on who reads it. The schema says which answers do: a field marked
//! `cache_control(private)` (`viewerHasLiked`, `viewer`) makes the whole answer private. Such
//! an answer is kept under the reader's key, with a marker under the shared key that sends
//! later lookups of the same request to their reader's own key.

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
    /// The key of `request` with this `Accept-Language`, at write generation `generation`;
    /// `None` for a request whose key could not be written down.
    pub fn new(generation: u64, request: &Request, accept_language: &str) -> Option<Key> {
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
            viewer: None,
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
    /// The answer depends on who reads it.
    pub per_viewer: bool,
    /// The surrogate keys of what it shows.
    pub surrogate_keys: Arc<[String]>,
    /// The name of the operation it answers, for the metrics of the answers it gives.
    pub operation: Option<Arc<str>>,
    /// The body gzipped, made by the first reader that accepts gzip and shared by the rest.
    gzip: Arc<OnceLock<Option<Bytes>>>,
}

impl Entry {
    /// An entry for `body`, which depends on its reader when `per_viewer` and shows what
    /// `surrogate_keys` name.
    pub fn new(
        body: Bytes,
        cache_control: Option<String>,
        per_viewer: bool,
        surrogate_keys: Arc<[String]>,
    ) -> Entry {
        Entry {
            body,
            cache_control,
            per_viewer,
            surrogate_keys,
            operation: None,
            gzip: Arc::default(),
        }
    }

    /// The entry, answering the operation named `operation`.
    pub fn named(mut self, operation: Option<&str>) -> Entry {
        self.operation = operation.map(Arc::from);
        self
    }

    /// The body in gzip, compressed once per entry; `None` for a body too short to be worth
    /// it (see [`gzip::compress`]) or if compression failed.
    pub fn gzipped(&self) -> Option<Bytes> {
        self.gzip
            .get_or_init(|| gzip::compress(&self.body, flate2::Compression::default()))
            .clone()
    }
}

/// What is kept under a key.
#[derive(Debug, Clone)]
enum Kept {
    /// The answer.
    Answer(Entry),
    /// The answer depends on its reader: it is kept under the reader's key.
    PerViewer,
}

impl Kept {
    fn weight(&self) -> usize {
        match self {
            Kept::Answer(entry) => entry.body.len(),
            Kept::PerViewer => 0,
        }
    }
}

/// The cache; clones share the entries.
#[derive(Clone)]
pub struct ResponseCache {
    entries: moka::sync::Cache<Key, Kept>,
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
            .weigher(|key: &Key, kept: &Kept| {
                u32::try_from(key.weight() + kept.weight()).unwrap_or(u32::MAX)
            })
            .build();
        Some(ResponseCache { entries })
    }

    /// The response kept for `key` as `viewer` reads it. `key` is left as the key the
    /// answer is kept under (the reader's own, for an answer that depends on its reader).
    pub fn get(&self, key: &mut Key, viewer: &str) -> Option<Entry> {
        match self.entries.get(key)? {
            Kept::Answer(entry) => Some(entry),
            Kept::PerViewer => {
                key.viewer = Some(viewer.to_owned());
                match self.entries.get(key)? {
                    Kept::Answer(entry) => Some(entry),
                    Kept::PerViewer => None,
                }
            }
        }
    }

    /// Keeps `entry` for `key` as `viewer` read it, unless a write has happened since the
    /// key was made (`generation` is the write generation now).
    pub fn insert(&self, mut key: Key, entry: Entry, viewer: &str, generation: u64) {
        if key.generation != generation {
            return;
        }
        if entry.per_viewer {
            key.viewer = None;
            self.entries.insert(key.clone(), Kept::PerViewer);
            key.viewer = Some(viewer.to_owned());
        }
        self.entries.insert(key, Kept::Answer(entry));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str, per_viewer: bool) -> Entry {
        Entry::new(
            Bytes::from(text.to_owned()),
            None,
            per_viewer,
            Arc::from([]),
        )
    }

    #[test]
    fn the_gzipped_body_inflates_to_the_body() {
        use std::io::Read;
        let kept = entry(&"{\"data\":{\"title\":\"news\"}}".repeat(50), false);
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
        let key = Key::new(3, &request, "").expect("a key");
        cache.insert(key.clone(), entry("old", false), "client:a", 4);
        assert!(cache.get(&mut key.clone(), "client:a").is_none());
        cache.insert(key.clone(), entry("fresh", false), "client:a", 3);
        assert_eq!(
            cache.get(&mut key.clone(), "client:a").map(|e| e.body),
            Some(Bytes::from("fresh"))
        );
        let mut next = Key::new(4, &request, "").expect("a key");
        assert!(
            cache.get(&mut next, "client:a").is_none(),
            "a write moves every key on"
        );
    }

    #[test]
    fn answers_about_their_reader_are_kept_per_reader_and_others_are_shared() {
        let cache = ResponseCache::new(Duration::from_secs(60), 1 << 20).expect("cache is on");
        let shared = Key::new(0, &Request::new("{ articles { nodes { slug } } }"), "").unwrap();
        cache.insert(shared.clone(), entry("everyone", false), "client:a", 0);
        assert_eq!(
            cache.get(&mut shared.clone(), "client:b").map(|e| e.body),
            Some(Bytes::from("everyone"))
        );
        let personal =
            Key::new(0, &Request::new("{ a: articles { nodes { slug } } }"), "").unwrap();
        cache.insert(personal.clone(), entry("a's", true), "client:a", 0);
        assert_eq!(
            cache.get(&mut personal.clone(), "client:a").map(|e| e.body),
            Some(Bytes::from("a's"))
        );
        let mut b = personal.clone();
        assert!(
            cache.get(&mut b, "client:b").is_none(),
            "b never sees a's answer"
        );
        cache.insert(b, entry("b's", true), "client:b", 0);
        assert_eq!(
            cache.get(&mut personal.clone(), "client:b").map(|e| e.body),
            Some(Bytes::from("b's"))
        );
        assert!(ResponseCache::new(Duration::ZERO, 1 << 20).is_none());
    }
}
