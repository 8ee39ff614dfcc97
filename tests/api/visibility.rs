//! Drafts, scheduled, archived and deleted articles are invisible to readers everywhere.

use chrono::{Duration, Utc};
use entity::ArticleStatus;
use serde_json::{json, Value};

use crate::helpers::{article_id, first_code, ArticleSpec, TestApp};

#[tokio::test]
async fn hidden_articles_are_invisible_through_every_entry_point() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let visible = app
        .article(ArticleSpec::published("visible", cat.id, 3))
        .await;

    let mut draft = ArticleSpec::published("draft", cat.id, 2);
    draft.status = ArticleStatus::Draft;
    draft.published_at = None;
    let mut scheduled = ArticleSpec::published("scheduled", cat.id, 0);
    scheduled.published_at = Some(Utc::now() + Duration::hours(48));
    let mut deleted = ArticleSpec::published("deleted", cat.id, 2);
    deleted.deleted = true;
    let mut archived = ArticleSpec::published("archived", cat.id, 2);
    archived.status = ArticleStatus::Archived;

    let mut hidden = Vec::new();
    for spec in [draft, scheduled, deleted, archived] {
        let row = app.article(spec).await;
        // Likes given before the article was hidden must not surface it in rankings.
        app.like_at(&row, "client:old-fan", Utc::now() - Duration::hours(1))
            .await;
        hidden.push(row);
    }
    app.like_at(&visible, "client:fan", Utc::now() - Duration::hours(1))
        .await;

    let data = app
        .data(
            r#"{ articles(first: 100) { nodes { slug } totalCount }
                 oldest: articles(orderBy: OLDEST) { nodes { slug } }
                 liked: articles(orderBy: MOST_LIKED) { nodes { slug } }
                 category(slug: "news") { articles { nodes { slug } } }
                 day: mostLiked(window: DAY) { slug }
                 ever: mostLiked(window: ALL_TIME) { slug } }"#,
            json!({}),
        )
        .await;
    for list in [
        &data["articles"]["nodes"],
        &data["oldest"]["nodes"],
        &data["liked"]["nodes"],
        &data["category"]["articles"]["nodes"],
        &data["day"],
        &data["ever"],
    ] {
        assert_eq!(list, &json!([{ "slug": "visible" }]), "{data}");
    }
    assert_eq!(data["articles"]["totalCount"], 1);

    for row in &hidden {
        let by_slug = app
            .data(
                "query($s: String) { article(slug: $s) { slug } }",
                json!({ "s": row.slug }),
            )
            .await;
        assert_eq!(by_slug["article"], Value::Null, "{} by slug", row.slug);
        let by_id = app
            .data(
                "query($id: ID) { article(id: $id) { slug } }",
                json!({ "id": article_id(row) }),
            )
            .await;
        assert_eq!(by_id["article"], Value::Null, "{} by id", row.slug);
        let node = app
            .data(
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": article_id(row) }),
            )
            .await;
        assert_eq!(node["node"], Value::Null, "{} by node", row.slug);
        for mutation in ["likeArticle", "unlikeArticle"] {
            let body = app
                .graphql(
                    &format!("mutation($id: ID!) {{ {mutation}(articleId: $id) {{ likeCount }} }}"),
                    json!({ "id": article_id(row) }),
                )
                .await;
            assert_eq!(first_code(&body), "NOT_FOUND", "{mutation} {}", row.slug);
        }
    }
}

#[tokio::test]
async fn a_scheduled_article_appears_when_its_time_comes() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let mut spec = ArticleSpec::published("soon", cat.id, 0);
    spec.published_at = Some(Utc::now() + Duration::seconds(2));
    app.article(spec).await;
    let query = r#"{ article(slug: "soon") { slug status } }"#;
    assert_eq!(app.data(query, json!({})).await["article"], Value::Null);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let data = app.data(query, json!({})).await;
    assert_eq!(
        data["article"],
        json!({ "slug": "soon", "status": "PUBLISHED" })
    );
}

#[tokio::test]
async fn visible_articles_resolve_by_id_slug_and_node() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let row = app.article(ArticleSpec::published("here", cat.id, 1)).await;
    let id = article_id(&row);
    let data = app
        .data(
            r#"query($id: ID!) { byId: article(id: $id) { id slug } bySlug: article(slug: "here") { id }
                 node(id: $id) { id ... on Article { slug } } }"#,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["byId"], json!({ "id": id, "slug": "here" }));
    assert_eq!(data["bySlug"]["id"], id);
    assert_eq!(data["node"], json!({ "id": id, "slug": "here" }));
    let category = app
        .data(r#"{ category(slug: "news") { id } }"#, json!({}))
        .await;
    let cat_id = category["category"]["id"].clone();
    let node = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Category { slug } } }",
            json!({ "id": cat_id }),
        )
        .await;
    assert_eq!(node["node"]["slug"], "news");
    let missing = app
        .data(
            r#"{ article(slug: "nowhere") { id } category(slug: "nowhere") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(missing, json!({ "article": null, "category": null }));
}

#[tokio::test]
async fn a_cursor_from_the_future_reaches_no_scheduled_article() {
    use newswire::domain::cursor::{ArticleOrder, Cursor, SortKey};
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    app.article(ArticleSpec::published("out", cat.id, 1)).await;
    let mut scheduled = ArticleSpec::published("tomorrow", cat.id, 0);
    scheduled.published_at = Some(Utc::now() + Duration::hours(24));
    app.article(scheduled).await;
    // A cursor a client made up, a week ahead: down the latest list and up the oldest one.
    let ahead = Utc::now() + Duration::days(7);
    for (order, argument) in [
        (ArticleOrder::Latest, "after"),
        (ArticleOrder::Oldest, "before"),
    ] {
        let cursor = Cursor {
            order,
            key: SortKey::Time(ahead),
            id: i64::MAX,
        }
        .encode();
        let name = if order == ArticleOrder::Latest {
            "LATEST"
        } else {
            "OLDEST"
        };
        let page_size = if argument == "after" { "first" } else { "last" };
        let query = format!(
            "{{ articles({page_size}: 10, {argument}: \"{cursor}\", orderBy: {name}) {{ nodes {{ slug }} }} }}"
        );
        let data = app.data(&query, json!({})).await;
        assert_eq!(
            data["articles"]["nodes"],
            json!([{ "slug": "out" }]),
            "{query}"
        );
    }
}
