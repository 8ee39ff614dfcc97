//! Related articles: ranked by shared tags, then category, then recency; only what readers
//! may see; and nesting as deep as the depth limit allows.

use entity::{ArticleStatus, Locale};
use newswire::domain::editorial::tags;
use serde_json::json;

use crate::helpers::{ArticleSpec, TestApp};

async fn tag(app: &TestApp, slug: &str) {
    let new = tags::NewTag {
        slug: slug.into(),
        kind: entity::TagKind::Group,
        names: vec![(Locale::En, slug.to_uppercase())],
    };
    tags::create(&app.db, app.changes(), chrono::Utc::now(), new)
        .await
        .unwrap();
}

async fn tagged(app: &TestApp, spec: ArticleSpec, with: &[&str]) -> entity::article::Model {
    let row = app.article(spec).await;
    let slugs: Vec<String> = with.iter().map(|s| (*s).to_owned()).collect();
    tags::set_article_tags(&app.db, app.changes(), chrono::Utc::now(), row.id, &slugs)
        .await
        .unwrap();
    row
}

#[tokio::test]
async fn shared_tags_rank_first_then_category_then_recency_and_drafts_never_show() {
    let app = TestApp::spawn().await;
    let music = app.category("music", None).await;
    let film = app.category("film", None).await;
    for t in ["alpha", "beta", "gamma"] {
        tag(&app, t).await;
    }
    tagged(
        &app,
        ArticleSpec::published("source", music.id, 1),
        &["alpha", "beta"],
    )
    .await;
    tagged(
        &app,
        ArticleSpec::published("two-tags", film.id, 50),
        &["alpha", "beta"],
    )
    .await;
    tagged(
        &app,
        ArticleSpec::published("one-tag", film.id, 2),
        &["beta"],
    )
    .await;
    tagged(
        &app,
        ArticleSpec::published("same-section", music.id, 3),
        &["gamma"],
    )
    .await;
    tagged(
        &app,
        ArticleSpec::published("unrelated", film.id, 1),
        &["gamma"],
    )
    .await;
    let mut draft = ArticleSpec::published("draft", music.id, 1);
    draft.status = ArticleStatus::Draft;
    draft.published_at = None;
    tagged(&app, draft, &["alpha", "beta"]).await;

    let data = app
        .data(
            "{ article(slug: \"source\") { related(first: 10) { slug } } }",
            json!({}),
        )
        .await;
    let slugs: Vec<&str> = data["article"]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["two-tags", "one-tag", "same-section"], "{data}");

    let body = app
        .graphql(
            "{ article(slug: \"source\") { related(first: 21) { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        crate::helpers::first_code(&body),
        "BAD_USER_INPUT",
        "{body}"
    );
}

#[test]
fn the_deepest_nesting_the_depth_limit_allows_resolves() {
    // The server's runtime threads have this stack (see `THREAD_STACK_BYTES` in main.rs).
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 << 20)
        .build()
        .unwrap()
        .block_on(async {
            let app = TestApp::spawn().await;
            let news = app.category("news", None).await;
            tag(&app, "alpha").await;
            for i in 0..4 {
                tagged(
                    &app,
                    ArticleSpec::published(&format!("a{i}"), news.id, i + 1),
                    &["alpha"],
                )
                .await;
            }
            // Depth 15: seven levels of `related`, each with a cover and tags.
            let mut selection = "slug".to_owned();
            for _ in 0..6 {
                selection = format!(
                    "slug coverImage {{ url }} tags {{ name }} related(first: 1) {{ {selection} }}"
                );
            }
            let query = format!("{{ article(slug: \"a0\") {{ {selection} }} }}");
            let body = app.graphql(&query, json!({})).await;
            assert!(body.get("errors").is_none(), "{body}");
            let mut level = &body["data"]["article"];
            for _ in 0..6 {
                level = &level["related"][0];
                assert!(level["slug"].is_string(), "{body}");
            }
        });
}
