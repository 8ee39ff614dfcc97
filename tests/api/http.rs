//! GraphQL over HTTP: methods, media types, status codes, GraphiQL, probes, ids and cookies.

use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use serde_json::json;

use crate::helpers::{first_code, TestApp};

/// A GET from a returning reader: one that has the client cookie already.
fn get(uri: &str, accept: &str) -> Request<Body> {
    Request::builder()
        .method(Method::GET)
        .uri(uri)
        .header(header::ACCEPT, accept)
        .header(header::COOKIE, "newswire_client=returning-reader")
        .body(Body::empty())
        .expect("a valid request")
}

#[tokio::test]
async fn a_browser_get_serves_graphiql() {
    let app = TestApp::spawn().await;
    let reply = app
        .send(get("/graphql", "text/html,application/xhtml+xml"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .text
            .contains("/graphiql/assets/graphiql-4.1.2/graphiql.min.js"),
        "no GraphiQL page: {}",
        reply.text
    );
    let policy = reply.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.starts_with("default-src 'self';"), "{policy}");
    assert!(
        !policy.contains("http"),
        "the policy names no other origin: {policy}"
    );
    assert!(
        !reply.text.contains("http"),
        "the page loads nothing from elsewhere"
    );
}

#[tokio::test]
async fn graphiqls_files_are_served_from_the_binary() {
    let app = TestApp::spawn().await;
    for (path, kind, cache) in [
        (
            "/graphiql/assets/graphiql-4.1.2/graphiql.min.js",
            "text/javascript; charset=utf-8",
            "immutable",
        ),
        (
            "/graphiql/assets/graphiql-4.1.2/graphiql.min.css",
            "text/css; charset=utf-8",
            "immutable",
        ),
        (
            "/graphiql/assets/react-18.3.1/react.production.min.js",
            "text/javascript; charset=utf-8",
            "immutable",
        ),
        (
            "/graphiql/assets/react-dom-18.3.1/react-dom.production.min.js",
            "text/javascript; charset=utf-8",
            "immutable",
        ),
        (
            "/graphiql/assets/newswire.js",
            "text/javascript; charset=utf-8",
            "no-cache",
        ),
    ] {
        let reply = app.send(get(path, "*/*")).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.headers[header::CONTENT_TYPE], kind, "{path}");
        assert!(
            reply.headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains(cache),
            "{path}"
        );
        assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(reply.raw.len() > 100, "{path}");
    }
    let missing = app.send(get("/graphiql/assets/nope.js", "*/*")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_get_query_is_answered_and_cacheable() {
    let app = TestApp::spawn().await;
    let reply = app
        .send(get(
            "/graphql?query=%7Blocales%7Bcode%7D%7D",
            "application/graphql-response+json",
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["data"]["locales"][3]["code"], "zh-Hans");
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "application/graphql-response+json; charset=utf-8"
    );
    assert_eq!(
        reply.headers[header::CACHE_CONTROL],
        "public, max-age=3600, stale-while-revalidate=300"
    );
    assert_eq!(
        reply.headers[header::VARY],
        "Accept, Accept-Encoding, Accept-Language, Authorization",
        "a shared cache may give this answer to every anonymous reader"
    );
    assert!(reply.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn an_answer_that_sets_the_client_cookie_is_never_publicly_cacheable() {
    let app = TestApp::spawn().await;
    let first_contact = Request::builder()
        .uri("/graphql?query=%7Blocales%7Bcode%7D%7D")
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .unwrap();
    let reply = app.send(first_contact).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers.get(header::SET_COOKIE).is_some());
    assert_eq!(
        reply.headers[header::CACHE_CONTROL],
        "max-age=3600, stale-while-revalidate=300, private"
    );
}

#[tokio::test]
async fn a_get_that_asks_for_the_viewer_is_private() {
    let app = TestApp::spawn().await;
    let reply = app
        .send(get(
            "/graphql?query=%7Barticles%7Bnodes%7BviewerHasLiked%7D%7D%7D",
            "application/json",
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CACHE_CONTROL], "max-age=60, private");
    assert_eq!(
        reply.headers[header::VARY],
        "Accept, Accept-Encoding, Accept-Language, Authorization, Cookie, X-Client-Id"
    );
}

#[tokio::test]
async fn a_get_never_runs_a_mutation() {
    let app = TestApp::spawn().await;
    let query = "mutation%7BlikeArticle(articleId:%22x%22)%7BlikeCount%7D%7D";
    let reply = app
        .send(get(&format!("/graphql?query={query}"), "application/json"))
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.headers[header::ALLOW], "POST");
    assert_eq!(first_code(&reply.body), "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn a_post_must_be_json() {
    let app = TestApp::spawn().await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("{locales{code}}"))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(first_code(&reply.body), "UNSUPPORTED_MEDIA_TYPE");
}

#[tokio::test]
async fn a_body_that_is_not_a_graphql_request_is_400() {
    let app = TestApp::spawn().await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"query\": 12"))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(first_code(&reply.body), "BAD_REQUEST");
}

/// A GraphQL request body of exactly `len` bytes.
fn body_of(len: usize) -> Request<Body> {
    let head = r#"{"query":"{locales{code}}"#;
    let tail = r#""}"#;
    let body = format!("{head}{}{tail}", " ".repeat(len - head.len() - tail.len()));
    assert_eq!(body.len(), len);
    Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 1024).await;
    let at_limit = app.send(body_of(1024)).await;
    assert_eq!(at_limit.status, StatusCode::OK, "{}", at_limit.text);
    let over = app.send(body_of(1025)).await;
    assert_eq!(over.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(first_code(&over.body), "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn the_default_body_limit_is_one_mebibyte() {
    let app = TestApp::spawn().await;
    let at_limit = app.send(body_of(1024 * 1024)).await;
    assert_eq!(at_limit.status, StatusCode::OK);
    let over = app.send(body_of(1024 * 1024 + 1)).await;
    assert_eq!(over.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn document_errors_are_400_for_graphql_response_json_and_200_for_json() {
    let app = TestApp::spawn().await;
    let modern = app
        .post(
            "{ locales { nope } }",
            json!({}),
            &[("accept", "application/graphql-response+json")],
        )
        .await;
    assert_eq!(modern.status, StatusCode::BAD_REQUEST);
    assert_eq!(first_code(&modern.body), "GRAPHQL_VALIDATION_FAILED");
    let legacy = app
        .post(
            "{ locales { nope } }",
            json!({}),
            &[("accept", "application/json")],
        )
        .await;
    assert_eq!(legacy.status, StatusCode::OK);
    assert_eq!(
        legacy.headers[header::CONTENT_TYPE],
        "application/json; charset=utf-8"
    );
    assert_eq!(first_code(&legacy.body), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn request_errors_have_no_data_entry_and_execution_errors_keep_null_data() {
    let app = TestApp::spawn().await;
    for accept in ["application/graphql-response+json", "application/json"] {
        for (query, code) in [
            ("{ locales { code }", "GRAPHQL_PARSE_FAILED"),
            ("{ locales { nope } }", "GRAPHQL_VALIDATION_FAILED"),
            (
                r#"{ articles(orderBy: "LATEST") { totalCount } }"#,
                "GRAPHQL_VALIDATION_FAILED",
            ),
            (
                "query A { locales { code } } query B { locales { code } }",
                "GRAPHQL_VALIDATION_FAILED",
            ),
        ] {
            let reply = app.post(query, json!({}), &[("accept", accept)]).await;
            assert_eq!(first_code(&reply.body), code, "{query}: {}", reply.text);
            let body = reply.body.as_object().unwrap();
            assert!(
                !body.contains_key("data"),
                "{accept} {query}: {}",
                reply.text
            );
        }
        // Execution began: a non-null root field failed, so `data` is there, and null.
        let reply = app
            .post(
                "{ articles(first: 500) { totalCount } }",
                json!({}),
                &[("accept", accept)],
            )
            .await;
        assert_eq!(first_code(&reply.body), "BAD_USER_INPUT");
        assert_eq!(reply.status, StatusCode::OK);
        let body = reply.body.as_object().unwrap();
        assert_eq!(
            body.get("data"),
            Some(&serde_json::Value::Null),
            "{}",
            reply.text
        );
    }
}

#[tokio::test]
async fn a_request_without_a_query_is_400_whatever_it_accepts() {
    let app = TestApp::spawn().await;
    for accept in ["application/graphql-response+json", "application/json"] {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, accept)
            .body(Body::from(r#"{"qeury":"{ __typename }"}"#))
            .unwrap();
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
        assert_eq!(first_code(&reply.body), "BAD_REQUEST");
    }
    let reply = app
        .send(get("/graphql?variables=%7B%7D", "application/json"))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
}

#[tokio::test]
async fn an_unacceptable_accept_header_is_406() {
    let app = TestApp::spawn().await;
    let reply = app
        .post("{locales{code}}", json!({}), &[("accept", "text/csv")])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn the_response_type_follows_the_clients_quality_values() {
    let app = TestApp::spawn().await;
    let modern = "application/graphql-response+json; charset=utf-8";
    let legacy = "application/json; charset=utf-8";
    for (accept, expected) in [
        (
            "application/json;q=1, application/graphql-response+json;q=0.5",
            legacy,
        ),
        (
            "application/graphql-response+json, application/json",
            modern,
        ),
        (
            "application/json;q=0.9, application/graphql-response+json;q=0.9",
            modern,
        ),
        (
            "application/graphql-response+json;q=0, application/json",
            legacy,
        ),
        ("*/*", legacy),
    ] {
        let reply = app
            .post("{locales{code}}", json!({}), &[("accept", accept)])
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{accept}");
        assert_eq!(reply.headers[header::CONTENT_TYPE], expected, "{accept}");
    }
}

#[tokio::test]
async fn probes_answer() {
    let app = TestApp::spawn().await;
    let live = app.send(get("/healthz", "*/*")).await;
    assert_eq!((live.status, live.text.as_str()), (StatusCode::OK, "ok"));
    let ready = app.send(get("/readyz", "*/*")).await;
    assert_eq!(
        (ready.status, ready.text.as_str()),
        (StatusCode::OK, "ready")
    );
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.db.clone().close().await.unwrap();
    let ready = app.send(get("/readyz", "*/*")).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let reply = app.post("{locales{code}}", json!({}), &[]).await;
    assert_eq!(reply.headers["x-request-id"].len(), 36);
    let echoed = app
        .post(
            "{locales{code}}",
            json!({}),
            &[("x-request-id", "trace-me-42")],
        )
        .await;
    assert_eq!(echoed.headers["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn first_contact_sets_the_client_cookie_once() {
    let app = TestApp::spawn().await;
    let first = app.post("{locales{code}}", json!({}), &[]).await;
    let cookie = first.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("newswire_client="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let value = cookie.split(';').next().unwrap();
    let again = app
        .post("{locales{code}}", json!({}), &[("cookie", value)])
        .await;
    assert!(again.headers.get(header::SET_COOKIE).is_none());
    let with_header = app
        .post("{locales{code}}", json!({}), &[("x-client-id", "app-123")])
        .await;
    assert!(with_header.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn a_malformed_client_id_is_refused() {
    let app = TestApp::spawn().await;
    let reply = app
        .post(
            "{locales{code}}",
            json!({}),
            &[("x-client-id", "no spaces <allowed>")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(first_code(&reply.body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn cors_preflight_allows_the_client_headers() {
    let app = TestApp::spawn().await;
    let request = Request::builder()
        .method(Method::OPTIONS)
        .uri("/graphql")
        .header(header::ORIGIN, "https://portal.example")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type,x-client-id",
        )
        .body(Body::empty())
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[tokio::test]
async fn a_client_over_its_rate_is_refused_with_retry_after() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_second = 1;
        c.rate_limit_burst = 3;
    })
    .await;
    let remote = "203.0.113.50:6000";
    for _ in 0..3 {
        let reply = app.post_from(remote, "{locales{code}}", &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let refused = app.post_from(remote, "{locales{code}}", &[]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(first_code(&refused.body), "RATE_LIMITED");
    assert!(
        refused.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let probe = app.send(get("/healthz", "*/*")).await;
    assert_eq!(probe.status, StatusCode::OK, "probes are never limited");
}

#[tokio::test]
async fn loopback_clients_are_not_limited_unless_configured() {
    for (limit_loopback, refused) in [(false, 0), (true, 4)] {
        let app = TestApp::spawn_with(|c| {
            c.rate_limit_per_second = 1;
            c.rate_limit_burst = 1;
            c.rate_limit_loopback = limit_loopback;
        })
        .await;
        let mut statuses = Vec::new();
        for peer in ["127.0.0.1:4000", "[::1]:4000", "127.0.0.1:4001"] {
            for _ in 0..2 {
                statuses.push(app.post_from(peer, "{locales{code}}", &[]).await.status);
            }
        }
        let over = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        // Limited, 127.0.0.1 and ::1 are two clients: the second request of each is
        // refused, and so are both of the third connection's (127.0.0.1 again).
        assert_eq!(
            over, refused,
            "limit loopback: {limit_loopback}: {statuses:?}"
        );
        // Another address is limited either way.
        let remote = "203.0.113.9:5000";
        assert_eq!(
            app.post_from(remote, "{locales{code}}", &[]).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.post_from(remote, "{locales{code}}", &[]).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_a_client_cannot_choose_its_own_key() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_second = 1;
        c.rate_limit_burst = 1;
        c.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    })
    .await;
    let proxy = "10.0.0.5:443";
    let query = "{locales{code}}";
    // The proxy appended 203.0.113.7; what the client wrote before it changes nothing.
    let first = app
        .post_from(proxy, query, &[("x-forwarded-for", "1.1.1.1, 203.0.113.7")])
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let spoofed = app
        .post_from(proxy, query, &[("x-forwarded-for", "2.2.2.2, 203.0.113.7")])
        .await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
    // Another reader behind the same proxy has a budget of its own.
    let other = app
        .post_from(proxy, query, &[("x-forwarded-for", "198.51.100.2")])
        .await;
    assert_eq!(other.status, StatusCode::OK);
    // A peer that is not a trusted proxy is keyed by its own address, whatever it sends.
    let direct = "192.0.2.44:1000";
    let from = |ip: &'static str| [("x-forwarded-for", ip)];
    assert_eq!(
        app.post_from(direct, query, &from("7.7.7.7")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.post_from(direct, query, &from("8.8.8.8")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn persisted_queries_are_registered_then_run_by_hash() {
    let app = TestApp::spawn().await;
    let query = "{locales{code}}";
    let hash = "41ed9f0e3b9c8e0d5eb1b3d44c77a4a5c7ee3d58b3c6f1d21c9b5dd8bd46e6f4";
    let extensions = |h: &str| json!({ "persistedQuery": { "version": 1, "sha256Hash": h } });
    let unknown = app
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({ "extensions": extensions(hash) }).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(first_code(&unknown.body), "PERSISTED_QUERY_NOT_FOUND");

    let real_hash = sha256_hex(query);
    let register = app
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({ "query": query, "extensions": extensions(&real_hash) }).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(register.body["data"]["locales"][0]["code"], "ko");
    let ext = extensions(&real_hash).to_string();
    let uri = format!("/graphql?extensions={}", urlencode(&ext));
    let by_hash = app.send(get(&uri, "application/json")).await;
    assert_eq!(by_hash.status, StatusCode::OK, "{}", by_hash.text);
    assert_eq!(by_hash.body["data"]["locales"][0]["code"], "ko");
    assert_eq!(
        by_hash.headers[header::CACHE_CONTROL],
        "public, max-age=3600, stale-while-revalidate=300"
    );
}

#[tokio::test]
async fn a_persisted_mutation_cannot_run_over_get() {
    let app = TestApp::spawn().await;
    let mutation = r#"mutation { likeArticle(articleId: "QXJ0aWNsZTox") { likeCount } }"#;
    let hash = sha256_hex(mutation);
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    app.send(
        Request::builder()
            .method(Method::POST)
            .uri("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({ "query": mutation, "extensions": ext }).to_string(),
            ))
            .unwrap(),
    )
    .await;
    let uri = format!("/graphql?extensions={}", urlencode(&ext.to_string()));
    let reply = app.send(get(&uri, "application/json")).await;
    assert_eq!(
        reply.status,
        StatusCode::METHOD_NOT_ALLOWED,
        "{}",
        reply.text
    );
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(text.as_bytes()))
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn response_fields_come_in_the_order_the_query_asked_for() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    app.article(crate::helpers::ArticleSpec::published("ordered", cat.id, 1))
        .await;
    let query = "query { z: locales { code } articles { nodes { title slug ...Extra category { slug name } likeCount locale } } a: locales { code } }
                 fragment Extra on Article { viewerHasLiked id }";
    let reply = app.post(query, json!({}), &[]).await;
    let order = [
        "\"z\"",
        "\"articles\"",
        "\"title\"",
        "\"slug\"",
        "\"viewerHasLiked\"",
        "\"id\":\"Q",
        "\"category\"",
        "\"name\"",
        "\"likeCount\"",
        "\"locale\"",
        "\"a\"",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|key| {
            reply
                .text
                .find(key)
                .unwrap_or_else(|| panic!("{key} missing: {}", reply.text))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "out of order: {}",
        reply.text
    );
}

#[tokio::test]
async fn metrics_count_requests_and_sql_statements() {
    let app = TestApp::spawn().await;
    app.post("{ articles { nodes { slug } } }", json!({}), &[])
        .await;
    let reply = app.send(get("/metrics", "text/plain")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.text.contains("newswire_graphql_requests_total 1"),
        "{}",
        reply.text
    );
    let statements: f64 = reply
        .text
        .lines()
        .find_map(|l| l.strip_prefix("newswire_sql_statements_total "))
        .expect("the statement counter is exported")
        .parse()
        .unwrap();
    // The page read, and nothing else: no categories asked for.
    assert_eq!(statements, 1.0, "{}", reply.text);
    assert!(reply
        .text
        .contains("newswire_graphql_request_duration_seconds_bucket"));
}

#[tokio::test]
async fn metrics_time_requests_by_operation_and_outcome_and_show_the_pools() {
    let app = TestApp::spawn().await;
    let home = "query Home { articles { nodes { slug } } }";
    app.post(home, json!({}), &[]).await;
    app.post(home, json!({}), &[]).await; // from the response cache
    app.post("query Broken { nothing }", json!({}), &[]).await;
    app.post(
        "query Missing($id: ID!) { node(id: $id) { id } }",
        json!({ "id": "bad" }),
        &[],
    )
    .await;
    let text = app.send(get("/metrics", "text/plain")).await.text;
    let count = |labels: &str| -> f64 {
        let prefix = format!("newswire_graphql_request_duration_seconds_count{{{labels}}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .unwrap_or_else(|| panic!("no series {labels}: {text}"))
            .parse()
            .unwrap()
    };
    assert_eq!(count(r#"operation="Home",outcome="ok""#), 1.0);
    assert_eq!(count(r#"operation="Home",outcome="cached""#), 1.0);
    assert_eq!(count(r#"operation="Broken",outcome="rejected""#), 1.0);
    assert_eq!(count(r#"operation="Missing",outcome="errors""#), 1.0);
    for line in [
        "newswire_response_cache_hits_total 1",
        "newswire_response_cache_misses_total 3",
        r#"newswire_db_pool_connections{pool="main",state="max"}"#,
        r#"newswire_db_pool_connections{pool="main",state="idle"}"#,
        "newswire_subscriptions 0",
        "newswire_websocket_connections 0",
        "newswire_events_delivered_total 0",
        "# TYPE newswire_db_pool_wait_seconds histogram",
    ] {
        assert!(text.contains(line), "{line} missing: {text}");
    }
}

#[tokio::test]
async fn responses_go_out_gzipped_whole_to_clients_that_accept_gzip() {
    let app = TestApp::spawn().await;
    let large = "{ __schema { types { name description } } }";
    let plain = app.post(large, json!({}), &[]).await;
    assert!(plain.raw.len() > 2_000, "{} bytes", plain.raw.len());
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());

    let zipped = app
        .post(large, json!({}), &[("accept-encoding", "gzip, br")])
        .await;
    assert_eq!(zipped.status, StatusCode::OK);
    assert_eq!(zipped.headers[header::CONTENT_ENCODING], "gzip");
    assert!(zipped.raw.len() < plain.raw.len() / 2);
    assert_eq!(zipped.gunzipped(), plain.text);

    let refused = app
        .post(large, json!({}), &[("accept-encoding", "gzip;q=0")])
        .await;
    assert!(refused.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(refused.text, plain.text);

    // Small answers go out as they are, by the handler and by the compression layer alike.
    let small = app
        .post(
            "{ locales { code } }",
            json!({}),
            &[("accept-encoding", "gzip")],
        )
        .await;
    assert!(
        small.raw.len() > 32 && small.raw.len() < 512,
        "{}",
        small.text
    );
    assert!(small.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(small.body["data"]["locales"][0]["code"], "ko");
}
