//! Demo and synthetic content.

use std::collections::HashSet;

use entity::{article, article_like, article_translation, category, ArticleStatus};
use newswire::{config::SeedMode, seed};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_demo_newsroom_covers_every_language_and_hides_its_drafts() {
    let app = TestApp::spawn().await;
    seed::on_start(&app.db, SeedMode::Demo, "http://localhost:8000")
        .await
        .unwrap();
    let categories = category::Entity::find().all(&app.db).await.unwrap();
    assert!(categories.len() >= 8);
    assert!(
        categories.iter().any(|c| c.parent_id.is_some()),
        "some subcategories"
    );
    let articles = article::Entity::find().all(&app.db).await.unwrap();
    assert!(articles.len() >= 40);
    assert!(articles.iter().any(|a| a.status == ArticleStatus::Draft));
    let texts = article_translation::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let locales: HashSet<_> = texts.iter().map(|t| t.locale).collect();
    assert_eq!(locales.len(), 8);
    let originals: HashSet<_> = articles.iter().map(|a| a.original_locale).collect();
    assert!(originals.len() >= 4, "originals in several languages");

    let data = app
        .data("{ articles(first: 100) { totalCount nodes { title } } mostLiked(window: ALL_TIME) { slug } }", json!({}))
        .await;
    let visible = data["articles"]["totalCount"].as_u64().unwrap();
    assert!(
        visible >= 40 && visible < articles.len() as u64,
        "drafts and the scheduled one are hidden"
    );
    assert!(!data["mostLiked"].as_array().unwrap().is_empty());

    // Seeding on start leaves a database with content alone.
    seed::on_start(&app.db, SeedMode::Demo, "http://localhost:8000")
        .await
        .unwrap();
    assert_eq!(
        article::Entity::find().count(&app.db).await.unwrap(),
        articles.len() as u64
    );
}

#[tokio::test]
async fn synthetic_content_has_translations_likes_and_a_category_tree() {
    let app = TestApp::spawn().await;
    seed::synthetic::seed(&app.db, 300, "http://localhost:8000")
        .await
        .unwrap();
    assert_eq!(article::Entity::find().count(&app.db).await.unwrap(), 300);
    assert_eq!(
        article_translation::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1200
    );
    assert_eq!(category::Entity::find().count(&app.db).await.unwrap(), 40);
    let likes = article_like::Entity::find().count(&app.db).await.unwrap();
    let counted: i64 = article::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|a| i64::from(a.like_count))
        .sum();
    assert_eq!(likes as i64, counted, "like_count matches the like rows");
    // A second run adds more articles after the first ones, reusing the tree.
    seed::synthetic::seed(&app.db, 10, "http://localhost:8000")
        .await
        .unwrap();
    assert_eq!(article::Entity::find().count(&app.db).await.unwrap(), 310);
    assert_eq!(category::Entity::find().count(&app.db).await.unwrap(), 40);
    let data = app
        .data(
            "{ articles(first: 3, orderBy: MOST_LIKED) { nodes { likeCount } } }",
            json!({}),
        )
        .await;
    assert!(data["articles"]["nodes"][0]["likeCount"].as_i64().unwrap() > 0);
}
