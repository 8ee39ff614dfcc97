//! What HTTP caches (browsers, a CDN) are told: `Cache-Control`, strong `ETag`s, and `304 Not
//! Modified` for a client that already holds the current answer.

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::Response,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sha2::{Digest, Sha256};

use crate::config::Config;

/// The `Cache-Control` of a public answer that may be kept `max_age` seconds at most (the
/// schema's hint, or the feed's), capped by the configured ceiling, with the configured
/// `stale-while-revalidate`.
pub fn public(config: &Config, max_age: u32) -> String {
    let max_age = max_age.min(config.http_max_age_secs);
    match config.http_stale_while_revalidate_secs {
        0 => format!("public, max-age={max_age}"),
        stale => format!("public, max-age={max_age}, stale-while-revalidate={stale}"),
    }
}

/// `Surrogate-Key`: the keys a CDN such as Fastly purges by, separated by spaces.
const SURROGATE_KEY: HeaderName = HeaderName::from_static("surrogate-key");
/// `Cache-Tag`: the same keys for CDNs that read this header, separated by commas.
const CACHE_TAG: HeaderName = HeaderName::from_static("cache-tag");

/// The headers that name an answer's surrogate keys (none when it has none).
pub fn surrogate_keys(keys: &[String]) -> Vec<(HeaderName, HeaderValue)> {
    if keys.is_empty() {
        return Vec::new();
    }
    [(SURROGATE_KEY, " "), (CACHE_TAG, ",")]
        .into_iter()
        .filter_map(|(name, separator)| {
            HeaderValue::from_str(&keys.join(separator))
                .ok()
                .map(|value| (name, value))
        })
        .collect()
}

/// The strong entity tag of a representation: a digest of its bytes as they are before any
/// content coding, marked when the representation is the gzipped one (RFC 9110 gives each
/// content coding its own tag).
pub fn etag(body: &[u8], gzipped: bool) -> HeaderValue {
    let digest = Sha256::digest(body);
    let tag = URL_SAFE_NO_PAD.encode(&digest[..18]);
    let value = if gzipped {
        format!("\"{tag}-gz\"")
    } else {
        format!("\"{tag}\"")
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("\"\""))
}

/// Whether the client's `If-None-Match` names `etag` (or is `*`): it holds the current
/// answer. The comparison is the weak one that RFC 9110 prescribes for `If-None-Match`.
pub fn matches(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(ours) = etag.to_str() else {
        return false;
    };
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

/// `304 Not Modified`: no body, and the headers a cache refreshes its copy with.
pub fn not_modified(
    etag: HeaderValue,
    headers: impl IntoIterator<Item = (header::HeaderName, HeaderValue)>,
) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    let out = response.headers_mut();
    out.insert(header::ETAG, etag);
    for (name, value) in headers {
        out.insert(name, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_coding_has_its_own_strong_tag() {
        let plain = etag(b"{}", false);
        let gzipped = etag(b"{}", true);
        assert_ne!(plain, gzipped);
        assert!(plain.to_str().unwrap().starts_with('"'));
        assert!(!plain.to_str().unwrap().starts_with("W/"));
        assert_ne!(etag(b"{}", false), etag(b"{ }", false));
    }

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_any() {
        let tag = etag(b"body", false);
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
            matches(&headers, &tag)
        };
        let ours = tag.to_str().unwrap().to_owned();
        assert!(with(&ours));
        assert!(with(&format!("\"other\", {ours}")));
        assert!(with(&format!("W/{ours}")));
        assert!(with("*"));
        assert!(!with("\"other\""));
        assert!(!matches(&HeaderMap::new(), &tag));
    }

    #[test]
    fn the_ceiling_caps_a_hint_and_stale_while_revalidate_follows_the_config() {
        let mut config = Config::with_database("sqlite::memory:");
        config.http_max_age_secs = 60;
        config.http_stale_while_revalidate_secs = 300;
        assert_eq!(
            public(&config, 3600),
            "public, max-age=60, stale-while-revalidate=300"
        );
        assert_eq!(
            public(&config, 30),
            "public, max-age=30, stale-while-revalidate=300"
        );
        config.http_stale_while_revalidate_secs = 0;
        assert_eq!(public(&config, 3600), "public, max-age=60");
    }
}
