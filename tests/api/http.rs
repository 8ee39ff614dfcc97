//! GraphQL over HTTP: methods, media types, status codes, GraphiQL, probes, ids and cookies.

use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use serde_json::json;

use crate::helpers::{first_code, TestApp};

fn get(uri: &str, accept: &str) -> Request<Body> {
    Request::builder()
        .method(Method::GET)
        .uri(uri)
        .header(header::ACCEPT, accept)
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
        reply.text.contains("graphiql"),
        "no GraphiQL page: {}",
        reply.text
    );
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
    assert_eq!(reply.headers[header::CACHE_CONTROL], "max-age=3600");
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
    assert!(reply.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("private"));
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

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 1024).await;
    let padding = " ".repeat(2048);
    let reply = app
        .post(&format!("{{locales{{code}}{padding}}}"), json!({}), &[])
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(first_code(&reply.body), "PAYLOAD_TOO_LARGE");
    let small = app.post("{locales{code}}", json!({}), &[]).await;
    assert_eq!(small.status, StatusCode::OK);
}

#[tokio::test]
async fn the_default_body_limit_is_one_mebibyte() {
    let app = TestApp::spawn().await;
    let padding = " ".repeat(1024 * 1024);
    let reply = app
        .post(&format!("{{locales{{code}}{padding}}}"), json!({}), &[])
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
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
async fn an_unacceptable_accept_header_is_406() {
    let app = TestApp::spawn().await;
    let reply = app
        .post("{locales{code}}", json!({}), &[("accept", "text/csv")])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE);
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
