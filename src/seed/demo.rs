//! The demo newsroom, written for newswire: categories and articles in eight languages, with
//! publish times relative to the moment of seeding so that the site always looks current.

use std::collections::HashMap;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::{
    article, article_like, article_tag, article_translation, category, category_translation,
    media_text, tag, tag_name, ArticleStatus, Locale, MediaRole, TagKind,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, TransactionTrait,
};

use super::visuals::{self, Visual};
use crate::domain::search;
use serde::Deserialize;

/// The demo content, as shipped in the binary.
const DEMO_JSON: &str = include_str!("demo.json");

#[derive(Deserialize)]
struct Demo {
    categories: Vec<DemoCategory>,
    tags: Vec<DemoTag>,
    articles: Vec<DemoArticle>,
}

#[derive(Deserialize)]
struct DemoTag {
    slug: String,
    kind: String,
    names: HashMap<String, String>,
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
pub async fn seed(db: &DatabaseConnection, site: &str) -> Result<(), DbErr> {
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
    let tags = insert_tags(&txn, &demo.tags, now).await?;
    let articles = article::Entity::find().all(&txn).await?;
    let texts = article_translation::Entity::find().all(&txn).await?;
    let site = site.trim_end_matches('/');
    for (n, row) in articles.iter().enumerate() {
        let own: Vec<&article_translation::Model> =
            texts.iter().filter(|t| t.article_id == row.id).collect();
        tag_by_names(&txn, row.id, &own, &tags).await?;
        attach_visuals(&txn, row, &own, site, n, now).await?;
    }
    let ids: Vec<i64> = articles.iter().map(|a| a.id).collect();
    search::index::reindex(&txn, &ids)
        .await
        .map_err(|e| DbErr::Custom(format!("demo content: search index: {e}")))?;
    txn.commit().await?;
    tracing::info!(
        categories = demo.categories.len(),
        tags = demo.tags.len(),
        articles = demo.articles.len(),
        "seeded the demo newsroom"
    );
    Ok(())
}

fn tag_kind(kind: &str) -> Result<TagKind, DbErr> {
    Ok(match kind {
        "PERSON" => TagKind::Person,
        "GROUP" => TagKind::Group,
        "TOPIC" => TagKind::Topic,
        "EVENT" => TagKind::Event,
        "ORGANIZATION" => TagKind::Organization,
        "PLACE" => TagKind::Place,
        other => {
            return Err(DbErr::Custom(format!(
                "demo content: unknown tag kind `{other}`"
            )))
        }
    })
}

/// Inserts the tags with their names; answers each tag's id with its names.
async fn insert_tags(
    txn: &DatabaseTransaction,
    tags: &[DemoTag],
    now: DateTime<Utc>,
) -> Result<Vec<(i64, Vec<String>)>, DbErr> {
    let mut out = Vec::new();
    for t in tags {
        let row = tag::ActiveModel {
            slug: Set(t.slug.clone()),
            kind: Set(tag_kind(&t.kind)?),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let mut names = Vec::new();
        for (code, name) in &t.names {
            names.push(tag_name::ActiveModel {
                tag_id: Set(row.id),
                locale: Set(locale(code)?),
                name: Set(name.clone()),
            });
        }
        tag_name::Entity::insert_many(names).exec(txn).await?;
        out.push((row.id, t.names.values().cloned().collect()));
    }
    Ok(out)
}

/// Tags the article with every tag one of whose names its text holds, at most five.
async fn tag_by_names(
    txn: &DatabaseTransaction,
    article_id: i64,
    texts: &[&article_translation::Model],
    tags: &[(i64, Vec<String>)],
) -> Result<(), DbErr> {
    let holds = |name: &str| {
        name.chars().count() >= 2
            && texts.iter().any(|t| {
                t.title.contains(name)
                    || t.summary.as_deref().is_some_and(|s| s.contains(name))
                    || t.body.contains(name)
            })
    };
    let found: Vec<i64> = tags
        .iter()
        .filter(|(_, names)| names.iter().any(|n| holds(n)))
        .map(|(id, _)| *id)
        .take(5)
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    article_tag::Entity::insert_many(found.iter().enumerate().map(|(i, tag_id)| {
        article_tag::ActiveModel {
            article_id: Set(article_id),
            tag_id: Set(*tag_id),
            position: Set(i32::try_from(i).unwrap_or_default()),
        }
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Inserts a media row and its texts.
async fn insert_visual(txn: &DatabaseTransaction, visual: Visual) -> Result<i64, DbErr> {
    let row = visual.row.clone().insert(txn).await?;
    let texts = visual.text_rows(row.id);
    if !texts.is_empty() {
        media_text::Entity::insert_many(texts).exec(txn).await?;
    }
    Ok(row.id)
}

/// Gives the article a cover photo on the site's media path, and every third one a
/// gallery photo and every fourth a video.
async fn attach_visuals(
    txn: &DatabaseTransaction,
    row: &article::Model,
    texts: &[&article_translation::Model],
    site: &str,
    n: usize,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let titles: Vec<(Locale, String)> = texts.iter().map(|t| (t.locale, t.title.clone())).collect();
    let slug = &row.slug;
    let cover = visuals::photo(
        None,
        row.id,
        MediaRole::Cover,
        0,
        format!("{site}/media/demo/{slug}/cover.jpg"),
        (1600, 900),
        &titles,
        now,
    );
    insert_visual(txn, cover).await?;
    let mut position = 1;
    if n % 3 == 0 {
        let gallery = visuals::photo(
            None,
            row.id,
            MediaRole::Body,
            position,
            format!("{site}/media/demo/{slug}/photo-1.jpg"),
            (1200, 1600),
            &titles,
            now,
        );
        insert_visual(txn, gallery).await?;
        position += 1;
    }
    if n % 4 == 0 {
        let [thumbnail, mut video] =
            visuals::video(None, row.id as u64, row.id, position, &titles, now);
        let thumbnail_id = insert_visual(txn, thumbnail).await?;
        video.row.thumbnail_id = Set(Some(thumbnail_id));
        insert_visual(txn, video).await?;
    }
    Ok(())
}
