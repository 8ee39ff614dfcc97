//! Article lists: keyset pagination in every order, filters, counts.

use std::collections::HashSet;

use chrono::{Duration, SecondsFormat};
use entity::Locale;
use serde_json::{json, Value};

use crate::helpers::{first_code, hours_ago, ArticleSpec, TestApp};

const PAGE: &str = r#"
query($first: Int, $after: String, $last: Int, $before: String, $order: ArticleOrder!, $filter: ArticleFilter) {
  articles(first: $first, after: $after, last: $last, before: $before, orderBy: $order, filter: $filter) {
    edges { cursor node { slug title likeCount publishedAt(timeZone: "UTC") updatedAt(timeZone: "UTC") } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

/// Thirteen visible articles with ties in every sort key, plus one draft.
async fn newsroom(app: &TestApp) {
    let cat = app.category("news", None).await;
    for i in 0..13i64 {
        let mut spec = ArticleSpec::published(&format!("story-{i:02}"), cat.id, 10 + i / 3);
        spec.likes = i32::try_from(i % 4).unwrap();
        spec.updated_at = Some(hours_ago(i % 5));
        app.article(spec).await;
    }
    let mut draft = ArticleSpec::published("draft", cat.id, 1);
    draft.status = entity::ArticleStatus::Draft;
    app.article(draft).await;
}

async fn walk(app: &TestApp, order: &str, forward: bool, size: i64) -> Vec<Value> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let vars = if forward {
            json!({ "first": size, "after": cursor, "order": order })
        } else {
            json!({ "last": size, "before": cursor, "order": order })
        };
        let data = app.data(PAGE, vars).await;
        let conn = &data["articles"];
        let mut nodes: Vec<Value> = conn["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"].clone())
            .collect();
        if forward {
            seen.append(&mut nodes);
            if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                break;
            }
            cursor = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        } else {
            nodes.append(&mut seen);
            seen = nodes;
            if !conn["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
                break;
            }
            cursor = conn["pageInfo"]["startCursor"].as_str().map(str::to_owned);
        }
        assert!(seen.len() <= 13, "the walk does not end");
    }
    seen
}

fn key(node: &Value, order: &str) -> (String, String) {
    let slug = node["slug"].as_str().unwrap().to_owned();
    let k = match order {
        "LATEST" | "OLDEST" => node["publishedAt"].as_str().unwrap().to_owned(),
        "RECENTLY_UPDATED" => node["updatedAt"].as_str().unwrap().to_owned(),
        _ => format!("{:05}", node["likeCount"].as_i64().unwrap()),
    };
    (k, slug)
}

#[tokio::test]
async fn a_keyset_walk_visits_every_article_exactly_once_in_every_order() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    for order in ["LATEST", "OLDEST", "RECENTLY_UPDATED", "MOST_LIKED"] {
        let forward = walk(&app, order, true, 4).await;
        let slugs: Vec<&str> = forward
            .iter()
            .map(|n| n["slug"].as_str().unwrap())
            .collect();
        let unique: HashSet<&str> = slugs.iter().copied().collect();
        assert_eq!(slugs.len(), 13, "{order}: {slugs:?}");
        assert_eq!(unique.len(), 13, "{order}: {slugs:?}");
        assert!(!unique.contains("draft"));
        for node in &forward {
            let headline = format!("{} [ko]", node["slug"].as_str().unwrap());
            assert_eq!(node["title"], headline.as_str(), "{order}");
        }

        let keys: Vec<String> = forward.iter().map(|n| key(n, order).0).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        if order != "OLDEST" {
            sorted.reverse();
        }
        assert_eq!(keys, sorted, "{order} is not sorted");

        let backward = walk(&app, order, false, 5).await;
        let back_slugs: Vec<&str> = backward
            .iter()
            .map(|n| n["slug"].as_str().unwrap())
            .collect();
        assert_eq!(
            back_slugs, slugs,
            "{order}: a backward walk gives another order"
        );
    }
}

#[tokio::test]
async fn the_first_page_says_what_follows() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let data = app
        .data(PAGE, json!({ "first": 13, "order": "LATEST" }))
        .await;
    let info = &data["articles"]["pageInfo"];
    assert_eq!(info["hasNextPage"], false);
    assert_eq!(info["hasPreviousPage"], false);
    let data = app
        .data(PAGE, json!({ "first": 12, "order": "LATEST" }))
        .await;
    assert_eq!(data["articles"]["pageInfo"]["hasNextPage"], true);
    let empty = app
        .data(PAGE, json!({ "first": 0, "order": "LATEST" }))
        .await;
    assert_eq!(empty["articles"]["edges"], json!([]));
    assert_eq!(empty["articles"]["pageInfo"]["endCursor"], Value::Null);
}

#[tokio::test]
async fn lists_default_to_twenty_latest_first() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    for i in 0..25 {
        app.article(ArticleSpec::published(&format!("s{i:02}"), cat.id, i))
            .await;
    }
    let data = app
        .data("{ articles { nodes { slug } totalCount } }", json!({}))
        .await;
    let nodes = data["articles"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 20);
    assert_eq!(nodes[0]["slug"], "s00");
    assert_eq!(nodes[19]["slug"], "s19");
    assert_eq!(data["articles"]["totalCount"], 25);
}

#[tokio::test]
async fn a_cursor_from_another_order_is_refused() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let data = app
        .data(PAGE, json!({ "first": 2, "order": "LATEST" }))
        .await;
    let cursor = data["articles"]["pageInfo"]["endCursor"].clone();
    let body = app
        .graphql(
            PAGE,
            json!({ "first": 2, "after": cursor, "order": "MOST_LIKED" }),
        )
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_category_filter_includes_subcategories_unless_told_not_to() {
    let app = TestApp::spawn().await;
    let kpop = app.category("kpop", None).await;
    let concerts = app.category("kpop-concerts", Some(kpop.id)).await;
    let encores = app
        .category("kpop-concerts-encores", Some(concerts.id))
        .await;
    let politics = app.category("politics", None).await;
    app.article(ArticleSpec::published("in-kpop", kpop.id, 1))
        .await;
    app.article(ArticleSpec::published("in-concerts", concerts.id, 2))
        .await;
    app.article(ArticleSpec::published("in-encores", encores.id, 3))
        .await;
    app.article(ArticleSpec::published("in-politics", politics.id, 4))
        .await;

    let slugs = |data: &Value, path: &[&str]| -> Vec<String> {
        let mut v = data;
        for p in path {
            v = &v[*p];
        }
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let data = app
        .data(
            r#"{ articles(filter: {category: "kpop"}) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        slugs(&data, &["articles"]),
        ["in-kpop", "in-concerts", "in-encores"]
    );
    let data = app
        .data(
            r#"{ articles(filter: {category: "kpop", includeSubcategories: false}) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(slugs(&data, &["articles"]), ["in-kpop"]);
    let data = app
        .data(
            r#"{ category(slug: "kpop-concerts") { articles { nodes { slug } totalCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        slugs(&data, &["category", "articles"]),
        ["in-concerts", "in-encores"]
    );
    assert_eq!(data["category"]["articles"]["totalCount"], 2);
}

#[tokio::test]
async fn filters_by_language_and_time_combine() {
    let app = TestApp::spawn().await;
    let cat = app.category("news", None).await;
    let mut thai = ArticleSpec::published("thai", cat.id, 5);
    thai.translations = vec![Locale::Th, Locale::Ja];
    app.article(thai).await;
    let mut old = ArticleSpec::published("old", cat.id, 500);
    old.updated_at = Some(hours_ago(1));
    app.article(old).await;
    app.article(ArticleSpec::published("recent", cat.id, 2))
        .await;

    let query = "query($f: ArticleFilter) { articles(filter: $f) { nodes { slug } } }";
    let slugs = |data: Value| -> Vec<String> {
        data["articles"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let rfc = |hours: i64| {
        (hours_ago(0) - Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
    };

    let data = app
        .data(query, json!({ "f": { "availableIn": "JA" } }))
        .await;
    assert_eq!(slugs(data), ["thai"]);
    let data = app
        .data(query, json!({ "f": { "publishedAfter": rfc(10) } }))
        .await;
    assert_eq!(slugs(data), ["recent", "thai"]);
    let data = app
        .data(query, json!({ "f": { "publishedBefore": rfc(3) } }))
        .await;
    assert_eq!(slugs(data), ["thai", "old"]);
    let data = app
        .data(
            query,
            json!({ "f": { "publishedAfter": rfc(10), "publishedBefore": rfc(3) } }),
        )
        .await;
    assert_eq!(slugs(data), ["thai"]);
    let data = app
        .data(query, json!({ "f": { "updatedSince": rfc(3) } }))
        .await;
    assert_eq!(slugs(data), ["recent", "old"]);
    let data = app
        .data(
            query,
            json!({ "f": { "updatedSince": "2000-01-01T09:00:00+09:00", "availableIn": "EN" } }),
        )
        .await;
    assert_eq!(slugs(data), ["recent", "old"]);
}

#[tokio::test]
async fn total_count_honours_filters_but_not_pages() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let data = app
        .data(
            "{ articles(first: 2) { totalCount nodes { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["articles"]["totalCount"], 13);
    assert_eq!(data["articles"]["nodes"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_category_tree_comes_in_editorial_order() {
    let app = TestApp::spawn().await;
    let kpop = app.category("kpop", None).await;
    app.category("kpop-concerts", Some(kpop.id)).await;
    app.category("politics", None).await;
    let data = app
        .data(
            "{ categories(locales: [EN]) { slug name children { slug name parent { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["categories"][0]["slug"], "kpop");
    assert_eq!(data["categories"][0]["name"], "kpop English");
    assert_eq!(
        data["categories"][0]["children"][0]["slug"],
        "kpop-concerts"
    );
    assert_eq!(
        data["categories"][0]["children"][0]["parent"]["slug"],
        "kpop"
    );
    assert_eq!(data["categories"][1]["children"], json!([]));
}

#[tokio::test]
async fn page_articles_answer_fragments_aliases_and_repeated_keys_like_any_object() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let politics = app.category("politics", Some(news.id)).await;
    let row = app
        .article(ArticleSpec::published("story", politics.id, 1))
        .await;
    let query = r#"
      query($withBody: Boolean!) {
        articles(locales: [EN]) {
          nodes {
            __typename
            headline: title
            ... on Node { id }
            ...Extra
            body @include(if: $withBody)
            category { __typename slug ... on Category { name } }
            likes: likeCount
          }
        }
      }
      fragment Extra on Article { slug locale }"#;
    let body = app.graphql(query, json!({ "withBody": false })).await;
    let expected = json!({
        "__typename": "Article",
        "headline": "story [en]",
        "id": crate::helpers::article_id(&row),
        "slug": "story",
        "locale": "EN",
        "category": {
            "__typename": "Category",
            "slug": "politics",
            "name": "politics English"
        },
        "likes": 0
    });
    assert_eq!(body["data"]["articles"]["nodes"][0], expected, "{body}");
    let text = app
        .post(query, json!({ "withBody": false }), &[])
        .await
        .text;
    let positions: Vec<Option<usize>> = [
        "\"__typename\"",
        "\"headline\"",
        "\"id\"",
        "\"slug\"",
        "\"locale\"",
        "\"category\"",
        "\"likes\"",
    ]
    .iter()
    .map(|key| text.find(key))
    .collect();
    assert!(
        positions.windows(2).all(|w| w[0].is_some() && w[0] < w[1]),
        "out of order: {text}"
    );

    let with_body = app.graphql(query, json!({ "withBody": true })).await;
    assert_eq!(
        with_body["data"]["articles"]["nodes"][0]["body"], "<p>body en</p>",
        "{with_body}"
    );

    let repeated = app
        .graphql(
            "{ articles { nodes { slug category { slug } category { position } slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        repeated["data"]["articles"]["nodes"][0],
        json!({ "slug": "story", "category": { "slug": "politics", "position": 1 } }),
        "{repeated}"
    );
}

#[tokio::test]
async fn a_page_category_answers_its_parent_and_children() {
    let app = TestApp::spawn().await;
    let news = app.category("news", None).await;
    let politics = app.category("politics", Some(news.id)).await;
    app.category("elections", Some(politics.id)).await;
    app.article(ArticleSpec::published("a", politics.id, 1))
        .await;
    let body = app
        .graphql(
            "{ articles { nodes { category { slug parent { slug } children { slug } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["articles"]["nodes"][0]["category"],
        json!({ "slug": "politics", "parent": { "slug": "news" }, "children": [{ "slug": "elections" }] }),
        "{body}"
    );
}
