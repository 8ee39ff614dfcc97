//! The demo newsroom, written for newswire: categories and articles in eight languages, with
//! publish times relative to the moment of seeding so that the site always looks current.

use std::collections::HashMap;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::{
    article, article_like, article_translation, category, category_translation, ArticleStatus,
    Locale,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait, TransactionTrait,
};
use serde::Deserialize;

/// The demo content, as shipped in the binary.
const DEMO_JSON: &str = include_str!("demo.json");

#[derive(Deserialize)]
struct Demo {
    categories: Vec<DemoCategory>,
    articles: Vec<DemoArticle>,
}

#[derive(Deserialize)]
struct DemoCategory {
    slug: String,
    parent: Option<String>,
    position: i32,
    translations: HashMap<String, DemoCategoryText>,
}

#[derive(Deserialize)]
struct DemoCategoryText {
    name: String,
    description: Option<String>,
}

#[derive(Deserialize)]
struct DemoArticle {
    slug: String,
    category: String,
    original_locale: String,
    status: String,
    published_hours_ago: Option<f64>,
    byline: Option<String>,
    source_url: Option<String>,
    likes: u32,
    translations: HashMap<String, DemoArticleText>,
}

#[derive(Deserialize)]
struct DemoArticleText {
    title: String,
    summary: Option<String>,
    body: String,
}

fn locale(code: &str) -> Result<Locale, DbErr> {
    Locale::from_code(code)
        .ok_or_else(|| DbErr::Custom(format!("demo content: unknown locale `{code}`")))
}

fn hours_before(now: DateTime<Utc>, hours: f64) -> DateTime<Utc> {
    // Seconds are enough precision for demo times; the cast cannot overflow for such spans.
    #[allow(clippy::cast_possible_truncation)]
    let seconds = (hours * 3600.0) as i64;
    now - Duration::seconds(seconds)
}

/// Inserts the demo newsroom in one transaction.
pub async fn seed(db: &DatabaseConnection) -> Result<(), DbErr> {
    let demo: Demo = serde_json::from_str(DEMO_JSON)
        .map_err(|e| DbErr::Custom(format!("demo content does not parse: {e}")))?;
    let now = Utc::now().trunc_subsecs(0);
    let txn = db.begin().await?;

    let mut category_ids: HashMap<String, i64> = HashMap::new();
    for c in &demo.categories {
        let parent_id = match &c.parent {
            Some(slug) => Some(*category_ids.get(slug).ok_or_else(|| {
                DbErr::Custom(format!(
                    "demo content: parent `{slug}` is not listed before `{}`",
                    c.slug
                ))
            })?),
            None => None,
        };
        let row = category::ActiveModel {
            slug: Set(c.slug.clone()),
            parent_id: Set(parent_id),
            position: Set(c.position),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        category_ids.insert(c.slug.clone(), row.id);
        let mut names = Vec::new();
        for (code, text) in &c.translations {
            names.push(category_translation::ActiveModel {
                category_id: Set(row.id),
                locale: Set(locale(code)?),
                name: Set(text.name.clone()),
                description: Set(text.description.clone()),
            });
        }
        category_translation::Entity::insert_many(names)
            .exec(&txn)
            .await?;
    }

    for a in &demo.articles {
        let category_id = *category_ids.get(&a.category).ok_or_else(|| {
            DbErr::Custom(format!("demo content: unknown category `{}`", a.category))
        })?;
        let (status, published_at) = match a.status.as_str() {
            "draft" => (ArticleStatus::Draft, None),
            "published" | "scheduled" => (
                ArticleStatus::Published,
                Some(hours_before(now, a.published_hours_ago.unwrap_or(1.0))),
            ),
            other => {
                return Err(DbErr::Custom(format!(
                    "demo content: unknown status `{other}`"
                )))
            }
        };
        let written = published_at.unwrap_or(now).min(now) - Duration::hours(3);
        let row = article::ActiveModel {
            slug: Set(a.slug.clone()),
            category_id: Set(category_id),
            original_locale: Set(locale(&a.original_locale)?),
            status: Set(status),
            published_at: Set(published_at),
            created_at: Set(written),
            updated_at: Set(published_at.unwrap_or(written).min(now)),
            deleted_at: Set(None),
            byline: Set(a.byline.clone()),
            source_url: Set(a.source_url.clone()),
            like_count: Set(0),
            ..Default::default()
        }
        .insert(&txn)
        .await?;

        let mut texts = Vec::new();
        for (code, text) in &a.translations {
            texts.push(article_translation::ActiveModel {
                article_id: Set(row.id),
                locale: Set(locale(code)?),
                title: Set(text.title.clone()),
                summary: Set(text.summary.clone()),
                body: Set(text.body.clone()),
                created_at: Set(written),
                updated_at: Set(written),
            });
        }
        article_translation::Entity::insert_many(texts)
            .exec(&txn)
            .await?;

        // Likes only for articles readers can see, spread between publication and now.
        if let (Some(from), true) = (
            published_at,
            published_at.is_some_and(|p| p <= now) && a.likes > 0,
        ) {
            let span = (now - from).num_seconds().max(1);
            let likes: Vec<article_like::ActiveModel> = (0..a.likes)
                .map(|i| article_like::ActiveModel {
                    article_id: Set(row.id),
                    liker: Set(format!("demo:reader-{i}")),
                    created_at: Set(
                        from + Duration::seconds(span * i64::from(i + 1) / i64::from(a.likes + 1))
                    ),
                })
                .collect();
            article_like::Entity::insert_many(likes).exec(&txn).await?;
            article::ActiveModel {
                id: Set(row.id),
                like_count: Set(i32::try_from(a.likes).unwrap_or(i32::MAX)),
                ..Default::default()
            }
            .update(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    tracing::info!(
        categories = demo.categories.len(),
        articles = demo.articles.len(),
        "seeded the demo newsroom"
    );
    Ok(())
}
