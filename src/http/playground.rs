//! The GraphiQL playground, served whole from the binary: its page, its own start-up script
//! and the pinned GraphiQL and React builds (`assets/graphiql`, taken from their npm packages
//! by `assets/graphiql/vendor.sh`, which records their versions and checksums).
//!
//! Nothing is loaded from another origin, so the playground works offline and behind a proxy,
//! and the page carries a Content-Security-Policy that allows only this server's own origin
//! (plus `data:` images and fonts, which GraphiQL's stylesheet embeds and which fetch nothing).

use axum::{
    extract::Path,
    http::{header, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

/// Where the playground's files are served from.
pub const ASSETS_PATH: &str = "/graphiql/assets/{*file}";

/// The policy the page runs under: scripts, styles and requests from this origin only.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// One file the page loads.
struct Asset {
    /// Its path under `/graphiql/assets/`.
    path: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    /// Its path names the version of what it holds, so browsers may keep it for good.
    versioned: bool,
}

const PAGE: &str = include_str!("../../assets/graphiql/index.html");

const ASSETS: &[Asset] = &[
    Asset {
        path: "newswire.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/newswire.js"),
        versioned: false,
    },
    Asset {
        path: "newswire.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/newswire.css"),
        versioned: false,
    },
    Asset {
        path: "graphiql-4.1.2/graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/graphiql.min.js"),
        versioned: true,
    },
    Asset {
        path: "graphiql-4.1.2/graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/graphiql.min.css"),
        versioned: true,
    },
    Asset {
        path: "react-18.3.1/react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/react.production.min.js"),
        versioned: true,
    },
    Asset {
        path: "react-dom-18.3.1/react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
        versioned: true,
    },
    Asset {
        path: "graphql-ws-6.4.2/graphql-ws.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../assets/graphiql/graphql-ws.min.js"),
        versioned: true,
    },
];

/// Headers every playground response carries.
fn hardened(mut response: Response, content_type: &'static str, cache: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The playground page, under its Content-Security-Policy.
pub fn page() -> Response {
    let mut response = hardened(PAGE.into_response(), "text/html; charset=utf-8", "no-cache");
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response.headers_mut().insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// `GET /graphiql/assets/{file}`: one of the page's files, or 404.
pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.path == file) {
        Some(asset) => hardened(
            asset.bytes.into_response(),
            asset.content_type,
            if asset.versioned {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            },
        ),
        None => (StatusCode::NOT_FOUND, "no such playground file").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    /// The embedded builds are byte for byte the ones `vendor.sh` recorded.
    #[test]
    fn embedded_builds_match_the_recorded_checksums() {
        let sums = include_str!("../../assets/graphiql/SHA256SUMS");
        let versioned: Vec<&Asset> = ASSETS.iter().filter(|a| a.versioned).collect();
        for asset in &versioned {
            let name = asset.path.rsplit('/').next().unwrap_or_default();
            let recorded = sums
                .lines()
                .find_map(|line| {
                    let (sum, file) = line.split_once("  ")?;
                    (file == name).then_some(sum)
                })
                .unwrap_or_else(|| panic!("{name} is not in SHA256SUMS"));
            let actual: String = Sha256::digest(asset.bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(
                actual, recorded,
                "{name} differs from its recorded checksum"
            );
        }
        assert_eq!(versioned.len(), 5);
    }

    /// Every file the page names is one this module serves.
    #[test]
    fn the_page_loads_only_files_served_here() {
        let named: Vec<&str> = PAGE
            .split("\"/graphiql/assets/")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(named.len(), ASSETS.len());
        for file in named {
            assert!(
                ASSETS.iter().any(|a| a.path == file),
                "{file} is not served"
            );
        }
    }
}
