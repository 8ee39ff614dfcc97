//! Likes: idempotent per liker, exact under concurrency, and the rankings built from them.

use chrono::{Duration, Utc};
use entity::article;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::helpers::{article_id, first_code, ArticleSpec, TestApp};

const LIKE: &str = "mutation($id: ID!) { likeArticle(articleId: $id) { likeCount viewerHasLiked article { slug likeCount viewerHasLiked } } }";
const UNLIKE: &str =
    "mutation($id: ID!) { unlikeArticle(articleId: $id) { likeCount viewerHasLiked } }";

async fn as_client(app: &TestApp, client: &str, query: &str, id: &str) -> Value {
    let reply = app
        .post(query, json!({ "id": id }), &[("x-client-id", client)])
        .await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.text);
    reply.body["data"].clone()
}

#[tokio::test]
async fn liking_twice_counts_once_and_unliking_twice_is_harmless() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("liked", cat.id, 1))
        .await;
    let id = article_id(&row);

    let first = as_client(&app, "alice", LIKE, &id).await;
    assert_eq!(
        first["likeArticle"],
        json!({ "likeCount": 1, "viewerHasLiked": true,
                "article": { "slug": "liked", "likeCount": 1, "viewerHasLiked": true } })
    );
    let again = as_client(&app, "alice", LIKE, &id).await;
    assert_eq!(again["likeArticle"]["likeCount"], 1);
    let bob = as_client(&app, "bob", LIKE, &id).await;
    assert_eq!(bob["likeArticle"]["likeCount"], 2);

    let seen_by_carol = app
        .post(
            "query($id: ID) { article(id: $id) { likeCount viewerHasLiked } }",
            json!({ "id": id }),
            &[("x-client-id", "carol")],
        )
        .await;
    assert_eq!(
        seen_by_carol.body["data"]["article"],
        json!({ "likeCount": 2, "viewerHasLiked": false })
    );

    let unliked = as_client(&app, "alice", UNLIKE, &id).await;
    assert_eq!(
        unliked["unlikeArticle"],
        json!({ "likeCount": 1, "viewerHasLiked": false })
    );
    let unliked_again = as_client(&app, "alice", UNLIKE, &id).await;
    assert_eq!(unliked_again["unlikeArticle"]["likeCount"], 1);
    let never_liked = as_client(&app, "dave", UNLIKE, &id).await;
    assert_eq!(never_liked["unlikeArticle"]["likeCount"], 1);

    let stored = article::Entity::find_by_id(row.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.like_count, 1);
}

#[tokio::test]
async fn the_cookie_identifies_a_liker_without_a_client_id() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let row = app
        .article(ArticleSpec::published("liked", cat.id, 1))
        .await;
    let vars = json!({ "id": article_id(&row) });
    let first = app.post(LIKE, vars.clone(), &[]).await;
    let cookie = first.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let second = app.post(LIKE, vars.clone(), &[("cookie", &cookie)]).await;
    assert_eq!(
        second.body["data"]["likeArticle"]["likeCount"], 1,
        "same cookie, same liker"
    );
    let stranger = app.post(LIKE, vars, &[]).await;
    assert_eq!(
        stranger.body["data"]["likeArticle"]["likeCount"], 2,
        "no cookie, a new liker"
    );
}

#[tokio::test]
async fn two_hundred_concurrent_likes_count_exactly_two_hundred() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let cat = app.category("news", None).await;
    let row = app.article(ArticleSpec::published("hit", cat.id, 1)).await;
    let id = article_id(&row);
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let (app, id) = (app.clone(), id.clone());
            tokio::spawn(async move {
                let reply = app
                    .post(
                        LIKE,
                        json!({ "id": id }),
                        &[("x-client-id", &format!("reader-{i}"))],
                    )
                    .await;
                assert!(
                    reply.body.get("errors").is_none(),
                    "like {i} failed: {}",
                    reply.text
                );
                // A second like from the same reader must not count.
                app.post(
                    LIKE,
                    json!({ "id": id }),
                    &[("x-client-id", &format!("reader-{i}"))],
                )
                .await
            })
        })
        .collect();
    for task in tasks {
        let reply = task.await.unwrap();
        assert!(
            reply.body.get("errors").is_none(),
            "repeat like failed: {}",
            reply.text
        );
    }
    let stored = article::Entity::find_by_id(row.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.like_count, 200);
    let data = app
        .data(
            "query($id: ID) { article(id: $id) { likeCount } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["article"]["likeCount"], 200);
}

#[tokio::test]
async fn liking_an_unknown_article_is_not_found() {
    let app = TestApp::spawn().await;
    let id = newswire::graphql::ids::encode(newswire::graphql::ids::Kind::Article, 999).0;
    let body = app.graphql(LIKE, json!({ "id": id })).await;
    assert_eq!(first_code(&body), "NOT_FOUND");
}

#[tokio::test]
async fn most_liked_counts_likes_within_the_window() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let sport = app.category("sport", None).await;
    let old_hit = app
        .article(ArticleSpec::published("old-hit", cat.id, 2000))
        .await;
    let weekly = app
        .article(ArticleSpec::published("weekly", cat.id, 200))
        .await;
    let today = app
        .article(ArticleSpec::published("today", sport.id, 5))
        .await;
    let now = Utc::now();
    for i in 0..5 {
        app.like_at(&old_hit, &format!("r{i}"), now - Duration::days(60))
            .await;
    }
    for i in 0..3 {
        app.like_at(&weekly, &format!("r{i}"), now - Duration::days(3))
            .await;
    }
    for i in 0..2 {
        app.like_at(&today, &format!("r{i}"), now - Duration::hours(2))
            .await;
    }
    let data = app
        .data(
            r#"{ day: mostLiked(window: DAY) { slug }
                 week: mostLiked { slug likeCount }
                 month: mostLiked(window: MONTH, first: 1) { slug }
                 ever: mostLiked(window: ALL_TIME) { slug }
                 sport: mostLiked(window: ALL_TIME, category: "sport") { slug }
                 none: mostLiked(first: 0) { slug } }"#,
            json!({}),
        )
        .await;
    let slugs = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(slugs(&data["day"]), ["today"]);
    assert_eq!(slugs(&data["week"]), ["weekly", "today"]);
    assert_eq!(data["week"][0]["likeCount"], 3);
    assert_eq!(slugs(&data["month"]), ["weekly"]);
    assert_eq!(slugs(&data["ever"]), ["old-hit", "weekly", "today"]);
    assert_eq!(slugs(&data["sport"]), ["today"]);
    assert_eq!(data["none"], json!([]));
}

#[tokio::test]
async fn rankings_are_reused_for_a_while_but_counts_stay_live() {
    let app = TestApp::spawn_with(|c| c.ranking_ttl_secs = 60).await;
    let cat = app.category("news", None).await;
    let first = app
        .article(ArticleSpec::published("first", cat.id, 5))
        .await;
    let second = app
        .article(ArticleSpec::published("second", cat.id, 6))
        .await;
    app.like_at(&first, "r1", Utc::now()).await;
    let query = "{ mostLiked(window: DAY) { slug likeCount } }";
    assert_eq!(
        app.data(query, json!({})).await["mostLiked"],
        json!([{ "slug": "first", "likeCount": 1 }])
    );
    for i in 0..3 {
        app.like_at(&second, &format!("s{i}"), Utc::now()).await;
    }
    app.like_at(&first, "r2", Utc::now()).await;
    // The ranking is the cached one; the counts are read now.
    assert_eq!(
        app.data(query, json!({})).await["mostLiked"],
        json!([{ "slug": "first", "likeCount": 2 }])
    );
    let other_size = app
        .data("{ mostLiked(window: DAY, first: 5) { slug } }", json!({}))
        .await;
    assert_eq!(
        other_size["mostLiked"],
        json!([{ "slug": "second" }, { "slug": "first" }])
    );
}

#[tokio::test]
async fn a_page_marks_exactly_the_articles_the_reader_likes() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let mut ids = Vec::new();
    for (i, slug) in ["one", "two", "three"].iter().enumerate() {
        let row = app
            .article(ArticleSpec::published(slug, cat.id, i as i64 + 1))
            .await;
        ids.push(article_id(&row));
    }
    as_client(&app, "alice", LIKE, &ids[0]).await;
    as_client(&app, "bob", LIKE, &ids[1]).await;
    as_client(&app, "alice", LIKE, &ids[2]).await;
    let page = "{ articles(first: 3) { edges { node { slug viewerHasLiked } } } }";
    let alice = app.post(page, json!({}), &[("x-client-id", "alice")]).await;
    assert_eq!(
        alice.body["data"]["articles"]["edges"],
        json!([{ "node": { "slug": "one", "viewerHasLiked": true } },
               { "node": { "slug": "two", "viewerHasLiked": false } },
               { "node": { "slug": "three", "viewerHasLiked": true } }])
    );
}

#[tokio::test]
async fn a_later_mutation_field_sees_what_an_earlier_one_wrote() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let row = app.article(ArticleSpec::published("a", cat.id, 1)).await;
    let body = app
        .graphql(
            "mutation($id: ID!) {
               first: unlikeArticle(articleId: $id) { article { viewerHasLiked likeCount } }
               second: likeArticle(articleId: $id) { article { viewerHasLiked likeCount } }
               third: unlikeArticle(articleId: $id) { article { viewerHasLiked likeCount } }
             }",
            json!({ "id": crate::helpers::article_id(&row) }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let state = |field: &str| body["data"][field]["article"].clone();
    assert_eq!(
        state("first"),
        json!({ "viewerHasLiked": false, "likeCount": 0 })
    );
    assert_eq!(
        state("second"),
        json!({ "viewerHasLiked": true, "likeCount": 1 })
    );
    assert_eq!(
        state("third"),
        json!({ "viewerHasLiked": false, "likeCount": 0 })
    );
}
