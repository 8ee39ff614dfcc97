//! Search in all eight languages: recall and precision over a fixed corpus, snippets, paging
//! and the queries that are data, not errors.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use newswire::{
    domain::editorial::{
        articles::{self, ArticleText, NewArticle},
        tags::{self, NewTag},
    },
    Config,
};
use sea_orm::{ConnectionTrait, DbBackend};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::helpers::{first_code, TestApp};

const CORPUS: &str = include_str!("search_corpus.json");

#[derive(Deserialize)]
struct Corpus {
    articles: Vec<CorpusArticle>,
    tags: Vec<CorpusTag>,
    queries: Vec<CorpusQuery>,
}

#[derive(Deserialize)]
struct CorpusArticle {
    slug: String,
    locale: String,
    title: String,
    summary: String,
    body: String,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct CorpusTag {
    slug: String,
    kind: String,
    names: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct CorpusQuery {
    locale: String,
    query: String,
    expected: Vec<String>,
}

fn locale(code: &str) -> entity::Locale {
    entity::Locale::from_code(code).unwrap()
}

/// The corpus written through the editorial domain, as editors would write it: every
/// article created, tagged and published, each write indexing in its own transaction.
async fn newsroom() -> (TestApp, Corpus) {
    newsroom_with(|_| {}).await
}

/// The corpus on a server whose configuration `adjust` changes.
async fn newsroom_with(adjust: impl FnOnce(&mut Config)) -> (TestApp, Corpus) {
    let corpus: Corpus = serde_json::from_str(CORPUS).unwrap();
    let app = TestApp::spawn_with(adjust).await;
    app.category("news", None).await;
    let now = Utc::now();
    for tag in &corpus.tags {
        let kind = match tag.kind.as_str() {
            "PERSON" => entity::TagKind::Person,
            "GROUP" => entity::TagKind::Group,
            "TOPIC" => entity::TagKind::Topic,
            "EVENT" => entity::TagKind::Event,
            "ORGANIZATION" => entity::TagKind::Organization,
            _ => entity::TagKind::Place,
        };
        let names = tag
            .names
            .iter()
            .map(|(code, name)| (locale(code), name.clone()))
            .collect();
        let new = NewTag {
            slug: tag.slug.clone(),
            kind,
            names,
        };
        tags::create(&app.db, app.changes(), now, new)
            .await
            .unwrap();
    }
    for (i, a) in corpus.articles.iter().enumerate() {
        if i == corpus.articles.len() / 2 && app.db.get_database_backend() == DbBackend::Postgres {
            // The newer half three spans of recency terms later, with empty spans between.
            app.db
                .execute_unprepared(
                    "SELECT setval(pg_get_serial_sequence('article', 'id'), 3 * 4096)",
                )
                .await
                .unwrap();
        }
        let new = NewArticle {
            slug: a.slug.clone(),
            category: "news".into(),
            original: ArticleText {
                locale: locale(&a.locale),
                title: a.title.clone(),
                summary: Some(a.summary.clone()),
                body: a.body.clone(),
            },
            byline: None,
            source_url: None,
        };
        let row = articles::create(&app.db, app.changes(), now, new)
            .await
            .unwrap();
        tags::set_article_tags(&app.db, app.changes(), now, row.id, &a.tags)
            .await
            .unwrap();
        articles::publish(&app.db, app.changes(), now, row.id, None)
            .await
            .unwrap();
    }
    (app, corpus)
}

const SEARCH: &str = "query($q: String!, $after: String) {
  search(query: $q, first: 100, after: $after) {
    totalCount
    edges { cursor score snippet node { slug } }
    pageInfo { hasNextPage endCursor }
  }
}";

async fn found(app: &TestApp, query: &str) -> Vec<String> {
    let data = app.data(SEARCH, json!({ "q": query })).await;
    data["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_language_is_found_with_recall_above_095() {
    let (app, corpus) = newsroom().await;
    assert_recall_and_precision(&app, &corpus).await;
}

#[tokio::test]
async fn small_windows_find_the_same_and_page_through_every_hit_once() {
    let (app, corpus) = newsroom_with(|c| c.search_window = 16).await;
    assert_recall_and_precision(&app, &corpus).await;
    // 首尔 and 首爾 match 23 articles: more than the first window of 16 documents holds.
    for (query, filter) in [
        ("首尔", json!({})),
        ("서울", json!({})),
        ("서울", json!({ "tag": "seoul" })),
    ] {
        let total = app
            .data(
                "query($q: String!, $f: ArticleFilter) { articles(first: 100, filter: $f) { totalCount } search(query: $q, first: 100, filter: $f) { edges { node { slug } } } }",
                json!({ "q": query, "f": merge(&filter, query) }),
            )
            .await;
        let expected = total["articles"]["totalCount"].as_i64().unwrap();
        assert!(expected > 3, "{query}: {total}");
        let mut seen = BTreeSet::new();
        let mut after: Option<String> = None;
        loop {
            let page = app
                .data(
                    "query($q: String!, $f: ArticleFilter, $after: String) { search(query: $q, first: 3, after: $after, filter: $f) { edges { score node { slug } } pageInfo { hasNextPage endCursor } } }",
                    json!({ "q": query, "f": filter, "after": after }),
                )
                .await;
            let edges = page["search"]["edges"].as_array().unwrap();
            let scores: Vec<f64> = edges.iter().map(|e| e["score"].as_f64().unwrap()).collect();
            assert!(scores.iter().all(|s| (1.0..=3.0).contains(s)), "{page}");
            for e in edges {
                assert!(
                    seen.insert(e["node"]["slug"].to_string()),
                    "{query}: no hit twice"
                );
            }
            if !page["search"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                break;
            }
            assert_eq!(edges.len(), 3, "only the last page is short");
            after = page["search"]["pageInfo"]["endCursor"]
                .as_str()
                .map(str::to_owned);
        }
        assert_eq!(
            seen.len() as i64,
            expected,
            "{query} {filter}: every hit once"
        );
    }
}

/// `filter` with `search: query` added: the list filter of the same articles.
fn merge(filter: &Value, query: &str) -> Value {
    let mut merged = filter.clone();
    merged["search"] = json!(query);
    merged
}

/// Every query of the corpus finds its expected articles: recall at least 0.95 and
/// precision at least 0.9 in every language.
async fn assert_recall_and_precision(app: &TestApp, corpus: &Corpus) {
    let mut by_language: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for q in &corpus.queries {
        let got: BTreeSet<String> = found(app, &q.query).await.into_iter().collect();
        let expected: BTreeSet<String> = q.expected.iter().cloned().collect();
        let hit = got.intersection(&expected).count();
        let entry = by_language.entry(q.locale.as_str()).or_default();
        entry.0 += hit;
        entry.1 += expected.len();
        entry.2 += got.len();
        if hit < expected.len() {
            misses.push(format!(
                "{} {:?}: missed {:?}",
                q.locale,
                q.query,
                expected.difference(&got).collect::<Vec<_>>()
            ));
        }
    }
    assert_eq!(by_language.len(), 8, "every language has queries");
    for (language, (hit, expected, got)) in &by_language {
        let recall = *hit as f64 / *expected as f64;
        let precision = *hit as f64 / (*got).max(1) as f64;
        assert!(
            recall >= 0.95,
            "{language}: recall {recall:.3} below 0.95; {misses:#?}"
        );
        assert!(
            precision >= 0.9,
            "{language}: precision {precision:.3} below 0.9"
        );
    }
}

#[tokio::test]
async fn hits_are_ranked_paged_and_highlighted() {
    let (app, _) = newsroom().await;
    let data = app
        .data(
            "{ search(query: \"서울\", first: 2) { totalCount edges { cursor score snippet } pageInfo { hasNextPage endCursor } } }",
            json!({}),
        )
        .await;
    let search = &data["search"];
    let total = search["totalCount"].as_i64().unwrap();
    assert!(total > 2, "{data}");
    let edges = search["edges"].as_array().unwrap();
    assert!(edges[0]["score"].as_f64() >= edges[1]["score"].as_f64());
    assert!(
        edges
            .iter()
            .any(|e| e["snippet"].as_str().unwrap().contains("<mark>서울</mark>")),
        "{data}"
    );
    let mut seen = BTreeSet::new();
    let mut after: Option<String> = None;
    loop {
        let page = app
            .data(
                "query($after: String) { search(query: \"서울\", first: 2, after: $after) { edges { node { slug } } pageInfo { hasNextPage endCursor } } }",
                json!({ "after": after }),
            )
            .await;
        for e in page["search"]["edges"].as_array().unwrap() {
            assert!(seen.insert(e["node"]["slug"].to_string()), "no hit twice");
        }
        if !page["search"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["search"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(seen.len() as i64, total, "the pages hold every hit once");
}

#[tokio::test]
async fn query_syntax_and_odd_strings_are_data_and_blank_is_refused() {
    let (app, _) = newsroom().await;
    for query in [
        "\"unbalanced",
        "*",
        "a OR b NOT c NEAR(d)",
        "'; DROP TABLE article; --",
        "!!! ::: &&&",
        "a\u{0}b",
        &"서울 ".repeat(5000),
    ] {
        let body = app.graphql(SEARCH, json!({ "q": query })).await;
        assert!(body.get("errors").is_none(), "{query:?}: {body}");
    }
    for blank in ["", "   "] {
        let body = app.graphql(SEARCH, json!({ "q": blank })).await;
        assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
    }
    let body = app
        .graphql(SEARCH, json!({ "q": "서울", "after": "garbage" }))
        .await;
    assert_eq!(first_code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn the_index_follows_edits_and_tag_renames_and_filters_combine() {
    let (app, _) = newsroom().await;
    assert!(found(&app, "zebracorn").await.is_empty());
    let editor = app.api_key(entity::ApiRole::Editor).await;
    let id = app
        .data(
            "{ article(slug: \"en-01-bts-world-tour\") { id } }",
            json!({}),
        )
        .await;
    let id = id["article"]["id"]
        .as_str()
        .expect("the corpus holds the article")
        .to_owned();
    let reply = app
        .post_as(
            &editor,
            "mutation($id: ID!) { upsertArticleTranslation(id: $id, input: {locale: VI, title: \"Zebracorn ở Hà Nội\", body: \"<p>x</p>\"}) { article { slug } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.text);
    assert_eq!(
        found(&app, "ZEBRACORN ha noi").await,
        ["en-01-bts-world-tour"]
    );
    let filtered: Value = app
        .data(
            "{ articles(first: 50, filter: {search: \"서울\", tag: \"seoul\"}) { totalCount } all: articles(filter: {search: \"서울\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        filtered["articles"]["totalCount"].as_i64() <= filtered["all"]["totalCount"].as_i64(),
        "{filtered}"
    );
    let tag = app.data("{ tag(slug: \"seoul\") { id } }", json!({})).await;
    let reply = app
        .post_as(
            &editor,
            "mutation($id: ID!) { updateTag(id: $id, input: {names: [{locale: EN, name: \"Quokkaville\"}]}) { tag { name } } }",
            json!({ "id": tag["tag"]["id"] }),
        )
        .await;
    assert!(reply.body.get("errors").is_none(), "{}", reply.text);
    let tagged = app
        .data(
            "{ tag(slug: \"seoul\") { articles(first: 100) { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        found(&app, "quokkaville").await.len() as i64,
        tagged["tag"]["articles"]["totalCount"].as_i64().unwrap(),
        "a renamed tag's articles are found by the new name at once"
    );
}
