//! The response cache: anonymous queries are answered without the database until a write,
//! per reader where the answer depends on the reader, and never for staff or errors.

use serde_json::{json, Value};

use crate::helpers::{article_id, ArticleSpec, TestApp};

const HOME: &str = "{ articles(first: 5) { nodes { slug title likeCount } } }";
const HOME_FOR_VIEWER: &str = "{ articles(first: 5) { nodes { slug likeCount viewerHasLiked } } }";
/// A page long enough to be gzipped.
const LONG_HOME: &str =
    "{ articles(first: 5) { nodes { id slug title summary body publishedAt likeCount } } }";
const LIKE: &str = "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount } }";

async fn cached_app() -> TestApp {
    TestApp::spawn_with(|c| c.response_cache_ttl_ms = 60_000).await
}

async fn as_client(app: &TestApp, client: &str, query: &str, variables: Value) -> Value {
    let reply = app.post(query, variables, &[("x-client-id", client)]).await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.text);
    reply.body["data"].clone()
}

fn hits(app: &TestApp) -> u64 {
    app.metrics.response_cache_hits.get()
}

#[tokio::test]
async fn a_repeated_anonymous_query_is_answered_without_the_database() {
    let app = cached_app().await;
    let cat = app.category("news", None).await;
    app.article(ArticleSpec::published("first", cat.id, 1))
        .await;
    app.take_statements();

    let first = app.data(HOME, json!({})).await;
    assert!(app.take_statements() > 0);
    let again = app.data(HOME, json!({})).await;
    assert_eq!(again, first);
    assert_eq!(
        app.take_statements(),
        0,
        "the second answer came from the cache"
    );
    assert_eq!(hits(&app), 1);

    // Another language or other variables are other answers.
    app.post(HOME, json!({}), &[("accept-language", "ja")])
        .await;
    assert!(app.take_statements() > 0);
    app.data(HOME, json!({ "unused": 1 })).await;
    assert!(app.take_statements() > 0);
    assert_eq!(hits(&app), 1);
}

#[tokio::test]
async fn a_like_drops_the_kept_answers_at_once() {
    let app = cached_app().await;
    let cat = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("liked", cat.id, 1))
        .await;
    let before = app.data(HOME, json!({})).await;
    assert_eq!(before["articles"]["nodes"][0]["likeCount"], 0);
    app.data(HOME, json!({})).await;
    assert_eq!(hits(&app), 1);

    as_client(&app, "alice", LIKE, json!({ "id": article_id(&row) })).await;
    let after = app.data(HOME, json!({})).await;
    assert_eq!(after["articles"]["nodes"][0]["likeCount"], 1);
    assert_eq!(hits(&app), 1, "the like made the kept page old");
}

#[tokio::test]
async fn an_editorial_write_drops_the_kept_answers() {
    let app = cached_app().await;
    let cat = app.category("news", None).await;
    app.article(ArticleSpec::published("old-news", cat.id, 2))
        .await;
    let before = app.data(HOME, json!({})).await;
    assert_eq!(before["articles"]["nodes"].as_array().unwrap().len(), 1);
    assert_eq!(app.data(HOME, json!({})).await, before);
    assert_eq!(hits(&app), 1, "the page was kept");

    let editor = app.api_key(entity::ApiRole::Editor).await;
    let created = app
        .data_as(
            &editor,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }",
            json!({ "input": { "slug": "breaking", "category": cat.slug,
                "text": { "locale": "EN", "title": "Breaking", "body": "<p>b</p>" } } }),
        )
        .await;
    let id = created["createArticle"]["article"]["id"].as_str().unwrap();
    app.data_as(
        &editor,
        "mutation($id: ID!) { publishArticle(id: $id) { article { status } } }",
        json!({ "id": id }),
    )
    .await;

    let after = app.data(HOME, json!({})).await;
    assert_eq!(after["articles"]["nodes"][0]["slug"], "breaking");
    assert_eq!(hits(&app), 1, "the writes made the kept page old");
}

#[tokio::test]
async fn an_answer_about_the_viewer_is_kept_per_viewer() {
    let app = cached_app().await;
    let cat = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("liked", cat.id, 1))
        .await;
    as_client(&app, "alice", LIKE, json!({ "id": article_id(&row) })).await;

    let alice = as_client(&app, "alice", HOME_FOR_VIEWER, json!({})).await;
    let bob = as_client(&app, "bob", HOME_FOR_VIEWER, json!({})).await;
    assert_eq!(alice["articles"]["nodes"][0]["viewerHasLiked"], true);
    assert_eq!(bob["articles"]["nodes"][0]["viewerHasLiked"], false);
    let alice_again = as_client(&app, "alice", HOME_FOR_VIEWER, json!({})).await;
    assert_eq!(alice_again, alice);
    assert_eq!(hits(&app), 1);

    // Without viewerHasLiked every reader shares one answer.
    as_client(&app, "alice", HOME, json!({})).await;
    as_client(&app, "bob", HOME, json!({})).await;
    assert_eq!(hits(&app), 2);
}

#[tokio::test]
async fn staff_and_failed_requests_are_never_kept() {
    let app = cached_app().await;
    let cat = app.category("news", None).await;
    app.article(ArticleSpec::published("public", cat.id, 1))
        .await;
    let mut draft = ArticleSpec::published("draft", cat.id, 0);
    draft.status = entity::ArticleStatus::Draft;
    draft.published_at = None;
    app.article(draft).await;

    let editor = app.api_key(entity::ApiRole::Editor).await;
    let staff = "{ article(slug: \"draft\") { slug } }";
    let seen = app.data_as(&editor, staff, json!({})).await;
    assert_eq!(seen["article"]["slug"], "draft");
    let public = app.data(staff, json!({})).await;
    assert_eq!(public["article"], Value::Null);
    app.data_as(&editor, staff, json!({})).await;
    assert_eq!(
        hits(&app),
        0,
        "staff answers are neither kept nor served from the cache"
    );

    let failing = "{ article(id: \"not-an-id\") { title } }";
    for _ in 0..2 {
        let body = app.graphql(failing, json!({})).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }
    assert_eq!(hits(&app), 0, "an answer with errors is not kept");
}

#[tokio::test]
async fn a_cached_get_keeps_its_cache_control_and_a_post_stays_no_store() {
    let app = cached_app().await;
    let query = "{locales{code}}";
    app.data(query, json!({})).await;
    let post = app.post(query, json!({}), &[]).await;
    assert_eq!(post.headers["cache-control"], "no-store");
    let uri = format!("/graphql?query={}", "%7Blocales%7Bcode%7D%7D");
    let get = app
        .send(
            axum::http::Request::builder()
                .uri(uri)
                .header("accept", "application/json")
                .header("cookie", "newswire_client=returning-reader")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(get.body["data"]["locales"][0]["code"], "ko");
    assert_eq!(
        get.headers["cache-control"],
        "public, max-age=3600, stale-while-revalidate=300"
    );
    assert_eq!(hits(&app), 2);
}

#[tokio::test]
async fn what_this_instance_did_not_write_shows_within_the_time_to_live() {
    let app = TestApp::spawn_with(|c| c.response_cache_ttl_ms = 1000).await;
    let cat = app.category("news", None).await;
    let empty = app.data(HOME, json!({})).await;
    assert_eq!(empty["articles"]["nodes"], json!([]));
    app.article_from_another_instance(ArticleSpec::published("elsewhere", cat.id, 1))
        .await;
    assert_eq!(app.data(HOME, json!({})).await, empty);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let later = app.data(HOME, json!({})).await;
    assert_eq!(later["articles"]["nodes"][0]["slug"], "elsewhere");
}

#[tokio::test]
async fn a_kept_answer_goes_out_gzipped_to_readers_who_accept_gzip() {
    let app = cached_app().await;
    let cat = app.category("news", None).await;
    for i in 0..5 {
        app.article(ArticleSpec::published(&format!("story-{i}"), cat.id, i))
            .await;
    }
    let first = app.post(LONG_HOME, json!({}), &[]).await;
    assert!(first.raw.len() >= 512, "{} bytes", first.raw.len());
    let zipped = app
        .post(
            LONG_HOME,
            json!({}),
            &[("accept-encoding", "br;q=1.0, gzip;q=0.8")],
        )
        .await;
    assert_eq!(hits(&app), 1);
    assert_eq!(zipped.headers["content-encoding"], "gzip");
    assert_eq!(zipped.gunzipped(), first.text);
    let bytes = app
        .post(
            LONG_HOME,
            json!({}),
            &[("accept-encoding", "gzip;q=0, identity")],
        )
        .await;
    assert!(bytes.headers.get("content-encoding").is_none());
    assert_eq!(bytes.text, first.text);
    assert_eq!(hits(&app), 2);

    // A kept answer too short to be worth compressing goes out as it is, as a fresh one does.
    let short = app
        .post(HOME, json!({}), &[("accept-encoding", "gzip")])
        .await;
    let kept_short = app
        .post(HOME, json!({}), &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(hits(&app), 3);
    assert!(short.raw.len() < 512, "{} bytes", short.raw.len());
    for reply in [&short, &kept_short] {
        assert!(reply.headers.get("content-encoding").is_none());
    }
    assert_eq!(kept_short.text, short.text);
}
